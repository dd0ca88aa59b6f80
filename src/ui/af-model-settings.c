/* af-model-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-model-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "af-http-client.h"
#include "af-model-settings.h"
#include "af-static-token-source.h"
#include "af-vault.h"

/* The AI model the agents use, from the settings `ai-endpoint` and
 * `ai-model`, with its API key in the Secret Service (service "llm",
 * account = the endpoint). The key never goes into GSettings: a changed
 * endpoint looks up the key stored for that endpoint. */

#define VAULT_SERVICE "llm"
#define DATA_KEY      "af-model-settings"

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
  self->http = af_http_client_new ();
}

/**
 * af_model_settings_bind:
 * @engine: the engine whose agents use the model
 * @settings: the `org.agentflow.App` settings
 *
 * Gives @engine the AI model of the settings `ai-endpoint` and `ai-model`
 * with the API key stored for that endpoint, and gives it again whenever
 * they change. An empty endpoint or model means no model. The object lives
 * as long as @engine.
 *
 * Returns: (transfer none): the model settings of @engine
 */
AfModelSettings *
af_model_settings_bind (AfEngine  *engine,
                        GSettings *settings)
{
  AfModelSettings *self;

  g_return_val_if_fail (AF_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = af_model_settings_get_for_engine (engine);
  if (self != NULL)
    return self;

  self = g_object_new (AF_TYPE_MODEL_SETTINGS, NULL);
  g_set_weak_pointer (&self->engine, engine);
  self->settings = g_object_ref (settings);
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

  return g_task_propagate_pointer (G_TASK (result), error);
}
