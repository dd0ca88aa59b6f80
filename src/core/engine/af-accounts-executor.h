/* af-accounts-executor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-account-manager.h"
#include "af-database.h"
#include "af-executor.h"
#include "af-http-client.h"

G_BEGIN_DECLS

#define AF_TYPE_ACCOUNTS_EXECUTOR (af_accounts_executor_get_type ())

G_DECLARE_FINAL_TYPE (AfAccountsExecutor, af_accounts_executor, AF, ACCOUNTS_EXECUTOR, GObject)

/* Real mode: each agent's calls go to the accounts its definition names
 * ("connections": service + account), with the tokens the account
 * manager hands out. @db (nullable) keeps the sync cursors. */
AfAccountsExecutor *af_accounts_executor_new (AfAccountManager *manager,
                                              AfHttpClient     *http,
                                              AfDatabase       *db);
/* Sends every service API to @base_url, keeping the paths (the sandbox
 * serves them all at one origin); %NULL goes back to the defaults and
 * the AGENTFLOW_GOOGLE_BASE_URL / AGENTFLOW_SLACK_BASE_URL overrides. */
void af_accounts_executor_set_base_url (AfAccountsExecutor *self,
                                        const char         *base_url);

G_END_DECLS
