/* af-window-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-agent-editor.h"
#include "af-agent-page.h"
#include "af-agents-page.h"
#include "af-approvals-page.h"
#include "af-dashboard-page.h"
#include "af-integrations-page.h"
#include "af-window.h"

G_BEGIN_DECLS

/* The window is split by concern: af-window.c navigates between the pages
 * and owns the lifetime, af-window-pages.c builds the pages other than the
 * dashboard when they are first needed, af-window-actions.c acts on
 * agents and approvals, af-window-accounts.c connects and disconnects
 * accounts, and af-window-engine.c binds the pages to the engine (feeds,
 * metrics and their timers). They share the instance struct. */
struct _AfWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AfEngine         *engine;
  AfAccountManager *accounts;
  GHashTable       *connecting; /* service → GCancellable */
  AfActivityModel  *activity;
  gboolean          agents_page_bound;
  guint             metrics_id;
  guint             midnight_id;
  /* The actions per day of the charts: past days cached. */
  AfMetricsHistory *history;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwLeaflet      *leaflet;
  GtkListBox      *sidebar_list;
  GtkLabel        *approvals_badge;
  AdwWindowTitle  *content_title;
  AdwHeaderBar    *content_header_bar;
  AdwWindowTitle  *sidebar_title;
  GtkWidget       *new_agent_button;
  GtkMenuButton   *primary_menu_button;
  GMenuModel      *primary_menu;
  GtkStack        *stack;
  AfDashboardPage *dashboard_page;
  GtkWidget       *back_button;

  /* The other pages, %NULL until first shown or asked for
   * (af-window-pages.c), and what waits for them until then. */
  AfAgentsPage       *agents_page;
  AfApprovalsPage    *approvals_page;
  AfIntegrationsPage *integrations_page;
  AfAgentPage        *agent_page;
  GtkStackPage       *agent_stack_page;
  GtkWidget          *agent_actions; /* in the content header bar, with the agent page */
  GtkButton          *agent_pause_button;
  GHashTable         *service_states; /* service → its state for Integrations */
  char               *auth0_domain;
  char               *auth0_client_id;
  char               *auth0_client_secret;
  guint               sandbox : 1;
  guint               sandbox_set : 1;
  guint               accounts_set : 1;
};

/* af-window.c */
AdwToast *af_window_text_toast (const char *text);
void      af_window_show_error_toast (AfWindow     *self,
                                      const char   *what,
                                      const GError *error);
void      af_window_open_agent (AfWindow *self,
                                AfAgent  *agent);
void      af_window_bind_agents_page_when_shown (AfWindow *self);
void      af_window_watch_editor_saved (AfWindow      *self,
                                        AfAgentEditor *editor);
AfAgent  *af_window_create_agent_from_editor (AfWindow          *self,
                                              AfAgentEditor     *editor,
                                              AfAgentDefinition *definition,
                                              GError           **error);
char     *af_window_find_account (AfWindow   *self,
                                  const char *service);

/* af-window-pages.c */
GtkWidget         *af_window_ensure_page (AfWindow   *self,
                                          const char *name);
void               af_window_show_page (AfWindow   *self,
                                        const char *name);
void               af_window_update_approvals_badge (AfWindow *self);
AfIntegrationState af_window_get_service_state (AfWindow   *self,
                                                const char *service);
void               af_window_set_service_state (AfWindow          *self,
                                                const char        *service,
                                                AfIntegrationState state,
                                                const char        *account,
                                                const char        *used_by);
void               af_window_pages_init (AfWindow *self);
void               af_window_pages_dispose (AfWindow *self);
void               af_window_pages_finalize (AfWindow *self);

/* af-window-actions.c */
void af_window_actions_class_init (GtkWidgetClass *widget_class);
void af_window_actions_watch_agents_page (AfWindow *self);
void af_window_actions_watch_approvals_page (AfWindow *self);
void af_window_watch_editor (AfWindow      *self,
                             AfAgentEditor *editor);
void af_window_update_agent_actions (AfWindow *self);

/* af-window-accounts.c */
void  af_window_accounts_class_init (GtkWidgetClass *widget_class);
void  af_window_accounts_watch_page (AfWindow *self);
GStrv af_window_dup_connected_services (AfWindow *self);
void  af_window_refresh_connections (AfWindow *self);
void  af_window_start_connect (AfWindow   *self,
                               const char *service);
void  af_window_cancel_connect (AfWindow   *self,
                                const char *service);

/* af-window-engine.c */
void af_window_bind_engine (AfWindow *self,
                            AfEngine *engine);
void af_window_bind_agents_page_to_engine (AfWindow *self);
void af_window_bind_approvals_page_to_engine (AfWindow *self);
void af_window_bind_integrations_page_to_engine (AfWindow *self);
void af_window_bind_agent_page_to_engine (AfWindow *self);
void af_window_update_metrics (AfWindow *self);
void af_window_queue_metrics (AfWindow *self);

G_END_DECLS
