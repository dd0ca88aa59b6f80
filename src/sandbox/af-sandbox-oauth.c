/* af-sandbox-oauth.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-oauth"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "af-base64url.h"
#include "af-sandbox-oauth.h"
#include "af-sandbox-oauth-private.h"
#include "af-sandbox-private.h"

/* A local authorization server that behaves like Google's and Slack's as
 * far as AgentFlow can tell: PKCE S256 enforced, redirect URIs matched
 * exactly except for the loopback port (RFC 8252 §7.3), one-time codes
 * that expire after a minute, refresh with rotation (Slack) or without
 * (Google), RFC 7009 revocation, userinfo, OpenID discovery, Slack's
 * oauth.v2.access, auth.test and auth.revoke. Tokens it issues are
 * registered with af_sandbox_add_token () so the sandbox's APIs accept
 * them. Errors have the providers' documented shapes: Google answers
 * {"error": …} with 400/401, Slack {"ok": false, "error": …} with 200.
 *
 * The OpenID client (AF_SANDBOX_OIDC_CLIENT_ID) can meet a strict OpenID
 * Connect provider (af_sandbox_oauth_set_strict_oidc ()), one that does
 * by the letter what the specifications allow:
 *  - offline_access without prompt=consent is ignored, so no refresh
 *    token (OIDC Core §11,
 *    https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess);
 *  - no revocation endpoint (RFC 7009 is optional; OIDC Discovery §3 has
 *    no revocation_endpoint at all);
 *  - the issuer in every authorization response, advertised as
 *    authorization_response_iss_parameter_supported (RFC 9207 §2 and §3,
 *    https://www.rfc-editor.org/rfc/rfc9207).
 * Every ID token carries the request's nonce (OIDC Core §3.1.2.1 and
 * §2, "nonce": https://openid.net/specs/openid-connect-core-1_0.html#IDToken). */

#define CODE_LIFETIME_USEC (60 * G_USEC_PER_SEC)
#define REDIRECT_PATH      "/oauth/callback"

G_DEFINE_FINAL_TYPE (AfSandboxOAuth, af_sandbox_oauth, G_TYPE_OBJECT)

static void
code_free (gpointer data)
{
  Code *c = data;

  g_free (c->client_id);
  g_free (c->redirect_uri);
  g_free (c->challenge);
  g_free (c->scope);
  g_free (c->account);
  g_free (c->nonce);
  g_free (c);
}

static void
grant_free (gpointer data)
{
  Grant *g = data;

  g_free (g->client_id);
  g_free (g->account);
  g_free (g->scope);
  g_ptr_array_unref (g->access_tokens);
  g_free (g);
}

static void
ticket_free (gpointer data)
{
  Ticket *t = data;

  g_free (t->redirect_uri);
  g_free (t->state);
  g_free (t->challenge);
  g_free (t->client_id);
  g_free (t->scope);
  g_free (t->nonce);
  g_free (t);
}

/* Helpers */

static char *
random_token (const char *prefix)
{
  g_autofree char *a = g_uuid_string_random ();
  g_autofree char *b = g_uuid_string_random ();

  return g_strdup_printf ("%s%s%s", prefix, a, b);
}

static char *
s256 (const char *verifier)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize  len = sizeof digest;

  g_checksum_update (checksum, (const guchar *)verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &len);
  /* RFC 7636 §4.2: BASE64URL-ENCODE without padding. */
  return af_base64url_encode (digest, len, FALSE);
}

void
af_sandbox_oauth_send_json (SoupServerMessage *msg,
                            guint              status,
                            JsonBuilder       *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *body = json_to_string (root, FALSE);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY, body, strlen (body));
}

void
af_sandbox_oauth_send_error (SoupServerMessage *msg,
                             Kind               kind,
                             guint              status,
                             const char        *error,
                             const char        *description)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (kind == KIND_SLACK)
    {
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error);
      status = SOUP_STATUS_OK;
    }
  else
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error);
      if (description != NULL)
        {
          json_builder_set_member_name (b, "error_description");
          json_builder_add_string_value (b, description);
        }
    }
  json_builder_end_object (b);
  af_sandbox_oauth_send_json (msg, status, b);
}

static void
send_html (SoupServerMessage *msg,
           guint              status,
           const char        *html)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html, strlen (html));
}

GHashTable *
af_sandbox_oauth_read_form (SoupServerMessage *msg,
                            GHashTable        *query)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  if (g_str_equal (soup_server_message_get_method (msg), "GET") || body == NULL || body->length == 0)
    return query ? g_hash_table_ref (query) : g_hash_table_new (g_str_hash, g_str_equal);

  bytes = soup_message_body_flatten (body);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_form_decode (text);
}

static gboolean
redirect_allowed (Kind        kind,
                  const char *redirect_uri)
{
  g_autoptr (GUri) uri = NULL;
  const char *host;

  if (redirect_uri == NULL || (uri = g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL)) == NULL)
    return FALSE;

  host = g_uri_get_host (uri);
  /* Registered: http://127.0.0.1/oauth/callback and http://[::1]/… for
   * Google, http://localhost/oauth/callback for Slack; any port. */
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || g_strcmp0 (g_uri_get_path (uri), REDIRECT_PATH) != 0 ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    return FALSE;

  if (kind == KIND_SLACK)
    return g_strcmp0 (host, "localhost") == 0;
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0;
}

static gboolean
client_known (Kind        kind,
              const char *client_id)
{
  if (kind == KIND_SLACK)
    return g_strcmp0 (client_id, AF_SANDBOX_SLACK_CLIENT_ID) == 0;
  return g_strcmp0 (client_id, AF_SANDBOX_GOOGLE_CLIENT_ID) == 0 || g_strcmp0 (client_id, AF_SANDBOX_OIDC_CLIENT_ID) == 0;
}

static gboolean
strict_for (AfSandboxOAuth *self,
            const char     *client_id)
{
  return self->strict_oidc && g_strcmp0 (client_id, AF_SANDBOX_OIDC_CLIENT_ID) == 0;
}

static void
redirect_to (SoupServerMessage *msg,
             const char        *redirect_uri,
             GHashTable        *params)
{
  g_autofree char *query = soup_form_encode_hash (params);
  g_autofree char *location = g_strconcat (redirect_uri, "?", query, NULL);

  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

static char *
granted_scope (AfSandboxOAuth *self,
               Kind            kind,
               const char     *requested)
{
  g_auto (GStrv) scopes = g_strsplit_set (requested ? requested : "", " ,", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; scopes[i]; i++)
    {
      if (scopes[i][0] == '\0' || (self->withheld && g_strv_contains ((const char *const *)self->withheld, scopes[i])))
        continue;
      if (out->len)
        g_string_append_c (out, kind == KIND_SLACK ? ',' : ' ');
      g_string_append (out, scopes[i]);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
approve (AfSandboxOAuth    *self,
         SoupServerMessage *msg,
         Ticket            *t)
{
  g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *code_str = random_token (t->kind == KIND_SLACK ? "sandbox-slack-code-" : "4/sandbox-");
  Code            *code = g_new0 (Code, 1);

  code->kind = t->kind;
  code->client_id = g_strdup (t->client_id);
  code->redirect_uri = g_strdup (t->redirect_uri);
  code->challenge = g_strdup (t->challenge);
  code->scope = granted_scope (self, t->kind, t->scope);
  code->account = g_strdup (t->kind == KIND_SLACK ? AF_SANDBOX_SLACK_USER_ID : AF_SANDBOX_GOOGLE_ACCOUNT);
  code->nonce = g_strdup (t->nonce);
  code->offline = TRUE;
  if (strict_for (self, t->client_id))
    {
      /* §11: "MUST ensure that the prompt parameter contains consent
       * […] unless one or both of these conditions are fulfilled, then it
       * MUST ignore the offline_access request". */
      g_auto (GStrv) scopes = g_strsplit (code->scope, " ", -1);
      g_autoptr (GStrvBuilder) kept = g_strv_builder_new ();
      g_auto (GStrv) list = NULL;

      for (guint i = 0; scopes[i]; i++)
        if (!g_str_equal (scopes[i], "offline_access") || t->consent_prompt)
          g_strv_builder_add (kept, scopes[i]);
      list = g_strv_builder_end (kept);
      g_free (code->scope);
      code->scope = g_strjoinv (" ", list);
      code->offline = af_sandbox_oauth_scope_has (code->scope, "offline_access");
    }
  code->expires_at = g_get_real_time () + CODE_LIFETIME_USEC;
  g_hash_table_insert (self->codes, g_strdup (code_str), code);

  g_hash_table_insert (params, (char *)"code", code_str);
  if (t->state)
    g_hash_table_insert (params, (char *)"state", t->state);
  if (strict_for (self, t->client_id))
    g_hash_table_insert (params, (char *)"iss", (char *)af_sandbox_get_base_url (self->sandbox));
  if (t->kind == KIND_GOOGLE)
    g_hash_table_insert (params, (char *)"scope", code->scope);
  redirect_to (msg, t->redirect_uri, params);
}

static void
deny (AfSandboxOAuth    *self,
      SoupServerMessage *msg,
      Ticket            *t)
{
  g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (params, (char *)"error", (char *)"access_denied");
  if (t->state)
    g_hash_table_insert (params, (char *)"state", t->state);
  if (strict_for (self, t->client_id))
    g_hash_table_insert (params, (char *)"iss", (char *)af_sandbox_get_base_url (self->sandbox));
  redirect_to (msg, t->redirect_uri, params);
}

/* Authorization endpoints */

static void
authorize (AfSandboxOAuth    *self,
           SoupServerMessage *msg,
           GHashTable        *query,
           Kind               kind)
{
  const char *client_id = query ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *method = query ? g_hash_table_lookup (query, "code_challenge_method") : NULL;
  const char *challenge = query ? g_hash_table_lookup (query, "code_challenge") : NULL;
  const char *scope = query ? g_hash_table_lookup (query, kind == KIND_SLACK ? "user_scope" : "scope") : NULL;
  Ticket     *t;

  af_sandbox_count (self->sandbox, kind == KIND_SLACK ? "slack.oauth.v2.authorize" : "google.oauth2.authorize");

  /* Like the real ones: a bad client or redirect is shown, not redirected. */
  if (!client_known (kind, client_id))
    {
      send_html (msg, SOUP_STATUS_UNAUTHORIZED, "<h1>Error 401: invalid_client</h1><p>The OAuth client was not found.</p>");
      return;
    }
  if (!redirect_allowed (kind, redirect_uri))
    {
      send_html (msg, SOUP_STATUS_BAD_REQUEST, "<h1>Error 400: redirect_uri_mismatch</h1><p>The redirect URI is not registered for this client.</p>");
      return;
    }

  t = g_new0 (Ticket, 1);
  t->kind = kind;
  t->redirect_uri = g_strdup (redirect_uri);
  t->state = g_strdup (g_hash_table_lookup (query, "state"));
  t->client_id = g_strdup (client_id);
  t->challenge = g_strdup (challenge);
  t->scope = g_strdup (scope);
  t->nonce = g_strdup (g_hash_table_lookup (query, "nonce"));
  {
    g_auto (GStrv) prompts = g_strsplit (g_hash_table_lookup (query, "prompt") ? (char *)g_hash_table_lookup (query, "prompt") : "", " ", -1);

    t->consent_prompt = g_strv_contains ((const char *const *)prompts, "consent");
  }

  if (kind == KIND_GOOGLE && g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0)
    {
      g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

      g_hash_table_insert (params, (char *)"error", (char *)"unsupported_response_type");
      if (t->state)
        g_hash_table_insert (params, (char *)"state", t->state);
      redirect_to (msg, redirect_uri, params);
      ticket_free (t);
      return;
    }

  if (g_strcmp0 (method, "S256") != 0 || challenge == NULL || strlen (challenge) < 43)
    {
      g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

      g_hash_table_insert (params, (char *)"error", (char *)"invalid_request");
      g_hash_table_insert (params, (char *)"error_description", (char *)"PKCE with code_challenge_method=S256 is required");
      if (t->state)
        g_hash_table_insert (params, (char *)"state", t->state);
      redirect_to (msg, redirect_uri, params);
      ticket_free (t);
      return;
    }

  switch (self->consent)
    {
    case AF_SANDBOX_CONSENT_APPROVE:
      approve (self, msg, t);
      ticket_free (t);
      break;

    case AF_SANDBOX_CONSENT_DENY:
      deny (self, msg, t);
      ticket_free (t);
      break;

    case AF_SANDBOX_CONSENT_ASK:
    default:
      {
        g_autofree char *ticket = random_token ("t");
        g_autofree char *who = g_markup_escape_text (kind == KIND_SLACK ? AF_SANDBOX_SLACK_ACCOUNT : AF_SANDBOX_GOOGLE_ACCOUNT, -1);
        g_autofree char *what = g_markup_escape_text (scope ? scope : "", -1);
        g_autofree char *html = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sandbox consent</title></head>"
                                                 "<body><h1>AgentFlow (sandbox) wants to access %s</h1><p>Scopes: %s</p>"
                                                 "<p><a id=\"allow\" href=\"/sandbox/consent?ticket=%s&amp;decision=allow\">Allow</a> "
                                                 "<a id=\"deny\" href=\"/sandbox/consent?ticket=%s&amp;decision=deny\">Deny</a></p></body></html>",
                                                 who, what, ticket, ticket);

        g_hash_table_insert (self->tickets, g_strdup (ticket), t);
        send_html (msg, SOUP_STATUS_OK, html);
      }
      break;
    }
}

static void
consent_page (AfSandboxOAuth    *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  const char *ticket = query ? g_hash_table_lookup (query, "ticket") : NULL;
  Ticket     *t;

  if (ticket == NULL || (t = g_hash_table_lookup (self->tickets, ticket)) == NULL)
    {
      send_html (msg, SOUP_STATUS_BAD_REQUEST, "<h1>This consent request has expired.</h1>");
      return;
    }

  if (g_strcmp0 (g_hash_table_lookup (query, "decision"), "allow") == 0)
    approve (self, msg, t);
  else
    deny (self, msg, t);
  g_hash_table_remove (self->tickets, ticket);
}

/* Token endpoints */

static gboolean
apply_fault (AfSandboxOAuth    *self,
             SoupServerMessage *msg,
             Kind               kind)
{
  switch (self->fault)
    {
    case AF_SANDBOX_FAULT_NONE:
      return FALSE;

    case AF_SANDBOX_FAULT_HTML:
      /* A captive portal or a proxy's error page. */
      send_html (msg, SOUP_STATUS_OK, "<!DOCTYPE html><html><body><h1>Please sign in to the Wi-Fi</h1></body></html>");
      return TRUE;

    case AF_SANDBOX_FAULT_MALFORMED_JSON:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"access_token\": \"ya29.trunc", 27);
      return TRUE;

    case AF_SANDBOX_FAULT_SERVER_ERROR:
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "backend error", 13);
      return TRUE;

    case AF_SANDBOX_FAULT_HANG:
      soup_server_message_pause (msg);
      g_ptr_array_add (self->hung, g_object_ref (msg));
      return TRUE;

    case AF_SANDBOX_FAULT_INVALID_GRANT:
      af_sandbox_oauth_send_error (msg, kind, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Token has been expired or revoked.");
      return TRUE;

    default:
      return FALSE;
    }
}

static char *
issue_access (AfSandboxOAuth *self,
              Grant          *grant,
              const char     *refresh)
{
  char *access = random_token (grant->kind == KIND_SLACK ? "xoxe.xoxp-1-sandbox-" : "ya29.sandbox-");

  af_sandbox_add_token (self->sandbox, access, grant->kind == KIND_SLACK ? "slack" : "google", grant->account,
                        grant->scope, g_get_real_time () + (gint64)self->lifetime * G_USEC_PER_SEC);
  g_ptr_array_add (grant->access_tokens, g_strdup (access));
  g_hash_table_insert (self->access, g_strdup (access), g_strdup (refresh));

  return access;
}

gboolean
af_sandbox_oauth_scope_has (const char *scope,
                            const char *wanted)
{
  g_auto (GStrv) scopes = g_strsplit_set (scope ? scope : "", " ,", -1);

  return g_strv_contains ((const char *const *)scopes, wanted);
}

static void
send_tokens (AfSandboxOAuth    *self,
             SoupServerMessage *msg,
             Grant             *grant,
             const char        *access,
             const char        *refresh,
             gboolean           initial,
             const char        *nonce)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (grant->kind == KIND_SLACK)
    {
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "app_id");
      json_builder_add_string_value (b, "A0SANDBOX");
      if (initial)
        {
          json_builder_set_member_name (b, "authed_user");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, AF_SANDBOX_SLACK_USER_ID);
        }
    }
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, access);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, self->lifetime);
  if (refresh != NULL)
    {
      json_builder_set_member_name (b, "refresh_token");
      json_builder_add_string_value (b, refresh);
    }
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, grant->scope);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, grant->kind == KIND_SLACK ? "user" : "Bearer");
  /* Google answers with an ID token whenever "openid" was granted. */
  if (grant->kind == KIND_GOOGLE && af_sandbox_oauth_scope_has (grant->scope, "openid") &&
      self->id_token_fault != AF_SANDBOX_ID_TOKEN_FAULT_OMIT)
    {
      g_autofree char *id_token = af_sandbox_oauth_make_id_token (self, grant, access, nonce);

      json_builder_set_member_name (b, "id_token");
      json_builder_add_string_value (b, id_token);
    }
  if (grant->kind == KIND_SLACK)
    {
      if (initial)
        json_builder_end_object (b);
      json_builder_set_member_name (b, "team");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, AF_SANDBOX_SLACK_TEAM_ID);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, "Example Workspace");
      json_builder_end_object (b);
      json_builder_set_member_name (b, "is_enterprise_install");
      json_builder_add_boolean_value (b, FALSE);
    }
  json_builder_end_object (b);
  af_sandbox_oauth_send_json (msg, SOUP_STATUS_OK, b);
}

void
af_sandbox_oauth_revoke_grant (AfSandboxOAuth *self,
                               Grant          *grant)
{
  grant->revoked = TRUE;
  for (guint i = 0; i < grant->access_tokens->len; i++)
    af_sandbox_revoke_token (self->sandbox, grant->access_tokens->pdata[i]);
}

static void
token_endpoint (AfSandboxOAuth    *self,
                SoupServerMessage *msg,
                GHashTable        *query,
                Kind               kind)
{
  g_autoptr (GHashTable) form = NULL;
  const char *grant_type, *client_id;

  af_sandbox_count (self->sandbox, kind == KIND_SLACK ? "slack.oauth.v2.access" : "google.oauth2.token");

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (apply_fault (self, msg, kind))
    return;

  form = af_sandbox_oauth_read_form (msg, query);
  client_id = g_hash_table_lookup (form, "client_id");
  grant_type = g_hash_table_lookup (form, "grant_type");
  if (grant_type == NULL && kind == KIND_SLACK)
    grant_type = "authorization_code";

  if (!client_known (kind, client_id))
    {
      af_sandbox_oauth_send_error (msg, kind, SOUP_STATUS_UNAUTHORIZED, kind == KIND_SLACK ? "invalid_client_id" : "invalid_client",
                                   "The OAuth client was not found.");
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      const char      *code_str = g_hash_table_lookup (form, "code");
      const char      *verifier = g_hash_table_lookup (form, "code_verifier");
      g_autofree char *challenge = NULL;
      g_autofree char *refresh = NULL;
      g_autofree char *access = NULL;
      Code            *code;
      Grant           *grant;

      /* One-time: whatever happens next, this code is spent. */
      code = code_str ? g_hash_table_lookup (self->codes, code_str) : NULL;
      if (code == NULL || code->expires_at < g_get_real_time () || code->kind != kind)
        {
          if (code != NULL)
            g_hash_table_remove (self->codes, code_str);
          af_sandbox_oauth_send_error (msg, kind, SOUP_STATUS_BAD_REQUEST, kind == KIND_SLACK ? "invalid_code" : "invalid_grant", "Malformed auth code.");
          return;
        }
      {
        gpointer key = NULL;

        /* The table owns its key copy: free it with the entry. */
        g_hash_table_steal_extended (self->codes, code_str, &key, NULL);
        g_free (key);
      }

      if (g_strcmp0 (code->client_id, client_id) != 0)
        {
          af_sandbox_oauth_send_error (msg, kind, SOUP_STATUS_BAD_REQUEST, kind == KIND_SLACK ? "invalid_code" : "invalid_grant", "The code was issued to another client.");
          code_free (code);
          return;
        }
      if (g_strcmp0 (code->redirect_uri, g_hash_table_lookup (form, "redirect_uri")) != 0)
        {
          af_sandbox_oauth_send_error (msg, kind, SOUP_STATUS_BAD_REQUEST, kind == KIND_SLACK ? "bad_redirect_uri" : "redirect_uri_mismatch", "Bad Request");
          code_free (code);
          return;
        }
      challenge = verifier ? s256 (verifier) : NULL;
      if (verifier == NULL || strlen (verifier) < 43 || g_strcmp0 (challenge, code->challenge) != 0)
        {
          af_sandbox_oauth_send_error (msg, kind, SOUP_STATUS_BAD_REQUEST, kind == KIND_SLACK ? "invalid_code_verifier" : "invalid_grant",
                                       verifier ? "Invalid code verifier." : "Missing code verifier.");
          code_free (code);
          return;
        }

      grant = g_new0 (Grant, 1);
      grant->kind = kind;
      grant->client_id = g_strdup (client_id);
      grant->account = g_strdup (code->account);
      grant->scope = g_strdup (code->scope);
      grant->offline = code->offline;
      grant->access_tokens = g_ptr_array_new_with_free_func (g_free);

      /* Without offline access the grant still has a key here, but the
       * client never sees it. */
      refresh = random_token (kind == KIND_SLACK ? "xoxe-1-sandbox-" : "1//sandbox-");
      g_hash_table_insert (self->grants, g_strdup (refresh), grant);
      access = issue_access (self, grant, refresh);
      send_tokens (self, msg, grant, access, grant->offline ? refresh : NULL, TRUE, code->nonce);
      code_free (code);
      return;
    }

  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      const char      *refresh = g_hash_table_lookup (form, "refresh_token");
      Grant           *grant = refresh ? g_hash_table_lookup (self->grants, refresh) : NULL;
      g_autofree char *access = NULL;

      if (grant == NULL || grant->revoked || !grant->offline || grant->kind != kind ||
          g_strcmp0 (grant->client_id, client_id) != 0)
        {
          af_sandbox_oauth_send_error (msg, kind, SOUP_STATUS_BAD_REQUEST, kind == KIND_SLACK ? "invalid_refresh_token" : "invalid_grant",
                                       "Token has been expired or revoked.");
          return;
        }

      if (kind == KIND_SLACK)
        {
          /* Rotation: the old refresh token is spent, a new one comes back. */
          g_autofree char *old = g_strdup (refresh);
          g_autofree char *fresh = random_token ("xoxe-1-sandbox-");
          gpointer         key, value;

          g_hash_table_steal_extended (self->grants, old, &key, &value);
          g_free (key);
          g_hash_table_insert (self->grants, g_strdup (fresh), value);
          access = issue_access (self, value, fresh);
          send_tokens (self, msg, value, access, fresh, FALSE, NULL);
          return;
        }

      access = issue_access (self, grant, refresh);
      send_tokens (self, msg, grant, access, NULL, FALSE, NULL);
      return;
    }

  af_sandbox_oauth_send_error (msg, kind, SOUP_STATUS_BAD_REQUEST, kind == KIND_SLACK ? "invalid_grant_type" : "unsupported_grant_type", NULL);
}

/* The grant a refresh or an access token belongs to. */
Grant *
af_sandbox_oauth_find_grant (AfSandboxOAuth *self,
                             const char     *token_str)
{
  const char *refresh;
  Grant      *grant;

  if (token_str == NULL)
    return NULL;
  if ((grant = g_hash_table_lookup (self->grants, token_str)) != NULL)
    return grant;
  if ((refresh = g_hash_table_lookup (self->access, token_str)) != NULL)
    return g_hash_table_lookup (self->grants, refresh);
  return NULL;
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  AfSandboxOAuth *self = AF_SANDBOX_OAUTH (user_data);
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self->sandbox);

  if (g_str_equal (path, "/o/oauth2/v2/auth"))
    authorize (self, msg, query, KIND_GOOGLE);
  else if (g_str_equal (path, "/oauth/v2/authorize"))
    authorize (self, msg, query, KIND_SLACK);
  else if (g_str_equal (path, "/sandbox/consent"))
    consent_page (self, msg, query);
  else if (g_str_equal (path, "/token"))
    token_endpoint (self, msg, query, KIND_GOOGLE);
  else if (g_str_equal (path, "/api/oauth.v2.access"))
    token_endpoint (self, msg, query, KIND_SLACK);
  else if (g_str_equal (path, "/revoke"))
    af_sandbox_oauth_revoke_endpoint (self, msg, query);
  else if (g_str_equal (path, "/v1/userinfo"))
    af_sandbox_oauth_userinfo (self, msg);
  else if (g_str_equal (path, "/.well-known/openid-configuration"))
    af_sandbox_oauth_discovery (self, msg);
  else if (g_str_equal (path, "/api/auth.test"))
    af_sandbox_oauth_auth_test (self, msg, query);
  else if (g_str_equal (path, "/api/auth.revoke"))
    af_sandbox_oauth_auth_revoke (self, msg, query);
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
af_sandbox_oauth_finalize (GObject *object)
{
  AfSandboxOAuth *self = (AfSandboxOAuth *)object;

  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->access);
  g_hash_table_unref (self->grants);
  g_hash_table_unref (self->tickets);
  g_ptr_array_unref (self->hung);
  g_strfreev (self->withheld);
  g_hash_table_unref (self->discovery_overrides);

  G_OBJECT_CLASS (af_sandbox_oauth_parent_class)->finalize (object);
}

static void
af_sandbox_oauth_class_init (AfSandboxOAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_sandbox_oauth_finalize;
}

static void
af_sandbox_oauth_init (AfSandboxOAuth *self)
{
  self->consent = AF_SANDBOX_CONSENT_ASK;
  self->lifetime = 3599;
  self->email_verified = TRUE;
  self->discovery_overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, code_free);
  self->grants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, grant_free);
  self->access = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->tickets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, ticket_free);
  self->hung = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * af_sandbox_oauth_register:
 *
 * Adds the authorization server's routes to @sandbox's server (called by
 * af_sandbox_start ()) and seeds the Slack bot token.
 */
void
af_sandbox_oauth_register (AfSandbox *sandbox)
{
  static const char *const paths[] = {
    "/o/oauth2/v2/auth",
    "/oauth/v2/authorize",
    "/sandbox/consent",
    "/token",
    "/api/oauth.v2.access",
    "/revoke",
    "/v1/userinfo",
    "/.well-known/openid-configuration",
    "/api/auth.test",
    "/api/auth.revoke",
  };
  AfSandboxOAuth *self;
  SoupServer     *server;

  g_return_if_fail (AF_IS_SANDBOX (sandbox));

  server = af_sandbox_get_server (sandbox);
  g_return_if_fail (server != NULL);

  self = af_sandbox_oauth_get (sandbox);
  if (self == NULL)
    {
      self = g_object_new (AF_TYPE_SANDBOX_OAUTH, NULL);
      self->sandbox = sandbox;
      g_object_set_data_full (G_OBJECT (sandbox), "af-sandbox-oauth", self, g_object_unref);
    }

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    soup_server_add_handler (server, paths[i], on_request_cb, self, NULL);

  af_sandbox_add_token (sandbox, AF_SANDBOX_SLACK_BOT_TOKEN, "slack", "U0AGENTFLOW",
                        "chat:write channels:read channels:history im:write users:read", 0);
}

/**
 * af_sandbox_oauth_get:
 *
 * Returns: (transfer none) (nullable): @sandbox's authorization server
 */
AfSandboxOAuth *
af_sandbox_oauth_get (AfSandbox *sandbox)
{
  g_return_val_if_fail (AF_IS_SANDBOX (sandbox), NULL);
  return g_object_get_data (G_OBJECT (sandbox), "af-sandbox-oauth");
}

/**
 * af_sandbox_oauth_set_consent:
 *
 * %AF_SANDBOX_CONSENT_APPROVE lets a test (or `--sandbox`) sign in
 * without a human.
 */
void
af_sandbox_oauth_set_consent (AfSandboxOAuth  *self,
                              AfSandboxConsent consent)
{
  g_return_if_fail (AF_IS_SANDBOX_OAUTH (self));
  self->consent = consent;
}

void
af_sandbox_oauth_set_token_fault (AfSandboxOAuth     *self,
                                  AfSandboxOAuthFault fault)
{
  g_return_if_fail (AF_IS_SANDBOX_OAUTH (self));
  self->fault = fault;
}

/**
 * af_sandbox_oauth_set_revoke_failing:
 *
 * Makes both revocation endpoints answer 503, like an outage.
 */
void
af_sandbox_oauth_set_revoke_failing (AfSandboxOAuth *self,
                                     gboolean        failing)
{
  g_return_if_fail (AF_IS_SANDBOX_OAUTH (self));
  self->revoke_failing = failing;
}

/**
 * af_sandbox_oauth_set_access_token_lifetime:
 * @seconds: expires_in of new access tokens (default 3599)
 */
void
af_sandbox_oauth_set_access_token_lifetime (AfSandboxOAuth *self,
                                            guint           seconds)
{
  g_return_if_fail (AF_IS_SANDBOX_OAUTH (self));
  self->lifetime = seconds;
}

/**
 * af_sandbox_oauth_set_withheld_scopes:
 * @scopes: (nullable): scopes the simulated person unticks on consent
 */
void
af_sandbox_oauth_set_withheld_scopes (AfSandboxOAuth *self,
                                      const char     *scopes)
{
  g_return_if_fail (AF_IS_SANDBOX_OAUTH (self));

  g_strfreev (self->withheld);
  self->withheld = scopes ? g_strsplit_set (scopes, " ,", -1) : NULL;
}

/**
 * af_sandbox_oauth_add_grant:
 * @scope: the granted scopes, space-separated
 *
 * Seeds a Google grant for the seeded person, as if they had consented to
 * the sandbox client, without the browser round trip.
 *
 * Returns: (transfer full): its refresh token
 */
char *
af_sandbox_oauth_add_grant (AfSandboxOAuth *self,
                            const char     *scope)
{
  char  *refresh;
  Grant *grant;

  g_return_val_if_fail (AF_IS_SANDBOX_OAUTH (self), NULL);

  grant = g_new0 (Grant, 1);
  grant->kind = KIND_GOOGLE;
  grant->client_id = g_strdup (AF_SANDBOX_GOOGLE_CLIENT_ID);
  grant->account = g_strdup (AF_SANDBOX_GOOGLE_ACCOUNT);
  grant->scope = g_strdup (scope);
  /* The app always asks for offline access: the refresh token works. */
  grant->offline = TRUE;
  grant->access_tokens = g_ptr_array_new_with_free_func (g_free);
  refresh = random_token ("1//sandbox-");
  g_hash_table_insert (self->grants, g_strdup (refresh), grant);

  return refresh;
}

/**
 * af_sandbox_oauth_set_strict_oidc:
 *
 * Makes the OpenID client's provider strict: offline_access only with
 * prompt=consent, no revocation endpoint, `iss` in every authorization
 * response (see the top of this file).
 */
void
af_sandbox_oauth_set_strict_oidc (AfSandboxOAuth *self,
                                  gboolean        strict)
{
  g_return_if_fail (AF_IS_SANDBOX_OAUTH (self));
  self->strict_oidc = strict;
}

/**
 * af_sandbox_oauth_has_live_grant:
 *
 * Returns: whether any grant issued here is still valid
 */
gboolean
af_sandbox_oauth_has_live_grant (AfSandboxOAuth *self)
{
  GHashTableIter iter;
  gpointer       value;

  g_return_val_if_fail (AF_IS_SANDBOX_OAUTH (self), FALSE);

  g_hash_table_iter_init (&iter, self->grants);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!((Grant *)value)->revoked)
      return TRUE;
  return FALSE;
}
