/* fuzz-gmail-batch.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The answer of /batch/gmail/v1: a multipart/mixed body whose parts are
 * HTTP responses, each with a Message resource, read as on_batch_cb()
 * reads them. (libsoup's own multipart reader read out of bounds here.)
 */

#include "config.h"

#include <libsoup/soup.h>

#include "af-fuzz.h"
#include "af-gmail-client.h"
#include "af-gmail-client-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (SoupMessageHeaders) headers = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GPtrArray) parts = NULL;

  af_fuzz_init ();

  /* A part alone, as the parser sees it. */
  {
    g_autoptr (GBytes) part = g_bytes_new (data, size);
    g_autoptr (JsonNode) json = NULL;

    af_gmail_parse_batch_part (part, &json);
  }

  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  soup_message_headers_replace (headers, "Content-Type", "multipart/mixed; boundary=batch_af");
  body = g_bytes_new (data, size);
  parts = af_gmail_split_batch (headers, body);
  if (parts == NULL)
    return 0;

  for (guint i = 0; i < parts->len; i++)
    {
      AfGmailBatchPart *part = parts->pdata[i];
      g_autoptr (JsonNode) json = NULL;
      guint status;

      g_assert (g_bytes_get_size (part->body) <= size);
      status = af_gmail_parse_batch_part (part->body, &json);
      if (status == 200 && json != NULL && JSON_NODE_HOLDS_OBJECT (json))
        {
          g_autoptr (AfGmailMessage) message = af_gmail_message_from_json (json_node_get_object (json));

          g_assert (message != NULL);
        }
      else if (status == 404 && part->content_id != NULL)
        {
          const char *cid = strstr (part->content_id, "response-");

          if (cid != NULL)
            {
              g_autofree char *id = g_strdup (cid + strlen ("response-"));

              id[strcspn (id, ">")] = '\0';
            }
        }
    }

  return 0;
}
