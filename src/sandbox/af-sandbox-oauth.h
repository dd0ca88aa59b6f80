/* af-sandbox-oauth.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-sandbox.h"

G_BEGIN_DECLS

#define AF_TYPE_SANDBOX_OAUTH (af_sandbox_oauth_get_type ())

G_DECLARE_FINAL_TYPE (AfSandboxOAuth, af_sandbox_oauth, AF, SANDBOX_OAUTH, GObject)

/* The clients the sandbox knows; others get invalid_client. */
#define AF_SANDBOX_GOOGLE_CLIENT_ID "agentflow-sandbox.apps.googleusercontent.com"
#define AF_SANDBOX_SLACK_CLIENT_ID  "1000000000.2000000000"
#define AF_SANDBOX_OIDC_CLIENT_ID   "agentflow-sandbox-oidc"

/* The seeded people. */
#define AF_SANDBOX_GOOGLE_ACCOUNT  "alice@example.com"
#define AF_SANDBOX_SLACK_USER_ID   "U0ALICE"
#define AF_SANDBOX_SLACK_TEAM_ID   "T0EXAMPLE"
#define AF_SANDBOX_SLACK_ACCOUNT   "alice@example-workspace.slack.com"
#define AF_SANDBOX_SLACK_BOT_TOKEN "xoxb-1000000000-sandbox-agentflow-bot"

/**
 * AfSandboxConsent:
 * @AF_SANDBOX_CONSENT_ASK: show a consent page with Allow and Deny
 * @AF_SANDBOX_CONSENT_APPROVE: redirect with a code at once
 * @AF_SANDBOX_CONSENT_DENY: redirect with error=access_denied at once
 */
typedef enum
{
  AF_SANDBOX_CONSENT_ASK,
  AF_SANDBOX_CONSENT_APPROVE,
  AF_SANDBOX_CONSENT_DENY,
} AfSandboxConsent;

/**
 * AfSandboxOAuthFault:
 *
 * What the token endpoints (Google's /token, Slack's oauth.v2.access) do
 * instead of answering, until set back to %AF_SANDBOX_FAULT_NONE.
 */
typedef enum
{
  AF_SANDBOX_FAULT_NONE,
  AF_SANDBOX_FAULT_HTML,
  AF_SANDBOX_FAULT_MALFORMED_JSON,
  AF_SANDBOX_FAULT_SERVER_ERROR,
  AF_SANDBOX_FAULT_HANG,
  AF_SANDBOX_FAULT_INVALID_GRANT,
} AfSandboxOAuthFault;

/**
 * AfSandboxIdTokenFault:
 * @AF_SANDBOX_ID_TOKEN_FAULT_NONE: a well-formed ID token, like Google's
 * @AF_SANDBOX_ID_TOKEN_FAULT_OMIT: no `id_token` member
 * @AF_SANDBOX_ID_TOKEN_FAULT_NOT_JWT: a string that is not a JWT
 * @AF_SANDBOX_ID_TOKEN_FAULT_BAD_PAYLOAD: a JWT whose claims do not decode
 * @AF_SANDBOX_ID_TOKEN_FAULT_WRONG_AUDIENCE: issued to another client
 */
typedef enum
{
  AF_SANDBOX_ID_TOKEN_FAULT_NONE,
  AF_SANDBOX_ID_TOKEN_FAULT_OMIT,
  AF_SANDBOX_ID_TOKEN_FAULT_NOT_JWT,
  AF_SANDBOX_ID_TOKEN_FAULT_BAD_PAYLOAD,
  AF_SANDBOX_ID_TOKEN_FAULT_WRONG_AUDIENCE,
} AfSandboxIdTokenFault;

void            af_sandbox_oauth_register (AfSandbox *sandbox);
AfSandboxOAuth *af_sandbox_oauth_get (AfSandbox *sandbox);
void            af_sandbox_oauth_set_consent (AfSandboxOAuth  *self,
                                              AfSandboxConsent consent);
void            af_sandbox_oauth_set_token_fault (AfSandboxOAuth     *self,
                                                  AfSandboxOAuthFault fault);
void            af_sandbox_oauth_set_revoke_failing (AfSandboxOAuth *self,
                                                     gboolean        failing);
void            af_sandbox_oauth_set_access_token_lifetime (AfSandboxOAuth *self,
                                                            guint           seconds);
void            af_sandbox_oauth_set_withheld_scopes (AfSandboxOAuth *self,
                                                      const char     *scopes);
guint           af_sandbox_oauth_expire_google_tokens (AfSandboxOAuth *self);
char           *af_sandbox_oauth_add_grant (AfSandboxOAuth *self,
                                            const char     *scope);
gboolean        af_sandbox_oauth_is_token_live (AfSandboxOAuth *self,
                                                const char     *token);
gboolean        af_sandbox_oauth_has_live_grant (AfSandboxOAuth *self);
void            af_sandbox_oauth_set_strict_oidc (AfSandboxOAuth *self,
                                                  gboolean        strict);
void            af_sandbox_oauth_set_email_verified (AfSandboxOAuth *self,
                                                     gboolean        verified);
void            af_sandbox_oauth_set_discovery_member (AfSandboxOAuth *self,
                                                       const char     *name,
                                                       const char     *value);
void            af_sandbox_oauth_set_id_token_fault (AfSandboxOAuth       *self,
                                                     AfSandboxIdTokenFault fault);

G_END_DECLS
