/* af-metrics-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-metrics"

#include "config.h"

#include <string.h>

#include "af-metrics-store.h"

/* The queries behind the dashboard's numbers and chart. */
struct _AfMetricsStore
{
  GObject parent_instance;

  AfDatabase *db;
};

G_DEFINE_FINAL_TYPE (AfMetricsStore, af_metrics_store, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (AfActionTally, af_action_tally, af_action_tally_copy, af_action_tally_free)

#define HOUR_US ((gint64)3600 * G_USEC_PER_SEC)

static void
af_metrics_store_dispose (GObject *object)
{
  AfMetricsStore *self = (AfMetricsStore *)object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (af_metrics_store_parent_class)->dispose (object);
}

static void
af_metrics_store_class_init (AfMetricsStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_metrics_store_dispose;
}

static void
af_metrics_store_init (AfMetricsStore *self)
{
}

AfMetricsStore *
af_metrics_store_new (AfDatabase *db)
{
  AfMetricsStore *self;

  g_return_val_if_fail (AF_IS_DATABASE (db), NULL);

  self = g_object_new (AF_TYPE_METRICS_STORE, NULL);
  self->db = g_object_ref (db);
  return self;
}

gboolean
af_metrics_store_actions_per_day (AfMetricsStore *self,
                                  const char     *agent_id,
                                  GDateTime      *first_day,
                                  guint           n_days,
                                  AfDayActions   *days,
                                  GError        **error)
{
  g_autofree gint64 *bounds = NULL; /* n_days + 1 local midnights, in hours */
  sqlite3_stmt      *stmt;
  guint              day = 0;
  int                rc;

  g_return_val_if_fail (AF_IS_METRICS_STORE (self), FALSE);
  g_return_val_if_fail (first_day != NULL, FALSE);
  g_return_val_if_fail (days != NULL || n_days == 0, FALSE);

  memset (days, 0, n_days * sizeof *days);
  if (n_days == 0)
    return TRUE;

  /* Days are not all 24 hours long (summer time): each bound is a local
   * midnight of its own. */
  bounds = g_new (gint64, n_days + 1);
  for (guint i = 0; i <= n_days; i++)
    {
      g_autoptr (GDateTime) d = g_date_time_add_days (first_day, i);

      bounds[i] = g_date_time_to_unix (d) * G_USEC_PER_SEC / HOUR_US;
    }

  /* All agents: one row per hour from the totals, not one per agent. */
  if (agent_id == NULL)
    stmt = af_database_prepare (self->db,
                                "SELECT hour, done, waiting, failed FROM activity_hourly_total"
                                " WHERE hour >= ?1 AND hour < ?2 ORDER BY hour",
                                error);
  else
    stmt = af_database_prepare (self->db,
                                "SELECT hour, sum (done), sum (waiting), sum (failed) FROM activity_hourly"
                                " WHERE hour >= ?1 AND hour < ?2 AND agent_id = ?3 GROUP BY hour ORDER BY hour",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, bounds[0]);
  sqlite3_bind_int64 (stmt, 2, bounds[n_days]);
  if (agent_id != NULL)
    sqlite3_bind_text (stmt, 3, agent_id, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 hour = sqlite3_column_int64 (stmt, 0);

      while (day + 1 < n_days && hour >= bounds[day + 1])
        day++;
      days[day].done += (guint)MAX (sqlite3_column_int64 (stmt, 1), 0);
      days[day].waiting += (guint)MAX (sqlite3_column_int64 (stmt, 2), 0);
      days[day].failed += (guint)MAX (sqlite3_column_int64 (stmt, 3), 0);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "read the actions per day");
      return FALSE;
    }
  return TRUE;
}

gboolean
af_metrics_store_count_runs (AfMetricsStore *self,
                             const char     *agent_id,
                             gint64          since,
                             guint          *acted,
                             guint          *succeeded,
                             GError        **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_METRICS_STORE (self), FALSE);
  g_return_val_if_fail (acted != NULL && succeeded != NULL, FALSE);

  *acted = *succeeded = 0;
  /* A run that acted did something (its "actions" are those done) or
   * failed; a poll that found nothing, or only asked for approvals, has
   * not acted yet and says nothing about how well the agent works. */
  stmt = af_database_prepare (self->db,
                              "SELECT total (outcome <> 'succeeded' OR actions > 0),"
                              " total (outcome = 'succeeded' AND actions > 0)"
                              " FROM runs WHERE dry_run = 0 AND finished_at IS NOT NULL AND outcome <> 'cancelled'"
                              " AND started_at >= ?1 AND (?2 IS NULL OR agent_id = ?2)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_text (stmt, 2, agent_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *acted = (guint)sqlite3_column_int64 (stmt, 0);
      *succeeded = (guint)sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      af_database_set_error (self->db, rc, error, "count the runs");
      return FALSE;
    }
  return TRUE;
}

GHashTable *
af_metrics_store_items_per_action (AfMetricsStore *self,
                                   const char     *agent_id,
                                   gint64          since,
                                   GError        **error)
{
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_METRICS_STORE (self), NULL);

  stmt = af_database_prepare (self->db,
                              "SELECT action, count (DISTINCT item) FROM action_items"
                              " WHERE hour >= ?1 / 3600000000 AND (?2 IS NULL OR agent_id = ?2) GROUP BY 1",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_text (stmt, 2, agent_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *action = (const char *)sqlite3_column_text (stmt, 0);

      if (action != NULL)
        g_hash_table_insert (counts, g_strdup (action), GUINT_TO_POINTER ((guint)sqlite3_column_int64 (stmt, 1)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "count the items acted on");
      return NULL;
    }
  return g_steal_pointer (&counts);
}

AfActionTally *
af_action_tally_copy (const AfActionTally *tally)
{
  AfActionTally *copy;

  g_return_val_if_fail (tally != NULL, NULL);

  copy = g_memdup2 (tally, sizeof *tally);
  copy->agent_id = g_strdup (tally->agent_id);
  copy->action = g_strdup (tally->action);
  copy->template_id = g_strdup (tally->template_id);
  return copy;
}

void
af_action_tally_free (AfActionTally *tally)
{
  if (tally == NULL)
    return;
  g_free (tally->agent_id);
  g_free (tally->action);
  g_free (tally->template_id);
  g_free (tally);
}

static gboolean
count_one (AfMetricsStore *self,
           const char     *sql,
           const char     *agent_id,
           gint64          since,
           guint          *n,
           GError        **error)
{
  sqlite3_stmt *stmt = af_database_prepare (self->db, sql, error);
  int           rc;

  *n = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, since);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *n = (guint)sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      af_database_set_error (self->db, rc, error, "count the runs");
      return FALSE;
    }
  return TRUE;
}

gboolean
af_metrics_store_count_finished_runs (AfMetricsStore *self,
                                      const char     *agent_id,
                                      gint64          since,
                                      guint          *finished,
                                      guint          *succeeded,
                                      GError        **error)
{
  g_return_val_if_fail (AF_IS_METRICS_STORE (self), FALSE);
  g_return_val_if_fail (finished != NULL && succeeded != NULL, FALSE);

  *succeeded = 0;
  return count_one (self,
                    "SELECT count (*) FROM runs WHERE dry_run = 0 AND finished_at IS NOT NULL"
                    " AND (?1 IS NULL OR agent_id = ?1) AND started_at >= ?2",
                    agent_id, since, finished, error) &&
         count_one (self,
                    "SELECT count (*) FROM runs WHERE dry_run = 0 AND outcome = 'succeeded'"
                    " AND (?1 IS NULL OR agent_id = ?1) AND started_at >= ?2",
                    agent_id, since, succeeded, error);
}

guint
af_metrics_store_count_items_processed (AfMetricsStore *self,
                                        const char     *agent_id,
                                        GError        **error)
{
  guint n = 0;

  g_return_val_if_fail (AF_IS_METRICS_STORE (self), 0);

  count_one (self,
             "SELECT count (*) FROM seen_items WHERE (?1 IS NULL OR agent_id = ?1)"
             " AND seen_at >= ?2 AND item_id NOT LIKE 'agenda-%' AND item_id NOT LIKE 'digest-%'"
             " AND item_id NOT LIKE 'own:%'",
             agent_id, 0, &n, error);
  return n;
}

/**
 * af_metrics_store_tally_actions:
 *
 * Returns: (transfer full) (element-type AfActionTally): the tallies, or
 *   %NULL with @error set
 */
GPtrArray *
af_metrics_store_tally_actions (AfMetricsStore *self,
                                const char     *agent_id,
                                gint64          today,
                                gint64          since,
                                GError        **error)
{
  g_autoptr (GPtrArray) tallies = NULL;
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_METRICS_STORE (self), NULL);

  stmt = af_database_prepare (self->db,
                              "SELECT o.agent_id, o.action, count (*), a.template,"
                              " sum (o.updated_at >= ?2), sum (o.updated_at >= ?3) FROM outbox o"
                              " LEFT JOIN agents a ON a.id = o.agent_id"
                              " WHERE o.state = 'done' AND (?1 IS NULL OR o.agent_id = ?1) GROUP BY 1, 2",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, today);
  sqlite3_bind_int64 (stmt, 3, since);
  tallies = g_ptr_array_new_with_free_func ((GDestroyNotify)af_action_tally_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AfActionTally *t = g_new0 (AfActionTally, 1);

      t->agent_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      t->action = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      t->n = (guint)sqlite3_column_int64 (stmt, 2);
      t->template_id = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      t->n_today = (guint)sqlite3_column_int64 (stmt, 4);
      t->n_since = (guint)sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (tallies, t);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "count the actions done");
      return NULL;
    }
  return g_steal_pointer (&tallies);
}
