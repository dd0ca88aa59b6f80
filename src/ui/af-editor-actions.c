/* af-editor-actions.c — the agent editor's one view of the action
 * table: every list of actions the editor holds is here, in the engine's
 * ids. The permission an action needs is the engine's
 * (af_action_get_permission()); when the typed action table (af-action)
 * lists each action's service, permission and words, these two lists are
 * the ones to read from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>

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

static const struct
{
  const char        *permission;
  const char *const *actions;
} permission_actions[] = {
  /* "Label, star and archive mail" covers every change to a message. */
  { "gmail.modify", (const char *const[]){ "label", "archive", "star", "mark_read", NULL } },
  { "gmail.compose", (const char *const[]){ "draft", NULL } },
  { "gmail.send", (const char *const[]){ "send", NULL } },
  { "calendar.write", (const char *const[]){ "create_event", NULL } },
  { "slack.post", (const char *const[]){ "post", NULL } },
};

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
  for (guint i = 0; i < G_N_ELEMENTS (permission_actions); i++)
    if (g_strcmp0 (permission_actions[i].permission, permission) == 0)
      return permission_actions[i].actions;
  return NULL;
}
