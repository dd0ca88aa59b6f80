/* af-engine-setup.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-account-manager.h"
#include "af-engine.h"
#include "af-http-client.h"
#include "af-sandbox.h"

G_BEGIN_DECLS

AfDatabase *af_engine_setup_open_database (GError **error);
AfEngine   *af_engine_setup_open_sandbox (AfSandbox    *sandbox,
                                          AfHttpClient *http,
                                          GError      **error);
void        af_engine_setup_connect_accounts (AfEngine         *engine,
                                              AfAccountManager *accounts,
                                              AfHttpClient     *http);

G_END_DECLS
