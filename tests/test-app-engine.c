/* test-app-engine.c — the real app runs its agents with no window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "af-database.h"

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

static gint64
query_int (const char *path,
           const char *sql)
{
  g_autoptr (AfDatabase) db = NULL;
  sqlite3_stmt *stmt;
  gint64        n = -1;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return -1;
  db = af_database_open (path, NULL);
  if (db == NULL)
    return -1;
  stmt = af_database_prepare (db, sql, NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return n;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
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
  gint64           succeeded = 0, deadline;

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

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (succeeded < 3 && !child.exited && g_get_monotonic_time () < deadline)
    {
      iterate_for (250);
      succeeded = query_int (db_path, "SELECT count(*) FROM runs WHERE outcome = 'succeeded'");
    }
  g_assert_false (child.exited);
  g_assert_cmpint (succeeded, >=, 3);
  g_assert_cmpint (query_int (db_path, "SELECT count(*) FROM activity WHERE kind = 'action-done'"), >, 0);
  g_assert_cmpint (query_int (db_path, "SELECT count(*) FROM outbox WHERE state != 'done'"), ==, 0);

  /* Quit through the application's own action, as the tray does. */
  bus_name = g_strconcat (APPLICATION_ID, ".Sandbox", NULL);
  object_path = g_strconcat ("/", bus_name, NULL);
  g_strdelimit (object_path, ".", '/');
  reply = g_dbus_connection_call_sync (bus, bus_name, object_path, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", "quit", NULL, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!child.exited && g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_assert_true (child.exited);
  g_assert_true (g_spawn_check_wait_status (child.status, NULL));

  g_assert_cmpint (query_int (db_path, "SELECT count(*) FROM runs WHERE outcome = 'running'"), ==, 0);
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
