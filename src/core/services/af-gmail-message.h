/* af-gmail-message.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * AfGmailMessage:
 * @body_text: (nullable): only after af_gmail_client_get_message_async();
 *   text/plain preferred, else HTML converted to text
 */
typedef struct
{
  char  *id;
  char  *thread_id;
  char  *history_id;
  char **label_ids;
  char  *snippet;
  gint64 internal_date; /* ms since the epoch */
  char  *from;
  char  *to;
  char  *subject;
  char  *date;
  char  *message_id; /* the Message-ID header */
  char  *references;
  char  *body_text;
} AfGmailMessage;

typedef struct
{
  char *id;
  char *name;
  char *type; /* "system" or "user" */
} AfGmailLabel;

/**
 * AfGmailSyncResult:
 * @message_ids: (element-type utf8): new message ids, deduplicated
 * @history_id: the cursor to store for the next sync
 * @full_resync: %TRUE when the stored cursor had expired (or there was
 *   none) and the mailbox was listed instead
 * @truncated: %TRUE when a full resync stopped at its bound
 */
typedef struct
{
  GPtrArray *message_ids;
  char      *history_id;
  gboolean   full_resync;
  gboolean   truncated;
} AfGmailSyncResult;

void af_gmail_message_free (AfGmailMessage *message);
void af_gmail_label_free (AfGmailLabel *label);
void af_gmail_sync_result_free (AfGmailSyncResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfGmailMessage, af_gmail_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfGmailLabel, af_gmail_label_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfGmailSyncResult, af_gmail_sync_result_free)

AfGmailMessage *af_gmail_message_from_json (JsonObject *object);
AfGmailMessage *af_gmail_message_from_text (const char *data,
                                            gsize       size);

G_END_DECLS
