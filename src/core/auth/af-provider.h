/* af-provider.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define AF_TYPE_PROVIDER (af_provider_get_type ())

G_DECLARE_FINAL_TYPE (AfProvider, af_provider, AF, PROVIDER, GObject)

/**
 * AfProviderEndpoint:
 * @AF_PROVIDER_AUTH: where the browser goes to consent
 * @AF_PROVIDER_TOKEN: code exchange and refresh (form-encoded POST)
 * @AF_PROVIDER_REVOKE: RFC 7009 revocation (or Slack's auth.revoke)
 * @AF_PROVIDER_USERINFO: identity: OpenID userinfo or Slack's auth.test
 */
typedef enum
{
  AF_PROVIDER_AUTH,
  AF_PROVIDER_TOKEN,
  AF_PROVIDER_REVOKE,
  AF_PROVIDER_USERINFO,
  AF_PROVIDER_N_ENDPOINTS,
} AfProviderEndpoint;

/**
 * AfProviderDialect:
 * @AF_PROVIDER_DIALECT_OIDC: RFC 6749 responses, userinfo `email`,
 *   RFC 7009 revocation (Google and any OpenID Connect server)
 * @AF_PROVIDER_DIALECT_SLACK: Slack's `{"ok": …}` bodies, `user_scope`,
 *   tokens under `authed_user`, `auth.test` and `auth.revoke`
 */
typedef enum
{
  AF_PROVIDER_DIALECT_OIDC,
  AF_PROVIDER_DIALECT_SLACK,
} AfProviderDialect;

AfProvider *af_provider_new (const char       *service,
                             const char       *display_name,
                             AfProviderDialect dialect);
AfProvider *af_provider_new_for_service (const char *service,
                                         GSettings  *settings,
                                         GError    **error);
void        af_provider_discover_async (const char         *issuer,
                                        const char         *client_id,
                                        SoupSession        *session,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
AfProvider *af_provider_discover_finish (GAsyncResult *result,
                                         GError      **error);

const char        *af_provider_get_service (AfProvider *self);
const char        *af_provider_get_display_name (AfProvider *self);
AfProviderDialect  af_provider_get_dialect (AfProvider *self);
const char        *af_provider_get_endpoint (AfProvider        *self,
                                             AfProviderEndpoint endpoint);
void               af_provider_set_endpoint (AfProvider        *self,
                                             AfProviderEndpoint endpoint,
                                             const char        *url);
void               af_provider_set_base_url (AfProvider *self,
                                             const char *base_url);
const char        *af_provider_get_client_id (AfProvider *self);
void               af_provider_set_client_id (AfProvider *self,
                                              const char *client_id);
const char        *af_provider_get_client_secret (AfProvider *self);
void               af_provider_set_client_secret (AfProvider *self,
                                                  const char *secret);
gboolean           af_provider_check_configured (AfProvider *self,
                                                 GError    **error);
const char        *af_provider_get_redirect_host (AfProvider *self);
void               af_provider_set_redirect_host (AfProvider *self,
                                                  const char *host);
const char        *af_provider_get_redirect_path (AfProvider *self);
void               af_provider_set_redirect_path (AfProvider *self,
                                                  const char *path);
void               af_provider_add_capability (AfProvider *self,
                                               const char *capability,
                                               const char *scope);
void               af_provider_add_base_scope (AfProvider *self,
                                               const char *scope);
char              *af_provider_get_scope_string (AfProvider *self);
GStrv              af_provider_get_missing_capabilities (AfProvider *self,
                                                         const char *granted);
void               af_provider_add_auth_param (AfProvider *self,
                                               const char *name,
                                               const char *value);
char              *af_provider_build_auth_url (AfProvider *self,
                                               const char *redirect_uri,
                                               const char *state,
                                               const char *code_challenge);
char              *af_provider_build_auth_url_full (AfProvider *self,
                                                    const char *redirect_uri,
                                                    const char *state,
                                                    const char *code_challenge,
                                                    const char *nonce);
gboolean           af_provider_check_secure_url (const char *url,
                                                 const char *who,
                                                 GError    **error);
gboolean           af_provider_get_iss_parameter_supported (AfProvider *self);
const char        *af_provider_get_manage_url (AfProvider *self);
const char *const *af_provider_list_services (void);
const char        *af_provider_get_issuer (AfProvider *self);
char              *af_provider_dup_metadata (AfProvider *self);
AfProvider        *af_provider_new_from_metadata (const char *service,
                                                  const char *metadata,
                                                  GError    **error);

G_END_DECLS
