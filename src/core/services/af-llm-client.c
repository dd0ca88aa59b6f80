/* af-llm-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-llm-client"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-error.h"
#include "af-json-private.h"
#include "af-json-schema.h"
#include "af-llm-client.h"
#include "af-llm-client-private.h"

#define DEFAULT_TIMEOUT_SECONDS 120
#define DEFAULT_MAX_TOKENS      1024

struct _AfLlmClient
{
  GObject parent_instance;

  AfHttpClient  *http;
  AfTokenSource *tokens;
  char          *base_url;
  char          *model;
  guint          max_tokens;
  double         temperature;
};

G_DEFINE_FINAL_TYPE (AfLlmClient, af_llm_client, G_TYPE_OBJECT)

static const struct
{
  const char *base_url;
  const char *model;
} presets[] = {
  [AF_LLM_PRESET_OLLAMA] = { "http://127.0.0.1:11434/v1", "llama3.2" },
  [AF_LLM_PRESET_LLAMA_CPP] = { "http://127.0.0.1:8080/v1", "default" },
  [AF_LLM_PRESET_OPENAI] = { "https://api.openai.com/v1", "gpt-4o-mini" },
  [AF_LLM_PRESET_GROQ] = { "https://api.groq.com/openai/v1", "llama-3.1-8b-instant" },
};

const char *
af_llm_preset_get_base_url (AfLlmPreset preset)
{
  g_return_val_if_fail (preset <= AF_LLM_PRESET_GROQ, NULL);

  return presets[preset].base_url;
}

const char *
af_llm_preset_get_default_model (AfLlmPreset preset)
{
  g_return_val_if_fail (preset <= AF_LLM_PRESET_GROQ, NULL);

  return presets[preset].model;
}

/* boxed helpers */

AfLlmMessage *
af_llm_message_new (const char *role,
                    const char *content)
{
  AfLlmMessage *message = g_new0 (AfLlmMessage, 1);

  g_return_val_if_fail (role != NULL, NULL);

  message->role = g_strdup (role);
  message->content = g_strdup (content);

  return message;
}

AfLlmMessage *
af_llm_message_new_tool_result (const char *tool_call_id,
                                const char *content)
{
  AfLlmMessage *message = af_llm_message_new ("tool", content);

  message->tool_call_id = g_strdup (tool_call_id);
  return message;
}

void
af_llm_tool_call_free (AfLlmToolCall *call)
{
  if (call == NULL)
    return;

  g_free (call->id);
  g_free (call->name);
  g_free (call->arguments);
  g_clear_pointer (&call->parsed, json_node_unref);
  g_clear_error (&call->error);
  g_free (call);
}

void
af_llm_message_free (AfLlmMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->role);
  g_free (message->content);
  g_free (message->tool_call_id);
  g_clear_pointer (&message->tool_calls, g_ptr_array_unref);
  g_free (message);
}

AfLlmTool *
af_llm_tool_new (const char *name,
                 const char *description,
                 const char *parameters_json)
{
  AfLlmTool *tool;

  g_return_val_if_fail (name != NULL, NULL);

  tool = g_new0 (AfLlmTool, 1);
  tool->name = g_strdup (name);
  tool->description = g_strdup (description);
  tool->parameters = json_from_string (parameters_json ? parameters_json : "{\"type\":\"object\",\"properties\":{}}", NULL);
  g_return_val_if_fail (tool->parameters != NULL, tool);

  return tool;
}

void
af_llm_tool_free (AfLlmTool *tool)
{
  if (tool == NULL)
    return;

  g_free (tool->name);
  g_free (tool->description);
  g_clear_pointer (&tool->parameters, json_node_unref);
  g_free (tool);
}

void
af_llm_response_free (AfLlmResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->message, af_llm_message_free);
  g_free (response->finish_reason);
  g_free (response);
}

/* request and answer */

static JsonNode *
build_request (AfLlmClient *self,
               GPtrArray   *messages,
               GPtrArray   *tools,
               const char  *tool_choice,
               gboolean     json_mode)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, self->model);
  json_builder_set_member_name (b, "max_tokens");
  json_builder_add_int_value (b, self->max_tokens);
  json_builder_set_member_name (b, "temperature");
  json_builder_add_double_value (b, self->temperature);
  json_builder_set_member_name (b, "stream");
  json_builder_add_boolean_value (b, FALSE);

  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  for (guint i = 0; i < messages->len; i++)
    {
      AfLlmMessage *m = messages->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, m->role);
      json_builder_set_member_name (b, "content");
      if (m->content != NULL)
        json_builder_add_string_value (b, m->content);
      else
        json_builder_add_null_value (b);
      if (m->tool_call_id != NULL)
        {
          json_builder_set_member_name (b, "tool_call_id");
          json_builder_add_string_value (b, m->tool_call_id);
        }
      if (m->tool_calls != NULL && m->tool_calls->len > 0)
        {
          json_builder_set_member_name (b, "tool_calls");
          json_builder_begin_array (b);
          for (guint j = 0; j < m->tool_calls->len; j++)
            {
              AfLlmToolCall *call = m->tool_calls->pdata[j];

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "id");
              json_builder_add_string_value (b, call->id);
              json_builder_set_member_name (b, "type");
              json_builder_add_string_value (b, "function");
              json_builder_set_member_name (b, "function");
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "name");
              json_builder_add_string_value (b, call->name);
              json_builder_set_member_name (b, "arguments");
              json_builder_add_string_value (b, call->arguments ? call->arguments : "{}");
              json_builder_end_object (b);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  if (tools != NULL && tools->len > 0)
    {
      json_builder_set_member_name (b, "tools");
      json_builder_begin_array (b);
      for (guint i = 0; i < tools->len; i++)
        {
          AfLlmTool *tool = tools->pdata[i];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "type");
          json_builder_add_string_value (b, "function");
          json_builder_set_member_name (b, "function");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, tool->name);
          if (tool->description != NULL)
            {
              json_builder_set_member_name (b, "description");
              json_builder_add_string_value (b, tool->description);
            }
          json_builder_set_member_name (b, "parameters");
          json_builder_add_value (b, json_node_copy (tool->parameters));
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);

      if (tool_choice != NULL)
        {
          json_builder_set_member_name (b, "tool_choice");
          if (g_str_equal (tool_choice, "auto") || g_str_equal (tool_choice, "none") ||
              g_str_equal (tool_choice, "required"))
            json_builder_add_string_value (b, tool_choice);
          else
            {
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "type");
              json_builder_add_string_value (b, "function");
              json_builder_set_member_name (b, "function");
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "name");
              json_builder_add_string_value (b, tool_choice);
              json_builder_end_object (b);
              json_builder_end_object (b);
            }
        }
    }

  if (json_mode)
    {
      json_builder_set_member_name (b, "response_format");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "json_object");
      json_builder_end_object (b);
    }

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static AfLlmTool *
find_tool (GPtrArray  *tools,
           const char *name)
{
  for (guint i = 0; tools != NULL && i < tools->len; i++)
    if (g_strcmp0 (((AfLlmTool *)tools->pdata[i])->name, name) == 0)
      return tools->pdata[i];
  return NULL;
}

/* Arguments come from the model: nothing runs unless they parse and match
 * the schema of a tool the request offered. */
static void
check_tool_call (AfLlmToolCall *call,
                 GPtrArray     *tools)
{
  AfLlmTool *tool = find_tool (tools, call->name);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  if (tool == NULL)
    {
      call->error = g_error_new (AF_ERROR, AF_ERROR_INVALID_DATA,
                                 _ ("The AI model asked for a tool it was not offered (“%s”); it was not run."),
                                 call->name ? call->name : "");
      return;
    }

  if (call->arguments == NULL || !json_parser_load_from_data (parser, call->arguments, -1, &error) ||
      (root = json_parser_get_root (parser)) == NULL)
    {
      call->error = g_error_new (AF_ERROR, AF_ERROR_INVALID_DATA,
                                 _ ("The AI model gave arguments for “%s” that are not valid JSON; the tool was not run."),
                                 call->name);
      return;
    }

  if (!af_json_schema_validate (tool->parameters, root, &error))
    {
      call->error = g_error_new (AF_ERROR, AF_ERROR_INVALID_DATA,
                                 _ ("The AI model gave wrong arguments for “%s” (%s); the tool was not run."),
                                 call->name, error->message);
      return;
    }

  call->parsed = json_node_copy (root);
}

typedef struct
{
  GPtrArray *tools;
} ChatOp;

static void
chat_op_free (gpointer data)
{
  ChatOp *op = data;

  g_clear_pointer (&op->tools, g_ptr_array_unref);
  g_free (op);
}

AfLlmResponse *
af_llm_parse_response (JsonNode  *root,
                       GPtrArray *tools)
{
  JsonObject    *o, *choice, *message, *usage;
  JsonArray     *choices;
  AfLlmResponse *response;
  JsonNode      *content;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  o = json_node_get_object (root);
  choices = af_json_get_array (o, "choices");
  choice = af_json_array_get_object (choices, 0);
  message = af_json_get_object (choice, "message");
  if (message == NULL)
    return NULL;

  response = g_new0 (AfLlmResponse, 1);
  response->finish_reason = g_strdup (af_json_get_string (choice, "finish_reason", NULL));
  response->message = af_llm_message_new (af_json_get_string (message, "role", "assistant"), NULL);
  content = json_object_get_member (message, "content");
  response->message->content = g_strdup (af_json_node_string (content, NULL));

  if (af_json_get_array (message, "tool_calls") != NULL)
    {
      JsonArray *calls = af_json_get_array (message, "tool_calls");

      response->message->tool_calls = g_ptr_array_new_with_free_func ((GDestroyNotify)af_llm_tool_call_free);
      for (guint i = 0; i < json_array_get_length (calls); i++)
        {
          JsonObject    *c = af_json_array_get_object (calls, i);
          JsonObject    *function = af_json_get_object (c, "function");
          AfLlmToolCall *call = g_new0 (AfLlmToolCall, 1);
          JsonNode      *args = function ? json_object_get_member (function, "arguments") : NULL;

          call->id = g_strdup (af_json_get_string (c, "id", NULL));
          if (call->id == NULL)
            call->id = g_strdup_printf ("call_%u", i);
          call->name = g_strdup (af_json_get_string (function, "name", NULL));
          /* OpenAI sends a string; some local servers send an object. */
          if (af_json_node_string (args, NULL) != NULL)
            call->arguments = g_strdup (af_json_node_string (args, NULL));
          else if (args != NULL && JSON_NODE_HOLDS_OBJECT (args))
            call->arguments = json_to_string (args, FALSE);

          check_tool_call (call, tools);
          g_ptr_array_add (response->message->tool_calls, call);
        }
    }

  if ((usage = af_json_get_object (o, "usage")) != NULL)
    {
      response->prompt_tokens = (guint)af_json_get_int (usage, "prompt_tokens", 0);
      response->completion_tokens = (guint)af_json_get_int (usage, "completion_tokens", 0);
    }

  return response;
}

static void
on_chat_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ChatOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = af_http_client_json_finish (AF_HTTP_CLIENT (object), result, &error);
  AfLlmResponse *response;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  response = af_llm_parse_response (root, op->tools);
  if (response == NULL)
    g_task_return_new_error (task, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                             _ ("The AI model sent an answer that is not a chat completion. Check the model’s address in Preferences."));
  else
    g_task_return_pointer (task, response, (GDestroyNotify)af_llm_response_free);
}

void
af_llm_client_chat_async (AfLlmClient        *self,
                          GPtrArray          *messages,
                          GPtrArray          *tools,
                          const char         *tool_choice,
                          gboolean            json_mode,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  GTask  *task;
  ChatOp *op;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (AF_IS_LLM_CLIENT (self));
  g_return_if_fail (messages != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_llm_client_chat_async);
  op = g_new0 (ChatOp, 1);
  op->tools = tools ? g_ptr_array_ref (tools) : NULL;
  g_task_set_task_data (task, op, chat_op_free);

  body = build_request (self, messages, tools, tool_choice, json_mode);
  url = g_strconcat (self->base_url, "/chat/completions", NULL);
  af_http_client_json_async (self->http, af_service_method_lookup ("llm.chat.completions"), self->tokens,
                             "POST", url, body, cancellable, on_chat_cb, task);
}

/**
 * af_llm_client_chat_finish:
 *
 * Returns: (transfer full): the answer; check each tool call's error
 *   before running it
 */
AfLlmResponse *
af_llm_client_chat_finish (AfLlmClient  *self,
                           GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_llm_client_chat_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
af_llm_client_finalize (GObject *object)
{
  AfLlmClient *self = (AfLlmClient *)object;

  g_clear_object (&self->http);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->model, g_free);

  G_OBJECT_CLASS (af_llm_client_parent_class)->finalize (object);
}

static void
af_llm_client_class_init (AfLlmClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_llm_client_finalize;
}

static void
af_llm_client_init (AfLlmClient *self)
{
  self->max_tokens = DEFAULT_MAX_TOKENS;
  self->temperature = 0.2;
}

/**
 * af_llm_client_new:
 * @base_url: e.g. af_llm_preset_get_base_url (AF_LLM_PRESET_OLLAMA)
 * @model: the model name the server knows
 */
AfLlmClient *
af_llm_client_new (AfHttpClient  *http,
                   AfTokenSource *tokens,
                   const char    *base_url,
                   const char    *model)
{
  AfLlmClient *self;

  g_return_val_if_fail (AF_IS_HTTP_CLIENT (http), NULL);
  g_return_val_if_fail (tokens == NULL || AF_IS_TOKEN_SOURCE (tokens), NULL);
  g_return_val_if_fail (base_url != NULL && model != NULL, NULL);

  self = g_object_new (AF_TYPE_LLM_CLIENT, NULL);
  self->http = g_object_ref (http);
  self->tokens = tokens ? g_object_ref (tokens) : NULL;
  self->base_url = g_strdup (base_url);
  if (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->model = g_strdup (model);
  af_llm_client_set_timeout (self, DEFAULT_TIMEOUT_SECONDS);

  return self;
}

/**
 * af_llm_client_copy_with_model:
 * @model: (nullable): another model on the same server, %NULL for the same
 *
 * A client for one agent's own model settings: same server, key, token
 * budget and temperature as @self (change them on the copy), sharing the
 * HTTP layer and its timeout.
 *
 * Returns: (transfer full): the new client
 */
AfLlmClient *
af_llm_client_copy_with_model (AfLlmClient *self,
                               const char  *model)
{
  AfLlmClient *copy;

  g_return_val_if_fail (AF_IS_LLM_CLIENT (self), NULL);

  copy = g_object_new (AF_TYPE_LLM_CLIENT, NULL);
  copy->http = g_object_ref (self->http);
  copy->tokens = self->tokens ? g_object_ref (self->tokens) : NULL;
  copy->base_url = g_strdup (self->base_url);
  copy->model = g_strdup (model != NULL && *model != '\0' ? model : self->model);
  copy->max_tokens = self->max_tokens;
  copy->temperature = self->temperature;

  return copy;
}

void
af_llm_client_set_max_tokens (AfLlmClient *self,
                              guint        max_tokens)
{
  g_return_if_fail (AF_IS_LLM_CLIENT (self));
  g_return_if_fail (max_tokens > 0);

  self->max_tokens = max_tokens;
}

/**
 * af_llm_client_set_timeout:
 * @seconds: the longest one completion may take (a local model on a
 *   laptop is slow), 0 for none
 */
void
af_llm_client_set_timeout (AfLlmClient *self,
                           guint        seconds)
{
  g_return_if_fail (AF_IS_LLM_CLIENT (self));

  af_http_client_set_timeout (self->http, "llm", seconds);
}

void
af_llm_client_set_temperature (AfLlmClient *self,
                               double       temperature)
{
  g_return_if_fail (AF_IS_LLM_CLIENT (self));

  self->temperature = temperature;
}
