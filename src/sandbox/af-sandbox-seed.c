/* af-sandbox-seed.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-seed"

#include "config.h"

#include "af-sandbox-gmail-private.h"

/* A realistic sample workspace for alice@example.com, and a generator of
 * the same variety at scale. Deterministic: a seeded GRand. */

typedef enum
{
  KIND_PERSONAL,
  KIND_NEWSLETTER,
  KIND_INVOICE,
  KIND_URGENT,
  KIND_NON_ASCII,
  KIND_LATIN1,
  KIND_NOTIFICATION,
  N_KINDS,
} Kind;

static const char *first_names[] = { "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory" };
static const char *topics[] = { "lunch on Friday", "the quarterly report", "holiday photos", "the Berlin trip", "your feedback",
                                "the design review", "moving day", "the book club", "the budget", "next week's offsite" };
static const char *newsletters[] = { "GNOME Weekly", "The Morning Brew", "Rust Digest", "LWN Headlines", "Product Hunt Daily" };
static const char *vendors[] = { "Hetzner Online", "Acme Hosting", "Figma", "Deutsche Bahn", "Stadtwerke Berlin" };

static void
add_one (SbGmail *gmail,
         GRand   *rand,
         guint    index,
         gint64   date_ms)
{
  Kind             kind = g_rand_int_range (rand, 0, N_KINDS);
  const char      *name = first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))];
  const char      *topic = topics[g_rand_int_range (rand, 0, G_N_ELEMENTS (topics))];
  g_autofree char *from = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *text = NULL;
  g_autofree char *html = NULL;
  const char      *charset = "UTF-8";
  gboolean         attachment = FALSE;
  const char      *labels[6] = { "INBOX", NULL };
  guint            n = 1;

  switch (kind)
    {
    case KIND_PERSONAL:
      from = g_strdup_printf ("%s <%s@example.org>", name, name);
      subject = g_strdup_printf ("About %s", topic);
      text = g_strdup_printf ("Hi Alice,\n\nDo you have a minute to talk about %s?\n\nCheers,\n%s", topic, name);
      labels[n++] = "CATEGORY_PERSONAL";
      break;
    case KIND_NEWSLETTER:
      {
        const char *list = newsletters[g_rand_int_range (rand, 0, G_N_ELEMENTS (newsletters))];

        from = g_strdup_printf ("%s <newsletter@news.example.net>", list);
        subject = g_strdup_printf ("%s #%u: this week in %s", list, 100 + index % 400, topic);
        /* HTML only, as most newsletters. */
        html = g_strdup_printf ("<html><head><style>p{color:#333}</style></head><body><h1>%s</h1>"
                                "<p>Top stories this week &amp; more about %s.</p><ul><li>One</li><li>Two</li></ul>"
                                "<p><a href=\"https://news.example.net/unsubscribe\">Unsubscribe</a></p></body></html>",
                                list, topic);
        labels[n++] = "CATEGORY_PROMOTIONS";
      }
      break;
    case KIND_INVOICE:
      {
        const char *vendor = vendors[g_rand_int_range (rand, 0, G_N_ELEMENTS (vendors))];
        guint       amount = g_rand_int_range (rand, 5, 900);

        from = g_strdup_printf ("%s <billing@invoices.example.com>", vendor);
        subject = g_strdup_printf ("Invoice INV-%05u from %s", 10000 + index, vendor);
        text = g_strdup_printf ("Dear customer,\n\nyour invoice INV-%05u over EUR %u.00 is attached.\nDue in 14 days.", 10000 + index, amount);
        html = g_strdup_printf ("<p>Dear customer,</p><p>your invoice <b>INV-%05u</b> over EUR %u.00 is attached.</p>", 10000 + index, amount);
        attachment = TRUE;
        labels[n++] = "CATEGORY_UPDATES";
      }
      break;
    case KIND_URGENT:
      from = g_strdup ("On-call <oncall@ops.example.com>");
      subject = g_strdup_printf ("URGENT: production alert #%u needs a decision today", index);
      text = g_strdup ("The payment service is failing over. Please approve the rollback before 17:00.");
      labels[n++] = "IMPORTANT";
      break;
    case KIND_NON_ASCII:
      from = g_strdup ("Zoë Müller <zoe@example.de>");
      subject = g_strdup_printf ("Réunion demain — ordre du jour (%u) 会議", index);
      text = g_strdup ("Grüße aus Köln! Voilà l'ordre du jour: café, crème brûlée, 日本語のテキスト. 🎉");
      html = g_strdup ("<p>Grüße aus Köln! Voilà l'ordre du jour: café, crème brûlée, 日本語のテキスト. 🎉</p>");
      labels[n++] = "CATEGORY_PERSONAL";
      break;
    case KIND_LATIN1:
      from = g_strdup ("Stadtbibliothek <info@bibliothek.example.de>");
      subject = g_strdup_printf ("Ihre Ausleihe läuft ab (%u)", index);
      text = g_strdup ("Sehr geehrte Leserin, bitte geben Sie das Buch »Größe und Maß« zurück. Gebühr: 2,50 €");
      charset = "ISO-8859-15";
      labels[n++] = "CATEGORY_UPDATES";
      break;
    case KIND_NOTIFICATION:
    case N_KINDS:
    default:
      from = g_strdup ("GitLab <gitlab@gitlab.example.com>");
      subject = g_strdup_printf ("Re: [agentflow] Merge request !%u was merged", index);
      text = g_strdup_printf ("Merge request !%u was merged by %s.", index, name);
      labels[n++] = "CATEGORY_FORUMS";
      break;
    }

  if (g_rand_int_range (rand, 0, 3) > 0)
    labels[n++] = "UNREAD";
  labels[n] = NULL;

  sb_gmail_add_message (gmail, from, AF_SANDBOX_ACCOUNT, subject, text, html, charset, attachment,
                        labels, date_ms);
}

/**
 * af_sandbox_generate_messages:
 * @n: how many messages to add
 * @seed: the same seed gives the same mailbox
 *
 * Adds @n varied messages (personal, newsletters, invoices with a PDF,
 * urgent, non-ASCII, ISO-8859-15, notifications), one a minute into the
 * past; in a mailbox with newer mail, one a second after the newest, as
 * mail that arrives later.
 */
void
af_sandbox_generate_messages (AfSandbox *self,
                              guint      n,
                              guint32    seed)
{
  af_sandbox_generate_messages_every (self, n, seed, 60);
}

/**
 * af_sandbox_generate_messages_every:
 * @seconds: the time between two messages, back from now
 *
 * As af_sandbox_generate_messages(), one message every @seconds.
 */
void
af_sandbox_generate_messages_every (AfSandbox *self,
                                    guint      n,
                                    guint32    seed,
                                    guint      seconds)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_autoptr (GRand) rand = NULL;
  SbGmail *gmail;
  gint64   now_ms = g_get_real_time () / 1000;
  gint64   step_ms = (gint64)MAX (seconds, 1) * 1000;
  gint64   newest_ms;

  g_return_if_fail (AF_IS_SANDBOX (self));

  rand = g_rand_new_with_seed (seed);
  gmail = af_sandbox_get_gmail (self);
  newest_ms = sb_gmail_newest_date (gmail);
  for (guint i = 0; i < n; i++)
    {
      gint64 date_ms = now_ms - (gint64)(n - i) * step_ms;

      if (newest_ms > 0 && now_ms - (gint64)n * step_ms <= newest_ms)
        date_ms = newest_ms + (gint64)(i + 1) * 1000;
      add_one (gmail, rand, i, date_ms);
    }
  /* Stored as the API renders them, as a mail server keeps its mail: the
   * cost of a big mailbox is paid when it is made, not on each read. */
  for (guint i = gmail->messages->len - n; i < gmail->messages->len; i++)
    {
      sb_gmail_full_text (gmail->messages->pdata[i]);
      sb_gmail_history_record_text (gmail->messages->pdata[i]);
    }
}

static char *
at (GDateTime *day,
    int        hour,
    int        minute)
{
  g_autoptr (GDateTime) t = g_date_time_add_full (day, 0, 0, 0, hour, minute, 0);

  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%S%:z");
}

/**
 * af_sandbox_seed_sample:
 *
 * The sample workspace: 300 messages in alice@example.com's mailbox, a
 * calendar with overlapping meetings, an all-day event and a weekly
 * series, and a Slack workspace with channels and users.
 */
void
af_sandbox_seed_sample (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbCalendar *calendar;
  SbSlack    *slack;
  g_autoptr (GTimeZone) zone = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GDateTime) today = NULL;
  g_autoptr (GDateTime) tomorrow = NULL;

  g_return_if_fail (AF_IS_SANDBOX (self));

  af_sandbox_generate_messages (self, 300, 20240501);

  calendar = af_sandbox_get_calendar (self);
  zone = g_time_zone_new_identifier ("Europe/Berlin");
  now = g_date_time_new_now (zone);
  today = g_date_time_new (zone, g_date_time_get_year (now), g_date_time_get_month (now),
                           g_date_time_get_day_of_month (now), 0, 0, 0);
  tomorrow = g_date_time_add_days (today, 1);
  {
    g_autofree char *a = at (today, 9, 0), *b = at (today, 10, 0);
    g_autofree char *c = at (today, 9, 30), *d = at (today, 11, 0);
    g_autofree char *e = at (today, 14, 0), *f = at (today, 15, 0);
    g_autofree char *g = at (tomorrow, 12, 0), *h = at (tomorrow, 13, 0);
    g_autofree char *day = g_date_time_format (tomorrow, "%Y-%m-%d");
    g_autoptr (GDateTime) after = g_date_time_add_days (tomorrow, 1);
    g_autofree char *day_end = g_date_time_format (after, "%Y-%m-%d");
    g_autofree char *weekly = at (today, 8, 30);

    /* Two overlapping meetings in the morning. */
    sb_calendar_add (calendar, "Design review", a, b, "Europe/Berlin", FALSE, NULL);
    sb_calendar_add (calendar, "Customer call — Müller GmbH", c, d, "Europe/Berlin", FALSE, NULL);
    sb_calendar_add (calendar, "1:1 with Bob", e, f, "Europe/Berlin", FALSE, NULL);
    sb_calendar_add (calendar, "Lunch with Carol", g, h, "America/New_York", FALSE, NULL);
    sb_calendar_add (calendar, "Company offsite", day, day_end, NULL, TRUE, NULL);
    sb_calendar_add_weekly (calendar, "Team stand-up", weekly, 15, 4);
  }

  slack = af_sandbox_get_slack (self);
  sb_slack_add_user (slack, AF_SANDBOX_SLACK_USER, "alice", "Alice Example", AF_SANDBOX_ACCOUNT);
  sb_slack_add_user (slack, "U0BOB", "bob", "Bob Builder", "bob@example.org");
  sb_slack_add_user (slack, "U0CAROL", "carol", "Carol Danvers", "carol@example.org");
  sb_slack_add_user (slack, "U0ZOE", "zoe", "Zoë Müller", "zoe@example.de");
  sb_slack_add_channel (slack, "C0GENERAL", "general", FALSE, TRUE);
  sb_slack_add_channel (slack, "C0RANDOM", "random", FALSE, TRUE);
  sb_slack_add_channel (slack, "C0ALERTS", "alerts", FALSE, TRUE);
  sb_slack_add_channel (slack, "C0DESIGN", "design", FALSE, FALSE);
  sb_slack_add_channel (slack, "G0LEADS", "leads", TRUE, TRUE);
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *id = g_strdup_printf ("C0PROJ%u", i);
      g_autofree char *name = g_strdup_printf ("project-%u", i);

      sb_slack_add_channel (slack, id, name, FALSE, i % 2 == 0);
    }
}
