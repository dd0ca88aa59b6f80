/* af-sandbox-oauth-identity.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-oauth"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "af-base64url.h"
#include "af-sandbox-oauth-private.h"

/* Who signed in, as the sandbox's authorization server says it, and how
 * a grant ends: Google's ID tokens, userinfo and RFC 7009 revocation
 * (https://developers.google.com/identity/protocols/oauth2/native-app#tokenrevoke),
 * the OpenID discovery document, Slack's auth.test and auth.revoke. The
 * authorization and token endpoints are in af-sandbox-oauth.c. */

static char *
json_base64url (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *json = json_to_string (root, FALSE);

  return af_base64url_encode ((const guchar *)json, strlen (json), FALSE);
}

/* An ID token shaped like Google's (RS256 JWS, claims iss, azp, aud, sub,
 * email, email_verified, at_hash, iat, exp; name only with "profile").
 * The sandbox holds no key: the signature is random bytes, which is all
 * a client that got the token straight from the token endpoint may rely
 * on (OpenID Connect Core 3.1.3.7). The OpenID client's issuer is the
 * sandbox's own URL, as its discovery document says. */
char *
af_sandbox_oauth_make_id_token (AfSandboxOAuth *self,
                                Grant          *grant,
                                const char     *access,
                                const char     *nonce)
{
  g_autoptr (JsonBuilder) header = json_builder_new ();
  g_autoptr (JsonBuilder) claims = json_builder_new ();
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *h = NULL;
  g_autofree char *c = NULL;
  g_autofree char *sig = NULL;
  g_autofree char *at_hash = NULL;
  gboolean         oidc = g_strcmp0 (grant->client_id, AF_SANDBOX_OIDC_CLIENT_ID) == 0;
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;
  guint8           digest[32];
  gsize            len = sizeof digest;
  guint8           random[256];

  switch (self->id_token_fault)
    {
    case AF_SANDBOX_ID_TOKEN_FAULT_NOT_JWT:
      return g_strdup ("this-is-not-a-jwt");
    case AF_SANDBOX_ID_TOKEN_FAULT_BAD_PAYLOAD:
      return g_strdup ("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2FjY291bnRz!!.c2ln");
    case AF_SANDBOX_ID_TOKEN_FAULT_NONE:
    case AF_SANDBOX_ID_TOKEN_FAULT_OMIT:
    case AF_SANDBOX_ID_TOKEN_FAULT_WRONG_AUDIENCE:
    default:
      break;
    }

  json_builder_begin_object (header);
  json_builder_set_member_name (header, "alg");
  json_builder_add_string_value (header, "RS256");
  json_builder_set_member_name (header, "kid");
  json_builder_add_string_value (header, "sandbox-1");
  json_builder_set_member_name (header, "typ");
  json_builder_add_string_value (header, "JWT");
  json_builder_end_object (header);

  /* at_hash: the left half of SHA-256 of the access token. */
  g_checksum_update (checksum, (const guchar *)access, strlen (access));
  g_checksum_get_digest (checksum, digest, &len);
  at_hash = af_base64url_encode (digest, len / 2, FALSE);

  json_builder_begin_object (claims);
  json_builder_set_member_name (claims, "iss");
  json_builder_add_string_value (claims, oidc ? af_sandbox_get_base_url (self->sandbox) : "https://accounts.google.com");
  json_builder_set_member_name (claims, "azp");
  json_builder_add_string_value (claims, grant->client_id);
  json_builder_set_member_name (claims, "aud");
  json_builder_add_string_value (claims, self->id_token_fault == AF_SANDBOX_ID_TOKEN_FAULT_WRONG_AUDIENCE
                                             ? "someone-else.apps.googleusercontent.com"
                                             : grant->client_id);
  json_builder_set_member_name (claims, "sub");
  json_builder_add_string_value (claims, "100000000000000000001");
  if (af_sandbox_oauth_scope_has (grant->scope, "email"))
    {
      json_builder_set_member_name (claims, "email");
      json_builder_add_string_value (claims, grant->account);
      json_builder_set_member_name (claims, "email_verified");
      json_builder_add_boolean_value (claims, self->email_verified);
    }
  if (nonce != NULL)
    {
      json_builder_set_member_name (claims, "nonce");
      json_builder_add_string_value (claims, nonce);
    }
  if (af_sandbox_oauth_scope_has (grant->scope, "profile"))
    {
      json_builder_set_member_name (claims, "name");
      json_builder_add_string_value (claims, "Alice Example");
    }
  json_builder_set_member_name (claims, "at_hash");
  json_builder_add_string_value (claims, at_hash);
  json_builder_set_member_name (claims, "iat");
  json_builder_add_int_value (claims, now);
  json_builder_set_member_name (claims, "exp");
  json_builder_add_int_value (claims, now + 3600);
  json_builder_end_object (claims);

  for (guint i = 0; i < sizeof random; i++)
    random[i] = g_random_int_range (0, 256);

  h = json_base64url (header);
  c = json_base64url (claims);
  sig = af_base64url_encode (random, sizeof random, FALSE);
  return g_strconcat (h, ".", c, ".", sig, NULL);
}

/* Google revocation (RFC 7009): the whole grant ends, whichever token
 * names it. */

void
af_sandbox_oauth_revoke_endpoint (AfSandboxOAuth    *self,
                                  SoupServerMessage *msg,
                                  GHashTable        *query)
{
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  Grant *grant;

  af_sandbox_count (self->sandbox, "google.oauth2.revoke");

  if (self->revoke_failing)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      return;
    }

  form = af_sandbox_oauth_read_form (msg, query);
  grant = af_sandbox_oauth_find_grant (self, g_hash_table_lookup (form, "token"));
  if (grant == NULL || grant->revoked)
    {
      af_sandbox_oauth_send_error (msg, KIND_GOOGLE, SOUP_STATUS_BAD_REQUEST, "invalid_token", "Token expired or revoked");
      return;
    }

  /* Google revokes the whole grant, whichever token names it. */
  af_sandbox_oauth_revoke_grant (self, grant);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_end_object (b);
  af_sandbox_oauth_send_json (msg, SOUP_STATUS_OK, b);
}

/* Identity */

void
af_sandbox_oauth_userinfo (AfSandboxOAuth    *self,
                           SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *account = NULL;

  af_sandbox_count (self->sandbox, "google.oauth2.userinfo");

  if (af_sandbox_authorize (self->sandbox, msg, "google", NULL, &account) != AF_SANDBOX_AUTH_OK)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Bearer error=\"invalid_token\"");
      af_sandbox_oauth_send_error (msg, KIND_GOOGLE, SOUP_STATUS_UNAUTHORIZED, "invalid_token", "Invalid Credentials");
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sub");
  json_builder_add_string_value (b, "100000000000000000001");
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, account);
  json_builder_set_member_name (b, "email_verified");
  json_builder_add_boolean_value (b, self->email_verified);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "Alice Example");
  json_builder_end_object (b);
  af_sandbox_oauth_send_json (msg, SOUP_STATUS_OK, b);
}

void
af_sandbox_oauth_discovery (AfSandboxOAuth    *self,
                            SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char      *base = af_sandbox_get_base_url (self->sandbox);
  g_autofree char *auth = g_strconcat (base, "/o/oauth2/v2/auth", NULL);
  g_autofree char *tok = g_strconcat (base, "/token", NULL);
  g_autofree char *rev = g_strconcat (base, "/revoke", NULL);
  g_autofree char *info = g_strconcat (base, "/v1/userinfo", NULL);
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *body = NULL;
  GHashTableIter   iter;
  gpointer         name, value;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "issuer");
  json_builder_add_string_value (b, base);
  json_builder_set_member_name (b, "authorization_endpoint");
  json_builder_add_string_value (b, auth);
  json_builder_set_member_name (b, "token_endpoint");
  json_builder_add_string_value (b, tok);
  if (!self->strict_oidc)
    {
      json_builder_set_member_name (b, "revocation_endpoint");
      json_builder_add_string_value (b, rev);
    }
  json_builder_set_member_name (b, "userinfo_endpoint");
  json_builder_add_string_value (b, info);
  if (self->strict_oidc)
    {
      json_builder_set_member_name (b, "authorization_response_iss_parameter_supported");
      json_builder_add_boolean_value (b, TRUE);
    }
  json_builder_set_member_name (b, "response_types_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "code");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "code_challenge_methods_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "S256");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "scopes_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "openid");
  json_builder_add_string_value (b, "email");
  json_builder_add_string_value (b, "profile");
  json_builder_add_string_value (b, "offline_access");
  json_builder_end_array (b);
  json_builder_end_object (b);

  /* A test's changes: another issuer, another endpoint. */
  root = json_builder_get_root (b);
  g_hash_table_iter_init (&iter, self->discovery_overrides);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      json_object_remove_member (json_node_get_object (root), name);
      if (((char *)value)[0] != '\0')
        json_object_set_string_member (json_node_get_object (root), name, value);
    }
  body = json_to_string (root, FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY, body, strlen (body));
}

static const char *
slack_bearer (SoupServerMessage *msg,
              GHashTable        *form)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (auth != NULL && g_ascii_strncasecmp (auth, "Bearer ", 7) == 0)
    return auth + 7;
  return form ? g_hash_table_lookup (form, "token") : NULL;
}

void
af_sandbox_oauth_auth_test (AfSandboxOAuth    *self,
                            SoupServerMessage *msg,
                            GHashTable        *query)
{
  g_autoptr (GHashTable) form = af_sandbox_oauth_read_form (msg, query);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *account = NULL;
  const char *bearer = slack_bearer (msg, form);
  gboolean    bot;

  af_sandbox_count (self->sandbox, "slack.auth.test");

  /* Slack takes the token as a bearer header or as a form field. */
  if (bearer == NULL ||
      (soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization") != NULL
           ? af_sandbox_authorize (self->sandbox, msg, "slack", NULL, &account) != AF_SANDBOX_AUTH_OK
           : !af_sandbox_oauth_is_token_live (self, bearer)))
    {
      af_sandbox_oauth_send_error (msg, KIND_SLACK, SOUP_STATUS_OK, bearer ? "invalid_auth" : "not_authed", NULL);
      return;
    }

  bot = g_str_equal (bearer, AF_SANDBOX_SLACK_BOT_TOKEN);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, "https://example-workspace.slack.com/");
  json_builder_set_member_name (b, "team");
  json_builder_add_string_value (b, "Example Workspace");
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, bot ? "agentflow" : "alice");
  json_builder_set_member_name (b, "team_id");
  json_builder_add_string_value (b, AF_SANDBOX_SLACK_TEAM_ID);
  json_builder_set_member_name (b, "user_id");
  json_builder_add_string_value (b, bot ? "U0AGENTFLOW" : AF_SANDBOX_SLACK_USER_ID);
  if (bot)
    {
      json_builder_set_member_name (b, "bot_id");
      json_builder_add_string_value (b, "B0AGENTFLOW");
    }
  json_builder_end_object (b);
  af_sandbox_oauth_send_json (msg, SOUP_STATUS_OK, b);
}

void
af_sandbox_oauth_auth_revoke (AfSandboxOAuth    *self,
                              SoupServerMessage *msg,
                              GHashTable        *query)
{
  g_autoptr (GHashTable) form = af_sandbox_oauth_read_form (msg, query);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *bearer = slack_bearer (msg, form);
  Grant      *grant;

  af_sandbox_count (self->sandbox, "slack.auth.revoke");

  if (self->revoke_failing)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      return;
    }
  if (bearer == NULL || !af_sandbox_oauth_is_token_live (self, bearer))
    {
      af_sandbox_oauth_send_error (msg, KIND_SLACK, SOUP_STATUS_OK, bearer ? "invalid_auth" : "not_authed", NULL);
      return;
    }

  if ((grant = af_sandbox_oauth_find_grant (self, bearer)) != NULL)
    af_sandbox_oauth_revoke_grant (self, grant);
  else
    af_sandbox_revoke_token (self->sandbox, bearer);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "revoked");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  af_sandbox_oauth_send_json (msg, SOUP_STATUS_OK, b);
}

/**
 * af_sandbox_oauth_is_token_live:
 *
 * Returns: whether @token (access or refresh, issued here) still works
 */
gboolean
af_sandbox_oauth_is_token_live (AfSandboxOAuth *self,
                                const char     *token_str)
{
  Grant *grant;

  g_return_val_if_fail (AF_IS_SANDBOX_OAUTH (self), FALSE);

  if (g_strcmp0 (token_str, AF_SANDBOX_SLACK_BOT_TOKEN) == 0)
    return TRUE;
  grant = af_sandbox_oauth_find_grant (self, token_str);
  return grant != NULL && !grant->revoked;
}

/**
 * af_sandbox_oauth_set_id_token_fault:
 *
 * What the Google token endpoint does with the `id_token` of its answers
 * until set back to %AF_SANDBOX_ID_TOKEN_FAULT_NONE.
 */
void
af_sandbox_oauth_set_id_token_fault (AfSandboxOAuth       *self,
                                     AfSandboxIdTokenFault fault)
{
  g_return_if_fail (AF_IS_SANDBOX_OAUTH (self));
  self->id_token_fault = fault;
}

/**
 * af_sandbox_oauth_set_email_verified:
 *
 * What ID tokens and userinfo say in `email_verified` (default %TRUE):
 * providers that let people sign up with any address say %FALSE until
 * the address is confirmed.
 */
void
af_sandbox_oauth_set_email_verified (AfSandboxOAuth *self,
                                     gboolean        verified)
{
  g_return_if_fail (AF_IS_SANDBOX_OAUTH (self));
  self->email_verified = verified;
}

/**
 * af_sandbox_oauth_set_discovery_member:
 * @name: a member of the discovery document, e.g. "issuer"
 * @value: (nullable): its value; "" removes it; %NULL restores it
 *
 * Serves a changed discovery document, like a misconfigured or an
 * impostor provider.
 */
void
af_sandbox_oauth_set_discovery_member (AfSandboxOAuth *self,
                                       const char     *name,
                                       const char     *value)
{
  g_return_if_fail (AF_IS_SANDBOX_OAUTH (self));
  g_return_if_fail (name != NULL);

  if (value == NULL)
    g_hash_table_remove (self->discovery_overrides, name);
  else
    g_hash_table_replace (self->discovery_overrides, g_strdup (name), g_strdup (value));
}
