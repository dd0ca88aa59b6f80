/* af-account-manager-link.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-account-manager"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "af-account-manager-private.h"
#include "af-error.h"
#include "af-loopback-server.h"
#include "af-oauth-http.h"
#include "af-pkce.h"
#include "af-token-exchange-source.h"

/* Connected Accounts through the Auth0 sign-in (af-account-manager-auth0.c):
 * link Google or Slack at Auth0, list what is linked, delete a link. Every
 * call first gets a My Account API token from the sign-in's refresh token.
 *
 * https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault/connected-accounts-for-token-vault
 * https://auth0.com/docs/api/myaccount (connect, complete, list, delete) */

#define AUTH0_CALLBACK_PATH "/callback"

static const struct
{
  const char *service;
  const char *connection;
} connections[] = {
  { "gmail", "google-oauth2" },
  { "calendar", "google-oauth2" },
  { "slack", "sign-in-with-slack" },
};

/* json-glib 1.6 has no _with_default for these. */
static JsonObject *
object_member (JsonObject *obj,
               const char *name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *obj,
              const char *name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* The Auth0 sign-in's row, if there is one. */
static AfConnection *
find_auth0 (AfAccountManager *self,
            GError          **error)
{
  g_autoptr (GPtrArray) list = af_connection_store_list (self->store, NULL, error);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      AfConnection *c = list->pdata[i];

      if (g_str_equal (c->service, AF_AUTH0_SERVICE) && !g_str_equal (c->status, AF_CONNECTION_REVOKING))
        return af_connection_copy (c);
    }
  if (list != NULL)
    g_set_error_literal (error, AF_ERROR, AF_ERROR_NOT_FOUND,
                         _ ("Sign in to Auth0 first: agentflow connect auth0 --domain DOMAIN --client-id ID."));
  return NULL;
}

/* Connected Accounts */

typedef struct
{
  char             *service;
  char             *connection;
  AfConnection     *auth0;
  char             *domain;
  char             *client_id;
  AfTokenSet       *secret;
  AfTokenSet       *subject;
  char             *me_token;
  char             *verifier;
  char             *auth_session;
  AfLoopbackServer *loopback;
  char             *method; /* for af_account_manager_list_auth0_async () and unlink */
  char             *path;
  char             *body;
} LinkData;

static void
link_data_free (LinkData *data)
{
  g_free (data->service);
  g_free (data->connection);
  g_clear_pointer (&data->auth0, af_connection_free);
  g_free (data->domain);
  g_free (data->client_id);
  g_clear_pointer (&data->secret, af_token_set_free);
  g_clear_pointer (&data->subject, af_token_set_free);
  if (data->me_token != NULL)
    explicit_bzero (data->me_token, strlen (data->me_token));
  g_free (data->me_token);
  g_free (data->verifier);
  g_free (data->auth_session);
  if (data->loopback != NULL)
    af_loopback_server_close (data->loopback);
  g_clear_object (&data->loopback);
  g_free (data->method);
  g_free (data->path);
  g_free (data->body);
  g_free (data);
}

static SoupMessage *
me_request (LinkData   *data,
            const char *method,
            const char *path,
            const char *json)
{
  g_autofree char *url = g_strconcat (data->domain, "/me/v1/connected-accounts", path, NULL);
  SoupMessage     *msg = af_oauth_http_new_bearer (method, url, data->me_token);

  if (msg != NULL && json != NULL)
    {
      g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  return msg;
}

/* The My Account API's error shape {"title", "detail", "status"}, or an
 * OAuth one, as a sentence. */
static GError *
me_error (JsonObject *obj,
          guint       status)
{
  const char *detail = obj ? json_object_get_string_member_with_default (obj, "detail", NULL) : NULL;
  const char *title = obj ? json_object_get_string_member_with_default (obj, "title", NULL) : NULL;

  if (status == 401)
    return g_error_new_literal (AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                                _ ("Auth0 refused AgentFlow's sign-in for the My Account API. Sign in to Auth0 again."));
  /* Listing and deleting read the answer themselves: a rate limit says
   * what af_oauth_http_request_async() says for the others. */
  if (status == 429)
    return g_error_new_literal (AF_ERROR, AF_ERROR_RATE_LIMITED,
                                _ ("Auth0 asks AgentFlow to slow down. Try again in a few minutes."));
  if (status == 403)
    return g_error_new (AF_ERROR, AF_ERROR_PERMISSION_DENIED,
                        _ ("Auth0 does not let AgentFlow manage connected accounts (%s). Activate the My Account API and allow the application the Connected Accounts scopes."),
                        detail ? detail : "403");
  return g_error_new (AF_ERROR, AF_ERROR_BAD_RESPONSE, _ ("Auth0 refused: %s (HTTP %u)."),
                      detail ? detail : title ? title
                                              : "?",
                      status);
}

typedef void (*LinkStep) (GTask *task);

static void
on_rotated_stored_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask   *task = user_data;
  LinkStep next = g_object_get_data (G_OBJECT (task), "af-next");
  GError  *error = NULL;

  if (!af_vault_store_finish (AF_VAULT (object), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  next (task);
}

static void
on_me_token_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask    *task = user_data;
  LinkData *data = g_task_get_task_data (task);
  LinkStep  next = g_object_get_data (G_OBJECT (task), "af-next");
  g_autoptr (JsonObject) obj = NULL;
  GError     *error = NULL;
  guint       status = 0;
  const char *code, *rotated;

  obj = af_oauth_http_request_finish (result, &status, &error);
  if (obj == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  code = json_object_get_string_member_with_default (obj, "error", NULL);
  if (status != 200 || code != NULL || json_object_get_string_member_with_default (obj, "access_token", NULL) == NULL)
    {
      if (g_strcmp0 (code, "invalid_grant") == 0)
        g_task_return_new_error (task, AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                                 _ ("Sign in to Auth0 again: your Auth0 sign-in expired or was revoked."));
      else
        g_task_return_new_error (task, AF_ERROR, AF_ERROR_AUTH_FAILED, _ ("Auth0 refused AgentFlow's sign-in: %s."),
                                 json_object_get_string_member_with_default (obj, "error_description", code ? code : "?"));
      g_object_unref (task);
      return;
    }
  data->me_token = g_strdup (json_object_get_string_member (obj, "access_token"));
  /* With rotation on, Auth0 answers with a new refresh token and the old
   * one is spent (reusing it revokes the sign-in): keep the new one. */
  rotated = json_object_get_string_member_with_default (obj, "refresh_token", NULL);
  if (rotated != NULL && g_strcmp0 (rotated, data->subject->refresh_token) != 0)
    {
      AfAccountManager *self = g_task_get_source_object (task);
      g_autofree char  *label = g_strdup_printf ("AgentFlow: Auth0 (%s)", data->auth0->account);

      g_free (data->subject->refresh_token);
      data->subject->refresh_token = g_strdup (rotated);
      af_vault_store_async (self->vault, AF_AUTH0_SERVICE, data->auth0->account, "", label, data->subject, NULL,
                            on_rotated_stored_cb, task);
      return;
    }
  next (task);
}

/* A My Account API access token from the sign-in's refresh token. */
static void
on_link_secret_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  LinkData         *data = g_task_get_task_data (task);
  g_autoptr (GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *url = g_strconcat (data->domain, "/oauth/token", NULL);
  g_autofree char *audience = g_strconcat (data->domain, "/me/", NULL);
  g_autoptr (SoupMessage) msg = NULL;
  GError *error = NULL;

  data->secret = af_vault_lookup_finish (AF_VAULT (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_hash_table_insert (form, (char *)"grant_type", (char *)"refresh_token");
  g_hash_table_insert (form, (char *)"client_id", data->client_id);
  if (data->secret != NULL && data->secret->access_token != NULL)
    g_hash_table_insert (form, (char *)"client_secret", data->secret->access_token);
  g_hash_table_insert (form, (char *)"refresh_token", data->subject->refresh_token);
  g_hash_table_insert (form, (char *)"audience", audience);
  g_hash_table_insert (form, (char *)"scope", (char *)AF_AUTH0_MY_ACCOUNT_SCOPES);
  msg = af_oauth_http_new_form_post (url, form);
  af_oauth_http_request_async (self->session, msg, "Auth0", g_task_get_cancellable (task), on_me_token_cb, task);
}

static void
on_link_subject_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  LinkData         *data = g_task_get_task_data (task);
  GError           *error = NULL;

  data->subject = af_vault_lookup_finish (AF_VAULT (object), result, &error);
  if (data->subject == NULL || data->subject->refresh_token == NULL)
    {
      g_task_return_error (task, error ? error
                                       : g_error_new_literal (AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                                                              _ ("Sign in to Auth0 again: AgentFlow no longer holds your Auth0 sign-in.")));
      g_object_unref (task);
      return;
    }
  af_vault_lookup_async (self->vault, AF_AUTH0_CLIENT_SERVICE, data->client_id, "", g_task_get_cancellable (task),
                         on_link_secret_cb, task);
}

/* Finds the sign-in, gets a My Account API token, then runs @next. */
static void
link_begin (GTask   *task,
            LinkStep next)
{
  AfAccountManager *self = g_task_get_source_object (task);
  LinkData         *data = g_task_get_task_data (task);
  g_autoptr (JsonObject) obj = NULL;
  GError *error = NULL;

  data->auth0 = find_auth0 (self, &error);
  if (data->auth0 == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  obj = af_auth0_parse_metadata (data->auth0);
  if (obj == NULL || af_auth0_member (obj, "domain") == NULL || af_auth0_member (obj, "client_id") == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                               _ ("AgentFlow does not remember your Auth0 tenant. Sign in to Auth0 again."));
      g_object_unref (task);
      return;
    }
  data->domain = g_strdup (af_auth0_member (obj, "domain"));
  data->client_id = g_strdup (af_auth0_member (obj, "client_id"));
  g_object_set_data (G_OBJECT (task), "af-next", next);
  af_vault_lookup_async (self->vault, AF_AUTH0_SERVICE, data->auth0->account, "", g_task_get_cancellable (task),
                         on_link_subject_cb, task);
}

static void
on_link_completed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  LinkData         *data = g_task_get_task_data (task);
  g_autoptr (JsonObject) obj = NULL;
  g_autoptr (GString) scopes = g_string_new (NULL);
  g_autoptr (AfConnection) connection = NULL;
  g_autofree char *metadata = NULL;
  GError          *error = NULL;
  JsonArray       *granted;
  guint            status = 0;

  obj = af_oauth_http_request_finish (result, &status, &error);
  if (obj == NULL || status != 201 || json_object_get_string_member_with_default (obj, "id", NULL) == NULL)
    {
      g_task_return_error (task, error ? error : me_error (obj, status));
      return;
    }
  granted = array_member (obj, "scopes");
  for (guint i = 0; granted != NULL && i < json_array_get_length (granted); i++)
    g_string_append_printf (scopes, "%s%s", scopes->len ? " " : "", json_array_get_string_element (granted, i));

  metadata = af_auth0_build_metadata (data->domain, data->client_id, data->auth0->account, data->connection,
                                      json_object_get_string_member (obj, "id"));
  if (!af_connection_store_save_for_agent (self->store, data->service, data->auth0->account, "",
                                           data->auth0->display_name, scopes->str, metadata, &error) ||
      (connection = af_connection_store_get (self->store, data->service, data->auth0->account, &error)) == NULL)
    {
      g_task_return_error (task, error ? error : g_error_new_literal (AF_ERROR, AF_ERROR_DATABASE, "Connection vanished"));
      return;
    }
  /* A token source made for an earlier link starts afresh. */
  {
    g_autofree char *key = g_strjoin ("\n", data->service, data->auth0->account, NULL);

    g_hash_table_remove (self->exchanges, key);
  }
  g_message ("Connected %s through Auth0 (%s) for %s", data->service, data->connection, data->auth0->account);
  af_account_manager_emit_changed (self, data->service, data->auth0->account);
  g_task_return_pointer (task, g_steal_pointer (&connection), (GDestroyNotify)af_connection_free);
}

static void
on_link_redirect_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  LinkData         *data = g_task_get_task_data (task);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *body = NULL;
  g_autofree char *code = NULL;
  GError          *error = NULL;

  code = af_loopback_server_wait_finish (AF_LOOPBACK_SERVER (object), result, &error);
  af_loopback_server_close (data->loopback);
  if (code == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "auth_session");
  json_builder_add_string_value (b, data->auth_session);
  json_builder_set_member_name (b, "connect_code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "redirect_uri");
  json_builder_add_string_value (b, af_loopback_server_get_redirect_uri (data->loopback));
  json_builder_set_member_name (b, "code_verifier");
  json_builder_add_string_value (b, data->verifier);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  explicit_bzero (code, strlen (code));
  msg = me_request (data, "POST", "/complete", body);
  af_oauth_http_request_async (self->session, msg, "Auth0", g_task_get_cancellable (task), on_link_completed_cb, task);
}

static void
on_link_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  LinkData         *data = g_task_get_task_data (task);
  g_autoptr (JsonObject) obj = NULL;
  g_autofree char *uri = NULL;
  JsonObject      *params;
  const char      *connect_uri, *ticket;
  GError          *error = NULL;
  guint            status = 0;

  obj = af_oauth_http_request_finish (result, &status, &error);
  if (obj == NULL || status != 201)
    {
      g_task_return_error (task, error ? error : me_error (obj, status));
      g_object_unref (task);
      return;
    }
  connect_uri = json_object_get_string_member_with_default (obj, "connect_uri", NULL);
  params = object_member (obj, "connect_params");
  ticket = params ? json_object_get_string_member_with_default (params, "ticket", NULL) : NULL;
  data->auth_session = g_strdup (json_object_get_string_member_with_default (obj, "auth_session", NULL));
  if (connect_uri == NULL || ticket == NULL || data->auth_session == NULL ||
      !af_provider_check_secure_url (connect_uri, "Auth0", &error))
    {
      g_task_return_error (task, error ? error : g_error_new_literal (AF_ERROR, AF_ERROR_BAD_RESPONSE, _ ("Auth0 answered the connect request without a page to open.")));
      g_object_unref (task);
      return;
    }

  {
    g_autofree char *escaped = g_uri_escape_string (ticket, NULL, FALSE);

    uri = g_strdup_printf ("%s%cticket=%s", connect_uri, strchr (connect_uri, '?') ? '&' : '?', escaped);
  }
  af_loopback_server_wait_async (data->loopback, self->timeout, g_task_get_cancellable (task), on_link_redirect_cb, task);
  if (self->handler != NULL)
    self->handler (uri, self->handler_data);
  else
    g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
}

static void
link_connect (GTask *task)
{
  AfAccountManager *self = g_task_get_source_object (task);
  LinkData         *data = g_task_get_task_data (task);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *state = af_pkce_new_state ();
  g_autofree char *challenge = NULL;
  g_autofree char *body = NULL;
  GError          *error = NULL;

  data->verifier = af_pkce_new_verifier ();
  challenge = af_pkce_challenge_s256 (data->verifier);
  data->loopback = af_loopback_server_new ("127.0.0.1", AUTH0_CALLBACK_PATH, state, 0, &error);
  if (data->loopback == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "connection");
  json_builder_add_string_value (b, data->connection);
  json_builder_set_member_name (b, "redirect_uri");
  json_builder_add_string_value (b, af_loopback_server_get_redirect_uri (data->loopback));
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, state);
  json_builder_set_member_name (b, "code_challenge");
  json_builder_add_string_value (b, challenge);
  json_builder_set_member_name (b, "code_challenge_method");
  json_builder_add_string_value (b, "S256");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  msg = me_request (data, "POST", "/connect", body);
  af_oauth_http_request_async (self->session, msg, "Auth0", g_task_get_cancellable (task), on_link_started_cb, task);
}

/**
 * af_account_manager_link_auth0_async:
 * @service: "gmail", "calendar" or "slack"
 *
 * Links Google or Slack to the Auth0 sign-in (Connected Accounts) and
 * makes @service's row use Token Vault; the account is the Auth0 user's.
 * Finish with af_account_manager_link_auth0_finish().
 */
void
af_account_manager_link_auth0_async (AfAccountManager   *self,
                                     const char         *service,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  GTask    *task;
  LinkData *data;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (service != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_account_manager_link_auth0_async);
  data = g_new0 (LinkData, 1);
  data->service = g_strdup (service);
  g_task_set_task_data (task, data, (GDestroyNotify)link_data_free);
  for (guint i = 0; i < G_N_ELEMENTS (connections); i++)
    if (g_str_equal (connections[i].service, service))
      data->connection = g_strdup (connections[i].connection);
  if (data->connection == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT,
                               _ ("Only Gmail, Calendar and Slack can be connected through Auth0."));
      g_object_unref (task);
      return;
    }
  link_begin (task, link_connect);
}

AfConnection *
af_account_manager_link_auth0_finish (AfAccountManager *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_link_auth0_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Listing and deleting connected accounts */

static void
on_me_call_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  GError *error = NULL;
  guint   status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NETWORK, _ ("Could not reach Auth0: %s"), error->message);
      g_error_free (error);
      return;
    }
  status = soup_message_get_status (msg);
  /* delete: 204 without a body; a 404 means it is already gone. */
  if (status == 204 || (status == 404 && g_str_equal (soup_message_get_method (msg), "DELETE")))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_BAD_RESPONSE, _ ("Auth0 sent an answer AgentFlow does not understand (HTTP %u)."), status);
      return;
    }
  if (status != 200)
    {
      g_task_return_error (task, me_error (json_node_get_object (json_parser_get_root (parser)), status));
      return;
    }
  g_task_return_pointer (task, json_node_copy (json_parser_get_root (parser)), (GDestroyNotify)json_node_unref);
}

static void
me_call (GTask *task)
{
  AfAccountManager *self = g_task_get_source_object (task);
  LinkData         *data = g_task_get_task_data (task);
  g_autoptr (SoupMessage) msg = me_request (data, data->method, data->path, NULL);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_me_call_cb, task);
}

/**
 * af_account_manager_list_auth0_async:
 *
 * What Auth0 reports as linked to the sign-in (My Account API, first
 * page of up to 20). Finish with af_account_manager_list_auth0_finish().
 */
void
af_account_manager_list_auth0_async (AfAccountManager   *self,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  GTask    *task;
  LinkData *data;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_account_manager_list_auth0_async);
  data = g_new0 (LinkData, 1);
  data->method = g_strdup ("GET");
  data->path = g_strdup ("/accounts?take=20");
  g_task_set_task_data (task, data, (GDestroyNotify)link_data_free);
  link_begin (task, me_call);
}

/**
 * af_account_manager_list_auth0_finish:
 *
 * Returns: (transfer full): the accounts, each {"id", "connection",
 *   "scopes": [...]}, or %NULL with an error
 */
JsonArray *
af_account_manager_list_auth0_finish (AfAccountManager *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_autoptr (JsonNode) node = NULL;
  JsonArray *accounts;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_list_auth0_async), NULL);

  node = g_task_propagate_pointer (G_TASK (result), error);
  if (node == NULL)
    return NULL;
  accounts = array_member (json_node_get_object (node), "accounts");
  return accounts ? json_array_ref (accounts) : json_array_new ();
}

/**
 * af_account_manager_unlink_auth0_async:
 * @connected_account_id: the id Auth0 gave the connected account
 *
 * Deletes a connected account at Auth0 (My Account API).
 */
void
af_account_manager_unlink_auth0_async (AfAccountManager   *self,
                                       const char         *connected_account_id,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  GTask           *task;
  LinkData        *data;
  g_autofree char *escaped = NULL;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (connected_account_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_account_manager_unlink_auth0_async);
  data = g_new0 (LinkData, 1);
  escaped = g_uri_escape_string (connected_account_id, NULL, FALSE);
  data->method = g_strdup ("DELETE");
  data->path = g_strconcat ("/accounts/", escaped, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify)link_data_free);
  link_begin (task, me_call);
}

gboolean
af_account_manager_unlink_auth0_finish (AfAccountManager *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_unlink_auth0_async), FALSE);

  g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}
