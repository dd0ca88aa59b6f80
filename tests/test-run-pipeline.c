/* test-run-pipeline.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "af-engine.h"
#include "af-error.h"
#include "af-outbox.h"
#include "af-test-sandboxed-engine.h"

/* A mail run deals with each batch of new mail while the next batches are
 * read: against the in-process sandbox, with its latency, through the
 * real Gmail client. What must hold meanwhile: an item is recorded as
 * seen only once all its actions are through, the sync cursor moves only
 * when every item read is, and nothing is done twice when a run stops
 * midway. */
typedef AfTestSandboxedEngine Fixture;

/* Enough mail for many batch reads (100 messages each), and for a full
 * batchModify (1,000 messages) of the one change every message gets. */
#define N_MESSAGES 2500
#define N_READS    ((N_MESSAGES + 99) / 100)

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  af_test_sandboxed_engine_set_up (f, "af-run-pipeline", AF_TEST_ENGINE_QUICK_RETRY | AF_TEST_ENGINE_EXECUTOR_DB);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  af_test_sandboxed_engine_tear_down (f);
}

/* An Email Assistant that stars every new message, after a first run
 * that only took the cursor; then N_MESSAGES arrive. */
static AfAgent *
add_starring_agent (Fixture *f)
{
  g_autoptr (JsonArray) connections = af_test_connections ("google", AF_SANDBOX_ACCOUNT, "gmail.read gmail.modify");
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, connections);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) first = NULL;

  json_object_set_member (af_agent_get_definition (agent), "rules",
                          json_from_string ("[{\"name\": \"All\", \"match\": \"all\", \"conditions\": [],"
                                            "  \"actions\": [{\"action\": \"star\"}]}]",
                                            NULL));
  af_engine_add_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  first = af_test_run_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (first, "done"), ==, 0);
  af_sandbox_generate_messages (f->sandbox, N_MESSAGES, 17);
  af_sandbox_reset_counts (f->sandbox);
  return g_steal_pointer (&agent);
}

static guint
n_seen (Fixture *f)
{
  return af_test_query_uint (f->db, "SELECT count (*) FROM seen_items WHERE item_id NOT LIKE 'own:%'");
}

/* Items recorded as seen whose star is not through: there must be none.
 * Through is done, or (@or_executing) sent and of unknown outcome, as a
 * cancelled batch leaves it: the next start settles those. */
static guint
n_seen_not_done (Fixture *f,
                 gboolean or_executing)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM seen_items s WHERE s.item_id NOT LIKE 'own:%%'"
                                          " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.state IN ('done', '%s')"
                                          " AND json_extract (o.params, '$.item.id') = s.item_id)",
                                          or_executing ? "executing" : "done");

  return af_test_query_uint (f->db, sql);
}

/* Read through a connection of its own, as another process would. */
static void
assert_on_disk_as_executing (Fixture *f)
{
  sqlite3      *other = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (af_database_get_path (f->db), &other, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (other,
                                       "SELECT count (*) FILTER (WHERE state IN ('executing', 'done')),"
                                       " count (*) FILTER (WHERE state = 'pending') FROM outbox WHERE action = 'star'",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_test_message ("on disk: %d executing or done, %d pending", sqlite3_column_int (stmt, 0), sqlite3_column_int (stmt, 1));
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >, AF_EXECUTOR_BATCH_MAX);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (other);
}

static char *
history_cursor (Fixture *f)
{
  sqlite3_stmt *stmt = af_database_prepare (f->db, "SELECT value FROM sync_cursors WHERE kind = 'historyId'", NULL);
  char         *value = NULL;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

/* After a run that stopped midway, the next one does the rest: every
 * message starred, each star done and recorded once, every item seen. */
static void
assert_next_run_finishes (Fixture    *f,
                          AfAgent    *agent,
                          const char *cursor_before)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autofree char *cursor = NULL;

  af_sandbox_clear_faults (f->sandbox);
  again = af_test_run_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (again, "outcome"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (again, "failed"), ==, 0);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "STARRED"), ==, N_MESSAGES);
  g_assert_cmpuint (af_test_query_uint (f->db, "SELECT count (*) FROM outbox WHERE action = 'star' AND state = 'done'"),
                    ==, N_MESSAGES);
  g_assert_cmpuint (af_test_query_uint (f->db, "SELECT count (*) FROM outbox WHERE state <> 'done'"), ==, 0);
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (agent), "action-done"),
                    ==, N_MESSAGES);
  g_assert_cmpuint (n_seen (f), ==, N_MESSAGES);
  cursor = history_cursor (f);
  g_assert_cmpstr (cursor, !=, cursor_before);
}

/* The first batchModify reaches Gmail while messages are still being
 * read, before any item of it is recorded as seen; in the end the run
 * did what a run in sequence does, with as many requests. */
static void
test_acts_while_reading (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (AfAgent) agent = add_starring_agent (f);
  g_autofree char *cursor_before = history_cursor (f);
  g_autofree char *cursor = NULL;
  AfTestRun        run = { 0 };
  guint            reads_when_modified;

  af_sandbox_add_fault (f->sandbox, "*", AF_SANDBOX_ROUTE_LATENCY, G_MAXINT, 20);
  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, af_test_run_cb, &run);
  af_test_wait_until (run.done || af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify") > 0,
                      "the first batchModify");
  reads_when_modified = af_sandbox_get_count (f->sandbox, "gmail.batch");
  g_test_message ("first batchModify with %u of %u batch reads asked", reads_when_modified, N_READS);
  g_assert_false (run.done);
  /* The messages are still being read: some reads not even asked, and
   * the run's fetch not done (it says what it fetched when it is). */
  g_assert_cmpuint (reads_when_modified, <, N_READS);
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (agent), "fetched"),
                    ==, 1);
  /* Its answer is not back: none of its items is seen yet. */
  g_assert_cmpuint (n_seen (f), ==, 0);
  /* Nor is the cursor moved while the run goes on. */
  cursor = history_cursor (f);
  g_assert_cmpstr (cursor, ==, cursor_before);

  af_test_wait_until (run.done, "the run to finish");
  g_assert_no_error (run.error);
  g_assert_cmpstr (json_object_get_string_member (run.result, "outcome"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (run.result, "done"), ==, N_MESSAGES);
  g_assert_cmpint (json_object_get_int_member (run.result, "failed"), ==, 0);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "STARRED"), ==, N_MESSAGES);
  g_assert_cmpuint (n_seen (f), ==, N_MESSAGES);
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (agent), "fetched"),
                    ==, 2);
  /* As many requests as in sequence: each message read once, one
   * batchModify per 1,000 messages. */
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.batch"), ==, N_READS);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.get"), ==, N_MESSAGES);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify"), ==, (N_MESSAGES + 999) / 1000);
  g_clear_pointer (&cursor, g_free);
  cursor = history_cursor (f);
  g_assert_cmpstr (cursor, !=, cursor_before);
  g_clear_pointer (&run.result, json_object_unref);
}

/* Reading fails midway, after the run acted on what it read: the run
 * fails, no item whose star is not done is recorded as seen, the cursor
 * stays; the next run reads the rest and does each star once. */
static void
test_read_fails_midway (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (AfAgent) agent = add_starring_agent (f);
  g_autofree char *cursor_before = history_cursor (f);
  g_autofree char *cursor = NULL;
  AfTestRun        run = { 0 };

  af_sandbox_add_fault (f->sandbox, "*", AF_SANDBOX_ROUTE_LATENCY, G_MAXINT, 20);
  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, af_test_run_cb, &run);
  af_test_wait_until (run.done || af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify") > 0,
                      "the first batchModify");
  g_assert_false (run.done);
  /* From now on every batch read fails (500, retried, then given up). */
  af_sandbox_add_fault (f->sandbox, "gmail.batch", AF_SANDBOX_ROUTE_SERVER_ERROR, G_MAXINT, 0);

  af_test_wait_until (run.done, "the run to finish");
  g_assert_nonnull (run.error);
  g_assert_null (run.result);
  g_test_message ("failed with %u items seen: %s", n_seen (f), run.error->message);
  g_assert_false (g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_cmpuint (n_seen (f), <, N_MESSAGES);
  g_assert_cmpuint (n_seen_not_done (f, FALSE), ==, 0);
  g_assert_cmpuint (af_test_query_uint (f->db, "SELECT count (*) FROM outbox WHERE state = 'executing'"), ==, 0);
  cursor = history_cursor (f);
  g_assert_cmpstr (cursor, ==, cursor_before);
  g_clear_error (&run.error);

  assert_next_run_finishes (f, agent, cursor_before);
}

/* Cancelled while reading, with actions done and a batch out: the run
 * ends cancelled once what is out is back; no item is seen before its
 * star is through; after a restart (which settles what the cancellation
 * caught) the next run does the rest, nothing twice. */
static void
test_cancelled_while_reading (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr (AfAgent) agent = add_starring_agent (f);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *cursor_before = history_cursor (f);
  g_autofree char *cursor = NULL;
  AfTestRun        run = { 0 };

  af_sandbox_add_fault (f->sandbox, "*", AF_SANDBOX_ROUTE_LATENCY, G_MAXINT, 20);
  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, cancellable, af_test_run_cb, &run);
  af_test_wait_until (run.done || (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify") > 0 &&
                                   af_test_query_uint (f->db, "SELECT count (*) FROM outbox") > AF_EXECUTOR_BATCH_MAX + 100),
                      "the first batchModify, and the next batch filling");
  g_assert_false (run.done);
  /* What a process starting now would find: every action reserved so
   * far, sent or still filling its batch, says "executing" (asked about
   * before it is done again) or "done", none "pending" (done without
   * asking). */
  assert_on_disk_as_executing (f);
  g_cancellable_cancel (cancellable);

  af_test_wait_until (run.done, "the run to finish");
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (n_seen (f), <, N_MESSAGES);
  g_assert_cmpuint (n_seen_not_done (f, TRUE), ==, 0);
  cursor = history_cursor (f);
  g_assert_cmpstr (cursor, ==, cursor_before);
  g_clear_error (&run.error);

  /* Restart: what the cancellation left "executing" is settled (a star
   * is safe to repeat). */
  af_sandbox_clear_faults (f->sandbox);
  g_clear_object (&f->engine);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);
  af_engine_start (f->engine, &error);
  g_assert_no_error (error);
  af_test_wait_until (af_test_query_uint (f->db, "SELECT count (*) FROM outbox WHERE state = 'executing'") == 0,
                      "the restarted engine to settle what the cancellation left");
  assert_next_run_finishes (f, agent, cursor_before);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/run-pipeline/acts-while-reading", Fixture, NULL, fixture_setup, test_acts_while_reading,
              fixture_teardown);
  g_test_add ("/run-pipeline/read-fails-midway", Fixture, NULL, fixture_setup, test_read_fails_midway, fixture_teardown);
  g_test_add ("/run-pipeline/cancelled-while-reading", Fixture, NULL, fixture_setup, test_cancelled_while_reading,
              fixture_teardown);

  return g_test_run ();
}
