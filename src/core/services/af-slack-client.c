/* af-slack-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-slack-client"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-source.h"
#include "af-error.h"
#include "af-json-private.h"
#include "af-slack-client.h"
#include "af-slack-client-private.h"

#define DEFAULT_POST_INTERVAL_MS 1000

struct _AfSlackClient
{
  GObject parent_instance;

  AfHttpClient  *http;
  AfTokenSource *tokens;
  char          *base_url;
  GHashTable    *channels; /* channel id → PostChannel: its posts, one at a time */
  guint          post_interval_ms;
};

G_DEFINE_FINAL_TYPE (AfSlackClient, af_slack_client, G_TYPE_OBJECT)

void
af_slack_identity_free (AfSlackIdentity *identity)
{
  if (identity == NULL)
    return;

  g_free (identity->team_id);
  g_free (identity->team);
  g_free (identity->user_id);
  g_free (identity->user);
  g_free (identity->url);
  g_free (identity);
}

void
af_slack_channel_free (AfSlackChannel *channel)
{
  if (channel == NULL)
    return;

  g_free (channel->id);
  g_free (channel->name);
  g_free (channel);
}

void
af_slack_user_free (AfSlackUser *user)
{
  if (user == NULL)
    return;

  g_free (user->id);
  g_free (user->name);
  g_free (user->real_name);
  g_free (user->email);
  g_free (user);
}

const char *
af_slack_json_str (JsonObject *object,
                   const char *member)
{
  return af_json_get_string (object, member, NULL);
}

/* Slack answers HTTP 200 with {"ok": false, "error": "code"}. */
static GError *
slack_error (const AfServiceMethod *method,
             const char            *code,
             const char            *target)
{
  const char *t = target ? target : "";

  if (g_strcmp0 (code, "channel_not_found") == 0)
    return g_error_new (AF_ERROR, AF_ERROR_NOT_FOUND,
                        _ ("Slack could not find the channel “%s” to “%s”. Check the channel, or invite the app to it."),
                        t, _ (method->label));
  if (g_strcmp0 (code, "not_in_channel") == 0)
    return g_error_new (AF_ERROR, AF_ERROR_PERMISSION_DENIED,
                        _ ("The AgentFlow app is not a member of “%s”, so it cannot “%s”. Invite it with /invite in that channel."),
                        t, _ (method->label));
  if (g_strcmp0 (code, "invalid_auth") == 0 || g_strcmp0 (code, "not_authed") == 0 ||
      g_strcmp0 (code, "token_revoked") == 0 || g_strcmp0 (code, "token_expired") == 0 ||
      g_strcmp0 (code, "account_inactive") == 0)
    return g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                        _ ("Slack did not accept the connection to “%s” (%s). Reconnect Slack in Preferences."),
                        _ (method->label), code);
  if (g_strcmp0 (code, "missing_scope") == 0)
    return g_error_new (AF_ERROR, AF_ERROR_PERMISSION_DENIED,
                        _ ("The Slack connection lacks the permission to “%s”. Reconnect Slack and allow it."),
                        _ (method->label));
  if (g_strcmp0 (code, "ratelimited") == 0)
    return g_error_new (AF_ERROR, AF_ERROR_RATE_LIMITED,
                        _ ("Slack limits how often the app may “%s”. Try again in a minute."), _ (method->label));
  if (g_strcmp0 (code, "users_not_found") == 0 || g_strcmp0 (code, "user_not_found") == 0 ||
      g_strcmp0 (code, "message_not_found") == 0)
    return g_error_new (AF_ERROR, AF_ERROR_NOT_FOUND,
                        _ ("Slack could not find “%s” to “%s”."), t, _ (method->label));

  return g_error_new (AF_ERROR, AF_ERROR_FAILED, _ ("Slack refused to “%s” (%s)."),
                      _ (method->label), code ? code : "unknown_error");
}

typedef struct
{
  const AfServiceMethod *method;
  AfSlackParseFunc       parse;
  char                  *target;
} CallData;

static void
call_data_free (gpointer data)
{
  CallData *call = data;

  g_free (call->target);
  g_free (call);
}

/**
 * af_slack_parse_answer:
 * @parse: reads the method's own members from an "ok" answer
 *
 * Slack answers HTTP 200 with {"ok": false, "error": "code"} on failure.
 *
 * Returns: (transfer full): what @parse returned, or %NULL and @error
 */
gpointer
af_slack_parse_answer (JsonNode              *root,
                       const AfServiceMethod *method,
                       const char            *target,
                       AfSlackParseFunc       parse,
                       GError               **error)
{
  JsonObject *o;
  gpointer    value;

  if (!JSON_NODE_HOLDS_OBJECT (root) || !json_object_has_member (json_node_get_object (root), "ok"))
    {
      g_set_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                   _ ("Slack sent an unexpected answer to “%s”. Try again later."), _ (method->label));
      return NULL;
    }

  o = json_node_get_object (root);
  if (!af_json_get_boolean (o, "ok", FALSE))
    {
      g_propagate_error (error, slack_error (method, af_slack_json_str (o, "error"), target));
      return NULL;
    }

  value = parse (o);
  if (value == NULL)
    g_set_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                 _ ("Slack sent an unexpected answer to “%s”. Try again later."), _ (method->label));
  return value;
}

static void
on_call_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  CallData *call = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = af_http_client_json_finish (AF_HTTP_CLIENT (object), result, &error);
  gpointer value;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  value = af_slack_parse_answer (root, call->method, call->target, call->parse, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, NULL);
}

/* GET for reads (query string), POST with a JSON body for writes. */
void
af_slack_client_call_api (AfSlackClient      *self,
                          const char         *method_id,
                          const char         *query,
                          JsonNode           *body,
                          const char         *target,
                          AfSlackParseFunc    parse,
                          gpointer            source_tag,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  GTask           *task = g_task_new (self, cancellable, callback, user_data);
  CallData        *call = g_new0 (CallData, 1);
  g_autofree char *url = NULL;

  call->method = af_service_method_lookup (method_id);
  call->parse = parse;
  call->target = g_strdup (target);
  g_assert (call->method != NULL);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, call_data_free);

  url = g_strdup_printf ("%s/%s%s%s", self->base_url, method_id + strlen ("slack."),
                         query ? "?" : "", query ? query : "");
  af_http_client_json_async (self->http, call->method, self->tokens, body ? "POST" : "GET", url, body,
                             cancellable, on_call_cb, task);
}

gpointer
af_slack_client_finish_pointer (gpointer      self,
                                GAsyncResult *result,
                                gpointer      source_tag,
                                GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* auth.test */

gpointer
af_slack_parse_identity (JsonObject *o)
{
  AfSlackIdentity *identity = g_new0 (AfSlackIdentity, 1);

  identity->team_id = g_strdup (af_slack_json_str (o, "team_id"));
  identity->team = g_strdup (af_slack_json_str (o, "team"));
  identity->user_id = g_strdup (af_slack_json_str (o, "user_id"));
  identity->user = g_strdup (af_slack_json_str (o, "user"));
  identity->url = g_strdup (af_slack_json_str (o, "url"));

  return identity;
}

void
af_slack_client_auth_test_async (AfSlackClient      *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr (JsonNode) body = json_node_init_object (json_node_alloc (), json_object_new ());

  g_return_if_fail (AF_IS_SLACK_CLIENT (self));

  json_object_unref (json_node_get_object (body));
  af_slack_client_call_api (self, "slack.auth.test", NULL, body, NULL, af_slack_parse_identity,
                            af_slack_client_auth_test_async, cancellable, callback, user_data);
}

/**
 * af_slack_client_auth_test_finish:
 *
 * Returns: (transfer full): who the token belongs to
 */
AfSlackIdentity *
af_slack_client_auth_test_finish (AfSlackClient *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return af_slack_client_finish_pointer (self, result, af_slack_client_auth_test_async, error);
}

/* conversations.list */

gpointer
af_slack_parse_channel_page (JsonObject *o)
{
  AfSlackChannelPage *page = g_new0 (AfSlackChannelPage, 1);
  JsonArray          *array = af_json_get_array (o, "channels");
  const char         *cursor;

  page->channels = g_ptr_array_new_with_free_func ((GDestroyNotify)af_slack_channel_free);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject     *c = af_json_array_get_object (array, i);
      AfSlackChannel *channel;

      /* Channels are posted to by id: one without is none. */
      if (af_slack_json_str (c, "id") == NULL)
        continue;
      channel = g_new0 (AfSlackChannel, 1);
      channel->id = g_strdup (af_slack_json_str (c, "id"));
      channel->name = g_strdup (af_slack_json_str (c, "name"));
      channel->is_private = af_json_get_boolean (c, "is_private", FALSE);
      channel->is_member = af_json_get_boolean (c, "is_member", FALSE);
      channel->is_im = af_json_get_boolean (c, "is_im", FALSE);
      g_ptr_array_add (page->channels, channel);
    }

  /* The last page says "next_cursor": "". */
  cursor = af_slack_json_str (af_json_get_object (o, "response_metadata"), "next_cursor");
  if (cursor != NULL && *cursor != '\0')
    page->next_cursor = g_strdup (cursor);

  return page;
}

typedef struct
{
  char      *types;
  GPtrArray *channels;
} ListOp;

static void
list_op_free (gpointer data)
{
  ListOp *op = data;

  g_free (op->types);
  g_clear_pointer (&op->channels, g_ptr_array_unref);
  g_free (op);
}

static void list_page (GTask      *task,
                       const char *cursor);

static void
on_list_page_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ListOp             *op = g_task_get_task_data (task);
  GError             *error = NULL;
  AfSlackChannelPage *page = g_task_propagate_pointer (G_TASK (result), &error);

  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_ptr_array_extend_and_steal (op->channels, g_steal_pointer (&page->channels));
  if (page->next_cursor != NULL)
    list_page (g_steal_pointer (&task), page->next_cursor);
  else
    g_task_return_pointer (task, g_steal_pointer (&op->channels), (GDestroyNotify)g_ptr_array_unref);

  g_free (page->next_cursor);
  g_free (page);
}

static void
list_page (GTask      *task,
           const char *cursor)
{
  AfSlackClient   *self = g_task_get_source_object (task);
  ListOp          *op = g_task_get_task_data (task);
  g_autofree char *types = g_uri_escape_string (op->types, NULL, FALSE);
  g_autofree char *query = NULL;

  if (cursor != NULL)
    {
      g_autofree char *c = g_uri_escape_string (cursor, NULL, FALSE);
      query = g_strdup_printf ("types=%s&exclude_archived=true&limit=%u&cursor=%s", types, AF_SLACK_PAGE_LIMIT, c);
    }
  else
    query = g_strdup_printf ("types=%s&exclude_archived=true&limit=%u", types, AF_SLACK_PAGE_LIMIT);

  af_slack_client_call_api (self, "slack.conversations.list", query, NULL, NULL, af_slack_parse_channel_page, list_page,
                            g_task_get_cancellable (task), on_list_page_cb, task);
}

void
af_slack_client_list_conversations_async (AfSlackClient      *self,
                                          const char         *types,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data)
{
  GTask  *task;
  ListOp *op;

  g_return_if_fail (AF_IS_SLACK_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_slack_client_list_conversations_async);
  op = g_new0 (ListOp, 1);
  op->types = g_strdup (types ? types : "public_channel,private_channel");
  op->channels = g_ptr_array_new_with_free_func ((GDestroyNotify)af_slack_channel_free);
  g_task_set_task_data (task, op, list_op_free);
  list_page (task, NULL);
}

/**
 * af_slack_client_list_conversations_finish:
 *
 * Returns: (transfer full) (element-type AfSlackChannel): every page
 */
GPtrArray *
af_slack_client_list_conversations_finish (AfSlackClient *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  return af_slack_client_finish_pointer (self, result, af_slack_client_list_conversations_async, error);
}

/* conversations.open */

gpointer
af_slack_parse_open (JsonObject *o)
{
  JsonObject *channel = af_json_get_object (o, "channel");

  return g_strdup (af_slack_json_str (channel, "id"));
}

void
af_slack_client_open_conversation_async (AfSlackClient      *self,
                                         const char         *user_id,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data)
{
  g_autoptr (JsonNode) body = NULL;
  JsonObject *o;

  g_return_if_fail (AF_IS_SLACK_CLIENT (self));
  g_return_if_fail (user_id != NULL);

  o = json_object_new ();
  json_object_set_string_member (o, "users", user_id);
  body = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  af_slack_client_call_api (self, "slack.conversations.open", NULL, body, user_id, af_slack_parse_open,
                            af_slack_client_open_conversation_async, cancellable, callback, user_data);
}

/**
 * af_slack_client_open_conversation_finish:
 *
 * Returns: (transfer full): the DM channel id ("D…")
 */
char *
af_slack_client_open_conversation_finish (AfSlackClient *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return af_slack_client_finish_pointer (self, result, af_slack_client_open_conversation_async, error);
}

/* users.lookupByEmail */

gpointer
af_slack_parse_user (JsonObject *o)
{
  JsonObject  *u = af_json_get_object (o, "user");
  JsonObject  *profile = af_json_get_object (u, "profile");
  AfSlackUser *user;

  if (u == NULL || af_slack_json_str (u, "id") == NULL)
    return NULL;

  user = g_new0 (AfSlackUser, 1);
  user->id = g_strdup (af_slack_json_str (u, "id"));
  user->name = g_strdup (af_slack_json_str (u, "name"));
  user->real_name = g_strdup (af_slack_json_str (u, "real_name") ? af_slack_json_str (u, "real_name") : af_slack_json_str (profile, "real_name"));
  user->email = g_strdup (af_slack_json_str (profile, "email"));

  return user;
}

void
af_slack_client_lookup_user_by_email_async (AfSlackClient      *self,
                                            const char         *email,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *query = NULL;

  g_return_if_fail (AF_IS_SLACK_CLIENT (self));
  g_return_if_fail (email != NULL);

  escaped = g_uri_escape_string (email, NULL, FALSE);
  query = g_strdup_printf ("email=%s", escaped);
  af_slack_client_call_api (self, "slack.users.lookupByEmail", query, NULL, email, af_slack_parse_user,
                            af_slack_client_lookup_user_by_email_async, cancellable, callback, user_data);
}

/**
 * af_slack_client_lookup_user_by_email_finish:
 *
 * Returns: (transfer full): the user (AF_ERROR_NOT_FOUND: users_not_found)
 */
AfSlackUser *
af_slack_client_lookup_user_by_email_finish (AfSlackClient *self,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  return af_slack_client_finish_pointer (self, result, af_slack_client_lookup_user_by_email_async, error);
}

/* chat.postMessage */

/* The message's ts and the ID of the channel it went to: a post may name
 * the channel by name, but chat.getPermalink wants its ID, which the
 * answer carries (https://api.slack.com/methods/chat.postMessage). */
gpointer
af_slack_parse_post (JsonObject *o)
{
  const char *ts = af_slack_json_str (o, "ts");
  char      **posted;

  if (ts == NULL)
    return NULL;
  posted = g_new0 (char *, 3);
  posted[0] = g_strdup (ts);
  posted[1] = g_strdup (af_slack_json_str (o, "channel") ? af_slack_json_str (o, "channel") : "");
  return posted;
}

typedef struct
{
  AfSlackClient *self;
  JsonNode      *body;
  char          *channel;
  GTask         *task;
} PendingPost;

/* The posts to one channel go out one after the other, each at least the
 * interval after Slack answered the one before: pacing from the answer,
 * not from when the request left, keeps the gap on Slack's side too when
 * this machine or the network is slow. */
typedef struct
{
  AfSlackClient *self;
  char          *id;
  GQueue         waiting;
  gboolean       busy;
  gint64         not_before; /* monotonic µs */
  guint          timer_id;
} PostChannel;

static void pump_channel (PostChannel *channel);

static void
pending_post_free (PendingPost *post)
{
  g_clear_pointer (&post->body, json_node_unref);
  g_free (post->channel);
  g_clear_object (&post->task);
  g_object_unref (post->self);
  g_free (post);
}

static void
post_channel_free (PostChannel *channel)
{
  g_clear_handle_id (&channel->timer_id, g_source_remove);
  g_queue_clear_full (&channel->waiting, (GDestroyNotify)pending_post_free);
  g_free (channel->id);
  g_free (channel);
}

static void
on_post_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  PendingPost *post = user_data;
  PostChannel *channel = g_hash_table_lookup (post->self->channels, post->channel);
  GError      *error = NULL;
  char       **posted = g_task_propagate_pointer (G_TASK (result), &error);

  if (posted == NULL)
    g_task_return_error (post->task, error);
  else
    g_task_return_pointer (post->task, posted, (GDestroyNotify)g_strfreev);

  if (channel != NULL)
    {
      channel->busy = FALSE;
      channel->not_before = g_get_monotonic_time () + (gint64)post->self->post_interval_ms * 1000;
      pump_channel (channel);
    }
  pending_post_free (post);
}

static gboolean
on_channel_timer_cb (gpointer user_data)
{
  PostChannel *channel = user_data;

  channel->timer_id = 0;
  pump_channel (channel);
  return G_SOURCE_REMOVE;
}

static void
pump_channel (PostChannel *channel)
{
  PendingPost *post;
  gint64       now = g_get_monotonic_time ();

  if (channel->busy || channel->timer_id != 0 || g_queue_is_empty (&channel->waiting))
    return;
  if (now < channel->not_before)
    {
      channel->timer_id = af_timeout_add_named ((guint)((channel->not_before - now + 999) / 1000),
                                                "[agentflow] slack post due", on_channel_timer_cb, channel);
      return;
    }

  post = g_queue_pop_head (&channel->waiting);
  channel->busy = TRUE;
  af_slack_client_call_api (post->self, "slack.chat.postMessage", NULL, post->body, post->channel, af_slack_parse_post,
                            pump_channel, g_task_get_cancellable (post->task), on_post_cb, post);
}

static void post_message (AfSlackClient      *self,
                          const char         *channel,
                          const char         *text,
                          JsonNode           *blocks,
                          const char         *thread_ts,
                          const char         *event_type,
                          JsonObject         *event_payload,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data);

void
af_slack_client_post_message_async (AfSlackClient      *self,
                                    const char         *channel,
                                    const char         *text,
                                    JsonNode           *blocks,
                                    const char         *thread_ts,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_return_if_fail (AF_IS_SLACK_CLIENT (self));
  g_return_if_fail (channel != NULL);
  g_return_if_fail (text != NULL);

  post_message (self, channel, text, blocks, thread_ts, NULL, NULL, cancellable, callback, user_data);
}

/**
 * af_slack_client_post_message_with_metadata_async:
 * @event_type: the metadata's event_type, e.g. "agentflow_action"
 * @event_payload: its event_payload
 *
 * chat.postMessage with message metadata, which conversations.history
 * returns with include_all_metadata=true. Finish with
 * af_slack_client_post_message_finish().
 */
void
af_slack_client_post_message_with_metadata_async (AfSlackClient      *self,
                                                  const char         *channel,
                                                  const char         *text,
                                                  JsonNode           *blocks,
                                                  const char         *thread_ts,
                                                  const char         *event_type,
                                                  JsonObject         *event_payload,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data)
{
  g_return_if_fail (AF_IS_SLACK_CLIENT (self));
  g_return_if_fail (channel != NULL);
  g_return_if_fail (text != NULL);
  g_return_if_fail (event_type != NULL && event_payload != NULL);

  post_message (self, channel, text, blocks, thread_ts, event_type, event_payload, cancellable, callback,
                user_data);
}

static void
post_message (AfSlackClient      *self,
              const char         *channel,
              const char         *text,
              JsonNode           *blocks,
              const char         *thread_ts,
              const char         *event_type,
              JsonObject         *event_payload,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  PendingPost *post;
  PostChannel *queue;
  JsonObject  *o;

  o = json_object_new ();
  json_object_set_string_member (o, "channel", channel);
  /* Always a text: it is the notification and accessibility fallback. */
  json_object_set_string_member (o, "text", text);
  if (blocks != NULL)
    json_object_set_member (o, "blocks", json_node_copy (blocks));
  if (thread_ts != NULL)
    json_object_set_string_member (o, "thread_ts", thread_ts);
  if (event_type != NULL)
    {
      JsonObject *metadata = json_object_new ();

      json_object_set_string_member (metadata, "event_type", event_type);
      json_object_set_object_member (metadata, "event_payload", json_object_ref (event_payload));
      json_object_set_object_member (o, "metadata", metadata);
    }

  post = g_new0 (PendingPost, 1);
  post->self = g_object_ref (self);
  post->body = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  post->channel = g_strdup (channel);
  post->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (post->task, af_slack_client_post_message_async);

  /* Slack allows about one message per second per channel: pace here
   * rather than collect 429s. */
  queue = g_hash_table_lookup (self->channels, channel);
  if (queue == NULL)
    {
      queue = g_new0 (PostChannel, 1);
      queue->self = self;
      queue->id = g_strdup (channel);
      g_queue_init (&queue->waiting);
      g_hash_table_insert (self->channels, queue->id, queue);
    }
  g_queue_push_tail (&queue->waiting, post);
  pump_channel (queue);
}

/**
 * af_slack_client_post_message_finish:
 *
 * Returns: (transfer full): the message's ts
 */
char *
af_slack_client_post_message_finish (AfSlackClient *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return af_slack_client_post_message_finish_full (self, result, NULL, error);
}

/**
 * af_slack_client_post_message_finish_full:
 * @channel_id: (out) (optional): the ID of the channel the message went to
 *
 * Returns: (transfer full): the message's ts
 */
char *
af_slack_client_post_message_finish_full (AfSlackClient *self,
                                          GAsyncResult  *result,
                                          char         **channel_id,
                                          GError       **error)
{
  g_auto (GStrv) posted = af_slack_client_finish_pointer (self, result, af_slack_client_post_message_async, error);

  if (posted == NULL)
    return NULL;
  if (channel_id != NULL)
    *channel_id = g_strdup (posted[1]);
  return g_strdup (posted[0]);
}

/* chat.getPermalink */

gpointer
af_slack_parse_permalink (JsonObject *o)
{
  return g_strdup (af_slack_json_str (o, "permalink"));
}

void
af_slack_client_get_permalink_async (AfSlackClient      *self,
                                     const char         *channel,
                                     const char         *ts,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  g_autofree char *c = NULL;
  g_autofree char *t = NULL;
  g_autofree char *query = NULL;

  g_return_if_fail (AF_IS_SLACK_CLIENT (self));
  g_return_if_fail (channel != NULL && ts != NULL);

  c = g_uri_escape_string (channel, NULL, FALSE);
  t = g_uri_escape_string (ts, NULL, FALSE);
  query = g_strdup_printf ("channel=%s&message_ts=%s", c, t);
  af_slack_client_call_api (self, "slack.chat.getPermalink", query, NULL, channel, af_slack_parse_permalink,
                            af_slack_client_get_permalink_async, cancellable, callback, user_data);
}

/**
 * af_slack_client_get_permalink_finish:
 *
 * Returns: (transfer full): the message's permalink
 */
char *
af_slack_client_get_permalink_finish (AfSlackClient *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return af_slack_client_finish_pointer (self, result, af_slack_client_get_permalink_async, error);
}

/* GObject */

static void
af_slack_client_finalize (GObject *object)
{
  AfSlackClient *self = (AfSlackClient *)object;

  g_clear_object (&self->http);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->channels, g_hash_table_unref);

  G_OBJECT_CLASS (af_slack_client_parent_class)->finalize (object);
}

static void
af_slack_client_class_init (AfSlackClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_slack_client_finalize;
}

static void
af_slack_client_init (AfSlackClient *self)
{
  self->channels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)post_channel_free);
  self->post_interval_ms = DEFAULT_POST_INTERVAL_MS;
}

/**
 * af_slack_client_new:
 * @base_url: (nullable): %NULL for https://slack.com/api
 */
AfSlackClient *
af_slack_client_new (AfHttpClient  *http,
                     AfTokenSource *tokens,
                     const char    *base_url)
{
  AfSlackClient *self;

  g_return_val_if_fail (AF_IS_HTTP_CLIENT (http), NULL);
  g_return_val_if_fail (AF_IS_TOKEN_SOURCE (tokens), NULL);

  self = g_object_new (AF_TYPE_SLACK_CLIENT, NULL);
  self->http = g_object_ref (http);
  self->tokens = g_object_ref (tokens);
  self->base_url = g_strdup (base_url ? base_url : AF_SLACK_DEFAULT_BASE_URL);
  if (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  return self;
}

void
af_slack_client_set_post_interval (AfSlackClient *self,
                                   guint          interval_ms)
{
  g_return_if_fail (AF_IS_SLACK_CLIENT (self));

  self->post_interval_ms = interval_ms;
}
