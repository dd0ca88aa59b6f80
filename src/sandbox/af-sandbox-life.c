/* af-sandbox-life.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-life"

#include "config.h"

#include <string.h>

#include "af-sandbox-life.h"
#include "af-sandbox-oauth.h"

/* The sample workspace keeps living: every 8 to 30 seconds something
 * arrives (a few a minute) — new mail, a message in Slack, a calendar
 * change — and now and then Gmail has a hiccup the app recovers from.
 * Everything comes from a GRand with the seed, so the same seed gives the
 * same afternoon. The clock is the life's own: one GSource waits for the
 * next arrival in real time, and af_sandbox_life_advance() jumps ahead
 * in simulated time, delivering what falls due on the way.
 *
 * Every cycle of ARRIVALS_PER_CYCLE arrivals holds one reply request (a
 * mail the sample Email Assistant answers only after asking first) and
 * one fault, so someone trying the app sees an approval and a recovery
 * within the first few minutes, whatever the seed. */

#define MIN_GAP_SECONDS    8
#define MAX_GAP_SECONDS    30
#define ARRIVALS_PER_CYCLE 8
#define REPLY_SLOT         1
#define FAULT_SLOT         4
#define TOKEN_SLOT         6
/* Gmail answers 429 "rateLimitExceeded" / "userRateLimitExceeded" when a
 * user sends too many requests, and asks clients to retry with
 * exponential backoff; 503 "backendError" is a transient server error
 * to retry likewise:
 * https://developers.google.com/gmail/api/guides/handle-errors */
#define RETRY_AFTER_SECONDS 2
#define FAULT_METHOD        "gmail.users.history.list"
/* An outage outlasts the client's four attempts: the run that meets it
 * fails, and the next one gets through, as someone trying the app should
 * see once. */
#define OUTAGE_REQUESTS AF_SANDBOX_LIFE_OUTAGE_REQUESTS

struct _AfSandboxLife
{
  GObject parent_instance;

  AfSandbox *sandbox;
  guint32    seed;
  GRand     *rand;
  guint      elapsed;      /* simulated seconds since the life began */
  guint      next_arrival; /* simulated seconds of the next arrival */
  guint      index;        /* arrivals so far */
  guint      n_arrived[AF_SANDBOX_N_ARRIVALS];
  GPtrArray *events; /* ids of the events this life added, not cancelled */
  gboolean   running;
  GSource   *source;
  gint64     started_at; /* monotonic µs matching elapsed, while running */
};

G_DEFINE_FINAL_TYPE (AfSandboxLife, af_sandbox_life, G_TYPE_OBJECT)

static const char *const people[][2] = {
  { "Bob Builder", "bob@example.org" },
  { "Carol Danvers", "carol@example.org" },
  { "Dave Lister", "dave@work.example" },
  { "Erin Hart", "erin@example.com" },
  { "Zoë Müller", "zoe@example.de" },
  { "Frank Ocean", "frank@example.org" },
};
static const char *const topics[] = { "the launch plan", "the design review", "Friday's demo", "the Berlin trip",
                                      "the budget draft", "the hiring loop", "the release notes" };
static const char *const slack_lines[] = {
  "Morning all! Stand-up moved to 9:45 today.",
  "Has anyone seen the latest numbers for {topic}?",
  "Reminder: the notes for {topic} are in the shared folder.",
  "Lunch in 10 minutes, who's in? 🍜",
  "I pushed a fix for the flaky test, reviews welcome.",
  "Heads-up: the staging server restarts at noon.",
};
static const char *const slack_channels[][2] = {
  { "C0GENERAL", "U0BOB" },
  { "C0RANDOM", "U0CAROL" },
  { "C0ALERTS", "U0ZOE" },
  { "C0GENERAL", "U0CAROL" },
};

static void schedule (AfSandboxLife *self);

static guint
gap (AfSandboxLife *self)
{
  return (guint)g_rand_int_range (self->rand, MIN_GAP_SECONDS, MAX_GAP_SECONDS + 1);
}

static AfSandboxArrival
pick_kind (AfSandboxLife *self)
{
  guint slot = self->index % ARRIVALS_PER_CYCLE;
  guint roll;

  if (slot == REPLY_SLOT)
    return AF_SANDBOX_ARRIVAL_REPLY_REQUEST;
  if (slot == FAULT_SLOT)
    return (self->index / ARRIVALS_PER_CYCLE) % 2 == 0 ? AF_SANDBOX_ARRIVAL_RATE_LIMIT : AF_SANDBOX_ARRIVAL_UNAVAILABLE;
  if (slot == TOKEN_SLOT)
    return AF_SANDBOX_ARRIVAL_EXPIRED_TOKEN;
  roll = (guint)g_rand_int_range (self->rand, 0, 10);
  if (roll < 5)
    return AF_SANDBOX_ARRIVAL_MAIL;
  if (roll < 8)
    return AF_SANDBOX_ARRIVAL_SLACK;
  if (roll < 9 || self->events->len == 0)
    return AF_SANDBOX_ARRIVAL_EVENT;
  return AF_SANDBOX_ARRIVAL_CANCELLATION;
}

static void
deliver_mail (AfSandboxLife *self,
              gboolean       reply_request)
{
  guint            who = (guint)g_rand_int_range (self->rand, 0, G_N_ELEMENTS (people));
  const char      *topic = topics[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (topics))];
  g_autofree char *from = g_strdup_printf ("%s <%s>", people[who][0], people[who][1]);
  g_autofree char *subject = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;

  if (reply_request)
    {
      guint hour = (guint)g_rand_int_range (self->rand, 9, 17);

      subject = g_strdup_printf (AF_SANDBOX_LIFE_REPLY_SUBJECT " %u:00 for %s?", hour, topic);
      text = g_strdup_printf ("Hi Alice,\n\ncould you confirm %u:00 tomorrow works for %s? Please reply when you "
                              "can.\n\nThanks,\n%s",
                              hour, topic, people[who][0]);
    }
  else
    {
      switch (g_rand_int_range (self->rand, 0, 4))
        {
        case 0:
          subject = g_strdup_printf ("Notes from %s", topic);
          text = g_strdup_printf ("Hi Alice,\n\nhere are my notes from %s. Nothing urgent.\n\n%s", topic, people[who][0]);
          break;
        case 1:
          subject = g_strdup_printf ("Invoice %u for %s", (guint)g_rand_int_range (self->rand, 1000, 9999), topic);
          text = g_strdup ("Dear customer,\n\nyour invoice is attached. Due in 14 days.");
          break;
        case 2:
          subject = g_strdup_printf ("URGENT: %s needs a decision today", topic);
          text = g_strdup_printf ("Alice, we are blocked on %s until you decide.", topic);
          break;
        default:
          g_free (from);
          from = g_strdup ("GNOME Weekly <newsletter@news.example.net>");
          subject = g_strdup_printf ("GNOME Weekly: this week in %s", topic);
          text = g_strdup ("Top stories this week. Unsubscribe: https://news.example.net/unsubscribe");
          break;
        }
    }
  id = af_sandbox_gmail_deliver (self->sandbox, from, subject, text);
  g_debug ("Mail %s from %s: %s", id, from, subject);
}

static void
deliver_slack (AfSandboxLife *self)
{
  guint       where = (guint)g_rand_int_range (self->rand, 0, G_N_ELEMENTS (slack_channels));
  const char *line = slack_lines[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (slack_lines))];
  const char *topic = topics[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (topics))];
  g_autoptr (GString) text = g_string_new (line);

  g_string_replace (text, "{topic}", topic, 0);
  af_sandbox_slack_deliver (self->sandbox, slack_channels[where][0], slack_channels[where][1], text->str);
  g_debug ("Slack message in %s: %s", slack_channels[where][0], text->str);
}

static void
deliver_event (AfSandboxLife *self)
{
  const char *topic = topics[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (topics))];
  guint       days = (guint)g_rand_int_range (self->rand, 1, 4);
  guint       hour = (guint)g_rand_int_range (self->rand, 8, 18);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) day = g_date_time_add_days (now, days);
  g_autoptr (GDateTime) start = g_date_time_new_utc (g_date_time_get_year (day), g_date_time_get_month (day),
                                                     g_date_time_get_day_of_month (day), hour, 0, 0);
  g_autoptr (GDateTime) end = g_date_time_add_minutes (start, 30);
  g_autofree char *summary = g_strdup_printf ("Sync about %s", topic);
  g_autofree char *a = g_date_time_format_iso8601 (start);
  g_autofree char *b = g_date_time_format_iso8601 (end);
  const char      *id = af_sandbox_calendar_add_event (self->sandbox, summary, a, b);

  g_ptr_array_add (self->events, g_strdup (id));
  g_debug ("Event %s: %s at %s", id, summary, a);
}

static void
deliver_cancellation (AfSandboxLife *self)
{
  guint            which = (guint)g_rand_int_range (self->rand, 0, (gint32)self->events->len);
  g_autofree char *id = g_ptr_array_steal_index (self->events, which);

  af_sandbox_calendar_cancel_event (self->sandbox, id);
  g_debug ("Event %s cancelled", id);
}

static void
deliver_next (AfSandboxLife *self)
{
  AfSandboxArrival kind = pick_kind (self);

  switch (kind)
    {
    case AF_SANDBOX_ARRIVAL_MAIL:
    case AF_SANDBOX_ARRIVAL_REPLY_REQUEST:
      deliver_mail (self, kind == AF_SANDBOX_ARRIVAL_REPLY_REQUEST);
      break;
    case AF_SANDBOX_ARRIVAL_SLACK:
      deliver_slack (self);
      break;
    case AF_SANDBOX_ARRIVAL_EVENT:
      deliver_event (self);
      break;
    case AF_SANDBOX_ARRIVAL_CANCELLATION:
      deliver_cancellation (self);
      break;
    case AF_SANDBOX_ARRIVAL_RATE_LIMIT:
      af_sandbox_add_fault (self->sandbox, FAULT_METHOD, AF_SANDBOX_ROUTE_RATE_LIMIT, 1, RETRY_AFTER_SECONDS);
      g_debug ("Gmail answers the next history.list with 429");
      break;
    case AF_SANDBOX_ARRIVAL_UNAVAILABLE:
      af_sandbox_add_fault (self->sandbox, FAULT_METHOD, AF_SANDBOX_ROUTE_UNAVAILABLE, OUTAGE_REQUESTS, 0);
      g_debug ("Gmail answers the next %u history.list calls with 503", OUTAGE_REQUESTS);
      break;
    case AF_SANDBOX_ARRIVAL_EXPIRED_TOKEN:
      /* Access tokens live an hour, or less when revoked; an expired
       * one is answered 401 "Invalid Credentials", and the client
       * refreshes it with its refresh token
       * (https://developers.google.com/gmail/api/guides/handle-errors).
       * No sign-in before the sandbox started: nothing to expire. */
      {
        AfSandboxOAuth *oauth = af_sandbox_oauth_get (self->sandbox);
        guint           n = oauth != NULL ? af_sandbox_oauth_expire_google_tokens (oauth) : 0;

        g_debug ("%u Google access tokens expire now", n);
      }
      break;
    case AF_SANDBOX_N_ARRIVALS:
    default:
      g_assert_not_reached ();
    }
  self->n_arrived[kind]++;
  self->index++;
  self->next_arrival += gap (self);
}

/* Delivers everything due up to @until (simulated seconds). */
static guint
run_until (AfSandboxLife *self,
           guint          until)
{
  guint n = 0;

  while (self->next_arrival <= until)
    {
      self->elapsed = self->next_arrival;
      deliver_next (self);
      n++;
    }
  self->elapsed = until;
  return n;
}

static gboolean
on_arrival_cb (gpointer user_data)
{
  AfSandboxLife *self = user_data;
  guint          now = (guint)((g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC);

  g_clear_pointer (&self->source, g_source_unref);
  run_until (self, MAX (now, self->next_arrival));
  schedule (self);
  return G_SOURCE_REMOVE;
}

/* One timer, for the next arrival only. */
static void
schedule (AfSandboxLife *self)
{
  gint64 due;
  gint64 now = g_get_monotonic_time ();

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  if (!self->running)
    return;
  due = self->started_at + (gint64)self->next_arrival * G_USEC_PER_SEC;
  self->source = g_timeout_source_new ((guint)(MAX (due - now, 0) / 1000));
  g_source_set_name (self->source, "[agentflow] sandbox life: next arrival");
  g_source_set_callback (self->source, on_arrival_cb, self, NULL);
  g_source_attach (self->source, NULL);
}

static void
af_sandbox_life_dispose (GObject *object)
{
  AfSandboxLife *self = AF_SANDBOX_LIFE (object);

  af_sandbox_life_stop (self);
  g_clear_object (&self->sandbox);
  G_OBJECT_CLASS (af_sandbox_life_parent_class)->dispose (object);
}

static void
af_sandbox_life_finalize (GObject *object)
{
  AfSandboxLife *self = AF_SANDBOX_LIFE (object);

  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  G_OBJECT_CLASS (af_sandbox_life_parent_class)->finalize (object);
}

static void
af_sandbox_life_class_init (AfSandboxLifeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_sandbox_life_dispose;
  object_class->finalize = af_sandbox_life_finalize;
}

static void
af_sandbox_life_init (AfSandboxLife *self)
{
  self->events = g_ptr_array_new_with_free_func (g_free);
}

/**
 * af_sandbox_life_new:
 * @sandbox: the sandbox to bring to life (seeded with the sample workspace)
 * @seed: the same seed gives the same arrivals in the same order
 *
 * Returns: (transfer full): a life that waits for af_sandbox_life_start()
 *   or af_sandbox_life_advance()
 */
AfSandboxLife *
af_sandbox_life_new (AfSandbox *sandbox,
                     guint32    seed)
{
  AfSandboxLife *self;

  g_return_val_if_fail (AF_IS_SANDBOX (sandbox), NULL);

  self = g_object_new (AF_TYPE_SANDBOX_LIFE, NULL);
  self->sandbox = g_object_ref (sandbox);
  self->seed = seed;
  self->rand = g_rand_new_with_seed (seed);
  /* The first arrival comes soon: someone trying the app sees it. */
  self->next_arrival = (guint)g_rand_int_range (self->rand, 3, MIN_GAP_SECONDS + 1);
  return self;
}

guint32
af_sandbox_life_get_seed (AfSandboxLife *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX_LIFE (self), 0);

  return self->seed;
}

/**
 * af_sandbox_life_start:
 *
 * Lets the simulated time follow the real one from now on: a single
 * timer waits for the next arrival.
 */
void
af_sandbox_life_start (AfSandboxLife *self)
{
  g_return_if_fail (AF_IS_SANDBOX_LIFE (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->started_at = g_get_monotonic_time () - (gint64)self->elapsed * G_USEC_PER_SEC;
  schedule (self);
}

void
af_sandbox_life_stop (AfSandboxLife *self)
{
  g_return_if_fail (AF_IS_SANDBOX_LIFE (self));

  self->running = FALSE;
  schedule (self);
}

/**
 * af_sandbox_life_advance:
 * @seconds: how far to jump ahead in simulated time
 *
 * Delivers at once everything due within the next @seconds of
 * simulated time, in order, as if that time had passed.
 *
 * Returns: how many arrivals were delivered
 */
guint
af_sandbox_life_advance (AfSandboxLife *self,
                         guint          seconds)
{
  guint n;

  g_return_val_if_fail (AF_IS_SANDBOX_LIFE (self), 0);

  n = run_until (self, self->elapsed + seconds);
  if (self->running)
    {
      self->started_at -= (gint64)seconds * G_USEC_PER_SEC;
      schedule (self);
    }
  return n;
}

guint
af_sandbox_life_get_elapsed (AfSandboxLife *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX_LIFE (self), 0);

  return self->elapsed;
}

/* Simulated seconds at which the next arrival is due. */
guint
af_sandbox_life_get_next_arrival (AfSandboxLife *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX_LIFE (self), 0);

  return self->next_arrival;
}

guint
af_sandbox_life_get_n_arrived (AfSandboxLife   *self,
                               AfSandboxArrival kind)
{
  g_return_val_if_fail (AF_IS_SANDBOX_LIFE (self), 0);
  g_return_val_if_fail (kind < AF_SANDBOX_N_ARRIVALS, 0);

  return self->n_arrived[kind];
}

/**
 * af_sandbox_life_seed_from_environment:
 *
 * Returns: the seed in AGENTFLOW_SANDBOX_SEED, or a fresh random one
 */
guint32
af_sandbox_life_seed_from_environment (void)
{
  const char *text = g_getenv ("AGENTFLOW_SANDBOX_SEED");
  guint64     seed;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &seed, NULL))
    return (guint32)seed;
  if (text != NULL)
    g_warning ("AGENTFLOW_SANDBOX_SEED=%s is not a number from 0 to %u: using a random seed", text, G_MAXUINT32);
  return g_random_int ();
}
