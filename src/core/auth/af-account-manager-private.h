/* af-account-manager-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What af-account-manager.c and af-account-manager-revoke.c share, and
 * the reader of a revocation answer, for the fuzz harness.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "af-account-manager.h"
#include "af-provider.h"

G_BEGIN_DECLS

#define RETRY_MIN_SECONDS 30
#define RETRY_MAX_SECONDS 3600

struct _AfAccountManager
{
  GObject parent_instance;

  AfConnectionStore *store;
  AfVault           *vault;
  SoupSession       *session;
  GSettings         *settings;
  GHashTable        *providers;   /* service → AfProvider */
  GHashTable        *credentials; /* "service\naccount\nagent" → AfCredential */
  char              *base_url;
  char              *oidc_issuer;
  GHashTable        *client_ids;    /* service → client id */
  GHashTable        *exchanges;     /* "service\naccount" → AfTokenExchangeSource */
  GHashTable        *auth0_secrets; /* Auth0 client id → client secret, memory only */

  AfUriHandler   handler;
  gpointer       handler_data;
  GDestroyNotify handler_destroy;
  guint          timeout;
  guint          margin;

  guint retry_id;
  guint retry_delay;
};

void        af_account_manager_emit_changed (AfAccountManager *self,
                                             const char       *service,
                                             const char       *account);
AfProvider *af_account_manager_lookup_provider (AfAccountManager *self,
                                                const char       *service,
                                                GError          **error);
AfProvider *af_account_manager_provider_for_connection (AfAccountManager   *self,
                                                        const AfConnection *connection,
                                                        GError            **error);
void        af_account_manager_forget_credential (AfAccountManager *self,
                                                  const char       *service,
                                                  const char       *account,
                                                  const char       *agent);
void        af_account_manager_schedule_retry (AfAccountManager *self);

JsonObject    *af_auth0_parse_metadata (const AfConnection *connection);
const char    *af_auth0_member (JsonObject *obj,
                                const char *name);
char          *af_auth0_build_metadata (const char *domain,
                                        const char *client_id,
                                        const char *auth0_account,
                                        const char *connection,
                                        const char *connected_account_id);
gboolean       af_account_manager_is_brokered (const AfConnection *connection);
AfTokenSource *af_account_manager_brokered_token_source (AfAccountManager   *self,
                                                         const AfConnection *connection,
                                                         GError            **error);
AfProvider    *af_account_manager_auth0_provider (AfAccountManager   *self,
                                                  const AfConnection *connection,
                                                  GError            **error);
void           af_account_manager_auth0_signed_out (AfAccountManager *self,
                                                    const char       *auth0_account);
char          *af_account_manager_dup_connected_account_id (AfAccountManager   *self,
                                                            const AfConnection *connection);
void           af_account_manager_load_auth0_secret_async (AfAccountManager   *self,
                                                           const AfConnection *connection,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);

gboolean af_account_manager_revoke_answer_done (AfProviderDialect dialect,
                                                GBytes           *body,
                                                guint             status);

G_END_DECLS
