/* af-tray.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_TYPE_TRAY (af_tray_get_type ())

G_DECLARE_FINAL_TYPE (AfTray, af_tray, AF, TRAY, GObject)

AfTray     *af_tray_new (GDBusConnection *connection);
gboolean    af_tray_get_registered (AfTray *self);
const char *af_tray_get_bus_name (AfTray *self);
void        af_tray_set_counts (AfTray *self,
                                guint   n_running,
                                guint   n_paused,
                                guint   n_pending_approvals);

G_END_DECLS
