/* test-database.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "af-database.h"
#include "af-error.h"
#include "af-paths.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("af-test-db-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "agentflow.db", NULL);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_chmod (fixture->dir, 0700);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static char *
checksum_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize            len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, len);
}

static void
test_create_and_reopen (Fixture      *fixture,
                        gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;
  sqlite3_stmt *stmt;

  db = af_database_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_cmpint (af_database_get_schema_version (db), ==, af_database_get_latest_version ());
  g_assert_cmpint (af_database_get_latest_version (), >=, 1);

  g_assert_true (af_database_exec (db,
                                   "INSERT INTO agents (id, name, template, created_at, updated_at) "
                                   "VALUES ('a1', 'Inbox sorter', 'email-assistant', 1, 1)",
                                   &error));
  g_assert_no_error (error);
  g_clear_object (&db);

  /* Reopening runs no migration again and keeps the data. */
  db = af_database_open (fixture->path, &error);
  g_assert_no_error (error);
  stmt = af_database_prepare (db, "SELECT name FROM agents WHERE id = ?", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, "a1", -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "Inbox sorter");
  sqlite3_reset (stmt);

  /* The cached statement is reused, reset and unbound. */
  g_assert_true (af_database_prepare (db, "SELECT name FROM agents WHERE id = ?", NULL) == stmt);

  g_assert_true (af_database_check_integrity (db, &error));
  g_assert_no_error (error);
}

static void
test_transaction_rollback (Fixture      *fixture,
                           gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = af_database_open (fixture->path, &error);
  sqlite3_stmt *stmt;

  g_assert_no_error (error);
  g_assert_true (af_database_begin (db, &error));
  g_assert_true (af_database_exec (db,
                                   "INSERT INTO agents (id, name, template, created_at, updated_at) "
                                   "VALUES ('gone', 'x', 'custom', 1, 1)",
                                   &error));
  af_database_rollback (db);

  stmt = af_database_prepare (db, "SELECT count(*) FROM agents", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_reset (stmt);

  /* A failing statement names the problem. */
  g_assert_false (af_database_exec (db, "INSERT INTO nowhere VALUES (1)", &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "nowhere"));
}

static void
test_corrupt_file_untouched (Fixture      *fixture,
                             gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *moved_sum = NULL;
  char             garbage[8192];

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char)g_random_int_range (0, 256);
  g_assert_true (g_file_set_contents (fixture->path, garbage, sizeof garbage, NULL));
  before = checksum_file (fixture->path);

  db = af_database_open (fixture->path, &error);
  g_assert_null (db);
  g_assert_error (error, AF_ERROR, AF_ERROR_DATABASE_CORRUPT);
  g_assert_nonnull (strstr (error->message, "damaged"));

  after = checksum_file (fixture->path);
  g_assert_cmpstr (before, ==, after);

  /* Moving it aside keeps the bytes and frees the name for a new database. */
  g_clear_error (&error);
  moved = af_database_move_aside (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  moved_sum = checksum_file (moved);
  g_assert_cmpstr (moved_sum, ==, before);

  db = af_database_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
}

static void
test_newer_schema_refused (Fixture      *fixture,
                           gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = af_database_open (fixture->path, &error);
  g_autofree char *bump = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_no_error (error);
  bump = g_strdup_printf ("PRAGMA user_version = %d", af_database_get_latest_version () + 5);
  g_assert_true (af_database_exec (db, bump, &error));
  g_assert_true (af_database_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", &error));
  g_clear_object (&db);

  before = checksum_file (fixture->path);
  db = af_database_open (fixture->path, &error);
  g_assert_null (db);
  g_assert_error (error, AF_ERROR, AF_ERROR_DATABASE_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version"));
  after = checksum_file (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_read_only_dir (Fixture      *fixture,
                    gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;
  g_autofree char *sub = g_build_filename (fixture->dir, "ro", NULL);
  g_autofree char *path = g_build_filename (sub, "inner", "agentflow.db", NULL);

  if (geteuid () == 0)
    {
      /* root ignores permission bits; a file where the folder should be
       * gives the same user-facing failure. */
      g_assert_true (g_file_set_contents (sub, "x", 1, NULL));
    }
  else
    {
      g_assert_cmpint (g_mkdir (sub, 0500), ==, 0);
    }

  db = af_database_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, AF_ERROR, AF_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "data folder"));
}

static void
test_paths (void)
{
  g_autofree char *real = NULL;
  g_autofree char *sandbox = NULL;

  g_setenv ("AGENTFLOW_DATA_DIR", "/tmp/af-paths-test", TRUE);
  real = af_paths_get_database_path (FALSE);
  sandbox = af_paths_get_database_path (TRUE);
  g_unsetenv ("AGENTFLOW_DATA_DIR");

  g_assert_cmpstr (real, ==, "/tmp/af-paths-test/agentflow.db");
  g_assert_cmpstr (sandbox, ==, "/tmp/af-paths-test/sandbox/agentflow.db");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/database/create-and-reopen", Fixture, NULL,
              fixture_set_up, test_create_and_reopen, fixture_tear_down);
  g_test_add ("/database/transaction-rollback", Fixture, NULL,
              fixture_set_up, test_transaction_rollback, fixture_tear_down);
  g_test_add ("/database/corrupt-file-untouched", Fixture, NULL,
              fixture_set_up, test_corrupt_file_untouched, fixture_tear_down);
  g_test_add ("/database/newer-schema-refused", Fixture, NULL,
              fixture_set_up, test_newer_schema_refused, fixture_tear_down);
  g_test_add ("/database/read-only-dir", Fixture, NULL,
              fixture_set_up, test_read_only_dir, fixture_tear_down);
  g_test_add_func ("/database/paths", test_paths);

  return g_test_run ();
}
