/* test-account-manager.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole connect / refresh / revoke cycle against the sandbox's
 * authorization server, with the real gnome-keyring, plus every failure a
 * person can meet on the way.
 */

#include "config.h"

#include "af-credential-private.h"
#include "af-test-auth.h"

typedef AfTestManagerFixture Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  af_test_manager_fixture_set_up (f);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GPtrArray) list = af_account_manager_list_connections (f->manager, NULL);

  /* Leave the keyring as we found it. */
  for (guint i = 0; list && i < list->len; i++)
    {
      AfConnection *c = list->pdata[i];

      secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", c->service, "account", c->account, NULL);
    }
  af_test_manager_fixture_clear (f);
}

static guint
count (Fixture    *f,
       const char *method)
{
  return af_sandbox_get_count (f->sandbox, method);
}

static void
test_full_cycle_google (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autoptr (AfAccountManager) m2 = NULL;
  g_autoptr (AfTokenSource) source2 = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_auto (GStrv) missing = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *access0 = NULL;
  g_autofree char *refresh0 = NULL;
  g_autofree char *access1 = NULL;
  g_autofree char *access2 = NULL;
  g_autofree char *after = NULL;
  GAsyncResult    *results[5] = { NULL };
  char            *tokens[5];
  guint            n;
  gboolean         revoked = FALSE;

  /* Short-lived first token: the first use must refresh it ahead of time. */
  af_sandbox_oauth_set_access_token_lifetime (f->oauth, 60);

  c = af_test_connect (f->manager, "gmail", &missing, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->account, ==, "alice@example.com");
  g_assert_cmpstr (c->status, ==, AF_CONNECTION_CONNECTED);
  g_assert_cmpstrv (missing, ((const char *const[]){ NULL }));
  g_assert_nonnull (strstr (c->scopes, "gmail.modify"));

  /* The browser saw the plain-words page. */
  while (!f->browser.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->browser.status, ==, 200);
  g_assert_nonnull (strstr (f->browser.body, "return to AgentFlow"));
  g_assert_nonnull (strstr (f->browser.last_url, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (f->browser.last_url, "access_type=offline"));
  g_assert_nonnull (strstr (f->browser.last_url, "redirect_uri=http%3A%2F%2F127.0.0.1%3A"));

  /* The token set is in gnome-keyring, with a human label. */
  secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_nonnull (secret);
  access0 = af_test_json_member (secret, "access_token");
  refresh0 = af_test_json_member (secret, "refresh_token");
  g_assert_true (g_str_has_prefix (access0, "ya29."));
  g_assert_nonnull (refresh0);
  g_assert_true (af_sandbox_oauth_is_token_live (f->oauth, refresh0));
  {
    g_autoptr (SecretService) service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
    g_autoptr (GHashTable) attrs = secret_attributes_build (af_vault_get_schema (), "service", "gmail", "account", "alice@example.com", NULL);
    GList           *items = secret_service_search_sync (service, af_vault_get_schema (), attrs, SECRET_SEARCH_ALL, NULL, &error);
    g_autofree char *label = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_length (items), ==, 1);
    label = secret_item_get_label (items->data);
    g_assert_cmpstr (label, ==, "AgentFlow: Gmail (alice@example.com)");
    g_list_free_full (items, g_object_unref);
  }

  /* Refresh before expiry (in the token's last tenth: 58 s later, 2 s
   * are left of its 60); Google keeps the refresh token. */
  af_sandbox_oauth_set_access_token_lifetime (f->oauth, 3599);
  source = af_account_manager_get_token_source (f->manager, "gmail", "alice@example.com", NULL, &error);
  g_assert_no_error (error);
  af_credential_set_clock_offset (AF_CREDENTIAL (source), 58 * G_USEC_PER_SEC);
  n = count (f, "google.oauth2.token");
  access1 = af_test_get_token (source, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (access1, !=, access0);
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n + 1);
  g_clear_pointer (&secret, g_free);
  secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_true (strstr (secret, access1) != NULL);
  g_assert_true (strstr (secret, refresh0) != NULL);

  /* A fresh token is handed out without asking. */
  after = af_test_get_token (source, FALSE, &error);
  g_assert_cmpstr (after, ==, access1);
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n + 1);

  /* A 401 right after a refresh does not refresh again. */
  g_clear_pointer (&after, g_free);
  after = af_test_get_token (source, TRUE, &error);
  g_assert_cmpstr (after, ==, access1);
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n + 1);

  /* Five requests see a 401 at once (in a later session: another
   * manager): one refresh serves them all. */
  m2 = af_test_manager_new (f->db, NULL, f->sandbox, NULL);
  source2 = af_account_manager_get_token_source (m2, "gmail", "alice@example.com", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    af_token_source_get_token_async (source2, TRUE, NULL, af_test_on_result_cb, &results[i]);
  for (guint i = 0; i < 5; i++)
    {
      tokens[i] = af_token_source_get_token_finish (source2, af_test_wait (&results[i]), &error);
      g_assert_no_error (error);
      g_object_unref (results[i]);
    }
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n + 2);
  for (guint i = 1; i < 5; i++)
    g_assert_cmpstr (tokens[i], ==, tokens[0]);
  access2 = tokens[0];
  for (guint i = 1; i < 5; i++)
    g_free (tokens[i]);
  g_assert_cmpstr (access2, !=, access1);

  /* Revoke: at the provider first, then the keyring, then the row. */
  g_assert_true (af_test_disconnect (f->manager, "gmail", "alice@example.com", &revoked, &error));
  g_assert_no_error (error);
  g_assert_true (revoked);
  g_assert_cmpuint (count (f, "google.oauth2.revoke"), ==, 1);
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, refresh0));
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, access2));
  g_clear_pointer (&secret, g_free);
  secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_null (secret);
  list = af_account_manager_list_connections (f->manager, &error);
  g_assert_cmpuint (list->len, ==, 0);

  /* The old token source is dead, without a network call. */
  n = count (f, "google.oauth2.token");
  g_clear_pointer (&after, g_free);
  after = af_test_get_token (source, TRUE, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n);
}

static void
test_slack_rotation (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *refresh0 = NULL;
  g_autofree char *refresh1 = NULL;
  g_autofree char *token = NULL;
  gboolean         revoked = FALSE;

  c = af_test_connect (f->manager, "slack", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->account, ==, AF_SANDBOX_SLACK_ACCOUNT);
  g_assert_cmpstr (c->display_name, ==, "alice (Example Workspace)");
  /* Slack's desktop redirect rule: http://localhost:PORT/… */
  g_assert_nonnull (strstr (f->browser.last_url, "redirect_uri=http%3A%2F%2Flocalhost%3A"));
  g_assert_nonnull (strstr (f->browser.last_url, "user_scope="));

  secret = af_test_keyring_lookup ("slack", AF_SANDBOX_SLACK_ACCOUNT);
  refresh0 = af_test_json_member (secret, "refresh_token");
  source = af_account_manager_get_token_source (f->manager, "slack", AF_SANDBOX_SLACK_ACCOUNT, NULL, &error);
  token = af_test_get_token (source, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (token, "xoxe.xoxp-"));

  /* Rotation: the new refresh token replaced the spent one. */
  g_clear_pointer (&secret, g_free);
  secret = af_test_keyring_lookup ("slack", AF_SANDBOX_SLACK_ACCOUNT);
  refresh1 = af_test_json_member (secret, "refresh_token");
  g_assert_cmpstr (refresh1, !=, refresh0);
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, refresh0));
  g_assert_true (af_sandbox_oauth_is_token_live (f->oauth, refresh1));

  g_assert_true (af_test_disconnect (f->manager, "slack", AF_SANDBOX_SLACK_ACCOUNT, &revoked, &error));
  g_assert_true (revoked);
  g_assert_cmpuint (count (f, "slack.auth.revoke"), ==, 1);
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, refresh1));
  g_clear_pointer (&secret, g_free);
  g_assert_null ((secret = af_test_keyring_lookup ("slack", AF_SANDBOX_SLACK_ACCOUNT)));
}

static void
test_slack_bot_token (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) result2 = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfConnection) bad = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autofree char *token = NULL;

  af_account_manager_connect_token_async (f->manager, "slack", "  " AF_SANDBOX_SLACK_BOT_TOKEN "\n", NULL,
                                          af_test_on_result_cb, &result);
  c = af_account_manager_connect_token_finish (f->manager, af_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->account, ==, "agentflow@example-workspace.slack.com");

  source = af_account_manager_get_token_source (f->manager, "slack", c->account, NULL, &error);
  token = af_test_get_token (source, FALSE, &error);
  g_assert_cmpstr (token, ==, AF_SANDBOX_SLACK_BOT_TOKEN);

  af_account_manager_connect_token_async (f->manager, "slack", "xoxb-not-a-real-token", NULL, af_test_on_result_cb, &result2);
  bad = af_account_manager_connect_token_finish (f->manager, af_test_wait (&result2), &error);
  g_assert_null (bad);
  g_assert_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "invalid_auth"));
}

static void
test_oidc_discovery (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autofree char *secret = NULL;

  c = af_test_connect (f->manager, "oidc", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->service, ==, "oidc");
  g_assert_cmpstr (c->account, ==, "alice@example.com");
  g_assert_nonnull (strstr (f->browser.last_url, "client_id=" AF_SANDBOX_OIDC_CLIENT_ID));
  secret = af_test_keyring_lookup ("oidc", "alice@example.com");
  g_assert_nonnull (secret);
}

static void
test_missing_scopes (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_auto (GStrv) missing = NULL;

  af_sandbox_oauth_set_withheld_scopes (f->oauth, "https://www.googleapis.com/auth/gmail.send");
  c = af_test_connect (f->manager, "gmail", &missing, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (missing, ((const char *const[]){ "gmail.send", NULL }));
}

static void
test_declined (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (GPtrArray) list = NULL;

  af_sandbox_oauth_set_consent (f->oauth, AF_SANDBOX_CONSENT_DENY);
  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, AF_ERROR_ACCESS_DENIED);
  g_assert_cmpstr (error->message, ==, "You declined access");
  while (!f->browser.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (f->browser.body, "You declined access"));
  list = af_account_manager_list_connections (f->manager, NULL);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_consent_page (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *allow = NULL;
  const char      *href;

  /* A human clicks Allow on the consent page. */
  af_sandbox_oauth_set_consent (f->oauth, AF_SANDBOX_CONSENT_ASK);
  af_account_manager_connect_async (f->manager, "calendar", NULL, af_test_on_result_cb, &result);
  while (!f->browser.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull ((href = strstr (f->browser.body, "/sandbox/consent?ticket=")));
  allow = g_strndup (href, strchr (href, '&') - href);
  f->browser.done = FALSE;
  {
    g_autofree char *url = g_strconcat (af_sandbox_get_base_url (f->sandbox), allow, "&decision=allow", NULL);

    af_test_browser_open (url, &f->browser);
  }
  c = af_account_manager_connect_finish (f->manager, af_test_wait (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->service, ==, "calendar");
}

typedef struct
{
  AfSandboxOAuthFault fault;
  AfError             code;
  const char         *words;
} FaultCase;

static void
test_token_endpoint_fault (Fixture      *f,
                           gconstpointer data)
{
  const FaultCase *fc = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *secret = NULL;

  soup_session_set_timeout (af_account_manager_get_session (f->manager), 2);
  af_sandbox_oauth_set_token_fault (f->oauth, fc->fault);
  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, fc->code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fc->words));

  /* Nothing stored anywhere. */
  list = af_account_manager_list_connections (f->manager, NULL);
  g_assert_cmpuint (list->len, ==, 0);
  secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_null (secret);
}

static void
on_needs_reconnect_cb (AfAccountManager *m,
                       const char       *service,
                       const char       *account,
                       const char       *reason,
                       guint            *n)
{
  (*n)++;
}

static void
test_invalid_grant_on_refresh (Fixture      *f,
                               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfConnection) after = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autoptr (AfTokenSource) again = NULL;
  g_autofree char *token = NULL;
  guint            signalled = 0;
  guint            n;

  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (f->manager, "needs-reconnect", G_CALLBACK (on_needs_reconnect_cb), &signalled);
  source = af_account_manager_get_token_source (f->manager, "gmail", c->account, NULL, &error);

  af_sandbox_oauth_set_token_fault (f->oauth, AF_SANDBOX_FAULT_INVALID_GRANT);
  n = count (f, "google.oauth2.token");
  token = af_test_get_token (source, TRUE, &error);
  g_assert_null (token);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_assert_nonnull (strstr (error->message, "Connect the account again"));
  g_assert_cmpuint (signalled, ==, 1);
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n + 1);

  after = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", c->account, NULL);
  g_assert_cmpstr (after->status, ==, AF_CONNECTION_NEEDS_RECONNECT);

  /* Never loops: later calls fail at once, without the network. */
  for (guint i = 0; i < 3; i++)
    {
      g_clear_error (&error);
      token = af_test_get_token (source, i % 2, &error);
      g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
    }
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n + 1);
  g_assert_cmpuint (signalled, ==, 1);
  g_clear_error (&error);
  again = af_account_manager_get_token_source (f->manager, "gmail", c->account, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);

  /* Reconnecting heals it. */
  af_sandbox_oauth_set_token_fault (f->oauth, AF_SANDBOX_FAULT_NONE);
  g_clear_error (&error);
  g_clear_pointer (&after, af_connection_free);
  after = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after->status, ==, AF_CONNECTION_CONNECTED);
}

static void
test_revocation_retried (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfConnection) pending = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *secret = NULL;
  gboolean         revoked = TRUE;
  guint            left;

  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_no_error (error);

  af_sandbox_oauth_set_revoke_failing (f->oauth, TRUE);
  g_assert_true (af_test_disconnect (f->manager, "gmail", c->account, &revoked, &error));
  g_assert_no_error (error);
  g_assert_false (revoked);

  /* Disconnected for the app: no token source, listed as revoking. */
  pending = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", c->account, NULL);
  g_assert_cmpstr (pending->status, ==, AF_CONNECTION_REVOKING);
  source = af_account_manager_get_token_source (f->manager, "gmail", c->account, NULL, &error);
  g_assert_null (source);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The provider is back: the retry revokes and clears. */
  af_sandbox_oauth_set_revoke_failing (f->oauth, FALSE);
  af_account_manager_retry_revocations_async (f->manager, NULL, af_test_on_result_cb, &result);
  left = af_account_manager_retry_revocations_finish (f->manager, af_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left, ==, 0);
  secret = af_test_keyring_lookup ("gmail", c->account);
  g_assert_null (secret);
  g_clear_pointer (&pending, af_connection_free);
  pending = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", c->account, NULL);
  g_assert_null (pending);
}

static void
test_no_client_id (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (SoupSession) session = af_test_session_new ();
  g_autoptr (AfAccountManager) m = af_account_manager_new (f->db, NULL, session);

  g_unsetenv ("AGENTFLOW_GOOGLE_CLIENT_ID");
  af_account_manager_set_uri_handler (m, af_test_browser_open, &f->browser, NULL);
  if (GOOGLE_CLIENT_ID[0] != '\0')
    {
      g_test_skip ("built with a Google client ID");
      return;
    }
  c = af_test_connect (m, "gmail", NULL, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "gsettings set org.agentflow.App google-client-id"));
  g_assert_cmpuint (f->browser.visits, ==, 0);
}

static void
test_timeout_and_cancel (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;

  /* Nobody finishes in the browser. */
  f->browser.follow = FALSE;
  af_account_manager_set_timeout (f->manager, 1);
  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "1 second"));
  g_clear_error (&error);

  af_account_manager_set_timeout (f->manager, 300);
  af_account_manager_connect_async (f->manager, "gmail", cancellable, af_test_on_result_cb, &result);
  g_cancellable_cancel (cancellable);
  c = af_account_manager_connect_finish (f->manager, af_test_wait (&result), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Agent-specific credentials */

static char *
keyring_label (const char *service,
               const char *account,
               const char *agent)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) ss = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_autoptr (GHashTable) attrs = secret_attributes_build (af_vault_get_schema (), "service", service, "account", account,
                                                          "agent", agent, NULL);
  GList *items = secret_service_search_sync (ss, af_vault_get_schema (), attrs, SECRET_SEARCH_ALL, NULL, &error);
  char  *label;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_item_get_label (items->data);
  g_list_free_full (items, g_object_unref);
  return label;
}

static void
test_agent_connect_and_fallback (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) shared = NULL;
  g_autoptr (AfConnection) own = NULL;
  g_autoptr (AfConnection) row = NULL;
  g_autoptr (AfTokenSource) for_a = NULL;
  g_autoptr (AfTokenSource) for_b = NULL;
  g_autoptr (AfTokenSource) for_none = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) agents = NULL;
  g_autofree char *shared_secret = NULL;
  g_autofree char *own_secret = NULL;
  g_autofree char *shared_access = NULL;
  g_autofree char *own_access = NULL;
  g_autofree char *token_a = NULL;
  g_autofree char *token_b = NULL;
  g_autofree char *token_none = NULL;
  g_autofree char *label = NULL;

  shared = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shared->agent, ==, "");
  own = af_test_connect_for_agent (f->manager, "gmail", "agent-a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (own->account, ==, "alice@example.com");
  g_assert_cmpstr (own->agent, ==, "agent-a");
  g_assert_cmpstr (own->status, ==, AF_CONNECTION_CONNECTED);

  /* Two keyring items: the agent's carries its id, and says so. */
  shared_secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  own_secret = af_test_keyring_lookup_agent ("gmail", "alice@example.com", "agent-a");
  g_assert_nonnull (shared_secret);
  g_assert_nonnull (own_secret);
  shared_access = af_test_json_member (shared_secret, "access_token");
  own_access = af_test_json_member (own_secret, "access_token");
  g_assert_cmpstr (shared_access, !=, own_access);
  label = keyring_label ("gmail", "alice@example.com", "agent-a");
  g_assert_cmpstr (label, ==, "AgentFlow: Gmail (alice@example.com, agent agent-a)");

  /* The row says whose it is; the shared list is unchanged. */
  row = af_connection_store_get_for_agent (af_account_manager_get_store (f->manager), "gmail", "alice@example.com",
                                           "agent-a", &error);
  g_assert_nonnull (row);
  g_assert_cmpstr (row->agent, ==, "agent-a");
  list = af_account_manager_list_connections (f->manager, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((AfConnection *)list->pdata[0])->agent, ==, "");
  agents = af_account_manager_list_agent_connections (f->manager, NULL, &error);
  g_assert_cmpuint (agents->len, ==, 1);
  g_assert_cmpstr (((AfConnection *)agents->pdata[0])->agent, ==, "agent-a");

  /* agent-a gets its own token, agent-b (none of its own) and nobody
   * in particular get the shared one. */
  for_a = af_account_manager_get_token_source (f->manager, "gmail", "alice@example.com", "agent-a", &error);
  g_assert_no_error (error);
  for_b = af_account_manager_get_token_source (f->manager, "gmail", "alice@example.com", "agent-b", &error);
  g_assert_no_error (error);
  for_none = af_account_manager_get_token_source (f->manager, "gmail", "alice@example.com", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (for_b == for_none);
  token_a = af_test_get_token (for_a, FALSE, &error);
  g_assert_no_error (error);
  token_b = af_test_get_token (for_b, FALSE, &error);
  g_assert_no_error (error);
  token_none = af_test_get_token (for_none, FALSE, &error);
  g_assert_cmpstr (token_a, ==, own_access);
  g_assert_cmpstr (token_b, ==, shared_access);
  g_assert_cmpstr (token_none, ==, shared_access);

  /* The agent's credential refreshes into its own item. */
  g_clear_pointer (&token_a, g_free);
  token_a = af_test_get_token (for_a, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token_a, !=, own_access);
  g_clear_pointer (&own_secret, g_free);
  own_secret = af_test_keyring_lookup_agent ("gmail", "alice@example.com", "agent-a");
  g_assert_nonnull (strstr (own_secret, token_a));
  g_clear_pointer (&shared_secret, g_free);
  shared_secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_null (strstr (shared_secret, token_a));

  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "agent", "agent-a", NULL);
}

static void
test_agent_forget (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) shared = NULL;
  g_autoptr (AfConnection) own = NULL;
  g_autoptr (AfConnection) own_slack = NULL;
  g_autoptr (AfConnection) other = NULL;
  g_autoptr (AfTokenSource) before = NULL;
  g_autoptr (AfTokenSource) after = NULL;
  g_autoptr (GPtrArray) left = NULL;
  g_autofree char *own_secret = NULL;
  g_autofree char *slack_secret = NULL;
  g_autofree char *other_secret = NULL;
  g_autofree char *shared_secret = NULL;
  g_autofree char *own_refresh = NULL;
  g_autofree char *slack_refresh = NULL;
  g_autofree char *shared_refresh = NULL;
  g_autofree char *token = NULL;
  g_autofree char *gone = NULL;
  guint            revokes, slack_revokes;

  shared = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_no_error (error);
  own = af_test_connect_for_agent (f->manager, "gmail", "agent-a", &error);
  g_assert_no_error (error);
  own_slack = af_test_connect_for_agent (f->manager, "slack", "agent-a", &error);
  g_assert_no_error (error);
  other = af_test_connect_for_agent (f->manager, "gmail", "agent-b", &error);
  g_assert_no_error (error);

  own_secret = af_test_keyring_lookup_agent ("gmail", own->account, "agent-a");
  own_refresh = af_test_json_member (own_secret, "refresh_token");
  slack_secret = af_test_keyring_lookup_agent ("slack", own_slack->account, "agent-a");
  slack_refresh = af_test_json_member (slack_secret, "refresh_token");
  shared_secret = af_test_keyring_lookup ("gmail", shared->account);
  shared_refresh = af_test_json_member (shared_secret, "refresh_token");
  before = af_account_manager_get_token_source (f->manager, "gmail", own->account, "agent-a", &error);
  g_assert_no_error (error);

  revokes = count (f, "google.oauth2.revoke");
  slack_revokes = count (f, "slack.auth.revoke");
  g_assert_true (af_test_forget_agent (f->manager, "agent-a", &error));
  g_assert_no_error (error);

  /* Revoked at each provider, then gone from the keyring and the store. */
  g_assert_cmpuint (count (f, "google.oauth2.revoke"), ==, revokes + 1);
  g_assert_cmpuint (count (f, "slack.auth.revoke"), ==, slack_revokes + 1);
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, own_refresh));
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, slack_refresh));
  g_assert_null ((gone = af_test_keyring_lookup_agent ("gmail", own->account, "agent-a")));
  g_assert_null ((gone = af_test_keyring_lookup_agent ("slack", own_slack->account, "agent-a")));
  left = af_account_manager_list_agent_connections (f->manager, "agent-a", &error);
  g_assert_cmpuint (left->len, ==, 0);

  /* Nobody else lost anything. */
  g_assert_true (af_sandbox_oauth_is_token_live (f->oauth, shared_refresh));
  other_secret = af_test_keyring_lookup_agent ("gmail", other->account, "agent-b");
  g_assert_nonnull (other_secret);
  g_clear_pointer (&left, g_ptr_array_unref);
  left = af_account_manager_list_connections (f->manager, &error);
  g_assert_cmpuint (left->len, ==, 1);

  /* The old source is dead; the agent name now reaches the shared one. */
  token = af_test_get_token (before, FALSE, &error);
  g_assert_null (token);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_clear_error (&error);
  after = af_account_manager_get_token_source (f->manager, "gmail", own->account, "agent-a", &error);
  g_assert_no_error (error);
  token = af_test_get_token (after, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (shared_secret, token));

  /* An agent with nothing of its own: nothing happens, no error. */
  revokes = count (f, "google.oauth2.revoke");
  g_assert_true (af_test_forget_agent (f->manager, "agent-without-accounts", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (f, "google.oauth2.revoke"), ==, revokes);

  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "agent", "agent-b", NULL);
}

static void
test_agent_forget_offline (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) own = NULL;
  g_autoptr (AfConnection) row = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autoptr (GPtrArray) left = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *refresh = NULL;

  own = af_test_connect_for_agent (f->manager, "gmail", "agent-a", &error);
  g_assert_no_error (error);
  secret = af_test_keyring_lookup_agent ("gmail", own->account, "agent-a");
  refresh = af_test_json_member (secret, "refresh_token");

  /* The provider is down: the agent is forgotten for the app at once... */
  af_sandbox_oauth_set_revoke_failing (f->oauth, TRUE);
  g_assert_true (af_test_forget_agent (f->manager, "agent-a", &error));
  g_assert_no_error (error);
  row = af_connection_store_get_for_agent (af_account_manager_get_store (f->manager), "gmail", own->account, "agent-a", NULL);
  g_assert_nonnull (row);
  g_assert_cmpstr (row->status, ==, AF_CONNECTION_REVOKING);
  source = af_account_manager_get_token_source (f->manager, "gmail", own->account, "agent-a", &error);
  g_assert_null (source);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* ...but its token is neither dropped from the keyring unrevoked nor
   * left alive without a row that says so. */
  g_clear_pointer (&secret, g_free);
  secret = af_test_keyring_lookup_agent ("gmail", own->account, "agent-a");
  g_assert_nonnull (secret);
  g_assert_true (af_sandbox_oauth_is_token_live (f->oauth, refresh));

  /* The retry still fails while the provider is down, then succeeds. */
  g_assert_cmpuint (af_test_retry_revocations (f->manager, &error), ==, 1);
  g_assert_no_error (error);
  af_sandbox_oauth_set_revoke_failing (f->oauth, FALSE);
  g_assert_cmpuint (af_test_retry_revocations (f->manager, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, refresh));
  g_clear_pointer (&secret, g_free);
  g_assert_null ((secret = af_test_keyring_lookup_agent ("gmail", own->account, "agent-a")));
  left = af_account_manager_list_agent_connections (f->manager, NULL, &error);
  g_assert_cmpuint (left->len, ==, 0);
}

static void
test_agent_forget_orphan (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfTokenSet) tokens = af_token_set_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) left = NULL;
  g_autoptr (AfVault) vault = af_vault_new ();
  g_autofree char *secret = NULL;

  /* A keyring item of the agent without a row (a crash between the
   * keyring and the database): forgetting the agent finds it too. */
  tokens->access_token = g_strdup ("ya29.orphan-access");
  tokens->refresh_token = g_strdup ("1//orphan-refresh");
  af_vault_store_async (vault, "gmail", "orphan@example.com", "agent-o", "AgentFlow: Gmail (orphan@example.com, agent agent-o)",
                        tokens, NULL, af_test_on_result_cb, &result);
  g_assert_true (af_vault_store_finish (vault, af_test_wait (&result), &error));

  g_assert_true (af_test_forget_agent (f->manager, "agent-o", &error));
  g_assert_no_error (error);
  /* The sandbox does not know the token: as revoked as it gets. */
  g_assert_cmpuint (count (f, "google.oauth2.revoke"), ==, 1);
  g_assert_null ((secret = af_test_keyring_lookup_agent ("gmail", "orphan@example.com", "agent-o")));
  left = af_account_manager_list_agent_connections (f->manager, NULL, &error);
  g_assert_cmpuint (left->len, ==, 0);
}

/* OpenID Connect after a restart */

static void
test_oidc_restart (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfConnection) row = NULL;
  g_autoptr (AfAccountManager) later = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *access0 = NULL;
  g_autofree char *refresh0 = NULL;
  g_autofree char *token = NULL;
  gboolean         revoked = FALSE;
  guint            n;

  g_unsetenv ("AGENTFLOW_OIDC_ISSUER");
  g_unsetenv ("AGENTFLOW_OIDC_CLIENT_ID");
  c = af_test_connect (f->manager, "oidc", NULL, &error);
  g_assert_no_error (error);
  secret = af_test_keyring_lookup ("oidc", c->account);
  access0 = af_test_json_member (secret, "access_token");
  refresh0 = af_test_json_member (secret, "refresh_token");

  /* The row remembers the issuer's public endpoints, never a token. */
  row = af_connection_store_get (af_account_manager_get_store (f->manager), "oidc", c->account, NULL);
  g_assert_nonnull (row->provider);
  g_assert_nonnull (strstr (row->provider, "\"token_endpoint\""));
  g_assert_nonnull (strstr (row->provider, AF_SANDBOX_OIDC_CLIENT_ID));
  g_assert_null (strstr (row->provider, access0));
  g_assert_null (strstr (row->provider, refresh0));

  /* Restart: a new manager on the same database and keyring, with no
   * issuer or client configured and no discovery. */
  g_clear_object (&f->manager);
  {
    g_autoptr (SoupSession) session = af_test_session_new ();

    f->manager = af_account_manager_new (f->db, NULL, session);
  }
  n = count (f, "google.oauth2.token");
  source = af_account_manager_get_token_source (f->manager, "oidc", c->account, NULL, &error);
  g_assert_no_error (error);
  token = af_test_get_token (source, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, !=, access0);
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n + 1);

  /* And the same memory serves the revocation. */
  g_assert_true (af_test_disconnect (f->manager, "oidc", c->account, &revoked, &error));
  g_assert_no_error (error);
  g_assert_true (revoked);
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, refresh0));
}

/* Google's ID token */

static void
test_google_id_token (Fixture      *f,
                      gconstpointer data)
{
  const AfSandboxIdTokenFault *fault = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;

  af_sandbox_oauth_set_id_token_fault (f->oauth, *fault);
  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->account, ==, AF_SANDBOX_GOOGLE_ACCOUNT);
  /* A good ID token saves the userinfo round trip; any other falls back. */
  g_assert_cmpuint (count (f, "google.oauth2.userinfo"), ==, *fault == AF_SANDBOX_ID_TOKEN_FAULT_NONE ? 0 : 1);
}

static const AfSandboxIdTokenFault id_none = AF_SANDBOX_ID_TOKEN_FAULT_NONE;
static const AfSandboxIdTokenFault id_omit = AF_SANDBOX_ID_TOKEN_FAULT_OMIT;
static const AfSandboxIdTokenFault id_not_jwt = AF_SANDBOX_ID_TOKEN_FAULT_NOT_JWT;
static const AfSandboxIdTokenFault id_bad_payload = AF_SANDBOX_ID_TOKEN_FAULT_BAD_PAYLOAD;
static const AfSandboxIdTokenFault id_wrong_aud = AF_SANDBOX_ID_TOKEN_FAULT_WRONG_AUDIENCE;

static const FaultCase fault_html = { AF_SANDBOX_FAULT_HTML, AF_ERROR_BAD_RESPONSE, "does not understand" };
static const FaultCase fault_json = { AF_SANDBOX_FAULT_MALFORMED_JSON, AF_ERROR_BAD_RESPONSE, "not JSON" };
static const FaultCase fault_5xx = { AF_SANDBOX_FAULT_SERVER_ERROR, AF_ERROR_SERVICE_UNAVAILABLE, "HTTP 503" };
static const FaultCase fault_hang = { AF_SANDBOX_FAULT_HANG, AF_ERROR_TIMED_OUT, "did not answer in time" };
static const FaultCase fault_grant = { AF_SANDBOX_FAULT_INVALID_GRANT, AF_ERROR_AUTH_FAILED, "did not accept the sign-in" };

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/accounts/google/full-cycle", test_full_cycle_google, NULL);
  ADD ("/accounts/slack/rotation", test_slack_rotation, NULL);
  ADD ("/accounts/slack/bot-token", test_slack_bot_token, NULL);
  ADD ("/accounts/oidc/discovery", test_oidc_discovery, NULL);
  ADD ("/accounts/google/missing-scopes", test_missing_scopes, NULL);
  ADD ("/accounts/declined", test_declined, NULL);
  ADD ("/accounts/consent-page", test_consent_page, NULL);
  ADD ("/accounts/token-endpoint/html", test_token_endpoint_fault, &fault_html);
  ADD ("/accounts/token-endpoint/malformed-json", test_token_endpoint_fault, &fault_json);
  ADD ("/accounts/token-endpoint/5xx", test_token_endpoint_fault, &fault_5xx);
  ADD ("/accounts/token-endpoint/hang", test_token_endpoint_fault, &fault_hang);
  ADD ("/accounts/token-endpoint/invalid-grant", test_token_endpoint_fault, &fault_grant);
  ADD ("/accounts/refresh/invalid-grant", test_invalid_grant_on_refresh, NULL);
  ADD ("/accounts/revocation-retried", test_revocation_retried, NULL);
  ADD ("/accounts/no-client-id", test_no_client_id, NULL);
  ADD ("/accounts/timeout-and-cancel", test_timeout_and_cancel, NULL);
  ADD ("/accounts/agent/connect-and-fallback", test_agent_connect_and_fallback, NULL);
  ADD ("/accounts/agent/forget", test_agent_forget, NULL);
  ADD ("/accounts/agent/forget-offline", test_agent_forget_offline, NULL);
  ADD ("/accounts/agent/forget-orphan", test_agent_forget_orphan, NULL);
  ADD ("/accounts/oidc/restart", test_oidc_restart, NULL);
  ADD ("/accounts/google/id-token", test_google_id_token, &id_none);
  ADD ("/accounts/google/id-token/absent", test_google_id_token, &id_omit);
  ADD ("/accounts/google/id-token/not-jwt", test_google_id_token, &id_not_jwt);
  ADD ("/accounts/google/id-token/bad-payload", test_google_id_token, &id_bad_payload);
  ADD ("/accounts/google/id-token/wrong-audience", test_google_id_token, &id_wrong_aud);
#undef ADD

  return g_test_run ();
}
