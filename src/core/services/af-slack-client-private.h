/* af-slack-client-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parsers behind the async calls, for the fuzz harnesses.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "af-service-method.h"
#include "af-slack-client.h"

G_BEGIN_DECLS

typedef gpointer (*AfSlackParseFunc) (JsonObject *object);

/* conversations.list, one page */
typedef struct
{
  GPtrArray *channels; /* (element-type AfSlackChannel) */
  char      *next_cursor;
} AfSlackChannelPage;

gpointer af_slack_parse_answer (JsonNode              *root,
                                const AfServiceMethod *method,
                                const char            *target,
                                AfSlackParseFunc       parse,
                                GError               **error);

gpointer af_slack_parse_identity (JsonObject *o);     /* AfSlackIdentity */
gpointer af_slack_parse_channel_page (JsonObject *o); /* AfSlackChannelPage */
gpointer af_slack_parse_open (JsonObject *o);         /* char *, channel id */
gpointer af_slack_parse_user (JsonObject *o);         /* AfSlackUser */
gpointer af_slack_parse_post (JsonObject *o);         /* char *, ts */
gpointer af_slack_parse_permalink (JsonObject *o);    /* char * */

/* conversations.history, one page, searched for the message AgentFlow
 * posted with some metadata */
typedef struct
{
  JsonArray *messages;
  char      *next_cursor;
} AfSlackHistoryPage;

gpointer    af_slack_parse_history (JsonObject *o); /* AfSlackHistoryPage */
void        af_slack_history_page_free (AfSlackHistoryPage *page);
const char *af_slack_history_page_find (AfSlackHistoryPage *page,
                                        const char         *event_type,
                                        const char         *member,
                                        const char         *value);

/* A read (GET) of @method_id ("slack.conversations.history") with
 * @query; the task returns what @parse made of an "ok" answer. */
void af_slack_client_call_async (AfSlackClient      *self,
                                 const char         *method_id,
                                 const char         *query,
                                 const char         *target,
                                 AfSlackParseFunc    parse,
                                 gpointer            source_tag,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);

G_END_DECLS
