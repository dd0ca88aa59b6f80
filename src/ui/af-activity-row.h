/* af-activity-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AF_TYPE_ACTIVITY_ROW (af_activity_row_get_type ())

G_DECLARE_FINAL_TYPE (AfActivityRow, af_activity_row, AF, ACTIVITY_ROW, GtkWidget)

GtkWidget  *af_activity_row_new (void);
void        af_activity_row_bind (AfActivityRow *self,
                                  GObject       *item);
void        af_activity_row_unbind (AfActivityRow *self);
gint64      af_activity_row_update_time (AfActivityRow *self);
const char *af_activity_row_get_summary (AfActivityRow *self);
void        af_activity_row_set_agent_name (AfActivityRow *self,
                                            const char    *name);

const char *af_activity_kind_icon_name (const char *kind);
const char *af_activity_kind_label (const char *kind);
gboolean    af_activity_kind_is_error (const char *kind);
char       *af_activity_item_dup_string (GObject    *item,
                                         const char *property);
gint64      af_activity_item_get_time (GObject *item);
gint64      af_activity_item_get_int64 (GObject    *item,
                                        const char *property);

typedef enum
{
  AF_CLOCK_FORMAT_24H,
  AF_CLOCK_FORMAT_12H,
} AfClockFormat;

GSettings    *af_feed_time_get_desktop_settings (void);
AfClockFormat af_feed_time_get_clock_format (void);
char         *af_format_feed_time (gint64 unix_time,
                                   gint64 now);
char         *af_format_feed_time_full (gint64        unix_time,
                                        gint64        now,
                                        AfClockFormat clock);
gint64        af_format_feed_time_next_change (gint64 unix_time,
                                               gint64 now);
char         *af_format_last_run (gint64 unix_time,
                                  gint64 now);
char         *af_format_last_run_full (gint64        unix_time,
                                       gint64        now,
                                       AfClockFormat clock);
char         *af_format_upcoming_time (gint64  unix_time,
                                       gint64  now,
                                       gint64 *next_change);
char         *af_format_upcoming_time_full (gint64        unix_time,
                                            gint64        now,
                                            AfClockFormat clock,
                                            gint64       *next_change);
gint64        af_feed_time_source_get_due (GSource *source);
void          af_feed_time_arm (guint      *tick_id,
                                gint64     *armed_for,
                                gint64      next,
                                const char *name,
                                GSourceFunc func,
                                gpointer    data);

G_END_DECLS
