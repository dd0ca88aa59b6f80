/* test-agent.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "af-agent.h"
#include "af-error.h"
#include "af-template.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_templates (void)
{
  GListModel *all = af_template_get_all ();
  AfTemplate *email;

  g_assert_cmpuint (g_list_model_get_n_items (all), ==, 4);
  email = af_template_lookup ("email-assistant");
  g_assert_nonnull (email);
  g_assert_cmpstr (af_template_get_name (email), ==, "Email Assistant");
  g_assert_true (g_strv_contains (af_template_get_services (email), "gmail"));
  g_assert_true (g_strv_contains (af_template_get_permissions (email), "gmail.modify"));
  g_assert_cmpfloat (af_template_get_minutes_saved (email, "draft"), ==, 3);
  g_assert_nonnull (af_template_lookup ("calendar-manager"));
  g_assert_nonnull (af_template_lookup ("slack-notifier"));
  g_assert_nonnull (af_template_lookup ("custom"));
  g_assert_null (af_template_lookup ("nope"));

  /* Every shipped definition is valid. */
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (AfTemplate) t = g_list_model_get_item (all, i);
      g_autoptr (AfAgent) agent = af_template_create_agent (t, NULL, NULL);
      g_autoptr (GError) error = NULL;

      af_agent_validate_definition (af_agent_get_definition (agent), &error);
      g_assert_no_error (error);
    }
}

static void
test_round_trip (void)
{
  g_autoptr (JsonNode) connections = parse ("[{\"service\":\"gmail\",\"account\":\"me@example.com\","
                                            "\"permissions\":[\"gmail.read\",\"gmail.modify\"]}]");
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("email-assistant"), "Mail",
                                                        json_node_get_array (connections));
  g_autoptr (JsonNode) exported = af_agent_to_json (agent);
  g_autoptr (AfAgent) imported = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = json_to_string (exported, FALSE);

  g_assert_nonnull (strstr (text, "\"version\":2"));
  g_assert_null (strstr (text, "token"));
  imported = af_agent_new_from_json (exported, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_agent_get_id (imported), ==, af_agent_get_id (agent));
  g_assert_cmpstr (af_agent_get_name (imported), ==, "Mail");
  g_assert_true (af_agent_has_permission (imported, "gmail.modify"));
  g_assert_false (af_agent_has_permission (imported, "gmail.send"));
  g_assert_cmpuint (json_array_get_length (af_agent_get_rules (imported)), ==,
                    json_array_get_length (af_agent_get_rules (agent)));
  g_assert_cmpuint (json_array_get_length (af_agent_get_rules (imported)), ==, 7);

  /* Default approval policy: ask for send once untrusted mail was read. */
  g_assert_cmpint (af_agent_get_approval_policy (imported, "label", TRUE), ==, AF_APPROVAL_POLICY_AUTO);
  g_assert_cmpint (af_agent_get_approval_policy (imported, "send", TRUE), ==, AF_APPROVAL_POLICY_ASK);
  g_assert_cmpint (af_agent_get_approval_policy (imported, "create_event", TRUE), ==, AF_APPROVAL_POLICY_ASK);
  g_assert_cmpint (af_agent_get_approval_policy (imported, "create_event", FALSE), ==, AF_APPROVAL_POLICY_AUTO);
}

static void
check_import_error (const char *json,
                    const char *prefix)
{
  g_autoptr (JsonNode) node = parse (json);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = af_agent_new_from_json (node, &error);

  g_assert_null (agent);
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("“%s” does not start with “%s”", error->message, prefix);
}

static void
test_import_errors (void)
{
  check_import_error ("{\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"manual\"}}", "version: is missing");
  check_import_error ("{\"version\":3,\"name\":\"x\",\"template\":\"custom\"}", "version: version 3 is not supported");
  check_import_error ("{\"version\":1,\"name\":\"\",\"template\":\"custom\"}", "name:");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"hourly\"}}",
                      "trigger.type:");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"daily\",\"at\":\"25:00\"}}",
                      "trigger.at:");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"manual\"},"
                      "\"connections\":[{\"service\":\"gmail\",\"permissions\":[\"gmail.everything\"]}]}",
                      "connections[0].permissions[0]: unknown permission");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"manual\"},"
                      "\"connections\":[{\"service\":\"gmail\",\"token\":\"ya29.x\",\"permissions\":[]}]}",
                      "connections[0].token: secrets are not allowed");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"manual\"},"
                      "\"approvals\":{\"send\":\"sometimes\"}}",
                      "approvals.send:");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"manual\"},"
                      "\"rules\":[{\"conditions\":[],\"actions\":[{\"action\":\"launch\"}]}]}",
                      "rules[0].actions[0].action: unknown action");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"manual\"},"
                      "\"ai\":{\"enabled\":true,\"model\":[\"a\"]}}",
                      "ai.model:");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"manual\"},"
                      "\"ai\":{\"enabled\":true,\"temperature\":\"hot\"}}",
                      "ai.temperature:");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"manual\"},"
                      "\"ai\":{\"enabled\":true,\"temperature\":-0.5}}",
                      "ai.temperature:");
}

static void
test_accounts_and_model (void)
{
  g_autoptr (JsonNode) node = parse ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\","
                                     "\"trigger\":{\"type\":\"manual\"},"
                                     "\"connections\":[{\"service\":\"gmail\",\"account\":\"me@example.com\","
                                     "\"permissions\":[\"gmail.read\"]},"
                                     "{\"service\":\"google\",\"account\":\"work@example.com\","
                                     "\"permissions\":[\"calendar.read\"]},"
                                     "{\"service\":\"slack\",\"account\":\"\",\"permissions\":[\"slack.post\"]}],"
                                     "\"ai\":{\"enabled\":true,\"model\":\"llama3.2\",\"temperature\":0}}");
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = af_agent_new_from_json (node, &error);

  g_assert_no_error (error);
  /* By service, else by a permission of that service; an empty account
   * is one still to be connected. */
  g_assert_cmpstr (af_agent_get_account (agent, "gmail"), ==, "me@example.com");
  g_assert_cmpstr (af_agent_get_account (agent, "calendar"), ==, "work@example.com");
  g_assert_null (af_agent_get_account (agent, "slack"));
  g_assert_cmpstr (json_object_get_string_member (af_agent_get_ai (agent), "model"), ==, "llama3.2");
}

/* Agents made from one template hold one parsed definition; changing one
 * agent's leaves the others' as they were. */
static void
test_shared_definition (void)
{
  AfTemplate *template = af_template_lookup ("email-assistant");
  g_autoptr (AfAgent) a = af_template_create_agent (template, "A", NULL);
  g_autoptr (AfAgent) b = af_template_create_agent (template, "B", NULL);
  g_autoptr (AfAgent) c = NULL;
  g_autoptr (JsonNode) before = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *b_text = NULL;
  JsonObject      *own;

  g_assert_true (af_agent_peek_definition (a) == af_agent_peek_definition (b));
  before = json_node_init_object (json_node_alloc (), af_agent_peek_definition (b));
  before_text = json_to_string (before, FALSE);

  /* The mutable accessor unshares, deeply: a nested edit stays in @a. */
  own = af_agent_get_definition (a);
  g_assert_true (own != af_agent_peek_definition (b));
  json_object_set_int_member (json_object_get_object_member (own, "trigger"), "minutes", 7);
  json_object_set_int_member (own, "first_run_days", 3);
  {
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), af_agent_peek_definition (b));

    b_text = json_to_string (node, FALSE);
  }
  g_assert_cmpstr (b_text, ==, before_text);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (af_agent_peek_definition (a), "trigger"),
                                               "minutes"),
                   ==, 7);

  /* A definition set equal to another agent's is shared with it again,
   * and the caller's object stays the caller's. */
  c = af_template_create_agent (template, "C", NULL);
  af_agent_set_definition (a, af_agent_get_definition (c));
  g_assert_true (af_agent_peek_definition (a) != af_agent_get_definition (c));
  af_agent_set_definition (c, af_agent_get_definition (c));
  g_assert_true (af_agent_peek_definition (a) == af_agent_peek_definition (c));
  g_assert_true (af_agent_peek_definition (b) == af_agent_peek_definition (c));

  /* Holders leave in any order: what stays is intact. */
  g_clear_object (&b);
  g_clear_object (&a);
  g_assert_true (af_agent_validate_definition (af_agent_peek_definition (c), NULL));
}

/* Agents loaded from equal stored text share one parsed definition; text
 * that is not an object leaves an empty one, not a crash. */
static void
test_definition_text (void)
{
  AfTemplate *template = af_template_lookup ("email-assistant");
  g_autoptr (AfAgent) made = af_template_create_agent (template, "Made", NULL);
  g_autoptr (AfAgent) a = af_agent_new ("a", "A", "email-assistant", NULL);
  g_autoptr (AfAgent) b = af_agent_new ("b", "B", "email-assistant", NULL);
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), af_agent_peek_definition (made));
  g_autofree char *text = json_to_string (node, FALSE);

  af_agent_set_definition_text (a, text);
  g_assert_true (af_agent_peek_definition (a) == af_agent_peek_definition (made));
  g_clear_object (&made);
  af_agent_set_definition_text (b, text);
  g_assert_true (af_agent_peek_definition (a) == af_agent_peek_definition (b));
  g_assert_true (af_agent_validate_definition (af_agent_peek_definition (b), NULL));

  af_agent_set_definition_text (b, "[1, 2");
  g_assert_cmpuint (json_object_get_size (af_agent_peek_definition (b)), ==, 0);
  af_agent_set_definition_text (b, "[1, 2]");
  g_assert_cmpuint (json_object_get_size (af_agent_peek_definition (b)), ==, 0);
  g_assert_true (af_agent_get_trigger (a) != NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent/templates", test_templates);
  g_test_add_func ("/agent/round-trip", test_round_trip);
  g_test_add_func ("/agent/import-errors", test_import_errors);
  g_test_add_func ("/agent/accounts-and-model", test_accounts_and_model);
  g_test_add_func ("/agent/shared-definition", test_shared_definition);
  g_test_add_func ("/agent/definition-text", test_definition_text);

  return g_test_run ();
}
