/* af-gmail-message.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The boxed records the Gmail client returns, and how a Gmail
 * "Message" resource becomes one.
 */

#define G_LOG_DOMAIN "af-gmail-message"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-gmail-client-private.h"
#include "af-gmail-message.h"
#include "af-json-private.h"
#include "af-mail-text.h"

void
af_gmail_message_free (AfGmailMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->id);
  g_free (message->thread_id);
  g_free (message->history_id);
  g_strfreev (message->label_ids);
  g_free (message->snippet);
  g_free (message->from);
  g_free (message->to);
  g_free (message->subject);
  g_free (message->date);
  g_free (message->message_id);
  g_free (message->references);
  g_free (message->body_text);
  g_free (message);
}

void
af_gmail_label_free (AfGmailLabel *label)
{
  if (label == NULL)
    return;

  g_free (label->id);
  g_free (label->name);
  g_free (label->type);
  g_free (label);
}

void
af_gmail_sync_result_free (AfGmailSyncResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->message_ids, g_ptr_array_unref);
  g_free (result->history_id);
  g_free (result);
}

/* The headers a message is read for, in AfGmailMessage's order. */
static const char *const wanted_headers[] = { "From", "To", "Subject", "Date", "Message-ID", "References" };

/* The message @scan holds (an object), read from the text's index. */
static AfGmailMessage *
message_from_scan (const AfJsonScan *scan)
{
  AfGmailMessage  *message = g_new0 (AfGmailMessage, 1);
  char           **headers[] = { &message->from, &message->to, &message->subject,
                                 &message->date, &message->message_id, &message->references };
  g_autofree char *internal = af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "internalDate"));
  int              labels = af_json_scan_member (scan, 0, "labelIds");
  int              payload = af_json_scan_member (scan, 0, "payload");
  GStrvBuilder    *builder = g_strv_builder_new ();

  G_STATIC_ASSERT (G_N_ELEMENTS (headers) == G_N_ELEMENTS (wanted_headers));

  message->id = af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "id"));
  message->thread_id = af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "threadId"));
  message->history_id = af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "historyId"));
  message->snippet = af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "snippet"));
  message->internal_date = g_ascii_strtoll (internal != NULL ? internal : "0", NULL, 10);

  /* A NULL in the middle would end the vector and leak the rest. */
  for (guint i = 0, l = labels + 1; i < af_json_scan_length (scan, labels); i++, l = scan->tokens[l].next)
    {
      g_autofree char *label = af_json_scan_dup_string (scan, l);

      if (label != NULL)
        g_strv_builder_add (builder, label);
    }
  message->label_ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  if (payload >= 0 && scan->tokens[payload].kind == AF_JSON_OBJECT)
    {
      char *values[G_N_ELEMENTS (wanted_headers)];

      af_gmail_headers_read (scan, payload, wanted_headers, values, G_N_ELEMENTS (wanted_headers));
      for (guint k = 0; k < G_N_ELEMENTS (headers); k++)
        *headers[k] = values[k];
      message->body_text = af_gmail_payload_to_text (scan, payload);
    }

  return message;
}

/**
 * af_gmail_message_from_text:
 * @data: (array length=size): a Gmail "Message" resource's text
 *
 * Returns: (transfer full) (nullable): the message, with body_text when the
 *   resource has a full payload; %NULL when @data is no JSON object
 */
AfGmailMessage *
af_gmail_message_from_text (const char *data,
                            gsize       size)
{
  g_autoptr (AfJsonScan) scan = af_json_scan_parse (data, size, NULL);

  if (scan == NULL || scan->tokens[0].kind != AF_JSON_OBJECT)
    return NULL;
  return message_from_scan (scan);
}

/**
 * af_gmail_message_from_json:
 * @object: a Gmail "Message" resource
 *
 * af_gmail_message_from_text() of @object's text. A string json-glib
 * read from a lone surrogate is not UTF-8: such a resource is a message
 * without anything.
 *
 * Returns: (transfer full): the message
 */
AfGmailMessage *
af_gmail_message_from_json (JsonObject *object)
{
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  AfGmailMessage  *message;

  g_return_val_if_fail (object != NULL, NULL);

  node = json_node_init_object (json_node_alloc (), object);
  text = json_to_string (node, FALSE);
  if ((message = af_gmail_message_from_text (text, strlen (text))) == NULL)
    {
      message = g_new0 (AfGmailMessage, 1);
      message->label_ids = g_new0 (char *, 1);
    }
  return message;
}

/* parsers of the answers that are records */

gpointer
af_gmail_parse_message (JsonNode *root,
                        GError  **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (root) || !json_object_has_member (json_node_get_object (root), "id"))
    {
      g_propagate_error (error, af_gmail_bad_response (_ ("Read a message")));
      return NULL;
    }
  return af_gmail_message_from_json (json_node_get_object (root));
}

static AfGmailLabel *
label_from_json (JsonObject *object)
{
  AfGmailLabel *label = g_new0 (AfGmailLabel, 1);

  label->id = g_strdup (af_json_get_string (object, "id", NULL));
  label->name = g_strdup (af_json_get_string (object, "name", NULL));
  label->type = g_strdup (af_json_get_string (object, "type", "user"));

  return label;
}

gpointer
af_gmail_parse_labels (JsonNode *root,
                       GError  **error)
{
  GPtrArray *labels;
  JsonArray *array = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, af_gmail_bad_response (_ ("List labels")));
      return NULL;
    }

  labels = g_ptr_array_new_with_free_func ((GDestroyNotify)af_gmail_label_free);
  array = af_json_get_array (json_node_get_object (root), "labels");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = af_json_array_get_object (array, i);

      /* A label is found by name and used by id: one without is none. */
      if (af_json_get_string (object, "id", NULL) != NULL && af_json_get_string (object, "name", NULL) != NULL)
        g_ptr_array_add (labels, label_from_json (object));
    }

  return labels;
}

gpointer
af_gmail_parse_label (JsonNode *root,
                      GError  **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (root) || !json_object_has_member (json_node_get_object (root), "id"))
    {
      g_propagate_error (error, af_gmail_bad_response (_ ("Create a label")));
      return NULL;
    }
  return label_from_json (json_node_get_object (root));
}
