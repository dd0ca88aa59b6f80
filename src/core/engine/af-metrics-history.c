/* af-metrics-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-metrics"

#include "config.h"

#include "af-metrics-history.h"
#include "af-time.h"

/* Actions per day for the charts. A day that is over does not change
 * (until its agent's history is deleted), so past days are read once and
 * kept; only today is read again. */
struct _AfMetricsHistory
{
  GObject parent_instance;

  AfMetricsStore *store;
  GHashTable     *days; /* "agent\nYYYY-MM-DD" → AfDayActions */
};

G_DEFINE_FINAL_TYPE (AfMetricsHistory, af_metrics_history, G_TYPE_OBJECT)

static char *
day_key (const char *agent_id,
         GDateTime  *day)
{
  g_autofree char *date = g_date_time_format (day, "%Y-%m-%d");

  return g_strdup_printf ("%s\n%s", agent_id ? agent_id : "", date);
}

static void
af_metrics_history_dispose (GObject *object)
{
  AfMetricsHistory *self = (AfMetricsHistory *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->days, g_hash_table_unref);

  G_OBJECT_CLASS (af_metrics_history_parent_class)->dispose (object);
}

static void
af_metrics_history_class_init (AfMetricsHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_metrics_history_dispose;
}

static void
af_metrics_history_init (AfMetricsHistory *self)
{
  self->days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

AfMetricsHistory *
af_metrics_history_new (AfMetricsStore *store)
{
  AfMetricsHistory *self;

  g_return_val_if_fail (AF_IS_METRICS_STORE (store), NULL);

  self = g_object_new (AF_TYPE_METRICS_HISTORY, NULL);
  self->store = g_object_ref (store);
  return self;
}

AfDayActions *
af_metrics_history_get_days (AfMetricsHistory *self,
                             const char       *agent_id,
                             guint             n_days)
{
  g_autoptr (GDateTime) now = af_date_time_new_now_local ();
  g_autoptr (GDateTime) today = NULL;
  g_autoptr (GDateTime) first = NULL;
  g_autoptr (GError) error = NULL;
  AfDayActions *days;
  gboolean      cached = TRUE;

  g_return_val_if_fail (AF_IS_METRICS_HISTORY (self), NULL);
  g_return_val_if_fail (n_days > 0, NULL);

  today = af_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                  g_date_time_get_day_of_month (now), 0, 0, 0);
  first = g_date_time_add_days (today, -(int)(n_days - 1));
  days = g_new0 (AfDayActions, n_days);

  for (guint i = 0; i + 1 < n_days && cached; i++)
    {
      g_autoptr (GDateTime) d = g_date_time_add_days (first, i);
      g_autofree char *key = day_key (agent_id, d);
      AfDayActions    *known = g_hash_table_lookup (self->days, key);

      if (known != NULL)
        days[i] = *known;
      else
        cached = FALSE;
    }

  if (cached)
    {
      if (!af_metrics_store_actions_per_day (self->store, agent_id, today, 1, &days[n_days - 1], &error))
        g_warning ("Could not read today’s actions: %s", error->message);
      return days;
    }

  if (!af_metrics_store_actions_per_day (self->store, agent_id, first, n_days, days, &error))
    {
      g_warning ("Could not read the actions per day: %s", error->message);
      return days;
    }
  for (guint i = 0; i + 1 < n_days; i++)
    {
      g_autoptr (GDateTime) d = g_date_time_add_days (first, i);

      g_hash_table_replace (self->days, day_key (agent_id, d), g_memdup2 (&days[i], sizeof days[i]));
    }
  return days;
}

void
af_metrics_history_invalidate (AfMetricsHistory *self)
{
  g_return_if_fail (AF_IS_METRICS_HISTORY (self));
  g_hash_table_remove_all (self->days);
}
