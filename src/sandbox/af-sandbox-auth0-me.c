/* af-sandbox-auth0-me.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-auth0"

#include "config.h"

#include <string.h>

#include "af-sandbox-auth0-private.h"
#include "af-sandbox-jwt.h"

/* The tenant's My Account API, Connected Accounts part, and the browser
 * step between /connect and /complete.
 *
 * Requests, answers and scopes follow the My Account API OpenAPI document
 * (https://auth0.com/docs/api/myaccount, main/docs/oas/myaccount/
 * myaccount-api-oas.json in auth0/docs-v2) and the flow of
 * https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault/connected-accounts-for-token-vault.
 * Errors have the document's shape {type, status, title, detail,
 * validation_errors?}; it gives no example values, so the `type`s and
 * titles are those of the sibling My Organization API's examples
 * (main/docs/oas/myorganization/myorganization-api-oas.json), and
 * "about:blank" (RFC 9457 §4.2.1) where neither shows one. */

#define CONNECT_LIFETIME_SECONDS 300 /* the page's example: "expires_in": 300 */
#define CONNECT_CODE_USEC        (60 * G_USEC_PER_SEC)
#define PAGE_MAX                 20

void
af_sandbox_auth0_account_free (gpointer data)
{
  Auth0Account *a = data;

  g_free (a->id);
  g_free (a->connection);
  g_strfreev (a->scopes);
  g_free (a->created_at);
  g_free (a->provider_user);
  g_free (a->provider_token);
  g_free (a);
}

void
af_sandbox_auth0_connect_free (gpointer data)
{
  Auth0Connect *c = data;

  g_free (c->auth_session);
  g_free (c->ticket);
  g_free (c->client_id);
  g_free (c->connection);
  g_free (c->redirect_uri);
  g_free (c->state);
  g_free (c->challenge);
  g_strfreev (c->scopes);
  g_free (c->connect_code);
  g_strfreev (c->granted);
  g_free (c);
}

Auth0Account *
af_sandbox_auth0_find_account (AfSandboxAuth0 *self,
                               const char     *connection,
                               const char     *login_hint)
{
  for (guint i = 0; i < self->accounts->len; i++)
    {
      Auth0Account *a = self->accounts->pdata[i];

      if (g_strcmp0 (a->connection, connection) == 0 && (login_hint == NULL || g_strcmp0 (a->provider_user, login_hint) == 0))
        return a;
    }
  return NULL;
}

/* Errors */

typedef struct
{
  const char *field;
  const char *detail;
} Invalid;

static void
send_problem (SoupServerMessage *msg,
              guint              status,
              const char        *type,
              const char        *title,
              const char        *detail,
              const Invalid     *invalid)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, status);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, title);
  json_builder_set_member_name (b, "detail");
  json_builder_add_string_value (b, detail);
  if (invalid != NULL)
    {
      g_autofree char *pointer = g_strconcat ("/", invalid->field, NULL);

      json_builder_set_member_name (b, "validation_errors");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "detail");
      json_builder_add_string_value (b, invalid->detail);
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, invalid->field);
      json_builder_set_member_name (b, "pointer");
      json_builder_add_string_value (b, pointer);
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, "body");
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
send_validation (SoupServerMessage *msg,
                 const char        *field,
                 const char        *detail)
{
  Invalid invalid = { field, detail };

  send_problem (msg, SOUP_STATUS_BAD_REQUEST, "https://auth0.com/api-errors#A0E-400-0003", "Validation Error",
                "The request body is invalid.", &invalid);
}

static void
send_bad_request (SoupServerMessage *msg,
                  const char        *detail)
{
  send_problem (msg, SOUP_STATUS_BAD_REQUEST, "https://auth0.com/api-errors#A0E-400-0001", "Bad Request", detail, NULL);
}

static void
send_json (SoupServerMessage *msg,
           guint              status,
           JsonBuilder       *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *body = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY, body, strlen (body));
}

/* Access: a My Account API access token of the tenant, valid, with the
 * operation's scope (the OAS "security" of each operation). */
static Auth0Access *
authorize (AfSandboxAuth0    *self,
           SoupServerMessage *msg,
           const char        *scope)
{
  const char      *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *audience = af_sandbox_auth0_dup_my_account_audience (self);
  Auth0Access     *a = NULL;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0 || header[7] == '\0')
    {
      send_problem (msg, SOUP_STATUS_UNAUTHORIZED, "https://auth0.com/api-errors#A0E-401-0002", "Missing Token",
                    "No auth token provided.", NULL);
      return NULL;
    }

  a = g_hash_table_lookup (self->access, header + 7);
  if (a == NULL || g_strcmp0 (a->audience, audience) != 0 || a->expires_at <= g_get_real_time () ||
      !af_sandbox_jwt_verify (header + 7, NULL))
    {
      /* RFC 6750 §3.1 for the challenge; no documented problem type. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Bearer error=\"invalid_token\"");
      send_problem (msg, SOUP_STATUS_UNAUTHORIZED, "about:blank", "Unauthorized", "Invalid token.", NULL);
      return NULL;
    }

  if (!af_sandbox_auth0_scope_has (a->scope, scope))
    {
      send_problem (msg, SOUP_STATUS_FORBIDDEN, "https://auth0.com/api-errors#A0E-403-0002", "Insufficient Scope",
                    "The auth token lacks the required scope: Check the API documentation for the required scopes for this endpoint.",
                    NULL);
      return NULL;
    }

  return a;
}

/* Counts the request, sets the X-RateLimit-* headers every answer carries
 * (OAS: required on 2xx and 429) and answers 429 when a limit was set. */
static gboolean
begin (AfSandboxAuth0    *self,
       SoupServerMessage *msg,
       const char        *method_id)
{
  guint retry_after;

  af_sandbox_count (self->sandbox, method_id);
  if (af_sandbox_auth0_take_rate_limit (self, method_id, &retry_after))
    {
      af_sandbox_auth0_set_rate_headers (msg, retry_after);
      send_problem (msg, 429, "https://auth0.com/api-errors#A0E-429-0003", "Endpoint Rate Limit Exceeded",
                    "The endpoint request limit has been exceeded.", NULL);
      return FALSE;
    }
  af_sandbox_auth0_set_rate_headers (msg, 0);
  return TRUE;
}

/* The OAS bodies are application/json objects without additional
 * properties; other media types get 415. */
static JsonObject *
read_body (SoupServerMessage *msg,
           JsonNode         **node)
{
  const char      *content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  *node = NULL;
  if (g_strcmp0 (content_type, "application/json") != 0)
    {
      send_problem (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "about:blank", "Unsupported Media Type",
                    "The request body must be application/json.", NULL);
      return NULL;
    }

  bytes = soup_message_body_flatten (body);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      send_bad_request (msg, "The request body is not a JSON object.");
      return NULL;
    }

  *node = json_node_copy (root);
  return json_node_get_object (*node);
}

static gboolean
only_members (SoupServerMessage *msg,
              JsonObject        *object,
              const char *const *allowed)
{
  JsonObjectIter iter;
  const char    *name;
  JsonNode      *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_strv_contains (allowed, name))
      {
        send_validation (msg, name, "is not allowed");
        return FALSE;
      }
  return TRUE;
}

/* A string member within [min, max] characters. */
static gboolean
string_member (SoupServerMessage *msg,
               JsonObject        *object,
               const char        *name,
               gboolean           required,
               gsize              min,
               gsize              max,
               const char       **value)
{
  JsonNode *member = json_object_get_member (object, name);
  gsize     len;

  *value = NULL;
  if (member == NULL)
    {
      if (required)
        send_validation (msg, name, "is required");
      return !required;
    }
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    {
      send_validation (msg, name, "must be a string");
      return FALSE;
    }
  *value = json_node_get_string (member);
  len = g_utf8_strlen (*value, -1);
  if (len < min || len > max)
    {
      send_validation (msg, name, "has an invalid length");
      return FALSE;
    }
  return TRUE;
}

static char *
now_iso8601 (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
}

static void
add_account (JsonBuilder  *b,
             Auth0Account *a)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, a->id);
  json_builder_set_member_name (b, "connection");
  json_builder_add_string_value (b, a->connection);
  json_builder_set_member_name (b, "access_type");
  json_builder_add_string_value (b, "offline");
  json_builder_set_member_name (b, "scopes");
  json_builder_begin_array (b);
  for (guint i = 0; a->scopes[i] != NULL; i++)
    json_builder_add_string_value (b, a->scopes[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_string_value (b, a->created_at);
  json_builder_end_object (b);
}

/* POST /connected-accounts/connect */

static void
connect_request (AfSandboxAuth0    *self,
                 SoupServerMessage *msg)
{
  static const char *const allowed[] = { "connection", "redirect_uri", "state", "code_challenge", "code_challenge_method",
                                         "scopes", "authorization_params", NULL };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  g_auto (GStrv) defaults = NULL;
  g_autofree char *connect_uri = NULL;
  const char      *connection, *redirect_uri, *state, *challenge, *method;
  JsonObject      *body;
  JsonNode        *scopes, *params;
  Auth0Access     *a;
  Auth0Connect    *c;

  if (!begin (self, msg, "auth0.me.connected_accounts.connect") ||
      (a = authorize (self, msg, "create:me:connected_accounts")) == NULL ||
      (body = read_body (msg, &node)) == NULL || !only_members (msg, body, allowed) ||
      !string_member (msg, body, "connection", TRUE, 1, 128, &connection) ||
      !string_member (msg, body, "redirect_uri", TRUE, 1, 2048, &redirect_uri) ||
      !string_member (msg, body, "state", FALSE, 1, 4096, &state) ||
      !string_member (msg, body, "code_challenge", FALSE, 43, 128, &challenge) ||
      !string_member (msg, body, "code_challenge_method", FALSE, 4, 4, &method))
    return;

  /* dependentRequired: code_challenge needs code_challenge_method; const S256. */
  if ((challenge != NULL && method == NULL) || (method != NULL && !g_str_equal (method, "S256")))
    {
      send_validation (msg, "code_challenge_method", "must be S256 when code_challenge is given");
      return;
    }

  scopes = json_object_get_member (body, "scopes");
  if (scopes != NULL)
    {
      JsonArray *array = JSON_NODE_HOLDS_ARRAY (scopes) ? json_node_get_array (scopes) : NULL;
      guint      n = array ? json_array_get_length (array) : 0;

      if (array == NULL || n < 1 || n > 100)
        {
          send_validation (msg, "scopes", "must be an array of 1 to 100 scopes");
          return;
        }
      for (guint i = 0; i < n; i++)
        {
          JsonNode   *item = json_array_get_element (array, i);
          const char *s = JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING ? json_node_get_string (item) : NULL;

          if (s == NULL || s[0] == '\0' || strlen (s) > 255)
            {
              send_validation (msg, "scopes", "must hold non-empty strings");
              return;
            }
          for (guint j = 0; j < i; j++)
            if (g_str_equal (s, json_array_get_string_element (array, j)))
              {
                send_validation (msg, "scopes", "must not repeat a scope");
                return;
              }
        }
    }
  params = json_object_get_member (body, "authorization_params");
  if (params != NULL && !JSON_NODE_HOLDS_OBJECT (params))
    {
      send_validation (msg, "authorization_params", "must be an object");
      return;
    }

  /* Docs silent on a connection that is not set up for Connected Accounts
   * or a redirect the application does not allow: both are refused. */
  defaults = af_sandbox_auth0_connection_scopes (connection);
  if (defaults == NULL)
    {
      send_bad_request (msg, "The connection is not enabled for Connected Accounts.");
      return;
    }
  if (!af_sandbox_auth0_callback_allowed (redirect_uri))
    {
      send_bad_request (msg, "The redirect_uri is not an allowed callback URL of the application.");
      return;
    }

  c = g_new0 (Auth0Connect, 1);
  c->auth_session = af_sandbox_auth0_random ("");
  c->ticket = g_uuid_string_random ();
  c->client_id = g_strdup (a->grant->client_id);
  c->connection = g_strdup (connection);
  c->redirect_uri = g_strdup (redirect_uri);
  c->state = g_strdup (state);
  c->challenge = g_strdup (challenge);
  if (scopes != NULL)
    {
      JsonArray *array = json_node_get_array (scopes);
      guint      n = json_array_get_length (array);

      c->scopes = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        c->scopes[i] = g_strdup (json_array_get_string_element (array, i));
    }
  c->expires_at = g_get_real_time () + (gint64)CONNECT_LIFETIME_SECONDS * G_USEC_PER_SEC;
  g_hash_table_insert (self->connects, g_strdup (c->auth_session), c);

  connect_uri = af_sandbox_auth0_dup_domain_url (self);
  {
    char *with_path = g_strconcat (connect_uri, "/connect", NULL);

    g_free (connect_uri);
    connect_uri = with_path;
  }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "connect_uri");
  json_builder_add_string_value (b, connect_uri);
  json_builder_set_member_name (b, "auth_session");
  json_builder_add_string_value (b, c->auth_session);
  json_builder_set_member_name (b, "connect_params");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ticket");
  json_builder_add_string_value (b, c->ticket);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, CONNECT_LIFETIME_SECONDS);
  json_builder_end_object (b);
  send_json (msg, SOUP_STATUS_CREATED, b);
}

/* GET {domain}/connect?ticket=…: the browser step. The person signs in at
 * the provider and consents there, with no page in the sandbox (as its
 * other authorization servers in APPROVE mode); the provider sends them
 * back to Auth0, which redirects to the application's redirect_uri with a
 * single-use connect_code and the state. The page mentions reading the
 * code from the URL fragment once, but its flow (step 5) redirects with
 * it; a loopback server only ever sees the query, so it goes there. */
void
af_sandbox_auth0_connect_page (AfSandboxAuth0    *self,
                               SoupServerMessage *msg,
                               GHashTable        *query)
{
  const char *ticket = query ? g_hash_table_lookup (query, "ticket") : NULL;
  g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto (GStrv) requested = NULL;
  GStrv          withheld;
  GPtrArray     *granted;
  Auth0Connect  *c = NULL;
  GHashTableIter iter;
  gpointer       value;

  af_sandbox_count (self->sandbox, "auth0.connect");

  g_hash_table_iter_init (&iter, self->connects);
  while (ticket != NULL && c == NULL && g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (((Auth0Connect *)value)->ticket, ticket) == 0)
      c = value;

  if (c == NULL || c->expires_at <= g_get_real_time ())
    {
      af_sandbox_auth0_send_html (msg, SOUP_STATUS_BAD_REQUEST, "Invalid request", "This connection request has expired or is not valid.");
      return;
    }
  /* The ticket is good for one visit. */
  g_clear_pointer (&c->ticket, g_free);

  if (c->state != NULL)
    g_hash_table_insert (params, (char *)"state", c->state);

  if (self->connect_denied)
    {
      g_hash_table_insert (params, (char *)"error", (char *)"access_denied");
      g_hash_table_insert (params, (char *)"error_description", (char *)"The user denied the connection request");
      af_sandbox_auth0_redirect (msg, c->redirect_uri, params);
      g_hash_table_remove (self->connects, c->auth_session);
      return;
    }

  requested = c->scopes ? g_strdupv (c->scopes) : af_sandbox_auth0_connection_scopes (c->connection);
  withheld = g_hash_table_lookup (self->withheld, c->connection);
  granted = g_ptr_array_new ();
  for (guint i = 0; requested[i] != NULL; i++)
    if (withheld == NULL || !g_strv_contains ((const char *const *)withheld, requested[i]))
      g_ptr_array_add (granted, g_strdup (requested[i]));
  g_ptr_array_add (granted, NULL);
  g_strfreev (c->granted);
  c->granted = (GStrv)g_ptr_array_free (granted, FALSE);

  g_free (c->connect_code);
  c->connect_code = af_sandbox_auth0_random ("");
  c->code_expires_at = g_get_real_time () + CONNECT_CODE_USEC;

  g_hash_table_insert (params, (char *)"connect_code", c->connect_code);
  af_sandbox_auth0_redirect (msg, c->redirect_uri, params);
}

/* POST /connected-accounts/complete */

static void
complete_request (AfSandboxAuth0    *self,
                  SoupServerMessage *msg)
{
  static const char *const allowed[] = { "auth_session", "connect_code", "redirect_uri", "code_verifier", NULL };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  const char   *auth_session, *connect_code, *redirect_uri, *verifier;
  const char   *problem = NULL;
  JsonObject   *body;
  Auth0Access  *a;
  Auth0Connect *c;
  Auth0Account *account;

  if (!begin (self, msg, "auth0.me.connected_accounts.complete") ||
      (a = authorize (self, msg, "create:me:connected_accounts")) == NULL ||
      (body = read_body (msg, &node)) == NULL || !only_members (msg, body, allowed) ||
      !string_member (msg, body, "auth_session", TRUE, 1, 64, &auth_session) ||
      !string_member (msg, body, "connect_code", TRUE, 1, 46, &connect_code) ||
      !string_member (msg, body, "redirect_uri", TRUE, 1, 2048, &redirect_uri) ||
      !string_member (msg, body, "code_verifier", FALSE, 43, 128, &verifier))
    return;

  /* connected-accounts-for-token-vault, step 7: the auth_session is the
   * one issued to this user and application, the connect_code is the
   * single-use one, the redirect_uri is the one of /connect, the
   * code_verifier matches. The pages do not say which status a failed
   * check gets; 400, and the request is over. */
  c = g_hash_table_lookup (self->connects, auth_session);
  if (c == NULL || g_strcmp0 (c->client_id, a->grant->client_id) != 0)
    {
      send_bad_request (msg, "The auth_session is not valid.");
      return;
    }
  if (c->connect_code == NULL || !g_str_equal (c->connect_code, connect_code) || c->code_expires_at <= g_get_real_time ())
    problem = "The connect_code is not valid.";
  else if (!g_str_equal (c->redirect_uri, redirect_uri))
    problem = "The redirect_uri does not match the one of the connect request.";
  else if (c->challenge != NULL || verifier != NULL)
    {
      g_autofree char *challenge = verifier ? af_sandbox_auth0_s256 (verifier) : NULL;

      if (c->challenge == NULL || g_strcmp0 (challenge, c->challenge) != 0)
        problem = "The code_verifier does not match the code_challenge.";
    }
  if (problem != NULL)
    {
      send_bad_request (msg, problem);
      g_hash_table_remove (self->connects, auth_session);
      return;
    }

  /* Token Vault keeps one tokenset per connection and provider account;
   * connecting the same account again (say, for more scopes) updates it.
   * Docs silent on a repeat; the OAS's 409 is not used for it. */
  account = af_sandbox_auth0_find_account (self, c->connection, NULL);
  if (account == NULL)
    {
      GString *id = g_string_new ("cac_");

      for (guint i = 0; i < 22; i++)
        g_string_append_c (id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[g_random_int_range (0, 62)]);
      account = g_new0 (Auth0Account, 1);
      account->id = g_string_free (id, FALSE);
      account->connection = g_strdup (c->connection);
      account->created_at = now_iso8601 ();
      account->provider_user = g_strdup (g_str_equal (c->connection, AF_SANDBOX_AUTH0_SLACK_CONNECTION) ? AF_SANDBOX_SLACK_USER
                                                                                                        : AF_SANDBOX_AUTH0_GOOGLE_USER_ID);
      g_ptr_array_add (self->accounts, account);
    }
  g_strfreev (account->scopes);
  account->scopes = g_steal_pointer (&c->granted);
  g_clear_pointer (&account->provider_token, g_free);
  g_hash_table_remove (self->connects, auth_session);

  b = json_builder_new ();
  add_account (b, account);
  send_json (msg, SOUP_STATUS_CREATED, b);
}

/* GET /connected-accounts/accounts */

/* "connection" is a string or an exploded array (?connection=a&connection=b);
 * GLib's query table keeps one value, so the query is read here. */
static GStrv
connection_filter (SoupServerMessage *msg)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));
  g_auto (GStrv) pairs = NULL;
  GPtrArray *out;

  if (raw == NULL)
    return NULL;

  out = g_ptr_array_new ();
  pairs = g_strsplit (raw, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    if (g_str_has_prefix (pairs[i], "connection="))
      {
        char *value = g_uri_unescape_string (pairs[i] + strlen ("connection="), NULL);

        if (value != NULL)
          g_ptr_array_add (out, value);
      }
  if (out->len == 0)
    {
      g_ptr_array_free (out, TRUE);
      return NULL;
    }
  g_ptr_array_add (out, NULL);
  return (GStrv)g_ptr_array_free (out, FALSE);
}

static void
list_accounts (AfSandboxAuth0    *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  g_auto (GStrv) connections = connection_filter (msg);
  const char *from = query ? g_hash_table_lookup (query, "from") : NULL;
  const char *take_str = query ? g_hash_table_lookup (query, "take") : NULL;
  g_autoptr (JsonBuilder) b = NULL;
  guint64 start = 0, take = 10;
  guint   n = 0, i;

  if (!begin (self, msg, "auth0.me.connected_accounts.list") || authorize (self, msg, "read:me:connected_accounts") == NULL)
    return;

  /* take: 1 to 20 (default 10); from: the cursor of a previous "next". */
  if (take_str != NULL && (!g_ascii_string_to_unsigned (take_str, 10, 1, PAGE_MAX, &take, NULL)))
    {
      send_problem (msg, SOUP_STATUS_BAD_REQUEST, "https://auth0.com/api-errors#A0E-400-0001", "Bad Request",
                    "take must be a number from 1 to 20.", NULL);
      return;
    }
  if (connections != NULL && g_strv_length (connections) > 20)
    {
      send_validation (msg, "connection", "must name at most 20 connections");
      return;
    }
  if (from != NULL && (!g_str_has_prefix (from, "sb-") ||
                       !g_ascii_string_to_unsigned (from + 3, 10, 0, G_MAXUINT, &start, NULL)))
    {
      send_bad_request (msg, "from is not a valid cursor.");
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "accounts");
  json_builder_begin_array (b);
  for (i = start; i < self->accounts->len && n < take; i++)
    {
      Auth0Account *account = self->accounts->pdata[i];

      if (connections != NULL && !g_strv_contains ((const char *const *)connections, account->connection))
        continue;
      add_account (b, account);
      n++;
    }
  json_builder_end_array (b);
  /* A "next" only when more accounts of the filter follow. */
  for (guint j = i; j < self->accounts->len; j++)
    if (connections == NULL || g_strv_contains ((const char *const *)connections, ((Auth0Account *)self->accounts->pdata[j])->connection))
      {
        g_autofree char *next = g_strdup_printf ("sb-%u", i);

        json_builder_set_member_name (b, "next");
        json_builder_add_string_value (b, next);
        break;
      }
  json_builder_end_object (b);
  send_json (msg, SOUP_STATUS_OK, b);
}

/* GET /connected-accounts/connections */

static void
list_connections (AfSandboxAuth0    *self,
                  SoupServerMessage *msg)
{
  static const struct
  {
    const char *name;
    const char *strategy;
  } connections[] = {
    { AF_SANDBOX_AUTH0_GOOGLE_CONNECTION, "google-oauth2" },
    /* Docs silent on the Slack integration's strategy; the page's custom
     * connection example says "oauth2". */
    { AF_SANDBOX_AUTH0_SLACK_CONNECTION, "oauth2" },
  };
  g_autoptr (JsonBuilder) b = NULL;

  if (!begin (self, msg, "auth0.me.connected_accounts.connections") || authorize (self, msg, "read:me:connected_accounts") == NULL)
    return;

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "connections");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (connections); i++)
    {
      g_auto (GStrv) scopes = af_sandbox_auth0_connection_scopes (connections[i].name);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, connections[i].name);
      json_builder_set_member_name (b, "strategy");
      json_builder_add_string_value (b, connections[i].strategy);
      json_builder_set_member_name (b, "scopes");
      json_builder_begin_array (b);
      for (guint j = 0; scopes[j] != NULL; j++)
        json_builder_add_string_value (b, scopes[j]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  send_json (msg, SOUP_STATUS_OK, b);
}

/* DELETE /connected-accounts/accounts/{id} */

static void
delete_account (AfSandboxAuth0    *self,
                SoupServerMessage *msg,
                const char        *id)
{
  if (!begin (self, msg, "auth0.me.connected_accounts.delete") || authorize (self, msg, "delete:me:connected_accounts") == NULL)
    return;

  /* ConnectedAccountId: ^cac_[A-Za-z0-9]+$ */
  if (!g_str_has_prefix (id, "cac_") || id[4] == '\0')
    {
      send_problem (msg, SOUP_STATUS_BAD_REQUEST, "https://auth0.com/api-errors#A0E-400-0001", "Bad Request",
                    "id is not a connected account id.", NULL);
      return;
    }
  for (const char *p = id + 4; *p; p++)
    if (!g_ascii_isalnum (*p))
      {
        send_problem (msg, SOUP_STATUS_BAD_REQUEST, "https://auth0.com/api-errors#A0E-400-0001", "Bad Request",
                      "id is not a connected account id.", NULL);
        return;
      }

  for (guint i = 0; i < self->accounts->len; i++)
    if (g_str_equal (((Auth0Account *)self->accounts->pdata[i])->id, id))
      {
        /* The tokens leave Token Vault; the provider's tokens are not
         * revoked and keep working until they expire (page, "Delete
         * connected account"). */
        g_ptr_array_remove_index (self->accounts, i);
        soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
        return;
      }

  /* The OAS lists no 404 for this operation; deleting nothing is not
   * reported as done, with the sibling API's "Resource Not Found". */
  send_problem (msg, SOUP_STATUS_NOT_FOUND, "https://auth0.com/api-errors#A0E-404-0002", "Resource Not Found",
                "The connected account does not exist.", NULL);
}

/**
 * af_sandbox_auth0_me_handle:
 * @path: the path below /me/v1
 */
void
af_sandbox_auth0_me_handle (AfSandboxAuth0    *self,
                            SoupServerMessage *msg,
                            const char        *path,
                            GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/connected-accounts/connect") && g_str_equal (method, "POST"))
    connect_request (self, msg);
  else if (g_str_equal (path, "/connected-accounts/complete") && g_str_equal (method, "POST"))
    complete_request (self, msg);
  else if (g_str_equal (path, "/connected-accounts/accounts") && g_str_equal (method, "GET"))
    list_accounts (self, msg, query);
  else if (g_str_equal (path, "/connected-accounts/connections") && g_str_equal (method, "GET"))
    list_connections (self, msg);
  else if (g_str_has_prefix (path, "/connected-accounts/accounts/") && g_str_equal (method, "DELETE"))
    delete_account (self, msg, path + strlen ("/connected-accounts/accounts/"));
  else
    send_problem (msg, SOUP_STATUS_NOT_FOUND, "https://auth0.com/api-errors#A0E-404-0002", "Resource Not Found",
                  "No such endpoint.", NULL);
}
