/* test-database-wal.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The write-ahead log of a real SQLite file through a run's worth of
 * writes: checkpointed by the database's own thread rather than inside
 * the commits, never past its bound, with every row there after a reopen
 * and no log left once closed.
 */

#include "config.h"

#include "af-activity-log.h"
#include "af-test-store.h"
#include "af-test-wait.h"

#define N_ROWS       20000
#define ROWS_PER_RUN 100

typedef struct
{
  AfTestStore    store;
  AfActivityLog *log;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  af_test_store_setup (&f->store, data);
  f->log = af_activity_log_new (f->store.db);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->log);
  af_test_store_teardown (&f->store, data);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64)st.st_size : 0;
}

/* @n rows in one transaction, held and written many to a statement as a
 * run writes its actions' rows; each with the details of a mail action. */
static void
write_rows (Fixture *f,
            guint    first,
            guint    n)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *body = g_strnfill (700, 'x');

  g_assert_true (af_database_begin (f->store.db, &error));
  g_assert_no_error (error);
  af_activity_log_hold (f->log);
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *details = g_strdup_printf ("{\"action\":\"label\",\"item\":\"m%u\",\"say\":\"done\",\"snippet\":\"%s\"}",
                                                  i, body);

      g_assert_true (af_activity_log_append_held (f->log, "agent-1", 1, "action-done", "Labelled", details, "done", NULL, NULL,
                                                  &error));
      g_assert_no_error (error);
    }
  g_assert_true (af_activity_log_release (f->log, &error));
  g_assert_no_error (error);
  g_assert_true (af_database_commit (f->store.db, &error));
  g_assert_no_error (error);
}

static void
test_checkpointed_by_thread (Fixture      *f,
                             gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->store.path, "-wal", NULL);
  g_autoptr (GError) error = NULL;
  gint64 page_size = af_test_store_query_int (&f->store, "PRAGMA page_size");
  gint64 largest = 0, txn_largest = 0;
  gint64 before = 0;
  guint  by_commit = 0;

  for (guint done = 0; done < N_ROWS; done += ROWS_PER_RUN)
    {
      gint64 size;

      write_rows (f, done, ROWS_PER_RUN);
      size = file_size (wal);
      largest = MAX (largest, size);
      txn_largest = MAX (txn_largest, size - before);
      before = size;
    }

  /* Far more was written than the log may hold… */
  g_assert_cmpint (file_size (f->store.path), >, AF_DATABASE_WAL_MAX_PAGES * page_size / 2);
  /* …yet it stayed within its bound (plus the transaction that crossed
   * it, counted generously as the largest growth seen; each page has a
   * 24-byte header in the log, the log one of 32), and the thread did
   * checkpoints: it is asked for one at every commit past 1,000 pages,
   * which 20,000 rows of a kilobyte are many times over. */
  g_assert_cmpint (largest, <=, 32 + AF_DATABASE_WAL_MAX_PAGES * (page_size + 24) + txn_largest);
  af_test_wait_until (af_database_get_checkpoints (f->store.db, &by_commit) >= 1,
                      "the checkpoint thread to checkpoint the log");
  g_test_message ("checkpoints: %u by the thread, %u by a commit; largest log %" G_GINT64_FORMAT " bytes",
                  af_database_get_checkpoints (f->store.db, NULL), by_commit, largest);

  /* Nothing lost, nothing damaged, and the log is gone once closed: the
   * thread's connection closes before the app's, the last one. */
  af_test_store_reopen (&f->store);
  g_assert_cmpint (af_test_store_query_int (&f->store, "SELECT count (*) FROM activity"), ==, N_ROWS);
  g_assert_cmpint (af_test_store_query_int (&f->store, "SELECT n FROM activity_counts WHERE kind = 'action-done'"), ==, N_ROWS);
  g_assert_true (af_database_check_integrity (f->store.db, &error));
  g_assert_no_error (error);
  g_clear_object (&f->log);
  g_clear_object (&f->store.db);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/database-wal/checkpointed-by-thread", Fixture, NULL, fixture_setup, test_checkpointed_by_thread,
              fixture_teardown);

  return g_test_run ();
}
