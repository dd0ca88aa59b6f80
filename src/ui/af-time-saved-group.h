/* af-time-saved-group.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AF_TYPE_TIME_SAVED_GROUP (af_time_saved_group_get_type ())

G_DECLARE_FINAL_TYPE (AfTimeSavedGroup, af_time_saved_group, AF, TIME_SAVED_GROUP, AdwPreferencesGroup)

GtkWidget *af_time_saved_group_new (GSettings *settings);

/* Minutes saved by @counts (action → items acted on, as guint) with the
 * estimates in @settings' "minutes-saved-per-action". */
double af_time_saved_estimate (GSettings  *settings,
                               GHashTable *counts);

G_END_DECLS
