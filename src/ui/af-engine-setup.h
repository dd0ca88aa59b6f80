/* af-engine-setup.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-engine.h"

G_BEGIN_DECLS

AfEngine *af_engine_setup_open (gboolean sandbox,
                                GError **error);

G_END_DECLS
