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

/* The local time zone is read again at most this often.
 *
 * GLib 2.74's g_time_zone_new_local() reads it again on every call when
 * TZ is not set: its cache is dropped whenever the zone's identifier
 * differs from TZ, and with TZ unset it always does. That is two stat()s
 * and a readlink() of /etc/localtime for every date made, some 500 of
 * them before the dashboard's first rows are on screen, and more for
 * each row scrolled into view. A zone kept for a few seconds still
 * follows a change of the system's zone before a person could notice. */
#define LOCAL_ZONE_TTL_US (10 * G_USEC_PER_SEC)

/**
 * af_time_zone_local:
 *
 * As g_time_zone_new_local(), without reading the zone again each time.
 *
 * Returns: (transfer full): the local time zone
 */
GTimeZone *
af_time_zone_local (void)
{
  static GMutex     lock;
  static GTimeZone *zone;
  static gint64     read_at;
  gint64            now = g_get_monotonic_time ();
  GTimeZone        *tz;

  g_mutex_lock (&lock);
  if (zone == NULL || now - read_at >= LOCAL_ZONE_TTL_US)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      read_at = now;
    }
  tz = g_time_zone_ref (zone);
  g_mutex_unlock (&lock);
  return tz;
}

/* g_date_time_new_now_local(), in af_time_zone_local(). */
GDateTime *
af_date_time_new_now_local (void)
{
  g_autoptr (GTimeZone) tz = af_time_zone_local ();

  return g_date_time_new_now (tz);
}

/* g_date_time_new_from_unix_local(): %NULL when @t is out of range. */
GDateTime *
af_date_time_new_from_unix_local (gint64 t)
{
  g_autoptr (GTimeZone) tz = af_time_zone_local ();
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);

  return utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;
}

/* g_date_time_new_local(). */
GDateTime *
af_date_time_new_local (int    year,
                        int    month,
                        int    day,
                        int    hour,
                        int    minute,
                        double seconds)
{
  g_autoptr (GTimeZone) tz = af_time_zone_local ();

  return g_date_time_new (tz, year, month, day, hour, minute, seconds);
}
