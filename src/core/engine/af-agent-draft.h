/* af-agent-draft.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-agent-definition.h"
#include "af-llm-client.h"

G_BEGIN_DECLS

/* Words the draft request's system prompt always starts with: a scripted
 * model (the sandbox's) recognises the request by them. */
#define AF_AGENT_DRAFT_PROMPT_START "You draft AgentFlow agent rules."

/* (transfer full): what the model is told: reply with JSON only, in the
 * engine's vocabulary (fields, operators, actions, permissions). */
char *af_agent_draft_dup_system_prompt (const char *source);

/* A copy of @base whose rules and connections are the ones @answer (the
 * model's JSON) proposes, every one checked as the engine would check a
 * saved agent. Nothing else of @base changes; each connection keeps the
 * account @base names for its service. An answer that cannot be used
 * whole is an error (AF_ERROR_BAD_RESPONSE), and no draft. */
AfAgentDefinition *af_agent_draft_from_answer (AfAgentDefinition *base,
                                               const char        *answer,
                                               GError           **error);

/* Asks @llm for rules that do what @description says, for an agent like
 * @base (its source: mail, agenda, digest, slack). */
void               af_agent_draft_async (AfLlmClient        *llm,
                                         AfAgentDefinition  *base,
                                         const char         *description,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
AfAgentDefinition *af_agent_draft_finish (GAsyncResult *result,
                                          GError      **error);

G_END_DECLS
