/* af-pkce.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-pkce"

#include "config.h"

#include <string.h>
#include <sys/random.h>

#include "af-base64url.h"
#include "af-pkce.h"

/* RFC 7636: the verifier is 43 to 128 characters of [A-Za-z0-9-._~]; the
 * challenge is BASE64URL (SHA256 (verifier)) without padding. */

/**
 * af_pkce_random_string:
 * @n_bytes: how many random bytes to encode (at most 96)
 *
 * Returns: (transfer full): @n_bytes from the kernel's CSPRNG, base64url
 */
char *
af_pkce_random_string (gsize n_bytes)
{
  guint8 buf[96];
  gsize  got = 0;
  char  *s;

  g_return_val_if_fail (n_bytes > 0 && n_bytes <= sizeof buf, NULL);

  while (got < n_bytes)
    {
      ssize_t r = getrandom (buf + got, n_bytes - got, 0);

      /* getrandom () on a booted system only fails with EINTR; never fall
       * back to a weak generator for secrets. */
      if (r < 0)
        continue;
      got += r;
    }

  s = af_base64url_encode (buf, n_bytes, FALSE);
  explicit_bzero (buf, sizeof buf);
  return s;
}

/**
 * af_pkce_new_verifier:
 *
 * Returns: (transfer full): a fresh 43-character code verifier
 */
char *
af_pkce_new_verifier (void)
{
  return af_pkce_random_string (32);
}

/**
 * af_pkce_new_state:
 *
 * Returns: (transfer full): a fresh unguessable `state` value
 */
char *
af_pkce_new_state (void)
{
  return af_pkce_random_string (24);
}

gboolean
af_pkce_verifier_is_valid (const char *verifier)
{
  gsize len;

  if (verifier == NULL)
    return FALSE;

  len = strlen (verifier);
  if (len < 43 || len > 128)
    return FALSE;

  for (const char *p = verifier; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;

  return TRUE;
}

/**
 * af_pkce_challenge_s256:
 * @verifier: a code verifier
 *
 * Returns: (transfer full): the S256 code challenge for @verifier
 */
char *
af_pkce_challenge_s256 (const char *verifier)
{
  g_autoptr (GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize  len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *)verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &len);

  return af_base64url_encode (digest, len, FALSE);
}

/**
 * af_pkce_equal:
 *
 * Compares two secrets in time independent of where they differ.
 */
gboolean
af_pkce_equal (const char *a,
               const char *b)
{
  gsize  la, lb;
  guint8 diff = 0;

  if (a == NULL || b == NULL)
    return FALSE;

  la = strlen (a);
  lb = strlen (b);
  if (la != lb)
    return FALSE;

  for (gsize i = 0; i < la; i++)
    diff |= (guint8)a[i] ^ (guint8)b[i];

  return diff == 0;
}
