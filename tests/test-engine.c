/* test-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "af-engine.h"
#include "af-error.h"
#include "af-outbox.h"
#include "af-sample-executor.h"
#include "af-test-engine.h"
#include "af-test-wait.h"

static const char *self_path;

typedef struct
{
  char             *dir;
  AfDatabase       *db;
  AfSampleExecutor *executor;
  AfEngine         *engine;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "agentflow.db", NULL);
  g_autofree char *journal = g_build_filename (f->dir, "journal", NULL);

  f->db = af_database_open (path, &error);
  g_assert_no_error (error);
  f->executor = af_sample_executor_new (journal);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->executor);
  g_clear_object (&f->db);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("af-engine-XXXXXX", &error);
  g_assert_no_error (error);
  fixture_open (f);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  fixture_close (f);
  af_test_remove_dir (f->dir);
  g_free (f->dir);
}

static JsonArray *
connections (const char *service,
             const char *permissions)
{
  JsonArray  *array = json_array_new ();
  JsonObject *c = json_object_new ();
  JsonArray  *perms = json_array_new ();
  g_auto (GStrv) names = g_strsplit (permissions, " ", -1);

  for (guint i = 0; names[i]; i++)
    json_array_add_string_element (perms, names[i]);
  json_object_set_string_member (c, "service", service);
  json_object_set_string_member (c, "account", "me@example.com");
  json_object_set_array_member (c, "permissions", perms);
  json_array_add_object_element (array, c);
  return array;
}

static AfAgent *
add_template_agent (Fixture    *f,
                    const char *template_id,
                    const char *permissions)
{
  g_autoptr (JsonArray) conn = connections ("any", permissions);
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup (template_id), NULL, conn);
  g_autoptr (GError) error = NULL;

  af_engine_add_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  return agent;
}

static AfAgent *
add_custom_agent (Fixture    *f,
                  const char *rules_json,
                  const char *permissions,
                  const char *approvals_json)
{
  g_autoptr (JsonArray) conn = connections ("gmail", permissions);
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("custom"), "Custom", conn);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *definition = af_agent_get_definition (agent);

  g_assert_true (json_parser_load_from_data (parser, rules_json, -1, NULL));
  json_object_set_member (definition, "rules", json_node_copy (json_parser_get_root (parser)));
  if (approvals_json != NULL)
    {
      g_assert_true (json_parser_load_from_data (parser, approvals_json, -1, NULL));
      json_object_set_member (definition, "approvals", json_node_copy (json_parser_get_root (parser)));
    }
  af_engine_add_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  return agent;
}

typedef struct
{
  JsonObject *result;
  GError     *error;
  gboolean    done;
} Wait;

static void
on_run_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Wait *w = data;

  w->result = af_engine_run_agent_finish (AF_ENGINE (source), result, &w->error);
  w->done = TRUE;
}

static JsonObject *
run_sync (Fixture   *f,
          AfAgent   *agent,
          AfRunFlags flags,
          GError   **error)
{
  Wait w = { 0 };

  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), flags, NULL, on_run_cb, &w);
  af_test_wait_until (w.done, "the agent's run to finish");
  if (w.error)
    g_propagate_error (error, w.error);
  return w.result;
}

static guint
count (Fixture    *f,
       AfAgent    *agent,
       const char *kind)
{
  return af_activity_log_count (af_engine_get_activity_log (f->engine), agent ? af_agent_get_id (agent) : NULL, kind);
}

static void
test_email_assistant (Fixture      *f,
                      gconstpointer data)
{
  AfAgent *agent = add_template_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose");
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfActivityModel) model = NULL;
  g_autoptr (AfActivityEntry) last = NULL;
  AfMetrics m;

  result = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 9);

  /* The workspace shows the work. */
  g_assert_true (af_sample_executor_has_label (f->executor, "m1", "Newsletters"));
  g_assert_false (af_sample_executor_has_label (f->executor, "m1", "INBOX"));
  g_assert_true (af_sample_executor_has_label (f->executor, "m2", "Finance"));
  g_assert_true (af_sample_executor_has_label (f->executor, "m3", "Urgent"));
  g_assert_true (af_sample_executor_has_label (f->executor, "m3", "STARRED"));
  g_assert_true (af_sample_executor_has_label (f->executor, "m3", "Work"));
  g_assert_true (af_sample_executor_has_label (f->executor, "m5", "Work"));
  g_assert_false (af_sample_executor_has_label (f->executor, "m4", "Work"));
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "label"), ==, 5);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "draft"), ==, 2);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "send"), ==, 0);

  /* …and so does the activity. */
  g_assert_cmpuint (count (f, agent, "run-started"), ==, 1);
  g_assert_cmpuint (count (f, agent, "fetched"), ==, 1);
  /* Every mail had something done: its rows say so, none says "decided". */
  g_assert_cmpuint (count (f, agent, "decided"), ==, 0);
  g_assert_cmpuint (count (f, agent, "action-done"), ==, 9);
  g_assert_cmpuint (count (f, agent, "run-finished"), ==, 1);
  model = af_engine_create_activity_model (f->engine, af_agent_get_id (agent), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 12);
  last = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (af_activity_entry_get_kind (last), ==, "run-finished");
  g_assert_null (strstr (af_activity_entry_get_details (last), "token"));

  /* A second run finds one mail no rule wants, and does nothing twice:
   * the mail left alone has its row, naming it. */
  af_sample_executor_add_message (f->executor, "m6", "Grandma <gran@example.org>", "Holiday photos",
                                  "Here are the photos from the lake.");
  again = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (again, "done"), ==, 0);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, NULL), ==, 9);
  g_assert_cmpuint (count (f, agent, "decided"), ==, 1);
  {
    g_autoptr (AfActivityModel) decided = af_engine_create_activity_model (f->engine, af_agent_get_id (agent), "decided");
    g_autoptr (AfActivityEntry) row = g_list_model_get_item (G_LIST_MODEL (decided), 0);

    g_assert_cmpstr (af_activity_entry_get_summary (row), ==, "“Holiday photos”: nothing to do");
    g_assert_nonnull (strstr (af_activity_entry_get_details (row), "\"item\":\"m6\""));
  }

  af_engine_get_metrics (f->engine, af_agent_get_id (agent), &m);
  g_assert_cmpuint (m.runs, ==, 2);
  g_assert_cmpfloat (m.success_rate, ==, 1.0);
  g_assert_cmpfloat (m.success_rate_7d, ==, 1.0);
  g_assert_cmpuint (m.actions, ==, 9);
  g_assert_cmpuint (m.emails_processed, ==, 6);
  g_assert_cmpuint (m.drafts_created, ==, 2);
  /* 5 labels, 1 archive, 1 star at ¼ min; 2 drafts at 3 min. */
  g_assert_cmpfloat_with_epsilon (m.minutes_saved, 7.75, 0.001);
}

static void
test_calendar_manager (Fixture      *f,
                       gconstpointer data)
{
  AfAgent *agent = add_template_agent (f, "calendar-manager", "calendar.read slack.post");
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *posts = af_sample_executor_get_posts (f->executor);
  AfMetrics  m;

  result = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 2);
  g_assert_cmpuint (posts->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (posts, 0), "Today: 09:00–09:15 Stand-up"));
  g_assert_nonnull (strstr (g_ptr_array_index (posts, 1), "Design review and Dentist"));

  /* The same day again: no second agenda. */
  again = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (posts->len, ==, 2);

  af_engine_get_metrics (f->engine, NULL, &m);
  g_assert_cmpuint (m.messages_posted, ==, 2);
  g_assert_cmpfloat_with_epsilon (m.minutes_saved, 4, 0.001);
}

static void
test_slack_notifier (Fixture      *f,
                     gconstpointer data)
{
  AfAgent *agent = add_template_agent (f, "slack-notifier", "slack.post gmail.read");
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *posts = af_sample_executor_get_posts (f->executor);

  result = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (posts->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (posts, 0), "Inbox digest: 5 messages: “Your weekly digest”"));
  g_assert_cmpuint (count (f, agent, "action-done"), ==, 1);
}

static void
test_permission_gate (Fixture      *f,
                      gconstpointer data)
{
  /* The rule asks to send, the policy would even allow it, but the agent
   * holds no gmail.send: nothing leaves. */
  AfAgent *agent = add_custom_agent (f,
                                     "[{\"name\":\"Reply all\",\"conditions\":[],\"actions\":[{\"action\":\"send\","
                                     "\"params\":{\"to\":\"someone@example.com\",\"body\":\"hi\"}}]}]",
                                     "gmail.read", "{\"send\":\"auto\"}");
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;

  result = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (result, "denied"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (result, "done"), ==, 0);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "send"), ==, 0);
  g_assert_cmpuint (count (f, agent, "action-denied"), ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, 0);
}

static gboolean
approve_sync (Fixture *f,
              gint64   id,
              GError **error)
{
  return af_test_approve (f->engine, id, error);
}

static void
test_approvals (Fixture      *f,
                gconstpointer data)
{
  AfAgent    *agent = add_custom_agent (f,
                                        "[{\"name\":\"Accept dinner\",\"conditions\":[{\"field\":\"subject\",\"op\":"
                                           "\"contains\",\"value\":\"dinner\"}],\"actions\":[{\"action\":\"send\","
                                           "\"params\":{\"to\":\"sam@mail.example\",\"body\":\"Yes, gladly!\"}}]},"
                                           "{\"name\":\"Notes\",\"conditions\":[{\"field\":\"subject\",\"op\":"
                                           "\"contains\",\"value\":\"notes\"}],\"actions\":[{\"action\":\"send\","
                                           "\"params\":{\"to\":\"lee@example.com\",\"body\":\"Thanks\"}}]}]",
                                        "gmail.read gmail.send", NULL);
  GListModel *approvals = af_engine_get_approvals (f->engine);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfApproval) first = NULL;
  g_autoptr (AfApproval) second = NULL;

  /* Mail was read, so sending waits for the user by default. */
  result = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (result, "waiting"), ==, 2);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "send"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (approvals), ==, 2);
  first = g_list_model_get_item (approvals, 0);
  second = g_list_model_get_item (approvals, 1);
  g_assert_cmpstr (af_approval_get_action (first), ==, "send");
  g_assert_cmpstr (af_approval_get_target (first), ==, "sam@mail.example");
  g_assert_cmpstr (af_approval_get_preview (first), ==, "Yes, gladly!");
  g_assert_nonnull (strstr (af_approval_get_reason (first), "Accept dinner"));
  g_assert_cmpuint (count (f, agent, "approval-requested"), ==, 2);

  /* Approve: done once. Approve again: refused, still once. */
  approve_sync (f, af_approval_get_id (first), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "send"), ==, 1);
  g_assert_false (approve_sync (f, af_approval_get_id (first), &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "send"), ==, 1);

  /* Deny the other: never sent. */
  af_engine_deny (f->engine, af_approval_get_id (second), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (approvals), ==, 0);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "send"), ==, 1);

  /* A new run does not ask again for the same mail. */
  again = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (again, "waiting"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (approvals), ==, 0);
}

static void
test_approval_expiry (Fixture      *f,
                      gconstpointer data)
{
  AfAgent *agent = add_custom_agent (f,
                                     "[{\"conditions\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"dinner\"}],"
                                     "\"actions\":[{\"action\":\"send\",\"params\":{\"to\":\"sam@mail.example\"}}]}]",
                                     "gmail.read gmail.send", NULL);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfApproval) approval = NULL;

  af_engine_start (f->engine, &error);
  g_assert_no_error (error);
  af_engine_set_approval_lifetime (f->engine, 1);
  result = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  approval = g_list_model_get_item (af_engine_get_approvals (f->engine), 0);
  g_assert_nonnull (approval);

  /* The scheduler's one timer also carries the next expiry. */
  af_test_wait_until (g_list_model_get_n_items (af_engine_get_approvals (f->engine)) == 0,
                      "the approval to expire");
  g_assert_cmpuint (count (f, agent, "approval-expired"), ==, 1);
  g_assert_false (approve_sync (f, af_approval_get_id (approval), &error));
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "send"), ==, 0);
}

static void
test_dry_run (Fixture      *f,
              gconstpointer data)
{
  AfAgent *agent = add_template_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose");
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) real = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray *actions;

  result = run_sync (f, agent, AF_RUN_FLAGS_DRY_RUN, &error);
  g_assert_no_error (error);
  actions = json_object_get_array_member (result, "actions");
  g_assert_cmpuint (json_array_get_length (actions), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (actions, 0), "action"), ==, "label");
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, NULL), ==, 0);
  g_assert_false (af_sample_executor_has_label (f->executor, "m2", "Finance"));

  /* Nothing was marked as seen or reserved: the real run does it all. */
  real = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (real, "done"), ==, 9);
}

static guint
count_runs (Fixture *f)
{
  sqlite3_stmt *stmt = af_database_prepare (f->db, "SELECT count (*) FROM runs", NULL);
  guint         n = 0;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static void
on_run_finished_cb (AfEngine   *engine,
                    const char *agent_id,
                    gint64      run_id,
                    const char *outcome,
                    guint      *finished)
{
  (*finished)++;
}

static void
test_missed_run_once (Fixture      *f,
                      gconstpointer data)
{
  AfAgent *agent = add_custom_agent (f, "[]", "gmail.read", NULL);
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time ();
  guint  finished = 0;

  /* Hourly, last due three hours ago (the machine was off): one run, not three. */
  json_object_set_object_member (af_agent_get_definition (agent), "trigger", json_object_new ());
  json_object_set_string_member (af_agent_get_trigger (agent), "type", "interval");
  json_object_set_int_member (af_agent_get_trigger (agent), "minutes", 60);
  af_agent_set_next_run (agent, now - (gint64)3 * 3600 * G_USEC_PER_SEC);
  af_engine_save_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  af_agent_set_next_run (agent, now - (gint64)3 * 3600 * G_USEC_PER_SEC);
  af_engine_save_agent (f->engine, agent, &error);

  g_signal_connect (f->engine, "run-finished", G_CALLBACK (on_run_finished_cb), &finished);
  af_engine_start (f->engine, &error);
  g_assert_no_error (error);
  /* The run, and the next one set an hour on: from then on nothing is due. */
  af_test_wait_until (finished >= 1 && af_agent_get_next_run (agent) > now + (gint64)59 * 60 * G_USEC_PER_SEC,
                      "the missed run to finish and the next to be set an hour on");
  af_test_drain ();
  g_assert_cmpuint (finished, ==, 1);
  g_assert_cmpuint (count_runs (f), ==, 1);
  g_assert_cmpint (af_agent_get_next_run (agent), >, now + (gint64)59 * 60 * G_USEC_PER_SEC);
  g_assert_cmpint (af_scheduler_get_due (af_engine_get_scheduler (f->engine), af_agent_get_id (agent)), ==,
                   af_agent_get_next_run (agent));
}

static void
test_backoff (Fixture      *f,
              gconstpointer data)
{
  AfAgent *agent = add_template_agent (f, "email-assistant", "gmail.read gmail.modify");
  g_autoptr (JsonObject) r1 = NULL;
  g_autoptr (JsonObject) r2 = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now;

  af_engine_start (f->engine, &error);
  g_assert_no_error (error);
  af_sample_executor_set_fail_fetch (f->executor, TRUE);

  now = g_get_real_time ();
  r1 = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_SERVICE_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_cmpuint (af_engine_get_failures (f->engine, af_agent_get_id (agent)), ==, 1);
  g_assert_cmpint (af_agent_get_next_run (agent) - now, <=, (gint64)31 * G_USEC_PER_SEC);

  now = g_get_real_time ();
  r2 = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_clear_error (&error);
  g_assert_cmpuint (af_engine_get_failures (f->engine, af_agent_get_id (agent)), ==, 2);
  g_assert_cmpint (af_agent_get_next_run (agent) - now, >=, (gint64)59 * G_USEC_PER_SEC);
  g_assert_cmpint (af_agent_get_next_run (agent) - now, <=, (gint64)61 * G_USEC_PER_SEC);
  g_assert_cmpuint (count (f, agent, "error"), ==, 2);

  /* Recovery resets the backoff. */
  af_sample_executor_set_fail_fetch (f->executor, FALSE);
  g_clear_pointer (&r1, json_object_unref);
  r1 = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (af_engine_get_failures (f->engine, af_agent_get_id (agent)), ==, 0);
}

static void
test_concurrency_and_cancel (Fixture      *f,
                             gconstpointer data)
{
  AfAgent *a = add_template_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose");
  AfAgent *b = add_template_agent (f, "slack-notifier", "slack.post gmail.read");
  Wait     wa = { 0 }, wb = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) again = NULL;

  af_engine_set_max_concurrent (f->engine, 1);
  af_sample_executor_set_delay (f->executor, 50);

  af_engine_run_agent_async (f->engine, af_agent_get_id (a), AF_RUN_FLAGS_NONE, NULL, on_run_cb, &wa);
  af_engine_run_agent_async (f->engine, af_agent_get_id (b), AF_RUN_FLAGS_NONE, NULL, on_run_cb, &wb);
  g_assert_true (af_engine_is_running (f->engine, af_agent_get_id (a)));
  g_assert_true (af_engine_is_running (f->engine, af_agent_get_id (b)));

  /* One run per agent at a time. */
  again = run_sync (f, a, AF_RUN_FLAGS_NONE, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_FAILED);
  g_clear_error (&error);

  /* B waits for the one slot; pausing A cancels it and frees the slot. */
  af_test_wait_until (af_sample_executor_get_count (f->executor, NULL) >= 2, "agent A to do 2 actions");
  g_assert_cmpuint (count (f, b, "run-started"), ==, 0);
  af_engine_pause_agent (f->engine, af_agent_get_id (a), &error);
  g_assert_no_error (error);
  af_test_wait_until (wa.done && wb.done, "both runs to end");
  g_assert_error (wa.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_no_error (wb.error);
  g_assert_cmpstr (json_object_get_string_member (wb.result, "outcome"), ==, "succeeded");
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "label"), <, 5);
  g_assert_cmpint (af_agent_get_state (a), ==, AF_AGENT_STATE_PAUSED);
  g_clear_error (&wa.error);
  g_clear_pointer (&wb.result, json_object_unref);
}

static void
test_export_import (Fixture      *f,
                    gconstpointer data)
{
  AfAgent         *agent = add_template_agent (f, "email-assistant", "gmail.read gmail.modify");
  g_autofree char *path = g_build_filename (f->dir, "agent.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  AfAgent *imported;

  af_engine_export_agent (f->engine, af_agent_get_id (agent), file, &error);
  g_assert_no_error (error);
  imported = af_engine_import_agent (f->engine, file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_agent_get_id (imported), !=, af_agent_get_id (agent));
  g_assert_cmpstr (af_agent_get_name (imported), ==, af_agent_get_name (agent));
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_agents (f->engine)), ==, 2);

  /* Persisted: a fresh engine on the same database sees both. */
  fixture_close (f);
  fixture_open (f);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_agents (f->engine)), ==, 2);
}

static guint
count_sql (Fixture    *f,
           const char *sql)
{
  return af_test_query_uint (f->db, sql);
}

static void
on_agent_deleted_cb (AfEngine   *engine,
                     const char *agent_id,
                     char      **deleted)
{
  g_free (*deleted);
  *deleted = g_strdup (agent_id);
}

/* The counters the activity model reads agree with the rows. */
static void
assert_counts_consistent (Fixture *f)
{
  g_assert_cmpuint (count (f, NULL, NULL), ==, count_sql (f, "SELECT count (*) FROM activity"));
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM (SELECT coalesce (agent_id, '') a, kind, count (*) c"
                                  " FROM activity GROUP BY 1, 2) x LEFT JOIN activity_counts k"
                                  " ON k.agent_id = x.a AND k.kind = x.kind WHERE k.n IS NOT x.c"),
                    ==, 0);
}

static void
test_delete_keeps_activity (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr (AfAgent) agent = g_object_ref (add_template_agent (f, "email-assistant",
                                                                "gmail.read gmail.modify gmail.compose"));
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *deleted = NULL;
  guint            logged;
  AfMetrics        m;

  result = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  logged = count (f, agent, NULL);
  g_assert_cmpuint (logged, >, 0);

  g_signal_connect (f->engine, "agent-deleted", G_CALLBACK (on_agent_deleted_cb), &deleted);
  af_engine_delete_agent (f->engine, af_agent_get_id (agent), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (deleted, ==, af_agent_get_id (agent));
  g_assert_null (af_engine_lookup_agent (f->engine, af_agent_get_id (agent)));
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM agents"), ==, 0);

  /* The history stays: what it did is still told. */
  g_assert_cmpuint (count (f, agent, NULL), ==, logged);
  af_engine_get_metrics (f->engine, NULL, &m);
  g_assert_cmpuint (m.runs, ==, 1);
  g_assert_cmpuint (m.actions, ==, 9);
  assert_counts_consistent (f);

  /* Deleting it again is a clear error, and no second signal. */
  g_clear_pointer (&deleted, g_free);
  g_assert_false (af_engine_delete_agent (f->engine, af_agent_get_id (agent), &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_assert_null (deleted);
}

static void
test_delete_removes_activity (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr (AfAgent) gone = g_object_ref (add_template_agent (f, "email-assistant",
                                                               "gmail.read gmail.modify gmail.compose"));
  AfAgent *kept = add_template_agent (f, "calendar-manager", "calendar.read slack.post");
  g_autoptr (JsonObject) r1 = NULL;
  g_autoptr (JsonObject) r2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *deleted = NULL;
  guint            kept_logged;
  AfMetrics        m;

  r1 = run_sync (f, gone, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  r2 = run_sync (f, kept, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  kept_logged = count (f, kept, NULL);
  af_engine_get_metrics (f->engine, NULL, &m);
  g_assert_cmpuint (m.runs, ==, 2);
  g_assert_cmpuint (m.actions, ==, 11);

  g_signal_connect (f->engine, "agent-deleted", G_CALLBACK (on_agent_deleted_cb), &deleted);
  af_engine_delete_agent_full (f->engine, af_agent_get_id (gone), TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (deleted, ==, af_agent_get_id (gone));

  /* Its activity, runs, outbox and seen items are gone; the other's stay. */
  g_assert_cmpuint (count (f, gone, NULL), ==, 0);
  g_assert_cmpuint (count (f, kept, NULL), ==, kept_logged);
  g_assert_cmpuint (count (f, NULL, NULL), ==, kept_logged);
  assert_counts_consistent (f);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM outbox WHERE agent_id != 'x' AND agent_id NOT IN"
                                  " (SELECT id FROM agents)"),
                    ==, 0);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM runs WHERE agent_id NOT IN (SELECT id FROM agents)"), ==,
                    0);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM seen_items WHERE agent_id NOT IN (SELECT id FROM agents)"),
                    ==, 0);

  /* …and the metrics drop with them. */
  af_engine_get_metrics (f->engine, NULL, &m);
  g_assert_cmpuint (m.runs, ==, 1);
  g_assert_cmpuint (m.actions, ==, 2);
  g_assert_cmpuint (m.drafts_created, ==, 0);
  g_assert_cmpuint (m.messages_posted, ==, 2);

  /* A new activity row after the delete still counts right. */
  af_activity_log_append (af_engine_get_activity_log (f->engine), af_agent_get_id (gone), 0, "note", "x", NULL, NULL,
                          &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (f, gone, NULL), ==, 1);
  assert_counts_consistent (f);
}

static void
test_delete_running_agent (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (AfAgent) agent = g_object_ref (add_template_agent (f, "email-assistant",
                                                                "gmail.read gmail.modify gmail.compose"));
  g_autoptr (GError) error = NULL;
  Wait w = { 0 };

  af_sample_executor_set_delay (f->executor, 50);
  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_cb, &w);
  af_test_wait_until (af_sample_executor_get_count (f->executor, NULL) >= 1, "the run's first action");

  /* The cancelled run neither writes the agent back nor logs after it. */
  af_engine_delete_agent_full (f->engine, af_agent_get_id (agent), TRUE, &error);
  g_assert_no_error (error);
  af_test_wait_until (w.done, "the cancelled run to end");
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM agents"), ==, 0);
  g_assert_cmpuint (count (f, agent, NULL), ==, 0);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM runs"), ==, 0);
  assert_counts_consistent (f);
  g_assert_false (af_engine_is_running (f->engine, af_agent_get_id (agent)));
}

static void
test_delete_withdraws_approvals (Fixture      *f,
                                 gconstpointer data)
{
  AfAgent *agent = add_custom_agent (f,
                                     "[{\"conditions\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"dinner\"}],"
                                     "\"actions\":[{\"action\":\"send\",\"params\":{\"to\":\"sam@mail.example\"}}]}]",
                                     "gmail.read gmail.send", NULL);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;

  result = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, 1);
  af_engine_delete_agent (f->engine, af_agent_get_id (agent), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, 0);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM approvals WHERE state = 'pending'"), ==, 0);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM outbox WHERE state = 'waiting'"), ==, 0);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "send"), ==, 0);
}

static void
on_test_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Wait *w = data;

  w->result = af_engine_test_agent_finish (AF_ENGINE (source), result, &w->error);
  w->done = TRUE;
}

static void
test_test_run_unsaved (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (JsonArray) conn = connections ("gmail", "gmail.read gmail.modify gmail.compose");
  g_autoptr (AfAgent) draft = af_template_create_agent (af_template_lookup ("email-assistant"), "Draft", conn);
  g_autoptr (AfAgent) broken = af_template_create_agent (af_template_lookup ("email-assistant"), "Broken", conn);
  g_autoptr (JsonObject) real = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray *actions, *steps;
  Wait       w = { 0 };
  AfMetrics  m;

  /* The editor's definition, never added to the engine. */
  af_engine_test_agent_async (f->engine, draft, NULL, on_test_cb, &w);
  af_test_wait_until (w.done, "the dry run of the draft");
  g_assert_no_error (w.error);
  g_assert_cmpstr (json_object_get_string_member (w.result, "outcome"), ==, "succeeded");
  actions = json_object_get_array_member (w.result, "actions");
  g_assert_cmpuint (json_array_get_length (actions), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (actions, 0), "action"), ==, "label");
  steps = json_object_get_array_member (w.result, "steps");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 0), "kind"), ==,
                   "run-started");
  g_assert_cmpuint (json_array_get_length (steps), >=, 7);

  /* No side effect and no trace: service, outbox, activity, runs, metrics. */
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, NULL), ==, 0);
  g_assert_cmpuint (count (f, NULL, NULL), ==, 0);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM outbox"), ==, 0);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM runs"), ==, 0);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM seen_items"), ==, 0);
  g_assert_cmpuint (count_sql (f, "SELECT count (*) FROM agents"), ==, 0);
  g_assert_false (af_engine_is_running (f->engine, af_agent_get_id (draft)));
  af_engine_get_metrics (f->engine, NULL, &m);
  g_assert_cmpuint (m.runs, ==, 0);
  g_assert_cmpuint (m.actions, ==, 0);

  /* Saved afterwards, it does all of it for real. */
  af_engine_add_agent (f->engine, draft, &error);
  g_assert_no_error (error);
  real = run_sync (f, draft, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (real, "done"), ==, 9);

  /* An invalid definition is refused with the path of the problem. */
  g_clear_pointer (&w.result, json_object_unref);
  w.done = FALSE;
  json_object_set_string_member (af_agent_get_definition (broken), "trigger", "soon");
  af_engine_test_agent_async (f->engine, broken, NULL, on_test_cb, &w);
  af_test_wait_until (w.done, "the dry run of the broken definition");
  g_assert_error (w.error, AF_ERROR, AF_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (w.error->message, "trigger"));
  g_clear_error (&w.error);
}

static void
test_metrics_today_and_week (Fixture      *f,
                             gconstpointer data)
{
  AfAgent *agent = add_template_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose");
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  AfMetrics        m;

  result = run_sync (f, agent, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  af_engine_get_metrics (f->engine, NULL, &m);
  g_assert_cmpuint (m.actions_today, ==, 9);
  g_assert_cmpfloat_with_epsilon (m.minutes_saved_7d, 7.75, 0.001);

  /* The drafts were done yesterday, the labels ten days ago. */
  sql = g_strdup_printf ("UPDATE outbox SET updated_at = %" G_GINT64_FORMAT " WHERE action = 'draft';"
                         "UPDATE outbox SET updated_at = %" G_GINT64_FORMAT " WHERE action = 'label'",
                         g_get_real_time () - G_TIME_SPAN_DAY - G_TIME_SPAN_HOUR,
                         g_get_real_time () - 10 * G_TIME_SPAN_DAY);
  af_database_exec (f->db, sql, &error);
  g_assert_no_error (error);
  af_engine_get_metrics (f->engine, NULL, &m);
  g_assert_cmpuint (m.actions_today, ==, 2);
  /* 2 drafts × 3 + archive and star × ¼ within the week. */
  g_assert_cmpfloat_with_epsilon (m.minutes_saved_7d, 6.5, 0.001);
  g_assert_cmpfloat_with_epsilon (m.minutes_saved, 7.75, 0.001);
  af_engine_get_metrics (f->engine, af_agent_get_id (agent), &m);
  g_assert_cmpuint (m.actions_today, ==, 2);
}

/* A network monitor the test switches on and off. */
#define TEST_TYPE_NETWORK (test_network_get_type ())
G_DECLARE_FINAL_TYPE (TestNetwork, test_network, TEST, NETWORK, GObject)

struct _TestNetwork
{
  GObject  parent_instance;
  gboolean available;
};

enum
{
  NET_PROP_0,
  NET_PROP_AVAILABLE,
  NET_PROP_METERED,
  NET_PROP_CONNECTIVITY,
};

static void test_network_iface_init (GNetworkMonitorInterface *iface);
static void test_network_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestNetwork, test_network, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_network_initable_iface_init) G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_network_iface_init))

static gboolean
test_network_initable_init (GInitable    *initable,
                            GCancellable *cancellable,
                            GError      **error)
{
  return TRUE;
}

static void
test_network_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_network_initable_init;
}

static gboolean
test_network_can_reach (GNetworkMonitor    *monitor,
                        GSocketConnectable *connectable,
                        GCancellable       *cancellable,
                        GError            **error)
{
  return TEST_NETWORK (monitor)->available;
}

static void
test_network_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = test_network_can_reach;
}

static void
test_network_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TestNetwork *self = TEST_NETWORK (object);

  switch (prop_id)
    {
    case NET_PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case NET_PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case NET_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_network_class_init (TestNetworkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_network_get_property;
  g_object_class_override_property (object_class, NET_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, NET_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, NET_PROP_CONNECTIVITY, "connectivity");
}

static void
test_network_init (TestNetwork *self)
{
}

static void
test_network_set_available (TestNetwork *self,
                            gboolean     available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}

static void
set_interval_due (Fixture *f,
                  AfAgent *agent,
                  gint64   due)
{
  g_autoptr (GError) error = NULL;
  JsonObject *trigger = json_object_new ();

  json_object_set_string_member (trigger, "type", "interval");
  json_object_set_int_member (trigger, "minutes", 60);
  json_object_set_object_member (af_agent_get_definition (agent), "trigger", trigger);
  af_engine_save_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  af_agent_set_next_run (agent, due);
  af_engine_save_agent (f->engine, agent, &error);
  g_assert_no_error (error);
}

static void
test_offline_deferral (Fixture      *f,
                       gconstpointer data)
{
  AfAgent *agent = add_template_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose");
  g_autoptr (TestNetwork) network = g_object_new (TEST_TYPE_NETWORK, NULL);
  g_autoptr (GError) error = NULL;
  guint  finished = 0;
  gint64 now = g_get_real_time ();

  /* Due now (and missed twice over while the laptop was off), but offline. */
  set_interval_due (f, agent, now - (gint64)2 * 3600 * G_USEC_PER_SEC);
  af_engine_set_network_monitor (f->engine, G_NETWORK_MONITOR (network));
  g_signal_connect (f->engine, "run-finished", G_CALLBACK (on_run_finished_cb), &finished);
  af_engine_start (f->engine, &error);
  g_assert_no_error (error);
  af_test_wait_until (count (f, agent, "deferred") >= 1, "the due run to be deferred");
  af_test_drain ();

  /* Deferred, not run, not dropped, not retried in a loop. */
  g_assert_cmpuint (finished, ==, 0);
  g_assert_cmpuint (count_runs (f), ==, 0);
  g_assert_cmpuint (count (f, agent, "deferred"), ==, 1);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, NULL), ==, 0);

  /* A flapping network: "changed" while still offline does nothing. */
  test_network_set_available (network, FALSE);
  af_test_drain ();
  g_assert_cmpuint (count_runs (f), ==, 0);

  /* Back online: one run, however many were missed, even if the network
   * reports itself twice. */
  test_network_set_available (network, TRUE);
  test_network_set_available (network, TRUE);
  af_test_wait_until (finished >= 1, "the deferred run to finish once online");
  af_test_drain ();
  g_assert_cmpuint (finished, ==, 1);
  g_assert_cmpuint (count_runs (f), ==, 1);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, NULL), ==, 9);

  /* …and the next one is an hour on, on the one timer. */
  g_assert_cmpint (af_agent_get_next_run (agent), >, now + (gint64)59 * 60 * G_USEC_PER_SEC);
  g_assert_cmpint (af_scheduler_get_due (af_engine_get_scheduler (f->engine), af_agent_get_id (agent)), ==,
                   af_agent_get_next_run (agent));
}

static void
test_offline_manual_run (Fixture      *f,
                         gconstpointer data)
{
  AfAgent *agent = add_template_agent (f, "email-assistant", "gmail.read gmail.modify gmail.compose");
  g_autoptr (TestNetwork) network = g_object_new (TEST_TYPE_NETWORK, NULL);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;

  /* Deferral applies to the schedule; a paused agent is never run when
   * the network returns. */
  set_interval_due (f, agent, g_get_real_time () - G_USEC_PER_SEC);
  af_engine_set_network_monitor (f->engine, G_NETWORK_MONITOR (network));
  af_engine_start (f->engine, &error);
  g_assert_no_error (error);
  af_test_wait_until (count (f, agent, "deferred") >= 1, "the due run to be deferred");
  af_test_drain ();
  g_assert_cmpuint (count (f, agent, "deferred"), ==, 1);
  af_engine_pause_agent (f->engine, af_agent_get_id (agent), &error);
  g_assert_no_error (error);
  test_network_set_available (network, TRUE);
  af_test_drain ();
  g_assert_cmpuint (count_runs (f), ==, 0);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, NULL), ==, 0);
}

/* The crash test: a child process runs the Email Assistant with slow
 * actions and is killed with SIGKILL in the middle; a restart must finish
 * the work with every side effect done exactly once. */
static gboolean
quit_loop_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
crash_child (const char *dir,
             guint       delay_ms)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;
  Wait w = { 0 };
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  f.dir = g_strdup (dir);
  fixture_open (&f);
  af_sample_executor_set_delay (f.executor, delay_ms);
  af_engine_run_agent_async (f.engine, "crash-agent", AF_RUN_FLAGS_NONE, NULL, on_run_cb, &w);
  /* Runs until the parent kills it; a lifetime bound so that a failed
   * test leaves no process behind. */
  g_timeout_add_seconds (60, quit_loop_cb, loop);
  g_main_loop_run (loop);
  return 1;
}

static guint
journal_lines (const char *path,
               GHashTable *keys)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      const char *key;

      if (*lines[i] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      n++;
      key = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "key");
      if (keys != NULL)
        {
          if (g_hash_table_contains (keys, key))
            g_error ("Side effect %s done twice", key);
          g_hash_table_add (keys, g_strdup (key));
        }
    }
  return n;
}

/* Starts crash_child() on @f's closed database and waits until its run of
 * "crash-agent" has done @n side effects. */
static GPid
spawn_crash_child (Fixture *f,
                   guint    n,
                   guint    delay_ms)
{
  g_autofree char *journal = g_build_filename (f->dir, "journal", NULL);
  g_autofree char *delay = g_strdup_printf ("%u", delay_ms);
  const char      *argv[] = { self_path, "--crash-child", f->dir, delay, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("the crash child to do %u side effects", n);
  GPid             pid;

  g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                 &pid, &error);
  g_assert_no_error (error);
  af_test_wait_until (journal_lines (journal, NULL) >= n, what);
  g_assert_cmpuint (journal_lines (journal, NULL), >=, n);
  return pid;
}

static void
kill_crash_child (GPid pid)
{
  int status;

  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));
}

static void
test_crash (Fixture      *f,
            gconstpointer data)
{
  g_autoptr (JsonArray) conn = connections ("gmail", "gmail.read gmail.modify gmail.compose");
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, NULL);
  g_autoptr (AfAgent) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *journal = g_build_filename (f->dir, "journal", NULL);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (AfOutbox) outbox = NULL;

  json_object_set_array_member (af_agent_get_definition (agent), "connections", json_array_ref (conn));
  stored = af_agent_new ("crash-agent", "Crash", "email-assistant", af_agent_get_definition (agent));
  af_engine_add_agent (f->engine, stored, &error);
  g_assert_no_error (error);
  fixture_close (f);

  /* Kill it with some side effects done and the rest not. */
  kill_crash_child (spawn_crash_child (f, 4, 100));
  g_assert_cmpuint (journal_lines (journal, NULL), <, 9);

  /* Restart: reconcile the interrupted action, then run again. */
  fixture_open (f);
  af_database_check_integrity (f->db, &error);
  g_assert_no_error (error);
  af_engine_start (f->engine, &error);
  g_assert_no_error (error);
  result = run_sync (f, af_engine_lookup_agent (f->engine, "crash-agent"), AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  outbox = af_outbox_new (f->db);
  af_test_wait_until (af_outbox_count (outbox, "crash-agent", AF_OUTBOX_DONE) >= 9,
                      "the 9 side effects to be done in the outbox");

  /* Nothing lost, nothing twice. */
  g_assert_cmpuint (journal_lines (journal, keys), ==, 9);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "label"), ==, 5);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "archive"), ==, 1);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "star"), ==, 1);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "draft"), ==, 2);
  g_assert_cmpuint (af_outbox_count (outbox, "crash-agent", AF_OUTBOX_EXECUTING), ==, 0);
  g_assert_cmpuint (af_outbox_count (outbox, "crash-agent", AF_OUTBOX_PENDING), ==, 0);
  g_assert_true (af_sample_executor_has_label (f->executor, "m3", "STARRED"));
  af_database_check_integrity (f->db, &error);
  g_assert_no_error (error);
}

static char *
run_outcome (Fixture *f,
             gint64  *finished_at)
{
  sqlite3_stmt *stmt = NULL;
  char         *outcome = NULL;

  sqlite3_prepare_v2 (af_database_get_handle (f->db),
                      "SELECT outcome, coalesce (finished_at, 0) FROM runs WHERE agent_id = 'crash-agent'", -1, &stmt,
                      NULL);
  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  outcome = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  *finished_at = sqlite3_column_int64 (stmt, 1);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  return outcome;
}

/* A run left "running" by a process that died is interrupted, also for
 * `agentflow --run-agent` (which never calls af_engine_start()); one a
 * live process is doing stays running. */
static void
test_interrupted_runs (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (JsonArray) conn = connections ("gmail", "gmail.read gmail.modify gmail.compose");
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, NULL);
  g_autoptr (AfAgent) crashing = NULL;
  g_autoptr (AfAgent) other = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autofree char *locks = g_build_filename (f->dir, "running", NULL);
  g_autofree char *outcome = NULL;
  gint64           finished_at = -1;
  GPid             pid;

  json_object_set_array_member (af_agent_get_definition (agent), "connections", json_array_ref (conn));
  crashing = af_agent_new ("crash-agent", "Crash", "email-assistant", af_agent_get_definition (agent));
  other = af_agent_new ("other-agent", "Other", "email-assistant", af_agent_get_definition (agent));
  af_engine_add_agent (f->engine, crashing, &error);
  g_assert_no_error (error);
  af_engine_add_agent (f->engine, other, &error);
  g_assert_no_error (error);
  fixture_close (f);

  /* Slow actions: its run is still going whatever this process does
   * meanwhile, however slow the machine. */
  pid = spawn_crash_child (f, 2, 3000);

  /* The other process is alive and in the middle of its run. */
  fixture_open (f);
  result = run_sync (f, other, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, json_object_unref);
  outcome = run_outcome (f, &finished_at);
  g_assert_cmpstr (outcome, ==, "running");
  g_assert_cmpint (finished_at, ==, 0);
  g_clear_pointer (&outcome, g_free);
  fixture_close (f);

  kill_crash_child (pid);
  /* Its lock file outlives it; the lock does not. */
  g_assert_true (g_file_test (locks, G_FILE_TEST_IS_DIR));

  /* Gone: the next run from the command line says so. */
  fixture_open (f);
  result = run_sync (f, other, AF_RUN_FLAGS_NONE, &error);
  g_assert_no_error (error);
  outcome = run_outcome (f, &finished_at);
  g_assert_cmpstr (outcome, ==, "interrupted");
  g_assert_cmpint (finished_at, >, 0);
  fixture_close (f);
  /* The dead owner's lock file went with the check, ours with the engine. */
  g_assert_false (g_file_test (locks, G_FILE_TEST_EXISTS));
  fixture_open (f);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  self_path = argv[0];
  if (argc == 4 && g_str_equal (argv[1], "--crash-child"))
    return crash_child (argv[2], g_ascii_strtoull (argv[3], NULL, 10));

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/engine/email-assistant", test_email_assistant);
  ADD ("/engine/calendar-manager", test_calendar_manager);
  ADD ("/engine/slack-notifier", test_slack_notifier);
  ADD ("/engine/permission-gate", test_permission_gate);
  ADD ("/engine/approvals", test_approvals);
  ADD ("/engine/approval-expiry", test_approval_expiry);
  ADD ("/engine/dry-run", test_dry_run);
  ADD ("/engine/missed-run-once", test_missed_run_once);
  ADD ("/engine/backoff", test_backoff);
  ADD ("/engine/concurrency-and-cancel", test_concurrency_and_cancel);
  ADD ("/engine/export-import", test_export_import);
  ADD ("/engine/crash", test_crash);
  ADD ("/engine/interrupted-runs", test_interrupted_runs);
  ADD ("/engine/delete-keeps-activity", test_delete_keeps_activity);
  ADD ("/engine/delete-removes-activity", test_delete_removes_activity);
  ADD ("/engine/delete-running-agent", test_delete_running_agent);
  ADD ("/engine/delete-withdraws-approvals", test_delete_withdraws_approvals);
  ADD ("/engine/test-run-unsaved", test_test_run_unsaved);
  ADD ("/engine/metrics-today-and-week", test_metrics_today_and_week);
  ADD ("/engine/offline-deferral", test_offline_deferral);
  ADD ("/engine/offline-paused", test_offline_manual_run);
#undef ADD

  return g_test_run ();
}
