/* af-agent-rule.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One test on an item: "field op value". @value is the text of every
 * operator but "is", whose value is @flag. */
typedef struct
{
  char    *field;
  char    *op;
  char    *value;
  gboolean flag;
} AfRuleCondition;

typedef struct
{
  char       *action;
  JsonObject *params; /* (nullable): the action's settings */
} AfRuleAction;

typedef struct
{
  char      *name;
  gboolean   match_any;
  GPtrArray *conditions; /* AfRuleCondition */
  GPtrArray *actions;    /* AfRuleAction */
  gboolean   stop;
} AfRule;

typedef struct
{
  char *service;
  char *account;
  GStrv permissions; /* "gmail.read"… */
} AfAgentConnection;

AfRuleCondition *af_rule_condition_new (const char *field,
                                        const char *op,
                                        const char *value);
AfRuleCondition *af_rule_condition_new_flag (const char *field,
                                             gboolean    flag);
void             af_rule_condition_free (AfRuleCondition *condition);
/* A list operator's words ("contains_any", "is_from"), and back. */
GStrv              af_rule_condition_dup_words (const AfRuleCondition *condition);
void               af_rule_condition_set_words (AfRuleCondition   *condition,
                                                const char *const *words);
AfRuleAction      *af_rule_action_new (const char *action,
                                       JsonObject *params);
void               af_rule_action_free (AfRuleAction *action);
const char        *af_rule_action_get_param (const AfRuleAction *action,
                                             const char         *name);
AfRule            *af_rule_new (const char *name);
AfRule            *af_rule_copy (const AfRule *rule);
void               af_rule_free (AfRule *rule);
AfAgentConnection *af_agent_connection_new (const char        *service,
                                            const char        *account,
                                            const char *const *permissions);
void               af_agent_connection_free (AfAgentConnection *connection);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfRule, af_rule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfRuleCondition, af_rule_condition_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfRuleAction, af_rule_action_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfAgentConnection, af_agent_connection_free)

G_END_DECLS
