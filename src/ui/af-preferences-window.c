/* af-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "af-background.h"
#include "af-preferences-window.h"
#include "af-time-saved-group.h"
#include "af-token-exchange-source.h"
#include "af-vault.h"

struct _AfPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings    *settings;
  AfBackground *background;

  /* Template widgets */
  AdwComboRow    *style_row;
  GtkSwitch      *run_in_background_switch;
  GtkSwitch      *start_at_login_switch;
  GtkSwitch      *notifications_switch;
  AdwActionRow   *portal_row;
  AdwEntryRow    *google_client_id_row;
  AdwEntryRow    *slack_client_id_row;
  AdwEntryRow    *oidc_issuer_row;
  AdwEntryRow    *oidc_client_id_row;
  AdwExpanderRow *advanced_row;
  AdwEntryRow    *auth0_domain_row;
  AdwEntryRow    *auth0_client_id_row;
  AdwEntryRow    *auth0_secret_row;
  AfVault        *vault;
};

G_DEFINE_FINAL_TYPE (AfPreferencesWindow, af_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const style_ids[] = { "system", "light", "dark" };

static gboolean
style_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (style_ids); i++)
    {
      if (g_str_equal (id, style_ids[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
style_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  if (i >= G_N_ELEMENTS (style_ids))
    i = 0;

  return g_variant_new_string (style_ids[i]);
}

static void
update_portal_row (AfPreferencesWindow *self)
{
  AfBackgroundPortalState state = AF_BACKGROUND_PORTAL_ABSENT;
  const char             *subtitle = NULL;

  g_assert (AF_IS_PREFERENCES_WINDOW (self));

  if (self->background != NULL)
    state = af_background_get_portal_state (self->background);

  /* Without the Background portal nothing asks for permission, so there
   * is nothing to show. */
  switch (state)
    {
    case AF_BACKGROUND_PORTAL_AVAILABLE:
      subtitle = _ ("Asked for when the window is first closed");
      break;

    case AF_BACKGROUND_PORTAL_ALLOWED:
      subtitle = _ ("Allowed to run in the background");
      break;

    case AF_BACKGROUND_PORTAL_DENIED:
      subtitle = _ ("Denied: agents stop when the window is closed. Allow AgentFlow to run "
                    "in the background in the system settings.");
      break;

    case AF_BACKGROUND_PORTAL_UNKNOWN:
    case AF_BACKGROUND_PORTAL_ABSENT:
    default:
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->portal_row), subtitle != NULL);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (self->portal_row, subtitle);
}

static void
on_portal_state_changed_cb (AfPreferencesWindow *self,
                            GParamSpec          *pspec,
                            AfBackground        *background)
{
  update_portal_row (self);
}

static void
on_auth0_secret_stored_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr (AfPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!af_vault_store_finish (AF_VAULT (object), result, &error))
    {
      g_warning ("Could not keep the Auth0 client secret: %s", error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_ ("The keyring refused the client secret")));
      return;
    }
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_ ("Client secret saved in the keyring")));
}

/* The secret goes to the keyring only (service "auth0-client", account the
 * client ID), where the Auth0 sign-in finds it; the row forgets it. */
static void
on_auth0_secret_apply_cb (AfPreferencesWindow *self)
{
  g_autofree char *client_id = g_settings_get_string (self->settings, "auth0-client-id");
  g_autoptr (AfTokenSet) secret = af_token_set_new ();
  g_autofree char *label = NULL;
  const char      *text = gtk_editable_get_text (GTK_EDITABLE (self->auth0_secret_row));

  g_strstrip (client_id);
  if (client_id[0] == '\0')
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_ ("Enter the Auth0 client ID first")));
      return;
    }
  if (text[0] == '\0')
    return;
  secret->access_token = g_strstrip (g_strdup (text));
  secret->token_type = g_strdup ("client_secret");
  gtk_editable_set_text (GTK_EDITABLE (self->auth0_secret_row), "");
  if (self->vault == NULL)
    self->vault = af_vault_new ();
  label = g_strdup_printf ("AgentFlow: Auth0 application %s", client_id);
  af_vault_store_async (self->vault, AF_AUTH0_CLIENT_SERVICE, client_id, "", label, secret, NULL,
                        on_auth0_secret_stored_cb, g_object_ref (self));
}

static void
af_preferences_window_constructed (GObject *object)
{
  AfPreferencesWindow *self = (AfPreferencesWindow *)object;

  G_OBJECT_CLASS (af_preferences_window_parent_class)->constructed (object);

  g_settings_bind_with_mapping (self->settings, "style-variant",
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                style_get_mapping, style_set_mapping, NULL, NULL);
  g_settings_bind (self->settings, "google-client-id",
                   self->google_client_id_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "slack-client-id",
                   self->slack_client_id_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "oidc-issuer",
                   self->oidc_issuer_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "oidc-client-id",
                   self->oidc_client_id_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "auth0-domain",
                   self->auth0_domain_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "auth0-client-id",
                   self->auth0_client_id_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "run-in-background",
                   self->run_in_background_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "start-at-login",
                   self->start_at_login_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notifications",
                   self->notifications_switch, "active", G_SETTINGS_BIND_DEFAULT);

  /* The estimates behind the dashboard's numbers, on a page of their own. */
  {
    GtkWidget *page = adw_preferences_page_new ();

    adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _ ("Dashboard"));
    adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "org.agentflow.App-symbolic");
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                              ADW_PREFERENCES_GROUP (af_time_saved_group_new (self->settings)));
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
  }
}

static void
af_preferences_window_dispose (GObject *object)
{
  AfPreferencesWindow *self = (AfPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->background);
  g_clear_object (&self->vault);

  G_OBJECT_CLASS (af_preferences_window_parent_class)->dispose (object);
}

static void
af_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  AfPreferencesWindow *self = AF_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_preferences_window_class_init (AfPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = af_preferences_window_constructed;
  object_class->dispose = af_preferences_window_dispose;
  object_class->set_property = af_preferences_window_set_property;

  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL,
                           G_TYPE_SETTINGS,
                           (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, run_in_background_switch);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, start_at_login_switch);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, portal_row);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, google_client_id_row);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, slack_client_id_row);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, oidc_issuer_row);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, oidc_client_id_row);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, auth0_domain_row);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, auth0_client_id_row);
  gtk_widget_class_bind_template_child (widget_class, AfPreferencesWindow, auth0_secret_row);
  gtk_widget_class_bind_template_callback (widget_class, on_auth0_secret_apply_cb);
}

static void
af_preferences_window_init (AfPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

AfPreferencesWindow *
af_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (AF_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       NULL);
}

/**
 * af_preferences_window_set_background:
 * @background: (nullable): where the Background portal's answer comes from
 *
 * Shows the portal's answer in the Background group while the window is
 * open.
 */
void
af_preferences_window_set_background (AfPreferencesWindow *self,
                                      AfBackground        *background)
{
  g_return_if_fail (AF_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (background == NULL || AF_IS_BACKGROUND (background));

  if (self->background == background)
    return;

  if (self->background != NULL)
    g_signal_handlers_disconnect_by_func (self->background, on_portal_state_changed_cb, self);
  g_set_object (&self->background, background);
  if (background != NULL)
    g_signal_connect_object (background, "notify::portal-state",
                             G_CALLBACK (on_portal_state_changed_cb), self, G_CONNECT_SWAPPED);

  update_portal_row (self);
}
