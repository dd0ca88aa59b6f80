/* af-activity-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action-text.h"
#include "af-activity-text.h"
#include "af-engine-private.h"
#include "af-run-summary.h"

/* An action's line in the activity is kept as data (action, arguments,
 * outcome) and told in words when shown, in the language of whoever reads
 * it, with the words of approvals and notifications: af_action_describe(). */

/* Arguments longer than this (a mail body, a message) are cut: a line
 * never shows them, and the activity can hold millions of rows. */
#define MAX_ARG_CHARS 200

static JsonObject *
trimmed_args (JsonObject *params)
{
  JsonObject *args = json_object_new ();
  g_autoptr (GList) members = params ? json_object_get_members (params) : NULL;

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *v = json_object_get_member (params, l->data);

      if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (v);

          if (g_utf8_strlen (s, -1) > MAX_ARG_CHARS)
            {
              g_autofree char *cut = g_utf8_substring (s, 0, MAX_ARG_CHARS);

              json_object_set_string_member (args, l->data, cut);
              continue;
            }
          json_object_set_string_member (args, l->data, s);
        }
      else if (JSON_NODE_HOLDS_VALUE (v))
        json_object_set_member (args, l->data, json_node_copy (v));
    }
  return args;
}

void
af_activity_text_add_action (JsonObject *details,
                             const char *say,
                             const char *action,
                             JsonObject *params,
                             JsonObject *item,
                             gboolean    past)
{
  g_return_if_fail (details != NULL);
  g_return_if_fail (say != NULL && action != NULL);

  json_object_set_string_member (details, "say", say);
  /* Most callers named it already: set again, it would stay in place. */
  if (g_strcmp0 (json_object_get_string_member_with_default (details, "action", NULL), action) != 0)
    json_object_set_string_member (details, "action", action);
  json_object_set_object_member (details, "args", trimmed_args (params));
  if (past)
    json_object_set_boolean_member (details, "past", TRUE);
  if (item != NULL && !json_object_has_member (details, "item"))
    {
      const char *id = json_object_get_string_member_with_default (item, "id", NULL);

      if (id != NULL)
        json_object_set_string_member (details, "item", id);
    }
  af_run_summary_add_item (details, item);
}

/* (transfer full): the text of @params as af_activity_text_add_action()
 * keeps them ("args"). */
char *
af_activity_text_args (JsonObject *params)
{
  g_autoptr (JsonObject) args = trimmed_args (params);

  return af_engine_json_to_text (args);
}

/* (transfer full): the details af_activity_text_add_action() writes of
 * af_engine_details_new ("action", @action, "item", @item_id, "rule",
 * @rule, "key", @key) for an action done, as text and at once: a batch's
 * rows, alike but for their item, by the thousand. @args: the text of
 * af_activity_text_args(). Keep in step with the two. */
char *
af_activity_text_done_details (const char *action,
                               const char *item_id,
                               const char *rule,
                               const char *key,
                               const char *args,
                               JsonObject *item)
{
  GString *out = g_string_sized_new (320);

  g_string_append_c (out, '{');
  af_engine_json_append_member (out, "action", action);
  if (item_id != NULL)
    af_engine_json_append_member (out, "item", item_id);
  if (rule != NULL)
    af_engine_json_append_member (out, "rule", rule);
  if (key != NULL)
    af_engine_json_append_member (out, "key", key);
  af_engine_json_append_member (out, "say", AF_ACTIVITY_SAY_DONE);
  g_string_append (out, ",\"args\":");
  g_string_append (out, args);
  if (item_id == NULL && item != NULL && json_object_get_string_member_with_default (item, "id", NULL) != NULL)
    af_engine_json_append_member (out, "item", json_object_get_string_member_with_default (item, "id", NULL));
  af_run_summary_write_item (out, item);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static const char *
member (JsonObject *o,
        const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

char *
af_activity_text_describe (const char *kind,
                           JsonObject *details)
{
  g_autoptr (JsonObject) item = NULL;
  g_autofree char *what = NULL;
  const char      *say, *action;
  JsonNode        *args;
  gboolean         past;

  if (details == NULL)
    return NULL;
  say = member (details, "say");
  action = member (details, "action");
  args = json_object_get_member (details, "args");
  if (say == NULL || action == NULL || args == NULL || !JSON_NODE_HOLDS_OBJECT (args))
    return NULL;

  /* What the line needs of the item is kept beside the action. */
  item = json_object_new ();
  for (const char *const *f = (const char *const[]){ "subject", "from", NULL }; *f != NULL; f++)
    if (member (details, *f) != NULL)
      json_object_set_string_member (item, *f, member (details, *f));
  if (member (details, "item") != NULL)
    json_object_set_string_member (item, "id", member (details, "item"));

  past = json_object_get_boolean_member_with_default (details, "past", FALSE);
  if (g_str_equal (say, AF_ACTIVITY_SAY_DONE))
    return af_action_describe (action, json_node_get_object (args), item, TRUE);
  if (g_str_equal (say, AF_ACTIVITY_SAY_APPROVED) || g_str_equal (say, AF_ACTIVITY_SAY_UNDONE))
    past = TRUE;
  what = af_action_describe (action, json_node_get_object (args), item, past);

  if (g_str_equal (say, AF_ACTIVITY_SAY_FAILED))
    /* Translators: the first %s is an action ("Label “Invoice” as
     * Finance"), the second what went wrong */
    return g_strdup_printf (_ ("%s — failed: %s"), what, member (details, "error") ? member (details, "error") : "");
  if (g_str_equal (say, AF_ACTIVITY_SAY_WAITING))
    return g_strdup_printf (_ ("Waiting for approval: %s"), what);
  if (g_str_equal (say, AF_ACTIVITY_SAY_DENIED))
    /* Translators: the first %s is an action ("Label “Invoice” as
     * Finance"), the second a permission ("gmail.modify") */
    return g_strdup_printf (_ ("%s — not allowed: the agent lacks the “%s” permission"), what,
                            member (details, "permission") ? member (details, "permission") : "?");
  if (g_str_equal (say, AF_ACTIVITY_SAY_SKIPPED))
    /* Translators: %s is an action ("Label “Invoice” as Finance") */
    return g_strdup_printf (_ ("%s — skipped: this agent never does it"), what);
  if (g_str_equal (say, AF_ACTIVITY_SAY_APPROVED))
    /* Translators: %s is what was done ("Sent a mail to bob@example.com") */
    return g_strdup_printf (_ ("Approved and done: %s"), what);
  if (g_str_equal (say, AF_ACTIVITY_SAY_UNDONE))
    /* Translators: %s is what was done to undo an action ("Removed the label Finance from “Invoice”") */
    return g_strdup_printf (_ ("Undone: %s"), what);
  /* A way of saying it this version does not know: the stored line. */
  return NULL;
}

char *
af_activity_text_describe_json (const char *kind,
                                const char *details)
{
  g_autoptr (JsonNode) node = NULL;

  if (details == NULL || *details == '\0')
    return NULL;
  node = json_from_string (details, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return af_activity_text_describe (kind, json_node_get_object (node));
}
