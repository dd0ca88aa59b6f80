/* af-action-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-action-text"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

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
  g_autoptr (JsonObject) empty = json_object_new ();
  const char *title;
  const char *label, *to, *channel, *summary;

  g_return_val_if_fail (action != NULL, NULL);

  if (params == NULL)
    params = empty;
  title = item_title (item);
  label = json_object_get_string_member_with_default (params, "label", "");
  to = json_object_get_string_member_with_default (params, "to", "");
  channel = json_object_get_string_member_with_default (params, "channel", "");
  summary = json_object_get_string_member_with_default (params, "summary", title);

  if (g_str_equal (action, "label"))
    return g_strdup_printf (done ? _ ("Labelled “%s” as %s") : _ ("Label “%s” as %s"), title, label);
  if (g_str_equal (action, "unlabel"))
    return g_strdup_printf (done ? _ ("Removed the label %s from “%s”") : _ ("Remove the label %s from “%s”"),
                            label, title);
  if (g_str_equal (action, "archive"))
    return g_strdup_printf (done ? _ ("Archived “%s”") : _ ("Archive “%s”"), title);
  if (g_str_equal (action, "unarchive"))
    return g_strdup_printf (done ? _ ("Moved “%s” back to the inbox") : _ ("Move “%s” back to the inbox"), title);
  if (g_str_equal (action, "star"))
    return g_strdup_printf (done ? _ ("Starred “%s”") : _ ("Star “%s”"), title);
  if (g_str_equal (action, "unstar"))
    return g_strdup_printf (done ? _ ("Removed the star from “%s”") : _ ("Remove the star from “%s”"), title);
  if (g_str_equal (action, "mark_read"))
    return g_strdup_printf (done ? _ ("Marked “%s” as read") : _ ("Mark “%s” as read"), title);
  if (g_str_equal (action, "mark_unread"))
    return g_strdup_printf (done ? _ ("Marked “%s” as unread") : _ ("Mark “%s” as unread"), title);
  if (g_str_equal (action, "draft"))
    return g_strdup_printf (done ? _ ("Drafted a reply to “%s”") : _ ("Draft a reply to “%s”"), title);
  if (g_str_equal (action, "send") && *to == '\0')
    {
      g_autofree char *name = display_name (item ? json_object_get_string_member_with_default (item, "from", "") : "");

      return g_strdup_printf (done ? _ ("Sent a reply to %s") : _ ("Send a reply to %s"), name);
    }
  if (g_str_equal (action, "send"))
    return g_strdup_printf (done ? _ ("Sent a mail to %s") : _ ("Send a mail to %s"), to);
  if (g_str_equal (action, "post"))
    return g_strdup_printf (done ? _ ("Posted to %s") : _ ("Post to %s"), channel);
  if (g_str_equal (action, "create_event"))
    return g_strdup_printf (done ? _ ("Added “%s” to your calendar") : _ ("Add “%s” to your calendar"), summary);
  if (g_str_equal (action, "delete_event"))
    return g_strdup_printf (done ? _ ("Removed “%s” from your calendar") : _ ("Remove “%s” from your calendar"),
                            summary);
  return g_strdup (action);
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
  /* Translators: parts of a list like “label 30 messages, archive 14” */
  if (g_str_equal (action, "label"))
    return g_strdup_printf (ngettext ("label %u message", "label %u messages", n), n);
  if (g_str_equal (action, "archive"))
    return g_strdup_printf (ngettext ("archive %u", "archive %u", n), n);
  if (g_str_equal (action, "star"))
    return g_strdup_printf (ngettext ("star %u", "star %u", n), n);
  if (g_str_equal (action, "mark_read"))
    return g_strdup_printf (ngettext ("mark %u as read", "mark %u as read", n), n);
  if (g_str_equal (action, "draft"))
    return g_strdup_printf (ngettext ("draft %u reply", "draft %u replies", n), n);
  if (g_str_equal (action, "send"))
    return g_strdup_printf (ngettext ("send %u mail", "send %u mails", n), n);
  if (g_str_equal (action, "post"))
    return g_strdup_printf (ngettext ("post %u message", "post %u messages", n), n);
  if (g_str_equal (action, "create_event"))
    return g_strdup_printf (ngettext ("add %u event", "add %u events", n), n);
  /* Translators: an action's internal name and a count */
  return g_strdup_printf (_ ("%s %u"), action, n);
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

/**
 * af_action_get_inverse:
 *
 * Returns: (nullable): the action that undoes @action (“unlabel” for
 *   “label”), or %NULL when it cannot be undone (a sent mail)
 */
const char *
af_action_get_inverse (const char *action)
{
  static const char *const pairs[][2] = {
    { "label", "unlabel" },
    { "archive", "unarchive" },
    { "star", "unstar" },
    { "mark_read", "mark_unread" },
  };

  for (guint i = 0; action != NULL && i < G_N_ELEMENTS (pairs); i++)
    if (g_str_equal (pairs[i][0], action))
      return pairs[i][1];
  return NULL;
}
