/* af-sandbox-auth0-token.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-auth0"

#include "config.h"

#include <string.h>

#include "af-sandbox-auth0-private.h"
#include "af-sandbox-jwt.h"

/* The tenant's Authentication API: /authorize, /oauth/token (authorization
 * code, refresh token, Token Vault exchange), /oauth/revoke, /userinfo.
 * The pages each behaviour follows are listed in af-sandbox-auth0.c and
 * named beside it here. */

#define CODE_LIFETIME_USEC (60 * G_USEC_PER_SEC)
#define ID_TOKEN_LIFETIME  36000

/* /oauth/token and /oauth/revoke take a form body; Auth0's own examples of
 * the Token Vault exchange post JSON, so both are read. */
static GHashTable *
read_params (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char      *content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  g_autoptr (GBytes) bytes = NULL;
  GHashTable *params;

  if (body == NULL || body->length == 0)
    return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  bytes = soup_message_body_flatten (body);
  if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") == 0)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      return soup_form_decode (text);
    }

  params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (g_strcmp0 (content_type, "application/json") == 0)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonNode *root;

      if (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) &&
          (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObjectIter iter;
          const char    *name;
          JsonNode      *member;

          json_object_iter_init (&iter, json_node_get_object (root));
          while (json_object_iter_next (&iter, &name, &member))
            if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
              g_hash_table_replace (params, g_strdup (name), g_strdup (json_node_get_string (member)));
        }
    }

  return params;
}

typedef enum
{
  CLIENT_CONFIDENTIAL,
  CLIENT_PUBLIC,
  CLIENT_REJECTED,
} ClientAuth;

/* client_secret_post or client_secret_basic for the confidential client,
 * nothing for the public one ("none"). */
static ClientAuth
authenticate_client (SoupServerMessage *msg,
                     GHashTable        *params,
                     const char       **client_id)
{
  const char      *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  const char      *id = g_hash_table_lookup (params, "client_id");
  const char      *secret = g_hash_table_lookup (params, "client_secret");
  g_autofree char *basic = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Basic ", 6) == 0)
    {
      gsize   len;
      guchar *raw = g_base64_decode (header + 6, &len);
      char   *colon;

      basic = g_strndup ((const char *)raw, len);
      g_free (raw);
      if ((colon = strchr (basic, ':')) != NULL)
        {
          *colon = '\0';
          id = basic;
          secret = colon + 1;
        }
    }

  *client_id = NULL;
  if (g_strcmp0 (id, AF_SANDBOX_AUTH0_CLIENT_ID) == 0)
    {
      *client_id = AF_SANDBOX_AUTH0_CLIENT_ID;
      return g_strcmp0 (secret, AF_SANDBOX_AUTH0_CLIENT_SECRET) == 0 ? CLIENT_CONFIDENTIAL : CLIENT_REJECTED;
    }
  if (g_strcmp0 (id, AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID) == 0)
    {
      *client_id = AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID;
      return CLIENT_PUBLIC;
    }
  return CLIENT_REJECTED;
}

static gboolean
client_known (const char *client_id)
{
  return g_strcmp0 (client_id, AF_SANDBOX_AUTH0_CLIENT_ID) == 0 || g_strcmp0 (client_id, AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID) == 0;
}

/* What a login may grant: the OpenID scopes, and with the My Account API
 * as audience the Connected Accounts scopes of the application's client
 * grant (my-account-api: scopes outside it are dropped, not refused). */
static char *
grantable_scope (AfSandboxAuth0 *self,
                 const char     *requested,
                 const char     *audience)
{
  static const char *const oidc[] = { "openid", "profile", "email", "offline_access", NULL };
  g_auto (GStrv) scopes = g_strsplit (requested ? requested : "", " ", -1);
  g_auto (GStrv) allowed = g_strsplit (AF_SANDBOX_AUTH0_CONNECTED_ACCOUNTS_SCOPES, " ", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; scopes[i] != NULL; i++)
    {
      if (scopes[i][0] == '\0' || af_sandbox_auth0_scope_has (out->str, scopes[i]))
        continue;
      if (!g_strv_contains (oidc, scopes[i]) &&
          (audience == NULL || !g_strv_contains ((const char *const *)allowed, scopes[i])))
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, scopes[i]);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
audience_known (AfSandboxAuth0 *self,
                const char     *audience)
{
  g_autofree char *me = af_sandbox_auth0_dup_my_account_audience (self);

  return audience == NULL || g_str_equal (audience, me);
}

static char *
make_id_token (AfSandboxAuth0 *self,
               Auth0Grant     *grant,
               const char     *nonce)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) claims = NULL;
  g_autofree char *issuer = af_sandbox_auth0_dup_issuer (self);
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  json_builder_begin_object (b);
  if (af_sandbox_auth0_scope_has (grant->scope, "profile"))
    {
      json_builder_set_member_name (b, "nickname");
      json_builder_add_string_value (b, "alice");
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, "Alice Example");
      json_builder_set_member_name (b, "updated_at");
      json_builder_add_string_value (b, "2026-01-01T00:00:00.000Z");
    }
  if (af_sandbox_auth0_scope_has (grant->scope, "email"))
    {
      json_builder_set_member_name (b, "email");
      json_builder_add_string_value (b, AF_SANDBOX_ACCOUNT);
      json_builder_set_member_name (b, "email_verified");
      json_builder_add_boolean_value (b, TRUE);
    }
  json_builder_set_member_name (b, "iss");
  json_builder_add_string_value (b, issuer);
  json_builder_set_member_name (b, "aud");
  json_builder_add_string_value (b, grant->client_id);
  json_builder_set_member_name (b, "sub");
  json_builder_add_string_value (b, AF_SANDBOX_AUTH0_USER_ID);
  json_builder_set_member_name (b, "iat");
  json_builder_add_int_value (b, now);
  json_builder_set_member_name (b, "exp");
  json_builder_add_int_value (b, now + ID_TOKEN_LIFETIME);
  if (nonce != NULL)
    {
      json_builder_set_member_name (b, "nonce");
      json_builder_add_string_value (b, nonce);
    }
  json_builder_end_object (b);
  claims = json_builder_get_root (b);

  return af_sandbox_jwt_sign (claims);
}

/* An access token for an API is a JWT (aud the API, plus /userinfo with
 * "openid"); without an audience it is only good for /userinfo, and is
 * opaque here. */
static char *
issue_access (AfSandboxAuth0 *self,
              Auth0Grant     *grant,
              const char     *scope,
              const char     *audience)
{
  Auth0Access *a = g_new0 (Auth0Access, 1);
  gint64       now = g_get_real_time () / G_USEC_PER_SEC;
  char        *token;

  a->grant = grant;
  a->scope = g_strdup (scope);
  a->audience = g_strdup (audience);
  a->expires_at = g_get_real_time () + (gint64)self->access_lifetime * G_USEC_PER_SEC;

  if (audience != NULL)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) claims = NULL;
      g_autofree char *issuer = af_sandbox_auth0_dup_issuer (self);
      g_autofree char *userinfo = af_sandbox_auth0_dup_endpoint (self, "/userinfo");
      g_autofree char *jti = af_sandbox_auth0_random ("");

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "iss");
      json_builder_add_string_value (b, issuer);
      json_builder_set_member_name (b, "sub");
      json_builder_add_string_value (b, AF_SANDBOX_AUTH0_USER_ID);
      json_builder_set_member_name (b, "aud");
      if (af_sandbox_auth0_scope_has (scope, "openid"))
        {
          json_builder_begin_array (b);
          json_builder_add_string_value (b, audience);
          json_builder_add_string_value (b, userinfo);
          json_builder_end_array (b);
        }
      else
        json_builder_add_string_value (b, audience);
      json_builder_set_member_name (b, "iat");
      json_builder_add_int_value (b, now);
      json_builder_set_member_name (b, "exp");
      json_builder_add_int_value (b, now + self->access_lifetime);
      json_builder_set_member_name (b, "scope");
      json_builder_add_string_value (b, scope);
      json_builder_set_member_name (b, "azp");
      json_builder_add_string_value (b, grant->client_id);
      json_builder_set_member_name (b, "jti");
      json_builder_add_string_value (b, jti);
      json_builder_end_object (b);
      claims = json_builder_get_root (b);
      token = af_sandbox_jwt_sign (claims);
    }
  else
    token = af_sandbox_auth0_random ("sandbox-auth0-at-");

  g_hash_table_insert (self->access, g_strdup (token), a);
  return token;
}

static char *
issue_refresh (AfSandboxAuth0 *self,
               Auth0Grant     *grant)
{
  Auth0Refresh *r = g_new0 (Auth0Refresh, 1);
  char         *token = af_sandbox_auth0_random ("sandbox-auth0-rt-");

  r->grant = grant;
  g_hash_table_insert (self->refresh, g_strdup (token), r);
  return token;
}

static gboolean
same_scopes (const char *a,
             const char *b)
{
  g_auto (GStrv) as = g_strsplit (a ? a : "", " ", -1);
  g_auto (GStrv) bs = g_strsplit (b ? b : "", " ", -1);

  for (guint i = 0; as[i] != NULL; i++)
    if (as[i][0] != '\0' && !g_strv_contains ((const char *const *)bs, as[i]))
      return FALSE;
  for (guint i = 0; bs[i] != NULL; i++)
    if (bs[i][0] != '\0' && !g_strv_contains ((const char *const *)as, bs[i]))
      return FALSE;
  return TRUE;
}

static void
send_tokens (AfSandboxAuth0    *self,
             SoupServerMessage *msg,
             Auth0Grant        *grant,
             const char        *scope,
             const char        *audience,
             const char        *refresh,
             const char        *nonce,
             gboolean           show_scope)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *access = issue_access (self, grant, scope, audience);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, access);
  if (refresh != NULL)
    {
      json_builder_set_member_name (b, "refresh_token");
      json_builder_add_string_value (b, refresh);
    }
  if (af_sandbox_auth0_scope_has (scope, "openid"))
    {
      g_autofree char *id_token = make_id_token (self, grant, nonce);

      json_builder_set_member_name (b, "id_token");
      json_builder_add_string_value (b, id_token);
    }
  if (show_scope)
    {
      json_builder_set_member_name (b, "scope");
      json_builder_add_string_value (b, scope);
    }
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, self->access_lifetime);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_end_object (b);
  af_sandbox_auth0_send_json (msg, SOUP_STATUS_OK, b);
}

/* Endpoints: /authorize */

static void
redirect_error (SoupServerMessage *msg,
                const char        *redirect_uri,
                const char        *state,
                const char        *error,
                const char        *description)
{
  g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (params, (char *)"error", (char *)error);
  g_hash_table_insert (params, (char *)"error_description", (char *)description);
  if (state != NULL)
    g_hash_table_insert (params, (char *)"state", (char *)state);
  af_sandbox_auth0_redirect (msg, redirect_uri, params);
}

void
af_sandbox_auth0_authorize (AfSandboxAuth0    *self,
                            SoupServerMessage *msg,
                            GHashTable        *query)
{
  const char *client_id = query ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *challenge = query ? g_hash_table_lookup (query, "code_challenge") : NULL;
  const char *method = query ? g_hash_table_lookup (query, "code_challenge_method") : NULL;
  const char *audience = query ? g_hash_table_lookup (query, "audience") : NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autofree char *code_str = NULL;
  Auth0Code       *code;

  af_sandbox_count (self->sandbox, "auth0.authorize");
  /* login_hint: "the user's email address or other identifier", to
   * pre-fill the login page or pick the right session; it does not decide
   * who signs in (the person may change it), so the seeded user still does.
   * https://auth0.github.io/auth0-spa-js/interfaces/AuthorizationParams.html
   * (login_hint); OpenID Connect Core 1.0 §3.1.2.1. */
  g_free (self->last_login_hint);
  self->last_login_hint = g_strdup (query ? g_hash_table_lookup (query, "login_hint") : NULL);

  /* custom-rate-limit-policies: /authorize shows an error page, no JSON. */
  {
    guint retry_after;

    if (af_sandbox_auth0_take_rate_limit (self, "auth0.authorize", &retry_after))
      {
        af_sandbox_auth0_set_rate_headers (msg, retry_after);
        af_sandbox_auth0_send_html (msg, 429, "Too Many Requests", "Rate limit exceeded.");
        return;
      }
  }

  /* RFC 6749 §4.1.2.1: never redirect to an unverified redirect_uri. */
  if (!client_known (client_id))
    {
      af_sandbox_auth0_send_html (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "Unknown client.");
      return;
    }
  if (!af_sandbox_auth0_callback_allowed (redirect_uri))
    {
      af_sandbox_auth0_send_html (msg, SOUP_STATUS_BAD_REQUEST, "Callback URL mismatch",
                                  "The provided redirect_uri is not in the list of allowed callback URLs.");
      return;
    }

  /* The OAS examples of /authorize errors, sent to the callback. */
  if (g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0)
    {
      redirect_error (msg, redirect_uri, state, "unsupported_response_type",
                      "The authorization server does not support obtaining an authorization code using this method");
      return;
    }
  /* authorize-with-pkce: code_challenge and code_challenge_method are
   * required, and S256 is the only method. */
  if (g_strcmp0 (method, "S256") != 0 || challenge == NULL || strlen (challenge) < 43 || strlen (challenge) > 128)
    {
      redirect_error (msg, redirect_uri, state, "invalid_request",
                      "The request is missing a required parameter: code_challenge with code_challenge_method=S256");
      return;
    }
  /* Docs silent on the exact text for an API the tenant does not have;
   * access_denied is RFC 6749's code for a refused request. */
  if (!audience_known (self, audience))
    {
      g_autofree char *description = g_strdup_printf ("Service not found: %s", audience);

      redirect_error (msg, redirect_uri, state, "access_denied", description);
      return;
    }
  if (self->login_denied)
    {
      redirect_error (msg, redirect_uri, state, "access_denied", "The user denied the authorization request");
      return;
    }

  code = g_new0 (Auth0Code, 1);
  code->client_id = g_strdup (client_id);
  code->redirect_uri = g_strdup (redirect_uri);
  code->challenge = g_strdup (challenge);
  code->scope = grantable_scope (self, g_hash_table_lookup (query, "scope"), audience);
  code->requested = g_strdup (g_hash_table_lookup (query, "scope"));
  code->audience = g_strdup (audience);
  code->nonce = g_strdup (g_hash_table_lookup (query, "nonce"));
  code->expires_at = g_get_real_time () + CODE_LIFETIME_USEC;
  code_str = af_sandbox_auth0_random ("");
  g_hash_table_insert (self->codes, g_strdup (code_str), code);

  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (char *)"code", code_str);
  if (state != NULL)
    g_hash_table_insert (params, (char *)"state", (char *)state);
  af_sandbox_auth0_redirect (msg, redirect_uri, params);
}

/* Endpoints: /oauth/token */

static gboolean
missing (SoupServerMessage *msg,
         GHashTable        *params,
         const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = g_hash_table_lookup (params, names[i]);

      if (value == NULL || value[0] == '\0')
        {
          g_autofree char *description = g_strdup_printf ("Missing required parameter: %s", names[i]);

          af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", description);
          return TRUE;
        }
    }
  return FALSE;
}

static void
grant_authorization_code (AfSandboxAuth0    *self,
                          SoupServerMessage *msg,
                          GHashTable        *params,
                          const char        *client_id)
{
  static const char *const required[] = { "code", "code_verifier", NULL };
  const char              *code_str = g_hash_table_lookup (params, "code");
  const char              *verifier = g_hash_table_lookup (params, "code_verifier");
  g_autofree char         *challenge = NULL;
  g_autofree char         *refresh = NULL;
  gpointer                 key = NULL, value = NULL;
  Auth0Code               *code;
  Auth0Grant              *grant;

  if (missing (msg, params, required))
    return;

  /* One-time: whatever happens next, the code is spent. */
  if (!g_hash_table_steal_extended (self->codes, code_str, &key, &value))
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Invalid authorization code");
      return;
    }
  g_free (key);
  code = value;

  if (code->expires_at < g_get_real_time () || g_strcmp0 (code->client_id, client_id) != 0)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Invalid authorization code");
      af_sandbox_auth0_code_free (code);
      return;
    }
  /* get-token-pkce: redirect_uri is required when /authorize had one. */
  if (g_strcmp0 (code->redirect_uri, g_hash_table_lookup (params, "redirect_uri")) != 0)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                                   "The redirect_uri does not match the one of the authorization request");
      af_sandbox_auth0_code_free (code);
      return;
    }
  /* The OAS has no example for a wrong verifier; invalid_grant is RFC 7636
   * §4.6's answer. */
  challenge = af_sandbox_auth0_s256 (verifier);
  if (strlen (verifier) < 43 || strlen (verifier) > 128 || g_strcmp0 (challenge, code->challenge) != 0)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Failed to verify code verifier");
      af_sandbox_auth0_code_free (code);
      return;
    }

  grant = g_new0 (Auth0Grant, 1);
  grant->client_id = g_strdup (client_id);
  grant->scope = g_strdup (code->scope);
  grant->audience = g_strdup (code->audience);
  g_ptr_array_add (self->grants, grant);

  /* get-token-pkce: a refresh token only with offline_access. */
  if (af_sandbox_auth0_scope_has (grant->scope, "offline_access"))
    refresh = issue_refresh (self, grant);
  /* The code exchange's examples (call-your-api-using-the-authorization-
   * code-flow-with-pkce) carry no "scope"; RFC 6749 §5.1 requires it when
   * less was granted than asked for. */
  send_tokens (self, msg, grant, grant->scope, grant->audience, refresh, code->nonce,
               !same_scopes (grant->scope, code->requested));
  af_sandbox_auth0_code_free (code);
}

/* Looks up a refresh token of @client_id that may still be used. */
static Auth0Refresh *
live_refresh (AfSandboxAuth0 *self,
              const char     *token,
              const char     *client_id)
{
  Auth0Refresh *r = token ? g_hash_table_lookup (self->refresh, token) : NULL;

  if (r == NULL || r->grant->revoked || r->expired || g_strcmp0 (r->grant->client_id, client_id) != 0)
    return NULL;
  return r;
}

static void
grant_refresh_token (AfSandboxAuth0    *self,
                     SoupServerMessage *msg,
                     GHashTable        *params,
                     const char        *client_id)
{
  static const char *const required[] = { "refresh_token", NULL };
  const char              *audience = g_hash_table_lookup (params, "audience");
  const char              *requested = g_hash_table_lookup (params, "scope");
  g_autofree char         *fresh = NULL;
  g_autofree char         *scope = NULL;
  Auth0Refresh            *r;

  if (missing (msg, params, required))
    return;

  r = live_refresh (self, g_hash_table_lookup (params, "refresh_token"), client_id);
  /* refresh-token: 403 when the refresh token is invalid or expired. */
  if (r == NULL)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_FORBIDDEN, "invalid_grant", "Unknown or invalid refresh token.");
      return;
    }
  /* refresh-token-rotation, automatic reuse detection: a rotated-out
   * token used again invalidates the whole family. */
  if (r->spent)
    {
      r->grant->revoked = TRUE;
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_FORBIDDEN, "invalid_grant", "Unknown or invalid refresh token.");
      return;
    }

  /* Multi-Resource Refresh Token: the application's policy lets this
   * refresh token get My Account API tokens with the Connected Accounts
   * scopes (connected-accounts-for-token-vault, "Configure MRRT"). */
  if (audience == NULL)
    audience = r->grant->audience;
  if (!audience_known (self, audience))
    {
      g_autofree char *description = g_strdup_printf ("Service not found: %s", audience);

      af_sandbox_auth0_send_error (msg, SOUP_STATUS_FORBIDDEN, "access_denied", description);
      return;
    }

  /* refresh-token: "scope" may only narrow; docs silent on a wider one,
   * so it is refused (RFC 6749 §6: invalid_scope). */
  if (requested != NULL)
    {
      g_auto (GStrv) wanted = g_strsplit (requested, " ", -1);
      g_autofree char *mrrt = g_strconcat (r->grant->scope, " ", AF_SANDBOX_AUTH0_CONNECTED_ACCOUNTS_SCOPES, NULL);

      for (guint i = 0; wanted[i] != NULL; i++)
        if (wanted[i][0] != '\0' && !af_sandbox_auth0_scope_has (audience ? mrrt : r->grant->scope, wanted[i]))
          {
            af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_scope", "The requested scope is not allowed for this refresh token.");
            return;
          }
      scope = grantable_scope (self, requested, audience);
    }
  else
    scope = grantable_scope (self, r->grant->scope, audience);

  if (self->rotation)
    {
      r->spent = TRUE;
      fresh = issue_refresh (self, r->grant);
    }
  /* refresh-token: the answer lists the access token's scopes. */
  send_tokens (self, msg, r->grant, scope, audience, fresh, NULL, TRUE);
}

/* A short-lived access token of the connected account, from the tokenset:
 * the stored one while it is valid, a fresh one (Auth0 uses the provider's
 * refresh token) when it has expired. refresh-token-exchange-with-token-vault,
 * Step 3. */
static const char *
provider_token (AfSandboxAuth0 *self,
                Auth0Account   *account,
                gint64         *expires_in)
{
  gint64 now = g_get_real_time ();

  if (account->provider_token == NULL || account->provider_expires_at <= now)
    {
      gboolean         slack = g_str_equal (account->connection, AF_SANDBOX_AUTH0_SLACK_CONNECTION);
      g_autofree char *scopes = g_strjoinv (" ", account->scopes);

      g_free (account->provider_token);
      account->provider_token = af_sandbox_auth0_random (slack ? "xoxp-sandbox-tv-" : "ya29.sandbox-tv-");
      account->provider_expires_at = now + (gint64)self->provider_lifetime * G_USEC_PER_SEC;
      af_sandbox_add_token (self->sandbox, account->provider_token, slack ? "slack" : "google",
                            slack ? AF_SANDBOX_SLACK_USER : AF_SANDBOX_ACCOUNT, scopes, account->provider_expires_at);
    }

  *expires_in = MAX ((account->provider_expires_at - now) / G_USEC_PER_SEC, 1);
  return account->provider_token;
}

static void
grant_token_vault (AfSandboxAuth0    *self,
                   SoupServerMessage *msg,
                   GHashTable        *params,
                   const char        *client_id,
                   ClientAuth         auth)
{
  static const char *const required[] = { "subject_token", "subject_token_type", "requested_token_type", "connection", NULL };
  g_autoptr (JsonBuilder) b = NULL;
  g_autofree char *scopes = NULL;
  Auth0Account    *account;
  const char      *token;
  gint64           expires_in;

  /* configure-token-vault: only a confidential client may have the grant;
   * update-grant-types gives the error a client without it gets, and
   * get-token lists 403 for it. */
  if (auth != CLIENT_CONFIDENTIAL)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_FORBIDDEN, "unauthorized_client",
                                   "Grant type '" AF_SANDBOX_AUTH0_GRANT_TOKEN_VAULT "' not allowed for the client.");
      return;
    }
  if (missing (msg, params, required))
    return;
  /* get-token: with rotation on, the exchange does not work. The pages
   * name no error for it; the sandbox refuses it the way it refuses a
   * client that may not use the grant. */
  if (self->rotation)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_FORBIDDEN, "unauthorized_client",
                                   "Token Vault does not support refresh token rotation; disable Allow Refresh Token Rotation for the client.");
      return;
    }
  /* The access-token variant needs a Custom API Client, which this
   * application is not (get-token, Remarks). */
  if (!g_str_equal (g_hash_table_lookup (params, "subject_token_type"), AF_SANDBOX_AUTH0_TOKEN_TYPE_REFRESH))
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "Unsupported subject_token_type for this client.");
      return;
    }
  if (!g_str_equal (g_hash_table_lookup (params, "requested_token_type"), AF_SANDBOX_AUTH0_TOKEN_TYPE_FEDERATED))
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "Unsupported requested_token_type.");
      return;
    }
  /* get-token: 401 when the subject token is invalid or expired. The
   * code and text are those of any refresh token Auth0 does not know. */
  if (live_refresh (self, g_hash_table_lookup (params, "subject_token"), client_id) == NULL)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_grant", "Unknown or invalid refresh token.");
      return;
    }
  /* get-token: 401 when no identity matches connection (and login_hint).
   * The page gives the status only; the machine code and text are the
   * ones Auth0 answers and its SDKs' users match on
   * (federated_connection_refresh_token_not_found). */
  account = af_sandbox_auth0_find_account (self, g_hash_table_lookup (params, "connection"), g_hash_table_lookup (params, "login_hint"));
  if (account == NULL)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_UNAUTHORIZED, "federated_connection_refresh_token_not_found",
                                   "Federated connection Refresh Token not found.");
      return;
    }

  token = provider_token (self, account, &expires_in);
  scopes = g_strjoinv (" ", account->scopes);

  /* get-token, 200 Response: no refresh token, no ID token. */
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, scopes);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, expires_in);
  json_builder_set_member_name (b, "issued_token_type");
  json_builder_add_string_value (b, AF_SANDBOX_AUTH0_TOKEN_TYPE_FEDERATED);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_end_object (b);
  af_sandbox_auth0_send_json (msg, SOUP_STATUS_OK, b);
}

void
af_sandbox_auth0_token (AfSandboxAuth0    *self,
                        SoupServerMessage *msg)
{
  g_autoptr (GHashTable) params = NULL;
  const char *client_id = NULL;
  const char *grant_type;
  ClientAuth  auth;

  af_sandbox_count (self->sandbox, "auth0.oauth.token");

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (af_sandbox_auth0_rate_limited (self, msg, "auth0.oauth.token"))
    return;

  params = read_params (msg);
  grant_type = g_hash_table_lookup (params, "grant_type");
  auth = authenticate_client (msg, params, &client_id);
  if (auth == CLIENT_REJECTED)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", "Client authentication failed");
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    grant_authorization_code (self, msg, params, client_id);
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    grant_refresh_token (self, msg, params, client_id);
  else if (g_strcmp0 (grant_type, AF_SANDBOX_AUTH0_GRANT_TOKEN_VAULT) == 0)
    grant_token_vault (self, msg, params, client_id, auth);
  else if (grant_type == NULL)
    af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "Missing required parameter: grant_type");
  else
    af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type", "Grant type not supported");
}

/* Endpoints: /oauth/revoke, /userinfo */

void
af_sandbox_auth0_revoke (AfSandboxAuth0    *self,
                         SoupServerMessage *msg)
{
  g_autoptr (GHashTable) params = NULL;
  const char   *client_id = NULL;
  const char   *token;
  Auth0Refresh *r;

  af_sandbox_count (self->sandbox, "auth0.oauth.revoke");

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (af_sandbox_auth0_rate_limited (self, msg, "auth0.oauth.revoke"))
    return;

  params = read_params (msg);
  if (authenticate_client (msg, params, &client_id) == CLIENT_REJECTED)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", "Client authentication failed");
      return;
    }
  token = g_hash_table_lookup (params, "token");
  if (token == NULL || token[0] == '\0')
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "Missing required parameter: token");
      return;
    }

  /* revoke-refresh-tokens: the token must have been issued to the
   * application asking, else the request is refused. A token Auth0 does
   * not know is answered 200 (OAS: "or token was already invalid"). */
  r = g_hash_table_lookup (self->refresh, token);
  if (r != NULL && g_strcmp0 (r->grant->client_id, client_id) != 0)
    {
      af_sandbox_auth0_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "The refresh token was not issued to this client.");
      return;
    }
  /* With "Refresh Token Revocation Deletes Grant" on (the sandbox's
   * setting), every refresh token of the grant goes. Access tokens stay
   * valid until they expire (OAS, revokeToken). */
  if (r != NULL)
    r->grant->revoked = TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "", 0);
}

void
af_sandbox_auth0_userinfo (AfSandboxAuth0    *self,
                           SoupServerMessage *msg)
{
  const char         *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  g_autoptr (JsonBuilder) b = NULL;
  Auth0Access *a = NULL;
  guint        retry_after;

  af_sandbox_count (self->sandbox, "auth0.userinfo");

  /* get-user-info: X-RateLimit-* on every answer. */
  if (af_sandbox_auth0_take_rate_limit (self, "auth0.userinfo", &retry_after))
    {
      af_sandbox_auth0_set_rate_headers (msg, retry_after);
      af_sandbox_auth0_send_error (msg, 429, "too_many_requests", "Rate limit exceeded.");
      return;
    }
  af_sandbox_auth0_set_rate_headers (msg, 0);

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    a = g_hash_table_lookup (self->access, header + 7);
  /* get-user-info: only with "openid" granted; 401 otherwise (RFC 6750
   * §3 for the challenge). */
  if (a == NULL || a->expires_at <= g_get_real_time () || !af_sandbox_auth0_scope_has (a->scope, "openid"))
    {
      soup_message_headers_replace (out, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "Unauthorized", 12);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sub");
  json_builder_add_string_value (b, AF_SANDBOX_AUTH0_USER_ID);
  if (af_sandbox_auth0_scope_has (a->scope, "profile"))
    {
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, "Alice Example");
      json_builder_set_member_name (b, "nickname");
      json_builder_add_string_value (b, "alice");
      json_builder_set_member_name (b, "updated_at");
      json_builder_add_string_value (b, "2026-01-01T00:00:00.000Z");
    }
  if (af_sandbox_auth0_scope_has (a->scope, "email"))
    {
      json_builder_set_member_name (b, "email");
      json_builder_add_string_value (b, AF_SANDBOX_ACCOUNT);
      json_builder_set_member_name (b, "email_verified");
      json_builder_add_boolean_value (b, TRUE);
    }
  json_builder_end_object (b);
  af_sandbox_auth0_send_json (msg, SOUP_STATUS_OK, b);
}
