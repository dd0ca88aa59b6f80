/* af-run-summary.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action.h"
#include "af-engine-private.h"
#include "af-run-summary.h"

/* Fields of a fetched item worth keeping with the activity: short, and
 * what the details dialog shows and links with. */
static const char *const item_fields[] = {
  "subject", "from", "thread_id", "event_title", "html_link", "channel", "ts", "permalink", "team", NULL
};

void
af_run_summary_add_item (JsonObject *details,
                         JsonObject *item)
{
  g_return_if_fail (details != NULL);

  if (item == NULL)
    return;
  for (guint i = 0; item_fields[i] != NULL; i++)
    {
      const char *v = json_object_get_string_member_with_default (item, item_fields[i], NULL);

      if (v != NULL && *v != '\0' && !json_object_has_member (details, item_fields[i]))
        json_object_set_string_member (details, item_fields[i], v);
    }
}

/* af_run_summary_add_item() into an object's text being written, which
 * holds none of the item's fields yet. */
void
af_run_summary_write_item (GString    *out,
                           JsonObject *item)
{
  if (item == NULL)
    return;
  for (guint i = 0; item_fields[i] != NULL; i++)
    {
      const char *v = json_object_get_string_member_with_default (item, item_fields[i], NULL);

      if (v != NULL && *v != '\0')
        af_engine_json_append_member (out, item_fields[i], v);
    }
}

/* Where a person sees what an action made: a created event's page in
 * Google Calendar, a posted message's Slack permalink (see
 * af-services-executor-actions.c). Only web addresses are kept. */
void
af_run_summary_add_answer (JsonObject *details,
                           const char *answer)
{
  static const char *const links[] = { "html_link", "permalink", NULL };
  g_autoptr (JsonNode) node = NULL;

  g_return_if_fail (details != NULL);

  if (answer == NULL || (node = json_from_string (answer, NULL)) == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  for (guint i = 0; links[i] != NULL; i++)
    {
      const char *v = json_object_get_string_member_with_default (json_node_get_object (node), links[i], NULL);

      if (v != NULL && g_str_has_prefix (v, "https://"))
        json_object_set_string_member (details, links[i], v);
    }
}

void
af_run_summary_count (JsonObject *counts,
                      const char *action)
{
  g_return_if_fail (counts != NULL);
  g_return_if_fail (action != NULL);

  json_object_set_int_member (counts, action, json_object_get_int_member_with_default (counts, action, 0) + 1);
}

static gboolean
has_words (const char *action)
{
  g_autofree char *words = af_action_describe_count (action, 1, TRUE);

  return words != NULL;
}

static char *
describe_action (const char *action,
                 guint       n)
{
  char *words = af_action_describe_count (action, n, TRUE);

  /* Translators: an action's name, then how often it was done */
  return words ? words : g_strdup_printf (_ ("%s × %u"), action, n);
}

char *
af_run_summary_describe (JsonObject *details)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  JsonObject *done;
  gint64      n;

  g_return_val_if_fail (details != NULL, NULL);

  done = json_object_has_member (details, "done_by_action") ? json_object_get_object_member (details, "done_by_action")
                                                            : NULL;
  if (done != NULL)
    {
      g_autoptr (GList) names = json_object_get_members (done);

      /* The actions with words for it in the table's order (mail first,
       * as a person sorts it), then the rest. */
      for (const char *const *a = af_action_list (); *a != NULL; a++)
        if (has_words (*a) && (n = json_object_get_int_member_with_default (done, *a, 0)) > 0)
          g_ptr_array_add (parts, describe_action (*a, (guint)n));
      for (GList *l = names; l != NULL; l = l->next)
        if (!has_words (l->data) && (n = json_object_get_int_member_with_default (done, l->data, 0)) > 0)
          g_ptr_array_add (parts, describe_action (l->data, (guint)n));
    }
  if ((n = json_object_get_int_member_with_default (details, "waiting_for_approval", 0)) > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u waits for you", "%u wait for you", (guint)n), (guint)n));
  if ((n = json_object_get_int_member_with_default (details, "actions_failed", 0)) > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u failed", "%u failed", (guint)n), (guint)n));
  if ((n = json_object_get_int_member_with_default (details, "left_alone", 0)) > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u left alone", "%u left alone", (guint)n), (guint)n));
  if (parts->len == 0)
    return NULL;

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **)parts->pdata);
}
