/* af-oauth-flow.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "af-provider.h"
#include "af-token-set.h"

G_BEGIN_DECLS

#define AF_TYPE_OAUTH_FLOW (af_oauth_flow_get_type ())

G_DECLARE_FINAL_TYPE (AfOAuthFlow, af_oauth_flow, AF, OAUTH_FLOW, GObject)

/**
 * AfUriHandler:
 * @uri: the authorization URL
 *
 * Shows @uri to the person. The default opens the default browser; the
 * CLI prints it, tests follow it with a SoupSession.
 */
typedef void (*AfUriHandler) (const char *uri,
                              gpointer    user_data);

AfOAuthFlow       *af_oauth_flow_new (AfProvider  *provider,
                                      SoupSession *session);
void               af_oauth_flow_set_uri_handler (AfOAuthFlow   *self,
                                                  AfUriHandler   handler,
                                                  gpointer       user_data,
                                                  GDestroyNotify destroy);
void               af_oauth_flow_set_timeout (AfOAuthFlow *self,
                                              guint        seconds);
void               af_oauth_flow_run_async (AfOAuthFlow        *self,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean           af_oauth_flow_run_finish (AfOAuthFlow  *self,
                                             GAsyncResult *result,
                                             GError      **error);
AfProvider        *af_oauth_flow_get_provider (AfOAuthFlow *self);
const char        *af_oauth_flow_get_authorization_url (AfOAuthFlow *self);
const AfTokenSet  *af_oauth_flow_get_tokens (AfOAuthFlow *self);
const char        *af_oauth_flow_get_account (AfOAuthFlow *self);
const char        *af_oauth_flow_get_display_name (AfOAuthFlow *self);
const char *const *af_oauth_flow_get_missing_capabilities (AfOAuthFlow *self);
gboolean           af_oauth_flow_has_refresh_token (AfOAuthFlow *self);

G_END_DECLS
