/* fuzz-llm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chat completion from any OpenAI-compatible server: choices, content,
 * tool calls whose arguments (a JSON string, or an object from some local
 * servers) are checked against the schemas of the tools the engine
 * offers. Nothing may reach a tool without matching its schema.
 */

#include "config.h"

#include "af-agent.h"
#include "af-fuzz.h"
#include "af-json-schema.h"
#include "af-llm-client.h"
#include "af-llm-client-private.h"
#include "af-tool-loop.h"

static GPtrArray *tools;

static GPtrArray *
all_tools (void)
{
  g_autoptr (JsonNode) definition = json_from_string (
      "{\"trigger\": {\"type\": \"manual\"},"
      " \"connections\": [{\"service\": \"gmail\", \"permissions\": [\"gmail.read\", \"gmail.modify\", \"gmail.compose\", \"gmail.send\"]},"
      "  {\"service\": \"calendar\", \"permissions\": [\"calendar.read\", \"calendar.write\"]},"
      "  {\"service\": \"slack\", \"permissions\": [\"slack.post\"]}]}",
      NULL);
  g_autoptr (AfAgent) agent = af_agent_new (NULL, "Fuzz", "custom", json_node_get_object (definition));

  return af_tool_loop_build_tools (agent);
}

static AfLlmTool *
find_tool (const char *name)
{
  for (guint i = 0; i < tools->len; i++)
    if (g_strcmp0 (((AfLlmTool *)tools->pdata[i])->name, name) == 0)
      return tools->pdata[i];
  return NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (AfLlmResponse) response = NULL;
  GPtrArray *calls;

  af_fuzz_init ();
  if (tools == NULL)
    {
      tools = all_tools ();
      g_assert (tools->len > 0);
    }

  root = af_fuzz_parse_json (data, size);
  if (root == NULL)
    return 0;

  response = af_llm_parse_response (root, tools);
  if (response == NULL)
    return 0;

  g_assert (response->message != NULL);
  calls = response->message->tool_calls;
  for (guint i = 0; calls != NULL && i < calls->len; i++)
    {
      AfLlmToolCall *call = calls->pdata[i];

      g_assert (call != NULL && call->id != NULL);
      /* Either refused with a reason, or parsed and valid for its tool. */
      g_assert ((call->error == NULL) != (call->parsed == NULL));
      if (call->parsed != NULL)
        {
          AfLlmTool *tool = find_tool (call->name);

          g_assert (tool != NULL);
          g_assert (af_json_schema_validate (tool->parameters, call->parsed, NULL));
        }
    }

  return 0;
}
