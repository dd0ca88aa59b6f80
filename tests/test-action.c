/* test-action.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The action table: every action the gate, the tool loop, the activity
 * feed and approvals know is one row, and the rows agree with each other.
 */

#include "config.h"

#include "af-action-text.h"
#include "af-action.h"
#include "af-agent.h"
#include "af-json-private.h"
#include "af-tool-loop.h"

static void
test_rows (void)
{
  const char *const *ids = af_action_list ();
  guint              n = 0;

  g_assert_nonnull (ids);
  for (const char *const *id = ids; *id != NULL; id++, n++)
    {
      const char *service = af_action_get_service (*id);
      const char *permission = af_action_get_permission (*id);
      const char *inverse = af_action_get_inverse (*id);

      g_assert_true (af_action_is_known (*id));
      g_assert_nonnull (service);
      /* A permission belongs to the action's service: "gmail.modify". */
      g_assert_nonnull (permission);
      g_assert_true (g_str_has_prefix (permission, service));
      g_assert_cmpint (permission[strlen (service)], ==, '.');
      /* Only what changes something may be batched or undone. */
      if (af_action_is_batchable (*id) || inverse != NULL)
        g_assert_true (af_action_is_side_effect (*id));
      if (inverse != NULL)
        {
          g_assert_true (af_action_is_known (inverse));
          g_assert_cmpstr (af_action_get_permission (inverse), ==, permission);
          g_assert_cmpint (af_action_is_batchable (inverse), ==, af_action_is_batchable (*id));
        }
      /* An action is listed once. */
      for (const char *const *other = id + 1; *other != NULL; other++)
        g_assert_cmpstr (*other, !=, *id);
    }
  g_assert_cmpuint (n, ==, 15);

  g_assert_cmpstr (af_action_get_permission ("send"), ==, "gmail.send");
  g_assert_cmpstr (af_action_get_permission ("post"), ==, "slack.post");
  g_assert_cmpstr (af_action_get_inverse ("mark_read"), ==, "mark_unread");
  g_assert_null (af_action_get_inverse ("send"));
  g_assert_null (af_action_get_inverse ("unlabel"));
  g_assert_true (af_action_is_batchable ("unstar"));
  g_assert_false (af_action_is_batchable ("send"));
  g_assert_false (af_action_is_side_effect ("read_mail"));
  g_assert_true (af_action_asks_after_untrusted ("send"));
  g_assert_cmpstr (af_action_get_text_param ("draft"), ==, "body");
  g_assert_cmpstr (af_action_get_text_param ("post"), ==, "text");
  g_assert_null (af_action_get_text_param ("label"));
  /* What a rule names as the action's target. */
  g_assert_cmpstr (af_action_get_target_param ("label"), ==, "label");
  g_assert_cmpstr (af_action_get_target_param ("post"), ==, "channel");
  g_assert_null (af_action_get_target_param ("archive"));
  g_assert_false (af_action_asks_after_untrusted ("label"));

  /* Anything else is no action, without a warning. */
  g_assert_false (af_action_is_known ("rm_rf"));
  g_assert_false (af_action_is_known (NULL));
  g_assert_null (af_action_get_permission ("rm_rf"));
  g_assert_null (af_action_get_service (NULL));
  g_assert_false (af_action_is_side_effect ("rm_rf"));
  g_assert_null (af_action_get_tool_schema ("rm_rf"));
  g_assert_null (af_action_describe_count ("rm_rf", 2, FALSE));
}

static void
test_tools (void)
{
  const char *const *tools = af_action_list_tools ();
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  for (const char *const *t = tools; *t != NULL; t++)
    {
      JsonObject *schema = af_action_get_tool_schema (*t);

      g_assert_true (af_action_is_known (*t));
      /* The model only ever gets to propose a change. */
      g_assert_true (af_action_is_side_effect (*t));
      g_assert_nonnull (af_action_get_tool_description (*t));
      g_assert_nonnull (schema);
      g_assert_cmpstr (af_json_get_string (schema, "type", NULL), ==, "object");
      g_assert_false (af_json_get_boolean (schema, "additionalProperties", TRUE));
      g_ptr_array_add (names, (gpointer)*t);
    }
  g_ptr_array_add (names, NULL);
  g_assert_cmpstrv ((const char *const *)names->pdata,
                    ((const char *const[]){ "label", "archive", "star", "mark_read", "draft", "send", "post",
                                            "create_event", NULL }));
  g_assert_null (af_action_get_tool_schema ("unlabel"));
  g_assert_nonnull (af_json_get_object (af_action_get_tool_schema ("label"), "properties"));
}

static AfAgent *
agent_with (const char *service,
            const char *permission)
{
  g_autoptr (JsonObject) def = json_object_new ();
  g_autoptr (JsonArray) connections = json_array_new ();
  JsonObject *c = json_object_new ();
  JsonArray  *p = json_array_new ();

  json_array_add_string_element (p, permission);
  json_object_set_string_member (c, "service", service);
  json_object_set_array_member (c, "permissions", p);
  json_array_add_object_element (connections, c);
  json_object_set_array_member (def, "connections", g_steal_pointer (&connections));
  return af_agent_new ("a", "A", "custom", def);
}

/* The tool loop offers exactly the tools the agent's permissions allow,
 * with the table's schema. */
static void
test_offered (void)
{
  g_autoptr (AfAgent) agent = agent_with ("gmail", "gmail.modify");
  g_autoptr (GPtrArray) tools = af_tool_loop_build_tools (agent);
  g_autoptr (JsonNode) schema = json_node_init_object (json_node_alloc (), af_action_get_tool_schema ("label"));
  AfLlmTool *label;

  g_assert_cmpuint (tools->len, ==, 4);
  label = g_ptr_array_index (tools, 0);
  g_assert_cmpstr (label->name, ==, "label");
  g_assert_cmpstr (label->description, ==, "Add a label to the message");
  g_assert_true (json_node_equal (label->parameters, schema));
  for (guint i = 0; i < tools->len; i++)
    g_assert_cmpstr (af_action_get_permission (((AfLlmTool *)g_ptr_array_index (tools, i))->name), ==,
                     "gmail.modify");
}

static void
test_words (void)
{
  g_autoptr (JsonObject) params = json_object_new ();
  g_autoptr (JsonObject) item = json_object_new ();
  g_autofree char *label = NULL, *unlabel = NULL, *reply = NULL, *send = NULL, *post = NULL;
  g_autofree char *event = NULL, *read = NULL, *many = NULL, *always = NULL, *done = NULL, *todo = NULL;

  json_object_set_string_member (params, "label", "Finance");
  json_object_set_string_member (item, "subject", "Invoice 2041");
  json_object_set_string_member (item, "from", "\"Dana Wu\" <dana@example.com>");

  label = af_action_describe ("label", params, item, FALSE);
  g_assert_cmpstr (label, ==, "Label “Invoice 2041” as Finance");
  unlabel = af_action_describe ("unlabel", params, item, TRUE);
  g_assert_cmpstr (unlabel, ==, "Removed the label Finance from “Invoice 2041”");
  reply = af_action_describe ("send", NULL, item, FALSE);
  g_assert_cmpstr (reply, ==, "Send a reply to Dana Wu");
  json_object_set_string_member (params, "to", "lee@example.com");
  json_object_set_string_member (params, "channel", "#ops");
  send = af_action_describe ("send", params, item, TRUE);
  g_assert_cmpstr (send, ==, "Sent a mail to lee@example.com");
  post = af_action_describe ("post", params, NULL, FALSE);
  g_assert_cmpstr (post, ==, "Post to #ops");
  event = af_action_describe ("create_event", NULL, item, TRUE);
  g_assert_cmpstr (event, ==, "Added “Invoice 2041” to your calendar");
  read = af_action_describe ("read_mail", params, item, TRUE);
  g_assert_cmpstr (read, ==, "read_mail");

  many = af_action_describe_many ((const char *const[]){ "label", "archive", "label", "unstar" }, 4);
  g_assert_cmpstr (many, ==, "4 actions: label 2 messages, archive 1, unstar 1");
  todo = af_action_describe_count ("draft", 1, FALSE);
  g_assert_cmpstr (todo, ==, "draft 1 reply");
  done = af_action_describe_count ("draft", 3, TRUE);
  g_assert_cmpstr (done, ==, "3 drafts");
  always = af_action_describe_always ("mark_read", "Inbox helper");
  g_assert_cmpstr (always, ==, "Let Inbox helper mark mail as read without asking");
  g_assert_null (af_action_describe_always ("unlabel", "Inbox helper"));
  g_assert_cmpstr (af_action_get_title ("post"), ==, "Post to Slack");
  g_assert_cmpstr (af_action_get_consequence ("send"), ==,
                   "If you approve, the message is sent once, from your account. If you deny, nothing is sent.");
  g_assert_null (af_action_get_consequence ("label"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/action/rows", test_rows);
  g_test_add_func ("/action/tools", test_tools);
  g_test_add_func ("/action/offered", test_offered);
  g_test_add_func ("/action/words", test_words);

  return g_test_run ();
}
