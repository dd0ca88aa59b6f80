/* af-approval-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-database.h"

G_BEGIN_DECLS

/**
 * AfApprovalRecord:
 * @outbox_id: the outbox entry the approval is for
 * @expires_at: (µs) 0 when it never expires
 *
 * One row of the approvals table.
 */
typedef struct
{
  gint64 id;
  gint64 outbox_id;
  char  *agent_id;
  char  *action;
  char  *target;
  char  *preview;
  char  *reason;
  gint64 created_at;
  gint64 expires_at;
} AfApprovalRecord;

#define AF_TYPE_APPROVAL_RECORD (af_approval_record_get_type ())
GType             af_approval_record_get_type (void);
AfApprovalRecord *af_approval_record_copy (const AfApprovalRecord *record);
void              af_approval_record_free (AfApprovalRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfApprovalRecord, af_approval_record_free)

/* Stores @record as a pending approval; → its id (also set in @record),
 * or 0 with @error set. */
gint64 af_approval_store_insert (AfDatabase       *db,
                                 AfApprovalRecord *record,
                                 GError          **error);
/* → (element-type AfApprovalRecord) the pending approvals, oldest first. */
GPtrArray *af_approval_store_list_pending (AfDatabase *db,
                                           GError    **error);

gboolean af_approval_store_decide (AfDatabase *db,
                                   gint64      id,
                                   const char *state,
                                   GError    **error);

G_END_DECLS
