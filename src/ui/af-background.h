/* af-background.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * AfBackgroundPortalState:
 * @AF_BACKGROUND_PORTAL_UNKNOWN: not probed yet
 * @AF_BACKGROUND_PORTAL_ABSENT: no Background portal; autostart uses a file
 * @AF_BACKGROUND_PORTAL_AVAILABLE: the portal exists and was not asked yet
 * @AF_BACKGROUND_PORTAL_ALLOWED: the portal allowed running in the background
 * @AF_BACKGROUND_PORTAL_DENIED: the user or the system denied it
 */
typedef enum
{
  AF_BACKGROUND_PORTAL_UNKNOWN,
  AF_BACKGROUND_PORTAL_ABSENT,
  AF_BACKGROUND_PORTAL_AVAILABLE,
  AF_BACKGROUND_PORTAL_ALLOWED,
  AF_BACKGROUND_PORTAL_DENIED,
} AfBackgroundPortalState;

#define AF_TYPE_BACKGROUND_PORTAL_STATE (af_background_portal_state_get_type ())
GType af_background_portal_state_get_type (void);

#define AF_TYPE_BACKGROUND (af_background_get_type ())

G_DECLARE_FINAL_TYPE (AfBackground, af_background, AF, BACKGROUND, GObject)

AfBackground           *af_background_new (GSettings       *settings,
                                           GDBusConnection *connection);
AfBackgroundPortalState af_background_get_portal_state (AfBackground *self);
void                    af_background_request (AfBackground *self,
                                               GtkWindow    *parent);
char                   *af_background_dup_autostart_path (void);

G_END_DECLS
