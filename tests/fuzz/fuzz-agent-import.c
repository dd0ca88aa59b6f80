/* fuzz-agent-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An agent file chosen by the user but written by anyone: parsed and
 * validated as af_engine_import_agent() does, then used as the engine
 * would (export, permissions, approvals, tools, rules).
 */

#include "config.h"

#include "af-agent.h"
#include "af-fuzz.h"
#include "af-rules.h"
#include "af-template.h"
#include "af-tool-loop.h"

static JsonObject *
sample_item (void)
{
  JsonObject *item = json_object_new ();
  JsonArray  *labels = json_array_new ();

  json_object_set_string_member (item, "from", "Ana <ana@example.com>");
  json_object_set_string_member (item, "to", "me@example.com");
  json_object_set_string_member (item, "subject", "Invoice 42 overdue");
  json_object_set_string_member (item, "body", "Please pay the invoice by Friday.");
  json_array_add_string_element (labels, "INBOX");
  json_object_set_array_member (item, "labels", labels);
  json_object_set_boolean_member (item, "has_attachment", TRUE);
  json_object_set_int_member (item, "date", 1700000000);
  return item;
}

static const char *const actions_[] = { "read_mail", "label", "send", "create_event", "delete_event", "post", "unknown" };

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = NULL;
  g_autoptr (JsonNode) exported = NULL;
  g_autoptr (JsonObject) item = NULL;
  g_autoptr (GPtrArray) actions = NULL;
  g_autoptr (GPtrArray) tools = NULL;
  JsonNode *root;

  af_fuzz_init ();

  if (!json_parser_load_from_data (parser, (const char *)data, (gssize)size, NULL))
    return 0;
  /* NULL for an empty file: the import must still say why it failed. */
  root = json_parser_get_root (parser);
  agent = af_agent_new_from_json (root, &error);
  if (agent == NULL)
    {
      /* The import dialog shows this message. */
      g_assert (error != NULL && error->message != NULL);
      return 0;
    }
  g_assert_no_error (error);

  af_template_lookup (af_agent_get_template_id (agent));
  exported = af_agent_to_json (agent);
  g_assert (exported != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (actions_); i++)
    {
      af_agent_has_permission (agent, af_action_get_permission (actions_[i]));
      af_agent_get_approval_policy (agent, actions_[i], TRUE);
      af_agent_get_approval_policy (agent, actions_[i], FALSE);
    }

  tools = af_tool_loop_build_tools (agent);

  item = sample_item ();
  actions = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  if (af_agent_get_rules (agent) != NULL)
    af_rules_evaluate (af_agent_get_rules (agent), item, G_GINT64_CONSTANT (1700003600) * G_USEC_PER_SEC, actions);

  return 0;
}
