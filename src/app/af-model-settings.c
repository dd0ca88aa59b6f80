/* af-model-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-model-settings"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-error.h"
#include "af-http-client.h"
#include "af-model-settings.h"
#include "af-source.h"
#include "af-static-token-source.h"
#include "af-vault.h"

/* The AI model the agents use, from the settings `ai-endpoint` and
 * `ai-model`, with its API key in the Secret Service (service "llm",
 * account = the endpoint). The key never goes into GSettings: a changed
 * endpoint looks up the key stored for that endpoint. */

#define VAULT_SERVICE "llm"
#define DATA_KEY      "af-model-settings"

/* How long "Test Connection" waits for the server. */
#define TEST_TIMEOUT_SECONDS 15

struct _AfModelSettings
{
  GObject parent_instance;

  AfEngine     *engine; /* weak: the engine owns this object */
  GSettings    *settings;
  AfVault      *vault;
  AfHttpClient *http;
  GCancellable *cancellable; /* the key lookup of the latest apply */
  gboolean      active;
};

G_DEFINE_FINAL_TYPE (AfModelSettings, af_model_settings, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACTIVE,
  N_PROPS
};

enum
{
  SIGNAL_APPLIED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static void
set_client (AfModelSettings *self,
            AfLlmClient     *client)
{
  g_assert (AF_IS_MODEL_SETTINGS (self));

  if (self->engine != NULL)
    af_engine_set_llm_client (self->engine, client);

  if (self->active != (client != NULL))
    {
      self->active = client != NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
    }
  g_signal_emit (self, signals[SIGNAL_APPLIED], 0);
}

static void
on_key_looked_up_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (AfModelSettings) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfTokenSet) tokens = NULL;
  g_autoptr (AfTokenSource) key = NULL;
  g_autoptr (AfLlmClient) client = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *model = NULL;

  /* A newer apply cancelled this lookup: its own result counts. */
  tokens = af_vault_lookup_finish (AF_VAULT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->settings == NULL)
    return;

  /* A local server needs no key: without a keyring the model is still
   * used, and a server that wants one says so in the agent's activity. */
  if (error != NULL)
    g_message ("The AI model's API key could not be read: %s", error->message);

  endpoint = af_model_settings_normalize_endpoint (g_settings_get_string (self->settings, "ai-endpoint"));
  model = g_settings_get_string (self->settings, "ai-model");
  g_strstrip (model);
  if (tokens != NULL && tokens->access_token != NULL && *tokens->access_token != '\0')
    key = AF_TOKEN_SOURCE (af_static_token_source_new (tokens->access_token));
  client = af_llm_client_new (self->http, key, endpoint, model);
  set_client (self, client);
}

static void
apply (AfModelSettings *self)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *model = NULL;

  g_assert (AF_IS_MODEL_SETTINGS (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  endpoint = af_model_settings_normalize_endpoint (g_settings_get_string (self->settings, "ai-endpoint"));
  model = g_settings_get_string (self->settings, "ai-model");
  g_strstrip (model);

  /* No endpoint or no model name: agents follow their rules only. */
  if (*endpoint == '\0' || *model == '\0')
    {
      set_client (self, NULL);
      return;
    }

  self->cancellable = g_cancellable_new ();
  af_vault_lookup_async (self->vault, VAULT_SERVICE, endpoint, "", self->cancellable,
                         on_key_looked_up_cb, g_object_ref (self));
}

static void
on_settings_changed_cb (AfModelSettings *self,
                        const char      *key,
                        GSettings       *settings)
{
  apply (self);
}

static void
on_key_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfModelSettings *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (g_task_get_task_data (task) != NULL)
    ok = af_vault_store_finish (AF_VAULT (source), result, &error);
  else
    ok = af_vault_clear_finish (AF_VAULT (source), result, &error);

  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The key of the endpoint in use changed: a new client picks it up. */
  apply (self);
  g_task_return_boolean (task, TRUE);
}

static void
on_key_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfTokenSet) tokens = af_vault_lookup_finish (AF_VAULT (source), result, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_strdup (tokens && tokens->access_token ? tokens->access_token : ""), g_free);
}

static void
af_model_settings_dispose (GObject *object)
{
  AfModelSettings *self = (AfModelSettings *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_weak_pointer (&self->engine);
  g_clear_object (&self->settings);
  g_clear_object (&self->vault);
  g_clear_object (&self->http);

  G_OBJECT_CLASS (af_model_settings_parent_class)->dispose (object);
}

static void
af_model_settings_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AfModelSettings *self = AF_MODEL_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_model_settings_class_init (AfModelSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_model_settings_dispose;
  object_class->get_property = af_model_settings_get_property;

  /**
   * AfModelSettings:active:
   *
   * Whether the engine has a model to use.
   */
  properties[PROP_ACTIVE] =
      g_param_spec_boolean ("active", NULL, NULL,
                            FALSE,
                            (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AfModelSettings::applied:
   *
   * The engine got the model of the current settings (or none).
   */
  signals[SIGNAL_APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
af_model_settings_init (AfModelSettings *self)
{
  self->vault = af_vault_new ();
}

/**
 * af_model_settings_bind:
 * @engine: the engine whose agents use the model
 * @settings: the `org.agentflow.App` settings
 * @http: the client the model is called through
 *
 * Gives @engine the AI model of the settings `ai-endpoint` and `ai-model`
 * with the API key stored for that endpoint, and gives it again whenever
 * they change. An empty endpoint or model means no model. The object lives
 * as long as @engine.
 *
 * Returns: (transfer none): the model settings of @engine
 */
AfModelSettings *
af_model_settings_bind (AfEngine     *engine,
                        GSettings    *settings,
                        AfHttpClient *http)
{
  AfModelSettings *self;

  g_return_val_if_fail (AF_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (AF_IS_HTTP_CLIENT (http), NULL);

  self = af_model_settings_get_for_engine (engine);
  if (self != NULL)
    return self;

  self = g_object_new (AF_TYPE_MODEL_SETTINGS, NULL);
  g_set_weak_pointer (&self->engine, engine);
  self->settings = g_object_ref (settings);
  self->http = g_object_ref (http);
  g_object_set_data_full (G_OBJECT (engine), DATA_KEY, self, g_object_unref);

  g_signal_connect_object (settings, "changed::ai-endpoint", G_CALLBACK (on_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::ai-model", G_CALLBACK (on_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  apply (self);

  return self;
}

/**
 * af_model_settings_get_for_engine:
 *
 * Returns: (transfer none) (nullable): the model settings bound to
 *   @engine, %NULL when the engine's model is not the user's (the sandbox)
 */
AfModelSettings *
af_model_settings_get_for_engine (AfEngine *engine)
{
  g_return_val_if_fail (AF_IS_ENGINE (engine), NULL);

  return g_object_get_data (G_OBJECT (engine), DATA_KEY);
}

/**
 * af_model_settings_get_settings:
 *
 * Returns: (transfer none): the settings holding the endpoint and model
 */
GSettings *
af_model_settings_get_settings (AfModelSettings *self)
{
  g_return_val_if_fail (AF_IS_MODEL_SETTINGS (self), NULL);

  return self->settings;
}

gboolean
af_model_settings_get_active (AfModelSettings *self)
{
  g_return_val_if_fail (AF_IS_MODEL_SETTINGS (self), FALSE);

  return self->active;
}

/**
 * af_model_settings_normalize_endpoint:
 * @endpoint: (nullable) (transfer full): what the user typed
 *
 * Takes ownership of @endpoint.
 *
 * Returns: (transfer full): @endpoint without surrounding blanks and
 *   trailing slashes, the form the key is stored under
 */
char *
af_model_settings_normalize_endpoint (char *endpoint)
{
  char *copy = endpoint;
  gsize len;

  if (copy == NULL)
    return g_strdup ("");

  g_strstrip (copy);
  len = strlen (copy);
  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

/**
 * af_model_settings_set_api_key_async:
 * @endpoint: the endpoint the key is for
 * @key: (nullable): the key; empty or %NULL removes it
 *
 * Stores @key in the keyring for @endpoint and gives the engine a model
 * that uses it.
 */
void
af_model_settings_set_api_key_async (AfModelSettings    *self,
                                     const char         *endpoint,
                                     const char         *key,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *account = NULL;

  g_return_if_fail (AF_IS_MODEL_SETTINGS (self));
  g_return_if_fail (endpoint != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_model_settings_set_api_key_async);
  account = af_model_settings_normalize_endpoint (g_strdup (endpoint));

  if (*account == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No endpoint");
      return;
    }

  if (key != NULL && *key != '\0')
    {
      g_autoptr (AfTokenSet) tokens = af_token_set_new ();
      g_autofree char *label = g_strdup_printf (_ ("AgentFlow: AI model API key for %s"), account);

      tokens->access_token = g_strdup (key);
      tokens->token_type = g_strdup ("Bearer");
      g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
      af_vault_store_async (self->vault, VAULT_SERVICE, account, "", label, tokens, cancellable,
                            on_key_stored_cb, g_object_ref (task));
    }
  else
    af_vault_clear_async (self->vault, VAULT_SERVICE, account, "", cancellable, on_key_stored_cb,
                          g_object_ref (task));
}

gboolean
af_model_settings_set_api_key_finish (AfModelSettings *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_model_settings_set_api_key_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * af_model_settings_lookup_api_key_async:
 *
 * Reads the key stored for @endpoint, to show it (hidden) in the settings.
 */
void
af_model_settings_lookup_api_key_async (AfModelSettings    *self,
                                        const char         *endpoint,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *account = NULL;

  g_return_if_fail (AF_IS_MODEL_SETTINGS (self));
  g_return_if_fail (endpoint != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_model_settings_lookup_api_key_async);
  account = af_model_settings_normalize_endpoint (g_strdup (endpoint));
  if (*account == '\0')
    {
      g_task_return_pointer (task, g_strdup (""), g_free);
      return;
    }
  af_vault_lookup_async (self->vault, VAULT_SERVICE, account, "", cancellable, on_key_read_cb,
                         g_object_ref (task));
}

/**
 * af_model_settings_lookup_api_key_finish:
 *
 * Returns: (transfer full): the key, "" when none is stored
 */
char *
af_model_settings_lookup_api_key_finish (AfModelSettings *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_model_settings_lookup_api_key_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * af_model_settings_check_endpoint:
 * @endpoint: what the user typed
 * @error: return location for a #GError with a sentence for the user
 *
 * Whether @endpoint can be asked at all: an http:// or https:// address.
 */
gboolean
af_model_settings_check_endpoint (const char *endpoint,
                                  GError    **error)
{
  g_autofree char *base = af_model_settings_normalize_endpoint (g_strdup (endpoint));
  g_autoptr (GUri) uri = NULL;

  if (!g_str_has_prefix (base, "http://") && !g_str_has_prefix (base, "https://"))
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT,
                           _ ("Enter an endpoint that starts with http:// or https://."));
      return FALSE;
    }
  uri = g_uri_parse (base, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error_literal (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("The endpoint is not a valid address."));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GCancellable *cancellable; /* the caller's, or one the timeout cancels */
  gulong        cancelled_id;
  GCancellable *caller;
  guint         timeout_id;
  gboolean      timed_out;
} TestEndpoint;

static void
test_endpoint_free (TestEndpoint *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (data->caller != NULL)
    g_cancellable_disconnect (data->caller, data->cancelled_id);
  g_clear_object (&data->caller);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static gboolean
on_test_timeout_cb (gpointer user_data)
{
  TestEndpoint *data = user_data;

  data->timeout_id = 0;
  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_test_caller_cancelled_cb (GCancellable *caller,
                             GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
on_test_response_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  TestEndpoint *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = NULL;
  SoupMessage *message;
  guint        status;
  JsonNode    *root;
  guint        n_models = 0;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (bytes == NULL && data->timed_out)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_TIMED_OUT,
                               _ ("Could not reach the server: it did not answer within %u seconds. Check the "
                                  "endpoint and that the server is running."),
                               TEST_TIMEOUT_SECONDS);
      return;
    }
  if (bytes == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (bytes == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NETWORK,
                               _ ("Could not reach the server: %s. Check the endpoint and that the server is running."),
                               error->message);
      return;
    }

  message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  status = soup_message_get_status (message);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_AUTH_FAILED,
                               _ ("The server refused the API key. Check the key and try again."));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                               _ ("The server answered with error %u. Check that the endpoint ends with “/v1”."),
                               status);
      return;
    }

  /* https://platform.openai.com/docs/api-reference/models/list: {"data": [...]} */
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);

      if (json_object_has_member (obj, "data") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "data")))
        n_models = json_array_get_length (json_object_get_array_member (obj, "data"));
    }
  g_task_return_int (task, n_models);
}

/**
 * af_model_settings_test_endpoint_async:
 * @endpoint: the endpoint as typed, e.g. "http://127.0.0.1:11434/v1"
 * @key: (nullable): the API key to try, empty or %NULL for none
 *
 * Lists the models of @endpoint (`GET /models`) through the app's
 * session, to tell the user whether the server answers and takes the key.
 * Gives up after 15 seconds.
 */
void
af_model_settings_test_endpoint_async (AfModelSettings    *self,
                                       const char         *endpoint,
                                       const char         *key,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupMessage) message = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  TestEndpoint    *data;

  g_return_if_fail (AF_IS_MODEL_SETTINGS (self));
  g_return_if_fail (endpoint != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_model_settings_test_endpoint_async);

  if (!af_model_settings_check_endpoint (endpoint, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  base = af_model_settings_normalize_endpoint (g_strdup (endpoint));
  url = g_strconcat (base, "/models", NULL);
  message = soup_message_new (SOUP_METHOD_GET, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("The endpoint is not a valid address."));
      return;
    }
  if (key != NULL && *key != '\0')
    {
      g_autofree char *auth = g_strconcat ("Bearer ", key, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", auth);
      explicit_bzero (auth, strlen (auth));
    }

  data = g_new0 (TestEndpoint, 1);
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_test_caller_cancelled_cb),
                                                  data->cancellable, NULL);
    }
  data->timeout_id = af_timeout_add_seconds_named (TEST_TIMEOUT_SECONDS, "[agentflow] model test timeout",
                                                   on_test_timeout_cb, data);
  g_task_set_task_data (task, data, (GDestroyNotify)test_endpoint_free);

  soup_session_send_and_read_async (af_http_client_get_session (self->http), message, G_PRIORITY_DEFAULT,
                                    data->cancellable, on_test_response_cb, g_steal_pointer (&task));
}

/**
 * af_model_settings_test_endpoint_finish:
 * @error: a sentence for the user when the server cannot be used
 *
 * Returns: how many models the server offers
 */
guint
af_model_settings_test_endpoint_finish (AfModelSettings *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_model_settings_test_endpoint_async), 0);

  return (guint)g_task_propagate_int (G_TASK (result), error);
}
