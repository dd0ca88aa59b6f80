/* test-metrics-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The counts behind the dashboard on a real SQLite file: finished runs,
 * items the agents dealt with (not their own mail), actions done per
 * agent and kind.
 */

#include "config.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/metrics-store/counts", AfTestStore, NULL, af_test_store_setup, test_counts, af_test_store_teardown);

  return g_test_run ();
}
