/* af-editor-actions.c — the agent editor's one view of the action
 * table: every list of actions the editor holds is here, in the engine's
 * ids. What an action needs and which actions a permission's choice
 * covers come from the action table (af-action.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action.h"
#include "af-editor-actions.h"

/* What a rule row can do, in the order offered. */
const AfEditorChoice af_editor_rule_actions[] = {
  { "label", N_ ("Add label") },
  { "archive", N_ ("Archive") },
  { "star", N_ ("Star") },
  { "draft", N_ ("Draft a reply") },
  { "send", N_ ("Send a reply") },
  { "post", N_ ("Post to Slack") },
};

const guint af_editor_n_rule_actions = G_N_ELEMENTS (af_editor_rule_actions);

/**
 * af_editor_permission_actions:
 * @permission: "gmail.modify"…
 *
 * Returns: (nullable): the actions whose approval policy the choice for
 *   @permission sets, the first one's read back; %NULL for a permission
 *   that only reads, which asks nobody
 */
const char *const *
af_editor_permission_actions (const char *permission)
{
  static GHashTable *by_permission = NULL;
  GPtrArray         *actions;

  /* An action the user can allow "always" is one an approval can ask
   * about: the table's rows with those words, by the permission they need
   * ("Label, star and archive mail" covers every change to a message). */
  if (by_permission == NULL)
    {
      by_permission = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
      for (const char *const *a = af_action_list (); *a != NULL; a++)
        {
          g_autofree char *always = af_action_describe_always (*a, "");
          const char      *needs = af_action_get_permission (*a);
          GPtrArray       *list;

          if (always == NULL || needs == NULL)
            continue;
          list = g_hash_table_lookup (by_permission, needs);
          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_ptr_array_add (list, NULL);
              g_hash_table_insert (by_permission, (gpointer)needs, list);
            }
          list->pdata[list->len - 1] = (gpointer)*a;
          g_ptr_array_add (list, NULL);
        }
    }
  actions = g_hash_table_lookup (by_permission, permission ? permission : "");
  return actions != NULL ? (const char *const *)actions->pdata : NULL;
}
