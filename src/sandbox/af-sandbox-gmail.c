/* af-sandbox-gmail.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-gmail"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "af-base64url.h"
#include "af-sandbox-gmail-private.h"

/* The Gmail API v1 as documented: users.getProfile, messages.list/get/
 * batchModify/send, history.list, labels.list/create, drafts.create and
 * the batch endpoint. Ids are hex strings like Gmail's. */

const char *const        sb_gmail_read_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.readonly", "gmail.metadata", NULL };
static const char *const full_read_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.readonly", NULL };
static const char *const modify_scopes[] = { "https://mail.google.com/", "gmail.modify", NULL };
static const char *const label_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.labels", NULL };
static const char *const send_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.compose", "gmail.send", NULL };
static const char *const compose_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.compose", NULL };
static const char *const draft_read_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.compose", "gmail.readonly", NULL };

static gboolean
check_auth (AfSandbox         *self,
            SoupServerMessage *msg,
            const char *const *scopes)
{
  AfSandboxAuth auth = af_sandbox_authorize_any (self, msg, "google", scopes, NULL);

  if (auth == AF_SANDBOX_AUTH_OK)
    return TRUE;

  af_sandbox_respond_google_auth (msg, auth);
  return FALSE;
}

static void
respond_not_found (SoupServerMessage *msg)
{
  af_sandbox_respond_google_error (msg, 404, "notFound", "Requested entity was not found.");
}

static guint
parse_max_results (GHashTable *query,
                   guint       fallback,
                   guint       limit)
{
  const char *value = query ? g_hash_table_lookup (query, "maxResults") : NULL;
  guint       n = value ? (guint)g_ascii_strtoull (value, NULL, 10) : fallback;

  return CLAMP (n, 1, limit);
}

static void
handle_list (AfSandbox         *self,
             SbGmail           *gmail,
             SoupServerMessage *msg,
             const char        *id,
             GHashTable        *query)
{
  guint       max = parse_max_results (query, 100, 500);
  const char *token = query ? g_hash_table_lookup (query, "pageToken") : NULL;
  const char *q = query ? g_hash_table_lookup (query, "q") : NULL;
  const char *label = query ? g_hash_table_lookup (query, "labelIds") : NULL;
  const char *spam_trash = query ? g_hash_table_lookup (query, "includeSpamTrash") : NULL;
  gboolean    include_spam_trash = g_strcmp0 (spam_trash, "true") == 0;
  guint       offset = token ? (guint)g_ascii_strtoull (token, NULL, 10) : 0;
  guint       seen = 0, added = 0;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  gboolean more = FALSE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  /* Newest first; the page token is an offset into that order. */
  for (guint i = gmail->messages->len; i > 0; i--)
    {
      SbMessage *m = gmail->messages->pdata[i - 1];

      SbQueryTarget target = { m->subject, m->from, m->message_id, m->internal_date, m->labels };

      if (label != NULL && !sb_message_has_label (m, label))
        continue;
      /* "includeSpamTrash: Include messages from SPAM and TRASH in the
       * results", false by default:
       * https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list */
      if (!include_spam_trash && (sb_message_has_label (m, "SPAM") || sb_message_has_label (m, "TRASH")))
        continue;
      if (!sb_gmail_query_matches (q, &target))
        continue;
      if (seen++ < offset)
        continue;
      if (added == max)
        {
          more = TRUE;
          break;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, m->id);
      json_builder_set_member_name (b, "threadId");
      json_builder_add_string_value (b, m->thread_id);
      json_builder_end_object (b);
      added++;
    }
  json_builder_end_array (b);
  if (more)
    {
      g_autofree char *next = g_strdup_printf ("%u", offset + added);

      json_builder_set_member_name (b, "nextPageToken");
      json_builder_add_string_value (b, next);
    }
  json_builder_set_member_name (b, "resultSizeEstimate");
  json_builder_add_int_value (b, added);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  /* An empty answer has no "messages" at all, as Gmail's. */
  if (added == 0)
    json_object_remove_member (json_node_get_object (root), "messages");

  af_sandbox_respond_json (msg, 200, root);
}

static void
handle_history (AfSandbox         *self,
                SbGmail           *gmail,
                SoupServerMessage *msg,
                const char        *id,
                GHashTable        *query)
{
  const char *start_text = query ? g_hash_table_lookup (query, "startHistoryId") : NULL;
  const char *token = query ? g_hash_table_lookup (query, "pageToken") : NULL;
  guint       max = parse_max_results (query, 100, 500);
  guint       offset = token ? (guint)g_ascii_strtoull (token, NULL, 10) : 0;
  gboolean    more = FALSE;
  g_autoptr (GPtrArray) page = NULL;
  GString         *text;
  gsize            length;
  g_autofree char *current = g_strdup_printf ("%" G_GUINT64_FORMAT, gmail->next_history_id - 1);

  if (start_text == NULL)
    {
      af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Missing startHistoryId");
      return;
    }

  if (af_sandbox_take_cursor_expiry (self, "gmail.users.history.list"))
    sb_gmail_drop_history (gmail);

  if (!sb_gmail_history_available (gmail, g_ascii_strtoull (start_text, NULL, 10)))
    {
      respond_not_found (msg);
      return;
    }

  page = sb_gmail_history_after (gmail, g_ascii_strtoull (start_text, NULL, 10), offset, max, &more);
  /* Written out of each record's JSON (kept with its message): a page is
   * 500 of them, on the path of every sync. An empty page has no
   * "history" at all, as Gmail's. */
  text = g_string_sized_new (256 * (page->len + 1));
  g_string_append_c (text, '{');
  if (page->len > 0)
    {
      g_string_append (text, "\"history\":[");
      for (guint i = 0; i < page->len; i++)
        {
          if (i > 0)
            g_string_append_c (text, ',');
          g_string_append (text, sb_gmail_history_record_text (page->pdata[i]));
        }
      g_string_append (text, "],");
    }
  /* Both are numbers written by the sandbox: nothing to escape. */
  if (more)
    g_string_append_printf (text, "\"nextPageToken\":\"%u\",", offset + page->len);
  g_string_append_printf (text, "\"historyId\":\"%s\"}", current);
  length = text->len;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json; charset=UTF-8", SOUP_MEMORY_TAKE, g_string_free (text, FALSE),
                                    length);
}

static void
handle_get (AfSandbox         *self,
            SbGmail           *gmail,
            SoupServerMessage *msg,
            const char        *id,
            GHashTable        *query)
{
  GUri *uri = soup_server_message_get_uri (msg);
  char *text = NULL;

  if (sb_gmail_get_message (gmail, id, g_uri_get_query (uri), &text) == 404)
    respond_not_found (msg);
  else
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json; charset=UTF-8", SOUP_MEMORY_TAKE, text, strlen (text));
    }
}

static GPtrArray *
string_array (JsonObject *o,
              const char *member)
{
  GPtrArray *result = g_ptr_array_new ();
  JsonArray *array = json_object_has_member (o, member) ? json_object_get_array_member (o, member) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    g_ptr_array_add (result, (gpointer)json_array_get_string_element (array, i));

  return result;
}

static void
handle_batch_modify (AfSandbox         *self,
                     SbGmail           *gmail,
                     SoupServerMessage *msg,
                     const char        *id,
                     GHashTable        *query)
{
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GPtrArray) add = NULL;
  g_autoptr (GPtrArray) remove = NULL;
  JsonObject *o;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      af_sandbox_respond_google_error (msg, 400, "badRequest", "Invalid JSON payload received.");
      return;
    }
  o = json_node_get_object (body);
  ids = string_array (o, "ids");
  add = string_array (o, "addLabelIds");
  remove = string_array (o, "removeLabelIds");

  if (ids->len == 0 || ids->len > 1000)
    {
      af_sandbox_respond_google_error (msg, 400, "invalidArgument",
                                       ids->len == 0 ? "No message ids specified." : "Too many ids specified (max 1000).");
      return;
    }
  for (guint i = 0; i < add->len; i++)
    if (sb_gmail_find_label (gmail, add->pdata[i]) == NULL)
      {
        af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Invalid label: addLabelIds");
        return;
      }

  sb_gmail_modify (gmail, ids, add, remove);

  /* 204 No Content, an empty body, as documented. */
  soup_server_message_set_status (msg, 204, NULL);
}

static void
handle_labels_list (AfSandbox         *self,
                    SbGmail           *gmail,
                    SoupServerMessage *msg,
                    const char        *id,
                    GHashTable        *query)
{
  g_autoptr (JsonObject) root = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  JsonArray *labels = json_array_sized_new (gmail->labels->len);

  for (guint i = 0; i < gmail->labels->len; i++)
    json_array_add_element (labels, sb_gmail_label_json (gmail->labels->pdata[i], FALSE));
  json_object_set_array_member (root, "labels", labels);
  node = json_node_init_object (json_node_alloc (), root);
  af_sandbox_respond_json (msg, 200, node);
}

static void
handle_labels_create (AfSandbox         *self,
                      SbGmail           *gmail,
                      SoupServerMessage *msg,
                      const char        *id,
                      GHashTable        *query)
{
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
  g_autoptr (JsonNode) node = NULL;
  const char *name = body && JSON_NODE_HOLDS_OBJECT (body)
                         ? json_object_get_string_member_with_default (json_node_get_object (body), "name", NULL)
                         : NULL;
  SbLabel    *l;

  if (name == NULL || *name == '\0')
    {
      af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Invalid label name");
      return;
    }
  l = sb_gmail_create_label (gmail, name);
  if (l == NULL)
    {
      af_sandbox_respond_google_error (msg, 409, "duplicate", "Label name exists or conflicts");
      return;
    }
  node = sb_gmail_label_json (l, TRUE);
  af_sandbox_respond_json (msg, 200, node);
}

static char *
decode_raw (const char *raw)
{
  g_autoptr (GBytes) bytes = af_base64url_decode (raw, -1, TRUE);
  gsize       length = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  return g_strndup (data ? data : "", length);
}

static char *
mime_header (const char *mime,
             const char *name)
{
  g_autofree char *prefix = g_strdup_printf ("%s: ", name);
  const char      *p = mime;

  while (p && *p && !(p[0] == '\r' && p[1] == '\n'))
    {
      const char *end = strstr (p, "\r\n");

      if (g_ascii_strncasecmp (p, prefix, strlen (prefix)) == 0)
        return g_strndup (p + strlen (prefix), end ? (gsize)(end - p - strlen (prefix)) : strlen (p + strlen (prefix)));
      p = end ? end + 2 : NULL;
    }
  return NULL;
}

/* The text of a single-part message, decoded. */
static char *
mime_text (const char *mime)
{
  const char      *body = strstr (mime, "\r\n\r\n");
  g_autofree char *encoding = mime_header (mime, "Content-Transfer-Encoding");

  body = body ? body + 4 : "";
  if (g_strcmp0 (encoding, "base64") == 0)
    {
      gsize   length = 0;
      guchar *data = g_base64_decode (body, &length);
      char   *text = g_strndup ((const char *)data, length);

      g_free (data);
      return text;
    }
  return g_strdup (body);
}

/* For the side-effect log: the subject and the text, decoded. */
static void
log_mail (AfSandbox  *self,
          const char *method_id,
          const char *mime)
{
  g_autofree char *subject = mime_header (mime, "Subject");
  g_autofree char *text = mime_text (mime);
  g_autofree char *entry = NULL;

  entry = g_strdup_printf ("%s\n%s", subject ? subject : "", text);
  af_sandbox_log_side_effect (self, method_id, entry);
}

/* messages.send and drafts.create: {"raw": base64url, "threadId"?} */
static gboolean
read_raw (SoupServerMessage *msg,
          JsonObject        *message,
          char             **mime,
          const char       **thread_id)
{
  const char *raw = message ? json_object_get_string_member_with_default (message, "raw", NULL) : NULL;

  *mime = raw ? decode_raw (raw) : NULL;
  *thread_id = message ? json_object_get_string_member_with_default (message, "threadId", NULL) : NULL;
  if (*mime == NULL || strstr (*mime, "\r\n\r\n") == NULL)
    {
      g_clear_pointer (mime, g_free);
      af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Invalid value for ByteString");
      return FALSE;
    }
  return TRUE;
}

static void
handle_send (AfSandbox         *self,
             SbGmail           *gmail,
             SoupServerMessage *msg,
             const char        *id,
             GHashTable        *query)
{
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
  g_autofree char *mime = NULL;
  g_autofree char *to = NULL;
  g_autofree char *subject = NULL;
  const char      *thread_id = NULL;
  SbMessage       *m;
  SbSent          *sent;
  g_autoptr (JsonNode) node = NULL;

  if (!read_raw (msg, body && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL, &mime, &thread_id))
    return;

  to = mime_header (mime, "To");
  if (to == NULL)
    {
      af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Invalid To header");
      return;
    }
  if (thread_id != NULL && g_hash_table_lookup (gmail->by_id, thread_id) == NULL)
    {
      respond_not_found (msg);
      return;
    }

  subject = mime_header (mime, "Subject");
  {
    g_autofree char *text = mime_text (mime);

    m = sb_gmail_insert_message (gmail, AF_SANDBOX_ACCOUNT, to, subject, text, NULL, NULL, FALSE, thread_id,
                                 g_get_real_time () / 1000);
  }
  sb_message_add_label (m, "SENT");
  /* The sender's own Message-ID stays, as Gmail keeps it. */
  {
    g_autofree char *rfc822_id = mime_header (mime, "Message-ID");

    if (rfc822_id != NULL)
      {
        g_free (m->message_id);
        m->message_id = g_steal_pointer (&rfc822_id);
        sb_message_changed (m);
      }
  }

  log_mail (self, "gmail.users.messages.send", mime);
  sent = g_new0 (SbSent, 1);
  sent->raw_mime = g_steal_pointer (&mime);
  sent->thread_id = g_strdup (m->thread_id);
  g_ptr_array_add (gmail->sent, sent);

  node = sb_gmail_message_json (m, "minimal", NULL);
  af_sandbox_respond_json (msg, 200, node);
}

static void
handle_draft (AfSandbox         *self,
              SbGmail           *gmail,
              SoupServerMessage *msg,
              const char        *id,
              GHashTable        *query)
{
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
  JsonObject      *message = NULL;
  g_autofree char *mime = NULL;
  const char      *thread_id = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *draft_id = NULL;
  g_autofree char *message_id = NULL;

  if (body && JSON_NODE_HOLDS_OBJECT (body) && json_object_has_member (json_node_get_object (body), "message"))
    message = json_object_get_object_member (json_node_get_object (body), "message");
  if (!read_raw (msg, message, &mime, &thread_id))
    return;

  gmail->n_drafts++;
  log_mail (self, "gmail.users.drafts.create", mime);
  draft_id = g_strdup_printf ("r-%u", 4000000 + gmail->n_drafts);
  /* A draft is a message of the mailbox with the DRAFT label, and saving
   * it is a messageAdded history record like any other mail; the
   * mailbox's own mail is in the history too:
   * https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/create
   * https://developers.google.com/gmail/api/guides/drafts */
  {
    SbDraft         *d = g_new0 (SbDraft, 1);
    g_autofree char *to = mime_header (mime, "To");
    g_autofree char *subject = mime_header (mime, "Subject");
    g_autofree char *text = mime_text (mime);
    SbMessage       *m = sb_gmail_insert_message (gmail, AF_SANDBOX_ACCOUNT, to ? to : "", subject ? subject : "", text, NULL,
                                                  NULL, FALSE, thread_id, g_get_real_time () / 1000);

    sb_message_add_label (m, "DRAFT");
    d->rfc822_id = mime_header (mime, "Message-ID");
    if (d->rfc822_id != NULL)
      {
        g_free (m->message_id);
        m->message_id = g_strdup (d->rfc822_id);
        sb_message_changed (m);
      }
    message_id = g_strdup (m->id);
    d->id = g_strdup (draft_id);
    d->message_id = g_strdup (message_id);
    d->thread_id = g_strdup (m->thread_id);
    g_ptr_array_add (gmail->drafts, d);
  }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, draft_id);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, message_id);
  json_builder_set_member_name (b, "threadId");
  json_builder_add_string_value (b, thread_id ? thread_id : message_id);
  json_builder_set_member_name (b, "labelIds");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "DRAFT");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  af_sandbox_respond_json (msg, 200, root);
}

/* drafts.list: {"drafts": [{"id", "message": {"id", "threadId"}}]},
 * newest first; q as in messages.list. */
static void
handle_drafts_list (AfSandbox         *self,
                    SbGmail           *gmail,
                    SoupServerMessage *msg,
                    const char        *id,
                    GHashTable        *query)
{
  guint       max = parse_max_results (query, 100, 500);
  const char *q = query ? g_hash_table_lookup (query, "q") : NULL;
  guint       added = 0;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "drafts");
  json_builder_begin_array (b);
  for (guint i = gmail->drafts->len; i > 0 && added < max; i--)
    {
      SbDraft *d = gmail->drafts->pdata[i - 1];

      SbQueryTarget target = { NULL, NULL, d->rfc822_id, -1, NULL };

      if (!sb_gmail_query_matches (q, &target))
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, d->id);
      json_builder_set_member_name (b, "message");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, d->message_id);
      json_builder_set_member_name (b, "threadId");
      json_builder_add_string_value (b, d->thread_id);
      json_builder_end_object (b);
      json_builder_end_object (b);
      added++;
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "resultSizeEstimate");
  json_builder_add_int_value (b, added);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  if (added == 0)
    json_object_remove_member (json_node_get_object (root), "drafts");
  af_sandbox_respond_json (msg, 200, root);
}

/* handler, route table */

static void
handle_profile (AfSandbox         *self,
                SbGmail           *gmail,
                SoupServerMessage *msg,
                const char        *id,
                GHashTable        *query)
{
  g_autoptr (JsonNode) root = sb_gmail_profile_json (gmail);

  af_sandbox_respond_json (msg, 200, root);
}

typedef void (*SbGmailHandler) (AfSandbox         *self,
                                SbGmail           *gmail,
                                SoupServerMessage *msg,
                                const char        *id,
                                GHashTable        *query);

/* A path under /gmail/v1/users/me/; a "*" segment is a resource id,
 * passed to the handler. */
typedef struct
{
  const char        *method;
  const char        *path;
  const char        *method_id;
  const char *const *scopes;
  SbGmailHandler     handler;
} SbGmailRoute;

static const SbGmailRoute routes[] = {
  { "GET", "profile", "gmail.users.getProfile", sb_gmail_read_scopes, handle_profile },
  { "GET", "messages", "gmail.users.messages.list", full_read_scopes, handle_list },
  { "GET", "history", "gmail.users.history.list", sb_gmail_read_scopes, handle_history },
  { "POST", "messages/batchModify", "gmail.users.messages.batchModify", modify_scopes, handle_batch_modify },
  { "POST", "messages/send", "gmail.users.messages.send", send_scopes, handle_send },
  { "GET", "messages/*", "gmail.users.messages.get", sb_gmail_read_scopes, handle_get },
  { "GET", "labels", "gmail.users.labels.list", sb_gmail_read_scopes, handle_labels_list },
  { "POST", "labels", "gmail.users.labels.create", label_scopes, handle_labels_create },
  { "GET", "drafts", "gmail.users.drafts.list", draft_read_scopes, handle_drafts_list },
  { "POST", "drafts", "gmail.users.drafts.create", compose_scopes, handle_draft },
};

/* @path against a route's pattern: literal segments match themselves,
 * "*" one segment (the id, set in @id). */
static gboolean
route_matches (const char  *pattern,
               const char  *path,
               const char **id)
{
  const char *star = strchr (pattern, '*');

  *id = NULL;
  if (star == NULL)
    return g_str_equal (pattern, path);
  if (strncmp (pattern, path, star - pattern) != 0 || strchr (path + (star - pattern), '/') != NULL)
    return FALSE;
  *id = path + (star - pattern);
  return TRUE;
}

void
sb_gmail_handle (AfSandbox         *self,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      const SbGmailRoute *route = &routes[i];
      const char         *id = NULL;

      if (!g_str_equal (method, route->method) || !route_matches (route->path, path, &id))
        continue;
      if (af_sandbox_begin (self, msg, route->method_id) && check_auth (self, msg, route->scopes))
        route->handler (self, af_sandbox_get_gmail (self), msg, id, query);
      return;
    }
  respond_not_found (msg);
}
