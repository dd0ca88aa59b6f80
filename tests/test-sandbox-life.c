/* test-sandbox-life.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "af-engine.h"
#include "af-refresh-token-source.h"
#include "af-sandbox-life.h"
#include "af-sandbox-oauth.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"
#include "af-test-engine.h"

/* The sandbox keeps living: over simulated minutes the sample Email
 * Assistant of the sandbox app (the engine's own sample agents) gets new
 * mail, asks before answering a request, and rides out Gmail's faults. */
typedef struct
{
  AfSandbox          *sandbox;
  AfSandboxLife      *life;
  AfHttpClient       *http;
  AfServicesExecutor *executor;
  AfEngine           *engine;
  AfTokenSource      *google_tokens;
} Fixture;

/* Empties @dir (files and directories below it) and removes it. */
static void
af_test_remove_tree (const char *dir)
{
  g_autoptr (GFile) file = g_file_new_for_path (dir);
  g_autoptr (GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                    G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;
  GFile     *child;

  while (children != NULL && g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
    {
      g_autofree char *path = g_file_get_path (child);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        af_test_remove_tree (path);
      else
        g_file_delete (child, NULL, NULL);
    }
  g_file_delete (file, NULL, NULL);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack_token = NULL, *llm_token = NULL, *calendar_base = NULL, *slack_base = NULL;
  g_autofree char *refresh = NULL, *token_url = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;

  f->sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (f->sandbox);
  af_sandbox_add_default_tokens (f->sandbox, &google, &slack_token, &llm_token);
  g_assert_true (af_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);
  f->life = af_sandbox_life_new (f->sandbox, 42);

  f->http = af_http_client_new ();
  /* Google as the app signs in: access tokens that expire, renewed at
   * the sandbox's token endpoint with the grant's refresh token. */
  refresh = af_sandbox_oauth_add_grant (af_sandbox_oauth_get (f->sandbox), AF_SANDBOX_GOOGLE_SCOPES);
  token_url = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/token", NULL);
  f->google_tokens = AF_TOKEN_SOURCE (af_refresh_token_source_new (af_http_client_get_session (f->http), token_url,
                                                                   AF_SANDBOX_GOOGLE_CLIENT_ID, refresh));
  slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
  calendar_base = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/calendar/v3", NULL);
  slack_base = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/api", NULL);
  gmail = af_gmail_client_new (f->http, f->google_tokens, af_sandbox_get_base_url (f->sandbox));
  calendar = af_calendar_client_new (f->http, f->google_tokens, calendar_base);
  slack = af_slack_client_new (f->http, slack_tokens, slack_base);
  f->executor = af_services_executor_new (gmail, calendar, slack);

  /* The sandbox app's engine, in this test's own data directory
   * (a fresh AGENTFLOW_DATA_DIR), with its sample agents. */
  af_test_remove_tree (g_getenv ("AGENTFLOW_DATA_DIR"));
  f->engine = af_engine_new_for_sandbox_with_executor (AF_EXECUTOR (f->executor), &error);
  g_assert_no_error (error);
  af_services_executor_set_database (f->executor, af_engine_get_database (f->engine));
  af_engine_set_network_monitor (f->engine, NULL);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->executor);
  g_clear_object (&f->http);
  g_clear_object (&f->google_tokens);
  g_clear_object (&f->life);
  g_clear_object (&f->sandbox);
}

static AfAgent *
find_agent (Fixture    *f,
            const char *template_id)
{
  GListModel *agents = af_engine_get_agents (f->engine);

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (g_strcmp0 (af_agent_get_template_id (agent), template_id) == 0)
        return agent;
    }
  g_assert_not_reached ();
}

static JsonObject *
run (Fixture *f,
     AfAgent *agent)
{
  g_autoptr (GError) error = NULL;
  JsonObject *result = af_test_run_agent (f->engine, agent, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (result, "failed"), ==, 0);
  return result;
}

/* One run; FALSE when Gmail was unavailable throughout it. */
static gboolean
run_once (Fixture *f,
          AfAgent *agent,
          guint   *done)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) result = af_test_run_agent (f->engine, agent, &error);

  if (result == NULL)
    {
      g_test_message ("run failed: %s", error->message);
      g_assert_nonnull (error);
      return FALSE;
    }
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (result, "failed"), ==, 0);
  *done += json_object_get_int_member (result, "done");
  return TRUE;
}

static guint
n_arrived (Fixture         *f,
           AfSandboxArrival kind)
{
  return af_sandbox_life_get_n_arrived (f->life, kind);
}

/* Five simulated minutes, the sample Email Assistant running every
 * minute as its trigger says. */
static void
test_five_minutes (Fixture      *f,
                   gconstpointer data)
{
  AfAgent    *agent = find_agent (f, "email-assistant");
  GListModel *approvals = af_engine_get_approvals (f->engine);
  guint       messages, drafts, done = 0, history_calls, runs = 0, failed_runs = 0, refreshes;
  gboolean    last_failed = FALSE;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (AfApproval) approval = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sent = NULL;

  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (af_agent_get_definition (agent), "trigger"),
                                               "minutes"),
                   ==, 1);

  /* The burst on the seeded mailbox, then nothing new without life. */
  first = run (f, agent);
  g_assert_cmpint (json_object_get_int_member (first, "done"), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (approvals), ==, 0);
  messages = af_sandbox_gmail_get_n_messages (f->sandbox);
  drafts = af_sandbox_gmail_get_n_drafts (f->sandbox);
  af_sandbox_reset_counts (f->sandbox);

  for (guint minute = 1; minute <= 5; minute++)
    {
      af_sandbox_life_advance (f->life, 60);
      g_assert_cmpuint (af_sandbox_life_get_elapsed (f->life), ==, minute * 60);
      if (run_once (f, agent, &done))
        last_failed = FALSE;
      else
        failed_runs++, last_failed = TRUE;
      runs++;
    }
  /* A run that met the outage is followed by one that gets through. */
  if (last_failed)
    {
      g_assert_true (run_once (f, agent, &done));
      runs++;
    }

  /* A few arrivals a minute, of every kind the sandbox simulates. */
  g_test_message ("5 minutes: %u mail, %u reply requests, %u Slack, %u events, %u faults; %u actions done",
                  n_arrived (f, AF_SANDBOX_ARRIVAL_MAIL), n_arrived (f, AF_SANDBOX_ARRIVAL_REPLY_REQUEST),
                  n_arrived (f, AF_SANDBOX_ARRIVAL_SLACK), n_arrived (f, AF_SANDBOX_ARRIVAL_EVENT),
                  n_arrived (f, AF_SANDBOX_ARRIVAL_RATE_LIMIT) + n_arrived (f, AF_SANDBOX_ARRIVAL_UNAVAILABLE), done);
  g_test_message ("%u runs, %u failed during the outage; %u expired tokens", runs, failed_runs,
                  n_arrived (f, AF_SANDBOX_ARRIVAL_EXPIRED_TOKEN));
  /* Drafts are messages too, in Gmail as in the sandbox: the agent's own
   * replies are counted apart from what arrived. */
  g_assert_cmpuint (af_sandbox_gmail_get_n_messages (f->sandbox) - af_sandbox_gmail_get_n_drafts (f->sandbox), ==,
                    messages - drafts + n_arrived (f, AF_SANDBOX_ARRIVAL_MAIL) + n_arrived (f, AF_SANDBOX_ARRIVAL_REPLY_REQUEST));
  g_assert_cmpuint (n_arrived (f, AF_SANDBOX_ARRIVAL_MAIL), >=, 1);
  g_assert_cmpuint (af_sandbox_slack_get_n_messages (f->sandbox, "C0GENERAL") + af_sandbox_slack_get_n_messages (f->sandbox, "C0RANDOM") +
                        af_sandbox_slack_get_n_messages (f->sandbox, "C0ALERTS"),
                    ==, n_arrived (f, AF_SANDBOX_ARRIVAL_SLACK));

  /* New mail processed by the agent. */
  g_assert_cmpuint (done, >=, 1);

  /* The reply request waits for the person: nothing sent before. */
  g_assert_cmpuint (n_arrived (f, AF_SANDBOX_ARRIVAL_REPLY_REQUEST), >=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (approvals), ==, n_arrived (f, AF_SANDBOX_ARRIVAL_REPLY_REQUEST));
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->sandbox), ==, 0);
  approval = g_list_model_get_item (approvals, 0);
  g_assert_cmpstr (af_approval_get_action (approval), ==, "send");
  af_test_approve (f->engine, af_approval_get_id (approval), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->sandbox), ==, 1);
  sent = af_sandbox_gmail_get_sent_mime (f->sandbox, 0);
  g_assert_nonnull (strstr (sent, "Re: " AF_SANDBOX_LIFE_REPLY_SUBJECT));

  /* Each fault was answered: a 429 costs one history.list more, an
   * outage as many as the client tries (four) in a run that fails and
   * says so; the agent stays active and its next run gets through. */
  g_assert_cmpuint (n_arrived (f, AF_SANDBOX_ARRIVAL_RATE_LIMIT), >=, 1);
  g_assert_cmpuint (n_arrived (f, AF_SANDBOX_ARRIVAL_UNAVAILABLE), >=, 1);
  g_assert_cmpuint (failed_runs, ==, n_arrived (f, AF_SANDBOX_ARRIVAL_UNAVAILABLE));
  g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_ACTIVE);
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (agent), "error"), ==,
                    failed_runs);
  /* An expired token costs one call answered 401, one refresh at the
   * token endpoint, and the same call again: no run failed for it
   * (failed_runs above counts the outages only). */
  g_assert_cmpuint (n_arrived (f, AF_SANDBOX_ARRIVAL_EXPIRED_TOKEN), >=, 1);
  refreshes = af_sandbox_get_count (f->sandbox, "google.oauth2.token");
  g_assert_cmpuint (refreshes, ==, n_arrived (f, AF_SANDBOX_ARRIVAL_EXPIRED_TOKEN));
  g_assert_cmpuint (af_refresh_token_source_get_n_refreshes (AF_REFRESH_TOKEN_SOURCE (f->google_tokens)), ==, 1 + refreshes);
  history_calls = af_sandbox_get_count (f->sandbox, "gmail.users.history.list");
  g_assert_cmpuint (history_calls, ==,
                    runs + n_arrived (f, AF_SANDBOX_ARRIVAL_RATE_LIMIT) +
                        n_arrived (f, AF_SANDBOX_ARRIVAL_UNAVAILABLE) * (AF_SANDBOX_LIFE_OUTAGE_REQUESTS - 1) +
                        n_arrived (f, AF_SANDBOX_ARRIVAL_EXPIRED_TOKEN));
}

/* The same seed, the same arrivals; the seed is kept. */
static void
test_deterministic (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (AfSandbox) other = af_sandbox_new ();
  g_autoptr (AfSandboxLife) again = NULL;
  guint total = 0;

  af_sandbox_seed_sample (other);
  again = af_sandbox_life_new (other, 42);
  g_assert_cmpuint (af_sandbox_life_get_seed (again), ==, 42);
  g_assert_cmpuint (af_sandbox_life_get_next_arrival (again), ==, af_sandbox_life_get_next_arrival (f->life));

  af_sandbox_life_advance (f->life, 600);
  /* In steps: the same as one jump. */
  for (guint i = 0; i < 60; i++)
    af_sandbox_life_advance (again, 10);
  for (guint kind = 0; kind < AF_SANDBOX_N_ARRIVALS; kind++)
    g_assert_cmpuint (af_sandbox_life_get_n_arrived (again, kind), ==, af_sandbox_life_get_n_arrived (f->life, kind));
  g_assert_cmpuint (af_sandbox_gmail_get_n_messages (other), ==, af_sandbox_gmail_get_n_messages (f->sandbox));
  g_assert_cmpuint (af_sandbox_calendar_get_n_events (other), ==, af_sandbox_calendar_get_n_events (f->sandbox));
  /* 8 to 30 s apart: a few a minute, between 20 and 75 in ten minutes. */
  for (guint kind = 0; kind < AF_SANDBOX_N_ARRIVALS; kind++)
    total += af_sandbox_life_get_n_arrived (again, kind);
  g_assert_cmpuint (total, >=, 20);
  g_assert_cmpuint (total, <=, 75);
}

static gboolean
on_timeout_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Started, the life follows the real clock with one timer. */
static void
test_real_time (Fixture      *f,
                gconstpointer data)
{
  guint    messages = af_sandbox_gmail_get_n_messages (f->sandbox);
  guint    next = af_sandbox_life_get_next_arrival (f->life);
  guint    before = 0;
  gboolean timed_out = FALSE;
  guint    guard;

  for (guint kind = 0; kind < AF_SANDBOX_N_ARRIVALS; kind++)
    before += af_sandbox_life_get_n_arrived (f->life, kind);
  g_assert_cmpuint (before, ==, 0);

  af_sandbox_life_start (f->life);
  /* Skip ahead to a second before the first arrival, then wait for it. */
  g_assert_cmpuint (af_sandbox_life_advance (f->life, next - 1), ==, 0);
  guard = g_timeout_add_seconds (30, on_timeout_cb, &timed_out);
  while (af_sandbox_life_get_n_arrived (f->life, AF_SANDBOX_ARRIVAL_MAIL) +
             af_sandbox_life_get_n_arrived (f->life, AF_SANDBOX_ARRIVAL_SLACK) +
             af_sandbox_life_get_n_arrived (f->life, AF_SANDBOX_ARRIVAL_EVENT) ==
         0)
    {
      g_assert_false (timed_out);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (guard);
  g_assert_cmpuint (af_sandbox_life_get_elapsed (f->life), >=, next);
  g_assert_cmpuint (af_sandbox_gmail_get_n_messages (f->sandbox), >=, messages);

  /* Stopped, nothing more arrives. */
  af_sandbox_life_stop (f->life);
  g_assert_cmpuint (af_sandbox_life_advance (f->life, 0), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  int              status;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("af-sandbox-life-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_setenv ("AGENTFLOW_DATA_DIR", dir, TRUE);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sandbox-life/five-minutes", test_five_minutes);
  ADD ("/sandbox-life/deterministic", test_deterministic);
  ADD ("/sandbox-life/real-time", test_real_time);
  status = g_test_run ();
  af_test_remove_tree (dir);
  return status;
}
