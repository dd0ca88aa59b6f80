/* test-group-commit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Activity appends outside a transaction are committed in groups, on a
 * real SQLite file seen from a second connection (another process would
 * see the same): a group reaches the disk by itself shortly after, and
 * always before any other write or transaction, so nothing written later
 * is on disk without the appends that came before it.
 */

#include "config.h"

#include "af-activity-log.h"
#include "af-outbox.h"
#include "af-test-store.h"
#include "af-test-wait.h"

typedef struct
{
  AfTestStore    store;
  AfDatabase    *other; /* a second connection to the same file */
  AfActivityLog *log;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  af_test_store_setup (&f->store, data);
  f->other = af_database_open (f->store.path, &error);
  g_assert_no_error (error);
  f->log = af_activity_log_new (f->store.db);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->log);
  g_clear_object (&f->other);
  af_test_store_teardown (&f->store, data);
}

/* Rows of @kind the second connection sees. */
static gint64
seen_elsewhere (Fixture    *f,
                const char *kind)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM activity WHERE kind = '%s'", kind);
  AfTestStore      other = { .db = f->other };

  return af_test_store_query_int (&other, sql);
}

static void
append (Fixture    *f,
        const char *kind,
        guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_cmpint (af_activity_log_append (f->log, "a", 0, kind, "Labelled", NULL, "done", &error), >, 0);
      g_assert_no_error (error);
    }
}

static void
test_committed_by_itself (Fixture      *f,
                          gconstpointer data)
{
  append (f, "run-started", 50);
  /* The appending connection sees its rows at once… */
  g_assert_cmpuint (af_activity_log_count (f->log, "a", "run-started"), ==, 50);
  g_assert_false (af_database_in_transaction (f->store.db));
  /* …and the disk has them shortly after, with no other write. */
  af_test_wait_until (seen_elsewhere (f, "run-started") == 50, "the group of appends to be committed");
}

static void
test_before_other_writes (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->store.db);
  g_autoptr (AfOutboxEntry) entry = NULL;

  append (f, "fetched", 3);
  /* An outbox entry is on disk when reserve returns, and with it the
   * appends made before it. */
  entry = af_outbox_reserve (outbox, "a:m1:send", "a", 1, "send", "{}", AF_OUTBOX_EXECUTING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seen_elsewhere (f, "fetched"), ==, 3);

  /* A transaction begins after them: rolling it back keeps them. */
  append (f, "decided", 2);
  g_assert_true (af_database_begin (f->store.db, &error));
  g_assert_true (af_database_in_transaction (f->store.db));
  append (f, "action-done", 1);
  g_assert_true (af_outbox_set_state (outbox, entry->id, AF_OUTBOX_DONE, NULL, &error));
  af_database_rollback (f->store.db);
  g_assert_cmpint (seen_elsewhere (f, "decided"), ==, 2);
  g_assert_cmpint (seen_elsewhere (f, "action-done"), ==, 0);
  g_assert_cmpuint (af_activity_log_count (f->log, "a", "action-done"), ==, 0);

  /* An action's outcome and its row: one commit, in the transaction. */
  g_assert_true (af_database_begin (f->store.db, &error));
  append (f, "action-done", 1);
  g_assert_true (af_outbox_set_state (outbox, entry->id, AF_OUTBOX_DONE, NULL, &error));
  g_assert_cmpint (seen_elsewhere (f, "action-done"), ==, 0);
  g_assert_true (af_database_commit (f->store.db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seen_elsewhere (f, "action-done"), ==, 1);
}

static void
test_flush (Fixture      *f,
            gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  append (f, "paused", 4);
  g_assert_true (af_database_flush (f->store.db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seen_elsewhere (f, "paused"), ==, 4);
  /* Nothing waiting: a flush is nothing. */
  g_assert_true (af_database_flush (f->store.db, &error));

  /* Closing the database writes what waits. */
  append (f, "resumed", 2);
  g_clear_object (&f->log);
  g_clear_object (&f->store.db);
  g_assert_cmpint (seen_elsewhere (f, "resumed"), ==, 2);
  f->store.db = af_database_open (f->store.path, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/group-commit/committed-by-itself", Fixture, NULL, fixture_setup, test_committed_by_itself,
              fixture_teardown);
  g_test_add ("/group-commit/before-other-writes", Fixture, NULL, fixture_setup, test_before_other_writes,
              fixture_teardown);
  g_test_add ("/group-commit/flush", Fixture, NULL, fixture_setup, test_flush, fixture_teardown);

  return g_test_run ();
}
