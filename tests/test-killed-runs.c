/* test-killed-runs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Never lose an action, never do one twice, whatever kills a run: an
 * Email Assistant (labels, archive, star, drafts, an automatic reply) runs
 * as `agentflow --run-agent` in its own process against a sandbox served
 * by this one, is killed with SIGKILL at a random point of its run, and is
 * started again through each entry point: `agentflow --run-agent` again,
 * af_engine_start() then a run in this process, a run in this process
 * alone, or a test run (the editor's) before it. Afterwards the sandbox's mailbox must show every effect the rules
 * call for exactly once: each label on each message, each draft once per
 * thread, each reply sent once.
 */

#include "config.h"

#include "af-accounts-executor.h"
#include "af-engine.h"
#include "af-outbox.h"
#include "af-test-auth.h"
#include "af-test-engine.h"

#define AGENT_ID         "killed-agent"
#define N_TRIALS         24
#define N_ENTRY_POINTS   4
#define SLOW_CALL_MS     120
#define SHORTEST_KILL_MS 50

typedef struct
{
  char             *dir;
  AfDatabase       *db;
  AfSandbox        *sandbox;
  AfTestBrowser     browser;
  AfAccountManager *manager;
  AfHttpClient     *http;
  SoupSession      *session;
  char             *token; /* the test's own look at the mailbox */
  char             *account;
  guint             run_ms; /* how long a whole run takes here */
} Fixture;

/* One delivered message and what the rules must have done to it. */
typedef struct
{
  char       *id;
  char       *subject;
  const char *labels[3];
  gboolean    archived;
  gboolean    starred;
  guint       drafts;
  guint       sends;
} Expected;

static void
expected_free (Expected *e)
{
  g_free (e->id);
  g_free (e->subject);
  g_free (e);
}

/* The test's own requests: async, since the sandbox answers from this
 * same main loop. */
static JsonObject *
get_json (Fixture    *f,
          const char *path)
{
  g_autofree char *url = g_strconcat (af_sandbox_get_base_url (f->sandbox), path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strconcat ("Bearer ", f->token, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, af_test_on_result_cb, &result);
  body = soup_session_send_and_read_finish (f->session, af_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  root = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (root));
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) connection = NULL;
  g_autofree char *slack = NULL, *llm = NULL;
  g_auto (GStrv) missing = NULL;

  f->db = af_test_database_new (&f->dir);
  f->sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (f->sandbox);
  af_sandbox_add_default_tokens (f->sandbox, &f->token, &slack, &llm);
  g_assert_true (af_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);
  af_sandbox_oauth_set_consent (af_sandbox_oauth_get (f->sandbox), AF_SANDBOX_CONSENT_APPROVE);
  f->browser.follow = TRUE;
  f->manager = af_test_manager_new (f->db, NULL, f->sandbox, &f->browser);
  f->http = af_http_client_new ();
  f->session = soup_session_new ();
  /* The APIs at the sandbox, for this process and the `agentflow` ones. */
  g_setenv ("AGENTFLOW_GOOGLE_BASE_URL", af_sandbox_get_base_url (f->sandbox), TRUE);

  connection = af_test_connect (f->manager, "gmail", &missing, &error);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  f->account = g_strdup (connection->account);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "gmail", NULL);
  g_unsetenv ("AGENTFLOW_GOOGLE_BASE_URL");
  g_clear_object (&f->session);
  g_clear_object (&f->http);
  g_clear_object (&f->manager);
  g_clear_object (&f->sandbox);
  g_clear_object (&f->db);
  af_test_browser_clear (&f->browser);
  g_free (f->token);
  g_free (f->account);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        {
          g_autoptr (GDir) sub = g_dir_open (p, 0, NULL);
          const char *lock;

          while (sub && (lock = g_dir_read_name (sub)))
            {
              g_autofree char *q = g_build_filename (p, lock, NULL);
              g_unlink (q);
            }
          g_rmdir (p);
        }
      else
        g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* An in-process engine on the same database and accounts as the
 * `agentflow` processes. */
static AfEngine *
open_engine (Fixture             *f,
             AfAccountsExecutor **executor)
{
  AfEngine *engine;

  *executor = af_accounts_executor_new (f->manager, f->http, f->db);
  engine = af_engine_new (f->db, AF_EXECUTOR (*executor));
  af_engine_set_network_monitor (engine, NULL);
  return engine;
}

/* The Email Assistant, plus an automatic reply (sent without asking) to
 * order confirmations; run on demand only, so that af_engine_start()
 * schedules nothing of its own. */
static void
add_agent (Fixture *f)
{
  g_autoptr (AfAccountsExecutor) executor = NULL;
  g_autoptr (AfEngine) engine = open_engine (f, &executor);
  g_autoptr (JsonArray) connections = af_test_connections ("gmail", f->account,
                                                           "gmail.read gmail.modify gmail.compose gmail.send");
  g_autoptr (AfAgent) made = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, connections);
  g_autoptr (AfAgent) agent = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *definition = af_agent_get_definition (made);

  json_object_set_member (definition, "trigger", json_from_string ("{\"type\":\"manual\"}", NULL));
  json_array_add_element (json_object_get_array_member (definition, "rules"),
                          json_from_string ("{\"name\":\"Acknowledge orders\",\"match\":\"all\","
                                            "\"conditions\":[{\"field\":\"subject\",\"op\":\"matches\",\"value\":\"^ACK\\\\b\"}],"
                                            "\"actions\":[{\"action\":\"send\",\"params\":{\"to\":\"dan@partner.example.net\","
                                            "\"body\":\"Received: {{subject}}\"}}]}",
                                            NULL));
  json_object_set_member (definition, "approvals", json_from_string ("{\"send\":\"auto\"}", NULL));
  agent = af_agent_new (AGENT_ID, "Killed", "email-assistant", definition);
  af_engine_add_agent (engine, agent, &error);
  g_assert_no_error (error);
}

/* Six new messages with @tag in their subjects (in place of the “@”),
 * one per kind of work. */
static GPtrArray *
deliver_mail (Fixture    *f,
              const char *tag)
{
  GPtrArray *expected = g_ptr_array_new_with_free_func ((GDestroyNotify)expected_free);
  struct
  {
    const char *from, *subject, *body;
    Expected    e;
  } mail[] = {
    { "Weekly News <newsletter@news.example.org>", "Weekly digest @", "Read more. To unsubscribe click here.", { .labels = { "Newsletters" }, .archived = TRUE } },
    { "Billing <billing@shop.example.net>", "Invoice @ for March", "Your invoice is attached.", { .labels = { "Finance" } } },
    { "Boss <boss@example.com>", "URGENT @ contract", "Could you sign the contract?", { .labels = { "Urgent", "Work" }, .starred = TRUE, .drafts = 1 } },
    { "Carol <carol@example.com>", "Lunch @", "Would you join us on Friday?", { .labels = { "Work" }, .drafts = 1 } },
    { "Dan <dan@partner.example.net>", "ACK @ order 42", "Order placed.", { .sends = 1 } },
    { "Shop <orders@example.com>", "Receipt @ payment", "Please confirm the delivery address.", { .labels = { "Finance", "Work" }, .drafts = 1 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (mail); i++)
    {
      Expected *e = g_new0 (Expected, 1);

      g_auto (GStrv) parts = g_strsplit (mail[i].subject, "@", 2);

      *e = mail[i].e;
      e->subject = g_strconcat (parts[0], tag, parts[1], NULL);
      e->id = af_sandbox_gmail_deliver (f->sandbox, mail[i].from, e->subject, mail[i].body);
      g_ptr_array_add (expected, e);
    }
  return expected;
}

static gboolean
strv_has (JsonArray  *array,
          const char *value)
{
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

/* The mailbox shows each effect @expected calls for, exactly once. */
static void
check_mailbox (Fixture   *f,
               GPtrArray *expected)
{
  g_autoptr (JsonObject) labels = get_json (f, "/gmail/v1/users/me/labels");
  g_autoptr (JsonObject) drafts = get_json (f, "/gmail/v1/users/me/drafts?maxResults=500");
  g_autoptr (GHashTable) label_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) drafts_per_thread = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *list;

  list = json_object_get_array_member (labels, "labels");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *l = json_array_get_object_element (list, i);

      g_hash_table_insert (label_ids, (gpointer)json_object_get_string_member (l, "name"),
                           (gpointer)json_object_get_string_member (l, "id"));
    }
  list = json_object_has_member (drafts, "drafts") ? json_object_get_array_member (drafts, "drafts") : NULL;
  g_assert_cmpuint (list ? json_array_get_length (list) : 0, <, 500);
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      const char *thread = json_object_get_string_member (
          json_object_get_object_member (json_array_get_object_element (list, i), "message"), "threadId");

      g_hash_table_insert (drafts_per_thread, (gpointer)thread,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (drafts_per_thread, thread)) + 1));
    }

  for (guint i = 0; i < expected->len; i++)
    {
      Expected        *e = g_ptr_array_index (expected, i);
      g_autofree char *path = g_strdup_printf ("/gmail/v1/users/me/messages/%s?format=minimal", e->id);
      g_autoptr (JsonObject) message = get_json (f, path);
      JsonArray       *on = json_object_get_array_member (message, "labelIds");
      const char      *thread = json_object_get_string_member (message, "threadId");
      g_autofree char *subject_line = g_strdup_printf ("Subject: Re: %s", e->subject);
      guint            sends = 0;

      for (guint j = 0; j < G_N_ELEMENTS (e->labels) && e->labels[j]; j++)
        {
          const char *id = g_hash_table_lookup (label_ids, e->labels[j]);

          if (id == NULL || !strv_has (on, id))
            g_error ("“%s” lacks the label %s", e->subject, e->labels[j]);
        }
      if (strv_has (on, "INBOX") == e->archived)
        g_error ("“%s” is %s", e->subject, e->archived ? "still in the inbox" : "archived");
      if (strv_has (on, "STARRED") != e->starred)
        g_error ("“%s” is %s", e->subject, e->starred ? "not starred" : "starred");
      if (GPOINTER_TO_UINT (g_hash_table_lookup (drafts_per_thread, thread)) != e->drafts)
        g_error ("“%s” has %u drafts, not %u", e->subject,
                 GPOINTER_TO_UINT (g_hash_table_lookup (drafts_per_thread, thread)), e->drafts);
      for (guint j = 0; j < af_sandbox_gmail_get_n_sent (f->sandbox); j++)
        {
          g_autofree char *mime = af_sandbox_gmail_get_sent_mime (f->sandbox, j);

          if (strstr (mime, subject_line) != NULL)
            sends++;
        }
      if (sends != e->sends)
        g_error ("“%s” was answered %u times, not %u", e->subject, sends, e->sends);
    }
}

/* Every action is done and was done once: the activity shows as many
 * done actions as the outbox has, and nothing is left to do. */
static void
check_outbox_settled (Fixture *f)
{
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpuint (af_outbox_count (outbox, AGENT_ID, AF_OUTBOX_EXECUTING), ==, 0);
  g_assert_cmpuint (af_outbox_count (outbox, AGENT_ID, AF_OUTBOX_PENDING), ==, 0);
  g_assert_cmpuint (af_outbox_count (outbox, AGENT_ID, AF_OUTBOX_FAILED), ==, 0);

  g_assert_cmpint (sqlite3_prepare_v2 (af_database_get_handle (f->db),
                                       "SELECT count (*) FROM activity WHERE agent_id = ?1 AND kind = 'action-done'", -1,
                                       &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, AGENT_ID, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpuint (sqlite3_column_int (stmt, 0), ==, af_outbox_count (outbox, AGENT_ID, AF_OUTBOX_DONE));
  sqlite3_finalize (stmt);
}

typedef struct
{
  GSubprocess *process;
  gboolean     exited;
  gboolean     killed;
  guint        kill_id;
} Child;

static void
on_child_exited_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Child *child = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  child->exited = TRUE;
}

static gboolean
on_kill_cb (gpointer user_data)
{
  Child *child = user_data;

  child->kill_id = 0;
  if (!child->exited)
    {
      g_subprocess_send_signal (child->process, SIGKILL);
      child->killed = TRUE;
    }
  return G_SOURCE_REMOVE;
}

static void
spawn_cli (Fixture *f,
           Child   *child)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *bin = g_build_filename (g_getenv ("AGENTFLOW_TOP_BUILDDIR") ? g_getenv ("AGENTFLOW_TOP_BUILDDIR") : "..",
                                           "src", "agentflow", NULL);
  g_autofree char *out = g_build_filename (f->dir, "agentflow.log", NULL);
  g_autoptr (GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "AGENTFLOW_DATA_DIR", f->dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  g_subprocess_launcher_set_stderr_file_path (launcher, out);
  child->process = g_subprocess_launcher_spawn (launcher, &error, bin, "--run-agent", AGENT_ID, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (child->process, NULL, on_child_exited_cb, child);
}

/* Waits for @child to exit; whether it was killed before it finished
 * (else it must have succeeded). */
static gboolean
wait_cli (Fixture *f,
          Child   *child)
{
  g_autofree char *out = g_build_filename (f->dir, "agentflow.log", NULL);
  gboolean         killed;

  while (!child->exited)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&child->kill_id, g_source_remove);

  killed = child->killed && g_subprocess_get_if_signaled (child->process);
  if (!killed && (!g_subprocess_get_if_exited (child->process) || g_subprocess_get_exit_status (child->process) != 0))
    {
      g_autofree char *log = NULL;

      g_file_get_contents (out, &log, NULL, NULL);
      g_error ("agentflow --run-agent failed:\n%s", log);
    }
  g_clear_object (&child->process);
  return killed;
}

/* `agentflow --run-agent` on the fixture's data; killed with SIGKILL after
 * @kill_ms when not 0. Returns when it has exited; whether it was killed
 * before it finished. */
static gboolean
run_cli (Fixture *f,
         guint    kill_ms)
{
  Child child = { 0 };

  spawn_cli (f, &child);
  if (kill_ms > 0)
    child.kill_id = g_timeout_add (kill_ms, on_kill_cb, &child);
  return wait_cli (f, &child);
}

/* A whole run through @entry_point after a kill. */
static void
recover (Fixture *f,
         guint    entry_point)
{
  g_autoptr (AfAccountsExecutor) executor = NULL;
  g_autoptr (AfEngine) engine = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;

  if (entry_point == 0)
    {
      g_assert_false (run_cli (f, 0));
      return;
    }
  engine = open_engine (f, &executor);
  if (entry_point == 1)
    {
      /* The app's and --headless' way in. */
      af_engine_start (engine, &error);
      g_assert_no_error (error);
    }
  if (entry_point == 3)
    {
      g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
      g_autoptr (GAsyncResult) tested = NULL;
      g_autoptr (JsonObject) would = NULL;

      /* The editor's Test Run comes first: it settles what the killed
       * process left, and does nothing of its own. */
      af_engine_test_agent_async (engine, af_engine_lookup_agent (engine, AGENT_ID), NULL, af_test_on_result_cb,
                                  &tested);
      would = af_engine_test_agent_finish (engine, af_test_wait (&tested), &error);
      g_assert_no_error (error);
      g_assert_nonnull (would);
      g_assert_cmpuint (af_outbox_count (outbox, AGENT_ID, AF_OUTBOX_EXECUTING), ==, 0);
      g_assert_cmpuint (af_outbox_count (outbox, AGENT_ID, AF_OUTBOX_PENDING), ==, 0);
    }
  result = af_test_run_agent (engine, af_engine_lookup_agent (engine, AGENT_ID), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  af_engine_shutdown (engine);
}

static void
test_killed_runs (Fixture      *f,
                  gconstpointer data)
{
  static const char *const entry_points[N_ENTRY_POINTS] = { "agentflow --run-agent", "af_engine_start", "a run",
                                                            "a test run" };
  guint                    killed = 0;
  gint64                   start;

  add_agent (f);
  /* The sample mailbox first, as a first run would. */
  g_assert_false (run_cli (f, 0));

  /* Calls that take a while, as over a real network: a kill lands
   * between requests as well as during them. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.messages.batchModify", AF_SANDBOX_ROUTE_LATENCY, G_MAXUINT,
                        SLOW_CALL_MS);
  af_sandbox_add_fault (f->sandbox, "gmail.users.drafts.create", AF_SANDBOX_ROUTE_LATENCY, G_MAXUINT, SLOW_CALL_MS);
  af_sandbox_add_fault (f->sandbox, "gmail.users.messages.send", AF_SANDBOX_ROUTE_LATENCY, G_MAXUINT, SLOW_CALL_MS);

  /* How long a whole run of fresh mail takes on this machine: the kills
   * fall anywhere in it. */
  {
    g_autoptr (GPtrArray) expected = deliver_mail (f, "K00");

    start = g_get_monotonic_time ();
    g_assert_false (run_cli (f, 0));
    f->run_ms = MAX ((g_get_monotonic_time () - start) / 1000, SHORTEST_KILL_MS + 1);
    check_mailbox (f, expected);
    check_outbox_settled (f);
  }
  g_test_message ("a whole run takes %u ms", f->run_ms);

  for (guint trial = 1; trial <= N_TRIALS; trial++)
    {
      g_autofree char *tag = g_strdup_printf ("K%02u", trial);
      g_autoptr (GPtrArray) expected = deliver_mail (f, tag);
      guint    kill_ms = g_test_rand_int_range (SHORTEST_KILL_MS, f->run_ms + 1);
      guint    entry_point = trial % N_ENTRY_POINTS;
      gboolean was_killed = run_cli (f, kill_ms);

      killed += was_killed;
      g_test_message ("trial %u: %s at %u ms, then %s", trial, was_killed ? "killed" : "finished first", kill_ms,
                      entry_points[entry_point]);
      recover (f, entry_point);
      check_mailbox (f, expected);
      check_outbox_settled (f);
    }
  /* Most trials did interrupt a run. */
  g_assert_cmpuint (killed, >=, N_TRIALS / 2);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* The app starts (or another `agentflow`) while `agentflow --run-agent`
 * is in the middle of a run: its actions in flight, "executing", and its
 * label changes waiting for their batch, "pending", are that process's
 * own. Reconciling them would draft the reply a second time. */
static void
test_live_process (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (AfAccountsExecutor) executor = NULL;
  g_autoptr (AfEngine) engine = NULL;
  g_autoptr (GPtrArray) expected = NULL;
  g_autoptr (GError) error = NULL;
  Child child = { 0 };
  guint tick;

  add_agent (f);
  g_assert_false (run_cli (f, 0));

  /* Slow enough that the other process's draft is surely in flight when
   * this one starts. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.drafts.create", AF_SANDBOX_ROUTE_LATENCY, G_MAXUINT, 1000);
  expected = deliver_mail (f, "L01");
  spawn_cli (f, &child);
  /* Its outbox entries are all the sign there is of where it is. */
  tick = g_timeout_add (10, on_tick_cb, NULL);
  while (!child.exited && af_outbox_count (outbox, AGENT_ID, AF_OUTBOX_EXECUTING) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_false (child.exited);

  engine = open_engine (f, &executor);
  af_engine_start (engine, &error);
  g_assert_no_error (error);
  g_assert_false (wait_cli (f, &child));
  af_engine_shutdown (engine);

  check_mailbox (f, expected);
  check_outbox_settled (f);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/killed-runs/nothing-lost-nothing-twice", Fixture, NULL, fixture_set_up, test_killed_runs,
              fixture_tear_down);
  g_test_add ("/killed-runs/live-process-left-alone", Fixture, NULL, fixture_set_up, test_live_process,
              fixture_tear_down);

  return g_test_run ();
}
