/* fuzz-gmail-message.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Gmail "Message" resource (users.messages.get, format=full or
 * metadata): headers, the MIME part tree, base64url bodies in any
 * charset, HTML to text; and users.labels.list.
 */

#include "config.h"

#include "af-fuzz.h"
#include "af-gmail-client.h"
#include "af-gmail-client-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  af_fuzz_init ();

  /* Mail bodies reach the HTML reader as decoded text too. */
  text = af_fuzz_strndup (data, size);
  g_free (af_gmail_html_to_text (text));

  root = af_fuzz_parse_json (data, size);
  if (root == NULL)
    return 0;

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      g_autoptr (AfGmailMessage) message = af_gmail_message_from_json (object);
      g_autoptr (GPtrArray) labels = NULL;

      g_assert (message != NULL);
      g_assert (message->label_ids != NULL);
      /* What the engine, the model and the window read: UTF-8 only. */
      g_assert (message->from == NULL || g_utf8_validate (message->from, -1, NULL));
      g_assert (message->to == NULL || g_utf8_validate (message->to, -1, NULL));
      g_assert (message->subject == NULL || g_utf8_validate (message->subject, -1, NULL));
      g_assert (message->snippet == NULL || g_utf8_validate (message->snippet, -1, NULL));
      g_assert (message->message_id == NULL || g_utf8_validate (message->message_id, -1, NULL));
      g_assert (message->references == NULL || g_utf8_validate (message->references, -1, NULL));
      for (guint i = 0; message->label_ids[i] != NULL; i++)
        g_assert (g_utf8_validate (message->label_ids[i], -1, NULL));
      if (message->body_text != NULL)
        g_assert (g_utf8_validate (message->body_text, -1, NULL));

      labels = af_gmail_parse_labels (root, NULL);
    }

  return 0;
}
