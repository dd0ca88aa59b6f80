/* af-token-set.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-token-set"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "af-error.h"
#include "af-json-private.h"
#include "af-token-set.h"

G_DEFINE_BOXED_TYPE (AfTokenSet, af_token_set, af_token_set_copy, af_token_set_free)

static void
wipe (char **s)
{
  if (*s != NULL)
    explicit_bzero (*s, strlen (*s));
  g_clear_pointer (s, g_free);
}

AfTokenSet *
af_token_set_new (void)
{
  return g_new0 (AfTokenSet, 1);
}

AfTokenSet *
af_token_set_copy (const AfTokenSet *self)
{
  AfTokenSet *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = af_token_set_new ();
  copy->access_token = g_strdup (self->access_token);
  copy->refresh_token = g_strdup (self->refresh_token);
  copy->token_type = g_strdup (self->token_type);
  copy->scope = g_strdup (self->scope);
  copy->expires_at = self->expires_at;
  copy->issued_at = self->issued_at;

  return copy;
}

void
af_token_set_free (AfTokenSet *self)
{
  if (self == NULL)
    return;

  wipe (&self->access_token);
  wipe (&self->refresh_token);
  g_free (self->token_type);
  g_free (self->scope);
  g_free (self);
}

char *
af_token_set_to_json (const AfTokenSet *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, self->access_token ? self->access_token : "");
  if (self->refresh_token != NULL)
    {
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, self->refresh_token);
    }
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, self->token_type ? self->token_type : "Bearer");
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, self->scope ? self->scope : "");
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, self->expires_at);
  if (self->issued_at != 0)
    {
      json_builder_set_member_name (builder, "issued_at");
      json_builder_add_int_value (builder, self->issued_at);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

AfTokenSet *
af_token_set_new_from_json (const char *json,
                            GError    **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AfTokenSet) self = NULL;
  JsonObject *obj;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL) || json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_DATA,
                           "The stored credential is damaged");
      return NULL;
    }

  obj = json_node_get_object (json_parser_get_root (parser));
  self = af_token_set_new ();
  self->access_token = g_strdup (af_json_get_string (obj, "access_token", ""));
  if (json_object_has_member (obj, "refresh_token"))
    self->refresh_token = g_strdup (af_json_get_string (obj, "refresh_token", NULL));
  self->token_type = g_strdup (af_json_get_string (obj, "token_type", "Bearer"));
  self->scope = g_strdup (af_json_get_string (obj, "scope", ""));
  self->expires_at = af_json_get_int (obj, "expires_at", 0);
  self->issued_at = af_json_get_int (obj, "issued_at", 0);

  /* Not a string (a damaged or hand-edited secret): no token either. */
  if (self->access_token == NULL || self->access_token[0] == '\0')
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_DATA,
                           "The stored credential is damaged");
      return NULL;
    }

  return g_steal_pointer (&self);
}
