/* af-account-manager-auth0.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-account-manager"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "af-account-manager-private.h"
#include "af-error.h"
#include "af-loopback-server.h"
#include "af-oauth-http.h"
#include "af-pkce.h"
#include "af-token-exchange-source.h"

/* Accounts through Auth0 Token Vault.
 *
 * The person signs in to their Auth0 tenant once (authorization code +
 * PKCE on the loopback redirect, like every other sign-in; the My Account
 * API as audience with the Connected Accounts scopes, offline_access for a
 * refresh token). The refresh token goes to the keyring (service "auth0"),
 * the application's client secret too (service "auth0-client"); the row
 * "auth0" keeps the tenant's domain and the client ID.
 *
 * Google and Slack are then linked at Auth0 (Connected Accounts: connect,
 * the browser, complete) and a row "gmail", "calendar" or "slack" remembers
 * which connected account and connection it is. Such a row has no keyring
 * item: its tokens come from AfTokenExchangeSource, which exchanges the
 * Auth0 refresh token at Token Vault when an agent needs one.
 *
 * Pages:
 * https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault/connected-accounts-for-token-vault
 * https://auth0.com/docs/manage-users/my-account-api
 * https://auth0.com/docs/api/myaccount (connect, complete, list, delete)
 * https://auth0.com/docs/api/authentication/refresh-token/refresh-token
 *   (the My Account API token, with the refresh token of the sign-in:
 *   "Multi-Resource Refresh Token" in connected-accounts-for-token-vault) */

#define BROKER              "auth0"
#define AUTH0_CALLBACK_PATH "/callback"

JsonObject *
af_auth0_parse_metadata (const AfConnection *connection)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode   *root;
  JsonObject *obj;

  if (connection->provider == NULL || connection->provider[0] == '\0' ||
      !json_parser_load_from_data (parser, connection->provider, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  obj = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (obj, "broker", NULL), BROKER) != 0)
    return NULL;
  return json_object_ref (obj);
}

const char *
af_auth0_member (JsonObject *obj,
                 const char *name)
{
  return json_object_get_string_member_with_default (obj, name, NULL);
}

/**
 * af_account_manager_is_brokered:
 *
 * Returns: whether @connection is an Auth0 sign-in or an account linked
 *   through it (no keyring item of its own)
 */
gboolean
af_account_manager_is_brokered (const AfConnection *connection)
{
  g_autoptr (JsonObject) obj = af_auth0_parse_metadata (connection);

  return obj != NULL;
}

static char *
normalize_domain (const char *domain,
                  GError    **error)
{
  g_autofree char *url = NULL;
  g_autoptr (GUri) uri = NULL;

  if (domain == NULL || domain[0] == '\0' || strchr (domain, ' ') != NULL)
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT,
                           _ ("Enter your Auth0 domain, e.g. example.eu.auth0.com."));
      return NULL;
    }
  url = strstr (domain, "://") ? g_strdup (domain) : g_strconcat ("https://", domain, NULL);
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("“%s” is not an Auth0 domain."), domain);
      return NULL;
    }
  /* https, or http on the loopback interface (a local test tenant). */
  if (!af_provider_check_secure_url (url, "Auth0", error))
    return NULL;
  return g_steal_pointer (&url);
}

/* Token sources */

static void
on_exchange_needs_reconnect_cb (AfTokenExchangeSource *source,
                                const char            *reason,
                                AfAccountManager      *self)
{
  const char *service = g_object_get_data (G_OBJECT (source), "af-service");
  const char *account = g_object_get_data (G_OBJECT (source), "af-account");

  g_signal_emit_by_name (self, "needs-reconnect", service, account, reason);
  af_account_manager_emit_changed (self, service, account);
}

AfTokenSource *
af_account_manager_brokered_token_source (AfAccountManager   *self,
                                          const AfConnection *connection,
                                          GError            **error)
{
  g_autoptr (JsonObject) obj = af_auth0_parse_metadata (connection);
  g_autofree char       *key = g_strjoin ("\n", connection->service, connection->account, NULL);
  AfTokenExchangeSource *source;

  g_assert (obj != NULL);

  if (g_str_equal (connection->service, AF_AUTH0_SERVICE))
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("The Auth0 sign-in is not a service agents can use."));
      return NULL;
    }
  if ((source = g_hash_table_lookup (self->exchanges, key)) != NULL)
    return g_object_ref (AF_TOKEN_SOURCE (source));

  if (af_auth0_member (obj, "domain") == NULL || af_auth0_member (obj, "client_id") == NULL || af_auth0_member (obj, "auth0_account") == NULL ||
      af_auth0_member (obj, "connection") == NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT, _ ("Connect %s through Auth0 again."), connection->service);
      return NULL;
    }

  source = af_token_exchange_source_new (self->session, self->vault, self->store, af_auth0_member (obj, "domain"),
                                         af_auth0_member (obj, "client_id"), af_auth0_member (obj, "auth0_account"), connection->service,
                                         connection->account, af_auth0_member (obj, "connection"), af_auth0_member (obj, "login_hint"));
  g_object_set_data_full (G_OBJECT (source), "af-service", g_strdup (connection->service), g_free);
  g_object_set_data_full (G_OBJECT (source), "af-account", g_strdup (connection->account), g_free);
  g_object_set_data_full (G_OBJECT (source), "af-auth0-account", g_strdup (af_auth0_member (obj, "auth0_account")), g_free);
  g_signal_connect_object (source, "needs-reconnect", G_CALLBACK (on_exchange_needs_reconnect_cb), self, 0);
  g_hash_table_insert (self->exchanges, g_steal_pointer (&key), source);

  return g_object_ref (AF_TOKEN_SOURCE (source));
}

/**
 * af_account_manager_dup_attention_reason:
 *
 * Returns: (transfer full) (nullable): for an account linked through
 *   Auth0 that needs the person, what they have to do (recorded when Token
 *   Vault refused it), else %NULL
 */
char *
af_account_manager_dup_attention_reason (AfAccountManager *self,
                                         const char       *service,
                                         const char       *account)
{
  g_autoptr (AfConnection) connection = NULL;

  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (service != NULL && account != NULL, NULL);

  connection = af_connection_store_get (self->store, service, account, NULL);
  if (connection == NULL || !af_account_manager_is_brokered (connection) ||
      !g_str_equal (connection->status, AF_CONNECTION_NEEDS_RECONNECT) || connection->status_reason == NULL ||
      connection->status_reason[0] == '\0')
    return NULL;
  return g_strdup (connection->status_reason);
}

/* The provider of an Auth0 sign-in's row: its token and revocation
 * endpoints and its client, with the secret when it is known. */
AfProvider *
af_account_manager_auth0_provider (AfAccountManager   *self,
                                   const AfConnection *connection,
                                   GError            **error)
{
  g_autoptr (JsonObject) obj = af_auth0_parse_metadata (connection);
  g_autofree char *token = NULL;
  g_autofree char *revoke = NULL;
  AfProvider      *provider;

  if (obj == NULL || af_auth0_member (obj, "domain") == NULL || af_auth0_member (obj, "client_id") == NULL)
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                           _ ("AgentFlow does not remember your Auth0 tenant. Sign in to Auth0 again."));
      return NULL;
    }
  token = g_strconcat (af_auth0_member (obj, "domain"), "/oauth/token", NULL);
  revoke = g_strconcat (af_auth0_member (obj, "domain"), "/oauth/revoke", NULL);
  provider = af_provider_new (AF_AUTH0_SERVICE, "Auth0", AF_PROVIDER_DIALECT_OIDC);
  af_provider_set_endpoint (provider, AF_PROVIDER_TOKEN, token);
  af_provider_set_endpoint (provider, AF_PROVIDER_REVOKE, revoke);
  af_provider_set_client_id (provider, af_auth0_member (obj, "client_id"));
  af_provider_set_client_secret (provider, g_hash_table_lookup (self->auth0_secrets, af_auth0_member (obj, "client_id")));
  return provider;
}

/* The Auth0 sign-in of @auth0_account is going away: every account linked
 * through it stops handing out tokens, and its agents need attention. */
void
af_account_manager_auth0_signed_out (AfAccountManager *self,
                                     const char       *auth0_account)
{
  const char *reason = _ ("Sign in to Auth0 again: AgentFlow was signed out of Auth0.");
  g_autoptr (GPtrArray) list = af_connection_store_list (self->store, NULL, NULL);
  GHashTableIter iter;
  gpointer       value;

  g_hash_table_iter_init (&iter, self->exchanges);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (g_object_get_data (value, "af-auth0-account"), auth0_account) == 0)
      af_token_exchange_source_invalidate (value, reason);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      AfConnection *c = list->pdata[i];
      g_autoptr (JsonObject) obj = af_auth0_parse_metadata (c);

      if (obj == NULL || g_str_equal (c->service, AF_AUTH0_SERVICE) ||
          g_strcmp0 (af_auth0_member (obj, "auth0_account"), auth0_account) != 0)
        continue;
      af_connection_store_set_status (self->store, c->service, c->account, AF_CONNECTION_NEEDS_RECONNECT, reason, NULL);
      g_signal_emit_by_name (self, "needs-reconnect", c->service, c->account, reason);
      af_account_manager_emit_changed (self, c->service, c->account);
    }
}

/* Sign-in */

typedef struct
{
  char        *domain;
  char        *client_id;
  char        *secret;
  AfProvider  *provider;
  AfOAuthFlow *flow;
  AfTokenSet  *tokens;
  char        *account;
  char        *display_name;
  char        *login_hint;
} SignInData;

static void
sign_in_data_free (SignInData *data)
{
  g_free (data->domain);
  g_free (data->client_id);
  if (data->secret != NULL)
    explicit_bzero (data->secret, strlen (data->secret));
  g_free (data->secret);
  g_clear_object (&data->provider);
  g_clear_object (&data->flow);
  g_clear_pointer (&data->tokens, af_token_set_free);
  g_free (data->account);
  g_free (data->display_name);
  g_free (data->login_hint);
  g_free (data);
}

char *
af_auth0_build_metadata (const char *domain,
                         const char *client_id,
                         const char *auth0_account,
                         const char *connection,
                         const char *connected_account_id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "broker");
  json_builder_add_string_value (b, BROKER);
  json_builder_set_member_name (b, "domain");
  json_builder_add_string_value (b, domain);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, client_id);
  if (auth0_account != NULL)
    {
      json_builder_set_member_name (b, "auth0_account");
      json_builder_add_string_value (b, auth0_account);
      json_builder_set_member_name (b, "connection");
      json_builder_add_string_value (b, connection);
      json_builder_set_member_name (b, "connected_account_id");
      json_builder_add_string_value (b, connected_account_id);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
on_sign_in_revoked_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;

  af_oauth_revoke_finish (result);
  g_task_return_error (task, g_object_steal_data (G_OBJECT (task), "af-error"));
}

/* Tokens nobody will hold must not stay live at Auth0. */
static void
fail_sign_in (GTask  *task,
              GError *error)
{
  AfAccountManager *self = g_task_get_source_object (task);
  SignInData       *data = g_task_get_task_data (task);

  g_object_set_data_full (G_OBJECT (task), "af-error", error, (GDestroyNotify)g_error_free);
  af_oauth_revoke_async (data->provider, self->session, data->tokens, on_sign_in_revoked_cb, task);
}

static gboolean
is_source_of_cb (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  return g_strcmp0 (g_object_get_data (value, "af-auth0-account"), user_data) == 0;
}

/* Signed in again: the accounts linked through this sign-in that waited
 * for it may be tried again. If Token Vault still refuses one (not linked,
 * rotation on), its next exchange says so again. */
static void
resume_linked (AfAccountManager *self,
               const char       *auth0_account)
{
  g_autoptr (GPtrArray) list = af_connection_store_list (self->store, NULL, NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      AfConnection *c = list->pdata[i];
      g_autoptr (JsonObject) obj = af_auth0_parse_metadata (c);

      if (obj == NULL || g_str_equal (c->service, AF_AUTH0_SERVICE) ||
          g_strcmp0 (af_auth0_member (obj, "auth0_account"), auth0_account) != 0 ||
          !g_str_equal (c->status, AF_CONNECTION_NEEDS_RECONNECT))
        continue;
      if (af_connection_store_set_status (self->store, c->service, c->account, AF_CONNECTION_CONNECTED, NULL, NULL))
        af_account_manager_emit_changed (self, c->service, c->account);
    }
}

static void
on_sign_in_secret_stored_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  SignInData       *data = g_task_get_task_data (task);
  g_autofree char  *metadata = NULL;
  g_autoptr (AfConnection) connection = NULL;
  GError *error = NULL;

  if (object != NULL && !af_vault_store_finish (AF_VAULT (object), result, &error))
    {
      af_vault_clear_async (self->vault, AF_AUTH0_SERVICE, data->account, "", NULL, NULL, NULL);
      fail_sign_in (g_steal_pointer (&task), error);
      return;
    }

  metadata = af_auth0_build_metadata (data->domain, data->client_id, NULL, NULL, NULL);
  if (!af_connection_store_save_for_agent (self->store, AF_AUTH0_SERVICE, data->account, "", data->display_name,
                                           data->tokens->scope ? data->tokens->scope : "", metadata, &error) ||
      (connection = af_connection_store_get (self->store, AF_AUTH0_SERVICE, data->account, &error)) == NULL)
    {
      af_vault_clear_async (self->vault, AF_AUTH0_SERVICE, data->account, "", NULL, NULL, NULL);
      fail_sign_in (g_steal_pointer (&task), error ? error : g_error_new_literal (AF_ERROR, AF_ERROR_DATABASE, "Connection vanished"));
      return;
    }
  if (data->secret != NULL)
    g_hash_table_replace (self->auth0_secrets, g_strdup (data->client_id), g_strdup (data->secret));
  /* Token sources of an earlier sign-in were told it is gone. */
  g_hash_table_foreach_remove (self->exchanges, is_source_of_cb, data->account);
  resume_linked (self, data->account);

  g_message ("Signed in to Auth0 as %s", data->account);
  af_account_manager_emit_changed (self, AF_AUTH0_SERVICE, data->account);
  g_task_return_pointer (task, g_steal_pointer (&connection), (GDestroyNotify)af_connection_free);
}

static void
on_sign_in_stored_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  SignInData       *data = g_task_get_task_data (task);
  g_autoptr (AfTokenSet) secret = NULL;
  g_autofree char *label = NULL;
  GError          *error = NULL;

  if (!af_vault_store_finish (AF_VAULT (object), result, &error))
    {
      fail_sign_in (task, error);
      return;
    }
  if (data->secret == NULL)
    {
      on_sign_in_secret_stored_cb (NULL, NULL, task);
      return;
    }

  /* The secret is the token set's access token: one keyring schema. */
  secret = af_token_set_new ();
  secret->access_token = g_strdup (data->secret);
  secret->token_type = g_strdup ("client_secret");
  label = g_strdup_printf ("AgentFlow: Auth0 application %s", data->client_id);
  af_vault_store_async (self->vault, AF_AUTH0_CLIENT_SERVICE, data->client_id, "", label, secret,
                        g_task_get_cancellable (task), on_sign_in_secret_stored_cb, task);
}

static void
on_sign_in_flow_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  SignInData       *data = g_task_get_task_data (task);
  g_autofree char  *label = NULL;
  GError           *error = NULL;

  if (!af_oauth_flow_run_finish (data->flow, result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  data->tokens = af_token_set_copy (af_oauth_flow_get_tokens (data->flow));
  data->account = g_strdup (af_oauth_flow_get_account (data->flow));
  data->display_name = g_strdup (af_oauth_flow_get_display_name (data->flow));
  /* Token Vault exchanges the refresh token: without one, nothing works. */
  if (data->tokens->refresh_token == NULL)
    {
      fail_sign_in (task, g_error_new_literal (AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                                               _ ("Auth0 gave AgentFlow no refresh token. Allow offline access for the My Account API and enable the Refresh Token grant for the application in the Auth0 Dashboard.")));
      return;
    }

  label = g_strdup_printf ("AgentFlow: Auth0 (%s)", data->account);
  af_vault_store_async (self->vault, AF_AUTH0_SERVICE, data->account, "", label, data->tokens,
                        g_task_get_cancellable (task), on_sign_in_stored_cb, task);
}

static void
on_sign_in_uri_cb (const char *uri,
                   gpointer    user_data)
{
  AfAccountManager *self = user_data;

  self->handler (uri, self->handler_data);
}

static void
on_sign_in_discovered_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  SignInData       *data = g_task_get_task_data (task);
  g_auto (GStrv) scopes = g_strsplit (AF_AUTH0_MY_ACCOUNT_SCOPES, " ", -1);
  g_autofree char *audience = g_strconcat (data->domain, "/me/", NULL);
  GError          *error = NULL;

  data->provider = af_provider_discover_finish (result, &error);
  if (data->provider == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  af_provider_set_client_secret (data->provider, data->secret);
  /* The Allowed Callback URL the README asks for: http://127.0.0.1/callback
   * (the port is the loopback server's, RFC 8252 §7.3). */
  af_provider_set_redirect_path (data->provider, AUTH0_CALLBACK_PATH);
  af_provider_add_base_scope (data->provider, "profile");
  for (guint i = 0; scopes[i] != NULL; i++)
    af_provider_add_base_scope (data->provider, scopes[i]);
  /* my-account-api: the API's audience is https://DOMAIN/me/. */
  af_provider_add_auth_param (data->provider, "audience", audience);
  /* Signing in again: the login page offers the account signed in before.
   * login_hint is "the user's email address or other identifier", used to
   * pre-fill the login box or pick the right session
   * (https://auth0.github.io/auth0-spa-js/interfaces/AuthorizationParams.html;
   * OpenID Connect Core 1.0 §3.1.2.1); the person may still choose another. */
  if (data->login_hint != NULL)
    af_provider_add_auth_param (data->provider, "login_hint", data->login_hint);

  data->flow = af_oauth_flow_new (data->provider, self->session);
  af_oauth_flow_set_timeout (data->flow, self->timeout);
  if (self->handler != NULL)
    af_oauth_flow_set_uri_handler (data->flow, on_sign_in_uri_cb, g_object_ref (self), g_object_unref);
  af_oauth_flow_run_async (data->flow, g_task_get_cancellable (task), on_sign_in_flow_cb, task);
}

static void
sign_in_discover (GTask *task)
{
  AfAccountManager *self = g_task_get_source_object (task);
  SignInData       *data = g_task_get_task_data (task);
  /* Auth0's issuer is the domain with a final slash (OIDC discovery). */
  g_autofree char *issuer = g_strconcat (data->domain, "/", NULL);

  af_provider_discover_async (issuer, data->client_id, self->session, g_task_get_cancellable (task),
                              on_sign_in_discovered_cb, task);
}

static void
on_sign_in_secret_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask      *task = user_data;
  SignInData *data = g_task_get_task_data (task);
  g_autoptr (AfTokenSet) secret = NULL;
  GError *error = NULL;

  secret = af_vault_lookup_finish (AF_VAULT (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (secret != NULL && secret->access_token != NULL)
    data->secret = g_strdup (secret->access_token);
  sign_in_discover (task);
}

/* The account last signed in to this tenant with this application, if
 * AgentFlow still has its row (e.g. its sign-in expired). */
static char *
dup_previous_account (AfAccountManager *self,
                      const char       *domain,
                      const char       *client_id)
{
  g_autoptr (GPtrArray) list = af_connection_store_list (self->store, NULL, NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      AfConnection *c = list->pdata[i];
      g_autoptr (JsonObject) obj = NULL;

      if (!g_str_equal (c->service, AF_AUTH0_SERVICE) || (obj = af_auth0_parse_metadata (c)) == NULL)
        continue;
      if (g_strcmp0 (af_auth0_member (obj, "domain"), domain) == 0 &&
          g_strcmp0 (af_auth0_member (obj, "client_id"), client_id) == 0)
        return g_strdup (c->account);
    }
  return NULL;
}

/**
 * af_account_manager_connect_auth0_async:
 * @domain: the tenant, e.g. "example.eu.auth0.com" (https is implied) or a
 *   loopback http URL
 * @client_id: the Auth0 application's client ID
 * @client_secret: (nullable): its client secret; Token Vault only serves a
 *   confidential application. Kept in the keyring only; %NULL uses the one
 *   the keyring already has for @client_id (saved in Preferences), if any.
 *
 * Signs in to Auth0 in the browser and keeps the refresh token in the
 * keyring. Finish with af_account_manager_connect_auth0_finish().
 */
void
af_account_manager_connect_auth0_async (AfAccountManager   *self,
                                        const char         *domain,
                                        const char         *client_id,
                                        const char         *client_secret,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data)
{
  GTask      *task;
  SignInData *data;
  GError     *error = NULL;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_account_manager_connect_auth0_async);
  data = g_new0 (SignInData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify)sign_in_data_free);

  data->domain = normalize_domain (domain, &error);
  if (data->domain == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (client_id == NULL || client_id[0] == '\0' || strchr (client_id, ' ') != NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("Enter the Auth0 application's client ID."));
      g_object_unref (task);
      return;
    }
  data->client_id = g_strdup (client_id);
  data->secret = client_secret && client_secret[0] ? g_strstrip (g_strdup (client_secret)) : NULL;
  data->login_hint = dup_previous_account (self, data->domain, data->client_id);

  if (data->secret == NULL)
    {
      /* Saved in Preferences: the keyring has it. */
      af_vault_lookup_async (self->vault, AF_AUTH0_CLIENT_SERVICE, client_id, "", cancellable, on_sign_in_secret_cb, task);
      return;
    }
  sign_in_discover (task);
}

AfConnection *
af_account_manager_connect_auth0_finish (AfAccountManager *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_connect_auth0_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * af_account_manager_dup_auth0_link:
 * @connection: a row of af_account_manager_list_connections()
 *
 * Returns: (transfer full) (nullable): for an account linked through
 *   Auth0, the id Auth0 gave its connected account (as in
 *   af_account_manager_list_auth0_finish()); %NULL for any other row
 */
char *
af_account_manager_dup_auth0_link (AfAccountManager   *self,
                                   const AfConnection *connection)
{
  g_autoptr (JsonObject) obj = NULL;

  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (connection != NULL, NULL);

  obj = af_auth0_parse_metadata (connection);
  if (obj == NULL || g_str_equal (connection->service, AF_AUTH0_SERVICE))
    return NULL;
  return g_strdup (af_auth0_member (obj, "connected_account_id"));
}

/**
 * af_account_manager_dup_connected_account_id:
 *
 * Returns: (transfer full) (nullable): the Auth0 connected account behind
 *   @connection when no other row uses it (so deleting it at Auth0 takes
 *   nothing else away), else %NULL
 */
char *
af_account_manager_dup_connected_account_id (AfAccountManager   *self,
                                             const AfConnection *connection)
{
  g_autoptr (JsonObject) obj = af_auth0_parse_metadata (connection);
  g_autoptr (GPtrArray) list = NULL;
  const char *id;

  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);

  if (obj == NULL || (id = af_auth0_member (obj, "connected_account_id")) == NULL)
    return NULL;
  list = af_connection_store_list (self->store, NULL, NULL);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      AfConnection *c = list->pdata[i];
      g_autoptr (JsonObject) other = NULL;

      if (g_str_equal (c->service, connection->service) && g_str_equal (c->account, connection->account))
        continue;
      other = af_auth0_parse_metadata (c);
      if (other != NULL && g_strcmp0 (af_auth0_member (other, "connected_account_id"), id) == 0)
        return NULL;
    }
  return g_strdup (id);
}

/* Loads the client secret of an Auth0 sign-in into memory, for its
 * revocation. */
static void
on_revoke_secret_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  g_autoptr (AfTokenSet) secret = NULL;
  GError *error = NULL;

  secret = af_vault_lookup_finish (AF_VAULT (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (secret != NULL && secret->access_token != NULL)
    g_hash_table_replace (self->auth0_secrets, g_strdup (g_task_get_task_data (task)), g_strdup (secret->access_token));
  g_task_return_boolean (task, TRUE);
}

void
af_account_manager_load_auth0_secret_async (AfAccountManager   *self,
                                            const AfConnection *connection,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data)
{
  g_autoptr (JsonObject) obj = af_auth0_parse_metadata (connection);
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, af_account_manager_load_auth0_secret_async);
  if (obj == NULL || af_auth0_member (obj, "client_id") == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_strdup (af_auth0_member (obj, "client_id")), g_free);
  af_vault_lookup_async (self->vault, AF_AUTH0_CLIENT_SERVICE, af_auth0_member (obj, "client_id"), "", NULL, on_revoke_secret_cb, task);
}
