/* test-engine-accounts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real mode end to end: accounts connected through the sandbox's OAuth
 * server, tokens in the real gnome-keyring, agents routed to them by the
 * AfAccountsExecutor, their work checked in the sandbox's mailbox.
 */

#include "config.h"

#include "af-accounts-executor.h"
#include "af-engine.h"
#include "af-test-auth.h"
#include "af-test-engine.h"

typedef struct
{
  char               *dir;
  AfDatabase         *db;
  AfSandbox          *sandbox;
  AfSandboxOAuth     *oauth;
  AfTestBrowser       browser;
  AfAccountManager   *manager;
  AfHttpClient       *http;
  AfAccountsExecutor *executor;
  AfEngine           *engine;
} Fixture;

static void
fixture_open_engine (Fixture *f)
{
  f->executor = af_accounts_executor_new (f->manager, f->http, f->db);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);
}

static void
fixture_close_engine (Fixture *f)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->executor);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->db = af_test_database_new (&f->dir);
  f->sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (f->sandbox);
  g_assert_true (af_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);
  f->oauth = af_sandbox_oauth_get (f->sandbox);
  af_sandbox_oauth_set_consent (f->oauth, AF_SANDBOX_CONSENT_APPROVE);
  f->browser.follow = TRUE;
  f->manager = af_test_manager_new (f->db, NULL, f->sandbox, &f->browser);
  f->http = af_http_client_new ();
  /* The APIs at the sandbox, the way AGENTFLOW_GOOGLE_BASE_URL and
   * AGENTFLOW_SLACK_BASE_URL would send them. */
  g_setenv ("AGENTFLOW_GOOGLE_BASE_URL", af_sandbox_get_base_url (f->sandbox), TRUE);
  g_setenv ("AGENTFLOW_SLACK_BASE_URL", af_sandbox_get_base_url (f->sandbox), TRUE);
  fixture_open_engine (f);
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
  g_unsetenv ("AGENTFLOW_GOOGLE_BASE_URL");
  g_unsetenv ("AGENTFLOW_SLACK_BASE_URL");
  fixture_close_engine (f);
  g_clear_object (&f->http);
  g_clear_object (&f->manager);
  g_clear_object (&f->sandbox);
  g_clear_object (&f->db);
  af_test_browser_clear (&f->browser);
  af_test_remove_dir (f->dir);
  g_free (f->dir);
}

static AfAgent *
add_agent (Fixture    *f,
           const char *template_id,
           const char *service,
           const char *account,
           const char *permissions)
{
  g_autoptr (JsonArray) connections = af_test_connections (service, account, permissions);
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup (template_id), NULL, connections);
  g_autoptr (GError) error = NULL;

  /* The sample mailbox is today's mail: a mail agent's first run looks
   * at it. */
  if (g_str_equal (json_object_get_string_member_with_default (af_agent_get_definition (agent), "source", "mail"), "mail"))
    json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 1);
  af_engine_add_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  return agent;
}

static JsonObject *
run_sync (Fixture *f,
          AfAgent *agent,
          GError **error)
{
  return af_test_run_agent (f->engine, agent, error);
}

static guint
count (Fixture    *f,
       const char *method)
{
  return af_sandbox_get_count (f->sandbox, method);
}

static AfConnection *
connect_account (Fixture    *f,
                 const char *service)
{
  g_autoptr (GError) error = NULL;
  AfConnection *c = af_test_connect (f->manager, service, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

/* What a person does at myaccount.google.com: the grant is withdrawn. */
static void
revoke_at_provider (Fixture    *f,
                    const char *service,
                    const char *account)
{
  g_autofree char *secret = af_test_keyring_lookup (service, account);
  g_autofree char *refresh = af_test_json_member (secret, "refresh_token");
  g_autofree char *url = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/revoke", NULL);
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = soup_message_new_from_encoded_form ("POST", url,
                                                                    soup_form_encode ("token", refresh, NULL));
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) body = NULL;

  /* Async: the sandbox answers from this same main loop. */
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, af_test_on_result_cb, &result);
  body = soup_session_send_and_read_finish (session, af_test_wait (&result), NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, refresh));
}

static void
test_email_assistant (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (AfConnection) c = connect_account (f, "gmail");
  AfAgent *agent = add_agent (f, "email-assistant", "gmail", c->account, "gmail.read gmail.modify gmail.compose");
  guint    starred = af_sandbox_gmail_count_with_label (f->sandbox, "STARRED");
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *access = NULL;
  g_autofree char *db_text = NULL;
  gsize            db_length;
  guint            done, drafts;

  result = run_sync (f, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  done = json_object_get_int_member (result, "done");
  g_assert_cmpuint (done, >, 0);
  g_assert_cmpint (json_object_get_int_member (result, "failed"), ==, 0);
  /* The work is in the mailbox of the connected account. */
  g_assert_cmpuint (count (f, "gmail.users.labels.create"), >, 0);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "STARRED"), >, starred);
  /* Label changes go out in batches (routed like single calls): fewer
   * calls than changes. */
  g_assert_cmpuint (count (f, "gmail.users.drafts.create"), <, done);
  g_assert_cmpuint (count (f, "gmail.users.messages.batchModify"), >, 0);
  g_assert_cmpuint (count (f, "gmail.users.messages.batchModify"), <,
                    done - count (f, "gmail.users.drafts.create"));
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->sandbox), ==, 0);

  /* New mail: handled alone, through the same cached client. */
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Boss <boss@example.com>", "URGENT: sign today",
                                    "Could you sign the contract?"));
  drafts = count (f, "gmail.users.drafts.create");
  again = run_sync (f, agent, &error);
  g_assert_no_error (error);
  /* Urgent: label + star; Work: label; needs a reply: draft. */
  g_assert_cmpint (json_object_get_int_member (again, "done"), ==, 4);
  g_assert_cmpuint (count (f, "gmail.users.drafts.create"), ==, drafts + 1);

  /* The token stayed in the keyring: not in the database. */
  secret = af_test_keyring_lookup ("gmail", c->account);
  access = af_test_json_member (secret, "access_token");
  g_assert_true (g_file_get_contents (af_database_get_path (f->db), &db_text, &db_length, NULL));
  g_assert_null (g_strstr_len (db_text, db_length, access));
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_ACTIVE);
}

static void
test_calendar_and_slack (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (AfConnection) calendar = connect_account (f, "calendar");
  g_autoptr (AfConnection) slack = connect_account (f, "slack");
  g_autoptr (JsonArray) connections = json_array_new ();
  g_autoptr (AfAgent) agent = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;
  guint             before = af_sandbox_slack_get_n_posts (f->sandbox, "general");
  const char *const services[][3] = {
    { "calendar", NULL, "calendar.read" },
    { "slack", NULL, "slack.post" },
  };

  /* Two services, two accounts: each call goes to its own. */
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      JsonObject *c = json_object_new ();
      JsonArray  *perms = json_array_new ();

      json_array_add_string_element (perms, services[i][2]);
      json_object_set_string_member (c, "service", services[i][0]);
      json_object_set_string_member (c, "account", i == 0 ? calendar->account : slack->account);
      json_object_set_array_member (c, "permissions", perms);
      json_array_add_object_element (connections, c);
    }
  agent = af_template_create_agent (af_template_lookup ("calendar-manager"), NULL, connections);
  af_engine_add_agent (f->engine, agent, &error);
  g_assert_no_error (error);

  result = run_sync (f, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (result, "done"), >=, 1);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "general"), ==,
                    before + json_object_get_int_member (result, "done"));
  g_assert_cmpuint (count (f, "calendar.events.list"), >=, 1);
}

static void
test_missing_connection (Fixture      *f,
                         gconstpointer data)
{
  AfAgent *unchosen = add_agent (f, "email-assistant", "gmail", "", "gmail.read gmail.modify");
  AfAgent *unknown = add_agent (f, "email-assistant", "gmail", "bob@example.com", "gmail.read gmail.modify");
  g_autoptr (JsonObject) r1 = NULL;
  g_autoptr (JsonObject) r2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *unknown_id = NULL;
  guint            before = af_sandbox_get_total_requests (f->sandbox);

  af_engine_start (f->engine, &error);
  g_assert_no_error (error);

  /* No account chosen: told to connect one; no request made. */
  r1 = run_sync (f, unchosen, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_clear_error (&error);
  g_assert_cmpint (af_agent_get_state (unchosen), ==, AF_AGENT_STATE_NEEDS_ATTENTION);
  g_assert_cmpstr (af_agent_get_state_reason (unchosen), ==, "Connect Gmail in Integrations");
  /* Waits for the person, not in a retry loop. */
  g_assert_cmpint (af_scheduler_get_due (af_engine_get_scheduler (f->engine), af_agent_get_id (unchosen)), ==, 0);

  /* An account that is not connected: named. */
  r2 = run_sync (f, unknown, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_clear_error (&error);
  g_assert_cmpint (af_agent_get_state (unknown), ==, AF_AGENT_STATE_NEEDS_ATTENTION);
  g_assert_cmpstr (af_agent_get_state_reason (unknown), ==, "Connect Gmail (bob@example.com) in Integrations");
  g_assert_cmpint (af_scheduler_get_due (af_engine_get_scheduler (f->engine), af_agent_get_id (unknown)), ==, 0);
  g_assert_cmpuint (af_sandbox_get_total_requests (f->sandbox), ==, before);

  /* The reason survives a restart. */
  unknown_id = g_strdup (af_agent_get_id (unknown));
  fixture_close_engine (f);
  fixture_open_engine (f);
  g_assert_cmpstr (af_agent_get_state_reason (af_engine_lookup_agent (f->engine, unknown_id)), ==,
                   "Connect Gmail (bob@example.com) in Integrations");
}

static void
test_revoked_then_reconnected (Fixture      *f,
                               gconstpointer data)
{
  g_autoptr (AfConnection) c = connect_account (f, "gmail");
  AfAgent *agent = add_agent (f, "email-assistant", "gmail", c->account, "gmail.read gmail.modify gmail.compose");
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) failed = NULL;
  g_autoptr (JsonObject) healed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) again = NULL;
  g_autoptr (AfConnection) stored = NULL;
  g_autofree char *reason = NULL;
  guint            tokens;

  af_engine_start (f->engine, &error);
  g_assert_no_error (error);
  first = run_sync (f, agent, &error);
  g_assert_no_error (error);

  /* The person withdrew AgentFlow's access at Google. */
  revoke_at_provider (f, "gmail", c->account);
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Boss <boss@example.com>", "URGENT: sign today", "Please sign."));
  tokens = count (f, "google.oauth2.token");
  failed = run_sync (f, agent, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_clear_error (&error);

  /* Needs attention, with what to do; no retry loop against the provider. */
  reason = g_strdup_printf ("Reconnect Gmail (%s) in Integrations", c->account);
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_NEEDS_ATTENTION);
  g_assert_cmpstr (af_agent_get_state_reason (agent), ==, reason);
  g_assert_cmpint (af_scheduler_get_due (af_engine_get_scheduler (f->engine), af_agent_get_id (agent)), ==, 0);
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, tokens + 1);
  stored = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", c->account, NULL);
  g_assert_cmpstr (stored->status, ==, AF_CONNECTION_NEEDS_RECONNECT);

  /* Reconnected: the executor drops the refused client, the agent works. */
  again = connect_account (f, "gmail");
  af_engine_resume_agent (f->engine, af_agent_get_id (agent), &error);
  g_assert_no_error (error);
  healed = run_sync (f, agent, &error);
  g_assert_no_error (error);
  /* Only the mail that came meanwhile: urgent label, star, work label. */
  g_assert_cmpint (json_object_get_int_member (healed, "done"), ==, 3);
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_ACTIVE);
}

static void
test_agent_credential_preferred (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr (AfConnection) c = connect_account (f, "gmail");
  AfAgent         *own = add_agent (f, "email-assistant", "gmail", c->account, "gmail.read gmail.modify gmail.compose");
  AfAgent         *shared = add_agent (f, "email-assistant", "gmail", c->account, "gmail.read gmail.modify gmail.compose");
  g_autofree char *own_secret = af_test_keyring_lookup ("gmail", c->account);
  g_autoptr (AfConnection) again = NULL;
  g_autoptr (JsonObject) r1 = NULL;
  g_autoptr (JsonObject) r2 = NULL;
  g_autoptr (GError) error = NULL;

  /* The first grant becomes the first agent's own credential… */
  secret_password_store_sync (af_vault_get_schema (), SECRET_COLLECTION_DEFAULT, "AgentFlow test", own_secret, NULL,
                              &error, "service", "gmail", "account", c->account, "agent", af_agent_get_id (own), NULL);
  g_assert_no_error (error);
  af_connection_store_save_for_agent (af_account_manager_get_store (f->manager), "gmail", c->account,
                                      af_agent_get_id (own), c->account, c->scopes, NULL, &error);
  g_assert_no_error (error);

  /* …then the shared one is connected anew and withdrawn at Google. */
  again = connect_account (f, "gmail");
  revoke_at_provider (f, "gmail", c->account);

  r1 = run_sync (f, own, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (r1, "done"), >, 0);
  g_assert_cmpint (af_agent_get_state (own), ==, AF_AGENT_STATE_ACTIVE);

  r2 = run_sync (f, shared, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_assert_cmpint (af_agent_get_state (shared), ==, AF_AGENT_STATE_NEEDS_ATTENTION);
}

static void
test_base_url_setter (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (AfConnection) c = connect_account (f, "gmail");
  AfAgent *agent = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;

  /* Without the environment, the executor goes to the real Google; the
   * setter points it at one origin for every API. */
  g_unsetenv ("AGENTFLOW_GOOGLE_BASE_URL");
  g_unsetenv ("AGENTFLOW_SLACK_BASE_URL");
  af_accounts_executor_set_base_url (f->executor, af_sandbox_get_base_url (f->sandbox));
  agent = add_agent (f, "custom", "gmail", c->account, "gmail.read");
  result = run_sync (f, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (f, "gmail.users.messages.list") + count (f, "gmail.users.history.list"), >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/engine-accounts/email-assistant", test_email_assistant);
  ADD ("/engine-accounts/calendar-and-slack", test_calendar_and_slack);
  ADD ("/engine-accounts/missing-connection", test_missing_connection);
  ADD ("/engine-accounts/revoked-then-reconnected", test_revoked_then_reconnected);
  ADD ("/engine-accounts/base-url-setter", test_base_url_setter);
  ADD ("/engine-accounts/agent-credential-preferred", test_agent_credential_preferred);
#undef ADD

  return g_test_run ();
}
