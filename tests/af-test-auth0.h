/* af-test-auth0.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the tests that drive the sandbox's Auth0 tenant: a started
 * sandbox with a signed-in user, HTTP requests on 127.0.0.1 that do not
 * follow redirects, and the steps of the login, Connected Accounts and
 * Token Vault flows. Header-only so every test stays one file.
 */

#pragma once

#include <string.h>

#include "af-sandbox-auth0.h"
#include "af-sandbox-jwt.h"

#define CALLBACK    "http://127.0.0.1:47301/callback"
#define VERIFIER    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-sandbox-verifier"
#define LOGIN_SCOPE "openid profile email offline_access " AF_SANDBOX_AUTH0_CONNECTED_ACCOUNTS_SCOPES

typedef struct
{
  AfSandbox      *sandbox;
  AfSandboxAuth0 *tenant;
  SoupSession    *session;
  char           *domain;
  char           *refresh;  /* of the login in fixture_log_in */
  char           *me_token; /* its My Account API access token */
} Fixture;

typedef struct
{
  guint               status;
  char               *body;
  SoupMessageHeaders *headers;
  JsonNode           *json;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  soup_message_headers_unref (reply->headers);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

G_GNUC_UNUSED static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* @path: below the tenant's domain, or an absolute URL */
G_GNUC_UNUSED static Reply *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *bearer,
         const char *content_type,
         const char *body)
{
  g_autofree char *url = g_str_has_prefix (path, "http") ? g_strdup (path) : g_strconcat (f->domain, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  Reply *reply = g_new0 (Reply, 1);

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) request_body = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, request_body);
    }
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, on_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  bytes = soup_session_send_and_read_finish (f->session, result, &error);
  g_assert_no_error (error);

  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_size (bytes) > 0 ? g_bytes_get_data (bytes, NULL) : "", g_bytes_get_size (bytes));
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  reply->json = json_from_string (reply->body, NULL);
  return reply;
}

G_GNUC_UNUSED static Reply *
post_form (Fixture    *f,
           const char *path,
           const char *first_field,
           ...)
{
  g_autoptr (GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *body = NULL;
  va_list          args;

  va_start (args, first_field);
  for (const char *name = first_field; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        g_hash_table_insert (form, (char *)name, (char *)value);
    }
  va_end (args);
  body = soup_form_encode_hash (form);
  return request (f, "POST", path, NULL, "application/x-www-form-urlencoded", body);
}

G_GNUC_UNUSED static JsonObject *
obj (Reply *reply)
{
  if (reply->json == NULL || !JSON_NODE_HOLDS_OBJECT (reply->json))
    g_error ("not a JSON object (%u): %s", reply->status, reply->body);
  return json_node_get_object (reply->json);
}

G_GNUC_UNUSED static const char *
str (Reply      *reply,
     const char *member)
{
  return json_object_get_string_member_with_default (obj (reply), member, NULL);
}

/* {"error": …, "error_description": …} with @status */
G_GNUC_UNUSED static void
assert_oauth_error (Reply      *reply,
                    guint       status,
                    const char *error)
{
  if (reply->status != status || g_strcmp0 (str (reply, "error"), error) != 0)
    g_error ("want %u %s, got %u %s", status, error, reply->status, reply->body);
  g_assert_nonnull (str (reply, "error_description"));
}

/* The My Account API's problem shape. */
G_GNUC_UNUSED static void
assert_problem (Reply      *reply,
                guint       status,
                const char *title)
{
  if (reply->status != status || g_strcmp0 (str (reply, "title"), title) != 0)
    g_error ("want %u %s, got %u %s", status, title, reply->status, reply->body);
  g_assert_cmpint (json_object_get_int_member (obj (reply), "status"), ==, status);
  g_assert_nonnull (str (reply, "type"));
  g_assert_nonnull (str (reply, "detail"));
}

G_GNUC_UNUSED static char *
b64url (const guchar *data,
        gsize         len)
{
  g_autofree char *b64 = g_base64_encode (data, len);
  GString         *out = g_string_new (NULL);

  for (char *p = b64; *p && *p != '='; p++)
    g_string_append_c (out, *p == '+' ? '-' : *p == '/' ? '_'
                                                        : *p);
  return g_string_free (out, FALSE);
}

G_GNUC_UNUSED static char *
challenge_of (const char *verifier)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize  len = sizeof digest;

  g_checksum_update (checksum, (const guchar *)verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &len);
  return b64url (digest, len);
}

/* The query of a redirect's Location, decoded. */
G_GNUC_UNUSED static GHashTable *
location_query (Reply      *reply,
                const char *prefix)
{
  const char *location = soup_message_headers_get_one (reply->headers, "Location");
  const char *q;

  if (reply->status != 302 || location == NULL)
    g_error ("want a redirect, got %u %s", reply->status, reply->body);
  g_assert_true (g_str_has_prefix (location, prefix));
  q = strchr (location, '?');
  g_assert_nonnull (q);
  return soup_form_decode (q + 1);
}

G_GNUC_UNUSED static char *
authorize_url (const char *client_id,
               const char *redirect,
               const char *scope,
               const char *audience,
               const char *method,
               const char *response_type)
{
  g_autoptr (GHashTable) q = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *challenge = challenge_of (VERIFIER);
  g_autofree char *query = NULL;

  g_hash_table_insert (q, (char *)"response_type", (char *)response_type);
  g_hash_table_insert (q, (char *)"client_id", (char *)client_id);
  g_hash_table_insert (q, (char *)"redirect_uri", (char *)redirect);
  g_hash_table_insert (q, (char *)"scope", (char *)scope);
  g_hash_table_insert (q, (char *)"state", (char *)"st-42");
  g_hash_table_insert (q, (char *)"nonce", (char *)"n-42");
  if (method != NULL)
    {
      g_hash_table_insert (q, (char *)"code_challenge_method", (char *)method);
      g_hash_table_insert (q, (char *)"code_challenge", challenge);
    }
  if (audience != NULL)
    g_hash_table_insert (q, (char *)"audience", (char *)audience);
  query = soup_form_encode_hash (q);
  return g_strconcat ("/authorize?", query, NULL);
}

/* Authorization code + PKCE; returns the code. */
G_GNUC_UNUSED static char *
get_code (Fixture    *f,
          const char *client_id,
          const char *scope,
          const char *audience)
{
  g_autofree char *url = authorize_url (client_id, CALLBACK, scope, audience, "S256", "code");
  g_autoptr (Reply) reply = request (f, "GET", url, NULL, NULL, NULL);
  g_autoptr (GHashTable) q = location_query (reply, CALLBACK "?");

  g_assert_cmpstr (g_hash_table_lookup (q, "state"), ==, "st-42");
  g_assert_null (g_hash_table_lookup (q, "error"));
  return g_strdup (g_hash_table_lookup (q, "code"));
}

G_GNUC_UNUSED static Reply *
redeem (Fixture    *f,
        const char *client_id,
        const char *secret,
        const char *code,
        const char *verifier)
{
  return post_form (f, "/oauth/token", "grant_type", "authorization_code", "client_id", client_id, "client_secret", secret,
                    "code", code, "code_verifier", verifier, "redirect_uri", CALLBACK, NULL);
}

/* The login the brief describes: OpenID scopes, offline_access and the My
 * Account API with the Connected Accounts scopes. */
G_GNUC_UNUSED static void
fixture_log_in (Fixture *f)
{
  g_autofree char *me = af_sandbox_auth0_dup_my_account_audience (f->tenant);
  g_autofree char *code = get_code (f, AF_SANDBOX_AUTH0_CLIENT_ID, LOGIN_SCOPE, me);
  g_autoptr (Reply) tokens = redeem (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, code, VERIFIER);

  g_assert_cmpuint (tokens->status, ==, 200);
  f->refresh = g_strdup (str (tokens, "refresh_token"));
  f->me_token = g_strdup (str (tokens, "access_token"));
  g_assert_nonnull (f->refresh);
}

G_GNUC_UNUSED static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (f->sandbox);
  g_assert_true (af_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);
  f->tenant = af_sandbox_auth0_get (f->sandbox);
  g_assert_nonnull (f->tenant);
  f->domain = af_sandbox_auth0_dup_domain_url (f->tenant);
  f->session = soup_session_new ();
  fixture_log_in (f);
}

G_GNUC_UNUSED static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->sandbox);
  g_free (f->domain);
  g_free (f->refresh);
  g_free (f->me_token);
}

G_GNUC_UNUSED static Reply *
connect_start (Fixture    *f,
               const char *token,
               const char *body)
{
  return request (f, "POST", "/me/v1/connected-accounts/connect", token, "application/json", body);
}

/* /connect, the browser step, /complete; returns the /complete answer. */
G_GNUC_UNUSED static Reply *
connect_account (Fixture    *f,
                 const char *connection,
                 const char *scopes_json)
{
  g_autofree char *challenge = challenge_of (VERIFIER);
  g_autofree char *body = g_strdup_printf ("{\"connection\":\"%s\",\"redirect_uri\":\"" CALLBACK "\",\"state\":\"cs-1\","
                                           "\"code_challenge\":\"%s\",\"code_challenge_method\":\"S256\"%s%s}",
                                           connection, challenge, scopes_json ? ",\"scopes\":" : "", scopes_json ? scopes_json : "");
  g_autoptr (Reply) start = connect_start (f, f->me_token, body);
  g_autoptr (Reply) browser = NULL;
  g_autoptr (GHashTable) q = NULL;
  g_autofree char *url = NULL;
  g_autofree char *complete = NULL;

  g_assert_cmpuint (start->status, ==, 201);
  url = g_strdup_printf ("%s?ticket=%s", str (start, "connect_uri"),
                         json_object_get_string_member (json_object_get_object_member (obj (start), "connect_params"), "ticket"));
  browser = request (f, "GET", url, NULL, NULL, NULL);
  q = location_query (browser, CALLBACK "?");
  g_assert_cmpstr (g_hash_table_lookup (q, "state"), ==, "cs-1");
  complete = g_strdup_printf ("{\"auth_session\":\"%s\",\"connect_code\":\"%s\",\"redirect_uri\":\"" CALLBACK "\","
                              "\"code_verifier\":\"" VERIFIER "\"}",
                              str (start, "auth_session"), (char *)g_hash_table_lookup (q, "connect_code"));
  return request (f, "POST", "/me/v1/connected-accounts/complete", f->me_token, "application/json", complete);
}

G_GNUC_UNUSED static Reply *
exchange_as (Fixture    *f,
             const char *client_id,
             const char *secret,
             const char *subject,
             const char *connection,
             const char *login_hint)
{
  return post_form (f, "/oauth/token", "grant_type", AF_SANDBOX_AUTH0_GRANT_TOKEN_VAULT, "client_id", client_id,
                    "client_secret", secret, "subject_token", subject, "subject_token_type", AF_SANDBOX_AUTH0_TOKEN_TYPE_REFRESH,
                    "requested_token_type", AF_SANDBOX_AUTH0_TOKEN_TYPE_FEDERATED, "connection", connection,
                    "login_hint", login_hint, NULL);
}

G_GNUC_UNUSED static Reply *
exchange (Fixture    *f,
          const char *connection)
{
  return exchange_as (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, f->refresh, connection, NULL);
}

G_GNUC_UNUSED static JsonObject *
jwt_claims (const char *jwt,
            JsonNode  **keep)
{
  g_assert_true (af_sandbox_jwt_verify (jwt, keep));
  return json_node_get_object (*keep);
}

G_GNUC_UNUSED static Reply *
refresh_as (Fixture    *f,
            const char *token,
            const char *scope,
            const char *audience)
{
  return post_form (f, "/oauth/token", "grant_type", "refresh_token", "client_id", AF_SANDBOX_AUTH0_CLIENT_ID, "client_secret",
                    AF_SANDBOX_AUTH0_CLIENT_SECRET, "refresh_token", token, "scope", scope, "audience", audience, NULL);
}
