/* af-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "af-account-manager.h"
#include "af-background.h"
#include "af-notifier.h"
#include "af-tray.h"

G_BEGIN_DECLS

#define AF_TYPE_APPLICATION (af_application_get_type ())

G_DECLARE_FINAL_TYPE (AfApplication, af_application, AF, APPLICATION, AdwApplication)

/**
 * AfApprovalHandler:
 * @app: the application
 * @approval_id: the id given to af_notifier_notify_approval()
 * @approved: %TRUE for Approve, %FALSE for Deny
 * @user_data: the data given with the handler
 *
 * Carries out the user's decision on a pending action. Called once per
 * @approval_id, however often the decision arrives.
 */
typedef void (*AfApprovalHandler) (AfApplication *app,
                                   const char    *approval_id,
                                   gboolean       approved,
                                   gpointer       user_data);

AfApplication      *af_application_new (void);
GSettings          *af_application_get_settings (AfApplication *self);
const GOptionEntry *af_application_get_option_entries (void);
const char         *af_application_get_summary (void);
AfTray             *af_application_get_tray (AfApplication *self);
AfNotifier         *af_application_get_notifier (AfApplication *self);
AfAccountManager   *af_application_get_account_manager (AfApplication *self);
AfBackground       *af_application_get_background (AfApplication *self);
gboolean            af_application_get_in_background (AfApplication *self);

void          af_application_request_quit (AfApplication *self);
gboolean      af_application_get_quitting (AfApplication *self);
GCancellable *af_application_get_shutdown_cancellable (AfApplication *self);
guint         af_application_add_quit_blocker (AfApplication *self,
                                               const char    *reason);
void          af_application_remove_quit_blocker (AfApplication *self,
                                                  guint          blocker_id);

void af_application_startup_mark (const char *what);

void af_application_set_approval_handler (AfApplication    *self,
                                          AfApprovalHandler handler,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);

G_END_DECLS
