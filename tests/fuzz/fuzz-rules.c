/* fuzz-rules.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rules come from agent files and from the editor; the items they match
 * come from mail, events and messages. Input: a rules array, "\n--\n",
 * an item object. Only rules that validate are evaluated, as the engine
 * does; "matches" regexes must stay bounded in time.
 */

#include "config.h"

#include "af-fuzz.h"
#include "af-rules.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_auto (GStrv) fields = NULL;
  g_autoptr (JsonNode) rules = NULL;
  g_autoptr (JsonNode) item = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) actions = NULL;

  af_fuzz_init ();

  fields = af_fuzz_split (data, size, 2);
  rules = fields[0] ? json_from_string (fields[0], NULL) : NULL;
  if (rules == NULL || !JSON_NODE_HOLDS_ARRAY (rules))
    return 0;

  if (!af_rules_validate (json_node_get_array (rules), "rules", &error))
    {
      g_assert (error != NULL);
      return 0;
    }

  item = fields[1] ? json_from_string (fields[1], NULL) : NULL;
  if (item == NULL || !JSON_NODE_HOLDS_OBJECT (item))
    return 0;

  actions = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  af_rules_evaluate (json_node_get_array (rules), json_node_get_object (item), G_GINT64_CONSTANT (1700003600) * G_USEC_PER_SEC, actions);
  /* The engine runs each one. */
  for (guint i = 0; i < actions->len; i++)
    {
      JsonObject *action = actions->pdata[i];

      g_assert (action != NULL);
      g_assert (json_object_has_member (action, "action") && json_object_has_member (action, "rule"));
    }

  return 0;
}
