/* af-editor-services.c — the agent editor's services: one expander a
 * service, one choice a permission (Off, Ask first, Automatic), which
 * together are the agent's connections and approval policies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "af-account-manager.h"
#include "af-agent-editor-private.h"
#include "af-connect-button.h"
#include "af-editor-actions.h"
#include "af-integrations-page.h"

/* One choice per permission. Reading asks nobody: it is off or on; the
 * others also set the approval policy of their actions
 * (af_editor_permission_actions()). */
static const struct
{
  const char *service;
  const char *permission;
  const char *title;
  gboolean    ask_by_default;
} permissions[] = {
  { "gmail", "gmail.read", N_ ("Read mail"), FALSE },
  { "gmail", "gmail.modify", N_ ("Label, star and archive mail"), FALSE },
  { "gmail", "gmail.compose", N_ ("Create drafts"), FALSE },
  { "gmail", "gmail.send", N_ ("Send mail"), TRUE },
  { "calendar", "calendar.read", N_ ("Read events"), FALSE },
  { "calendar", "calendar.write", N_ ("Create events"), TRUE },
  { "slack", "slack.read", N_ ("Read messages"), FALSE },
  { "slack", "slack.post", N_ ("Post messages"), TRUE },
};

enum
{
  LEVEL_OFF,
  LEVEL_ASK,
  LEVEL_AUTO,
};

static const char *const editor_services[] = { "gmail", "calendar", "slack" };

static guint
row_index (AdwComboRow *row)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));
}

static AdwComboRow *
permission_row (AfAgentEditor *self,
                const char    *permission)
{
  for (guint p = 0; p < self->permission_rows->len; p++)
    {
      AdwComboRow *row = g_ptr_array_index (self->permission_rows, p);

      if (g_strcmp0 (permissions[row_index (row)].permission, permission) == 0)
        return row;
    }
  return NULL;
}

static AdwExpanderRow *
service_row (AfAgentEditor *self,
             const char    *service)
{
  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow *row = g_ptr_array_index (self->service_rows, s);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "service"), service) == 0)
        return row;
    }
  return NULL;
}

static guint
get_level (AdwComboRow *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (af_editor_permission_actions (permissions[row_index (row)].permission) == NULL)
    return selected == 1 ? LEVEL_AUTO : LEVEL_OFF;
  return MIN (selected, LEVEL_AUTO);
}

static void
set_level (AdwComboRow *row,
           guint        level)
{
  if (af_editor_permission_actions (permissions[row_index (row)].permission) == NULL)
    adw_combo_row_set_selected (row, level == LEVEL_OFF ? 0 : 1);
  else
    adw_combo_row_set_selected (row, level);
}

/* A permission's level when it is allowed: the definition's approval
 * policy for its actions, else the engine's default. "Never" is the same
 * as not allowed: Off. */
static guint
allowed_level (guint              index,
               AfAgentDefinition *definition)
{
  const char *const *actions = af_editor_permission_actions (permissions[index].permission);
  AfApprovalPolicy   policy;

  if (actions == NULL)
    return LEVEL_AUTO;
  if (definition != NULL && af_agent_definition_get_approval (definition, actions[0], &policy))
    return policy == AF_APPROVAL_POLICY_NEVER ? LEVEL_OFF : policy == AF_APPROVAL_POLICY_ASK ? LEVEL_ASK
                                                                                             : LEVEL_AUTO;
  return permissions[index].ask_by_default ? LEVEL_ASK : LEVEL_AUTO;
}

static AfAgentDefinition *
template_definition (AfAgentEditor *self)
{
  AfTemplate *template = self->template;
  g_autoptr (GError) error = NULL;
  AfAgentDefinition *definition;

  if (template == NULL)
    return NULL;
  definition = af_agent_definition_new_from_json (af_template_get_definition (template), &error);
  if (definition == NULL)
    g_warning ("Template %s: %s", af_template_get_id (template), error->message);
  return definition;
}

/* Turning a service on gives it what the template uses it for (or at
 * least reading), never a service the agent cannot even read. */
static void
on_service_toggled_cb (AdwExpanderRow *row,
                       GParamSpec     *pspec,
                       AfAgentEditor  *self)
{
  const char        *service = g_object_get_data (G_OBJECT (row), "service");
  const char *const *defaults = self->template ? af_template_get_permissions (self->template) : NULL;
  gboolean           any = FALSE;

  if (!self->loading && adw_expander_row_get_enable_expansion (row))
    {
      for (guint p = 0; p < self->permission_rows->len; p++)
        {
          AdwComboRow *action = g_ptr_array_index (self->permission_rows, p);

          any |= g_str_equal (permissions[row_index (action)].service, service) && get_level (action) != LEVEL_OFF;
        }
      if (!any)
        {
          g_autoptr (AfAgentDefinition) template = template_definition (self);
          g_autofree char *prefix = g_strconcat (service, ".", NULL);
          g_autofree char *read = g_strconcat (service, ".read", NULL);

          for (guint k = 0; defaults != NULL && defaults[k] != NULL; k++)
            if (g_str_has_prefix (defaults[k], prefix))
              {
                AdwComboRow *action = permission_row (self, defaults[k]);

                if (action != NULL)
                  set_level (action, allowed_level (row_index (action), template));
                any = TRUE;
              }
          if (!any && permission_row (self, read) != NULL)
            set_level (permission_row (self, read), LEVEL_AUTO);
          else if (!any)
            {
              g_autofree char *post = g_strconcat (service, ".post", NULL);
              AdwComboRow     *row_post = permission_row (self, post);

              if (row_post != NULL)
                set_level (row_post, allowed_level (row_index (row_post), template));
            }
          adw_expander_row_set_expanded (row, TRUE);
        }
    }
  af_agent_editor_changed (self);
}

/* The accounts flow is the window's: the editor asks for it and shows
 * the waiting state until af_agent_editor_set_service_state() reports. */
static void
on_connect_cb (AfConnectButton *button,
               AfAgentEditor   *self)
{
  const char *service = af_connect_button_get_service (button);

  if (!g_signal_has_handler_pending (self, g_signal_lookup ("connect", AF_TYPE_AGENT_EDITOR), 0, FALSE))
    {
      af_connect_button_set_state (button, AF_INTEGRATION_DISCONNECTED);
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_ ("Connect the account in Integrations")));
      return;
    }
  af_agent_editor_set_service_state (self, service, AF_INTEGRATION_WAITING);
  g_signal_emit_by_name (self, "connect", service);
}

static void
on_cancel_cb (AfConnectButton *button,
              AfAgentEditor   *self)
{
  const char *service = af_connect_button_get_service (button);

  af_agent_editor_set_service_state (self, service, AF_INTEGRATION_DISCONNECTED);
  g_signal_emit_by_name (self, "cancel", service);
}

static const char *
service_state_text (AfIntegrationState state)
{
  switch (state)
    {
    case AF_INTEGRATION_WAITING:
      return _ ("Waiting for you to sign in with your browser…");
    case AF_INTEGRATION_CONNECTED:
      return _ ("Connected");
    case AF_INTEGRATION_NEEDS_RECONNECT:
      return _ ("Needs you to sign in again");
    case AF_INTEGRATION_DISCONNECTED:
    default:
      return _ ("Not connected");
    }
}

/* The account a service's connection names: the one the agent was
 * opened with, or the one chosen since. NULL: none named yet. */
static const char *
chosen_account (AdwExpanderRow *row)
{
  return g_object_get_data (G_OBJECT (row), "account");
}

static void
set_chosen_account (AdwExpanderRow *row,
                    const char     *account)
{
  g_object_set_data_full (G_OBJECT (row), "account", account && *account ? g_strdup (account) : NULL, g_free);
}

static void
on_account_selected_cb (AdwComboRow   *account_row,
                        GParamSpec    *pspec,
                        AfAgentEditor *self)
{
  AdwExpanderRow    *row = g_object_get_data (G_OBJECT (account_row), "service-row");
  const char *const *accounts = g_object_get_data (G_OBJECT (account_row), "accounts");
  guint              selected = adw_combo_row_get_selected (account_row);

  if (self->loading || g_object_get_data (G_OBJECT (account_row), "filling") != NULL || accounts == NULL ||
      selected >= g_strv_length ((char **)accounts))
    return;
  set_chosen_account (row, accounts[selected]);
  af_agent_editor_changed (self);
}

/* Lists @row's service's accounts in the Account choice: the account
 * with "(through Auth0)" when its token comes from Auth0's Token Vault,
 * the chosen one kept even when it is no longer connected, and a state
 * that says where to connect one when there is none. */
static void
fill_accounts (AfAgentEditor  *self,
               AdwExpanderRow *row,
               GPtrArray      *connections)
{
  AdwComboRow *account_row = g_object_get_data (G_OBJECT (row), "account-row");
  const char  *service = g_object_get_data (G_OBJECT (row), "service");
  const char  *chosen = chosen_account (row);
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) accounts = NULL;
  guint    selected = 0;
  gboolean has_chosen = FALSE;
  guint    n = 0;

  for (guint c = 0; connections != NULL && c < connections->len; c++)
    {
      const AfConnection *connection = g_ptr_array_index (connections, c);
      g_autofree char    *link = NULL;
      g_autofree char    *label = NULL;
      gboolean            seen = FALSE;

      if (g_strcmp0 (connection->service, service) != 0 || g_strcmp0 (connection->status, AF_CONNECTION_REVOKING) == 0 ||
          (connection->agent != NULL && *connection->agent != '\0' && g_strcmp0 (connection->agent, self->agent_id) != 0))
        continue;
      /* An agent's own connection and a shared one may name the same account. */
      for (guint k = 0; k < c && !seen; k++)
        {
          const AfConnection *other = g_ptr_array_index (connections, k);

          seen = g_strcmp0 (other->service, service) == 0 && g_strcmp0 (other->account, connection->account) == 0 &&
                 g_strcmp0 (other->status, AF_CONNECTION_REVOKING) != 0 &&
                 (other->agent == NULL || *other->agent == '\0' || g_strcmp0 (other->agent, self->agent_id) == 0);
        }
      if (seen)
        continue;
      link = af_account_manager_dup_auth0_link (self->accounts, connection);
      /* Translators: %s is an e-mail address or account name */
      label = link != NULL ? g_strdup_printf (_ ("%s (through Auth0)"), connection->account) : g_strdup (connection->account);
      if (g_strcmp0 (connection->account, chosen) == 0)
        {
          selected = n;
          has_chosen = TRUE;
        }
      gtk_string_list_append (labels, label);
      g_strv_builder_add (builder, connection->account);
      n++;
    }
  if (chosen != NULL && !has_chosen)
    {
      /* Translators: %s is an e-mail address or account name */
      g_autofree char *label = g_strdup_printf (_ ("%s (not connected)"), chosen);

      selected = n;
      gtk_string_list_append (labels, label);
      g_strv_builder_add (builder, chosen);
      n++;
    }
  if (n == 0)
    gtk_string_list_append (labels, _ ("Not connected — connect it in Integrations"));
  accounts = g_strv_builder_end (builder);

  g_object_set_data (G_OBJECT (account_row), "filling", GINT_TO_POINTER (1));
  g_object_set_data_full (G_OBJECT (account_row), "accounts", g_steal_pointer (&accounts), (GDestroyNotify)g_strfreev);
  adw_combo_row_set_model (account_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (account_row, selected);
  g_object_set_data (G_OBJECT (account_row), "filling", NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (account_row), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (account_row), self->accounts != NULL);
}

/**
 * af_editor_services_show_accounts:
 *
 * Lists each service's accounts again, from the account manager's
 * connections; what is chosen stays chosen.
 */
void
af_editor_services_show_accounts (AfAgentEditor *self)
{
  g_autoptr (GPtrArray) connections = NULL;
  g_autoptr (GError) error = NULL;

  if (self->accounts != NULL)
    {
      connections = af_account_manager_list_connections (self->accounts, &error);
      if (connections == NULL)
        g_warning ("Could not list the connected accounts: %s", error->message);
    }
  for (guint s = 0; s < self->service_rows->len; s++)
    fill_accounts (self, g_ptr_array_index (self->service_rows, s), connections);
}

void
af_editor_services_build (AfAgentEditor *self)
{
  for (guint s = 0; s < G_N_ELEMENTS (editor_services); s++)
    {
      const char *service = editor_services[s];
      GtkWidget  *row = adw_expander_row_new ();
      GtkWidget  *button;
      gboolean    connected = self->connected != NULL && g_strv_contains ((const char *const *)self->connected, service);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), af_integrations_page_get_service_title (service));
      adw_expander_row_set_show_enable_switch (ADW_EXPANDER_ROW (row), TRUE);
      adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), FALSE);
      g_signal_connect (row, "notify::enable-expansion", G_CALLBACK (on_service_toggled_cb), self);
      g_object_set_data (G_OBJECT (row), "service", (gpointer)service);

      button = af_connect_button_new (service, FALSE);
      af_connect_button_set_service_title (AF_CONNECT_BUTTON (button), af_integrations_page_get_service_title (service));
      g_signal_connect (button, "connect", G_CALLBACK (on_connect_cb), self);
      g_signal_connect (button, "cancel", G_CALLBACK (on_cancel_cb), self);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
      g_object_set_data (G_OBJECT (row), "connect-button", button);
      g_ptr_array_add (self->service_rows, row);
      af_editor_services_show_state (self, service, connected ? AF_INTEGRATION_CONNECTED : AF_INTEGRATION_DISCONNECTED);

      {
        GtkWidget *account_row = adw_combo_row_new ();

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (account_row), _ ("Account"));
        g_object_set_data (G_OBJECT (account_row), "service-row", row);
        g_object_set_data (G_OBJECT (row), "account-row", account_row);
        g_signal_connect (account_row, "notify::selected", G_CALLBACK (on_account_selected_cb), self);
        adw_expander_row_add_row (ADW_EXPANDER_ROW (row), account_row);
        fill_accounts (self, ADW_EXPANDER_ROW (row), NULL);
      }

      for (guint p = 0; p < G_N_ELEMENTS (permissions); p++)
        {
          GtkWidget *perm_row;
          g_autoptr (GtkStringList) model = NULL;

          if (!g_str_equal (permissions[p].service, service))
            continue;

          model = af_editor_permission_actions (permissions[p].permission) != NULL
                      ? gtk_string_list_new ((const char *const[]){ C_ ("action", "Off"), _ ("Ask first"), _ ("Automatic"), NULL })
                      : gtk_string_list_new ((const char *const[]){ C_ ("action", "Off"), _ ("Automatic"), NULL });
          perm_row = adw_combo_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (perm_row), _ (permissions[p].title));
          adw_combo_row_set_model (ADW_COMBO_ROW (perm_row), G_LIST_MODEL (model));
          g_object_set_data (G_OBJECT (perm_row), "index", GUINT_TO_POINTER (p));
          g_signal_connect_swapped (perm_row, "notify::selected", G_CALLBACK (af_agent_editor_changed), self);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), perm_row);
          g_ptr_array_add (self->permission_rows, perm_row);
        }

      adw_preferences_group_add (self->services_group, row);
    }
}

/* @permission ("gmail.compose"…) allowed: its row on, its service on. */
static void
allow (AfAgentEditor *self,
       const char    *permission)
{
  AdwComboRow    *row = permission_row (self, permission);
  AdwExpanderRow *service;

  if (row == NULL)
    return;
  set_level (row, LEVEL_AUTO);
  service = service_row (self, permissions[row_index (row)].service);
  if (service != NULL)
    adw_expander_row_set_enable_expansion (service, TRUE);
}

/* Fills the services from @definition's connections (or, for a new
 * agent, the template's @template_permissions) and approvals. */
void
af_editor_services_load (AfAgentEditor     *self,
                         AfAgentDefinition *definition,
                         const char *const *template_permissions)
{
  GPtrArray *connections = af_agent_definition_get_connections (definition);

  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow    *row = g_ptr_array_index (self->service_rows, s);
      AfAgentConnection *connection = af_agent_definition_lookup_connection (definition, g_object_get_data (G_OBJECT (row), "service"));

      adw_expander_row_set_enable_expansion (row, FALSE);
      set_chosen_account (row, connection ? connection->account : NULL);
    }
  af_editor_services_show_accounts (self);
  for (guint p = 0; p < self->permission_rows->len; p++)
    set_level (g_ptr_array_index (self->permission_rows, p), LEVEL_OFF);

  for (guint k = 0; template_permissions != NULL && template_permissions[k] != NULL; k++)
    allow (self, template_permissions[k]);
  for (guint c = 0; c < connections->len; c++)
    {
      AfAgentConnection *connection = g_ptr_array_index (connections, c);
      AdwExpanderRow    *row = service_row (self, connection->service);

      if (row != NULL)
        adw_expander_row_set_enable_expansion (row, TRUE);
      for (guint k = 0; connection->permissions[k] != NULL; k++)
        allow (self, connection->permissions[k]);
    }
  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow *row = g_ptr_array_index (self->service_rows, s);

      adw_expander_row_set_expanded (row, adw_expander_row_get_enable_expansion (row));
    }

  /* An allowed action asks first or not as the approvals say; unset,
   * as the engine does: ask before what leaves the account. */
  for (guint p = 0; p < self->permission_rows->len; p++)
    {
      AdwComboRow *row = g_ptr_array_index (self->permission_rows, p);

      if (get_level (row) != LEVEL_OFF)
        set_level (row, allowed_level (row_index (row), definition));
    }
}

/* The account @row's service uses: the one chosen in its Account row,
 * else the one the agent had (none: the window fills it in). */
static const char *
saved_account (AdwExpanderRow    *row,
               AfAgentConnection *before)
{
  AdwComboRow       *account_row = g_object_get_data (G_OBJECT (row), "account-row");
  const char *const *accounts = g_object_get_data (G_OBJECT (account_row), "accounts");
  guint              selected = adw_combo_row_get_selected (account_row);

  if (gtk_widget_get_visible (GTK_WIDGET (account_row)) && accounts != NULL && selected < g_strv_length ((char **)accounts))
    return accounts[selected];
  return before ? before->account : NULL;
}

/* The services turned on become the connections, on the account chosen
 * for each, each choice a permission and an approval policy. */
void
af_editor_services_save (AfAgentEditor     *self,
                         AfAgentDefinition *definition)
{
  g_autoptr (GPtrArray) connections = g_ptr_array_new_with_free_func ((GDestroyNotify)af_agent_connection_free);

  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow    *row = g_ptr_array_index (self->service_rows, s);
      const char        *service = g_object_get_data (G_OBJECT (row), "service");
      AfAgentConnection *before = af_agent_definition_lookup_connection (definition, service);
      g_autoptr (GStrvBuilder) granted = g_strv_builder_new ();
      g_auto (GStrv) strv = NULL;

      if (!adw_expander_row_get_enable_expansion (row))
        continue;
      for (guint p = 0; p < self->permission_rows->len; p++)
        {
          AdwComboRow *action = g_ptr_array_index (self->permission_rows, p);
          guint        index = row_index (action);

          if (g_str_equal (permissions[index].service, service) && get_level (action) != LEVEL_OFF)
            g_strv_builder_add (granted, permissions[index].permission);
        }
      strv = g_strv_builder_end (granted);
      g_ptr_array_add (connections, af_agent_connection_new (service, saved_account (row, before), (const char *const *)strv));
    }
  af_agent_definition_set_connections (definition, connections);

  for (guint p = 0; p < self->permission_rows->len; p++)
    {
      AdwComboRow       *row = g_ptr_array_index (self->permission_rows, p);
      const char *const *actions = af_editor_permission_actions (permissions[row_index (row)].permission);

      for (guint a = 0; actions != NULL && actions[a] != NULL; a++)
        af_agent_definition_set_approval (definition, actions[a],
                                          get_level (row) == LEVEL_ASK ? AF_APPROVAL_POLICY_ASK : AF_APPROVAL_POLICY_AUTO);
    }
}

gboolean
af_editor_services_any_on (AfAgentEditor *self)
{
  for (guint s = 0; s < self->service_rows->len; s++)
    if (adw_expander_row_get_enable_expansion (g_ptr_array_index (self->service_rows, s)))
      return TRUE;
  return FALSE;
}

gboolean
af_editor_services_any_ask (AfAgentEditor *self)
{
  for (guint p = 0; p < self->permission_rows->len; p++)
    if (get_level (g_ptr_array_index (self->permission_rows, p)) == LEVEL_ASK)
      return TRUE;
  return FALSE;
}

/**
 * af_editor_services_missing_for:
 * @action: a rule's action ("label", "post"…)
 *
 * Returns: (nullable): what to turn on for a rule to @action, in words,
 *   or %NULL when the agent may
 */
char *
af_editor_services_missing_for (AfAgentEditor *self,
                                const char    *action)
{
  const char     *permission = af_action_get_permission (action);
  AdwComboRow    *row = permission_row (self, permission);
  AdwExpanderRow *service;
  guint           index;

  if (row == NULL)
    return NULL;
  index = row_index (row);
  service = service_row (self, permissions[index].service);
  if (service != NULL && adw_expander_row_get_enable_expansion (service) && get_level (row) != LEVEL_OFF)
    return NULL;
  /* Translators: the first %s is an action ("Send mail"), the second a service ("Gmail") */
  return g_strdup_printf (_ ("A rule needs “%s” under %s: set it to Ask first or Automatic, or change the rule."),
                          _ (permissions[index].title), af_integrations_page_get_service_title (permissions[index].service));
}

void
af_editor_services_show_state (AfAgentEditor     *self,
                               const char        *service,
                               AfIntegrationState state)
{
  AdwExpanderRow *row = service_row (self, service);

  if (row == NULL)
    return;
  adw_expander_row_set_subtitle (row, service_state_text (state));
  af_connect_button_set_state (g_object_get_data (G_OBJECT (row), "connect-button"), state);
}

AfIntegrationState
af_editor_services_get_state (AfAgentEditor *self,
                              const char    *service)
{
  AdwExpanderRow *row = service_row (self, service);

  return row ? af_connect_button_get_state (g_object_get_data (G_OBJECT (row), "connect-button")) : AF_INTEGRATION_DISCONNECTED;
}
