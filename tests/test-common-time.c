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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/time/parse", test_parse);
  g_test_add_func ("/common/time/format", test_format);

  return g_test_run ();
}
