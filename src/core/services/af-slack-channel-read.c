/* af-slack-channel-read.c — reading new messages of a channel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-slack-client"

#include "config.h"

#include "af-json-private.h"
#include "af-slack-client-private.h"
#include "af-slack-client.h"

/* conversations.history answers newest first, at most `limit` messages a
 * page (up to 999), between `oldest` and `latest`, both exclusive unless
 * `inclusive`; with more to read, `has_more` and a
 * response_metadata.next_cursor to pass as `cursor`
 * (https://docs.slack.dev/reference/methods/conversations.history,
 * https://api.slack.com/docs/pagination). */
#define HISTORY_PAGE_LIMIT 200

typedef struct
{
  char      *channel;
  char      *oldest;
  guint      max_messages;
  GPtrArray *messages; /* JsonObject, newest first while reading */
} HistoryOp;

static void
history_op_free (gpointer data)
{
  HistoryOp *op = data;

  g_free (op->channel);
  g_free (op->oldest);
  g_ptr_array_unref (op->messages);
  g_free (op);
}

static void read_page (GTask      *task,
                       const char *cursor);

static void
on_page_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  HistoryOp          *op = g_task_get_task_data (task);
  GError             *error = NULL;
  AfSlackHistoryPage *page = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean            full;

  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (page->messages) && op->messages->len < op->max_messages; i++)
    {
      JsonObject *message = af_json_array_get_object (page->messages, i);

      if (message != NULL && af_json_get_string (message, "ts", NULL) != NULL)
        g_ptr_array_add (op->messages, json_object_ref (message));
    }
  full = op->messages->len >= op->max_messages;
  if (page->next_cursor != NULL && !full)
    read_page (g_steal_pointer (&task), page->next_cursor);
  else
    {
      /* Oldest first: the order they were written in.
       * (g_ptr_array_reverse() is GLib 2.76, above our floor.) */
      GPtrArray *messages = g_ptr_array_new_full (op->messages->len, (GDestroyNotify)json_object_unref);

      for (guint i = op->messages->len; i > 0; i--)
        g_ptr_array_add (messages, json_object_ref (g_ptr_array_index (op->messages, i - 1)));
      g_task_return_pointer (task, messages, (GDestroyNotify)g_ptr_array_unref);
    }
  af_slack_history_page_free (page);
}

static void
read_page (GTask      *task,
           const char *cursor)
{
  AfSlackClient   *self = g_task_get_source_object (task);
  HistoryOp       *op = g_task_get_task_data (task);
  g_autofree char *channel = g_uri_escape_string (op->channel, NULL, FALSE);
  g_autoptr (GString) query = g_string_new (NULL);

  g_string_append_printf (query, "channel=%s&include_all_metadata=true&limit=%u", channel,
                          MIN (HISTORY_PAGE_LIMIT, op->max_messages));
  if (op->oldest != NULL)
    {
      g_autofree char *oldest = g_uri_escape_string (op->oldest, NULL, FALSE);

      g_string_append_printf (query, "&oldest=%s", oldest);
    }
  if (cursor != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

      g_string_append_printf (query, "&cursor=%s", escaped);
    }
  af_slack_client_call_api (self, "slack.conversations.history", query->str, NULL, op->channel, af_slack_parse_history,
                            af_slack_client_history_async, g_task_get_cancellable (task), on_page_cb, task);
}

/**
 * af_slack_client_history_async:
 * @channel: a conversation id ("C0123")
 * @oldest: (nullable): the ts of the last message already read
 * @max_messages: at most this many messages; Slack lists the newest
 *   first, so of a longer backlog the newest are kept
 *
 * Reads the messages written in @channel after @oldest.
 */
void
af_slack_client_history_async (AfSlackClient      *self,
                               const char         *channel,
                               const char         *oldest,
                               guint               max_messages,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  GTask     *task;
  HistoryOp *op;

  g_return_if_fail (AF_IS_SLACK_CLIENT (self));
  g_return_if_fail (channel != NULL);
  g_return_if_fail (max_messages > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_slack_client_history_async);
  op = g_new0 (HistoryOp, 1);
  op->channel = g_strdup (channel);
  op->oldest = oldest != NULL && *oldest != '\0' ? g_strdup (oldest) : NULL;
  op->max_messages = max_messages;
  op->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_task_set_task_data (task, op, history_op_free);
  read_page (task, NULL);
}

/**
 * af_slack_client_history_finish:
 *
 * Returns: (transfer container) (element-type JsonObject): the messages,
 *   oldest first, as Slack shows them
 */
GPtrArray *
af_slack_client_history_finish (AfSlackClient *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_slack_client_history_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
