/* af-sandbox.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define AF_TYPE_SANDBOX (af_sandbox_get_type ())

G_DECLARE_FINAL_TYPE (AfSandbox, af_sandbox, AF, SANDBOX, GObject)

/**
 * AfSandboxAuth:
 * @AF_SANDBOX_AUTH_OK: the bearer token is valid and carries the scope
 * @AF_SANDBOX_AUTH_MISSING: no or malformed Authorization header
 * @AF_SANDBOX_AUTH_INVALID: unknown, expired or revoked token
 * @AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE: valid token without the scope
 */
typedef enum
{
  AF_SANDBOX_AUTH_OK,
  AF_SANDBOX_AUTH_MISSING,
  AF_SANDBOX_AUTH_INVALID,
  AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE,
} AfSandboxAuth;

AfSandbox  *af_sandbox_new (void);
gboolean    af_sandbox_start (AfSandbox *self,
                              GError   **error);
void        af_sandbox_stop (AfSandbox *self);
const char *af_sandbox_get_base_url (AfSandbox *self);
SoupServer *af_sandbox_get_server (AfSandbox *self);

void  af_sandbox_count (AfSandbox  *self,
                        const char *method_id);
guint af_sandbox_get_count (AfSandbox  *self,
                            const char *method_id);
guint af_sandbox_get_total_requests (AfSandbox *self);
void  af_sandbox_reset_counts (AfSandbox *self);

void          af_sandbox_add_token (AfSandbox  *self,
                                    const char *token,
                                    const char *service,
                                    const char *account,
                                    const char *scopes,
                                    gint64      expires_at);
void          af_sandbox_revoke_token (AfSandbox  *self,
                                       const char *token);
AfSandboxAuth af_sandbox_authorize (AfSandbox         *self,
                                    SoupServerMessage *msg,
                                    const char        *service,
                                    const char        *required_scope,
                                    const char       **account);

G_END_DECLS
