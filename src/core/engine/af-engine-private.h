/* af-engine-private.h — what the engine's rooms share with it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-engine.h"
#include "af-outbox.h"

G_BEGIN_DECLS

GListStore *af_engine_get_approval_store (AfEngine *self);
AfOutbox   *af_engine_get_outbox (AfEngine *self);
GHashTable *af_engine_get_inflight (AfEngine *self);
void        af_engine_log_step (AfEngine   *self,
                                const char *agent_id,
                                gint64      run_id,
                                const char *kind,
                                const char *summary,
                                JsonObject *details,
                                const char *outcome);

G_END_DECLS
