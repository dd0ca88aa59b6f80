/* test-mail-sync.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "af-engine.h"
#include "af-error.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"
#include "af-test-engine.h"

/* A mail agent against the sandbox as Gmail behaves: its own drafts and
 * sent mail come back through the history, history expires, a first run
 * looks back as far as the user chose. Counted in HTTP requests and quota
 * units against what the API needs at the least. */
typedef struct
{
  char               *dir;
  AfSandbox          *sandbox;
  AfHttpClient       *http;
  AfServicesExecutor *executor;
  AfDatabase         *db;
  AfEngine           *engine;
  AfGmailClient      *gmail;
} Fixture;

/* Gmail quota units, https://developers.google.com/gmail/api/reference/quota */
#define UNITS_GET_PROFILE  1
#define UNITS_HISTORY_LIST 2
#define UNITS_LIST         5
#define UNITS_GET          5
#define UNITS_LABELS_LIST  1
#define UNITS_LABEL_CREATE 5
#define UNITS_BATCH_MODIFY 50

#define LIST_PAGE   500
#define BATCH_PARTS 100
#define MODIFY_IDS  1000

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack_token = NULL, *path = NULL, *calendar_base = NULL, *slack_base = NULL;
  g_autoptr (AfTokenSource) google_tokens = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;

  f->sandbox = af_sandbox_new ();
  af_sandbox_add_default_tokens (f->sandbox, &google, &slack_token, NULL);
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
  f->gmail = g_object_ref (gmail);

  f->dir = g_dir_make_tmp ("af-mail-sync-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "agentflow.db", NULL);
  f->db = af_database_open (path, &error);
  g_assert_no_error (error);
  af_services_executor_set_database (f->executor, f->db);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->db);
  g_clear_object (&f->executor);
  g_clear_object (&f->gmail);
  g_clear_object (&f->http);
  g_clear_object (&f->sandbox);
  af_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* An agent of @template_id with @rules_json (NULL: the template's), and
 * "first_run_days" @days when ≥ 0. */
static AfAgent *
add_agent (Fixture    *f,
           const char *template_id,
           const char *permissions,
           const char *rules_json,
           int         days)
{
  g_autoptr (JsonArray) connections = af_test_connections ("google", AF_SANDBOX_ACCOUNT, permissions);
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup (template_id), NULL, connections);
  g_autoptr (GError) error = NULL;

  if (rules_json != NULL)
    json_object_set_member (af_agent_get_definition (agent), "rules", json_from_string (rules_json, NULL));
  if (days >= 0)
    json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", days);
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
query_uint (Fixture    *f,
            const char *sql)
{
  return af_test_query_uint (f->db, sql);
}

static char *
query_text (Fixture    *f,
            const char *sql)
{
  sqlite3_stmt *stmt = af_database_prepare (f->db, sql, NULL);
  char         *text = NULL;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return text;
}

static guint
pages (guint n,
       guint per_page)
{
  return MAX (1, (n + per_page - 1) / per_page);
}

/* The loop that began it: a reply rule whose own draft asks for a reply.
 * Gmail puts the draft in the history (messageAdded, DRAFT); the agent
 * must not take it for new mail, or each run answers the last draft. */
static void
test_draft_loop (Fixture      *f,
                 gconstpointer data)
{
  const char *rules = "[{\"name\": \"Needs a reply\", \"match\": \"any\", \"conditions\": ["
                      "  {\"field\": \"body\", \"op\": \"contains\", \"value\": \"review the plan\"},"
                      "  {\"field\": \"subject\", \"op\": \"contains\", \"value\": \"review the plan\"}],"
                      " \"actions\": [{\"action\": \"draft\", \"params\": {\"body\": \"Could you review the plan?\"}}]}]";
  AfAgent    *agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", rules, 0);
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) own = NULL;

  /* The default first run: new mail from now on, nothing older. */
  first = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (first, "done"), ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.list"), ==, 0);

  g_free (af_sandbox_gmail_deliver (f->sandbox, "Bob <bob@example.org>", "Could you review the plan?",
                                    "Could you review the plan?"));
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (JsonObject) result = run_sync (f, agent);

      g_assert_cmpint (json_object_get_int_member (result, "done"), ==, i == 0 ? 1 : 0);
      g_assert_cmpint (json_object_get_int_member (result, "failed"), ==, 0);
    }
  g_assert_cmpuint (af_sandbox_gmail_get_n_drafts (f->sandbox), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.drafts.create"), ==, 1);
  /* The draft is the agent's own: remembered, never read as mail. */
  g_assert_cmpuint (query_uint (f, "SELECT count (*) FROM seen_items WHERE item_id LIKE 'own:%'"), ==, 1);

  /* Mail the account wrote itself, in the inbox: no reply either. */
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Alice <" AF_SANDBOX_ACCOUNT ">", "Could you review the plan? (note)",
                                    "Could you review the plan?"));
  own = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (own, "done"), ==, 0);
  g_assert_cmpuint (af_sandbox_gmail_get_n_drafts (f->sandbox), ==, 1);
}

/* Every message labelled, some answered: a mailbox of 2,000, then 2,000
 * more while the history horizon passes the agent's cursor. */
#define MAILBOX  2000
#define ARRIVING 2000

static const char *processed_rules =
    "[{\"name\": \"All\", \"match\": \"all\", \"conditions\": [],"
    "  \"actions\": [{\"action\": \"label\", \"params\": {\"label\": \"Processed\"}}]},"
    " {\"name\": \"Needs a reply\", \"match\": \"any\", \"conditions\": ["
    "  {\"field\": \"subject\", \"op\": \"contains\", \"value\": \"URGENT\"}],"
    "  \"actions\": [{\"action\": \"draft\", \"params\": {\"body\": \"On it.\"}}]}]";

static void
test_expired_history (Fixture      *f,
                      gconstpointer data)
{
  AfAgent         *agent = NULL;
  g_autofree char *newest = NULL;
  g_autofree char *query = NULL;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) idle = NULL;
  guint requests, units, minimum_requests, minimum_units, drafts, listed;
  guint all_requests = 0, all_units = 0, all_minimum_requests = 0, all_minimum_units = 0;

  /* A mailbox of 2,000 messages, one a minute: the last two days. */
  af_sandbox_generate_messages (f->sandbox, MAILBOX, 5);
  agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", processed_rules, 2);

  first = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (first, "failed"), ==, 0);
  drafts = af_sandbox_gmail_get_n_drafts (f->sandbox);
  g_assert_cmpuint (drafts, >, 0);
  g_assert_cmpint (json_object_get_int_member (first, "done"), ==, MAILBOX + drafts);
  /* One label listing, however many label batches. */
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.labels.list"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.labels.create"), ==, 1);

  /* The API minimum of the first run: the current historyId, the listing
   * of the last two days, the reads in batches of 100, the labels once,
   * one batchModify per 1,000 and the drafts. */
  minimum_requests = 1 + pages (MAILBOX, LIST_PAGE) + pages (MAILBOX, BATCH_PARTS) + 1 + 1 +
                     pages (MAILBOX, MODIFY_IDS) + drafts;
  minimum_units = UNITS_GET_PROFILE + UNITS_LIST * pages (MAILBOX, LIST_PAGE) + UNITS_GET * MAILBOX +
                  UNITS_LABELS_LIST + UNITS_LABEL_CREATE + UNITS_BATCH_MODIFY * pages (MAILBOX, MODIFY_IDS) +
                  10 * drafts;
  requests = af_sandbox_get_total_requests (f->sandbox);
  units = af_sandbox_get_total_quota_units (f->sandbox);
  g_test_message ("first run, %u messages: %u HTTP requests (API minimum %u), %u quota units (minimum %u)", MAILBOX,
                  requests, minimum_requests, units, minimum_units);
  g_assert_cmpuint (requests * 100, <=, minimum_requests * 105);
  g_assert_cmpuint (units, ==, minimum_units);
  all_requests += requests, all_units += units;
  all_minimum_requests += minimum_requests, all_minimum_units += minimum_units;

  /* 2,000 more arrive, and the history keeps fewer records than changed
   * since the agent's cursor: history.list answers 404. */
  af_sandbox_gmail_set_history_horizon (f->sandbox, 1000);
  af_sandbox_generate_messages (f->sandbox, ARRIVING, 6);
  af_sandbox_reset_counts (f->sandbox);

  /* What "everything after the last processed message" lists: whole
   * seconds, so the last processed second comes again, de-duplicated. */
  newest = query_text (f, "SELECT value FROM sync_cursors WHERE kind = 'internalDate'");
  g_assert_nonnull (newest);
  query = g_strdup_printf ("after:%" G_GINT64_FORMAT " -in:drafts -in:sent -in:chats",
                           g_ascii_strtoll (newest, NULL, 10) / 1000 - 1);
  listed = af_sandbox_gmail_count_query (f->sandbox, query);
  g_assert_cmpuint (listed, >=, ARRIVING);
  g_assert_cmpuint (listed, <=, ARRIVING + 2);

  second = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (second, "failed"), ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.history.list"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.labels.list"), <=, 1);
  drafts = af_sandbox_gmail_get_n_drafts (f->sandbox) - drafts;
  g_assert_cmpint (json_object_get_int_member (second, "done"), ==, ARRIVING + drafts);
  minimum_requests = 1 + 1 + pages (listed, LIST_PAGE) + pages (ARRIVING, BATCH_PARTS) +
                     pages (ARRIVING, MODIFY_IDS) + drafts;
  minimum_units = UNITS_HISTORY_LIST + UNITS_GET_PROFILE + UNITS_LIST * pages (listed, LIST_PAGE) +
                  UNITS_GET * ARRIVING + UNITS_BATCH_MODIFY * pages (ARRIVING, MODIFY_IDS) + 10 * drafts;
  requests = af_sandbox_get_total_requests (f->sandbox);
  units = af_sandbox_get_total_quota_units (f->sandbox);
  g_test_message ("history expired, %u new messages: %u HTTP requests (API minimum %u), %u quota units (minimum %u)",
                  ARRIVING, requests, minimum_requests, units, minimum_units);
  g_assert_cmpuint (requests * 100, <=, minimum_requests * 105);
  g_assert_cmpuint (units, ==, minimum_units);
  all_requests += requests, all_units += units;
  all_minimum_requests += minimum_requests, all_minimum_units += minimum_units;
  g_test_message ("2,000 + 2,000 messages: %u HTTP requests (API minimum %u), %u quota units (minimum %u)",
                  all_requests, all_minimum_requests, all_units, all_minimum_units);

  /* Every message of the mailbox labelled exactly once; no action on a
   * draft or on sent mail; nothing left for the next run. */
  g_assert_cmpuint (query_uint (f, "SELECT count (*) FROM outbox WHERE action = 'label' AND state = 'done'"), ==,
                    MAILBOX + ARRIVING);
  g_assert_cmpuint (query_uint (f, "SELECT count (DISTINCT json_extract (params, '$.item.id')) FROM outbox"
                                   " WHERE action = 'label'"),
                    ==, MAILBOX + ARRIVING);
  g_assert_cmpuint (query_uint (f, "SELECT count (*) FROM seen_items WHERE item_id NOT LIKE 'own:%'"), ==,
                    MAILBOX + ARRIVING);
  g_assert_cmpuint (query_uint (f, "SELECT count (*) FROM outbox WHERE 'own:' || json_extract (params, '$.item.id')"
                                   " IN (SELECT item_id FROM seen_items)"),
                    ==, 0);
  g_assert_cmpuint (query_uint (f, "SELECT count (*) FROM outbox WHERE json_extract (params, '$.item.from')"
                                   " LIKE '%" AF_SANDBOX_ACCOUNT "%'"),
                    ==, 0);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "DRAFT"), ==,
                    af_sandbox_gmail_get_n_drafts (f->sandbox));

  af_sandbox_reset_counts (f->sandbox);
  idle = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (idle, "done"), ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.get"), ==, 0);
}

/* "Also the last 7 days": exactly that mail, counted in the activity. */
static void
test_first_run_days (Fixture      *f,
                     gconstpointer data)
{
  AfAgent *agent = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) bad = json_object_new ();
  guint in_window;

  /* 10 days of mail, one message about every hour (a second short of
   * it, so no message sits on the 7-day line): the first run takes the
   * last 7 days of it, not the 3 before. */
  af_sandbox_generate_messages_every (f->sandbox, 10 * 24, 8, 3599);
  {
    g_autofree char *q = g_strdup_printf ("after:%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC - 7 * 24 * 3600);

    in_window = af_sandbox_gmail_count_query (f->sandbox, q);
  }
  agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose",
                     "[{\"name\": \"All\", \"match\": \"all\", \"conditions\": [],"
                     "  \"actions\": [{\"action\": \"star\"}]}]",
                     7);
  result = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, in_window);
  g_assert_cmpuint (in_window, ==, 7 * 24);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.list"), ==, pages (in_window, LIST_PAGE));
  sql = g_strdup_printf ("SELECT summary FROM activity WHERE kind = 'fetched' AND agent_id = '%s'", af_agent_get_id (agent));
  summary = query_text (f, sql);
  g_test_message ("%s", summary);
  {
    g_autofree char *expected = g_strdup_printf ("Looked at %u messages from the last 7 days", in_window);

    g_assert_cmpstr (summary, ==, expected);
  }

  /* Not a number of days: refused with the member's name. */
  json_object_set_object_member (bad, "trigger", json_object_new ());
  json_object_set_string_member (json_object_get_object_member (bad, "trigger"), "type", "manual");
  json_object_set_string_member (bad, "first_run_days", "week");
  g_assert_false (af_agent_validate_definition (bad, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "first_run_days"));
  g_clear_error (&error);
  json_object_set_int_member (bad, "first_run_days", 30);
  g_assert_true (af_agent_validate_definition (bad, &error));
  g_assert_no_error (error);
}

static void
on_modified_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (af_gmail_client_modify_finish (AF_GMAIL_CLIENT (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* Spam is left alone unless a rule asks for it; then it is found even by
 * the listing after an expired history (includeSpamTrash). */
static void
test_spam_when_asked (Fixture      *f,
                      gconstpointer data)
{
  AfAgent *spam_agent = add_agent (f, "email-assistant", "gmail.read gmail.modify",
                                   "[{\"name\": \"Spam\", \"match\": \"all\", \"conditions\": ["
                                   "  {\"field\": \"labels\", \"op\": \"contains\", \"value\": \"SPAM\"}],"
                                   "  \"actions\": [{\"action\": \"star\"}]}]",
                                   0);
  AfAgent *plain = add_agent (f, "email-assistant", "gmail.read gmail.modify",
                              "[{\"name\": \"All\", \"match\": \"all\", \"conditions\": [],"
                              "  \"actions\": [{\"action\": \"star\"}]}]",
                              0);
  g_autoptr (JsonObject) r1 = NULL;
  g_autoptr (JsonObject) r2 = NULL;
  g_autoptr (JsonObject) spam_run = NULL;
  g_autoptr (JsonObject) plain_run = NULL;
  g_autofree char *id = NULL;
  const char      *ids[2] = { NULL, NULL };
  const char      *add[] = { "SPAM", NULL };
  const char      *remove[] = { "INBOX", NULL };
  gboolean         done = FALSE;

  r1 = run_sync (f, spam_agent);
  r2 = run_sync (f, plain);
  id = af_sandbox_gmail_deliver (f->sandbox, "Prize <win@lottery.example>", "You won", "Claim now.");
  ids[0] = id;
  af_gmail_client_modify_async (f->gmail, ids, add, remove, NULL, on_modified_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* The history expired: both list what came since their last run. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.history.list", AF_SANDBOX_ROUTE_EXPIRE_CURSOR, 2, 0);
  spam_run = run_sync (f, spam_agent);
  plain_run = run_sync (f, plain);
  g_assert_cmpint (json_object_get_int_member (spam_run, "done"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (plain_run, "done"), ==, 0);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "STARRED"), ==, 1);
}

/* Label batches of several labels go out at once, all before the label
 * list is known: one labels.list, one labels.create per new label. */
static void
test_labels_listed_once (Fixture      *f,
                         gconstpointer data)
{
  AfAgent *agent = NULL;
  g_autoptr (JsonObject) result = NULL;

  af_sandbox_seed_sample (f->sandbox);
  agent = add_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose", NULL, 1);
  result = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (result, "failed"), ==, 0);
  g_assert_cmpuint (query_uint (f, "SELECT count (DISTINCT json_extract (params, '$.params.label')) FROM outbox"
                                   " WHERE action = 'label'"),
                    >, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.labels.list"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.labels.create"), ==,
                    query_uint (f, "SELECT count (DISTINCT json_extract (params, '$.params.label')) FROM outbox"
                                   " WHERE action = 'label'"));
}

/* A Slack Notifier that has posted today's digest reads no mail again
 * that day; one whose text shows no digest reads none at all. */
static void
test_digest_fetches_what_it_needs (Fixture      *f,
                                   gconstpointer data)
{
  AfAgent *agent = NULL;
  AfAgent *plain = NULL;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (JsonObject) hello = NULL;

  af_sandbox_seed_sample (f->sandbox);
  agent = add_agent (f, "slack-notifier", "slack.post gmail.read", NULL, -1);
  first = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (first, "done"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_quota_units (f->sandbox, "gmail.users.messages.get"), >, 0);

  af_sandbox_reset_counts (f->sandbox);
  again = run_sync (f, agent);
  g_assert_cmpint (json_object_get_int_member (again, "done"), ==, 0);
  g_assert_cmpuint (af_sandbox_get_total_quota_units (f->sandbox), ==, 0);
  g_assert_cmpuint (af_sandbox_get_total_requests (f->sandbox), ==, 0);

  plain = add_agent (f, "slack-notifier", "slack.post gmail.read",
                     "[{\"name\": \"Hello\", \"match\": \"all\", \"conditions\": [],"
                     "  \"actions\": [{\"action\": \"post\", \"params\": {\"channel\": \"#general\", \"text\": \"Stand-up in 5\"}}]}]",
                     -1);
  hello = run_sync (f, plain);
  g_assert_cmpint (json_object_get_int_member (hello, "done"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_total_quota_units (f->sandbox), ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.list"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/mail-sync/draft-loop", test_draft_loop);
  ADD ("/mail-sync/expired-history", test_expired_history);
  ADD ("/mail-sync/first-run-days", test_first_run_days);
  ADD ("/mail-sync/labels-listed-once", test_labels_listed_once);
  ADD ("/mail-sync/spam-when-asked", test_spam_when_asked);
  ADD ("/mail-sync/digest-fetches-what-it-needs", test_digest_fetches_what_it_needs);
#undef ADD

  return g_test_run ();
}
