/* fuzz-template.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The {{field}} expansion of an action's params ("Thanks for your
 * message about {{subject}}") with the fields of the mail, event or
 * message that triggered the rule: written by anyone. Input: the params
 * object, "\n--\n", the item object. A field's value is inserted once,
 * never expanded again, and nothing but string members change.
 */

#include "config.h"

#include "af-fuzz.h"
#include "af-template-expand-private.h"

static gboolean
strings_valid (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        if (!g_utf8_validate (l->data, -1, NULL) || !strings_valid (json_object_get_member (object, l->data)))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!strings_valid (json_array_get_element (array, i)))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_utf8_validate (json_node_get_string (node), -1, NULL);
  return TRUE;
}

/* The longest string member of @item: what one {{field}} can add. */
static gsize
longest_value (JsonObject *item)
{
  g_autoptr (GList) members = item ? json_object_get_members (item) : NULL;
  gsize longest = 0;

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (item, l->data);

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        longest = MAX (longest, strlen (json_node_get_string (value)));
    }
  return longest;
}

static void
check_text (const char *text,
            JsonObject *item,
            gboolean    valid)
{
  g_autofree char *out = af_engine_expand_text (text, item);
  gsize            n_open = 0;

  g_assert (out != NULL);
  for (const char *p = text; (p = strstr (p, "{{")) != NULL; p += 2)
    n_open++;
  /* Each placeholder is replaced by one value at most: no recursion. */
  g_assert_cmpuint (strlen (out), <=, strlen (text) + n_open * longest_value (item));
  if (valid)
    g_assert (g_utf8_validate (out, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_auto (GStrv) fields = NULL;
  g_autoptr (JsonNode) params = NULL;
  g_autoptr (JsonNode) item_node = NULL;
  g_autoptr (JsonObject) expanded = NULL;
  g_autoptr (GList) members = NULL;
  JsonObject *item = NULL;
  gboolean    valid;

  af_fuzz_init ();

  fields = af_fuzz_split (data, size, 2);
  item_node = fields[1] ? json_from_string (fields[1], NULL) : NULL;
  if (item_node != NULL && JSON_NODE_HOLDS_OBJECT (item_node))
    item = json_node_get_object (item_node);

  /* The first field as a template of its own, as in a rule's text. */
  check_text (fields[0], item, g_utf8_validate (fields[0], -1, NULL) && (item_node == NULL || strings_valid (item_node)));
  check_text (fields[0], NULL, g_utf8_validate (fields[0], -1, NULL));

  params = json_from_string (fields[0], NULL);
  if (params == NULL || !JSON_NODE_HOLDS_OBJECT (params))
    return 0;

  valid = strings_valid (params) && (item_node == NULL || strings_valid (item_node));
  expanded = af_engine_expand_params (json_node_get_object (params), item);
  g_assert (expanded != NULL);
  g_assert_cmpuint (json_object_get_size (expanded), ==, json_object_get_size (json_node_get_object (params)));

  members = json_object_get_members (json_node_get_object (params));
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *before = json_object_get_member (json_node_get_object (params), l->data);
      JsonNode *after = json_object_get_member (expanded, l->data);

      g_assert (after != NULL);
      if (JSON_NODE_HOLDS_VALUE (before) && json_node_get_value_type (before) == G_TYPE_STRING)
        {
          g_assert (JSON_NODE_HOLDS_VALUE (after) && json_node_get_value_type (after) == G_TYPE_STRING);
          if (valid)
            g_assert (g_utf8_validate (json_node_get_string (after), -1, NULL));
        }
      else
        g_assert (json_node_equal (before, after));
    }

  return 0;
}
