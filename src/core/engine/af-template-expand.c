/* af-template-expand.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <string.h>

#include "af-template-expand-private.h"

/* Replaces {{field}} in @text with the item's field. */
char *
af_engine_expand_text (const char *text,
                       JsonObject *item)
{
  GString    *out = g_string_new (NULL);
  const char *p = text;

  while (*p)
    {
      const char *open = strstr (p, "{{");
      const char *close;

      if (open == NULL || (close = strstr (open, "}}")) == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, open - p);
      {
        g_autofree char *field = g_strndup (open + 2, close - open - 2);
        JsonNode        *value = item ? json_object_get_member (item, field) : NULL;

        if (value != NULL && json_node_get_value_type (value) == G_TYPE_STRING)
          g_string_append (out, json_node_get_string (value));
      }
      p = close + 2;
    }
  return g_string_free (out, FALSE);
}

JsonObject *
af_engine_expand_params (JsonObject *params,
                         JsonObject *item)
{
  JsonObject *out = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (params);

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *v = json_object_get_member (params, l->data);

      if (json_node_get_value_type (v) == G_TYPE_STRING)
        {
          g_autofree char *s = af_engine_expand_text (json_node_get_string (v), item);

          json_object_set_string_member (out, l->data, s);
        }
      else
        json_object_set_member (out, l->data, json_node_copy (v));
    }
  return out;
}
