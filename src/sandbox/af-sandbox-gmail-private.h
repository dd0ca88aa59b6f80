/* af-sandbox-gmail-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files answering the Gmail API share: the JSON of its
 * resources and users.messages.get, which the batch endpoint answers too.
 */

#pragma once

#include "af-sandbox-mailbox.h"

G_BEGIN_DECLS

/* The scopes that may read a message (metadata or more). */
extern const char *const sb_gmail_read_scopes[];

/* format: "minimal", "metadata" or "full" */
JsonNode *sb_gmail_message_json (SbMessage         *m,
                                 const char        *format,
                                 const char *const *metadata_headers);
JsonNode *sb_gmail_label_json (SbLabel *l,
                               gboolean visibility);
JsonNode *sb_gmail_history_record_json (SbMessage *m);
/* Its JSON text in format=full, and as a messageAdded history record,
 * kept with @m until it changes. */
const char *sb_gmail_full_text (SbMessage *m);
const char *sb_gmail_history_record_text (SbMessage *m);
JsonNode   *sb_gmail_profile_json (SbGmail *gmail);

/* GET messages/{id}?query: 200 with its JSON text in @out (transfer
 * full), or 404. */
guint sb_gmail_get_message (SbGmail    *gmail,
                            const char *id,
                            const char *query_string,
                            char      **out);

G_END_DECLS
