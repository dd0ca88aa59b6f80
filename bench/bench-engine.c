/* bench-engine.c — the engine's own figures for the benchmarks, each
 * printed as "key value" lines for build-aux/bench:
 *
 *   bench-engine activity DB N       N appends through AfActivityLog (the
 *                                    engine's write path) vs the same rows
 *                                    inserted raw in one transaction
 *   bench-engine mail N LATENCY_MS   an Email Assistant against the sandbox
 *                                    with N new messages since its last sync
 *   bench-engine mail-expired N      an Email Assistant over a mailbox of N
 *                                    (its first run looks back at them), then
 *                                    N more while its history expires
 *   bench-engine scale N_AGENTS      N Email Assistants due at once
 *   bench-engine load N_AGENTS       N Email Assistants stored, then loaded
 *                                    by a new process's engine, as at start
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "af-engine.h"
#include "af-memory.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"

/* Gmail's documented limits, for the API minimum. */
#define HISTORY_PAGE  500  /* users.history.list maxResults */
#define LIST_PAGE     500  /* users.messages.list maxResults */
#define BATCH_CALLS   100  /* calls in one batch request */
#define MODIFY_IDS    1000 /* ids in one users.messages.batchModify */
#define HTTP_PER_HOST 4    /* AfHttpClient's concurrency cap per service */

static const char *const gmail_methods[] = {
  "gmail.users.getProfile",
  "gmail.users.history.list",
  "gmail.users.messages.list",
  "gmail.users.messages.get",
  "gmail.batch",
  "gmail.users.labels.list",
  "gmail.users.labels.create",
  "gmail.users.messages.batchModify",
  "gmail.users.drafts.create",
  "gmail.users.messages.send",
};

typedef struct
{
  char               *dir;
  AfSandbox          *sandbox;
  AfHttpClient       *http;
  AfServicesExecutor *executor;
  AfDatabase         *db;
  AfEngine           *engine;
} Bench;

static double
now_s (void)
{
  return g_get_monotonic_time () / (double)G_USEC_PER_SEC;
}

static double
vm_hwm_mb (void)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line ? g_ascii_strtod (line + 6, NULL) / 1024.0 : 0;
}

/* CPU seconds: the process's (every thread, also those that ended), the
 * calling thread's, and the sandbox's thread's (the remote service's
 * work, on this machine only because the sandbox is). */
typedef struct
{
  double process, main, sandbox;
} CpuTimes;

static double
timeval_s (const struct timeval *tv)
{
  return tv->tv_sec + tv->tv_usec / 1e6;
}

static void
cpu_times (CpuTimes *times)
{
  struct rusage usage;
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  getrusage (RUSAGE_SELF, &usage);
  times->process = timeval_s (&usage.ru_utime) + timeval_s (&usage.ru_stime);
  getrusage (RUSAGE_THREAD, &usage);
  times->main = timeval_s (&usage.ru_utime) + timeval_s (&usage.ru_stime);
  times->sandbox = 0;
  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc/self/task", tid, "schedstat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *stat = NULL;

      /* schedstat: nanoseconds on the CPU, first. */
      if (g_file_get_contents (comm_path, &comm, NULL, NULL) && g_str_has_prefix (comm, "af-sandbox") &&
          g_file_get_contents (stat_path, &stat, NULL, NULL))
        times->sandbox += g_ascii_strtod (stat, NULL) / 1e9;
    }
}

static void
die_on_error (GError *error)
{
  if (error != NULL)
    {
      g_printerr ("bench-engine: %s\n", error->message);
      exit (1);
    }
}

static void
bench_open (Bench *b,
            guint  n_messages)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack_token = NULL, *llm_token = NULL;
  g_autofree char *calendar_base = NULL, *slack_base = NULL, *path = NULL;
  g_autoptr (AfTokenSource) google_tokens = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;

  b->sandbox = af_sandbox_new ();
  af_sandbox_generate_messages (b->sandbox, n_messages, 20240501);
  af_sandbox_add_default_tokens (b->sandbox, &google, &slack_token, &llm_token);
  /* In a thread of its own, as Google's servers are on machines of their
   * own: the figures are the app's work, not the simulation's. */
  af_sandbox_start_in_thread (b->sandbox, &error);
  die_on_error (error);

  b->http = af_http_client_new ();
  google_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (google));
  slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
  calendar_base = g_strconcat (af_sandbox_get_base_url (b->sandbox), "/calendar/v3", NULL);
  slack_base = g_strconcat (af_sandbox_get_base_url (b->sandbox), "/api", NULL);
  gmail = af_gmail_client_new (b->http, google_tokens, af_sandbox_get_base_url (b->sandbox));
  calendar = af_calendar_client_new (b->http, google_tokens, calendar_base);
  slack = af_slack_client_new (b->http, slack_tokens, slack_base);
  b->executor = af_services_executor_new (gmail, calendar, slack);

  b->dir = g_dir_make_tmp ("agentflow-bench-XXXXXX", &error);
  die_on_error (error);
  path = g_build_filename (b->dir, "agentflow.db", NULL);
  b->db = af_database_open (path, &error);
  die_on_error (error);
  /* As the app does: cursors, and what the agents wrote, are kept. */
  af_services_executor_set_database (b->executor, b->db);
  b->engine = af_engine_new (b->db, AF_EXECUTOR (b->executor));
  af_engine_set_network_monitor (b->engine, NULL);
  /* A run over a big backlog is slow by design here: measure it, do not
   * time it out. */
  af_engine_set_run_timeout (b->engine, 3600);
}

static void
bench_close (Bench *b)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_clear_object (&b->engine);
  g_clear_object (&b->db);
  g_clear_object (&b->executor);
  g_clear_object (&b->http);
  g_clear_object (&b->sandbox);
  dir = g_dir_open (b->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (b->dir, name, NULL);

      g_unlink (p);
    }
  g_rmdir (b->dir);
  g_free (b->dir);
}

static AfAgent *
add_email_assistant_looking_back (Bench   *b,
                                  gint64   next_run,
                                  guint    first_run_days,
                                  GError **error)
{
  JsonArray  *connections = json_array_new ();
  JsonObject *c = json_object_new ();
  JsonArray  *perms = json_array_new ();
  AfAgent    *agent;

  json_array_add_string_element (perms, "gmail.read");
  json_array_add_string_element (perms, "gmail.modify");
  json_array_add_string_element (perms, "gmail.compose");
  json_object_set_string_member (c, "service", "google");
  json_object_set_string_member (c, "account", AF_SANDBOX_ACCOUNT);
  json_object_set_array_member (c, "permissions", perms);
  json_array_add_object_element (connections, c);
  agent = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, connections);
  json_array_unref (connections);
  /* Edited as the editor does: a new definition, which the agent shares
   * with the others equal to it. */
  {
    JsonObject *definition = af_agent_get_definition (agent);

    json_object_set_int_member (definition, "first_run_days", first_run_days);
    af_agent_set_definition (agent, definition);
  }
  af_agent_set_next_run (agent, next_run);
  if (!af_engine_add_agent (b->engine, agent, error))
    g_clear_object (&agent);
  return agent;
}

static AfAgent *
add_email_assistant (Bench   *b,
                     gint64   next_run,
                     GError **error)
{
  return add_email_assistant_looking_back (b, next_run, 0, error);
}

typedef struct
{
  JsonObject *result;
  GError     *error;
  gboolean    done;
} Wait;

static void
on_run_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *w = user_data;

  w->result = af_engine_run_agent_finish (AF_ENGINE (source), result, &w->error);
  w->done = TRUE;
}

static JsonObject *
run_once (Bench   *b,
          AfAgent *agent)
{
  Wait w = { 0 };

  af_engine_run_agent_async (b->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_done_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  die_on_error (w.error);
  return w.result;
}

static gint64
query_int (AfDatabase *db,
           const char *sql)
{
  sqlite3_stmt *stmt = af_database_prepare (db, sql, NULL);
  gint64        n = -1;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return n;
}

/* activity */

static int
bench_activity (const char *path,
                guint       n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = af_database_open (path, &error);
  g_autoptr (AfActivityLog) log = NULL;
  sqlite3_stmt *stmt;
  double        t;

  die_on_error (error);
  log = af_activity_log_new (db);

  /* The engine's path: one append per step of a run, each its own
   * transaction, each announced to the models. */
  t = now_s ();
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *summary = g_strdup_printf ("Labelled message %u as Newsletters", i);

      af_activity_log_append (log, "bench-00000", 0, "action-done", summary, "{}", "ok", &error);
      die_on_error (error);
    }
  g_print ("log-append-per-s %.0f\n", n / (now_s () - t));

  /* The same rows, raw and batched: what SQLite can do at best. */
  t = now_s ();
  af_database_begin (db, &error);
  die_on_error (error);
  stmt = af_database_prepare (db,
                              "INSERT INTO activity (ts, agent_id, kind, summary, details, outcome)"
                              " VALUES (?, 'bench-00000', 'action-done', ?, '{}', 'ok')",
                              &error);
  die_on_error (error);
  for (guint i = 0; i < n; i++)
    {
      char summary[64];

      g_snprintf (summary, sizeof summary, "Labelled message %u as Newsletters", i);
      sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
      sqlite3_bind_text (stmt, 2, summary, -1, SQLITE_TRANSIENT);
      af_database_step_done (db, stmt, &error);
      die_on_error (error);
    }
  af_database_commit (db, &error);
  die_on_error (error);
  g_print ("raw-batched-per-s %.0f\n", n / (now_s () - t));
  return 0;
}

/* mail */

static guint
group_count (AfDatabase *db,
             const char *action,
             guint       per_request)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM outbox WHERE action = '%s' AND state = 'done'"
                                          " GROUP BY json_extract (params, '$.params')",
                                          action);
  sqlite3_stmt    *stmt = af_database_prepare (db, sql, NULL);
  guint            requests = 0;

  /* One request per distinct change (same params) per per_request ids. */
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    requests += (sqlite3_column_int (stmt, 0) + per_request - 1) / per_request;
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return requests;
}

static int
bench_mail (guint n,
            guint latency_ms)
{
  Bench b = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = NULL;
  g_autoptr (JsonObject) result = NULL;
  guint    total = 0, quota, min_requests, min_quota, labels_created, drafts;
  guint    modifies, history_pages;
  double   t, wall, bound;
  CpuTimes cpu_before, cpu_after;

  /* An agent that synced an empty mailbox once has a cursor; then the
   * backlog arrives. */
  bench_open (&b, 0);
  agent = add_email_assistant (&b, 0, &error);
  die_on_error (error);
  g_clear_pointer (&result, json_object_unref);
  result = run_once (&b, agent);
  af_sandbox_generate_messages (b.sandbox, n, 20240502);
  af_sandbox_add_fault (b.sandbox, "*", AF_SANDBOX_ROUTE_LATENCY, G_MAXINT, latency_ms);
  af_sandbox_reset_counts (b.sandbox);

  cpu_times (&cpu_before);
  t = now_s ();
  g_clear_pointer (&result, json_object_unref);
  result = run_once (&b, agent);
  wall = now_s () - t;
  cpu_times (&cpu_after);

  g_print ("mail-messages %u\n", n);
  g_print ("mail-latency-ms %u\n", latency_ms);
  g_print ("mail-outcome %s\n", json_object_get_string_member_with_default (result, "outcome", "?"));
  g_print ("mail-actions-done %" G_GINT64_FORMAT "\n", json_object_get_int_member_with_default (result, "done", 0));
  g_print ("mail-wall-s %.2f\n", wall);
  /* Where the time went: the main loop's thread is the one path every
   * message takes; the sandbox's thread stands for Google's servers. */
  g_print ("mail-cpu-main-s %.2f\n", cpu_after.main - cpu_before.main);
  g_print ("mail-cpu-workers-s %.2f\n", (cpu_after.process - cpu_before.process) - (cpu_after.main - cpu_before.main) -
                                            (cpu_after.sandbox - cpu_before.sandbox));
  g_print ("mail-cpu-sandbox-s %.2f\n", cpu_after.sandbox - cpu_before.sandbox);
  for (guint i = 0; i < G_N_ELEMENTS (gmail_methods); i++)
    {
      guint c = af_sandbox_get_count (b.sandbox, gmail_methods[i]);

      if (c > 0)
        g_print ("mail-requests-%s %u\n", gmail_methods[i], c);
    }
  total = af_sandbox_get_total_requests (b.sandbox);
  quota = af_sandbox_get_total_quota_units (b.sandbox);
  g_print ("mail-requests %u\n", total);
  g_print ("mail-quota %u\n", quota);

  /* The API minimum for the same work: the history in pages, every
   * message read in batches, the labels listed once and the missing ones
   * created, each distinct change in batchModify calls, each draft its own
   * call (drafts.create takes one message). */
  history_pages = (n + HISTORY_PAGE - 1) / HISTORY_PAGE;
  labels_created = af_sandbox_get_count (b.sandbox, "gmail.users.labels.create");
  drafts = query_int (b.db, "SELECT count(*) FROM outbox WHERE action = 'draft' AND state = 'done'");
  modifies = group_count (b.db, "label", MODIFY_IDS) + group_count (b.db, "archive", MODIFY_IDS) +
             group_count (b.db, "star", MODIFY_IDS) + group_count (b.db, "mark_read", MODIFY_IDS);
  min_requests = history_pages + (n + BATCH_CALLS - 1) / BATCH_CALLS + 1 + labels_created + modifies + drafts;
  min_quota = history_pages * 2 + n * 5 + 1 + labels_created * 5 + modifies * 50 + drafts * 10;
  bound = min_requests * (latency_ms / 1000.0) / HTTP_PER_HOST;
  g_print ("mail-min-requests %u\n", min_requests);
  g_print ("mail-min-quota %u\n", min_quota);
  g_print ("mail-bound-s %.2f\n", bound);
  g_print ("mail-labelled %" G_GINT64_FORMAT "\n",
           query_int (b.db, "SELECT count (DISTINCT json_extract (params, '$.item.id')) FROM outbox"
                            " WHERE action = 'label' AND state = 'done'"));

  bench_close (&b);
  return 0;
}

/* The batchModify calls the last run needed at the least: one per
 * distinct change per MODIFY_IDS messages. */
static guint
last_run_modifies (AfDatabase *db)
{
  sqlite3_stmt *stmt = af_database_prepare (db,
                                            "SELECT count(*) FROM outbox WHERE state = 'done'"
                                            " AND action IN ('label', 'archive', 'star', 'mark_read')"
                                            " AND run_id = (SELECT max (run_id) FROM outbox)"
                                            " GROUP BY action, json_extract (params, '$.params')",
                                            NULL);
  guint         requests = 0;

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    requests += (sqlite3_column_int (stmt, 0) + MODIFY_IDS - 1) / MODIFY_IDS;
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return requests;
}

static guint
last_run_drafts (AfDatabase *db)
{
  return query_int (db, "SELECT count(*) FROM outbox WHERE state = 'done' AND action = 'draft'"
                        " AND run_id = (SELECT max (run_id) FROM outbox)");
}

static guint
last_run_labels (AfDatabase *db)
{
  return query_int (db, "SELECT count(*) FROM outbox WHERE state = 'done' AND action = 'label'"
                        " AND run_id = (SELECT max (run_id) FROM outbox)");
}

static guint
pages (guint n,
       guint per_page)
{
  return MAX (1, (n + per_page - 1) / per_page);
}

static int
bench_mail_expired (guint n)
{
  Bench b = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = NULL;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autofree char *query = NULL;
  guint            requests, quota, min_requests, min_quota, listed, drafts, modifies, created;
  gboolean         labels_listed;
  gint64           newest;

  /* N messages, one a minute: the first run looks back far enough. */
  bench_open (&b, n);
  agent = add_email_assistant_looking_back (&b, 0, n / (24 * 60) + 1, &error);
  die_on_error (error);
  first = run_once (&b, agent);
  drafts = last_run_drafts (b.db);
  modifies = last_run_modifies (b.db);
  created = af_sandbox_get_count (b.sandbox, "gmail.users.labels.create");
  /* getProfile, the listing, the reads in batches, labels once (when
   * there is a label to apply). */
  labels_listed = last_run_labels (b.db) > 0;
  min_requests = 1 + pages (n, LIST_PAGE) + pages (n, BATCH_CALLS) + labels_listed + created + modifies + drafts;
  min_quota = 1 + 5 * pages (n, LIST_PAGE) + 5 * n + labels_listed + 5 * created + 50 * modifies + 10 * drafts;
  requests = af_sandbox_get_total_requests (b.sandbox);
  quota = af_sandbox_get_total_quota_units (b.sandbox);

  /* N more arrive while the history keeps fewer ids than changed since
   * the cursor: history.list answers 404, and everything after the last
   * message dealt with is listed again. */
  af_sandbox_gmail_set_history_horizon (b.sandbox, n / 2 + 1);
  af_sandbox_generate_messages (b.sandbox, n, 20240503);
  af_sandbox_reset_counts (b.sandbox);
  newest = query_int (b.db, "SELECT CAST (value AS INTEGER) FROM sync_cursors WHERE kind = 'internalDate'");
  query = g_strdup_printf ("after:%" G_GINT64_FORMAT " -in:drafts -in:sent -in:chats", newest / 1000 - 1);
  listed = af_sandbox_gmail_count_query (b.sandbox, query);
  second = run_once (&b, agent);
  drafts = last_run_drafts (b.db);
  modifies = last_run_modifies (b.db);
  created = af_sandbox_get_count (b.sandbox, "gmail.users.labels.create");
  /* The 404, getProfile, the listing, the reads; labels listed unless
   * the first run did. */
  labels_listed = !labels_listed && last_run_labels (b.db) > 0;
  min_requests += 1 + 1 + pages (listed, LIST_PAGE) + pages (n, BATCH_CALLS) + labels_listed + created + modifies + drafts;
  min_quota += 2 + 1 + 5 * pages (listed, LIST_PAGE) + 5 * n + labels_listed + 5 * created + 50 * modifies + 10 * drafts;
  requests += af_sandbox_get_total_requests (b.sandbox);
  quota += af_sandbox_get_total_quota_units (b.sandbox);

  g_print ("expired-messages %u\n", 2 * n);
  g_print ("expired-outcome %s\n", json_object_get_string_member_with_default (second, "outcome", "?"));
  g_print ("expired-handled %" G_GINT64_FORMAT "\n",
           query_int (b.db, "SELECT count (*) FROM seen_items WHERE item_id NOT LIKE 'own:%'"));
  g_print ("expired-acted-twice %" G_GINT64_FORMAT "\n",
           query_int (b.db, "SELECT count (*) FROM (SELECT 1 FROM outbox GROUP BY action, json_extract (params, '$.params'),"
                            " json_extract (params, '$.item.id') HAVING count (*) > 1)"));
  g_print ("expired-on-own-mail %" G_GINT64_FORMAT "\n",
           query_int (b.db, "SELECT count (*) FROM outbox WHERE 'own:' || json_extract (params, '$.item.id')"
                            " IN (SELECT item_id FROM seen_items)"));
  g_print ("expired-requests %u\n", requests);
  g_print ("expired-min-requests %u\n", min_requests);
  g_print ("expired-quota %u\n", quota);
  g_print ("expired-min-quota %u\n", min_quota);

  bench_close (&b);
  return 0;
}

/* scale */

typedef struct
{
  guint  finished;
  guint  succeeded;
  guint  started;
  guint  peak_running;
  guint  running;
  double last;
} Scale;

static void
on_run_started_cb (AfEngine   *engine,
                   const char *agent_id,
                   gint64      run_id,
                   Scale      *s)
{
  s->started++;
  s->running++;
  s->peak_running = MAX (s->peak_running, s->running);
}

static void
on_run_finished_cb (AfEngine   *engine,
                    const char *agent_id,
                    gint64      run_id,
                    const char *outcome,
                    Scale      *s)
{
  s->running--;
  s->finished++;
  if (g_strcmp0 (outcome, "succeeded") == 0)
    s->succeeded++;
  s->last = now_s ();
}

static int
bench_scale (guint n_agents)
{
  Bench b = { 0 };
  g_autoptr (GError) error = NULL;
  Scale  s = { 0 };
  gint64 now = g_get_real_time ();
  double t, hwm_before, deadline;

  /* A small mailbox: the work per run is a first sync, a few reads and
   * actions, so the figure is about the engine, not the mailbox. */
  bench_open (&b, 10);
  af_database_begin (b.db, &error);
  die_on_error (error);
  for (guint i = 0; i < n_agents; i++)
    {
      g_autoptr (AfAgent) agent = add_email_assistant (&b, now, &error);

      die_on_error (error);
    }
  af_database_commit (b.db, &error);
  die_on_error (error);
  g_signal_connect (b.engine, "run-started", G_CALLBACK (on_run_started_cb), &s);
  g_signal_connect (b.engine, "run-finished", G_CALLBACK (on_run_finished_cb), &s);
  hwm_before = vm_hwm_mb ();

  t = now_s ();
  af_engine_start (b.engine, &error);
  die_on_error (error);
  deadline = t + 600;
  while (s.finished < n_agents && now_s () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_print ("scale-agents %u\n", n_agents);
  g_print ("scale-wall-s %.2f\n", (s.finished ? s.last : now_s ()) - t);
  g_print ("scale-finished %u\n", s.finished);
  g_print ("scale-succeeded %u\n", s.succeeded);
  g_print ("scale-peak-concurrent %u\n", s.peak_running);
  g_print ("scale-runs-recorded %" G_GINT64_FORMAT "\n",
           query_int (b.db, "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL"));
  g_print ("scale-runs-succeeded-recorded %" G_GINT64_FORMAT "\n",
           query_int (b.db, "SELECT count(*) FROM runs WHERE outcome = 'succeeded'"));
  g_print ("scale-requests %u\n", af_sandbox_get_total_requests (b.sandbox));
  g_print ("scale-hwm-before-mb %.1f\n", hwm_before);
  g_print ("scale-hwm-mb %.1f\n", vm_hwm_mb ());

  af_engine_shutdown (b.engine);
  bench_close (&b);
  return 0;
}

/* load: what the agents cost once loaded from the database, in a process
 * that did nothing else (VmHWM is the process's peak). */

static int
bench_load_db (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;
  g_autoptr (AfEngine) engine = NULL;
  double hwm_before, t;

  db = af_database_open (path, &error);
  die_on_error (error);
  hwm_before = vm_hwm_mb ();
  t = now_s ();
  engine = af_engine_new (db, NULL);
  g_print ("load-ms %.1f\n", (now_s () - t) * 1000);
  g_print ("load-agents %u\n", g_list_model_get_n_items (af_engine_get_agents (engine)));
  g_print ("load-hwm-before-mb %.1f\n", hwm_before);
  g_print ("load-hwm-mb %.1f\n", vm_hwm_mb ());
  return 0;
}

static int
bench_load (const char *self_path,
            guint       n_agents)
{
  Bench b = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  int              status;

  bench_open (&b, 0);
  af_database_begin (b.db, &error);
  die_on_error (error);
  for (guint i = 0; i < n_agents; i++)
    {
      g_autoptr (AfAgent) agent = add_email_assistant (&b, g_get_real_time () + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, &error);

      die_on_error (error);
    }
  af_database_commit (b.db, &error);
  die_on_error (error);
  path = g_build_filename (b.dir, "agentflow.db", NULL);
  g_spawn_sync (NULL, (char *[]){ (char *)self_path, (char *)"load-db", path, NULL }, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, NULL, &status, &error);
  die_on_error (error);
  g_spawn_check_wait_status (status, &error);
  die_on_error (error);
  g_print ("%s", out);
  bench_close (&b);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  /* The allocator as the app sets it up: the engine's speed and memory
   * are the app's. */
  af_memory_setup ();

  if (argc == 4 && g_str_equal (argv[1], "activity"))
    return bench_activity (argv[2], atoi (argv[3]));
  if (argc == 4 && g_str_equal (argv[1], "mail"))
    return bench_mail (atoi (argv[2]), atoi (argv[3]));
  if (argc == 3 && g_str_equal (argv[1], "mail-expired"))
    return bench_mail_expired (atoi (argv[2]));
  if (argc == 3 && g_str_equal (argv[1], "scale"))
    return bench_scale (atoi (argv[2]));
  if (argc == 3 && g_str_equal (argv[1], "load"))
    return bench_load (argv[0], atoi (argv[2]));
  if (argc == 3 && g_str_equal (argv[1], "load-db"))
    return bench_load_db (argv[2]);

  g_printerr ("usage: %s activity DB N | mail N LATENCY_MS | mail-expired N | scale N_AGENTS | load N_AGENTS\n", argv[0]);
  return 2;
}
