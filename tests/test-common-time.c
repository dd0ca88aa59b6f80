/* test-common-time.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "af-time.h"

static void
test_parse (void)
{
  static const struct
  {
    const char *text;
    int         hour;
    int         minute;
  } valid[] = {
    { "00:00", 0, 0 },
    { "08:30", 8, 30 },
    { "8:30", 8, 30 },
    { "23:59", 23, 59 },
    { "12:05", 12, 5 },
    { "7:5", 7, 5 },
    { "09:00", 9, 0 },
  };
  static const char *const invalid[] = {
    "",
    "8",
    "08:",
    ":30",
    "24:00",
    "23:60",
    "-1:30",
    "08:-5",
    "+8:30",
    "8:30pm",
    " 08:30",
    "08:30 ",
    "08.30",
    "0830",
    "008:30",
    "08:030",
    "8h30",
    "08:30:00",
    "１:30",
    "08:3\n",
    "99:99",
    "08::30",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      int h = -1, m = -1;

      g_assert_true (af_time_parse_hhmm (valid[i].text, &h, &m));
      g_assert_cmpint (h, ==, valid[i].hour);
      g_assert_cmpint (m, ==, valid[i].minute);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      int h = -1, m = -1;

      if (af_time_parse_hhmm (invalid[i], &h, &m))
        g_error ("“%s” read as %d:%d", invalid[i], h, m);
      /* Nothing is written on failure. */
      g_assert_cmpint (h, ==, -1);
      g_assert_cmpint (m, ==, -1);
    }
  g_assert_false (af_time_parse_hhmm (NULL, NULL, NULL));
  g_assert_true (af_time_parse_hhmm ("06:15", NULL, NULL));
}

static void
test_format (void)
{
  for (int h = 0; h < 24; h++)
    for (int m = 0; m < 60; m++)
      {
        g_autofree char *text = af_time_format_hhmm (h, m);
        int              hh, mm;

        g_assert_cmpuint (strlen (text), ==, 5);
        g_assert_true (af_time_parse_hhmm (text, &hh, &mm));
        g_assert_cmpint (hh, ==, h);
        g_assert_cmpint (mm, ==, m);
      }
}

static char *
describe (GDateTime *dt)
{
  return dt != NULL ? g_date_time_format (dt, "%F %T %z %Z") : g_strdup ("(none)");
}

/* The local zone kept between calls gives the dates GLib's own local
 * functions give, across both changes of summer time. */
static void
test_local_zone (void)
{
  /* 2026-03-29 and 2026-10-25, 01:00 UTC: Berlin's clocks change. */
  static const gint64 changes[] = { 1774746000, 1792890000 };
  g_autoptr (GTimeZone) a = af_time_zone_local ();
  g_autoptr (GTimeZone) b = af_time_zone_local ();
  g_autoptr (GDateTime) now = af_date_time_new_now_local ();
  g_autoptr (GDateTime) glib_now = g_date_time_new_now_local ();

  /* Kept, not read again. */
  g_assert_true (a == b);
  g_assert_cmpstr (g_time_zone_get_identifier (a), ==, "Europe/Berlin");

  for (guint c = 0; c < G_N_ELEMENTS (changes); c++)
    for (gint64 t = changes[c] - 2 * 86400; t <= changes[c] + 2 * 86400; t += 450)
      {
        g_autoptr (GDateTime) ours = af_date_time_new_from_unix_local (t);
        g_autoptr (GDateTime) glibs = g_date_time_new_from_unix_local (t);
        g_autofree char *x = describe (ours);
        g_autofree char *y = describe (glibs);

        g_assert_cmpstr (x, ==, y);
      }
  /* Every hour of both days, those that do not exist or come twice among
   * them. */
  for (int day = 28; day <= 29; day++)
    for (int month = 3; month <= 10; month += 7)
      for (int h = 0; h < 24; h++)
        {
          g_autoptr (GDateTime) ours = af_date_time_new_local (2026, month, day - (month == 10 ? 4 : 0), h, 30, 15.5);
          g_autoptr (GDateTime) glibs = g_date_time_new_local (2026, month, day - (month == 10 ? 4 : 0), h, 30, 15.5);
          g_autofree char *x = describe (ours);
          g_autofree char *y = describe (glibs);

          g_assert_cmpstr (x, ==, y);
        }
  /* Out of GDateTime's range: none, as GLib's. */
  g_assert_null (af_date_time_new_from_unix_local (G_MAXINT64 / 2));
  g_assert_null (g_date_time_new_from_unix_local (G_MAXINT64 / 2));
  g_assert_null (af_date_time_new_local (2026, 2, 30, 0, 0, 0));

  g_assert_cmpint (g_date_time_get_utc_offset (now), ==, g_date_time_get_utc_offset (glib_now));
  g_assert_cmpint (ABS (g_date_time_difference (glib_now, now)), <, 5 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  /* Before the first GDateTime: a zone with summer time, whatever the
   * machine's. */
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/time/parse", test_parse);
  g_test_add_func ("/common/time/format", test_format);
  g_test_add_func ("/common/time/local-zone", test_local_zone);

  return g_test_run ();
}
