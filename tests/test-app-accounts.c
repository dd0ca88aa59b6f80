/* test-app-accounts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app with real accounts (against the sandbox's authorization server
 * and the session's gnome-keyring): deleting an agent from the window
 * signs out of the accounts connected for that agent alone, and
 * connecting an account puts the agents that waited for it back to work.
 */

#include "config.h"

#include "af-application.h"
#include "af-test-auth.h"
#include "af-template.h"
#include "af-test-ui.h"
#include "af-window.h"

static AfApplication *app;
static AfSandbox     *sandbox;
static AfTestBrowser  browser = { .follow = TRUE };
static char          *agent_id;
static char          *last_outcome;

static AfWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
accounts_ready_cond (gpointer data)
{
  return main_window () != NULL && af_window_get_engine (main_window ()) != NULL &&
         af_application_get_account_manager (app) != NULL;
}

static GtkWidget *
find_message_dialog (void)
{
  for (GList *l = gtk_window_list_toplevels (), *i = l; i; i = i->next)
    if (ADW_IS_MESSAGE_DIALOG (i->data) && gtk_widget_get_visible (i->data))
      {
        GtkWidget *dialog = i->data;

        g_list_free (l);
        return dialog;
      }
  return NULL;
}

static gboolean
dialog_shown_cond (gpointer data)
{
  return find_message_dialog () != NULL;
}

static gboolean
keyring_cleared_cond (gpointer data)
{
  const char      *account = data;
  g_autofree char *secret = af_test_keyring_lookup_agent ("gmail", account, agent_id);

  return secret == NULL;
}

static void
configure_accounts (void)
{
  AfAccountManager *accounts;

  af_test_ui_wait_until (accounts_ready_cond, NULL, 15000);
  accounts = af_application_get_account_manager (app);
  af_account_manager_set_base_url (accounts, af_sandbox_get_base_url (sandbox));
  af_account_manager_set_client_id (accounts, "gmail", AF_SANDBOX_GOOGLE_CLIENT_ID);
  af_account_manager_set_uri_handler (accounts, af_test_browser_open, &browser, NULL);
}

static void
on_run_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (JsonObject) outcome = af_engine_run_agent_finish (AF_ENGINE (object), result, NULL);

  g_clear_pointer (&last_outcome, g_free);
  last_outcome = g_strdup (outcome != NULL ? json_object_get_string_member_with_default (outcome, "outcome", "") : "");
  *(gboolean *)user_data = TRUE;
}

static gboolean
flag_cond (gpointer data)
{
  return *(gboolean *)data;
}

static gboolean
agent_active_cond (gpointer data)
{
  return af_agent_get_state (data) == AF_AGENT_STATE_ACTIVE;
}

static void
test_connect_resumes_agent (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) connection = NULL;
  g_autoptr (JsonArray) connections = json_array_new ();
  g_autoptr (JsonArray) permissions = json_array_new ();
  g_autoptr (AfAgent) agent = NULL;
  JsonObject *gmail = json_object_new ();
  AfEngine   *engine;
  gboolean    ran = FALSE;

  configure_accounts ();
  engine = af_window_get_engine (main_window ());

  /* An agent for an account nobody connected yet: it waits, it does not
   * retry. */
  json_array_add_string_element (permissions, "gmail.read");
  json_array_add_string_element (permissions, "gmail.modify");
  json_object_set_string_member (gmail, "service", "google");
  json_object_set_string_member (gmail, "account", AF_SANDBOX_ACCOUNT);
  json_object_set_array_member (gmail, "permissions", json_array_ref (permissions));
  json_array_add_object_element (connections, gmail);
  agent = af_template_create_agent (af_template_lookup ("email-assistant"), "Sorter", connections);
  g_assert_true (af_engine_add_agent (engine, agent, &error));
  g_assert_no_error (error);
  af_engine_run_agent_async (engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_done_cb, &ran);
  af_test_ui_wait_until (flag_cond, &ran, 15000);
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_NEEDS_ATTENTION);
  g_assert_nonnull (strstr (af_agent_get_state_reason (agent), "Gmail"));

  /* Connecting the account puts it back to work. */
  connection = af_test_connect (af_application_get_account_manager (app), "gmail", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (connection->account, ==, AF_SANDBOX_ACCOUNT);
  af_test_ui_wait_until (agent_active_cond, agent, 5000);

  ran = FALSE;
  af_engine_run_agent_async (engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_done_cb, &ran);
  af_test_ui_wait_until (flag_cond, &ran, 15000);
  g_assert_cmpstr (last_outcome, ==, "succeeded");
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_ACTIVE);
  g_assert_true (af_engine_delete_agent (engine, af_agent_get_id (agent), &error));
  g_assert_no_error (error);
}

static void
test_delete_revokes_agent_credentials (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) shared = NULL;
  g_autoptr (AfConnection) own = NULL;
  g_autoptr (AfAgent) agent = NULL;
  g_autofree char  *own_secret = NULL;
  g_autofree char  *own_refresh = NULL;
  g_autofree char  *shared_secret = NULL;
  g_autofree char  *shared_refresh = NULL;
  AfAccountManager *accounts;
  AfEngine         *engine;
  GtkWidget        *dialog;
  guint             revokes;

  configure_accounts ();
  accounts = af_application_get_account_manager (app);
  engine = af_window_get_engine (main_window ());

  agent = af_template_create_agent (af_template_lookup ("custom"), "Invoices", NULL);
  agent_id = g_strdup (af_agent_get_id (agent));
  g_assert_true (af_engine_add_agent (engine, agent, &error));
  g_assert_no_error (error);

  /* One shared sign-in, one for this agent alone. */
  shared = af_test_connect (accounts, "gmail", NULL, &error);
  g_assert_no_error (error);
  own = af_test_connect_for_agent (accounts, "gmail", agent_id, &error);
  g_assert_no_error (error);
  own_secret = af_test_keyring_lookup_agent ("gmail", own->account, agent_id);
  g_assert_nonnull (own_secret);
  own_refresh = af_test_json_member (own_secret, "refresh_token");
  shared_secret = af_test_keyring_lookup ("gmail", shared->account);
  shared_refresh = af_test_json_member (shared_secret, "refresh_token");

  /* The dialog says which account goes with the agent. */
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.show-view", "s", "agents");
  af_test_ui_choose_from_menu (af_test_ui_wait_for_row (af_window_get_page (main_window (), "agents"), agent),
                               "_Delete…");
  af_test_ui_wait_until (dialog_shown_cond, NULL, 5000);
  dialog = find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), own->account));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "signs out"));

  revokes = af_sandbox_get_count (sandbox, "google.oauth2.revoke");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");

  /* Revoked at Google, gone from the keyring; the shared sign-in stays. */
  af_test_ui_wait_until (keyring_cleared_cond, own->account, 15000);
  g_assert_null (af_engine_lookup_agent (engine, agent_id));
  g_assert_cmpuint (af_sandbox_get_count (sandbox, "google.oauth2.revoke"), ==, revokes + 1);
  g_assert_false (af_sandbox_oauth_is_token_live (af_sandbox_oauth_get (sandbox), own_refresh));
  g_assert_true (af_sandbox_oauth_is_token_live (af_sandbox_oauth_get (sandbox), shared_refresh));
  g_clear_pointer (&shared_secret, g_free);
  shared_secret = af_test_keyring_lookup ("gmail", shared->account);
  g_assert_nonnull (shared_secret);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  sandbox = af_test_sandbox_new ();
  /* The agents' Gmail calls go to the sandbox too. */
  g_setenv ("AGENTFLOW_GOOGLE_BASE_URL", af_sandbox_get_base_url (sandbox), TRUE);
  app = af_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));
  g_application_activate (G_APPLICATION (app));

  g_test_add_func ("/app-accounts/connect-resumes-agent", test_connect_resumes_agent);
  g_test_add_func ("/app-accounts/delete-revokes-agent-credentials", test_delete_revokes_agent_credentials);

  ret = g_test_run ();

  af_test_ui_destroy_windows ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  af_test_browser_clear (&browser);
  g_clear_object (&sandbox);
  g_free (agent_id);
  g_free (last_outcome);

  return ret;
}
