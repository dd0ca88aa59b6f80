/* af-approval-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-approval-store"

#include "config.h"

#include <glib/gi18n.h>

#include "af-approval-store.h"
#include "af-error.h"

G_DEFINE_BOXED_TYPE (AfApprovalRecord, af_approval_record, af_approval_record_copy, af_approval_record_free)

AfApprovalRecord *
af_approval_record_copy (const AfApprovalRecord *record)
{
  AfApprovalRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->agent_id = g_strdup (record->agent_id);
  copy->action = g_strdup (record->action);
  copy->target = g_strdup (record->target);
  copy->preview = g_strdup (record->preview);
  copy->reason = g_strdup (record->reason);
  return copy;
}

void
af_approval_record_free (AfApprovalRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->agent_id);
  g_free (record->action);
  g_free (record->target);
  g_free (record->preview);
  g_free (record->reason);
  g_free (record);
}

gint64
af_approval_store_insert (AfDatabase       *db,
                          AfApprovalRecord *record,
                          GError          **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_DATABASE (db), 0);
  g_return_val_if_fail (record != NULL, 0);

  stmt = af_database_prepare (db,
                              "INSERT INTO approvals (outbox_id, agent_id, action, target, preview, reason, state,"
                              " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8)",
                              error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, record->outbox_id);
  sqlite3_bind_text (stmt, 2, record->agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, record->action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, record->target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, record->preview, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, record->reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, record->created_at);
  sqlite3_bind_int64 (stmt, 8, record->expires_at);
  if (!af_database_step_done (db, stmt, error))
    return 0;
  record->id = sqlite3_last_insert_rowid (af_database_get_handle (db));
  return record->id;
}

/**
 * af_approval_store_list_pending:
 *
 * Returns: (transfer full) (element-type AfApprovalRecord): the pending
 *   approvals, or %NULL with @error set
 */
GPtrArray *
af_approval_store_list_pending (AfDatabase *db,
                                GError    **error)
{
  g_autoptr (GPtrArray) records = NULL;
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_DATABASE (db), NULL);

  stmt = af_database_prepare (db,
                              "SELECT id, outbox_id, agent_id, action, target, preview, reason,"
                              " created_at, expires_at FROM approvals WHERE state = 'pending' ORDER BY id",
                              error);
  if (stmt == NULL)
    return NULL;
  records = g_ptr_array_new_with_free_func ((GDestroyNotify)af_approval_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AfApprovalRecord *r = g_new0 (AfApprovalRecord, 1);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->outbox_id = sqlite3_column_int64 (stmt, 1);
      r->agent_id = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      r->action = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      r->target = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
      r->preview = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
      r->reason = g_strdup ((const char *)sqlite3_column_text (stmt, 6));
      r->created_at = sqlite3_column_int64 (stmt, 7);
      r->expires_at = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (records, r);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (db, rc, error, "read the approvals");
      return NULL;
    }
  return g_steal_pointer (&records);
}

/**
 * af_approval_store_decide:
 * @state: "approved", "denied" or "expired"
 *
 * Moves approval @id from pending to @state. Fails with
 * %AF_ERROR_NOT_FOUND when it was not pending (answered twice, expired,
 * withdrawn): that is what makes every decision count exactly once.
 */
gboolean
af_approval_store_decide (AfDatabase *db,
                          gint64      id,
                          const char *state,
                          GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AF_IS_DATABASE (db), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  stmt = af_database_prepare (db, "UPDATE approvals SET state = ?2, decided_at = ?3 WHERE id = ?1 AND state = 'pending'",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if (!af_database_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (af_database_get_handle (db)) != 1)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("This request was already answered or has expired"));
      return FALSE;
    }
  return TRUE;
}
