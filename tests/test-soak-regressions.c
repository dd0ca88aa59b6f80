/* test-soak-regressions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bugs the soak (tests/soak) found, each pinned down on its own.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "af-engine.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"
#include "af-test-wait.h"

static guint
count_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  GBytes **out = data;

  *out = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  if (*out == NULL)
    *out = g_bytes_new (NULL, 0);
}

/* libsoup 3.2's server kept every idle keep-alive connection the client
 * had closed (CLOSE_WAIT): one descriptor per connection, for ever. */
static void
test_sandbox_closes_connections (void)
{
  g_autoptr (AfSandbox) sandbox = af_sandbox_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack = NULL, *llm = NULL, *url = NULL, *auth = NULL;
  guint            before;

  af_sandbox_seed_sample (sandbox);
  af_sandbox_add_default_tokens (sandbox, &google, &slack, &llm);
  g_assert_true (af_sandbox_start (sandbox, &error));
  url = g_strconcat (af_sandbox_get_base_url (sandbox), "/gmail/v1/users/me/profile", NULL);
  auth = g_strconcat ("Bearer ", google, NULL);

  before = count_fds ();
  for (guint i = 0; i < 40; i++)
    {
      /* A new client each time, gone after one request: as a browser or
       * a session's pool closing an idle connection. */
      g_autoptr (SoupSession) session = soup_session_new ();
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr (GBytes) body = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_cb, &body);
      while (body == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    }
  /* The server sees the hang-ups and closes its side. */
  af_test_wait_until (count_fds () <= before + 4, "the server to close the connections its clients hung up");
  g_assert_cmpuint (count_fds (), <=, before + 4);
}

/* A truncated answer (the body shorter than its Content-Length) left the
 * sandbox's side of the connection open for ever, waiting for the rest. */
static void
test_truncated_answer_closes (void)
{
  g_autoptr (AfSandbox) sandbox = af_sandbox_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack = NULL, *llm = NULL, *url = NULL, *auth = NULL;
  g_autoptr (SoupSession) session = soup_session_new ();
  guint before;

  af_sandbox_seed_sample (sandbox);
  af_sandbox_add_default_tokens (sandbox, &google, &slack, &llm);
  g_assert_true (af_sandbox_start (sandbox, &error));
  url = g_strconcat (af_sandbox_get_base_url (sandbox), "/gmail/v1/users/me/profile", NULL);
  auth = g_strconcat ("Bearer ", google, NULL);
  af_sandbox_add_fault (sandbox, "gmail.users.getProfile", AF_SANDBOX_ROUTE_TRUNCATED, 30, 0);

  before = count_fds ();
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr (GBytes) body = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_cb, &body);
      while (body == NULL)
        g_main_context_iteration (NULL, TRUE);
      /* Cut short: never the whole announced body. */
      g_assert_cmpint ((goffset)g_bytes_get_size (body), <,
                       soup_message_headers_get_content_length (soup_message_get_response_headers (msg)));
    }
  af_test_wait_until (count_fds () <= before + 4, "the sandbox to close the connections of the truncated answers");
  g_assert_cmpuint (count_fds (), <=, before + 4);
}

static void
on_run_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) r = af_engine_run_agent_finish (AF_ENGINE (source), result, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (r, "outcome"), ==, "succeeded");
  *(gboolean *)data = TRUE;
}

/* An agent must not act on the account's own outgoing mail: a rule that
 * answers mail about a "zebra" answered its own "Re: zebra" on every
 * run, and 50 such agents answered one another for ever. */
static void
test_agent_ignores_own_sent_mail (void)
{
  g_autoptr (AfSandbox) sandbox = af_sandbox_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack_token = NULL, *llm = NULL, *dir = NULL, *path = NULL;
  g_autofree char *calendar_base = NULL, *slack_base = NULL;
  g_autoptr (AfHttpClient) http = af_http_client_new ();
  g_autoptr (AfTokenSource) google_tokens = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;
  g_autoptr (AfServicesExecutor) executor = NULL;
  g_autoptr (AfDatabase) db = NULL;
  g_autoptr (AfEngine) engine = NULL;
  g_autoptr (AfAgent) agent = NULL;
  JsonArray  *connections = json_array_new ();
  JsonObject *c = json_object_new ();
  JsonArray  *perms = json_array_new ();
  const char *rules = "[{\"name\":\"Report\",\"conditions\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":"
                      "\"zebra\"}],\"actions\":[{\"action\":\"send\",\"params\":{\"to\":\"bob@example.com\","
                      "\"body\":\"Got it\"}}]}]";
  guint       sent;

  af_sandbox_seed_sample (sandbox);
  af_sandbox_add_default_tokens (sandbox, &google, &slack_token, &llm);
  g_assert_true (af_sandbox_start (sandbox, &error));
  google_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (google));
  slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
  calendar_base = g_strconcat (af_sandbox_get_base_url (sandbox), "/calendar/v3", NULL);
  slack_base = g_strconcat (af_sandbox_get_base_url (sandbox), "/api", NULL);
  gmail = af_gmail_client_new (http, google_tokens, af_sandbox_get_base_url (sandbox));
  calendar = af_calendar_client_new (http, google_tokens, calendar_base);
  slack = af_slack_client_new (http, slack_tokens, slack_base);
  executor = af_services_executor_new (gmail, calendar, slack);
  dir = g_dir_make_tmp ("af-soak-regression-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "agentflow.db", NULL);
  db = af_database_open (path, &error);
  g_assert_no_error (error);
  engine = af_engine_new (db, AF_EXECUTOR (executor));
  af_engine_set_network_monitor (engine, NULL);

  json_array_add_string_element (perms, "gmail.read");
  json_array_add_string_element (perms, "gmail.send");
  json_object_set_string_member (c, "service", "google");
  json_object_set_string_member (c, "account", AF_SANDBOX_ACCOUNT);
  json_object_set_array_member (c, "permissions", perms);
  json_array_add_object_element (connections, c);
  agent = af_template_create_agent (af_template_lookup ("custom"), NULL, connections);
  json_array_unref (connections);
  json_object_set_member (af_agent_get_definition (agent), "rules", json_from_string (rules, NULL));
  json_object_set_member (af_agent_get_definition (agent), "approvals", json_from_string ("{\"send\":\"auto\"}", NULL));
  /* The report arrives before the first run: that run looks back a day. */
  json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 1);
  af_engine_add_agent (engine, agent, &error);
  g_assert_no_error (error);

  g_free (af_sandbox_gmail_deliver (sandbox, "Boss <boss@example.com>", "The zebra figures", "Here they are."));
  for (guint run = 0; run < 3; run++)
    {
      gboolean done = FALSE;

      af_engine_run_agent_async (engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }
  sent = af_sandbox_gmail_get_n_sent (sandbox);
  /* One answer to the boss's report; none to its own "Re: The zebra figures". */
  g_assert_cmpuint (sent, ==, 1);

  g_clear_object (&engine);
  g_clear_object (&db);
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name (d)))
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);

        g_unlink (p);
      }
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/soak-regressions/sandbox-closes-connections", test_sandbox_closes_connections);
  g_test_add_func ("/soak-regressions/truncated-answer-closes", test_truncated_answer_closes);
  g_test_add_func ("/soak-regressions/agent-ignores-own-sent-mail", test_agent_ignores_own_sent_mail);

  return g_test_run ();
}
