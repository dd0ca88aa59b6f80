/* af-outbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-outbox"

#include "config.h"

#include "af-enum-nick.h"
#include "af-outbox.h"

/* Every side effect is written here, under an idempotency key, before it
 * is executed; that is what makes a retry or a crash safe. */
struct _AfOutbox
{
  GObject parent_instance;

  AfDatabase *db;
  char       *owner;
};

G_DEFINE_FINAL_TYPE (AfOutbox, af_outbox, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (AfOutboxState, af_outbox_state, G_DEFINE_ENUM_VALUE (AF_OUTBOX_PENDING, "pending"), G_DEFINE_ENUM_VALUE (AF_OUTBOX_WAITING, "waiting"), G_DEFINE_ENUM_VALUE (AF_OUTBOX_EXECUTING, "executing"), G_DEFINE_ENUM_VALUE (AF_OUTBOX_DONE, "done"), G_DEFINE_ENUM_VALUE (AF_OUTBOX_FAILED, "failed"), G_DEFINE_ENUM_VALUE (AF_OUTBOX_DENIED, "denied"), G_DEFINE_ENUM_VALUE (AF_OUTBOX_EXPIRED, "expired"))

static const char *
state_nick (AfOutboxState state)
{
  return af_enum_to_nick (AF_TYPE_OUTBOX_STATE, state);
}

#define COLUMNS "id, idempotency_key, agent_id, run_id, action, params, state, result, owner"

static AfOutboxEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  AfOutboxEntry *e = g_new0 (AfOutboxEntry, 1);

  e->id = sqlite3_column_int64 (stmt, 0);
  e->key = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  e->agent_id = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  e->run_id = sqlite3_column_int64 (stmt, 3);
  e->action = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
  e->params = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
  /* A state this version does not know is never taken for one it may
   * repeat: as failed, a send is not sent again. */
  e->state = af_enum_from_nick (AF_TYPE_OUTBOX_STATE, (const char *)sqlite3_column_text (stmt, 6), AF_OUTBOX_FAILED);
  e->result = g_strdup ((const char *)sqlite3_column_text (stmt, 7));
  e->owner = g_strdup ((const char *)sqlite3_column_text (stmt, 8));
  return e;
}

void
af_outbox_entry_free (AfOutboxEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->key);
  g_free (e->agent_id);
  g_free (e->action);
  g_free (e->params);
  g_free (e->result);
  g_free (e->owner);
  g_free (e);
}

static void
af_outbox_dispose (GObject *object)
{
  AfOutbox *self = (AfOutbox *)object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (af_outbox_parent_class)->dispose (object);
}

static void
af_outbox_finalize (GObject *object)
{
  AfOutbox *self = (AfOutbox *)object;

  g_free (self->owner);

  G_OBJECT_CLASS (af_outbox_parent_class)->finalize (object);
}

static void
af_outbox_class_init (AfOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = af_outbox_dispose;
  G_OBJECT_CLASS (klass)->finalize = af_outbox_finalize;
}

static void
af_outbox_init (AfOutbox *self)
{
}

AfOutbox *
af_outbox_new (AfDatabase *db)
{
  AfOutbox *self;

  g_return_val_if_fail (AF_IS_DATABASE (db), NULL);

  self = g_object_new (AF_TYPE_OUTBOX, NULL);
  self->db = g_object_ref (db);
  return self;
}

void
af_outbox_set_owner (AfOutbox   *self,
                     const char *owner)
{
  g_return_if_fail (AF_IS_OUTBOX (self));

  g_free (self->owner);
  self->owner = g_strdup (owner);
}

static AfOutboxEntry *
get_by_key (AfOutbox   *self,
            const char *key,
            GError    **error)
{
  sqlite3_stmt  *stmt;
  AfOutboxEntry *e = NULL;
  int            rc;

  stmt = af_database_prepare (self->db, "SELECT " COLUMNS " FROM outbox WHERE idempotency_key = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    e = entry_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    af_database_set_error (self->db, rc, error, "read the outbox");
  return e;
}

AfOutboxEntry *
af_outbox_reserve (AfOutbox     *self,
                   const char   *key,
                   const char   *agent_id,
                   gint64        run_id,
                   const char   *action,
                   const char   *params,
                   AfOutboxState state,
                   GError      **error)
{
  sqlite3_stmt  *stmt;
  AfOutboxEntry *entry = NULL;
  gint64         now = g_get_real_time ();
  int            rc;

  g_return_val_if_fail (AF_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (key != NULL && agent_id != NULL && action != NULL, NULL);

  stmt = af_database_prepare (self->db,
                              "INSERT INTO outbox (idempotency_key, agent_id, run_id, action, params, state,"
                              " created_at, updated_at, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)"
                              " ON CONFLICT (idempotency_key) DO NOTHING",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, agent_id, -1, SQLITE_STATIC);
  if (run_id > 0)
    sqlite3_bind_int64 (stmt, 3, run_id);
  sqlite3_bind_text (stmt, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, params ? params : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, state_nick (state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_text (stmt, 8, self->owner, -1, SQLITE_STATIC);
  /* As with any write, the grouped appends before it are on disk first.
   * A new entry is what was just bound (no RETURNING: SQLite builds a
   * temporary table for it on every row); one reserved before is read
   * by its key. The statement is reset before the caller's strings go. */
  if (!af_database_flush (self->db, error))
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return NULL;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE && sqlite3_changes (af_database_get_handle (self->db)) == 1)
    {
      entry = g_new0 (AfOutboxEntry, 1);
      entry->id = sqlite3_last_insert_rowid (af_database_get_handle (self->db));
      entry->key = g_strdup (key);
      entry->agent_id = g_strdup (agent_id);
      entry->run_id = run_id > 0 ? run_id : 0;
      entry->action = g_strdup (action);
      entry->params = g_strdup (params ? params : "{}");
      entry->state = state;
      entry->owner = g_strdup (self->owner);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "write to the outbox");
      return NULL;
    }
  if (entry != NULL)
    return entry;

  return get_by_key (self, key, error);
}

AfOutboxEntry *
af_outbox_get (AfOutbox *self,
               gint64    id,
               GError  **error)
{
  sqlite3_stmt  *stmt;
  AfOutboxEntry *e = NULL;

  g_return_val_if_fail (AF_IS_OUTBOX (self), NULL);

  stmt = af_database_prepare (self->db, "SELECT " COLUMNS " FROM outbox WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    e = entry_from_row (stmt);
  sqlite3_reset (stmt);
  return e;
}

gboolean
af_outbox_set_state (AfOutbox     *self,
                     gint64        id,
                     AfOutboxState state,
                     const char   *result,
                     GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_OUTBOX (self), FALSE);
  stmt = af_database_prepare (self->db,
                              "UPDATE outbox SET state = ?2, result = coalesce (?3, result), updated_at = ?4,"
                              " owner = ?5 WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, state_nick (state), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, result, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  sqlite3_bind_text (stmt, 5, self->owner, -1, SQLITE_TRANSIENT);
  return af_database_step_done (self->db, stmt, error);
}

/**
 * af_outbox_set_done_on_items:
 * @ids: (array length=n_ids): entries done together (a batch request)
 * @item_ids: (array length=n_ids): for each, the id of the item it acted on
 *
 * Each entry "done" with {"id": its item's id} as its result, what the
 * service answers an action done alone (SQLite writes that object: no
 * JSON is built here).
 *
 * Returns: %TRUE when all are written
 */
gboolean
af_outbox_set_done_on_items (AfOutbox          *self,
                             const gint64      *ids,
                             const char *const *item_ids,
                             guint              n_ids,
                             GError           **error)
{
  sqlite3_stmt *stmt;
  gint64        now = g_get_real_time ();

  g_return_val_if_fail (AF_IS_OUTBOX (self), FALSE);
  if (n_ids == 0)
    return TRUE;
  /* One statement for each: an UPDATE … FROM json_each() over them all
   * costs more (SQLite joins, then reads each pair's JSON twice). */
  stmt = af_database_prepare (self->db,
                              "UPDATE outbox SET state = 'done', result = json_object ('id', ?2), updated_at = ?3,"
                              " owner = ?4 WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_text (stmt, 2, item_ids[i] != NULL ? item_ids[i] : "", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_text (stmt, 4, self->owner, -1, SQLITE_STATIC);
      if (!af_database_step_done (self->db, stmt, error))
        {
          sqlite3_clear_bindings (stmt);
          return FALSE;
        }
    }
  sqlite3_clear_bindings (stmt);
  return TRUE;
}

GPtrArray *
af_outbox_list (AfOutbox     *self,
                AfOutboxState state,
                GError      **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)af_outbox_entry_free);
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_OUTBOX (self), NULL);

  stmt = af_database_prepare (self->db, "SELECT " COLUMNS " FROM outbox WHERE state = ?1 ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, state_nick (state), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, entry_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "read the outbox");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

guint
af_outbox_count (AfOutbox     *self,
                 const char   *agent_id,
                 AfOutboxState state)
{
  sqlite3_stmt *stmt;
  guint         n = 0;

  g_return_val_if_fail (AF_IS_OUTBOX (self), 0);

  stmt = af_database_prepare (self->db,
                              "SELECT count (*) FROM outbox WHERE (?1 IS NULL OR agent_id = ?1)"
                              " AND state = ?2",
                              NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, state_nick (state), -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/**
 * af_outbox_set_params:
 *
 * Replaces the parameters of entry @id while it waits for approval (the
 * person edited a reply before approving it); what executes, and what a
 * retry or a reconcile after a crash sees, is then the edited text.
 */
gboolean
af_outbox_set_params (AfOutbox   *self,
                      gint64      id,
                      const char *params,
                      GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (params != NULL, FALSE);

  stmt = af_database_prepare (self->db,
                              "UPDATE outbox SET params = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'waiting'",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, params, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  return af_database_step_done (self->db, stmt, error);
}
