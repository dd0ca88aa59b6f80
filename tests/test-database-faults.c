/* test-database-faults.c — a full disk and damaged files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include "af-database.h"
#include "af-error.h"

static char *
make_tmp_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("af-test-faults-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static gint64
count_rows (AfDatabase *db)
{
  sqlite3_stmt *stmt = af_database_prepare (db, "SELECT count(*) FROM activity", NULL);
  gint64        n;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static gboolean
insert_batch (AfDatabase *db,
              guint       batch,
              GError    **error)
{
  sqlite3_stmt *stmt;

  if (!af_database_begin (db, error))
    return FALSE;

  stmt = af_database_prepare (db,
                              "INSERT INTO activity (ts, agent_id, kind, summary, details) "
                              "VALUES (?, 'a', 'action-done', ?, ?)",
                              error);
  g_assert_nonnull (stmt);

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *summary = g_strdup_printf ("Labelled message %u-%u", batch, i);
      g_autofree char *details = g_strnfill (200, 'x');

      sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
      sqlite3_bind_text (stmt, 2, summary, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, details, -1, SQLITE_TRANSIENT);
      if (!af_database_step_done (db, stmt, error))
        {
          af_database_rollback (db);
          return FALSE;
        }
    }

  return af_database_commit (db, error);
}

static void
test_disk_full (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "agentflow.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;
  guint committed = 0;

  /* A private mount namespace keeps the small tmpfs to this process. A
   * megabyte holds the empty schema (its tables, indexes and triggers) and
   * some batches, not the thousand the loop would write. */
  if (unshare (CLONE_NEWNS) != 0 ||
      mount ("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount ("tmpfs", dir, "tmpfs", 0, "size=1m") != 0)
    {
      g_test_skip_printf ("cannot mount a small tmpfs here: %s", g_strerror (errno));
      g_rmdir (dir);
      return;
    }

  db = af_database_open (path, &error);
  g_assert_no_error (error);

  for (guint batch = 0; batch < 1000; batch++)
    {
      if (!insert_batch (db, batch, &error))
        break;
      committed += 100;
    }

  g_assert_error (error, AF_ERROR, AF_ERROR_DISK_FULL);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_assert_cmpuint (committed, >, 0);
  g_clear_error (&error);

  /* The failed batch is rolled back entirely; what was committed is there. */
  g_assert_cmpint (count_rows (db), ==, committed);
  g_clear_object (&db);

  db = af_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (db), ==, committed);
  g_assert_true (af_database_check_integrity (db, &error));
  g_assert_no_error (error);
  g_clear_object (&db);

  umount2 (dir, MNT_DETACH);
  g_rmdir (dir);
}

static void
test_truncated (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "agentflow.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;
  gsize len, after_len;

  db = af_database_open (path, &error);
  g_assert_no_error (error);
  for (guint batch = 0; batch < 20; batch++)
    g_assert_true (insert_batch (db, batch, NULL));
  g_assert_true (af_database_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  g_clear_object (&db);

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 65536);
  g_assert_true (g_file_set_contents (path, contents, len / 2, NULL));

  db = af_database_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, AF_ERROR, AF_ERROR_DATABASE_CORRUPT);
  g_assert_nonnull (strstr (error->message, "truncated"));

  /* Never written to: the user's bytes stay for recovery. */
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpuint (after_len, ==, len / 2);
  g_assert_cmpmem (after, after_len, contents, len / 2);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_not_a_database (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "agentflow.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;
  static const char text[] = "Dear diary, this is not a database but it is long enough to have a header.\n"
                             "Second line so that the file has more than one hundred bytes in it at all.\n";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  db = af_database_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, AF_ERROR, AF_ERROR_DATABASE_CORRUPT);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/database-faults/truncated", test_truncated);
  g_test_add_func ("/database-faults/not-a-database", test_not_a_database);
  /* Last: it moves this process into its own mount namespace. */
  g_test_add_func ("/database-faults/disk-full", test_disk_full);

  return g_test_run ();
}
