/* test-agent-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The agents table on a real SQLite file: what is saved is what comes
 * back after a restart, states are stored as their strings, and deleting
 * an agent keeps or forgets its history as asked, in one transaction.
 */

#include "config.h"

#include "af-activity-log.h"
#include "af-agent-store.h"
#include "af-approval-store.h"
#include "af-outbox.h"
#include "af-run-store.h"
#include "af-sync-cursor-store.h"
#include "af-test-store.h"

static AfAgentRecord *
record_new (const char *id,
            const char *name,
            gint64      created_at)
{
  AfAgentRecord *r = af_agent_record_new ();

  r->id = g_strdup (id);
  r->name = g_strdup (name);
  r->description = g_strdup ("Sorts the inbox");
  r->template_id = g_strdup ("email-assistant");
  r->definition = g_strdup ("{\"source\":\"mail\"}");
  r->created_at = created_at;
  return r;
}

static void
test_save_and_load (AfTestStore  *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentStore) store = af_agent_store_new (f->db);
  g_autoptr (AfAgentRecord) later = record_new ("b", "Later", 2000);
  g_autoptr (AfAgentRecord) first = record_new ("a", "First", 1000);
  g_autoptr (GPtrArray) all = NULL;
  AfAgentRecord *r;

  later->state = AF_AGENT_STATE_NEEDS_ATTENTION;
  later->state_reason = g_strdup ("Reconnect Gmail");
  later->last_run_at = 5000;
  later->next_run_at = 6000;
  g_assert_true (af_agent_store_save (store, later, &error));
  g_assert_no_error (error);
  g_assert_true (af_agent_store_save (store, first, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  af_test_store_reopen (f);
  store = af_agent_store_new (f->db);
  all = af_agent_store_load_all (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);

  /* Oldest first. */
  r = g_ptr_array_index (all, 0);
  g_assert_cmpstr (r->id, ==, "a");
  g_assert_cmpint (r->state, ==, AF_AGENT_STATE_ACTIVE);
  g_assert_cmpint (r->last_run_at, ==, 0);
  g_assert_cmpint (r->next_run_at, ==, 0);
  r = g_ptr_array_index (all, 1);
  g_assert_cmpstr (r->id, ==, "b");
  g_assert_cmpstr (r->name, ==, "Later");
  g_assert_cmpstr (r->description, ==, "Sorts the inbox");
  g_assert_cmpstr (r->template_id, ==, "email-assistant");
  g_assert_cmpstr (r->definition, ==, "{\"source\":\"mail\"}");
  g_assert_cmpint (r->state, ==, AF_AGENT_STATE_NEEDS_ATTENTION);
  g_assert_cmpstr (r->state_reason, ==, "Reconnect Gmail");
  g_assert_cmpint (r->created_at, ==, 2000);
  g_assert_cmpint (r->updated_at, >, 0);
  g_assert_cmpint (r->last_run_at, ==, 5000);
  g_assert_cmpint (r->next_run_at, ==, 6000);
}

static void
test_update_keeps_identity (AfTestStore  *f,
                            gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentStore) store = af_agent_store_new (f->db);
  g_autoptr (AfAgentRecord) r = record_new ("a", "First", 1000);
  g_autoptr (GPtrArray) all = NULL;
  AfAgentRecord *loaded;

  g_assert_true (af_agent_store_save (store, r, &error));
  /* An update: new name and state; template and creation time stay. */
  g_free (r->name);
  r->name = g_strdup ("Renamed");
  g_free (r->template_id);
  r->template_id = g_strdup ("slack-notifier");
  r->created_at = 9999;
  r->state = AF_AGENT_STATE_PAUSED;
  g_assert_true (af_agent_store_save (store, r, &error));
  g_assert_no_error (error);

  all = af_agent_store_load_all (store, &error);
  g_assert_cmpuint (all->len, ==, 1);
  loaded = g_ptr_array_index (all, 0);
  g_assert_cmpstr (loaded->name, ==, "Renamed");
  g_assert_cmpstr (loaded->template_id, ==, "email-assistant");
  g_assert_cmpint (loaded->created_at, ==, 1000);
  g_assert_cmpint (loaded->state, ==, AF_AGENT_STATE_PAUSED);
}

static void
test_state_strings (AfTestStore  *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentStore) store = af_agent_store_new (f->db);
  g_autoptr (AfAgentRecord) r = record_new ("a", "First", 1000);
  g_autoptr (GPtrArray) all = NULL;
  g_autofree char *stored = NULL;

  g_assert_true (af_agent_store_save (store, r, &error));
  g_assert_true (af_agent_store_set_state (store, "a", AF_AGENT_STATE_NEEDS_ATTENTION, "Token revoked", &error));
  g_assert_no_error (error);

  /* The file keeps the strings earlier versions wrote and read. */
  stored = af_test_store_query_text (f, "SELECT state FROM agents WHERE id = 'a'");
  g_assert_cmpstr (stored, ==, "needs-attention");
  g_assert_cmpstr (af_enum_to_nick (AF_TYPE_AGENT_STATE, AF_AGENT_STATE_PAUSED), ==, "paused");

  /* A state this version does not know (a newer one wrote it) loads as
   * active, not as garbage. */
  g_assert_true (af_database_exec (f->db, "UPDATE agents SET state = 'hibernating' WHERE id = 'a'", &error));
  all = af_agent_store_load_all (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((AfAgentRecord *)g_ptr_array_index (all, 0))->state, ==, AF_AGENT_STATE_ACTIVE);
  g_assert_cmpstr (((AfAgentRecord *)g_ptr_array_index (all, 0))->state_reason, ==, "Token revoked");
}

/* An agent with a run, a seen item, an activity row, a done action, a
 * pending approval (and its waiting outbox entry) and a sync cursor. */
static gint64
populate (AfTestStore *f,
          const char  *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentStore) agents = af_agent_store_new (f->db);
  g_autoptr (AfRunStore) runs = af_run_store_new (f->db);
  g_autoptr (AfActivityLog) log = af_activity_log_new (f->db);
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (AfSyncCursorStore) cursors = af_sync_cursor_store_new (f->db);
  g_autoptr (AfAgentRecord) r = record_new (id, id, 1000);
  g_autoptr (AfOutboxEntry) done = NULL;
  g_autoptr (AfOutboxEntry) waiting = NULL;
  g_autofree char *done_key = g_strconcat (id, ":m1:label", NULL);
  g_autofree char *waiting_key = g_strconcat (id, ":m2:send", NULL);
  g_autoptr (AfApprovalRecord) approval = g_new0 (AfApprovalRecord, 1);
  gint64 run_id;

  g_assert_true (af_agent_store_save (agents, r, &error));
  run_id = af_run_store_begin (runs, id, FALSE, NULL, &error);
  g_assert_cmpint (run_id, >, 0);
  g_assert_true (af_run_store_finish (runs, run_id, "succeeded", 1, NULL, &error));
  g_assert_true (af_run_store_mark_seen (runs, id, "m1", &error));
  g_assert_cmpint (af_activity_log_append (log, id, run_id, "action-done", "Labelled", NULL, "done", &error), >, 0);
  done = af_outbox_reserve (outbox, done_key, id, run_id, "label", "{}", AF_OUTBOX_DONE, &error);
  g_assert_nonnull (done);
  waiting = af_outbox_reserve (outbox, waiting_key, id, run_id, "send", "{}", AF_OUTBOX_WAITING, &error);
  g_assert_nonnull (waiting);
  approval->outbox_id = waiting->id;
  approval->agent_id = g_strdup (id);
  approval->action = g_strdup ("send");
  approval->target = g_strdup ("sam@example.com");
  approval->created_at = g_get_real_time ();
  g_assert_cmpint (af_approval_store_insert (f->db, approval, &error), >, 0);
  g_assert_true (af_sync_cursor_store_set (cursors, "gmail", "me@example.com", "historyId", id, "42", &error));
  g_assert_no_error (error);
  return waiting->id;
}

static gint64
count_for (AfTestStore *f,
           const char  *table,
           const char  *id)
{
  const char      *column = g_str_equal (table, "sync_cursors") ? "scope" : g_str_equal (table, "agents") ? "id"
                                                                                                          : "agent_id";
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s WHERE %s = '%s'", table, column, id);

  return af_test_store_query_int (f, sql);
}

static void
test_delete_keeps_history (AfTestStore  *f,
                           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentStore) store = af_agent_store_new (f->db);
  g_autoptr (GPtrArray) pending = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *state = NULL;
  gint64           waiting_id;

  populate (f, "other");
  waiting_id = populate (f, "gone");
  g_assert_true (af_agent_store_delete (store, "gone", FALSE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count_for (f, "agents", "gone"), ==, 0);
  g_assert_cmpint (count_for (f, "sync_cursors", "gone"), ==, 0);
  /* Its pending approval can never be carried out: expired, with its
   * outbox entry; the history stays. */
  pending = af_approval_store_list_pending (f->db, &error);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstr (((AfApprovalRecord *)g_ptr_array_index (pending, 0))->agent_id, ==, "other");
  sql = g_strdup_printf ("SELECT state FROM outbox WHERE id = %" G_GINT64_FORMAT, waiting_id);
  state = af_test_store_query_text (f, sql);
  g_assert_cmpstr (state, ==, "expired");
  g_assert_cmpint (count_for (f, "runs", "gone"), ==, 1);
  g_assert_cmpint (count_for (f, "seen_items", "gone"), ==, 1);
  g_assert_cmpint (count_for (f, "activity", "gone"), ==, 1);
  /* The other agent is untouched. */
  g_assert_cmpint (count_for (f, "agents", "other"), ==, 1);
  g_assert_cmpint (count_for (f, "sync_cursors", "other"), ==, 1);
}

static void
test_delete_forgets_history (AfTestStore  *f,
                             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentStore) store = af_agent_store_new (f->db);

  populate (f, "other");
  populate (f, "gone");
  g_assert_true (af_agent_store_delete (store, "gone", TRUE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count_for (f, "runs", "gone"), ==, 0);
  g_assert_cmpint (count_for (f, "seen_items", "gone"), ==, 0);
  g_assert_cmpint (count_for (f, "activity", "gone"), ==, 0);
  /* Its finished outbox entries and the approval it no longer waits for
   * go with it (the expired one too); the other agent's stay. */
  g_assert_cmpint (af_test_store_query_int (f, "SELECT count (*) FROM outbox WHERE agent_id = 'gone'"), ==, 0);
  g_assert_cmpint (count_for (f, "approvals", "gone"), ==, 0);
  g_assert_cmpint (count_for (f, "outbox", "other"), ==, 2);
  g_assert_cmpint (count_for (f, "approvals", "other"), ==, 1);
  g_assert_cmpint (count_for (f, "runs", "other"), ==, 1);
  g_assert_cmpint (count_for (f, "activity", "other"), ==, 1);
}

static void
test_delete_is_one_transaction (AfTestStore  *f,
                                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentStore) store = af_agent_store_new (f->db);

  populate (f, "gone");
  /* A statement half-way fails: nothing of the delete is kept. */
  g_assert_true (af_database_exec (f->db,
                                   "CREATE TRIGGER no_forgetting BEFORE DELETE ON seen_items"
                                   " BEGIN SELECT RAISE (ABORT, 'refused'); END",
                                   &error));
  g_assert_false (af_agent_store_delete (store, "gone", TRUE, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (count_for (f, "agents", "gone"), ==, 1);
  g_assert_cmpint (count_for (f, "sync_cursors", "gone"), ==, 1);
  g_assert_cmpint (count_for (f, "runs", "gone"), ==, 1);
  g_assert_cmpint (af_test_store_query_int (f, "SELECT count (*) FROM approvals WHERE state = 'pending'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, AfTestStore, NULL, af_test_store_setup, func, af_test_store_teardown)
  ADD ("/agent-store/save-and-load", test_save_and_load);
  ADD ("/agent-store/update-keeps-identity", test_update_keeps_identity);
  ADD ("/agent-store/state-strings", test_state_strings);
  ADD ("/agent-store/delete-keeps-history", test_delete_keeps_history);
  ADD ("/agent-store/delete-forgets-history", test_delete_forgets_history);
  ADD ("/agent-store/delete-is-one-transaction", test_delete_is_one_transaction);
#undef ADD

  return g_test_run ();
}
