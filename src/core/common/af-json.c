/* af-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-json"

#include "config.h"

#include "af-json-private.h"

/**
 * af_json_deep_copy:
 *
 * json_node_copy() shares objects and arrays; this does not.
 *
 * Returns: (transfer full): a copy of @node that shares nothing with it
 */
JsonNode *
af_json_deep_copy (JsonNode *node)
{
  JsonNode *copy;

  g_return_val_if_fail (node != NULL, NULL);

  /* A walk, not a round trip through text: json-glib reads "\ud800" into
   * a string it then refuses to read back, and the copy would be lost. */
  copy = json_node_alloc ();
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr (JsonObject) object = json_object_new ();
      JsonObjectIter iter;
      const char    *name;
      JsonNode      *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        json_object_set_member (object, name, af_json_deep_copy (member));
      return json_node_init_object (copy, object);
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autoptr (JsonArray) array = json_array_new ();
      JsonArray *source = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (source); i++)
        json_array_add_element (array, af_json_deep_copy (json_array_get_element (source, i)));
      return json_node_init_array (copy, array);
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_init_int (copy, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return json_node_init_double (copy, json_node_get_double (node));
    case G_TYPE_BOOLEAN:
      return json_node_init_boolean (copy, json_node_get_boolean (node));
    case G_TYPE_STRING:
      return json_node_init_string (copy, json_node_get_string (node));
    default:
      return json_node_init_null (copy);
    }
}
