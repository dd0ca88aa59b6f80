/* test-feed-time.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The feed, the agents and an agent's page say when things happened the
 * way GNOME Files does: "Just now", the time of day, "Yesterday", a weekday
 * within the week, then a date. The texts change a minute after "Just now"
 * and otherwise only at a local midnight, and that moment, exactly, is when
 * the pages' timers wake. All at fixed times, in a zone with summer time
 * (Europe/Berlin: 2024-03-31 has 23 hours).
 */

#include "config.h"

#include <locale.h>

#include "af-activity-row.h"

static gint64
local (int y,
       int mo,
       int d,
       int h,
       int mi,
       int s)
{
  g_autoptr (GDateTime) dt = g_date_time_new_local (y, mo, d, h, mi, s);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

/* @t reads @text at @now, until exactly @next: a second before, the same
 * text; at @next, another one. */
static void
assert_feed_time (gint64      t,
                  gint64      now,
                  const char *text,
                  gint64      next)
{
  g_autofree char *got = af_format_feed_time_full (t, now, AF_CLOCK_FORMAT_24H);

  g_assert_cmpstr (got, ==, text);
  g_assert_cmpint (af_format_feed_time_next_change (t, now), ==, next);
  if (next > 0)
    {
      g_autofree char *before = af_format_feed_time_full (t, next - 1, AF_CLOCK_FORMAT_24H);
      g_autofree char *at = af_format_feed_time_full (t, next, AF_CLOCK_FORMAT_24H);

      g_assert_cmpstr (before, ==, text);
      g_assert_cmpstr (at, !=, text);
    }
}

static void
test_feed_time (void)
{
  /* Thursday, March 14, 2024, 15:00 in Berlin. */
  const gint64 now = local (2024, 3, 14, 15, 0, 0);
  const gint64 midnight = local (2024, 3, 15, 0, 0, 0);

  assert_feed_time (now - 30, now, "Just now", now + 30);
  assert_feed_time (now, now, "Just now", now + 60);
  /* Another machine's clock a little ahead. */
  assert_feed_time (now + 5, now, "Just now", now + 65);
  /* Ten minutes ago: the time of day, until midnight, not a minute on. */
  assert_feed_time (now - 600, now, "14:50", midnight);
  assert_feed_time (local (2024, 3, 14, 0, 0, 0), now, "00:00", midnight);
  /* Just before and just after midnight. */
  assert_feed_time (local (2024, 3, 14, 14, 32, 10), midnight - 1, "14:32", midnight);
  assert_feed_time (local (2024, 3, 14, 14, 32, 10), midnight, "Yesterday", local (2024, 3, 16, 0, 0, 0));
  assert_feed_time (midnight - 1, midnight, "Just now", midnight + 59);
  assert_feed_time (midnight - 61, midnight + 1, "Yesterday", local (2024, 3, 16, 0, 0, 0));
  /* Yesterday, at its first and last second. */
  assert_feed_time (local (2024, 3, 13, 0, 0, 0), now, "Yesterday", midnight);
  assert_feed_time (local (2024, 3, 13, 23, 59, 59), now, "Yesterday", midnight);
  /* Within the week, a weekday: the same for days, until another one
   * of its name would be a week later. */
  assert_feed_time (local (2024, 3, 12, 9, 0, 0), now, "Tuesday", local (2024, 3, 19, 0, 0, 0));
  assert_feed_time (local (2024, 3, 8, 10, 0, 0), now, "Friday", midnight); /* 6 days ago */
  assert_feed_time (local (2024, 3, 8, 10, 0, 0), midnight, "Mar 8", 0);
  /* Older: a date, for good. */
  assert_feed_time (local (2024, 3, 6, 10, 0, 0), now, "Mar 6", 0); /* 8 days ago */
  assert_feed_time (local (2023, 12, 25, 10, 0, 0), now, "Dec 25", 0);
  /* Nothing known. */
  assert_feed_time (0, now, "", 0);
}

/* Clocks go forward on March 31, 2024 in Berlin (02:00 → 03:00): that day
 * has 23 hours, and its end is midnight by the calendar, not a day of
 * seconds after its start. */
static void
test_feed_time_dst (void)
{
  const gint64 day_start = local (2024, 3, 31, 0, 0, 0);
  const gint64 day_end = local (2024, 4, 1, 0, 0, 0);
  const gint64 now = local (2024, 3, 31, 12, 0, 0);

  g_assert_cmpint (day_end - day_start, ==, 23 * 3600);
  assert_feed_time (local (2024, 3, 31, 1, 30, 0), now, "01:30", day_end);
  assert_feed_time (local (2024, 3, 31, 3, 30, 0), now, "03:30", day_end);
  assert_feed_time (local (2024, 3, 30, 23, 0, 0), now, "Yesterday", day_end);
  /* Back on October 27 (03:00 → 02:00): a day of 25 hours. */
  g_assert_cmpint (local (2024, 10, 28, 0, 0, 0) - local (2024, 10, 27, 0, 0, 0), ==, 25 * 3600);
  assert_feed_time (local (2024, 10, 27, 1, 0, 0), local (2024, 10, 27, 23, 0, 0), "01:00",
                    local (2024, 10, 28, 0, 0, 0));
  assert_feed_time (local (2024, 10, 26, 22, 0, 0), local (2024, 10, 27, 23, 0, 0), "Yesterday",
                    local (2024, 10, 28, 0, 0, 0));
}

static void
test_clock_format (void)
{
  const gint64     now = local (2024, 3, 14, 15, 0, 0);
  const gint64     t = local (2024, 3, 14, 14, 32, 10);
  g_autofree char *h24 = af_format_feed_time_full (t, now, AF_CLOCK_FORMAT_24H);
  g_autofree char *h12 = af_format_feed_time_full (t, now, AF_CLOCK_FORMAT_12H);
  g_autofree char *morning = af_format_feed_time_full (local (2024, 3, 14, 9, 5, 0), now, AF_CLOCK_FORMAT_12H);
  g_autofree char *last12 = af_format_last_run_full (t, now, AF_CLOCK_FORMAT_12H);
  g_autofree char *next12 = af_format_upcoming_time_full (local (2024, 3, 14, 17, 0, 0), now, AF_CLOCK_FORMAT_12H, NULL);

  g_assert_cmpstr (h24, ==, "14:32");
  g_assert_cmpstr (h12, ==, "2:32 PM");
  g_assert_cmpstr (morning, ==, "9:05 AM");
  g_assert_cmpstr (last12, ==, "Last run at 2:32 PM");
  g_assert_cmpstr (next12, ==, "today at 5:00 PM");
}

typedef struct
{
  gint64      t;
  const char *text;
} Expect;

/* The desktop's setting, followed as it changes, where its schema is
 * installed (gsettings-desktop-schemas); 24-hour where it is not. */
static void
test_desktop_clock_format (void)
{
  const gint64 now = local (2024, 3, 14, 15, 0, 0);
  const gint64 t = local (2024, 3, 14, 14, 32, 10);
  GSettings   *settings = af_feed_time_get_desktop_settings ();

  if (settings == NULL)
    {
      g_autofree char *text = af_format_feed_time (t, now);

      g_assert_cmpint (af_feed_time_get_clock_format (), ==, AF_CLOCK_FORMAT_24H);
      g_assert_cmpstr (text, ==, "14:32");
      g_test_skip ("org.gnome.desktop.interface is not installed: only the 24-hour default checked");
      return;
    }

  for (guint i = 0; i < 2; i++)
    {
      const char      *format = i == 0 ? "12h" : "24h";
      g_autofree char *text = NULL;
      g_autofree char *last = NULL;
      g_autofree char *next = NULL;

      g_assert_true (g_settings_set_string (settings, "clock-format", format));
      /* The change is told from the main loop. */
      while (af_feed_time_get_clock_format () != (i == 0 ? AF_CLOCK_FORMAT_12H : AF_CLOCK_FORMAT_24H))
        g_main_context_iteration (NULL, TRUE);
      text = af_format_feed_time (t, now);
      last = af_format_last_run (t, now);
      next = af_format_upcoming_time (local (2024, 3, 15, 7, 22, 0), now, NULL);
      g_assert_cmpstr (text, ==, i == 0 ? "2:32 PM" : "14:32");
      g_assert_cmpstr (last, ==, i == 0 ? "Last run at 2:32 PM" : "Last run at 14:32");
      g_assert_cmpstr (next, ==, i == 0 ? "tomorrow at 7:22 AM" : "tomorrow at 07:22");
    }
}

/* "Last run …" on the Agents page: the same days as the feed, changing
 * when the feed's times do. */
static void
test_last_run (void)
{
  const gint64 now = local (2024, 3, 14, 15, 0, 0);
  const Expect cases[] = {
    { now - 20, "Last run just now" },
    { local (2024, 3, 14, 14, 32, 0), "Last run at 14:32" },
    { local (2024, 3, 13, 8, 0, 0), "Last run yesterday" },
    { local (2024, 3, 12, 8, 0, 0), "Last run Tuesday" },
    { local (2024, 3, 3, 8, 0, 0), "Last run Mar 3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = af_format_last_run_full (cases[i].t, now, AF_CLOCK_FORMAT_24H);
      gint64           next = af_format_feed_time_next_change (cases[i].t, now);

      g_assert_cmpstr (text, ==, cases[i].text);
      if (next > 0)
        {
          g_autofree char *before = af_format_last_run_full (cases[i].t, next - 1, AF_CLOCK_FORMAT_24H);
          g_autofree char *at = af_format_last_run_full (cases[i].t, next, AF_CLOCK_FORMAT_24H);

          g_assert_cmpstr (before, ==, text);
          g_assert_cmpstr (at, !=, text);
        }
    }
  g_assert_null (af_format_last_run_full (0, now, AF_CLOCK_FORMAT_24H));
}

/* "Next run …": the day reads differently at a midnight, and that
 * midnight is when it changes. */
static void
test_upcoming (void)
{
  const gint64 now = local (2024, 3, 14, 15, 0, 0);
  const struct
  {
    gint64      t;
    const char *text;
    gint64      next;
  } cases[] = {
    { local (2024, 3, 14, 17, 0, 0), "today at 17:00", local (2024, 3, 15, 0, 0, 0) },
    { local (2024, 3, 15, 7, 22, 0), "tomorrow at 07:22", local (2024, 3, 15, 0, 0, 0) },
    { local (2024, 3, 18, 7, 22, 0), "Monday at 07:22", local (2024, 3, 17, 0, 0, 0) },
    { local (2024, 3, 25, 7, 22, 0), "Mar 25 at 07:22", local (2024, 3, 19, 0, 0, 0) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64           next = -1;
      g_autofree char *text = af_format_upcoming_time_full (cases[i].t, now, AF_CLOCK_FORMAT_24H, &next);
      g_autofree char *before = af_format_upcoming_time_full (cases[i].t, cases[i].next - 1, AF_CLOCK_FORMAT_24H, NULL);
      g_autofree char *at = af_format_upcoming_time_full (cases[i].t, cases[i].next, AF_CLOCK_FORMAT_24H, NULL);

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpint (next, ==, cases[i].next);
      g_assert_cmpstr (before, ==, text);
      g_assert_cmpstr (at, !=, text);
    }
}

static gboolean
on_tick_cb (gpointer user_data)
{
  guint *fired = user_data;

  (*fired)++;
  return G_SOURCE_REMOVE;
}

static GSource *
source_of (guint id)
{
  GSource *source = g_main_context_find_source_by_id (NULL, id);

  g_assert_nonnull (source);
  return source;
}

/* A page's one timer: armed for the earliest change it shows, on the
 * minute, by the wall clock; kept when a later change is noted; none for
 * "never"; and it fires once its time has come. */
static void
test_arm (void)
{
  const gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const gint64 hour = (now + 3600 + 59) / 60 * 60;
  guint        tick_id = 0;
  gint64       armed_for = 0;
  guint        fired = 0;

  af_feed_time_arm (&tick_id, &armed_for, 0, "[test] times", on_tick_cb, &fired);
  g_assert_cmpuint (tick_id, ==, 0);

  af_feed_time_arm (&tick_id, &armed_for, now + 3600, "[test] times", on_tick_cb, &fired);
  g_assert_cmpuint (tick_id, !=, 0);
  g_assert_cmpint (armed_for, ==, hour);
  g_assert_cmpstr (g_source_get_name (source_of (tick_id)), ==, "[test] times");
  /* A little after the minute: the text has changed by then. */
  g_assert_cmpint (af_feed_time_source_get_due (source_of (tick_id)), ==, hour * G_USEC_PER_SEC + 50000);

  /* A later change keeps the timer; an earlier one moves it. */
  af_feed_time_arm (&tick_id, &armed_for, now + 7200, "[test] times", on_tick_cb, &fired);
  g_assert_cmpint (armed_for, ==, hour);
  af_feed_time_arm (&tick_id, &armed_for, now + 600, "[test] times", on_tick_cb, &fired);
  g_assert_cmpint (armed_for, ==, (now + 600 + 59) / 60 * 60);
  g_assert_cmpint (af_feed_time_source_get_due (source_of (tick_id)), ==, armed_for * G_USEC_PER_SEC + 50000);
  g_clear_handle_id (&tick_id, g_source_remove);
  g_assert_cmpuint (fired, ==, 0);

  /* A time already gone: it fires at once, and once. */
  armed_for = 0;
  af_feed_time_arm (&tick_id, &armed_for, now - 120, "[test] times", on_tick_cb, &fired);
  while (fired == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fired, ==, 1);
  g_assert_null (g_main_context_find_source_by_id (NULL, tick_id));
}

int
main (int   argc,
      char *argv[])
{
  /* Before the first GDateTime: GLib reads the local zone once. */
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/feed-time/days", test_feed_time);
  g_test_add_func ("/feed-time/summer-time", test_feed_time_dst);
  g_test_add_func ("/feed-time/clock-format", test_clock_format);
  g_test_add_func ("/feed-time/desktop-clock-format", test_desktop_clock_format);
  g_test_add_func ("/feed-time/last-run", test_last_run);
  g_test_add_func ("/feed-time/upcoming", test_upcoming);
  g_test_add_func ("/feed-time/arm", test_arm);

  return g_test_run ();
}
