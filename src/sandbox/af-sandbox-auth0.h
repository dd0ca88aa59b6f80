/* af-sandbox-auth0.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-sandbox.h"

G_BEGIN_DECLS

#define AF_TYPE_SANDBOX_AUTH0 (af_sandbox_auth0_get_type ())

G_DECLARE_FINAL_TYPE (AfSandboxAuth0, af_sandbox_auth0, AF, SANDBOX_AUTH0, GObject)

/* Where the tenant lives on the sandbox's server: its "domain" is the
 * sandbox's base URL followed by this path. */
#define AF_SANDBOX_AUTH0_PATH "/auth0"

/* The tenant's applications. The confidential one is set up as Token Vault
 * requires (first party, client secret, Token Vault grant, rotation off);
 * the public one (token_endpoint_auth_method "none") may log in but not
 * use Token Vault. */
#define AF_SANDBOX_AUTH0_CLIENT_ID        "agentflow-sandbox-auth0"
#define AF_SANDBOX_AUTH0_CLIENT_SECRET    "sandbox-auth0-client-secret-not-secret"
#define AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID "agentflow-sandbox-auth0-public"

/* The seeded user and the connections enabled for Connected Accounts. */
#define AF_SANDBOX_AUTH0_USER_ID           "auth0|66a1ce00000000000000a11c"
#define AF_SANDBOX_AUTH0_GOOGLE_CONNECTION "google-oauth2"
#define AF_SANDBOX_AUTH0_SLACK_CONNECTION  "sign-in-with-slack"
#define AF_SANDBOX_AUTH0_GOOGLE_USER_ID    "100000000000000000001"

#define AF_SANDBOX_AUTH0_GRANT_TOKEN_VAULT         "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"
#define AF_SANDBOX_AUTH0_TOKEN_TYPE_REFRESH        "urn:ietf:params:oauth:token-type:refresh_token"
#define AF_SANDBOX_AUTH0_TOKEN_TYPE_FEDERATED      "http://auth0.com/oauth/token-type/federated-connection-access-token"
#define AF_SANDBOX_AUTH0_CONNECTED_ACCOUNTS_SCOPES "create:me:connected_accounts read:me:connected_accounts delete:me:connected_accounts"

void            af_sandbox_auth0_register (AfSandbox *sandbox);
AfSandboxAuth0 *af_sandbox_auth0_get (AfSandbox *sandbox);
char           *af_sandbox_auth0_dup_domain_url (AfSandboxAuth0 *self);
char           *af_sandbox_auth0_dup_issuer (AfSandboxAuth0 *self);
char           *af_sandbox_auth0_dup_my_account_audience (AfSandboxAuth0 *self);

/* Tenant settings and faults, for tests. */
void  af_sandbox_auth0_set_rotation (AfSandboxAuth0 *self,
                                     gboolean        rotation);
void  af_sandbox_auth0_expire_refresh_tokens (AfSandboxAuth0 *self);
void  af_sandbox_auth0_set_access_token_lifetime (AfSandboxAuth0 *self,
                                                  guint           seconds);
void  af_sandbox_auth0_set_provider_token_lifetime (AfSandboxAuth0 *self,
                                                    guint           seconds);
void  af_sandbox_auth0_set_withheld_scopes (AfSandboxAuth0 *self,
                                            const char     *connection,
                                            const char     *scopes);
void  af_sandbox_auth0_set_login_denied (AfSandboxAuth0 *self,
                                         gboolean        denied);
char *af_sandbox_auth0_dup_last_login_hint (AfSandboxAuth0 *self);
void  af_sandbox_auth0_set_connect_denied (AfSandboxAuth0 *self,
                                           gboolean        denied);
void  af_sandbox_auth0_add_rate_limit (AfSandboxAuth0 *self,
                                       const char     *method_id,
                                       guint           times,
                                       guint           retry_after);
void  af_sandbox_auth0_expire_connect_requests (AfSandboxAuth0 *self);
void  af_sandbox_auth0_drop_token_set (AfSandboxAuth0 *self,
                                       const char     *connection);
guint af_sandbox_auth0_get_n_connected_accounts (AfSandboxAuth0 *self);

G_END_DECLS
