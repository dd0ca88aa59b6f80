/* af-sandbox-gmail-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sandbox mailbox's resources as the Gmail API renders them: a
 * Message in its formats, a Label, a History record, a Profile.
 */

#define G_LOG_DOMAIN "af-sandbox-gmail"

#include "config.h"

#include <string.h>

#include "af-base64url.h"
#include "af-sandbox-gmail-private.h"

static void
add_header (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
}

static void
add_body_part (JsonBuilder *b,
               const char  *part_id,
               const char  *mime_type,
               const char  *charset,
               const char  *content)
{
  g_autofree char *content_type = g_strdup_printf ("%s; charset=\"%s\"", mime_type, charset);
  g_autofree char *encoded = NULL;
  gsize            length;
  g_autofree char *converted = NULL;

  /* The body is stored in the part's own charset, as Gmail does. */
  if (g_ascii_strcasecmp (charset, "UTF-8") != 0)
    converted = g_convert (content, -1, charset, "UTF-8", NULL, &length, NULL);
  if (converted == NULL)
    {
      converted = g_strdup (content);
      length = strlen (content);
    }
  encoded = af_base64url_encode ((const guint8 *)converted, length, TRUE);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "partId");
  json_builder_add_string_value (b, part_id);
  json_builder_set_member_name (b, "mimeType");
  json_builder_add_string_value (b, mime_type);
  json_builder_set_member_name (b, "filename");
  json_builder_add_string_value (b, "");
  json_builder_set_member_name (b, "headers");
  json_builder_begin_array (b);
  add_header (b, "Content-Type", content_type);
  add_header (b, "Content-Transfer-Encoding", "quoted-printable");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "body");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, length);
  json_builder_set_member_name (b, "data");
  json_builder_add_string_value (b, encoded);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_headers (JsonBuilder       *b,
             SbMessage         *m,
             const char        *content_type,
             const char *const *only)
{
  const char *names[] = { "From", "To", "Subject", "Date", "Message-ID", "References", "Content-Type", "MIME-Version" };
  const char *values[] = { m->from, m->to, m->subject, m->date, m->message_id, m->references, content_type, "1.0" };

  json_builder_set_member_name (b, "headers");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (only != NULL)
        {
          gboolean wanted = FALSE;

          for (guint j = 0; only[j] != NULL && !wanted; j++)
            wanted = g_ascii_strcasecmp (only[j], names[i]) == 0;
          if (!wanted)
            continue;
        }
      add_header (b, names[i], values[i]);
    }
  json_builder_end_array (b);
}

static char *
make_snippet (SbMessage *m)
{
  const char *source = m->text ? m->text : m->html ? m->html
                                                   : "";
  GString    *s = g_string_new (NULL);
  gboolean    in_tag = FALSE;
  guint       n = 0; /* characters in s */

  for (const char *p = source; *p && n < 100; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '<')
        in_tag = TRUE;
      else if (c == '>')
        in_tag = FALSE;
      else if (!in_tag)
        {
          g_string_append_unichar (s, g_unichar_isspace (c) ? ' ' : c);
          n++;
        }
    }

  return g_string_free (s, FALSE);
}

/* format: "minimal", "metadata" or "full" */
JsonNode *
sb_gmail_message_json (SbMessage         *m,
                       const char        *format,
                       const char *const *metadata_headers)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *snippet = make_snippet (m);
  g_autofree char *history = g_strdup_printf ("%" G_GUINT64_FORMAT, m->history_id);
  g_autofree char *internal = g_strdup_printf ("%" G_GINT64_FORMAT, m->internal_date);
  const char      *top_type;
  g_autofree char *top_content_type = NULL;

  if (m->attachment)
    top_type = "multipart/mixed";
  else if (m->text != NULL && m->html != NULL)
    top_type = "multipart/alternative";
  else if (m->html != NULL)
    top_type = "text/html";
  else
    top_type = "text/plain";
  top_content_type = g_str_has_prefix (top_type, "multipart/")
                         ? g_strdup_printf ("%s; boundary=\"%s\"", top_type, m->id)
                         : g_strdup_printf ("%s; charset=\"%s\"", top_type, m->charset);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, m->id);
  json_builder_set_member_name (b, "threadId");
  json_builder_add_string_value (b, m->thread_id);
  json_builder_set_member_name (b, "labelIds");
  json_builder_begin_array (b);
  for (guint i = 0; i < m->labels->len; i++)
    json_builder_add_string_value (b, m->labels->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "snippet");
  json_builder_add_string_value (b, snippet);
  json_builder_set_member_name (b, "sizeEstimate");
  json_builder_add_int_value (b, (m->text ? strlen (m->text) : 0) + (m->html ? strlen (m->html) : 0) + 600);
  json_builder_set_member_name (b, "historyId");
  json_builder_add_string_value (b, history);
  json_builder_set_member_name (b, "internalDate");
  json_builder_add_string_value (b, internal);

  if (g_strcmp0 (format, "minimal") != 0)
    {
      gboolean full = g_strcmp0 (format, "metadata") != 0;

      json_builder_set_member_name (b, "payload");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "partId");
      json_builder_add_string_value (b, "");
      json_builder_set_member_name (b, "mimeType");
      json_builder_add_string_value (b, top_type);
      json_builder_set_member_name (b, "filename");
      json_builder_add_string_value (b, "");
      add_headers (b, m, top_content_type, full ? NULL : metadata_headers);

      if (full)
        {
          if (g_str_equal (top_type, "text/plain"))
            {
              json_builder_set_member_name (b, "body");
              json_builder_begin_object (b);
              {
                gsize            length;
                g_autofree char *converted = g_ascii_strcasecmp (m->charset, "UTF-8") != 0
                                                 ? g_convert (m->text, -1, m->charset, "UTF-8", NULL, &length, NULL)
                                                 : NULL;
                g_autofree char *data = NULL;

                if (converted == NULL)
                  {
                    converted = g_strdup (m->text ? m->text : "");
                    length = strlen (converted);
                  }
                data = af_base64url_encode ((const guint8 *)converted, length, TRUE);
                json_builder_set_member_name (b, "size");
                json_builder_add_int_value (b, length);
                json_builder_set_member_name (b, "data");
                json_builder_add_string_value (b, data);
              }
              json_builder_end_object (b);
            }
          else if (g_str_equal (top_type, "text/html"))
            {
              json_builder_set_member_name (b, "body");
              json_builder_begin_object (b);
              {
                g_autofree char *data = af_base64url_encode ((const guint8 *)m->html, strlen (m->html), TRUE);

                json_builder_set_member_name (b, "size");
                json_builder_add_int_value (b, strlen (m->html));
                json_builder_set_member_name (b, "data");
                json_builder_add_string_value (b, data);
              }
              json_builder_end_object (b);
            }
          else
            {
              json_builder_set_member_name (b, "body");
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "size");
              json_builder_add_int_value (b, 0);
              json_builder_end_object (b);
              json_builder_set_member_name (b, "parts");
              json_builder_begin_array (b);
              if (m->attachment)
                {
                  /* multipart/mixed → [multipart/alternative → [plain, html], pdf] */
                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "partId");
                  json_builder_add_string_value (b, "0");
                  json_builder_set_member_name (b, "mimeType");
                  json_builder_add_string_value (b, "multipart/alternative");
                  json_builder_set_member_name (b, "filename");
                  json_builder_add_string_value (b, "");
                  json_builder_set_member_name (b, "body");
                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "size");
                  json_builder_add_int_value (b, 0);
                  json_builder_end_object (b);
                  json_builder_set_member_name (b, "parts");
                  json_builder_begin_array (b);
                  if (m->text)
                    add_body_part (b, "0.0", "text/plain", m->charset, m->text);
                  if (m->html)
                    add_body_part (b, "0.1", "text/html", m->charset, m->html);
                  json_builder_end_array (b);
                  json_builder_end_object (b);

                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "partId");
                  json_builder_add_string_value (b, "1");
                  json_builder_set_member_name (b, "mimeType");
                  json_builder_add_string_value (b, "application/pdf");
                  json_builder_set_member_name (b, "filename");
                  json_builder_add_string_value (b, "invoice.pdf");
                  json_builder_set_member_name (b, "headers");
                  json_builder_begin_array (b);
                  add_header (b, "Content-Type", "application/pdf; name=\"invoice.pdf\"");
                  add_header (b, "Content-Disposition", "attachment; filename=\"invoice.pdf\"");
                  json_builder_end_array (b);
                  json_builder_set_member_name (b, "body");
                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "attachmentId");
                  json_builder_add_string_value (b, "ANGjdJ8sandbox");
                  json_builder_set_member_name (b, "size");
                  json_builder_add_int_value (b, 48213);
                  json_builder_end_object (b);
                  json_builder_end_object (b);
                }
              else
                {
                  add_body_part (b, "0", "text/plain", m->charset, m->text);
                  add_body_part (b, "1", "text/html", m->charset, m->html);
                }
              json_builder_end_array (b);
            }
        }
      json_builder_end_object (b);
    }

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* users.labels: the list gives id, name and type; a created label
 * comes back with its visibility too. */
JsonNode *
sb_gmail_label_json (SbLabel *l,
                     gboolean visibility)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, l->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, l->name);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, l->type);
  if (visibility)
    {
      json_builder_set_member_name (b, "labelListVisibility");
      json_builder_add_string_value (b, "labelShow");
      json_builder_set_member_name (b, "messageListVisibility");
      json_builder_add_string_value (b, "show");
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* A messageAdded History record, with the message's labelIds. Built
 * without a JsonBuilder: a history page is 500 of them, on the path of
 * every sync. */
JsonNode *
sb_gmail_history_record_json (SbMessage *m)
{
  g_autofree char *hid = g_strdup_printf ("%" G_GUINT64_FORMAT, m->history_id);
  JsonObject      *record = json_object_new ();
  JsonObject      *ref = json_object_new ();
  JsonObject      *message = json_object_new ();
  JsonObject      *added = json_object_new ();
  JsonArray       *messages = json_array_sized_new (1);
  JsonArray       *messages_added = json_array_sized_new (1);
  JsonArray       *labels = json_array_sized_new (m->labels->len);
  JsonNode        *node;

  json_object_set_string_member (record, "id", hid);
  json_object_set_string_member (ref, "id", m->id);
  json_object_set_string_member (ref, "threadId", m->thread_id);
  json_array_add_object_element (messages, ref);
  json_object_set_array_member (record, "messages", messages);
  json_object_set_string_member (message, "id", m->id);
  json_object_set_string_member (message, "threadId", m->thread_id);
  for (guint k = 0; k < m->labels->len; k++)
    json_array_add_string_element (labels, m->labels->pdata[k]);
  json_object_set_array_member (message, "labelIds", labels);
  json_object_set_object_member (added, "message", message);
  json_array_add_object_element (messages_added, added);
  json_object_set_array_member (record, "messagesAdded", messages_added);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, record);
  return node;
}

const char *
sb_gmail_full_text (SbMessage *m)
{
  if (m->full_json == NULL)
    {
      g_autoptr (JsonNode) node = sb_gmail_message_json (m, "full", NULL);

      m->full_json = json_to_string (node, FALSE);
    }
  return m->full_json;
}

const char *
sb_gmail_history_record_text (SbMessage *m)
{
  if (m->record_json == NULL)
    {
      g_autoptr (JsonNode) node = sb_gmail_history_record_json (m);

      m->record_json = json_to_string (node, FALSE);
    }
  return m->record_json;
}

/* users.getProfile */
JsonNode *
sb_gmail_profile_json (SbGmail *gmail)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *history = g_strdup_printf ("%" G_GUINT64_FORMAT, gmail->next_history_id - 1);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "emailAddress");
  json_builder_add_string_value (b, AF_SANDBOX_ACCOUNT);
  json_builder_set_member_name (b, "messagesTotal");
  json_builder_add_int_value (b, gmail->messages->len);
  json_builder_set_member_name (b, "threadsTotal");
  json_builder_add_int_value (b, gmail->messages->len);
  json_builder_set_member_name (b, "historyId");
  json_builder_add_string_value (b, history);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
