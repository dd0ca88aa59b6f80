/* af-sandbox-gmail-batch.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gmail's batch endpoint in the sandbox, and users.messages.get that it
 * shares with the plain route.
 */

#define G_LOG_DOMAIN "af-sandbox-gmail"

#include "config.h"

#include <string.h>

#include "af-sandbox-gmail-private.h"

static GStrv
metadata_headers_from_query (const char *query_string)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  g_auto (GStrv) pairs = g_strsplit (query_string ? query_string : "", "&", -1);
  GStrv result;

  for (guint i = 0; pairs[i] != NULL; i++)
    if (g_str_has_prefix (pairs[i], "metadataHeaders="))
      {
        g_autofree char *value = g_uri_unescape_string (pairs[i] + strlen ("metadataHeaders="), NULL);

        if (value != NULL)
          g_strv_builder_add (builder, value);
      }

  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  if (result[0] == NULL)
    g_clear_pointer (&result, g_strfreev);
  return result;
}

/* GET messages/{id}: shared by the route and the batch endpoint. */
guint
sb_gmail_get_message (SbGmail    *gmail,
                      const char *id,
                      const char *query_string,
                      char      **out)
{
  SbMessage       *m = g_hash_table_lookup (gmail->by_id, id);
  g_autofree char *format = NULL;
  g_auto (GStrv) headers = NULL;
  g_autoptr (GHashTable) query = query_string ? soup_form_decode (query_string) : NULL;
  g_autoptr (JsonNode) node = NULL;

  if (m == NULL)
    return 404;

  format = g_strdup (query ? g_hash_table_lookup (query, "format") : NULL);
  /* The full format, the one a mail agent reads, is rendered once: the
   * same until the message changes (sb_message_changed()). */
  if (format == NULL || g_str_equal (format, "full"))
    {
      *out = g_strdup (sb_gmail_full_text (m));
      return 200;
    }
  headers = metadata_headers_from_query (query_string);
  node = sb_gmail_message_json (m, format, (const char *const *)headers);
  *out = json_to_string (node, FALSE);
  return 200;
}

/* POST /batch/gmail/v1: multipart/mixed of application/http parts, each
 * answered in a part of the response, Content-ID "response-…":
 * https://developers.google.com/gmail/api/guides/batch. The answer is
 * written out in one piece (RFC 2046 §5.1.1), not through SoupMultipart:
 * a batch of 100 full messages is a few hundred KB. */
void
sb_gmail_handle_batch (AfSandbox         *self,
                       SoupServerMessage *msg)
{
  SbGmail            *gmail = af_sandbox_get_gmail (self);
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr (SoupMultipart) request = NULL;
  g_autofree char *boundary = NULL;
  g_autofree char *content_type = NULL;
  GString         *response;
  gsize            length;

  if (!af_sandbox_begin (self, msg, "gmail.batch"))
    return;

  request = soup_multipart_new_from_message (request_headers, body);
  if (request == NULL)
    {
      af_sandbox_respond_google_error (msg, 400, "badRequest", "Failed to parse batch request");
      return;
    }
  if (soup_multipart_get_length (request) > 100)
    {
      af_sandbox_respond_google_error (msg, 400, "badRequest", "Too many requests in batch (max 100)");
      return;
    }

  boundary = g_strdup_printf ("batch_%08x%08x", g_random_int (), g_random_int ());
  response = g_string_sized_new (4096 * (soup_multipart_get_length (request) + 1));
  for (int i = 0; i < soup_multipart_get_length (request); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes             *part_body;
      g_autofree char    *text = NULL;
      g_auto (GStrv) words = NULL;
      g_autofree char *cid = NULL;
      g_autofree char *json = NULL;
      guint            status = 400;
      AfSandboxAuth    auth;

      if (!soup_multipart_get_part (request, i, &part_headers, &part_body))
        continue;
      text = g_strndup (g_bytes_get_data (part_body, NULL), g_bytes_get_size (part_body));
      words = g_strsplit_set (text, " \r\n", 3);
      cid = g_strdup (soup_message_headers_get_one (part_headers, "Content-ID"));

      /* Inner requests are charged as themselves; the token is the batch's. */
      auth = af_sandbox_authorize_any (self, msg, "google", sb_gmail_read_scopes, NULL);
      if (auth != AF_SANDBOX_AUTH_OK)
        status = auth == AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE ? 403 : 401;
      else if (words[0] && words[1] && g_str_equal (words[0], "GET") &&
               g_str_has_prefix (words[1], "/gmail/v1/users/me/messages/"))
        {
          g_autofree char *rest = g_strdup (words[1] + strlen ("/gmail/v1/users/me/messages/"));
          char            *q = strchr (rest, '?');

          if (q != NULL)
            *q++ = '\0';
          /* Each part is a request of its own: it can be rate limited
           * alone, and "a set of n requests batched together counts
           * toward your usage limit as n requests":
           * https://developers.google.com/gmail/api/guides/batch */
          status = af_sandbox_take_inner_fault (self, "gmail.users.messages.get");
          if (status == 0)
            {
              af_sandbox_count_inner (self, "gmail.users.messages.get");
              status = sb_gmail_get_message (gmail, rest, q, &json);
            }
        }

      g_string_append_printf (response, "--%s\r\nContent-Type: application/http\r\n", boundary);
      if (cid != NULL)
        {
          g_autofree char *inner = g_strdup (cid[0] == '<' ? cid + 1 : cid);

          if (g_str_has_suffix (inner, ">"))
            inner[strlen (inner) - 1] = '\0';
          g_string_append_printf (response, "Content-ID: <response-%s>\r\n", inner);
        }
      g_string_append (response, "\r\n");

      if (status == 200)
        {
          g_string_append (response, "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n");
          g_string_append (response, json);
        }
      else
        g_string_append_printf (response,
                                "HTTP/1.1 %u %s\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                                "{\"error\":{\"code\":%u,\"message\":\"%s\",\"status\":\"%s\"}}",
                                status, soup_status_get_phrase (status), status,
                                status == 404   ? "Requested entity was not found."
                                : status == 429 ? "Resource has been exhausted (e.g. check quota)."
                                                : "Request failed",
                                status == 404   ? "NOT_FOUND"
                                : status == 429 ? "RESOURCE_EXHAUSTED"
                                                : "INVALID_ARGUMENT");
      g_string_append (response, "\r\n");
    }
  g_string_append_printf (response, "--%s--\r\n", boundary);

  content_type = g_strdup_printf ("multipart/mixed; boundary=%s", boundary);
  length = response->len;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, g_string_free (response, FALSE), length);
}
