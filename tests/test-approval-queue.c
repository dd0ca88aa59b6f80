/* test-approval-queue.c — deciding many approvals at once, against the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "af-action-text.h"
#include "af-approval-queue.h"
#include "af-engine.h"
#include "af-error.h"
#include "af-outbox.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"
#include "af-test-engine.h"

typedef struct
{
  char               *dir;
  AfSandbox          *sandbox;
  AfHttpClient       *http;
  AfServicesExecutor *executor;
  AfDatabase         *db;
  AfEngine           *engine;
  AfAgent            *agent;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack_token = NULL, *llm_token = NULL, *path = NULL;
  g_autofree char *calendar_base = NULL, *slack_base = NULL;
  g_autoptr (AfTokenSource) google_tokens = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;
  g_autoptr (JsonArray) connections = af_test_connections ("google", AF_SANDBOX_ACCOUNT, "gmail.read gmail.modify");
  g_autoptr (AfAgent) agent = NULL;

  f->sandbox = af_sandbox_new ();
  af_sandbox_add_default_tokens (f->sandbox, &google, &slack_token, &llm_token);
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

  f->dir = g_dir_make_tmp ("af-approval-queue-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "agentflow.db", NULL);
  f->db = af_database_open (path, &error);
  g_assert_no_error (error);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);

  /* Labels newsletters, asking first. */
  agent = af_template_create_agent (af_template_lookup ("custom"), NULL, connections);
  json_object_set_member (af_agent_get_definition (agent), "rules",
                          json_from_string ("[{\"name\":\"Newsletters\",\"conditions\":[{\"field\":\"subject\","
                                            "\"op\":\"contains\",\"value\":\"Weekly\"}],\"actions\":[{\"action\":"
                                            "\"label\",\"params\":{\"label\":\"Newsletters\"}}]}]",
                                            NULL));
  json_object_set_member (af_agent_get_definition (agent), "approvals", json_from_string ("{\"label\":\"ask\"}", NULL));
  /* The mail is there before the first run: look back over it. */
  json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 30);
  g_assert_true (af_engine_add_agent (f->engine, agent, &error));
  g_assert_no_error (error);
  f->agent = agent;
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
  af_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* @n newsletters arrive and the agent runs: @n approvals wait. */
static void
ask (Fixture *f,
     guint    n)
{
  AfTestRun w = { 0 };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("GNOME Weekly #%u", 400 + i);

      g_free (af_sandbox_gmail_deliver (f->sandbox, "GNOME Weekly <weekly@gnome.example>", subject, "News"));
    }
  af_engine_run_agent_async (f->engine, af_agent_get_id (f->agent), AF_RUN_FLAGS_NONE, NULL, af_test_run_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.error);
  g_clear_pointer (&w.result, json_object_unref);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, n);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  guint    n;
  GArray  *undoable;
  GError  *error;
} Wait;

static void
on_approved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = af_approval_queue_approve_finish (AF_APPROVAL_QUEUE (source), result, &w->n, &w->undoable, &w->error);
  w->done = TRUE;
}

static void
on_undone_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = af_approval_queue_undo_finish (AF_APPROVAL_QUEUE (source), result, &w->n, &w->error);
  w->done = TRUE;
}

static void
wait_for (Wait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_clear (Wait *w)
{
  g_clear_pointer (&w->undoable, g_array_unref);
  g_clear_error (&w->error);
}

static guint
n_outbox (Fixture      *f,
          const char   *action,
          AfOutboxState state)
{
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (GPtrArray) entries = af_outbox_list (outbox, state, NULL);
  guint n = 0;

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    if (g_str_equal (((AfOutboxEntry *)g_ptr_array_index (entries, i))->action, action))
      n++;
  return n;
}

static guint
n_labelled (Fixture *f)
{
  const char *id = af_sandbox_gmail_find_label (f->sandbox, "Newsletters");

  return id ? af_sandbox_gmail_count_with_label (f->sandbox, id) : 0;
}

/* Approved twice at once (a double click, a notification and the window):
 * each action is done once, in one batch. */
static void
test_exactly_once (Fixture      *f,
                   gconstpointer data)
{
  AfApprovalQueue *queue = af_engine_get_approval_queue (f->engine);
  g_autoptr (GPtrArray) all = NULL;
  Wait first = { 0 }, second = { 0 };

  ask (f, 10);
  all = af_approval_queue_list (queue, af_agent_get_id (f->agent), 0, NULL);
  g_assert_cmpuint (all->len, ==, 10);
  /* In words, and of one run. */
  g_assert_cmpstr (af_approval_get_summary (g_ptr_array_index (all, 0)), ==, "Label “GNOME Weekly #409” as Newsletters");
  g_assert_cmpint (af_approval_get_run_id (g_ptr_array_index (all, 0)), >, 0);
  g_assert_cmpint (af_approval_get_run_id (g_ptr_array_index (all, 0)), ==,
                   af_approval_get_run_id (g_ptr_array_index (all, 9)));

  af_approval_queue_approve_async (queue, all, NULL, NULL, on_approved_cb, &first);
  af_approval_queue_approve_async (queue, all, NULL, NULL, on_approved_cb, &second);
  wait_for (&first);
  wait_for (&second);
  g_assert_no_error (first.error);
  g_assert_no_error (second.error);
  g_assert_cmpuint (first.n + second.n, ==, 10);
  g_assert_cmpuint (first.undoable->len + second.undoable->len, ==, 10);
  g_assert_cmpuint (n_outbox (f, "label", AF_OUTBOX_DONE), ==, 10);
  g_assert_cmpuint (n_labelled (f), ==, 10);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify"), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, 0);
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (f->agent),
                                           "action-done"),
                    ==, 10);

  /* Undone twice: once. */
  {
    Wait    u1 = { 0 }, u2 = { 0 };
    GArray *ids = first.n == 10 ? first.undoable : second.undoable;

    af_approval_queue_undo_async (queue, ids, NULL, on_undone_cb, &u1);
    af_approval_queue_undo_async (queue, ids, NULL, on_undone_cb, &u2);
    wait_for (&u1);
    wait_for (&u2);
    g_assert_no_error (u1.error);
    g_assert_no_error (u2.error);
    g_assert_cmpuint (u1.n + u2.n, ==, 10);
    g_assert_cmpuint (n_outbox (f, "unlabel", AF_OUTBOX_DONE), ==, 10);
    g_assert_cmpuint (n_labelled (f), ==, 0);
    g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify"), ==, 2);
  }
  wait_clear (&first);
  wait_clear (&second);
}

/* Only a message's text can be edited; a refused edit leaves the approval
 * waiting as it was. */
static void
test_edit_refused (Fixture      *f,
                   gconstpointer data)
{
  AfApprovalQueue *queue = af_engine_get_approval_queue (f->engine);
  g_autoptr (GPtrArray) one = NULL;
  Wait w = { 0 };

  ask (f, 1);
  one = af_approval_queue_list (queue, NULL, 0, "label");
  g_assert_null (af_approval_get_editable_text (g_ptr_array_index (one, 0)));
  af_approval_queue_approve_async (queue, one, "Some text", NULL, on_approved_cb, &w);
  wait_for (&w);
  g_assert_error (w.error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (w.n, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, 1);
  g_assert_cmpuint (n_outbox (f, "label", AF_OUTBOX_WAITING), ==, 1);
  g_assert_cmpuint (n_labelled (f), ==, 0);
  wait_clear (&w);
}

/* Denied: nothing happens, each is recorded, and the list empties. */
static void
test_deny (Fixture      *f,
           gconstpointer data)
{
  AfApprovalQueue *queue = af_engine_get_approval_queue (f->engine);
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GError) error = NULL;

  ask (f, 3);
  all = af_approval_queue_list (queue, NULL, 0, NULL);
  g_assert_cmpuint (af_approval_queue_deny (queue, all, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpuint (af_approval_queue_deny (queue, all, &error), ==, 0);
  g_assert_cmpuint (n_outbox (f, "label", AF_OUTBOX_DENIED), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, 0);
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (f->agent),
                                           "approval-denied"),
                    ==, 3);
  g_assert_cmpuint (n_labelled (f), ==, 0);
}

/* Pending approvals read back after a restart keep their run and words. */
static void
test_restart (Fixture      *f,
              gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfEngine) again = NULL;
  g_autoptr (AfApproval) before = NULL;
  g_autoptr (AfApproval) after = NULL;

  ask (f, 2);
  before = g_list_model_get_item (af_engine_get_approvals (f->engine), 0);
  again = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (again, NULL);
  g_assert_true (af_engine_start (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (again)), ==, 2);
  after = g_list_model_get_item (af_engine_get_approvals (again), 0);
  g_assert_cmpstr (af_approval_get_summary (after), ==, af_approval_get_summary (before));
  g_assert_cmpint (af_approval_get_run_id (after), ==, af_approval_get_run_id (before));
  af_engine_shutdown (again);
}

/* "Always allow" and its undo change the saved policy. */
static void
test_policy (Fixture      *f,
             gconstpointer data)
{
  AfApprovalQueue *queue = af_engine_get_approval_queue (f->engine);
  g_autoptr (GError) error = NULL;
  g_autofree char *previous = NULL;

  g_assert_true (af_approval_queue_set_policy (queue, af_agent_get_id (f->agent), "label", "auto", &previous, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (previous, ==, "ask");
  g_assert_cmpint (af_agent_get_approval_policy (f->agent, "label", FALSE), ==, AF_APPROVAL_POLICY_AUTO);
  g_assert_true (af_approval_queue_set_policy (queue, af_agent_get_id (f->agent), "label", previous, NULL, &error));
  g_assert_cmpint (af_agent_get_approval_policy (f->agent, "label", FALSE), ==, AF_APPROVAL_POLICY_ASK);
  g_assert_false (af_approval_queue_set_policy (queue, "no-such-agent", "label", "auto", NULL, &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
}

static void
test_describe_many (void)
{
  const char *const three[] = { "label", "label", "archive" };
  const char *const one[] = { "send" };
  g_autofree char  *a = af_action_describe_many (three, G_N_ELEMENTS (three));
  g_autofree char  *b = af_action_describe_many (one, G_N_ELEMENTS (one));
  g_autoptr (JsonObject) params = json_object_new ();
  g_autoptr (JsonObject) item = json_object_new ();
  g_autofree char *reply = NULL;

  g_assert_cmpstr (a, ==, "3 actions: label 2 messages, archive 1");
  g_assert_cmpstr (b, ==, "1 action: send 1 mail");
  json_object_set_string_member (item, "from", "\"Dana Wu\" <dana@example.com>");
  reply = af_action_describe ("send", params, item, FALSE);
  g_assert_cmpstr (reply, ==, "Send a reply to Dana Wu");
  g_assert_cmpstr (af_action_get_inverse ("label"), ==, "unlabel");
  g_assert_null (af_action_get_inverse ("send"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/approval-queue/describe-many", test_describe_many);
  g_test_add ("/approval-queue/exactly-once", Fixture, NULL, fixture_setup, test_exactly_once, fixture_teardown);
  g_test_add ("/approval-queue/edit-refused", Fixture, NULL, fixture_setup, test_edit_refused, fixture_teardown);
  g_test_add ("/approval-queue/deny", Fixture, NULL, fixture_setup, test_deny, fixture_teardown);
  g_test_add ("/approval-queue/restart", Fixture, NULL, fixture_setup, test_restart, fixture_teardown);
  g_test_add ("/approval-queue/policy", Fixture, NULL, fixture_setup, test_policy, fixture_teardown);

  return g_test_run ();
}
