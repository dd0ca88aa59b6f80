/* af-window-pages.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-window"

#include "config.h"

#include <glib/gi18n.h>

#include "af-window-private.h"

/* The window opens on the dashboard; its other pages (Agents, Approvals,
 * Integrations and an agent's page with its header bar actions) are built
 * the first time they are shown or asked for, so that the first frame
 * does not wait for widgets nobody sees yet. Until a page exists, what the window would have told it
 * waits here and is handed over when it is built: the account states,
 * the sandbox, the accounts service, the Auth0 tenant and the engine. */

typedef struct
{
  AfIntegrationState state;
  char              *account;
  char              *used_by;
} ServiceState;

static void
service_state_free (ServiceState *s)
{
  g_free (s->account);
  g_free (s->used_by);
  g_free (s);
}

static void
on_agent_open_cb (AfAgentsPage *page,
                  AfAgent      *agent,
                  AfWindow     *self)
{
  af_window_open_agent (self, agent);
}

static void
on_n_pending_cb (AfWindow *self)
{
  af_window_update_approvals_badge (self);
}

static void
build_agents_page (AfWindow *self)
{
  self->agents_page = g_object_new (AF_TYPE_AGENTS_PAGE, NULL);
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->agents_page), "agents", _ ("Agents"));
  g_signal_connect_object (self->agents_page, "open", G_CALLBACK (on_agent_open_cb), self, 0);
  af_window_actions_watch_agents_page (self);
  af_window_bind_agents_page_to_engine (self);
}

static void
build_approvals_page (AfWindow *self)
{
  self->approvals_page = g_object_new (AF_TYPE_APPROVALS_PAGE, NULL);
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->approvals_page), "approvals", _ ("Approvals"));
  /* From now on the badge counts what the page counts. */
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_func (af_engine_get_approvals (self->engine), af_window_update_approvals_badge,
                                          self);
  g_signal_connect_object (self->approvals_page, "notify::n-pending", G_CALLBACK (on_n_pending_cb), self,
                           G_CONNECT_SWAPPED);
  af_window_actions_watch_approvals_page (self);
  af_window_bind_approvals_page_to_engine (self);
  af_window_update_approvals_badge (self);
}

static void
build_integrations_page (AfWindow *self)
{
  GHashTableIter iter;
  const char    *service;
  ServiceState  *s;

  self->integrations_page = g_object_new (AF_TYPE_INTEGRATIONS_PAGE, NULL);
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->integrations_page), "integrations", _ ("Integrations"));
  af_window_accounts_watch_page (self);

  if (self->sandbox_set)
    af_integrations_page_set_sandbox (self->integrations_page, self->sandbox);
  if (self->accounts_set)
    {
      af_integrations_page_set_oidc_available (self->integrations_page,
                                               self->accounts != NULL && af_account_manager_get_oidc_issuer (self->accounts) != NULL);
      af_integrations_page_set_account_manager (self->integrations_page, self->accounts, self->settings);
    }
  if (self->auth0_domain != NULL)
    af_integrations_page_set_auth0_tenant (self->integrations_page, self->auth0_domain, self->auth0_client_id,
                                           self->auth0_client_secret);
  af_window_bind_integrations_page_to_engine (self);

  /* The page keeps the states from now on. */
  g_hash_table_iter_init (&iter, self->service_states);
  while (g_hash_table_iter_next (&iter, (gpointer *)&service, (gpointer *)&s))
    af_integrations_page_set_state (self->integrations_page, service, s->state, s->account, s->used_by);
  g_hash_table_remove_all (self->service_states);
}

/* The agent page's actions (menu, Pause or Resume, Run Now, Edit) go in
 * the content header bar, shown with the page. */
static void
build_agent_actions (AfWindow *self)
{
  g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource ("/org/agentflow/App/ui/af-window-agent-actions.ui");

  self->agent_actions = GTK_WIDGET (gtk_builder_get_object (builder, "agent_actions"));
  self->agent_pause_button = GTK_BUTTON (gtk_builder_get_object (builder, "agent_pause_button"));
  adw_header_bar_pack_end (self->content_header_bar, self->agent_actions);
}

static void
build_agent_page (AfWindow *self)
{
  build_agent_actions (self);
  self->agent_page = g_object_new (AF_TYPE_AGENT_PAGE, NULL);
  self->agent_stack_page = gtk_stack_add_titled (self->stack, GTK_WIDGET (self->agent_page), "agent", _ ("Agent"));
  af_window_bind_agent_page_to_engine (self);
}

/* Builds the page @name ("dashboard", "agents", "approvals", "integrations"
 * or "agent") if it does not exist yet; %NULL for any other name. */
GtkWidget *
af_window_ensure_page (AfWindow   *self,
                       const char *name)
{
  GtkWidget *page;

  g_assert (AF_IS_WINDOW (self));

  if (name == NULL)
    return NULL;
  if ((page = gtk_stack_get_child_by_name (self->stack, name)) != NULL)
    return page;

  if (g_str_equal (name, "agents"))
    build_agents_page (self);
  else if (g_str_equal (name, "approvals"))
    build_approvals_page (self);
  else if (g_str_equal (name, "integrations"))
    build_integrations_page (self);
  else if (g_str_equal (name, "agent"))
    build_agent_page (self);
  else
    return NULL;

  return gtk_stack_get_child_by_name (self->stack, name);
}

/* Shows the page @name, built first if need be. */
void
af_window_show_page (AfWindow   *self,
                     const char *name)
{
  g_assert (AF_IS_WINDOW (self));

  if (af_window_ensure_page (self, name) != NULL)
    gtk_stack_set_visible_child_name (self->stack, name);
}

/* The sidebar's Approvals badge: the approvals waiting, as the page
 * counts them, or before it exists, as the engine does (the page shows
 * the engine's list). */
void
af_window_update_approvals_badge (AfWindow *self)
{
  guint            n;
  g_autofree char *text = NULL;
  g_autofree char *a11y = NULL;

  g_assert (AF_IS_WINDOW (self));

  if (self->approvals_page != NULL)
    n = af_approvals_page_get_n_pending (self->approvals_page);
  else if (self->engine != NULL)
    n = g_list_model_get_n_items (af_engine_get_approvals (self->engine));
  else
    n = 0;

  text = g_strdup_printf ("%u", n);
  a11y = n > 0 ? g_strdup_printf (ngettext ("Approvals, %u waiting", "Approvals, %u waiting", n), n)
               : g_strdup (_ ("Approvals"));
  gtk_label_set_label (self->approvals_badge, text);
  gtk_widget_set_visible (GTK_WIDGET (self->approvals_badge), n > 0);
  /* The badge is a number; a screen reader says what it counts. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_ancestor (GTK_WIDGET (self->approvals_badge),
                                                                           GTK_TYPE_LIST_BOX_ROW)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

/* The state of @service's account as Integrations shows it, or will. */
AfIntegrationState
af_window_get_service_state (AfWindow   *self,
                             const char *service)
{
  ServiceState *s;

  g_assert (AF_IS_WINDOW (self));

  if (self->integrations_page != NULL)
    return af_integrations_page_get_state (self->integrations_page, service);
  s = g_hash_table_lookup (self->service_states, service);
  return s != NULL ? s->state : AF_INTEGRATION_DISCONNECTED;
}

void
af_window_set_service_state (AfWindow          *self,
                             const char        *service,
                             AfIntegrationState state,
                             const char        *account,
                             const char        *used_by)
{
  ServiceState *s;

  g_assert (AF_IS_WINDOW (self));

  if (self->integrations_page != NULL)
    {
      af_integrations_page_set_state (self->integrations_page, service, state, account, used_by);
      return;
    }
  s = g_new0 (ServiceState, 1);
  s->state = state;
  s->account = g_strdup (account);
  s->used_by = g_strdup (used_by);
  g_hash_table_replace (self->service_states, g_strdup (service), s);
}

void
af_window_pages_init (AfWindow *self)
{
  self->service_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)service_state_free);
}

/* The pages go with the stack (a template child). */
void
af_window_pages_dispose (AfWindow *self)
{
  GtkWidget *pages[] = { GTK_WIDGET (self->agents_page), GTK_WIDGET (self->approvals_page),
                         GTK_WIDGET (self->integrations_page), GTK_WIDGET (self->agent_page) };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (pages[i] != NULL)
      g_signal_handlers_disconnect_by_data (pages[i], self);
  self->agents_page = NULL;
  self->approvals_page = NULL;
  self->integrations_page = NULL;
  self->agent_page = NULL;
  self->agent_stack_page = NULL;
  /* The header bar (a template child) owns them. */
  self->agent_actions = NULL;
  self->agent_pause_button = NULL;
}

void
af_window_pages_finalize (AfWindow *self)
{
  g_clear_pointer (&self->service_states, g_hash_table_unref);
  g_clear_pointer (&self->auth0_domain, g_free);
  g_clear_pointer (&self->auth0_client_id, g_free);
  g_clear_pointer (&self->auth0_client_secret, g_free);
}
