/* test-auth0-vault.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Auth0 Token Vault end to end: from a clean profile, sign in to the
 * sandbox's Auth0 tenant, link Gmail, Calendar and Slack through it
 * (Connected Accounts), run the templates' agents, and check that every
 * Google and Slack call carried a token exchanged at Token Vault, that
 * none of those tokens reached the keyring, the database or the log, and
 * that Token Vault's refusals become sentences the person can act on.
 */

#include "config.h"

#include "af-accounts-executor.h"
#include "af-engine.h"
#include "af-sandbox-auth0.h"
#include "af-test-auth.h"
#include "af-test-engine.h"

typedef struct
{
  char               *dir;
  AfDatabase         *db;
  AfSandbox          *sandbox;
  AfSandboxAuth0     *tenant;
  AfTestBrowser       browser;
  AfAccountManager   *manager;
  AfHttpClient       *http;
  AfAccountsExecutor *executor;
  AfEngine           *engine;
  char               *account; /* the Auth0 user */
} Fixture;

static GString *logged;

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      g_string_append_printf (logged, "%s\n", (const char *)fields[i].value);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
clear_keyring (const char *service,
               const char *account)
{
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", service, "account", account, NULL);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_string_truncate (logged, 0);
  f->db = af_test_database_new (&f->dir);
  f->sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (f->sandbox);
  g_assert_true (af_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);
  f->tenant = af_sandbox_auth0_get (f->sandbox);
  f->browser.follow = TRUE;
  f->manager = af_test_manager_new (f->db, NULL, f->sandbox, &f->browser);
  /* A sign-in the sandbox does not finish fails the test, not the clock. */
  af_account_manager_set_timeout (f->manager, 20);
  f->http = af_http_client_new ();
  g_setenv ("AGENTFLOW_GOOGLE_BASE_URL", af_sandbox_get_base_url (f->sandbox), TRUE);
  g_setenv ("AGENTFLOW_SLACK_BASE_URL", af_sandbox_get_base_url (f->sandbox), TRUE);
  f->executor = af_accounts_executor_new (f->manager, f->http, f->db);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  if (f->account != NULL)
    {
      const char *const services[] = { "auth0", "gmail", "calendar", "slack" };

      for (guint i = 0; i < G_N_ELEMENTS (services); i++)
        clear_keyring (services[i], f->account);
    }
  clear_keyring ("auth0-client", AF_SANDBOX_AUTH0_CLIENT_ID);
  g_unsetenv ("AGENTFLOW_GOOGLE_BASE_URL");
  g_unsetenv ("AGENTFLOW_SLACK_BASE_URL");
  g_clear_object (&f->engine);
  g_clear_object (&f->executor);
  g_clear_object (&f->http);
  g_clear_object (&f->manager);
  g_clear_object (&f->sandbox);
  g_clear_object (&f->db);
  af_test_browser_clear (&f->browser);
  af_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->account);
}

static AfConnection *
sign_in (Fixture    *f,
         const char *client_id,
         const char *secret,
         GError    **error)
{
  g_autofree char *domain = af_sandbox_auth0_dup_domain_url (f->tenant);
  g_autoptr (GAsyncResult) result = NULL;
  AfConnection *c;

  af_account_manager_connect_auth0_async (f->manager, domain, client_id, secret, NULL, af_test_on_result_cb, &result);
  c = af_account_manager_connect_auth0_finish (f->manager, af_test_wait (&result), error);
  if (c == NULL && f->browser.body != NULL)
    g_test_message ("browser: %u %s at %s", f->browser.status, f->browser.body, f->browser.last_url);
  if (c != NULL && f->account == NULL)
    f->account = g_strdup (c->account);
  return c;
}

static AfConnection *
link_service (Fixture    *f,
              const char *service,
              GError    **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  af_account_manager_link_auth0_async (f->manager, service, NULL, af_test_on_result_cb, &result);
  return af_account_manager_link_auth0_finish (f->manager, af_test_wait (&result), error);
}

static void
sign_in_and_link (Fixture           *f,
                  const char *const *services)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) auth0 = sign_in (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (auth0->service, ==, "auth0");
  g_assert_cmpstr (auth0->account, ==, AF_SANDBOX_ACCOUNT);
  for (guint i = 0; services[i] != NULL; i++)
    {
      g_autoptr (AfConnection) c = link_service (f, services[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (c->service, ==, services[i]);
      g_assert_cmpstr (c->account, ==, AF_SANDBOX_ACCOUNT);
      g_assert_cmpstr (c->status, ==, AF_CONNECTION_CONNECTED);
      g_assert_cmpstr (c->scopes, !=, "");
    }
}

static AfAgent *
add_agent (Fixture    *f,
           const char *template_id,
           JsonArray  *connections)
{
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup (template_id), NULL, connections);
  g_autoptr (GError) error = NULL;

  /* The sandbox's mail is there before the first run: look back over it. */
  if (g_strcmp0 (json_object_get_string_member_with_default (af_agent_get_definition (agent), "source", NULL), "mail") == 0)
    json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 30);
  af_engine_add_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  return agent;
}

static void
add_connection (JsonArray  *connections,
                const char *service,
                const char *permissions)
{
  JsonObject *c = json_object_new ();
  JsonArray  *perms = json_array_new ();
  g_auto (GStrv) names = g_strsplit (permissions, " ", -1);

  for (guint i = 0; names[i]; i++)
    json_array_add_string_element (perms, names[i]);
  json_object_set_string_member (c, "service", service);
  json_object_set_string_member (c, "account", AF_SANDBOX_ACCOUNT);
  json_object_set_array_member (c, "permissions", perms);
  json_array_add_object_element (connections, c);
}

/* The database file and its write-ahead log. */
static gboolean
file_contains (const char *path,
               const char *needle)
{
  const char *const suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *text = NULL;
      gsize            length;

      if (g_file_get_contents (name, &text, &length, NULL) && g_strstr_len (text, length, needle) != NULL)
        return TRUE;
    }
  return FALSE;
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

      if (value != NULL)
        g_string_append_printf (out, "%s\n", secret_value_get_text (value));
    }
  g_list_free_full (items, g_object_unref);
  return g_string_free (out, FALSE);
}

static void
test_end_to_end (Fixture      *f,
                 gconstpointer data)
{
  const char *const services[] = { "gmail", "calendar", "slack", NULL };
  g_autoptr (JsonArray) mail = json_array_new ();
  g_autoptr (JsonArray) calendar = json_array_new ();
  g_autoptr (JsonArray) notifier = json_array_new ();
  g_autoptr (JsonArray) linked = NULL;
  g_autoptr (GAsyncResult) listed = NULL;
  g_autoptr (JsonObject) r1 = NULL;
  g_autoptr (JsonObject) r2 = NULL;
  g_autoptr (JsonObject) r3 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *keyring = NULL;
  g_autofree char *auth0_item = NULL;
  guint            posts = af_sandbox_slack_get_n_posts (f->sandbox, "general");
  guint            google, slack, exchanges;
  AfAgent         *a1, *a2, *a3;

  sign_in_and_link (f, services);

  /* The sign-in's refresh token and the client secret are in the
   * keyring; nothing of Google's or Slack's is. */
  auth0_item = af_test_keyring_lookup ("auth0", AF_SANDBOX_ACCOUNT);
  g_assert_nonnull (auth0_item);
  for (guint i = 0; services[i] != NULL; i++)
    g_assert_null (af_test_keyring_lookup (services[i], AF_SANDBOX_ACCOUNT));
  {
    g_autoptr (AfConnection) row = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail",
                                                            AF_SANDBOX_ACCOUNT, NULL);

    g_assert_nonnull (strstr (row->provider, "google-oauth2"));
  }
  g_assert_false (file_contains (af_database_get_path (f->db), AF_SANDBOX_AUTH0_CLIENT_SECRET));

  /* What Auth0 reports as linked. */
  af_account_manager_list_auth0_async (f->manager, NULL, af_test_on_result_cb, &listed);
  linked = af_account_manager_list_auth0_finish (f->manager, af_test_wait (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (linked), ==, 2);

  add_connection (mail, "gmail", "gmail.read gmail.modify gmail.compose");
  add_connection (calendar, "calendar", "calendar.read");
  add_connection (calendar, "slack", "slack.post");
  add_connection (notifier, "slack", "slack.post");
  add_connection (notifier, "gmail", "gmail.read");
  a1 = add_agent (f, "email-assistant", mail);
  a2 = add_agent (f, "calendar-manager", calendar);
  a3 = add_agent (f, "slack-notifier", notifier);

  r1 = af_test_run_agent (f->engine, a1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (r1, "outcome"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (r1, "done"), >, 0);
  r2 = af_test_run_agent (f->engine, a2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (r2, "done"), >=, 1);
  r3 = af_test_run_agent (f->engine, a3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (r3, "outcome"), ==, "succeeded");
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "general"), >, posts);

  /* Every Google and Slack call carried a Token Vault token. */
  google = af_sandbox_count_token_uses (f->sandbox, "google", NULL);
  slack = af_sandbox_count_token_uses (f->sandbox, "slack", NULL);
  g_assert_cmpuint (google, >, 0);
  g_assert_cmpuint (slack, >, 0);
  g_assert_cmpuint (af_sandbox_count_token_uses (f->sandbox, "google", "ya29.sandbox-tv-"), ==, google);
  g_assert_cmpuint (af_sandbox_count_token_uses (f->sandbox, "slack", "xoxp-sandbox-tv-"), ==, slack);
  /* Exchanged once per service, then reused from memory: besides, one
   * call for the sign-in and a My Account API token for each of the
   * three links and the listing. */
  exchanges = af_sandbox_get_count (f->sandbox, "auth0.oauth.token");
  g_assert_cmpuint (exchanges, ==, 1 + 4 + 3);

  /* No Google or Slack token in the keyring, the database or the log. */
  keyring = keyring_dump ();
  g_assert_null (strstr (keyring, "ya29."));
  g_assert_null (strstr (keyring, "xoxp-"));
  g_assert_false (file_contains (af_database_get_path (f->db), "ya29."));
  g_assert_false (file_contains (af_database_get_path (f->db), "xoxp-"));
  g_assert_null (strstr (logged->str, "ya29."));
  g_assert_null (strstr (logged->str, "xoxp-"));
  g_assert_null (strstr (logged->str, AF_SANDBOX_AUTH0_CLIENT_SECRET));

  /* Signing out of Auth0 revokes the refresh token there and clears the
   * keyring; the agents need the person. */
  {
    g_autofree char *refresh = af_test_json_member (auth0_item, "refresh_token");
    gboolean         revoked = FALSE;
    g_autoptr (JsonObject) after = NULL;

    g_assert_true (af_test_disconnect (f->manager, "auth0", AF_SANDBOX_ACCOUNT, &revoked, &error));
    g_assert_no_error (error);
    g_assert_true (revoked);
    g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "auth0.oauth.revoke"), ==, 1);
    g_assert_null (af_test_keyring_lookup ("auth0", AF_SANDBOX_ACCOUNT));
    g_assert_null (af_test_keyring_lookup ("auth0-client", AF_SANDBOX_AUTH0_CLIENT_ID));
    g_free (af_sandbox_gmail_deliver (f->sandbox, "Boss <boss@example.com>", "URGENT: sign today", "Please sign."));
    after = af_test_run_agent (f->engine, a1, &error);
    g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
    g_assert_cmpint (af_agent_get_state (a1), ==, AF_AGENT_STATE_NEEDS_ATTENTION);
    g_assert_nonnull (strstr (af_agent_get_state_reason (a1), "Auth0"));
    (void)refresh;
  }
}

/* Runs @agent once more after a fault at Token Vault; returns its reason. */
static const char *
run_failing (Fixture *f,
             AfAgent *agent,
             gint     code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) result = NULL;

  g_free (af_sandbox_gmail_deliver (f->sandbox, "Boss <boss@example.com>", "URGENT: sign today", "Please sign."));
  result = af_test_run_agent (f->engine, agent, &error);
  g_assert_error (error, AF_ERROR, code);
  return af_agent_get_state_reason (agent);
}

static AfAgent *
mail_agent (Fixture *f)
{
  const char *const services[] = { "gmail", NULL };
  g_autoptr (JsonArray) mail = json_array_new ();

  sign_in_and_link (f, services);
  add_connection (mail, "gmail", "gmail.read gmail.modify gmail.compose");
  return add_agent (f, "email-assistant", mail);
}

static void
test_not_linked (Fixture      *f,
                 gconstpointer data)
{
  AfAgent *agent = mail_agent (f);
  g_autoptr (AfConnection) row = NULL;

  /* The person removed Google at Auth0 (or its tokens are gone there). */
  af_sandbox_auth0_drop_token_set (f->tenant, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION);
  g_assert_nonnull (strstr (run_failing (f, agent, AF_ERROR_NEEDS_RECONNECT), "Connect Google through Auth0"));
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_NEEDS_ATTENTION);
  row = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", AF_SANDBOX_ACCOUNT, NULL);
  g_assert_cmpstr (row->status, ==, AF_CONNECTION_NEEDS_RECONNECT);
  g_assert_nonnull (strstr (row->status_reason, "Connect Google through Auth0"));
}

static void
test_subject_expired (Fixture      *f,
                      gconstpointer data)
{
  AfAgent *agent = mail_agent (f);

  g_autoptr (AfConnection) auth0 = NULL;
  g_autoptr (AfConnection) row = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *hint = NULL;

  af_sandbox_auth0_expire_refresh_tokens (f->tenant);
  g_assert_nonnull (strstr (run_failing (f, agent, AF_ERROR_NEEDS_RECONNECT), "Sign in to Auth0 again"));
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_NEEDS_ATTENTION);

  /* Signing in again offers the same account, and its Gmail no longer
   * waits: the agent runs again. */
  auth0 = sign_in (f, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET, &error);
  g_assert_no_error (error);
  hint = af_sandbox_auth0_dup_last_login_hint (f->tenant);
  g_assert_cmpstr (hint, ==, AF_SANDBOX_ACCOUNT);
  row = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", AF_SANDBOX_ACCOUNT, NULL);
  g_assert_cmpstr (row->status, ==, AF_CONNECTION_CONNECTED);
  result = af_test_run_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
}

static void
test_rotation (Fixture      *f,
               gconstpointer data)
{
  AfAgent *agent = mail_agent (f);

  g_autoptr (JsonObject) result = NULL;
  g_autoptr (AfConnection) row = NULL;
  g_autoptr (GError) error = NULL;

  af_sandbox_auth0_set_rotation (f->tenant, TRUE);
  g_assert_nonnull (strstr (run_failing (f, agent, AF_ERROR_NEEDS_RECONNECT), "Refresh Token Rotation"));
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_NEEDS_ATTENTION);

  /* The My Account API still works: each rotated refresh token is kept
   * (using a spent one would make Auth0 revoke the sign-in). */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GAsyncResult) listed = NULL;
      g_autoptr (JsonArray) linked = NULL;

      af_account_manager_list_auth0_async (f->manager, NULL, af_test_on_result_cb, &listed);
      linked = af_account_manager_list_auth0_finish (f->manager, af_test_wait (&listed), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (json_array_get_length (linked), ==, 1);
    }

  /* Turned off in the dashboard: the next run works, nothing to relink. */
  af_sandbox_auth0_set_rotation (f->tenant, FALSE);
  result = af_test_run_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  row = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", AF_SANDBOX_ACCOUNT, NULL);
  g_assert_cmpstr (row->status, ==, AF_CONNECTION_CONNECTED);
}

static void
test_rate_limited (Fixture      *f,
                   gconstpointer data)
{
  const char *const services[] = { "slack", NULL };
  g_autoptr (AfTokenSource) source = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  sign_in_and_link (f, services);
  source = af_account_manager_get_token_source (f->manager, "slack", AF_SANDBOX_ACCOUNT, NULL, &error);
  g_assert_no_error (error);
  af_sandbox_auth0_add_rate_limit (f->tenant, "auth0.oauth.token", 1, 30);
  token = af_test_get_token (source, FALSE, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "30 seconds"));
  g_clear_error (&error);
  /* Not a reason to bother the person: the next try works. */
  token = af_test_get_token (source, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (token, "xoxp-sandbox-tv-"));
}

static void
on_token_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  char **out = user_data;

  *out = af_token_source_get_token_finish (AF_TOKEN_SOURCE (object), result, NULL);
}

static void
test_single_flight_and_cache (Fixture      *f,
                              gconstpointer data)
{
  const char *const services[] = { "gmail", NULL };
  g_autoptr (AfTokenSource) source = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  guint            before;

  sign_in_and_link (f, services);
  source = af_account_manager_get_token_source (f->manager, "gmail", AF_SANDBOX_ACCOUNT, NULL, &error);
  g_assert_no_error (error);
  before = af_sandbox_get_count (f->sandbox, "auth0.oauth.token");

  /* Two callers at once: one exchange. */
  af_token_source_get_token_async (source, FALSE, NULL, on_token_cb, &a);
  af_token_source_get_token_async (source, TRUE, NULL, on_token_cb, &b);
  while (a == NULL || b == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "auth0.oauth.token"), ==, before + 1);
  /* Then from memory. */
  c = af_test_get_token (source, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c, ==, a);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "auth0.oauth.token"), ==, before + 1);
  /* The API refused it (a 401): exactly one new exchange. */
  g_clear_pointer (&c, g_free);
  c = af_test_get_token (source, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "auth0.oauth.token"), ==, before + 2);
}

static void
test_public_client (Fixture      *f,
                    gconstpointer data)
{
  const char *const services[] = { "gmail", NULL };
  g_autoptr (AfTokenSource) source = NULL;
  g_autoptr (AfConnection) auth0 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  /* A Native (public) application signs in but may not use Token Vault. */
  auth0 = sign_in (f, AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (af_test_keyring_lookup ("auth0-client", AF_SANDBOX_AUTH0_PUBLIC_CLIENT_ID));
  g_clear_object (&f->manager);
  f->manager = af_test_manager_new (f->db, NULL, f->sandbox, &f->browser);
  {
    g_autoptr (AfConnection) c = link_service (f, services[0], &error);

    g_assert_no_error (error);
  }
  source = af_account_manager_get_token_source (f->manager, "gmail", AF_SANDBOX_ACCOUNT, NULL, &error);
  g_assert_no_error (error);
  token = af_test_get_token (source, FALSE, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_assert_nonnull (strstr (error->message, "client secret"));
}

static void
test_narrower_scope (Fixture      *f,
                     gconstpointer data)
{
  const char *const services[] = { "gmail", NULL };
  g_autoptr (AfConnection) row = NULL;

  /* The person unticked "send" at Google's consent screen. */
  af_sandbox_auth0_set_withheld_scopes (f->tenant, AF_SANDBOX_AUTH0_GOOGLE_CONNECTION,
                                        "https://www.googleapis.com/auth/gmail.send");
  sign_in_and_link (f, services);
  row = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", AF_SANDBOX_ACCOUNT, NULL);
  g_assert_null (strstr (row->scopes, "gmail.send"));
  g_assert_nonnull (strstr (row->scopes, "gmail.modify"));
}

static void
test_bad_domain (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;

  /* Plain http off the loopback interface is refused before any request. */
  af_account_manager_connect_auth0_async (f->manager, "http://example.com", "x", NULL, NULL, af_test_on_result_cb, &result);
  c = af_account_manager_connect_auth0_finish (f->manager, af_test_wait (&result), &error);
  g_assert_null (c);
  g_assert_nonnull (error);
  g_clear_object (&result);
  g_clear_error (&error);
  /* Linking without a sign-in says what to do. */
  g_assert_null (link_service (f, "gmail", &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "agentflow connect auth0"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  logged = g_string_new (NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/auth0-vault/end-to-end", test_end_to_end);
  ADD ("/auth0-vault/not-linked", test_not_linked);
  ADD ("/auth0-vault/subject-expired", test_subject_expired);
  ADD ("/auth0-vault/rotation", test_rotation);
  ADD ("/auth0-vault/rate-limited", test_rate_limited);
  ADD ("/auth0-vault/single-flight", test_single_flight_and_cache);
  ADD ("/auth0-vault/public-client", test_public_client);
  ADD ("/auth0-vault/narrower-scope", test_narrower_scope);
  ADD ("/auth0-vault/bad-domain", test_bad_domain);

  return g_test_run ();
}
