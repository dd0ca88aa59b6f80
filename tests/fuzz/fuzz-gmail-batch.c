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
    const char *part_body;
    gsize       part_size;

    af_gmail_parse_batch_part (part, &part_body, &part_size);
    if (part_body != NULL)
      af_gmail_message_free (af_gmail_message_from_text (part_body, part_size));
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
      const char       *start = g_bytes_get_data (part->body, NULL);
      const char       *part_body;
      gsize             body_size;
      guint             status;

      g_assert (g_bytes_get_size (part->body) <= size);
      status = af_gmail_parse_batch_part (part->body, &part_body, &body_size);
      g_assert (part_body == NULL || (part_body >= start && part_body + body_size <= start + g_bytes_get_size (part->body)));
      if (status == 200 && part_body != NULL)
        {
          g_autoptr (AfGmailMessage) message = af_gmail_message_from_text (part_body, body_size);
          g_autoptr (JsonNode) json = af_fuzz_parse_json ((const uint8_t *)part_body, body_size);

          /* Read from the text's index, or JsonParser's reading of it: a
           * message wherever JsonParser reads an object. */
          if (message != NULL)
            g_assert (message->label_ids != NULL);
          if (json != NULL && JSON_NODE_HOLDS_OBJECT (json) && g_utf8_validate (part_body, body_size, NULL))
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
