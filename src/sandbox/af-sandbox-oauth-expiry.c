/* af-sandbox-oauth-expiry.c — access tokens that expire early
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-oauth"

#include "config.h"

#include "af-sandbox-oauth-private.h"
#include "af-sandbox.h"

/**
 * af_sandbox_oauth_expire_google_tokens:
 *
 * Lets every access token the Google sign-in issued expire now, as an
 * hour passing would: the APIs answer 401 "Invalid Credentials", and a
 * client renews its token with the grant's refresh token
 * (https://developers.google.com/gmail/api/guides/handle-errors). Tokens
 * registered apart (af_sandbox_add_default_tokens()) stay.
 *
 * Returns: how many access tokens expired
 */
guint
af_sandbox_oauth_expire_google_tokens (AfSandboxOAuth *self)
{
  GHashTableIter iter;
  gpointer       value;
  gint64         now = g_get_real_time ();
  guint          n = 0;

  g_return_val_if_fail (AF_IS_SANDBOX_OAUTH (self), 0);

  g_hash_table_iter_init (&iter, self->grants);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Grant *grant = value;

      if (grant->kind != KIND_GOOGLE || grant->revoked)
        continue;
      /* Registered again with its expiry now. */
      for (guint i = 0; i < grant->access_tokens->len; i++, n++)
        af_sandbox_add_token (self->sandbox, g_ptr_array_index (grant->access_tokens, i), "google", grant->account,
                              grant->scope, now);
    }
  return n;
}
