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

typedef struct _HistoryAnswer HistoryAnswer;

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
  gboolean           failed;     /* returned an error, a page still out */
  gboolean           reading;    /* a history page is being parsed */
  guint              pages_read; /* history pages answered so far */
  HistoryAnswer     *queued;     /* the next page's answer, meanwhile */
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

/* Whether the string token @i is one of @strings. */
static gboolean
scan_string_in (const AfJsonScan  *scan,
                int                i,
                const char *const *strings)
{
  g_autofree char *text = af_json_scan_dup_string (scan, i);

  return text != NULL && g_strv_contains (strings, text);
}

/* A users.history.list page (af_gmail_parse_history()), the ids of the
 * messages added but those with one of @skip_labels. */
static gboolean
parse_history (const AfJsonScan  *scan,
               const char *const *skip_labels,
               GPtrArray         *ids,
               char             **history_id,
               char             **next_page_token,
               GError           **error)
{
  int history;

  *history_id = NULL;
  *next_page_token = NULL;
  if (scan == NULL || scan->tokens[0].kind != AF_JSON_OBJECT)
    {
      g_propagate_error (error, af_gmail_bad_response (_ ("List mailbox changes")));
      return FALSE;
    }

  /* Read from the text's index, not a tree: a page is 500 records of
   * five objects each, of which two strings are wanted. */
  history = af_json_scan_member (scan, 0, "history");
  for (guint i = 0, record = history + 1; i < af_json_scan_length (scan, history); i++, record = scan->tokens[record].next)
    {
      int added = af_json_scan_member (scan, record, "messagesAdded");

      for (guint j = 0, a = added + 1; j < af_json_scan_length (scan, added); j++, a = scan->tokens[a].next)
        {
          int              message = af_json_scan_member (scan, a, "message");
          g_autofree char *id = af_json_scan_dup_string (scan, af_json_scan_member (scan, message, "id"));
          int              labels = af_json_scan_member (scan, message, "labelIds");
          gboolean         skip = FALSE;

          /* A messageAdded record carries the message's labelIds: a draft
           * the account saved (DRAFT) or mail it sent (SENT) is told
           * apart here without reading it.
           * https://developers.google.com/gmail/api/reference/rest/v1/users.history#History */
          if (skip_labels != NULL)
            for (guint k = 0, l = labels + 1; !skip && k < af_json_scan_length (scan, labels); k++, l = scan->tokens[l].next)
              skip = scan_string_in (scan, l, skip_labels);
          if (id != NULL && !skip)
            g_ptr_array_add (ids, g_steal_pointer (&id));
        }
    }

  *history_id = af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "historyId"));
  *next_page_token = af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "nextPageToken"));
  return TRUE;
}

/**
 * af_gmail_parse_history:
 * @data: (array length=size): the answer's text
 * @ids: (element-type utf8): receives the ids of the messages added
 * @history_id: (out) (transfer full) (nullable): the mailbox's historyId
 * @next_page_token: (out) (transfer full) (nullable): %NULL on the last page
 *
 * Reads a users.history.list page.
 *
 * Returns: %FALSE with @error if it is not an answer at all
 */
gboolean
af_gmail_parse_history (const char *data,
                        gsize       size,
                        GPtrArray  *ids,
                        char      **history_id,
                        char      **next_page_token,
                        GError    **error)
{
  g_autoptr (AfJsonScan) scan = af_json_scan_parse (data, size, NULL);

  return parse_history (scan, NULL, ids, history_id, next_page_token, error);
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
 * is not one object with nothing after it, or has no such member, or its
 * value is not a string free of escapes (the full parse says what it is).
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
  const char *found = NULL, *found_end = NULL;

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
      if (wanted && found == NULL)
        {
          if (*value != '"' || memchr (value + 1, '\\', p - 1 - (value + 1)) != NULL)
            return NULL;
          found = value;
          found_end = p - 1;
        }
      p = skip_json_space (p, end);
      if (p < end && *p == '}')
        {
          /* The object ends, and nothing but space after it: an answer
           * with anything else (an error page after it) is left to the
           * full parse, which says what it is. */
          if (found == NULL || skip_json_space (p + 1, end) != end)
            return NULL;
          return g_strndup (found + 1, found_end - (found + 1));
        }
      if (p >= end || *p != ',')
        return NULL;
    }
  return NULL;
}

/* A page of users.history.list, read in a worker thread: parsing 500
 * records is a few milliseconds of the main loop otherwise, while the
 * reads of the page before and the next page's request wait. */
typedef struct
{
  AfHttpResponse *response;
  GStrv           skip_labels;
  char           *asked; /* the next page, asked before this one was read */
  GPtrArray      *ids;
  char           *history_id;
  char           *next;
  GError         *error;
} HistoryPage;

static void
history_page_free (gpointer data)
{
  HistoryPage *page = data;

  g_clear_pointer (&page->response, af_http_response_free);
  g_strfreev (page->skip_labels);
  g_free (page->asked);
  g_clear_pointer (&page->ids, g_ptr_array_unref);
  g_free (page->history_id);
  g_free (page->next);
  g_clear_error (&page->error);
  g_free (page);
}

/* An answer that came while the page before it was still being read:
 * dealt with once that one's ids are told, in order. */
struct _HistoryAnswer
{
  GTask          *task;
  AfHttpResponse *response;
  GError         *error;
};

/* Reads @page: its ids, the historyId, the next page. */
static void
history_page_parse (HistoryPage *page)
{
  g_autoptr (AfJsonScan) scan = NULL;
  const char *data;
  gsize       size = 0;

  data = g_bytes_get_data (page->response->body, &size);
  page->ids = g_ptr_array_new_with_free_func (g_free);
  if (data == NULL || (scan = af_json_scan_parse (data, size, NULL)) == NULL)
    page->error = g_error_new (AF_ERROR, AF_ERROR_BAD_RESPONSE, _ ("The answer to “%s” from %s could not be read. Try again later."),
                               _ ("List mailbox changes"), _ ("Gmail"));
  else
    parse_history (scan, (const char *const *)page->skip_labels, page->ids, &page->history_id, &page->next, &page->error);
  /* What was asked for must be the page the answer names. */
  if (page->error == NULL && page->asked != NULL && g_strcmp0 (page->asked, page->next) != 0)
    page->error = af_gmail_bad_response (_ ("List mailbox changes"));
  g_clear_pointer (&page->response, af_http_response_free);
}

static void
read_history_page_thread (GTask        *read,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  history_page_parse (task_data);
  g_task_return_boolean (read, TRUE);
}

static void
history_answer_drop (HistoryAnswer *answer)
{
  if (answer == NULL)
    return;
  g_object_unref (answer->task);
  g_clear_pointer (&answer->response, af_http_response_free);
  g_clear_error (&answer->error);
  g_free (answer);
}

static void history_answer (GTask          *task,
                            AfHttpResponse *response,
                            GError         *error);

static void
history_fail (GTask  *task,
              GError *error)
{
  SyncOp *op = g_task_get_task_data (task);

  /* Answers still out find the sync over. */
  op->failed = TRUE;
  g_task_return_error (task, error);
}

/* Back on the main thread: the page's ids are told, then the next answer
 * (if it came meanwhile) is dealt with. */
static void
history_page_read (GTask       *task_ref,
                   HistoryPage *page)
{
  g_autoptr (GTask) task = task_ref;
  SyncOp        *op = g_task_get_task_data (task);
  HistoryAnswer *queued = g_steal_pointer (&op->queued);

  op->reading = FALSE;
  if (op->failed)
    {
      history_answer_drop (queued);
      return;
    }
  if (page->error != NULL)
    {
      /* The next page's answer goes with the sync. */
      history_answer_drop (queued);
      history_fail (task, g_steal_pointer (&page->error));
      return;
    }

  sync_add_page (op, page->ids);
  if (page->history_id != NULL)
    {
      g_free (op->result->history_id);
      op->result->history_id = g_steal_pointer (&page->history_id);
    }

  if (page->next != NULL)
    {
      /* Not found by the quick look: asked only now. */
      if (page->asked == NULL)
        sync_history_page (g_object_ref (task), page->next);
      if (queued != NULL)
        {
          history_answer (queued->task, queued->response, queued->error);
          g_free (queued);
        }
      return;
    }

  if (op->result->history_id == NULL)
    op->result->history_id = g_strdup (op->start_history_id);
  g_task_return_pointer (task, g_steal_pointer (&op->result), (GDestroyNotify)af_gmail_sync_result_free);
}

static void
on_history_page_read_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  history_page_read (user_data, g_task_get_task_data (G_TASK (result)));
}

/* An answer to a page, in order: takes @task's reference, @response and
 * @error. */
static void
history_answer (GTask          *task,
                AfHttpResponse *response,
                GError         *error)
{
  SyncOp      *op = g_task_get_task_data (task);
  HistoryPage *page;
  g_autoptr (GTask) read = NULL;
  const char *data;
  gsize       size = 0;

  if (op->failed)
    {
      g_clear_pointer (&response, af_http_response_free);
      g_clear_error (&error);
      g_object_unref (task);
      return;
    }

  if (response == NULL)
    {
      /* 404: the stored historyId is too old; Gmail keeps about a week,
       * sometimes much less, and then "your client must perform a full
       * sync": https://developers.google.com/gmail/api/guides/sync */
      if (g_error_matches (error, AF_ERROR, AF_ERROR_NOT_FOUND))
        {
          g_error_free (error);
          sync_full (task);
        }
      else
        {
          history_fail (task, error);
          g_object_unref (task);
        }
      return;
    }

  /* The next page is asked for before this one is even parsed, so that
   * it is on its way meanwhile: the pages come one after the other. The
   * one after that only once this one's ids are told (see
   * on_sync_history_cb): the reads of a page go out before the listing
   * runs further ahead. */
  page = g_new0 (HistoryPage, 1);
  page->response = response;
  page->skip_labels = g_strdupv (op->skip_labels);
  data = g_bytes_get_data (response->body, &size);
  page->asked = data != NULL ? af_gmail_json_top_string (data, size, "nextPageToken") : NULL;
  if (page->asked != NULL)
    sync_history_page (g_object_ref (task), page->asked);

  if (op->pages_read++ == 0)
    {
      /* The first page is read here and now: the main loop has nothing
       * else to do yet, and the first reads go out at once, well before
       * the page after next is asked. */
      history_page_parse (page);
      history_page_read (task, page);
      history_page_free (page);
      return;
    }
  op->reading = TRUE;
  read = g_task_new (NULL, NULL, on_history_page_read_cb, task);
  g_task_set_source_tag (read, read_history_page_thread);
  g_task_set_task_data (read, page, history_page_free);
  g_task_run_in_thread (read, read_history_page_thread);
}

static void
on_sync_history_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask          *task = user_data;
  SyncOp         *op = g_task_get_task_data (task);
  GError         *error = NULL;
  AfHttpResponse *response = af_http_client_request_finish (AF_HTTP_CLIENT (object), result, &error);

  if (op->reading && !op->failed)
    {
      /* The page before is still being read: this one waits its turn. */
      HistoryAnswer *queued = g_new0 (HistoryAnswer, 1);

      g_assert (op->queued == NULL);
      queued->task = task;
      queued->response = response;
      queued->error = error;
      op->queued = queued;
      return;
    }
  history_answer (task, response, error);
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
