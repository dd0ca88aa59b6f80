/* test-run-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs and seen items on a real SQLite file: a run is "running" until it
 * is finished or found interrupted, never both; an item once seen stays
 * seen across a restart.
 */

#include "config.h"

#include "af-run-store.h"
#include "af-test-store.h"

static void
test_run_life (AfTestStore  *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfRunStore) store = af_run_store_new (f->db);
  g_autoptr (GPtrArray) running = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *message = NULL;
  AfRunRecord     *r;
  gint64           first, second;

  first = af_run_store_begin (store, "agent-1", FALSE, "owner-a", &error);
  g_assert_no_error (error);
  second = af_run_store_begin (store, "agent-2", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, >, 0);
  g_assert_cmpint (second, >, first);

  running = af_run_store_list_running (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (running->len, ==, 2);
  r = g_ptr_array_index (running, 0);
  g_assert_cmpint (r->id, ==, first);
  g_assert_cmpstr (r->agent_id, ==, "agent-1");
  g_assert_cmpstr (r->owner, ==, "owner-a");
  g_assert_cmpint (r->started_at, >, 0);
  g_assert_null (((AfRunRecord *)g_ptr_array_index (running, 1))->owner);

  g_assert_true (af_run_store_finish (store, first, "failed", 3, "The disk is full", &error));
  g_assert_no_error (error);
  g_clear_pointer (&running, g_ptr_array_unref);
  running = af_run_store_list_running (store, &error);
  g_assert_cmpuint (running->len, ==, 1);
  g_assert_cmpint (((AfRunRecord *)g_ptr_array_index (running, 0))->id, ==, second);

  /* A finished run is never turned into an interrupted one. */
  g_assert_true (af_run_store_mark_interrupted (store, first, &error));
  g_assert_true (af_run_store_mark_interrupted (store, second, &error));
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT outcome || ',' || actions FROM runs WHERE id = %" G_GINT64_FORMAT, first);
  outcome = af_test_store_query_text (f, sql);
  g_assert_cmpstr (outcome, ==, "failed,3");
  g_free (sql);
  sql = g_strdup_printf ("SELECT error FROM runs WHERE id = %" G_GINT64_FORMAT, first);
  message = af_test_store_query_text (f, sql);
  g_assert_cmpstr (message, ==, "The disk is full");
  g_free (outcome);
  g_free (sql);
  sql = g_strdup_printf ("SELECT outcome FROM runs WHERE id = %" G_GINT64_FORMAT " AND finished_at > 0", second);
  outcome = af_test_store_query_text (f, sql);
  g_assert_cmpstr (outcome, ==, "interrupted");
  g_clear_pointer (&running, g_ptr_array_unref);
  running = af_run_store_list_running (store, &error);
  g_assert_cmpuint (running->len, ==, 0);
}

static void
test_seen_items (AfTestStore  *f,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfRunStore) store = af_run_store_new (f->db);

  g_assert_false (af_run_store_is_seen (store, "agent-1", "m1"));
  g_assert_true (af_run_store_mark_seen (store, "agent-1", "m1", &error));
  /* Twice is once. */
  g_assert_true (af_run_store_mark_seen (store, "agent-1", "m1", &error));
  g_assert_true (af_run_store_mark_seen (store, "agent-1", "own:m9", &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  af_test_store_reopen (f);
  store = af_run_store_new (f->db);
  g_assert_true (af_run_store_is_seen (store, "agent-1", "m1"));
  /* Per agent: another agent has not seen it. */
  g_assert_false (af_run_store_is_seen (store, "agent-2", "m1"));
  g_assert_false (af_run_store_is_seen (store, "agent-1", "m9"));
  g_assert_true (af_run_store_is_either_seen (store, "agent-1", "m9", "own:m9"));
  g_assert_false (af_run_store_is_either_seen (store, "agent-1", "m8", "own:m8"));
  g_assert_cmpint (af_test_store_query_int (f, "SELECT count (*) FROM seen_items"), ==, 2);
}

/* Many ids at once, across the store's chunks of 500: the seen ones of
 * this agent, each once, whatever their position. */
static void
test_seen_among (AfTestStore  *f,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfRunStore) store = af_run_store_new (f->db);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GHashTable) none = NULL;

  for (guint i = 0; i < 1203; i++)
    g_ptr_array_add (ids, g_strdup_printf ("m%u", i));
  /* The first and last of each chunk, one in the middle, an own mail. */
  g_assert_true (af_run_store_mark_seen (store, "agent-1", "m0", &error));
  g_assert_true (af_run_store_mark_seen (store, "agent-1", "m499", &error));
  g_assert_true (af_run_store_mark_seen (store, "agent-1", "m500", &error));
  g_assert_true (af_run_store_mark_seen (store, "agent-1", "m777", &error));
  g_assert_true (af_run_store_mark_seen (store, "agent-1", "m1202", &error));
  g_assert_true (af_run_store_mark_seen (store, "agent-1", "own:m3", &error));
  g_assert_true (af_run_store_mark_seen (store, "agent-2", "m4", &error));
  g_assert_no_error (error);

  seen = af_run_store_seen_among (store, "agent-1", (const char *const *)ids->pdata, ids->len);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 5);
  g_assert_true (g_hash_table_contains (seen, "m0"));
  g_assert_true (g_hash_table_contains (seen, "m499"));
  g_assert_true (g_hash_table_contains (seen, "m500"));
  g_assert_true (g_hash_table_contains (seen, "m777"));
  g_assert_true (g_hash_table_contains (seen, "m1202"));
  /* Another agent's, and an own mail asked by its bare id: not seen. */
  g_assert_false (g_hash_table_contains (seen, "m4"));
  g_assert_false (g_hash_table_contains (seen, "m3"));

  none = af_run_store_seen_among (store, "agent-3", (const char *const *)ids->pdata, ids->len);
  g_assert_cmpuint (g_hash_table_size (none), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/run-store/run-life", AfTestStore, NULL, af_test_store_setup, test_run_life, af_test_store_teardown);
  g_test_add ("/run-store/seen-items", AfTestStore, NULL, af_test_store_setup, test_seen_items,
              af_test_store_teardown);

  g_test_add ("/run-store/seen-among", AfTestStore, NULL, af_test_store_setup, test_seen_among,
              af_test_store_teardown);

  return g_test_run ();
}
