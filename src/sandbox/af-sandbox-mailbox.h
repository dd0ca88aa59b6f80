/* af-sandbox-mailbox.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sandbox's Gmail mailbox, shared by the files that answer the Gmail
 * API (af-sandbox-gmail*.c).
 */

#pragma once

#include "af-sandbox-private.h"

G_BEGIN_DECLS

typedef struct
{
  char      *id;
  char      *thread_id;
  guint64    history_id;
  gint64     internal_date;
  GPtrArray *labels;
  char      *from;
  char      *to;
  char      *subject;
  char      *date;
  char      *message_id;
  char      *references;
  char      *text;
  char      *html;
  char      *charset;
  gboolean   attachment;
  /* Its JSON as users.messages.get answers in format=full, and as its
   * messageAdded history record: rendered once, until it changes. */
  char *full_json;
  char *record_json;
} SbMessage;

typedef struct
{
  char *id;
  char *name;
  char *type;
} SbLabel;

typedef struct
{
  char *raw_mime;
  char *thread_id;
} SbSent;

typedef struct
{
  char *id;
  char *message_id; /* the Gmail id of its message */
  char *thread_id;
  char *rfc822_id; /* its Message-ID header, if it had one */
} SbDraft;

struct _SbGmail
{
  GPtrArray  *messages; /* oldest first */
  GHashTable *by_id;
  GPtrArray  *labels;
  GPtrArray  *sent;
  GPtrArray  *drafts;
  guint       n_drafts;
  guint64     next_history_id;
  guint64     history_floor;   /* older startHistoryIds get 404 */
  guint64     history_horizon; /* how many history ids are kept; 0: all */
  guint64     next_id;
  guint       next_label;
};

/* What a search query is matched against. */
typedef struct
{
  const char *subject;
  const char *from;
  const char *rfc822_id;
  gint64      internal_date; /* -1: unknown */
  GPtrArray  *labels;        /* nullable */
} SbQueryTarget;

gboolean sb_message_has_label (SbMessage  *m,
                               const char *label);
/* After any change to @m: what was rendered of it is stale. */
void       sb_message_changed (SbMessage *m);
void       sb_message_add_label (SbMessage  *m,
                                 const char *label);
void       sb_message_remove_label (SbMessage  *m,
                                    const char *label);
SbMessage *sb_gmail_insert_message (SbGmail    *gmail,
                                    const char *from,
                                    const char *to,
                                    const char *subject,
                                    const char *text,
                                    const char *html,
                                    const char *charset,
                                    gboolean    attachment,
                                    const char *thread_id,
                                    gint64      internal_date_ms);
SbLabel   *sb_gmail_find_label (SbGmail    *gmail,
                                const char *id);
/* NULL when a label of that name (in any case) exists. */
SbLabel *sb_gmail_create_label (SbGmail    *gmail,
                                const char *name);
void     sb_gmail_modify (SbGmail   *gmail,
                          GPtrArray *ids,
                          GPtrArray *add,
                          GPtrArray *remove);

void       sb_gmail_drop_history (SbGmail *gmail);
gboolean   sb_gmail_history_available (SbGmail *gmail,
                                       guint64  start);
GPtrArray *sb_gmail_history_after (SbGmail  *gmail,
                                   guint64   start,
                                   guint     offset,
                                   guint     max,
                                   gboolean *more);

gboolean sb_gmail_query_matches (const char          *q,
                                 const SbQueryTarget *t);

G_END_DECLS
