/* test-connection-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connections table on a real SQLite file: shared and agent-specific
 * connections of one account side by side, and an upgrade from a database
 * made before connections had an agent, with its rows kept.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "af-connection-store.h"
#include "af-database-migrations.h"
#include "af-database.h"

static char *
temp_db_path (char **dir_out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("af-connections-XXXXXX", &error);

  g_assert_no_error (error);
  *dir_out = g_strdup (dir);
  return g_build_filename (dir, "agentflow.db", NULL);
}

static void
remove_dir (const char *dir,
            const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

static void
test_shared_and_agents (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = temp_db_path (&dir);
  g_autoptr (AfDatabase) db = af_database_open (path, &error);
  g_autoptr (AfConnectionStore) store = NULL;
  g_autoptr (AfConnection) shared = NULL;
  g_autoptr (AfConnection) own = NULL;
  g_autoptr (GPtrArray) list = NULL;

  g_assert_no_error (error);
  store = af_connection_store_new (db);

  g_assert_true (af_connection_store_save (store, "gmail", "a@example.com", "A", "s1", &error));
  g_assert_true (af_connection_store_save_for_agent (store, "gmail", "a@example.com", "agent-1", "A", "s1 s2",
                                                     "{\"issuer\":\"x\"}", &error));
  g_assert_true (af_connection_store_save_for_agent (store, "slack", "b@example.com", "agent-2", "B", "", NULL, &error));
  g_assert_no_error (error);

  shared = af_connection_store_get (store, "gmail", "a@example.com", &error);
  own = af_connection_store_get_for_agent (store, "gmail", "a@example.com", "agent-1", &error);
  g_assert_cmpstr (shared->agent, ==, "");
  g_assert_cmpstr (shared->scopes, ==, "s1");
  g_assert_null (shared->provider);
  g_assert_cmpstr (own->agent, ==, "agent-1");
  g_assert_cmpstr (own->scopes, ==, "s1 s2");
  g_assert_cmpstr (own->provider, ==, "{\"issuer\":\"x\"}");

  /* The plain list is the shared connections; agents have theirs. */
  list = af_connection_store_list (store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = af_connection_store_list_for_agent (store, "agent-1", NULL, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = af_connection_store_list_for_agent (store, NULL, NULL, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Status and removal touch only the row they name. */
  g_assert_true (af_connection_store_set_status_for_agent (store, "gmail", "a@example.com", "agent-1", "revoking", NULL, &error));
  list = af_connection_store_list_for_agent (store, NULL, "revoking", &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((AfConnection *)list->pdata[0])->agent, ==, "agent-1");
  g_assert_true (af_connection_store_remove_for_agent (store, "gmail", "a@example.com", "agent-1", &error));
  g_clear_pointer (&own, af_connection_free);
  own = af_connection_store_get_for_agent (store, "gmail", "a@example.com", "agent-1", &error);
  g_assert_null (own);
  g_assert_no_error (error);
  g_clear_pointer (&shared, af_connection_free);
  shared = af_connection_store_get (store, "gmail", "a@example.com", &error);
  g_assert_cmpstr (shared->status, ==, "connected");

  g_clear_object (&store);
  g_clear_object (&db);
  remove_dir (dir, path);
}

static void
test_upgrade_keeps_rows (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = temp_db_path (&dir);
  g_autoptr (AfDatabase) db = NULL;
  g_autoptr (AfConnectionStore) store = NULL;
  g_autoptr (AfConnection) c = NULL;
  sqlite3 *raw = NULL;
  char    *message = NULL;

  /* A database as version 2 of the schema left it. */
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (sqlite3_exec (raw, af_database_migrations[i], NULL, NULL, &message), ==, SQLITE_OK);
      g_assert_null (message);
    }
  g_assert_cmpint (sqlite3_exec (raw,
                                 "INSERT INTO connections (service, account, display_name, scopes, status, connected_at, last_used_at)"
                                 " VALUES ('gmail', 'old@example.com', 'Old', 'openid email', 'needs-reconnect', 1, 2);"
                                 "PRAGMA user_version = 2;",
                                 NULL, NULL, &message),
                   ==, SQLITE_OK);
  sqlite3_close (raw);

  db = af_database_open (path, &error);
  g_assert_no_error (error);
  store = af_connection_store_new (db);
  c = af_connection_store_get (store, "gmail", "old@example.com", &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
  g_assert_cmpstr (c->agent, ==, "");
  g_assert_cmpstr (c->display_name, ==, "Old");
  g_assert_cmpstr (c->scopes, ==, "openid email");
  g_assert_cmpstr (c->status, ==, "needs-reconnect");
  g_assert_cmpint (c->connected_at, ==, 1);
  g_assert_cmpint (c->last_used_at, ==, 2);

  /* And the same account can now have an agent's connection beside it. */
  g_assert_true (af_connection_store_save_for_agent (store, "gmail", "old@example.com", "agent-1", "Old", "", NULL, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  g_clear_object (&db);
  remove_dir (dir, path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connection-store/shared-and-agents", test_shared_and_agents);
  g_test_add_func ("/connection-store/upgrade-keeps-rows", test_upgrade_keeps_rows);

  return g_test_run ();
}
