/* af-window-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-window"

#include "config.h"

#include <glib/gi18n.h>

#include "af-model-settings.h"
#include "af-source.h"
#include "af-time-saved-group.h"
#include "af-time.h"
#include "af-window-private.h"

/* The window's pages bound to the engine: the activity feeds, the agent
 * names and details, the dashboard's metrics and the timers that keep
 * them current. */

static gboolean
on_midnight_cb (gpointer user_data)
{
  AfWindow *self = user_data;

  self->midnight_id = 0;
  af_window_update_metrics (self);
  return G_SOURCE_REMOVE;
}

void
af_window_update_metrics (AfWindow *self)
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
      g_autoptr (GDateTime) now = af_date_time_new_now_local ();
      g_autoptr (GDateTime) today = af_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
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
  af_window_update_metrics (self);
  return G_SOURCE_REMOVE;
}

/* Activity arrives in bursts (a run logs its steps at once, the feed
 * hears of them together): the tiles are read once per burst, before the
 * next frame draws the feed, so the two never disagree on screen. */
void
af_window_queue_metrics (AfWindow *self)
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
  af_window_queue_metrics (self);
  af_window_refresh_connections (self);
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

/* Wherever the agent was deleted from, its page does not stay open. */
static void
on_agent_deleted_cb (AfEngine   *engine,
                     const char *agent_id,
                     AfWindow   *self)
{
  AfAgent *shown = self->agent_page != NULL ? af_agent_page_get_agent (self->agent_page) : NULL;

  /* Its days may have gone with it. */
  if (self->history != NULL)
    af_metrics_history_invalidate (self->history);
  if (shown == NULL || g_strcmp0 (af_agent_get_id (shown), agent_id) != 0)
    return;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "agent") == 0)
    af_window_show_page (self, "agents");
  af_agent_page_set_agent (self->agent_page, NULL, NULL);
}

/* The pages built so far show the engine (or none): here when the engine
 * changes, and from af-window-pages.c when a page is built. */

void
af_window_bind_agents_page_to_engine (AfWindow *self)
{
  if (self->agents_page == NULL)
    return;
  af_agents_page_set_detail_func (self->agents_page, self->engine ? agent_detail_cb : NULL, self->engine ? self : NULL);
  self->agents_page_bound = FALSE;
  af_agents_page_set_model (self->agents_page, NULL);
  af_window_bind_agents_page_when_shown (self);
}

void
af_window_bind_approvals_page_to_engine (AfWindow *self)
{
  if (self->approvals_page == NULL)
    return;
  if (self->engine == NULL)
    {
      af_approvals_page_set_model (self->approvals_page, NULL);
      af_approvals_page_set_queue (self->approvals_page, NULL);
      af_approvals_page_set_agent_resolver (self->approvals_page, NULL, NULL);
      return;
    }
  af_approvals_page_set_agent_resolver (self->approvals_page, resolve_agent_name_cb, self);
  af_approvals_page_set_model (self->approvals_page, af_engine_get_approvals (self->engine));
  af_approvals_page_set_queue (self->approvals_page, af_engine_get_approval_queue (self->engine));
}

void
af_window_bind_integrations_page_to_engine (AfWindow *self)
{
  if (self->integrations_page == NULL)
    return;
  af_integrations_page_set_model_settings (self->integrations_page,
                                           self->engine ? af_model_settings_get_for_engine (self->engine) : NULL);
}

void
af_window_bind_agent_page_to_engine (AfWindow *self)
{
  if (self->agent_page == NULL)
    return;
  if (self->engine == NULL)
    af_agent_page_set_agent (self->agent_page, NULL, NULL);
  af_agent_page_set_history (self->agent_page, self->history);
}

/* The pages show @engine: its agents, pending approvals, live activity
 * and metrics. */
void
af_window_bind_engine (AfWindow *self,
                       AfEngine *engine)
{
  g_assert (AF_IS_WINDOW (self));

  if (self->engine != NULL)
    {
      g_signal_handlers_disconnect_by_data (af_engine_get_agents (self->engine), self);
      g_signal_handlers_disconnect_by_data (af_engine_get_approvals (self->engine), self);
      g_signal_handlers_disconnect_by_data (self->engine, self);
    }
  if (self->activity != NULL)
    g_signal_handlers_disconnect_by_data (self->activity, self);
  g_clear_object (&self->activity);
  g_clear_object (&self->history);
  g_set_object (&self->engine, engine);
  af_window_bind_integrations_page_to_engine (self);

  if (engine == NULL)
    {
      af_dashboard_page_set_activity (self->dashboard_page, NULL);
      af_dashboard_page_set_has_agents (self->dashboard_page, FALSE);
      af_window_bind_agents_page_to_engine (self);
      af_window_bind_approvals_page_to_engine (self);
      af_window_bind_agent_page_to_engine (self);
      af_dashboard_page_set_activity_factory (self->dashboard_page, NULL, NULL);
      af_dashboard_page_set_history (self->dashboard_page, NULL);
      af_dashboard_page_set_activity_log (self->dashboard_page, NULL);
      af_dashboard_page_set_agent_resolver (self->dashboard_page, NULL, NULL, NULL);
      af_window_update_approvals_badge (self);
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "agent") == 0)
        af_window_show_page (self, "agents");
      return;
    }

  self->activity = af_engine_create_activity_model (engine, NULL, AF_ACTIVITY_FEED);
  g_signal_connect_swapped (self->activity, "items-changed", G_CALLBACK (af_window_queue_metrics), self);
  af_dashboard_page_set_agent_resolver (self->dashboard_page, resolve_agent_name_cb, self, NULL);
  af_dashboard_page_set_activity_factory (self->dashboard_page, create_agent_activity_cb, self);
  af_dashboard_page_set_activity (self->dashboard_page, G_LIST_MODEL (self->activity));
  {
    g_autoptr (AfMetricsStore) store = af_metrics_store_new (af_activity_log_get_database (af_engine_get_activity_log (engine)));

    self->history = af_metrics_history_new (store);
  }
  af_dashboard_page_set_history (self->dashboard_page, self->history);
  af_window_bind_agent_page_to_engine (self);
  af_dashboard_page_set_activity_log (self->dashboard_page, af_engine_get_activity_log (engine));

  g_signal_connect_swapped (af_engine_get_agents (engine), "items-changed", G_CALLBACK (on_agents_changed_cb), self);
  g_signal_connect (engine, "agent-deleted", G_CALLBACK (on_agent_deleted_cb), self);
  g_signal_connect_swapped (engine, "run-finished", G_CALLBACK (af_window_queue_metrics), self);
  af_window_bind_agents_page_to_engine (self);
  af_window_bind_approvals_page_to_engine (self);
  /* Until the Approvals page is built, the badge counts the engine's
   * approvals itself. */
  if (self->approvals_page == NULL)
    g_signal_connect_swapped (af_engine_get_approvals (engine), "items-changed",
                              G_CALLBACK (af_window_update_approvals_badge), self);
  af_window_update_approvals_badge (self);
  /* This queues the tiles too. */
  on_agents_changed_cb (self);
}
