/* af-run-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-run-store"

#include "config.h"

#include "af-run-store.h"

/* The runs table, and the items each agent already dealt with. */
struct _AfRunStore
{
  GObject parent_instance;

  AfDatabase *db;
};

G_DEFINE_FINAL_TYPE (AfRunStore, af_run_store, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (AfRunRecord, af_run_record, af_run_record_copy, af_run_record_free)

static void
af_run_store_dispose (GObject *object)
{
  AfRunStore *self = (AfRunStore *)object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (af_run_store_parent_class)->dispose (object);
}

static void
af_run_store_class_init (AfRunStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_run_store_dispose;
}

static void
af_run_store_init (AfRunStore *self)
{
}

AfRunRecord *
af_run_record_copy (const AfRunRecord *record)
{
  AfRunRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->agent_id = g_strdup (record->agent_id);
  copy->owner = g_strdup (record->owner);
  return copy;
}

void
af_run_record_free (AfRunRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->agent_id);
  g_free (record->owner);
  g_free (record);
}

AfRunStore *
af_run_store_new (AfDatabase *db)
{
  AfRunStore *self;

  g_return_val_if_fail (AF_IS_DATABASE (db), NULL);

  self = g_object_new (AF_TYPE_RUN_STORE, NULL);
  self->db = g_object_ref (db);
  return self;
}

gint64
af_run_store_begin (AfRunStore *self,
                    const char *agent_id,
                    gboolean    dry_run,
                    const char *owner,
                    GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_RUN_STORE (self), 0);
  g_return_val_if_fail (agent_id != NULL, 0);

  stmt = af_database_prepare (self->db, "INSERT INTO runs (agent_id, started_at, dry_run, owner) VALUES (?1, ?2, ?3, ?4)",
                              error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  sqlite3_bind_int (stmt, 3, dry_run ? 1 : 0);
  sqlite3_bind_text (stmt, 4, owner, -1, SQLITE_TRANSIENT);
  if (!af_database_step_done (self->db, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (af_database_get_handle (self->db));
}

gboolean
af_run_store_finish (AfRunStore *self,
                     gint64      run_id,
                     const char *outcome,
                     guint       n_actions,
                     const char *message,
                     GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (outcome != NULL, FALSE);

  stmt = af_database_prepare (self->db,
                              "UPDATE runs SET finished_at = ?2, outcome = ?3, actions = ?4, error = ?5 WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  sqlite3_bind_text (stmt, 3, outcome, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, n_actions);
  sqlite3_bind_text (stmt, 5, message, -1, SQLITE_TRANSIENT);
  return af_database_step_done (self->db, stmt, error);
}

/**
 * af_run_store_list_running:
 *
 * Returns: (transfer full) (element-type AfRunRecord): the runs not
 *   finished, or %NULL with @error set
 */
GPtrArray *
af_run_store_list_running (AfRunStore *self,
                           GError    **error)
{
  g_autoptr (GPtrArray) records = NULL;
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_RUN_STORE (self), NULL);

  stmt = af_database_prepare (self->db, "SELECT id, agent_id, owner, started_at FROM runs WHERE outcome = 'running'",
                              error);
  if (stmt == NULL)
    return NULL;
  records = g_ptr_array_new_with_free_func ((GDestroyNotify)af_run_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AfRunRecord *r = g_new0 (AfRunRecord, 1);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->agent_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      r->owner = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      r->started_at = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (records, r);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "read the runs");
      return NULL;
    }
  return g_steal_pointer (&records);
}

gboolean
af_run_store_mark_interrupted (AfRunStore *self,
                               gint64      run_id,
                               GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_RUN_STORE (self), FALSE);

  stmt = af_database_prepare (self->db,
                              "UPDATE runs SET outcome = 'interrupted', finished_at = ?1"
                              " WHERE id = ?2 AND outcome = 'running'",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  sqlite3_bind_int64 (stmt, 2, run_id);
  return af_database_step_done (self->db, stmt, error);
}

gboolean
af_run_store_is_seen (AfRunStore *self,
                      const char *agent_id,
                      const char *item_id)
{
  return af_run_store_is_either_seen (self, agent_id, item_id, NULL);
}

gboolean
af_run_store_is_either_seen (AfRunStore *self,
                             const char *agent_id,
                             const char *item_id,
                             const char *other_id)
{
  sqlite3_stmt *stmt;
  gboolean      seen;

  g_return_val_if_fail (AF_IS_RUN_STORE (self), FALSE);

  stmt = af_database_prepare (self->db, "SELECT 1 FROM seen_items WHERE agent_id = ?1 AND item_id IN (?2, ?3)", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, other_id ? other_id : item_id, -1, SQLITE_TRANSIENT);
  seen = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return seen;
}

/* Ids per query in af_run_store_seen_among(): SQLite allows 32,766 bound
 * parameters since 3.32; a Gmail history page holds up to 500 ids. */
#define SEEN_CHUNK 500

GHashTable *
af_run_store_seen_among (AfRunStore        *self,
                         const char        *agent_id,
                         const char *const *item_ids,
                         guint              n_ids)
{
  static gsize sql_once = 0;
  const char  *sql;
  GHashTable  *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (AF_IS_RUN_STORE (self), seen);
  g_return_val_if_fail (agent_id != NULL, seen);

  if (g_once_init_enter (&sql_once))
    {
      GString *text = g_string_new ("SELECT item_id FROM seen_items WHERE agent_id = ?1 AND item_id IN (?2");

      for (guint i = 3; i < SEEN_CHUNK + 2; i++)
        g_string_append_printf (text, ", ?%u", i);
      g_string_append_c (text, ')');
      g_once_init_leave (&sql_once, (gsize)g_string_free (text, FALSE));
    }
  sql = (const char *)sql_once;

  for (guint start = 0; start < n_ids; start += SEEN_CHUNK)
    {
      sqlite3_stmt *stmt = af_database_prepare (self->db, sql, NULL);
      guint         n = MIN (SEEN_CHUNK, n_ids - start);

      /* Unbound parameters are NULL, which matches nothing. */
      if (stmt == NULL)
        break;
      sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
      for (guint i = 0; i < n; i++)
        sqlite3_bind_text (stmt, i + 2, item_ids[start + i], -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_hash_table_add (seen, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  return seen;
}

gboolean
af_run_store_mark_seen (AfRunStore *self,
                        const char *agent_id,
                        const char *item_id,
                        GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (agent_id != NULL && item_id != NULL, FALSE);

  stmt = af_database_prepare (self->db,
                              "INSERT OR IGNORE INTO seen_items (agent_id, item_id, seen_at) VALUES (?1, ?2, ?3)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  return af_database_step_done (self->db, stmt, error);
}
