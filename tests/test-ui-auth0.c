/* test-ui-auth0.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Auth0 Token Vault from the window, against the sandbox's Auth0 tenant
 * on 127.0.0.1 and the session's gnome-keyring: the tenant entered in
 * Preferences, "Sign in with Auth0", Gmail connected through Auth0 and
 * listed with its scopes, disconnected, signed out; an expired Auth0
 * sign-in said plainly and signed in again. The browser is a stand-in
 * that follows the redirects to the loopback server, like the person's.
 */

#include "config.h"

#include "af-auth0-group.h"
#include "af-engine-setup.h"
#include "af-integrations-page.h"
#include "af-preferences-window.h"
#include "af-sandbox-auth0.h"
#include "af-template.h"
#include "af-test-auth.h"
#include "af-test-engine.h"
#include "af-test-ui.h"

typedef struct
{
  AfSandbox        *sandbox;
  AfSandboxAuth0   *tenant;
  AfDatabase       *db;
  char             *dir;
  GSettings        *settings;
  AfAccountManager *accounts;
  AfTestBrowser     browser;
  GtkWidget        *window;
  GtkWidget        *group;
} Fixture;

static void
clear_keyring (void)
{
  const char *const services[] = { "auth0", "gmail", "calendar", "slack" };

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", services[i], "account", AF_SANDBOX_ACCOUNT, NULL);
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "auth0-client", NULL);
}

/* Every keyring item of AgentFlow's schema, as one text. */
static char *
keyring_dump (void)
{
  g_autoptr (GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  GList   *items = secret_password_searchv_sync (af_vault_get_schema (), attributes,
                                                 SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                                 NULL, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr (SecretValue) value = secret_retrievable_retrieve_secret_sync (l->data, NULL, NULL);
      g_autoptr (GHashTable) attrs = secret_retrievable_get_attributes (l->data);

      g_string_append_printf (out, "%s: %s\n", (char *)g_hash_table_lookup (attrs, "service"),
                              value ? secret_value_get_text (value) : "");
    }
  g_list_free_full (items, g_object_unref);
  return g_string_free (out, FALSE);
}

static GtkWidget *
find_dialog (void)
{
  GtkWidget *found = NULL;
  GList     *list = gtk_window_list_toplevels ();

  for (GList *l = list; l != NULL && found == NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (list);
  return found;
}

static GtkWidget *
row (Fixture    *f,
     const char *title)
{
  GtkWidget *found = af_test_ui_find_widget (f->group, ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (found);
  return found;
}

static const char *
subtitle (Fixture    *f,
          const char *title)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row (f, title)));
}

/* The button @label of row @title when the person can press it. */
static GtkWidget *
usable_button (Fixture    *f,
               const char *title,
               const char *label)
{
  GtkWidget *button = af_test_ui_find_widget (row (f, title), GTK_TYPE_BUTTON, label);

  return button != NULL && gtk_widget_get_visible (button) && gtk_widget_is_sensitive (button) ? button : NULL;
}

static gboolean
subtitle_has (Fixture    *f,
              const char *title,
              const char *text)
{
  return strstr (subtitle (f, title), text) != NULL;
}

static void
press (Fixture    *f,
       const char *title,
       const char *label)
{
  g_autofree char *what = g_strdup_printf ("“%s” to be offered on the row “%s”", label, title);

  af_test_wait_until (usable_button (f, title, label) != NULL, what);
  af_test_ui_click (usable_button (f, title, label));
}

static void
confirm_dialog (const char *response)
{
  af_test_wait_until (find_dialog () != NULL, "a confirmation dialog");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (find_dialog ()), response);
  af_test_wait_until (find_dialog () == NULL, "the confirmation dialog to close");
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autofree char     *domain = NULL;
  g_autofree char     *secret = NULL;
  AfPreferencesWindow *prefs;
  GtkWidget           *page;
  GtkWidget           *secret_row;

  clear_keyring ();
  f->sandbox = af_test_sandbox_new ();
  f->tenant = af_sandbox_auth0_get (f->sandbox);
  f->db = af_test_database_new (&f->dir);
  f->settings = g_settings_new ("org.agentflow.App");
  g_settings_reset (f->settings, "auth0-domain");
  g_settings_reset (f->settings, "auth0-client-id");
  f->browser.follow = TRUE;
  f->accounts = af_test_manager_new (f->db, f->settings, f->sandbox, &f->browser);
  af_account_manager_set_timeout (f->accounts, 30);

  /* The tenant, as the person enters it in Preferences → Accounts; the
   * secret goes to the keyring. */
  domain = af_sandbox_auth0_dup_domain_url (f->tenant);
  prefs = af_preferences_window_new (f->settings);
  gtk_window_present (GTK_WINDOW (prefs));
  gtk_editable_set_text (GTK_EDITABLE (af_test_ui_wait_for_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "Auth0 Domain")),
                         domain);
  gtk_editable_set_text (GTK_EDITABLE (af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "Auth0 Client ID")),
                         AF_SANDBOX_AUTH0_CLIENT_ID);
  secret_row = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_PASSWORD_ENTRY_ROW, "Auth0 Client Secret (kept in the keyring)");
  g_assert_nonnull (secret_row);
  gtk_editable_set_text (GTK_EDITABLE (secret_row), AF_SANDBOX_AUTH0_CLIENT_SECRET);
  g_signal_emit_by_name (secret_row, "apply");
  af_test_wait_until ((secret = secret_password_lookup_sync (af_vault_get_schema (), NULL, NULL, "service", "auth0-client",
                                                             "account", AF_SANDBOX_AUTH0_CLIENT_ID, "agent", "", NULL)) != NULL,
                      "the client secret to reach the keyring");
  g_assert_nonnull (strstr (secret, AF_SANDBOX_AUTH0_CLIENT_SECRET));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (secret_row)), ==, "");
  gtk_window_destroy (GTK_WINDOW (prefs));

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 900);
  page = g_object_new (AF_TYPE_INTEGRATIONS_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (f->window), page);
  af_integrations_page_set_account_manager (AF_INTEGRATIONS_PAGE (page), f->accounts, f->settings);
  gtk_window_present (GTK_WINDOW (f->window));
  f->group = af_test_ui_find_widget (page, AF_TYPE_AUTH0_GROUP, NULL);
  g_assert_nonnull (f->group);
  g_assert_true (gtk_widget_get_visible (f->group));
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  af_test_ui_destroy_windows ();
  g_clear_object (&f->accounts);
  g_clear_object (&f->db);
  g_clear_object (&f->settings);
  g_clear_object (&f->sandbox);
  af_test_browser_clear (&f->browser);
  clear_keyring ();
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
sign_in (Fixture *f)
{
  g_assert_true (subtitle_has (f, "Auth0 Account", "Not signed in"));
  press (f, "Auth0 Account", "Sign in with Auth0");
  /* The identity from the verified ID token. */
  af_test_wait_until (g_strcmp0 (subtitle (f, "Auth0 Account"), "Alice Example · " AF_SANDBOX_ACCOUNT) == 0,
                      "the Auth0 row to show who signed in");
  g_assert_nonnull (usable_button (f, "Auth0 Account", "Sign Out"));
  g_assert_null (usable_button (f, "Auth0 Account", "Sign in with Auth0"));
}

static void
connect_gmail (Fixture *f)
{
  af_test_wait_until (subtitle_has (f, "Gmail", "Not connected through Auth0"), "Gmail to be offered");
  press (f, "Gmail", "Connect through Auth0");
  /* Listed as Auth0 reports it, with its scopes in words. */
  af_test_wait_until (subtitle_has (f, "Gmail", "Connected through Auth0 as " AF_SANDBOX_ACCOUNT " · Can "),
                      "Gmail to show as connected through Auth0");
  g_assert_true (subtitle_has (f, "Gmail", "read, label and archive mail"));
  g_assert_true (subtitle_has (f, "Gmail", "send mail"));
  g_assert_false (subtitle_has (f, "Gmail", "https://"));
  g_assert_nonnull (usable_button (f, "Gmail", "Disconnect"));
  g_assert_null (usable_button (f, "Gmail", "Connect through Auth0"));
}

/* What an agent run does for its token. */
static char *
exchange_token (Fixture    *f,
                const char *service,
                GError    **error)
{
  g_autoptr (AfTokenSource) source = af_account_manager_get_token_source (f->accounts, service, AF_SANDBOX_ACCOUNT, "", error);

  return source ? af_test_get_token (source, TRUE, error) : NULL;
}

static void
test_sign_in_connect_disconnect (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *keyring = NULL;
  g_autofree char *auth0_item = NULL;
  g_autofree char *hint = NULL;

  sign_in (f);
  auth0_item = af_test_keyring_lookup ("auth0", AF_SANDBOX_ACCOUNT);
  g_assert_nonnull (auth0_item);
  /* A first sign-in names nobody. */
  hint = af_sandbox_auth0_dup_last_login_hint (f->tenant);
  g_assert_null (hint);
  /* Calendar and Slack wait for the person too. */
  g_assert_nonnull (usable_button (f, "Google Calendar", "Connect through Auth0"));
  g_assert_nonnull (usable_button (f, "Slack", "Connect through Auth0"));

  connect_gmail (f);
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (f->tenant), ==, 1);
  af_test_ui_wait_settled (f->window, "the connected rows to be drawn");
  g_assert_cmpfloat (af_test_ui_save_and_measure (f->window, "ui-auth0-connected"), >, 0);

  /* An agent's token comes from Token Vault, and nothing of Google's
   * reaches the keyring. */
  token = exchange_token (f, "gmail", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (token, "ya29.sandbox-tv-"));
  keyring = keyring_dump ();
  g_assert_null (strstr (keyring, token));
  g_assert_null (strstr (keyring, "ya29."));
  g_assert_null (strstr (keyring, "xoxp-"));
  g_assert_null (strstr (keyring, "gmail:"));
  g_assert_nonnull (strstr (keyring, "auth0:"));

  /* Disconnect deletes the connected account at Auth0. */
  press (f, "Gmail", "Disconnect");
  confirm_dialog ("confirm");
  af_test_wait_until (subtitle_has (f, "Gmail", "Not connected through Auth0"), "Gmail to show as disconnected");
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (f->tenant), ==, 0);
  g_assert_nonnull (usable_button (f, "Gmail", "Connect through Auth0"));

  /* Signing out revokes the refresh token at Auth0. */
  press (f, "Auth0 Account", "Sign Out");
  confirm_dialog ("confirm");
  af_test_wait_until (subtitle_has (f, "Auth0 Account", "Not signed in"), "the Auth0 row to show it signed out");
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "auth0.oauth.revoke"), ==, 1);
  g_clear_pointer (&auth0_item, g_free);
  auth0_item = af_test_keyring_lookup ("auth0", AF_SANDBOX_ACCOUNT);
  g_assert_null (auth0_item);
  g_assert_nonnull (usable_button (f, "Auth0 Account", "Sign in with Auth0"));
  g_assert_null (usable_button (f, "Auth0 Account", "Sign Out"));
  g_assert_true (subtitle_has (f, "Gmail", "Sign in with Auth0 first"));
  g_assert_null (usable_button (f, "Gmail", "Connect through Auth0"));
}

/* An agent that reads Gmail through Auth0, wired to the accounts as the
 * app wires it. */
static AfAgent *
add_mail_agent (Fixture  *f,
                AfEngine *engine)
{
  g_autoptr (JsonArray) connections = json_array_new ();
  g_autoptr (JsonArray) permissions = json_array_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *gmail = json_object_new ();
  AfAgent    *agent;

  json_array_add_string_element (permissions, "gmail.read");
  json_array_add_string_element (permissions, "gmail.modify");
  json_object_set_string_member (gmail, "service", "gmail");
  json_object_set_string_member (gmail, "account", AF_SANDBOX_ACCOUNT);
  json_object_set_array_member (gmail, "permissions", g_steal_pointer (&permissions));
  json_array_add_object_element (connections, gmail);
  agent = af_template_create_agent (af_template_lookup ("email-assistant"), "Sorter", connections);
  g_assert_true (af_engine_add_agent (engine, agent, &error));
  g_assert_no_error (error);
  return agent;
}

static void
test_expired_sign_in (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfEngine) engine = af_engine_new (f->db, NULL);
  g_autoptr (AfHttpClient) http = af_http_client_new ();
  g_autoptr (AfAgent) agent = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autofree char *hint = NULL;

  g_setenv ("AGENTFLOW_GOOGLE_BASE_URL", af_sandbox_get_base_url (f->sandbox), TRUE);
  af_engine_set_network_monitor (engine, NULL);
  af_engine_setup_connect_accounts (engine, f->accounts, http);
  sign_in (f);
  connect_gmail (f);
  agent = add_mail_agent (f, engine);

  /* Auth0 lets the refresh token expire; the agent's next run finds out,
   * and the agent says what to do. */
  af_sandbox_auth0_expire_refresh_tokens (f->tenant);
  result = af_test_run_agent (engine, agent, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_NEEDS_ATTENTION);
  g_assert_cmpstr (af_agent_get_state_reason (agent), ==, "Sign in to Auth0 again: your Auth0 sign-in expired or was revoked.");

  /* Integrations says so, and offers the way out. */
  af_test_wait_until (usable_button (f, "Auth0 Account", "Sign in to Auth0 Again") != NULL, "“Sign in to Auth0 Again”");
  g_assert_true (subtitle_has (f, "Auth0 Account", AF_SANDBOX_ACCOUNT "\nSign in to Auth0 again"));
  g_assert_true (gtk_widget_has_css_class (usable_button (f, "Auth0 Account", "Sign in to Auth0 Again"), "suggested-action"));
  g_assert_true (subtitle_has (f, "Gmail", "Sign in to Auth0 again"));
  g_assert_null (usable_button (f, "Gmail", "Connect through Auth0"));
  g_assert_null (usable_button (f, "Gmail", "Disconnect"));
  af_test_ui_wait_settled (f->window, "the expired sign-in to be drawn");
  g_assert_cmpfloat (af_test_ui_save_and_measure (f->window, "ui-auth0-expired"), >, 0);

  /* Signing in again names the account signed in before (login_hint),
   * and puts Gmail and its agent back to work. */
  press (f, "Auth0 Account", "Sign in to Auth0 Again");
  af_test_wait_until (g_strcmp0 (subtitle (f, "Auth0 Account"), "Alice Example · " AF_SANDBOX_ACCOUNT) == 0,
                      "the Auth0 row to show the sign-in without a problem");
  hint = af_sandbox_auth0_dup_last_login_hint (f->tenant);
  g_assert_cmpstr (hint, ==, AF_SANDBOX_ACCOUNT);
  af_test_wait_until (subtitle_has (f, "Gmail", "Connected through Auth0 as "), "Gmail to work again");
  af_test_wait_until (af_agent_get_state (agent) == AF_AGENT_STATE_ACTIVE, "the agent to be resumed");
  g_clear_pointer (&result, json_object_unref);
  g_clear_error (&error);
  result = af_test_run_agent (engine, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  g_unsetenv ("AGENTFLOW_GOOGLE_BASE_URL");
}

static void
test_token_vault_errors (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  sign_in (f);
  connect_gmail (f);
  press (f, "Slack", "Connect through Auth0");
  af_test_wait_until (subtitle_has (f, "Slack", "Connected through Auth0 as "), "Slack to show as connected");
  g_assert_true (subtitle_has (f, "Slack", "post messages"));

  /* Slack removed at Auth0: the next run finds out, the row says what to
   * do and offers it. */
  af_sandbox_auth0_drop_token_set (f->tenant, AF_SANDBOX_AUTH0_SLACK_CONNECTION);
  token = exchange_token (f, "slack", &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  af_test_wait_until (subtitle_has (f, "Slack", "Connect Slack through Auth0"), "Slack to say it is no longer linked");
  g_assert_true (subtitle_has (f, "Gmail", "Connected through Auth0 as "));
  press (f, "Slack", "Connect through Auth0");
  af_test_wait_until (subtitle_has (f, "Slack", "Connected through Auth0 as "), "Slack to be connected again");
  g_clear_error (&error);
  token = exchange_token (f, "slack", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (token, "xoxp-sandbox-tv-"));

  /* The person declines at Google's consent screen. */
  af_sandbox_auth0_set_connect_denied (f->tenant, TRUE);
  press (f, "Google Calendar", "Connect through Auth0");
  af_test_wait_until (subtitle_has (f, "Google Calendar", "You declined access"), "Calendar to say access was declined");
  g_assert_nonnull (usable_button (f, "Google Calendar", "Connect through Auth0"));
  af_sandbox_auth0_set_connect_denied (f->tenant, FALSE);
  press (f, "Google Calendar", "Connect through Auth0");
  af_test_wait_until (subtitle_has (f, "Google Calendar", "Connected through Auth0 as "), "Calendar to be connected");
  g_assert_true (subtitle_has (f, "Google Calendar", "create and change events"));

  /* Auth0 rate limits the My Account API: said, and nothing to sign in
   * again for. */
  af_sandbox_auth0_add_rate_limit (f->tenant, "auth0.me.connected_accounts.list", 1, 30);
  af_auth0_group_refresh (AF_AUTH0_GROUP (f->group));
  af_test_wait_until (subtitle_has (f, "Auth0 Account", "Auth0 asks AgentFlow to slow down"), "the rate limit to be shown");
  g_assert_null (usable_button (f, "Auth0 Account", "Sign in to Auth0 Again"));
  g_assert_nonnull (usable_button (f, "Auth0 Account", "Sign Out"));
  af_auth0_group_refresh (AF_AUTH0_GROUP (f->group));
  af_test_wait_until (g_strcmp0 (subtitle (f, "Auth0 Account"), "Alice Example · " AF_SANDBOX_ACCOUNT) == 0,
                      "the rate limit message to go once Auth0 answers");

  /* Slack linked at Auth0 but unknown here (linked from another
   * computer, or this profile is new): listed with its scopes, and it can
   * be removed at Auth0. */
  g_assert_true (af_connection_store_remove (af_account_manager_get_store (f->accounts), "slack", AF_SANDBOX_ACCOUNT, &error));
  g_assert_no_error (error);
  af_auth0_group_refresh (AF_AUTH0_GROUP (f->group));
  af_test_wait_until (af_test_ui_find_widget (f->group, ADW_TYPE_ACTION_ROW, "Slack, linked at Auth0") != NULL,
                      "the Slack account Auth0 reports to be listed");
  g_assert_true (subtitle_has (f, "Slack, linked at Auth0", "post messages"));
  g_assert_true (subtitle_has (f, "Slack", "Not connected through Auth0"));
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (f->tenant), ==, 2);
  press (f, "Slack, linked at Auth0", "Remove");
  confirm_dialog ("confirm");
  af_test_wait_until (af_test_ui_find_widget (f->group, ADW_TYPE_ACTION_ROW, "Slack, linked at Auth0") == NULL,
                      "the Slack account to be removed at Auth0");
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (f->tenant), ==, 1);

  /* Refresh token rotation turned on at Auth0: where to turn it off. */
  af_sandbox_auth0_set_rotation (f->tenant, TRUE);
  g_clear_pointer (&token, g_free);
  g_clear_error (&error);
  token = exchange_token (f, "gmail", &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  af_test_wait_until (subtitle_has (f, "Gmail", "Refresh Token Rotation"), "Gmail to say how to turn rotation off");
}

/* The sandbox's tenant, set by the app instead of Preferences: signing in
 * needs nothing entered there. */
static void
test_tenant_without_preferences (Fixture      *f,
                                 gconstpointer data)
{
  g_autofree char *domain = af_sandbox_auth0_dup_domain_url (f->tenant);
  GtkWidget       *page = gtk_window_get_child (GTK_WINDOW (f->window));

  g_settings_reset (f->settings, "auth0-domain");
  g_settings_reset (f->settings, "auth0-client-id");
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "auth0-client", NULL);
  af_test_wait_until (subtitle_has (f, "Auth0 Account", "in Preferences"), "the row to ask for the tenant");
  g_assert_null (usable_button (f, "Auth0 Account", "Sign in with Auth0"));

  af_integrations_page_set_auth0_tenant (AF_INTEGRATIONS_PAGE (page), domain, AF_SANDBOX_AUTH0_CLIENT_ID,
                                         AF_SANDBOX_AUTH0_CLIENT_SECRET);
  sign_in (f);
  connect_gmail (f);

  /* Signing out with Gmail still linked: its agents stop, and the row
   * says why and what to do. */
  press (f, "Auth0 Account", "Sign Out");
  confirm_dialog ("confirm");
  af_test_wait_until (subtitle_has (f, "Auth0 Account", "Not signed in"), "the Auth0 row to show it signed out");
  g_assert_true (subtitle_has (f, "Gmail", "Sign in to Auth0 again: AgentFlow was signed out of Auth0."));
  g_assert_null (usable_button (f, "Gmail", "Connect through Auth0"));
  g_assert_nonnull (usable_button (f, "Auth0 Account", "Sign in with Auth0"));
}

static void
test_cancel_sign_in (Fixture      *f,
                     gconstpointer data)
{
  /* The person closes the browser tab instead. */
  f->browser.follow = FALSE;
  press (f, "Auth0 Account", "Sign in with Auth0");
  af_test_wait_until (f->browser.visits == 1, "the browser to open Auth0's login page");
  g_assert_true (g_str_has_prefix (f->browser.last_url, af_sandbox_get_base_url (f->sandbox)));
  g_assert_nonnull (strstr (f->browser.last_url, "/authorize?"));
  g_assert_true (subtitle_has (f, "Auth0 Account", "Waiting for you to sign in"));
  press (f, "Auth0 Account", "Cancel");
  af_test_wait_until (usable_button (f, "Auth0 Account", "Sign in with Auth0") != NULL, "the sign-in to be offered again");
  g_assert_true (subtitle_has (f, "Auth0 Account", "Not signed in"));
  g_assert_null (af_test_keyring_lookup ("auth0", AF_SANDBOX_ACCOUNT));
}

int
main (int   argc,
      char *argv[])
{
  if (!af_test_ui_init (&argc, &argv))
    return 0;

  g_test_add ("/ui-auth0/sign-in-connect-disconnect", Fixture, NULL, fixture_set_up, test_sign_in_connect_disconnect,
              fixture_tear_down);
  g_test_add ("/ui-auth0/expired-sign-in", Fixture, NULL, fixture_set_up, test_expired_sign_in, fixture_tear_down);
  g_test_add ("/ui-auth0/token-vault-errors", Fixture, NULL, fixture_set_up, test_token_vault_errors, fixture_tear_down);
  g_test_add ("/ui-auth0/tenant-without-preferences", Fixture, NULL, fixture_set_up, test_tenant_without_preferences,
              fixture_tear_down);
  g_test_add ("/ui-auth0/cancel-sign-in", Fixture, NULL, fixture_set_up, test_cancel_sign_in, fixture_tear_down);

  return g_test_run ();
}
