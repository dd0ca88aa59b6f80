/* af-approval.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AF_TYPE_APPROVAL (af_approval_get_type ())

G_DECLARE_FINAL_TYPE (AfApproval, af_approval, AF, APPROVAL, GObject)

/* A side effect waiting for the user: what (action, preview), on what
 * (target: recipient, channel, message) and why (reason). */
AfApproval *af_approval_new (gint64      id,
                             gint64      outbox_id,
                             const char *agent_id,
                             const char *action,
                             const char *target,
                             const char *preview,
                             const char *reason,
                             gint64      created_at,
                             gint64      expires_at);
gint64      af_approval_get_id (AfApproval *self);
gint64      af_approval_get_outbox_id (AfApproval *self);
const char *af_approval_get_agent_id (AfApproval *self);
const char *af_approval_get_action (AfApproval *self);
const char *af_approval_get_target (AfApproval *self);
const char *af_approval_get_preview (AfApproval *self);
const char *af_approval_get_reason (AfApproval *self);
gint64      af_approval_get_created_at (AfApproval *self);
gint64      af_approval_get_expires_at (AfApproval *self);
void        af_approval_set_context (AfApproval *self,
                                     gint64      run_id,
                                     const char *stored);
gint64      af_approval_get_run_id (AfApproval *self);
const char *af_approval_get_summary (AfApproval *self);
const char *af_approval_get_editable_text (AfApproval *self);

G_END_DECLS
