/* af-approval-queue.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-engine.h"

G_BEGIN_DECLS

#define AF_TYPE_APPROVAL_QUEUE (af_approval_queue_get_type ())

G_DECLARE_FINAL_TYPE (AfApprovalQueue, af_approval_queue, AF, APPROVAL_QUEUE, GObject)

AfApprovalQueue *af_approval_queue_new (AfEngine *engine);

GPtrArray *af_approval_queue_list (AfApprovalQueue *self,
                                   const char      *agent_id,
                                   gint64           run_id,
                                   const char      *action);

void     af_approval_queue_approve_async (AfApprovalQueue    *self,
                                          GPtrArray          *approvals,
                                          const char         *edited_text,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean af_approval_queue_approve_finish (AfApprovalQueue *self,
                                           GAsyncResult    *result,
                                           guint           *n_done,
                                           GArray         **undoable,
                                           GError         **error);
guint    af_approval_queue_deny (AfApprovalQueue *self,
                                 GPtrArray       *approvals,
                                 GError         **error);

void     af_approval_queue_undo_async (AfApprovalQueue    *self,
                                       GArray             *outbox_ids,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean af_approval_queue_undo_finish (AfApprovalQueue *self,
                                        GAsyncResult    *result,
                                        guint           *n_undone,
                                        GError         **error);

gboolean af_approval_queue_set_policy (AfApprovalQueue *self,
                                       const char      *agent_id,
                                       const char      *action,
                                       const char      *policy,
                                       char           **previous,
                                       GError         **error);

G_END_DECLS
