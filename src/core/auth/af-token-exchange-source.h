/* af-token-exchange-source.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "af-connection-store.h"
#include "af-token-source.h"
#include "af-vault.h"

G_BEGIN_DECLS

#define AF_TYPE_TOKEN_EXCHANGE_SOURCE (af_token_exchange_source_get_type ())

G_DECLARE_FINAL_TYPE (AfTokenExchangeSource, af_token_exchange_source, AF, TOKEN_EXCHANGE_SOURCE, GObject)

/* The keyring services of an Auth0 tenant's secrets: the user's refresh
 * token (account: the user) and the application's client secret
 * (account: the client ID, in the token set's access_token). */
#define AF_AUTH0_SERVICE        "auth0"
#define AF_AUTH0_CLIENT_SERVICE "auth0-client"

/* What the sign-in asks of the My Account API (connected-accounts-for-token-vault). */
#define AF_AUTH0_MY_ACCOUNT_SCOPES "create:me:connected_accounts read:me:connected_accounts delete:me:connected_accounts"

AfTokenExchangeSource *af_token_exchange_source_new (SoupSession       *session,
                                                     AfVault           *vault,
                                                     AfConnectionStore *store,
                                                     const char        *domain,
                                                     const char        *client_id,
                                                     const char        *auth0_account,
                                                     const char        *service,
                                                     const char        *account,
                                                     const char        *connection,
                                                     const char        *login_hint);
void                   af_token_exchange_source_invalidate (AfTokenExchangeSource *self,
                                                            const char            *reason);

G_END_DECLS
