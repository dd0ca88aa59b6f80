/* af-chart.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "af-metrics-store.h"

G_BEGIN_DECLS

#define AF_TYPE_CHART (af_chart_get_type ())

G_DECLARE_FINAL_TYPE (AfChart, af_chart, AF, CHART, GtkWidget)

GtkWidget *af_chart_new (void);
/* @days: @n_days days of actions, the last one being @last_day (local). */
void  af_chart_set_days (AfChart            *self,
                         const AfDayActions *days,
                         guint               n_days,
                         GDateTime          *last_day);
guint af_chart_get_n_days (AfChart *self);
/* The tooltip text of the bar of @day (0 = the first shown). */
char *af_chart_dup_day_text (AfChart *self,
                             guint    day);

G_END_DECLS
