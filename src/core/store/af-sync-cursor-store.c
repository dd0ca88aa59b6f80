/* af-sync-cursor-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sync-cursor-store"

#include "config.h"

#include "af-sync-cursor-store.h"

/* The sync_cursors table: one cursor per (service, account, kind, scope). */
struct _AfSyncCursorStore
{
  GObject parent_instance;

  AfDatabase *db;
};

G_DEFINE_FINAL_TYPE (AfSyncCursorStore, af_sync_cursor_store, G_TYPE_OBJECT)

static void
af_sync_cursor_store_dispose (GObject *object)
{
  AfSyncCursorStore *self = (AfSyncCursorStore *)object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (af_sync_cursor_store_parent_class)->dispose (object);
}

static void
af_sync_cursor_store_class_init (AfSyncCursorStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_sync_cursor_store_dispose;
}

static void
af_sync_cursor_store_init (AfSyncCursorStore *self)
{
}

AfSyncCursorStore *
af_sync_cursor_store_new (AfDatabase *db)
{
  AfSyncCursorStore *self;

  g_return_val_if_fail (AF_IS_DATABASE (db), NULL);

  self = g_object_new (AF_TYPE_SYNC_CURSOR_STORE, NULL);
  self->db = g_object_ref (db);
  return self;
}

gboolean
af_sync_cursor_store_lookup (AfSyncCursorStore *self,
                             const char        *service,
                             const char        *account,
                             const char        *kind,
                             const char        *scope,
                             char             **value,
                             gint64            *updated_at,
                             GError           **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_SYNC_CURSOR_STORE (self), FALSE);
  g_return_val_if_fail (service != NULL && kind != NULL, FALSE);

  if (value != NULL)
    *value = NULL;
  if (updated_at != NULL)
    *updated_at = 0;
  stmt = af_database_prepare (self->db,
                              "SELECT value, updated_at FROM sync_cursors WHERE service = ?1 AND account = ?2"
                              " AND kind = ?3 AND scope = ?4",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, service, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, account ? account : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, scope ? scope : "", -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (value != NULL)
        *value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      if (updated_at != NULL)
        *updated_at = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    af_database_set_error (self->db, rc, error, "read a sync position");
  return rc == SQLITE_ROW;
}

gboolean
af_sync_cursor_store_set (AfSyncCursorStore *self,
                          const char        *service,
                          const char        *account,
                          const char        *kind,
                          const char        *scope,
                          const char        *value,
                          GError           **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_SYNC_CURSOR_STORE (self), FALSE);
  g_return_val_if_fail (service != NULL && kind != NULL, FALSE);

  stmt = af_database_prepare (self->db,
                              "INSERT INTO sync_cursors (service, account, kind, scope, value, updated_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                              " ON CONFLICT (service, account, kind, scope) DO UPDATE SET value = ?5, updated_at = ?6",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, service, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, account ? account : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, scope ? scope : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, value, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  return af_database_step_done (self->db, stmt, error);
}
