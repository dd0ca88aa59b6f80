/* af-window-accounts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-window"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "af-window-private.h"

/* The accounts as the window shows them: the Integrations page and open
 * editors show each service's state; Connect runs the sign-in in the
 * browser (one attempt per service at a time), Cancel stops it, and
 * Disconnect signs out and says whether the provider revoked access. */

typedef struct
{
  AfWindow *self;
  char     *service;
} Disconnect;

GStrv
af_window_dup_connected_services (AfWindow *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (const char *const *s = (const char *const[]){ "gmail", "calendar", "slack", "oidc", NULL }; *s; s++)
    if (af_window_get_service_state (self, *s) == AF_INTEGRATION_CONNECTED)
      g_strv_builder_add (builder, *s);
  return g_strv_builder_end (builder);
}

/* "Email Assistant, Calendar Manager": the agents that use @service. */
static char *
dup_agents_using (AfWindow   *self,
                  const char *service)
{
  g_autoptr (GString) names = g_string_new (NULL);
  GListModel *agents;

  if (self->engine == NULL)
    return NULL;

  agents = af_engine_get_agents (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);
      JsonObject *definition = af_agent_peek_definition (agent);
      JsonArray  *connections = definition && json_object_has_member (definition, "connections")
                                    ? json_object_get_array_member (definition, "connections")
                                    : NULL;

      for (guint j = 0; connections != NULL && j < json_array_get_length (connections); j++)
        if (g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (connections, j), "service", NULL),
                       service) == 0)
          {
            if (names->len > 0)
              g_string_append (names, ", ");
            g_string_append (names, af_agent_get_name (agent));
            break;
          }
    }
  return names->len > 0 ? g_string_free (g_steal_pointer (&names), FALSE) : NULL;
}

/* Open editors show the same connection states as Integrations. */
static void
update_editors (AfWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (!AF_IS_AGENT_EDITOR (window) || gtk_window_get_transient_for (window) != GTK_WINDOW (self))
        continue;
      for (const char *const *s = (const char *const[]){ "gmail", "calendar", "slack", NULL }; *s; s++)
        af_agent_editor_set_service_state (AF_AGENT_EDITOR (window), *s, af_window_get_service_state (self, *s));
    }
}

void
af_window_refresh_connections (AfWindow *self)
{
  g_autoptr (GPtrArray) connections = NULL;
  g_autoptr (GError) error = NULL;

  /* Without an accounts service (the sandbox), the accounts are the ones
   * the agents were set up with. */
  if (self->accounts == NULL)
    {
      for (const char *const *s = (const char *const[]){ "gmail", "calendar", "slack", NULL }; self->engine && *s; s++)
        {
          g_autofree char *account = af_window_find_account (self, *s);
          g_autofree char *used_by = dup_agents_using (self, *s);

          if (account != NULL && *account != '\0')
            af_window_set_service_state (self, *s, AF_INTEGRATION_CONNECTED, account, used_by);
        }
      update_editors (self);
      return;
    }

  connections = af_account_manager_list_connections (self->accounts, &error);
  if (connections == NULL)
    {
      af_window_show_error_toast (self, _ ("Could not read your connected accounts"), error);
      return;
    }

  for (const char *const *s = (const char *const[]){ "gmail", "calendar", "slack", "oidc", NULL }; *s; s++)
    {
      AfConnection *found = NULL;

      if (g_hash_table_contains (self->connecting, *s))
        continue;
      for (guint i = 0; i < connections->len && found == NULL; i++)
        {
          AfConnection *c = g_ptr_array_index (connections, i);

          if (g_strcmp0 (c->service, *s) == 0 && g_strcmp0 (c->status, AF_CONNECTION_REVOKING) != 0)
            found = c;
        }

      if (found == NULL)
        af_window_set_service_state (self, *s, AF_INTEGRATION_DISCONNECTED, NULL, NULL);
      else
        {
          g_autofree char *used_by = dup_agents_using (self, *s);
          /* Translators: a person's name, then their account */
          g_autofree char *who = found->display_name && g_strcmp0 (found->display_name, found->account) != 0
                                     ? g_strdup_printf (_ ("%s (%s)"), found->display_name, found->account)
                                     : g_strdup (found->account);

          af_window_set_service_state (self, *s,
                                       g_strcmp0 (found->status, AF_CONNECTION_NEEDS_RECONNECT) == 0
                                           ? AF_INTEGRATION_NEEDS_RECONNECT
                                           : AF_INTEGRATION_CONNECTED,
                                       who, used_by);
        }
    }
  update_editors (self);
}

static void
on_connect_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GCancellable) attempt = user_data;
  g_autoptr (AfWindow) self = g_object_steal_data (G_OBJECT (attempt), "window");
  g_autofree char *service = g_strdup (g_object_get_data (G_OBJECT (attempt), "service"));
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) missing = NULL;
  AfConnection    *connection;
  g_autofree char *title = NULL;
  g_autofree char *warning = NULL;

  connection = af_account_manager_connect_finish (AF_ACCOUNT_MANAGER (source), result, &missing, &error);
  warning = af_account_manager_connect_dup_warning (AF_ACCOUNT_MANAGER (source), result);
  /* Only forget the attempt this result belongs to. */
  if (g_hash_table_lookup (self->connecting, service) == (gpointer)attempt)
    g_hash_table_remove (self->connecting, service);

  if (connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *what = g_strdup_printf (_ ("Could not connect %s"),
                                                   af_integrations_page_get_service_title (service));

          af_window_show_error_toast (self, what, error);
        }
      af_window_refresh_connections (self);
      return;
    }

  if (warning != NULL)
    {
      /* Connected for now, but it will not last: say so while the person
       * is still looking, not at the first expiry. */
      g_autofree char *heading = g_strdup_printf (_ ("%s Connected for a Limited Time"),
                                                  af_integrations_page_get_service_title (connection->service));
      GtkWidget       *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, warning);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  if (missing != NULL && missing[0] != NULL)
    title = g_strdup_printf (_ ("%s connected, but some permissions were not granted: agents that need them will ask you to reconnect"),
                             af_integrations_page_get_service_title (connection->service));
  else
    title = g_strdup_printf (_ ("%s connected as %s"), af_integrations_page_get_service_title (connection->service),
                             connection->account);
  adw_toast_overlay_add_toast (self->toast_overlay, af_window_text_toast (title));
  af_connection_free (connection);
  af_window_refresh_connections (self);
}

/* The accounts flow for @service, from Integrations or from an editor:
 * one at a time per service, shown as waiting in both. */
void
af_window_start_connect (AfWindow   *self,
                         const char *service)
{
  g_autofree char *title = NULL;
  GCancellable    *cancellable;

  if (g_hash_table_contains (self->connecting, service))
    return;

  if (self->accounts == NULL)
    {
      /* Without the accounts service (a window made without one), say
       * so rather than wait forever. */
      af_window_set_service_state (self, service, AF_INTEGRATION_DISCONNECTED, NULL, NULL);
      update_editors (self);
      title = g_strdup_printf (_ ("%s could not be connected: accounts are not available in this window"),
                               af_integrations_page_get_service_title (service));
      adw_toast_overlay_add_toast (self->toast_overlay, af_window_text_toast (title));
      return;
    }

  /* The cancellable also carries the attempt's window and service to the
   * callback. */
  cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (cancellable), "window", g_object_ref (self));
  g_object_set_data_full (G_OBJECT (cancellable), "service", g_strdup (service), g_free);
  g_hash_table_replace (self->connecting, g_strdup (service), g_object_ref (cancellable));
  af_window_set_service_state (self, service, AF_INTEGRATION_WAITING, NULL, NULL);
  update_editors (self);
  af_account_manager_connect_async (self->accounts, service, cancellable, on_connect_done_cb, cancellable);
}

static void
on_integration_connect_cb (AfIntegrationsPage *page,
                           const char         *service,
                           AfWindow           *self)
{
  af_window_start_connect (self, service);
}

void
af_window_cancel_connect (AfWindow   *self,
                          const char *service)
{
  GCancellable *cancellable = g_hash_table_lookup (self->connecting, service);

  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
}

static void
on_integration_cancel_cb (AfIntegrationsPage *page,
                          const char         *service,
                          AfWindow           *self)
{
  af_window_cancel_connect (self, service);
}

static void
on_security_page_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              gpointer          user_data)
{
  const char *url = g_object_get_data (G_OBJECT (dialog), "manage-url");

  if (g_strcmp0 (response, "open") == 0 && url != NULL)
    {
      g_autoptr (GdkAppLaunchContext) context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (dialog)));

      g_app_info_launch_default_for_uri_async (url, G_APP_LAUNCH_CONTEXT (context), NULL, NULL, NULL);
    }
}

/* The provider has no way to revoke: the sign-in stays valid there, and
 * only the person can end it. Too much to say in a toast. */
static void
show_not_revoked (AfWindow   *self,
                  const char *service,
                  const char *manage_url)
{
  g_autofree char *heading = g_strdup_printf (_ ("%s Disconnected, Access Not Revoked"),
                                              af_integrations_page_get_service_title (service));
  GtkWidget       *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _ ("AgentFlow forgot this account and removed its keyring item, but the provider offers no way "
                                  "to revoke AgentFlow’s access: the sign-in stays valid there until it expires. To end it now, "
                                  "remove AgentFlow from the apps connected to your account on the account’s security page."));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  if (manage_url != NULL)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "open", _ ("_Open Security Page"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
      g_object_set_data_full (G_OBJECT (dialog), "manage-url", g_strdup (manage_url), g_free);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect (dialog, "response", G_CALLBACK (on_security_page_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
disconnect_free (Disconnect *d)
{
  g_object_unref (d->self);
  g_free (d->service);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Disconnect, disconnect_free)

static void
on_disconnect_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (Disconnect) d = user_data;
  AfWindow *self = d->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *manage_url = NULL;
  AfRevocation     revocation = AF_REVOCATION_PENDING;

  if (!af_account_manager_disconnect_finish_full (AF_ACCOUNT_MANAGER (source), result, &revocation, &manage_url, &error))
    af_window_show_error_toast (self, _ ("Could not disconnect"), error);
  else if (revocation == AF_REVOCATION_UNSUPPORTED)
    show_not_revoked (self, d->service, manage_url);
  else
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (revocation == AF_REVOCATION_DONE
                                                    ? _ ("Disconnected and signed out")
                                                    : _ ("Disconnected; signing out will be retried when you are online")));
  af_window_refresh_connections (self);
}

static void
on_integration_disconnect_cb (AfIntegrationsPage *page,
                              const char         *service,
                              AfWindow           *self)
{
  g_autoptr (GPtrArray) connections = NULL;
  g_autofree char *title = NULL;

  if (self->accounts == NULL)
    {
      af_integrations_page_set_state (page, service, AF_INTEGRATION_DISCONNECTED, NULL, NULL);
      title = g_strdup_printf (_ ("%s disconnected"), af_integrations_page_get_service_title (service));
      adw_toast_overlay_add_toast (self->toast_overlay, af_window_text_toast (title));
      return;
    }

  connections = af_account_manager_list_connections (self->accounts, NULL);
  for (guint i = 0; connections != NULL && i < connections->len; i++)
    {
      AfConnection *c = g_ptr_array_index (connections, i);

      if (g_strcmp0 (c->service, service) == 0)
        {
          Disconnect *d = g_new0 (Disconnect, 1);

          d->self = g_object_ref (self);
          d->service = g_strdup (c->service);
          af_account_manager_disconnect_async (self->accounts, c->service, c->account, NULL,
                                               on_disconnect_done_cb, d);
        }
    }
}

static void
af_window_connect_service (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  gtk_widget_activate_action (widget, "win.show-view", "s", "integrations");
  af_window_start_connect (self, g_variant_get_string (parameter, NULL));
}

void
af_window_accounts_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.connect-service", "s", af_window_connect_service);
}

void
af_window_accounts_watch_page (AfWindow *self)
{
  g_signal_connect_object (self->integrations_page, "connect", G_CALLBACK (on_integration_connect_cb), self, 0);
  g_signal_connect_object (self->integrations_page, "disconnect", G_CALLBACK (on_integration_disconnect_cb), self, 0);
  g_signal_connect_object (self->integrations_page, "cancel", G_CALLBACK (on_integration_cancel_cb), self, 0);
}

/**
 * af_window_set_auth0_tenant:
 * @domain: the tenant's address (the sandbox's, with --sandbox)
 * @client_secret: (nullable): the application's secret, if it has one
 *
 * The Auth0 tenant Integrations signs in to, instead of the one named in
 * Preferences.
 */
void
af_window_set_auth0_tenant (AfWindow   *self,
                            const char *domain,
                            const char *client_id,
                            const char *client_secret)
{
  g_return_if_fail (AF_IS_WINDOW (self));

  g_free (self->auth0_domain);
  g_free (self->auth0_client_id);
  g_free (self->auth0_client_secret);
  self->auth0_domain = g_strdup (domain);
  self->auth0_client_id = g_strdup (client_id);
  self->auth0_client_secret = g_strdup (client_secret);
  if (self->integrations_page != NULL)
    af_integrations_page_set_auth0_tenant (self->integrations_page, domain, client_id, client_secret);
}
