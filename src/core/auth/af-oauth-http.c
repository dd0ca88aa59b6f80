/* af-oauth-http.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-oauth-http"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "af-base64url.h"
#include "af-error.h"
#include "af-json-private.h"
#include "af-oauth-http.h"
#include "af-oauth-http-private.h"

/* The few HTTP calls the accounts layer makes itself (token endpoint,
 * userinfo, revocation, discovery), each turned into an AF_ERROR a person
 * can act on. Bodies may carry tokens: they are never logged. */

#define MAX_BODY (256 * 1024)

static void
on_send_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  const char  *peer = g_task_get_task_data (task);
  SoupSession *session = SOUP_SESSION (object);
  SoupMessage *msg = soup_session_get_async_result_message (session, result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = NULL;
  JsonNode *root;
  guint     status;

  body = soup_session_send_and_read_finish (session, result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_task_return_new_error (task, AF_ERROR, AF_ERROR_TIMED_OUT,
                                 _ ("%s did not answer in time. Try again later."), peer);
      else
        g_task_return_new_error (task, AF_ERROR, AF_ERROR_NETWORK,
                                 _ ("Could not reach %s: %s"), peer, error->message);
      return;
    }

  status = soup_message_get_status (msg);

  if (status >= 500)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_SERVICE_UNAVAILABLE,
                               _ ("%s is having problems (HTTP %u). Try again later."), peer, status);
      return;
    }
  if (status == 429)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_RATE_LIMITED,
                               _ ("%s asks AgentFlow to slow down. Try again in a few minutes."), peer);
      return;
    }

  parser = json_parser_new ();
  if (g_bytes_get_size (body) == 0 || g_bytes_get_size (body) > MAX_BODY ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                               _ ("%s sent an answer AgentFlow does not understand (HTTP %u, not JSON). Try again later."),
                               peer, status);
      return;
    }

  g_object_set_data (G_OBJECT (task), "af-status", GUINT_TO_POINTER (status));
  g_task_return_pointer (task, json_object_ref (json_node_get_object (root)), (GDestroyNotify)json_object_unref);
}

/**
 * af_oauth_http_request_async:
 * @peer_name: who is called, for error messages ("Gmail")
 *
 * Sends @msg and parses a JSON object from the answer. Network errors,
 * timeouts, 5xx, 429 and non-JSON bodies become AF_ERRORs; a 4xx with a
 * JSON body is returned for the caller to interpret.
 */
void
af_oauth_http_request_async (SoupSession        *session,
                             SoupMessage        *msg,
                             const char         *peer_name,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_oauth_http_request_async);
  g_task_set_task_data (task, g_strdup (peer_name), g_free);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable, on_send_cb,
                                    g_steal_pointer (&task));
}

/**
 * af_oauth_http_request_finish:
 * @status: (out) (optional): the HTTP status
 *
 * Returns: (transfer full): the JSON object, or %NULL with an error
 */
JsonObject *
af_oauth_http_request_finish (GAsyncResult *result,
                              guint        *status,
                              GError      **error)
{
  JsonObject *obj;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_oauth_http_request_async), NULL);

  obj = g_task_propagate_pointer (G_TASK (result), error);
  if (obj != NULL && status != NULL)
    *status = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "af-status"));

  return obj;
}

SoupMessage *
af_oauth_http_new_form_post (const char *url,
                             GHashTable *form)
{
  g_autoptr (GBytes) body = NULL;
  SoupMessage *msg;
  char        *encoded;

  g_return_val_if_fail (url != NULL, NULL);

  msg = soup_message_new ("POST", url);
  if (msg == NULL)
    return NULL;

  encoded = soup_form_encode_hash (form);
  body = g_bytes_new_take (encoded, strlen (encoded));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);

  return msg;
}

SoupMessage *
af_oauth_http_new_bearer (const char *method,
                          const char *url,
                          const char *token)
{
  g_autofree char *auth = NULL;
  SoupMessage     *msg;

  g_return_val_if_fail (url != NULL, NULL);

  msg = soup_message_new (method, url);
  if (msg == NULL)
    return NULL;

  auth = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);

  return msg;
}

static gboolean
is_reconnect_error (const char *code)
{
  static const char *const codes[] = {
    "invalid_grant", "invalid_code", "invalid_refresh_token", "token_revoked",
    "token_expired", "invalid_auth", "account_inactive", NULL
  };

  return code != NULL && g_strv_contains (codes, code);
}

/**
 * af_oauth_parse_token_response:
 *
 * Reads a token endpoint answer in @provider's dialect: RFC 6749 §5.1/5.2,
 * or Slack's `{"ok": …}` with user tokens under `authed_user`.
 *
 * Returns: (transfer full): the tokens, or %NULL with an #AF_ERROR:
 *   %AF_ERROR_NEEDS_RECONNECT for invalid_grant and its Slack cousins
 */
AfTokenSet *
af_oauth_parse_token_response (AfProvider *provider,
                               JsonObject *obj,
                               guint       status,
                               GError    **error)
{
  g_autoptr (AfTokenSet) tokens = NULL;
  const char *name = af_provider_get_display_name (provider);
  const char *code = NULL;
  JsonObject *src = obj;
  gint64      expires_in;

  if (af_provider_get_dialect (provider) == AF_PROVIDER_DIALECT_SLACK)
    {
      if (!af_json_get_boolean (obj, "ok", FALSE))
        code = af_json_get_string (obj, "error", "unknown_error");
      else if (json_object_has_member (obj, "authed_user") &&
               JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "authed_user")) &&
               json_object_has_member (json_object_get_object_member (obj, "authed_user"), "access_token"))
        src = json_object_get_object_member (obj, "authed_user");
    }
  else if (status != 200 || json_object_has_member (obj, "error"))
    code = af_json_get_string (obj, "error", "unknown_error");

  if (code != NULL)
    {
      if (is_reconnect_error (code))
        g_set_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                     _ ("%s no longer accepts AgentFlow’s authorization (%s). Connect the account again."), name, code);
      else
        g_set_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED,
                     _ ("%s refused the sign-in (%s)."), name, code);
      return NULL;
    }

  if (af_json_get_string (src, "access_token", "")[0] == '\0')
    {
      g_set_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                   _ ("%s sent an answer without an access token. Try again later."), name);
      return NULL;
    }

  tokens = af_token_set_new ();
  tokens->access_token = g_strdup (af_json_get_string (src, "access_token", NULL));
  tokens->refresh_token = g_strdup (af_json_get_string (src, "refresh_token", NULL));
  if (tokens->refresh_token != NULL && tokens->refresh_token[0] == '\0')
    g_clear_pointer (&tokens->refresh_token, g_free);
  tokens->token_type = g_strdup (af_json_get_string (src, "token_type", "Bearer"));
  tokens->scope = g_strdup (af_json_get_string (src, "scope", NULL));
  /* Capped at a year: a server's huge value must not overflow the clock. */
  expires_in = af_json_get_int (src, "expires_in", 0);
  expires_in = MIN (expires_in, 365 * 24 * 3600);
  tokens->issued_at = g_get_real_time ();
  tokens->expires_at = expires_in > 0 ? tokens->issued_at + expires_in * G_USEC_PER_SEC : 0;

  return g_steal_pointer (&tokens);
}

/* email_verified is a boolean; some providers send the string "true". */
gboolean
af_oauth_claim_is_true (JsonObject *obj,
                        const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         ((json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node)) ||
          (json_node_get_value_type (node) == G_TYPE_STRING && g_strcmp0 (json_node_get_string (node), "true") == 0));
}

static char *
slack_host (const char *url)
{
  g_autoptr (GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri && g_uri_get_host (uri) ? g_strdup (g_uri_get_host (uri)) : NULL;
}

/**
 * af_oauth_parse_identity:
 * @obj: the userinfo answer (Slack: auth.test)
 *
 * Returns: (transfer full): { account, display name }, or %NULL and @error
 */
GStrv
af_oauth_parse_identity (AfProvider *provider,
                         JsonObject *obj,
                         guint       status,
                         GError    **error)
{
  const char *name = af_provider_get_display_name (provider);
  g_auto (GStrv) identity = g_new0 (char *, 3);

  if (af_provider_get_dialect (provider) == AF_PROVIDER_DIALECT_SLACK)
    {
      const char      *user = af_json_get_string (obj, "user", NULL);
      const char      *user_id = af_json_get_string (obj, "user_id", NULL);
      const char      *team = af_json_get_string (obj, "team", NULL);
      g_autofree char *host = slack_host (af_json_get_string (obj, "url", NULL));

      if (!af_json_get_boolean (obj, "ok", FALSE) || (user == NULL && user_id == NULL))
        {
          g_set_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED,
                       _ ("%s did not accept the token (%s)."), name,
                       af_json_get_string (obj, "error", "unknown_error"));
          return NULL;
        }

      identity[0] = g_strdup_printf ("%s@%s", user ? user : user_id,
                                     host ? host : af_json_get_string (obj, "team_id", "slack"));
      identity[1] = team ? g_strdup_printf ("%s (%s)", user ? user : user_id, team) : g_strdup (identity[0]);
    }
  else
    {
      const char *email = af_json_get_string (obj, "email", NULL);
      const char *sub = af_json_get_string (obj, "sub", NULL);

      if (status != 200 || (email == NULL && sub == NULL))
        {
          g_set_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED,
                       _ ("%s did not say which account was connected (HTTP %u)."), name, status);
          return NULL;
        }

      /* The same rule as for the ID token: an address the provider has
       * not verified may belong to someone else, and is not what we call
       * the account (OIDC Core §5.1, email_verified:
       * https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims). */
      if (email != NULL && !af_oauth_claim_is_true (obj, "email_verified"))
        {
          g_set_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED,
                       _ ("%s has not verified the e-mail address %s. Verify it with %s, then connect again."), name,
                       email, name);
          return NULL;
        }

      identity[0] = g_strdup (email ? email : sub);
      identity[1] = g_strdup (af_json_get_string (obj, "name", identity[0]));
    }

  return g_steal_pointer (&identity);
}

static void
on_identity_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfProvider *provider = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) obj = NULL;
  GStrv identity;
  guint status = 0;

  obj = af_oauth_http_request_finish (result, &status, &error);
  if (obj == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  identity = af_oauth_parse_identity (provider, obj, status, &error);
  if (identity == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, identity, (GDestroyNotify)g_strfreev);
}

/**
 * af_oauth_fetch_identity_async:
 *
 * Asks who @access_token belongs to: OpenID userinfo `email` (Google,
 * OpenID Connect) or Slack's `auth.test`.
 */
void
af_oauth_fetch_identity_async (AfProvider         *provider,
                               SoupSession        *session,
                               const char         *access_token,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  const char *url;

  g_return_if_fail (AF_IS_PROVIDER (provider));
  g_return_if_fail (access_token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_oauth_fetch_identity_async);
  g_task_set_task_data (task, g_object_ref (provider), g_object_unref);

  url = af_provider_get_endpoint (provider, AF_PROVIDER_USERINFO);
  if (url == NULL || (msg = af_oauth_http_new_bearer (af_provider_get_dialect (provider) == AF_PROVIDER_DIALECT_SLACK ? "POST" : "GET",
                                                      url, access_token)) == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                               _ ("%s has no usable address to ask which account was connected."),
                               af_provider_get_display_name (provider));
      return;
    }

  af_oauth_http_request_async (session, msg, af_provider_get_display_name (provider), cancellable,
                               on_identity_cb, g_steal_pointer (&task));
}

gboolean
af_oauth_fetch_identity_finish (GAsyncResult *result,
                                char        **account,
                                char        **display_name,
                                GError      **error)
{
  g_auto (GStrv) identity = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_oauth_fetch_identity_async), FALSE);

  identity = g_task_propagate_pointer (G_TASK (result), error);
  if (identity == NULL)
    return FALSE;

  if (account)
    *account = g_strdup (identity[0]);
  if (display_name)
    *display_name = g_strdup (identity[1]);

  return TRUE;
}

#define MAX_ID_TOKEN (64 * 1024)
/* Clock skew tolerated on `exp`. */
#define ID_TOKEN_LEEWAY_SECONDS 300

static gboolean
audience_matches (JsonObject *claims,
                  const char *client_id)
{
  JsonNode *aud = json_object_get_member (claims, "aud");

  if (aud == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (aud) && json_node_get_value_type (aud) == G_TYPE_STRING)
    return g_strcmp0 (json_node_get_string (aud), client_id) == 0;
  if (JSON_NODE_HOLDS_ARRAY (aud))
    {
      JsonArray *array = json_node_get_array (aud);
      gboolean   found = FALSE;

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *e = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING &&
              g_strcmp0 (json_node_get_string (e), client_id) == 0)
            found = TRUE;
        }
      /* Several audiences: we must be the authorized party (OIDC Core
       * 3.1.3.7, items 3 to 5). */
      if (found && json_array_get_length (array) > 1)
        found = g_strcmp0 (af_json_get_string (claims, "azp", NULL), client_id) == 0;
      return found;
    }

  return FALSE;
}

static gboolean
issuer_matches (const char *iss,
                const char *issuer)
{
  if (iss == NULL || issuer == NULL)
    return FALSE;
  /* Google also issues the legacy scheme-less "accounts.google.com". */
  return g_str_equal (iss, issuer) || (g_str_has_prefix (issuer, "https://") && g_str_equal (iss, issuer + 8));
}

static const char *
string_claim (JsonObject *claims,
              const char *name)
{
  return af_json_get_string (claims, name, NULL);
}

/**
 * af_oauth_parse_id_token:
 *
 * af_oauth_parse_id_token_full() without a nonce.
 */
gboolean
af_oauth_parse_id_token (const char *id_token,
                         const char *client_id,
                         const char *issuer,
                         char      **email,
                         char      **name,
                         GError    **error)
{
  return af_oauth_parse_id_token_full (id_token, client_id, issuer, NULL, email, name, error);
}

/**
 * af_oauth_parse_id_token_full:
 * @id_token: the `id_token` of a token endpoint answer
 * @client_id: our client ID: the audience the token must be for
 * @issuer: (nullable): the issuer it must come from
 * @nonce: (nullable): the nonce the authorization request sent; the
 *   token must carry it back
 * @email: (out) (optional): the verified e-mail address
 * @name: (out) (optional) (nullable): the person's name, when given
 *
 * Reads who signed in from an OpenID Connect ID token, validated as OIDC
 * Core §3.1.3.7 asks
 * (https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation):
 * the issuer, the audience (and azp), the expiry and the nonce. The
 * signature is not checked: item 6 allows TLS server validation instead
 * when the token came straight from the token endpoint, and AgentFlow
 * only talks to token endpoints over https (or the loopback interface,
 * see af_provider_check_secure_url()). An unverified address is not used.
 *
 * Returns: %TRUE with @email set; %FALSE with %AF_ERROR_INVALID_DATA
 *   saying what was wrong (never the token), so the caller can ask the
 *   userinfo endpoint instead
 */
gboolean
af_oauth_parse_id_token_full (const char *id_token,
                              const char *client_id,
                              const char *issuer,
                              const char *nonce,
                              char      **email,
                              char      **name,
                              GError    **error)
{
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (JsonParser) parser = NULL;
  const char *dot1, *dot2;
  const char *address;
  JsonObject *claims;
  JsonNode   *root, *exp;

  g_return_val_if_fail (client_id != NULL, FALSE);

  if (id_token == NULL || strlen (id_token) > MAX_ID_TOKEN || (dot1 = strchr (id_token, '.')) == NULL ||
      (dot2 = strchr (dot1 + 1, '.')) == NULL || strchr (dot2 + 1, '.') != NULL ||
      dot2 == dot1 + 1 || (payload = af_base64url_decode (dot1 + 1, dot2 - dot1 - 1, FALSE)) == NULL)
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_DATA, "The ID token is not a JSON Web Token");
      return FALSE;
    }

  parser = json_parser_new ();
  if (!g_utf8_validate (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), NULL) ||
      !json_parser_load_from_data (parser, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_DATA, "The ID token's claims are not a JSON object");
      return FALSE;
    }
  claims = json_node_get_object (root);

  if (!issuer_matches (string_claim (claims, "iss"), issuer))
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_DATA, "The ID token comes from another issuer");
      return FALSE;
    }
  if (!audience_matches (claims, client_id))
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_DATA, "The ID token is for another client");
      return FALSE;
    }
  exp = json_object_get_member (claims, "exp");
  if (exp == NULL || !JSON_NODE_HOLDS_VALUE (exp) ||
      (json_node_get_value_type (exp) != G_TYPE_INT64 && json_node_get_value_type (exp) != G_TYPE_DOUBLE) ||
      json_node_get_double (exp) + ID_TOKEN_LEEWAY_SECONDS < (double)(g_get_real_time () / G_USEC_PER_SEC))
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_DATA, "The ID token has expired");
      return FALSE;
    }

  /* Item 11: the nonce we sent, or the token answers another request. */
  if (nonce != NULL && g_strcmp0 (string_claim (claims, "nonce"), nonce) != 0)
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_DATA, "The ID token does not carry this sign-in's nonce");
      return FALSE;
    }

  address = string_claim (claims, "email");
  if (address == NULL || address[0] == '\0' || !af_oauth_claim_is_true (claims, "email_verified"))
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_DATA, "The ID token has no verified e-mail address");
      return FALSE;
    }

  if (email != NULL)
    *email = g_strdup (address);
  if (name != NULL)
    *name = g_strdup (string_claim (claims, "name"));

  return TRUE;
}

/**
 * af_oauth_http_new_revocation:
 * @tokens: what to revoke
 *
 * The revocation request of @provider's dialect: RFC 7009 §2.1
 * (https://www.rfc-editor.org/rfc/rfc7009#section-2.1), naming the
 * refresh token when there is one (revoking it ends the whole grant), or
 * Slack's auth.revoke with the token as bearer.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL when the
 *   provider has no (valid) revocation endpoint
 */
SoupMessage *
af_oauth_http_new_revocation (AfProvider       *provider,
                              const AfTokenSet *tokens)
{
  g_autoptr (GHashTable) form = NULL;
  const char *url;

  g_return_val_if_fail (AF_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (tokens != NULL, NULL);

  url = af_provider_get_endpoint (provider, AF_PROVIDER_REVOKE);
  if (url == NULL)
    return NULL;

  if (af_provider_get_dialect (provider) == AF_PROVIDER_DIALECT_SLACK)
    return af_oauth_http_new_bearer ("POST", url, tokens->access_token);

  form = g_hash_table_new (g_str_hash, g_str_equal);
  if (tokens->refresh_token != NULL)
    {
      g_hash_table_insert (form, (char *)"token", tokens->refresh_token);
      g_hash_table_insert (form, (char *)"token_type_hint", (char *)"refresh_token");
    }
  else
    {
      g_hash_table_insert (form, (char *)"token", tokens->access_token);
      g_hash_table_insert (form, (char *)"token_type_hint", (char *)"access_token");
    }
  g_hash_table_insert (form, (char *)"client_id", (char *)af_provider_get_client_id (provider));
  if (af_provider_get_client_secret (provider) != NULL)
    g_hash_table_insert (form, (char *)"client_secret", (char *)af_provider_get_client_secret (provider));
  return af_oauth_http_new_form_post (url, form);
}

static void
on_revoked_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    g_message ("Could not revoke a grant AgentFlow cannot keep: %s", error->message);
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    g_message ("Could not revoke a grant AgentFlow cannot keep (HTTP %u)", soup_message_get_status (msg));
  g_task_return_boolean (task, TRUE);
}

/**
 * af_oauth_revoke_async:
 *
 * Best effort: revokes @tokens at @provider, for a grant AgentFlow just
 * received but cannot keep (the keyring refused it, the identity was
 * refused), so that it does not stay live at the provider with nobody
 * holding it. Always succeeds; failures are logged.
 */
void
af_oauth_revoke_async (AfProvider         *provider,
                       SoupSession        *session,
                       const AfTokenSet   *tokens,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, user_data);
  g_autoptr (SoupMessage) msg = NULL;

  g_task_set_source_tag (task, af_oauth_revoke_async);
  msg = tokens != NULL ? af_oauth_http_new_revocation (provider, tokens) : NULL;
  if (msg == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_revoked_cb, g_steal_pointer (&task));
}

void
af_oauth_revoke_finish (GAsyncResult *result)
{
  g_return_if_fail (g_task_is_valid (result, NULL));
  g_return_if_fail (g_async_result_is_tagged (result, af_oauth_revoke_async));
  g_task_propagate_boolean (G_TASK (result), NULL);
}
