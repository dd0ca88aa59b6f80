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

/**
 * af_gmail_message_from_json:
 * @object: a Gmail "Message" resource
 *
 * Returns: (transfer full): the message; body_text is set when the
 *   resource has a full payload
 */
AfGmailMessage *
af_gmail_message_from_json (JsonObject *object)
{
  AfGmailMessage *message;
  JsonObject     *payload = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  message = g_new0 (AfGmailMessage, 1);
  message->id = g_strdup (af_json_get_string (object, "id", NULL));
  message->thread_id = g_strdup (af_json_get_string (object, "threadId", NULL));
  message->history_id = g_strdup (af_json_get_string (object, "historyId", NULL));
  message->snippet = g_strdup (af_json_get_string (object, "snippet", NULL));
  message->internal_date = g_ascii_strtoll (af_json_get_string (object, "internalDate", "0"), NULL, 10);

  {
    JsonArray    *labels = af_json_get_array (object, "labelIds");
    GStrvBuilder *builder = g_strv_builder_new ();

    /* A NULL in the middle would end the vector and leak the rest. */
    for (guint i = 0; labels != NULL && i < json_array_get_length (labels); i++)
      if (af_json_array_get_string (labels, i) != NULL)
        g_strv_builder_add (builder, af_json_array_get_string (labels, i));
    message->label_ids = g_strv_builder_end (builder);
    g_strv_builder_unref (builder);
  }

  payload = af_json_get_object (object, "payload");

  if (payload != NULL)
    {
      message->from = g_strdup (af_gmail_header_value (payload, "From"));
      message->to = g_strdup (af_gmail_header_value (payload, "To"));
      message->subject = g_strdup (af_gmail_header_value (payload, "Subject"));
      message->date = g_strdup (af_gmail_header_value (payload, "Date"));
      message->message_id = g_strdup (af_gmail_header_value (payload, "Message-ID"));
      message->references = g_strdup (af_gmail_header_value (payload, "References"));
      if (json_object_has_member (payload, "body") || json_object_has_member (payload, "parts"))
        message->body_text = af_gmail_payload_to_text (payload);
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
