/* af-run-summary.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

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

void
af_run_summary_count (JsonObject *counts,
                      const char *action)
{
  g_return_if_fail (counts != NULL);
  g_return_if_fail (action != NULL);

  json_object_set_int_member (counts, action, json_object_get_int_member_with_default (counts, action, 0) + 1);
}

static const char *const action_order[] = {
  "label", "archive", "star", "mark_read", "draft", "send", "create_event", "delete_event", "post", NULL
};

static char *
describe_action (const char *action,
                 guint       n)
{
  if (g_str_equal (action, "label"))
    return g_strdup_printf (ngettext ("labelled %u message", "labelled %u messages", n), n);
  if (g_str_equal (action, "archive"))
    return g_strdup_printf (ngettext ("archived %u message", "archived %u messages", n), n);
  if (g_str_equal (action, "star"))
    return g_strdup_printf (ngettext ("starred %u message", "starred %u messages", n), n);
  if (g_str_equal (action, "mark_read"))
    return g_strdup_printf (ngettext ("marked %u message read", "marked %u messages read", n), n);
  if (g_str_equal (action, "draft"))
    return g_strdup_printf (ngettext ("%u draft", "%u drafts", n), n);
  if (g_str_equal (action, "send"))
    return g_strdup_printf (ngettext ("sent %u message", "sent %u messages", n), n);
  if (g_str_equal (action, "create_event"))
    return g_strdup_printf (ngettext ("created %u event", "created %u events", n), n);
  if (g_str_equal (action, "delete_event"))
    return g_strdup_printf (ngettext ("deleted %u event", "deleted %u events", n), n);
  if (g_str_equal (action, "post"))
    return g_strdup_printf (ngettext ("posted %u Slack message", "posted %u Slack messages", n), n);
  /* Translators: an action's name, then how often it was done */
  return g_strdup_printf (_ ("%s × %u"), action, n);
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

      /* Mail first, in the order a person sorts it, then the rest. */
      for (guint i = 0; action_order[i] != NULL; i++)
        if ((n = json_object_get_int_member_with_default (done, action_order[i], 0)) > 0)
          g_ptr_array_add (parts, describe_action (action_order[i], (guint)n));
      for (GList *l = names; l != NULL; l = l->next)
        if (!g_strv_contains (action_order, l->data) && (n = json_object_get_int_member_with_default (done, l->data, 0)) > 0)
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
