/* af-agent-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-store"

#include "config.h"

#include "af-agent-store.h"

/* The agents table, and the delete of an agent across the tables that
 * point at it. */
struct _AfAgentStore
{
  GObject parent_instance;

  AfDatabase *db;
};

G_DEFINE_FINAL_TYPE (AfAgentStore, af_agent_store, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (AfAgentRecord, af_agent_record, af_agent_record_copy, af_agent_record_free)

/* Statements of a delete that forgets the history, in order: approvals
 * before the outbox rows they point at. ?1 is the agent id. */
static const char *const forget_sql[] = {
  "DELETE FROM approvals WHERE agent_id = ?1 AND state != 'pending'",
  "DELETE FROM outbox WHERE agent_id = ?1 AND state IN ('done', 'failed', 'denied', 'expired')"
  " AND id NOT IN (SELECT outbox_id FROM approvals)",
  /* A run still going is being cancelled and writes nothing more. */
  "DELETE FROM runs WHERE agent_id = ?1",
  "DELETE FROM seen_items WHERE agent_id = ?1",
  /* The activity_counts trigger keeps the counters right row by row;
   * the agent's emptied counters go too. */
  "DELETE FROM activity WHERE agent_id = ?1",
  "DELETE FROM activity_counts WHERE agent_id = ?1 AND n <= 0",
};

/* Statements of every delete. ?2, where used, is now. */
static const char *const delete_sql[] = {
  "UPDATE outbox SET state = 'expired', updated_at = ?2"
  " WHERE id IN (SELECT outbox_id FROM approvals WHERE agent_id = ?1 AND state = 'pending')",
  "UPDATE approvals SET state = 'expired' WHERE agent_id = ?1 AND state = 'pending'",
  /* Its own sync cursors (scope: the agent) serve no one else. */
  "DELETE FROM sync_cursors WHERE scope = ?1",
  "DELETE FROM agents WHERE id = ?1",
};

static const char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  return (const char *)sqlite3_column_text (stmt, i);
}

static gboolean
exec_for_agent (AfAgentStore *self,
                const char   *sql,
                const char   *id,
                GError      **error)
{
  sqlite3_stmt *stmt = af_database_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  return af_database_step_done (self->db, stmt, error);
}

static void
af_agent_store_dispose (GObject *object)
{
  AfAgentStore *self = (AfAgentStore *)object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (af_agent_store_parent_class)->dispose (object);
}

static void
af_agent_store_class_init (AfAgentStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_agent_store_dispose;
}

static void
af_agent_store_init (AfAgentStore *self)
{
}

AfAgentRecord *
af_agent_record_new (void)
{
  return g_new0 (AfAgentRecord, 1);
}

AfAgentRecord *
af_agent_record_copy (const AfAgentRecord *record)
{
  AfAgentRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->id = g_strdup (record->id);
  copy->name = g_strdup (record->name);
  copy->description = g_strdup (record->description);
  copy->template_id = g_strdup (record->template_id);
  copy->definition = g_strdup (record->definition);
  copy->state_reason = g_strdup (record->state_reason);
  return copy;
}

void
af_agent_record_free (AfAgentRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->id);
  g_free (record->name);
  g_free (record->description);
  g_free (record->template_id);
  g_free (record->definition);
  g_free (record->state_reason);
  g_free (record);
}

AfAgentStore *
af_agent_store_new (AfDatabase *db)
{
  AfAgentStore *self;

  g_return_val_if_fail (AF_IS_DATABASE (db), NULL);

  self = g_object_new (AF_TYPE_AGENT_STORE, NULL);
  self->db = g_object_ref (db);
  return self;
}

/**
 * af_agent_store_load_each:
 * @func: called with each agent's row, oldest first; the record and its
 *   strings are valid during the call only
 *
 * Every agent in one query, one row at a time: nothing of a row is kept
 * once @func has returned, so loading holds one row's text, not all.
 *
 * Returns: %FALSE with @error set if the rows could not be read
 */
gboolean
af_agent_store_load_each (AfAgentStore     *self,
                          AfAgentRecordFunc func,
                          gpointer          user_data,
                          GError          **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_AGENT_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  stmt = af_database_prepare (self->db,
                              "SELECT id, name, description, template, definition, state, state_reason,"
                              " created_at, updated_at, last_run_at, next_run_at FROM agents ORDER BY created_at, id",
                              error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      /* The strings are SQLite's, until the next step. */
      AfAgentRecord r = {
        .id = (char *)column_text (stmt, 0),
        .name = (char *)column_text (stmt, 1),
        .description = (char *)column_text (stmt, 2),
        .template_id = (char *)column_text (stmt, 3),
        .definition = (char *)column_text (stmt, 4),
        .state = af_enum_from_nick (AF_TYPE_AGENT_STATE, column_text (stmt, 5), AF_AGENT_STATE_ACTIVE),
        .state_reason = (char *)column_text (stmt, 6),
        .created_at = sqlite3_column_int64 (stmt, 7),
        .updated_at = sqlite3_column_int64 (stmt, 8),
        .last_run_at = sqlite3_column_int64 (stmt, 9),
        .next_run_at = sqlite3_column_int64 (stmt, 10),
      };

      func (&r, user_data);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "read the agents");
      return FALSE;
    }
  return TRUE;
}

static void
add_copy (const AfAgentRecord *record,
          gpointer             user_data)
{
  g_ptr_array_add (user_data, af_agent_record_copy (record));
}

/**
 * af_agent_store_load_all:
 *
 * Returns: (transfer full) (element-type AfAgentRecord): the agents, by
 *   creation time, or %NULL with @error set
 */
GPtrArray *
af_agent_store_load_all (AfAgentStore *self,
                         GError      **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)af_agent_record_free);

  g_return_val_if_fail (AF_IS_AGENT_STORE (self), NULL);

  if (!af_agent_store_load_each (self, add_copy, records, error))
    return NULL;
  return g_steal_pointer (&records);
}

gboolean
af_agent_store_save (AfAgentStore  *self,
                     AfAgentRecord *record,
                     GError       **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_AGENT_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->id != NULL, FALSE);

  stmt = af_database_prepare (self->db,
                              "INSERT INTO agents (id, name, description, template, definition, state, state_reason,"
                              " created_at, updated_at, last_run_at, next_run_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                              " ON CONFLICT (id) DO UPDATE SET name = ?2, description = ?3, definition = ?5,"
                              " state = ?6, state_reason = ?7, updated_at = ?9, last_run_at = ?10, next_run_at = ?11",
                              error);
  if (stmt == NULL)
    return FALSE;
  record->updated_at = g_get_real_time ();
  sqlite3_bind_text (stmt, 1, record->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, record->description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, record->template_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, record->definition, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, af_enum_to_nick (AF_TYPE_AGENT_STATE, record->state), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, record->state_reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, record->created_at);
  sqlite3_bind_int64 (stmt, 9, record->updated_at);
  if (record->last_run_at > 0)
    sqlite3_bind_int64 (stmt, 10, record->last_run_at);
  if (record->next_run_at > 0)
    sqlite3_bind_int64 (stmt, 11, record->next_run_at);
  return af_database_step_done (self->db, stmt, error);
}

gboolean
af_agent_store_set_state (AfAgentStore *self,
                          const char   *id,
                          AfAgentState  state,
                          const char   *reason,
                          GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_AGENT_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  stmt = af_database_prepare (self->db, "UPDATE agents SET state = ?2, state_reason = ?3, updated_at = ?4 WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, af_enum_to_nick (AF_TYPE_AGENT_STATE, state), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  return af_database_step_done (self->db, stmt, error);
}

gboolean
af_agent_store_delete (AfAgentStore *self,
                       const char   *id,
                       gboolean      forget_history,
                       GError      **error)
{
  g_return_val_if_fail (AF_IS_AGENT_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!af_database_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (delete_sql); i++)
    if (!exec_for_agent (self, delete_sql[i], id, error))
      {
        af_database_rollback (self->db);
        return FALSE;
      }
  for (guint i = 0; forget_history && i < G_N_ELEMENTS (forget_sql); i++)
    if (!exec_for_agent (self, forget_sql[i], id, error))
      {
        af_database_rollback (self->db);
        return FALSE;
      }
  return af_database_commit (self->db, error);
}
