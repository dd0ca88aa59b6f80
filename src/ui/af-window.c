/* af-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-window"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "af-source.h"
#include "af-account-manager.h"
#include "af-agent-editor.h"
#include "af-agent-page.h"
#include "af-agents-page.h"
#include "af-a11y.h"
#include "af-approvals-page.h"
#include "af-dashboard-page.h"
#include "af-engine.h"
#include "af-integrations-page.h"
#include "af-model-settings.h"
#include "af-template-picker.h"
#include "af-time-saved-group.h"
#include "af-window.h"

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
  AdwToastOverlay    *toast_overlay;
  AdwLeaflet         *leaflet;
  GtkListBox         *sidebar_list;
  GtkLabel           *approvals_badge;
  AdwWindowTitle     *content_title;
  AdwWindowTitle     *sidebar_title;
  GtkStack           *stack;
  AfDashboardPage    *dashboard_page;
  AfAgentsPage       *agents_page;
  AfApprovalsPage    *approvals_page;
  AfIntegrationsPage *integrations_page;
  AfAgentPage        *agent_page;
  GtkStackPage       *agent_stack_page;
  GtkWidget          *back_button;
  GtkWidget          *agent_actions;
  GtkButton          *agent_pause_button;
};

static void  refresh_connections (AfWindow *self);
static void  update_editors (AfWindow *self);
static char *find_account (AfWindow   *self,
                           const char *service);

G_DEFINE_FINAL_TYPE (AfWindow, af_window, ADW_TYPE_APPLICATION_WINDOW)

/* Benchmarks (bench/) start the app with AGENTFLOW_BENCH_T0 set to a
 * CLOCK_MONOTONIC time in microseconds taken before exec; the first painted
 * frame prints how long it took. */
static void
on_first_frame_painted_cb (GdkFrameClock *clock,
                           AfWindow      *self)
{
  const char *t0 = g_getenv ("AGENTFLOW_BENCH_T0");

  g_signal_handlers_disconnect_by_func (clock, on_first_frame_painted_cb, self);

  if (t0 != NULL)
    {
      gint64 start = g_ascii_strtoll (t0, NULL, 10);

      g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - start);
      fflush (stdout);
    }
}

/* Names other parts of the app use for views (notifications say
 * "connections" and "activity"), mapped to the page that shows them. */
static const char *
canonical_view (const char *view)
{
  if (g_strcmp0 (view, "connections") == 0)
    return "integrations";
  if (g_strcmp0 (view, "activity") == 0)
    return "dashboard";
  return view;
}

static void
select_sidebar_row (AfWindow   *self,
                    const char *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      {
        gtk_list_box_select_row (self->sidebar_list, GTK_LIST_BOX_ROW (row));
        return;
      }
}

/* The agents list gets its model when it is first shown: a GtkListView
 * builds rows (each with its metrics) for its first items even while its
 * page is hidden, which would delay the window with many agents. */
static void
bind_agents_page (AfWindow *self)
{
  if (self->agents_page_bound || self->engine == NULL)
    return;
  self->agents_page_bound = TRUE;
  af_agents_page_set_model (self->agents_page, af_engine_get_agents (self->engine));
}

static gboolean
showing_agents (AfWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  return g_strcmp0 (name, "agents") == 0 || g_strcmp0 (name, "agent") == 0;
}

static void
on_stack_visible_child_cb (AfWindow *self)
{
  const char   *name;
  GtkStackPage *page;

  /* Signals from the template arrive before it is complete. */
  if (self->stack == NULL || self->back_button == NULL || self->content_title == NULL)
    return;
  name = gtk_stack_get_visible_child_name (self->stack);
  if (name == NULL)
    return;

  page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));
  adw_window_title_set_title (self->content_title, gtk_stack_page_get_title (page));
  if (showing_agents (self))
    bind_agents_page (self);
  /* An agent's page belongs to Agents, and leads back to it. */
  select_sidebar_row (self, g_str_equal (name, "agent") ? "agents" : name);
  gtk_widget_set_visible (self->back_button,
                          adw_leaflet_get_folded (self->leaflet) || g_str_equal (name, "agent"));
  /* The agent's page has the agent's actions in the header bar. */
  if (self->agent_actions != NULL)
    gtk_widget_set_visible (self->agent_actions, g_str_equal (name, "agent"));
}

static void
on_sidebar_row_activated_cb (AfWindow      *self,
                             GtkListBoxRow *row)
{
  gtk_stack_set_visible_child_name (self->stack, gtk_widget_get_name (GTK_WIDGET (row)));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_leaflet_folded_cb (AfWindow *self)
{
  on_stack_visible_child_cb (self);

  /* Folded, the sidebar is a list of places to go: no row stays selected. */
  if (adw_leaflet_get_folded (self->leaflet))
    gtk_list_box_set_selection_mode (self->sidebar_list, GTK_SELECTION_NONE);
  else
    {
      gtk_list_box_set_selection_mode (self->sidebar_list, GTK_SELECTION_SINGLE);
      select_sidebar_row (self, gtk_stack_get_visible_child_name (self->stack));
    }
}

static void
on_n_pending_cb (AfWindow *self)
{
  guint            n = af_approvals_page_get_n_pending (self->approvals_page);
  g_autofree char *text = g_strdup_printf ("%u", n);

  g_autofree char *a11y = n > 0 ? g_strdup_printf (ngettext ("Approvals, %u waiting", "Approvals, %u waiting", n), n)
                                : g_strdup (_ ("Approvals"));

  gtk_label_set_label (self->approvals_badge, text);
  gtk_widget_set_visible (GTK_WIDGET (self->approvals_badge), n > 0);
  /* The badge is a number; a screen reader says what it counts. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_ancestor (GTK_WIDGET (self->approvals_badge),
                                                                           GTK_TYPE_LIST_BOX_ROW)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

static GStrv
dup_connected_services (AfWindow *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (const char *const *s = (const char *const[]){ "gmail", "calendar", "slack", "oidc", NULL }; *s; s++)
    if (af_integrations_page_get_state (self->integrations_page, *s) == AF_INTEGRATION_CONNECTED)
      g_strv_builder_add (builder, *s);
  return g_strv_builder_end (builder);
}

static void update_metrics (AfWindow *self);

static gboolean
on_midnight_cb (gpointer user_data)
{
  AfWindow *self = user_data;

  self->midnight_id = 0;
  update_metrics (self);
  return G_SOURCE_REMOVE;
}

static void
update_metrics (AfWindow *self)
{
  GListModel *agents;
  AfMetrics   m = { 0 };
  guint       active = 0;

  if (self->engine == NULL)
    return;

  agents = af_engine_get_agents (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (af_agent_get_state (agent) == AF_AGENT_STATE_ACTIVE)
        active++;
    }

  af_engine_get_metrics (self->engine, NULL, &m);
  /* "Actions today" starts again at midnight, whether or not anything
   * happens then. */
  if (self->midnight_id == 0)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();
      g_autoptr (GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                           g_date_time_get_day_of_month (now), 0, 0, 0);
      g_autoptr (GDateTime) tomorrow = g_date_time_add_days (today, 1);

      self->midnight_id = af_timeout_add_seconds_named (g_date_time_difference (tomorrow, now) / G_USEC_PER_SEC + 1, "[agentflow] midnight", on_midnight_cb, self);
    }
  /* The tiles read what the chart and the feed read: today's actions
   * from the same counters as today's bar; the success rate over runs
   * that acted (a poll that found nothing is no success); the time saved
   * from the estimates in Preferences, each item counted once. */
  if (self->history != NULL)
    {
      g_autoptr (AfMetricsStore) store = af_metrics_store_new (af_activity_log_get_database (af_engine_get_activity_log (self->engine)));
      g_autofree AfDayActions *today = af_metrics_history_get_days (self->history, NULL, 1);
      g_autoptr (GHashTable) items = NULL;
      g_autoptr (GError) error = NULL;
      gint64 week = g_get_real_time () - 7 * G_TIME_SPAN_DAY;
      guint  acted = 0, succeeded = 0;

      if (!af_metrics_store_count_runs (store, NULL, week, &acted, &succeeded, &error))
        g_warning ("Could not count the runs: %s", error->message);
      g_clear_error (&error);
      items = af_metrics_store_items_per_action (store, NULL, week, &error);
      if (items == NULL)
        g_warning ("Could not count the items acted on: %s", error->message);
      af_dashboard_page_set_metrics (self->dashboard_page, active, today[0].done,
                                     acted > 0 ? (double)succeeded / acted : -1,
                                     (guint)(af_time_saved_estimate (self->settings, items) + 0.5));
      return;
    }
  af_dashboard_page_set_metrics (self->dashboard_page, active, m.actions_today,
                                 m.runs_7d > 0 ? m.success_rate_7d : -1,
                                 (guint)(m.minutes_saved_7d + 0.5));
}

static gboolean
on_metrics_idle_cb (gpointer user_data)
{
  AfWindow *self = user_data;

  self->metrics_id = 0;
  update_metrics (self);
  return G_SOURCE_REMOVE;
}

/* Activity arrives in bursts (a run logs its steps at once, the feed
 * hears of them together): the tiles are read once per burst, before the
 * next frame draws the feed, so the two never disagree on screen. */
static void
queue_metrics (AfWindow *self)
{
  if (self->metrics_id == 0)
    self->metrics_id = af_idle_add_named (G_PRIORITY_HIGH_IDLE, "[agentflow] dashboard metrics", on_metrics_idle_cb, self);
}

static void
on_agents_changed_cb (AfWindow *self)
{
  GListModel *agents = af_engine_get_agents (self->engine);
  guint       n = g_list_model_get_n_items (agents);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      g_strv_builder_add (names, af_agent_get_name (agent));
    }
  strv = g_strv_builder_end (names);
  af_dashboard_page_set_agent_names (self->dashboard_page, (const char *const *)strv);
  af_dashboard_page_set_has_agents (self->dashboard_page, n > 0);
  queue_metrics (self);
  refresh_connections (self);
}

static char *
resolve_agent_name_cb (const char *agent_id,
                       gpointer    user_data)
{
  AfWindow *self = user_data;
  AfAgent  *agent = self->engine ? af_engine_lookup_agent (self->engine, agent_id) : NULL;

  return agent ? g_strdup (af_agent_get_name (agent)) : NULL;
}

static char *
agent_detail_cb (GObject *item,
                 gpointer user_data)
{
  AfWindow *self = user_data;
  AfMetrics m = { 0 };

  if (self->engine == NULL || !AF_IS_AGENT (item))
    return NULL;

  af_engine_get_metrics (self->engine, af_agent_get_id (AF_AGENT (item)), &m);
  if (m.runs == 0)
    return g_strdup (_ ("Has not run yet"));
  /* Translators: an agent's actions, then its success rate */
  return g_strdup_printf (ngettext ("%u action · %.0f %% of runs successful", "%u actions · %.0f %% of runs successful", m.actions),
                          m.actions, m.success_rate * 100);
}

static GListModel *
create_agent_activity_cb (const char *agent_name,
                          gboolean    errors_only,
                          gboolean    with_idle,
                          gpointer    user_data)
{
  AfWindow   *self = user_data;
  GListModel *agents;
  /* The engine records failures as "action-failed"; otherwise the feed:
   * a row per run, not per step. */
  const char *kind = errors_only ? "action-failed" : with_idle ? AF_ACTIVITY_FEED_WITH_IDLE
                                                               : AF_ACTIVITY_FEED;

  if (self->engine == NULL)
    return NULL;
  if (agent_name == NULL)
    return G_LIST_MODEL (af_engine_create_activity_model (self->engine, NULL, kind));

  agents = af_engine_get_agents (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (g_strcmp0 (af_agent_get_name (agent), agent_name) == 0)
        return G_LIST_MODEL (af_engine_create_activity_model (self->engine, af_agent_get_id (agent), kind));
    }
  return NULL;
}

/* Toast titles are markup in libadwaita 1.2; names and messages are not. */
static AdwToast *
text_toast (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  return adw_toast_new (escaped);
}

static void
on_error_details_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_error_details_cb (AdwToast *toast,
                     AfWindow *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), g_object_get_data (G_OBJECT (toast), "what"),
                                              g_object_get_data (G_OBJECT (toast), "message"));

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_error_details_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Toasts hold one short line: the error says what failed, and Details
 * shows the core's full sentence (often with what to do). */
static void
show_error_toast (AfWindow     *self,
                  const char   *what,
                  const GError *error)
{
  AdwToast *toast = text_toast (what);

  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _ ("_Details"));
  g_object_set_data_full (G_OBJECT (toast), "message", g_strdup (error->message), g_free);
  g_object_set_data_full (G_OBJECT (toast), "what", g_strdup (what), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_error_details_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
set_agent_active (AfWindow   *self,
                  const char *id,
                  gboolean    active,
                  gboolean    offer_undo);

static void
on_undo_pause_cb (AdwToast *toast,
                  AfWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (toast), "agent-id");
  gboolean    active = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (toast), "active"));

  set_agent_active (self, id, !active, FALSE);
}

static void
set_agent_active (AfWindow   *self,
                  const char *id,
                  gboolean    active,
                  gboolean    offer_undo)
{
  g_autoptr (GError) error = NULL;
  AfAgent         *agent = af_engine_lookup_agent (self->engine, id);
  g_autofree char *title = NULL;
  AdwToast        *toast;
  gboolean         ok;

  if (agent == NULL)
    return;

  ok = active ? af_engine_resume_agent (self->engine, id, &error)
              : af_engine_pause_agent (self->engine, id, &error);
  if (!ok)
    {
      g_autofree char *what = g_strdup_printf (active ? _ ("Could not resume “%s”") : _ ("Could not pause “%s”"),
                                               af_agent_get_name (agent));

      show_error_toast (self, what, error);
      return;
    }

  title = g_strdup_printf (active ? _ ("“%s” resumed") : _ ("“%s” paused"), af_agent_get_name (agent));
  toast = text_toast (title);
  if (offer_undo)
    {
      adw_toast_set_button_label (toast, _ ("_Undo"));
      g_object_set_data_full (G_OBJECT (toast), "agent-id", g_strdup (id), g_free);
      g_object_set_data (G_OBJECT (toast), "active", GINT_TO_POINTER (active));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_pause_cb), self, 0);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  queue_metrics (self);
}

static void
on_agent_set_active_cb (AfAgentsPage *page,
                        AfAgent      *agent,
                        gboolean      active,
                        AfWindow     *self)
{
  set_agent_active (self, af_agent_get_id (agent), active, TRUE);
}

static void
on_run_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AdwToast) running = user_data;
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (running), "agent-name"));
  GApplication    *app = g_application_get_default ();
  AfWindow        *self = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) outcome = af_engine_run_agent_finish (AF_ENGINE (source), result, &error);
  g_autofree char *title = NULL;
  gboolean         running_shown = g_object_get_data (G_OBJECT (running), "af-dismissed") == NULL;

  /* The window may have closed while the agent ran. */
  for (GList *l = app ? gtk_application_get_windows (GTK_APPLICATION (app)) : NULL; l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      self = l->data;
  if (self == NULL)
    return;

  if (outcome == NULL)
    {
      g_autofree char *what = g_strdup_printf (_ ("“%s” could not run"), name);

      show_error_toast (self, what, error);
      return;
    }

  if (g_strcmp0 (json_object_get_string_member_with_default (outcome, "outcome", NULL), "succeeded") == 0)
    {
      guint done = json_object_get_int_member_with_default (outcome, "done", 0);
      guint waiting = json_object_get_int_member_with_default (outcome, "waiting", 0);

      if (waiting > 0)
        /* Translators: an agent ran; %u actions wait in Approvals */
        title = g_strdup_printf (ngettext ("“%s” ran: %u action waits for your approval",
                                           "“%s” ran: %u actions wait for your approval", waiting),
                                 name, waiting);
      else
        title = g_strdup_printf (ngettext ("“%s” ran: %u action done", "“%s” ran: %u actions done", done),
                                 name, done);
    }
  else
    title = g_strdup_printf (_ ("“%s” did not finish its run: see its activity"), name);

  /* The result replaces "Running…" rather than queue behind it: the same
   * toast says it. Dismissing a toast that is still appearing (a quick
   * run) crashes libadwaita 1.2's overlay, and a new toast would flicker. */
  if (running_shown)
    {
      g_autofree char *escaped = g_markup_escape_text (title, -1);

      adw_toast_set_title (running, escaped);
    }
  else
    adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
  queue_metrics (self);
}

static void
on_running_dismissed_cb (AdwToast *toast)
{
  g_object_set_data (G_OBJECT (toast), "af-dismissed", GINT_TO_POINTER (TRUE));
}

static void
on_agent_run_cb (AfAgentsPage *page,
                 AfAgent      *agent,
                 AfWindow     *self)
{
  g_autofree char *title = g_strdup_printf (_ ("Running “%s”…"), af_agent_get_name (agent));
  AdwToast        *toast = text_toast (title);

  g_object_set_data_full (G_OBJECT (toast), "agent-name", g_strdup (af_agent_get_name (agent)), g_free);
  g_signal_connect (toast, "dismissed", G_CALLBACK (on_running_dismissed_cb), NULL);
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
  af_engine_run_agent_async (self->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_done_cb, toast);
}

static void
on_export_response_cb (GtkNativeDialog *chooser,
                       int              response,
                       AfWindow        *self)
{
  const char *id = g_object_get_data (G_OBJECT (chooser), "agent-id");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr (GError) error = NULL;

      if (af_engine_export_agent (self->engine, id, file, &error))
        {
          g_autofree char *basename = g_file_get_basename (file);
          g_autofree char *title = g_strdup_printf (_ ("Exported to %s"), basename);

          adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
        }
      else
        show_error_toast (self, _ ("Could not export the agent"), error);
    }
  g_object_unref (chooser);
}

static void
on_agent_export_cb (AfAgentsPage *page,
                    AfAgent      *agent,
                    AfWindow     *self)
{
  GtkFileChooserNative *chooser;
  g_autofree char      *name = g_strdup_printf ("%s.json", af_agent_get_name (agent));

  chooser = gtk_file_chooser_native_new (_ ("Export Agent"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "agent-id", g_strdup (af_agent_get_id (agent)), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       AfWindow         *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (dialog), "agent-id"));
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (dialog), "agent-name"));
  GtkWidget       *check = adw_message_dialog_get_extra_child (dialog);
  gboolean         remove_activity = gtk_check_button_get_active (GTK_CHECK_BUTTON (check));
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  gtk_window_destroy (GTK_WINDOW (dialog));

  if (!g_str_equal (response, "delete") || self->engine == NULL)
    return;

  if (!af_engine_delete_agent_full (self->engine, id, remove_activity, &error))
    {
      show_error_toast (self, _ ("Could not delete the agent"), error);
      return;
    }

  title = g_strdup_printf (_ ("“%s” deleted"), name);
  adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
  queue_metrics (self);
}

static void
on_agent_delete_cb (AfAgentsPage *page,
                    AfAgent      *agent,
                    AfWindow     *self)
{
  g_autofree char *heading = g_strdup_printf (_ ("Delete “%s”?"), af_agent_get_name (agent));
  g_autoptr (GPtrArray) own = NULL;
  GString   *body;
  GtkWidget *dialog;
  GtkWidget *check;

  body = g_string_new (_ ("The agent stops at once, its schedule and settings are removed, and "
                          "actions waiting for your approval are dropped. What it already did in "
                          "your accounts stays done. This cannot be undone."));
  /* Accounts connected for this agent alone go with it. */
  if (self->accounts != NULL)
    own = af_account_manager_list_agent_connections (self->accounts, af_agent_get_id (agent), NULL);
  for (guint i = 0; own != NULL && i < own->len; i++)
    {
      AfConnection *connection = g_ptr_array_index (own, i);

      g_string_append (body, "\n\n");
      g_string_append_printf (body, _ ("AgentFlow signs out of %s, which was connected for this agent only."),
                              connection->account);
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body->str);
  g_string_free (body, TRUE);
  /* What it did is the user's record: kept unless asked otherwise. */
  check = gtk_check_button_new_with_mnemonic (_ ("Also delete its _activity history"));
  gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (check, _ ("Its entries in the activity log and its numbers on the dashboard "
                                         "go too. Otherwise they stay, under its name."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), check);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _ ("_Cancel"),
                                    "delete", _ ("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "agent-id", g_strdup (af_agent_get_id (agent)), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "agent-name", g_strdup (af_agent_get_name (agent)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Wherever the agent was deleted from, its page does not stay open. */
static void
on_agent_deleted_cb (AfEngine   *engine,
                     const char *agent_id,
                     AfWindow   *self)
{
  AfAgent *shown = af_agent_page_get_agent (self->agent_page);

  /* Its days may have gone with it. */
  if (self->history != NULL)
    af_metrics_history_invalidate (self->history);
  if (shown == NULL || g_strcmp0 (af_agent_get_id (shown), agent_id) != 0)
    return;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "agent") == 0)
    gtk_stack_set_visible_child_name (self->stack, "agents");
  af_agent_page_set_agent (self->agent_page, NULL, NULL);
}

static void
on_approve_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (AfWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!af_engine_approve_finish (AF_ENGINE (source), result, &error))
    show_error_toast (self, _ ("The approved action failed"), error);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_ ("Approved and done")));
  queue_metrics (self);
}

static void
on_approval_decide_cb (AfApprovalsPage *page,
                       GObject         *item,
                       gboolean         approve,
                       AfWindow        *self)
{
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (self->engine == NULL || !AF_IS_APPROVAL (item))
    return;

  id = af_approval_get_id (AF_APPROVAL (item));
  if (approve)
    af_engine_approve_async (self->engine, id, NULL, on_approve_done_cb, g_object_ref (self));
  else if (af_engine_deny (self->engine, id, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_ ("Denied: nothing was done")));
  else
    show_error_toast (self, _ ("Could not deny the action"), error);
}

/* The editor speaks in simple rules (one condition, one action); the engine
 * in rule groups. The template's own rules stay unless the user edited. */
static JsonObject *
engine_rule_from_editor (JsonObject *rule)
{
  static const char *const field_map[][2] = {
    { "label", "labels" },
    { "has-attachment", "has_attachment" },
    { "event-title", "event_title" },
    { "has-conflicts", "has_conflicts" },
  };
  static const char *const op_map[][2] = {
    { "older-than", "older_than" },
    { "contains-any", "contains_any" },
    { "is-from", "is_from" },
  };
  static const char *const action_map[][2] = {
    { "draft-reply", "draft" },
    { "send-reply", "send" },
    { "post-slack", "post" },
  };
  const char *field = json_object_get_string_member_with_default (rule, "field", "subject");
  const char *op = json_object_get_string_member_with_default (rule, "op", "contains");
  const char *value = json_object_get_string_member_with_default (rule, "value", "");
  const char *action = json_object_get_string_member_with_default (rule, "action", "label");
  const char *argument = json_object_get_string_member_with_default (rule, "argument", "");
  JsonObject *kept = json_object_has_member (rule, "params") ? json_object_get_object_member (rule, "params") : NULL;
  JsonObject *out = json_object_new ();
  JsonObject *act = json_object_new ();
  JsonArray  *conditions = json_array_new ();
  JsonArray  *actions = json_array_new ();
  JsonObject *params = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (field_map); i++)
    if (g_str_equal (field, field_map[i][0]))
      field = field_map[i][1];
  for (guint i = 0; i < G_N_ELEMENTS (op_map); i++)
    if (g_str_equal (op, op_map[i][0]))
      op = op_map[i][1];
  for (guint i = 0; i < G_N_ELEMENTS (action_map); i++)
    if (g_str_equal (action, action_map[i][0]))
      action = action_map[i][1];

  /* "Every run" has no condition; the yes-or-no fields hold when true. */
  if (!g_str_equal (field, "always"))
    {
      JsonObject *condition = json_object_new ();

      json_object_set_string_member (condition, "field", field);
      if (g_str_equal (field, "unread"))
        {
          /* Gmail marks unread mail with the UNREAD label. */
          json_object_set_string_member (condition, "field", "labels");
          json_object_set_string_member (condition, "op", "equals");
          json_object_set_string_member (condition, "value", "UNREAD");
        }
      else if (g_str_equal (field, "older"))
        {
          g_autofree char *days = g_strdup_printf ("%sd", value);

          json_object_set_string_member (condition, "field", "date");
          json_object_set_string_member (condition, "op", "older_than");
          json_object_set_string_member (condition, "value", g_strstrip (days));
        }
      else if (g_str_equal (field, "has_attachment") || g_str_equal (field, "has_conflicts"))
        {
          json_object_set_string_member (condition, "op", "is");
          json_object_set_boolean_member (condition, "value", TRUE);
        }
      else if (g_str_equal (op, "older_than"))
        {
          /* The editor counts days; the engine reads "7d". */
          g_autofree char *days = g_strdup_printf ("%sd", value);

          json_object_set_string_member (condition, "op", op);
          json_object_set_string_member (condition, "value", g_strstrip (days));
        }
      else
        {
          json_object_set_string_member (condition, "op", op);
          json_object_set_string_member (condition, "value", value);
        }
      json_array_add_object_element (conditions, condition);
    }

  /* What the row had no field for (a message's text, a draft's body)
   * stays; what it shows is the user's. */
  if (kept != NULL)
    {
      g_autoptr (GList) members = json_object_get_members (kept);

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (params, l->data, json_node_copy (json_object_get_member (kept, l->data)));
    }
  json_object_remove_member (params, "label");
  json_object_remove_member (params, "channel");
  json_object_set_string_member (act, "action", action);
  if (g_str_equal (action, "label") || g_str_equal (action, "post"))
    json_object_set_string_member (params, g_str_equal (action, "label") ? "label" : "channel", argument);
  if (json_object_get_size (params) > 0)
    json_object_set_object_member (act, "params", params);
  else
    json_object_unref (params);
  json_array_add_object_element (actions, act);

  json_object_set_string_member (out, "name", json_object_get_string_member_with_default (rule, "name", field));
  json_object_set_string_member (out, "match", "all");
  json_object_set_array_member (out, "conditions", conditions);
  json_object_set_array_member (out, "actions", actions);
  if (json_object_get_boolean_member_with_default (rule, "stop", FALSE))
    json_object_set_boolean_member (out, "stop", TRUE);
  return out;
}

/* The account a new agent uses for @service: the connected account, or
 * the one other agents already use (the sandbox's sample workspace). */
static char *
find_account (AfWindow   *self,
              const char *service)
{
  GListModel *agents = af_engine_get_agents (self->engine);

  if (self->accounts != NULL)
    {
      g_autoptr (GPtrArray) connections = af_account_manager_list_connections (self->accounts, NULL);

      for (guint i = 0; connections != NULL && i < connections->len; i++)
        {
          AfConnection *c = g_ptr_array_index (connections, i);

          if (g_strcmp0 (c->service, service) == 0)
            return g_strdup (c->account);
        }
    }

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);
      JsonObject *definition = af_agent_get_definition (agent);
      JsonArray  *connections = definition && json_object_has_member (definition, "connections")
                                    ? json_object_get_array_member (definition, "connections")
                                    : NULL;

      for (guint j = 0; connections != NULL && j < json_array_get_length (connections); j++)
        {
          JsonObject *c = json_array_get_object_element (connections, j);

          if (g_strcmp0 (json_object_get_string_member_with_default (c, "service", NULL), service) == 0)
            return g_strdup (json_object_get_string_member_with_default (c, "account", NULL));
        }
    }
  return NULL;
}

static JsonArray *
engine_connections_from_editor (AfWindow   *self,
                                JsonObject *permissions)
{
  static const char *const permission_map[][2] = {
    { "read", "read" },
    { "modify", "modify" },
    { "draft", "compose" },
    { "send", "send" },
    { "write", "write" },
    { "post", "post" },
  };
  JsonArray *connections = json_array_new ();
  g_autoptr (GList) services = json_object_get_members (permissions);

  for (const GList *l = services; l != NULL; l = l->next)
    {
      const char      *service = l->data;
      g_autofree char *account = find_account (self, service);
      JsonArray       *in = json_object_get_array_member (permissions, service);
      JsonArray       *out = json_array_new ();
      JsonObject      *c = json_object_new ();

      for (guint i = 0; i < json_array_get_length (in); i++)
        for (guint k = 0; k < G_N_ELEMENTS (permission_map); k++)
          if (g_strcmp0 (json_array_get_string_element (in, i), permission_map[k][0]) == 0)
            {
              g_autofree char *name = g_strdup_printf ("%s.%s", service, permission_map[k][1]);

              json_array_add_string_element (out, name);
            }
      json_object_set_string_member (c, "service", service);
      json_object_set_string_member (c, "account", account ? account : "");
      json_object_set_array_member (c, "permissions", out);
      json_array_add_object_element (connections, c);
    }
  return connections;
}

static gboolean
apply_editor_json (AfWindow   *self,
                   AfAgent    *agent,
                   JsonObject *editor,
                   GError    **error)
{
  /* A deep copy: the agent's definition is only replaced once valid. */
  g_autoptr (JsonNode) original = json_node_init_object (json_node_alloc (), af_agent_get_definition (agent));
  g_autofree char *text = json_to_string (original, FALSE);
  g_autoptr (JsonNode) copy = json_from_string (text, NULL);
  JsonObject *definition = json_node_get_object (copy);
  JsonObject *in = json_object_get_object_member (editor, "trigger");
  JsonObject *trigger = json_object_new ();
  const char *kind = json_object_get_string_member_with_default (in, "kind", "interval");

  if (g_str_equal (kind, "new-mail"))
    kind = "new_mail";
  else if (g_str_equal (kind, "before-event"))
    kind = "upcoming_event";
  json_object_set_string_member (trigger, "type", kind);
  json_object_set_int_member (trigger, "minutes", json_object_get_int_member_with_default (in, "minutes", 30));
  if (g_str_equal (kind, "daily") || g_str_equal (kind, "weekly"))
    json_object_set_string_member (trigger, "at", json_object_get_string_member_with_default (in, "time", "08:00"));
  if (g_str_equal (kind, "weekly"))
    json_object_set_int_member (trigger, "weekday", json_object_get_int_member_with_default (in, "weekday", 1));
  json_object_set_object_member (definition, "trigger", trigger);
  if (json_object_has_member (editor, "first_run_days"))
    json_object_set_int_member (definition, "first_run_days", json_object_get_int_member (editor, "first_run_days"));

  if (json_object_get_boolean_member_with_default (editor, "rules_modified", FALSE))
    {
      JsonArray *rules = json_array_new ();
      JsonArray *in_rules = json_object_get_array_member (editor, "rules");
      JsonArray *kept = json_object_has_member (editor, "kept_rules") ? json_object_get_array_member (editor, "kept_rules") : NULL;

      /* The rules the editor could not show stay, first, as they were. */
      for (guint i = 0; kept != NULL && i < json_array_get_length (kept); i++)
        json_array_add_element (rules, json_node_copy (json_array_get_element (kept, i)));

      for (guint i = 0; in_rules != NULL && i < json_array_get_length (in_rules); i++)
        json_array_add_object_element (rules, engine_rule_from_editor (json_array_get_object_element (in_rules, i)));
      json_object_set_array_member (definition, "rules", rules);
    }

  if (json_object_has_member (editor, "permissions"))
    json_object_set_array_member (definition, "connections",
                                  engine_connections_from_editor (self, json_object_get_object_member (editor, "permissions")));

  if (json_object_has_member (editor, "approval"))
    {
      JsonObject *in_policy = json_object_get_object_member (editor, "approval");
      JsonObject *policy = json_object_new ();

      json_object_set_string_member (policy, "send", json_object_get_string_member_with_default (in_policy, "send", "ask"));
      json_object_set_string_member (policy, "post", json_object_get_string_member_with_default (in_policy, "post", "ask"));
      json_object_set_string_member (policy, "create_event",
                                     json_object_get_string_member_with_default (in_policy, "create-event", "ask"));
      json_object_set_string_member (policy, "draft", json_object_get_string_member_with_default (in_policy, "draft", "auto"));
      /* "Label and archive mail" covers every change to a message. */
      for (const char *const *a = (const char *const[]){ "label", "archive", "star", "mark_read", NULL }; *a; a++)
        json_object_set_string_member (policy, *a, json_object_get_string_member_with_default (in_policy, "modify", "auto"));
      json_object_set_object_member (definition, "approvals", policy);
    }

  /* The instructions are kept either way; the model follows them only
   * when the user turned it on (and an AI model is set up). */
  if (json_object_has_member (editor, "instructions"))
    {
      g_autofree char *instructions = g_strstrip (g_strdup (json_object_get_string_member_with_default (editor, "instructions", "")));
      JsonObject      *ai = json_object_has_member (definition, "ai") ? json_object_get_object_member (definition, "ai") : NULL;

      if (ai == NULL && *instructions != '\0')
        {
          ai = json_object_new ();
          json_object_set_object_member (definition, "ai", ai);
        }
      if (ai != NULL)
        {
          json_object_set_string_member (ai, "instructions", instructions);
          json_object_set_boolean_member (ai, "enabled",
                                          *instructions != '\0' &&
                                              json_object_get_boolean_member_with_default (editor, "use_ai", FALSE));
        }
    }

  if (!af_agent_validate_definition (definition, error))
    return FALSE;
  af_agent_set_definition (agent, definition);
  return TRUE;
}

/* A new agent, not added to the engine, from what the editor holds: the
 * template's defaults (or the edited agent's definition) with the
 * editor's changes. */
static AfAgent *
create_agent_from_editor (AfWindow   *self,
                          JsonObject *obj,
                          GError    **error)
{
  const char *template_id = json_object_get_string_member_with_default (obj, "template", "custom");
  const char *agent_id = json_object_get_string_member_with_default (obj, "agent_id", NULL);
  const char *name = json_object_get_string_member_with_default (obj, "name", "");
  AfTemplate *template = af_template_lookup (template_id);
  AfAgent *existing = agent_id && self->engine ? af_engine_lookup_agent (self->engine, agent_id) : NULL;
  g_autoptr (AfAgent) agent = NULL;

  if (template == NULL)
    template = af_template_lookup ("custom");
  agent = af_template_create_agent (template, name, NULL);
  af_agent_set_description (agent, json_object_get_string_member_with_default (obj, "description", ""));
  if (existing != NULL)
    {
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), af_agent_get_definition (existing));
      g_autoptr (JsonNode) copy = af_json_deep_copy (node);

      af_agent_set_definition (agent, json_node_get_object (copy));
    }
  if (!apply_editor_json (self, agent, obj, error))
    return NULL;
  return g_steal_pointer (&agent);
}

static void
on_editor_saved_cb (AfAgentEditor *editor,
                    const char    *json,
                    AfWindow      *self)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);
  const char      *name = NULL;
  g_autofree char *title = NULL;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    name = json_object_get_string_member_with_default (json_node_get_object (node), "name", NULL);

  if (self->engine != NULL && name != NULL && json_object_has_member (json_node_get_object (node), "agent_id"))
    {
      JsonObject *obj = json_node_get_object (node);
      AfAgent    *agent = af_engine_lookup_agent (self->engine, json_object_get_string_member (obj, "agent_id"));
      g_autoptr (GError) error = NULL;

      if (agent != NULL)
        {
          af_agent_set_name (agent, name);
          af_agent_set_description (agent, json_object_get_string_member_with_default (obj, "description", ""));
        }
      if (agent == NULL || !apply_editor_json (self, agent, obj, &error) || !af_engine_save_agent (self->engine, agent, &error))
        {
          g_autofree char *what = g_strdup_printf (_ ("Could not save “%s”"), name);

          if (error == NULL)
            g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("The agent no longer exists."));
          show_error_toast (self, what, error);
          return;
        }
      title = g_strdup_printf (_ ("“%s” saved"), name);
      adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
      return;
    }

  if (self->engine != NULL && name != NULL)
    {
      JsonObject *obj = json_node_get_object (node);
      g_autoptr (GError) error = NULL;
      g_autoptr (AfAgent) agent = create_agent_from_editor (self, obj, &error);

      if (agent == NULL || !af_engine_add_agent (self->engine, agent, &error))
        {
          g_autofree char *what = g_strdup_printf (_ ("Could not save “%s”"), name);

          show_error_toast (self, what, error);
          return;
        }
      title = g_strdup_printf (_ ("“%s” created"), name);
      adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
      gtk_stack_set_visible_child_name (self->stack, "agents");
      return;
    }

  /* The engine (issue 5) stores and runs agents; until it is linked in,
   * say plainly that nothing was stored rather than pretend. */
  title = g_strdup_printf (_ ("“%s” could not be saved: this version of AgentFlow cannot store agents yet"),
                           name ? name : "");
  adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
}

/* "Email Assistant, Calendar Manager": the agents that use @service. */
static char *
dup_agents_using (AfWindow   *self,
                  const char *service)
{
  g_autoptr (GString) names = g_string_new (NULL);
  GListModel *agents;

  if (self->engine == NULL)
    return NULL;

  agents = af_engine_get_agents (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);
      JsonObject *definition = af_agent_get_definition (agent);
      JsonArray  *connections = definition && json_object_has_member (definition, "connections")
                                    ? json_object_get_array_member (definition, "connections")
                                    : NULL;

      for (guint j = 0; connections != NULL && j < json_array_get_length (connections); j++)
        if (g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (connections, j), "service", NULL),
                       service) == 0)
          {
            if (names->len > 0)
              g_string_append (names, ", ");
            g_string_append (names, af_agent_get_name (agent));
            break;
          }
    }
  return names->len > 0 ? g_string_free (g_steal_pointer (&names), FALSE) : NULL;
}

/* Open editors show the same connection states as Integrations. */
static void
update_editors (AfWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (!AF_IS_AGENT_EDITOR (window) || gtk_window_get_transient_for (window) != GTK_WINDOW (self))
        continue;
      for (const char *const *s = (const char *const[]){ "gmail", "calendar", "slack", NULL }; *s; s++)
        af_agent_editor_set_service_state (AF_AGENT_EDITOR (window), *s,
                                           af_integrations_page_get_state (self->integrations_page, *s));
    }
}

static void
refresh_connections (AfWindow *self)
{
  g_autoptr (GPtrArray) connections = NULL;
  g_autoptr (GError) error = NULL;

  /* Without an accounts service (the sandbox), the accounts are the ones
   * the agents were set up with. */
  if (self->accounts == NULL)
    {
      for (const char *const *s = (const char *const[]){ "gmail", "calendar", "slack", NULL }; self->engine && *s; s++)
        {
          g_autofree char *account = find_account (self, *s);
          g_autofree char *used_by = dup_agents_using (self, *s);

          if (account != NULL && *account != '\0')
            af_integrations_page_set_state (self->integrations_page, *s, AF_INTEGRATION_CONNECTED, account, used_by);
        }
      update_editors (self);
      return;
    }

  connections = af_account_manager_list_connections (self->accounts, &error);
  if (connections == NULL)
    {
      show_error_toast (self, _ ("Could not read your connected accounts"), error);
      return;
    }

  for (const char *const *s = (const char *const[]){ "gmail", "calendar", "slack", "oidc", NULL }; *s; s++)
    {
      AfConnection *found = NULL;

      if (g_hash_table_contains (self->connecting, *s))
        continue;
      for (guint i = 0; i < connections->len && found == NULL; i++)
        {
          AfConnection *c = g_ptr_array_index (connections, i);

          if (g_strcmp0 (c->service, *s) == 0 && g_strcmp0 (c->status, AF_CONNECTION_REVOKING) != 0)
            found = c;
        }

      if (found == NULL)
        af_integrations_page_set_state (self->integrations_page, *s, AF_INTEGRATION_DISCONNECTED, NULL, NULL);
      else
        {
          g_autofree char *used_by = dup_agents_using (self, *s);
          /* Translators: a person's name, then their account */
          g_autofree char *who = found->display_name && g_strcmp0 (found->display_name, found->account) != 0
                                     ? g_strdup_printf (_ ("%s (%s)"), found->display_name, found->account)
                                     : g_strdup (found->account);

          af_integrations_page_set_state (self->integrations_page, *s,
                                          g_strcmp0 (found->status, AF_CONNECTION_NEEDS_RECONNECT) == 0
                                              ? AF_INTEGRATION_NEEDS_RECONNECT
                                              : AF_INTEGRATION_CONNECTED,
                                          who, used_by);
        }
    }
  update_editors (self);
}

static void
on_connect_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GCancellable) attempt = user_data;
  g_autoptr (AfWindow) self = g_object_steal_data (G_OBJECT (attempt), "window");
  g_autofree char *service = g_strdup (g_object_get_data (G_OBJECT (attempt), "service"));
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) missing = NULL;
  AfConnection    *connection;
  g_autofree char *title = NULL;
  g_autofree char *warning = NULL;

  connection = af_account_manager_connect_finish (AF_ACCOUNT_MANAGER (source), result, &missing, &error);
  warning = af_account_manager_connect_dup_warning (AF_ACCOUNT_MANAGER (source), result);
  /* Only forget the attempt this result belongs to. */
  if (g_hash_table_lookup (self->connecting, service) == (gpointer)attempt)
    g_hash_table_remove (self->connecting, service);

  if (connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *what = g_strdup_printf (_ ("Could not connect %s"),
                                                   af_integrations_page_get_service_title (service));

          show_error_toast (self, what, error);
        }
      refresh_connections (self);
      return;
    }

  if (warning != NULL)
    {
      /* Connected for now, but it will not last: say so while the person
       * is still looking, not at the first expiry. */
      g_autofree char *heading = g_strdup_printf (_ ("%s Connected for a Limited Time"),
                                                  af_integrations_page_get_service_title (connection->service));
      GtkWidget       *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, warning);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  if (missing != NULL && missing[0] != NULL)
    title = g_strdup_printf (_ ("%s connected, but some permissions were not granted: agents that need them will ask you to reconnect"),
                             af_integrations_page_get_service_title (connection->service));
  else
    title = g_strdup_printf (_ ("%s connected as %s"), af_integrations_page_get_service_title (connection->service),
                             connection->account);
  adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
  af_connection_free (connection);
  refresh_connections (self);
}

/* The accounts flow for @service, from Integrations or from an editor:
 * one at a time per service, shown as waiting in both. */
static void
start_connect (AfWindow   *self,
               const char *service)
{
  AfIntegrationsPage *page = self->integrations_page;
  g_autofree char    *title = NULL;
  GCancellable       *cancellable;

  if (g_hash_table_contains (self->connecting, service))
    return;

  if (self->accounts == NULL)
    {
      /* Without the accounts service (a window made without one), say
       * so rather than wait forever. */
      af_integrations_page_set_state (page, service, AF_INTEGRATION_DISCONNECTED, NULL, NULL);
      update_editors (self);
      title = g_strdup_printf (_ ("%s could not be connected: accounts are not available in this window"),
                               af_integrations_page_get_service_title (service));
      adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
      return;
    }

  /* The cancellable also carries the attempt's window and service to the
   * callback. */
  cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (cancellable), "window", g_object_ref (self));
  g_object_set_data_full (G_OBJECT (cancellable), "service", g_strdup (service), g_free);
  g_hash_table_replace (self->connecting, g_strdup (service), g_object_ref (cancellable));
  af_integrations_page_set_state (page, service, AF_INTEGRATION_WAITING, NULL, NULL);
  update_editors (self);
  af_account_manager_connect_async (self->accounts, service, cancellable, on_connect_done_cb, cancellable);
}

static void
on_integration_connect_cb (AfIntegrationsPage *page,
                           const char         *service,
                           AfWindow           *self)
{
  start_connect (self, service);
}

static void
cancel_connect (AfWindow   *self,
                const char *service)
{
  GCancellable *cancellable = g_hash_table_lookup (self->connecting, service);

  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
}

static void
on_editor_connect_cb (AfAgentEditor *editor,
                      const char    *service,
                      AfWindow      *self)
{
  start_connect (self, service);
}

static void
on_editor_cancel_cb (AfAgentEditor *editor,
                     const char    *service,
                     AfWindow      *self)
{
  cancel_connect (self, service);
}

static void
on_integration_cancel_cb (AfIntegrationsPage *page,
                          const char         *service,
                          AfWindow           *self)
{
  cancel_connect (self, service);
}

static void
on_security_page_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              gpointer          user_data)
{
  const char *url = g_object_get_data (G_OBJECT (dialog), "manage-url");

  if (g_strcmp0 (response, "open") == 0 && url != NULL)
    {
      g_autoptr (GdkAppLaunchContext) context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (dialog)));

      g_app_info_launch_default_for_uri_async (url, G_APP_LAUNCH_CONTEXT (context), NULL, NULL, NULL);
    }
}

/* The provider has no way to revoke: the sign-in stays valid there, and
 * only the person can end it. Too much to say in a toast. */
static void
show_not_revoked (AfWindow   *self,
                  const char *service,
                  const char *manage_url)
{
  g_autofree char *heading = g_strdup_printf (_ ("%s Disconnected, Access Not Revoked"),
                                              af_integrations_page_get_service_title (service));
  GtkWidget       *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _ ("AgentFlow forgot this account and removed its keyring item, but the provider offers no way "
                                  "to revoke AgentFlow’s access: the sign-in stays valid there until it expires. To end it now, "
                                  "remove AgentFlow from the apps connected to your account on the account’s security page."));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  if (manage_url != NULL)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "open", _ ("_Open Security Page"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
      g_object_set_data_full (G_OBJECT (dialog), "manage-url", g_strdup (manage_url), g_free);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect (dialog, "response", G_CALLBACK (on_security_page_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  AfWindow *self;
  char     *service;
} Disconnect;

static void
disconnect_free (Disconnect *d)
{
  g_object_unref (d->self);
  g_free (d->service);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Disconnect, disconnect_free)

static void
on_disconnect_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (Disconnect) d = user_data;
  AfWindow *self = d->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *manage_url = NULL;
  AfRevocation     revocation = AF_REVOCATION_PENDING;

  if (!af_account_manager_disconnect_finish_full (AF_ACCOUNT_MANAGER (source), result, &revocation, &manage_url, &error))
    show_error_toast (self, _ ("Could not disconnect"), error);
  else if (revocation == AF_REVOCATION_UNSUPPORTED)
    show_not_revoked (self, d->service, manage_url);
  else
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (revocation == AF_REVOCATION_DONE
                                                    ? _ ("Disconnected and signed out")
                                                    : _ ("Disconnected; signing out will be retried when you are online")));
  refresh_connections (self);
}

static void
on_integration_disconnect_cb (AfIntegrationsPage *page,
                              const char         *service,
                              AfWindow           *self)
{
  g_autoptr (GPtrArray) connections = NULL;
  g_autofree char *title = NULL;

  if (self->accounts == NULL)
    {
      af_integrations_page_set_state (page, service, AF_INTEGRATION_DISCONNECTED, NULL, NULL);
      title = g_strdup_printf (_ ("%s disconnected"), af_integrations_page_get_service_title (service));
      adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
      return;
    }

  connections = af_account_manager_list_connections (self->accounts, NULL);
  for (guint i = 0; connections != NULL && i < connections->len; i++)
    {
      AfConnection *c = g_ptr_array_index (connections, i);

      if (g_strcmp0 (c->service, service) == 0)
        {
          Disconnect *d = g_new0 (Disconnect, 1);

          d->self = g_object_ref (self);
          d->service = g_strdup (c->service);
          af_account_manager_disconnect_async (self->accounts, c->service, c->account, NULL,
                                               on_disconnect_done_cb, d);
        }
    }
}

static void
on_editor_test_done_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (AfAgentEditor) editor = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) outcome = af_engine_test_agent_finish (AF_ENGINE (source), result, &error);

  af_agent_editor_show_test_result (editor, outcome, error);
}

/* "Test Run" in the editor: the agent as it is in the form, saved or not. */
static void
on_editor_test_run_cb (AfAgentEditor *editor,
                       const char    *json,
                       GCancellable  *cancellable,
                       AfWindow      *self)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = NULL;

  if (self->engine == NULL || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _ ("Agents are not running."));
      af_agent_editor_show_test_result (editor, NULL, error);
      return;
    }

  agent = create_agent_from_editor (self, json_node_get_object (node), &error);
  if (agent == NULL)
    {
      af_agent_editor_show_test_result (editor, NULL, error);
      return;
    }
  af_engine_test_agent_async (self->engine, agent, cancellable, on_editor_test_done_cb, g_object_ref (editor));
}

static void
on_editor_preview_done_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr (AfAgentEditor) editor = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) outcome = af_engine_test_agent_finish (AF_ENGINE (source), result, &error);

  af_agent_editor_show_preview (editor, outcome, error);
}

/* The editor's live preview: the same test run, nothing changed. */
static void
on_editor_preview_cb (AfAgentEditor *editor,
                      const char    *json,
                      GCancellable  *cancellable,
                      AfWindow      *self)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  agent = create_agent_from_editor (self, json_node_get_object (node), &error);
  if (agent == NULL)
    {
      af_agent_editor_show_preview (editor, NULL, error);
      return;
    }
  af_engine_test_agent_async (self->engine, agent, cancellable, on_editor_preview_done_cb, g_object_ref (editor));
}

static void
watch_editor (AfWindow      *self,
              AfAgentEditor *editor)
{
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved_cb), self, 0);
  g_signal_connect_object (editor, "connect", G_CALLBACK (on_editor_connect_cb), self, 0);
  g_signal_connect_object (editor, "cancel", G_CALLBACK (on_editor_cancel_cb), self, 0);
  /* Without an engine the editor describes its plan in words instead. */
  if (self->engine != NULL)
    {
      g_signal_connect_object (editor, "test-run", G_CALLBACK (on_editor_test_run_cb), self, 0);
      g_signal_connect_object (editor, "preview", G_CALLBACK (on_editor_preview_cb), self, 0);
    }
}

static gboolean
agent_name_taken (AfWindow   *self,
                  const char *name)
{
  GListModel *agents = af_engine_get_agents (self->engine);

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (g_strcmp0 (af_agent_get_name (agent), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
on_editor_opened_cb (AfTemplatePicker *picker,
                     AfAgentEditor    *editor,
                     AfWindow         *self)
{
  watch_editor (self, editor);

  /* Two agents of one name cannot be told apart in the activity: a
   * second agent from a template gets a number. */
  if (self->engine != NULL && agent_name_taken (self, af_agent_editor_get_name (editor)))
    {
      for (guint n = 2; n < 100; n++)
        {
          /* Translators: an agent's name and a number, e.g. "Email Assistant 2" */
          g_autofree char *name = g_strdup_printf (_ ("%s %u"), af_agent_editor_get_name (editor), n);

          if (!agent_name_taken (self, name))
            {
              af_agent_editor_set_default_name (editor, name);
              break;
            }
        }
    }
}

static void
af_window_new_agent (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);
  g_auto (GStrv) connected = dup_connected_services (self);
  AfTemplatePicker *picker;

  picker = af_template_picker_new (GTK_WINDOW (self),
                                   self->engine ? af_engine_get_templates (self->engine) : af_template_get_all (),
                                   (const char *const *)connected);
  g_signal_connect_object (picker, "editor-opened", G_CALLBACK (on_editor_opened_cb), self, 0);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
af_window_show_view (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AfWindow   *self = AF_WINDOW (widget);
  const char *view = canonical_view (g_variant_get_string (parameter, NULL));

  if (gtk_stack_get_child_by_name (self->stack, view) == NULL)
    return;

  gtk_stack_set_visible_child_name (self->stack, view);
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
af_window_go_back (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "agent") == 0)
    gtk_stack_set_visible_child_name (self->stack, "agents");
  else
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_agent_edit_cb (AfAgentsPage *page,
                  AfAgent      *agent,
                  AfWindow     *self)
{
  g_auto (GStrv) connected = dup_connected_services (self);
  const char *template_id = af_agent_get_template_id (agent);
  AfTemplate *template = template_id ? af_template_lookup (template_id) : NULL;
  AfAgentEditor *editor;

  if (template == NULL)
    template = af_template_lookup ("custom");
  editor = af_agent_editor_new (GTK_WINDOW (self), template, (const char *const *)connected);
  af_agent_editor_load_agent (editor, af_agent_get_id (agent), af_agent_get_name (agent),
                              af_agent_get_description (agent), af_agent_get_definition (agent));
  watch_editor (self, editor);
  gtk_window_present (GTK_WINDOW (editor));
}

static void on_agent_open_cb (AfAgentsPage *page,
                              AfAgent      *agent,
                              AfWindow     *self);

/* The agent page's header: Pause or Resume, as the agent is. */
static void
update_agent_actions (AfWindow *self)
{
  AfAgent *agent = af_agent_page_get_agent (self->agent_page);
  gboolean paused = agent != NULL && af_agent_get_state (agent) == AF_AGENT_STATE_PAUSED;

  gtk_button_set_label (self->agent_pause_button, paused ? _ ("_Resume") : _ ("_Pause"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->agent_pause_button),
                               paused ? _ ("Run this agent on its schedule again")
                                      : _ ("Stop running this agent until you resume it"));
}

static AfAgent *
shown_agent (AfWindow *self)
{
  AfAgent *agent = af_agent_page_get_agent (self->agent_page);

  return self->engine != NULL && agent != NULL ? agent : NULL;
}

static void
af_window_agent_edit (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (shown_agent (self) != NULL)
    on_agent_edit_cb (self->agents_page, shown_agent (self), self);
}

static void
af_window_agent_run (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (shown_agent (self) != NULL)
    on_agent_run_cb (self->agents_page, shown_agent (self), self);
}

static void
af_window_agent_pause_resume (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);
  AfAgent  *agent = shown_agent (self);

  if (agent != NULL)
    set_agent_active (self, af_agent_get_id (agent), af_agent_get_state (agent) == AF_AGENT_STATE_PAUSED, TRUE);
  update_agent_actions (self);
}

static void
af_window_agent_export (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (shown_agent (self) != NULL)
    on_agent_export_cb (self->agents_page, shown_agent (self), self);
}

static void
af_window_agent_delete (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (shown_agent (self) != NULL)
    on_agent_delete_cb (self->agents_page, shown_agent (self), self);
}

static void
af_window_agent_duplicate (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);
  AfAgent  *agent = shown_agent (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) copy = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  if (agent == NULL)
    return;
  {
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), af_agent_get_definition (agent));
    g_autoptr (JsonNode) definition = af_json_deep_copy (node);

    /* Translators: the name of a duplicated agent */
    name = g_strdup_printf (_ ("%s (Copy)"), af_agent_get_name (agent));
    copy = af_agent_new (NULL, name, af_agent_get_template_id (agent), json_node_get_object (definition));
  }
  af_agent_set_description (copy, af_agent_get_description (agent));
  /* A copy starts paused: two agents acting on the same mail at once is
   * rarely what anyone wants. */
  af_agent_set_state (copy, AF_AGENT_STATE_PAUSED, NULL);
  if (!af_engine_add_agent (self->engine, copy, &error))
    {
      show_error_toast (self, _ ("Could not duplicate the agent"), error);
      return;
    }
  title = g_strdup_printf (_ ("“%s” created, paused"), name);
  adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
  on_agent_open_cb (self->agents_page, copy, self);
}

static void
on_agent_open_cb (AfAgentsPage *page,
                  AfAgent      *agent,
                  AfWindow     *self)
{
  if (self->engine == NULL)
    return;

  if (af_agent_page_get_agent (self->agent_page) != NULL)
    g_signal_handlers_disconnect_by_func (af_agent_page_get_agent (self->agent_page), update_agent_actions, self);
  af_agent_page_set_agent (self->agent_page, self->engine, agent);
  g_signal_connect_object (agent, "notify::state", G_CALLBACK (update_agent_actions), self, G_CONNECT_SWAPPED);
  update_agent_actions (self);
  gtk_stack_page_set_title (self->agent_stack_page, af_agent_get_name (agent));
  gtk_stack_set_visible_child_name (self->stack, "agent");
  on_stack_visible_child_cb (self);
}

static void
af_window_connect_service (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  af_window_show_view (widget, NULL, g_variant_new_string ("integrations"));
  start_connect (self, g_variant_get_string (parameter, NULL));
}

static void
save_window_state (AfWindow *self)
{
  int width, height;

  g_assert (AF_IS_WINDOW (self));

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static void
af_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (af_window_parent_class)->realize (widget);

  if (g_getenv ("AGENTFLOW_BENCH_T0") != NULL)
    g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                      G_CALLBACK (on_first_frame_painted_cb), widget);
}

static gboolean
af_window_close_request (GtkWindow *window)
{
  save_window_state (AF_WINDOW (window));

  return GTK_WINDOW_CLASS (af_window_parent_class)->close_request (window);
}

static void
af_window_constructed (GObject *object)
{
  AfWindow *self = (AfWindow *)object;

  G_OBJECT_CLASS (af_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
af_window_dispose (GObject *object)
{
  AfWindow      *self = (AfWindow *)object;
  GHashTableIter iter;
  gpointer       cancellable;

  g_hash_table_iter_init (&iter, self->connecting);
  while (g_hash_table_iter_next (&iter, NULL, &cancellable))
    g_cancellable_cancel (cancellable);

  g_clear_handle_id (&self->metrics_id, g_source_remove);
  g_clear_handle_id (&self->midnight_id, g_source_remove);
  if (self->engine != NULL)
    {
      g_signal_handlers_disconnect_by_data (af_engine_get_agents (self->engine), self);
      g_signal_handlers_disconnect_by_data (self->engine, self);
    }
  if (self->activity != NULL)
    g_signal_handlers_disconnect_by_data (self->activity, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_WINDOW);

  G_OBJECT_CLASS (af_window_parent_class)->dispose (object);
}

static void
af_window_finalize (GObject *object)
{
  AfWindow *self = (AfWindow *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->activity);
  g_clear_object (&self->history);
  g_clear_object (&self->engine);
  g_clear_object (&self->accounts);
  g_clear_pointer (&self->connecting, g_hash_table_unref);

  G_OBJECT_CLASS (af_window_parent_class)->finalize (object);
}

static void
af_window_class_init (AfWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = af_window_constructed;
  object_class->dispose = af_window_dispose;
  object_class->finalize = af_window_finalize;

  widget_class->realize = af_window_realize;

  window_class->close_request = af_window_close_request;

  g_type_ensure (AF_TYPE_AGENT_PAGE);
  g_type_ensure (AF_TYPE_AGENTS_PAGE);
  g_type_ensure (AF_TYPE_APPROVALS_PAGE);
  g_type_ensure (AF_TYPE_DASHBOARD_PAGE);
  g_type_ensure (AF_TYPE_INTEGRATIONS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AfWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, approvals_badge);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, agents_page);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, approvals_page);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, integrations_page);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, agent_page);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, agent_actions);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, agent_pause_button);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, agent_stack_page);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, back_button);
  gtk_widget_class_bind_template_callback (widget_class, on_stack_visible_child_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_n_pending_cb);

  gtk_widget_class_install_action (widget_class, "win.new-agent", NULL, af_window_new_agent);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", af_window_show_view);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, af_window_go_back);
  gtk_widget_class_install_action (widget_class, "win.agent-edit", NULL, af_window_agent_edit);
  gtk_widget_class_install_action (widget_class, "win.agent-run", NULL, af_window_agent_run);
  gtk_widget_class_install_action (widget_class, "win.agent-pause-resume", NULL, af_window_agent_pause_resume);
  gtk_widget_class_install_action (widget_class, "win.agent-duplicate", NULL, af_window_agent_duplicate);
  gtk_widget_class_install_action (widget_class, "win.agent-export", NULL, af_window_agent_export);
  gtk_widget_class_install_action (widget_class, "win.agent-delete", NULL, af_window_agent_delete);
  gtk_widget_class_install_action (widget_class, "win.connect-service", "s", af_window_connect_service);
}

static void
af_window_init (AfWindow *self)
{
  self->settings = g_settings_new ("org.agentflow.App");
  g_signal_connect_object (self->settings, "changed::minutes-saved-per-action", G_CALLBACK (update_metrics), self,
                           G_CONNECT_SWAPPED);
  self->connecting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->integrations_page, "connect", G_CALLBACK (on_integration_connect_cb), self, 0);
  g_signal_connect_object (self->integrations_page, "disconnect", G_CALLBACK (on_integration_disconnect_cb), self, 0);
  g_signal_connect_object (self->integrations_page, "cancel", G_CALLBACK (on_integration_cancel_cb), self, 0);
  g_signal_connect_object (self->agents_page, "set-active", G_CALLBACK (on_agent_set_active_cb), self, 0);
  g_signal_connect_object (self->agents_page, "run", G_CALLBACK (on_agent_run_cb), self, 0);
  g_signal_connect_object (self->agents_page, "export", G_CALLBACK (on_agent_export_cb), self, 0);
  g_signal_connect_object (self->agents_page, "delete", G_CALLBACK (on_agent_delete_cb), self, 0);
  g_signal_connect_object (self->agents_page, "open", G_CALLBACK (on_agent_open_cb), self, 0);
  g_signal_connect_object (self->agents_page, "edit", G_CALLBACK (on_agent_edit_cb), self, 0);
  af_a11y_name_toasts (self->toast_overlay);
  g_signal_connect_object (self->approvals_page, "decide", G_CALLBACK (on_approval_decide_cb), self, 0);
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  on_stack_visible_child_cb (self);
  on_leaflet_folded_cb (self);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

AfWindow *
af_window_new (AfApplication *application)
{
  g_return_val_if_fail (AF_IS_APPLICATION (application), NULL);

  return g_object_new (AF_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * af_window_get_visible_page:
 *
 * The name of the page the window shows: "dashboard", "agents", "approvals"
 * or "integrations".
 */
const char *
af_window_get_visible_page (AfWindow *self)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * af_window_add_toast:
 * @toast: (transfer full): the toast
 *
 * Shows @toast over the window's pages.
 */
void
af_window_add_toast (AfWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (AF_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * af_window_get_page:
 * @name: "dashboard", "agents", "approvals" or "integrations"
 *
 * Returns: (transfer none) (nullable): the page widget
 */
GtkWidget *
af_window_get_page (AfWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), NULL);

  return gtk_stack_get_child_by_name (self->stack, name);
}

/**
 * af_window_get_folded:
 *
 * Whether the window is narrow enough to show one column at a time.
 */
gboolean
af_window_get_folded (AfWindow *self)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), FALSE);

  return adw_leaflet_get_folded (self->leaflet);
}

/**
 * af_window_get_sidebar_visible:
 *
 * Whether the sidebar is on screen (always when unfolded).
 */
gboolean
af_window_get_sidebar_visible (AfWindow *self)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), FALSE);

  return !adw_leaflet_get_folded (self->leaflet) || g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "sidebar") == 0;
}

/**
 * af_window_set_engine:
 * @engine: (nullable): the running engine
 *
 * Binds the pages to @engine: the agents, the pending approvals, the live
 * activity and the metrics.
 */
void
af_window_set_engine (AfWindow *self,
                      AfEngine *engine)
{
  g_return_if_fail (AF_IS_WINDOW (self));
  g_return_if_fail (engine == NULL || AF_IS_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine != NULL)
    {
      g_signal_handlers_disconnect_by_data (af_engine_get_agents (self->engine), self);
      g_signal_handlers_disconnect_by_data (self->engine, self);
    }
  if (self->activity != NULL)
    g_signal_handlers_disconnect_by_data (self->activity, self);
  g_clear_object (&self->activity);
  g_clear_object (&self->history);
  g_set_object (&self->engine, engine);
  af_integrations_page_set_model_settings (self->integrations_page,
                                           engine ? af_model_settings_get_for_engine (engine) : NULL);

  if (engine == NULL)
    {
      af_dashboard_page_set_activity (self->dashboard_page, NULL);
      af_dashboard_page_set_has_agents (self->dashboard_page, FALSE);
      af_agents_page_set_model (self->agents_page, NULL);
      af_approvals_page_set_model (self->approvals_page, NULL);
      af_approvals_page_set_queue (self->approvals_page, NULL);
      af_agent_page_set_agent (self->agent_page, NULL, NULL);
      af_dashboard_page_set_activity_factory (self->dashboard_page, NULL, NULL);
      af_dashboard_page_set_history (self->dashboard_page, NULL);
      af_agent_page_set_history (self->agent_page, NULL);
      af_dashboard_page_set_activity_log (self->dashboard_page, NULL);
      af_dashboard_page_set_agent_resolver (self->dashboard_page, NULL, NULL, NULL);
      af_approvals_page_set_agent_resolver (self->approvals_page, NULL, NULL);
      af_agents_page_set_detail_func (self->agents_page, NULL, NULL);
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "agent") == 0)
        gtk_stack_set_visible_child_name (self->stack, "agents");
      return;
    }

  self->activity = af_engine_create_activity_model (engine, NULL, AF_ACTIVITY_FEED);
  g_signal_connect_swapped (self->activity, "items-changed", G_CALLBACK (queue_metrics), self);
  af_dashboard_page_set_agent_resolver (self->dashboard_page, resolve_agent_name_cb, self, NULL);
  af_dashboard_page_set_activity_factory (self->dashboard_page, create_agent_activity_cb, self);
  af_approvals_page_set_agent_resolver (self->approvals_page, resolve_agent_name_cb, self);
  af_agents_page_set_detail_func (self->agents_page, agent_detail_cb, self);
  af_dashboard_page_set_activity (self->dashboard_page, G_LIST_MODEL (self->activity));
  {
    g_autoptr (AfMetricsStore) store = af_metrics_store_new (af_activity_log_get_database (af_engine_get_activity_log (engine)));

    self->history = af_metrics_history_new (store);
  }
  af_dashboard_page_set_history (self->dashboard_page, self->history);
  af_agent_page_set_history (self->agent_page, self->history);
  af_dashboard_page_set_activity_log (self->dashboard_page, af_engine_get_activity_log (engine));

  g_signal_connect_swapped (af_engine_get_agents (engine), "items-changed", G_CALLBACK (on_agents_changed_cb), self);
  g_signal_connect (engine, "agent-deleted", G_CALLBACK (on_agent_deleted_cb), self);
  g_signal_connect_swapped (engine, "run-finished", G_CALLBACK (queue_metrics), self);
  self->agents_page_bound = FALSE;
  af_agents_page_set_model (self->agents_page, NULL);
  if (showing_agents (self))
    bind_agents_page (self);
  af_approvals_page_set_model (self->approvals_page, af_engine_get_approvals (engine));
  af_approvals_page_set_queue (self->approvals_page, af_engine_get_approval_queue (engine));
  on_agents_changed_cb (self);
  update_metrics (self);
}

/**
 * af_window_get_engine:
 *
 * Returns: (transfer none) (nullable): the engine the pages show
 */
AfEngine *
af_window_get_engine (AfWindow *self)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), NULL);

  return self->engine;
}

/**
 * af_window_set_account_manager:
 * @accounts: (nullable): the accounts service
 *
 * Binds the Integrations page to @accounts: status, Connect with a
 * waiting state, Cancel, Disconnect and Reconnect.
 */
void
af_window_set_account_manager (AfWindow         *self,
                               AfAccountManager *accounts)
{
  g_return_if_fail (AF_IS_WINDOW (self));
  g_return_if_fail (accounts == NULL || AF_IS_ACCOUNT_MANAGER (accounts));

  if (!g_set_object (&self->accounts, accounts))
    return;
  af_integrations_page_set_oidc_available (self->integrations_page,
                                           accounts != NULL && af_account_manager_get_oidc_issuer (accounts) != NULL);
  af_integrations_page_set_account_manager (self->integrations_page, accounts, self->settings);
  refresh_connections (self);
}

/**
 * af_window_set_sandbox:
 *
 * Marks the window as showing the sample workspace, so nobody mistakes it
 * for their real accounts.
 */
void
af_window_set_sandbox (AfWindow *self,
                       gboolean  sandbox)
{
  g_return_if_fail (AF_IS_WINDOW (self));

  adw_window_title_set_subtitle (self->sidebar_title, sandbox ? _ ("Sandbox") : NULL);
  af_integrations_page_set_sandbox (self->integrations_page, sandbox);
  gtk_window_set_title (GTK_WINDOW (self), sandbox ? _ ("AgentFlow (Sandbox)") : _ ("AgentFlow"));
}
