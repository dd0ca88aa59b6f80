/* af-slack-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-http-client.h"

G_BEGIN_DECLS

#define AF_SLACK_DEFAULT_BASE_URL "https://slack.com/api"

#define AF_TYPE_SLACK_CLIENT (af_slack_client_get_type ())

G_DECLARE_FINAL_TYPE (AfSlackClient, af_slack_client, AF, SLACK_CLIENT, GObject)

typedef struct
{
  char *team_id;
  char *team;
  char *user_id;
  char *user;
  char *url;
} AfSlackIdentity;

typedef struct
{
  char    *id;
  char    *name;
  gboolean is_private;
  gboolean is_member;
  gboolean is_im;
} AfSlackChannel;

typedef struct
{
  char *id;
  char *name;
  char *real_name;
  char *email;
} AfSlackUser;

void af_slack_identity_free (AfSlackIdentity *identity);
void af_slack_channel_free (AfSlackChannel *channel);
void af_slack_user_free (AfSlackUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfSlackIdentity, af_slack_identity_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfSlackChannel, af_slack_channel_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfSlackUser, af_slack_user_free)

AfSlackClient *af_slack_client_new (AfHttpClient  *http,
                                    AfTokenSource *tokens,
                                    const char    *base_url);
/* Minimum time between two posts to one channel (default 1000 ms). */
void af_slack_client_set_post_interval (AfSlackClient *self,
                                        guint          interval_ms);

void             af_slack_client_auth_test_async (AfSlackClient      *self,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
AfSlackIdentity *af_slack_client_auth_test_finish (AfSlackClient *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

/* conversations.list, every cursor page; @types e.g.
 * "public_channel,private_channel". → (element-type AfSlackChannel) */
void       af_slack_client_list_conversations_async (AfSlackClient      *self,
                                                     const char         *types,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
GPtrArray *af_slack_client_list_conversations_finish (AfSlackClient *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);

/* conversations.open for a DM with @user_id → the channel id. */
void  af_slack_client_open_conversation_async (AfSlackClient      *self,
                                               const char         *user_id,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
char *af_slack_client_open_conversation_finish (AfSlackClient *self,
                                                GAsyncResult  *result,
                                                GError       **error);

void         af_slack_client_lookup_user_by_email_async (AfSlackClient      *self,
                                                         const char         *email,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
AfSlackUser *af_slack_client_lookup_user_by_email_finish (AfSlackClient *self,
                                                          GAsyncResult  *result,
                                                          GError       **error);

/* chat.postMessage, paced to one per second per channel. @blocks: (nullable)
 * a JSON array of Block Kit blocks. → the message ts. Never retried after
 * a 5xx or a dropped connection; retried after 429 (Retry-After). */
void  af_slack_client_post_message_async (AfSlackClient      *self,
                                          const char         *channel,
                                          const char         *text,
                                          JsonNode           *blocks,
                                          const char         *thread_ts,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
char *af_slack_client_post_message_finish (AfSlackClient *self,
                                           GAsyncResult  *result,
                                           GError       **error);
char *af_slack_client_post_message_finish_full (AfSlackClient *self,
                                                GAsyncResult  *result,
                                                char         **channel_id,
                                                GError       **error);

void af_slack_client_post_message_with_metadata_async (AfSlackClient      *self,
                                                       const char         *channel,
                                                       const char         *text,
                                                       JsonNode           *blocks,
                                                       const char         *thread_ts,
                                                       const char         *event_type,
                                                       JsonObject         *event_payload,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);

/* conversations.history (include_all_metadata=true) → the ts of the
 * newest message whose metadata has @event_type and @member = @value. */
void  af_slack_client_find_by_metadata_async (AfSlackClient      *self,
                                              const char         *channel,
                                              const char         *event_type,
                                              const char         *member,
                                              const char         *value,
                                              gint64              oldest,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
char *af_slack_client_find_by_metadata_finish (AfSlackClient *self,
                                               GAsyncResult  *result,
                                               GError       **error);

void  af_slack_client_get_permalink_async (AfSlackClient      *self,
                                           const char         *channel,
                                           const char         *ts,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
char *af_slack_client_get_permalink_finish (AfSlackClient *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* conversations.history of @channel (an id) after @oldest (a message
 * ts, exclusive; NULL: the whole history), every page up to
 * @max_messages, with each message's metadata. → (element-type
 * JsonObject) the messages, oldest first (af-slack-history.c). */
void       af_slack_client_history_async (AfSlackClient      *self,
                                          const char         *channel,
                                          const char         *oldest,
                                          guint               max_messages,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
GPtrArray *af_slack_client_history_finish (AfSlackClient *self,
                                           GAsyncResult  *result,
                                           GError       **error);

G_END_DECLS
