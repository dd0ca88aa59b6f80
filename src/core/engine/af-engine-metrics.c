/* af-engine-metrics.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <string.h>

#include "af-engine-private.h"
#include "af-metrics-store.h"
#include "af-time.h"

/* The numbers of the dashboard and an agent's page: runs, success rates,
 * actions done and the minutes they saved, from the store's counts. */

/* Since when "today" counts, in the user's time zone. */
static gint64
local_midnight (void)
{
  g_autoptr (GDateTime) now = af_date_time_new_now_local ();
  g_autoptr (GDateTime) midnight = af_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                           g_date_time_get_day_of_month (now), 0, 0, 0);

  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

void
af_engine_get_metrics (AfEngine   *self,
                       const char *agent_id,
                       AfMetrics  *m)
{
  g_autoptr (AfMetricsStore) store = NULL;
  g_autoptr (GPtrArray) tallies = NULL;
  gint64 week = g_get_real_time () - 7 * G_TIME_SPAN_DAY;

  g_return_if_fail (AF_IS_ENGINE (self));
  g_return_if_fail (m != NULL);

  memset (m, 0, sizeof *m);
  store = af_metrics_store_new (self->db);
  /* A count that cannot be read stays 0: the dashboard shows the rest. */
  af_metrics_store_count_finished_runs (store, agent_id, 0, &m->runs, &m->runs_succeeded, NULL);
  af_metrics_store_count_finished_runs (store, agent_id, week, &m->runs_7d, &m->runs_succeeded_7d, NULL);
  m->success_rate = m->runs ? (double)m->runs_succeeded / m->runs : 0;
  m->success_rate_7d = m->runs_7d ? (double)m->runs_succeeded_7d / m->runs_7d : 0;
  m->emails_processed = af_metrics_store_count_items_processed (store, agent_id, NULL);

  /* Actions done, per agent and kind, weighted by the agent's template. */
  tallies = af_metrics_store_tally_actions (store, agent_id, local_midnight (), week, NULL);
  for (guint i = 0; tallies != NULL && i < tallies->len; i++)
    {
      AfActionTally *t = g_ptr_array_index (tallies, i);
      AfTemplate *template = t->template_id ? af_template_lookup (t->template_id) : NULL;

      m->actions += t->n;
      m->actions_today += t->n_today;
      if (template != NULL)
        {
          m->minutes_saved += t->n * af_template_get_minutes_saved (template, t->action);
          m->minutes_saved_7d += t->n_since * af_template_get_minutes_saved (template, t->action);
        }
      if (g_strcmp0 (t->action, "draft") == 0)
        m->drafts_created += t->n;
      else if (g_strcmp0 (t->action, "post") == 0)
        m->messages_posted += t->n;
      else if (g_strcmp0 (t->action, "create_event") == 0)
        m->events_created += t->n;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->approvals)); i++)
    {
      g_autoptr (AfApproval) a = g_list_model_get_item (G_LIST_MODEL (self->approvals), i);

      if (agent_id == NULL || g_strcmp0 (agent_id, af_approval_get_agent_id (a)) == 0)
        m->approvals_pending++;
    }
}
