/* af-agent-definition.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-definition"

#include "config.h"

#include "af-agent-definition.h"
#include "af-time.h"
#include "af-error.h"
#include "af-json-private.h"

#include <stdio.h>

/* What an agent does, as typed fields: the one place that reads and
 * writes an agent's definition JSON. The editor edits a copy. */
struct _AfAgentDefinition
{
  GObject parent_instance;

  char          *source;
  AfAgentTrigger trigger;
  int            first_run_days; /* -1: unset */
  GPtrArray     *connections;    /* AfAgentConnection */
  GPtrArray     *rules;          /* AfRule */
  GPtrArray     *approvals;      /* Approval, in the order read */

  gboolean has_ai;
  char    *instructions; /* (nullable) */
  gboolean ai_enabled;
  gboolean ai_enabled_set;
  int      max_steps; /* 0: unset */
  char    *model;     /* (nullable) */
  gboolean has_temperature;
  double   temperature;
};

G_DEFINE_FINAL_TYPE (AfAgentDefinition, af_agent_definition, G_TYPE_OBJECT)

typedef struct
{
  char            *action;
  AfApprovalPolicy policy;
} Approval;

static const char *const trigger_ids[] = {
  [AF_TRIGGER_MANUAL] = "manual",
  [AF_TRIGGER_INTERVAL] = "interval",
  [AF_TRIGGER_DAILY] = "daily",
  [AF_TRIGGER_WEEKLY] = "weekly",
  [AF_TRIGGER_NEW_MAIL] = "new_mail",
  [AF_TRIGGER_UPCOMING_EVENT] = "upcoming_event",
};

static void
approval_free (Approval *approval)
{
  g_free (approval->action);
  g_free (approval);
}

const char *
af_trigger_kind_to_string (AfTriggerKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (trigger_ids), "manual");

  return trigger_ids[kind];
}

gboolean
af_trigger_kind_from_string (const char    *text,
                             AfTriggerKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (trigger_ids); i++)
    if (g_strcmp0 (trigger_ids[i], text) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
af_approval_policy_to_string (AfApprovalPolicy policy)
{
  switch (policy)
    {
    case AF_APPROVAL_POLICY_ASK:
      return "ask";
    case AF_APPROVAL_POLICY_NEVER:
      return "never";
    case AF_APPROVAL_POLICY_AUTO:
    default:
      return "auto";
    }
}

static void
af_agent_definition_finalize (GObject *object)
{
  AfAgentDefinition *self = AF_AGENT_DEFINITION (object);

  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->approvals, g_ptr_array_unref);
  g_clear_pointer (&self->instructions, g_free);
  g_clear_pointer (&self->model, g_free);

  G_OBJECT_CLASS (af_agent_definition_parent_class)->finalize (object);
}

static void
af_agent_definition_class_init (AfAgentDefinitionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_agent_definition_finalize;
}

static void
af_agent_definition_init (AfAgentDefinition *self)
{
  self->source = g_strdup ("mail");
  self->trigger = (AfAgentTrigger){ .kind = AF_TRIGGER_MANUAL, .hour = -1, .minute = -1 };
  self->first_run_days = -1;
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify)af_agent_connection_free);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify)af_rule_free);
  self->approvals = g_ptr_array_new_with_free_func ((GDestroyNotify)approval_free);
}

/**
 * af_agent_definition_new:
 *
 * An empty definition: a manual mail agent with no rules.
 */
AfAgentDefinition *
af_agent_definition_new (void)
{
  return g_object_new (AF_TYPE_AGENT_DEFINITION, NULL);
}

static void
read_trigger (AfAgentDefinition *self,
              JsonObject        *t)
{
  const char *at = af_json_get_string (t, "at", NULL);
  int         h, m;

  af_trigger_kind_from_string (af_json_get_string (t, "type", NULL), &self->trigger.kind);
  self->trigger.minutes = json_object_has_member (t, "minutes") ? (int)af_json_get_int (t, "minutes", 0) : 0;
  if (at != NULL && af_time_parse_hhmm (at, &h, &m))
    {
      self->trigger.hour = h;
      self->trigger.minute = m;
    }
  self->trigger.weekday = json_object_has_member (t, "weekday") ? (int)af_json_get_int (t, "weekday", 0) : 0;
}

static AfRule *
read_rule (JsonObject *r)
{
  AfRule    *rule = af_rule_new (af_json_get_string (r, "name", NULL));
  JsonArray *conditions = json_object_get_array_member (r, "conditions");
  JsonArray *actions = json_object_get_array_member (r, "actions");

  rule->match_any = g_strcmp0 (af_json_get_string (r, "match", "all"), "any") == 0;
  rule->stop = af_json_get_boolean (r, "stop", FALSE);
  for (guint i = 0; i < json_array_get_length (conditions); i++)
    {
      JsonObject *c = json_array_get_object_element (conditions, i);
      JsonNode   *value = json_object_get_member (c, "value");
      const char *field = af_json_get_string (c, "field", NULL);
      const char *op = af_json_get_string (c, "op", NULL);

      if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
        g_ptr_array_add (rule->conditions, af_rule_condition_new_flag (field, json_node_get_boolean (value)));
      else
        g_ptr_array_add (rule->conditions, af_rule_condition_new (field, op, json_node_get_string (value)));
    }
  for (guint i = 0; i < json_array_get_length (actions); i++)
    {
      JsonObject *a = json_array_get_object_element (actions, i);
      JsonNode   *params = json_object_get_member (a, "params");

      g_ptr_array_add (rule->actions, af_rule_action_new (af_json_get_string (a, "action", NULL),
                                                          params && JSON_NODE_HOLDS_OBJECT (params) ? json_node_get_object (params) : NULL));
    }
  return rule;
}

static void
read_ai (AfAgentDefinition *self,
         JsonObject        *ai)
{
  JsonNode *temperature = json_object_get_member (ai, "temperature");

  self->has_ai = TRUE;
  self->instructions = g_strdup (af_json_get_string (ai, "instructions", NULL));
  self->ai_enabled_set = json_object_has_member (ai, "enabled");
  self->ai_enabled = af_json_get_boolean (ai, "enabled", FALSE);
  self->max_steps = json_object_has_member (ai, "max_steps") ? (int)af_json_get_int (ai, "max_steps", 0) : 0;
  self->model = g_strdup (af_json_get_string (ai, "model", NULL));
  self->has_temperature = temperature != NULL && !JSON_NODE_HOLDS_NULL (temperature);
  self->temperature = self->has_temperature ? json_node_get_double (temperature) : 0;
}

/**
 * af_agent_definition_new_from_json:
 * @definition: an agent's definition, as stored and exported
 *
 * Returns: (transfer full) (nullable): the definition, or %NULL with
 *   AF_ERROR_INVALID_DATA naming the first problem
 */
AfAgentDefinition *
af_agent_definition_new_from_json (JsonObject *definition,
                                   GError    **error)
{
  g_autoptr (AfAgentDefinition) self = NULL;
  JsonObject *approvals;

  g_return_val_if_fail (definition != NULL, NULL);

  if (!af_agent_validate_definition (definition, error))
    return NULL;

  self = af_agent_definition_new ();
  af_agent_definition_set_source (self, af_json_get_string (definition, "source", "mail"));
  read_trigger (self, json_object_get_object_member (definition, "trigger"));
  if (json_object_has_member (definition, "first_run_days"))
    self->first_run_days = (int)af_json_get_int (definition, "first_run_days", 0);

  if (json_object_has_member (definition, "connections"))
    {
      JsonArray *connections = json_object_get_array_member (definition, "connections");

      for (guint i = 0; i < json_array_get_length (connections); i++)
        {
          JsonObject *c = json_array_get_object_element (connections, i);
          JsonArray  *perms = json_object_get_array_member (c, "permissions");
          g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
          g_auto (GStrv) strv = NULL;

          for (guint j = 0; j < json_array_get_length (perms); j++)
            g_strv_builder_add (builder, json_array_get_string_element (perms, j));
          strv = g_strv_builder_end (builder);
          g_ptr_array_add (self->connections,
                           af_agent_connection_new (af_json_get_string (c, "service", NULL),
                                                    af_json_get_string (c, "account", NULL), (const char *const *)strv));
        }
    }

  if (json_object_has_member (definition, "rules"))
    {
      JsonArray *rules = json_object_get_array_member (definition, "rules");

      for (guint i = 0; i < json_array_get_length (rules); i++)
        g_ptr_array_add (self->rules, read_rule (json_array_get_object_element (rules, i)));
    }

  approvals = json_object_has_member (definition, "approvals") ? json_object_get_object_member (definition, "approvals") : NULL;
  if (approvals != NULL)
    {
      g_autoptr (GList) members = json_object_get_members (approvals);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char      *policy = af_json_get_string (approvals, l->data, "auto");
          AfApprovalPolicy p = g_str_equal (policy, "ask")     ? AF_APPROVAL_POLICY_ASK
                               : g_str_equal (policy, "never") ? AF_APPROVAL_POLICY_NEVER
                                                               : AF_APPROVAL_POLICY_AUTO;

          af_agent_definition_set_approval (self, l->data, p);
        }
    }

  if (json_object_has_member (definition, "ai") && !JSON_NODE_HOLDS_NULL (json_object_get_member (definition, "ai")))
    read_ai (self, json_object_get_object_member (definition, "ai"));

  return g_steal_pointer (&self);
}

/**
 * af_agent_definition_new_from_agent:
 *
 * Returns: (transfer full): a copy of what @agent does, to edit
 */
AfAgentDefinition *
af_agent_definition_new_from_agent (AfAgent *agent)
{
  g_autoptr (GError) error = NULL;
  AfAgentDefinition *self;

  g_return_val_if_fail (AF_IS_AGENT (agent), NULL);

  self = af_agent_definition_new_from_json (af_agent_get_definition (agent), &error);
  /* An agent only ever holds a valid definition (af_agent_set_definition()
   * callers validate); one made before a check existed still opens, blank. */
  if (self == NULL)
    {
      g_warning ("Agent %s has an invalid definition: %s", af_agent_get_id (agent), error->message);
      self = af_agent_definition_new ();
    }
  return self;
}

AfAgentDefinition *
af_agent_definition_copy (AfAgentDefinition *self)
{
  AfAgentDefinition *copy;

  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), NULL);

  copy = af_agent_definition_new ();
  af_agent_definition_set_source (copy, self->source);
  copy->trigger = self->trigger;
  copy->first_run_days = self->first_run_days;
  af_agent_definition_set_connections (copy, self->connections);
  af_agent_definition_set_rules (copy, self->rules);
  for (guint i = 0; i < self->approvals->len; i++)
    {
      Approval *a = g_ptr_array_index (self->approvals, i);

      af_agent_definition_set_approval (copy, a->action, a->policy);
    }
  copy->has_ai = self->has_ai;
  copy->instructions = g_strdup (self->instructions);
  copy->ai_enabled = self->ai_enabled;
  copy->ai_enabled_set = self->ai_enabled_set;
  copy->max_steps = self->max_steps;
  copy->model = g_strdup (self->model);
  copy->has_temperature = self->has_temperature;
  copy->temperature = self->temperature;
  return copy;
}

static JsonObject *
write_trigger (const AfAgentTrigger *trigger)
{
  JsonObject *t = json_object_new ();

  json_object_set_string_member (t, "type", af_trigger_kind_to_string (trigger->kind));
  if (trigger->minutes > 0)
    json_object_set_int_member (t, "minutes", trigger->minutes);
  if (trigger->hour >= 0 && trigger->minute >= 0)
    {
      g_autofree char *at = af_time_format_hhmm (trigger->hour, trigger->minute);

      json_object_set_string_member (t, "at", at);
    }
  if (trigger->weekday > 0)
    json_object_set_int_member (t, "weekday", trigger->weekday);
  return t;
}

static JsonObject *
write_rule (const AfRule *rule)
{
  JsonObject *r = json_object_new ();
  JsonArray  *conditions = json_array_new ();
  JsonArray  *actions = json_array_new ();

  if (rule->name != NULL)
    json_object_set_string_member (r, "name", rule->name);
  json_object_set_string_member (r, "match", rule->match_any ? "any" : "all");
  for (guint i = 0; i < rule->conditions->len; i++)
    {
      AfRuleCondition *c = g_ptr_array_index (rule->conditions, i);
      JsonObject      *o = json_object_new ();

      json_object_set_string_member (o, "field", c->field);
      json_object_set_string_member (o, "op", c->op);
      if (g_strcmp0 (c->op, "is") == 0)
        json_object_set_boolean_member (o, "value", c->flag);
      else
        json_object_set_string_member (o, "value", c->value ? c->value : "");
      json_array_add_object_element (conditions, o);
    }
  for (guint i = 0; i < rule->actions->len; i++)
    {
      AfRuleAction *a = g_ptr_array_index (rule->actions, i);
      JsonObject   *o = json_object_new ();

      json_object_set_string_member (o, "action", a->action);
      if (a->params != NULL)
        {
          g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), a->params);

          json_object_set_member (o, "params", af_json_deep_copy (node));
        }
      json_array_add_object_element (actions, o);
    }
  json_object_set_array_member (r, "conditions", conditions);
  json_object_set_array_member (r, "actions", actions);
  if (rule->stop)
    json_object_set_boolean_member (r, "stop", TRUE);
  return r;
}

/**
 * af_agent_definition_to_json:
 *
 * Returns: (transfer full): the definition as the engine stores and
 *   exports it (af_agent_validate_definition() reads it back)
 */
JsonObject *
af_agent_definition_to_json (AfAgentDefinition *self)
{
  JsonObject *o;

  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), NULL);

  o = json_object_new ();
  json_object_set_string_member (o, "source", self->source);
  json_object_set_object_member (o, "trigger", write_trigger (&self->trigger));
  if (self->first_run_days >= 0)
    json_object_set_int_member (o, "first_run_days", self->first_run_days);
  if (self->connections->len > 0)
    {
      JsonArray *connections = json_array_new ();

      for (guint i = 0; i < self->connections->len; i++)
        {
          AfAgentConnection *c = g_ptr_array_index (self->connections, i);
          JsonObject        *co = json_object_new ();
          JsonArray         *perms = json_array_new ();

          json_object_set_string_member (co, "service", c->service);
          if (c->account != NULL)
            json_object_set_string_member (co, "account", c->account);
          for (guint j = 0; c->permissions[j] != NULL; j++)
            json_array_add_string_element (perms, c->permissions[j]);
          json_object_set_array_member (co, "permissions", perms);
          json_array_add_object_element (connections, co);
        }
      json_object_set_array_member (o, "connections", connections);
    }
  {
    JsonArray *rules = json_array_new ();

    for (guint i = 0; i < self->rules->len; i++)
      json_array_add_object_element (rules, write_rule (g_ptr_array_index (self->rules, i)));
    json_object_set_array_member (o, "rules", rules);
  }
  if (self->has_ai)
    {
      JsonObject *ai = json_object_new ();

      if (self->instructions != NULL)
        json_object_set_string_member (ai, "instructions", self->instructions);
      if (self->ai_enabled_set)
        json_object_set_boolean_member (ai, "enabled", self->ai_enabled);
      if (self->max_steps > 0)
        json_object_set_int_member (ai, "max_steps", self->max_steps);
      if (self->model != NULL)
        json_object_set_string_member (ai, "model", self->model);
      if (self->has_temperature)
        json_object_set_double_member (ai, "temperature", self->temperature);
      json_object_set_object_member (o, "ai", ai);
    }
  if (self->approvals->len > 0)
    {
      JsonObject *approvals = json_object_new ();

      for (guint i = 0; i < self->approvals->len; i++)
        {
          Approval *a = g_ptr_array_index (self->approvals, i);

          json_object_set_string_member (approvals, a->action, af_approval_policy_to_string (a->policy));
        }
      json_object_set_object_member (o, "approvals", approvals);
    }
  return o;
}

/**
 * af_agent_definition_apply:
 *
 * Makes @agent do what @self says, once it is valid; @agent is left as it
 * was otherwise.
 */
gboolean
af_agent_definition_apply (AfAgentDefinition *self,
                           AfAgent           *agent,
                           GError           **error)
{
  g_autoptr (JsonObject) definition = NULL;

  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), FALSE);
  g_return_val_if_fail (AF_IS_AGENT (agent), FALSE);

  definition = af_agent_definition_to_json (self);
  if (!af_agent_validate_definition (definition, error))
    return FALSE;
  af_agent_set_definition (agent, definition);
  return TRUE;
}

const char *
af_agent_definition_get_source (AfAgentDefinition *self)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), NULL);

  return self->source;
}

void
af_agent_definition_set_source (AfAgentDefinition *self,
                                const char        *source)
{
  g_return_if_fail (AF_IS_AGENT_DEFINITION (self));
  g_return_if_fail (source != NULL);

  g_free (self->source);
  self->source = g_strdup (source);
}

const AfAgentTrigger *
af_agent_definition_get_trigger (AfAgentDefinition *self)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), NULL);

  return &self->trigger;
}

void
af_agent_definition_set_trigger (AfAgentDefinition    *self,
                                 const AfAgentTrigger *trigger)
{
  g_return_if_fail (AF_IS_AGENT_DEFINITION (self));
  g_return_if_fail (trigger != NULL);

  self->trigger = *trigger;
}

/* -1 when the definition does not say (an agent that reads no mail). */
int
af_agent_definition_get_first_run_days (AfAgentDefinition *self)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), -1);

  return self->first_run_days;
}

void
af_agent_definition_set_first_run_days (AfAgentDefinition *self,
                                        int                days)
{
  g_return_if_fail (AF_IS_AGENT_DEFINITION (self));

  self->first_run_days = days < 0 ? -1 : days;
}

/**
 * af_agent_definition_get_connections:
 *
 * Returns: (transfer none) (element-type AfAgentConnection): the services
 *   the agent uses, with the permissions it holds on each
 */
GPtrArray *
af_agent_definition_get_connections (AfAgentDefinition *self)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), NULL);

  return self->connections;
}

AfAgentConnection *
af_agent_definition_lookup_connection (AfAgentDefinition *self,
                                       const char        *service)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), NULL);

  for (guint i = 0; i < self->connections->len; i++)
    {
      AfAgentConnection *c = g_ptr_array_index (self->connections, i);

      if (g_strcmp0 (c->service, service) == 0)
        return c;
    }
  return NULL;
}

gboolean
af_agent_definition_has_permission (AfAgentDefinition *self,
                                    const char        *permission)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), FALSE);

  for (guint i = 0; i < self->connections->len; i++)
    {
      AfAgentConnection *c = g_ptr_array_index (self->connections, i);

      if (permission != NULL && g_strv_contains ((const char *const *)c->permissions, permission))
        return TRUE;
    }
  return FALSE;
}

/* Copies @connections (element-type AfAgentConnection). */
void
af_agent_definition_set_connections (AfAgentDefinition *self,
                                     GPtrArray         *connections)
{
  g_autoptr (GPtrArray) copy = g_ptr_array_new_with_free_func ((GDestroyNotify)af_agent_connection_free);

  g_return_if_fail (AF_IS_AGENT_DEFINITION (self));
  g_return_if_fail (connections != NULL);

  for (guint i = 0; i < connections->len; i++)
    {
      AfAgentConnection *c = g_ptr_array_index (connections, i);

      g_ptr_array_add (copy, af_agent_connection_new (c->service, c->account, (const char *const *)c->permissions));
    }
  g_ptr_array_unref (self->connections);
  self->connections = g_steal_pointer (&copy);
}

/**
 * af_agent_definition_get_rules:
 *
 * Returns: (transfer none) (element-type AfRule): the rules, in order
 */
GPtrArray *
af_agent_definition_get_rules (AfAgentDefinition *self)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), NULL);

  return self->rules;
}

/* Copies @rules (element-type AfRule). */
void
af_agent_definition_set_rules (AfAgentDefinition *self,
                               GPtrArray         *rules)
{
  g_autoptr (GPtrArray) copy = g_ptr_array_new_with_free_func ((GDestroyNotify)af_rule_free);

  g_return_if_fail (AF_IS_AGENT_DEFINITION (self));
  g_return_if_fail (rules != NULL);

  for (guint i = 0; i < rules->len; i++)
    g_ptr_array_add (copy, af_rule_copy (g_ptr_array_index (rules, i)));
  g_ptr_array_unref (self->rules);
  self->rules = g_steal_pointer (&copy);
}

/**
 * af_agent_definition_get_approval:
 *
 * Returns: %TRUE when the definition sets a policy for @action
 */
gboolean
af_agent_definition_get_approval (AfAgentDefinition *self,
                                  const char        *action,
                                  AfApprovalPolicy  *policy)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), FALSE);

  for (guint i = 0; i < self->approvals->len; i++)
    {
      Approval *a = g_ptr_array_index (self->approvals, i);

      if (g_strcmp0 (a->action, action) == 0)
        {
          if (policy != NULL)
            *policy = a->policy;
          return TRUE;
        }
    }
  return FALSE;
}

void
af_agent_definition_set_approval (AfAgentDefinition *self,
                                  const char        *action,
                                  AfApprovalPolicy   policy)
{
  Approval *a;

  g_return_if_fail (AF_IS_AGENT_DEFINITION (self));
  g_return_if_fail (action != NULL);

  for (guint i = 0; i < self->approvals->len; i++)
    {
      a = g_ptr_array_index (self->approvals, i);
      if (g_str_equal (a->action, action))
        {
          a->policy = policy;
          return;
        }
    }
  a = g_new0 (Approval, 1);
  a->action = g_strdup (action);
  a->policy = policy;
  g_ptr_array_add (self->approvals, a);
}

void
af_agent_definition_clear_approvals (AfAgentDefinition *self)
{
  g_return_if_fail (AF_IS_AGENT_DEFINITION (self));

  g_ptr_array_set_size (self->approvals, 0);
}

gboolean
af_agent_definition_has_ai (AfAgentDefinition *self)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), FALSE);

  return self->has_ai;
}

const char *
af_agent_definition_get_instructions (AfAgentDefinition *self)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), NULL);

  return self->instructions;
}

/* Instructions give the agent an "ai" part; none on an agent without one
 * leaves it without. */
void
af_agent_definition_set_instructions (AfAgentDefinition *self,
                                      const char        *instructions)
{
  g_return_if_fail (AF_IS_AGENT_DEFINITION (self));

  if (!self->has_ai && (instructions == NULL || *instructions == '\0'))
    return;
  self->has_ai = TRUE;
  g_free (self->instructions);
  self->instructions = g_strdup (instructions);
}

/* Whether the model decides (with rules as well); off when unset. */
gboolean
af_agent_definition_get_ai_enabled (AfAgentDefinition *self)
{
  g_return_val_if_fail (AF_IS_AGENT_DEFINITION (self), FALSE);

  return self->has_ai && self->ai_enabled;
}

void
af_agent_definition_set_ai_enabled (AfAgentDefinition *self,
                                    gboolean           enabled)
{
  g_return_if_fail (AF_IS_AGENT_DEFINITION (self));

  if (!self->has_ai && !enabled)
    return;
  self->has_ai = TRUE;
  self->ai_enabled = enabled;
  self->ai_enabled_set = TRUE;
}
