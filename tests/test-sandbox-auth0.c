/* test-sandbox-auth0.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "af-test-auth0.h"

/* The sandbox's Auth0 tenant over real HTTP on 127.0.0.1, with the
 * shapes and errors of Auth0's Authentication API, Token Vault and My
 * Account API references. */

/* Tests: discovery and keys */

static void
test_discovery (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (Reply) doc = request (f, "GET", "/.well-known/openid-configuration", NULL, NULL, NULL);
  g_autoptr (Reply) keys = NULL;
  g_autofree char *issuer = g_strconcat (f->domain, "/", NULL);
  g_autofree char *token = g_strconcat (f->domain, "/oauth/token", NULL);
  JsonObject      *key;

  /* configure-applications-with-oidc-discovery: issuer ends with "/". */
  g_assert_cmpuint (doc->status, ==, 200);
  g_assert_cmpstr (str (doc, "issuer"), ==, issuer);
  g_assert_cmpstr (str (doc, "token_endpoint"), ==, token);
  g_assert_true (g_str_has_suffix (str (doc, "authorization_endpoint"), "/auth0/authorize"));
  g_assert_true (g_str_has_suffix (str (doc, "revocation_endpoint"), "/auth0/oauth/revoke"));
  g_assert_true (g_str_has_suffix (str (doc, "userinfo_endpoint"), "/auth0/userinfo"));

  keys = request (f, "GET", str (doc, "jwks_uri"), NULL, NULL, NULL);
  g_assert_cmpuint (keys->status, ==, 200);
  key = json_array_get_object_element (json_object_get_array_member (obj (keys), "keys"), 0);
  g_assert_cmpstr (json_object_get_string_member (key, "kty"), ==, "RSA");
  g_assert_cmpstr (json_object_get_string_member (key, "alg"), ==, "RS256");
  g_assert_cmpstr (json_object_get_string_member (key, "kid"), ==, AF_SANDBOX_JWT_KEY_ID);
  g_assert_cmpstr (json_object_get_string_member (key, "e"), ==, "AQAB");
  /* The modulus of the key that signed the known answer below. */
  g_assert_cmpstr (json_object_get_string_member (key, "n"), ==,
                   "0jLCD387gd0sb2ln4kjsTkQqbB7dHqPZCZ5E6iXOgOVUZWOaqqQ9tySAIS1xW32MDQCsjvq7XLokR02zxpCuYtYBvLqLWt4brZ9RBoTqwNgQ5UoZ"
                   "EGY24brAtEjpoQQr5LkqxeVGoohphXwWEk5luX4AhnLs5YTepxj-imCZWHb_u1HBKqtXc07C0LpIlCY9Xs3yUmzdsTb20vxyJrsGs5UFrVYY4Bbg"
                   "aEaVlzUpBF-nyLuJs4PVKZvrNdY2T0jDOOVEoBc0CJBpix8TD4BGu5_VK-6enyZCeOXHT8Pz3Lq7V0I43qYuhOhlHnKVQNnDhH_YqdKStWFZSSN-"
                   "LItTzQ");
}

static void
test_jwt_known_answer (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (JsonNode) claims = json_from_string ("{\"sub\":\"kat\"}", NULL);
  g_autofree char *jwt = af_sandbox_jwt_sign (claims);
  g_autofree char *tampered = NULL;

  /* RS256 is deterministic: this is what an independent RSA
   * implementation (Python's cryptography) signs with the same key. */
  g_assert_cmpstr (jwt, ==,
                   "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InNhbmRib3gtcnMyNTYtMSJ9.eyJzdWIiOiJrYXQifQ."
                   "CjPHyA_FaaApkSB3DhMdow6SnU1mFeN3G1fGHPPug-7ZIMdD1_dnLg8MRymWaRY0cppyVdwzn69iyLwGqz6c3cfh1DnXmnvpT3vhETI69mHtYBsNy"
                   "zcKiPoeK4TJFFFX7FkM3Sq6gCY9xe7nNvRzw83KaKSQC8mYygDiVuyXAKeqzL9POPIeSz_DSqcB4FZ9zEF3Ec0nEFUyihhn4eX8jorjv5c7PpG7e"
                   "yGTXois0PpWEDldPE6N3MKBo8VEaBgoFA3UAb8DISU0buKIyVCesg0d2ykAVO4W6oPm-1m6OfPI6m41o9nY0Yn1VoJQtTLLJs3BdjNu5fyh70e2b"
                   "6qoeg");
  g_assert_true (af_sandbox_jwt_verify (jwt, NULL));

  /* A payload changed after signing does not verify. */
  tampered = g_strdup (jwt);
  tampered[strchr (tampered, '.') - tampered + 3] ^= 1;
  g_assert_false (af_sandbox_jwt_verify (tampered, NULL));
  g_assert_false (af_sandbox_jwt_verify ("a.b", NULL));
}

/* Tests: /authorize */

static void
assert_error_page (Fixture    *f,
                   const char *url)
{
  g_autoptr (Reply) reply = request (f, "GET", url, NULL, NULL, NULL);

  /* RFC 6749 §4.1.2.1: shown, never redirected. */
  g_assert_cmpuint (reply->status, ==, 400);
  g_assert_null (soup_message_headers_get_one (reply->headers, "Location"));
}

static void
assert_authorize_error (Fixture    *f,
                        const char *url,
                        const char *error)
{
  g_autoptr (Reply) reply = request (f, "GET", url, NULL, NULL, NULL);
  g_autoptr (GHashTable) q = location_query (reply, CALLBACK "?");

  g_assert_cmpstr (g_hash_table_lookup (q, "error"), ==, error);
  g_assert_nonnull (g_hash_table_lookup (q, "error_description"));
  g_assert_cmpstr (g_hash_table_lookup (q, "state"), ==, "st-42");
  g_assert_null (g_hash_table_lookup (q, "code"));
}

static void
test_authorize (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *unknown = authorize_url ("nobody", CALLBACK, "openid", NULL, "S256", "code");
  g_autofree char *remote = authorize_url (AF_SANDBOX_AUTH0_CLIENT_ID, "http://evil.example/callback", "openid", NULL, "S256", "code");
  g_autofree char *path = authorize_url (AF_SANDBOX_AUTH0_CLIENT_ID, "http://127.0.0.1:47301/other", "openid", NULL, "S256", "code");
  g_autofree char *no_pkce = authorize_url (AF_SANDBOX_AUTH0_CLIENT_ID, CALLBACK, "openid", NULL, NULL, "code");
  g_autofree char *plain = authorize_url (AF_SANDBOX_AUTH0_CLIENT_ID, CALLBACK, "openid", NULL, "plain", "code");
  g_autofree char *implicit = authorize_url (AF_SANDBOX_AUTH0_CLIENT_ID, CALLBACK, "openid", NULL, "S256", "token");
  g_autofree char *api = authorize_url (AF_SANDBOX_AUTH0_CLIENT_ID, CALLBACK, "openid", "https://api.example/", "S256", "code");
  g_autofree char *ok = authorize_url (AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID, "http://127.0.0.1:5/callback", "openid", NULL, "S256", "code");
  g_autoptr (Reply) other_port = NULL;

  assert_error_page (f, unknown);
  assert_error_page (f, remote);
  assert_error_page (f, path);
  assert_authorize_error (f, no_pkce, "invalid_request");
  assert_authorize_error (f, plain, "invalid_request");
  assert_authorize_error (f, implicit, "unsupported_response_type");
  assert_authorize_error (f, api, "access_denied");

  af_sandbox_auth0_set_login_denied (f->tenant, TRUE);
  {
    g_autofree char *url = authorize_url (AF_SANDBOX_AUTH0_CLIENT_ID, CALLBACK, "openid", NULL, "S256", "code");

    assert_authorize_error (f, url, "access_denied");
  }
  af_sandbox_auth0_set_login_denied (f->tenant, FALSE);

  /* Any loopback port (RFC 8252 §7.3). */
  other_port = request (f, "GET", ok, NULL, NULL, NULL);
  g_assert_cmpuint (other_port->status, ==, 302);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (other_port->headers, "Location"), "http://127.0.0.1:5/callback?"));
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "auth0.authorize"), ==, 10);
}

/* Tests: /oauth/token */

static void
test_authorization_code (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *code = get_code (f, AF_SANDBOX_AUTH0_CLIENT_ID, "openid profile email offline_access", NULL);
  g_autofree char *issuer = af_sandbox_auth0_dup_issuer (f->tenant);
  g_autoptr (Reply) tokens = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, code, VERIFIER);
  g_autoptr (Reply) again = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, code, VERIFIER);
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *claims;

  /* get-token-pkce: access, refresh (offline_access), ID token. */
  g_assert_cmpuint (tokens->status, ==, 200);
  g_assert_cmpstr (str (tokens, "token_type"), ==, "Bearer");
  g_assert_nonnull (str (tokens, "access_token"));
  g_assert_nonnull (str (tokens, "refresh_token"));
  g_assert_cmpint (json_object_get_int_member (obj (tokens), "expires_in"), ==, 86400);
  /* Everything asked for was granted: no "scope" (RFC 6749 §5.1). */
  g_assert_false (json_object_has_member (obj (tokens), "scope"));
  g_assert_cmpstr (soup_message_headers_get_one (tokens->headers, "Cache-Control"), ==, "no-store");
  claims = jwt_claims (str (tokens, "id_token"), &keep);
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==, issuer);
  g_assert_cmpstr (json_object_get_string_member (claims, "aud"), ==, AF_SANDBOX_AUTH0_CLIENT_ID);
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, AF_SANDBOX_AUTH0_USER_ID);
  g_assert_cmpstr (json_object_get_string_member (claims, "nonce"), ==, "n-42");
  g_assert_cmpstr (json_object_get_string_member (claims, "email"), ==, AF_SANDBOX_ACCOUNT);
  g_assert_true (json_object_get_boolean_member (claims, "email_verified"));

  /* A code works once. */
  assert_oauth_error (again, 400, "invalid_grant");

  {
    g_autofree char *c1 = get_code (f, AF_SANDBOX_AUTH0_CLIENT_ID, "openid", NULL);
    g_autofree char *c2 = get_code (f, AF_SANDBOX_AUTH0_CLIENT_ID, "openid", NULL);
    g_autofree char *c3 = get_code (f, AF_SANDBOX_AUTH0_CLIENT_ID, "openid", NULL);
    g_autofree char *c4 = get_code (f, AF_SANDBOX_AUTH0_CLIENT_ID, "openid", NULL);
    g_autofree char *c5 = get_code (f, AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID, "openid profile read:me:connected_accounts", NULL);
    g_autoptr (Reply) wrong_verifier = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, c1, VERIFIER "x");
    g_autoptr (Reply) spent = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, c1, VERIFIER);
    g_autoptr (Reply) no_verifier = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, c2, NULL);
    g_autoptr (Reply) bad_secret = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, "guess", c2, VERIFIER);
    g_autoptr (Reply) no_secret = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, NULL, c2, VERIFIER);
    g_autoptr (Reply) other_redirect = post_form (f, "/oauth/token", "grant_type", "authorization_code", "client_id",
                                                  AF_SANDBOX_AUTH0_CLIENT_ID, "client_secret", AF_SANDBOX_AUTH0_CLIENT_SECRET,
                                                  "code", c3, "code_verifier", VERIFIER, "redirect_uri", "http://127.0.0.1:1/callback", NULL);
    g_autofree char *json_body = g_strdup_printf ("{\"grant_type\":\"authorization_code\",\"client_id\":\"%s\",\"client_secret\":\"%s\","
                                                  "\"code\":\"%s\",\"code_verifier\":\"%s\",\"redirect_uri\":\"%s\"}",
                                                  AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, c4, VERIFIER, CALLBACK);
    g_autoptr (Reply) as_json = request (f, "POST", "/oauth/token", NULL, "application/json", json_body);
    g_autoptr (Reply) public = redeem (f, AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID, NULL, c5, VERIFIER);
    g_autoptr (Reply) grant = post_form (f, "/oauth/token", "grant_type", "password", "client_id", AF_SANDBOX_AUTH0_CLIENT_ID,
                                         "client_secret", AF_SANDBOX_AUTH0_CLIENT_SECRET, NULL);

    assert_oauth_error (wrong_verifier, 400, "invalid_grant");
    assert_oauth_error (spent, 400, "invalid_grant");
    assert_oauth_error (no_verifier, 400, "invalid_request");
    g_assert_cmpstr (str (no_verifier, "error_description"), ==, "Missing required parameter: code_verifier");
    assert_oauth_error (bad_secret, 401, "invalid_client");
    assert_oauth_error (no_secret, 401, "invalid_client");
    assert_oauth_error (other_redirect, 400, "invalid_grant");
    g_assert_cmpuint (as_json->status, ==, 200);
    /* No offline_access, no refresh token. */
    g_assert_cmpuint (public->status, ==, 200);
    g_assert_null (str (public, "refresh_token"));
    /* Less granted than asked: the answer says what. */
    g_assert_cmpstr (str (public, "scope"), ==, "openid profile");
    assert_oauth_error (grant, 400, "unsupported_grant_type");
  }
}

static void
test_refresh (Fixture      *f,
              gconstpointer data)
{
  g_autofree char *me = af_sandbox_auth0_dup_my_account_audience (f->tenant);
  g_autoptr (Reply) plain = refresh_as (f, f->refresh, NULL, NULL);
  g_autoptr (Reply) narrow = refresh_as (f, f->refresh, "openid read:me:connected_accounts", me);
  g_autoptr (Reply) wide = refresh_as (f, f->refresh, "openid update:me:authentication_methods", me);
  g_autoptr (Reply) unknown = refresh_as (f, "sandbox-auth0-rt-nope", NULL, NULL);
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *claims;

  /* Rotation off: a new access token, the refresh token stays. */
  g_assert_cmpuint (plain->status, ==, 200);
  g_assert_null (str (plain, "refresh_token"));
  g_assert_nonnull (str (plain, "id_token"));

  /* MRRT: a My Account API token with fewer scopes. */
  g_assert_cmpuint (narrow->status, ==, 200);
  g_assert_cmpstr (str (narrow, "scope"), ==, "openid read:me:connected_accounts");
  claims = jwt_claims (str (narrow, "access_token"), &keep);
  g_assert_cmpstr (json_object_get_string_member (claims, "scope"), ==, "openid read:me:connected_accounts");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (claims, "aud"), 0), ==, me);

  assert_oauth_error (wide, 400, "invalid_scope");
  /* refresh-token: 403 for an invalid or expired refresh token. */
  assert_oauth_error (unknown, 403, "invalid_grant");

  af_sandbox_auth0_expire_refresh_tokens (f->tenant);
  {
    g_autoptr (Reply) expired = refresh_as (f, f->refresh, NULL, NULL);

    assert_oauth_error (expired, 403, "invalid_grant");
  }
}

static void
test_rotation (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (Reply) first = NULL;
  g_autoptr (Reply) second = NULL;
  g_autoptr (Reply) reuse = NULL;
  g_autoptr (Reply) family = NULL;

  af_sandbox_auth0_set_rotation (f->tenant, TRUE);
  first = refresh_as (f, f->refresh, NULL, NULL);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_nonnull (str (first, "refresh_token"));
  g_assert_cmpstr (str (first, "refresh_token"), !=, f->refresh);
  second = refresh_as (f, str (first, "refresh_token"), NULL, NULL);
  g_assert_cmpuint (second->status, ==, 200);

  /* refresh-token-rotation: reusing a spent token revokes the family. */
  reuse = refresh_as (f, f->refresh, NULL, NULL);
  assert_oauth_error (reuse, 403, "invalid_grant");
  family = refresh_as (f, str (second, "refresh_token"), NULL, NULL);
  assert_oauth_error (family, 403, "invalid_grant");
}

static void
test_revoke_and_userinfo (Fixture      *f,
                          gconstpointer data)
{
  g_autofree char *code = get_code (f, AF_SANDBOX_AUTH0_CLIENT_ID, "openid profile email offline_access", NULL);
  g_autoptr (Reply) tokens = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, code, VERIFIER);
  g_autoptr (Reply) info = request (f, "GET", "/userinfo", str (tokens, "access_token"), NULL, NULL);
  g_autoptr (Reply) anonymous = request (f, "GET", "/userinfo", NULL, NULL, NULL);
  g_autoptr (Reply) no_token = post_form (f, "/oauth/revoke", "client_id", AF_SANDBOX_AUTH0_CLIENT_ID, "client_secret",
                                          AF_SANDBOX_AUTH0_CLIENT_SECRET, NULL);
  g_autoptr (Reply) bad_client = post_form (f, "/oauth/revoke", "client_id", AF_SANDBOX_AUTH0_CLIENT_ID, "client_secret", "guess",
                                            "token", f->refresh, NULL);
  g_autoptr (Reply) other_client = post_form (f, "/oauth/revoke", "client_id", AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID, "token", f->refresh, NULL);
  g_autoptr (Reply) unknown = post_form (f, "/oauth/revoke", "client_id", AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID, "token", "never-issued", NULL);
  g_autoptr (Reply) revoked = NULL;
  g_autoptr (Reply) refresh = NULL;
  g_autoptr (Reply) still = NULL;

  /* get-user-info: the profile of the scopes, rate-limit headers. */
  g_assert_cmpuint (info->status, ==, 200);
  g_assert_cmpstr (str (info, "sub"), ==, AF_SANDBOX_AUTH0_USER_ID);
  g_assert_cmpstr (str (info, "email"), ==, AF_SANDBOX_ACCOUNT);
  g_assert_cmpstr (str (info, "name"), ==, "Alice Example");
  g_assert_nonnull (soup_message_headers_get_one (info->headers, "X-RateLimit-Limit"));
  g_assert_nonnull (soup_message_headers_get_one (info->headers, "X-RateLimit-Reset"));
  g_assert_cmpuint (anonymous->status, ==, 401);
  g_assert_nonnull (soup_message_headers_get_one (anonymous->headers, "WWW-Authenticate"));

  assert_oauth_error (no_token, 400, "invalid_request");
  assert_oauth_error (bad_client, 401, "invalid_client");
  assert_oauth_error (other_client, 400, "invalid_request");
  g_assert_cmpuint (unknown->status, ==, 200);

  /* revoke-refresh-token: 200, no body; the refresh token is dead, the
   * access token lives until it expires (OAS, revokeToken). */
  revoked = post_form (f, "/oauth/revoke", "client_id", AF_SANDBOX_AUTH0_CLIENT_ID, "client_secret", AF_SANDBOX_AUTH0_CLIENT_SECRET,
                       "token", str (tokens, "refresh_token"), NULL);
  g_assert_cmpuint (revoked->status, ==, 200);
  g_assert_cmpstr (revoked->body, ==, "");
  refresh = refresh_as (f, str (tokens, "refresh_token"), NULL, NULL);
  assert_oauth_error (refresh, 403, "invalid_grant");
  still = request (f, "GET", "/userinfo", str (tokens, "access_token"), NULL, NULL);
  g_assert_cmpuint (still->status, ==, 200);
}

/* Tests: My Account API */

static void
test_connect_errors (Fixture      *f,
                     gconstpointer data)
{
  g_autofree char *code = get_code (f, AF_SANDBOX_AUTH0_CLIENT_ID, "openid", NULL);
  g_autoptr (Reply) opaque = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, code, VERIFIER);
  g_autofree char *me = af_sandbox_auth0_dup_my_account_audience (f->tenant);
  g_autoptr (Reply) read_only = refresh_as (f, f->refresh, "read:me:connected_accounts", me);
  const char *good = "{\"connection\":\"google-oauth2\",\"redirect_uri\":\"" CALLBACK "\"}";
  struct
  {
    const char *token;
    const char *content_type;
    const char *body;
    guint       status;
    const char *title;
  } cases[] = {
    { NULL, "application/json", good, 401, "Missing Token" },
    { "not-a-token", "application/json", good, 401, "Unauthorized" },
    { NULL, "application/json", good, 401, "Unauthorized" },       /* opaque /userinfo token */
    { NULL, "application/json", good, 403, "Insufficient Scope" }, /* read-only token */
    { NULL, "text/plain", good, 415, "Unsupported Media Type" },
    { NULL, "application/json", "[1]", 400, "Bad Request" },
    { NULL, "application/json", "{\"redirect_uri\":\"" CALLBACK "\"}", 400, "Validation Error" },
    { NULL, "application/json", "{\"connection\":\"google-oauth2\",\"redirect_uri\":\"" CALLBACK "\",\"extra\":1}", 400, "Validation Error" },
    { NULL, "application/json", "{\"connection\":\"google-oauth2\",\"redirect_uri\":\"" CALLBACK "\",\"code_challenge\":\"" VERIFIER "\"}", 400, "Validation Error" },
    { NULL, "application/json", "{\"connection\":\"google-oauth2\",\"redirect_uri\":\"" CALLBACK "\",\"scopes\":[\"a\",\"a\"]}", 400, "Validation Error" },
    { NULL, "application/json", "{\"connection\":\"github\",\"redirect_uri\":\"" CALLBACK "\"}", 400, "Bad Request" },
    { NULL, "application/json", "{\"connection\":\"google-oauth2\",\"redirect_uri\":\"https://evil.example/callback\"}", 400, "Bad Request" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *token = cases[i].token ? cases[i].token : f->me_token;
      g_autoptr (Reply) reply = NULL;

      if (i == 0)
        token = NULL;
      else if (i == 2)
        token = str (opaque, "access_token");
      else if (i == 3)
        token = str (read_only, "access_token");
      reply = request (f, "POST", "/me/v1/connected-accounts/connect", token, cases[i].content_type, cases[i].body);
      assert_problem (reply, cases[i].status, cases[i].title);
      if (g_str_equal (cases[i].title, "Validation Error"))
        g_assert_nonnull (json_object_get_array_member (obj (reply), "validation_errors"));
    }
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (f->tenant), ==, 0);

  /* An expired My Account API token. */
  af_sandbox_auth0_set_access_token_lifetime (f->tenant, 0);
  {
    g_autoptr (Reply) fresh = refresh_as (f, f->refresh, NULL, me);
    g_autoptr (Reply) expired = NULL;

    g_assert_cmpuint (fresh->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (obj (fresh), "expires_in"), ==, 0);
    expired = connect_start (f, str (fresh, "access_token"), good);
    assert_problem (expired, 401, "Unauthorized");
  }
}

static void
test_complete_errors (Fixture      *f,
                      gconstpointer data)
{
  g_autofree char *challenge = challenge_of (VERIFIER);
  g_autofree char *body = g_strdup_printf ("{\"connection\":\"google-oauth2\",\"redirect_uri\":\"" CALLBACK "\",\"state\":\"cs-1\","
                                           "\"code_challenge\":\"%s\",\"code_challenge_method\":\"S256\"}",
                                           challenge);
  const char      *checks[][3] = {
         /* connect_code, redirect_uri, code_verifier */
    { "wrong-code", CALLBACK, VERIFIER },
    { NULL, "http://127.0.0.1:1/callback", VERIFIER },
    { NULL, CALLBACK, VERIFIER "-wrong" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      g_autoptr (Reply) start = connect_start (f, f->me_token, body);
      g_autofree char *url = g_strdup_printf ("%s?ticket=%s", str (start, "connect_uri"),
                                              json_object_get_string_member (json_object_get_object_member (obj (start), "connect_params"), "ticket"));
      g_autoptr (Reply) browser = request (f, "GET", url, NULL, NULL, NULL);
      g_autoptr (Reply) twice = request (f, "GET", url, NULL, NULL, NULL);
      g_autoptr (GHashTable) q = location_query (browser, CALLBACK "?");
      const char      *right = g_hash_table_lookup (q, "connect_code");
      g_autofree char *complete = g_strdup_printf ("{\"auth_session\":\"%s\",\"connect_code\":\"%s\",\"redirect_uri\":\"%s\",\"code_verifier\":\"%s\"}",
                                                   str (start, "auth_session"), checks[i][0] ? checks[i][0] : right, checks[i][1], checks[i][2]);
      g_autofree char *retry = g_strdup_printf ("{\"auth_session\":\"%s\",\"connect_code\":\"%s\",\"redirect_uri\":\"" CALLBACK "\",\"code_verifier\":\"" VERIFIER "\"}",
                                                str (start, "auth_session"), right);
      g_autoptr (Reply) failed = NULL;
      g_autoptr (Reply) after = NULL;

      /* connected-accounts-for-token-vault: 201 with auth_session,
       * connect_uri, connect_params.ticket, expires_in. */
      g_assert_cmpuint (start->status, ==, 201);
      g_assert_cmpint (json_object_get_int_member (obj (start), "expires_in"), ==, 300);
      g_assert_nonnull (soup_message_headers_get_one (start->headers, "X-RateLimit-Remaining"));
      /* The ticket is single-use. */
      g_assert_cmpuint (twice->status, ==, 400);

      failed = request (f, "POST", "/me/v1/connected-accounts/complete", f->me_token, "application/json", complete);
      assert_problem (failed, 400, "Bad Request");
      /* A failed check ends the request: the right values no longer work. */
      after = request (f, "POST", "/me/v1/connected-accounts/complete", f->me_token, "application/json", retry);
      assert_problem (after, 400, "Bad Request");
    }

  /* Too slow: the ticket, then the connect_code, outlive their request. */
  {
    g_autoptr (Reply) start = connect_start (f, f->me_token, body);
    g_autoptr (Reply) late = connect_start (f, f->me_token, body);
    g_autofree char *url = g_strdup_printf ("%s?ticket=%s", str (start, "connect_uri"),
                                            json_object_get_string_member (json_object_get_object_member (obj (start), "connect_params"), "ticket"));
    g_autofree char *late_url = g_strdup_printf ("%s?ticket=%s", str (late, "connect_uri"),
                                                 json_object_get_string_member (json_object_get_object_member (obj (late), "connect_params"), "ticket"));
    g_autoptr (Reply) browser = request (f, "GET", url, NULL, NULL, NULL);
    g_autoptr (GHashTable) q = location_query (browser, CALLBACK "?");
    g_autofree char *complete = g_strdup_printf ("{\"auth_session\":\"%s\",\"connect_code\":\"%s\",\"redirect_uri\":\"" CALLBACK "\",\"code_verifier\":\"" VERIFIER "\"}",
                                                 str (start, "auth_session"), (char *)g_hash_table_lookup (q, "connect_code"));
    g_autoptr (Reply) expired_code = NULL;
    g_autoptr (Reply) expired_ticket = NULL;

    af_sandbox_auth0_expire_connect_requests (f->tenant);
    expired_ticket = request (f, "GET", late_url, NULL, NULL, NULL);
    g_assert_cmpuint (expired_ticket->status, ==, 400);
    g_assert_null (soup_message_headers_get_one (expired_ticket->headers, "Location"));
    expired_code = request (f, "POST", "/me/v1/connected-accounts/complete", f->me_token, "application/json", complete);
    assert_problem (expired_code, 400, "Bad Request");
  }

  /* The person refuses at the provider. */
  af_sandbox_auth0_set_connect_denied (f->tenant, TRUE);
  {
    g_autoptr (Reply) start = connect_start (f, f->me_token, body);
    g_autofree char *url = g_strdup_printf ("%s?ticket=%s", str (start, "connect_uri"),
                                            json_object_get_string_member (json_object_get_object_member (obj (start), "connect_params"), "ticket"));
    g_autoptr (Reply) browser = request (f, "GET", url, NULL, NULL, NULL);
    g_autoptr (GHashTable) q = location_query (browser, CALLBACK "?");

    g_assert_cmpstr (g_hash_table_lookup (q, "error"), ==, "access_denied");
    g_assert_cmpstr (g_hash_table_lookup (q, "state"), ==, "cs-1");
    g_assert_null (g_hash_table_lookup (q, "connect_code"));
  }
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (f->tenant), ==, 0);
}

static void
test_list_and_delete (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (Reply) google = connect_account (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, NULL);
  g_autoptr (Reply) slack = connect_account (f, AF_SANDBOX_AUTH0_SLACK_CONNECTION, NULL);
  g_autoptr (Reply) all = request (f, "GET", "/me/v1/connected-accounts/accounts", f->me_token, NULL, NULL);
  g_autoptr (Reply) filtered = request (f, "GET", "/me/v1/connected-accounts/accounts?connection=sign-in-with-slack", f->me_token, NULL, NULL);
  g_autoptr (Reply) page1 = request (f, "GET", "/me/v1/connected-accounts/accounts?take=1", f->me_token, NULL, NULL);
  g_autoptr (Reply) page2 = NULL;
  g_autoptr (Reply) bad_take = request (f, "GET", "/me/v1/connected-accounts/accounts?take=21", f->me_token, NULL, NULL);
  g_autoptr (Reply) connections = request (f, "GET", "/me/v1/connected-accounts/connections", f->me_token, NULL, NULL);
  g_autoptr (Reply) bad_id = request (f, "DELETE", "/me/v1/connected-accounts/accounts/not-an-id", f->me_token, NULL, NULL);
  g_autoptr (Reply) unknown_id = request (f, "DELETE", "/me/v1/connected-accounts/accounts/cac_0000", f->me_token, NULL, NULL);
  g_autoptr (Reply) deleted = NULL;
  g_autoptr (Reply) remaining = NULL;
  g_autofree char *page2_url = NULL;
  g_autofree char *delete_url = NULL;
  JsonArray       *accounts;
  JsonObject      *first;

  /* complete: 201 {id cac_…, connection, access_type offline, scopes, created_at} */
  g_assert_cmpuint (google->status, ==, 201);
  g_assert_true (g_str_has_prefix (str (google, "id"), "cac_"));
  g_assert_cmpstr (str (google, "connection"), ==, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
  g_assert_cmpstr (str (google, "access_type"), ==, "offline");
  g_assert_true (g_str_has_suffix (str (google, "created_at"), "Z"));
  g_assert_cmpuint (slack->status, ==, 201);

  accounts = json_object_get_array_member (obj (all), "accounts");
  g_assert_cmpuint (json_array_get_length (accounts), ==, 2);
  g_assert_false (json_object_has_member (obj (all), "next"));
  first = json_array_get_object_element (accounts, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, str (google, "id"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "scopes")), >, 0);

  accounts = json_object_get_array_member (obj (filtered), "accounts");
  g_assert_cmpuint (json_array_get_length (accounts), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (accounts, 0), "connection"), ==,
                   AF_SANDBOX_AUTH0_SLACK_CONNECTION);

  /* "connection" as an exploded array */
  {
    g_autoptr (Reply) both = request (f, "GET", "/me/v1/connected-accounts/accounts?connection=google-oauth2&connection=sign-in-with-slack",
                                      f->me_token, NULL, NULL);
    g_autoptr (Reply) none = request (f, "GET", "/me/v1/connected-accounts/accounts?connection=github", f->me_token, NULL, NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (both), "accounts")), ==, 2);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (none), "accounts")), ==, 0);
  }

  /* take/from paging */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (page1), "accounts")), ==, 1);
  page2_url = g_strdup_printf ("/me/v1/connected-accounts/accounts?take=1&from=%s", str (page1, "next"));
  page2 = request (f, "GET", page2_url, f->me_token, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (obj (page2), "accounts"), 0), "id"), ==,
                   str (slack, "id"));
  g_assert_false (json_object_has_member (obj (page2), "next"));
  assert_problem (bad_take, 400, "Bad Request");

  g_assert_cmpuint (connections->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (connections), "connections")), ==, 2);

  assert_problem (bad_id, 400, "Bad Request");
  assert_problem (unknown_id, 404, "Resource Not Found");

  delete_url = g_strdup_printf ("/me/v1/connected-accounts/accounts/%s", str (google, "id"));
  deleted = request (f, "DELETE", delete_url, f->me_token, NULL, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  g_assert_cmpstr (deleted->body, ==, "");
  remaining = request (f, "GET", "/me/v1/connected-accounts/accounts", f->me_token, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (remaining), "accounts")), ==, 1);
}

/* Tests: Token Vault */

static void
test_exchange_errors (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (Reply) linked = connect_account (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, NULL);
  g_autoptr (Reply) not_linked = exchange (f, AF_SANDBOX_AUTH0_SLACK_CONNECTION);
  g_autoptr (Reply) wrong_hint = exchange_as (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, f->refresh,
                                              AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, "999");
  g_autoptr (Reply) right_hint = exchange_as (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, f->refresh,
                                              AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, AF_SANDBOX_AUTH0_GOOGLE_USER_ID);
  g_autoptr (Reply) bad_subject = exchange_as (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, "sandbox-auth0-rt-nope",
                                               AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, NULL);
  g_autoptr (Reply) public = exchange_as (f, AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID, NULL, f->refresh, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, NULL);
  g_autoptr (Reply) no_secret = exchange_as (f, AF_SANDBOX_AUTH0_CLIENT_ID, NULL, f->refresh, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, NULL);
  g_autoptr (Reply) no_connection = exchange (f, NULL);
  g_autoptr (Reply) access_subject = post_form (f, "/oauth/token", "grant_type", AF_SANDBOX_AUTH0_GRANT_TOKEN_VAULT, "client_id",
                                                AF_SANDBOX_AUTH0_CLIENT_ID, "client_secret", AF_SANDBOX_AUTH0_CLIENT_SECRET,
                                                "subject_token", f->me_token, "subject_token_type",
                                                "urn:ietf:params:oauth:token-type:access_token", "requested_token_type",
                                                AF_SANDBOX_AUTH0_TOKEN_TYPE_FEDERATED, "connection", "google-oauth2", NULL);

  g_assert_cmpuint (linked->status, ==, 201);
  /* get-token: 401 when no identity matches connection (and login_hint). */
  assert_oauth_error (not_linked, 401, "federated_connection_refresh_token_not_found");
  assert_oauth_error (wrong_hint, 401, "federated_connection_refresh_token_not_found");
  g_assert_cmpuint (right_hint->status, ==, 200);
  /* get-token: 401 for an invalid subject token or client credentials. */
  assert_oauth_error (bad_subject, 401, "invalid_grant");
  assert_oauth_error (no_secret, 401, "invalid_client");
  /* configure-token-vault: confidential clients only; 403. */
  assert_oauth_error (public, 403, "unauthorized_client");
  assert_oauth_error (no_connection, 400, "invalid_request");
  g_assert_cmpstr (str (no_connection, "error_description"), ==, "Missing required parameter: connection");
  assert_oauth_error (access_subject, 400, "invalid_request");

  /* Token Vault does not support refresh token rotation. */
  af_sandbox_auth0_set_rotation (f->tenant, TRUE);
  {
    g_autoptr (Reply) rotating = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);

    assert_oauth_error (rotating, 403, "unauthorized_client");
  }
  af_sandbox_auth0_set_rotation (f->tenant, FALSE);

  /* 429 with Retry-After, then the same request goes through. */
  af_sandbox_auth0_add_rate_limit (f->tenant, "auth0.oauth.token", 1, 7);
  {
    g_autoptr (Reply) limited = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
    g_autoptr (Reply) after = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);

    assert_oauth_error (limited, 429, "too_many_requests");
    g_assert_cmpstr (soup_message_headers_get_one (limited->headers, "Retry-After"), ==, "7");
    g_assert_cmpuint (after->status, ==, 200);
  }

  /* Auth0 drops a tokenset whose provider refresh token expired. */
  af_sandbox_auth0_drop_token_set (f->tenant, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
  {
    g_autoptr (Reply) dropped = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
    g_autoptr (Reply) list = request (f, "GET", "/me/v1/connected-accounts/accounts", f->me_token, NULL, NULL);

    assert_oauth_error (dropped, 401, "federated_connection_refresh_token_not_found");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (list), "accounts")), ==, 0);
  }

  /* The Auth0 refresh token expired. */
  af_sandbox_auth0_expire_refresh_tokens (f->tenant);
  {
    g_autoptr (Reply) expired = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);

    assert_oauth_error (expired, 401, "invalid_grant");
  }
}

static void
test_exchange_scopes (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (Reply) google = NULL;
  g_autoptr (Reply) first = NULL;
  g_autoptr (Reply) cached = NULL;
  g_autoptr (Reply) gmail = NULL;
  g_autoptr (Reply) slack = NULL;
  g_autoptr (Reply) slack_token = NULL;
  g_autoptr (Reply) channels = NULL;
  g_autofree char *gmail_url = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/gmail/v1/users/me/profile", NULL);
  g_autofree char *slack_url = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/api/conversations.list", NULL);

  /* The person unticks Gmail at Google: fewer scopes than requested. */
  af_sandbox_auth0_set_withheld_scopes (f->tenant, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, "https://www.googleapis.com/auth/gmail.modify");
  af_sandbox_auth0_set_provider_token_lifetime (f->tenant, 600);
  google = connect_account (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION,
                            "[\"openid\",\"https://www.googleapis.com/auth/gmail.modify\",\"https://www.googleapis.com/auth/calendar.events\"]");
  g_assert_cmpuint (google->status, ==, 201);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (google), "scopes")), ==, 2);

  first = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpstr (str (first, "scope"), ==, "openid https://www.googleapis.com/auth/calendar.events");
  g_assert_cmpstr (str (first, "issued_token_type"), ==, AF_SANDBOX_AUTH0_TOKEN_TYPE_FEDERATED);
  g_assert_cmpstr (str (first, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (obj (first), "expires_in"), <=, 600);
  g_assert_null (str (first, "refresh_token"));
  g_assert_null (str (first, "id_token"));

  /* While valid, Token Vault hands out the same token. */
  cached = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
  g_assert_cmpstr (str (cached, "access_token"), ==, str (first, "access_token"));

  /* Gmail refuses the token that lacks a Gmail scope. */
  gmail = request (f, "GET", gmail_url, str (first, "access_token"), NULL, NULL);
  g_assert_cmpuint (gmail->status, ==, 403);

  /* Slack: the token works at the sandbox's Slack API. */
  slack = connect_account (f, AF_SANDBOX_AUTH0_SLACK_CONNECTION, NULL);
  g_assert_cmpuint (slack->status, ==, 201);
  slack_token = exchange (f, AF_SANDBOX_AUTH0_SLACK_CONNECTION);
  g_assert_cmpuint (slack_token->status, ==, 200);
  g_assert_true (g_str_has_prefix (str (slack_token, "access_token"), "xoxp-"));
  channels = request (f, "GET", slack_url, str (slack_token, "access_token"), NULL, NULL);
  g_assert_cmpuint (channels->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (obj (channels), "ok"));
}

static void
test_my_account_rate_limit (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr (Reply) limited = NULL;
  g_autoptr (Reply) page = NULL;
  g_autofree char *url = authorize_url (AF_SANDBOX_AUTH0_CLIENT_ID, CALLBACK, "openid", NULL, "S256", "code");

  af_sandbox_auth0_add_rate_limit (f->tenant, "auth0.me.connected_accounts.list", 1, 3);
  limited = request (f, "GET", "/me/v1/connected-accounts/accounts", f->me_token, NULL, NULL);
  assert_problem (limited, 429, "Endpoint Rate Limit Exceeded");
  g_assert_cmpstr (soup_message_headers_get_one (limited->headers, "Retry-After"), ==, "3");
  g_assert_nonnull (soup_message_headers_get_one (limited->headers, "X-RateLimit-Reset"));

  /* /authorize: an error page, not JSON (custom-rate-limit-policies). */
  af_sandbox_auth0_add_rate_limit (f->tenant, "auth0.authorize", 1, 2);
  page = request (f, "GET", url, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 429);
  g_assert_null (soup_message_headers_get_one (page->headers, "Location"));
}

/* The whole chain AgentFlow will run. */
static void
test_full_chain (Fixture      *f,
                 gconstpointer data)
{
  g_autofree char *gmail_url = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/gmail/v1/users/me/profile", NULL);
  g_autoptr (Reply) complete = connect_account (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, NULL);
  g_autoptr (Reply) list = request (f, "GET", "/me/v1/connected-accounts/accounts", f->me_token, NULL, NULL);
  g_autoptr (Reply) token = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
  g_autoptr (Reply) profile = request (f, "GET", gmail_url, str (token, "access_token"), NULL, NULL);
  g_autofree char *delete_url = g_strdup_printf ("/me/v1/connected-accounts/accounts/%s", str (complete, "id"));
  g_autoptr (Reply) deleted = request (f, "DELETE", delete_url, f->me_token, NULL, NULL);
  g_autoptr (Reply) after_delete = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
  g_autoptr (Reply) old_token = request (f, "GET", gmail_url, str (token, "access_token"), NULL, NULL);
  g_autoptr (Reply) again = NULL;
  g_autoptr (Reply) works = NULL;
  g_autoptr (Reply) revoked = NULL;
  g_autoptr (Reply) after_revoke = NULL;

  g_assert_cmpuint (complete->status, ==, 201);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (list), "accounts")), ==, 1);
  g_assert_cmpuint (token->status, ==, 200);
  g_assert_cmpuint (profile->status, ==, 200);
  g_assert_cmpstr (str (profile, "emailAddress"), ==, AF_SANDBOX_ACCOUNT);

  g_assert_cmpuint (deleted->status, ==, 204);
  assert_oauth_error (after_delete, 401, "federated_connection_refresh_token_not_found");
  /* Deleting does not revoke the provider's tokens (connected-accounts-
   * for-token-vault, "Delete connected account"). */
  g_assert_cmpuint (old_token->status, ==, 200);

  /* Connected again, then the Auth0 refresh token is revoked. */
  again = connect_account (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, NULL);
  g_assert_cmpuint (again->status, ==, 201);
  works = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
  g_assert_cmpuint (works->status, ==, 200);
  revoked = post_form (f, "/oauth/revoke", "client_id", AF_SANDBOX_AUTH0_CLIENT_ID, "client_secret", AF_SANDBOX_AUTH0_CLIENT_SECRET,
                       "token", f->refresh, NULL);
  g_assert_cmpuint (revoked->status, ==, 200);
  after_revoke = exchange (f, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
  assert_oauth_error (after_revoke, 401, "invalid_grant");
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "auth0.oauth.token"), >=, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/sandbox-auth0/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("discovery", test_discovery);
  ADD ("jwt-known-answer", test_jwt_known_answer);
  ADD ("authorize", test_authorize);
  ADD ("authorization-code", test_authorization_code);
  ADD ("refresh", test_refresh);
  ADD ("rotation", test_rotation);
  ADD ("revoke-and-userinfo", test_revoke_and_userinfo);
  ADD ("connect-errors", test_connect_errors);
  ADD ("complete-errors", test_complete_errors);
  ADD ("list-and-delete", test_list_and_delete);
  ADD ("exchange-errors", test_exchange_errors);
  ADD ("exchange-scopes", test_exchange_scopes);
  ADD ("rate-limits", test_my_account_rate_limit);
  ADD ("full-chain", test_full_chain);
#undef ADD

  return g_test_run ();
}
