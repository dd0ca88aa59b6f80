/* test-sync-cursor-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sync cursors on a real SQLite file: one per service, account, kind and
 * scope, replaced in place, kept across a restart.
 */

#include "config.h"

#include "af-sync-cursor-store.h"
#include "af-test-store.h"

static void
test_cursors (AfTestStore  *f,
              gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfSyncCursorStore) store = af_sync_cursor_store_new (f->db);
  g_autofree char *value = NULL;
  gint64           updated_at = -1;
  gint64           before = g_get_real_time ();

  g_assert_false (af_sync_cursor_store_lookup (store, "gmail", "a@example.com", "historyId", "agent-1", &value,
                                               &updated_at, &error));
  g_assert_no_error (error);
  g_assert_null (value);
  g_assert_cmpint (updated_at, ==, 0);

  g_assert_true (af_sync_cursor_store_set (store, "gmail", "a@example.com", "historyId", "agent-1", "100", &error));
  g_assert_true (af_sync_cursor_store_set (store, "gmail", "a@example.com", "historyId", "agent-2", "7", &error));
  g_assert_true (af_sync_cursor_store_set (store, "gmail", "a@example.com", "internalDate", "agent-1", "1700", &error));
  /* Replaced, not added. */
  g_assert_true (af_sync_cursor_store_set (store, "gmail", "a@example.com", "historyId", "agent-1", "250", &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  af_test_store_reopen (f);
  store = af_sync_cursor_store_new (f->db);
  g_assert_true (af_sync_cursor_store_lookup (store, "gmail", "a@example.com", "historyId", "agent-1", &value,
                                              &updated_at, &error));
  g_assert_cmpstr (value, ==, "250");
  g_assert_cmpint (updated_at, >=, before);
  g_clear_pointer (&value, g_free);
  g_assert_true (af_sync_cursor_store_lookup (store, "gmail", "a@example.com", "historyId", "agent-2", &value, NULL,
                                              &error));
  g_assert_cmpstr (value, ==, "7");
  g_clear_pointer (&value, g_free);
  /* Another account's, or the account's own (no scope), are separate. */
  g_assert_false (af_sync_cursor_store_lookup (store, "gmail", "b@example.com", "historyId", "agent-1", &value, NULL,
                                               &error));
  g_assert_false (af_sync_cursor_store_lookup (store, "gmail", "a@example.com", "historyId", NULL, &value, NULL,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpint (af_test_store_query_int (f, "SELECT count (*) FROM sync_cursors"), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync-cursor-store/cursors", AfTestStore, NULL, af_test_store_setup, test_cursors,
              af_test_store_teardown);

  return g_test_run ();
}
