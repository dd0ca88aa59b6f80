/* af-auth0-group.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-auth0-group"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-auth0-group.h"
#include "af-auth0-scopes.h"
#include "af-error.h"
#include "af-token-exchange-source.h"

/* Auth0 Token Vault in Integrations: sign in to the Auth0 tenant named in
 * Preferences, connect Gmail, Calendar and Slack through it (Connected
 * Accounts), see what Auth0 reports as linked and with which scopes,
 * disconnect, sign out. Everything runs in AfAccountManager; this group
 * only shows its state and what the person can do about it. */

#define N_SERVICES 3

typedef struct
{
  AfAuth0Group *self;
  const char   *service;
  AdwActionRow *row;
  GtkSpinner   *spinner;
  GtkWidget    *connect_button;
  GtkWidget    *cancel_button;
  GtkWidget    *disconnect_button;
  GCancellable *cancellable; /* while linking */
  char         *error;       /* of the last attempt */
} ServiceRow;

struct _AfAuth0Group
{
  AdwPreferencesGroup parent_instance;

  AfAccountManager *accounts;
  GSettings        *settings;
  char             *tenant_domain; /* instead of Preferences' (the sandbox's) */
  char             *tenant_client_id;
  char             *tenant_secret;
  GCancellable     *cancellable;         /* dispose cancels what is left */
  GCancellable     *sign_in_cancellable; /* while the browser sign-in runs */
  GCancellable     *list_cancellable;

  AfConnection *auth0;       /* the sign-in, or NULL */
  GPtrArray    *connections; /* AfConnection: the rows linked through Auth0 */
  JsonArray    *linked;      /* what Auth0 reports; NULL until known */
  char         *list_error;
  gboolean      list_needs_sign_in;
  char         *sign_in_error;
  gboolean      busy; /* signing in or out */

  AdwActionRow *sign_in_row;
  GtkSpinner   *sign_in_spinner;
  GtkWidget    *sign_in_button;
  GtkWidget    *cancel_button;
  GtkWidget    *sign_out_button;
  ServiceRow    services[N_SERVICES];
  GPtrArray    *other_rows; /* accounts linked at Auth0 that no row uses */
};

G_DEFINE_FINAL_TYPE (AfAuth0Group, af_auth0_group, ADW_TYPE_PREFERENCES_GROUP)

static const struct
{
  const char *service;
  const char *icon_name;
  const char *title;
  const char *connection;
} service_info[N_SERVICES] = {
  { "gmail", "mail-unread-symbolic", N_ ("Gmail"), "google-oauth2" },
  { "calendar", "x-office-calendar-symbolic", N_ ("Google Calendar"), "google-oauth2" },
  { "slack", "chat-message-new-symbolic", N_ ("Slack"), "sign-in-with-slack" },
};

typedef void (*ConfirmedFunc) (AfAuth0Group *self,
                               const char   *arg);

static void update_rows (AfAuth0Group *self);

/* Helpers */

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  /* Row subtitles are markup; messages from a server are not. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_action_row_set_subtitle (row, escaped);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static GtkWidget *
add_button (AdwActionRow *row,
            const char   *label,
            const char   *style_class)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (style_class != NULL)
    gtk_widget_add_css_class (button, style_class);
  adw_action_row_add_suffix (row, button);
  return button;
}

/* A button's name with what it acts on, so that a screen reader tells the
 * three "Connect through Auth0" buttons apart. */
static void
name_button (GtkWidget  *button,
             const char *format,
             const char *what)
{
  g_autofree char *name = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  name = g_strdup_printf (format, what);
#pragma GCC diagnostic pop
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static GtkSpinner *
add_spinner (AdwActionRow *row)
{
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (spinner, FALSE);
  adw_action_row_add_suffix (row, spinner);
  return GTK_SPINNER (spinner);
}

static void
show_spinner (GtkSpinner *spinner,
              gboolean    shown)
{
  gtk_widget_set_visible (GTK_WIDGET (spinner), shown);
  gtk_spinner_set_spinning (spinner, shown);
}

static const char *
connection_title (const char *connection)
{
  if (g_strcmp0 (connection, "google-oauth2") == 0)
    return _ ("Google");
  if (g_strcmp0 (connection, "sign-in-with-slack") == 0)
    return _ ("Slack");
  return connection;
}

/* The scopes of a connected account as Auth0 reports it, in words. */
static char *
linked_scopes_words (JsonObject *account)
{
  JsonNode  *node = json_object_get_member (account, "scopes");
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  g_autoptr (GPtrArray) scopes = g_ptr_array_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (JSON_NODE_HOLDS_VALUE (json_array_get_element (array, i)))
      g_ptr_array_add (scopes, (gpointer)json_array_get_string_element (array, i));
  g_ptr_array_add (scopes, NULL);
  return af_auth0_scopes_to_words ((const char *const *)scopes->pdata);
}

static JsonObject *
find_linked (AfAuth0Group *self,
             const char   *id)
{
  for (guint i = 0; self->linked != NULL && id != NULL && i < json_array_get_length (self->linked); i++)
    {
      JsonNode *node = json_array_get_element (self->linked, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node), "id", NULL), id) == 0)
        return json_node_get_object (node);
    }
  return NULL;
}

static AfConnection *
find_connection (AfAuth0Group *self,
                 const char   *service)
{
  for (guint i = 0; self->connections != NULL && i < self->connections->len; i++)
    {
      AfConnection *c = self->connections->pdata[i];

      if (g_str_equal (c->service, service))
        return c;
    }
  return NULL;
}

static gboolean
is_configured (AfAuth0Group *self)
{
  g_autofree char *domain = NULL;
  g_autofree char *client_id = NULL;

  if (self->tenant_domain != NULL)
    return TRUE;
  if (self->settings == NULL)
    return FALSE;
  domain = g_strstrip (g_settings_get_string (self->settings, "auth0-domain"));
  client_id = g_strstrip (g_settings_get_string (self->settings, "auth0-client-id"));
  return domain[0] != '\0' && client_id[0] != '\0';
}

static void
on_confirm_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        AfAuth0Group     *self)
{
  ConfirmedFunc func = g_object_get_data (G_OBJECT (dialog), "af-func");

  if (g_str_equal (response, "confirm"))
    func (self, g_object_get_data (G_OBJECT (dialog), "af-arg"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Asks before something that cannot be undone from here. */
static void
confirm (AfAuth0Group *self,
         const char   *heading,
         const char   *body,
         const char   *label,
         ConfirmedFunc func,
         const char   *arg)
{
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "confirm", label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "af-func", (gpointer)func);
  g_object_set_data_full (G_OBJECT (dialog), "af-arg", g_strdup (arg), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Listing what Auth0 reports */

static void
on_listed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AfAuth0Group) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) linked = af_account_manager_list_auth0_finish (AF_ACCOUNT_MANAGER (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->linked, json_array_unref);
  g_clear_pointer (&self->list_error, g_free);
  self->list_needs_sign_in = FALSE;
  if (linked == NULL)
    {
      self->list_error = g_strdup (error->message);
      self->list_needs_sign_in = g_error_matches (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
    }
  else
    self->linked = g_steal_pointer (&linked);
  update_rows (self);
}

/* Sign-in */

static void
on_signed_in_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (AfAuth0Group) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) connection = af_account_manager_connect_auth0_finish (AF_ACCOUNT_MANAGER (object), result, &error);

  self->busy = FALSE;
  g_clear_object (&self->sign_in_cancellable);
  if (connection == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->sign_in_error = g_strdup (error->message);
  if (connection != NULL)
    {
      /* What failed before the sign-in may work now: asked again. */
      g_clear_pointer (&self->list_error, g_free);
      self->list_needs_sign_in = FALSE;
    }
  af_auth0_group_refresh (self);
}

static void
on_sign_in_clicked_cb (AfAuth0Group *self)
{
  g_autofree char *domain = NULL;
  g_autofree char *client_id = NULL;

  if (self->accounts == NULL || self->busy || !is_configured (self))
    return;
  if (self->tenant_domain != NULL)
    {
      domain = g_strdup (self->tenant_domain);
      client_id = g_strdup (self->tenant_client_id);
    }
  else
    {
      domain = g_strstrip (g_settings_get_string (self->settings, "auth0-domain"));
      client_id = g_strstrip (g_settings_get_string (self->settings, "auth0-client-id"));
    }

  self->busy = TRUE;
  g_clear_pointer (&self->sign_in_error, g_free);
  self->sign_in_cancellable = g_cancellable_new ();
  /* Without a secret here, the one saved in Preferences (the keyring). */
  af_account_manager_connect_auth0_async (self->accounts, domain, client_id, self->tenant_secret, self->sign_in_cancellable,
                                          on_signed_in_cb, g_object_ref (self));
  update_rows (self);
}

static void
on_cancel_clicked_cb (AfAuth0Group *self)
{
  g_cancellable_cancel (self->sign_in_cancellable);
}

static void
on_signed_out_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (AfAuth0Group) self = user_data;
  g_autoptr (GError) error = NULL;
  AfRevocation revocation = AF_REVOCATION_DONE;

  self->busy = FALSE;
  if (!af_account_manager_disconnect_finish_full (AF_ACCOUNT_MANAGER (object), result, &revocation, NULL, &error))
    self->sign_in_error = g_strdup (error->message);
  else if (revocation == AF_REVOCATION_PENDING)
    self->sign_in_error = g_strdup (_ ("Signed out. Auth0 could not be reached to revoke AgentFlow’s access; AgentFlow tries again later."));
  af_auth0_group_refresh (self);
}

static void
sign_out (AfAuth0Group *self,
          const char   *account)
{
  if (self->accounts == NULL || self->busy)
    return;
  self->busy = TRUE;
  g_clear_pointer (&self->sign_in_error, g_free);
  af_account_manager_disconnect_async (self->accounts, AF_AUTH0_SERVICE, account, self->cancellable, on_signed_out_cb,
                                       g_object_ref (self));
  update_rows (self);
}

static void
on_sign_out_clicked_cb (AfAuth0Group *self)
{
  if (self->auth0 == NULL)
    return;
  confirm (self, _ ("Sign Out of Auth0?"),
           _ ("AgentFlow revokes its Auth0 sign-in and removes it from your keyring. Agents that use accounts "
              "connected through Auth0 stop until you sign in again."),
           _ ("_Sign Out"), sign_out, self->auth0->account);
}

/* Connected accounts */

static void
on_linked_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ServiceRow *s = user_data;
  g_autoptr (AfAuth0Group) self = s->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) connection = af_account_manager_link_auth0_finish (AF_ACCOUNT_MANAGER (object), result, &error);

  g_clear_object (&s->cancellable);
  if (connection == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    s->error = g_strdup (error->message);
  af_auth0_group_refresh (self);
}

static void
on_connect_clicked_cb (GtkButton  *button,
                       ServiceRow *s)
{
  AfAuth0Group *self = s->self;

  if (self->accounts == NULL || s->cancellable != NULL)
    return;
  g_clear_pointer (&s->error, g_free);
  s->cancellable = g_cancellable_new ();
  g_object_ref (self);
  af_account_manager_link_auth0_async (self->accounts, s->service, s->cancellable, on_linked_cb, s);
  update_rows (self);
}

static void
on_service_cancel_clicked_cb (GtkButton  *button,
                              ServiceRow *s)
{
  g_cancellable_cancel (s->cancellable);
}

static void
on_disconnected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ServiceRow *s = user_data;
  g_autoptr (AfAuth0Group) self = s->self;
  g_autoptr (GError) error = NULL;

  if (!af_account_manager_disconnect_finish (AF_ACCOUNT_MANAGER (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    s->error = g_strdup (error->message);
  af_auth0_group_refresh (self);
}

static void
disconnect_service (AfAuth0Group *self,
                    const char   *service)
{
  for (guint i = 0; i < N_SERVICES; i++)
    {
      ServiceRow   *s = &self->services[i];
      AfConnection *c;

      if (!g_str_equal (s->service, service) || (c = find_connection (self, service)) == NULL)
        continue;
      g_clear_pointer (&s->error, g_free);
      g_object_ref (self);
      af_account_manager_disconnect_async (self->accounts, c->service, c->account, self->cancellable, on_disconnected_cb, s);
    }
}

static void
on_disconnect_clicked_cb (GtkButton  *button,
                          ServiceRow *s)
{
  const char      *title = af_auth0_group_get_service_title (s->service);
  g_autofree char *heading = g_strdup_printf (_ ("Disconnect %s?"), title);
  g_autofree char *body = g_strdup_printf (_ ("Agents that use %s stop until you connect it again. AgentFlow "
                                              "removes the account from Auth0’s connected accounts, unless "
                                              "another service here still uses it."),
                                           title);

  confirm (s->self, heading, body, _ ("_Disconnect"), disconnect_service, s->service);
}

static void
on_unlinked_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AfAuth0Group) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!af_account_manager_unlink_auth0_finish (AF_ACCOUNT_MANAGER (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (self->list_error);
      self->list_error = g_strdup (error->message);
      update_rows (self);
      return;
    }
  af_auth0_group_refresh (self);
}

static void
unlink_account (AfAuth0Group *self,
                const char   *id)
{
  if (self->accounts != NULL)
    af_account_manager_unlink_auth0_async (self->accounts, id, self->cancellable, on_unlinked_cb, g_object_ref (self));
}

static void
on_remove_clicked_cb (GtkButton    *button,
                      AfAuth0Group *self)
{
  confirm (self, _ ("Remove This Account from Auth0?"),
           _ ("Auth0 forgets the connected account and its tokens. Connect it again to use it."),
           _ ("_Remove"), unlink_account, g_object_get_data (G_OBJECT (button), "af-id"));
}

/* Showing the state */

/* Auth0 refused the sign-in (expired, revoked): nothing works until the
 * person signs in again. */
static gboolean
needs_sign_in (AfAuth0Group *self)
{
  return self->auth0 != NULL &&
         (self->list_needs_sign_in || g_str_equal (self->auth0->status, AF_CONNECTION_NEEDS_RECONNECT));
}

static void
update_sign_in_row (AfAuth0Group *self)
{
  gboolean         configured = is_configured (self);
  gboolean         again = needs_sign_in (self);
  g_autofree char *subtitle = NULL;

  if (self->busy && self->sign_in_cancellable != NULL)
    subtitle = g_strdup (_ ("Waiting for you to sign in to Auth0 in your browser…"));
  else if (self->busy)
    subtitle = g_strdup (_ ("Signing out…"));
  else if (self->auth0 != NULL)
    {
      const char *name = self->auth0->display_name;
      /* Translators: a person's name, then their e-mail address */
      g_autofree char *who = name && name[0] && g_strcmp0 (name, self->auth0->account) != 0
                                 ? g_strdup_printf (_ ("%s · %s"), name, self->auth0->account)
                                 : g_strdup (self->auth0->account);
      const char      *problem = self->sign_in_error ? self->sign_in_error
                                 : self->list_error  ? self->list_error
                                 : again             ? self->auth0->status_reason
                                                     : NULL;

      subtitle = problem ? g_strdup_printf ("%s\n%s", who, problem) : g_steal_pointer (&who);
    }
  else if (self->sign_in_error != NULL)
    subtitle = g_strdup (self->sign_in_error);
  else if (!configured)
    subtitle = g_strdup (_ ("Enter your Auth0 domain and client ID in Preferences → Accounts, then sign in here."));
  else
    subtitle = g_strdup (_ ("Not signed in"));
  set_subtitle (self->sign_in_row, subtitle);

  show_spinner (self->sign_in_spinner, self->busy);
  gtk_widget_set_visible (self->cancel_button, self->busy && self->sign_in_cancellable != NULL);
  gtk_widget_set_visible (self->sign_in_button, !self->busy && (self->auth0 == NULL || again));
  gtk_widget_set_sensitive (self->sign_in_button, configured && self->accounts != NULL);
  gtk_button_set_label (GTK_BUTTON (self->sign_in_button),
                        self->auth0 != NULL ? _ ("Sign in to Auth0 Again") : _ ("Sign in with Auth0"));
  if (again)
    gtk_widget_add_css_class (self->sign_in_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->sign_in_button, "suggested-action");
  gtk_widget_set_visible (self->sign_out_button, !self->busy && self->auth0 != NULL);
}

static void
update_service_row (AfAuth0Group *self,
                    ServiceRow   *s)
{
  AfConnection    *c = find_connection (self, s->service);
  g_autofree char *id = c && self->accounts ? af_account_manager_dup_auth0_link (self->accounts, c) : NULL;
  JsonObject      *linked = find_linked (self, id);
  gboolean         signed_in = self->auth0 != NULL && !self->busy;
  gboolean         linking = s->cancellable != NULL;
  g_autofree char *subtitle = NULL;

  if (linking)
    subtitle = g_strdup_printf (_ ("Waiting for you to connect %s at Auth0 in your browser…"),
                                connection_title (service_info[s - self->services].connection));
  else if (s->error != NULL)
    subtitle = g_strdup (s->error);
  else if (c != NULL && g_str_equal (c->status, AF_CONNECTION_NEEDS_RECONNECT) && c->status_reason != NULL)
    subtitle = g_strdup (c->status_reason);
  else if (c != NULL && self->linked != NULL && linked == NULL)
    subtitle = g_strdup (_ ("No longer linked at Auth0. Connect it again."));
  else if (c != NULL)
    {
      g_autofree char *words = NULL;

      if (linked != NULL)
        words = linked_scopes_words (linked);
      else
        {
          g_auto (GStrv) scopes = g_strsplit (c->scopes ? c->scopes : "", " ", -1);

          words = af_auth0_scopes_to_words ((const char *const *)scopes);
        }
      /* Translators: an account, then what it lets AgentFlow do */
      subtitle = words[0] ? g_strdup_printf (_ ("Connected through Auth0 as %s · Can %s"), c->account, words)
                          : g_strdup_printf (_ ("Connected through Auth0 as %s"), c->account);
    }
  else if (self->auth0 == NULL)
    subtitle = g_strdup (_ ("Sign in with Auth0 first"));
  else
    subtitle = g_strdup (_ ("Not connected through Auth0"));
  set_subtitle (s->row, subtitle);

  show_spinner (s->spinner, linking);
  gtk_widget_set_visible (s->cancel_button, linking);
  gtk_widget_set_visible (s->connect_button, !linking && (c == NULL || g_str_equal (c->status, AF_CONNECTION_NEEDS_RECONNECT) ||
                                                          s->error != NULL || (self->linked != NULL && linked == NULL)));
  gtk_widget_set_sensitive (s->connect_button, signed_in && !needs_sign_in (self));
  gtk_widget_set_visible (s->disconnect_button, !linking && c != NULL);
  gtk_widget_set_sensitive (s->disconnect_button, signed_in && !needs_sign_in (self));
}

/* Whether a row here uses the connected account @id. */
static gboolean
is_used (AfAuth0Group *self,
         const char   *id)
{
  for (guint j = 0; self->connections != NULL && j < self->connections->len; j++)
    {
      g_autofree char *link = af_account_manager_dup_auth0_link (self->accounts, self->connections->pdata[j]);

      if (g_strcmp0 (link, id) == 0)
        return TRUE;
    }
  return FALSE;
}

static GtkWidget *
find_other_row (AfAuth0Group *self,
                const char   *id)
{
  for (guint i = 0; i < self->other_rows->len; i++)
    if (g_strcmp0 (g_object_get_data (self->other_rows->pdata[i], "af-id"), id) == 0)
      return self->other_rows->pdata[i];
  return NULL;
}

/* Accounts Auth0 reports that no row here uses, e.g. linked from another
 * computer: listed, and removable. Rows that stay are kept (a button the
 * person is about to press does not vanish). */
static void
update_other_rows (AfAuth0Group *self)
{
  for (guint i = self->other_rows->len; i > 0; i--)
    {
      GtkWidget  *row = self->other_rows->pdata[i - 1];
      const char *id = g_object_get_data (G_OBJECT (row), "af-id");

      if (find_linked (self, id) == NULL || is_used (self, id))
        {
          adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), row);
          g_ptr_array_remove_index (self->other_rows, i - 1);
        }
    }

  for (guint i = 0; self->linked != NULL && i < json_array_get_length (self->linked); i++)
    {
      JsonNode        *node = json_array_get_element (self->linked, i);
      JsonObject      *account;
      const char      *id;
      g_autofree char *title = NULL;
      g_autofree char *words = NULL;
      GtkWidget       *row, *button;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          (id = json_object_get_string_member_with_default ((account = json_node_get_object (node)), "id", NULL)) == NULL ||
          is_used (self, id))
        continue;

      /* Translators: a service such as Google, linked at Auth0 */
      title = g_strdup_printf (_ ("%s, linked at Auth0"),
                               connection_title (json_object_get_string_member_with_default (account, "connection", "?")));
      if ((row = find_other_row (self, id)) == NULL)
        {
          row = adw_action_row_new ();
          g_object_set_data_full (G_OBJECT (row), "af-id", g_strdup (id), g_free);
          button = add_button (ADW_ACTION_ROW (row), _ ("Remove"), NULL);
          /* Translators: %s is an account linked at Auth0, e.g. “Slack, linked at Auth0” */
          name_button (button, _ ("Remove %s"), title);
          g_object_set_data_full (G_OBJECT (button), "af-id", g_strdup (id), g_free);
          g_signal_connect_object (button, "clicked", G_CALLBACK (on_remove_clicked_cb), self, 0);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
          g_ptr_array_add (self->other_rows, row);
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      words = linked_scopes_words (account);
      set_subtitle (ADW_ACTION_ROW (row), words[0] ? words : _ ("No scopes"));
    }
}

static void
update_rows (AfAuth0Group *self)
{
  /* An answer that arrives after the group is gone. */
  if (self->other_rows == NULL)
    return;
  update_sign_in_row (self);
  for (guint i = 0; i < N_SERVICES; i++)
    update_service_row (self, &self->services[i]);
  update_other_rows (self);
}

static void
on_connection_changed_cb (AfAuth0Group *self)
{
  af_auth0_group_refresh (self);
}

static void
on_settings_changed_cb (AfAuth0Group *self)
{
  update_rows (self);
}

/* Overrides */

static void
af_auth0_group_dispose (GObject *object)
{
  AfAuth0Group *self = (AfAuth0Group *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->sign_in_cancellable);
  g_cancellable_cancel (self->list_cancellable);
  for (guint i = 0; i < N_SERVICES; i++)
    {
      g_cancellable_cancel (self->services[i].cancellable);
      g_clear_pointer (&self->services[i].error, g_free);
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sign_in_cancellable);
  g_clear_object (&self->list_cancellable);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_clear_object (&self->accounts);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->auth0, af_connection_free);
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->linked, json_array_unref);
  g_clear_pointer (&self->list_error, g_free);
  g_clear_pointer (&self->sign_in_error, g_free);
  g_clear_pointer (&self->other_rows, g_ptr_array_unref);
  g_clear_pointer (&self->tenant_domain, g_free);
  g_clear_pointer (&self->tenant_client_id, g_free);
  if (self->tenant_secret != NULL)
    explicit_bzero (self->tenant_secret, strlen (self->tenant_secret));
  g_clear_pointer (&self->tenant_secret, g_free);

  G_OBJECT_CLASS (af_auth0_group_parent_class)->dispose (object);
}

/* Shown again (the person opens Integrations): what Auth0 reports may
 * have changed meanwhile, e.g. an account removed at Auth0. */
static void
af_auth0_group_map (GtkWidget *widget)
{
  AfAuth0Group *self = AF_AUTH0_GROUP (widget);

  GTK_WIDGET_CLASS (af_auth0_group_parent_class)->map (widget);
  if (self->accounts != NULL && !self->busy)
    af_auth0_group_refresh (self);
}

static void
af_auth0_group_class_init (AfAuth0GroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = af_auth0_group_dispose;
  GTK_WIDGET_CLASS (klass)->map = af_auth0_group_map;
}

static void
af_auth0_group_init (AfAuth0Group *self)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (self);

  self->cancellable = g_cancellable_new ();
  self->other_rows = g_ptr_array_new ();
  adw_preferences_group_set_title (group, _ ("Auth0 Token Vault"));
  adw_preferences_group_set_description (group, _ ("Sign in to your Auth0 tenant once and connect Google and Slack there: "
                                                   "agents get short-lived tokens from Auth0, and nothing of Google’s or "
                                                   "Slack’s is kept on this computer."));

  self->sign_in_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->sign_in_row), _ ("Auth0 Account"));
  adw_action_row_set_icon_name (self->sign_in_row, "avatar-default-symbolic");
  adw_action_row_set_subtitle_lines (self->sign_in_row, 0);
  self->sign_in_spinner = add_spinner (self->sign_in_row);
  self->sign_in_button = add_button (self->sign_in_row, _ ("Sign in with Auth0"), NULL);
  self->cancel_button = add_button (self->sign_in_row, _ ("Cancel"), NULL);
  self->sign_out_button = add_button (self->sign_in_row, _ ("Sign Out"), NULL);
  g_signal_connect_swapped (self->sign_in_button, "clicked", G_CALLBACK (on_sign_in_clicked_cb), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked_cb), self);
  g_signal_connect_swapped (self->sign_out_button, "clicked", G_CALLBACK (on_sign_out_clicked_cb), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->sign_in_row));

  for (guint i = 0; i < N_SERVICES; i++)
    {
      ServiceRow *s = &self->services[i];

      s->self = self;
      s->service = service_info[i].service;
      s->row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (s->row), _ (service_info[i].title));
      adw_action_row_set_icon_name (s->row, service_info[i].icon_name);
      adw_action_row_set_subtitle_lines (s->row, 0);
      s->spinner = add_spinner (s->row);
      s->connect_button = add_button (s->row, _ ("Connect through Auth0"), NULL);
      s->cancel_button = add_button (s->row, _ ("Cancel"), NULL);
      s->disconnect_button = add_button (s->row, _ ("Disconnect"), NULL);
      /* Translators: %s is a service, e.g. “Gmail” */
      name_button (s->connect_button, _ ("Connect %s through Auth0"), _ (service_info[i].title));
      /* Translators: %s is a service, e.g. “Gmail” */
      name_button (s->cancel_button, _ ("Cancel connecting %s"), _ (service_info[i].title));
      /* Translators: %s is a service, e.g. “Gmail” */
      name_button (s->disconnect_button, _ ("Disconnect %s from Auth0"), _ (service_info[i].title));
      g_signal_connect (s->connect_button, "clicked", G_CALLBACK (on_connect_clicked_cb), s);
      g_signal_connect (s->cancel_button, "clicked", G_CALLBACK (on_service_cancel_clicked_cb), s);
      g_signal_connect (s->disconnect_button, "clicked", G_CALLBACK (on_disconnect_clicked_cb), s);
      adw_preferences_group_add (group, GTK_WIDGET (s->row));
    }
  update_rows (self);
}

/* Public API */

GtkWidget *
af_auth0_group_new (void)
{
  return g_object_new (AF_TYPE_AUTH0_GROUP, NULL);
}

/**
 * af_auth0_group_get_service_title:
 *
 * Returns: the translated name of @service ("Gmail"), or @service
 */
const char *
af_auth0_group_get_service_title (const char *service)
{
  for (guint i = 0; service != NULL && i < N_SERVICES; i++)
    if (g_str_equal (service_info[i].service, service))
      return _ (service_info[i].title);
  return service;
}

/**
 * af_auth0_group_set_account_manager:
 * @accounts: (nullable): where the Auth0 sign-in and its accounts live
 * @settings: (nullable): where Preferences keeps the Auth0 domain and
 *   client ID
 *
 * Shows the Auth0 sign-in of @accounts and what is connected through it,
 * and keeps them up to date.
 */
void
af_auth0_group_set_account_manager (AfAuth0Group     *self,
                                    AfAccountManager *accounts,
                                    GSettings        *settings)
{
  g_return_if_fail (AF_IS_AUTH0_GROUP (self));
  g_return_if_fail (accounts == NULL || AF_IS_ACCOUNT_MANAGER (accounts));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_set_object (&self->accounts, accounts);
  if (accounts != NULL)
    g_signal_connect_object (accounts, "connection-changed", G_CALLBACK (on_connection_changed_cb), self,
                             G_CONNECT_SWAPPED);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    {
      g_signal_connect_object (settings, "changed::auth0-domain", G_CALLBACK (on_settings_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::auth0-client-id", G_CALLBACK (on_settings_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  af_auth0_group_refresh (self);
}

/**
 * af_auth0_group_set_tenant:
 * @domain: (nullable): the Auth0 tenant, or %NULL for the one entered in
 *   Preferences
 * @client_id: (nullable): its application's client ID
 * @client_secret: (nullable): the application's secret, kept in memory
 *   only; %NULL uses the one the keyring has for @client_id
 *
 * Signs in to another tenant than Preferences names, such as the
 * sandbox's own.
 */
void
af_auth0_group_set_tenant (AfAuth0Group *self,
                           const char   *domain,
                           const char   *client_id,
                           const char   *client_secret)
{
  g_return_if_fail (AF_IS_AUTH0_GROUP (self));
  g_return_if_fail (domain == NULL || client_id != NULL);

  g_free (self->tenant_domain);
  g_free (self->tenant_client_id);
  if (self->tenant_secret != NULL)
    explicit_bzero (self->tenant_secret, strlen (self->tenant_secret));
  g_free (self->tenant_secret);
  self->tenant_domain = g_strdup (domain);
  self->tenant_client_id = domain ? g_strdup (client_id) : NULL;
  self->tenant_secret = domain ? g_strdup (client_secret) : NULL;
  update_rows (self);
}

/**
 * af_auth0_group_refresh:
 *
 * Reads the connections again and asks Auth0 what is linked.
 */
void
af_auth0_group_refresh (AfAuth0Group *self)
{
  g_autoptr (GPtrArray) list = NULL;

  g_return_if_fail (AF_IS_AUTH0_GROUP (self));

  if (self->other_rows == NULL)
    return;
  g_clear_pointer (&self->auth0, af_connection_free);
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify)af_connection_free);
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);

  gtk_widget_set_visible (GTK_WIDGET (self), self->accounts != NULL);
  if (self->accounts != NULL)
    list = af_account_manager_list_connections (self->accounts, NULL);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      AfConnection    *c = list->pdata[i];
      g_autofree char *link = NULL;

      if (g_str_equal (c->status, AF_CONNECTION_REVOKING))
        continue;
      if (g_str_equal (c->service, AF_AUTH0_SERVICE) && self->auth0 == NULL)
        self->auth0 = af_connection_copy (c);
      else if ((link = af_account_manager_dup_auth0_link (self->accounts, c)) != NULL)
        g_ptr_array_add (self->connections, af_connection_copy (c));
    }

  if (self->auth0 == NULL)
    {
      g_clear_pointer (&self->linked, json_array_unref);
      g_clear_pointer (&self->list_error, g_free);
      self->list_needs_sign_in = FALSE;
    }
  else if (!self->busy)
    {
      self->list_cancellable = g_cancellable_new ();
      af_account_manager_list_auth0_async (self->accounts, self->list_cancellable, on_listed_cb, g_object_ref (self));
    }
  update_rows (self);
}
