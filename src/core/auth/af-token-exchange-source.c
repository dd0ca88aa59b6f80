/* af-token-exchange-source.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-token-exchange-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "af-error.h"
#include "af-oauth-http.h"
#include "af-token-exchange-source.h"

/* Google and Slack access tokens from Auth0 Token Vault.
 *
 * The person signed in to their Auth0 tenant once and linked Google or
 * Slack there (Connected Accounts); the tenant keeps the provider's
 * tokens. Whenever an agent needs one, the Auth0 refresh token (from the
 * keyring) is exchanged at /oauth/token for a short-lived access token of
 * the connection, which lives in memory only until it expires: nothing of
 * Google's or Slack's is ever written down here.
 *
 * The exchange, its parameters and its errors:
 * https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault/refresh-token-exchange-with-token-vault
 * https://auth0.com/docs/api/authentication/token-vault-token-exchange/get-token
 * The grant is only open to a confidential application, which authenticates
 * with its client secret (configure-token-vault):
 * https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault/configure-token-vault
 *
 * Same policy as AfCredential: a token is reused until the last tenth of
 * its lifetime, one exchange at a time (callers wait for it), and a 401
 * from the API (force_refresh) asks for a new one. */

#define GRANT_TOKEN_VAULT    "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"
#define TOKEN_TYPE_REFRESH   "urn:ietf:params:oauth:token-type:refresh_token"
#define TOKEN_TYPE_FEDERATED "http://auth0.com/oauth/token-type/federated-connection-access-token"
#define ERROR_NOT_LINKED     "federated_connection_refresh_token_not_found"
#define MIN_LIFETIME_SECONDS 10

struct _AfTokenExchangeSource
{
  GObject parent_instance;

  SoupSession       *session;
  AfVault           *vault;
  AfConnectionStore *store;
  char              *domain;
  char              *client_id;
  char              *auth0_account;
  char              *service;
  char              *account;
  char              *connection;
  char              *login_hint;

  char    *token; /* memory only */
  gint64   expires_at;
  gint64   issued_at;
  GQueue   waiters;
  gboolean in_flight;
  char    *invalid; /* why it no longer hands out tokens */

  /* of the exchange in flight */
  AfTokenSet  *subject;
  AfTokenSet  *secret;
  SoupMessage *msg; /* af_oauth_http_request_async () keeps it to itself; its Retry-After is read here */
};

static void token_source_iface_init (AfTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfTokenExchangeSource, af_token_exchange_source, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_TOKEN_SOURCE, token_source_iface_init))

enum
{
  NEEDS_RECONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_token (AfTokenExchangeSource *self)
{
  if (self->token != NULL)
    explicit_bzero (self->token, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  self->expires_at = 0;
}

/* What the person calls the connection. */
static const char *
provider_name (AfTokenExchangeSource *self)
{
  if (strstr (self->connection, "slack") != NULL)
    return "Slack";
  if (strstr (self->connection, "google") != NULL)
    return "Google";
  return self->connection;
}

static void
record_status (AfTokenExchangeSource *self,
               const char            *service,
               const char            *account,
               const char            *reason)
{
  g_autoptr (GError) error = NULL;

  if (self->store != NULL &&
      !af_connection_store_set_status_for_agent (self->store, service, account, "", AF_CONNECTION_NEEDS_RECONNECT, reason,
                                                 &error))
    g_warning ("Could not record that %s needs attention: %s", account, error->message);
}

static void
fail_all (AfTokenExchangeSource *self,
          const GError          *error)
{
  GTask *task;

  self->in_flight = FALSE;
  g_clear_pointer (&self->subject, af_token_set_free);
  g_clear_pointer (&self->secret, af_token_set_free);
  while ((task = g_queue_pop_head (&self->waiters)))
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
}

/* The agent cannot go on until the person acts: the row says why, and
 * the agents using it turn "needs attention" with that sentence. */
static void
fail_needs_reconnect (AfTokenExchangeSource *self,
                      gboolean               auth0_too,
                      char                  *reason)
{
  g_autoptr (GError) error = g_error_new_literal (AF_ERROR, AF_ERROR_NEEDS_RECONNECT, reason);

  clear_token (self);
  record_status (self, self->service, self->account, reason);
  if (auth0_too)
    record_status (self, AF_AUTH0_SERVICE, self->auth0_account, reason);
  g_signal_emit (self, signals[NEEDS_RECONNECT], 0, reason);
  fail_all (self, error);
  g_free (reason);
}

/* A granted scope narrower (or wider) than the row says is written to the
 * row, so that the permission gate and `agentflow accounts` see what the
 * token can really do. */
static void
record_scope (AfTokenExchangeSource *self,
              const char            *scope)
{
  g_autoptr (AfConnection) row = NULL;
  g_autoptr (GError) error = NULL;

  if (self->store == NULL)
    return;
  if (scope == NULL)
    scope = "";
  row = af_connection_store_get_for_agent (self->store, self->service, self->account, "", NULL);
  if (row == NULL)
    return;
  /* Token Vault works again (rotation turned off, Google linked again):
   * the row says so, and the agents may go on. */
  if (g_strcmp0 (row->scopes, scope) == 0)
    {
      if (g_str_equal (row->status, AF_CONNECTION_NEEDS_RECONNECT) &&
          !af_connection_store_set_status_for_agent (self->store, self->service, self->account, "", AF_CONNECTION_CONNECTED,
                                                     NULL, &error))
        g_warning ("Could not record that %s works again: %s", self->account, error->message);
      return;
    }
  if (!af_connection_store_save_for_agent (self->store, self->service, self->account, "", row->display_name, scope,
                                           row->provider, &error))
    g_warning ("Could not record the scopes of %s: %s", self->account, error->message);
  else
    g_message ("Token Vault granted %s for %s: %s", provider_name (self), self->account, scope);
}

static void
on_exchanged_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (AfTokenExchangeSource) self = user_data;
  g_autoptr (SoupMessage) msg = g_steal_pointer (&self->msg);
  g_autoptr (JsonObject) obj = NULL;
  g_autoptr (GError) error = NULL;
  const char *code, *description, *token;
  gint64      expires_in;
  guint       status = 0;
  GTask      *task;

  obj = af_oauth_http_request_finish (result, &status, &error);
  if (obj == NULL)
    {
      if (g_error_matches (error, AF_ERROR, AF_ERROR_RATE_LIMITED))
        {
          const char *retry = msg ? soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After") : NULL;
          g_autoptr (GError) limited = NULL;

          /* Auth0's rate limits answer 429 with Retry-After (rate-limit-policy). */
          if (retry != NULL && g_ascii_strtoull (retry, NULL, 10) > 0)
            limited = g_error_new (AF_ERROR, AF_ERROR_RATE_LIMITED,
                                   _ ("Auth0 is rate limiting AgentFlow; it tries again in %u seconds."),
                                   (guint)g_ascii_strtoull (retry, NULL, 10));
          else
            limited = g_error_new_literal (AF_ERROR, AF_ERROR_RATE_LIMITED,
                                           _ ("Auth0 is rate limiting AgentFlow; it tries again in a few minutes."));
          fail_all (self, limited);
          return;
        }
      fail_all (self, error);
      return;
    }

  code = json_object_get_string_member_with_default (obj, "error", NULL);
  description = json_object_get_string_member_with_default (obj, "error_description", "");
  if (status != 200 || code != NULL)
    {
      g_message ("Token Vault refused %s for %s: HTTP %u %s", self->connection, self->account, status,
                 code ? code : "(no error code)");
      if (g_strcmp0 (code, ERROR_NOT_LINKED) == 0)
        fail_needs_reconnect (self, FALSE,
                              g_strdup_printf (_ ("Connect %s through Auth0: your Auth0 account has no %s account linked for %s."),
                                               provider_name (self), provider_name (self), self->account));
      else if (g_strcmp0 (code, "invalid_grant") == 0)
        fail_needs_reconnect (self, TRUE,
                              g_strdup (_ ("Sign in to Auth0 again: your Auth0 sign-in expired or was revoked.")));
      else if (g_strcmp0 (code, "unauthorized_client") == 0 && strstr (description, "otation") != NULL)
        fail_needs_reconnect (self, FALSE,
                              g_strdup (_ ("Auth0 refuses Token Vault while refresh token rotation is on. Turn off “Allow Refresh Token Rotation” in the Auth0 Dashboard (Applications → your application → Settings → Refresh Token Rotation), then run the agent again.")));
      else if (g_strcmp0 (code, "unauthorized_client") == 0)
        fail_needs_reconnect (self, FALSE,
                              g_strdup (_ ("The Auth0 application may not use Token Vault. In the Auth0 Dashboard, make it a Regular Web Application with a client secret and enable the Token Vault grant (Settings → Advanced Settings → Grant Types).")));
      else if (g_strcmp0 (code, "invalid_client") == 0)
        fail_needs_reconnect (self, FALSE,
                              g_strdup (_ ("Auth0 refused the application's client secret. Enter it again in Preferences → Accounts → Auth0.")));
      else
        {
          g_autoptr (GError) other = g_error_new (AF_ERROR, status >= 400 && status < 500 ? AF_ERROR_AUTH_FAILED : AF_ERROR_BAD_RESPONSE,
                                                  _ ("Auth0 Token Vault refused the %s token: %s"), provider_name (self),
                                                  description[0] ? description : (code ? code : "?"));

          fail_all (self, other);
        }
      return;
    }

  token = json_object_get_string_member_with_default (obj, "access_token", NULL);
  expires_in = json_object_get_int_member_with_default (obj, "expires_in", 0);
  if (token == NULL || token[0] == '\0')
    {
      g_autoptr (GError) bad = g_error_new_literal (AF_ERROR, AF_ERROR_BAD_RESPONSE,
                                                    _ ("Auth0 Token Vault answered without an access token."));
      fail_all (self, bad);
      return;
    }

  clear_token (self);
  self->token = g_strdup (token);
  self->issued_at = g_get_real_time ();
  /* RFC 6749 §5.1 makes expires_in optional; without it the token is
   * used until the API refuses it. */
  self->expires_at = expires_in > 0 ? self->issued_at + expires_in * G_USEC_PER_SEC : 0;
  record_scope (self, json_object_get_string_member_with_default (obj, "scope", NULL));

  self->in_flight = FALSE;
  g_clear_pointer (&self->subject, af_token_set_free);
  g_clear_pointer (&self->secret, af_token_set_free);
  while ((task = g_queue_pop_head (&self->waiters)))
    {
      g_task_return_pointer (task, g_strdup (self->token), g_free);
      g_object_unref (task);
    }
}

static void
send_exchange (AfTokenExchangeSource *self)
{
  g_autoptr (GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *url = g_strconcat (self->domain, "/oauth/token", NULL);
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GTask) probe = NULL;

  g_hash_table_insert (form, (char *)"grant_type", (char *)GRANT_TOKEN_VAULT);
  g_hash_table_insert (form, (char *)"client_id", self->client_id);
  if (self->secret != NULL && self->secret->access_token != NULL)
    g_hash_table_insert (form, (char *)"client_secret", self->secret->access_token);
  g_hash_table_insert (form, (char *)"subject_token", self->subject->refresh_token);
  g_hash_table_insert (form, (char *)"subject_token_type", (char *)TOKEN_TYPE_REFRESH);
  g_hash_table_insert (form, (char *)"requested_token_type", (char *)TOKEN_TYPE_FEDERATED);
  g_hash_table_insert (form, (char *)"connection", self->connection);
  if (self->login_hint != NULL && self->login_hint[0] != '\0')
    g_hash_table_insert (form, (char *)"login_hint", self->login_hint);

  msg = af_oauth_http_new_form_post (url, form);
  if (msg == NULL)
    {
      g_autoptr (GError) error = g_error_new (AF_ERROR, AF_ERROR_NOT_CONFIGURED, _ ("“%s” is not a valid Auth0 domain."),
                                              self->domain);
      fail_all (self, error);
      return;
    }
  g_set_object (&self->msg, msg);
  af_oauth_http_request_async (self->session, msg, "Auth0", NULL, on_exchanged_cb, g_object_ref (self));
}

static void
on_secret_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AfTokenExchangeSource) self = user_data;
  g_autoptr (GError) error = NULL;

  self->secret = af_vault_lookup_finish (AF_VAULT (object), result, &error);
  if (error != NULL)
    {
      fail_all (self, error);
      return;
    }
  send_exchange (self);
}

static void
on_subject_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (AfTokenExchangeSource) self = user_data;
  g_autoptr (GError) error = NULL;

  self->subject = af_vault_lookup_finish (AF_VAULT (object), result, &error);
  if (error != NULL)
    {
      fail_all (self, error);
      return;
    }
  if (self->subject == NULL || self->subject->refresh_token == NULL)
    {
      fail_needs_reconnect (self, TRUE, g_strdup (_ ("Sign in to Auth0 again: AgentFlow no longer holds your Auth0 sign-in.")));
      return;
    }
  af_vault_lookup_async (self->vault, AF_AUTH0_CLIENT_SERVICE, self->client_id, "", NULL, on_secret_cb, g_object_ref (self));
}

static gboolean
token_fresh (AfTokenExchangeSource *self)
{
  gint64 now = g_get_real_time ();
  gint64 lifetime;

  if (self->token == NULL)
    return FALSE;
  if (self->expires_at == 0)
    return TRUE;
  /* Renewed in the last tenth of its lifetime, never closer to expiry
   * than a few seconds. */
  lifetime = self->expires_at - self->issued_at;
  return now < self->expires_at - MAX (lifetime / 10, MIN_LIFETIME_SECONDS * G_USEC_PER_SEC / 2);
}

static void
af_token_exchange_source_get_token_async (AfTokenSource      *source,
                                          gboolean            force_refresh,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data)
{
  AfTokenExchangeSource *self = AF_TOKEN_EXCHANGE_SOURCE (source);
  GTask                 *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, af_token_exchange_source_get_token_async);

  if (self->invalid != NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NEEDS_RECONNECT, "%s", self->invalid);
      g_object_unref (task);
      return;
    }
  /* A 401 while an exchange is under way waits for that one. */
  if (!self->in_flight && !force_refresh && token_fresh (self))
    {
      g_task_return_pointer (task, g_strdup (self->token), g_free);
      g_object_unref (task);
      return;
    }
  if (force_refresh && !self->in_flight)
    clear_token (self);

  g_queue_push_tail (&self->waiters, task);
  if (self->in_flight)
    return;
  self->in_flight = TRUE;
  g_debug ("Asking Token Vault for a %s token of %s (%s)", self->connection, self->account,
           force_refresh ? "refused by the API" : self->token ? "about to expire"
                                                              : "none in memory");
  af_vault_lookup_async (self->vault, AF_AUTH0_SERVICE, self->auth0_account, "", NULL, on_subject_cb, g_object_ref (self));
}

static char *
af_token_exchange_source_get_token_finish (AfTokenSource *source,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_token_exchange_source_get_token_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
token_source_iface_init (AfTokenSourceInterface *iface)
{
  iface->get_token_async = af_token_exchange_source_get_token_async;
  iface->get_token_finish = af_token_exchange_source_get_token_finish;
}

static void
af_token_exchange_source_finalize (GObject *object)
{
  AfTokenExchangeSource *self = (AfTokenExchangeSource *)object;

  clear_token (self);
  g_clear_object (&self->msg);
  g_clear_object (&self->session);
  g_clear_object (&self->vault);
  g_clear_object (&self->store);
  g_free (self->domain);
  g_free (self->client_id);
  g_free (self->auth0_account);
  g_free (self->service);
  g_free (self->account);
  g_free (self->connection);
  g_free (self->login_hint);
  g_free (self->invalid);

  G_OBJECT_CLASS (af_token_exchange_source_parent_class)->finalize (object);
}

static void
af_token_exchange_source_class_init (AfTokenExchangeSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_token_exchange_source_finalize;

  /**
   * AfTokenExchangeSource::needs-reconnect:
   * @reason: a sentence for the person
   *
   * Token Vault refused the exchange for a reason only the person can fix.
   */
  signals[NEEDS_RECONNECT] = g_signal_new ("needs-reconnect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
af_token_exchange_source_init (AfTokenExchangeSource *self)
{
  g_queue_init (&self->waiters);
}

/**
 * af_token_exchange_source_new:
 * @domain: the tenant's URL, e.g. "https://example.eu.auth0.com"
 * @client_id: the Auth0 application the person signed in with
 * @auth0_account: the Auth0 user, the account of the keyring item that
 *   holds the refresh token
 * @service: "gmail", "calendar" or "slack", the row scopes are recorded on
 * @account: that row's account
 * @connection: the Auth0 connection, e.g. "google-oauth2"
 * @login_hint: (nullable): the provider's user ID, when several accounts
 *   of @connection are linked
 */
AfTokenExchangeSource *
af_token_exchange_source_new (SoupSession       *session,
                              AfVault           *vault,
                              AfConnectionStore *store,
                              const char        *domain,
                              const char        *client_id,
                              const char        *auth0_account,
                              const char        *service,
                              const char        *account,
                              const char        *connection,
                              const char        *login_hint)
{
  AfTokenExchangeSource *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (AF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (store == NULL || AF_IS_CONNECTION_STORE (store), NULL);
  g_return_val_if_fail (domain != NULL && client_id != NULL && auth0_account != NULL, NULL);
  g_return_val_if_fail (service != NULL && account != NULL && connection != NULL, NULL);

  self = g_object_new (AF_TYPE_TOKEN_EXCHANGE_SOURCE, NULL);
  self->session = g_object_ref (session);
  self->vault = g_object_ref (vault);
  self->store = store ? g_object_ref (store) : NULL;
  self->domain = g_strdup (domain);
  if (g_str_has_suffix (self->domain, "/"))
    self->domain[strlen (self->domain) - 1] = '\0';
  self->client_id = g_strdup (client_id);
  self->auth0_account = g_strdup (auth0_account);
  self->service = g_strdup (service);
  self->account = g_strdup (account);
  self->connection = g_strdup (connection);
  self->login_hint = g_strdup (login_hint);

  return self;
}

/**
 * af_token_exchange_source_invalidate:
 * @reason: why, for the person
 *
 * The Auth0 sign-in is gone (disconnected, revoked): drops the token in
 * memory and refuses every later request with %AF_ERROR_NEEDS_RECONNECT.
 */
void
af_token_exchange_source_invalidate (AfTokenExchangeSource *self,
                                     const char            *reason)
{
  g_return_if_fail (AF_IS_TOKEN_EXCHANGE_SOURCE (self));
  g_return_if_fail (reason != NULL);

  clear_token (self);
  g_free (self->invalid);
  self->invalid = g_strdup (reason);
}
