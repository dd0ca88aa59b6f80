/* af-gmail-client-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parsers behind the async calls, for the fuzz harnesses.
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* users.labels.list → (element-type AfGmailLabel), or NULL and @error. */
gpointer af_gmail_parse_labels (JsonNode *root,
                                GError  **error);

/* One part of a /batch answer: its HTTP status (0 if not a response) and
 * its JSON body, if any (transfer full). */
guint af_gmail_parse_batch_part (GBytes    *bytes,
                                 JsonNode **json);

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

G_END_DECLS
