/* test-metrics-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The counts behind the dashboard on a real SQLite file: finished runs,
 * items the agents dealt with (not their own mail), actions done per
 * agent and kind.
 */

#include "config.h"

#include "af-activity-log.h"
#include "af-metrics-store.h"
#include "af-outbox.h"
#include "af-run-store.h"
#include "af-test-store.h"

static void
done (AfTestStore *f,
      AfOutbox    *outbox,
      const char  *agent_id,
      const char  *key,
      const char  *action,
      gint64       when)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfOutboxEntry) e = af_outbox_reserve (outbox, key, agent_id, 1, action, "{}", AF_OUTBOX_DONE, &error);
  g_autofree char *sql = NULL;

  g_assert_no_error (error);
  sql = g_strdup_printf ("UPDATE outbox SET updated_at = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT, when,
                         e->id);
  g_assert_true (af_database_exec (f->db, sql, &error));
}

static void
test_counts (AfTestStore  *f,
             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfMetricsStore) metrics = af_metrics_store_new (f->db);
  g_autoptr (AfRunStore) runs = af_run_store_new (f->db);
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (GPtrArray) tallies = NULL;
  guint  finished, succeeded;
  gint64 now = g_get_real_time ();
  gint64 id;

  g_assert_true (af_database_exec (f->db,
                                   "INSERT INTO agents (id, name, template, definition, state, created_at, updated_at)"
                                   " VALUES ('a', 'A', 'email-assistant', '{}', 'active', 1, 1)",
                                   &error));
  id = af_run_store_begin (runs, "a", FALSE, NULL, &error);
  af_run_store_finish (runs, id, "succeeded", 2, NULL, &error);
  id = af_run_store_begin (runs, "a", FALSE, NULL, &error);
  af_run_store_finish (runs, id, "failed", 0, "offline", &error);
  /* Still running, and a test run: neither counts. */
  af_run_store_begin (runs, "a", FALSE, NULL, &error);
  id = af_run_store_begin (runs, "a", TRUE, NULL, &error);
  af_run_store_finish (runs, id, "succeeded", 0, NULL, &error);
  id = af_run_store_begin (runs, "b", FALSE, NULL, &error);
  af_run_store_finish (runs, id, "succeeded", 1, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (af_metrics_store_count_finished_runs (metrics, "a", 0, &finished, &succeeded, &error));
  g_assert_cmpuint (finished, ==, 2);
  g_assert_cmpuint (succeeded, ==, 1);
  g_assert_true (af_metrics_store_count_finished_runs (metrics, NULL, 0, &finished, &succeeded, &error));
  g_assert_cmpuint (finished, ==, 3);
  g_assert_cmpuint (succeeded, ==, 2);
  g_assert_true (af_metrics_store_count_finished_runs (metrics, NULL, now + G_TIME_SPAN_DAY, &finished, &succeeded,
                                                       &error));
  g_assert_cmpuint (finished, ==, 0);

  af_run_store_mark_seen (runs, "a", "m1", &error);
  af_run_store_mark_seen (runs, "a", "m2", &error);
  af_run_store_mark_seen (runs, "a", "own:m3", &error);
  af_run_store_mark_seen (runs, "a", "digest-2026-12-06", &error);
  af_run_store_mark_seen (runs, "b", "e1", &error);
  g_assert_cmpuint (af_metrics_store_count_items_processed (metrics, "a", &error), ==, 2);
  g_assert_cmpuint (af_metrics_store_count_items_processed (metrics, NULL, &error), ==, 3);
  g_assert_no_error (error);

  done (f, outbox, "a", "k1", "label", now);
  done (f, outbox, "a", "k2", "label", now - 3 * G_TIME_SPAN_DAY);
  done (f, outbox, "a", "k3", "draft", now - 30 * G_TIME_SPAN_DAY);
  done (f, outbox, "b", "k4", "post", now);
  tallies = af_metrics_store_tally_actions (metrics, "a", now - G_TIME_SPAN_HOUR, now - 7 * G_TIME_SPAN_DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tallies->len, ==, 2);
  for (guint i = 0; i < tallies->len; i++)
    {
      AfActionTally *t = g_ptr_array_index (tallies, i);

      g_assert_cmpstr (t->agent_id, ==, "a");
      g_assert_cmpstr (t->template_id, ==, "email-assistant");
      if (g_str_equal (t->action, "label"))
        {
          g_assert_cmpuint (t->n, ==, 2);
          g_assert_cmpuint (t->n_today, ==, 1);
          g_assert_cmpuint (t->n_since, ==, 2);
        }
      else
        {
          g_assert_cmpstr (t->action, ==, "draft");
          g_assert_cmpuint (t->n, ==, 1);
          g_assert_cmpuint (t->n_today, ==, 0);
          g_assert_cmpuint (t->n_since, ==, 0);
        }
    }
  g_clear_pointer (&tallies, g_ptr_array_unref);
  /* An agent that is gone has no template: its actions still count. */
  tallies = af_metrics_store_tally_actions (metrics, "b", 0, 0, &error);
  g_assert_cmpuint (tallies->len, ==, 1);
  g_assert_null (((AfActionTally *)g_ptr_array_index (tallies, 0))->template_id);
}

/* What the dashboard's time saved counted before the action_items
 * table: the distinct items of each action, straight from the log. */
static GHashTable *
direct_items_per_action (AfTestStore *f,
                         const char  *agent_id,
                         gint64       since)
{
  GHashTable   *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (af_database_get_handle (f->db),
                                       "SELECT json_extract (details, '$.action'),"
                                       " count (DISTINCT json_extract (details, '$.item'))"
                                       " FROM activity WHERE ts >= ?1 AND kind = 'action-done'"
                                       " AND (?2 IS NULL OR agent_id = ?2) AND json_valid (details)"
                                       " AND json_extract (details, '$.item') IS NOT NULL GROUP BY 1",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_text (stmt, 2, agent_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    if (sqlite3_column_text (stmt, 0) != NULL)
      g_hash_table_insert (counts, g_strdup ((const char *)sqlite3_column_text (stmt, 0)),
                           GUINT_TO_POINTER ((guint)sqlite3_column_int64 (stmt, 1)));
  sqlite3_finalize (stmt);
  return counts;
}

static void
assert_items_agree (AfTestStore    *f,
                    AfMetricsStore *metrics,
                    const char     *agent_id,
                    gint64          since)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) direct = direct_items_per_action (f, agent_id, since);
  g_autoptr (GHashTable) kept = af_metrics_store_items_per_action (metrics, agent_id, since, &error);
  GHashTableIter iter;
  gpointer       action, n;

  g_assert_no_error (error);
  g_assert_nonnull (kept);
  g_assert_cmpuint (g_hash_table_size (kept), ==, g_hash_table_size (direct));
  g_hash_table_iter_init (&iter, direct);
  while (g_hash_table_iter_next (&iter, &action, &n))
    {
      g_assert_true (g_hash_table_contains (kept, action));
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (kept, action)), ==, GPOINTER_TO_UINT (n));
    }
}

static guint
items_of (AfMetricsStore *metrics,
          const char     *agent_id,
          gint64          since,
          const char     *action)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) kept = af_metrics_store_items_per_action (metrics, agent_id, since, &error);

  g_assert_no_error (error);
  return GPOINTER_TO_UINT (g_hash_table_lookup (kept, action));
}

/* The items per action come from a table the triggers keep: it agrees
 * with a count over the log itself after appends, edits, deletes and
 * retention pruning. */
static void
test_items_per_action (AfTestStore  *f,
                       gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfMetricsStore) metrics = af_metrics_store_new (f->db);
  g_autoptr (AfActivityLog) log = af_activity_log_new (f->db);
  const char *const agents[] = { "a", "b", NULL };
  gint64            now = g_get_real_time ();
  gint64            week = now - 7 * G_TIME_SPAN_DAY;
  gint64            again, old;

#define APPEND(agent, kind, details) af_activity_log_append (log, agent, 0, kind, "line", details, "ok", &error)
  APPEND ("a", "action-done", "{\"action\": \"label\", \"item\": \"m1\"}");
  again = APPEND ("a", "action-done", "{\"action\": \"label\", \"item\": \"m1\"}");
  APPEND ("a", "action-done", "{\"action\": \"label\", \"item\": \"m2\"}");
  APPEND ("a", "action-done", "{\"action\": \"archive\", \"item\": \"m1\"}");
  APPEND ("b", "action-done", "{\"action\": \"label\", \"item\": \"m1\"}");
  APPEND ("b", "action-done", "{\"action\": \"post\"}");
  APPEND ("b", "action-done", "not json");
  APPEND (NULL, "action-done", "{\"action\": \"label\", \"item\": \"m9\"}");
  APPEND ("a", "approval-requested", "{\"action\": \"label\", \"item\": \"m3\"}");
  APPEND ("a", "action-failed", "{\"action\": \"label\", \"item\": \"m4\"}");
  old = APPEND ("a", "action-done", "{\"action\": \"draft\", \"item\": \"m5\"}");
#undef APPEND
  g_assert_no_error (error);

  /* m1 and m2 by "a", m1 again by "b" and m9 by nobody: three items. */
  g_assert_cmpuint (items_of (metrics, NULL, week, "label"), ==, 3);
  g_assert_cmpuint (items_of (metrics, "a", week, "label"), ==, 2);
  g_assert_cmpuint (items_of (metrics, "a", week, "archive"), ==, 1);
  g_assert_cmpuint (items_of (metrics, "b", week, "post"), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      assert_items_agree (f, metrics, agents[i], week);
      assert_items_agree (f, metrics, agents[i], 0);
    }

  /* A row moved back in time leaves the week; a row whose details are
   * filled in later starts to count. */
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE activity SET ts = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
                                            now - 40 * G_TIME_SPAN_DAY, old);

    g_assert_true (af_database_exec (f->db, sql, &error));
    g_assert_true (af_database_exec (f->db,
                                     "UPDATE activity SET details = '{\"action\": \"post\", \"item\": \"c1\"}'"
                                     " WHERE details = 'not json'",
                                     &error));
  }
  g_assert_cmpuint (items_of (metrics, NULL, week, "draft"), ==, 0);
  g_assert_cmpuint (items_of (metrics, NULL, 0, "draft"), ==, 1);
  g_assert_cmpuint (items_of (metrics, "b", week, "post"), ==, 1);
  for (guint i = 0; i < 3; i++)
    {
      assert_items_agree (f, metrics, agents[i], week);
      assert_items_agree (f, metrics, agents[i], 0);
    }

  /* Deleting one of two rows on the same item keeps the item; deleting
   * the last one removes it. */
  {
    g_autofree char *sql = g_strdup_printf ("DELETE FROM activity WHERE id = %" G_GINT64_FORMAT, again);

    g_assert_true (af_database_exec (f->db, sql, &error));
  }
  g_assert_cmpuint (items_of (metrics, "a", week, "label"), ==, 2);
  g_assert_true (af_database_exec (f->db, "DELETE FROM activity WHERE details LIKE '%\"m2\"%'", &error));
  g_assert_cmpuint (items_of (metrics, "a", week, "label"), ==, 1);
  for (guint i = 0; i < 3; i++)
    {
      assert_items_agree (f, metrics, agents[i], week);
      assert_items_agree (f, metrics, agents[i], 0);
    }

  /* Retention forgets the draft of 40 days ago, and the table with it. */
  af_activity_log_set_retention_days (log, 30);
  g_assert_cmpuint (af_activity_log_prune (log, now, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (items_of (metrics, NULL, 0, "draft"), ==, 0);
  af_test_store_reopen (f);
  g_clear_object (&metrics);
  metrics = af_metrics_store_new (f->db);
  for (guint i = 0; i < 3; i++)
    {
      assert_items_agree (f, metrics, agents[i], week);
      assert_items_agree (f, metrics, agents[i], 0);
    }
  /* m1 (by "a" and by "b") and m9 are left. */
  g_assert_cmpuint (items_of (metrics, NULL, week, "label"), ==, 2);
}

static void
assert_days_agree (AfTestStore    *f,
                   AfMetricsStore *metrics,
                   GDateTime      *first_day,
                   guint           n_days)
{
  g_autoptr (GError) error = NULL;
  g_autofree AfDayActions *days = g_new0 (AfDayActions, n_days);

  g_assert_true (af_metrics_store_actions_per_day (metrics, NULL, first_day, n_days, days, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n_days; i++)
    {
      g_autoptr (GDateTime) from = g_date_time_add_days (first_day, i);
      g_autoptr (GDateTime) to = g_date_time_add_days (first_day, i + 1);
      g_autofree char *sql = g_strdup_printf ("SELECT total (kind = 'action-done'), total (kind = 'approval-requested'),"
                                              " total (kind = 'action-failed') FROM activity"
                                              " WHERE ts >= %" G_GINT64_FORMAT " AND ts < %" G_GINT64_FORMAT,
                                              g_date_time_to_unix (from) * G_USEC_PER_SEC,
                                              g_date_time_to_unix (to) * G_USEC_PER_SEC);
      sqlite3_stmt    *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (af_database_get_handle (f->db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpuint (days[i].done, ==, (guint)sqlite3_column_int64 (stmt, 0));
      g_assert_cmpuint (days[i].waiting, ==, (guint)sqlite3_column_int64 (stmt, 1));
      g_assert_cmpuint (days[i].failed, ==, (guint)sqlite3_column_int64 (stmt, 2));
      sqlite3_finalize (stmt);
    }
}

/* The chart of all agents reads per-hour totals the triggers keep: they
 * agree with a count over the log after appends, deletes and pruning. */
static void
test_actions_per_day_total (AfTestStore  *f,
                            gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfMetricsStore) metrics = af_metrics_store_new (f->db);
  g_autoptr (AfActivityLog) log = af_activity_log_new (f->db);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                       g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr (GDateTime) first = g_date_time_add_days (today, -59);
  g_autofree AfDayActions *days = g_new0 (AfDayActions, 60);
  g_autofree char         *old = g_strdup_printf ("INSERT INTO activity (ts, agent_id, kind, summary) VALUES"
                                                          " (%" G_GINT64_FORMAT ", 'a', 'action-done', 'old'),"
                                                          " (%" G_GINT64_FORMAT ", 'b', 'action-failed', 'old')",
                                                  g_get_real_time () - 40 * G_TIME_SPAN_DAY,
                                                  g_get_real_time () - 40 * G_TIME_SPAN_DAY);
  const char *const        kinds[] = { "action-done", "approval-requested", "action-failed", "run-started" };

  for (guint i = 0; i < 12; i++)
    af_activity_log_append (log, i % 3 == 2 ? NULL : i % 3 ? "b"
                                                           : "a",
                            0, kinds[i % 4], "line", NULL, "ok", &error);
  g_assert_true (af_database_exec (f->db, old, &error));
  g_assert_no_error (error);
  assert_days_agree (f, metrics, first, 60);
  g_assert_true (af_metrics_store_actions_per_day (metrics, NULL, today, 1, days, &error));
  g_assert_cmpuint (days[0].done, ==, 3);
  g_assert_cmpuint (days[0].waiting, ==, 3);
  g_assert_cmpuint (days[0].failed, ==, 3);

  /* A forgotten agent takes its counts with it; retention the old ones. */
  g_assert_true (af_database_exec (f->db, "DELETE FROM activity WHERE agent_id = 'a'", &error));
  assert_days_agree (f, metrics, first, 60);
  af_activity_log_set_retention_days (log, 30);
  g_assert_cmpuint (af_activity_log_prune (log, g_get_real_time (), &error), ==, 1);
  g_assert_no_error (error);
  assert_days_agree (f, metrics, first, 60);
  g_assert_true (af_metrics_store_actions_per_day (metrics, NULL, first, 60, days, &error));
  for (guint i = 0; i < 59; i++)
    g_assert_cmpuint (days[i].done + days[i].waiting + days[i].failed, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/metrics-store/counts", AfTestStore, NULL, af_test_store_setup, test_counts, af_test_store_teardown);
  g_test_add ("/metrics-store/items-per-action", AfTestStore, NULL, af_test_store_setup, test_items_per_action,
              af_test_store_teardown);
  g_test_add ("/metrics-store/actions-per-day-total", AfTestStore, NULL, af_test_store_setup,
              test_actions_per_day_total, af_test_store_teardown);

  return g_test_run ();
}
