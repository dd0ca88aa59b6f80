/* af-sandbox-gmail.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-gmail"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "af-base64url.h"
#include "af-sandbox-private.h"

/* The Gmail API v1 as documented: users.getProfile, messages.list/get/
 * batchModify/send, history.list, labels.list/create, drafts.create and
 * the batch endpoint. Ids are hex strings like Gmail's. */

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

static const char *const read_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.readonly", "gmail.metadata", NULL };
static const char *const full_read_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.readonly", NULL };
static const char *const modify_scopes[] = { "https://mail.google.com/", "gmail.modify", NULL };
static const char *const label_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.labels", NULL };
static const char *const send_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.compose", "gmail.send", NULL };
static const char *const compose_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.compose", NULL };
static const char *const draft_read_scopes[] = { "https://mail.google.com/", "gmail.modify", "gmail.compose", "gmail.readonly", NULL };

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

static gboolean
has_label (SbMessage  *m,
           const char *label)
{
  for (guint i = 0; i < m->labels->len; i++)
    if (g_str_equal (m->labels->pdata[i], label))
      return TRUE;
  return FALSE;
}

static void
add_label (SbMessage  *m,
           const char *label)
{
  if (!has_label (m, label))
    g_ptr_array_add (m->labels, g_strdup (label));
}

static void
remove_label (SbMessage  *m,
              const char *label)
{
  for (guint i = 0; i < m->labels->len; i++)
    if (g_str_equal (m->labels->pdata[i], label))
      {
        g_ptr_array_remove_index (m->labels, i);
        return;
      }
}

static SbMessage *
insert_message (SbGmail    *gmail,
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
  SbMessage *m = insert_message (gmail, from, to, subject, text, html, charset, attachment, NULL, internal_date_ms);

  for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
    add_label (m, labels[i]);
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

/* JSON of a message */

static void
add_header (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
}

static void
add_body_part (JsonBuilder *b,
               const char  *part_id,
               const char  *mime_type,
               const char  *charset,
               const char  *content)
{
  g_autofree char *content_type = g_strdup_printf ("%s; charset=\"%s\"", mime_type, charset);
  g_autofree char *encoded = NULL;
  gsize            length;
  g_autofree char *converted = NULL;

  /* The body is stored in the part's own charset, as Gmail does. */
  if (g_ascii_strcasecmp (charset, "UTF-8") != 0)
    converted = g_convert (content, -1, charset, "UTF-8", NULL, &length, NULL);
  if (converted == NULL)
    {
      converted = g_strdup (content);
      length = strlen (content);
    }
  encoded = af_base64url_encode ((const guint8 *)converted, length, TRUE);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "partId");
  json_builder_add_string_value (b, part_id);
  json_builder_set_member_name (b, "mimeType");
  json_builder_add_string_value (b, mime_type);
  json_builder_set_member_name (b, "filename");
  json_builder_add_string_value (b, "");
  json_builder_set_member_name (b, "headers");
  json_builder_begin_array (b);
  add_header (b, "Content-Type", content_type);
  add_header (b, "Content-Transfer-Encoding", "quoted-printable");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "body");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, length);
  json_builder_set_member_name (b, "data");
  json_builder_add_string_value (b, encoded);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_headers (JsonBuilder       *b,
             SbMessage         *m,
             const char        *content_type,
             const char *const *only)
{
  const char *names[] = { "From", "To", "Subject", "Date", "Message-ID", "References", "Content-Type", "MIME-Version" };
  const char *values[] = { m->from, m->to, m->subject, m->date, m->message_id, m->references, content_type, "1.0" };

  json_builder_set_member_name (b, "headers");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (only != NULL)
        {
          gboolean wanted = FALSE;

          for (guint j = 0; only[j] != NULL && !wanted; j++)
            wanted = g_ascii_strcasecmp (only[j], names[i]) == 0;
          if (!wanted)
            continue;
        }
      add_header (b, names[i], values[i]);
    }
  json_builder_end_array (b);
}

static char *
make_snippet (SbMessage *m)
{
  const char *source = m->text ? m->text : m->html ? m->html
                                                   : "";
  GString    *s = g_string_new (NULL);
  gboolean    in_tag = FALSE;

  for (const char *p = source; *p && g_utf8_strlen (s->str, -1) < 100; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '<')
        in_tag = TRUE;
      else if (c == '>')
        in_tag = FALSE;
      else if (!in_tag)
        g_string_append_unichar (s, g_unichar_isspace (c) ? ' ' : c);
    }

  return g_string_free (s, FALSE);
}

/* format: "minimal", "metadata" or "full" */
static JsonNode *
message_json (SbMessage         *m,
              const char        *format,
              const char *const *metadata_headers)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *snippet = make_snippet (m);
  g_autofree char *history = g_strdup_printf ("%" G_GUINT64_FORMAT, m->history_id);
  g_autofree char *internal = g_strdup_printf ("%" G_GINT64_FORMAT, m->internal_date);
  const char      *top_type;
  g_autofree char *top_content_type = NULL;

  if (m->attachment)
    top_type = "multipart/mixed";
  else if (m->text != NULL && m->html != NULL)
    top_type = "multipart/alternative";
  else if (m->html != NULL)
    top_type = "text/html";
  else
    top_type = "text/plain";
  top_content_type = g_str_has_prefix (top_type, "multipart/")
                         ? g_strdup_printf ("%s; boundary=\"%s\"", top_type, m->id)
                         : g_strdup_printf ("%s; charset=\"%s\"", top_type, m->charset);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, m->id);
  json_builder_set_member_name (b, "threadId");
  json_builder_add_string_value (b, m->thread_id);
  json_builder_set_member_name (b, "labelIds");
  json_builder_begin_array (b);
  for (guint i = 0; i < m->labels->len; i++)
    json_builder_add_string_value (b, m->labels->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "snippet");
  json_builder_add_string_value (b, snippet);
  json_builder_set_member_name (b, "sizeEstimate");
  json_builder_add_int_value (b, (m->text ? strlen (m->text) : 0) + (m->html ? strlen (m->html) : 0) + 600);
  json_builder_set_member_name (b, "historyId");
  json_builder_add_string_value (b, history);
  json_builder_set_member_name (b, "internalDate");
  json_builder_add_string_value (b, internal);

  if (g_strcmp0 (format, "minimal") != 0)
    {
      gboolean full = g_strcmp0 (format, "metadata") != 0;

      json_builder_set_member_name (b, "payload");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "partId");
      json_builder_add_string_value (b, "");
      json_builder_set_member_name (b, "mimeType");
      json_builder_add_string_value (b, top_type);
      json_builder_set_member_name (b, "filename");
      json_builder_add_string_value (b, "");
      add_headers (b, m, top_content_type, full ? NULL : metadata_headers);

      if (full)
        {
          if (g_str_equal (top_type, "text/plain"))
            {
              json_builder_set_member_name (b, "body");
              json_builder_begin_object (b);
              {
                gsize            length;
                g_autofree char *converted = g_ascii_strcasecmp (m->charset, "UTF-8") != 0
                                                 ? g_convert (m->text, -1, m->charset, "UTF-8", NULL, &length, NULL)
                                                 : NULL;
                g_autofree char *data = NULL;

                if (converted == NULL)
                  {
                    converted = g_strdup (m->text ? m->text : "");
                    length = strlen (converted);
                  }
                data = af_base64url_encode ((const guint8 *)converted, length, TRUE);
                json_builder_set_member_name (b, "size");
                json_builder_add_int_value (b, length);
                json_builder_set_member_name (b, "data");
                json_builder_add_string_value (b, data);
              }
              json_builder_end_object (b);
            }
          else if (g_str_equal (top_type, "text/html"))
            {
              json_builder_set_member_name (b, "body");
              json_builder_begin_object (b);
              {
                g_autofree char *data = af_base64url_encode ((const guint8 *)m->html, strlen (m->html), TRUE);

                json_builder_set_member_name (b, "size");
                json_builder_add_int_value (b, strlen (m->html));
                json_builder_set_member_name (b, "data");
                json_builder_add_string_value (b, data);
              }
              json_builder_end_object (b);
            }
          else
            {
              json_builder_set_member_name (b, "body");
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "size");
              json_builder_add_int_value (b, 0);
              json_builder_end_object (b);
              json_builder_set_member_name (b, "parts");
              json_builder_begin_array (b);
              if (m->attachment)
                {
                  /* multipart/mixed → [multipart/alternative → [plain, html], pdf] */
                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "partId");
                  json_builder_add_string_value (b, "0");
                  json_builder_set_member_name (b, "mimeType");
                  json_builder_add_string_value (b, "multipart/alternative");
                  json_builder_set_member_name (b, "filename");
                  json_builder_add_string_value (b, "");
                  json_builder_set_member_name (b, "body");
                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "size");
                  json_builder_add_int_value (b, 0);
                  json_builder_end_object (b);
                  json_builder_set_member_name (b, "parts");
                  json_builder_begin_array (b);
                  if (m->text)
                    add_body_part (b, "0.0", "text/plain", m->charset, m->text);
                  if (m->html)
                    add_body_part (b, "0.1", "text/html", m->charset, m->html);
                  json_builder_end_array (b);
                  json_builder_end_object (b);

                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "partId");
                  json_builder_add_string_value (b, "1");
                  json_builder_set_member_name (b, "mimeType");
                  json_builder_add_string_value (b, "application/pdf");
                  json_builder_set_member_name (b, "filename");
                  json_builder_add_string_value (b, "invoice.pdf");
                  json_builder_set_member_name (b, "headers");
                  json_builder_begin_array (b);
                  add_header (b, "Content-Type", "application/pdf; name=\"invoice.pdf\"");
                  add_header (b, "Content-Disposition", "attachment; filename=\"invoice.pdf\"");
                  json_builder_end_array (b);
                  json_builder_set_member_name (b, "body");
                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "attachmentId");
                  json_builder_add_string_value (b, "ANGjdJ8sandbox");
                  json_builder_set_member_name (b, "size");
                  json_builder_add_int_value (b, 48213);
                  json_builder_end_object (b);
                  json_builder_end_object (b);
                }
              else
                {
                  add_body_part (b, "0", "text/plain", m->charset, m->text);
                  add_body_part (b, "1", "text/html", m->charset, m->html);
                }
              json_builder_end_array (b);
            }
        }
      json_builder_end_object (b);
    }

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* routes */

static gboolean
check_auth (AfSandbox         *self,
            SoupServerMessage *msg,
            const char *const *scopes)
{
  AfSandboxAuth auth = af_sandbox_authorize_any (self, msg, "google", scopes, NULL);

  if (auth == AF_SANDBOX_AUTH_OK)
    return TRUE;

  af_sandbox_respond_google_auth (msg, auth);
  return FALSE;
}

static void
respond_not_found (SoupServerMessage *msg)
{
  af_sandbox_respond_google_error (msg, 404, "notFound", "Requested entity was not found.");
}

static void
handle_profile (AfSandbox         *self,
                SbGmail           *gmail,
                SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *history = g_strdup_printf ("%" G_GUINT64_FORMAT, gmail->next_history_id - 1);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "emailAddress");
  json_builder_add_string_value (b, AF_SANDBOX_ACCOUNT);
  json_builder_set_member_name (b, "messagesTotal");
  json_builder_add_int_value (b, gmail->messages->len);
  json_builder_set_member_name (b, "threadsTotal");
  json_builder_add_int_value (b, gmail->messages->len);
  json_builder_set_member_name (b, "historyId");
  json_builder_add_string_value (b, history);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  af_sandbox_respond_json (msg, 200, root);
}

static guint
parse_max_results (GHashTable *query,
                   guint       fallback,
                   guint       limit)
{
  const char *value = query ? g_hash_table_lookup (query, "maxResults") : NULL;
  guint       n = value ? (guint)g_ascii_strtoull (value, NULL, 10) : fallback;

  return CLAMP (n, 1, limit);
}

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

typedef struct
{
  const char *subject;
  const char *from;
  const char *rfc822_id;
  gint64      internal_date; /* -1: unknown */
  GPtrArray  *labels;        /* nullable */
} QueryTarget;

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
term_matches (const char        *term,
              const QueryTarget *t)
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
static gboolean
query_matches (const char        *q,
               const QueryTarget *t)
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

static void
handle_list (AfSandbox         *self,
             SbGmail           *gmail,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  guint       max = parse_max_results (query, 100, 500);
  const char *token = query ? g_hash_table_lookup (query, "pageToken") : NULL;
  const char *q = query ? g_hash_table_lookup (query, "q") : NULL;
  const char *label = query ? g_hash_table_lookup (query, "labelIds") : NULL;
  const char *spam_trash = query ? g_hash_table_lookup (query, "includeSpamTrash") : NULL;
  gboolean    include_spam_trash = g_strcmp0 (spam_trash, "true") == 0;
  guint       offset = token ? (guint)g_ascii_strtoull (token, NULL, 10) : 0;
  guint       seen = 0, added = 0;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  gboolean more = FALSE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  /* Newest first; the page token is an offset into that order. */
  for (guint i = gmail->messages->len; i > 0; i--)
    {
      SbMessage *m = gmail->messages->pdata[i - 1];

      QueryTarget target = { m->subject, m->from, m->message_id, m->internal_date, m->labels };

      if (label != NULL && !has_label (m, label))
        continue;
      /* "includeSpamTrash: Include messages from SPAM and TRASH in the
       * results", false by default:
       * https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list */
      if (!include_spam_trash && (has_label (m, "SPAM") || has_label (m, "TRASH")))
        continue;
      if (!query_matches (q, &target))
        continue;
      if (seen++ < offset)
        continue;
      if (added == max)
        {
          more = TRUE;
          break;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, m->id);
      json_builder_set_member_name (b, "threadId");
      json_builder_add_string_value (b, m->thread_id);
      json_builder_end_object (b);
      added++;
    }
  json_builder_end_array (b);
  if (more)
    {
      g_autofree char *next = g_strdup_printf ("%u", offset + added);

      json_builder_set_member_name (b, "nextPageToken");
      json_builder_add_string_value (b, next);
    }
  json_builder_set_member_name (b, "resultSizeEstimate");
  json_builder_add_int_value (b, added);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  /* An empty answer has no "messages" at all, as Gmail's. */
  if (added == 0)
    json_object_remove_member (json_node_get_object (root), "messages");

  af_sandbox_respond_json (msg, 200, root);
}

static void
handle_history (AfSandbox         *self,
                SbGmail           *gmail,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  const char *start_text = query ? g_hash_table_lookup (query, "startHistoryId") : NULL;
  const char *token = query ? g_hash_table_lookup (query, "pageToken") : NULL;
  guint       max = parse_max_results (query, 100, 500);
  guint64     start;
  guint       offset = token ? (guint)g_ascii_strtoull (token, NULL, 10) : 0;
  guint       seen = 0, added = 0;
  gboolean    more = FALSE;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *current = g_strdup_printf ("%" G_GUINT64_FORMAT, gmail->next_history_id - 1);

  if (start_text == NULL)
    {
      af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Missing startHistoryId");
      return;
    }

  if (af_sandbox_take_cursor_expiry (self, "gmail.users.history.list"))
    gmail->history_floor = gmail->next_history_id;

  /* "History records are typically available for at least one week and
   * often longer. However, the time period for which records are available
   * may be significantly less": past that, 404 and the client must resync.
   * https://developers.google.com/gmail/api/guides/sync#limitations
   * The horizon is counted in history ids, so a test can pass it. */
  if (gmail->history_horizon > 0 && gmail->next_history_id > gmail->history_horizon)
    gmail->history_floor = MAX (gmail->history_floor, gmail->next_history_id - gmail->history_horizon);

  start = g_ascii_strtoull (start_text, NULL, 10);
  if (start < gmail->history_floor || start >= gmail->next_history_id + 1)
    {
      respond_not_found (msg);
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  for (guint i = 0; i < gmail->messages->len; i++)
    {
      SbMessage       *m = gmail->messages->pdata[i];
      g_autofree char *hid = NULL;

      if (m->history_id <= start)
        continue;
      if (seen++ < offset)
        continue;
      if (added == max)
        {
          more = TRUE;
          break;
        }
      hid = g_strdup_printf ("%" G_GUINT64_FORMAT, m->history_id);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, hid);
      json_builder_set_member_name (b, "messages");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, m->id);
      json_builder_set_member_name (b, "threadId");
      json_builder_add_string_value (b, m->thread_id);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "messagesAdded");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "message");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, m->id);
      json_builder_set_member_name (b, "threadId");
      json_builder_add_string_value (b, m->thread_id);
      json_builder_set_member_name (b, "labelIds");
      json_builder_begin_array (b);
      for (guint k = 0; k < m->labels->len; k++)
        json_builder_add_string_value (b, m->labels->pdata[k]);
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
      added++;
    }
  json_builder_end_array (b);
  if (more)
    {
      g_autofree char *next = g_strdup_printf ("%u", offset + added);

      json_builder_set_member_name (b, "nextPageToken");
      json_builder_add_string_value (b, next);
    }
  json_builder_set_member_name (b, "historyId");
  json_builder_add_string_value (b, current);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  if (added == 0)
    json_object_remove_member (json_node_get_object (root), "history");

  af_sandbox_respond_json (msg, 200, root);
}

static GStrv
metadata_headers_from_query (const char *query_string)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  g_auto (GStrv) pairs = g_strsplit (query_string ? query_string : "", "&", -1);
  GStrv result;

  for (guint i = 0; pairs[i] != NULL; i++)
    if (g_str_has_prefix (pairs[i], "metadataHeaders="))
      {
        g_autofree char *value = g_uri_unescape_string (pairs[i] + strlen ("metadataHeaders="), NULL);

        if (value != NULL)
          g_strv_builder_add (builder, value);
      }

  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  if (result[0] == NULL)
    g_clear_pointer (&result, g_strfreev);
  return result;
}

/* GET messages/{id}: shared by the route and the batch endpoint. */
static guint
get_message (SbGmail    *gmail,
             const char *id,
             const char *query_string,
             JsonNode  **out)
{
  SbMessage       *m = g_hash_table_lookup (gmail->by_id, id);
  g_autofree char *format = NULL;
  g_auto (GStrv) headers = NULL;
  g_autoptr (GHashTable) query = query_string ? soup_form_decode (query_string) : NULL;

  if (m == NULL)
    return 404;

  format = g_strdup (query ? g_hash_table_lookup (query, "format") : NULL);
  headers = metadata_headers_from_query (query_string);
  *out = message_json (m, format ? format : "full", (const char *const *)headers);
  return 200;
}

static void
handle_get (AfSandbox         *self,
            SbGmail           *gmail,
            SoupServerMessage *msg,
            const char        *id)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr (JsonNode) node = NULL;

  if (get_message (gmail, id, g_uri_get_query (uri), &node) == 404)
    respond_not_found (msg);
  else
    af_sandbox_respond_json (msg, 200, node);
}

static GPtrArray *
string_array (JsonObject *o,
              const char *member)
{
  GPtrArray *result = g_ptr_array_new ();
  JsonArray *array = json_object_has_member (o, member) ? json_object_get_array_member (o, member) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    g_ptr_array_add (result, (gpointer)json_array_get_string_element (array, i));

  return result;
}

static SbLabel *
find_label (SbGmail    *gmail,
            const char *id)
{
  for (guint i = 0; i < gmail->labels->len; i++)
    if (g_str_equal (((SbLabel *)gmail->labels->pdata[i])->id, id))
      return gmail->labels->pdata[i];
  return NULL;
}

static void
handle_batch_modify (AfSandbox         *self,
                     SbGmail           *gmail,
                     SoupServerMessage *msg)
{
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GPtrArray) add = NULL;
  g_autoptr (GPtrArray) remove = NULL;
  JsonObject *o;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      af_sandbox_respond_google_error (msg, 400, "badRequest", "Invalid JSON payload received.");
      return;
    }
  o = json_node_get_object (body);
  ids = string_array (o, "ids");
  add = string_array (o, "addLabelIds");
  remove = string_array (o, "removeLabelIds");

  if (ids->len == 0 || ids->len > 1000)
    {
      af_sandbox_respond_google_error (msg, 400, "invalidArgument",
                                       ids->len == 0 ? "No message ids specified." : "Too many ids specified (max 1000).");
      return;
    }
  for (guint i = 0; i < add->len; i++)
    if (find_label (gmail, add->pdata[i]) == NULL)
      {
        af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Invalid label: addLabelIds");
        return;
      }

  for (guint i = 0; i < ids->len; i++)
    {
      SbMessage *m = g_hash_table_lookup (gmail->by_id, ids->pdata[i]);

      if (m == NULL)
        continue;
      for (guint k = 0; k < add->len; k++)
        add_label (m, add->pdata[k]);
      for (guint k = 0; k < remove->len; k++)
        remove_label (m, remove->pdata[k]);
      /* A label change is a history record of its own (labelsAdded /
       * labelsRemoved) and moves the mailbox's historyId on:
       * https://developers.google.com/gmail/api/reference/rest/v1/users.history/list */
      if (add->len > 0 || remove->len > 0)
        gmail->next_history_id++;
    }

  /* 204 No Content, an empty body, as documented. */
  soup_server_message_set_status (msg, 204, NULL);
}

static void
respond_label (SoupServerMessage *msg,
               SbLabel           *l)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, l->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, l->name);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, l->type);
  json_builder_set_member_name (b, "labelListVisibility");
  json_builder_add_string_value (b, "labelShow");
  json_builder_set_member_name (b, "messageListVisibility");
  json_builder_add_string_value (b, "show");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  af_sandbox_respond_json (msg, 200, root);
}

static void
handle_labels (AfSandbox         *self,
               SbGmail           *gmail,
               SoupServerMessage *msg,
               gboolean           create)
{
  if (create)
    {
      g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
      const char *name = body && JSON_NODE_HOLDS_OBJECT (body)
                             ? json_object_get_string_member_with_default (json_node_get_object (body), "name", NULL)
                             : NULL;
      SbLabel    *l;

      if (name == NULL || *name == '\0')
        {
          af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Invalid label name");
          return;
        }
      for (guint i = 0; i < gmail->labels->len; i++)
        if (g_ascii_strcasecmp (((SbLabel *)gmail->labels->pdata[i])->name, name) == 0)
          {
            af_sandbox_respond_google_error (msg, 409, "duplicate", "Label name exists or conflicts");
            return;
          }

      l = g_new0 (SbLabel, 1);
      l->id = g_strdup_printf ("Label_%u", gmail->next_label++);
      l->name = g_strdup (name);
      l->type = g_strdup ("user");
      g_ptr_array_add (gmail->labels, l);
      respond_label (msg, l);
      return;
    }

  {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    g_autoptr (JsonNode) root = NULL;

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "labels");
    json_builder_begin_array (b);
    for (guint i = 0; i < gmail->labels->len; i++)
      {
        SbLabel *l = gmail->labels->pdata[i];

        json_builder_begin_object (b);
        json_builder_set_member_name (b, "id");
        json_builder_add_string_value (b, l->id);
        json_builder_set_member_name (b, "name");
        json_builder_add_string_value (b, l->name);
        json_builder_set_member_name (b, "type");
        json_builder_add_string_value (b, l->type);
        json_builder_end_object (b);
      }
    json_builder_end_array (b);
    json_builder_end_object (b);
    root = json_builder_get_root (b);
    af_sandbox_respond_json (msg, 200, root);
  }
}

static char *
decode_raw (const char *raw)
{
  g_autoptr (GString) s = g_string_new (raw);
  guchar *data;
  gsize   length = 0;

  for (gsize i = 0; i < s->len; i++)
    {
      if (s->str[i] == '-')
        s->str[i] = '+';
      else if (s->str[i] == '_')
        s->str[i] = '/';
    }
  while (s->len % 4 != 0)
    g_string_append_c (s, '=');
  data = g_base64_decode (s->str, &length);
  if (data == NULL)
    return NULL;
  data = g_realloc (data, length + 1);
  data[length] = '\0';
  return (char *)data;
}

static char *
mime_header (const char *mime,
             const char *name)
{
  g_autofree char *prefix = g_strdup_printf ("%s: ", name);
  const char      *p = mime;

  while (p && *p && !(p[0] == '\r' && p[1] == '\n'))
    {
      const char *end = strstr (p, "\r\n");

      if (g_ascii_strncasecmp (p, prefix, strlen (prefix)) == 0)
        return g_strndup (p + strlen (prefix), end ? (gsize)(end - p - strlen (prefix)) : strlen (p + strlen (prefix)));
      p = end ? end + 2 : NULL;
    }
  return NULL;
}

/* The text of a single-part message, decoded. */
static char *
mime_text (const char *mime)
{
  const char      *body = strstr (mime, "\r\n\r\n");
  g_autofree char *encoding = mime_header (mime, "Content-Transfer-Encoding");

  body = body ? body + 4 : "";
  if (g_strcmp0 (encoding, "base64") == 0)
    {
      gsize   length = 0;
      guchar *data = g_base64_decode (body, &length);
      char   *text = g_strndup ((const char *)data, length);

      g_free (data);
      return text;
    }
  return g_strdup (body);
}

/* For the side-effect log: the subject and the text, decoded. */
static void
log_mail (AfSandbox  *self,
          const char *method_id,
          const char *mime)
{
  g_autofree char *subject = mime_header (mime, "Subject");
  g_autofree char *text = mime_text (mime);
  g_autofree char *entry = NULL;

  entry = g_strdup_printf ("%s\n%s", subject ? subject : "", text);
  af_sandbox_log_side_effect (self, method_id, entry);
}

/* messages.send and drafts.create: {"raw": base64url, "threadId"?} */
static gboolean
read_raw (SoupServerMessage *msg,
          JsonObject        *message,
          char             **mime,
          const char       **thread_id)
{
  const char *raw = message ? json_object_get_string_member_with_default (message, "raw", NULL) : NULL;

  *mime = raw ? decode_raw (raw) : NULL;
  *thread_id = message ? json_object_get_string_member_with_default (message, "threadId", NULL) : NULL;
  if (*mime == NULL || strstr (*mime, "\r\n\r\n") == NULL)
    {
      g_clear_pointer (mime, g_free);
      af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Invalid value for ByteString");
      return FALSE;
    }
  return TRUE;
}

static void
handle_send (AfSandbox         *self,
             SbGmail           *gmail,
             SoupServerMessage *msg)
{
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
  g_autofree char *mime = NULL;
  g_autofree char *to = NULL;
  g_autofree char *subject = NULL;
  const char      *thread_id = NULL;
  SbMessage       *m;
  SbSent          *sent;
  g_autoptr (JsonNode) node = NULL;

  if (!read_raw (msg, body && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL, &mime, &thread_id))
    return;

  to = mime_header (mime, "To");
  if (to == NULL)
    {
      af_sandbox_respond_google_error (msg, 400, "invalidArgument", "Invalid To header");
      return;
    }
  if (thread_id != NULL && g_hash_table_lookup (gmail->by_id, thread_id) == NULL)
    {
      respond_not_found (msg);
      return;
    }

  subject = mime_header (mime, "Subject");
  {
    g_autofree char *text = mime_text (mime);

    m = insert_message (gmail, AF_SANDBOX_ACCOUNT, to, subject, text, NULL, NULL, FALSE, thread_id,
                        g_get_real_time () / 1000);
  }
  add_label (m, "SENT");
  /* The sender's own Message-ID stays, as Gmail keeps it. */
  {
    g_autofree char *rfc822_id = mime_header (mime, "Message-ID");

    if (rfc822_id != NULL)
      {
        g_free (m->message_id);
        m->message_id = g_steal_pointer (&rfc822_id);
      }
  }

  log_mail (self, "gmail.users.messages.send", mime);
  sent = g_new0 (SbSent, 1);
  sent->raw_mime = g_steal_pointer (&mime);
  sent->thread_id = g_strdup (m->thread_id);
  g_ptr_array_add (gmail->sent, sent);

  node = message_json (m, "minimal", NULL);
  af_sandbox_respond_json (msg, 200, node);
}

static void
handle_draft (AfSandbox         *self,
              SbGmail           *gmail,
              SoupServerMessage *msg)
{
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
  JsonObject      *message = NULL;
  g_autofree char *mime = NULL;
  const char      *thread_id = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *draft_id = NULL;
  g_autofree char *message_id = NULL;

  if (body && JSON_NODE_HOLDS_OBJECT (body) && json_object_has_member (json_node_get_object (body), "message"))
    message = json_object_get_object_member (json_node_get_object (body), "message");
  if (!read_raw (msg, message, &mime, &thread_id))
    return;

  gmail->n_drafts++;
  log_mail (self, "gmail.users.drafts.create", mime);
  draft_id = g_strdup_printf ("r-%u", 4000000 + gmail->n_drafts);
  /* A draft is a message of the mailbox with the DRAFT label, and saving
   * it is a messageAdded history record like any other mail; the
   * mailbox's own mail is in the history too:
   * https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/create
   * https://developers.google.com/gmail/api/guides/drafts */
  {
    SbDraft         *d = g_new0 (SbDraft, 1);
    g_autofree char *to = mime_header (mime, "To");
    g_autofree char *subject = mime_header (mime, "Subject");
    g_autofree char *text = mime_text (mime);
    SbMessage       *m = insert_message (gmail, AF_SANDBOX_ACCOUNT, to ? to : "", subject ? subject : "", text, NULL,
                                         NULL, FALSE, thread_id, g_get_real_time () / 1000);

    add_label (m, "DRAFT");
    d->rfc822_id = mime_header (mime, "Message-ID");
    if (d->rfc822_id != NULL)
      {
        g_free (m->message_id);
        m->message_id = g_strdup (d->rfc822_id);
      }
    message_id = g_strdup (m->id);
    d->id = g_strdup (draft_id);
    d->message_id = g_strdup (message_id);
    d->thread_id = g_strdup (m->thread_id);
    g_ptr_array_add (gmail->drafts, d);
  }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, draft_id);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, message_id);
  json_builder_set_member_name (b, "threadId");
  json_builder_add_string_value (b, thread_id ? thread_id : message_id);
  json_builder_set_member_name (b, "labelIds");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "DRAFT");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  af_sandbox_respond_json (msg, 200, root);
}

/* drafts.list: {"drafts": [{"id", "message": {"id", "threadId"}}]},
 * newest first; q as in messages.list. */
static void
handle_drafts_list (SbGmail           *gmail,
                    SoupServerMessage *msg,
                    GHashTable        *query)
{
  guint       max = parse_max_results (query, 100, 500);
  const char *q = query ? g_hash_table_lookup (query, "q") : NULL;
  guint       added = 0;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "drafts");
  json_builder_begin_array (b);
  for (guint i = gmail->drafts->len; i > 0 && added < max; i--)
    {
      SbDraft *d = gmail->drafts->pdata[i - 1];

      QueryTarget target = { NULL, NULL, d->rfc822_id, -1, NULL };

      if (!query_matches (q, &target))
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, d->id);
      json_builder_set_member_name (b, "message");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, d->message_id);
      json_builder_set_member_name (b, "threadId");
      json_builder_add_string_value (b, d->thread_id);
      json_builder_end_object (b);
      json_builder_end_object (b);
      added++;
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "resultSizeEstimate");
  json_builder_add_int_value (b, added);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  if (added == 0)
    json_object_remove_member (json_node_get_object (root), "drafts");
  af_sandbox_respond_json (msg, 200, root);
}

void
sb_gmail_handle (AfSandbox         *self,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query)
{
  SbGmail    *gmail = af_sandbox_get_gmail (self);
  const char *method = soup_server_message_get_method (msg);
  gboolean    get = g_str_equal (method, "GET");
  gboolean    post = g_str_equal (method, "POST");

  if (get && g_str_equal (path, "profile"))
    {
      if (af_sandbox_begin (self, msg, "gmail.users.getProfile") && check_auth (self, msg, read_scopes))
        handle_profile (self, gmail, msg);
    }
  else if (get && g_str_equal (path, "messages"))
    {
      if (af_sandbox_begin (self, msg, "gmail.users.messages.list") && check_auth (self, msg, full_read_scopes))
        handle_list (self, gmail, msg, query);
    }
  else if (get && g_str_equal (path, "history"))
    {
      if (af_sandbox_begin (self, msg, "gmail.users.history.list") && check_auth (self, msg, read_scopes))
        handle_history (self, gmail, msg, query);
    }
  else if (post && g_str_equal (path, "messages/batchModify"))
    {
      if (af_sandbox_begin (self, msg, "gmail.users.messages.batchModify") && check_auth (self, msg, modify_scopes))
        handle_batch_modify (self, gmail, msg);
    }
  else if (post && g_str_equal (path, "messages/send"))
    {
      if (af_sandbox_begin (self, msg, "gmail.users.messages.send") && check_auth (self, msg, send_scopes))
        handle_send (self, gmail, msg);
    }
  else if (get && g_str_has_prefix (path, "messages/") && strchr (path + 9, '/') == NULL)
    {
      if (af_sandbox_begin (self, msg, "gmail.users.messages.get") && check_auth (self, msg, read_scopes))
        handle_get (self, gmail, msg, path + 9);
    }
  else if (g_str_equal (path, "labels") && (get || post))
    {
      if (af_sandbox_begin (self, msg, get ? "gmail.users.labels.list" : "gmail.users.labels.create") &&
          check_auth (self, msg, get ? read_scopes : label_scopes))
        handle_labels (self, gmail, msg, post);
    }
  else if (get && g_str_equal (path, "drafts"))
    {
      if (af_sandbox_begin (self, msg, "gmail.users.drafts.list") && check_auth (self, msg, draft_read_scopes))
        handle_drafts_list (gmail, msg, query);
    }
  else if (post && g_str_equal (path, "drafts"))
    {
      if (af_sandbox_begin (self, msg, "gmail.users.drafts.create") && check_auth (self, msg, compose_scopes))
        handle_draft (self, gmail, msg);
    }
  else
    respond_not_found (msg);
}

/* POST /batch/gmail/v1: multipart/mixed of application/http parts, each
 * answered in a part of the response, Content-ID "response-…". */
void
sb_gmail_handle_batch (AfSandbox         *self,
                       SoupServerMessage *msg)
{
  SbGmail            *gmail = af_sandbox_get_gmail (self);
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr (SoupMultipart) request = NULL;
  g_autoptr (SoupMultipart) response = NULL;
  g_autoptr (SoupMessageHeaders) response_headers = NULL;
  g_autoptr (GBytes) response_body = NULL;
  const char *content_type;

  if (!af_sandbox_begin (self, msg, "gmail.batch"))
    return;

  request = soup_multipart_new_from_message (request_headers, body);
  if (request == NULL)
    {
      af_sandbox_respond_google_error (msg, 400, "badRequest", "Failed to parse batch request");
      return;
    }
  if (soup_multipart_get_length (request) > 100)
    {
      af_sandbox_respond_google_error (msg, 400, "badRequest", "Too many requests in batch (max 100)");
      return;
    }

  response = soup_multipart_new ("multipart/mixed");
  for (int i = 0; i < soup_multipart_get_length (request); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes             *part_body;
      g_autofree char    *text = NULL;
      g_auto (GStrv) words = NULL;
      g_autofree char *cid = NULL;
      g_autoptr (SoupMessageHeaders) out_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
      g_autofree char *answer = NULL;
      g_autoptr (JsonNode) node = NULL;
      guint         status = 400;
      AfSandboxAuth auth;

      if (!soup_multipart_get_part (request, i, &part_headers, &part_body))
        continue;
      text = g_strndup (g_bytes_get_data (part_body, NULL), g_bytes_get_size (part_body));
      words = g_strsplit_set (text, " \r\n", 3);
      cid = g_strdup (soup_message_headers_get_one (part_headers, "Content-ID"));

      /* Inner requests are charged as themselves; the token is the batch's. */
      auth = af_sandbox_authorize_any (self, msg, "google", read_scopes, NULL);
      if (auth != AF_SANDBOX_AUTH_OK)
        status = auth == AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE ? 403 : 401;
      else if (words[0] && words[1] && g_str_equal (words[0], "GET") &&
               g_str_has_prefix (words[1], "/gmail/v1/users/me/messages/"))
        {
          g_autofree char *rest = g_strdup (words[1] + strlen ("/gmail/v1/users/me/messages/"));
          char            *q = strchr (rest, '?');

          if (q != NULL)
            *q++ = '\0';
          /* Each part is a request of its own: it can be rate limited
           * alone, and "a set of n requests batched together counts
           * toward your usage limit as n requests":
           * https://developers.google.com/gmail/api/guides/batch */
          status = af_sandbox_take_inner_fault (self, "gmail.users.messages.get");
          if (status == 0)
            {
              af_sandbox_count_inner (self, "gmail.users.messages.get");
              status = get_message (gmail, rest, q, &node);
            }
        }

      soup_message_headers_replace (out_headers, "Content-Type", "application/http");
      if (cid != NULL)
        {
          g_autofree char *inner = g_strdup (cid[0] == '<' ? cid + 1 : cid);
          g_autofree char *rcid = NULL;

          if (g_str_has_suffix (inner, ">"))
            inner[strlen (inner) - 1] = '\0';
          rcid = g_strdup_printf ("<response-%s>", inner);
          soup_message_headers_replace (out_headers, "Content-ID", rcid);
        }

      if (status == 200)
        {
          g_autofree char *json = json_to_string (node, FALSE);

          answer = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n%s", json);
        }
      else
        answer = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                                  "{\"error\":{\"code\":%u,\"message\":\"%s\",\"status\":\"%s\"}}",
                                  status, soup_status_get_phrase (status), status,
                                  status == 404   ? "Requested entity was not found."
                                  : status == 429 ? "Resource has been exhausted (e.g. check quota)."
                                                  : "Request failed",
                                  status == 404   ? "NOT_FOUND"
                                  : status == 429 ? "RESOURCE_EXHAUSTED"
                                                  : "INVALID_ARGUMENT");
      {
        g_autoptr (GBytes) bytes = g_bytes_new (answer, strlen (answer));

        soup_multipart_append_part (response, out_headers, bytes);
      }
    }

  response_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  soup_multipart_to_message (response, response_headers, &response_body);
  content_type = soup_message_headers_get_one (response_headers, "Content-Type");
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (response_body, NULL), g_bytes_get_size (response_body));
}

/* public state access */

guint
af_sandbox_gmail_get_n_messages (AfSandbox *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return af_sandbox_get_gmail (self)->messages->len;
}

guint
af_sandbox_gmail_count_with_label (AfSandbox  *self,
                                   const char *label_id)
{
  SbGmail *gmail;
  guint    n = 0;

  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  gmail = af_sandbox_get_gmail (self);
  for (guint i = 0; i < gmail->messages->len; i++)
    if (has_label (gmail->messages->pdata[i], label_id))
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
  static const char *const labels[] = { "INBOX", "UNREAD", "CATEGORY_PERSONAL", NULL };
  SbMessage               *m;

  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  m = insert_message (af_sandbox_get_gmail (self), from, AF_SANDBOX_ACCOUNT, subject, text, NULL, NULL, FALSE,
                      NULL, g_get_real_time () / 1000);
  for (guint i = 0; labels[i] != NULL; i++)
    add_label (m, labels[i]);
  return g_strdup (m->id);
}

guint
af_sandbox_gmail_get_n_sent (AfSandbox *self)
{
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
  SbGmail *gmail;
  guint    n = 0;

  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  gmail = af_sandbox_get_gmail (self);
  for (guint i = 0; i < gmail->messages->len; i++)
    {
      SbMessage  *m = gmail->messages->pdata[i];
      QueryTarget target = { m->subject, m->from, m->message_id, m->internal_date, m->labels };

      if (!has_label (m, "SPAM") && !has_label (m, "TRASH") && query_matches (q, &target))
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
