/* af-sandbox-llm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-llm"

#include "config.h"

#include <string.h>

#include "af-sandbox-private.h"

/* An OpenAI-compatible /v1/chat/completions that answers from a script, so
 * agent tests are reproducible. */

struct _SbLlm
{
  GQueue    script; /* JsonNode: assistant message objects */
  JsonNode *last_request;
  guint     n_calls;
};

SbLlm *
sb_llm_new (void)
{
  SbLlm *llm = g_new0 (SbLlm, 1);

  g_queue_init (&llm->script);
  return llm;
}

void
sb_llm_free (SbLlm *llm)
{
  g_queue_clear_full (&llm->script, (GDestroyNotify)json_node_unref);
  g_clear_pointer (&llm->last_request, json_node_unref);
  g_free (llm);
}

static void
respond_openai_error (SoupServerMessage *msg,
                      guint              status,
                      const char        *type,
                      const char        *code,
                      const char        *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "param");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "code");
  if (code)
    json_builder_add_string_value (b, code);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  af_sandbox_respond_json (msg, status, root);
}

/* The words a draft request's system prompt starts with
 * (AF_AGENT_DRAFT_PROMPT_START in the engine, which the sandbox does not
 * link). */
#define DRAFT_PROMPT_START "You draft AgentFlow agent rules."

typedef struct
{
  const char *words; /* in the description, any of them */
  const char *name;
  const char *field;
  const char *value;
  const char *action; /* with a "label" parameter when @label is set */
  const char *label;
} DraftRecipe;

static const DraftRecipe draft_recipes[] = {
  { "invoice,receipt,bill,payment", "Invoices", "subject", "invoice, receipt, bill, payment", "label", "Finance" },
  { "newsletter,unsubscribe", "Newsletters", "body", "unsubscribe, newsletter", "label", "Newsletters" },
  { "urgent,asap", "Urgent mail", "subject", "urgent, asap", "star", NULL },
};

/* The content a model asked to draft rules would answer with: a rule for
 * every recipe whose words the description uses, as JSON mode asks
 * (https://learn.microsoft.com/en-us/javascript/api/@azure-rest/ai-inference/chatcompletionsresponseformatjsonobject
 * : the content is one valid JSON object). None matching: no rules. */
static char *
draft_answer (JsonArray *messages)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *wish = NULL;
  gboolean         labels = FALSE;

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);

      if (m != NULL && g_strcmp0 (json_object_get_string_member_with_default (m, "role", NULL), "user") == 0)
        {
          g_free (wish);
          wish = g_utf8_strdown (json_object_get_string_member_with_default (m, "content", ""), -1);
        }
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rules");
  json_builder_begin_array (b);
  for (guint i = 0; wish != NULL && i < G_N_ELEMENTS (draft_recipes); i++)
    {
      const DraftRecipe *r = &draft_recipes[i];
      g_auto (GStrv) words = g_strsplit (r->words, ",", -1);
      gboolean found = FALSE;

      for (guint w = 0; words[w] != NULL && !found; w++)
        found = strstr (wish, words[w]) != NULL;
      if (!found)
        continue;
      labels = TRUE;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "conditions");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, r->field);
      json_builder_set_member_name (b, "op");
      json_builder_add_string_value (b, "contains_any");
      json_builder_set_member_name (b, "value");
      json_builder_add_string_value (b, r->value);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "actions");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, r->action);
      json_builder_set_member_name (b, "params");
      json_builder_begin_object (b);
      if (r->label != NULL)
        {
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, r->label);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "permissions");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "gmail.read");
  if (labels)
    json_builder_add_string_value (b, "gmail.modify");
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gboolean
is_draft_request (JsonArray *messages)
{
  JsonObject *first = messages && json_array_get_length (messages) > 0 ? json_array_get_object_element (messages, 0) : NULL;

  return first != NULL && g_str_has_prefix (json_object_get_string_member_with_default (first, "content", ""), DRAFT_PROMPT_START);
}

void
sb_llm_handle (AfSandbox         *self,
               SoupServerMessage *msg)
{
  SbLlm *llm = af_sandbox_get_llm (self);
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) message = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  JsonObject      *request;
  const char      *model;
  gboolean         json_mode = FALSE;
  gboolean         has_tool_calls;
  g_autofree char *id = NULL;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      respond_openai_error (msg, 405, "invalid_request_error", NULL, "Method not allowed");
      return;
    }
  if (!af_sandbox_begin (self, msg, "llm.chat.completions"))
    return;

  if (af_sandbox_authorize (self, msg, "llm", NULL, NULL) != AF_SANDBOX_AUTH_OK)
    {
      respond_openai_error (msg, 401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.");
      return;
    }

  body = af_sandbox_parse_body (msg);
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body) ||
      !json_object_has_member (json_node_get_object (body), "messages"))
    {
      respond_openai_error (msg, 400, "invalid_request_error", NULL, "'messages' is a required property");
      return;
    }
  request = json_node_get_object (body);
  model = json_object_get_string_member_with_default (request, "model", "sandbox-model");
  if (json_object_has_member (request, "response_format"))
    {
      JsonObject *format = json_object_get_object_member (request, "response_format");

      json_mode = format && g_strcmp0 (json_object_get_string_member_with_default (format, "type", NULL), "json_object") == 0;
    }

  g_clear_pointer (&llm->last_request, json_node_unref);
  llm->last_request = json_node_ref (body);
  llm->n_calls++;

  message = g_queue_pop_head (&llm->script);
  if (message == NULL && JSON_NODE_HOLDS_ARRAY (json_object_get_member (request, "messages")) &&
      is_draft_request (json_object_get_array_member (request, "messages")))
    {
      g_autofree char *content = draft_answer (json_object_get_array_member (request, "messages"));
      JsonObject      *m = json_object_new ();

      json_object_set_string_member (m, "role", "assistant");
      json_object_set_string_member (m, "content", content);
      message = json_node_init_object (json_node_alloc (), m);
      json_object_unref (m);
    }
  if (message == NULL)
    message = json_from_string (json_mode ? "{\"role\":\"assistant\",\"content\":\"{}\"}"
                                          : "{\"role\":\"assistant\",\"content\":\"Nothing is scripted for this turn.\"}",
                                NULL);
  has_tool_calls = JSON_NODE_HOLDS_OBJECT (message) && json_object_has_member (json_node_get_object (message), "tool_calls");

  id = g_strdup_printf ("chatcmpl-sandbox-%u", llm->n_calls);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion");
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, 1700000000 + llm->n_calls);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model);
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "message");
  json_builder_add_value (b, json_node_copy (message));
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, has_tool_calls ? "tool_calls" : "stop");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt_tokens");
  json_builder_add_int_value (b, 42);
  json_builder_set_member_name (b, "completion_tokens");
  json_builder_add_int_value (b, 7);
  json_builder_set_member_name (b, "total_tokens");
  json_builder_add_int_value (b, 49);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  af_sandbox_respond_json (msg, 200, root);
}

/**
 * af_sandbox_llm_push_reply:
 * @message_json: an assistant message, e.g.
 *   {"role":"assistant","content":"Done."}
 *
 * Queues the model's next answer.
 */
void
af_sandbox_llm_push_reply (AfSandbox  *self,
                           const char *message_json)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  JsonNode *node;

  g_return_if_fail (AF_IS_SANDBOX (self));
  g_return_if_fail (message_json != NULL);

  node = json_from_string (message_json, NULL);
  g_return_if_fail (node != NULL);
  g_queue_push_tail (&af_sandbox_get_llm (self)->script, node);
}

/**
 * af_sandbox_llm_push_tool_call:
 * @arguments: the arguments text, as the model would send it (it may be
 *   invalid JSON on purpose)
 *
 * Queues an answer that calls one tool.
 */
void
af_sandbox_llm_push_tool_call (AfSandbox  *self,
                               const char *name,
                               const char *arguments)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbLlm           *llm;
  JsonObject      *message, *call, *function;
  JsonArray       *calls;
  g_autofree char *id = NULL;

  g_return_if_fail (AF_IS_SANDBOX (self));
  g_return_if_fail (name != NULL && arguments != NULL);

  llm = af_sandbox_get_llm (self);
  id = g_strdup_printf ("call_sandbox_%u", g_queue_get_length (&llm->script) + llm->n_calls + 1);
  function = json_object_new ();
  json_object_set_string_member (function, "name", name);
  json_object_set_string_member (function, "arguments", arguments);
  call = json_object_new ();
  json_object_set_string_member (call, "id", id);
  json_object_set_string_member (call, "type", "function");
  json_object_set_object_member (call, "function", function);
  calls = json_array_new ();
  json_array_add_object_element (calls, call);
  message = json_object_new ();
  json_object_set_string_member (message, "role", "assistant");
  json_object_set_null_member (message, "content");
  json_object_set_array_member (message, "tool_calls", calls);

  g_queue_push_tail (&llm->script, json_node_init_object (json_node_alloc (), message));
  json_object_unref (message);
}

/**
 * af_sandbox_llm_get_last_request:
 *
 * Returns: (transfer none) (nullable): the last chat completion request
 */
JsonNode *
af_sandbox_llm_get_last_request (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  return af_sandbox_get_llm (self)->last_request;
}
