/* af-sandbox-mailbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sandbox's mailbox: its messages, labels, threads, drafts and sent
 * mail, the history records they make, how long those are kept, and the
 * search query messages.list and drafts.list take.
 */

#define G_LOG_DOMAIN "af-sandbox-gmail"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "af-sandbox-mailbox.h"

static const char *system_labels[] = {
  "INBOX",
  "SENT",
  "DRAFT",
  "SPAM",
  "TRASH",
  "UNREAD",
  "STARRED",
  "IMPORTANT",
  "CATEGORY_PERSONAL",
  "CATEGORY_SOCIAL",
  "CATEGORY_PROMOTIONS",
  "CATEGORY_UPDATES",
  "CATEGORY_FORUMS",
};

static void
sb_message_free (gpointer data)
{
  SbMessage *m = data;

  g_free (m->id);
  g_free (m->thread_id);
  g_ptr_array_unref (m->labels);
  g_free (m->from);
  g_free (m->to);
  g_free (m->subject);
  g_free (m->date);
  g_free (m->message_id);
  g_free (m->references);
  g_free (m->text);
  g_free (m->html);
  g_free (m->charset);
  g_free (m->full_json);
  g_free (m->record_json);
  g_free (m);
}

static void
sb_label_free (gpointer data)
{
  SbLabel *l = data;

  g_free (l->id);
  g_free (l->name);
  g_free (l->type);
  g_free (l);
}

static void
sb_draft_free (gpointer data)
{
  SbDraft *d = data;

  g_free (d->id);
  g_free (d->message_id);
  g_free (d->thread_id);
  g_free (d->rfc822_id);
  g_free (d);
}

static void
sb_sent_free (gpointer data)
{
  SbSent *s = data;

  g_free (s->raw_mime);
  g_free (s->thread_id);
  g_free (s);
}

SbGmail *
sb_gmail_new (void)
{
  SbGmail *gmail = g_new0 (SbGmail, 1);

  gmail->messages = g_ptr_array_new_with_free_func (sb_message_free);
  gmail->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  gmail->labels = g_ptr_array_new_with_free_func (sb_label_free);
  gmail->sent = g_ptr_array_new_with_free_func (sb_sent_free);
  gmail->drafts = g_ptr_array_new_with_free_func (sb_draft_free);
  gmail->next_history_id = 100000;
  gmail->next_id = 0x18c0a1b2c3d40000;
  gmail->next_label = 1;

  for (guint i = 0; i < G_N_ELEMENTS (system_labels); i++)
    {
      SbLabel *l = g_new0 (SbLabel, 1);

      l->id = g_strdup (system_labels[i]);
      l->name = g_strdup (system_labels[i]);
      l->type = g_strdup ("system");
      g_ptr_array_add (gmail->labels, l);
    }

  return gmail;
}

void
sb_gmail_free (SbGmail *gmail)
{
  g_ptr_array_unref (gmail->messages);
  g_hash_table_unref (gmail->by_id);
  g_ptr_array_unref (gmail->labels);
  g_ptr_array_unref (gmail->sent);
  g_ptr_array_unref (gmail->drafts);
  g_free (gmail);
}

gboolean
sb_message_has_label (SbMessage  *m,
                      const char *label)
{
  for (guint i = 0; i < m->labels->len; i++)
    if (g_str_equal (m->labels->pdata[i], label))
      return TRUE;
  return FALSE;
}

void
sb_message_changed (SbMessage *m)
{
  g_clear_pointer (&m->full_json, g_free);
  g_clear_pointer (&m->record_json, g_free);
}

void
sb_message_add_label (SbMessage  *m,
                      const char *label)
{
  if (!sb_message_has_label (m, label))
    {
      g_ptr_array_add (m->labels, g_strdup (label));
      sb_message_changed (m);
    }
}

void
sb_message_remove_label (SbMessage  *m,
                         const char *label)
{
  for (guint i = 0; i < m->labels->len; i++)
    if (g_str_equal (m->labels->pdata[i], label))
      {
        g_ptr_array_remove_index (m->labels, i);
        sb_message_changed (m);
        return;
      }
}

SbMessage *
sb_gmail_insert_message (SbGmail    *gmail,
                         const char *from,
                         const char *to,
                         const char *subject,
                         const char *text,
                         const char *html,
                         const char *charset,
                         gboolean    attachment,
                         const char *thread_id,
                         gint64      internal_date_ms)
{
  SbMessage *m = g_new0 (SbMessage, 1);
  g_autoptr (GDateTime) dt = NULL;

  m->id = g_strdup_printf ("%" G_GINT64_MODIFIER "x", gmail->next_id++);
  m->thread_id = g_strdup (thread_id ? thread_id : m->id);
  m->history_id = gmail->next_history_id++;
  m->internal_date = internal_date_ms;
  m->labels = g_ptr_array_new_with_free_func (g_free);
  m->from = g_strdup (from);
  m->to = g_strdup (to);
  m->subject = g_strdup (subject);
  dt = g_date_time_new_from_unix_utc (internal_date_ms / 1000);
  m->date = g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S +0000");
  m->message_id = g_strdup_printf ("<%s@mail.example.com>", m->id);
  m->text = g_strdup (text);
  m->html = g_strdup (html);
  m->charset = g_strdup (charset ? charset : "UTF-8");
  m->attachment = attachment;

  g_ptr_array_add (gmail->messages, m);
  g_hash_table_insert (gmail->by_id, m->id, m);

  return m;
}

void
sb_gmail_add_message (SbGmail           *gmail,
                      const char        *from,
                      const char        *to,
                      const char        *subject,
                      const char        *text,
                      const char        *html,
                      const char        *charset,
                      gboolean           attachment,
                      const char *const *labels,
                      gint64             internal_date_ms)
{
  SbMessage *m = sb_gmail_insert_message (gmail, from, to, subject, text, html, charset, attachment, NULL, internal_date_ms);

  for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
    sb_message_add_label (m, labels[i]);
}

/* The newest internalDate in the mailbox (ms), 0 when it is empty. */
gint64
sb_gmail_newest_date (SbGmail *gmail)
{
  gint64 newest = 0;

  for (guint i = 0; i < gmail->messages->len; i++)
    newest = MAX (newest, ((SbMessage *)gmail->messages->pdata[i])->internal_date);
  return newest;
}

SbLabel *
sb_gmail_find_label (SbGmail    *gmail,
                     const char *id)
{
  for (guint i = 0; i < gmail->labels->len; i++)
    if (g_str_equal (((SbLabel *)gmail->labels->pdata[i])->id, id))
      return gmail->labels->pdata[i];
  return NULL;
}

SbLabel *
sb_gmail_create_label (SbGmail    *gmail,
                       const char *name)
{
  SbLabel *l;

  for (guint i = 0; i < gmail->labels->len; i++)
    if (g_ascii_strcasecmp (((SbLabel *)gmail->labels->pdata[i])->name, name) == 0)
      return NULL;

  l = g_new0 (SbLabel, 1);
  l->id = g_strdup_printf ("Label_%u", gmail->next_label++);
  l->name = g_strdup (name);
  l->type = g_strdup ("user");
  g_ptr_array_add (gmail->labels, l);
  return l;
}

/* messages.batchModify: ids that do not exist are passed over. */
void
sb_gmail_modify (SbGmail   *gmail,
                 GPtrArray *ids,
                 GPtrArray *add,
                 GPtrArray *remove)
{
  for (guint i = 0; i < ids->len; i++)
    {
      SbMessage *m = g_hash_table_lookup (gmail->by_id, ids->pdata[i]);

      if (m == NULL)
        continue;
      for (guint k = 0; k < add->len; k++)
        sb_message_add_label (m, add->pdata[k]);
      for (guint k = 0; k < remove->len; k++)
        sb_message_remove_label (m, remove->pdata[k]);
      /* A label change is a history record of its own (labelsAdded /
       * labelsRemoved) and moves the mailbox's historyId on:
       * https://developers.google.com/gmail/api/reference/rest/v1/users.history/list */
      if (add->len > 0 || remove->len > 0)
        gmail->next_history_id++;
    }
}

/* history records */

/* Every history record older than now is gone: a stored startHistoryId
 * answers 404 from here on. */
void
sb_gmail_drop_history (SbGmail *gmail)
{
  gmail->history_floor = gmail->next_history_id;
}

/**
 * sb_gmail_history_available:
 *
 * Returns: whether history.list can answer from @start, %FALSE for a
 *   404
 */
gboolean
sb_gmail_history_available (SbGmail *gmail,
                            guint64  start)
{
  /* "History records are typically available for at least one week and
   * often longer. However, the time period for which records are available
   * may be significantly less": past that, 404 and the client must resync.
   * https://developers.google.com/gmail/api/guides/sync#limitations
   * The horizon is counted in history ids, so a test can pass it. */
  if (gmail->history_horizon > 0 && gmail->next_history_id > gmail->history_horizon)
    gmail->history_floor = MAX (gmail->history_floor, gmail->next_history_id - gmail->history_horizon);

  return start >= gmail->history_floor && start < gmail->next_history_id + 1;
}

/**
 * sb_gmail_history_after:
 * @offset: how many records after @start to pass over (the page token)
 * @more: (out): whether records follow the page
 *
 * Returns: (transfer container) (element-type SbMessage): the messages
 *   whose messageAdded records follow @start, oldest first, at most @max
 */
GPtrArray *
sb_gmail_history_after (SbGmail  *gmail,
                        guint64   start,
                        guint     offset,
                        guint     max,
                        gboolean *more)
{
  GPtrArray *page = g_ptr_array_new ();
  guint      seen = 0;

  *more = FALSE;
  for (guint i = 0; i < gmail->messages->len; i++)
    {
      SbMessage *m = gmail->messages->pdata[i];

      if (m->history_id <= start)
        continue;
      if (seen++ < offset)
        continue;
      if (page->len == max)
        {
          *more = TRUE;
          break;
        }
      g_ptr_array_add (page, m);
    }
  return page;
}

/* search */

/* Message-IDs compare without their angle brackets, as Gmail's
 * rfc822msgid: takes them. */
static gboolean
same_message_id (const char *header,
                 const char *wanted)
{
  gsize hlen, wlen;

  if (header == NULL || wanted == NULL)
    return FALSE;
  if (*header == '<')
    header++;
  if (*wanted == '<')
    wanted++;
  hlen = strlen (header);
  wlen = strlen (wanted);
  if (hlen > 0 && header[hlen - 1] == '>')
    hlen--;
  if (wlen > 0 && wanted[wlen - 1] == '>')
    wlen--;
  return hlen == wlen && strncmp (header, wanted, hlen) == 0;
}

/* A date in a query: epoch seconds, or YYYY/MM/DD, which "is interpreted
 * as midnight on that date in the PST timezone":
 * https://developers.google.com/gmail/api/guides/filtering
 * → ms since the epoch, or -1. */
static gint64
query_date_ms (const char *value)
{
  guint  y, m, d;
  char  *end = NULL;
  gint64 seconds;

  if (sscanf (value, "%u/%u/%u", &y, &m, &d) == 3 || sscanf (value, "%u-%u-%u", &y, &m, &d) == 3)
    {
      g_autoptr (GTimeZone) pacific = g_time_zone_new_identifier ("America/Los_Angeles");
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr (GDateTime) dt = g_date_time_new (pacific ? pacific : utc, y, m, d, 0, 0, 0);

      return dt ? g_date_time_to_unix (dt) * 1000 : -1;
    }
  seconds = g_ascii_strtoll (value, &end, 10);
  if (end == value || *end != '\0')
    return -1;
  return seconds * 1000;
}

/* in:<place> as Gmail's search box names it. */
static const char *
place_label (const char *place)
{
  static const struct
  {
    const char *place;
    const char *label;
  } places[] = {
    { "inbox", "INBOX" },
    { "sent", "SENT" },
    { "drafts", "DRAFT" },
    { "draft", "DRAFT" },
    { "chats", "CHAT" },
    { "spam", "SPAM" },
    { "trash", "TRASH" },
    { "starred", "STARRED" },
    { "important", "IMPORTANT" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    if (g_ascii_strcasecmp (places[i].place, place) == 0)
      return places[i].label;
  return NULL;
}

static gboolean
labels_contain (GPtrArray  *labels,
                const char *label)
{
  for (guint i = 0; labels != NULL && i < labels->len; i++)
    if (g_str_equal (labels->pdata[i], label))
      return TRUE;
  return FALSE;
}

static gboolean
term_matches (const char          *term,
              const SbQueryTarget *t)
{
  if (g_str_has_prefix (term, "rfc822msgid:"))
    return same_message_id (t->rfc822_id, term + strlen ("rfc822msgid:"));
  /* after: and before: compare the message's internalDate, the time
   * that "determines ordering in the inbox":
   * https://developers.google.com/gmail/api/reference/rest/v1/users.messages#Message
   * after: is taken as "at or after", so a client that asks after its
   * last second sees that second again, never misses it. */
  if (g_str_has_prefix (term, "after:") || g_str_has_prefix (term, "before:"))
    {
      gboolean after = term[0] == 'a';
      gint64   ms = query_date_ms (strchr (term, ':') + 1);

      if (ms < 0 || t->internal_date < 0)
        return FALSE;
      return after ? t->internal_date >= ms : t->internal_date < ms;
    }
  if (g_str_has_prefix (term, "in:") || g_str_has_prefix (term, "is:") || g_str_has_prefix (term, "label:"))
    {
      const char      *value = strchr (term, ':') + 1;
      const char      *label = place_label (value);
      g_autofree char *upper = g_ascii_strup (value, -1);

      return labels_contain (t->labels, label ? label : upper);
    }
  return (t->subject != NULL && strstr (t->subject, term) != NULL) || (t->from != NULL && strstr (t->from, term) != NULL);
}

/* The search box, as far as the app uses it: space-separated terms that
 * must all match, "-" before one negates it; rfc822msgid:, after:,
 * before:, in:; any other word is looked for in the subject and the
 * sender. https://developers.google.com/gmail/api/guides/filtering and
 * https://support.google.com/mail/answer/7190 */
gboolean
sb_gmail_query_matches (const char          *q,
                        const SbQueryTarget *t)
{
  g_auto (GStrv) terms = NULL;

  if (q == NULL || *q == '\0')
    return TRUE;
  terms = g_strsplit (q, " ", -1);
  for (guint i = 0; terms[i] != NULL; i++)
    {
      gboolean    negate = terms[i][0] == '-';
      const char *term = terms[i] + (negate ? 1 : 0);

      if (*term == '\0')
        continue;
      if (term_matches (term, t) == negate)
        return FALSE;
    }
  return TRUE;
}

/* public state access */

guint
af_sandbox_gmail_get_n_messages (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return af_sandbox_get_gmail (self)->messages->len;
}

guint
af_sandbox_gmail_count_with_label (AfSandbox  *self,
                                   const char *label_id)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbGmail *gmail;
  guint    n = 0;

  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  gmail = af_sandbox_get_gmail (self);
  for (guint i = 0; i < gmail->messages->len; i++)
    if (sb_message_has_label (gmail->messages->pdata[i], label_id))
      n++;
  return n;
}

/**
 * af_sandbox_gmail_deliver:
 *
 * A new message arrives in the inbox (unread); it shows in history.list.
 *
 * Returns: (transfer full): its id
 */
char *
af_sandbox_gmail_deliver (AfSandbox  *self,
                          const char *from,
                          const char *subject,
                          const char *text)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  static const char *const labels[] = { "INBOX", "UNREAD", "CATEGORY_PERSONAL", NULL };
  SbMessage               *m;

  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  m = sb_gmail_insert_message (af_sandbox_get_gmail (self), from, AF_SANDBOX_ACCOUNT, subject, text, NULL, NULL, FALSE,
                               NULL, g_get_real_time () / 1000);
  for (guint i = 0; labels[i] != NULL; i++)
    sb_message_add_label (m, labels[i]);
  return g_strdup (m->id);
}

guint
af_sandbox_gmail_get_n_sent (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return af_sandbox_get_gmail (self)->sent->len;
}

/**
 * af_sandbox_gmail_get_sent_mime:
 *
 * Returns: (transfer full) (nullable): the decoded MIME of a sent message
 */
char *
af_sandbox_gmail_get_sent_mime (AfSandbox *self,
                                guint      index)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbGmail *gmail;

  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  gmail = af_sandbox_get_gmail (self);
  if (index >= gmail->sent->len)
    return NULL;
  return g_strdup (((SbSent *)gmail->sent->pdata[index])->raw_mime);
}

const char *
af_sandbox_gmail_get_sent_thread (AfSandbox *self,
                                  guint      index)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbGmail *gmail;

  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  gmail = af_sandbox_get_gmail (self);
  if (index >= gmail->sent->len)
    return NULL;
  return ((SbSent *)gmail->sent->pdata[index])->thread_id;
}

const char *
af_sandbox_gmail_find_by_subject (AfSandbox  *self,
                                  const char *subject)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbGmail *gmail;

  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  gmail = af_sandbox_get_gmail (self);
  for (guint i = 0; i < gmail->messages->len; i++)
    {
      SbMessage *m = gmail->messages->pdata[i];

      if (g_strcmp0 (m->subject, subject) == 0)
        return m->id;
    }
  return NULL;
}

/**
 * af_sandbox_gmail_set_history_horizon:
 * @n_ids: how many history ids history.list keeps; 0: all of them
 *
 * A startHistoryId further back than @n_ids answers 404, as Gmail does
 * once its history records are gone.
 */
void
af_sandbox_gmail_set_history_horizon (AfSandbox *self,
                                      guint      n_ids)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_if_fail (AF_IS_SANDBOX (self));

  af_sandbox_get_gmail (self)->history_horizon = n_ids;
}

/**
 * af_sandbox_gmail_count_query:
 * @q: a messages.list search query
 *
 * Returns: how many messages messages.list with @q lists (spam and
 *   trash left out, as by default)
 */
guint
af_sandbox_gmail_count_query (AfSandbox  *self,
                              const char *q)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbGmail *gmail;
  guint    n = 0;

  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  gmail = af_sandbox_get_gmail (self);
  for (guint i = 0; i < gmail->messages->len; i++)
    {
      SbMessage    *m = gmail->messages->pdata[i];
      SbQueryTarget target = { m->subject, m->from, m->message_id, m->internal_date, m->labels };

      if (!sb_message_has_label (m, "SPAM") && !sb_message_has_label (m, "TRASH") && sb_gmail_query_matches (q, &target))
        n++;
    }
  return n;
}

/**
 * af_sandbox_gmail_get_n_drafts:
 *
 * Returns: how many drafts were saved
 */
guint
af_sandbox_gmail_get_n_drafts (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return af_sandbox_get_gmail (self)->drafts->len;
}

/**
 * af_sandbox_gmail_find_label:
 * @name: a label's name, e.g. "Newsletters"
 *
 * Returns: (nullable): its id (“Label_3”), for af_sandbox_gmail_count_with_label()
 */
const char *
af_sandbox_gmail_find_label (AfSandbox  *self,
                             const char *name)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbGmail *gmail;

  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  gmail = af_sandbox_get_gmail (self);
  for (guint i = 0; i < gmail->labels->len; i++)
    {
      SbLabel *l = g_ptr_array_index (gmail->labels, i);

      if (g_strcmp0 (l->name, name) == 0)
        return l->id;
    }
  return NULL;
}
