/* af-services-executor-slack.c — the "slack" source: new messages in
 * the channels an agent reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-services-executor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-error.h"
#include "af-json-private.h"
#include "af-rules.h"
#include "af-services-executor-private.h"
#include "af-sync-cursor-store.h"

/* Which channels: those the agent's rules name ("in channel"); with none
 * named, the channels the app is a member of, the first few. */
#define MAX_MEMBER_CHANNELS 20
/* A run reads at most this many new messages a channel (the newest). */
#define MAX_MESSAGES 200

/* Where each agent got to in each channel: the ts of the newest message
 * it read. A fetch keeps its positions apart until the run commits it,
 * so a failed or dry run never skips messages. */
typedef struct
{
  GHashTable *committed; /* "agent id\x1fchannel id" → ts */
  GHashTable *pending;   /* agent id → Pending */
} SlackState;

typedef struct
{
  gconstpointer items;     /* identifies the fetch: the array it returned */
  GHashTable   *positions; /* channel id → ts */
} Pending;

typedef struct
{
  GPtrArray *channels; /* AfSlackChannel, the ones to read */
  guint      next;
  Pending   *pending;
} SlackFetch;

static void
pending_free (Pending *p)
{
  g_hash_table_unref (p->positions);
  g_free (p);
}

static void
slack_state_free (SlackState *state)
{
  g_hash_table_unref (state->committed);
  g_hash_table_unref (state->pending);
  g_free (state);
}

static void
slack_fetch_free (SlackFetch *fetch)
{
  g_clear_pointer (&fetch->channels, g_ptr_array_unref);
  g_clear_pointer (&fetch->pending, pending_free);
  g_free (fetch);
}

static SlackState *
slack_state (AfServicesExecutor *self)
{
  SlackState *state = g_object_get_data (G_OBJECT (self), "af-slack-state");

  if (state == NULL)
    {
      state = g_new0 (SlackState, 1);
      state->committed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      state->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)pending_free);
      g_object_set_data_full (G_OBJECT (self), "af-slack-state", state, (GDestroyNotify)slack_state_free);
    }
  return state;
}

static const char *
slack_account (AfAgent *agent)
{
  const char *account = af_agent_get_account (agent, "slack");

  return account ? account : "";
}

static char *
cursor_kind (const char *channel_id)
{
  return g_strconcat ("ts:", channel_id, NULL);
}

/* The ts the agent read @channel_id up to, or NULL. */
static char *
committed_position (AfServicesExecutor *self,
                    AfAgent            *agent,
                    const char         *channel_id)
{
  SlackState      *state = slack_state (self);
  g_autofree char *key = g_strconcat (af_agent_get_id (agent), "\x1f", channel_id, NULL);
  g_autofree char *kind = NULL;
  g_autoptr (AfSyncCursorStore) store = NULL;
  g_autoptr (GError) error = NULL;
  char *value = NULL;

  if (g_hash_table_contains (state->committed, key))
    return g_strdup (g_hash_table_lookup (state->committed, key));
  if (self->db == NULL)
    return NULL;
  kind = cursor_kind (channel_id);
  store = af_sync_cursor_store_new (self->db);
  if (!af_sync_cursor_store_lookup (store, "slack", slack_account (agent), kind, af_agent_get_id (agent), &value, NULL,
                                    &error))
    {
      if (error != NULL)
        g_warning ("Could not read where the agent got to in Slack: %s", error->message);
      return NULL;
    }
  g_hash_table_insert (state->committed, g_steal_pointer (&key), g_strdup (value));
  return value;
}

void
af_services_executor_slack_commit (AfServicesExecutor *self,
                                   AfAgent            *agent,
                                   GPtrArray          *items)
{
  SlackState    *state = slack_state (self);
  Pending       *pending = g_hash_table_lookup (state->pending, af_agent_get_id (agent));
  GHashTableIter iter;
  gpointer       channel_id, ts;
  g_autoptr (AfSyncCursorStore) store = NULL;

  /* Only the run's own fetch (see services_commit_fetch()). */
  if (pending == NULL || pending->items != items)
    return;
  if (self->db != NULL)
    store = af_sync_cursor_store_new (self->db);
  g_hash_table_iter_init (&iter, pending->positions);
  while (g_hash_table_iter_next (&iter, &channel_id, &ts))
    {
      g_autofree char *kind = cursor_kind (channel_id);
      g_autoptr (GError) error = NULL;

      g_hash_table_insert (state->committed, g_strconcat (af_agent_get_id (agent), "\x1f", channel_id, NULL),
                           g_strdup (ts));
      /* Not fatal: the next run reads from the older position, and the
       * engine skips the messages it has seen. */
      if (store != NULL &&
          !af_sync_cursor_store_set (store, "slack", slack_account (agent), kind, af_agent_get_id (agent), ts, &error))
        g_warning ("Could not store where the agent got to in Slack: %s", error->message);
    }
  g_hash_table_remove (state->pending, af_agent_get_id (agent));
}

/* The channels the agent's rules name: "#alerts", "alerts" or an id. */
static GPtrArray *
named_channels (AfAgent *agent)
{
  JsonObject *definition = af_agent_peek_definition (agent);
  JsonArray  *rules = definition ? af_json_get_array (definition, "rules") : NULL;
  GPtrArray  *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; rules != NULL && i < json_array_get_length (rules); i++)
    {
      JsonArray *conditions = af_json_get_array (af_json_array_get_object (rules, i), "conditions");

      for (guint j = 0; conditions != NULL && j < json_array_get_length (conditions); j++)
        {
          JsonObject *c = af_json_array_get_object (conditions, j);
          g_auto (GStrv) words = NULL;

          if (g_strcmp0 (af_json_get_string (c, "op", NULL), "in_channel") != 0)
            continue;
          words = af_rules_split_words (af_json_get_string (c, "value", ""));
          for (guint k = 0; words[k] != NULL; k++)
            {
              const char *name = words[k][0] == '#' ? words[k] + 1 : words[k];

              if (!g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
                g_ptr_array_add (names, g_strdup (name));
            }
        }
    }
  return names;
}

/* A message the app posted (every post carries its metadata), or no
 * message someone wrote (a join, a topic change): nothing to act on. */
static gboolean
skipped_message (JsonObject *message)
{
  JsonObject *metadata = af_json_get_object (message, "metadata");
  const char *subtype = af_json_get_string (message, "subtype", NULL);

  if (g_strcmp0 (af_json_get_string (metadata, "event_type", NULL), ACTION_EVENT_TYPE) == 0)
    return TRUE;
  return subtype != NULL && !g_str_equal (subtype, "bot_message") && !g_str_equal (subtype, "thread_broadcast") &&
         !g_str_equal (subtype, "file_share");
}

static JsonObject *
item_from_message (AfSlackChannel *channel,
                   JsonObject     *message)
{
  JsonObject      *item = json_object_new ();
  const char      *ts = af_json_get_string (message, "ts", "");
  const char      *user = af_json_get_string (message, "user", NULL);
  const char      *bot = af_json_get_string (message, "bot_id", NULL);
  const char      *username = af_json_get_string (message, "username", NULL);
  g_autofree char *id = g_strconcat (channel->id, ":", ts, NULL);
  g_autofree char *name = g_strconcat ("#", channel->name ? channel->name : channel->id, NULL);

  json_object_set_string_member (item, "id", id);
  json_object_set_string_member (item, "channel", name);
  json_object_set_string_member (item, "channel_id", channel->id);
  /* From: the member, else the bot (by name when it has one). */
  json_object_set_string_member (item, "from", user ? user : (username ? username : (bot ? bot : "")));
  json_object_set_string_member (item, "user", user ? user : "");
  if (bot != NULL)
    json_object_set_string_member (item, "bot_id", bot);
  json_object_set_string_member (item, "text", af_json_get_string (message, "text", ""));
  json_object_set_string_member (item, "ts", ts);
  json_object_set_int_member (item, "date", g_ascii_strtoll (ts, NULL, 10));
  json_object_set_string_member (item, "team", af_json_get_string (message, "team", ""));
  if (af_json_get_string (message, "thread_ts", NULL) != NULL)
    json_object_set_string_member (item, "thread_ts", af_json_get_string (message, "thread_ts", NULL));
  /* Someone else wrote it: data, never instructions. */
  json_object_set_boolean_member (item, "untrusted", TRUE);
  return item;
}

static void read_next_channel (GTask *task);

static void
on_history_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask          *task = user_data;
  AfServicesOp   *op = g_task_get_task_data (task);
  SlackFetch     *fetch = g_object_get_data (G_OBJECT (task), "slack-fetch");
  AfSlackChannel *channel = g_ptr_array_index (fetch->channels, fetch->next);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) messages = af_slack_client_history_finish (AF_SLACK_CLIENT (source), result, &error);

  if (messages == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  for (guint i = 0; i < messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (messages, i);

      /* Past the app's own posts too: they are never read again. */
      g_hash_table_insert (fetch->pending->positions, g_strdup (channel->id),
                           g_strdup (af_json_get_string (message, "ts", "")));
      if (!skipped_message (message))
        g_ptr_array_add (op->items, item_from_message (channel, message));
    }
  fetch->next++;
  read_next_channel (task);
}

static void
read_next_channel (GTask *task)
{
  AfServicesExecutor *self = g_task_get_source_object (task);
  AfServicesOp       *op = g_task_get_task_data (task);
  SlackFetch         *fetch = g_object_get_data (G_OBJECT (task), "slack-fetch");
  AfSlackChannel     *channel;
  g_autofree char    *oldest = NULL;

  if (fetch->next == fetch->channels->len)
    {
      SlackState *state = slack_state (self);

      fetch->pending->items = op->items;
      g_hash_table_insert (state->pending, g_strdup (af_agent_get_id (op->agent)), g_steal_pointer (&fetch->pending));
      g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify)g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  channel = g_ptr_array_index (fetch->channels, fetch->next);
  oldest = committed_position (self, op->agent, channel->id);
  if (oldest == NULL)
    {
      JsonObject *definition = af_agent_peek_definition (op->agent);
      gint64      days = definition ? CLAMP (af_json_get_int (definition, "first_run_days", 0), 0, 365) : 0;

      /* The first time: what the user chose, new messages from now on
       * or the last N days. */
      gint64 since = g_get_real_time () - days * 24 * 3600 * G_USEC_PER_SEC;

      /* A ts is the time of the message, to the microsecond. */
      oldest = g_strdup_printf ("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT, since / G_USEC_PER_SEC, since % G_USEC_PER_SEC);
    }
  g_hash_table_insert (fetch->pending->positions, g_strdup (channel->id), g_strdup (oldest));
  af_slack_client_history_async (self->slack, channel->id, oldest, MAX_MESSAGES, g_task_get_cancellable (task),
                                 on_history_cb, task);
}

static void
on_channels_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask        *task = user_data;
  AfServicesOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) channels = af_slack_client_list_conversations_finish (AF_SLACK_CLIENT (source), result, &error);
  g_autoptr (GPtrArray) names = NULL;
  SlackFetch *fetch;

  if (channels == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  fetch = g_new0 (SlackFetch, 1);
  fetch->channels = g_ptr_array_new ();
  fetch->pending = g_new0 (Pending, 1);
  fetch->pending->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* The channels point into @channels, kept with the task. */
  g_object_set_data_full (G_OBJECT (task), "slack-channels", g_ptr_array_ref (channels),
                          (GDestroyNotify)g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (task), "slack-fetch", fetch, (GDestroyNotify)slack_fetch_free);

  names = named_channels (op->agent);
  for (guint i = 0; i < names->len; i++)
    {
      const char     *name = g_ptr_array_index (names, i);
      AfSlackChannel *found = NULL;

      for (guint j = 0; j < channels->len && found == NULL; j++)
        {
          AfSlackChannel *c = g_ptr_array_index (channels, j);

          if (g_strcmp0 (c->id, name) == 0 || g_ascii_strcasecmp (c->name ? c->name : "", name) == 0)
            found = c;
        }
      if (found == NULL)
        {
          g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_FOUND,
                                   _ ("Slack has no channel “#%s” for this agent to read. Check the channel in its rules."),
                                   name);
          g_object_unref (task);
          return;
        }
      g_ptr_array_add (fetch->channels, found);
    }
  for (guint i = 0; names->len == 0 && i < channels->len && fetch->channels->len < MAX_MEMBER_CHANNELS; i++)
    {
      AfSlackChannel *c = g_ptr_array_index (channels, i);

      if (c->is_member && !c->is_im)
        g_ptr_array_add (fetch->channels, c);
    }
  read_next_channel (task);
}

/* Fetch for the "slack" source: @task is the fetch's, its data an
 * AfServicesOp. */
void
af_services_executor_slack_fetch (GTask *task)
{
  AfServicesExecutor *self = g_task_get_source_object (task);
  AfServicesOp       *op = g_task_get_task_data (task);

  if (!af_services_executor_need (task, self->slack, "Slack"))
    return;
  /* Reading is a permission like any other: an agent that only posts
   * never reads a channel. */
  if (!af_agent_has_permission (op->agent, "slack.read"))
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_PERMISSION_DENIED,
                               _ ("This agent may not read Slack messages. Allow “Read messages” under Slack in its settings."));
      g_object_unref (task);
      return;
    }
  af_slack_client_list_conversations_async (self->slack, "public_channel,private_channel", g_task_get_cancellable (task),
                                            on_channels_cb, task);
}
