/* test-agent-draft.c — rules drafted by a model from a description, with
 * the sandbox's OpenAI-compatible endpoint on 127.0.0.1 playing the model.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "af-agent-draft.h"
#include "af-error.h"
#include "af-test-services.h"

typedef struct
{
  AfTestServices     s;
  AfLlmClient       *llm;
  AfAgentDefinition *base;
} Fixture;

#define BASE_DEFINITION "{\"source\":\"mail\",\"trigger\":{\"type\":\"new_mail\",\"minutes\":5},"  \
                        "\"connections\":[{\"service\":\"gmail\",\"account\":\"ana@example.com\"," \
                        "\"permissions\":[\"gmail.read\",\"gmail.send\"]}],"                       \
                        "\"rules\":[{\"name\":\"Old\",\"conditions\":[],\"actions\":[{\"action\":\"star\"}]}]}"

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *base = NULL;
  g_autoptr (JsonNode) node = json_from_string (BASE_DEFINITION, NULL);
  g_autoptr (GError) error = NULL;

  af_test_services_set_up (&f->s, AF_TEST_LLM, FALSE, 1);
  base = af_test_services_url (&f->s, "/v1");
  f->llm = af_llm_client_new (f->s.http, f->s.tokens, base, "sandbox-model");
  f->base = af_agent_definition_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->base);
  g_clear_object (&f->llm);
  af_test_services_tear_down (&f->s);
}

/* The model answers @content (scripted), the draft is asked for. */
static AfAgentDefinition *
draft_with_answer (Fixture    *f,
                   const char *content,
                   GError    **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  if (content != NULL)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *message = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, "assistant");
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, content);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      message = json_to_string (root, FALSE);
      af_sandbox_llm_push_reply (f->s.sandbox, message);
    }
  af_agent_draft_async (f->llm, f->base, "File invoices under Finance", NULL, af_test_ready_cb, &r);
  return af_agent_draft_finish (af_test_await (&r), error);
}

static void
assert_base_unchanged (Fixture *f)
{
  GPtrArray *rules = af_agent_definition_get_rules (f->base);

  g_assert_cmpuint (rules->len, ==, 1);
  g_assert_cmpstr (((AfRule *)g_ptr_array_index (rules, 0))->name, ==, "Old");
  g_assert_true (af_agent_definition_has_permission (f->base, "gmail.send"));
}

static void
test_good_answer (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentDefinition) draft = NULL;
  GPtrArray         *rules;
  AfRule            *rule;
  AfRuleCondition   *c;
  AfRuleAction      *a;
  AfAgentConnection *gmail;
  JsonObject        *request;
  JsonArray         *messages;

  /* Fenced, as models do; label's permission (gmail.modify) not listed. */
  draft = draft_with_answer (f,
                             "```json\n{\"rules\":[{\"name\":\"Invoices\",\"conditions\":[{\"field\":\"subject\","
                             "\"op\":\"contains_any\",\"value\":\"invoice, receipt\"}],\"actions\":[{\"action\":\"label\","
                             "\"params\":{\"label\":\"Finance\"}}]}],\"permissions\":[\"gmail.read\"]}\n```",
                             &error);
  g_assert_no_error (error);
  g_assert_nonnull (draft);

  rules = af_agent_definition_get_rules (draft);
  g_assert_cmpuint (rules->len, ==, 1);
  rule = g_ptr_array_index (rules, 0);
  g_assert_cmpstr (rule->name, ==, "Invoices");
  g_assert_cmpuint (rule->conditions->len, ==, 1);
  c = g_ptr_array_index (rule->conditions, 0);
  g_assert_cmpstr (c->field, ==, "subject");
  g_assert_cmpstr (c->op, ==, "contains_any");
  g_assert_cmpstr (c->value, ==, "invoice, receipt");
  g_assert_cmpuint (rule->actions->len, ==, 1);
  a = g_ptr_array_index (rule->actions, 0);
  g_assert_cmpstr (a->action, ==, "label");
  g_assert_cmpstr (af_rule_action_get_param (a, "label"), ==, "Finance");

  /* The permissions are the draft's: gmail.send is gone, the label's
   * gmail.modify added, the account kept. */
  g_assert_true (af_agent_definition_has_permission (draft, "gmail.read"));
  g_assert_true (af_agent_definition_has_permission (draft, "gmail.modify"));
  g_assert_false (af_agent_definition_has_permission (draft, "gmail.send"));
  gmail = af_agent_definition_lookup_connection (draft, "gmail");
  g_assert_nonnull (gmail);
  g_assert_cmpstr (gmail->account, ==, "ana@example.com");
  /* The rest of the agent is the base's. */
  g_assert_cmpstr (af_agent_definition_get_source (draft), ==, "mail");
  g_assert_cmpint (af_agent_definition_get_trigger (draft)->kind, ==, AF_TRIGGER_NEW_MAIL);
  assert_base_unchanged (f);

  /* What the model was asked: JSON only, with the engine's vocabulary,
   * and the user's words. */
  request = json_node_get_object (af_sandbox_llm_get_last_request (f->s.sandbox));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request, "response_format"), "type"), ==,
                   "json_object");
  messages = json_object_get_array_member (request, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  {
    const char *system = json_object_get_string_member (json_array_get_object_element (messages, 0), "content");

    g_assert_true (g_str_has_prefix (system, AF_AGENT_DRAFT_PROMPT_START));
    g_assert_nonnull (strstr (system, "contains_any"));
    g_assert_nonnull (strstr (system, "- label"));
    g_assert_nonnull (strstr (system, "gmail.modify"));
  }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "content"), ==,
                   "File invoices under Finance");
}

static void
assert_refused (Fixture    *f,
                const char *answer,
                const char *why)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentDefinition) draft = draft_with_answer (f, answer, &error);

  g_assert_null (draft);
  g_assert_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE);
  g_assert_true (g_str_has_prefix (error->message, "The model's answer could not be used: "));
  if (strstr (error->message, why) == NULL)
    g_error ("“%s” does not say “%s”", error->message, why);
  assert_base_unchanged (f);
}

static void
test_malformed_json (Fixture      *f,
                     gconstpointer data)
{
  assert_refused (f, "{\"rules\":[{\"name\":\"Invoices\",", "not JSON");
  assert_refused (f, "Sure! Here are your rules.", "not JSON");
  assert_refused (f, "[1,2]", "not a JSON object");
}

static void
test_unknown_action (Fixture      *f,
                     gconstpointer data)
{
  assert_refused (f,
                  "{\"rules\":[{\"name\":\"Invoices\",\"conditions\":[],\"actions\":[{\"action\":\"delete_forever\"}]}],"
                  "\"permissions\":[\"gmail.read\"]}",
                  "unknown action “delete_forever”");
  /* A known action without the parameter it needs. */
  assert_refused (f,
                  "{\"rules\":[{\"name\":\"Invoices\",\"conditions\":[],\"actions\":[{\"action\":\"label\"}]}],"
                  "\"permissions\":[\"gmail.read\"]}",
                  "label");
  /* A valid first rule does not carry a broken second one in. */
  assert_refused (f,
                  "{\"rules\":[{\"name\":\"A\",\"conditions\":[],\"actions\":[{\"action\":\"star\"}]},"
                  "{\"name\":\"B\",\"conditions\":[{\"field\":\"mood\",\"op\":\"contains\",\"value\":\"x\"}],"
                  "\"actions\":[{\"action\":\"star\"}]}],\"permissions\":[\"gmail.read\"]}",
                  "rules[1]");
}

static void
test_unknown_permission (Fixture      *f,
                         gconstpointer data)
{
  assert_refused (f,
                  "{\"rules\":[{\"name\":\"Invoices\",\"conditions\":[],\"actions\":[{\"action\":\"star\"}]}],"
                  "\"permissions\":[\"gmail.read\",\"gmail.delete_everything\"]}",
                  "unknown permission “gmail.delete_everything”");
  assert_refused (f,
                  "{\"rules\":[{\"name\":\"Invoices\",\"conditions\":[],\"actions\":[{\"action\":\"star\"}]}],"
                  "\"permissions\":[\"root\"]}",
                  "unknown permission “root”");
}

static void
test_empty_rules (Fixture      *f,
                  gconstpointer data)
{
  assert_refused (f, "{\"rules\":[],\"permissions\":[\"gmail.read\"]}", "no rules");
  assert_refused (f, "{\"permissions\":[\"gmail.read\"]}", "no rules");
  assert_refused (f, "", "empty");
}

/* What --sandbox shows: the sandbox's model drafts from the words it
 * knows, and nothing from words it does not. */
static void
test_sandbox_model (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentDefinition) draft = draft_with_answer (f, NULL, &error);
  AfRule *rule;

  g_assert_no_error (error);
  g_assert_cmpuint (af_agent_definition_get_rules (draft)->len, ==, 1);
  rule = g_ptr_array_index (af_agent_definition_get_rules (draft), 0);
  g_assert_cmpstr (rule->name, ==, "Invoices");
  g_assert_cmpstr (af_rule_action_get_param (g_ptr_array_index (rule->actions, 0), "label"), ==, "Finance");
  g_assert_true (af_agent_definition_has_permission (draft, "gmail.modify"));

  {
    g_autoptr (GAsyncResult) r = NULL;
    g_autoptr (AfAgentDefinition) none = NULL;
    g_autoptr (GError) refused = NULL;

    af_agent_draft_async (f->llm, f->base, "Water the plants", NULL, af_test_ready_cb, &r);
    none = af_agent_draft_finish (af_test_await (&r), &refused);
    g_assert_null (none);
    g_assert_error (refused, AF_ERROR, AF_ERROR_BAD_RESPONSE);
  }
}

static void
test_cancelled (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgentDefinition) draft = NULL;

  af_agent_draft_async (f->llm, f->base, "File invoices", cancellable, af_test_ready_cb, &r);
  g_cancellable_cancel (cancellable);
  draft = af_agent_draft_finish (af_test_await (&r), &error);
  g_assert_null (draft);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/agent-draft/good-answer", Fixture, NULL, fixture_set_up, test_good_answer, fixture_tear_down);
  g_test_add ("/agent-draft/malformed-json", Fixture, NULL, fixture_set_up, test_malformed_json, fixture_tear_down);
  g_test_add ("/agent-draft/unknown-action", Fixture, NULL, fixture_set_up, test_unknown_action, fixture_tear_down);
  g_test_add ("/agent-draft/unknown-permission", Fixture, NULL, fixture_set_up, test_unknown_permission, fixture_tear_down);
  g_test_add ("/agent-draft/empty-rules", Fixture, NULL, fixture_set_up, test_empty_rules, fixture_tear_down);
  g_test_add ("/agent-draft/sandbox-model", Fixture, NULL, fixture_set_up, test_sandbox_model, fixture_tear_down);
  g_test_add ("/agent-draft/cancelled", Fixture, NULL, fixture_set_up, test_cancelled, fixture_tear_down);

  return g_test_run ();
}
