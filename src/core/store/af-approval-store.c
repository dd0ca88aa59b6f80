/* af-approval-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-approval-store"

#include "config.h"

#include <glib/gi18n.h>

#include "af-approval-store.h"
#include "af-error.h"

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
