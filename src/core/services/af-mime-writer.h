/* af-mime-writer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AfGmailOutgoing:
 * @thread_id: (nullable): set for a reply, with @in_reply_to and @references
 */
typedef struct
{
  const char *from;
  const char *to;
  const char *cc;
  const char *subject;
  const char *body_text;
  const char *thread_id;
  const char *in_reply_to;
  const char *references;
  const char *message_id; /* nullable: "<…>", lets the mail be found again */
} AfGmailOutgoing;

char *af_gmail_build_mime (const AfGmailOutgoing *outgoing);
char *af_gmail_message_id_for_key (const char *key);

G_END_DECLS
