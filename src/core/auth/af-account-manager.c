/* af-account-manager.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-account-manager"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "af-account-manager.h"
#include "af-account-manager-private.h"
#include "af-credential.h"
#include "af-error.h"
#include "af-oauth-http.h"
#include "af-token-exchange-source.h"

/* The accounts layer's front door: connect (OAuth or a pasted token),
 * list, disconnect, and hand out token sources to the services layer.
 *
 * Disconnecting is two steps so that the UI never shows as gone a token
 * that still works somewhere: the row turns "revoking" at once (its
 * credential stops handing out tokens in this process), then the token is
 * revoked at the provider (RFC 7009) and only after that are the keyring
 * item and the row removed. A revocation that fails (offline, 5xx) keeps
 * the row "revoking" and is retried with backoff, and on the next start
 * (af_account_manager_retry_revocations_async ()).
 *
 * A connection is shared by every agent, or belongs to one agent (made
 * with af_account_manager_connect_for_agent_async (); its keyring item
 * and row carry the agent id). An agent gets its own credential when it
 * has one and the shared one otherwise. Deleting an agent revokes its own
 * credentials the same two-step way (af_account_manager_forget_agent_async ()).
 *
 * A discovered OpenID Connect provider is remembered in its connection
 * row (issuer, endpoints, client ID: nothing secret), so its tokens keep
 * working after a restart without discovery or configuration. */

G_DEFINE_FINAL_TYPE (AfAccountManager, af_account_manager, G_TYPE_OBJECT)

enum
{
  CONNECTION_CHANGED,
  NEEDS_RECONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
credential_key (const char *service,
                const char *account,
                const char *agent)
{
  return g_strjoin ("\n", service, account, agent ? agent : "", NULL);
}

void
af_account_manager_emit_changed (AfAccountManager *self,
                                 const char       *service,
                                 const char       *account)
{
  g_signal_emit (self, signals[CONNECTION_CHANGED], 0, service, account);
}

static void
on_credential_needs_reconnect_cb (AfCredential     *credential,
                                  const char       *reason,
                                  AfAccountManager *self)
{
  const char *service = af_credential_get_service (credential);
  const char *account = af_credential_get_account (credential);

  g_signal_emit (self, signals[NEEDS_RECONNECT], 0, service, account, reason);
  af_account_manager_emit_changed (self, service, account);
}

/* Helpers over the provider table */

AfProvider *
af_account_manager_lookup_provider (AfAccountManager *self,
                                    const char       *service,
                                    GError          **error)
{
  AfProvider *provider = g_hash_table_lookup (self->providers, service);
  const char *client_id;

  if (provider != NULL)
    return g_object_ref (provider);

  if (g_strcmp0 (service, "oidc") == 0)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                   _ ("No OpenID Connect provider is configured. Set its issuer URL in the AGENTFLOW_OIDC_ISSUER environment variable."));
      return NULL;
    }

  provider = af_provider_new_for_service (service, self->settings, error);
  if (provider == NULL)
    return NULL;

  if (self->base_url != NULL)
    af_provider_set_base_url (provider, self->base_url);
  if ((client_id = g_hash_table_lookup (self->client_ids, service)) != NULL)
    af_provider_set_client_id (provider, client_id);

  g_hash_table_insert (self->providers, g_strdup (service), g_object_ref (provider));
  return provider;
}

/* The provider a stored connection was made with: a discovered one is
 * rebuilt from what its row remembers. */
AfProvider *
af_account_manager_provider_for_connection (AfAccountManager   *self,
                                            const AfConnection *connection,
                                            GError            **error)
{
  if (g_str_equal (connection->service, AF_AUTH0_SERVICE))
    return af_account_manager_auth0_provider (self, connection, error);
  if (connection->provider != NULL && connection->provider[0] != '\0')
    return af_provider_new_from_metadata (connection->service, connection->provider, error);

  return af_account_manager_lookup_provider (self, connection->service, error);
}

static AfCredential *
ensure_credential (AfAccountManager *self,
                   AfProvider       *provider,
                   const char       *account,
                   const char       *agent)
{
  const char      *service = af_provider_get_service (provider);
  g_autofree char *key = credential_key (service, account, agent);
  AfCredential    *credential = g_hash_table_lookup (self->credentials, key);

  if (credential != NULL)
    return g_object_ref (credential);

  credential = af_credential_new (provider, self->session, self->vault, self->store, account, agent);
  af_credential_set_refresh_margin (credential, self->margin);
  g_signal_connect_object (credential, "needs-reconnect", G_CALLBACK (on_credential_needs_reconnect_cb), self, 0);
  g_hash_table_insert (self->credentials, g_steal_pointer (&key), g_object_ref (credential));

  return credential;
}

void
af_account_manager_forget_credential (AfAccountManager *self,
                                      const char       *service,
                                      const char       *account,
                                      const char       *agent)
{
  g_autofree char *key = credential_key (service, account, agent);
  AfCredential    *credential = g_hash_table_lookup (self->credentials, key);

  /* Holders of the old object learn that it is gone; a reconnect hands
   * out a fresh one. */
  if (credential != NULL)
    {
      af_credential_invalidate (credential);
      g_hash_table_remove (self->credentials, key);
    }
}

/* Connect */

typedef struct
{
  AfProvider  *provider;
  AfOAuthFlow *flow;
  AfTokenSet  *tokens;
  char        *account;
  char        *display_name;
  char        *agent; /* "" for a shared connection */
  GStrv        missing;
  char        *warning;
  GError      *error; /* kept while revoking what cannot be kept */
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_clear_object (&data->provider);
  g_clear_object (&data->flow);
  g_clear_pointer (&data->tokens, af_token_set_free);
  g_free (data->account);
  g_free (data->display_name);
  g_free (data->agent);
  g_strfreev (data->missing);
  g_free (data->warning);
  g_clear_error (&data->error);
  g_free (data);
}

static void
on_connect_revoked_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);

  af_oauth_revoke_finish (result);
  g_task_return_error (task, g_steal_pointer (&data->error));
}

/* The provider issued tokens that AgentFlow cannot keep (the keyring
 * refused them, the database too): they must not stay live at the
 * provider with nobody holding them. Revoked first, best effort (RFC
 * 7009), then @error is reported. A pasted bot token is the person's
 * own: it is left alone. */
static void
fail_connect (GTask  *task,
              GError *error)
{
  AfAccountManager *self = g_task_get_source_object (task);
  ConnectData      *data = g_task_get_task_data (task);

  if (data->flow == NULL || data->tokens == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data->error = error;
  af_oauth_revoke_async (data->provider, self->session, data->tokens, on_connect_revoked_cb, task);
}

static void
on_connect_stored_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  ConnectData      *data = g_task_get_task_data (task);
  const char       *service = af_provider_get_service (data->provider);
  g_autoptr (AfConnection) connection = NULL;
  g_autofree char *metadata = NULL;
  GError          *error = NULL;

  if (!af_vault_store_finish (AF_VAULT (object), result, &error))
    {
      fail_connect (g_steal_pointer (&task), error);
      return;
    }

  metadata = af_provider_dup_metadata (data->provider);
  if (!af_connection_store_save_for_agent (self->store, service, data->account, data->agent, data->display_name,
                                           data->tokens->scope ? data->tokens->scope : "", metadata, &error))
    {
      /* No half connection: without its row the secret is an orphan. */
      af_vault_clear_async (self->vault, service, data->account, data->agent, NULL, NULL, NULL);
      fail_connect (g_steal_pointer (&task), error);
      return;
    }

  af_account_manager_forget_credential (self, service, data->account, data->agent);
  connection = af_connection_store_get_for_agent (self->store, service, data->account, data->agent, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error ? error : g_error_new_literal (AF_ERROR, AF_ERROR_DATABASE, "Connection vanished"));
      return;
    }

  if (data->agent[0] != '\0')
    g_message ("Connected %s account %s for agent %s", service, data->account, data->agent);
  else
    g_message ("Connected %s account %s", service, data->account);
  af_account_manager_emit_changed (self, service, data->account);
  g_task_return_pointer (task, g_steal_pointer (&connection), (GDestroyNotify)af_connection_free);
}

static void
store_connection (GTask *task)
{
  AfAccountManager *self = g_task_get_source_object (task);
  ConnectData      *data = g_task_get_task_data (task);
  g_autofree char  *label = NULL;

  if (data->agent[0] != '\0')
    label = g_strdup_printf ("AgentFlow: %s (%s, agent %s)", af_provider_get_display_name (data->provider),
                             data->account, data->agent);
  else
    label = g_strdup_printf ("AgentFlow: %s (%s)", af_provider_get_display_name (data->provider), data->account);
  af_vault_store_async (self->vault, af_provider_get_service (data->provider), data->account, data->agent, label,
                        data->tokens, g_task_get_cancellable (task), on_connect_stored_cb, task);
}

static void
on_flow_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask       *task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  AfOAuthFlow *flow = AF_OAUTH_FLOW (object);
  GError      *error = NULL;

  if (!af_oauth_flow_run_finish (flow, result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  data->tokens = af_token_set_copy (af_oauth_flow_get_tokens (flow));
  data->account = g_strdup (af_oauth_flow_get_account (flow));
  data->display_name = g_strdup (af_oauth_flow_get_display_name (flow));
  data->missing = g_strdupv ((GStrv)af_oauth_flow_get_missing_capabilities (flow));
  if (!af_oauth_flow_has_refresh_token (flow) && data->tokens->expires_at != 0)
    {
      /* To the nearest minute: a 300 s token is "about 5 minutes". */
      gint64 minutes = MAX (1, (data->tokens->expires_at - g_get_real_time () + 30 * G_USEC_PER_SEC) / (60 * G_USEC_PER_SEC));

      /* What a person wants here: the account works now, and they learn
       * today, not at the first failure, that it will stop and when.
       * The connection is kept; at expiry it turns "needs reconnect"
       * with the same explanation (AfCredential). */
      g_message ("%s gave no refresh token for %s", af_provider_get_display_name (data->provider), data->account);
      data->warning = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%s did not give AgentFlow lasting access: this connection stops working when the sign-in expires, in about %d minute. You will then have to connect the account again.",
                                                    "%s did not give AgentFlow lasting access: this connection stops working when the sign-in expires, in about %d minutes. You will then have to connect the account again.",
                                                    (gulong)minutes),
                                       af_provider_get_display_name (data->provider), (int)minutes);
    }
  store_connection (task);
}

static void
on_flow_uri_cb (const char *uri,
                gpointer    user_data)
{
  AfAccountManager *self = user_data;

  self->handler (uri, self->handler_data);
}

static void
start_flow (GTask *task)
{
  AfAccountManager *self = g_task_get_source_object (task);
  ConnectData      *data = g_task_get_task_data (task);

  data->flow = af_oauth_flow_new (data->provider, self->session);
  af_oauth_flow_set_timeout (data->flow, self->timeout);
  if (self->handler != NULL)
    af_oauth_flow_set_uri_handler (data->flow, on_flow_uri_cb, g_object_ref (self), g_object_unref);
  af_oauth_flow_run_async (data->flow, g_task_get_cancellable (task), on_flow_done_cb, task);
}

static void
on_discovered_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  ConnectData      *data = g_task_get_task_data (task);
  GError           *error = NULL;

  data->provider = af_provider_discover_finish (result, &error);
  if (data->provider == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_hash_table_replace (self->providers, g_strdup ("oidc"), g_object_ref (data->provider));
  start_flow (task);
}

/**
 * af_account_manager_connect_async:
 * @service: "gmail", "calendar", "slack" or "oidc"
 *
 * Runs the OAuth sign-in in the browser (or whatever the URI handler
 * does) and stores the result as a shared connection: tokens in the
 * keyring, metadata in the database. Cancelling, or the timeout, ends the
 * attempt. Finish with af_account_manager_connect_finish().
 */
void
af_account_manager_connect_async (AfAccountManager   *self,
                                  const char         *service,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  af_account_manager_connect_for_agent_async (self, service, NULL, cancellable, callback, user_data);
}

/**
 * af_account_manager_connect_for_agent_async:
 * @service: "gmail", "calendar", "slack" or "oidc"
 * @agent_id: (nullable): the agent the connection is for; %NULL or ""
 *   connects a shared one, like af_account_manager_connect_async()
 *
 * Like af_account_manager_connect_async(), but the credential belongs to
 * @agent_id alone: its keyring item carries the agent id, its row says
 * which agent it is for, and af_account_manager_get_token_source() hands
 * it to that agent instead of the shared one. Deleting the agent revokes
 * it (af_account_manager_forget_agent_async()). Finish with
 * af_account_manager_connect_finish().
 */
void
af_account_manager_connect_for_agent_async (AfAccountManager   *self,
                                            const char         *service,
                                            const char         *agent_id,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data)
{
  GTask       *task;
  ConnectData *data;
  GError      *error = NULL;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (service != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_account_manager_connect_async);
  data = g_new0 (ConnectData, 1);
  data->agent = g_strdup (agent_id ? agent_id : "");
  g_task_set_task_data (task, data, (GDestroyNotify)connect_data_free);

  if (g_str_equal (service, "oidc") && !g_hash_table_contains (self->providers, "oidc") && self->oidc_issuer != NULL)
    {
      af_provider_discover_async (self->oidc_issuer, g_hash_table_lookup (self->client_ids, "oidc"), self->session,
                                  cancellable, on_discovered_cb, task);
      return;
    }

  data->provider = af_account_manager_lookup_provider (self, service, &error);
  if (data->provider == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  start_flow (task);
}

/**
 * af_account_manager_connect_finish:
 * @missing_capabilities: (out) (optional) (transfer full): capabilities
 *   the person did not grant, e.g. "gmail.send"
 *
 * Returns: (transfer full): the new connection, or %NULL with an #AF_ERROR
 */
AfConnection *
af_account_manager_connect_finish (AfAccountManager *self,
                                   GAsyncResult     *result,
                                   GStrv            *missing_capabilities,
                                   GError          **error)
{
  AfConnection *connection;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_connect_async), NULL);

  connection = g_task_propagate_pointer (G_TASK (result), error);
  if (connection != NULL && missing_capabilities != NULL)
    {
      ConnectData *data = g_task_get_task_data (G_TASK (result));

      *missing_capabilities = data->missing ? g_strdupv (data->missing) : g_new0 (char *, 1);
    }

  return connection;
}

/**
 * af_account_manager_connect_dup_warning:
 * @result: the result of a connect call
 *
 * Something the person should know about a connection that did succeed,
 * e.g. that the provider gave no refresh token, so that it ends when the
 * sign-in expires.
 *
 * Returns: (transfer full) (nullable): a sentence, or %NULL
 */
char *
af_account_manager_connect_dup_warning (AfAccountManager *self,
                                        GAsyncResult     *result)
{
  ConnectData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  return g_strdup (data->warning);
}

static void
on_token_identity_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask       *task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  GError      *error = NULL;

  if (!af_oauth_fetch_identity_finish (result, &data->account, &data->display_name, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  store_connection (task);
}

/**
 * af_account_manager_connect_token_async:
 * @service: "slack"
 * @token: a bot token the person pasted
 *
 * Validates @token with the provider (Slack: auth.test) and stores it as
 * a connection that cannot be refreshed.
 */
void
af_account_manager_connect_token_async (AfAccountManager   *self,
                                        const char         *service,
                                        const char         *token,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data)
{
  GTask           *task;
  ConnectData     *data;
  GError          *error = NULL;
  g_autofree char *trimmed = NULL;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (service != NULL && token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_account_manager_connect_token_async);
  data = g_new0 (ConnectData, 1);
  data->agent = g_strdup ("");
  g_task_set_task_data (task, data, (GDestroyNotify)connect_data_free);

  trimmed = g_strstrip (g_strdup (token));
  if (trimmed[0] == '\0' || strchr (trimmed, ' ') != NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("That does not look like a token."));
      g_object_unref (task);
      return;
    }

  data->provider = af_account_manager_lookup_provider (self, service, &error);
  if (data->provider == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  data->tokens = af_token_set_new ();
  data->tokens->access_token = g_strdup (trimmed);
  data->tokens->token_type = g_strdup ("Bearer");
  explicit_bzero (trimmed, strlen (trimmed));
  af_oauth_fetch_identity_async (data->provider, self->session, data->tokens->access_token, cancellable,
                                 on_token_identity_cb, task);
}

AfConnection *
af_account_manager_connect_token_finish (AfAccountManager *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_connect_token_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
af_account_manager_dispose (GObject *object)
{
  AfAccountManager *self = (AfAccountManager *)object;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->handler_destroy != NULL)
    g_clear_pointer (&self->handler_data, self->handler_destroy);
  self->handler = NULL;
  g_clear_pointer (&self->credentials, g_hash_table_unref);
  g_clear_pointer (&self->exchanges, g_hash_table_unref);

  G_OBJECT_CLASS (af_account_manager_parent_class)->dispose (object);
}

static void
af_account_manager_finalize (GObject *object)
{
  AfAccountManager *self = (AfAccountManager *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->vault);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->providers, g_hash_table_unref);
  g_clear_pointer (&self->client_ids, g_hash_table_unref);
  g_clear_pointer (&self->auth0_secrets, g_hash_table_unref);
  g_free (self->base_url);
  g_free (self->oidc_issuer);

  G_OBJECT_CLASS (af_account_manager_parent_class)->finalize (object);
}

static void
af_account_manager_class_init (AfAccountManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_account_manager_dispose;
  object_class->finalize = af_account_manager_finalize;

  /**
   * AfAccountManager::connection-changed:
   * @service: the service
   * @account: the account
   *
   * A connection was added, changed state or was removed.
   */
  signals[CONNECTION_CHANGED] = g_signal_new ("connection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                              NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * AfAccountManager::needs-reconnect:
   * @service: the service
   * @account: the account
   * @reason: a sentence for the person
   *
   * The provider refused the connection's credential for good; agents
   * that use it should pause until the person reconnects.
   */
  signals[NEEDS_RECONNECT] = g_signal_new ("needs-reconnect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
af_account_manager_init (AfAccountManager *self)
{
  self->providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->credentials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->client_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->exchanges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->auth0_secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->vault = af_vault_new ();
  self->timeout = 5 * 60;
  self->margin = 5 * 60;
}

/**
 * af_account_manager_new:
 * @settings: (nullable): the app's GSettings, for the client-ID keys;
 *   %NULL uses only the environment and the build options
 * @session: the HTTP session for sign-in, token and revocation calls: the
 *   app's one session, shared with its service clients
 */
AfAccountManager *
af_account_manager_new (AfDatabase  *database,
                        GSettings   *settings,
                        SoupSession *session)
{
  AfAccountManager *self;
  const char       *issuer;

  g_return_val_if_fail (AF_IS_DATABASE (database), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  self = g_object_new (AF_TYPE_ACCOUNT_MANAGER, NULL);
  self->session = g_object_ref (session);
  self->store = af_connection_store_new (database);
  self->settings = settings ? g_object_ref (settings) : NULL;
  if ((issuer = g_getenv ("AGENTFLOW_OIDC_ISSUER")) != NULL && issuer[0] != '\0')
    self->oidc_issuer = g_strdup (issuer);
  else if (settings != NULL)
    {
      /* Preferences › Advanced. */
      g_autofree char *configured = g_settings_get_string (settings, "oidc-issuer");
      g_autofree char *client_id = g_settings_get_string (settings, "oidc-client-id");

      g_strstrip (configured);
      g_strstrip (client_id);
      if (configured[0] != '\0')
        self->oidc_issuer = g_steal_pointer (&configured);
      if (client_id[0] != '\0' && g_getenv ("AGENTFLOW_OIDC_CLIENT_ID") == NULL)
        g_hash_table_replace (self->client_ids, g_strdup ("oidc"), g_steal_pointer (&client_id));
    }

  return self;
}

/**
 * af_account_manager_get_session:
 *
 * Returns: (transfer none): the session used for OAuth calls
 */
SoupSession *
af_account_manager_get_session (AfAccountManager *self)
{
  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);
  return self->session;
}

AfConnectionStore *
af_account_manager_get_store (AfAccountManager *self)
{
  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);
  return self->store;
}

/**
 * af_account_manager_set_base_url:
 * @base_url: e.g. the sandbox's base URL
 *
 * Sends every provider's endpoints to @base_url (same paths). Used by
 * `--sandbox` and tests.
 */
void
af_account_manager_set_base_url (AfAccountManager *self,
                                 const char       *base_url)
{
  GHashTableIter iter;
  gpointer       value;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_free (self->oidc_issuer);
  self->oidc_issuer = g_strdup (base_url);
  /* The sandbox's issuer is its origin, written without a final slash;
   * discovery compares issuers exactly. */
  if (self->oidc_issuer != NULL && g_str_has_suffix (self->oidc_issuer, "/"))
    self->oidc_issuer[strlen (self->oidc_issuer) - 1] = '\0';

  g_hash_table_iter_init (&iter, self->providers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    af_provider_set_base_url (value, base_url);
}

/**
 * af_account_manager_set_client_id:
 *
 * Overrides the client ID of @service ("gmail", "calendar", "slack",
 * "oidc") above every other source.
 */
void
af_account_manager_set_client_id (AfAccountManager *self,
                                  const char       *service,
                                  const char       *client_id)
{
  AfProvider *provider;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (service != NULL && client_id != NULL);

  g_hash_table_replace (self->client_ids, g_strdup (service), g_strdup (client_id));
  if ((provider = g_hash_table_lookup (self->providers, service)) != NULL)
    af_provider_set_client_id (provider, client_id);
}

/**
 * af_account_manager_get_oidc_issuer:
 *
 * Returns: (nullable): the OpenID Connect issuer accounts can be
 *   connected with, or %NULL when none is configured
 */
const char *
af_account_manager_get_oidc_issuer (AfAccountManager *self)
{
  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);

  return self->oidc_issuer;
}

void
af_account_manager_set_oidc_issuer (AfAccountManager *self,
                                    const char       *issuer)
{
  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));

  g_free (self->oidc_issuer);
  self->oidc_issuer = g_strdup (issuer);
  g_hash_table_remove (self->providers, "oidc");
}

/**
 * af_account_manager_add_provider:
 *
 * Uses @provider for its service, replacing the built-in one.
 */
void
af_account_manager_add_provider (AfAccountManager *self,
                                 AfProvider       *provider)
{
  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (AF_IS_PROVIDER (provider));

  g_hash_table_replace (self->providers, g_strdup (af_provider_get_service (provider)), g_object_ref (provider));
}

/**
 * af_account_manager_get_provider:
 *
 * Returns: (transfer full): the provider of @service
 */
AfProvider *
af_account_manager_get_provider (AfAccountManager *self,
                                 const char       *service,
                                 GError          **error)
{
  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (service != NULL, NULL);

  return af_account_manager_lookup_provider (self, service, error);
}

/**
 * af_account_manager_set_uri_handler:
 * @handler: (nullable): shows the authorization URL; %NULL opens the
 *   default browser
 */
void
af_account_manager_set_uri_handler (AfAccountManager *self,
                                    AfUriHandler      handler,
                                    gpointer          user_data,
                                    GDestroyNotify    destroy)
{
  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));

  if (self->handler_destroy != NULL)
    g_clear_pointer (&self->handler_data, self->handler_destroy);
  self->handler = handler;
  self->handler_data = user_data;
  self->handler_destroy = destroy;
}

/**
 * af_account_manager_set_timeout:
 * @seconds: how long a sign-in may wait for the browser (default 300)
 */
void
af_account_manager_set_timeout (AfAccountManager *self,
                                guint             seconds)
{
  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
}

/**
 * af_account_manager_set_refresh_margin:
 * @seconds: refresh access tokens this long before they expire (300)
 */
void
af_account_manager_set_refresh_margin (AfAccountManager *self,
                                       guint             seconds)
{
  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  self->margin = seconds;
}

/**
 * af_account_manager_list_connections:
 *
 * Returns: (transfer container) (element-type AfConnection): every
 *   shared connection, "revoking" ones included (show them as
 *   disconnecting); agent-specific ones are in
 *   af_account_manager_list_agent_connections()
 */
GPtrArray *
af_account_manager_list_connections (AfAccountManager *self,
                                     GError          **error)
{
  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);
  return af_connection_store_list (self->store, NULL, error);
}

/**
 * af_account_manager_list_agent_connections:
 * @agent_id: (nullable): an agent id for that agent's own connections,
 *   %NULL for every agent-specific connection
 *
 * Returns: (transfer container) (element-type AfConnection): the
 *   agent-specific connections ("revoking" ones included), by service,
 *   account and agent; `agent` says whose each one is
 */
GPtrArray *
af_account_manager_list_agent_connections (AfAccountManager *self,
                                           const char       *agent_id,
                                           GError          **error)
{
  g_autoptr (GPtrArray) list = NULL;

  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);

  if (agent_id != NULL && agent_id[0] != '\0')
    return af_connection_store_list_for_agent (self->store, agent_id, NULL, error);

  if ((list = af_connection_store_list_for_agent (self->store, NULL, NULL, error)) == NULL)
    return NULL;
  for (guint i = list->len; i > 0; i--)
    if (((AfConnection *)list->pdata[i - 1])->agent[0] == '\0')
      g_ptr_array_remove_index (list, i - 1);

  return g_steal_pointer (&list);
}

/**
 * af_account_manager_get_token_source:
 * @agent: (nullable): the agent asking; it gets its own credential for
 *   @service and @account when it has one, else the shared one
 *
 * The services layer's only way to bearer tokens: refresh before expiry
 * and on a 401 (force_refresh), single-flight per credential.
 *
 * Returns: (transfer full): the token source, or %NULL with
 *   %AF_ERROR_NOT_FOUND / %AF_ERROR_NEEDS_RECONNECT
 */
AfTokenSource *
af_account_manager_get_token_source (AfAccountManager *self,
                                     const char       *service,
                                     const char       *account,
                                     const char       *agent,
                                     GError          **error)
{
  g_autoptr (AfConnection) connection = NULL;
  g_autoptr (AfProvider) provider = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (service != NULL && account != NULL, NULL);

  if (agent != NULL && agent[0] != '\0')
    {
      connection = af_connection_store_get_for_agent (self->store, service, account, agent, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }
  /* No credential of its own: the agent uses the shared one. */
  if (connection == NULL)
    {
      agent = NULL;
      connection = af_connection_store_get (self->store, service, account, &local_error);
    }
  if (connection == NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new (AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No %s account “%s” is connected."), service, account);
      g_propagate_error (error, local_error);
      return NULL;
    }

  if (g_str_equal (connection->status, AF_CONNECTION_REVOKING))
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("%s is disconnected."), account);
      return NULL;
    }
  /* Linked through Auth0: the same interface, tokens from Token Vault.
   * Its "needs reconnect" is Token Vault's last answer, and what fixes it
   * happens at Auth0 (rotation turned off, Google linked again), so each
   * run asks Token Vault again. */
  if (af_account_manager_is_brokered (connection))
    return af_account_manager_brokered_token_source (self, connection, error);

  if (g_str_equal (connection->status, AF_CONNECTION_NEEDS_RECONNECT))
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT, _ ("%s needs to be connected again."), account);
      return NULL;
    }

  provider = af_account_manager_provider_for_connection (self, connection, error);
  if (provider == NULL)
    return NULL;

  return AF_TOKEN_SOURCE (ensure_credential (self, provider, account, agent));
}
