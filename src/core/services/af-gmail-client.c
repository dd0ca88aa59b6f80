/* af-gmail-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-gmail-client"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-base64url.h"
#include "af-error.h"
#include "af-gmail-client.h"
#include "af-gmail-client-private.h"
#include "af-json-private.h"

#define LIST_PAGE_MAX 500
#define MODIFY_MAX    1000

struct _AfGmailClient
{
  GObject parent_instance;

  AfHttpClient  *http;
  AfTokenSource *tokens;
  char          *base_url;  /* https://gmail.googleapis.com */
  char          *base_path; /* the path part of base_url, for batch parts */
};

G_DEFINE_FINAL_TYPE (AfGmailClient, af_gmail_client, G_TYPE_OBJECT)

const AfServiceMethod *
af_gmail_method (const char *id)
{
  const AfServiceMethod *m = af_service_method_lookup (id);

  g_assert (m != NULL);
  return m;
}

char *
af_gmail_client_api_url (AfGmailClient *self,
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

GError *
af_gmail_bad_response (const char *what)
{
  return g_error_new (AF_ERROR, AF_ERROR_BAD_RESPONSE,
                      _ ("Gmail sent an unexpected answer to “%s”. Try again later."), what);
}

AfHttpClient *
af_gmail_client_get_http (AfGmailClient *self)
{
  return self->http;
}

AfTokenSource *
af_gmail_client_get_tokens (AfGmailClient *self)
{
  return self->tokens;
}

const char *
af_gmail_client_get_base_url (AfGmailClient *self)
{
  return self->base_url;
}

const char *
af_gmail_client_get_base_path (AfGmailClient *self)
{
  return self->base_path;
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
  af_http_client_json_async (self->http, af_gmail_method (method_id), self->tokens, http_method, url, body,
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
      g_propagate_error (error, af_gmail_bad_response (_ ("Read the mailbox profile")));
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

  url = af_gmail_client_api_url (self, "profile");
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_get_history_id_async), NULL);

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
      g_propagate_error (error, af_gmail_bad_response (_ ("List messages")));
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

void
af_gmail_client_list_page_async (AfGmailClient      *self,
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
  g_autofree char *base = af_gmail_client_api_url (self, "messages");

  g_task_set_source_tag (task, af_gmail_client_list_page_async);
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
             af_gmail_client_list_page_async, cancellable, on_list_page_cb, task);
  g_string_free (url, TRUE);
}

AfGmailListPage *
af_gmail_client_list_page_finish (AfGmailClient *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_list_page_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_list_messages_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError          *error = NULL;
  AfGmailListPage *page = af_gmail_client_list_page_finish (AF_GMAIL_CLIENT (object), result, &error);

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
  af_gmail_client_list_page_async (self, query, FALSE, page_token, max_results, cancellable, on_list_messages_cb, task);
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_list_messages_async), NULL);

  page = g_task_propagate_pointer (G_TASK (result), error);
  if (page == NULL)
    return NULL;

  ids = g_steal_pointer (&page->ids);
  if (next_page_token != NULL)
    *next_page_token = g_steal_pointer (&page->next_page_token);
  af_gmail_list_page_free (page);

  return ids;
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
  url = af_gmail_client_api_url (self, "messages/%s?format=full", escaped);
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_get_message_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
af_gmail_client_list_labels_async (AfGmailClient      *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autofree char *url = NULL;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));

  url = af_gmail_client_api_url (self, "labels");
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_list_labels_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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

  url = af_gmail_client_api_url (self, "labels");
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_create_label_async), NULL);

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

  url = af_gmail_client_api_url (self, "messages/batchModify");
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
      af_http_client_request_async (self->http, af_gmail_method ("gmail.users.messages.batchModify"), self->tokens,
                                    "POST", url, "application/json; charset=UTF-8", body, cancellable,
                                    on_modify_cb, g_object_ref (task));
    }
}

gboolean
af_gmail_client_modify_finish (AfGmailClient *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_modify_async), FALSE);

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
  g_autofree char *raw = af_base64url_encode ((const guint8 *)mime, strlen (mime), TRUE);
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
      g_propagate_error (error, af_gmail_bad_response (_ ("Create a draft")));
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

  url = af_gmail_client_api_url (self, "drafts");
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_create_draft_async), NULL);

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
  url = af_gmail_client_api_url (self, "messages/send");
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_send_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
      g_propagate_error (error, af_gmail_bad_response (_ ("List messages")));
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
      url = af_gmail_client_api_url (self, "drafts?maxResults=1&q=%s", escaped);
      call_json (self, "gmail.users.drafts.list", "GET", url, NULL, af_gmail_parse_first_draft,
                 af_gmail_client_find_by_message_id_async, cancellable, callback, user_data);
    }
  else
    {
      /* Trashed since still counts as sent. */
      url = af_gmail_client_api_url (self, "messages?maxResults=1&includeSpamTrash=true&q=%s", escaped);
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_find_by_message_id_async), NULL);

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
