/* af-engine-setup.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-account-manager.h"
#include "af-engine.h"
#include "af-sandbox-life.h"

G_BEGIN_DECLS

AfEngine      *af_engine_setup_open (gboolean          sandbox,
                                     AfAccountManager *accounts,
                                     GError          **error);
void           af_engine_setup_connect_accounts (AfEngine         *engine,
                                                 AfAccountManager *accounts);
AfSandboxLife *af_engine_setup_get_sandbox_life (AfEngine *engine);

G_END_DECLS
