/* test-app-sandbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app with --sandbox: its sample accounts can be disconnected from the
 * Integrations page and connected again through the sandbox's OAuth
 * consent, as a real account would (the browser is a stand-in that
 * follows the sign-in address, and the keyring is the session's).
 */

#include "config.h"

#include "af-application.h"
#include "af-auth0-group.h"
#include "af-sandbox-auth0.h"
#include "af-integrations-page.h"
#include "af-test-auth.h"
#include "af-test-ui.h"
#include "af-window.h"

static AfApplication *app;
static int            status;

/* The person at the browser: opens the sign-in address, reads the
 * sandbox's consent page and follows its "Allow" link, which redirects to
 * the app's loopback server. */
typedef struct
{
  SoupSession *session;
  char        *first_url;
  guint        visits;
  guint        allowed;
} Browser;

static Browser browser;

static void
on_allowed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  g_assert_no_error (error);
  browser.allowed++;
}

static void
on_consent_page_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GUri) page_uri = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_autofree char *html = NULL;
  g_autofree char *href = NULL;
  g_autoptr (GUri) allow = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  const char *start;
  const char *end;
  GString    *unescaped;

  g_assert_no_error (error);
  html = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  start = strstr (html, "id=\"allow\" href=\"");
  /* Auth0's sandbox tenant signs its one person in without a page: the
   * redirect to the app's loopback was followed already. */
  if (start == NULL && strstr (browser.first_url, "/auth0/") != NULL)
    {
      browser.allowed++;
      return;
    }
  g_assert_nonnull (start);
  start += strlen ("id=\"allow\" href=\"");
  end = strchr (start, '"');
  g_assert_nonnull (end);
  href = g_strndup (start, end - start);
  unescaped = g_string_new (href);
  g_string_replace (unescaped, "&amp;", "&", 0);
  allow = g_uri_parse_relative (page_uri, unescaped->str, G_URI_FLAGS_ENCODED, &error);
  g_string_free (unescaped, TRUE);
  g_assert_no_error (error);
  msg = soup_message_new_from_uri ("GET", allow);
  soup_session_send_and_read_async (browser.session, msg, G_PRIORITY_DEFAULT, NULL, on_allowed_cb, NULL);
}

static void
browser_open (const char *uri,
              gpointer    user_data)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);

  browser.visits++;
  if (browser.first_url == NULL)
    browser.first_url = g_strdup (uri);
  if (browser.session == NULL)
    browser.session = soup_session_new_with_options ("timeout", 10, NULL);
  soup_session_send_and_read_async (browser.session, msg, G_PRIORITY_DEFAULT, NULL, on_consent_page_cb,
                                    g_uri_ref (soup_message_get_uri (msg)));
}

static AfWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
engine_ready_cond (gpointer data)
{
  return main_window () != NULL && af_window_get_engine (main_window ()) != NULL;
}

static GtkWidget *
find_message_dialog (void)
{
  GtkWidget *dialog = NULL;
  GList     *l = gtk_window_list_toplevels ();

  for (GList *i = l; i != NULL && dialog == NULL; i = i->next)
    if (ADW_IS_MESSAGE_DIALOG (i->data) && gtk_widget_get_visible (i->data))
      dialog = i->data;
  g_list_free (l);
  return dialog;
}

static gboolean
dialog_shown_cond (gpointer data)
{
  return find_message_dialog () != NULL;
}

static gboolean
gmail_state_cond (gpointer data)
{
  AfIntegrationsPage *page = AF_INTEGRATIONS_PAGE (af_window_get_page (main_window (), "integrations"));
  AfIntegrationState  state = af_integrations_page_get_state (page, "gmail");
  static int          last = -1;

  if ((int)state != last)
    g_test_message ("Gmail is in state %d, waiting for %d", state, GPOINTER_TO_INT (data));
  last = state;
  return state == (AfIntegrationState)GPOINTER_TO_INT (data);
}

static gboolean
gmail_connected_in_keyring_cond (gpointer data)
{
  g_autofree char *secret = af_test_keyring_lookup ("gmail", AF_SANDBOX_GOOGLE_ACCOUNT);

  return secret != NULL;
}

static void
test_reconnect_sample_account (void)
{
  AfIntegrationsPage *page;
  AfAccountManager   *accounts;
  GtkWidget          *row;
  GtkWidget          *dialog;
  g_autoptr (AfConnection) connection = NULL;
  g_autoptr (GError) error = NULL;

  af_test_ui_wait_until (engine_ready_cond, NULL, 30000);
  page = AF_INTEGRATIONS_PAGE (af_window_get_page (main_window (), "integrations"));
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.show-view", "s", "integrations");
  af_test_ui_wait_settled (GTK_WIDGET (main_window ()), "the Integrations page");

  /* The sample workspace starts connected, and offers no account that
   * nothing uses. */
  af_test_ui_wait_until (gmail_state_cond, GINT_TO_POINTER (AF_INTEGRATION_CONNECTED), 10000);
  row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "OpenID Connect");
  g_assert_true (row == NULL || !gtk_widget_is_visible (row));

  /* The stand-in browser plays the person at the consent page. */
  accounts = af_application_get_account_manager (app);
  g_assert_nonnull (accounts);
  af_account_manager_set_uri_handler (accounts, browser_open, NULL, NULL);

  row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Gmail");
  af_test_ui_click (af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Disconnect"));
  af_test_ui_wait_until (dialog_shown_cond, NULL, 5000);
  dialog = find_message_dialog ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "disconnect");
  af_test_ui_wait_until (gmail_state_cond, GINT_TO_POINTER (AF_INTEGRATION_DISCONNECTED), 20000);
  g_assert_cmpuint (browser.visits, ==, 0);

  af_test_ui_wait_settled (GTK_WIDGET (main_window ()), "the Integrations page");
  row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Gmail");
  af_test_ui_click (af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Connect"));
  af_test_ui_wait_until (gmail_state_cond, GINT_TO_POINTER (AF_INTEGRATION_CONNECTED), 30000);

  /* Through the sandbox's consent page, into the keyring. */
  g_assert_cmpuint (browser.visits, ==, 1);
  g_assert_cmpuint (browser.allowed, ==, 1);
  g_assert_nonnull (strstr (browser.first_url, "/o/oauth2/v2/auth"));
  af_test_ui_wait_until (gmail_connected_in_keyring_cond, NULL, 10000);
  connection = af_connection_store_get (af_account_manager_get_store (accounts), "gmail", AF_SANDBOX_GOOGLE_ACCOUNT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_cmpstr (connection->status, ==, AF_CONNECTION_CONNECTED);

  /* The session keyring is shared with the suites that run next. */
  secret_password_clear_sync (af_vault_get_schema (), NULL, &error, "service", "gmail", "account",
                              AF_SANDBOX_GOOGLE_ACCOUNT, "agent", "", NULL);
  g_assert_no_error (error);
}

/* Integrations' Auth0 row, in a button's or a row's words. */
static GtkWidget *
auth0_row (void)
{
  GtkWidget *page = af_window_get_page (main_window (), "integrations");
  GtkWidget *group = af_test_ui_find_widget (page, AF_TYPE_AUTH0_GROUP, NULL);

  g_assert_nonnull (group);
  return af_test_ui_find_widget (group, ADW_TYPE_ACTION_ROW, "Auth0 Account");
}

static GtkWidget *
auth0_button (const char *label)
{
  GtkWidget *button = af_test_ui_find_widget (auth0_row (), GTK_TYPE_BUTTON, label);

  return button != NULL && gtk_widget_get_visible (button) && gtk_widget_is_sensitive (button) ? button : NULL;
}

/* With --sandbox, "Sign in with Auth0" signs in to the sandbox's tenant:
 * nothing to set up in Preferences, no account needed. */
static void
test_sandbox_auth0 (void)
{
  AfAccountManager *accounts;

  af_test_ui_wait_until (engine_ready_cond, NULL, 30000);
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.show-view", "s", "integrations");
  af_test_ui_wait_settled (GTK_WIDGET (main_window ()), "the Integrations page");
  accounts = af_application_get_account_manager (app);
  af_account_manager_set_uri_handler (accounts, browser_open, NULL, NULL);
  g_clear_pointer (&browser.first_url, g_free);
  browser.visits = browser.allowed = 0;

  af_test_wait_until (auth0_button ("Sign in with Auth0") != NULL, "“Sign in with Auth0” to be offered");
  af_test_ui_click (auth0_button ("Sign in with Auth0"));
  af_test_wait_until (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (auth0_row ())),
                                 "Alice Example · " AF_SANDBOX_ACCOUNT) == 0,
                      "the Auth0 row to show who signed in");
  g_assert_cmpuint (browser.visits, ==, 1);
  g_assert_nonnull (strstr (browser.first_url, AF_SANDBOX_AUTH0_PATH "/authorize"));

  /* Signing out revokes the tenant's refresh token and leaves the keyring
   * as it was for the suites that run next. */
  af_test_ui_click (auth0_button ("Sign Out"));
  af_test_ui_wait_until (dialog_shown_cond, NULL, 5000);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (find_message_dialog ()), "confirm");
  af_test_wait_until (auth0_button ("Sign in with Auth0") != NULL, "the sign-in to be offered again");
}

static gboolean
on_run_tests_cb (gpointer data)
{
  status = g_test_run ();
  af_test_ui_destroy_windows ();
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
on_activate_cb (GApplication *application)
{
  static gboolean started;

  if (!started)
    g_idle_add (on_run_tests_cb, NULL);
  started = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  char            *args[] = { (char *)"agentflow", (char *)"--sandbox", NULL };

  /* Its own sandbox data directory, whatever ran before: set before GLib
   * reads it. */
  home = g_dir_make_tmp ("test-app-sandbox-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", home, TRUE);

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/app-sandbox/reconnect-sample-account", test_reconnect_sample_account);
  g_test_add_func ("/app-sandbox/auth0-sign-in", test_sandbox_auth0);

  app = af_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  g_application_run (G_APPLICATION (app), 2, args);
  g_clear_object (&app);
  g_clear_object (&browser.session);
  g_free (browser.first_url);

  return status;
}
