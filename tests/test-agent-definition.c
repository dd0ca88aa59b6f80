/* test-agent-definition.c — an agent's definition as typed fields: what
 * the editor edits a copy of, and what the engine runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "af-agent-definition.h"
#include "af-error.h"
#include "af-template.h"

static JsonNode *
object_node (JsonObject *object)
{
  return json_node_init_object (json_node_alloc (), object);
}

static void
assert_same_json (JsonObject *a,
                  JsonObject *b)
{
  g_autoptr (JsonNode) na = object_node (a);
  g_autoptr (JsonNode) nb = object_node (b);

  if (!json_node_equal (na, nb))
    {
      g_autofree char *ta = json_to_string (na, TRUE);
      g_autofree char *tb = json_to_string (nb, TRUE);

      g_error ("definitions differ:\n%s\n---\n%s", ta, tb);
    }
}

/* agent → definition → agent, for every template, loses and adds nothing. */
static void
test_templates_round_trip (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  GListModel *all = af_template_get_all ();

  g_assert_true (json_parser_load_from_data (parser, "[{\"service\":\"gmail\",\"account\":\"me@example.com\","
                                                     "\"permissions\":[\"gmail.read\",\"gmail.modify\"]},"
                                                     "{\"service\":\"slack\",\"account\":\"T1\",\"permissions\":[\"slack.post\"]}]",
                                             -1, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (all), >=, 4);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (AfTemplate) template = g_list_model_get_item (all, i);
      g_autoptr (AfAgent) agent = af_template_create_agent (template, NULL, json_node_get_array (json_parser_get_root (parser)));
      g_autoptr (AfAgent) target = af_template_create_agent (af_template_lookup ("custom"), "Target", NULL);
      g_autoptr (AfAgentDefinition) definition = af_agent_definition_new_from_agent (agent);
      g_autoptr (AfAgentDefinition) copy = af_agent_definition_copy (definition);
      g_autoptr (JsonObject) from_copy = af_agent_definition_to_json (copy);
      g_autoptr (GError) error = NULL;

      g_test_message ("template %s", af_template_get_id (template));
      g_assert_true (af_agent_definition_apply (definition, target, &error));
      g_assert_no_error (error);
      assert_same_json (af_agent_get_definition (agent), af_agent_get_definition (target));
      assert_same_json (af_agent_get_definition (agent), from_copy);
      g_assert_cmpuint (af_agent_definition_get_rules (definition)->len, ==,
                        json_array_get_length (af_agent_get_rules (agent)));
    }
}

/* The typed fields are what the JSON says, in the engine's own ids. */
static void
test_typed_fields (void)
{
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, NULL);
  g_autoptr (AfAgentDefinition) definition = af_agent_definition_new_from_agent (agent);
  const AfAgentTrigger *trigger = af_agent_definition_get_trigger (definition);
  AfRule               *finance = g_ptr_array_index (af_agent_definition_get_rules (definition), 2);
  AfRuleCondition      *condition = g_ptr_array_index (finance->conditions, 0);
  AfRuleAction         *action = g_ptr_array_index (finance->actions, 0);
  g_auto (GStrv) words = af_rule_condition_dup_words (condition);
  AfApprovalPolicy policy = AF_APPROVAL_POLICY_AUTO;

  g_assert_cmpstr (af_agent_definition_get_source (definition), ==, "mail");
  g_assert_cmpint (trigger->kind, ==, AF_TRIGGER_NEW_MAIL);
  g_assert_cmpstr (af_trigger_kind_to_string (trigger->kind), ==, "new_mail");
  g_assert_cmpint (trigger->minutes, ==, 5);
  g_assert_cmpint (af_agent_definition_get_first_run_days (definition), ==, 0);
  g_assert_cmpstr (finance->name, ==, "Finance");
  g_assert_cmpstr (condition->field, ==, "subject");
  g_assert_cmpstr (condition->op, ==, "contains_any");
  g_assert_cmpstrv (words, ((const char *const[]){ "invoice", "receipt", "payment", "statement", NULL }));
  g_assert_cmpstr (action->action, ==, "label");
  g_assert_cmpstr (af_rule_action_get_param (action, "label"), ==, "Finance");
  g_assert_true (af_agent_definition_get_approval (definition, "send", &policy));
  g_assert_cmpint (policy, ==, AF_APPROVAL_POLICY_ASK);
  g_assert_false (af_agent_definition_get_approval (definition, "draft", NULL));
  g_assert_true (af_agent_definition_has_ai (definition));
  g_assert_false (af_agent_definition_get_ai_enabled (definition));
  g_assert_true (g_str_has_prefix (af_agent_definition_get_instructions (definition), "Sort each new message"));
}

/* Changes made through the fields are what the agent then does; the copy
 * the editor works on leaves the original alone. */
static void
test_edit_and_apply (void)
{
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("calendar-manager"), NULL, NULL);
  g_autoptr (AfAgentDefinition) original = af_agent_definition_new_from_agent (agent);
  g_autoptr (AfAgentDefinition) definition = af_agent_definition_copy (original);
  g_autoptr (GPtrArray) connections = g_ptr_array_new_with_free_func ((GDestroyNotify)af_agent_connection_free);
  g_autoptr (AfRule) rule = af_rule_new ("Ask about it");
  AfRuleCondition *words;
  AfAgentTrigger   weekly = { .kind = AF_TRIGGER_WEEKLY, .hour = 7, .minute = 5, .weekday = 3 };
  JsonObject      *json;
  JsonObject      *trigger;
  g_autoptr (GError) error = NULL;

  af_agent_definition_set_trigger (definition, &weekly);
  g_ptr_array_add (connections, af_agent_connection_new ("calendar", "me@example.com",
                                                         (const char *const[]){ "calendar.read", NULL }));
  af_agent_definition_set_connections (definition, connections);
  words = af_rule_condition_new ("event_title", "contains_any", NULL);
  af_rule_condition_set_words (words, (const char *const[]){ " review ", "", "1:1", NULL });
  g_ptr_array_add (rule->conditions, words);
  g_ptr_array_add (rule->actions, af_rule_action_new ("post", NULL));
  g_ptr_array_add (af_agent_definition_get_rules (definition), af_rule_copy (rule));
  af_agent_definition_set_approval (definition, "post", AF_APPROVAL_POLICY_ASK);
  af_agent_definition_set_ai_enabled (definition, TRUE);

  /* The original is untouched. */
  g_assert_cmpint (af_agent_definition_get_trigger (original)->kind, ==, AF_TRIGGER_DAILY);
  g_assert_cmpuint (af_agent_definition_get_rules (original)->len, ==, 2);

  g_assert_true (af_agent_definition_apply (definition, agent, &error));
  g_assert_no_error (error);
  json = af_agent_get_definition (agent);
  trigger = json_object_get_object_member (json, "trigger");
  g_assert_cmpstr (json_object_get_string_member (trigger, "type"), ==, "weekly");
  g_assert_cmpstr (json_object_get_string_member (trigger, "at"), ==, "07:05");
  g_assert_cmpint (json_object_get_int_member (trigger, "weekday"), ==, 3);
  g_assert_true (af_agent_has_permission (agent, "calendar.read"));
  g_assert_false (af_agent_has_permission (agent, "slack.post"));
  g_assert_cmpstr (af_agent_get_account (agent, "calendar"), ==, "me@example.com");
  g_assert_cmpint (af_agent_get_approval_policy (agent, "post", FALSE), ==, AF_APPROVAL_POLICY_ASK);
  g_assert_cmpuint (json_array_get_length (af_agent_get_rules (agent)), ==, 3);
  {
    JsonObject *added = json_array_get_object_element (af_agent_get_rules (agent), 2);
    JsonObject *c = json_array_get_object_element (json_object_get_array_member (added, "conditions"), 0);

    g_assert_cmpstr (json_object_get_string_member (c, "value"), ==, "review, 1:1");
    g_assert_false (json_object_has_member (added, "stop"));
  }
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json, "ai"), "enabled"));
}

/* A definition the engine would refuse changes nothing. */
static void
test_invalid_not_applied (void)
{
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, NULL);
  g_autoptr (AfAgentDefinition) definition = af_agent_definition_new_from_agent (agent);
  g_autoptr (JsonObject) before = af_agent_definition_to_json (definition);
  AfRule          *rule = g_ptr_array_index (af_agent_definition_get_rules (definition), 0);
  AfRuleCondition *condition = g_ptr_array_index (rule->conditions, 0);
  g_autoptr (GError) error = NULL;

  af_rule_condition_set_words (condition, (const char *const[]){ " ", NULL });
  g_assert_false (af_agent_definition_apply (definition, agent, &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "rules[0].conditions[0].value"));
  assert_same_json (before, af_agent_get_definition (agent));

  g_clear_error (&error);
  {
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_autoptr (AfAgentDefinition) bad = NULL;

    g_assert_true (json_parser_load_from_data (parser, "{\"source\":\"mail\",\"trigger\":{\"type\":\"hourly\"}}", -1, NULL));
    bad = af_agent_definition_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
    g_assert_null (bad);
    g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent-definition/templates-round-trip", test_templates_round_trip);
  g_test_add_func ("/agent-definition/typed-fields", test_typed_fields);
  g_test_add_func ("/agent-definition/edit-and-apply", test_edit_and_apply);
  g_test_add_func ("/agent-definition/invalid-not-applied", test_invalid_not_applied);

  return g_test_run ();
}
