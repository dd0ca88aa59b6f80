/* af-json-schema.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-json-schema"

#include "config.h"

#include <math.h>

#include "af-error.h"
#include "af-json-private.h"
#include "af-json-schema.h"

/* Model output is untrusted: arguments are checked against the tool's
 * schema before anything runs. Only the subset tool definitions use is
 * understood; an unknown keyword is ignored, as JSON Schema says. */

static const char *
node_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "array";

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return "boolean";
    case G_TYPE_INT64:
      return "integer";
    case G_TYPE_DOUBLE:
      return "number";
    case G_TYPE_STRING:
      return "string";
    default:
      return "unknown";
    }
}

static gboolean
type_matches (const char *wanted,
              JsonNode   *node)
{
  const char *actual = node_type_name (node);

  if (wanted == NULL)
    return FALSE;
  if (g_str_equal (wanted, actual))
    return TRUE;
  if (g_str_equal (wanted, "number") && g_str_equal (actual, "integer"))
    return TRUE;
  if (g_str_equal (wanted, "integer") && g_str_equal (actual, "number"))
    {
      double d = json_node_get_double (node);

      return d == floor (d);
    }
  return FALSE;
}

static gboolean
validate (JsonObject *schema,
          JsonNode   *node,
          const char *path,
          GError    **error);

static gboolean
validate_node (JsonNode   *schema,
               JsonNode   *node,
               const char *path,
               GError    **error)
{
  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    return TRUE;

  return validate (json_node_get_object (schema), node, path, error);
}

static gboolean
validate (JsonObject *schema,
          JsonNode   *node,
          const char *path,
          GError    **error)
{
  JsonNode *type = json_object_get_member (schema, "type");

  if (type != NULL)
    {
      gboolean ok = FALSE;

      if (JSON_NODE_HOLDS_ARRAY (type))
        {
          JsonArray *types = json_node_get_array (type);

          for (guint i = 0; i < json_array_get_length (types) && !ok; i++)
            ok = type_matches (af_json_array_get_string (types, i), node);
        }
      else if (json_node_get_value_type (type) == G_TYPE_STRING)
        ok = type_matches (json_node_get_string (type), node);
      else
        ok = TRUE;

      if (!ok)
        {
          g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA,
                       "%s: expected %s, got %s", path,
                       JSON_NODE_HOLDS_ARRAY (type) ? "one of several types" : json_node_get_string (type),
                       node_type_name (node));
          return FALSE;
        }
    }

  if (json_object_has_member (schema, "enum"))
    {
      JsonArray *values = af_json_get_array (schema, "enum");
      gboolean   found = FALSE;

      for (guint i = 0; values != NULL && i < json_array_get_length (values) && !found; i++)
        found = json_node_equal (json_array_get_element (values, i), node);

      if (!found)
        {
          g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA, "%s: not one of the allowed values", path);
          return FALSE;
        }
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      glong length = g_utf8_strlen (json_node_get_string (node), -1);

      if (json_object_has_member (schema, "minLength") &&
          length < af_json_get_int (schema, "minLength", 0))
        {
          g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA, "%s: too short", path);
          return FALSE;
        }
      if (json_object_has_member (schema, "maxLength") &&
          length > af_json_get_int (schema, "maxLength", 0))
        {
          g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA, "%s: too long", path);
          return FALSE;
        }
    }

  if (JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
    {
      double value = json_node_get_double (node);

      if (json_object_has_member (schema, "minimum") &&
          value < af_json_get_double (schema, "minimum", 0))
        {
          g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA, "%s: below the minimum", path);
          return FALSE;
        }
      if (json_object_has_member (schema, "maximum") &&
          value > af_json_get_double (schema, "maximum", 0))
        {
          g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA, "%s: above the maximum", path);
          return FALSE;
        }
    }

  if (JSON_NODE_HOLDS_ARRAY (node) && json_object_has_member (schema, "items"))
    {
      JsonArray *array = json_node_get_array (node);
      JsonNode  *items = json_object_get_member (schema, "items");

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);

          if (!validate_node (items, json_array_get_element (array, i), sub, error))
            return FALSE;
        }
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObject *properties = NULL;
      JsonNode   *additional = json_object_get_member (schema, "additionalProperties");

      properties = af_json_get_object (schema, "properties");

      if (json_object_has_member (schema, "required"))
        {
          JsonArray *required = af_json_get_array (schema, "required");

          for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
            {
              const char *name = af_json_array_get_string (required, i);

              if (name != NULL && !json_object_has_member (object, name))
                {
                  g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA,
                               "%s: the required field “%s” is missing", path, name);
                  return FALSE;
                }
            }
        }

      {
        g_autoptr (GList) members = json_object_get_members (object);

        for (GList *l = members; l != NULL; l = l->next)
          {
            const char      *name = l->data;
            g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);
            JsonNode        *property = properties ? json_object_get_member (properties, name) : NULL;

            if (property != NULL)
              {
                if (!validate_node (property, json_object_get_member (object, name), sub, error))
                  return FALSE;
              }
            else if (additional != NULL && JSON_NODE_HOLDS_VALUE (additional) &&
                     json_node_get_value_type (additional) == G_TYPE_BOOLEAN &&
                     !json_node_get_boolean (additional))
              {
                g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA, "%s: unexpected field", sub);
                return FALSE;
              }
            else if (additional != NULL && JSON_NODE_HOLDS_OBJECT (additional))
              {
                if (!validate_node (additional, json_object_get_member (object, name), sub, error))
                  return FALSE;
              }
          }
      }
    }

  return TRUE;
}

/**
 * af_json_schema_validate:
 * @schema: a JSON schema (an object node)
 * @instance: the value to check
 *
 * Returns: %TRUE if @instance matches, else %FALSE with an
 *   AF_ERROR_INVALID_DATA error whose message names the failing field
 */
gboolean
af_json_schema_validate (JsonNode *schema,
                         JsonNode *instance,
                         GError  **error)
{
  g_return_val_if_fail (schema != NULL, FALSE);
  g_return_val_if_fail (instance != NULL, FALSE);

  return validate_node (schema, instance, "arguments", error);
}
