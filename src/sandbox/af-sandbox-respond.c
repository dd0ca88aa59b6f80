/* af-sandbox-respond.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every route of the sandbox answers with: JSON and text, Google's
 * error shapes, and the reading of a request's body and parameters.
 */

#define G_LOG_DOMAIN "af-sandbox"

#include "config.h"

#include <string.h>

#include "af-sandbox-private.h"

void
af_sandbox_respond_text (SoupServerMessage *msg,
                         guint              status,
                         const char        *content_type,
                         const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

void
af_sandbox_respond_json (SoupServerMessage *msg,
                         guint              status,
                         JsonNode          *node)
{
  char *text = json_to_string (node, FALSE);
  gsize length = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=UTF-8", SOUP_MEMORY_TAKE, text, length);
}

static const char *
google_status_name (guint code)
{
  switch (code)
    {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ALREADY_EXISTS";
    case 410:
      return "FAILED_PRECONDITION";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 503:
      return "UNAVAILABLE";
    default:
      return "INTERNAL";
    }
}

void
af_sandbox_respond_google_error (SoupServerMessage *msg,
                                 guint              code,
                                 const char        *reason,
                                 const char        *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "errors");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "domain");
  json_builder_add_string_value (b, "global");
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, reason);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, google_status_name (code));
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  af_sandbox_respond_json (msg, code, root);
}

void
af_sandbox_respond_google_auth (SoupServerMessage *msg,
                                AfSandboxAuth      auth)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (auth == AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE)
    {
      soup_message_headers_replace (headers, "WWW-Authenticate",
                                    "Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\"");
      af_sandbox_respond_google_error (msg, 403, "insufficientPermissions",
                                       "Request had insufficient authentication scopes.");
    }
  else
    {
      soup_message_headers_replace (headers, "WWW-Authenticate",
                                    "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
      /* Verbatim the sample of the Gmail API guide "Resolve errors". */
      af_sandbox_respond_text (msg, 401, "application/json; charset=UTF-8",
                               "{\"error\":{\"errors\":[{\"domain\":\"global\",\"reason\":\"authError\","
                               "\"message\":\"Invalid Credentials\",\"locationType\":\"header\",\"location\":\"Authorization\"}],"
                               "\"code\":401,\"message\":\"Invalid Credentials\"}}");
    }
}

AfSandboxAuth
af_sandbox_authorize_any (AfSandbox         *self,
                          SoupServerMessage *msg,
                          const char        *service,
                          const char *const *scopes,
                          const char       **account)
{
  AfSandboxAuth result = AF_SANDBOX_AUTH_INVALID;

  if (scopes == NULL || scopes[0] == NULL)
    return af_sandbox_authorize (self, msg, service, NULL, account);

  for (guint i = 0; scopes[i] != NULL; i++)
    {
      result = af_sandbox_authorize (self, msg, service, scopes[i], account);
      if (result != AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE)
        return result;
    }

  return result;
}

JsonNode *
af_sandbox_parse_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize       size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (data == NULL || size == 0 || !json_parser_load_from_data (parser, data, size, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

const char *
af_sandbox_param (SoupServerMessage *msg,
                  GHashTable        *query,
                  JsonNode          *body,
                  const char        *name)
{
  const char *value = query ? g_hash_table_lookup (query, name) : NULL;

  if (value == NULL && body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (body), name);

      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
        value = json_node_get_string (member);
    }

  if (value == NULL)
    {
      GHashTable *form = g_object_get_data (G_OBJECT (msg), "af-sandbox-form");

      if (form == NULL)
        {
          const char *content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

          if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") == 0)
            {
              SoupMessageBody *b = soup_server_message_get_request_body (msg);
              g_autoptr (GBytes) bytes = soup_message_body_flatten (b);
              g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

              form = soup_form_decode (text);
            }
          else
            form = g_hash_table_new (g_str_hash, g_str_equal);
          g_object_set_data_full (G_OBJECT (msg), "af-sandbox-form", form, (GDestroyNotify)g_hash_table_unref);
        }
      value = g_hash_table_lookup (form, name);
    }

  return value;
}
