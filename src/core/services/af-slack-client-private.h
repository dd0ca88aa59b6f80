/* af-slack-client-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parsers behind the async calls, for the fuzz harnesses, and what the
 * files of the Slack client share.
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

/* Shared by the client's files. */

/* The most items a page of conversations.list or .history asks for. */
#define AF_SLACK_PAGE_LIMIT 200

const char *af_slack_json_str (JsonObject *object,
                               const char *member);
/* GET for reads (query string), POST with a JSON body for writes. */
void     af_slack_client_call_api (AfSlackClient      *self,
                                   const char         *method_id,
                                   const char         *query,
                                   JsonNode           *body,
                                   const char         *target,
                                   AfSlackParseFunc    parse,
                                   gpointer            source_tag,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gpointer af_slack_client_finish_pointer (gpointer      self,
                                         GAsyncResult *result,
                                         gpointer      source_tag,
                                         GError      **error);

G_END_DECLS
