/* af-gmail-client-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parsers behind the async calls, for the fuzz harnesses, and what the
 * files of the Gmail client (af-gmail-client.c, af-gmail-sync.c,
 * af-gmail-batch.c) share.
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "af-gmail-client.h"
#include "af-json-private.h"
#include "af-service-method.h"

G_BEGIN_DECLS

/* Each reads one answer and returns what the async call returns, or
 * NULL and @error. */

/* users.labels.list → (element-type AfGmailLabel) */
gpointer af_gmail_parse_labels (JsonNode *root,
                                GError  **error);
/* users.labels.create → AfGmailLabel */
gpointer af_gmail_parse_label (JsonNode *root,
                               GError  **error);
/* users.getProfile → its historyId */
gpointer af_gmail_parse_profile (JsonNode *root,
                                 GError  **error);
/* users.messages.get and .send → AfGmailMessage */
gpointer af_gmail_parse_message (JsonNode *root,
                                 GError  **error);
/* users.drafts.create → the draft's id */
gpointer af_gmail_parse_draft (JsonNode *root,
                               GError  **error);
/* users.messages.list and users.drafts.list, searched by Message-ID: the
 * first id, "" if none */
gpointer af_gmail_parse_first_message (JsonNode *root,
                                       GError  **error);
gpointer af_gmail_parse_first_draft (JsonNode *root,
                                     GError  **error);

/* A users.messages.list page. */
typedef struct
{
  GPtrArray *ids; /* (element-type utf8) */
  char      *next_page_token;
} AfGmailListPage;

void     af_gmail_list_page_free (gpointer data);
gpointer af_gmail_parse_list (JsonNode *root,
                              GError  **error);

char    *af_gmail_json_top_string (const char *data,
                                   gsize       size,
                                   const char *name);
gboolean af_gmail_parse_history (const char *data,
                                 gsize       size,
                                 GPtrArray  *ids,
                                 char      **history_id,
                                 char      **next_page_token,
                                 GError    **error);

/* Read from a message's text where it is (af-mail-text.c). */
void  af_gmail_headers_read (const AfJsonScan  *scan,
                             int                part,
                             const char *const *names,
                             char             **values,
                             guint              n_names);
char *af_gmail_payload_to_text (const AfJsonScan *scan,
                                int               payload);

/* One part of a /batch answer: its HTTP status (0 if not a response) and
 * where its body is in @bytes (up to a NUL), if it has one. */
guint af_gmail_parse_batch_part (GBytes      *bytes,
                                 const char **body,
                                 gsize       *body_size);

/* One part of a /batch answer: its Content-ID and what follows its
 * headers (an HTTP response). */
typedef struct
{
  char   *content_id;
  GBytes *body;
} AfGmailBatchPart;

void       af_gmail_batch_part_free (AfGmailBatchPart *part);
GPtrArray *af_gmail_split_batch (SoupMessageHeaders *headers,
                                 GBytes             *body);

/* Shared by the client's files. */
const AfServiceMethod *af_gmail_method (const char *id);
GError                *af_gmail_bad_response (const char *what);
char                  *af_gmail_client_api_url (AfGmailClient *self,
                                                const char    *format,
                                                ...) G_GNUC_PRINTF (2, 3);
AfHttpClient          *af_gmail_client_get_http (AfGmailClient *self);
AfTokenSource         *af_gmail_client_get_tokens (AfGmailClient *self);
const char            *af_gmail_client_get_base_url (AfGmailClient *self);
const char            *af_gmail_client_get_base_path (AfGmailClient *self);

/* One messages.list page → AfGmailListPage. */
void             af_gmail_client_list_page_async (AfGmailClient      *self,
                                                  const char         *query,
                                                  gboolean            include_spam_trash,
                                                  const char         *page_token,
                                                  guint               max_results,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
AfGmailListPage *af_gmail_client_list_page_finish (AfGmailClient *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

G_END_DECLS
