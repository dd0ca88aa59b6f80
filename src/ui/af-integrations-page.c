/* af-integrations-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-integrations-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-auth0-group.h"
#include "af-integrations-page.h"
#include "af-model-settings.h"

struct _AfIntegrationsPage
{
  GtkWidget parent_instance;

  GHashTable   *rows; /* service → AdwActionRow */
  GCancellable *test_cancellable;
  gboolean      oidc_available;

  /* The AI model the agents use; NULL when it is not the user's to set. */
  AfModelSettings *model;
  GCancellable    *key_cancellable;

  /* Template widgets */
  GtkWidget           *child;
  AdwPreferencesGroup *accounts_group;
  AfAuth0Group        *auth0_group;
  AdwPreferencesGroup *model_group;
  AdwEntryRow         *endpoint_row;
  AdwEntryRow         *model_row;
  AdwPasswordEntryRow *key_row;
  AdwActionRow        *test_row;
  GtkSpinner          *test_spinner;
  GtkButton           *test_button;
};

G_DEFINE_FINAL_TYPE (AfIntegrationsPage, af_integrations_page, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_CONNECT,
  SIGNAL_CANCEL,
  SIGNAL_DISCONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *service;
  const char *icon_name;
  const char *title;
} services[] = {
  { "gmail", "mail-unread-symbolic", N_ ("Gmail") },
  { "calendar", "x-office-calendar-symbolic", N_ ("Google Calendar") },
  { "slack", "chat-message-new-symbolic", N_ ("Slack") },
  { "oidc", "channel-secure-symbolic", N_ ("OpenID Connect") },
};

/**
 * af_integrations_page_get_service_title:
 *
 * The translated name of @service ("Gmail"), or @service itself.
 */
const char *
af_integrations_page_get_service_title (const char *service)
{
  for (guint i = 0; service != NULL && i < G_N_ELEMENTS (services); i++)
    if (g_str_equal (services[i].service, service))
      return _ (services[i].title);
  return service;
}

static void
on_connect_cb (AfConnectButton    *button,
               AfIntegrationsPage *self)
{
  af_integrations_page_set_state (self, af_connect_button_get_service (button), AF_INTEGRATION_WAITING, NULL, NULL);
  g_signal_emit (self, signals[SIGNAL_CONNECT], 0, af_connect_button_get_service (button));
}

static void
on_cancel_cb (AfConnectButton    *button,
              AfIntegrationsPage *self)
{
  af_integrations_page_set_state (self, af_connect_button_get_service (button), AF_INTEGRATION_DISCONNECTED, NULL, NULL);
  g_signal_emit (self, signals[SIGNAL_CANCEL], 0, af_connect_button_get_service (button));
}

static void
on_disconnect_response_cb (AdwMessageDialog   *dialog,
                           const char         *response,
                           AfIntegrationsPage *self)
{
  g_autofree char *service = g_strdup (g_object_get_data (G_OBJECT (dialog), "service"));

  if (g_str_equal (response, "disconnect"))
    g_signal_emit (self, signals[SIGNAL_DISCONNECT], 0, service);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_disconnect_cb (AfConnectButton    *button,
                  AfIntegrationsPage *self)
{
  const char      *service = af_connect_button_get_service (button);
  const char      *title = af_integrations_page_get_service_title (service);
  g_autofree char *heading = g_strdup_printf (_ ("Disconnect %s?"), title);
  g_autofree char *body = g_strdup_printf (_ ("Agents that use %s stop until you connect it again. "
                                              "AgentFlow signs out of the account and removes "
                                              "its sign-in from your keyring."),
                                           title);
  GtkWidget       *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _ ("_Cancel"),
                                    "disconnect", _ ("_Disconnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "disconnect",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "service", g_strdup (service), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_disconnect_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
make_service_row (AfIntegrationsPage *self,
                  guint               i)
{
  const char *service = services[i].service;
  GtkWidget  *row = adw_action_row_new ();
  GtkWidget  *button = af_connect_button_new (service, TRUE);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (services[i].title));
  af_connect_button_set_service_title (AF_CONNECT_BUTTON (button), _ (services[i].title));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ ("Not connected"));
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), services[i].icon_name);

  g_signal_connect (button, "connect", G_CALLBACK (on_connect_cb), self);
  g_signal_connect (button, "cancel", G_CALLBACK (on_cancel_cb), self);
  g_signal_connect (button, "disconnect", G_CALLBACK (on_disconnect_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  g_object_set_data (G_OBJECT (row), "connect-button", button);
  return row;
}

static void
set_test_result (AfIntegrationsPage *self,
                 const char         *text,
                 gboolean            ok)
{
  /* Row subtitles are markup; server messages are not. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  gtk_spinner_set_spinning (self->test_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), TRUE);
  adw_action_row_set_subtitle (self->test_row, escaped);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->test_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  (void)ok;
}

static void
on_test_response_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (AfIntegrationsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint            n_models;

  n_models = af_model_settings_test_endpoint_finish (AF_MODEL_SETTINGS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      set_test_result (self, error->message, FALSE);
      return;
    }

  text = g_strdup_printf (ngettext ("Connected, %u model available", "Connected, %u models available", n_models),
                          n_models);
  set_test_result (self, text, TRUE);
}

static void
on_test_clicked_cb (AfIntegrationsPage *self)
{
  const char *endpoint = gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row));
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  g_autoptr (GError) error = NULL;

  if (!af_model_settings_check_endpoint (endpoint, &error))
    {
      set_test_result (self, error->message, FALSE);
      return;
    }
  if (self->model == NULL)
    {
      set_test_result (self, _ ("The AI model can be tested once agents are running."), FALSE);
      return;
    }

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_set_spinning (self->test_spinner, TRUE);
  adw_action_row_set_subtitle (self->test_row, _ ("Testing…"));

  af_model_settings_test_endpoint_async (self->model, endpoint, key, self->test_cancellable, on_test_response_cb,
                                         g_object_ref (self));
}

/* Shows @text in @row without offering to apply it: it is what is saved. */
static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  gboolean show_apply = adw_entry_row_get_show_apply_button (row);

  adw_entry_row_set_show_apply_button (row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  adw_entry_row_set_show_apply_button (row, show_apply);
}

static void
on_key_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AfIntegrationsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *key = af_model_settings_lookup_api_key_finish (AF_MODEL_SETTINGS (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->model == NULL)
    return;
  if (key == NULL)
    {
      set_test_result (self, error->message, FALSE);
      return;
    }
  set_row_text (ADW_ENTRY_ROW (self->key_row), key);
}

static void
load_key (AfIntegrationsPage *self)
{
  g_autofree char *endpoint = NULL;

  g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);
  if (self->model == NULL)
    return;

  self->key_cancellable = g_cancellable_new ();
  endpoint = g_settings_get_string (af_model_settings_get_settings (self->model), "ai-endpoint");
  af_model_settings_lookup_api_key_async (self->model, endpoint, self->key_cancellable, on_key_read_cb,
                                          g_object_ref (self));
}

static void
sync_row (AdwEntryRow *row,
          const char  *text)
{
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (row));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && (focus == GTK_WIDGET (row) || gtk_widget_is_ancestor (focus, GTK_WIDGET (row))))
    return;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text) != 0)
    set_row_text (row, text);
}

static void
on_model_applied_cb (AfIntegrationsPage *self)
{
  GSettings       *settings = af_model_settings_get_settings (self->model);
  g_autofree char *endpoint = g_settings_get_string (settings, "ai-endpoint");
  g_autofree char *model = g_settings_get_string (settings, "ai-model");
  g_autofree char *text = NULL;

  /* Changed elsewhere (another window, the command line): show it,
   * unless the user is typing in that row. */
  sync_row (self->endpoint_row, endpoint);
  sync_row (self->model_row, model);

  if (af_model_settings_get_active (self->model))
    /* Translators: a model name, then the server address */
    text = g_strdup_printf (_ ("Saved: agents set to use the AI model ask %s at %s"), model, endpoint);
  else if (*endpoint != '\0' && *model == '\0')
    text = g_strdup (_ ("Enter the name of a model to use it"));
  else
    text = g_strdup (_ ("No model: agents follow their rules"));
  set_test_result (self, text, TRUE);
}

static void
on_key_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (AfIntegrationsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!af_model_settings_set_api_key_finish (AF_MODEL_SETTINGS (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_ ("The API key could not be saved: %s"), error->message);

      set_test_result (self, text, FALSE);
    }
}

static void
save_endpoint (AfIntegrationsPage *self)
{
  g_autofree char *endpoint = af_model_settings_normalize_endpoint (
      g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row))));
  GSettings       *settings = af_model_settings_get_settings (self->model);
  g_autofree char *saved = g_settings_get_string (settings, "ai-endpoint");

  if (g_strcmp0 (saved, endpoint) != 0)
    g_settings_set_string (settings, "ai-endpoint", endpoint);
  set_row_text (self->endpoint_row, endpoint);
}

static void
on_endpoint_apply_cb (AfIntegrationsPage *self)
{
  if (self->model == NULL)
    return;
  save_endpoint (self);
  /* Another endpoint has its own key, if any. */
  load_key (self);
}

static void
on_model_apply_cb (AfIntegrationsPage *self)
{
  g_autofree char *model = NULL;

  if (self->model == NULL)
    return;
  model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->model_row))));
  g_settings_set_string (af_model_settings_get_settings (self->model), "ai-model", model);
  set_row_text (self->model_row, model);
}

static void
on_key_apply_cb (AfIntegrationsPage *self)
{
  g_autofree char *endpoint = NULL;

  if (self->model == NULL)
    return;
  save_endpoint (self);
  endpoint = g_settings_get_string (af_model_settings_get_settings (self->model), "ai-endpoint");
  if (*endpoint == '\0')
    {
      set_test_result (self, _ ("Enter the endpoint first: the key is saved for it."), FALSE);
      return;
    }
  g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);
  af_model_settings_set_api_key_async (self->model, endpoint, gtk_editable_get_text (GTK_EDITABLE (self->key_row)),
                                       NULL, on_key_stored_cb, g_object_ref (self));
}

static void
af_integrations_page_dispose (GObject *object)
{
  AfIntegrationsPage *self = (AfIntegrationsPage *)object;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_INTEGRATIONS_PAGE);

  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (af_integrations_page_parent_class)->dispose (object);
}

static void
af_integrations_page_class_init (AfIntegrationsPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = af_integrations_page_dispose;

  /**
   * AfIntegrationsPage::connect:
   * @service: "gmail", "calendar", "slack" or "oidc"
   *
   * The user asked to connect (or reconnect) @service; the row waits until
   * af_integrations_page_set_state() tells it how that went.
   */
  signals[SIGNAL_CONNECT] = g_signal_new ("connect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CANCEL] = g_signal_new ("cancel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * AfIntegrationsPage::disconnect:
   *
   * The user confirmed disconnecting @service.
   */
  signals[SIGNAL_DISCONNECT] = g_signal_new ("disconnect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (AF_TYPE_AUTH0_GROUP);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-integrations-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, child);
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, auth0_group);
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, model_group);
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, model_row);
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, test_row);
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, AfIntegrationsPage, test_button);
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_endpoint_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_model_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_key_apply_cb);
}

static void
af_integrations_page_init (AfIntegrationsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      GtkWidget *row = make_service_row (self, i);

      adw_preferences_group_add (self->accounts_group, row);
      g_hash_table_insert (self->rows, (gpointer)services[i].service, row);
    }
  /* Only offered once an issuer is configured (Preferences › Advanced). */
  gtk_widget_set_visible (g_hash_table_lookup (self->rows, "oidc"), FALSE);
}

/**
 * af_integrations_page_set_oidc_available:
 * @available: whether an OpenID Connect issuer is configured
 *
 * Shows the OpenID Connect row when there is a provider to connect to,
 * or an account still connected with one.
 */
void
af_integrations_page_set_oidc_available (AfIntegrationsPage *self,
                                         gboolean            available)
{
  g_return_if_fail (AF_IS_INTEGRATIONS_PAGE (self));

  self->oidc_available = available;
  gtk_widget_set_visible (g_hash_table_lookup (self->rows, "oidc"),
                          available || af_integrations_page_get_state (self, "oidc") != AF_INTEGRATION_DISCONNECTED);
}

/**
 * af_integrations_page_set_state:
 * @service: "gmail", "calendar", "slack" or "oidc"
 * @account: (nullable): the account, e.g. an e-mail address
 * @used_by: (nullable): which agents use it, ready to show
 *
 * Shows the connection state of @service.
 */
void
af_integrations_page_set_state (AfIntegrationsPage *self,
                                const char         *service,
                                AfIntegrationState  state,
                                const char         *account,
                                const char         *used_by)
{
  GtkWidget       *row;
  g_autofree char *subtitle = NULL;

  g_return_if_fail (AF_IS_INTEGRATIONS_PAGE (self));
  g_return_if_fail (service != NULL);

  row = g_hash_table_lookup (self->rows, service);
  g_return_if_fail (row != NULL);

  switch (state)
    {
    case AF_INTEGRATION_WAITING:
      subtitle = g_strdup (_ ("Waiting for you to sign in with your browser…"));
      break;
    case AF_INTEGRATION_CONNECTED:
      if (used_by != NULL && *used_by != '\0')
        /* Translators: an account, then the agents that use it */
        subtitle = g_strdup_printf (_ ("%s · Used by %s"), account ? account : _ ("Connected"), used_by);
      else
        subtitle = g_strdup (account ? account : _ ("Connected"));
      break;
    case AF_INTEGRATION_NEEDS_RECONNECT:
      /* Translators: %s is an account */
      subtitle = g_strdup_printf (_ ("%s needs to sign in again"), account ? account : _ ("The account"));
      break;
    case AF_INTEGRATION_DISCONNECTED:
    default:
      subtitle = g_strdup (_ ("Not connected"));
      break;
    }

  {
    g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  }
  af_connect_button_set_state (g_object_get_data (G_OBJECT (row), "connect-button"), state);
  if (g_str_equal (service, "oidc"))
    gtk_widget_set_visible (row, self->oidc_available || state != AF_INTEGRATION_DISCONNECTED);
}

AfIntegrationState
af_integrations_page_get_state (AfIntegrationsPage *self,
                                const char         *service)
{
  GtkWidget *row;

  g_return_val_if_fail (AF_IS_INTEGRATIONS_PAGE (self), AF_INTEGRATION_DISCONNECTED);

  row = g_hash_table_lookup (self->rows, service);
  g_return_val_if_fail (row != NULL, AF_INTEGRATION_DISCONNECTED);

  return af_connect_button_get_state (g_object_get_data (G_OBJECT (row), "connect-button"));
}

/**
 * af_integrations_page_set_model_settings:
 * @model: (nullable): where the AI model rows are saved; %NULL when the
 *   model is not the user's to choose (the sandbox has its own)
 */
void
af_integrations_page_set_model_settings (AfIntegrationsPage *self,
                                         AfModelSettings    *model)
{
  g_return_if_fail (AF_IS_INTEGRATIONS_PAGE (self));
  g_return_if_fail (model == NULL || AF_IS_MODEL_SETTINGS (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);

  adw_entry_row_set_show_apply_button (self->endpoint_row, model != NULL);
  adw_entry_row_set_show_apply_button (self->model_row, model != NULL);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->key_row), model != NULL);

  if (model == NULL)
    {
      g_cancellable_cancel (self->key_cancellable);
      return;
    }

  {
    GSettings       *settings = af_model_settings_get_settings (model);
    g_autofree char *endpoint = g_settings_get_string (settings, "ai-endpoint");
    g_autofree char *name = g_settings_get_string (settings, "ai-model");

    set_row_text (self->endpoint_row, endpoint);
    set_row_text (self->model_row, name);
    set_row_text (ADW_ENTRY_ROW (self->key_row), "");
  }
  g_signal_connect_swapped (model, "applied", G_CALLBACK (on_model_applied_cb), self);
  on_model_applied_cb (self);
  load_key (self);
}

/**
 * af_integrations_page_set_sandbox:
 *
 * In the sandbox, agents use the sandbox's simulated model: the AI model
 * rows say so instead of offering a choice.
 */
void
af_integrations_page_set_sandbox (AfIntegrationsPage *self,
                                  gboolean            sandbox)
{
  g_return_if_fail (AF_IS_INTEGRATIONS_PAGE (self));

  adw_preferences_group_set_description (self->model_group,
                                         sandbox
                                             ? _ ("In the sandbox, agents set to use the AI model talk to a simulated one. "
                                                  "Choose your own model when you use AgentFlow with your accounts.")
                                             : _ ("Optional. Any OpenAI-compatible server works, such as Ollama "
                                                  "(http://127.0.0.1:11434/v1) or llama.cpp on this computer. "
                                                  "Without a model, agents follow their rules."));
  gtk_widget_set_sensitive (GTK_WIDGET (self->endpoint_row), !sandbox);
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_row), !sandbox);
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), !sandbox);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_row), !sandbox);
}

/**
 * af_integrations_page_set_account_manager:
 * @accounts: (nullable): the accounts service
 * @settings: (nullable): where Preferences keeps the Auth0 tenant
 *
 * Shows the Auth0 Token Vault group (sign-in, accounts connected through
 * Auth0) for @accounts; hidden without one.
 */
void
af_integrations_page_set_account_manager (AfIntegrationsPage *self,
                                          AfAccountManager   *accounts,
                                          GSettings          *settings)
{
  g_return_if_fail (AF_IS_INTEGRATIONS_PAGE (self));

  af_auth0_group_set_account_manager (self->auth0_group, accounts, settings);
}

/**
 * af_integrations_page_set_auth0_tenant:
 *
 * The Auth0 tenant to sign in to when it is not the one Preferences names
 * (the sandbox's); see af_auth0_group_set_tenant().
 */
void
af_integrations_page_set_auth0_tenant (AfIntegrationsPage *self,
                                       const char         *domain,
                                       const char         *client_id,
                                       const char         *client_secret)
{
  g_return_if_fail (AF_IS_INTEGRATIONS_PAGE (self));

  af_auth0_group_set_tenant (self->auth0_group, domain, client_id, client_secret);
}
