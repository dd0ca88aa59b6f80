/* af-time.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-time"

#include "config.h"

#include "af-time.h"

/* One or two digits; the number read, or -1. */
static int
read_number (const char **p)
{
  int value = 0;
  int digits = 0;

  while (g_ascii_isdigit (**p) && digits < 2)
    {
      value = value * 10 + (**p - '0');
      (*p)++;
      digits++;
    }
  return digits > 0 && !g_ascii_isdigit (**p) ? value : -1;
}

/**
 * af_time_parse_hhmm:
 * @text: (nullable): a time of day, “08:30” (“8:30” too)
 * @hour: (out) (optional): 0 to 23
 * @minute: (out) (optional): 0 to 59
 *
 * The time of day of a daily or weekly trigger, on a 24-hour clock.
 * Nothing may come before or after it: “8:30pm” is refused rather than
 * read as 08:30.
 *
 * Returns: %TRUE when @text is such a time
 */
gboolean
af_time_parse_hhmm (const char *text,
                    int        *hour,
                    int        *minute)
{
  const char *p = text;
  int         h, m;

  if (text == NULL)
    return FALSE;
  h = read_number (&p);
  if (h < 0 || *p++ != ':')
    return FALSE;
  m = read_number (&p);
  if (m < 0 || *p != '\0' || h > 23 || m > 59)
    return FALSE;
  if (hour != NULL)
    *hour = h;
  if (minute != NULL)
    *minute = m;
  return TRUE;
}

/**
 * af_time_format_hhmm:
 *
 * Returns: (transfer full): “08:30”, as af_time_parse_hhmm() reads it
 */
char *
af_time_format_hhmm (int hour,
                     int minute)
{
  g_return_val_if_fail (hour >= 0 && hour <= 23, NULL);
  g_return_val_if_fail (minute >= 0 && minute <= 59, NULL);

  return g_strdup_printf ("%02d:%02d", hour, minute);
}
