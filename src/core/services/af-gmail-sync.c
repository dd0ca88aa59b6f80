/* af-gmail-sync.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Incremental sync of a mailbox: users.history.list from a stored
 * historyId, and the full listing when there is none or it expired.
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

typedef struct
{
  char              *start_history_id;
  guint              max_full;
  gint64             after;       /* the listing's after:, -1: none */
  gboolean           since;       /* sync_since: after/skip apply */
  GStrv              skip_labels; /* left out when known to carry one */
  GHashTable        *seen;
  AfGmailSyncResult *result;
  AfGmailIdsFunc     listed; /* told each page's new ids */
  gpointer           listed_data;
  gboolean           failed; /* returned an error, a page still out */
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

/* The ids a page added, told to the caller before the next page comes. */
static void
sync_add_page (SyncOp    *op,
               GPtrArray *ids)
{
  guint first = op->result->message_ids->len;

  for (guint i = 0; i < ids->len; i++)
    sync_add_id (op, ids->pdata[i]);
  if (op->listed != NULL && op->result->message_ids->len > first)
    op->listed ((const char *const *)op->result->message_ids->pdata + first, op->result->message_ids->len - first,
                op->listed_data);
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
  AfGmailListPage *page = af_gmail_client_list_page_finish (AF_GMAIL_CLIENT (object), result, &error);

  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  sync_add_page (op, page->ids);

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

  af_gmail_client_list_page_async (self, query, op->since && include_spam_trash (op), page_token, want, g_task_get_cancellable (task),
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

static void sync_history_page (GTask      *task,
                               const char *page_token);

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
      g_propagate_error (error, af_gmail_bad_response (_ ("List mailbox changes")));
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

/* After a JSON value's first character at @p: past its end, or NULL if
 * it does not end before @end. Strings by their escapes, objects and
 * arrays by their depth (and the strings inside), the rest up to the
 * next delimiter. */
static const char *
skip_json_value (const char *p,
                 const char *end)
{
  guint depth = 0;

  if (p >= end)
    return NULL;
  if (*p != '"' && *p != '{' && *p != '[')
    {
      while (p < end && *p != ',' && *p != '}' && *p != ']' && !g_ascii_isspace (*p))
        p++;
      return p;
    }
  for (; p < end; p++)
    {
      if (*p == '"')
        {
          for (p++; p < end && *p != '"'; p++)
            if (*p == '\\')
              p++;
          if (p >= end)
            return NULL;
          if (depth == 0)
            return p + 1;
        }
      else if (*p == '{' || *p == '[')
        depth++;
      else if ((*p == '}' || *p == ']') && --depth == 0)
        return p + 1;
    }
  return NULL;
}

static const char *
skip_json_space (const char *p,
                 const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/**
 * af_gmail_json_top_string:
 * @data: (array length=size): JSON text
 *
 * The string value of the member @name of the object @data holds, found
 * without parsing the other values, only skipping them. %NULL when @data
 * is no object as far as read, or has no such member, or its value is not
 * a string free of escapes (the full parse says what it is).
 *
 * Returns: (transfer full) (nullable): the value
 */
char *
af_gmail_json_top_string (const char *data,
                          gsize       size,
                          const char *name)
{
  const char *end = data + size;
  const char *p = skip_json_space (data, end);
  gsize       name_length = strlen (name);

  if (p >= end || *p != '{')
    return NULL;
  for (p = skip_json_space (p + 1, end); p < end && *p == '"'; p = skip_json_space (p + 1, end))
    {
      const char *key = p + 1;
      const char *value;
      gboolean    wanted;

      p = skip_json_value (p, end);
      if (p == NULL)
        return NULL;
      wanted = (gsize)(p - 1 - key) == name_length && memcmp (key, name, name_length) == 0;
      p = skip_json_space (p, end);
      if (p >= end || *p != ':')
        return NULL;
      value = skip_json_space (p + 1, end);
      p = skip_json_value (value, end);
      if (p == NULL)
        return NULL;
      if (wanted)
        return *value == '"' && memchr (value + 1, '\\', p - 1 - (value + 1)) == NULL ? g_strndup (value + 1, p - 1 - (value + 1))
                                                                                      : NULL;
      p = skip_json_space (p, end);
      if (p >= end || *p != ',')
        return NULL;
    }
  return NULL;
}

static void
on_sync_history_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SyncOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfHttpResponse) response = af_http_client_request_finish (AF_HTTP_CLIENT (object), result, &error);
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GPtrArray) ids = NULL;
  g_autofree char *history_id = NULL;
  g_autofree char *next = NULL;
  g_autofree char *asked = NULL;
  const char      *data;
  gsize            size = 0;

  /* A page before this one could not be read: the sync is over. */
  if (op->failed)
    return;

  if (response == NULL)
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

  /* The next page is asked for before this one is even parsed, so that
   * it is on its way meanwhile: the pages come one after the other. */
  data = g_bytes_get_data (response->body, &size);
  asked = data != NULL ? af_gmail_json_top_string (data, size, "nextPageToken") : NULL;
  if (asked != NULL)
    sync_history_page (g_object_ref (task), asked);

  parser = json_parser_new ();
  ids = g_ptr_array_new_with_free_func (g_free);
  if (data == NULL || !json_parser_load_from_data (parser, data, size, NULL))
    error = g_error_new (AF_ERROR, AF_ERROR_BAD_RESPONSE, _ ("The answer to “%s” from %s could not be read. Try again later."),
                         _ ("List mailbox changes"), _ ("Gmail"));
  else
    parse_history (json_parser_get_root (parser), (const char *const *)op->skip_labels, ids, &history_id, &next, &error);
  /* What was asked for must be the page the answer names. */
  if (error == NULL && g_strcmp0 (asked, next) != 0 && asked != NULL)
    error = af_gmail_bad_response (_ ("List mailbox changes"));
  if (error != NULL)
    {
      op->failed = TRUE;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sync_add_page (op, ids);
  if (history_id != NULL)
    {
      g_free (op->result->history_id);
      op->result->history_id = g_steal_pointer (&history_id);
    }

  if (next != NULL)
    {
      /* The request for the next page holds the task now. */
      if (asked == NULL)
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
      url = af_gmail_client_api_url (self, "history?startHistoryId=%s&historyTypes=messageAdded&maxResults=500&pageToken=%s", start, t);
    }
  else
    url = af_gmail_client_api_url (self, "history?startHistoryId=%s&historyTypes=messageAdded&maxResults=500", start);

  af_http_client_request_async (af_gmail_client_get_http (self), af_gmail_method ("gmail.users.history.list"), af_gmail_client_get_tokens (self), "GET",
                                url, NULL, NULL, g_task_get_cancellable (task), on_sync_history_cb, task);
}

/* A sync's task and state; the caller sets what differs, then starts it
 * with sync_start(). */
static GTask *
sync_task_new (AfGmailClient      *self,
               const char         *start_history_id,
               GCancellable       *cancellable,
               GAsyncReadyCallback callback,
               gpointer            user_data,
               SyncOp            **op_out)
{
  GTask  *task = g_task_new (self, cancellable, callback, user_data);
  SyncOp *op = g_new0 (SyncOp, 1);

  g_task_set_source_tag (task, af_gmail_client_sync_async);
  op->start_history_id = g_strdup (start_history_id);
  op->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  op->result = g_new0 (AfGmailSyncResult, 1);
  op->result->message_ids = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, op, sync_op_free);
  *op_out = op;
  return task;
}

static void
sync_start (GTask      *task,
            const char *start_history_id)
{
  if (start_history_id == NULL || *start_history_id == '\0')
    sync_full (task);
  else
    sync_history_page (task, NULL);
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

  task = sync_task_new (self, start_history_id, cancellable, callback, user_data, &op);
  op->max_full = max_full;
  sync_start (task, start_history_id);
}

/**
 * af_gmail_client_sync_since_async:
 * @start_history_id: (nullable): the stored cursor
 * @after: when there is no cursor, or it expired (404): every message
 *   from this time on (Unix seconds, at or after) is listed, page after
 *   page to the end; -1: none is, only the current historyId is taken
 * @skip_labels: (nullable): messages known to carry one of these labels
 *   (from the history record, or by the listing's query) are left out
 * @listed: (nullable): told the new ids of each page as it comes, until
 *   @callback runs (to read them meanwhile); when the history expires
 *   midway, the listing that follows may tell some again
 *
 * Finish with af_gmail_client_sync_finish().
 */
void
af_gmail_client_sync_since_async (AfGmailClient      *self,
                                  const char         *start_history_id,
                                  gint64              after,
                                  const char *const  *skip_labels,
                                  AfGmailIdsFunc      listed,
                                  gpointer            listed_data,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  GTask  *task;
  SyncOp *op;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));

  task = sync_task_new (self, start_history_id, cancellable, callback, user_data, &op);
  op->since = TRUE;
  op->after = after < 0 ? -1 : after;
  op->skip_labels = g_strdupv ((char **)skip_labels);
  op->listed = listed;
  op->listed_data = listed_data;
  sync_start (task, start_history_id);
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
