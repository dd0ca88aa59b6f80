/* af-oauth-http.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "af-provider.h"
#include "af-token-set.h"

G_BEGIN_DECLS

void        af_oauth_http_request_async (SoupSession        *session,
                                         SoupMessage        *msg,
                                         const char         *peer_name,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
JsonObject *af_oauth_http_request_finish (GAsyncResult *result,
                                          guint        *status,
                                          GError      **error);

SoupMessage *af_oauth_http_new_form_post (const char *url,
                                          GHashTable *form);
SoupMessage *af_oauth_http_new_bearer (const char *method,
                                       const char *url,
                                       const char *token);

AfTokenSet  *af_oauth_parse_token_response (AfProvider *provider,
                                            JsonObject *obj,
                                            guint       status,
                                            GError    **error);
gboolean     af_oauth_parse_id_token_full (const char *id_token,
                                           const char *client_id,
                                           const char *issuer,
                                           const char *nonce,
                                           char      **email,
                                           char      **name,
                                           GError    **error);
gboolean     af_oauth_claim_is_true (JsonObject *obj,
                                     const char *name);
SoupMessage *af_oauth_http_new_revocation (AfProvider       *provider,
                                           const AfTokenSet *tokens);
void         af_oauth_revoke_async (AfProvider         *provider,
                                    SoupSession        *session,
                                    const AfTokenSet   *tokens,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
void         af_oauth_revoke_finish (GAsyncResult *result);
gboolean     af_oauth_parse_id_token (const char *id_token,
                                      const char *client_id,
                                      const char *issuer,
                                      char      **email,
                                      char      **name,
                                      GError    **error);

G_END_DECLS

G_BEGIN_DECLS

void     af_oauth_fetch_identity_async (AfProvider         *provider,
                                        SoupSession        *session,
                                        const char         *access_token,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
gboolean af_oauth_fetch_identity_finish (GAsyncResult *result,
                                         char        **account,
                                         char        **display_name,
                                         GError      **error);

G_END_DECLS
