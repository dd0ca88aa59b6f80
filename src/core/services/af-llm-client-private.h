/* af-llm-client-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parser behind af_llm_client_chat_async(), for the fuzz harness.
 */

#pragma once

#include "af-llm-client.h"

G_BEGIN_DECLS

/* A chat completion; each tool call is checked against @tools
 * (element-type AfLlmTool). %NULL if it is not one. */
AfLlmResponse *af_llm_parse_response (JsonNode  *root,
                                      GPtrArray *tools);

G_END_DECLS
