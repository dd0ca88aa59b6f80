/* af-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AF_TYPE_APPLICATION (af_application_get_type ())

G_DECLARE_FINAL_TYPE (AfApplication, af_application, AF, APPLICATION, AdwApplication)

AfApplication *af_application_new (void);
GSettings     *af_application_get_settings (AfApplication *self);

G_END_DECLS
