/* af-llm-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-http-client.h"

G_BEGIN_DECLS

#define AF_TYPE_LLM_CLIENT (af_llm_client_get_type ())

G_DECLARE_FINAL_TYPE (AfLlmClient, af_llm_client, AF, LLM_CLIENT, GObject)

typedef enum
{
  AF_LLM_PRESET_OLLAMA,
  AF_LLM_PRESET_LLAMA_CPP,
  AF_LLM_PRESET_OPENAI,
  AF_LLM_PRESET_GROQ,
} AfLlmPreset;

/**
 * AfLlmToolCall:
 * @arguments: the raw JSON text the model produced
 * @parsed: (nullable): the arguments, only when they are valid JSON and
 *   match the tool's schema
 * @error: (nullable): why the call must not be executed (invalid JSON,
 *   unknown tool, missing required field…)
 */
typedef struct
{
  char     *id;
  char     *name;
  char     *arguments;
  JsonNode *parsed;
  GError   *error;
} AfLlmToolCall;

/**
 * AfLlmMessage:
 * @role: "system", "user", "assistant" or "tool"
 * @content: (nullable)
 * @tool_call_id: (nullable): for role "tool"
 * @tool_calls: (nullable) (element-type AfLlmToolCall): for "assistant"
 */
typedef struct
{
  char      *role;
  char      *content;
  char      *tool_call_id;
  GPtrArray *tool_calls;
} AfLlmMessage;

/**
 * AfLlmTool:
 * @parameters: a JSON schema (object) for the arguments
 */
typedef struct
{
  char     *name;
  char     *description;
  JsonNode *parameters;
} AfLlmTool;

typedef struct
{
  AfLlmMessage *message;
  char         *finish_reason;
  guint         prompt_tokens;
  guint         completion_tokens;
} AfLlmResponse;

AfLlmMessage *af_llm_message_new (const char *role,
                                  const char *content);
AfLlmMessage *af_llm_message_new_tool_result (const char *tool_call_id,
                                              const char *content);
void          af_llm_message_free (AfLlmMessage *message);
void          af_llm_tool_call_free (AfLlmToolCall *call);
AfLlmTool    *af_llm_tool_new (const char *name,
                               const char *description,
                               const char *parameters_json);
void          af_llm_tool_free (AfLlmTool *tool);
void          af_llm_response_free (AfLlmResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfLlmMessage, af_llm_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfLlmTool, af_llm_tool_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfLlmResponse, af_llm_response_free)

const char *af_llm_preset_get_base_url (AfLlmPreset preset);
const char *af_llm_preset_get_default_model (AfLlmPreset preset);

/* @tokens: (nullable): the API key source; a local server needs none. */
AfLlmClient *af_llm_client_new (AfHttpClient  *http,
                                AfTokenSource *tokens,
                                const char    *base_url,
                                const char    *model);
AfLlmClient *af_llm_client_copy_with_model (AfLlmClient *self,
                                            const char  *model);
void         af_llm_client_set_max_tokens (AfLlmClient *self,
                                           guint        max_tokens);
void         af_llm_client_set_timeout (AfLlmClient *self,
                                        guint        seconds);
void         af_llm_client_set_temperature (AfLlmClient *self,
                                            double       temperature);

/* /chat/completions. @messages: (element-type AfLlmMessage); @tools:
 * (nullable) (element-type AfLlmTool); @tool_choice: (nullable) "auto",
 * "none", "required" or a tool name; @json_mode asks for
 * response_format json_object. Every tool call in the answer is checked
 * against its tool's schema (see AfLlmToolCall). */
void           af_llm_client_chat_async (AfLlmClient        *self,
                                         GPtrArray          *messages,
                                         GPtrArray          *tools,
                                         const char         *tool_choice,
                                         gboolean            json_mode,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
AfLlmResponse *af_llm_client_chat_finish (AfLlmClient  *self,
                                          GAsyncResult *result,
                                          GError      **error);

G_END_DECLS
