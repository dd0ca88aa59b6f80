/* af-base64url.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-base64url"

#include "config.h"

#include <string.h>

#include "af-base64url.h"

/**
 * af_base64url_encode:
 * @data: (array length=len): the bytes
 * @padded: whether to end with "=" to a multiple of four characters
 *
 * Returns: (transfer full): @data in base64url
 *   (https://www.rfc-editor.org/rfc/rfc4648#section-5)
 */
char *
af_base64url_encode (const guint8 *data,
                     gsize         len,
                     gboolean      padded)
{
  char *text;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  text = g_base64_encode (data, len);
  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=' && !padded)
        {
          *p = '\0';
          break;
        }
    }
  return text;
}

/**
 * af_base64url_decode:
 * @text: base64url
 * @len: bytes of @text, or -1 when it ends with a NUL
 * @padding_allowed: whether @text may end with its "=" padding; without
 *   it, padding is refused as RFC 7515 §2 requires of a JWS
 *
 * The length without padding tells how many bytes there are, so the
 * padding may always be left out.
 *
 * Returns: (nullable) (transfer full): the bytes, or %NULL when @text is
 *   not base64url: another character (also "+" or "/"), a length no
 *   encoding has, padding where there may be none or too much of it
 */
GBytes *
af_base64url_decode (const char *text,
                     gssize      len,
                     gboolean    padding_allowed)
{
  g_autoptr (GString) b64 = NULL;
  gsize   unpadded, padding;
  guchar *data;
  gsize   out_len = 0;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  if (len < 0)
    len = strlen (text);
  for (unpadded = len; unpadded > 0 && text[unpadded - 1] == '='; unpadded--)
    ;
  padding = len - unpadded;
  if (unpadded % 4 == 1)
    return NULL;
  if (padding > 0 && (!padding_allowed || len % 4 != 0 || padding > 2))
    return NULL;

  b64 = g_string_sized_new (unpadded + 4);
  for (gsize i = 0; i < unpadded; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      g_string_append_c (b64, c);
    }
  while (b64->len % 4 != 0)
    g_string_append_c (b64, '=');

  if (b64->len == 0)
    return g_bytes_new (NULL, 0);
  data = g_base64_decode (b64->str, &out_len);
  return g_bytes_new_take (data, out_len);
}
