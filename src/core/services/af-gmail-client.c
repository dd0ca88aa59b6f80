/* af-gmail-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-gmail-client"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-error.h"
#include "af-gmail-client.h"
#include "af-gmail-client-private.h"
#include "af-json-private.h"

#define LIST_PAGE_MAX 500
/* "You're limited to 100 calls in a single batch request"; Google warns
 * that batches over 50 are likelier to be rate limited, so a part that
 * answers 429 makes the following rounds smaller:
 * https://developers.google.com/gmail/api/guides/batch */
#define BATCH_MAX        100
#define BATCH_MIN        10
#define BATCH_ROUNDS     4
#define MODIFY_MAX       1000
#define METADATA_HEADERS "metadataHeaders=From&metadataHeaders=To&metadataHeaders=Subject&metadataHeaders=Date&metadataHeaders=Message-ID&metadataHeaders=References"

struct _AfGmailClient
{
  GObject parent_instance;

  AfHttpClient  *http;
  AfTokenSource *tokens;
  char          *base_url;  /* https://gmail.googleapis.com */
  char          *base_path; /* the path part of base_url, for batch parts */
};

G_DEFINE_FINAL_TYPE (AfGmailClient, af_gmail_client, G_TYPE_OBJECT)

/* boxed helpers */

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

static const AfServiceMethod *
method (const char *id)
{
  const AfServiceMethod *m = af_service_method_lookup (id);

  g_assert (m != NULL);
  return m;
}

static char *
api_url (AfGmailClient *self,
         const char    *format,
         ...) G_GNUC_PRINTF (2, 3);

static char *
api_url (AfGmailClient *self,
         const char    *format,
         ...)
{
  g_autofree char *tail = NULL;
  va_list          args;

  va_start (args, format);
  tail = g_strdup_vprintf (format, args);
  va_end (args);

  return g_strconcat (self->base_url, "/gmail/v1/users/me/", tail, NULL);
}

static GError *
bad_response (const char *what)
{
  return g_error_new (AF_ERROR, AF_ERROR_BAD_RESPONSE,
                      _ ("Gmail sent an unexpected answer to “%s”. Try again later."), what);
}

/* MIME, bodies */

static char *
base64url_encode (const guchar *data,
                  gsize         length)
{
  char *s = g_base64_encode (data, length);

  for (char *p = s; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }

  return s;
}

static GBytes *
base64url_decode (const char *text)
{
  g_autoptr (GString) s = g_string_new (text);
  guchar *data;
  gsize   length = 0;

  for (gsize i = 0; i < s->len; i++)
    {
      if (s->str[i] == '-')
        s->str[i] = '+';
      else if (s->str[i] == '_')
        s->str[i] = '/';
    }
  while (s->len % 4 != 0)
    g_string_append_c (s, '=');

  data = g_base64_decode (s->str, &length);
  return g_bytes_new_take (data, length);
}

static gboolean
is_ascii (const char *s)
{
  for (; s != NULL && *s; s++)
    if ((guchar)*s >= 0x80 || *s == '\r' || *s == '\n')
      return FALSE;
  return TRUE;
}

/* RFC 2047 encoded-words, each ≤ 75 characters, split on UTF-8
 * character boundaries. */
static void
append_encoded_words (GString    *out,
                      const char *text)
{
  const char *p = text;
  gboolean    first = TRUE;

  while (*p)
    {
      const char      *end = p;
      g_autofree char *b64 = NULL;

      /* 36 bytes → 48 base64 characters + 12 of framing: the line stays
       * under 78 even after "Subject: " */
      while (*end && end - p < 36)
        {
          const char *next = g_utf8_next_char (end);

          if (next - p > 36)
            break;
          end = next;
        }

      b64 = g_base64_encode ((const guchar *)p, end - p);
      if (!first)
        g_string_append (out, "\r\n ");
      g_string_append_printf (out, "=?UTF-8?B?%s?=", b64);
      first = FALSE;
      p = end;
    }
}

static void
append_header (GString    *out,
               const char *name,
               const char *value)
{
  if (value == NULL || *value == '\0')
    return;

  g_string_append_printf (out, "%s: ", name);
  if (is_ascii (value))
    g_string_append (out, value);
  else
    append_encoded_words (out, value);
  g_string_append (out, "\r\n");
}

/* Only display names may be encoded, never the address itself. */
static void
append_address_header (GString    *out,
                       const char *name,
                       const char *value)
{
  g_auto (GStrv) addresses = NULL;

  if (value == NULL || *value == '\0')
    return;

  if (is_ascii (value))
    {
      append_header (out, name, value);
      return;
    }

  addresses = g_strsplit (value, ",", -1);
  g_string_append_printf (out, "%s: ", name);
  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autofree char *address = g_strstrip (g_strdelimit (g_strdup (addresses[i]), "\r\n", ' '));
      char            *lt = strchr (address, '<');

      if (i > 0)
        g_string_append (out, ",\r\n ");

      if (lt != NULL && !is_ascii (address))
        {
          g_autofree char *display = g_strstrip (g_strndup (address, lt - address));

          if (display[0] == '"' && strlen (display) >= 2 && display[strlen (display) - 1] == '"')
            {
              display[strlen (display) - 1] = '\0';
              memmove (display, display + 1, strlen (display));
            }
          append_encoded_words (out, display);
          g_string_append_printf (out, " %s", lt);
        }
      else
        g_string_append (out, address);
    }
  g_string_append (out, "\r\n");
}

/**
 * af_gmail_build_mime:
 *
 * Builds an RFC 5322 message: RFC 2047 encoded non-ASCII headers, a UTF-8
 * text/plain body in base64, and the threading headers of a reply.
 *
 * Returns: (transfer full): the message, CRLF line ends
 */
char *
af_gmail_build_mime (const AfGmailOutgoing *outgoing)
{
  GString         *out;
  g_autofree char *body = NULL;
  const char      *text;
  gsize            length;

  g_return_val_if_fail (outgoing != NULL, NULL);
  g_return_val_if_fail (outgoing->to != NULL, NULL);

  out = g_string_new (NULL);
  append_address_header (out, "From", outgoing->from);
  append_address_header (out, "To", outgoing->to);
  append_address_header (out, "Cc", outgoing->cc);
  append_header (out, "Subject", outgoing->subject ? outgoing->subject : "");
  append_header (out, "Message-ID", outgoing->message_id);
  append_header (out, "In-Reply-To", outgoing->in_reply_to);
  append_header (out, "References", outgoing->references);
  g_string_append (out, "MIME-Version: 1.0\r\n");
  g_string_append (out, "Content-Type: text/plain; charset=\"UTF-8\"\r\n");
  g_string_append (out, "Content-Transfer-Encoding: base64\r\n\r\n");

  text = outgoing->body_text ? outgoing->body_text : "";
  length = strlen (text);
  body = g_base64_encode ((const guchar *)text, length);
  for (gsize i = 0, n = strlen (body); i < n; i += 76)
    {
      g_string_append_len (out, body + i, MIN (76, n - i));
      g_string_append (out, "\r\n");
    }

  return g_string_free (out, FALSE);
}

static const char *
header_value (JsonObject *payload,
              const char *name)
{
  JsonArray *headers;

  headers = af_json_get_array (payload, "headers");
  for (guint i = 0; headers != NULL && i < json_array_get_length (headers); i++)
    {
      JsonObject *header = af_json_array_get_object (headers, i);
      const char *hname = af_json_get_string (header, "name", "");

      if (g_ascii_strcasecmp (hname, name) == 0)
        return af_json_get_string (header, "value", NULL);
    }

  return NULL;
}

static char *
charset_of (JsonObject *part)
{
  const char *content_type = header_value (part, "Content-Type");
  const char *p;
  GString    *charset;

  if (content_type == NULL || (p = strstr (content_type, "charset=")) == NULL)
    return g_strdup ("UTF-8");

  p += strlen ("charset=");
  if (*p == '"')
    p++;
  charset = g_string_new (NULL);
  for (; *p && *p != '"' && *p != ';' && !g_ascii_isspace (*p); p++)
    g_string_append_c (charset, *p);

  return g_string_free (charset, FALSE);
}

static char *
part_text (JsonObject *part)
{
  JsonObject *body;
  const char *data;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *charset = NULL;
  const char      *raw;
  gsize            length;
  char            *text;

  body = af_json_get_object (part, "body");
  data = af_json_get_string (body, "data", NULL);
  if (data == NULL)
    return NULL;

  bytes = base64url_decode (data);
  raw = g_bytes_get_data (bytes, &length);
  charset = charset_of (part);

  if (g_ascii_strcasecmp (charset, "UTF-8") == 0 || g_ascii_strcasecmp (charset, "us-ascii") == 0)
    text = g_utf8_make_valid (raw ? raw : "", length);
  else
    {
      text = g_convert (raw ? raw : "", length, "UTF-8", charset, NULL, NULL, NULL);
      if (text == NULL)
        text = g_utf8_make_valid (raw ? raw : "", length);
    }

  return text;
}

static JsonObject *
find_part (JsonObject *part,
           const char *mime_type)
{
  const char *type;
  JsonArray  *parts;

  if (part == NULL)
    return NULL;

  type = af_json_get_string (part, "mimeType", "");

  if (g_ascii_strcasecmp (type, mime_type) == 0)
    {
      const char *disposition = header_value (part, "Content-Disposition");

      if (disposition == NULL || !g_str_has_prefix (disposition, "attachment"))
        return part;
    }

  parts = af_json_get_array (part, "parts");
  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      JsonObject *found = find_part (af_json_array_get_object (parts, i), mime_type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
append_entity (GString    *out,
               const char *entity,
               gsize       length)
{
  static const struct
  {
    const char *name;
    const char *text;
  } entities[] = {
    { "amp", "&" },
    { "lt", "<" },
    { "gt", ">" },
    { "quot", "\"" },
    { "apos", "'" },
    { "nbsp", " " },
  };

  if (length > 1 && entity[0] == '#')
    {
      gunichar c = (entity[1] == 'x' || entity[1] == 'X')
                       ? (gunichar)g_ascii_strtoull (entity + 2, NULL, 16)
                       : (gunichar)g_ascii_strtoull (entity + 1, NULL, 10);

      if (g_unichar_validate (c) && c != 0)
        g_string_append_unichar (out, c);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (strlen (entities[i].name) == length && strncmp (entities[i].name, entity, length) == 0)
      {
        g_string_append (out, entities[i].text);
        return;
      }

  g_string_append_c (out, '&');
  g_string_append_len (out, entity, length);
  g_string_append_c (out, ';');
}

/**
 * af_gmail_html_to_text:
 *
 * A reading of an HTML mail as text: block elements become line breaks,
 * scripts and styles vanish, entities are decoded, spaces collapse.
 *
 * Returns: (transfer full): the text
 */
char *
af_gmail_html_to_text (const char *html)
{
  GString *out;
  gboolean space = FALSE;

  g_return_val_if_fail (html != NULL, NULL);

  out = g_string_new (NULL);
  for (const char *p = html; *p;)
    {
      if (*p == '<')
        {
          const char      *end = strchr (p, '>');
          g_autofree char *tag = NULL;
          char            *name;

          if (end == NULL)
            break;
          tag = g_ascii_strdown (p + 1, end - p - 1);
          name = tag + (tag[0] == '/' ? 1 : 0);
          name[strcspn (name, " \t\r\n/")] = '\0';

          if (tag[0] != '/' && (g_str_equal (name, "script") || g_str_equal (name, "style") || g_str_equal (name, "head")))
            {
              g_autofree char *close = g_strdup_printf ("</%s", name);
              const char      *q = end;

              while ((q = strchr (q + 1, '<')) != NULL && g_ascii_strncasecmp (q, close, strlen (close)) != 0)
                ;
              if (q == NULL)
                break;
              end = strchr (q, '>');
              if (end == NULL)
                break;
            }
          else if (g_str_equal (name, "br") || g_str_equal (name, "p") || g_str_equal (name, "div") ||
                   g_str_equal (name, "tr") || g_str_equal (name, "li") || g_str_equal (name, "h1") ||
                   g_str_equal (name, "h2") || g_str_equal (name, "h3") || g_str_equal (name, "table"))
            {
              while (out->len > 0 && out->str[out->len - 1] == ' ')
                g_string_truncate (out, out->len - 1);
              if (out->len > 0 && !(out->len > 1 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n'))
                g_string_append_c (out, '\n');
              if (g_str_equal (name, "li") && tag[0] != '/')
                g_string_append (out, "• ");
              space = FALSE;
            }
          p = end + 1;
        }
      else if (*p == '&')
        {
          const char *semi = strchr (p, ';');

          if (semi != NULL && semi - p <= 10)
            {
              if (space)
                g_string_append_c (out, ' ');
              space = FALSE;
              append_entity (out, p + 1, semi - p - 1);
              p = semi + 1;
            }
          else
            {
              g_string_append_c (out, '&');
              p++;
            }
        }
      else if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != '\n')
            space = TRUE;
          p++;
        }
      else
        {
          if (space)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, *p);
          p++;
        }
    }

  while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

/**
 * af_gmail_payload_to_text:
 * @payload: a message's "payload" (format=full)
 *
 * Returns: (transfer full) (nullable): the text/plain part, else the
 *   text/html part as text, decoded from base64url and its charset
 */
char *
af_gmail_payload_to_text (JsonObject *payload)
{
  JsonObject *part;

  g_return_val_if_fail (payload != NULL, NULL);

  if ((part = find_part (payload, "text/plain")) != NULL)
    return part_text (part);

  if ((part = find_part (payload, "text/html")) != NULL)
    {
      g_autofree char *html = part_text (part);

      return html != NULL ? af_gmail_html_to_text (html) : NULL;
    }

  return NULL;
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
      message->from = g_strdup (header_value (payload, "From"));
      message->to = g_strdup (header_value (payload, "To"));
      message->subject = g_strdup (header_value (payload, "Subject"));
      message->date = g_strdup (header_value (payload, "Date"));
      message->message_id = g_strdup (header_value (payload, "Message-ID"));
      message->references = g_strdup (header_value (payload, "References"));
      if (json_object_has_member (payload, "body") || json_object_has_member (payload, "parts"))
        message->body_text = af_gmail_payload_to_text (payload);
    }

  return message;
}

/* simple calls */

typedef gpointer (*ParseFunc) (JsonNode *root,
                               GError  **error);

static void
on_json_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ParseFunc parse = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = af_http_client_json_finish (AF_HTTP_CLIENT (object), result, &error);
  gpointer value;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  value = parse (root, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, NULL);
}

static void
call_json (AfGmailClient      *self,
           const char         *method_id,
           const char         *http_method,
           const char         *url,
           JsonNode           *body,
           ParseFunc           parse,
           gpointer            source_tag,
           GCancellable       *cancellable,
           GAsyncReadyCallback callback,
           gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, parse, NULL);
  af_http_client_json_async (self->http, method (method_id), self->tokens, http_method, url, body,
                             cancellable, on_json_cb, task);
}

gpointer
af_gmail_parse_profile (JsonNode *root,
                        GError  **error)
{
  const char *history_id = NULL;

  if (JSON_NODE_HOLDS_OBJECT (root))
    history_id = af_json_get_string (json_node_get_object (root), "historyId", NULL);
  if (history_id == NULL)
    {
      g_propagate_error (error, bad_response (_ ("Read the mailbox profile")));
      return NULL;
    }
  return g_strdup (history_id);
}

void
af_gmail_client_get_history_id_async (AfGmailClient      *self,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  g_autofree char *url = NULL;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));

  url = api_url (self, "profile");
  call_json (self, "gmail.users.getProfile", "GET", url, NULL, af_gmail_parse_profile,
             af_gmail_client_get_history_id_async, cancellable, callback, user_data);
}

/**
 * af_gmail_client_get_history_id_finish:
 *
 * Returns: (transfer full): the mailbox's current historyId
 */
char *
af_gmail_client_get_history_id_finish (AfGmailClient *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
af_gmail_list_page_free (gpointer data)
{
  AfGmailListPage *page = data;

  g_clear_pointer (&page->ids, g_ptr_array_unref);
  g_free (page->next_page_token);
  g_free (page);
}

gpointer
af_gmail_parse_list (JsonNode *root,
                     GError  **error)
{
  AfGmailListPage *page;
  JsonObject      *object;
  JsonArray       *messages;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, bad_response (_ ("List messages")));
      return NULL;
    }

  object = json_node_get_object (root);
  page = g_new0 (AfGmailListPage, 1);
  page->ids = g_ptr_array_new_with_free_func (g_free);
  page->next_page_token = g_strdup (af_json_get_string (object, "nextPageToken", NULL));

  /* An empty mailbox has no "messages" member at all. */
  messages = af_json_get_array (object, "messages");
  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      const char *id = af_json_get_string (af_json_array_get_object (messages, i), "id", NULL);

      if (id != NULL)
        g_ptr_array_add (page->ids, g_strdup (id));
    }

  return page;
}

static void
on_list_page_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError          *error = NULL;
  AfGmailListPage *page = g_task_propagate_pointer (G_TASK (result), &error);

  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, af_gmail_list_page_free);
}

static void
list_page_async (AfGmailClient      *self,
                 const char         *query,
                 gboolean            include_spam_trash,
                 const char         *page_token,
                 guint               max_results,
                 GCancellable       *cancellable,
                 GAsyncReadyCallback callback,
                 gpointer            user_data)
{
  GTask           *task = g_task_new (self, cancellable, callback, user_data);
  GString         *url = g_string_new (NULL);
  g_autofree char *base = api_url (self, "messages");

  g_task_set_source_tag (task, list_page_async);
  g_string_append_printf (url, "%s?maxResults=%u", base, CLAMP (max_results, 1, LIST_PAGE_MAX));
  /* Spam and trash are listed only when asked for:
   * https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list */
  if (include_spam_trash)
    g_string_append (url, "&includeSpamTrash=true");
  if (query != NULL)
    {
      g_autofree char *q = g_uri_escape_string (query, NULL, FALSE);
      g_string_append_printf (url, "&q=%s", q);
    }
  if (page_token != NULL)
    {
      g_autofree char *t = g_uri_escape_string (page_token, NULL, FALSE);
      g_string_append_printf (url, "&pageToken=%s", t);
    }

  call_json (self, "gmail.users.messages.list", "GET", url->str, NULL, af_gmail_parse_list,
             list_page_async, cancellable, on_list_page_cb, task);
  g_string_free (url, TRUE);
}

static AfGmailListPage *
list_page_finish (AfGmailClient *self,
                  GAsyncResult  *result,
                  GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_list_messages_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError          *error = NULL;
  AfGmailListPage *page = list_page_finish (AF_GMAIL_CLIENT (object), result, &error);

  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, af_gmail_list_page_free);
}

void
af_gmail_client_list_messages_async (AfGmailClient      *self,
                                     const char         *query,
                                     const char         *page_token,
                                     guint               max_results,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_gmail_client_list_messages_async);
  list_page_async (self, query, FALSE, page_token, max_results, cancellable, on_list_messages_cb, task);
}

/**
 * af_gmail_client_list_messages_finish:
 * @next_page_token: (out) (optional) (transfer full): %NULL on the last page
 *
 * Returns: (transfer full) (element-type utf8): message ids, newest first
 */
GPtrArray *
af_gmail_client_list_messages_finish (AfGmailClient *self,
                                      GAsyncResult  *result,
                                      char         **next_page_token,
                                      GError       **error)
{
  AfGmailListPage *page;
  GPtrArray       *ids;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  page = g_task_propagate_pointer (G_TASK (result), error);
  if (page == NULL)
    return NULL;

  ids = g_steal_pointer (&page->ids);
  if (next_page_token != NULL)
    *next_page_token = g_steal_pointer (&page->next_page_token);
  af_gmail_list_page_free (page);

  return ids;
}

/* sync */

typedef struct
{
  char              *start_history_id;
  guint              max_full;
  gint64             after;       /* the listing's after:, -1: none */
  gboolean           since;       /* sync_since: after/skip apply */
  GStrv              skip_labels; /* left out when known to carry one */
  GHashTable        *seen;
  AfGmailSyncResult *result;
} SyncOp;

static void
sync_op_free (gpointer data)
{
  SyncOp *op = data;

  g_free (op->start_history_id);
  g_strfreev (op->skip_labels);
  g_clear_pointer (&op->seen, g_hash_table_unref);
  g_clear_pointer (&op->result, af_gmail_sync_result_free);
  g_free (op);
}

static void
sync_add_id (SyncOp     *op,
             const char *id)
{
  if (id != NULL && g_hash_table_add (op->seen, g_strdup (id)))
    g_ptr_array_add (op->result->message_ids, g_strdup (id));
}

static void sync_full_page (GTask      *task,
                            const char *page_token);

/* Spam and trash are listed when the caller does not skip them both. */
static gboolean
include_spam_trash (SyncOp *op)
{
  return op->skip_labels == NULL || !g_strv_contains ((const char *const *)op->skip_labels, "SPAM") ||
         !g_strv_contains ((const char *const *)op->skip_labels, "TRASH");
}

/* "after:<epoch seconds>" (dates in a query are PST midnights; seconds are
 * exact: https://developers.google.com/gmail/api/guides/filtering), and
 * "-in:…" for each label to skip that has a search name, so those are not
 * even listed (SPAM and TRASH are not listed unless one of them is
 * wanted). */
static char *
since_query (SyncOp *op)
{
  static const struct
  {
    const char *label;
    const char *place;
  } places[] = { { "DRAFT", "drafts" }, { "SENT", "sent" }, { "CHAT", "chats" }, { "SPAM", "spam" }, { "TRASH", "trash" } };
  GString *q = g_string_new (NULL);

  g_string_append_printf (q, "after:%" G_GINT64_FORMAT, op->after);
  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    if (op->skip_labels != NULL && g_strv_contains ((const char *const *)op->skip_labels, places[i].label) &&
        (i < 3 || include_spam_trash (op)))
      g_string_append_printf (q, " -in:%s", places[i].place);
  return g_string_free (q, FALSE);
}

static void
on_sync_list_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SyncOp          *op = g_task_get_task_data (task);
  GError          *error = NULL;
  AfGmailListPage *page = list_page_finish (AF_GMAIL_CLIENT (object), result, &error);

  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < page->ids->len; i++)
    sync_add_id (op, page->ids->pdata[i]);

  if (page->next_page_token != NULL && op->max_full > 0 && op->result->message_ids->len >= op->max_full)
    op->result->truncated = TRUE;
  else if (page->next_page_token != NULL)
    {
      sync_full_page (g_steal_pointer (&task), page->next_page_token);
      af_gmail_list_page_free (page);
      return;
    }

  af_gmail_list_page_free (page);
  g_task_return_pointer (task, g_steal_pointer (&op->result), (GDestroyNotify)af_gmail_sync_result_free);
}

static void
sync_full_page (GTask      *task,
                const char *page_token)
{
  AfGmailClient *self = g_task_get_source_object (task);
  SyncOp        *op = g_task_get_task_data (task);
  guint          want = LIST_PAGE_MAX;

  g_autofree char *query = NULL;

  if (op->max_full > 0)
    want = MIN (LIST_PAGE_MAX, op->max_full - op->result->message_ids->len);
  if (op->since)
    query = since_query (op);

  list_page_async (self, query, op->since && include_spam_trash (op), page_token, want, g_task_get_cancellable (task),
                   on_sync_list_cb, task);
}

static void
on_sync_profile_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SyncOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  char   *history_id = af_gmail_client_get_history_id_finish (AF_GMAIL_CLIENT (object), result, &error);

  if (history_id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Taken before listing: whatever arrives during the listing shows up
   * in the next history.list, deduplicated by id. */
  op->result->history_id = history_id;
  if (op->since && op->after < 0)
    {
      /* Nothing to list: new mail from here on. */
      g_task_return_pointer (task, g_steal_pointer (&op->result), (GDestroyNotify)af_gmail_sync_result_free);
      return;
    }
  sync_full_page (g_steal_pointer (&task), NULL);
}

static void
sync_full (GTask *task)
{
  AfGmailClient *self = g_task_get_source_object (task);
  SyncOp        *op = g_task_get_task_data (task);

  op->result->full_resync = TRUE;
  g_ptr_array_set_size (op->result->message_ids, 0);
  g_hash_table_remove_all (op->seen);
  af_gmail_client_get_history_id_async (self, g_task_get_cancellable (task), on_sync_profile_cb, task);
}

static void sync_history_page (GTask      *task,
                               const char *page_token);

/**
 * af_gmail_parse_history:
 * @ids: (element-type utf8): receives the ids of the messages added
 * @history_id: (out) (transfer full) (nullable): the mailbox's historyId
 * @next_page_token: (out) (transfer full) (nullable): %NULL on the last page
 *
 * Reads a users.history.list page.
 *
 * Returns: %FALSE with @error if it is not an answer at all
 */
static gboolean
parse_history (JsonNode          *root,
               const char *const *skip_labels,
               GPtrArray         *ids,
               char             **history_id,
               char             **next_page_token,
               GError           **error)
{
  JsonObject *object;
  JsonArray  *history;

  *history_id = NULL;
  *next_page_token = NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, bad_response (_ ("List mailbox changes")));
      return FALSE;
    }

  object = json_node_get_object (root);
  history = af_json_get_array (object, "history");
  for (guint i = 0; history != NULL && i < json_array_get_length (history); i++)
    {
      JsonArray *added = af_json_get_array (af_json_array_get_object (history, i), "messagesAdded");

      for (guint j = 0; added != NULL && j < json_array_get_length (added); j++)
        {
          JsonObject *message = af_json_get_object (af_json_array_get_object (added, j), "message");
          const char *id = af_json_get_string (message, "id", NULL);
          JsonArray  *labels = af_json_get_array (message, "labelIds");
          gboolean    skip = FALSE;

          /* A messageAdded record carries the message's labelIds: a draft
           * the account saved (DRAFT) or mail it sent (SENT) is told
           * apart here without reading it.
           * https://developers.google.com/gmail/api/reference/rest/v1/users.history#History */
          for (guint k = 0; skip_labels != NULL && labels != NULL && k < json_array_get_length (labels); k++)
            {
              const char *label = af_json_array_get_string (labels, k);

              skip = label != NULL && g_strv_contains (skip_labels, label);
              if (skip)
                break;
            }
          if (id != NULL && !skip)
            g_ptr_array_add (ids, g_strdup (id));
        }
    }

  *history_id = g_strdup (af_json_get_string (object, "historyId", NULL));
  *next_page_token = g_strdup (af_json_get_string (object, "nextPageToken", NULL));
  return TRUE;
}

/**
 * af_gmail_parse_history:
 * @ids: (element-type utf8): receives the ids of the messages added
 * @history_id: (out) (transfer full) (nullable): the mailbox's historyId
 * @next_page_token: (out) (transfer full) (nullable): %NULL on the last page
 *
 * Reads a users.history.list page.
 *
 * Returns: %FALSE with @error if it is not an answer at all
 */
gboolean
af_gmail_parse_history (JsonNode  *root,
                        GPtrArray *ids,
                        char     **history_id,
                        char     **next_page_token,
                        GError   **error)
{
  return parse_history (root, NULL, ids, history_id, next_page_token, error);
}

static void
on_sync_history_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SyncOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = af_http_client_json_finish (AF_HTTP_CLIENT (object), result, &error);
  g_autoptr (GPtrArray) ids = NULL;
  g_autofree char *history_id = NULL;
  g_autofree char *next = NULL;

  if (root == NULL)
    {
      /* 404: the stored historyId is too old; Gmail keeps about a week,
       * sometimes much less, and then "your client must perform a full
       * sync": https://developers.google.com/gmail/api/guides/sync */
      if (g_error_matches (error, AF_ERROR, AF_ERROR_NOT_FOUND))
        sync_full (g_steal_pointer (&task));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ids = g_ptr_array_new_with_free_func (g_free);
  if (!parse_history (root, (const char *const *)op->skip_labels, ids, &history_id, &next, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < ids->len; i++)
    sync_add_id (op, ids->pdata[i]);
  if (history_id != NULL)
    {
      g_free (op->result->history_id);
      op->result->history_id = g_steal_pointer (&history_id);
    }

  if (next != NULL)
    {
      sync_history_page (g_steal_pointer (&task), next);
      return;
    }

  if (op->result->history_id == NULL)
    op->result->history_id = g_strdup (op->start_history_id);
  g_task_return_pointer (task, g_steal_pointer (&op->result), (GDestroyNotify)af_gmail_sync_result_free);
}

static void
sync_history_page (GTask      *task,
                   const char *page_token)
{
  AfGmailClient   *self = g_task_get_source_object (task);
  SyncOp          *op = g_task_get_task_data (task);
  g_autofree char *start = g_uri_escape_string (op->start_history_id, NULL, FALSE);
  g_autofree char *url = NULL;

  if (page_token != NULL)
    {
      g_autofree char *t = g_uri_escape_string (page_token, NULL, FALSE);
      url = api_url (self, "history?startHistoryId=%s&historyTypes=messageAdded&maxResults=500&pageToken=%s", start, t);
    }
  else
    url = api_url (self, "history?startHistoryId=%s&historyTypes=messageAdded&maxResults=500", start);

  af_http_client_json_async (self->http, method ("gmail.users.history.list"), self->tokens, "GET", url, NULL,
                             g_task_get_cancellable (task), on_sync_history_cb, task);
}

void
af_gmail_client_sync_async (AfGmailClient      *self,
                            const char         *start_history_id,
                            guint               max_full,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  GTask  *task;
  SyncOp *op;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_gmail_client_sync_async);
  op = g_new0 (SyncOp, 1);
  op->start_history_id = g_strdup (start_history_id);
  op->max_full = max_full;
  op->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  op->result = g_new0 (AfGmailSyncResult, 1);
  op->result->message_ids = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, op, sync_op_free);

  if (start_history_id == NULL || *start_history_id == '\0')
    sync_full (task);
  else
    sync_history_page (task, NULL);
}

/**
 * af_gmail_client_sync_since_async:
 * @start_history_id: (nullable): the stored cursor
 * @after: when there is no cursor, or it expired (404): every message
 *   from this time on (Unix seconds, at or after) is listed, page after
 *   page to the end; -1: none is, only the current historyId is taken
 * @skip_labels: (nullable): messages known to carry one of these labels
 *   (from the history record, or by the listing's query) are left out
 *
 * Finish with af_gmail_client_sync_finish().
 */
void
af_gmail_client_sync_since_async (AfGmailClient      *self,
                                  const char         *start_history_id,
                                  gint64              after,
                                  const char *const  *skip_labels,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  GTask  *task;
  SyncOp *op;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_gmail_client_sync_async);
  op = g_new0 (SyncOp, 1);
  op->start_history_id = g_strdup (start_history_id);
  op->since = TRUE;
  op->after = after < 0 ? -1 : after;
  op->skip_labels = g_strdupv ((char **)skip_labels);
  op->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  op->result = g_new0 (AfGmailSyncResult, 1);
  op->result->message_ids = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, op, sync_op_free);

  if (start_history_id == NULL || *start_history_id == '\0')
    sync_full (task);
  else
    sync_history_page (task, NULL);
}

/**
 * af_gmail_client_sync_finish:
 *
 * Returns: (transfer full): the new message ids and the cursor to store
 */
AfGmailSyncResult *
af_gmail_client_sync_finish (AfGmailClient *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* metadata through the batch endpoint */

typedef struct
{
  GPtrArray *messages; /* AfGmailMessage */
  GPtrArray *retry;    /* ids to try again in the next round */
  GPtrArray *round;    /* ids of this round */
  guint      pending;
  guint      rounds;
  guint      batch_max; /* parts per batch request */
  gboolean   throttled; /* a part answered 429 this round */
  gboolean   full;      /* format=full: headers and body */
  GError    *error;
} MetaOp;

static void
meta_op_free (gpointer data)
{
  MetaOp *op = data;

  g_clear_pointer (&op->messages, g_ptr_array_unref);
  g_clear_pointer (&op->retry, g_ptr_array_unref);
  g_clear_pointer (&op->round, g_ptr_array_unref);
  g_clear_error (&op->error);
  g_free (op);
}

typedef struct
{
  GTask     *task;
  GPtrArray *ids; /* (element-type utf8) owned by the round */
} BatchCall;

static void meta_round (GTask *task);

/* One part of a batch answer: "HTTP/1.1 200 OK\r\nheaders\r\n\r\nbody". */
guint
af_gmail_parse_batch_part (GBytes    *bytes,
                           JsonNode **json)
{
  gsize            size = 0;
  const char      *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = g_strndup (data ? data : "", size);
  const char      *body;
  guint            status = 0;
  g_autoptr (JsonParser) parser = json_parser_new ();

  *json = NULL;
  if (!g_str_has_prefix (text, "HTTP/"))
    return 0;
  {
    const char *sp = strchr (text, ' ');

    if (sp != NULL)
      status = (guint)g_ascii_strtoull (sp + 1, NULL, 10);
  }

  body = strstr (text, "\r\n\r\n");
  if (body != NULL)
    body += 4;
  else if ((body = strstr (text, "\n\n")) != NULL)
    body += 2;

  if (body != NULL && json_parser_load_from_data (parser, body, -1, NULL) && json_parser_get_root (parser))
    *json = json_node_copy (json_parser_get_root (parser));

  return status;
}

void
af_gmail_batch_part_free (AfGmailBatchPart *part)
{
  g_free (part->content_id);
  g_clear_pointer (&part->body, g_bytes_unref);
  g_free (part);
}

/* memmem() for a delimiter that starts a line. */
static const char *
find_delimiter (const char *p,
                const char *end,
                const char *delimiter,
                gsize       length)
{
  for (const char *start = p; end - p >= (gssize)length; p++)
    {
      p = memchr (p, delimiter[0], end - p - length + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, delimiter, length) == 0 && (p == start || p[-1] == '\n'))
        return p;
    }
  return NULL;
}

static char *
part_content_id (const char *headers,
                 gsize       length)
{
  g_autofree char *text = g_strndup (headers, length);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Content-ID:", strlen ("Content-ID:")) == 0)
      return g_strstrip (g_strdup (lines[i] + strlen ("Content-ID:")));
  return NULL;
}

/**
 * af_gmail_split_batch:
 *
 * Splits a multipart/mixed /batch answer (RFC 2046) into its parts. Not
 * with soup_multipart_new_from_message(): libsoup up to 3.6 reads out of
 * bounds on some malformed bodies (CVE-2025-32914, CVE-2025-4948). An
 * unterminated last part is left out.
 *
 * Returns: (transfer full) (element-type AfGmailBatchPart) (nullable):
 *   the parts, %NULL if the answer is not multipart
 */
GPtrArray *
af_gmail_split_batch (SoupMessageHeaders *headers,
                      GBytes             *body)
{
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autofree char *delimiter = NULL;
  const char      *content_type, *boundary, *data, *end, *p;
  gsize            size = 0, length;

  content_type = soup_message_headers_get_content_type (headers, &params);
  boundary = params != NULL ? g_hash_table_lookup (params, "boundary") : NULL;
  if (content_type == NULL || !g_str_has_prefix (content_type, "multipart/") || boundary == NULL || *boundary == '\0' || body == NULL)
    return NULL;

  delimiter = g_strconcat ("--", boundary, NULL);
  length = strlen (delimiter);
  data = g_bytes_get_data (body, &size);
  if (data == NULL)
    return NULL;
  end = data + size;

  parts = g_ptr_array_new_with_free_func ((GDestroyNotify)af_gmail_batch_part_free);
  p = find_delimiter (data, end, delimiter, length);
  if (p == NULL)
    return NULL;

  for (;;)
    {
      const char       *start, *next, *stop, *blank;
      gsize             header_length;
      AfGmailBatchPart *part;

      p += length;
      /* "--boundary--" closes the body. */
      if (end - p >= 2 && p[0] == '-' && p[1] == '-')
        break;
      start = memchr (p, '\n', end - p);
      if (start == NULL)
        break;
      start++;
      next = find_delimiter (start, end, delimiter, length);
      if (next == NULL)
        break;

      /* The CRLF before a delimiter belongs to the delimiter. */
      stop = next;
      if (stop > start && stop[-1] == '\n')
        stop--;
      if (stop > start && stop[-1] == '\r')
        stop--;

      /* The part's own headers end at its first blank line. */
      blank = NULL;
      header_length = 0;
      if (stop - start >= 2 && start[0] == '\r' && start[1] == '\n')
        blank = start, header_length = 0;
      else if (stop - start >= 1 && start[0] == '\n')
        blank = start, header_length = 0;
      for (const char *q = start; blank == NULL && q < stop; q++)
        if (*q == '\n' && ((stop - q >= 2 && q[1] == '\n') || (stop - q >= 3 && q[1] == '\r' && q[2] == '\n')))
          {
            blank = q + 1;
            header_length = q + 1 - start;
          }

      part = g_new0 (AfGmailBatchPart, 1);
      if (blank != NULL)
        {
          const char *content = blank + (blank[0] == '\r' ? 2 : 1);

          part->content_id = part_content_id (start, header_length);
          part->body = g_bytes_new (content, stop - content);
        }
      else
        part->body = g_bytes_new (start, stop - start);
      g_ptr_array_add (parts, part);

      p = next;
    }

  return g_steal_pointer (&parts);
}

static void
on_batch_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  BatchCall *call = user_data;
  g_autoptr (GTask) task = call->task;
  g_autoptr (GPtrArray) ids = call->ids;
  MetaOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfHttpResponse) response = af_http_client_request_finish (AF_HTTP_CLIENT (object), result, &error);
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GHashTable) answered = g_hash_table_new (g_str_hash, g_str_equal);

  g_free (call);
  op->pending--;

  if (response == NULL)
    {
      if (op->error == NULL)
        op->error = g_steal_pointer (&error);
    }
  else
    {
      parts = af_gmail_split_batch (response->headers, response->body);
      if (parts == NULL)
        {
          if (op->error == NULL)
            op->error = bad_response (_ ("Read messages in a batch"));
        }
      else
        {
          for (guint i = 0; i < parts->len; i++)
            {
              AfGmailBatchPart *part = parts->pdata[i];
              g_autoptr (JsonNode) json = NULL;
              guint status;

              status = af_gmail_parse_batch_part (part->body, &json);

              if (status == 200 && json != NULL && JSON_NODE_HOLDS_OBJECT (json))
                {
                  AfGmailMessage *message = af_gmail_message_from_json (json_node_get_object (json));

                  if (message->id != NULL)
                    {
                      g_hash_table_add (answered, message->id);
                      g_ptr_array_add (op->messages, message);
                    }
                  else
                    af_gmail_message_free (message);
                }
              else if (status == 429)
                op->throttled = TRUE;
              else if (status == 404)
                {
                  /* Deleted since it was listed: nothing to read. The id is
                   * known from the Content-ID "response-<id>". */
                  const char *cid = part->content_id;

                  if (cid != NULL && (cid = strstr (cid, "response-")) != NULL)
                    {
                      g_autofree char *id = g_strdup (cid + strlen ("response-"));

                      id[strcspn (id, ">")] = '\0';
                      for (guint k = 0; k < op->round->len; k++)
                        if (g_str_equal (op->round->pdata[k], id))
                          g_hash_table_add (answered, op->round->pdata[k]);
                    }
                }
            }
        }

      /* Everything asked but not answered (429, 5xx inside the batch)
       * goes into the next round. */
      for (guint k = 0; k < ids->len; k++)
        if (!g_hash_table_contains (answered, ids->pdata[k]))
          g_ptr_array_add (op->retry, g_strdup (ids->pdata[k]));
    }

  if (op->pending > 0)
    return;

  if (op->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&op->error));
      return;
    }

  if (op->retry->len > 0 && op->rounds < BATCH_ROUNDS)
    {
      if (op->throttled)
        {
          /* Rate limited: the rest goes in smaller batches, after a pause
           * that doubles each round. */
          op->throttled = FALSE;
          op->batch_max = MAX (op->batch_max / 2, BATCH_MIN);
          g_timeout_add_once (250u << MIN (op->rounds, 4u), (GSourceOnceFunc)meta_round, g_steal_pointer (&task));
          return;
        }
      meta_round (g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&op->messages), (GDestroyNotify)g_ptr_array_unref);
}

static void
meta_round (GTask *task)
{
  AfGmailClient   *self = g_task_get_source_object (task);
  MetaOp          *op = g_task_get_task_data (task);
  g_autofree char *batch_url = g_strconcat (self->base_url, "/batch/gmail/v1", NULL);

  g_clear_pointer (&op->round, g_ptr_array_unref);
  op->round = g_steal_pointer (&op->retry);
  op->retry = g_ptr_array_new_with_free_func (g_free);
  op->rounds++;

  if (op->round->len == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&op->messages), (GDestroyNotify)g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  for (guint start = 0; start < op->round->len; start += op->batch_max)
    {
      g_autoptr (SoupMultipart) multipart = soup_multipart_new ("multipart/mixed");
      g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
      g_autoptr (GBytes) body = NULL;
      BatchCall  *call = g_new0 (BatchCall, 1);
      const char *content_type;

      call->ids = g_ptr_array_new_with_free_func (g_free);
      for (guint i = start; i < MIN (start + op->batch_max, op->round->len); i++)
        {
          const char *id = op->round->pdata[i];
          g_autoptr (SoupMessageHeaders) part_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
          g_autofree char *cid = g_strdup_printf ("<%s>", id);
          g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
          g_autofree char *request = op->full ? g_strdup_printf ("GET %s/gmail/v1/users/me/messages/%s?format=full\r\n\r\n",
                                                                 self->base_path, escaped)
                                              : g_strdup_printf ("GET %s/gmail/v1/users/me/messages/%s?format=metadata&" METADATA_HEADERS "\r\n\r\n",
                                                                 self->base_path, escaped);
          g_autoptr (GBytes) part_body = g_bytes_new (request, strlen (request));

          soup_message_headers_replace (part_headers, "Content-Type", "application/http");
          soup_message_headers_replace (part_headers, "Content-ID", cid);
          soup_multipart_append_part (multipart, part_headers, part_body);
          g_ptr_array_add (call->ids, g_strdup (id));
        }

      soup_multipart_to_message (multipart, headers, &body);
      content_type = soup_message_headers_get_one (headers, "Content-Type");

      call->task = g_object_ref (task);
      op->pending++;
      af_http_client_request_async (self->http, method ("gmail.batch"), self->tokens, "POST", batch_url,
                                    content_type, body, g_task_get_cancellable (task), on_batch_cb, call);
    }

  g_object_unref (task);
}

void
af_gmail_client_get_messages_async (AfGmailClient      *self,
                                    const char *const  *ids,
                                    gboolean            full,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  GTask  *task;
  MetaOp *op;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));
  g_return_if_fail (ids != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_gmail_client_get_messages_async);
  op = g_new0 (MetaOp, 1);
  op->full = full;
  op->batch_max = BATCH_MAX;
  op->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)af_gmail_message_free);
  op->retry = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (op->retry, g_strdup (ids[i]));
  g_task_set_task_data (task, op, meta_op_free);

  meta_round (task);
}

/**
 * af_gmail_client_get_messages_finish:
 *
 * Returns: (transfer full) (element-type AfGmailMessage): the messages
 *   that still exist, in no particular order
 */
GPtrArray *
af_gmail_client_get_messages_finish (AfGmailClient *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
af_gmail_client_get_metadata_async (AfGmailClient      *self,
                                    const char *const  *ids,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  af_gmail_client_get_messages_async (self, ids, FALSE, cancellable, callback, user_data);
}

/**
 * af_gmail_client_get_metadata_finish:
 *
 * Returns: (transfer full) (element-type AfGmailMessage): the messages
 *   that still exist, in no particular order
 */
GPtrArray *
af_gmail_client_get_metadata_finish (AfGmailClient *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gpointer
af_gmail_parse_message (JsonNode *root,
                        GError  **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (root) || !json_object_has_member (json_node_get_object (root), "id"))
    {
      g_propagate_error (error, bad_response (_ ("Read a message")));
      return NULL;
    }
  return af_gmail_message_from_json (json_node_get_object (root));
}

void
af_gmail_client_get_message_async (AfGmailClient      *self,
                                   const char         *id,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));
  g_return_if_fail (id != NULL);

  escaped = g_uri_escape_string (id, NULL, FALSE);
  url = api_url (self, "messages/%s?format=full", escaped);
  call_json (self, "gmail.users.messages.get", "GET", url, NULL, af_gmail_parse_message,
             af_gmail_client_get_message_async, cancellable, callback, user_data);
}

/**
 * af_gmail_client_get_message_finish:
 *
 * Returns: (transfer full): the message with its body as text
 */
AfGmailMessage *
af_gmail_client_get_message_finish (AfGmailClient *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
      g_propagate_error (error, bad_response (_ ("List labels")));
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

void
af_gmail_client_list_labels_async (AfGmailClient      *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autofree char *url = NULL;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));

  url = api_url (self, "labels");
  call_json (self, "gmail.users.labels.list", "GET", url, NULL, af_gmail_parse_labels,
             af_gmail_client_list_labels_async, cancellable, callback, user_data);
}

/**
 * af_gmail_client_list_labels_finish:
 *
 * Returns: (transfer full) (element-type AfGmailLabel): system and user labels
 */
GPtrArray *
af_gmail_client_list_labels_finish (AfGmailClient *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gpointer
af_gmail_parse_label (JsonNode *root,
                      GError  **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (root) || !json_object_has_member (json_node_get_object (root), "id"))
    {
      g_propagate_error (error, bad_response (_ ("Create a label")));
      return NULL;
    }
  return label_from_json (json_node_get_object (root));
}

void
af_gmail_client_create_label_async (AfGmailClient      *self,
                                    const char         *name,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autofree char *url = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));
  g_return_if_fail (name != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "labelListVisibility");
  json_builder_add_string_value (builder, "labelShow");
  json_builder_set_member_name (builder, "messageListVisibility");
  json_builder_add_string_value (builder, "show");
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  url = api_url (self, "labels");
  call_json (self, "gmail.users.labels.create", "POST", url, body, af_gmail_parse_label,
             af_gmail_client_create_label_async, cancellable, callback, user_data);
}

/**
 * af_gmail_client_create_label_finish:
 *
 * Returns: (transfer full): the new label (an existing name is a 409,
 *   AF_ERROR_CONFLICT)
 */
AfGmailLabel *
af_gmail_client_create_label_finish (AfGmailClient *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* batchModify */

typedef struct
{
  guint   pending;
  GError *error;
} ModifyOp;

static void
modify_op_free (gpointer data)
{
  ModifyOp *op = data;

  g_clear_error (&op->error);
  g_free (op);
}

static void
add_string_array (JsonBuilder       *builder,
                  const char        *name,
                  const char *const *values,
                  guint              start,
                  guint              end)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = start; values != NULL && i < end && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
on_modify_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ModifyOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfHttpResponse) response = af_http_client_request_finish (AF_HTTP_CLIENT (object), result, &error);

  if (response == NULL && op->error == NULL)
    op->error = g_steal_pointer (&error);

  if (--op->pending > 0)
    return;

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    g_task_return_boolean (task, TRUE);
}

void
af_gmail_client_modify_async (AfGmailClient      *self,
                              const char *const  *ids,
                              const char *const  *add_label_ids,
                              const char *const  *remove_label_ids,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *url = NULL;
  ModifyOp        *op;
  guint            n;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));
  g_return_if_fail (ids != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_gmail_client_modify_async);
  op = g_new0 (ModifyOp, 1);
  g_task_set_task_data (task, op, modify_op_free);

  n = g_strv_length ((char **)ids);
  if (n == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  url = api_url (self, "messages/batchModify");
  for (guint start = 0; start < n; start += MODIFY_MAX)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;
      g_autoptr (GBytes) body = NULL;

      json_builder_begin_object (builder);
      add_string_array (builder, "ids", ids, start, MIN (start + MODIFY_MAX, n));
      if (add_label_ids != NULL)
        add_string_array (builder, "addLabelIds", add_label_ids, 0, G_MAXUINT);
      if (remove_label_ids != NULL)
        add_string_array (builder, "removeLabelIds", remove_label_ids, 0, G_MAXUINT);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, FALSE);
      body = g_bytes_new (text, strlen (text));

      op->pending++;
      /* 204 No Content: a raw request, no JSON to parse. */
      af_http_client_request_async (self->http, method ("gmail.users.messages.batchModify"), self->tokens,
                                    "POST", url, "application/json; charset=UTF-8", body, cancellable,
                                    on_modify_cb, g_object_ref (task));
    }
}

gboolean
af_gmail_client_modify_finish (AfGmailClient *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
af_gmail_client_archive_async (AfGmailClient      *self,
                               const char *const  *ids,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  static const char *const remove[] = { "INBOX", NULL };

  af_gmail_client_modify_async (self, ids, NULL, remove, cancellable, callback, user_data);
}

void
af_gmail_client_star_async (AfGmailClient      *self,
                            const char *const  *ids,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  static const char *const add[] = { "STARRED", NULL };

  af_gmail_client_modify_async (self, ids, add, NULL, cancellable, callback, user_data);
}

void
af_gmail_client_mark_read_async (AfGmailClient      *self,
                                 const char *const  *ids,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  static const char *const remove[] = { "UNREAD", NULL };

  af_gmail_client_modify_async (self, ids, NULL, remove, cancellable, callback, user_data);
}

/* drafts and sending */

static JsonNode *
raw_message_json (const AfGmailOutgoing *outgoing)
{
  g_autofree char *mime = af_gmail_build_mime (outgoing);
  g_autofree char *raw = base64url_encode ((const guchar *)mime, strlen (mime));
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "raw");
  json_builder_add_string_value (builder, raw);
  if (outgoing->thread_id != NULL)
    {
      json_builder_set_member_name (builder, "threadId");
      json_builder_add_string_value (builder, outgoing->thread_id);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gpointer
af_gmail_parse_draft (JsonNode *root,
                      GError  **error)
{
  const char *id = NULL;

  if (JSON_NODE_HOLDS_OBJECT (root))
    id = af_json_get_string (json_node_get_object (root), "id", NULL);
  if (id == NULL)
    {
      g_propagate_error (error, bad_response (_ ("Create a draft")));
      return NULL;
    }
  return g_strdup (id);
}

/* drafts.create → { draft id, the id of its message (or ""), NULL } */
static gpointer
parse_draft_ids (JsonNode *root,
                 GError  **error)
{
  g_autofree char *id = af_gmail_parse_draft (root, error);
  JsonObject      *message;
  char           **ids;

  if (id == NULL)
    return NULL;
  message = af_json_get_object (json_node_get_object (root), "message");
  ids = g_new0 (char *, 3);
  ids[0] = g_steal_pointer (&id);
  ids[1] = g_strdup (message ? af_json_get_string (message, "id", "") : "");
  return ids;
}

void
af_gmail_client_create_draft_async (AfGmailClient         *self,
                                    const AfGmailOutgoing *outgoing,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autofree char *url = NULL;
  g_autoptr (JsonNode) body = NULL;
  JsonObject *object;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));
  g_return_if_fail (outgoing != NULL && outgoing->to != NULL);

  object = json_object_new ();
  json_object_set_member (object, "message", raw_message_json (outgoing));
  body = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);

  url = api_url (self, "drafts");
  call_json (self, "gmail.users.drafts.create", "POST", url, body, parse_draft_ids,
             af_gmail_client_create_draft_async, cancellable, callback, user_data);
}

/**
 * af_gmail_client_create_draft_finish:
 *
 * Returns: (transfer full): the draft id
 */
char *
af_gmail_client_create_draft_finish (AfGmailClient *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return af_gmail_client_create_draft_finish_full (self, result, NULL, error);
}

/**
 * af_gmail_client_create_draft_finish_full:
 * @message_id: (out) (optional) (transfer full): the id of the draft's
 *   message, as it shows in the mailbox's history
 *
 * Returns: (transfer full): the draft id
 */
char *
af_gmail_client_create_draft_finish_full (AfGmailClient *self,
                                          GAsyncResult  *result,
                                          char         **message_id,
                                          GError       **error)
{
  g_auto (GStrv) ids = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  ids = g_task_propagate_pointer (G_TASK (result), error);
  if (ids == NULL)
    return NULL;
  if (message_id != NULL)
    *message_id = g_strdup (ids[1]);
  return g_strdup (ids[0]);
}

void
af_gmail_client_send_async (AfGmailClient         *self,
                            const AfGmailOutgoing *outgoing,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  g_autofree char *url = NULL;
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));
  g_return_if_fail (outgoing != NULL && outgoing->to != NULL);

  body = raw_message_json (outgoing);
  url = api_url (self, "messages/send");
  call_json (self, "gmail.users.messages.send", "POST", url, body, af_gmail_parse_message,
             af_gmail_client_send_async, cancellable, callback, user_data);
}

/**
 * af_gmail_client_send_finish:
 *
 * Returns: (transfer full): the sent message (id, thread_id, label_ids)
 */
AfGmailMessage *
af_gmail_client_send_finish (AfGmailClient *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* finding what was sent before a crash */

/**
 * af_gmail_message_id_for_key:
 * @key: an idempotency key
 *
 * The same key always gives the same Message-ID, so a mail sent (or a
 * draft saved) for an action can be looked up by it later.
 *
 * Returns: (transfer full): "<hex@agentflow>"
 */
char *
af_gmail_message_id_for_key (const char *key)
{
  g_autofree char *digest = NULL;

  g_return_val_if_fail (key != NULL, NULL);

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  return g_strdup_printf ("<%s@agentflow>", digest);
}

/* The first id under @member ("messages" or "drafts"), "" if none. */
static gpointer
parse_first (JsonNode   *root,
             const char *member,
             GError    **error)
{
  JsonObject *object;
  JsonArray  *array;
  JsonObject *first;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, bad_response (_ ("List messages")));
      return NULL;
    }
  object = json_node_get_object (root);
  /* No match: no member at all, as with an empty mailbox. */
  array = af_json_get_array (object, member);
  first = af_json_array_get_object (array, 0);
  return g_strdup (af_json_get_string (first, "id", ""));
}

gpointer
af_gmail_parse_first_message (JsonNode *root,
                              GError  **error)
{
  return parse_first (root, "messages", error);
}

gpointer
af_gmail_parse_first_draft (JsonNode *root,
                            GError  **error)
{
  return parse_first (root, "drafts", error);
}

void
af_gmail_client_find_by_message_id_async (AfGmailClient      *self,
                                          const char         *message_id,
                                          gboolean            in_drafts,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data)
{
  g_autofree char *bare = NULL;
  g_autofree char *query = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));
  g_return_if_fail (message_id != NULL);

  /* rfc822msgid: takes the id without its angle brackets. */
  bare = g_strdup (message_id[0] == '<' ? message_id + 1 : message_id);
  if (*bare && bare[strlen (bare) - 1] == '>')
    bare[strlen (bare) - 1] = '\0';
  /* A draft is a message of the mailbox too: a sent mail is looked for
   * outside the drafts. */
  query = g_strconcat ("rfc822msgid:", bare, in_drafts ? NULL : " -in:drafts", NULL);
  escaped = g_uri_escape_string (query, NULL, FALSE);
  if (in_drafts)
    {
      url = api_url (self, "drafts?maxResults=1&q=%s", escaped);
      call_json (self, "gmail.users.drafts.list", "GET", url, NULL, af_gmail_parse_first_draft,
                 af_gmail_client_find_by_message_id_async, cancellable, callback, user_data);
    }
  else
    {
      /* Trashed since still counts as sent. */
      url = api_url (self, "messages?maxResults=1&includeSpamTrash=true&q=%s", escaped);
      call_json (self, "gmail.users.messages.list", "GET", url, NULL, af_gmail_parse_first_message,
                 af_gmail_client_find_by_message_id_async, cancellable, callback, user_data);
    }
}

/**
 * af_gmail_client_find_by_message_id_finish:
 *
 * Returns: (transfer full) (nullable): the message or draft id; %NULL
 *   with @error unset when nothing carries that Message-ID
 */
char *
af_gmail_client_find_by_message_id_finish (AfGmailClient *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  char *id;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  id = g_task_propagate_pointer (G_TASK (result), error);
  if (id != NULL && *id == '\0')
    g_clear_pointer (&id, g_free);
  return id;
}

/* GObject */

static void
af_gmail_client_finalize (GObject *object)
{
  AfGmailClient *self = (AfGmailClient *)object;

  g_clear_object (&self->http);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->base_path, g_free);

  G_OBJECT_CLASS (af_gmail_client_parent_class)->finalize (object);
}

static void
af_gmail_client_class_init (AfGmailClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_gmail_client_finalize;
}

static void
af_gmail_client_init (AfGmailClient *self)
{
}

/**
 * af_gmail_client_new:
 * @base_url: (nullable): where the API lives, %NULL for Google's
 *   (#AF_GMAIL_DEFAULT_BASE_URL); the sandbox's base URL in tests
 */
AfGmailClient *
af_gmail_client_new (AfHttpClient  *http,
                     AfTokenSource *tokens,
                     const char    *base_url)
{
  AfGmailClient *self;
  g_autoptr (GUri) uri = NULL;

  g_return_val_if_fail (AF_IS_HTTP_CLIENT (http), NULL);
  g_return_val_if_fail (AF_IS_TOKEN_SOURCE (tokens), NULL);

  self = g_object_new (AF_TYPE_GMAIL_CLIENT, NULL);
  self->http = g_object_ref (http);
  self->tokens = g_object_ref (tokens);
  self->base_url = g_strdup (base_url ? base_url : AF_GMAIL_DEFAULT_BASE_URL);
  if (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
  self->base_path = g_strdup (uri != NULL ? g_uri_get_path (uri) : "");
  if (g_str_has_suffix (self->base_path, "/"))
    self->base_path[strlen (self->base_path) - 1] = '\0';

  return self;
}
