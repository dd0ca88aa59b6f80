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

G_END_DECLS
