/* fuzz-loopback.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The request target a browser (or anything on this machine) sends to
 * the OAuth loopback redirect: parsed as libsoup's server parses it, then
 * read by af_loopback_read_callback(). Only the right state may yield a
 * code; the code is passed on untouched.
 */

#include "config.h"

#include <libsoup/soup.h>

#include "af-fuzz.h"
#include "af-loopback-server.h"
#include "af-loopback-server-private.h"

#define STATE "k3Jd9sQ0vX-_7aZ"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *target = NULL;
  g_autoptr (GUri) base = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *code = NULL;
  const char        *raw_query;
  AfLoopbackCallback verdict;

  af_fuzz_init ();

  target = af_fuzz_strndup (data, size);
  base = g_uri_parse ("http://127.0.0.1:43117/", SOUP_HTTP_URI_FLAGS, NULL);
  uri = g_uri_parse_relative (base, target, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    return 0;

  raw_query = g_uri_get_query (uri);
  if (raw_query != NULL && strlen (raw_query) > AF_LOOPBACK_MAX_QUERY)
    return 0;
  if (raw_query != NULL)
    query = soup_form_decode (raw_query);

  verdict = af_loopback_read_callback (query, STATE, &code, &error);
  switch (verdict)
    {
    case AF_LOOPBACK_CALLBACK_FOREIGN:
      g_assert (code == NULL && error == NULL);
      g_assert (query == NULL || g_strcmp0 (g_hash_table_lookup (query, "state"), STATE) != 0);
      break;
    case AF_LOOPBACK_CALLBACK_DENIED:
    case AF_LOOPBACK_CALLBACK_FAILED:
      g_assert (code == NULL && error != NULL);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      break;
    case AF_LOOPBACK_CALLBACK_CODE:
      g_assert (error == NULL && code != NULL && code[0] != '\0');
      g_assert_cmpstr (code, ==, g_hash_table_lookup (query, "code"));
      break;
    default:
      g_assert_not_reached ();
    }

  return 0;
}
