/* af-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "af-application.h"

G_BEGIN_DECLS

#define AF_TYPE_WINDOW (af_window_get_type ())

G_DECLARE_FINAL_TYPE (AfWindow, af_window, AF, WINDOW, AdwApplicationWindow)

AfWindow   *af_window_new (AfApplication *application);
const char *af_window_get_visible_page (AfWindow *self);

G_END_DECLS
