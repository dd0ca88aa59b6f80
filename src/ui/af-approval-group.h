/* af-approval-group.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_TYPE_APPROVAL_GROUP (af_approval_group_get_type ())

G_DECLARE_FINAL_TYPE (AfApprovalGroup, af_approval_group, AF, APPROVAL_GROUP, GObject)

AfApprovalGroup *af_approval_group_new (const char *key,
                                        const char *agent_id,
                                        gint64      run_id);
const char      *af_approval_group_get_key (AfApprovalGroup *self);
const char      *af_approval_group_get_agent_id (AfApprovalGroup *self);
gint64           af_approval_group_get_run_id (AfApprovalGroup *self);
GListStore      *af_approval_group_get_items (AfApprovalGroup *self);
char            *af_approval_group_dup_summary (AfApprovalGroup *self);
GPtrArray       *af_approval_group_list_actions (AfApprovalGroup *self);
GPtrArray       *af_approval_group_collect (AfApprovalGroup *self,
                                            const char      *action);

G_END_DECLS
