/* af-sandbox-auth0.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-auth0"

#include "config.h"

#include <string.h>

#include "af-base64url.h"
#include "af-sandbox-auth0-private.h"
#include "af-sandbox-private.h"
#include "af-sandbox-jwt.h"

/* An Auth0 tenant with Token Vault, as far as AgentFlow can tell.
 *
 * The tenant's domain is the sandbox's base URL + AF_SANDBOX_AUTH0_PATH; its
 * issuer is that with a trailing slash, its My Account API audience that
 * with "/me/". One user (AF_SANDBOX_AUTH0_USER_ID, alice@example.com) signs
 * in without a login page; two applications are registered (a confidential
 * one set up for Token Vault, a public one); two connections are enabled
 * for Connected Accounts: google-oauth2 and sign-in-with-slack. The tokens
 * Token Vault hands out are registered with af_sandbox_add_token (), so the
 * sandbox's Gmail, Calendar and Slack APIs accept them; its tokens are
 * RS256 JWTs whose key /.well-known/jwks.json publishes (af-sandbox-jwt.c).
 *
 * This file holds the tenant's state, settings and discovery; the
 * Authentication API is in af-sandbox-auth0-token.c, the My Account API
 * and the browser step of Connected Accounts in af-sandbox-auth0-me.c.
 *
 * Pages it follows (auth0/docs-v2, the source of auth0.com/docs):
 * - Authentication API (af-sandbox-auth0-token.c): /authorize with PKCE
 *   https://auth0.com/docs/api/authentication/authorization-code-flow-with-pkce/authorize-with-pkce
 *   /oauth/token https://auth0.com/docs/api/authentication/authorization-code-flow-with-pkce/get-token-pkce
 *   refresh https://auth0.com/docs/api/authentication/refresh-token/refresh-token
 *   revoke https://auth0.com/docs/api/authentication/revoke-refresh-token/revoke-refresh-token
 *   /userinfo https://auth0.com/docs/api/authentication/user-profile/get-user-info
 *   and the Authentication API OpenAPI document (its error examples):
 *   https://auth0.com/docs/api/authentication (main/docs/oas/authentication/authentication-api-oas.json)
 * - Discovery https://auth0.com/docs/get-started/applications/configure-applications-with-oidc-discovery
 *   and https://auth0.com/docs/secure/tokens/json-web-tokens/locate-json-web-key-sets
 * - Refresh tokens https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation
 *   and https://auth0.com/docs/secure/tokens/refresh-tokens/revoke-refresh-tokens
 * - Token Vault https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault,
 *   https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault/configure-token-vault,
 *   https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault/refresh-token-exchange-with-token-vault,
 *   https://auth0.com/docs/api/authentication/token-vault-token-exchange/get-token
 * - Connected Accounts and the My Account API (af-sandbox-auth0-me.c):
 *   https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault/connected-accounts-for-token-vault,
 *   https://auth0.com/docs/manage-users/my-account-api,
 *   https://auth0.com/docs/api/myaccount (main/docs/oas/myaccount/myaccount-api-oas.json)
 * - Rate limits https://auth0.com/docs/troubleshoot/customer-support/operational-policies/rate-limit-policy/custom-rate-limit-policies
 *
 * Where those pages are silent the comment says so and the sandbox picks
 * the stricter behaviour. Not simulated: DPoP, organizations, MFA, the
 * access-token variant of the exchange (it needs a Custom API Client).
 */

#define CALLBACK_PATH "/callback"

typedef struct
{
  guint times;
  guint retry_after;
} RateLimit;

G_DEFINE_FINAL_TYPE (AfSandboxAuth0, af_sandbox_auth0, G_TYPE_OBJECT)

void
af_sandbox_auth0_code_free (gpointer data)
{
  Auth0Code *c = data;

  g_free (c->client_id);
  g_free (c->redirect_uri);
  g_free (c->challenge);
  g_free (c->scope);
  g_free (c->requested);
  g_free (c->audience);
  g_free (c->nonce);
  g_free (c);
}

void
af_sandbox_auth0_grant_free (gpointer data)
{
  Auth0Grant *g = data;

  g_free (g->client_id);
  g_free (g->scope);
  g_free (g->audience);
  g_free (g);
}

void
af_sandbox_auth0_access_free (gpointer data)
{
  Auth0Access *a = data;

  g_free (a->scope);
  g_free (a->audience);
  g_free (a);
}

/* Helpers shared with af-sandbox-auth0-me.c */

char *
af_sandbox_auth0_random (const char *prefix)
{
  guint8 bytes[24];

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = g_random_int_range (0, 256);
  {
    g_autofree char *b64 = af_base64url_encode (bytes, sizeof bytes, FALSE);

    return g_strconcat (prefix, b64, NULL);
  }
}

char *
af_sandbox_auth0_s256 (const char *verifier)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize  len = sizeof digest;

  g_checksum_update (checksum, (const guchar *)verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &len);
  return af_base64url_encode (digest, len, FALSE);
}

/* The application's Allowed Callback URLs: http://127.0.0.1/callback and
 * http://[::1]/callback. Auth0's pages say callbacks must match exactly and
 * do not say whether a loopback port is ignored; the sandbox ignores the
 * port of a loopback IP literal only, as RFC 8252 §7.3 asks of servers
 * (a desktop app listens on a random port), and matches the rest exactly:
 * scheme, host, path, no query, no fragment. */
gboolean
af_sandbox_auth0_callback_allowed (const char *redirect_uri)
{
  g_autoptr (GUri) uri = NULL;
  const char *host;

  if (redirect_uri == NULL || (uri = g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL)) == NULL)
    return FALSE;

  host = g_uri_get_host (uri);
  return g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 &&
         (g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0) &&
         g_strcmp0 (g_uri_get_path (uri), CALLBACK_PATH) == 0 && g_uri_get_query (uri) == NULL &&
         g_uri_get_fragment (uri) == NULL && g_uri_get_userinfo (uri) == NULL;
}

gboolean
af_sandbox_auth0_take_rate_limit (AfSandboxAuth0 *self,
                                  const char     *method_id,
                                  guint          *retry_after)
{
  RateLimit *limit = g_hash_table_lookup (self->limits, method_id);

  if (limit == NULL || limit->times == 0)
    return FALSE;

  *retry_after = limit->retry_after;
  if (--limit->times == 0)
    g_hash_table_remove (self->limits, method_id);
  return TRUE;
}

/* custom-rate-limit-policies: 429 with Retry-After (seconds); the
 * X-RateLimit-* headers report the tenant's bucket on every answer. */
void
af_sandbox_auth0_set_rate_headers (SoupServerMessage *msg,
                                   guint              retry_after)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char    *reset = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC + MAX (retry_after, 1));

  soup_message_headers_replace (headers, "X-RateLimit-Limit", "100");
  soup_message_headers_replace (headers, "X-RateLimit-Remaining", retry_after > 0 ? "0" : "99");
  soup_message_headers_replace (headers, "X-RateLimit-Reset", reset);
  if (retry_after > 0)
    {
      g_autofree char *value = g_strdup_printf ("%u", retry_after);

      soup_message_headers_replace (headers, "Retry-After", value);
    }
}

void
af_sandbox_auth0_send_html (SoupServerMessage *msg,
                            guint              status,
                            const char        *title,
                            const char        *text)
{
  g_autofree char *t = g_markup_escape_text (title, -1);
  g_autofree char *x = g_markup_escape_text (text, -1);
  g_autofree char *html = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head>"
                                           "<body><h1>%s</h1><p>%s</p></body></html>",
                                           t, t, x);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html, strlen (html));
}

void
af_sandbox_auth0_redirect (SoupServerMessage *msg,
                           const char        *redirect_uri,
                           GHashTable        *params)
{
  g_autofree char *query = soup_form_encode_hash (params);
  g_autofree char *location = g_strconcat (redirect_uri, "?", query, NULL);

  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

gboolean
af_sandbox_auth0_scope_has (const char *scope,
                            const char *wanted)
{
  g_auto (GStrv) scopes = g_strsplit (scope ? scope : "", " ", -1);

  return g_strv_contains ((const char *const *)scopes, wanted);
}

/* The scopes each connection is configured with in the dashboard; a
 * Connected Accounts request without `scopes` gets these. */
char **
af_sandbox_auth0_connection_scopes (const char *connection)
{
  if (g_strcmp0 (connection, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION) == 0)
    return g_strsplit ("openid profile email " AF_SANDBOX_GOOGLE_SCOPES, " ", -1);
  if (g_strcmp0 (connection, AF_SANDBOX_AUTH0_SLACK_CONNECTION) == 0)
    return g_strsplit (AF_SANDBOX_SLACK_SCOPES, " ", -1);
  return NULL;
}

/* Local helpers */

static char *
dup_domain (AfSandboxAuth0 *self)
{
  return g_strconcat (af_sandbox_get_base_url (self->sandbox), AF_SANDBOX_AUTH0_PATH, NULL);
}

char *
af_sandbox_auth0_dup_endpoint (AfSandboxAuth0 *self,
                               const char     *path)
{
  return g_strconcat (af_sandbox_get_base_url (self->sandbox), AF_SANDBOX_AUTH0_PATH, path, NULL);
}

void
af_sandbox_auth0_send_json (SoupServerMessage *msg,
                            guint              status,
                            JsonBuilder       *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *body = json_to_string (root, FALSE);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY, body, strlen (body));
}

/* {"error", "error_description"}: the shape of every Authentication API
 * error in its OpenAPI document. */
void
af_sandbox_auth0_send_error (SoupServerMessage *msg,
                             guint              status,
                             const char        *error,
                             const char        *description)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error);
  json_builder_set_member_name (b, "error_description");
  json_builder_add_string_value (b, description);
  json_builder_end_object (b);
  af_sandbox_auth0_send_json (msg, status, b);
}

gboolean
af_sandbox_auth0_rate_limited (AfSandboxAuth0    *self,
                               SoupServerMessage *msg,
                               const char        *method_id)
{
  guint retry_after;

  if (!af_sandbox_auth0_take_rate_limit (self, method_id, &retry_after))
    return FALSE;

  af_sandbox_auth0_set_rate_headers (msg, retry_after);
  af_sandbox_auth0_send_error (msg, 429, "too_many_requests", "Rate limit exceeded.");
  return TRUE;
}

/* Endpoints: discovery */

static void
discovery (AfSandboxAuth0    *self,
           SoupServerMessage *msg)
{
  static const char *const scopes[] = { "openid", "profile", "offline_access", "name", "nickname", "email", "email_verified", NULL };
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *issuer = af_sandbox_auth0_dup_issuer (self);
  struct
  {
    const char *member;
    const char *path;
  } endpoints[] = {
    { "authorization_endpoint", "/authorize" },
    { "token_endpoint", "/oauth/token" },
    { "userinfo_endpoint", "/userinfo" },
    { "jwks_uri", "/.well-known/jwks.json" },
    { "revocation_endpoint", "/oauth/revoke" },
  };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "issuer");
  json_builder_add_string_value (b, issuer);
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      g_autofree char *url = af_sandbox_auth0_dup_endpoint (self, endpoints[i].path);

      json_builder_set_member_name (b, endpoints[i].member);
      json_builder_add_string_value (b, url);
    }
  json_builder_set_member_name (b, "scopes_supported");
  json_builder_begin_array (b);
  for (guint i = 0; scopes[i] != NULL; i++)
    json_builder_add_string_value (b, scopes[i]);
  json_builder_end_array (b);
  /* Only what the sandbox implements: the code flow, S256, query. */
  json_builder_set_member_name (b, "response_types_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "code");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "code_challenge_methods_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "S256");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "response_modes_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "query");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "subject_types_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "public");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "id_token_signing_alg_values_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "RS256");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "token_endpoint_auth_methods_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "client_secret_basic");
  json_builder_add_string_value (b, "client_secret_post");
  json_builder_add_string_value (b, "none");
  json_builder_end_array (b);
  json_builder_end_object (b);
  af_sandbox_auth0_send_json (msg, SOUP_STATUS_OK, b);
}

static void
jwks (SoupServerMessage *msg)
{
  g_autoptr (JsonNode) root = af_sandbox_jwt_jwks ();
  g_autofree char *body = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *full_path,
               GHashTable        *query,
               gpointer           user_data)
{
  AfSandboxAuth0 *self = AF_SANDBOX_AUTH0 (user_data);
  const char     *path = full_path + strlen (AF_SANDBOX_AUTH0_PATH);
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self->sandbox);

  if (g_str_equal (path, "/.well-known/openid-configuration"))
    discovery (self, msg);
  else if (g_str_equal (path, "/.well-known/jwks.json"))
    jwks (msg);
  else if (g_str_equal (path, "/authorize"))
    af_sandbox_auth0_authorize (self, msg, query);
  else if (g_str_equal (path, "/oauth/token"))
    af_sandbox_auth0_token (self, msg);
  else if (g_str_equal (path, "/oauth/revoke"))
    af_sandbox_auth0_revoke (self, msg);
  else if (g_str_equal (path, "/userinfo"))
    af_sandbox_auth0_userinfo (self, msg);
  else if (g_str_equal (path, "/connect"))
    af_sandbox_auth0_connect_page (self, msg, query);
  else if (g_str_has_prefix (path, "/me/v1/"))
    af_sandbox_auth0_me_handle (self, msg, path + strlen ("/me/v1"), query);
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
af_sandbox_auth0_finalize (GObject *object)
{
  AfSandboxAuth0 *self = (AfSandboxAuth0 *)object;

  g_hash_table_unref (self->withheld);
  g_hash_table_unref (self->limits);
  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->refresh);
  g_hash_table_unref (self->access);
  g_hash_table_unref (self->connects);
  g_ptr_array_unref (self->accounts);
  g_ptr_array_unref (self->grants);
  g_free (self->last_login_hint);

  G_OBJECT_CLASS (af_sandbox_auth0_parent_class)->finalize (object);
}

static void
af_sandbox_auth0_class_init (AfSandboxAuth0Class *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_sandbox_auth0_finalize;
}

static void
af_sandbox_auth0_init (AfSandboxAuth0 *self)
{
  /* Auth0's default access token lifetime for an API is 86400 s; the
   * provider tokens are Google's and Slack's hour. */
  self->access_lifetime = 86400;
  self->provider_lifetime = 3599;
  self->withheld = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
  self->limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, af_sandbox_auth0_code_free);
  self->grants = g_ptr_array_new_with_free_func (af_sandbox_auth0_grant_free);
  self->refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->access = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, af_sandbox_auth0_access_free);
  self->accounts = g_ptr_array_new_with_free_func (af_sandbox_auth0_account_free);
  self->connects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, af_sandbox_auth0_connect_free);
}

/**
 * af_sandbox_auth0_register:
 *
 * Adds the tenant's routes under %AF_SANDBOX_AUTH0_PATH to @sandbox's
 * server (called by af_sandbox_start ()).
 */
void
af_sandbox_auth0_register (AfSandbox *sandbox)
{
  AfSandboxAuth0 *self;
  SoupServer     *server;

  g_return_if_fail (AF_IS_SANDBOX (sandbox));

  server = af_sandbox_get_server (sandbox);
  g_return_if_fail (server != NULL);

  self = af_sandbox_auth0_get (sandbox);
  if (self == NULL)
    {
      self = g_object_new (AF_TYPE_SANDBOX_AUTH0, NULL);
      self->sandbox = sandbox;
      g_object_set_data_full (G_OBJECT (sandbox), "af-sandbox-auth0", self, g_object_unref);
    }

  soup_server_add_handler (server, AF_SANDBOX_AUTH0_PATH, on_request_cb, self, NULL);
}

/**
 * af_sandbox_auth0_get:
 *
 * Returns: (transfer none) (nullable): @sandbox's Auth0 tenant
 */
AfSandboxAuth0 *
af_sandbox_auth0_get (AfSandbox *sandbox)
{
  g_return_val_if_fail (AF_IS_SANDBOX (sandbox), NULL);
  return g_object_get_data (G_OBJECT (sandbox), "af-sandbox-auth0");
}

/**
 * af_sandbox_auth0_dup_domain_url:
 *
 * Returns: (transfer full): the tenant's base URL, "https://{yourDomain}"
 *   in Auth0's pages, without a trailing slash
 */
char *
af_sandbox_auth0_dup_domain_url (AfSandboxAuth0 *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX_AUTH0 (self), NULL);
  return dup_domain (self);
}

/**
 * af_sandbox_auth0_dup_issuer:
 *
 * Returns: (transfer full): the `iss` of the tenant's tokens: the domain
 *   URL with a trailing slash, as in Auth0's discovery document
 */
char *
af_sandbox_auth0_dup_issuer (AfSandboxAuth0 *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX_AUTH0 (self), NULL);
  return af_sandbox_auth0_dup_endpoint (self, "/");
}

/**
 * af_sandbox_auth0_dup_my_account_audience:
 *
 * Returns: (transfer full): "https://{yourDomain}/me/" for this tenant
 */
char *
af_sandbox_auth0_dup_my_account_audience (AfSandboxAuth0 *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX_AUTH0 (self), NULL);
  return af_sandbox_auth0_dup_endpoint (self, "/me/");
}

/**
 * af_sandbox_auth0_set_rotation:
 *
 * Turns the application's "Allow Refresh Token Rotation" on or off (off
 * by default, as Token Vault requires).
 */
void
af_sandbox_auth0_set_rotation (AfSandboxAuth0 *self,
                               gboolean        rotation)
{
  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));
  self->rotation = rotation;
}

/**
 * af_sandbox_auth0_expire_refresh_tokens:
 *
 * Every Auth0 refresh token issued so far reaches its lifetime, as after
 * an idle or absolute expiry.
 */
void
af_sandbox_auth0_expire_refresh_tokens (AfSandboxAuth0 *self)
{
  GHashTableIter iter;
  gpointer       value;

  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));
  /* Only those: a sign-in after this gets a fresh one. */
  g_hash_table_iter_init (&iter, self->refresh);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Auth0Refresh *)value)->expired = TRUE;
}

/**
 * af_sandbox_auth0_set_access_token_lifetime:
 * @seconds: expires_in of new Auth0 access tokens (default 86400)
 */
void
af_sandbox_auth0_set_access_token_lifetime (AfSandboxAuth0 *self,
                                            guint           seconds)
{
  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));
  self->access_lifetime = seconds;
}

/**
 * af_sandbox_auth0_set_provider_token_lifetime:
 * @seconds: lifetime of the Google and Slack access tokens Token Vault
 *   gets from now on (default 3599)
 */
void
af_sandbox_auth0_set_provider_token_lifetime (AfSandboxAuth0 *self,
                                              guint           seconds)
{
  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));
  self->provider_lifetime = MAX (seconds, 1);
}

/**
 * af_sandbox_auth0_set_withheld_scopes:
 * @scopes: (nullable): space-separated scopes the person unticks at the
 *   provider's consent screen when connecting @connection
 */
void
af_sandbox_auth0_set_withheld_scopes (AfSandboxAuth0 *self,
                                      const char     *connection,
                                      const char     *scopes)
{
  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));
  g_return_if_fail (connection != NULL);

  if (scopes == NULL)
    g_hash_table_remove (self->withheld, connection);
  else
    g_hash_table_replace (self->withheld, g_strdup (connection), g_strsplit (scopes, " ", -1));
}

/**
 * af_sandbox_auth0_set_login_denied:
 *
 * Whether the person refuses at /authorize (error=access_denied).
 */
void
af_sandbox_auth0_set_login_denied (AfSandboxAuth0 *self,
                                   gboolean        denied)
{
  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));
  self->login_denied = denied;
}

/**
 * af_sandbox_auth0_dup_last_login_hint:
 *
 * Returns: (transfer full) (nullable): the login_hint of the last
 *   /authorize request, %NULL when it had none
 */
char *
af_sandbox_auth0_dup_last_login_hint (AfSandboxAuth0 *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX_AUTH0 (self), NULL);
  return g_strdup (self->last_login_hint);
}

/**
 * af_sandbox_auth0_set_connect_denied:
 *
 * Whether the person refuses at the provider's consent screen during a
 * Connected Accounts request.
 */
void
af_sandbox_auth0_set_connect_denied (AfSandboxAuth0 *self,
                                     gboolean        denied)
{
  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));
  self->connect_denied = denied;
}

/**
 * af_sandbox_auth0_add_rate_limit:
 * @method_id: "auth0.oauth.token", "auth0.authorize", "auth0.oauth.revoke",
 *   "auth0.userinfo" or a My Account API one, "auth0.me.connected_accounts.
 *   connect", "….complete", "….list", "….connections", "….delete"
 * @times: how many of the next requests get 429
 * @retry_after: the Retry-After they carry, in seconds
 */
void
af_sandbox_auth0_add_rate_limit (AfSandboxAuth0 *self,
                                 const char     *method_id,
                                 guint           times,
                                 guint           retry_after)
{
  RateLimit *limit;

  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));
  g_return_if_fail (method_id != NULL);

  limit = g_new0 (RateLimit, 1);
  limit->times = times;
  limit->retry_after = MAX (retry_after, 1);
  g_hash_table_replace (self->limits, g_strdup (method_id), limit);
}

/**
 * af_sandbox_auth0_expire_connect_requests:
 *
 * Every pending Connected Accounts request outlives its ticket
 * (`expires_in`, 300 s) and its connect_code, as when the person leaves
 * the browser open.
 */
void
af_sandbox_auth0_expire_connect_requests (AfSandboxAuth0 *self)
{
  GHashTableIter iter;
  gpointer       value;

  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));

  g_hash_table_iter_init (&iter, self->connects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Auth0Connect *c = value;

      c->expires_at = 0;
      c->code_expires_at = 0;
    }
}

/**
 * af_sandbox_auth0_drop_token_set:
 *
 * Removes the connected account of @connection and its tokenset, as Auth0
 * does when the provider's refresh token expires
 * (refresh-token-exchange-with-token-vault, "External provider refresh
 * token expiration policy").
 */
void
af_sandbox_auth0_drop_token_set (AfSandboxAuth0 *self,
                                 const char     *connection)
{
  g_return_if_fail (AF_IS_SANDBOX_AUTH0 (self));

  for (guint i = self->accounts->len; i-- > 0;)
    {
      Auth0Account *account = self->accounts->pdata[i];

      if (g_strcmp0 (account->connection, connection) == 0)
        g_ptr_array_remove_index (self->accounts, i);
    }
}

guint
af_sandbox_auth0_get_n_connected_accounts (AfSandboxAuth0 *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX_AUTH0 (self), 0);
  return self->accounts->len;
}
