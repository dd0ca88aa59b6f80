/* af-account-manager.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "af-connection-store.h"
#include "af-database.h"
#include "af-oauth-flow.h"
#include "af-provider.h"
#include "af-token-source.h"
#include "af-vault.h"

G_BEGIN_DECLS

#define AF_TYPE_ACCOUNT_MANAGER (af_account_manager_get_type ())

G_DECLARE_FINAL_TYPE (AfAccountManager, af_account_manager, AF, ACCOUNT_MANAGER, GObject)

/**
 * AfRevocation:
 * @AF_REVOCATION_DONE: the provider confirmed (or never knew the token):
 *   AgentFlow's access is gone
 * @AF_REVOCATION_PENDING: the provider (or the keyring) could not be
 *   reached; the revocation is retried later
 * @AF_REVOCATION_UNSUPPORTED: the provider offers no way to revoke: the
 *   account is forgotten here, but its grant stays valid at the provider
 *   until it expires or the person removes it there
 */
typedef enum
{
  AF_REVOCATION_DONE,
  AF_REVOCATION_PENDING,
  AF_REVOCATION_UNSUPPORTED,
} AfRevocation;

AfAccountManager  *af_account_manager_new (AfDatabase  *database,
                                           GSettings   *settings,
                                           SoupSession *session);
SoupSession       *af_account_manager_get_session (AfAccountManager *self);
AfConnectionStore *af_account_manager_get_store (AfAccountManager *self);
void               af_account_manager_set_base_url (AfAccountManager *self,
                                                    const char       *base_url);
void               af_account_manager_set_client_id (AfAccountManager *self,
                                                     const char       *service,
                                                     const char       *client_id);
const char        *af_account_manager_get_oidc_issuer (AfAccountManager *self);
void               af_account_manager_set_oidc_issuer (AfAccountManager *self,
                                                       const char       *issuer);
void               af_account_manager_add_provider (AfAccountManager *self,
                                                    AfProvider       *provider);
AfProvider        *af_account_manager_get_provider (AfAccountManager *self,
                                                    const char       *service,
                                                    GError          **error);
void               af_account_manager_set_uri_handler (AfAccountManager *self,
                                                       AfUriHandler      handler,
                                                       gpointer          user_data,
                                                       GDestroyNotify    destroy);
void               af_account_manager_set_timeout (AfAccountManager *self,
                                                   guint             seconds);
void               af_account_manager_set_refresh_margin (AfAccountManager *self,
                                                          guint             seconds);

void           af_account_manager_connect_async (AfAccountManager   *self,
                                                 const char         *service,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
void           af_account_manager_connect_for_agent_async (AfAccountManager   *self,
                                                           const char         *service,
                                                           const char         *agent_id,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
AfConnection  *af_account_manager_connect_finish (AfAccountManager *self,
                                                  GAsyncResult     *result,
                                                  GStrv            *missing_capabilities,
                                                  GError          **error);
void           af_account_manager_connect_token_async (AfAccountManager   *self,
                                                       const char         *service,
                                                       const char         *token,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
AfConnection  *af_account_manager_connect_token_finish (AfAccountManager *self,
                                                        GAsyncResult     *result,
                                                        GError          **error);
void           af_account_manager_disconnect_async (AfAccountManager   *self,
                                                    const char         *service,
                                                    const char         *account,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean       af_account_manager_disconnect_finish (AfAccountManager *self,
                                                     GAsyncResult     *result,
                                                     gboolean         *revoked,
                                                     GError          **error);
gboolean       af_account_manager_disconnect_finish_full (AfAccountManager *self,
                                                          GAsyncResult     *result,
                                                          AfRevocation     *revocation,
                                                          char            **manage_url,
                                                          GError          **error);
char          *af_account_manager_connect_dup_warning (AfAccountManager *self,
                                                       GAsyncResult     *result);
void           af_account_manager_retry_revocations_async (AfAccountManager   *self,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
guint          af_account_manager_retry_revocations_finish (AfAccountManager *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);
void           af_account_manager_forget_agent_async (AfAccountManager   *self,
                                                      const char         *agent_id,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean       af_account_manager_forget_agent_finish (AfAccountManager *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);
GPtrArray     *af_account_manager_list_connections (AfAccountManager *self,
                                                    GError          **error);
GPtrArray     *af_account_manager_list_agent_connections (AfAccountManager *self,
                                                          const char       *agent_id,
                                                          GError          **error);
AfTokenSource *af_account_manager_get_token_source (AfAccountManager *self,
                                                    const char       *service,
                                                    const char       *account,
                                                    const char       *agent,
                                                    GError          **error);

void          af_account_manager_connect_auth0_async (AfAccountManager   *self,
                                                      const char         *domain,
                                                      const char         *client_id,
                                                      const char         *client_secret,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
AfConnection *af_account_manager_connect_auth0_finish (AfAccountManager *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);
void          af_account_manager_link_auth0_async (AfAccountManager   *self,
                                                   const char         *service,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
AfConnection *af_account_manager_link_auth0_finish (AfAccountManager *self,
                                                    GAsyncResult     *result,
                                                    GError          **error);
void          af_account_manager_list_auth0_async (AfAccountManager   *self,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
JsonArray    *af_account_manager_list_auth0_finish (AfAccountManager *self,
                                                    GAsyncResult     *result,
                                                    GError          **error);
void          af_account_manager_unlink_auth0_async (AfAccountManager   *self,
                                                     const char         *connected_account_id,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean      af_account_manager_unlink_auth0_finish (AfAccountManager *self,
                                                      GAsyncResult     *result,
                                                      GError          **error);
char         *af_account_manager_dup_auth0_link (AfAccountManager   *self,
                                                 const AfConnection *connection);
char         *af_account_manager_dup_attention_reason (AfAccountManager *self,
                                                       const char       *service,
                                                       const char       *account);

G_END_DECLS
