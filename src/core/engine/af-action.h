/* af-action.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The one table of what an agent can do: every action an agent, a rule,
 * the model or the user can ask for is a row here, with the permission
 * the gate checks, its service, whether it changes anything, whether it
 * may be batched, what undoes it, its words and the tool schema the model
 * is offered. Every function takes the action's id ("label", "send", …);
 * an unknown id reads as "no such action" (NULL, FALSE, 0). One line of
 * an action in words: af-action-text.h. */

/* (array zero-terminated=1): every action id, in the order they are
 * presented: mail first, as a person sorts it (run summaries use it). */
const char *const *af_action_list (void);
gboolean           af_action_is_known (const char *action);

/* "gmail", "calendar" or "slack". */
const char *af_action_get_service (const char *action);
/* The permission an agent's connection must grant, e.g. "gmail.modify". */
const char *af_action_get_permission (const char *action);
/* %TRUE when the action changes something outside AgentFlow (it goes
 * through the outbox and counts as work done). */
gboolean af_action_is_side_effect (const char *action);
/* %TRUE when the action only changes labels, so that many of them may go
 * out in one request and be repeated safely. */
gboolean af_action_is_batchable (const char *action);
/* (nullable): the action that undoes @action (“unlabel” for “label”), or
 * %NULL when it cannot be undone (a sent mail). */
const char *af_action_get_inverse (const char *action);
/* %TRUE when, after reading untrusted content (a mail body, a message),
 * the action waits for the user's approval unless the agent says otherwise. */
gboolean af_action_asks_after_untrusted (const char *action);

/* (nullable): the parameter a rule names the action's target with (a
 * label's "label", a post's "channel"). */
const char *af_action_get_target_param (const char *action);
/* (nullable): the parameter holding the text a person may edit before
 * approving (a mail's "body", a Slack message's "text"). */
const char *af_action_get_text_param (const char *action);

/* (nullable): a short translated name of what the action does, as a
 * setting would show it (“Label a message”). */
const char *af_action_get_title (const char *action);
/* (nullable): what approving and denying the action do, in a sentence an
 * approval shows under the action. */
const char *af_action_get_consequence (const char *action);
/* (nullable) (transfer full): “Let Inbox helper label mail without
 * asking”, the words of an approval's "Always allow". */
char *af_action_describe_always (const char *action,
                                 const char *agent_name);
/* (nullable) (transfer full): @n of @action in words, planned (“label 3
 * messages”) or done (“labelled 3 messages”); %NULL when the action has
 * no such words. */
char *af_action_describe_count (const char *action,
                                guint       n,
                                gboolean    done);

/* The model's view of an action (from the actions.json resource): only
 * actions a model may choose have one. (nullable) (transfer none). */
const char *af_action_get_tool_description (const char *action);
/* (array zero-terminated=1): the actions a model may be offered, in the
 * order it sees them. */
const char *const *af_action_list_tools (void);
JsonObject        *af_action_get_tool_schema (const char *action);

G_END_DECLS
