/* af-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "af-account-manager.h"
#include "af-application.h"
#include "af-engine.h"

G_BEGIN_DECLS

#define AF_TYPE_WINDOW (af_window_get_type ())

G_DECLARE_FINAL_TYPE (AfWindow, af_window, AF, WINDOW, AdwApplicationWindow)

AfWindow   *af_window_new (AfApplication *application);
const char *af_window_get_visible_page (AfWindow *self);
GtkWidget  *af_window_get_page (AfWindow   *self,
                                const char *name);
void        af_window_add_toast (AfWindow *self,
                                 AdwToast *toast);
gboolean    af_window_get_folded (AfWindow *self);
gboolean    af_window_get_sidebar_visible (AfWindow *self);
void        af_window_set_engine (AfWindow *self,
                                  AfEngine *engine);
AfEngine   *af_window_get_engine (AfWindow *self);
void        af_window_set_sandbox (AfWindow *self,
                                   gboolean  sandbox);
void        af_window_set_account_manager (AfWindow         *self,
                                           AfAccountManager *accounts);
void        af_window_set_auth0_tenant (AfWindow   *self,
                                        const char *domain,
                                        const char *client_id,
                                        const char *client_secret);

G_END_DECLS
