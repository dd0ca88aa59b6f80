/* test-engine-sandbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "af-engine.h"
#include "af-error.h"
#include "af-outbox.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"
#include "af-test-engine.h"

/* Every template end to end against the in-process sandbox (the local
 * Google and Slack simulation), through the real service clients. */
typedef struct
{
  char               *dir;
  AfSandbox          *sandbox;
  AfHttpClient       *http;
  AfServicesExecutor *executor;
  AfDatabase         *db;
  AfEngine           *engine;
  char               *google_token;
  char               *slack_token;
} Fixture;

/* A fresh executor over the sandbox, as after a restart of the app. */
static AfServicesExecutor *
new_executor (Fixture *f)
{
  g_autoptr (AfTokenSource) google_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (f->google_token));
  g_autoptr (AfTokenSource) slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (f->slack_token));
  g_autofree char *calendar_base = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/calendar/v3", NULL);
  g_autofree char *slack_base = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/api", NULL);
  g_autoptr (AfGmailClient) gmail = af_gmail_client_new (f->http, google_tokens, af_sandbox_get_base_url (f->sandbox));
  g_autoptr (AfCalendarClient) calendar = af_calendar_client_new (f->http, google_tokens, calendar_base);
  g_autoptr (AfSlackClient) slack = af_slack_client_new (f->http, slack_tokens, slack_base);

  return af_services_executor_new (gmail, calendar, slack);
}

/* The fixture's data for a sandbox serving from its own thread, as the
 * benchmarks run it: the same runs must come out the same. */
static const char threaded[] = "threaded";

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack_token = NULL, *path = NULL, *calendar_base = NULL, *slack_base = NULL;
  g_autofree char *llm_token = NULL, *llm_base = NULL;
  g_autoptr (AfTokenSource) llm_tokens = NULL;
  g_autoptr (AfLlmClient) llm = NULL;
  g_autoptr (AfTokenSource) google_tokens = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;

  f->sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (f->sandbox);
  af_sandbox_add_default_tokens (f->sandbox, &google, &slack_token, &llm_token);
  f->google_token = g_strdup (google);
  f->slack_token = g_strdup (slack_token);
  if (data == threaded)
    g_assert_true (af_sandbox_start_in_thread (f->sandbox, &error));
  else
    g_assert_true (af_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);

  f->http = af_http_client_new ();
  google_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (google));
  slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
  calendar_base = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/calendar/v3", NULL);
  slack_base = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/api", NULL);
  gmail = af_gmail_client_new (f->http, google_tokens, af_sandbox_get_base_url (f->sandbox));
  calendar = af_calendar_client_new (f->http, google_tokens, calendar_base);
  slack = af_slack_client_new (f->http, slack_tokens, slack_base);
  f->executor = af_services_executor_new (gmail, calendar, slack);

  f->dir = g_dir_make_tmp ("af-engine-sandbox-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "agentflow.db", NULL);
  f->db = af_database_open (path, &error);
  g_assert_no_error (error);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);

  llm_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (llm_token));
  llm_base = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/v1", NULL);
  llm = af_llm_client_new (f->http, llm_tokens, llm_base, "sandbox-model");
  af_engine_set_llm_client (f->engine, llm);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->db);
  g_clear_object (&f->executor);
  g_clear_object (&f->http);
  g_clear_object (&f->sandbox);
  g_free (f->google_token);
  g_free (f->slack_token);
  af_test_remove_dir (f->dir);
  g_free (f->dir);
}

static AfAgent *
add_agent (Fixture    *f,
           const char *template_id,
           const char *permissions,
           const char *rules_json,
           const char *approvals_json)
{
  g_autoptr (JsonArray) connections = af_test_connections ("google", AF_SANDBOX_ACCOUNT, permissions);
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup (template_id), NULL, connections);
  g_autoptr (GError) error = NULL;

  /* The sample mailbox (300 messages, one a minute) is the mail of the
   * last day: the first run looks at it. */
  if (g_str_equal (json_object_get_string_member_with_default (af_agent_get_definition (agent), "source", "mail"), "mail"))
    json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 1);
  if (rules_json != NULL)
    json_object_set_member (af_agent_get_definition (agent), "rules", json_from_string (rules_json, NULL));
  if (approvals_json != NULL)
    json_object_set_member (af_agent_get_definition (agent), "approvals", json_from_string (approvals_json, NULL));
  af_engine_add_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  return agent;
}

static JsonObject *
run_sync (Fixture *f,
          AfAgent *agent)
{
  g_autoptr (GError) error = NULL;
  JsonObject *result = af_test_run_agent (f->engine, agent, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  return result;
}

static guint
count (Fixture    *f,
       AfAgent    *agent,
       const char *kind)
{
  return af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (agent), kind);
}

/* The web address the newest "action-done" row of @agent keeps under
 * @key ("html_link", "permalink"): what "Open in Calendar" / "Open in
 * Slack" open. */
static char *
done_link (Fixture    *f,
           AfAgent    *agent,
           const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = af_activity_log_query (af_engine_get_activity_log (f->engine), af_agent_get_id (agent),
                                                      "action-done", G_MAXINT64, TRUE, 1, &error);
  g_autoptr (JsonNode) details = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  details = json_from_string (af_activity_entry_get_details (g_ptr_array_index (rows, 0)), &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (details), key, NULL));
}

/* The agent's first run takes only the cursor; then one message arrives. */
static void
only_new_mail (Fixture *f,
               AfAgent *agent)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) first = NULL;

  json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 0);
  first = af_test_run_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (first, "done"), ==, 0);
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Dana <dana@work.example>", "Project update",
                                    "The project is on track; the review is on Friday."));
}

static void
test_email_assistant (Fixture      *f,
                      gconstpointer data)
{
  AfAgent *agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", NULL, NULL);
  guint    starred = af_sandbox_gmail_count_with_label (f->sandbox, "STARRED");
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  guint modifies, drafts, done;

  first = run_sync (f, agent);
  done = json_object_get_int_member (first, "done");
  g_test_message ("email assistant: %u actions on the sandbox mailbox", done);
  g_assert_cmpuint (done, >, 0);
  g_assert_cmpuint (json_object_get_int_member (first, "failed"), ==, 0);
  g_assert_cmpuint (count (f, agent, "action-done"), ==, done);

  /* Labels created and applied, urgent mail starred, replies drafted. */
  modifies = af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify");
  drafts = af_sandbox_get_count (f->sandbox, "gmail.users.drafts.create");
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.labels.create"), >, 0);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "STARRED"), >, starred);
  /* Label changes go out in batches: fewer calls than changes. */
  g_assert_cmpuint (drafts, <, done);
  g_assert_cmpuint (modifies, >, 0);
  g_assert_cmpuint (modifies, <=, done - drafts);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->sandbox), ==, 0);

  /* New mail arrives: the next run handles it alone. */
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Boss <boss@example.com>", "URGENT: sign today",
                                    "Could you sign the contract?"));
  second = run_sync (f, agent);
  /* Urgent: label + star; Work: label; needs a reply: draft. */
  g_assert_cmpint (json_object_get_int_member (second, "done"), ==, 4);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.drafts.create"), ==, drafts + 1);

  /* The outbox keeps what its entries are done, approved and reconciled
   * with, not the mail's text: the draft's entry names the message it
   * answers, and no entry holds that message's body. */
  g_assert_cmpuint (af_test_query_uint (f->db, "SELECT count(*) FROM outbox WHERE action = 'draft'"
                                               " AND json_extract (params, '$.item.subject') = 'URGENT: sign today'"
                                               " AND json_extract (params, '$.item.message_id') LIKE '<%>'"
                                               " AND json_extract (params, '$.item.thread_id') <> ''"),
                    ==, 1);
  g_assert_cmpuint (af_test_query_uint (f->db, "SELECT count(*) FROM outbox WHERE params LIKE '%sign the contract%'"), ==, 0);
  g_assert_cmpuint (af_test_query_uint (f->db, "SELECT count(*) FROM outbox WHERE json_extract (params, '$.item.body') IS NOT NULL"), ==, 0);
}

static void
test_slack_notifier (Fixture      *f,
                     gconstpointer data)
{
  AfAgent *agent = add_agent (f, "slack-notifier", "slack.post gmail.read", NULL, NULL);
  guint    before = af_sandbox_slack_get_n_posts (f->sandbox, "general");
  g_autoptr (JsonObject) result = run_sync (f, agent);
  g_autoptr (JsonObject) again = NULL;

  g_autofree char *permalink = NULL;

  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 1);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "general"), ==, before + 1);
  /* The post is named "#general"; its link names the channel's ID. */
  permalink = done_link (f, agent, "permalink");
  g_assert_nonnull (permalink);
  g_assert_true (g_str_has_prefix (permalink, "https://example-workspace.slack.com/archives/C0GENERAL/p"));
  again = run_sync (f, agent);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "general"), ==, before + 1);
}

static void
test_calendar_manager (Fixture      *f,
                       gconstpointer data)
{
  AfAgent *agent = add_agent (f, "calendar-manager", "calendar.read slack.post", NULL, NULL);
  guint    before = af_sandbox_slack_get_n_posts (f->sandbox, "general");
  g_autoptr (JsonObject) result = run_sync (f, agent);
  guint done = json_object_get_int_member (result, "done");

  g_assert_cmpuint (done, >=, 1);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "general"), ==, before + done);
  g_assert_cmpuint (count (f, agent, "action-done"), ==, done);
}

static guint
query_uint (Fixture    *f,
            const char *sql)
{
  return af_test_query_uint (f->db, sql);
}

/* Posts done by @agent for today's agenda (the agenda and its warning
 * about overlapping events); agent ids are UUIDs. */
static guint
agenda_posts (Fixture *f,
              AfAgent *agent)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM outbox WHERE idempotency_key LIKE '%s:agenda-%%:post:%%'"
                                          " AND state = 'done'",
                                          af_agent_get_id (agent));

  return query_uint (f, sql);
}

/* A run that posted the day's agenda and then stopped before it recorded
 * the agenda as handled (it timed out, or the app was closed): the next
 * run reads the agenda again, and by then it has one more event. The
 * agenda was posted; it is not posted a second time with the new text. */
static void
test_agenda_posted_once_when_text_changes (Fixture      *f,
                                           gconstpointer data)
{
  AfAgent *agent = add_agent (f, "calendar-manager", "calendar.read slack.post", NULL, NULL);
  guint    before = af_sandbox_slack_get_n_posts (f->sandbox, "general");
  g_autoptr (JsonObject) first = run_sync (f, agent);
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) day = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                     g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr (GDateTime) start = g_date_time_add_minutes (day, 23 * 60 + 50);
  g_autoptr (GDateTime) end = g_date_time_add_minutes (day, 23 * 60 + 55);
  g_autofree char *start_text = g_date_time_format_iso8601 (start);
  g_autofree char *end_text = g_date_time_format_iso8601 (end);
  g_autofree char *forget = g_strdup_printf ("DELETE FROM seen_items WHERE agent_id = '%s'", af_agent_get_id (agent));
  guint            done = json_object_get_int_member (first, "done");
  guint            posted = agenda_posts (f, agent);

  g_assert_cmpuint (posted, >=, 1);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "general"), ==, before + done);

  /* The run stopped between the post and recording the item as seen; then
   * a late event makes today's agenda read differently. */
  g_assert_true (af_database_exec (f->db, forget, &error));
  g_assert_no_error (error);
  af_sandbox_calendar_add_event (f->sandbox, "Late addition", start_text, end_text);

  second = run_sync (f, agent);
  g_assert_cmpstr (json_object_get_string_member (second, "outcome"), ==, "succeeded");
  g_assert_cmpuint (agenda_posts (f, agent), ==, posted);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "general"), ==, before + done);
}

/* What the log keeps of an action's arguments never holds a secret, however
 * deep it sits; a row without one is kept as it is. */
static void
test_log_redacts_secrets (Fixture      *f,
                          gconstpointer data)
{
  const char *rules = "[{\"name\":\"Tell\",\"conditions\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":"
                      "\"Quarterly zebra\"}],\"actions\":[{\"action\":\"post\",\"params\":{\"channel\":\"#general\","
                      "\"text\":\"Urgent mail\",\"Password\":\"hunter2-not-for-logs\"}}]}]";
  AfAgent    *agent = add_agent (f, "custom", "gmail.read slack.post", rules, "{\"post\":\"auto\"}");
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  guint done = 0;

  g_free (af_sandbox_gmail_deliver (f->sandbox, "Dana <dana@work.example>", "Quarterly zebra count", "Numbers attached."));
  result = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 1);
  rows = af_activity_log_query (af_engine_get_activity_log (f->engine), af_agent_get_id (agent), NULL, G_MAXINT64, TRUE,
                                1000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      AfActivityEntry *e = g_ptr_array_index (rows, i);
      const char      *details = af_activity_entry_get_details (e);

      g_assert_null (strstr (details ? details : "", "hunter2"));
      if (g_strcmp0 (af_activity_entry_get_kind (e), "action-done") == 0)
        {
          g_assert_nonnull (strstr (details, "[redacted]"));
          g_assert_nonnull (strstr (details, "Urgent mail"));
          done++;
        }
    }
  g_assert_cmpuint (done, ==, 1);
}

static void
test_custom_events_and_gate (Fixture      *f,
                             gconstpointer data)
{
  const char *rules = "[{\"name\":\"Plan\",\"conditions\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":"
                      "\"URGENT\"}],\"actions\":[{\"action\":\"create_event\",\"params\":{\"summary\":\"Handle: "
                      "{{subject}}\",\"start\":\"2030-01-02T10:00:00Z\",\"end\":\"2030-01-02T10:30:00Z\"}},"
                      "{\"action\":\"send\",\"params\":{\"to\":\"boss@example.com\",\"body\":\"On it\"}}]}]";
  AfAgent    *agent = add_agent (f, "custom", "gmail.read calendar.write", rules,
                                 "{\"create_event\":\"auto\",\"send\":\"auto\"}");
  guint       events = af_sandbox_calendar_get_n_events (f->sandbox);
  g_autoptr (JsonObject) result = run_sync (f, agent);
  guint created = json_object_get_int_member (result, "done");

  /* Events created; sending refused by the gate (no gmail.send). */
  g_assert_cmpuint (created, >=, 1);
  g_assert_cmpuint (af_sandbox_calendar_get_n_events (f->sandbox), ==, events + created);
  g_assert_cmpint (json_object_get_int_member (result, "denied"), ==, created);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->sandbox), ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.send"), ==, 0);
  /* Each created event keeps its page in Google Calendar. */
  {
    g_autofree char *link = done_link (f, agent, "html_link");

    g_assert_nonnull (link);
    g_assert_true (g_str_has_prefix (link, "https://www.google.com/calendar/event?eid="));
  }
}

static void
test_ai_tools (Fixture      *f,
               gconstpointer data)
{
  AfAgent *agent = add_agent (f, "custom", "gmail.read gmail.modify", "[]", NULL);
  g_autoptr (JsonObject) result = NULL;
  JsonNode        *request;
  g_autofree char *request_text = NULL;
  JsonObject      *ai = json_object_new ();

  json_object_set_boolean_member (ai, "enabled", TRUE);
  json_object_set_string_member (ai, "instructions", "Label mail about work as AI-Work.");
  json_object_set_int_member (ai, "max_steps", 4);
  json_object_set_object_member (af_agent_get_definition (agent), "ai", ai);

  /* One new message, not the whole sample mailbox: the model is asked
   * about each message. */
  only_new_mail (f, agent);

  /* The scripted model: one good call, one tool it was not offered (the
   * mail told it to send something), one with invalid arguments. */
  af_sandbox_llm_push_tool_call (f->sandbox, "label", "{\"label\":\"AI-Work\"}");
  af_sandbox_llm_push_tool_call (f->sandbox, "send", "{\"to\":\"evil@example.com\",\"body\":\"all your mail\"}");
  af_sandbox_llm_push_tool_call (f->sandbox, "label", "{\"colour\":\"red\"}");

  result = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (result, "denied"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.labels.create"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify"), ==, 1);
  /* The permission gate held, whatever the model asked. */
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->sandbox), ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.send"), ==, 0);
  g_assert_cmpuint (count (f, agent, "action-denied"), ==, 1);
  g_assert_cmpuint (count (f, agent, "ai-rejected"), ==, 1);
  g_assert_cmpuint (count (f, agent, "ai-step"), >=, 1);

  /* The model saw only its allowed tools, and the mail as delimited data. */
  request = af_sandbox_llm_get_last_request (f->sandbox);
  request_text = json_to_string (request, FALSE);
  g_assert_nonnull (strstr (request_text, "<untrusted-data>"));
  {
    JsonNode        *tools = json_object_get_member (json_node_get_object (request), "tools");
    g_autofree char *tools_text = json_to_string (tools, FALSE);

    g_assert_nonnull (strstr (tools_text, "\"name\":\"label\""));
    g_assert_null (strstr (tools_text, "\"name\":\"send\""));
  }
}

static void
test_ai_model_per_agent (Fixture      *f,
                         gconstpointer data)
{
  AfAgent *own = add_agent (f, "custom", "gmail.read gmail.modify", "[]", NULL);
  AfAgent *plain = add_agent (f, "custom", "gmail.read gmail.modify", "[]", NULL);
  g_autoptr (JsonObject) r1 = NULL;
  g_autoptr (JsonObject) r2 = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *ai = json_object_new ();
  JsonObject *plain_ai = json_object_new ();
  JsonObject *request;

  json_object_set_boolean_member (ai, "enabled", TRUE);
  json_object_set_int_member (ai, "max_steps", 1);
  json_object_set_string_member (ai, "model", "tiny-local-model");
  json_object_set_double_member (ai, "temperature", 0.7);
  json_object_set_object_member (af_agent_get_definition (own), "ai", ai);
  af_engine_save_agent (f->engine, own, &error);
  g_assert_no_error (error);
  json_object_set_boolean_member (plain_ai, "enabled", TRUE);
  json_object_set_int_member (plain_ai, "max_steps", 1);
  json_object_set_object_member (af_agent_get_definition (plain), "ai", plain_ai);

  only_new_mail (f, own);
  only_new_mail (f, plain);

  /* The agent's own model and temperature reach the server… */
  r1 = run_sync (f, own);
  request = json_node_get_object (af_sandbox_llm_get_last_request (f->sandbox));
  g_assert_cmpstr (json_object_get_string_member (request, "model"), ==, "tiny-local-model");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (request, "temperature"), 0.7, 1e-9);

  /* …and the app-wide defaults stay for the others. */
  r2 = run_sync (f, plain);
  request = json_node_get_object (af_sandbox_llm_get_last_request (f->sandbox));
  g_assert_cmpstr (json_object_get_string_member (request, "model"), ==, "sandbox-model");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (request, "temperature"), 0.2, 1e-9);

  /* Bad settings are refused with their path. */
  json_object_set_double_member (ai, "temperature", 7);
  g_assert_false (af_engine_save_agent (f->engine, own, &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "ai.temperature"));
  g_clear_error (&error);
  json_object_set_double_member (ai, "temperature", 1);
  json_object_set_int_member (ai, "model", 42);
  g_assert_false (af_engine_save_agent (f->engine, own, &error));
  g_assert_nonnull (strstr (error->message, "ai.model"));
}

static guint
count_cursors (Fixture *f)
{
  return query_uint (f, "SELECT count (*) FROM sync_cursors WHERE service = 'gmail' AND kind = 'historyId'");
}

static void
test_gmail_cursor_restart (Fixture      *f,
                           gconstpointer data)
{
  AfAgent         *agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", NULL, NULL);
  g_autofree char *agent_id = g_strdup (af_agent_get_id (agent));
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) dry = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) third = NULL;
  g_autoptr (GError) error = NULL;
  AfTestRun w = { 0 };

  af_services_executor_set_database (f->executor, f->db);
  first = run_sync (f, agent);
  g_assert_cmpuint (count_cursors (f), ==, 1);

  /* A restart: new executor, new engine, the same database. */
  g_clear_object (&f->engine);
  g_clear_object (&f->executor);
  f->executor = new_executor (f);
  af_services_executor_set_database (f->executor, f->db);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);
  agent = af_engine_lookup_agent (f->engine, agent_id);
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Boss <boss@example.com>", "URGENT: sign today",
                                    "Could you sign the contract?"));
  af_sandbox_reset_counts (f->sandbox);

  /* A test run reads it but does not move the cursor on… */
  af_engine_run_agent_async (f->engine, agent_id, AF_RUN_FLAGS_DRY_RUN, NULL, af_test_run_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.error);
  dry = w.result;
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (dry, "actions")), ==, 4);

  /* …so the real run finds it, incrementally: history.list, no listing. */
  second = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (second, "done"), ==, 4);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.history.list"), ==, 2);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.list"), ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.get"), ==, 2);

  /* The cursor expired (404): a full resync, and still nothing twice. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.history.list", AF_SANDBOX_ROUTE_EXPIRE_CURSOR, 1, 0);
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Accounts <billing@vendor.example>", "Invoice 77", "Attached."));
  third = run_sync (f, agent);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.list"), >=, 1);
  /* Only the invoice is new: one Finance label. */
  g_assert_cmpint (json_object_get_int_member (third, "done"), ==, 1);
  g_assert_cmpuint (count_cursors (f), ==, 1);

  /* Deleted, the agent takes its cursor along. */
  af_engine_delete_agent (f->engine, agent_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_cursors (f), ==, 0);
}

static void
on_test_run_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  AfTestRun *w = data;

  w->result = af_engine_test_agent_finish (AF_ENGINE (source), result, &w->error);
  w->done = TRUE;
}

static void
test_gmail_cursor_test_run_meanwhile (Fixture      *f,
                                      gconstpointer data)
{
  AfAgent *agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", NULL, NULL);
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  AfTestRun real = { 0 }, test = { 0 };

  af_services_executor_set_database (f->executor, f->db);
  first = run_sync (f, agent);

  /* A real run fetches; a test run of the same agent fetches after it,
   * seeing a mail the real run did not. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.messages.batchModify", AF_SANDBOX_ROUTE_LATENCY, 1, 300);
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Boss <boss@example.com>", "URGENT: first", "Please sign."));
  af_sandbox_reset_counts (f->sandbox);
  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, af_test_run_cb, &real);
  while (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify") == 0)
    g_main_context_iteration (NULL, TRUE);
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Boss <boss@example.com>", "URGENT: second", "Please sign."));
  af_engine_test_agent_async (f->engine, agent, NULL, on_test_run_cb, &test);
  while (!real.done || !test.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (real.error);
  g_assert_no_error (test.error);
  g_assert_cmpint (json_object_get_int_member (real.result, "done"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test.result, "actions")), ==, 6);

  /* The real run did not move the cursor past the second mail: the next
   * run handles it, and nothing twice. */
  second = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (second, "done"), ==, 3);
  g_clear_pointer (&real.result, json_object_unref);
  g_clear_pointer (&test.result, json_object_unref);
}

/* Exactly once across a crash, through the real clients: each kind of
 * side effect is found again by what it carries (a Message-ID, an event
 * id, Slack metadata). */
typedef struct
{
  const char *action;
  const char *permissions;
  const char *params;
  const char *method;
  const char *lookup; /* how reconcile finds it */
} CrashCase;

static const CrashCase crash_cases[] = {
  { "send", "gmail.read gmail.send", "{\"to\":\"boss@example.com\",\"body\":\"On it\"}", "gmail.users.messages.send",
    "gmail.users.messages.list" },
  { "draft", "gmail.read gmail.compose", "{\"body\":\"Will do\"}", "gmail.users.drafts.create", "gmail.users.drafts.list" },
  { "post", "gmail.read slack.post", "{\"channel\":\"#general\",\"text\":\"Crash drill: {{subject}}\"}", "slack.chat.postMessage",
    "slack.conversations.history" },
  { "create_event", "gmail.read calendar.write",
    "{\"summary\":\"Handle: {{subject}}\",\"start\":\"2030-01-02T10:00:00Z\",\"end\":\"2030-01-02T10:30:00Z\"}",
    "calendar.events.insert", "calendar.events.get" },
};

static guint
side_effects (Fixture         *f,
              const CrashCase *c)
{
  if (g_str_equal (c->action, "send"))
    return af_sandbox_gmail_get_n_sent (f->sandbox);
  if (g_str_equal (c->action, "draft"))
    return af_sandbox_gmail_get_n_drafts (f->sandbox);
  if (g_str_equal (c->action, "post"))
    return af_sandbox_slack_get_n_posts (f->sandbox, "general");
  return af_sandbox_calendar_get_n_events (f->sandbox);
}

/* A custom agent doing @c's action on a new "Crash drill" mail, with
 * @policy ("auto", "ask") for it. */
static AfAgent *
add_crash_agent (Fixture         *f,
                 const CrashCase *c,
                 const char      *policy)
{
  g_autofree char *rules = g_strdup_printf ("[{\"name\":\"Drill\",\"conditions\":[{\"field\":\"subject\","
                                            "\"op\":\"contains\",\"value\":\"Crash drill\"}],\"actions\":"
                                            "[{\"action\":\"%s\",\"params\":%s}]}]",
                                            c->action, c->params);
  g_autofree char *approvals = g_strdup_printf ("{\"%s\":\"%s\"}", c->action, policy);

  g_free (af_sandbox_gmail_deliver (f->sandbox, "Boss <boss@example.com>", "Crash drill 7", "Please handle."));
  return add_agent (f, "custom", c->permissions, rules, approvals);
}

/* Runs without asserting the outcome: an action may fail on purpose. */
static JsonObject *
run_any (Fixture *f,
         AfAgent *agent)
{
  AfTestRun w = { 0 };

  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, af_test_run_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.error);
  return w.result;
}

/* The agent's one outbox entry for @action. */
static AfOutboxEntry *
crash_entry (Fixture      *f,
             AfAgent      *agent,
             const char   *action,
             AfOutboxState state)
{
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (GPtrArray) entries = af_outbox_list (outbox, state, NULL);
  AfOutboxEntry *found = NULL;

  for (guint i = 0; entries && i < entries->len; i++)
    {
      AfOutboxEntry *e = g_ptr_array_index (entries, i);

      if (g_str_equal (e->agent_id, af_agent_get_id (agent)) && g_str_equal (e->action, action))
        {
          g_assert_null (found);
          found = g_ptr_array_steal_index (entries, i--);
        }
    }
  return found;
}

/* Reads entry @id into @entry; whether it still says "executing". */
static gboolean
outbox_entry_executing (AfOutbox       *outbox,
                        gint64          id,
                        AfOutboxEntry **entry)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (entry, af_outbox_entry_free);
  *entry = af_outbox_get (outbox, id, &error);
  g_assert_no_error (error);
  return (*entry)->state == AF_OUTBOX_EXECUTING;
}

/* The app died between the call and the outbox's "done" (or "failed"):
 * the entry says "executing". Restart: new clients, new engine. */
static AfOutboxEntry *
crash_and_restart (Fixture       *f,
                   AfOutboxEntry *entry)
{
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (GError) error = NULL;
  AfOutboxEntry *after = NULL;

  g_assert_true (af_outbox_set_state (outbox, entry->id, AF_OUTBOX_EXECUTING, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->engine);
  g_clear_object (&f->executor);
  af_sandbox_reset_counts (f->sandbox);
  f->executor = new_executor (f);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);
  af_engine_start (f->engine, &error);
  g_assert_no_error (error);

  af_test_wait_until (!outbox_entry_executing (outbox, entry->id, &after),
                      "the restarted engine to settle the entry left executing");
  /* Let any stray second attempt show up before counting. */
  af_test_drain ();
  return after;
}

static void
test_crash_after_call (Fixture      *f,
                       gconstpointer data)
{
  const CrashCase *c = data;
  AfAgent         *agent = add_crash_agent (f, c, "auto");
  guint            before = side_effects (f, c);
  g_autoptr (JsonObject) result = run_sync (f, agent);
  g_autoptr (AfOutboxEntry) entry = NULL;
  g_autoptr (AfOutboxEntry) after = NULL;

  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 1);
  g_assert_cmpuint (side_effects (f, c), ==, before + 1);
  entry = crash_entry (f, agent, c->action, AF_OUTBOX_DONE);
  g_assert_nonnull (entry);

  /* It reached the service; the outbox never heard. Found, not redone. */
  after = crash_and_restart (f, entry);
  g_assert_cmpint (after->state, ==, AF_OUTBOX_DONE);
  g_assert_nonnull (strstr (after->result, "reconciled"));
  g_assert_cmpuint (side_effects (f, c), ==, before + 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, c->method), ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, c->lookup), >=, 1);
}

static void
test_crash_before_call (Fixture      *f,
                        gconstpointer data)
{
  const CrashCase *c = data;
  AfAgent         *agent = add_crash_agent (f, c, "auto");
  guint            before = side_effects (f, c);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (AfOutboxEntry) entry = NULL;
  g_autoptr (AfOutboxEntry) after = NULL;

  /* The call never reaches the service (500: nothing happens)… */
  af_sandbox_add_fault (f->sandbox, c->method, AF_SANDBOX_ROUTE_SERVER_ERROR, 100, 0);
  result = run_any (f, agent);
  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 0);
  g_assert_cmpuint (side_effects (f, c), ==, before);
  af_sandbox_clear_faults (f->sandbox);
  entry = crash_entry (f, agent, c->action, AF_OUTBOX_FAILED);
  g_assert_nonnull (entry);

  /* …and the app died with the entry "executing": not found, so done
   * now, exactly once. */
  after = crash_and_restart (f, entry);
  g_assert_cmpint (after->state, ==, AF_OUTBOX_DONE);
  g_assert_null (strstr (after->result, "reconciled"));
  g_assert_cmpuint (side_effects (f, c), ==, before + 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, c->method), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, c->lookup), >=, 1);
}

/* The call reached the service and then its answer was lost (the
 * connection dropped, or a body nobody can read): the engine asks the
 * service, and the feed says done, because it is. */
static void
test_answer_lost (Fixture      *f,
                  gconstpointer data)
{
  const CrashCase *c = data;
  AfAgent         *agent = add_crash_agent (f, c, "auto");
  guint            before = side_effects (f, c);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (AfOutboxEntry) entry = NULL;

  af_sandbox_add_fault (f->sandbox, c->method, AF_SANDBOX_ROUTE_DROP_CONNECTION, 1, 0);
  result = run_any (f, agent);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (result, "failed"), ==, 0);
  g_assert_cmpuint (side_effects (f, c), ==, before + 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, c->method), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, c->lookup), >=, 1);
  entry = crash_entry (f, agent, c->action, AF_OUTBOX_DONE);
  g_assert_nonnull (entry);
  g_assert_nonnull (strstr (entry->result, "confirmed"));

  /* And the next run leaves it be. */
  again = run_any (f, agent);
  g_assert_cmpint (json_object_get_int_member (again, "done"), ==, 0);
  g_assert_cmpuint (side_effects (f, c), ==, before + 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, c->method), ==, 1);
}

/* The same for an action the person approved: the answer to the send is
 * lost, the mail went out, and the approval says done. */
static void
test_answer_lost_approved (Fixture      *f,
                           gconstpointer data)
{
  const CrashCase *c = &crash_cases[0]; /* send */
  AfAgent         *agent;
  guint            before = side_effects (f, c);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (AfApproval) approval = NULL;
  g_autoptr (AfOutboxEntry) entry = NULL;
  g_autoptr (GError) error = NULL;

  agent = add_crash_agent (f, c, "ask");
  result = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (result, "waiting"), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, 1);
  approval = g_list_model_get_item (af_engine_get_approvals (f->engine), 0);

  af_sandbox_add_fault (f->sandbox, c->method, AF_SANDBOX_ROUTE_MALFORMED_JSON, 1, 0);
  af_test_approve (f->engine, af_approval_get_id (approval), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (side_effects (f, c), ==, before + 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, c->lookup), >=, 1);
  entry = crash_entry (f, agent, c->action, AF_OUTBOX_DONE);
  g_assert_nonnull (entry);
  g_assert_nonnull (strstr (entry->result, "confirmed"));
}

#define LABEL_TYPE "action IN ('label', 'archive', 'star', 'mark_read')"

/* The distinct changes (action and its parameters) among label-type
 * outbox entries in @state: one batchModify each, per 1000 messages. */
static guint
count_changes (Fixture      *f,
               AfOutboxState state)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM (SELECT DISTINCT action, json_extract (params, '$.params')"
                                          " FROM outbox WHERE " LABEL_TYPE " AND state = '%s')",
                                          af_enum_to_nick (AF_TYPE_OUTBOX_STATE, state));

  return query_uint (f, sql);
}

static guint
count_entries (Fixture      *f,
               AfOutboxState state)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM outbox WHERE " LABEL_TYPE " AND state = '%s'",
                                          af_enum_to_nick (AF_TYPE_OUTBOX_STATE, state));

  return query_uint (f, sql);
}

#define BACKLOG 500

static void
test_mail_backlog_requests (Fixture      *f,
                            gconstpointer data)
{
  AfAgent *agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", NULL, NULL);
  guint    starred, stars, changes, modify_entries;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) result = NULL;

  /* The agent has a cursor; then a backlog arrives. */
  first = run_sync (f, agent);
  starred = af_sandbox_gmail_count_with_label (f->sandbox, "STARRED");
  changes = count_changes (f, AF_OUTBOX_DONE);
  modify_entries = count_entries (f, AF_OUTBOX_DONE);
  stars = query_uint (f, "SELECT count (*) FROM outbox WHERE action = 'star' AND state = 'done'");
  af_sandbox_generate_messages (f->sandbox, BACKLOG, 7);
  af_sandbox_reset_counts (f->sandbox);

  result = run_sync (f, agent);
  g_assert_cmpuint (json_object_get_int_member (result, "failed"), ==, 0);
  modify_entries = count_entries (f, AF_OUTBOX_DONE) - modify_entries;
  g_test_message ("%u messages: %u label changes in %u batchModify calls, %u batch reads", BACKLOG, modify_entries,
                  af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify"),
                  af_sandbox_get_count (f->sandbox, "gmail.batch"));
  g_assert_cmpuint (modify_entries, >, BACKLOG / 2);

  /* Read in batches of 50 (the sandbox charges each message inside a
   * batch as a messages.get, as Gmail does, but it is no request of its
   * own), not one messages.get request each. */
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.batch"), <=, (BACKLOG + 49) / 50 + 1);
  g_assert_cmpuint (af_sandbox_get_total_requests (f->sandbox), <=,
                    af_sandbox_get_count (f->sandbox, "gmail.batch") +
                        af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify") +
                        af_sandbox_get_count (f->sandbox, "gmail.users.drafts.create") + 8);

  /* One batchModify per change (under 1000 messages each here), not one
   * per message; every change still done, and seen done. */
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify"), <=,
                    count_changes (f, AF_OUTBOX_DONE));
  g_assert_cmpuint (count_changes (f, AF_OUTBOX_DONE), <=, changes + 8);
  stars = query_uint (f, "SELECT count (*) FROM outbox WHERE action = 'star' AND state = 'done'") - stars;
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "STARRED"), ==, starred + stars);
  g_assert_cmpuint (count (f, agent, "action-done"), ==,
                    json_object_get_int_member (first, "done") + json_object_get_int_member (result, "done"));
}

/* A backlog over several history pages: the messages of the first page
 * are read while the next pages are still on their way, with as many
 * requests as reading them after the listing. */
static void
test_mail_reads_while_listing (Fixture      *f,
                               gconstpointer data)
{
  AfAgent *agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", NULL, NULL);
  g_autoptr (JsonObject) first = NULL;
  AfTestRun run = { 0 };
  guint     pages_when_read;

  first = run_sync (f, agent);
  af_sandbox_generate_messages (f->sandbox, 1400, 13);
  /* Each history page takes a while to come: three of them (500 records
   * a page) for 1,400 messages. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.history.list", AF_SANDBOX_ROUTE_LATENCY, G_MAXINT, 300);
  af_sandbox_reset_counts (f->sandbox);

  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, af_test_run_cb, &run);
  af_test_wait_until (run.done || af_sandbox_get_count (f->sandbox, "gmail.batch") > 0, "a batch read");
  pages_when_read = af_sandbox_get_count (f->sandbox, "gmail.users.history.list");
  af_test_wait_until (run.done, "the run to finish");
  g_assert_no_error (run.error);
  g_assert_cmpint (json_object_get_int_member (run.result, "failed"), ==, 0);
  g_test_message ("first batch read with %u of 3 history pages asked", pages_when_read);
  g_assert_cmpuint (pages_when_read, <, 3);

  /* Nothing more asked than in sequence: three pages, 14 batches of 100. */
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.history.list"), ==, 3);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.batch"), ==, 14);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.get"), ==, 1400);
  g_assert_cmpuint (count (f, agent, "action-done"), ==,
                    json_object_get_int_member (first, "done") + json_object_get_int_member (run.result, "done"));
  g_clear_pointer (&run.result, json_object_unref);
}

/* A backlog with more than one full batch of the same change: the run
 * sends the next batch while the first is still out (up to four, the HTTP
 * client's cap per service), instead of waiting for each. */
static void
test_mail_batches_in_flight (Fixture      *f,
                             gconstpointer data)
{
  AfAgent *agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", NULL, NULL);
  guint    done_before, done_meanwhile;
  g_autoptr (JsonObject) first = NULL;
  AfTestRun run = { 0 };

  first = run_sync (f, agent);
  done_before = count_entries (f, AF_OUTBOX_DONE);
  af_sandbox_generate_messages (f->sandbox, 2500, 11);
  /* Slow enough that the first batch is still out when the run has
   * planned the next thousand actions, even on a busy machine. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.messages.batchModify", AF_SANDBOX_ROUTE_LATENCY, G_MAXINT, 4000);
  af_sandbox_reset_counts (f->sandbox);

  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, af_test_run_cb, &run);
  while (!run.done && af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify") < 2)
    g_main_context_iteration (NULL, TRUE);
  /* A second batch went out before any came back. */
  done_meanwhile = count_entries (f, AF_OUTBOX_DONE);
  g_assert_false (run.done);
  g_assert_cmpuint (done_meanwhile, ==, done_before);
  g_assert_cmpuint (count_entries (f, AF_OUTBOX_EXECUTING), >=, 2 * AF_EXECUTOR_BATCH_MAX);

  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (run.error);
  g_assert_cmpint (json_object_get_int_member (run.result, "failed"), ==, 0);
  /* Every action settled, each once. */
  g_assert_cmpuint (count_entries (f, AF_OUTBOX_EXECUTING), ==, 0);
  g_assert_cmpuint (count_entries (f, AF_OUTBOX_PENDING), ==, 0);
  g_assert_cmpuint (count (f, agent, "action-done"), ==,
                    json_object_get_int_member (first, "done") + json_object_get_int_member (run.result, "done"));
  g_clear_pointer (&run.result, json_object_unref);
}

static void
test_mail_batch_failure (Fixture      *f,
                         gconstpointer data)
{
  AfAgent *agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", NULL, NULL);
  guint    starred, stars, failed, drafts, done_drafts, done_before, lookups;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) broken = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (JsonObject) idle = NULL;

  af_http_client_set_retry_policy (f->http, 2, 1, 5);
  first = run_sync (f, agent);
  starred = af_sandbox_gmail_count_with_label (f->sandbox, "STARRED");
  done_before = count_entries (f, AF_OUTBOX_DONE);
  stars = query_uint (f, "SELECT count (*) FROM outbox WHERE action = 'star' AND state = 'done'");
  af_sandbox_generate_messages (f->sandbox, 120, 11);
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Dana <dana@example.com>", "Lunch", "Could you confirm Friday?"));
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Eli <eli@example.com>", "Keys", "Please reply when you can."));

  /* Every batchModify fails (500: nothing happens): each action of the
   * batches fails, none counts as done. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.messages.batchModify", AF_SANDBOX_ROUTE_SERVER_ERROR, 1000, 0);
  /* And every draft is created but its answer is lost: the engine asks
   * Gmail (drafts.list by Message-ID) and counts them done, as they are. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.drafts.create", AF_SANDBOX_ROUTE_MALFORMED_JSON, 1000, 0);
  done_drafts = query_uint (f, "SELECT count (*) FROM outbox WHERE action = 'draft' AND state = 'done'");
  lookups = af_sandbox_get_count (f->sandbox, "gmail.users.drafts.list");
  broken = run_sync (f, agent);
  failed = json_object_get_int_member (broken, "failed");
  g_assert_cmpuint (query_uint (f, "SELECT count (*) FROM outbox WHERE action = 'draft' AND state = 'done'"), ==,
                    done_drafts + 2);
  g_assert_cmpuint (query_uint (f, "SELECT count (*) FROM outbox WHERE action = 'draft' AND state = 'failed'"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (broken, "done"), ==, 2);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.drafts.list"), ==, lookups + 2);
  g_assert_cmpuint (failed, >, 0);
  g_assert_cmpuint (count_entries (f, AF_OUTBOX_FAILED), ==, failed);
  g_assert_cmpuint (count_entries (f, AF_OUTBOX_DONE), ==, done_before);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "STARRED"), ==, starred);
  drafts = af_sandbox_gmail_get_n_drafts (f->sandbox);

  /* The next run reads those messages again and does exactly the failed
   * label changes, once; no draft is made twice. */
  af_sandbox_clear_faults (f->sandbox);
  af_sandbox_reset_counts (f->sandbox);
  again = run_sync (f, agent);
  g_assert_cmpuint (json_object_get_int_member (again, "failed"), ==, 0);
  /* The label changes are repeated; the drafts, which exist, are not. */
  g_assert_cmpuint (json_object_get_int_member (again, "done"), ==, failed);
  g_assert_cmpuint (count_entries (f, AF_OUTBOX_FAILED), ==, 0);
  g_assert_cmpuint (count_entries (f, AF_OUTBOX_DONE), ==, done_before + failed);
  g_assert_cmpuint (af_sandbox_gmail_get_n_drafts (f->sandbox), ==, drafts);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.drafts.create"), ==, 0);
  stars = query_uint (f, "SELECT count (*) FROM outbox WHERE action = 'star' AND state = 'done'") - stars;
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "STARRED"), ==, starred + stars);

  /* And then nothing is left to do. */
  idle = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (idle, "done"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (idle, "failed"), ==, 0);
}

/* A Slack agent in plain rules: a message in #alerts that mentions an
 * outage gets an answer there; one in #random does not, nor does the
 * agent's own answer (it mentions the outage too). */
static void
test_slack_source (Fixture      *f,
                   gconstpointer data)
{
  const char      *rules = "[{\"name\":\"Outages\",\"conditions\":["
                           "{\"field\":\"channel\",\"op\":\"in_channel\",\"value\":\"#alerts\"},"
                           "{\"field\":\"text\",\"op\":\"contains_any\",\"value\":\"outage, down\"}],"
                           "\"actions\":[{\"action\":\"post\",\"params\":{\"channel\":\"#alerts\","
                           "\"text\":\"On it: {{text}}\"}}]},"
                           "{\"name\":\"Lunch\",\"conditions\":["
                           "{\"field\":\"channel\",\"op\":\"in_channel\",\"value\":\"#random\"},"
                           "{\"field\":\"text\",\"op\":\"contains_any\",\"value\":\"lunch\"}],"
                           "\"actions\":[{\"action\":\"post\",\"params\":{\"channel\":\"#random\",\"text\":\"Enjoy\"}}]}]";
  AfAgent         *agent = add_agent (f, "slack-notifier", "slack.read slack.post", rules, NULL);
  g_autofree char *agent_id = g_strdup (af_agent_get_id (agent));
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) third = NULL;
  g_autoptr (JsonObject) fourth = NULL;
  guint alerts, random;

  json_object_set_string_member (af_agent_get_definition (agent), "source", "slack");
  af_services_executor_set_database (f->executor, f->db);

  /* The first run only takes note of where each channel is. */
  g_assert_true (af_sandbox_slack_deliver (f->sandbox, "#alerts", "U0BOB", "An old outage, before the agent"));
  first = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (first, "done"), ==, 0);
  alerts = af_sandbox_slack_get_n_posts (f->sandbox, "alerts");
  random = af_sandbox_slack_get_n_posts (f->sandbox, "random");

  g_assert_true (af_sandbox_slack_deliver (f->sandbox, "#alerts", "U0BOB", "Checkout is down since 10:02"));
  g_assert_true (af_sandbox_slack_deliver (f->sandbox, "#random", "U0CAROL", "The outage of the coffee machine is over"));
  g_assert_true (af_sandbox_slack_deliver (f->sandbox, "#alerts", "U0CAROL", "Deployed 1.4.2"));
  second = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (second, "done"), ==, 1);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "alerts"), ==, alerts + 1);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "random"), ==, random);

  /* Its own answer says "down" too: never acted on, nothing twice. */
  third = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (third, "done"), ==, 0);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "alerts"), ==, alerts + 1);

  /* Read incrementally from where it got to, kept across a restart. */
  g_clear_object (&f->engine);
  g_clear_object (&f->executor);
  f->executor = new_executor (f);
  af_services_executor_set_database (f->executor, f->db);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);
  agent = af_engine_lookup_agent (f->engine, agent_id);
  g_assert_true (af_sandbox_slack_deliver (f->sandbox, "#random", "U0BOB", "Lunch at noon?"));
  af_sandbox_reset_counts (f->sandbox);
  fourth = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (fourth, "done"), ==, 1);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "random"), ==, random + 1);
  /* One listing of the two channels' news, one page each. */
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "slack.conversations.history"), ==, 2);
}

/* Reading Slack takes its permission: an agent that may only post reads
 * no channel. */
static void
test_slack_source_needs_read (Fixture      *f,
                              gconstpointer data)
{
  AfAgent *agent = add_agent (f, "slack-notifier", "slack.post", NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) result = NULL;

  json_object_set_string_member (af_agent_get_definition (agent), "source", "slack");
  af_sandbox_reset_counts (f->sandbox);
  result = af_test_run_agent (f->engine, agent, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "Read messages"));
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "slack.conversations.list"), ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "slack.conversations.history"), ==, 0);
}

/* An agenda agent in plain rules: the next event's organizer and how
 * soon it starts. */
static void
test_calendar_conditions (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) start = g_date_time_add_minutes (now, 2);
  g_autoptr (GDateTime) end = g_date_time_add_minutes (now, 3);
  g_autofree char *start_text = NULL, *end_text = NULL, *rules = NULL, *other_rules = NULL;
  AfAgent         *agent, *other;
  guint            before = af_sandbox_slack_get_n_posts (f->sandbox, "general");
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) other_result = NULL;

  /* The agenda is today's: an event that starts tomorrow is not on it. */
  if (g_date_time_get_day_of_month (end) != g_date_time_get_day_of_month (now))
    {
      g_test_skip ("Too close to midnight for an event later today");
      return;
    }
  start_text = g_date_time_format_iso8601 (start);
  end_text = g_date_time_format_iso8601 (end);
  af_sandbox_calendar_add_event (f->sandbox, "Standup", start_text, end_text);
  rules = g_strdup_printf ("[{\"name\":\"Soon\",\"conditions\":["
                           "{\"field\":\"organizer\",\"op\":\"is_from\",\"value\":\"%s\"},"
                           "{\"field\":\"event_start\",\"op\":\"within\",\"value\":\"1h\"}],"
                           "\"actions\":[{\"action\":\"post\",\"params\":{\"channel\":\"#general\","
                           "\"text\":\"Soon: {{event_title}}\"}}]}]",
                           AF_SANDBOX_ACCOUNT);
  /* Someone else's events only: the sandbox account organizes all. */
  other_rules = g_strdup ("[{\"name\":\"Others\",\"conditions\":["
                          "{\"field\":\"organizer\",\"op\":\"is_from\",\"value\":\"someone@elsewhere.example\"}],"
                          "\"actions\":[{\"action\":\"post\",\"params\":{\"channel\":\"#general\",\"text\":\"x\"}}]}]");
  agent = add_agent (f, "calendar-manager", "calendar.read slack.post", rules, NULL);
  other = add_agent (f, "calendar-manager", "calendar.read slack.post", other_rules, NULL);

  result = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 1);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "general"), ==, before + 1);
  other_result = run_sync (f, other);
  g_assert_cmpint (json_object_get_int_member (other_result, "done"), ==, 0);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->sandbox, "general"), ==, before + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/engine-sandbox/email-assistant", test_email_assistant);
  ADD ("/engine-sandbox/slack-notifier", test_slack_notifier);
  ADD ("/engine-sandbox/slack-source", test_slack_source);
  ADD ("/engine-sandbox/calendar-conditions", test_calendar_conditions);
  ADD ("/engine-sandbox/slack-source-needs-read", test_slack_source_needs_read);
  ADD ("/engine-sandbox/calendar-manager", test_calendar_manager);
  ADD ("/engine-sandbox/agenda-posted-once-when-text-changes", test_agenda_posted_once_when_text_changes);
  ADD ("/engine-sandbox/custom-events-and-gate", test_custom_events_and_gate);
  ADD ("/engine-sandbox/log-redacts-secrets", test_log_redacts_secrets);
  ADD ("/engine-sandbox/ai-tools", test_ai_tools);
  ADD ("/engine-sandbox/ai-model-per-agent", test_ai_model_per_agent);
  ADD ("/engine-sandbox/gmail-cursor-restart", test_gmail_cursor_restart);
  ADD ("/engine-sandbox/gmail-cursor-test-run-meanwhile", test_gmail_cursor_test_run_meanwhile);
  ADD ("/engine-sandbox/mail-backlog-requests", test_mail_backlog_requests);
  ADD ("/engine-sandbox/mail-batch-failure", test_mail_batch_failure);
  ADD ("/engine-sandbox/mail-batches-in-flight", test_mail_batches_in_flight);
  ADD ("/engine-sandbox/mail-reads-while-listing", test_mail_reads_while_listing);
#undef ADD
#define ADD_THREADED(path, func) g_test_add (path, Fixture, threaded, fixture_setup, func, fixture_teardown)
  ADD_THREADED ("/engine-sandbox/threaded-sandbox/email-assistant", test_email_assistant);
  ADD_THREADED ("/engine-sandbox/threaded-sandbox/mail-backlog-requests", test_mail_backlog_requests);
  ADD_THREADED ("/engine-sandbox/threaded-sandbox/mail-batch-failure", test_mail_batch_failure);
  ADD_THREADED ("/engine-sandbox/threaded-sandbox/gmail-cursor-restart", test_gmail_cursor_restart);
  ADD_THREADED ("/engine-sandbox/threaded-sandbox/mail-reads-while-listing", test_mail_reads_while_listing);
#undef ADD_THREADED
  for (guint i = 0; i < G_N_ELEMENTS (crash_cases); i++)
    {
      g_autofree char *after = g_strdup_printf ("/engine-sandbox/crash/%s/reached-service", crash_cases[i].action);
      g_autofree char *before = g_strdup_printf ("/engine-sandbox/crash/%s/never-sent", crash_cases[i].action);

      g_test_add (after, Fixture, &crash_cases[i], fixture_setup, test_crash_after_call, fixture_teardown);
      g_test_add (before, Fixture, &crash_cases[i], fixture_setup, test_crash_before_call, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (crash_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine-sandbox/answer-lost/%s", crash_cases[i].action);

      g_test_add (path, Fixture, &crash_cases[i], fixture_setup, test_answer_lost, fixture_teardown);
    }
  g_test_add ("/engine-sandbox/answer-lost/approved-send", Fixture, NULL, fixture_setup, test_answer_lost_approved,
              fixture_teardown);

  return g_test_run ();
}
