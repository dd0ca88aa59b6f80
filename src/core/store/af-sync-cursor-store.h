/* af-sync-cursor-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-database.h"

G_BEGIN_DECLS

#define AF_TYPE_SYNC_CURSOR_STORE (af_sync_cursor_store_get_type ())

G_DECLARE_FINAL_TYPE (AfSyncCursorStore, af_sync_cursor_store, AF, SYNC_CURSOR_STORE, GObject)

AfSyncCursorStore *af_sync_cursor_store_new (AfDatabase *db);

/* Where a service's incremental sync got to (Gmail's historyId, a
 * Calendar syncToken) for @account, @kind and @scope (an agent id, or ""
 * for the account's own). %FALSE when there is none (or it could not be
 * read: @error); else @value (nullable out) and when it was stored,
 * @updated_at (µs, nullable out). */
gboolean af_sync_cursor_store_lookup (AfSyncCursorStore *self,
                                      const char        *service,
                                      const char        *account,
                                      const char        *kind,
                                      const char        *scope,
                                      char             **value,
                                      gint64            *updated_at,
                                      GError           **error);
gboolean af_sync_cursor_store_set (AfSyncCursorStore *self,
                                   const char        *service,
                                   const char        *account,
                                   const char        *kind,
                                   const char        *scope,
                                   const char        *value,
                                   GError           **error);

G_END_DECLS
