/* af-agent-rule.c — the parts of an agent definition: a rule with its
 * conditions and actions, a connection to a service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-rule"

#include "config.h"

#include "af-agent-rule.h"
#include "af-agent.h"
#include "af-json-private.h"
#include "af-rules.h"

AfRuleCondition *
af_rule_condition_new (const char *field,
                       const char *op,
                       const char *value)
{
  AfRuleCondition *condition = g_new0 (AfRuleCondition, 1);

  condition->field = g_strdup (field);
  condition->op = g_strdup (op);
  condition->value = g_strdup (value ? value : "");
  return condition;
}

/**
 * af_rule_condition_new_flag:
 *
 * A yes-or-no test ("has_attachment" "is" @flag).
 */
AfRuleCondition *
af_rule_condition_new_flag (const char *field,
                            gboolean    flag)
{
  AfRuleCondition *condition = g_new0 (AfRuleCondition, 1);

  condition->field = g_strdup (field);
  condition->op = g_strdup ("is");
  condition->flag = flag;
  return condition;
}

static AfRuleCondition *
condition_copy (const AfRuleCondition *condition)
{
  AfRuleCondition *copy = g_new0 (AfRuleCondition, 1);

  copy->field = g_strdup (condition->field);
  copy->op = g_strdup (condition->op);
  copy->value = g_strdup (condition->value);
  copy->flag = condition->flag;
  return copy;
}

void
af_rule_condition_free (AfRuleCondition *condition)
{
  if (condition == NULL)
    return;
  g_free (condition->field);
  g_free (condition->op);
  g_free (condition->value);
  g_free (condition);
}

/**
 * af_rule_condition_dup_words:
 *
 * Returns: (transfer full): the words or addresses of a list operator,
 *   trimmed, in order
 */
GStrv
af_rule_condition_dup_words (const AfRuleCondition *condition)
{
  g_return_val_if_fail (condition != NULL, NULL);

  return af_rules_split_words (condition->value);
}

/* The rules store a list as text, "a, b, c" (af_rules_split_words()). */
void
af_rule_condition_set_words (AfRuleCondition   *condition,
                             const char *const *words)
{
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_if_fail (condition != NULL);

  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    {
      g_autofree char *word = g_strstrip (g_strdup (words[i]));

      if (*word == '\0')
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, word);
    }
  g_free (condition->value);
  condition->value = g_string_free (g_steal_pointer (&text), FALSE);
}

AfRuleAction *
af_rule_action_new (const char *action,
                    JsonObject *params)
{
  AfRuleAction *a = g_new0 (AfRuleAction, 1);

  a->action = g_strdup (action);
  if (params != NULL)
    {
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), params);
      g_autoptr (JsonNode) copy = af_json_deep_copy (node);

      a->params = json_object_ref (json_node_get_object (copy));
    }
  return a;
}

void
af_rule_action_free (AfRuleAction *action)
{
  if (action == NULL)
    return;
  g_free (action->action);
  g_clear_pointer (&action->params, json_object_unref);
  g_free (action);
}

const char *
af_rule_action_get_param (const AfRuleAction *action,
                          const char         *name)
{
  g_return_val_if_fail (action != NULL, NULL);

  return action->params ? af_json_get_string (action->params, name, NULL) : NULL;
}

AfRule *
af_rule_new (const char *name)
{
  AfRule *rule = g_new0 (AfRule, 1);

  rule->name = g_strdup (name);
  rule->conditions = g_ptr_array_new_with_free_func ((GDestroyNotify)af_rule_condition_free);
  rule->actions = g_ptr_array_new_with_free_func ((GDestroyNotify)af_rule_action_free);
  return rule;
}

AfRule *
af_rule_copy (const AfRule *rule)
{
  AfRule *copy;

  g_return_val_if_fail (rule != NULL, NULL);

  copy = af_rule_new (rule->name);
  copy->match_any = rule->match_any;
  copy->stop = rule->stop;
  for (guint i = 0; i < rule->conditions->len; i++)
    g_ptr_array_add (copy->conditions, condition_copy (g_ptr_array_index (rule->conditions, i)));
  for (guint i = 0; i < rule->actions->len; i++)
    {
      AfRuleAction *a = g_ptr_array_index (rule->actions, i);

      g_ptr_array_add (copy->actions, af_rule_action_new (a->action, a->params));
    }
  return copy;
}

void
af_rule_free (AfRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->name);
  g_ptr_array_unref (rule->conditions);
  g_ptr_array_unref (rule->actions);
  g_free (rule);
}

AfAgentConnection *
af_agent_connection_new (const char        *service,
                         const char        *account,
                         const char *const *permissions)
{
  AfAgentConnection *c = g_new0 (AfAgentConnection, 1);

  c->service = g_strdup (service);
  c->account = g_strdup (account);
  c->permissions = permissions ? g_strdupv ((char **)permissions) : g_new0 (char *, 1);
  return c;
}

void
af_agent_connection_free (AfAgentConnection *connection)
{
  if (connection == NULL)
    return;
  g_free (connection->service);
  g_free (connection->account);
  g_strfreev (connection->permissions);
  g_free (connection);
}
