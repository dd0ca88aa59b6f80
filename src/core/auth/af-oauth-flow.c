/* af-oauth-flow.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-oauth-flow"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "af-error.h"
#include "af-loopback-server.h"
#include "af-oauth-flow.h"
#include "af-oauth-http.h"
#include "af-pkce.h"

/* One sign-in attempt (RFC 8252 + RFC 7636): PKCE S256 and a fresh state,
 * a loopback redirect, the browser, the code exchange, the identity and
 * the granted-scope check. It stores nothing: the account manager puts
 * the result in the vault. */

struct _AfOAuthFlow
{
  GObject parent_instance;

  AfProvider       *provider;
  SoupSession      *session;
  AfLoopbackServer *loopback;
  AfUriHandler      handler;
  gpointer          handler_data;
  GDestroyNotify    handler_destroy;
  guint             timeout;

  char       *verifier;
  char       *nonce;
  char       *auth_url;
  AfTokenSet *tokens;
  char       *account;
  char       *display_name;
  GStrv       missing;
  gboolean    started;
};

G_DEFINE_FINAL_TYPE (AfOAuthFlow, af_oauth_flow, G_TYPE_OBJECT)

static void
on_browser_launched_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_message ("Could not open a web browser (%s); open the sign-in link yourself", error->message);
}

static void
default_uri_handler (const char *uri,
                     gpointer    user_data)
{
  /* Goes through the OpenURI portal inside Flatpak. */
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, on_browser_launched_cb, NULL);
}

static void
on_unwanted_revoked_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfOAuthFlow *self = g_task_get_source_object (task);

  af_oauth_revoke_finish (result);
  g_clear_pointer (&self->tokens, af_token_set_free);
  g_task_return_error (task, g_object_steal_data (G_OBJECT (task), "af-error"));
}

/* The attempt failed after the provider issued tokens: nobody will hold
 * them, so they must not stay live at the provider (RFC 7009). Best
 * effort, then @error. */
static void
fail_with_tokens (GTask  *task,
                  GError *error)
{
  AfOAuthFlow *self = g_task_get_source_object (task);

  g_object_set_data_full (G_OBJECT (task), "af-error", error, (GDestroyNotify)g_error_free);
  af_oauth_revoke_async (self->provider, self->session, self->tokens, on_unwanted_revoked_cb, task);
}

static void
on_identity_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfOAuthFlow *self = g_task_get_source_object (task);
  GError      *error = NULL;

  if (!af_oauth_fetch_identity_finish (result, &self->account, &self->display_name, &error))
    {
      fail_with_tokens (g_steal_pointer (&task), error);
      return;
    }

  self->missing = af_provider_get_missing_capabilities (self->provider, self->tokens->scope);
  g_task_return_boolean (task, TRUE);
}

static void
on_token_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfOAuthFlow *self = g_task_get_source_object (task);
  g_autoptr (JsonObject) obj = NULL;
  GCancellable *cancellable;
  GError       *error = NULL;
  guint         status = 0;

  obj = af_oauth_http_request_finish (result, &status, &error);
  if (obj == NULL || (self->tokens = af_oauth_parse_token_response (self->provider, obj, status, &error)) == NULL)
    {
      /* A code that was refused cannot become valid: the whole attempt
       * failed, say so in the words of a first connection. */
      if (error->domain == AF_ERROR && error->code == AF_ERROR_NEEDS_RECONNECT)
        {
          g_autofree char *message = g_strdup_printf (_ ("%s did not accept the sign-in. Try connecting again."),
                                                      af_provider_get_display_name (self->provider));
          g_clear_error (&error);
          error = g_error_new_literal (AF_ERROR, AF_ERROR_AUTH_FAILED, message);
        }
      g_task_return_error (task, error);
      return;
    }

  /* Google and OpenID providers say who signed in in the ID token: no
   * userinfo round trip. Anything odd about it and we ask userinfo. */
  if (af_provider_get_dialect (self->provider) == AF_PROVIDER_DIALECT_OIDC &&
      json_object_has_member (obj, "id_token"))
    {
      g_autoptr (GError) id_error = NULL;
      const char *id_token = NULL;
      JsonNode   *node = json_object_get_member (obj, "id_token");

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        id_token = json_node_get_string (node);
      if (af_oauth_parse_id_token_full (id_token, af_provider_get_client_id (self->provider),
                                        af_provider_get_issuer (self->provider), self->nonce, &self->account,
                                        &self->display_name, &id_error))
        {
          if (self->display_name == NULL)
            self->display_name = g_strdup (self->account);
          self->missing = af_provider_get_missing_capabilities (self->provider, self->tokens->scope);
          g_task_return_boolean (task, TRUE);
          return;
        }
      g_message ("Not using the ID token from %s (%s); asking its userinfo endpoint",
                 af_provider_get_display_name (self->provider), id_error->message);
    }

  cancellable = g_task_get_cancellable (task);
  af_oauth_fetch_identity_async (self->provider, self->session, self->tokens->access_token,
                                 cancellable, on_identity_cb, g_steal_pointer (&task));
}

static void
on_redirect_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfOAuthFlow *self = g_task_get_source_object (task);
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *code = NULL;
  GCancellable    *cancellable;
  GError          *error = NULL;

  code = af_loopback_server_wait_finish (AF_LOOPBACK_SERVER (object), result, &error);
  /* The port is open only for the attempt. */
  af_loopback_server_close (self->loopback);
  if (code == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, (char *)"grant_type", (char *)"authorization_code");
  g_hash_table_insert (form, (char *)"code", code);
  g_hash_table_insert (form, (char *)"redirect_uri", (char *)af_loopback_server_get_redirect_uri (self->loopback));
  g_hash_table_insert (form, (char *)"client_id", (char *)af_provider_get_client_id (self->provider));
  if (af_provider_get_client_secret (self->provider) != NULL)
    g_hash_table_insert (form, (char *)"client_secret", (char *)af_provider_get_client_secret (self->provider));
  g_hash_table_insert (form, (char *)"code_verifier", self->verifier);

  msg = af_oauth_http_new_form_post (af_provider_get_endpoint (self->provider, AF_PROVIDER_TOKEN), form);
  explicit_bzero (code, strlen (code));
  if (msg == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_CONFIGURED, _ ("%s has no valid token address."),
                               af_provider_get_display_name (self->provider));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  af_oauth_http_request_async (self->session, msg, af_provider_get_display_name (self->provider),
                               cancellable, on_token_cb, g_steal_pointer (&task));
}

static void
af_oauth_flow_dispose (GObject *object)
{
  AfOAuthFlow *self = (AfOAuthFlow *)object;

  g_clear_object (&self->loopback);
  if (self->handler_destroy != NULL)
    g_clear_pointer (&self->handler_data, self->handler_destroy);

  G_OBJECT_CLASS (af_oauth_flow_parent_class)->dispose (object);
}

static void
af_oauth_flow_finalize (GObject *object)
{
  AfOAuthFlow *self = (AfOAuthFlow *)object;

  g_clear_object (&self->provider);
  g_clear_object (&self->session);
  if (self->verifier != NULL)
    explicit_bzero (self->verifier, strlen (self->verifier));
  g_free (self->verifier);
  g_free (self->nonce);
  g_free (self->auth_url);
  g_clear_pointer (&self->tokens, af_token_set_free);
  g_free (self->account);
  g_free (self->display_name);
  g_strfreev (self->missing);

  G_OBJECT_CLASS (af_oauth_flow_parent_class)->finalize (object);
}

static void
af_oauth_flow_class_init (AfOAuthFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_oauth_flow_dispose;
  object_class->finalize = af_oauth_flow_finalize;
}

static void
af_oauth_flow_init (AfOAuthFlow *self)
{
  self->handler = default_uri_handler;
  self->timeout = 5 * 60;
}

AfOAuthFlow *
af_oauth_flow_new (AfProvider  *provider,
                   SoupSession *session)
{
  AfOAuthFlow *self;

  g_return_val_if_fail (AF_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  self = g_object_new (AF_TYPE_OAUTH_FLOW, NULL);
  self->provider = g_object_ref (provider);
  self->session = g_object_ref (session);

  return self;
}

/**
 * af_oauth_flow_set_uri_handler:
 * @handler: (nullable): shows the authorization URL; %NULL restores the
 *   default browser
 */
void
af_oauth_flow_set_uri_handler (AfOAuthFlow   *self,
                               AfUriHandler   handler,
                               gpointer       user_data,
                               GDestroyNotify destroy)
{
  g_return_if_fail (AF_IS_OAUTH_FLOW (self));

  if (self->handler_destroy != NULL)
    g_clear_pointer (&self->handler_data, self->handler_destroy);
  self->handler = handler ? handler : default_uri_handler;
  self->handler_data = handler ? user_data : NULL;
  self->handler_destroy = handler ? destroy : NULL;
}

/**
 * af_oauth_flow_set_timeout:
 * @seconds: how long the attempt may wait for the browser (default 300)
 */
void
af_oauth_flow_set_timeout (AfOAuthFlow *self,
                           guint        seconds)
{
  g_return_if_fail (AF_IS_OAUTH_FLOW (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
}

/**
 * af_oauth_flow_run_async:
 *
 * Runs the attempt once. Cancelling @cancellable or the timeout ends it
 * and closes the loopback port.
 */
void
af_oauth_flow_run_async (AfOAuthFlow        *self,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *challenge = NULL;

  g_return_if_fail (AF_IS_OAUTH_FLOW (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_oauth_flow_run_async);

  if (!af_provider_check_configured (self->provider, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->verifier = af_pkce_new_verifier ();
  challenge = af_pkce_challenge_s256 (self->verifier);
  state = af_pkce_new_state ();

  self->loopback = af_loopback_server_new (af_provider_get_redirect_host (self->provider),
                                           af_provider_get_redirect_path (self->provider),
                                           state, 0, &error);
  if (self->loopback == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* OIDC Core §3.1.2.1: a nonce ties the ID token to this attempt. */
  self->nonce = af_pkce_new_state ();
  af_loopback_server_set_issuer (self->loopback, af_provider_get_issuer (self->provider),
                                 af_provider_get_iss_parameter_supported (self->provider));
  self->auth_url = af_provider_build_auth_url_full (self->provider,
                                                    af_loopback_server_get_redirect_uri (self->loopback),
                                                    state, challenge, self->nonce);
  af_loopback_server_wait_async (self->loopback, self->timeout, cancellable, on_redirect_cb,
                                 g_steal_pointer (&task));
  self->handler (self->auth_url, self->handler_data);
}

gboolean
af_oauth_flow_run_finish (AfOAuthFlow  *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_oauth_flow_run_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

AfProvider *
af_oauth_flow_get_provider (AfOAuthFlow *self)
{
  g_return_val_if_fail (AF_IS_OAUTH_FLOW (self), NULL);
  return self->provider;
}

const char *
af_oauth_flow_get_authorization_url (AfOAuthFlow *self)
{
  g_return_val_if_fail (AF_IS_OAUTH_FLOW (self), NULL);
  return self->auth_url;
}

/**
 * af_oauth_flow_get_tokens:
 *
 * Returns: (nullable) (transfer none): the tokens after a successful run
 */
const AfTokenSet *
af_oauth_flow_get_tokens (AfOAuthFlow *self)
{
  g_return_val_if_fail (AF_IS_OAUTH_FLOW (self), NULL);
  return self->tokens;
}

const char *
af_oauth_flow_get_account (AfOAuthFlow *self)
{
  g_return_val_if_fail (AF_IS_OAUTH_FLOW (self), NULL);
  return self->account;
}

const char *
af_oauth_flow_get_display_name (AfOAuthFlow *self)
{
  g_return_val_if_fail (AF_IS_OAUTH_FLOW (self), NULL);
  return self->display_name;
}

/**
 * af_oauth_flow_get_missing_capabilities:
 *
 * Returns: (transfer none): capabilities whose scope was not granted
 */
const char *const *
af_oauth_flow_get_missing_capabilities (AfOAuthFlow *self)
{
  static const char *const none[] = { NULL };

  g_return_val_if_fail (AF_IS_OAUTH_FLOW (self), NULL);
  return self->missing ? (const char *const *)self->missing : none;
}

/**
 * af_oauth_flow_has_refresh_token:
 *
 * Returns: whether the provider gave a refresh token: without one the
 *   connection ends when the access token expires
 */
gboolean
af_oauth_flow_has_refresh_token (AfOAuthFlow *self)
{
  g_return_val_if_fail (AF_IS_OAUTH_FLOW (self), FALSE);
  return self->tokens != NULL && self->tokens->refresh_token != NULL;
}
