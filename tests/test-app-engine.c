/* test-app-engine.c — the real app runs its agents with no window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "af-database.h"
#include "af-test-wait.h"

typedef struct
{
  GPid     pid;
  int      status;
  gboolean exited;
} Child;

static void
on_child_exited_cb (GPid     pid,
                    int      status,
                    gpointer user_data)
{
  Child *child = user_data;

  child->status = status;
  child->exited = TRUE;
  g_spawn_close_pid (pid);
}

/* One number from the app's database, read the way a second process
 * reads it: read-only, with no migration, while the app writes. FALSE with
 * @why set when there is no number: "no database yet" (no file, or the
 * app has not created its tables) is told from a failed query, and a busy
 * database is retried (busy timeout) before it counts as a failure. */
static gboolean
query_int (const char *path,
           const char *sql,
           gint64     *value,
           char      **why)
{
  sqlite3      *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int           rc;
  gboolean      ok = FALSE;

  g_clear_pointer (why, g_free);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      *why = g_strdup_printf ("no database yet (%s does not exist)", path);
      return FALSE;
    }
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    {
      *why = g_strdup_printf ("could not open %s: %s", path, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db, 5000);
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  for (guint tries = 0; rc == SQLITE_BUSY && tries < 10; tries++)
    rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      if (strstr (sqlite3_errmsg (db), "no such table") != NULL)
        *why = g_strdup_printf ("no database yet (%s)", sqlite3_errmsg (db));
      else
        *why = g_strdup_printf ("“%s” failed: %s", sql, sqlite3_errmsg (db));
      sqlite3_close (db);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  for (guint tries = 0; (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && tries < 10; tries++)
    {
      sqlite3_reset (stmt);
      rc = sqlite3_step (stmt);
    }
  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      ok = TRUE;
    }
  else
    *why = g_strdup_printf ("“%s” failed: %s", sql, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

/* query_int() that must succeed. */
static gint64
query_int_or_fail (const char *path,
                   const char *sql)
{
  g_autofree char *why = NULL;
  gint64           value = -1;

  if (!query_int (path, sql, &value, &why))
    g_error ("%s", why);
  return value;
}

typedef struct
{
  const char *db_path;
  Child      *child;
  gint64      succeeded;
  gint64      last_poll;
  char       *why;     /* why the last poll read no number */
  char       *message; /* what did not happen, for a timeout */
} RunsPoll;

/* Three runs succeeded, or the app is gone. Reads the database at most
 * every 100 ms: each poll opens it anew. */
static gboolean
runs_succeeded_or_exited (RunsPoll *poll)
{
  gint64 now = g_get_monotonic_time ();

  if (poll->child->exited)
    return TRUE;
  if (now - poll->last_poll < 100 * 1000)
    return FALSE;
  poll->last_poll = now;
  if (!query_int (poll->db_path, "SELECT count(*) FROM runs WHERE outcome = 'succeeded'", &poll->succeeded, &poll->why))
    poll->succeeded = 0;
  g_free (poll->message);
  poll->message = g_strdup_printf ("3 succeeded runs in the app's database (%" G_GINT64_FORMAT " so far%s%s)",
                                   poll->succeeded, poll->why ? "; last poll: " : "", poll->why ? poll->why : "");
  return poll->succeeded >= 3;
}

static void
test_background_sandbox_runs_agents (void)
{
  const char      *builddir = g_getenv ("AGENTFLOW_TOP_BUILDDIR");
  g_autofree char *binary = g_build_filename (builddir, "src", "agentflow", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("af-test-app-XXXXXX", &error);
  g_autofree char *db_path = g_build_filename (data_dir, "sandbox", "agentflow.db", NULL);
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "AGENTFLOW_DATA_DIR", data_dir, TRUE);
  const char *argv[] = { binary, "--sandbox", "--background", NULL };
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *object_path = NULL;
  g_autofree char *bus_name = NULL;
  Child            child = { 0 };
  RunsPoll         poll = { db_path, &child };

  g_assert_no_error (error);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_test_skip ("no session bus");
      return;
    }

  /* With no window at all, the sample agents run and record their work. */
  g_assert_true (g_spawn_async (NULL, (char **)argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &child.pid, &error));
  g_assert_no_error (error);
  g_child_watch_add (child.pid, on_child_exited_cb, &child);

  af_test_wait_until_timeout (runs_succeeded_or_exited (&poll), 60, poll.message ? poll.message : "a poll of the app's database");
  if (child.exited)
    g_error ("the app exited (status %d) before 3 runs succeeded%s%s", child.status,
             poll.why ? "; last poll: " : "", poll.why ? poll.why : "");
  g_assert_cmpint (poll.succeeded, >=, 3);
  g_clear_pointer (&poll.why, g_free);
  g_clear_pointer (&poll.message, g_free);
  g_assert_cmpint (query_int_or_fail (db_path, "SELECT count(*) FROM activity WHERE kind = 'action-done'"), >, 0);
  g_assert_cmpint (query_int_or_fail (db_path, "SELECT count(*) FROM outbox WHERE state != 'done'"), ==, 0);

  /* Quit through the application's own action, as the tray does. */
  bus_name = g_strconcat (APPLICATION_ID, ".Sandbox", NULL);
  object_path = g_strconcat ("/", bus_name, NULL);
  g_strdelimit (object_path, ".", '/');
  reply = g_dbus_connection_call_sync (bus, bus_name, object_path, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", "quit", NULL, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);

  af_test_wait_until (child.exited, "the app to exit after its quit action");
  g_assert_true (g_spawn_check_wait_status (child.status, NULL));

  g_assert_cmpint (query_int_or_fail (db_path, "SELECT count(*) FROM runs WHERE outcome = 'running'"), ==, 0);
  {
    g_autoptr (AfDatabase) db = af_database_open (db_path, &error);

    g_assert_no_error (error);
    g_assert_true (af_database_check_integrity (db, &error));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app-engine/background-sandbox-runs-agents", test_background_sandbox_runs_agents);

  return g_test_run ();
}
