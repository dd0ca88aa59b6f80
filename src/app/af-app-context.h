/* af-app-context.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "af-account-manager.h"
#include "af-engine.h"
#include "af-http-client.h"
#include "af-model-settings.h"
#include "af-sandbox-life.h"
#include "af-sandbox.h"

G_BEGIN_DECLS

#define AF_TYPE_APP_CONTEXT (af_app_context_get_type ())

G_DECLARE_FINAL_TYPE (AfAppContext, af_app_context, AF, APP_CONTEXT, GObject)

AfAppContext *af_app_context_new (gboolean   sandbox,
                                  GSettings *settings,
                                  GError   **error);
AfAppContext *af_app_context_new_for_accounts (const char *sandbox_url,
                                               GSettings  *settings,
                                               GError    **error);

gboolean          af_app_context_get_sandbox_mode (AfAppContext *self);
SoupSession      *af_app_context_get_session (AfAppContext *self);
AfHttpClient     *af_app_context_get_http_client (AfAppContext *self);
AfDatabase       *af_app_context_get_database (AfAppContext *self);
AfEngine         *af_app_context_get_engine (AfAppContext *self);
AfAccountManager *af_app_context_get_account_manager (AfAppContext *self);
AfModelSettings  *af_app_context_get_model_settings (AfAppContext *self);
AfSandbox        *af_app_context_get_sandbox (AfAppContext *self);
AfSandboxLife    *af_app_context_get_sandbox_life (AfAppContext *self);

G_END_DECLS
