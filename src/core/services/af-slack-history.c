/* af-slack-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finding a message AgentFlow posted by its metadata: a channel's
 * conversations.history, page after page, with include_all_metadata.
 */

#define G_LOG_DOMAIN "af-slack-client"

#include "config.h"

#include <glib/gi18n.h>

#include "af-error.h"
#include "af-json-private.h"
#include "af-slack-client.h"
#include "af-slack-client-private.h"

void
af_slack_history_page_free (AfSlackHistoryPage *page)
{
  g_clear_pointer (&page->messages, json_array_unref);
  g_free (page->next_cursor);
  g_free (page);
}

gpointer
af_slack_parse_history (JsonObject *o)
{
  AfSlackHistoryPage *page = g_new0 (AfSlackHistoryPage, 1);
  JsonArray          *messages = af_json_get_array (o, "messages");
  const char         *cursor = af_slack_json_str (af_json_get_object (o, "response_metadata"), "next_cursor");

  page->messages = messages != NULL ? json_array_ref (messages) : json_array_new ();
  if (cursor != NULL && *cursor != '\0')
    page->next_cursor = g_strdup (cursor);
  return page;
}

/**
 * af_slack_history_page_find:
 *
 * Returns: (nullable): the ts of the first message of @page whose
 *   metadata is of @event_type with @member set to @value ("" if it has
 *   no ts), or %NULL
 */
const char *
af_slack_history_page_find (AfSlackHistoryPage *page,
                            const char         *event_type,
                            const char         *member,
                            const char         *value)
{
  for (guint i = 0; i < json_array_get_length (page->messages); i++)
    {
      JsonObject *message = af_json_array_get_object (page->messages, i);
      JsonObject *metadata = af_json_get_object (message, "metadata");
      JsonObject *payload = af_json_get_object (metadata, "event_payload");

      if (payload != NULL && g_strcmp0 (af_slack_json_str (metadata, "event_type"), event_type) == 0 &&
          g_strcmp0 (af_slack_json_str (payload, member), value) == 0)
        return af_slack_json_str (message, "ts") ? af_slack_json_str (message, "ts") : "";
    }
  return NULL;
}

/* Enough for any channel's last days of messages, and bounded. */
#define HISTORY_MAX_PAGES 25

typedef struct
{
  char  *channel;
  char  *event_type;
  char  *member;
  char  *value;
  gint64 oldest;
  guint  pages;
} FindOp;

static void
find_op_free (gpointer data)
{
  FindOp *op = data;

  g_free (op->channel);
  g_free (op->event_type);
  g_free (op->member);
  g_free (op->value);
  g_free (op);
}

static void history_page (GTask      *task,
                          const char *channel_id,
                          const char *cursor);

static void
on_history_page_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  FindOp             *op = g_task_get_task_data (task);
  GError             *error = NULL;
  AfSlackHistoryPage *page = g_task_propagate_pointer (G_TASK (result), &error);
  const char         *channel_id = g_object_get_data (G_OBJECT (task), "channel-id");
  const char         *ts;

  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ts = af_slack_history_page_find (page, op->event_type, op->member, op->value);
  if (ts != NULL)
    g_task_return_pointer (task, g_strdup (ts), g_free);
  else if (page->next_cursor != NULL && ++op->pages < HISTORY_MAX_PAGES)
    history_page (g_steal_pointer (&task), channel_id, page->next_cursor);
  else
    g_task_return_pointer (task, NULL, NULL);
  af_slack_history_page_free (page);
}

static void
history_page (GTask      *task,
              const char *channel_id,
              const char *cursor)
{
  AfSlackClient   *self = g_task_get_source_object (task);
  FindOp          *op = g_task_get_task_data (task);
  g_autofree char *c = g_uri_escape_string (channel_id, NULL, FALSE);
  GString         *query = g_string_new (NULL);

  g_string_append_printf (query, "channel=%s&include_all_metadata=true&limit=%u", c, AF_SLACK_PAGE_LIMIT);
  if (op->oldest > 0)
    g_string_append_printf (query, "&oldest=%" G_GINT64_FORMAT ".000000", op->oldest);
  if (cursor != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

      g_string_append_printf (query, "&cursor=%s", escaped);
    }
  af_slack_client_call_api (self, "slack.conversations.history", query->str, NULL, op->channel, af_slack_parse_history, history_page,
                            g_task_get_cancellable (task), on_history_page_cb, task);
  g_string_free (query, TRUE);
}

static void
on_find_channels_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  FindOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) channels = af_slack_client_list_conversations_finish (AF_SLACK_CLIENT (object), result, &error);
  const char *name = op->channel[0] == '#' ? op->channel + 1 : op->channel;

  if (channels == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < channels->len; i++)
    {
      AfSlackChannel *c = g_ptr_array_index (channels, i);

      if (g_strcmp0 (c->name, name) == 0)
        {
          g_object_set_data_full (G_OBJECT (task), "channel-id", g_strdup (c->id), g_free);
          history_page (g_steal_pointer (&task), c->id, NULL);
          return;
        }
    }
  g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("Slack could not find “%s”."), op->channel);
}

static gboolean
is_conversation_id (const char *channel)
{
  if (channel[0] != 'C' && channel[0] != 'G' && channel[0] != 'D')
    return FALSE;
  for (const char *p = channel; *p; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/**
 * af_slack_client_find_by_metadata_async:
 * @channel: a conversation id, or a channel name ("#general")
 * @event_type: the metadata's event_type
 * @member: a member of its event_payload, e.g. "key"
 * @value: the value @member must have
 * @oldest: (optional): look no further back than this (Unix seconds), 0
 *   for no bound
 *
 * Reads @channel's history with include_all_metadata=true, newest first,
 * for a message whose metadata matches.
 */
void
af_slack_client_find_by_metadata_async (AfSlackClient      *self,
                                        const char         *channel,
                                        const char         *event_type,
                                        const char         *member,
                                        const char         *value,
                                        gint64              oldest,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data)
{
  GTask  *task;
  FindOp *op;

  g_return_if_fail (AF_IS_SLACK_CLIENT (self));
  g_return_if_fail (channel != NULL && event_type != NULL && member != NULL && value != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_slack_client_find_by_metadata_async);
  op = g_new0 (FindOp, 1);
  op->channel = g_strdup (channel);
  op->event_type = g_strdup (event_type);
  op->member = g_strdup (member);
  op->value = g_strdup (value);
  op->oldest = oldest;
  g_task_set_task_data (task, op, find_op_free);

  /* conversations.history takes only ids; chat.postMessage names too. */
  if (is_conversation_id (channel))
    {
      g_object_set_data_full (G_OBJECT (task), "channel-id", g_strdup (channel), g_free);
      history_page (task, channel, NULL);
    }
  else
    af_slack_client_list_conversations_async (self, NULL, cancellable, on_find_channels_cb, task);
}

/**
 * af_slack_client_find_by_metadata_finish:
 *
 * Returns: (transfer full) (nullable): the matching message's ts; %NULL
 *   with @error unset when there is none
 */
char *
af_slack_client_find_by_metadata_finish (AfSlackClient *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return af_slack_client_finish_pointer (self, result, af_slack_client_find_by_metadata_async, error);
}
