/* af-action-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-action-text"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-action-private.h"
#include "af-action-text.h"
#include "af-json-private.h"

/* What actions are called in the activity feed, in approvals, in a test
 * run and in notifications: one wording everywhere. */

static const char *
item_title (JsonObject *item)
{
  if (item == NULL)
    return "";
  if (af_json_get_string (item, "subject", NULL) != NULL)
    return af_json_get_string (item, "subject", NULL);
  return json_object_get_string_member_with_default (item, "id", "");
}

/* A string parameter; anything else reads as @default_value. */
static const char *
param (JsonObject *params,
       const char *member,
       const char *default_value)
{
  return params != NULL ? json_object_get_string_member_with_default (params, member, default_value) : default_value;
}

/* "Dana Wu <dana@example.com>" → "Dana Wu"; a bare address stays. */
static char *
display_name (const char *from)
{
  const char      *lt = from ? strchr (from, '<') : NULL;
  g_autofree char *name = NULL;

  if (from == NULL)
    return g_strdup ("");
  if (lt == NULL || lt == from)
    {
      if (lt != NULL)
        {
          const char *gt = strchr (lt, '>');

          return gt ? g_strndup (lt + 1, gt - lt - 1) : g_strdup (from);
        }
      return g_strdup (from);
    }
  name = g_strstrip (g_strndup (from, lt - from));
  if (name[0] == '"' && strlen (name) > 1 && name[strlen (name) - 1] == '"')
    return g_strndup (name + 1, strlen (name) - 2);
  return g_steal_pointer (&name);
}

/**
 * af_action_describe:
 * @action: an action ("label", "send", …)
 * @params: its parameters
 * @item: (nullable): the mail, event or message it is about
 * @done: %TRUE for what was done, %FALSE for what is to be done
 *
 * Returns: (transfer full): one line in words, e.g. “Label “Invoice 2041”
 *   as Finance”
 */
char *
af_action_describe (const char *action,
                    JsonObject *params,
                    JsonObject *item,
                    gboolean    done)
{
  const AfActionRow *row;
  const char        *title;

  g_return_val_if_fail (action != NULL, NULL);

  row = af_action_row (action);
  if (row == NULL || row->todo == NULL)
    return g_strdup (action);
  title = item_title (item);

  /* The format strings are the table's, translated here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  switch (row->words)
    {
    case AF_ACTION_WORDS_TITLE:
      return g_strdup_printf (_ (done ? row->done : row->todo), title);
    case AF_ACTION_WORDS_TITLE_LABEL:
      return g_strdup_printf (_ (done ? row->done : row->todo), title, param (params, "label", ""));
    case AF_ACTION_WORDS_LABEL_TITLE:
      return g_strdup_printf (_ (done ? row->done : row->todo), param (params, "label", ""), title);
    case AF_ACTION_WORDS_RECIPIENT:
      if (*param (params, "to", "") == '\0')
        {
          g_autofree char *name = display_name (item ? json_object_get_string_member_with_default (item, "from", "") : "");

          return g_strdup_printf (_ (done ? row->reply_done : row->reply_todo), name);
        }
      return g_strdup_printf (_ (done ? row->done : row->todo), param (params, "to", ""));
    case AF_ACTION_WORDS_CHANNEL:
      return g_strdup_printf (_ (done ? row->done : row->todo), param (params, "channel", ""));
    case AF_ACTION_WORDS_SUMMARY:
      return g_strdup_printf (_ (done ? row->done : row->todo), param (params, "summary", title));
    case AF_ACTION_WORDS_NONE:
    default:
      return g_strdup (action);
    }
#pragma GCC diagnostic pop
}

/**
 * af_action_describe_stored:
 * @stored: an outbox entry's parameters: {"params": …, "item": …}
 *
 * af_action_describe() for an action as the outbox keeps it.
 */
char *
af_action_describe_stored (const char *action,
                           const char *stored,
                           gboolean    done)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = NULL, *params = NULL, *item = NULL;

  g_return_val_if_fail (action != NULL, NULL);

  if (stored != NULL && json_parser_load_from_data (parser, stored, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_get_object (json_parser_get_root (parser));
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "params")))
    params = json_object_get_object_member (root, "params");
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "item")))
    item = json_object_get_object_member (root, "item");
  return af_action_describe (action, params, item, done);
}

/* One action kind and how often, for af_action_describe_many(). */
static char *
describe_count (const char *action,
                guint       n)
{
  char *words = af_action_describe_count (action, n, FALSE);

  /* Translators: an action's internal name and a count */
  return words ? words : g_strdup_printf (_ ("%s %u"), action, n);
}

/**
 * af_action_describe_many:
 * @actions: (array length=n_actions): one action name per pending action
 *
 * Returns: (transfer full): a summary like “44 actions: label 30
 *   messages, archive 14”, kinds in the order they first appear
 */
char *
af_action_describe_many (const char *const *actions,
                         guint              n_actions)
{
  g_autoptr (GPtrArray) kinds = g_ptr_array_new ();
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GString) parts = g_string_new (NULL);

  for (guint i = 0; i < n_actions; i++)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, actions[i]));

      if (n == 0)
        g_ptr_array_add (kinds, (gpointer)actions[i]);
      g_hash_table_insert (counts, (gpointer)actions[i], GUINT_TO_POINTER (n + 1));
    }
  for (guint i = 0; i < kinds->len; i++)
    {
      const char      *kind = g_ptr_array_index (kinds, i);
      g_autofree char *part = describe_count (kind, GPOINTER_TO_UINT (g_hash_table_lookup (counts, kind)));

      if (parts->len > 0)
        /* Translators: separates the parts of “label 30 messages, archive 14” */
        g_string_append (parts, _ (", "));
      g_string_append (parts, part);
    }
  /* Translators: %u actions, then what they are (“label 30 messages, archive 14”) */
  return g_strdup_printf (ngettext ("%u action: %s", "%u actions: %s", n_actions), n_actions, parts->str);
}
