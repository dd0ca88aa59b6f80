/* af-activity-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "af-activity-log.h"

G_BEGIN_DECLS

#define AF_TYPE_ACTIVITY_MODEL (af_activity_model_get_type ())

G_DECLARE_FINAL_TYPE (AfActivityModel, af_activity_model, AF, ACTIVITY_MODEL, GObject)

/* A lazy GListModel of AfActivityEntry, newest first. @agent_id and @kind
 * (both nullable) filter it. */
AfActivityModel *af_activity_model_new (AfActivityLog *log,
                                        const char    *agent_id,
                                        const char    *kind);
const char      *af_activity_model_get_agent_id (AfActivityModel *self);
const char      *af_activity_model_get_kind (AfActivityModel *self);
/* Emits the pending items-changed now instead of after the short delay. */
void af_activity_model_flush (AfActivityModel *self);

G_END_DECLS
