/* af-tool-loop.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-agent.h"
#include "af-llm-client.h"

G_BEGIN_DECLS

/**
 * AfToolLoopResult:
 * @actions: (element-type JsonObject): { "action", "params" } the model
 *   chose, to go through the permission gate, approvals and the outbox
 * @rejected: (element-type utf8): why calls were refused (unknown tool,
 *   invalid arguments)
 * @steps: model calls made
 * @tokens: prompt + completion tokens used
 * @stopped: (nullable): "steps" or "tokens" when a budget ended the loop
 */
typedef struct
{
  GPtrArray *actions;
  GPtrArray *rejected;
  guint      steps;
  guint      tokens;
  char      *stopped;
} AfToolLoopResult;

void af_tool_loop_result_free (AfToolLoopResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfToolLoopResult, af_tool_loop_result_free)

/* The model sees the agent's instructions and only the tools its
 * permissions allow; @item is untrusted and passed as delimited data.
 * Budgets come from the agent's "ai" settings (max_steps, max_tokens). */
void              af_tool_loop_run_async (AfLlmClient        *llm,
                                          AfAgent            *agent,
                                          JsonObject         *item,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
AfToolLoopResult *af_tool_loop_run_finish (GAsyncResult *result,
                                           GError      **error);

/* (element-type AfLlmTool) the tools @agent may be offered. */
GPtrArray *af_tool_loop_build_tools (AfAgent *agent);

G_END_DECLS
