/* af-time.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean af_time_parse_hhmm (const char *text,
                             int        *hour,
                             int        *minute);
char    *af_time_format_hhmm (int hour,
                              int minute);

GTimeZone *af_time_zone_local (void);
GDateTime *af_date_time_new_now_local (void);
GDateTime *af_date_time_new_from_unix_local (gint64 t);
GDateTime *af_date_time_new_local (int    year,
                                   int    month,
                                   int    day,
                                   int    hour,
                                   int    minute,
                                   double seconds);

G_END_DECLS
