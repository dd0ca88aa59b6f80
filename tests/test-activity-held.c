/* test-activity-held.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Activity rows held back in a transaction (af_activity_log_hold) and
 * written many to a statement, on a real SQLite file: the log reads as if
 * each had been written at once — same order, same ids as told, counters
 * kept — and they commit or roll back with the transaction they belong
 * to, which a second connection (another process) sees.
 */

#include "config.h"

#include "af-activity-log.h"
#include "af-outbox.h"
#include "af-test-store.h"

typedef struct
{
  AfTestStore    store;
  AfDatabase    *other; /* a second connection to the same file */
  AfActivityLog *log;
  GArray        *told; /* ids of AfActivityLog::appended, in order */
} Fixture;

static void
on_appended_cb (AfActivityLog   *log,
                AfActivityEntry *entry,
                Fixture         *f)
{
  gint64 id = af_activity_entry_get_id (entry);

  g_array_append_val (f->told, id);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  af_test_store_setup (&f->store, data);
  f->other = af_database_open (f->store.path, &error);
  g_assert_no_error (error);
  f->log = af_activity_log_new (f->store.db);
  f->told = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (f->log, "appended", G_CALLBACK (on_appended_cb), f);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->log);
  g_clear_object (&f->other);
  g_array_unref (f->told);
  af_test_store_teardown (&f->store, data);
}

static gint64
query_int (AfDatabase *db,
           const char *sql)
{
  sqlite3_stmt *stmt = af_database_prepare (db, sql, NULL);
  gint64        v = -1;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return v;
}

static void
append_held (Fixture    *f,
             guint       i,
             const char *kind)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = g_strdup_printf ("row %u", i);
  g_autofree char *details = g_strdup_printf ("{\"action\":\"label\",\"item\":\"m%u\"}", i);

  g_assert_true (af_activity_log_append_held (f->log, "a", 1, kind, summary, details, "done", NULL, NULL, &error));
  g_assert_no_error (error);
}

/* 43 rows: statements of 32, 8 and single rows. */
static void
test_order_ids_counters (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;

  g_assert_true (af_activity_log_append (f->log, "a", 1, "run-started", "first", NULL, NULL, &error) > 0);
  g_assert_true (af_database_flush (f->store.db, &error));
  g_array_set_size (f->told, 0);

  g_assert_true (af_database_begin (f->store.db, &error));
  af_activity_log_hold (f->log);
  for (guint i = 0; i < 43; i++)
    append_held (f, i, i % 2 ? "action-done" : "decided");
  /* Held: not told yet, not in the file. */
  g_assert_cmpuint (f->told->len, ==, 0);
  g_assert_true (af_activity_log_release (f->log, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->told->len, ==, 43);
  g_assert_cmpint (query_int (f->other, "SELECT count (*) FROM activity"), ==, 1);
  g_assert_true (af_database_commit (f->store.db, &error));
  g_assert_cmpint (query_int (f->other, "SELECT count (*) FROM activity"), ==, 44);

  rows = af_activity_log_query (f->log, "a", NULL, 0, FALSE, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 44);
  for (guint i = 0; i < 43; i++)
    {
      AfActivityEntry *e = g_ptr_array_index (rows, i + 1);
      g_autofree char *summary = g_strdup_printf ("row %u", i);

      /* In the order appended, with the ids the signal told. */
      g_assert_cmpstr (af_activity_entry_get_summary (e), ==, summary);
      g_assert_cmpint (af_activity_entry_get_id (e), ==, g_array_index (f->told, gint64, i));
      g_assert_cmpstr (af_activity_entry_get_kind (e), ==, i % 2 ? "action-done" : "decided");
    }
  /* The counters the triggers keep, as for rows written one by one. */
  g_assert_cmpuint (af_activity_log_count (f->log, "a", "action-done"), ==, 21);
  g_assert_cmpuint (af_activity_log_count (f->log, "a", "decided"), ==, 22);
  g_assert_cmpint (query_int (f->other, "SELECT sum (done) FROM activity_hourly WHERE agent_id = 'a'"), ==, 21);
  g_assert_cmpint (query_int (f->other, "SELECT count (*) FROM action_items WHERE agent_id = 'a'"), ==, 21);
}

/* An outbox entry and the rows held with it reach the disk together,
 * or not at all. */
static void
test_commit_and_rollback (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->store.db);
  g_autoptr (AfOutboxEntry) entry = NULL;
  g_autoptr (AfOutboxEntry) kept = NULL;

  g_assert_true (af_database_begin (f->store.db, &error));
  af_activity_log_hold (f->log);
  entry = af_outbox_reserve (outbox, "a:m1:label", "a", 1, "label", "{}", AF_OUTBOX_PENDING, &error);
  g_assert_no_error (error);
  append_held (f, 1, "action-done");
  af_database_rollback (f->store.db);
  g_assert_cmpuint (f->told->len, ==, 0);
  g_assert_cmpint (query_int (f->store.db, "SELECT count (*) FROM activity"), ==, 0);
  g_assert_cmpint (query_int (f->store.db, "SELECT count (*) FROM outbox"), ==, 0);

  /* A commit writes what is held even if nobody released it. */
  g_assert_true (af_database_begin (f->store.db, &error));
  af_activity_log_hold (f->log);
  kept = af_outbox_reserve (outbox, "a:m2:label", "a", 1, "label", "{}", AF_OUTBOX_PENDING, &error);
  append_held (f, 2, "action-done");
  g_assert_cmpint (query_int (f->other, "SELECT count (*) FROM outbox"), ==, 0);
  g_assert_true (af_database_commit (f->store.db, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->told->len, ==, 1);
  g_assert_cmpint (query_int (f->other, "SELECT count (*) FROM outbox"), ==, 1);
  g_assert_cmpint (query_int (f->other, "SELECT count (*) FROM activity WHERE summary = 'row 2'"), ==, 1);

  /* Outside a transaction nothing is held: the append is written. */
  af_activity_log_hold (f->log);
  append_held (f, 3, "decided");
  g_assert_cmpuint (f->told->len, ==, 2);
}

/* A read, or an append that is not held, sees the rows held before it:
 * the log never reads out of order. */
static void
test_read_sees_held (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 direct;

  g_assert_true (af_database_begin (f->store.db, &error));
  af_activity_log_hold (f->log);
  append_held (f, 1, "decided");
  append_held (f, 2, "decided");
  g_assert_cmpuint (af_activity_log_count (f->log, NULL, "decided"), ==, 2);
  append_held (f, 3, "decided");
  direct = af_activity_log_append (f->log, "a", 1, "run-finished", "last", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->told->len, ==, 4);
  g_assert_cmpint (g_array_index (f->told, gint64, 2), <, direct);
  g_assert_cmpint (g_array_index (f->told, gint64, 3), ==, direct);
  g_assert_true (af_activity_log_release (f->log, &error));
  g_assert_true (af_database_commit (f->store.db, &error));
  g_assert_cmpint (query_int (f->other, "SELECT max (id) FROM activity WHERE summary = 'row 3'"), <, direct);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/activity-held/order-ids-counters", Fixture, NULL, fixture_setup, test_order_ids_counters,
              fixture_teardown);
  g_test_add ("/activity-held/commit-and-rollback", Fixture, NULL, fixture_setup, test_commit_and_rollback,
              fixture_teardown);
  g_test_add ("/activity-held/read-sees-held", Fixture, NULL, fixture_setup, test_read_sees_held,
              fixture_teardown);

  return g_test_run ();
}
