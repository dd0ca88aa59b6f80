/* af-sandbox-slack.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-slack"

#include "config.h"

#include <string.h>

#include "af-sandbox-private.h"

/* The Slack Web API: HTTP 200 with {"ok": true, …} or {"ok": false,
 * "error": "code"}; 429 with Retry-After when a channel gets more than
 * one message per second. */

typedef struct
{
  char *id;
  char *name;
  char *real_name;
  char *email;
} SbUser;

typedef struct
{
  char      *id;
  char      *name;
  gboolean   is_private;
  gboolean   is_member;
  gboolean   is_im;
  char      *im_user;
  gint64     last_post; /* monotonic µs */
  GPtrArray *posts;     /* ts strings */
  GPtrArray *messages;  /* JsonObject, as conversations.history shows them, oldest first */
} SbChannel;

struct _SbSlack
{
  GPtrArray *users;
  GPtrArray *channels;
  gint64     last_ts; /* µs of the newest ts given */
};

static void
sb_user_free (gpointer data)
{
  SbUser *u = data;

  g_free (u->id);
  g_free (u->name);
  g_free (u->real_name);
  g_free (u->email);
  g_free (u);
}

static void
sb_channel_free (gpointer data)
{
  SbChannel *c = data;

  g_free (c->id);
  g_free (c->name);
  g_free (c->im_user);
  g_ptr_array_unref (c->posts);
  g_ptr_array_unref (c->messages);
  g_free (c);
}

SbSlack *
sb_slack_new (void)
{
  SbSlack *slack = g_new0 (SbSlack, 1);

  slack->users = g_ptr_array_new_with_free_func (sb_user_free);
  slack->channels = g_ptr_array_new_with_free_func (sb_channel_free);
  slack->last_ts = 0;
  return slack;
}

void
sb_slack_free (SbSlack *slack)
{
  g_ptr_array_unref (slack->users);
  g_ptr_array_unref (slack->channels);
  g_free (slack);
}

void
sb_slack_add_user (SbSlack    *slack,
                   const char *id,
                   const char *name,
                   const char *real_name,
                   const char *email)
{
  SbUser *u = g_new0 (SbUser, 1);

  u->id = g_strdup (id);
  u->name = g_strdup (name);
  u->real_name = g_strdup (real_name);
  u->email = g_strdup (email);
  g_ptr_array_add (slack->users, u);
}

static SbChannel *
add_channel (SbSlack    *slack,
             const char *id,
             const char *name,
             gboolean    is_private,
             gboolean    is_member)
{
  SbChannel *c = g_new0 (SbChannel, 1);

  c->id = g_strdup (id);
  c->name = g_strdup (name);
  c->is_private = is_private;
  c->is_member = is_member;
  c->posts = g_ptr_array_new_with_free_func (g_free);
  c->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_ptr_array_add (slack->channels, c);
  return c;
}

void
sb_slack_add_channel (SbSlack    *slack,
                      const char *id,
                      const char *name,
                      gboolean    is_private,
                      gboolean    is_member)
{
  add_channel (slack, id, name, is_private, is_member);
}

static SbChannel *
find_channel (SbSlack    *slack,
              const char *id_or_name)
{
  const char *name = id_or_name && id_or_name[0] == '#' ? id_or_name + 1 : id_or_name;

  for (guint i = 0; id_or_name && i < slack->channels->len; i++)
    {
      SbChannel *c = slack->channels->pdata[i];

      if (g_str_equal (c->id, id_or_name) || (c->name && g_str_equal (c->name, name)))
        return c;
    }
  return NULL;
}

static void
respond_error (SoupServerMessage *msg,
               const char        *error)
{
  g_autofree char *text = g_strdup_printf ("{\"ok\":false,\"error\":\"%s\"}", error);

  af_sandbox_respond_text (msg, 200, "application/json; charset=utf-8", text);
}

static void
respond_ok (SoupServerMessage *msg,
            JsonBuilder       *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  af_sandbox_respond_json (msg, 200, root);
}

static void
begin_ok (JsonBuilder *b)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
}

static void
add_user_json (JsonBuilder *b,
               SbUser      *u)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, u->id);
  json_builder_set_member_name (b, "team_id");
  json_builder_add_string_value (b, AF_SANDBOX_SLACK_TEAM);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, u->name);
  json_builder_set_member_name (b, "deleted");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "real_name");
  json_builder_add_string_value (b, u->real_name);
  json_builder_set_member_name (b, "tz");
  json_builder_add_string_value (b, "Europe/Berlin");
  json_builder_set_member_name (b, "is_bot");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "profile");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "real_name");
  json_builder_add_string_value (b, u->real_name);
  json_builder_set_member_name (b, "display_name");
  json_builder_add_string_value (b, u->name);
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, u->email);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_channel_json (JsonBuilder *b,
                  SbChannel   *c)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, c->id);
  if (c->is_im)
    {
      json_builder_set_member_name (b, "is_im");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "user");
      json_builder_add_string_value (b, c->im_user);
    }
  else
    {
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, c->name);
      json_builder_set_member_name (b, "is_channel");
      json_builder_add_boolean_value (b, !c->is_private);
      json_builder_set_member_name (b, "is_group");
      json_builder_add_boolean_value (b, c->is_private);
      json_builder_set_member_name (b, "is_im");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "is_private");
      json_builder_add_boolean_value (b, c->is_private);
      json_builder_set_member_name (b, "is_archived");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "is_member");
      json_builder_add_boolean_value (b, c->is_member);
      json_builder_set_member_name (b, "num_members");
      json_builder_add_int_value (b, 4);
    }
  json_builder_end_object (b);
}

static void
handle_list (SbSlack           *slack,
             SoupServerMessage *msg,
             GHashTable        *query,
             JsonNode          *body)
{
  const char *types = af_sandbox_param (msg, query, body, "types");
  const char *cursor = af_sandbox_param (msg, query, body, "cursor");
  const char *limit_text = af_sandbox_param (msg, query, body, "limit");
  guint       limit = limit_text ? CLAMP ((guint)g_ascii_strtoull (limit_text, NULL, 10), 1, 1000) : 100;
  guint       offset = 0;
  gboolean    want_public = types == NULL || strstr (types, "public_channel") != NULL;
  gboolean    want_private = types != NULL && strstr (types, "private_channel") != NULL;
  gboolean    want_im = types != NULL && strstr (types, "im") != NULL && strstr (types, "mpim") == NULL;
  g_autoptr (GPtrArray) matches = g_ptr_array_new ();
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (cursor != NULL && *cursor != '\0')
    {
      gsize            length;
      g_autofree char *decoded = (char *)g_base64_decode (cursor, &length);

      if (decoded == NULL || !g_str_has_prefix (decoded, "offset:"))
        {
          respond_error (msg, "invalid_cursor");
          return;
        }
      offset = (guint)g_ascii_strtoull (decoded + strlen ("offset:"), NULL, 10);
    }

  /* The types are filtered after a page of @limit conversations is
   * taken, so a page can hold fewer than @limit, even none, and still
   * have a next_cursor: "it's possible to receive fewer results than your
   * specified limit, even when there are additional results to
   * retrieve" (https://api.slack.com/methods/conversations.list); a
   * client follows next_cursor until it is "" (https://api.slack.com/docs/pagination). */
  for (guint i = offset; i < MIN (offset + limit, slack->channels->len); i++)
    {
      SbChannel *c = slack->channels->pdata[i];

      if ((c->is_im && want_im) || (!c->is_im && c->is_private && want_private) ||
          (!c->is_im && !c->is_private && want_public))
        g_ptr_array_add (matches, c);
    }

  begin_ok (b);
  json_builder_set_member_name (b, "channels");
  json_builder_begin_array (b);
  for (guint i = 0; i < matches->len; i++)
    add_channel_json (b, matches->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "response_metadata");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "next_cursor");
  if (offset + limit < slack->channels->len)
    {
      g_autofree char *plain = g_strdup_printf ("offset:%u", offset + limit);
      g_autofree char *next = g_base64_encode ((const guchar *)plain, strlen (plain));

      json_builder_add_string_value (b, next);
    }
  else
    json_builder_add_string_value (b, "");
  json_builder_end_object (b);
  json_builder_end_object (b);
  respond_ok (msg, b);
}

static SbUser *
find_user (SbSlack    *slack,
           const char *id)
{
  for (guint i = 0; id && i < slack->users->len; i++)
    if (g_str_equal (((SbUser *)slack->users->pdata[i])->id, id))
      return slack->users->pdata[i];
  return NULL;
}

static void
handle_open (SbSlack           *slack,
             SoupServerMessage *msg,
             GHashTable        *query,
             JsonNode          *body)
{
  const char *users = af_sandbox_param (msg, query, body, "users");
  SbChannel  *im = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (users == NULL)
    {
      respond_error (msg, "users_list_not_supplied");
      return;
    }
  if (find_user (slack, users) == NULL)
    {
      respond_error (msg, "user_not_found");
      return;
    }

  for (guint i = 0; i < slack->channels->len && im == NULL; i++)
    {
      SbChannel *c = slack->channels->pdata[i];

      if (c->is_im && g_strcmp0 (c->im_user, users) == 0)
        im = c;
    }
  if (im == NULL)
    {
      g_autofree char *id = g_strdup_printf ("D0%s", users + 1);

      im = add_channel (slack, id, NULL, TRUE, TRUE);
      im->is_im = TRUE;
      im->im_user = g_strdup (users);
    }

  begin_ok (b);
  json_builder_set_member_name (b, "channel");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, im->id);
  json_builder_end_object (b);
  json_builder_end_object (b);
  respond_ok (msg, b);
}

static void
handle_lookup (SbSlack           *slack,
               SoupServerMessage *msg,
               GHashTable        *query,
               JsonNode          *body)
{
  const char *email = af_sandbox_param (msg, query, body, "email");
  g_autoptr (JsonBuilder) b = json_builder_new ();

  for (guint i = 0; email && i < slack->users->len; i++)
    {
      SbUser *u = slack->users->pdata[i];

      if (g_ascii_strcasecmp (u->email, email) == 0)
        {
          begin_ok (b);
          json_builder_set_member_name (b, "user");
          add_user_json (b, u);
          json_builder_end_object (b);
          respond_ok (msg, b);
          return;
        }
    }
  respond_error (msg, "users_not_found");
}

/* A message's ts is the time it was written, to the microsecond, and
 * unique in its channel: clients read "after the last ts I saw"
 * (conversations.history's oldest,
 * https://docs.slack.dev/reference/methods/conversations.history). */
static char *
next_ts (SbSlack *slack)
{
  gint64 now = MAX (g_get_real_time (), slack->last_ts + 1);

  slack->last_ts = now;
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT, now / G_USEC_PER_SEC, now % G_USEC_PER_SEC);
}

static void
handle_post (AfSandbox         *self,
             SbSlack           *slack,
             SoupServerMessage *msg,
             GHashTable        *query,
             JsonNode          *body)
{
  const char      *channel = af_sandbox_param (msg, query, body, "channel");
  const char      *text = af_sandbox_param (msg, query, body, "text");
  gboolean         has_blocks = body && JSON_NODE_HOLDS_OBJECT (body) && json_object_has_member (json_node_get_object (body), "blocks");
  SbChannel       *c = find_channel (slack, channel);
  gint64           now = g_get_monotonic_time ();
  g_autofree char *ts = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) metadata = NULL;
  gboolean    has_metadata = FALSE;
  JsonObject *stored;

  if (c == NULL)
    {
      respond_error (msg, "channel_not_found");
      return;
    }
  /* metadata: {"event_type", "event_payload"}, an object in a JSON body
   * or JSON text in a form. */
  if (body && JSON_NODE_HOLDS_OBJECT (body) && json_object_has_member (json_node_get_object (body), "metadata"))
    {
      has_metadata = TRUE;
      metadata = json_node_copy (json_object_get_member (json_node_get_object (body), "metadata"));
    }
  else if (af_sandbox_param (msg, query, body, "metadata") != NULL)
    {
      has_metadata = TRUE;
      metadata = json_from_string (af_sandbox_param (msg, query, body, "metadata"), NULL);
    }
  if (has_metadata &&
      (metadata == NULL || !JSON_NODE_HOLDS_OBJECT (metadata) ||
       json_object_get_string_member_with_default (json_node_get_object (metadata), "event_type", NULL) == NULL ||
       !json_object_has_member (json_node_get_object (metadata), "event_payload") ||
       !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (metadata), "event_payload"))))
    {
      respond_error (msg, "invalid_metadata_format");
      return;
    }
  if (!c->is_member)
    {
      respond_error (msg, "not_in_channel");
      return;
    }
  if ((text == NULL || *text == '\0') && !has_blocks)
    {
      respond_error (msg, "no_text");
      return;
    }
  if (has_blocks && !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (body), "blocks")))
    {
      respond_error (msg, "invalid_blocks");
      return;
    }
  /* Slack: about one message per second per channel, short bursts aside. */
  if (c->last_post != 0 && now - c->last_post < 900 * G_TIME_SPAN_MILLISECOND)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      af_sandbox_respond_text (msg, 429, "application/json; charset=utf-8", "{\"ok\":false,\"error\":\"ratelimited\"}");
      return;
    }
  c->last_post = now;

  ts = next_ts (slack);
  g_ptr_array_add (c->posts, g_strdup (ts));
  stored = json_object_new ();
  json_object_set_string_member (stored, "type", "message");
  json_object_set_string_member (stored, "user", "U0AGENTFLOW");
  json_object_set_string_member (stored, "bot_id", "B0AGENTFLOW");
  json_object_set_string_member (stored, "text", text ? text : "");
  json_object_set_string_member (stored, "ts", ts);
  if (metadata != NULL)
    json_object_set_member (stored, "metadata", json_node_ref (metadata));
  g_ptr_array_add (c->messages, stored);
  af_sandbox_log_side_effect (self, "slack.chat.postMessage", text ? text : "");

  begin_ok (b);
  json_builder_set_member_name (b, "channel");
  json_builder_add_string_value (b, c->id);
  json_builder_set_member_name (b, "ts");
  json_builder_add_string_value (b, ts);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "message");
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text ? text : "");
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, "U0AGENTFLOW");
  json_builder_set_member_name (b, "bot_id");
  json_builder_add_string_value (b, "B0AGENTFLOW");
  json_builder_set_member_name (b, "ts");
  json_builder_add_string_value (b, ts);
  json_builder_end_object (b);
  json_builder_end_object (b);
  respond_ok (msg, b);
}

/* A ts ("1512085950.000216") in microseconds: exact, where a double
 * would round two messages a microsecond apart together. */
static gint64
ts_usec (const char *ts)
{
  const char *dot = strchr (ts, '.');
  gint64      usec = g_ascii_strtoll (ts, NULL, 10) * G_USEC_PER_SEC;

  if (dot != NULL)
    {
      gint64 scale = 100000;

      for (const char *p = dot + 1; g_ascii_isdigit (*p) && scale > 0; p++, scale /= 10)
        usec += (*p - '0') * scale;
    }
  return usec;
}

/* conversations.history: newest first, between oldest and latest
 * (exclusive, unless inclusive=true), metadata only with
 * include_all_metadata, has_more and a next_cursor while there is more.
 * Takes ids only
 * (https://docs.slack.dev/reference/methods/conversations.history). */
static void
handle_history (SbSlack           *slack,
                SoupServerMessage *msg,
                GHashTable        *query,
                JsonNode          *body)
{
  const char *channel = af_sandbox_param (msg, query, body, "channel");
  const char *cursor = af_sandbox_param (msg, query, body, "cursor");
  const char *limit_text = af_sandbox_param (msg, query, body, "limit");
  const char *oldest_text = af_sandbox_param (msg, query, body, "oldest");
  const char *latest_text = af_sandbox_param (msg, query, body, "latest");
  const char *metadata_text = af_sandbox_param (msg, query, body, "include_all_metadata");
  const char *inclusive_text = af_sandbox_param (msg, query, body, "inclusive");
  gboolean    inclusive = inclusive_text != NULL && (g_str_equal (inclusive_text, "true") || g_str_equal (inclusive_text, "1"));
  gboolean    with_metadata = metadata_text != NULL && (g_str_equal (metadata_text, "true") || g_str_equal (metadata_text, "1"));
  guint       limit = limit_text ? CLAMP ((guint)g_ascii_strtoull (limit_text, NULL, 10), 1, 999) : 100;
  gint64      oldest = oldest_text ? ts_usec (oldest_text) : 0;
  gint64      latest = latest_text ? ts_usec (latest_text) : G_MAXINT64;
  guint       offset = 0, seen = 0, added = 0;
  gboolean    more = FALSE;
  SbChannel  *c = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  for (guint i = 0; channel && i < slack->channels->len && c == NULL; i++)
    if (g_str_equal (((SbChannel *)slack->channels->pdata[i])->id, channel))
      c = slack->channels->pdata[i];
  if (c == NULL)
    {
      respond_error (msg, "channel_not_found");
      return;
    }
  if (!c->is_member)
    {
      respond_error (msg, "not_in_channel");
      return;
    }
  if (cursor != NULL && *cursor != '\0')
    {
      gsize            length;
      g_autofree char *decoded = (char *)g_base64_decode (cursor, &length);

      if (decoded == NULL || !g_str_has_prefix (decoded, "offset:"))
        {
          respond_error (msg, "invalid_cursor");
          return;
        }
      offset = (guint)g_ascii_strtoull (decoded + strlen ("offset:"), NULL, 10);
    }

  begin_ok (b);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  for (guint i = c->messages->len; i > 0; i--)
    {
      JsonObject *m = c->messages->pdata[i - 1];
      gint64      ts = ts_usec (json_object_get_string_member (m, "ts"));
      g_autoptr (GList) members = NULL;
      JsonObject *shown;

      if (inclusive ? (ts < oldest || ts > latest) : (ts <= oldest || ts >= latest))
        continue;
      if (seen++ < offset)
        continue;
      if (added == limit)
        {
          more = TRUE;
          break;
        }
      shown = json_object_new ();
      members = json_object_get_members (m);
      for (GList *l = members; l != NULL; l = l->next)
        if (with_metadata || !g_str_equal (l->data, "metadata"))
          json_object_set_member (shown, l->data, json_node_copy (json_object_get_member (m, l->data)));
      json_builder_add_value (b, json_node_init_object (json_node_alloc (), shown));
      json_object_unref (shown);
      added++;
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "has_more");
  json_builder_add_boolean_value (b, more);
  json_builder_set_member_name (b, "response_metadata");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "next_cursor");
  if (more)
    {
      g_autofree char *plain = g_strdup_printf ("offset:%u", offset + added);
      g_autofree char *next = g_base64_encode ((const guchar *)plain, strlen (plain));

      json_builder_add_string_value (b, next);
    }
  else
    json_builder_add_string_value (b, "");
  json_builder_end_object (b);
  json_builder_end_object (b);
  respond_ok (msg, b);
}

static void
handle_permalink (SbSlack           *slack,
                  SoupServerMessage *msg,
                  GHashTable        *query,
                  JsonNode          *body)
{
  const char *channel = af_sandbox_param (msg, query, body, "channel");
  const char *ts = af_sandbox_param (msg, query, body, "message_ts");
  SbChannel  *c = find_channel (slack, channel);
  gboolean    found = FALSE;
  g_autoptr (GString) compact = NULL;
  g_autofree char *link = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  /* "channel: The ID of the conversation or channel containing the
   * message" — a name is channel_not_found
   * (https://api.slack.com/methods/chat.getPermalink). */
  if (c == NULL || g_strcmp0 (c->id, channel) != 0)
    {
      respond_error (msg, "channel_not_found");
      return;
    }
  for (guint i = 0; ts && i < c->posts->len && !found; i++)
    found = g_str_equal (c->posts->pdata[i], ts);
  if (!found)
    {
      respond_error (msg, "message_not_found");
      return;
    }

  compact = g_string_new (ts);
  g_string_replace (compact, ".", "", 0);
  link = g_strdup_printf ("https://example-workspace.slack.com/archives/%s/p%s", c->id, compact->str);

  begin_ok (b);
  json_builder_set_member_name (b, "channel");
  json_builder_add_string_value (b, c->id);
  json_builder_set_member_name (b, "permalink");
  json_builder_add_string_value (b, link);
  json_builder_end_object (b);
  respond_ok (msg, b);
}

static void
handle_auth_test (SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  begin_ok (b);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, "https://example-workspace.slack.com/");
  json_builder_set_member_name (b, "team");
  json_builder_add_string_value (b, "Example Workspace");
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, "agentflow");
  json_builder_set_member_name (b, "team_id");
  json_builder_add_string_value (b, AF_SANDBOX_SLACK_TEAM);
  json_builder_set_member_name (b, "user_id");
  json_builder_add_string_value (b, "U0AGENTFLOW");
  json_builder_set_member_name (b, "bot_id");
  json_builder_add_string_value (b, "B0AGENTFLOW");
  json_builder_set_member_name (b, "is_enterprise_install");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);
  respond_ok (msg, b);
}

static const struct
{
  const char *method;
  const char *scope; /* NULL: any valid token */
} routes[] = {
  { "auth.test", NULL },
  { "conversations.list", "channels:read" },
  { "conversations.history", "channels:history" },
  { "conversations.open", "im:write" },
  { "users.lookupByEmail", "users:read.email" },
  { "chat.postMessage", "chat:write" },
  { "chat.getPermalink", NULL },
};

void
sb_slack_handle (AfSandbox         *self,
                 SoupServerMessage *msg,
                 const char        *method,
                 GHashTable        *query)
{
  SbSlack         *slack = af_sandbox_get_slack (self);
  g_autofree char *method_id = g_strconcat ("slack.", method, NULL);
  const char      *scope = NULL;
  gboolean         known = FALSE;
  AfSandboxAuth    auth;
  g_autoptr (JsonNode) body = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (routes) && !known; i++)
    if (g_str_equal (routes[i].method, method))
      {
        known = TRUE;
        scope = routes[i].scope;
      }

  if (!known)
    {
      /* Slack answers unknown methods with 404 and this body. */
      af_sandbox_respond_text (msg, 404, "application/json; charset=utf-8", "{\"ok\":false,\"error\":\"unknown_method\"}");
      return;
    }

  if (!af_sandbox_begin (self, msg, method_id))
    return;

  auth = af_sandbox_authorize (self, msg, "slack", scope, NULL);
  if (auth == AF_SANDBOX_AUTH_MISSING)
    {
      respond_error (msg, "not_authed");
      return;
    }
  if (auth == AF_SANDBOX_AUTH_INVALID)
    {
      respond_error (msg, "invalid_auth");
      return;
    }
  if (auth == AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE)
    {
      g_autofree char *text = g_strdup_printf ("{\"ok\":false,\"error\":\"missing_scope\",\"needed\":\"%s\",\"provided\":\"\"}", scope);

      af_sandbox_respond_text (msg, 200, "application/json; charset=utf-8", text);
      return;
    }

  body = af_sandbox_parse_body (msg);
  if (g_str_equal (method, "auth.test"))
    handle_auth_test (msg);
  else if (g_str_equal (method, "conversations.list"))
    handle_list (slack, msg, query, body);
  else if (g_str_equal (method, "conversations.open"))
    handle_open (slack, msg, query, body);
  else if (g_str_equal (method, "users.lookupByEmail"))
    handle_lookup (slack, msg, query, body);
  else if (g_str_equal (method, "chat.postMessage"))
    handle_post (self, slack, msg, query, body);
  else if (g_str_equal (method, "conversations.history"))
    handle_history (slack, msg, query, body);
  else
    handle_permalink (slack, msg, query, body);
}

/**
 * af_sandbox_slack_get_n_posts:
 * @channel: an id or a name
 *
 * Returns: how many messages were posted to @channel
 */
guint
af_sandbox_slack_get_n_posts (AfSandbox  *self,
                              const char *channel)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbChannel *c;

  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  c = find_channel (af_sandbox_get_slack (self), channel);
  return c ? c->posts->len : 0;
}

/**
 * af_sandbox_slack_deliver:
 * @channel: a channel id or "#name"
 * @user: the id of the member who writes
 * @text: the message
 *
 * Someone in the workspace writes in @channel: the message shows in
 * conversations.history as a "message" of the user, newest first
 * (https://api.slack.com/methods/conversations.history).
 *
 * Returns: %FALSE when there is no such channel
 */
gboolean
af_sandbox_slack_deliver (AfSandbox  *self,
                          const char *channel,
                          const char *user,
                          const char *text)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbSlack         *slack;
  SbChannel       *c;
  JsonObject      *stored;
  g_autofree char *ts = NULL;

  g_return_val_if_fail (AF_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (user != NULL && text != NULL, FALSE);

  slack = af_sandbox_get_slack (self);
  if ((c = find_channel (slack, channel)) == NULL)
    return FALSE;
  ts = next_ts (slack);
  stored = json_object_new ();
  json_object_set_string_member (stored, "type", "message");
  json_object_set_string_member (stored, "user", user);
  json_object_set_string_member (stored, "text", text);
  json_object_set_string_member (stored, "ts", ts);
  json_object_set_string_member (stored, "team", AF_SANDBOX_SLACK_TEAM);
  g_ptr_array_add (c->messages, stored);
  return TRUE;
}

guint
af_sandbox_slack_get_n_messages (AfSandbox  *self,
                                 const char *channel)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbChannel *c;

  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  c = find_channel (af_sandbox_get_slack (self), channel);
  return c != NULL ? c->messages->len : 0;
}
