/* af-action-text.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-action.h"

G_BEGIN_DECLS

char *af_action_describe (const char *action,
                          JsonObject *params,
                          JsonObject *item,
                          gboolean    done);
char *af_action_describe_stored (const char *action,
                                 const char *stored,
                                 gboolean    done);
char *af_action_describe_many (const char *const *actions,
                               guint              n_actions);

G_END_DECLS
