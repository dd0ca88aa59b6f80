/* af-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "af-background.h"

G_BEGIN_DECLS

#define AF_TYPE_PREFERENCES_WINDOW (af_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (AfPreferencesWindow, af_preferences_window, AF, PREFERENCES_WINDOW, AdwPreferencesWindow)

AfPreferencesWindow *af_preferences_window_new (GSettings *settings);
void                 af_preferences_window_set_background (AfPreferencesWindow *self,
                                                           AfBackground        *background);

G_END_DECLS
