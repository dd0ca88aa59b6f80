/* af-token-set.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AF_TYPE_TOKEN_SET (af_token_set_get_type ())

/**
 * AfTokenSet:
 * @access_token: the bearer token
 * @refresh_token: (nullable): the refresh token
 * @token_type: usually "Bearer"
 * @scope: the granted scopes, space-separated
 * @expires_at: Unix microseconds, 0 when the token does not expire
 * @issued_at: Unix microseconds when it was received, 0 when unknown
 *   (with @expires_at, the token's lifetime)
 *
 * What the vault stores as the secret, serialized as JSON. It never goes
 * anywhere but the Secret Service and memory.
 */
typedef struct
{
  char  *access_token;
  char  *refresh_token;
  char  *token_type;
  char  *scope;
  gint64 expires_at;
  gint64 issued_at;
} AfTokenSet;

GType       af_token_set_get_type (void) G_GNUC_CONST;
AfTokenSet *af_token_set_new (void);
AfTokenSet *af_token_set_copy (const AfTokenSet *self);
void        af_token_set_free (AfTokenSet *self);
char       *af_token_set_to_json (const AfTokenSet *self);
AfTokenSet *af_token_set_new_from_json (const char *json,
                                        GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfTokenSet, af_token_set_free)

G_END_DECLS
