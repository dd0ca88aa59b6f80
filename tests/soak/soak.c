/* soak.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the engine with 200 agents of every template against the sandbox
 * (in a process of its own, soak-sandbox.c) for an hour (or --quick: two minutes) while faults
 * rain on every route: rate limits, 5xx, malformed and truncated bodies,
 * dropped connections, expired and revoked access tokens, invalid_grant
 * on refresh, an expired historyId / syncToken and a model answering
 * garbage. At the end it checks that nothing leaked, every run was
 * recorded, no side effect happened twice and none that was approved got
 * lost, and that the database is sound. Exit status 1 on any violation.
 */

#define G_LOG_DOMAIN "af-soak"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "af-engine.h"
#include "../af-test-wait.h"
#include "af-error.h"
#include "af-memory.h"
#include "af-sandbox-oauth.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"
#include "soak-memory.h"
#include "soak-sandbox.h"

#define N_AGENTS 200

/* A refreshing Google token source against the sandbox's token endpoint,
 * so expired and revoked access tokens (401) and invalid_grant go through
 * the same path as a real account (without the keyring). */
#define SOAK_TYPE_TOKEN_SOURCE (soak_token_source_get_type ())
G_DECLARE_FINAL_TYPE (SoakTokenSource, soak_token_source, SOAK, TOKEN_SOURCE, GObject)

struct _SoakTokenSource
{
  GObject      parent_instance;
  SoupSession *session;
  char        *token_url;
  char        *refresh_token;
  char        *access_token;
  gint64       expires_at;
  guint        refreshes;
  guint        refresh_failures;
};

static void soak_token_source_iface_init (AfTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SoakTokenSource, soak_token_source, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_TOKEN_SOURCE, soak_token_source_iface_init))

static void
on_refresh_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SoakTokenSource *self = g_task_get_source_object (task);
  SoupMessage     *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = NULL;

  if (body != NULL && json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    o = json_node_get_object (json_parser_get_root (parser));

  if (error == NULL && soup_message_get_status (msg) == 200 && o != NULL &&
      json_object_get_string_member_with_default (o, "access_token", NULL) != NULL)
    {
      g_free (self->access_token);
      self->access_token = g_strdup (json_object_get_string_member (o, "access_token"));
      self->expires_at = g_get_real_time () + json_object_get_int_member_with_default (o, "expires_in", 60) * G_USEC_PER_SEC;
      self->refreshes++;
      g_task_return_pointer (task, g_strdup (self->access_token), g_free);
      return;
    }

  self->refresh_failures++;
  g_clear_pointer (&self->access_token, g_free);
  if (error != NULL)
    g_task_return_new_error (task, AF_ERROR, AF_ERROR_NETWORK, "Token refresh failed: %s", error->message);
  else if (o != NULL && g_strcmp0 (json_object_get_string_member_with_default (o, "error", ""), "invalid_grant") == 0)
    g_task_return_new_error (task, AF_ERROR, AF_ERROR_NEEDS_RECONNECT, "Google: invalid_grant");
  else
    g_task_return_new_error (task, AF_ERROR, AF_ERROR_BAD_RESPONSE, "Token refresh failed (HTTP %u)",
                             soup_message_get_status (msg));
}

static void
soak_get_token_async (AfTokenSource      *source,
                      gboolean            force_refresh,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  SoakTokenSource *self = SOAK_TOKEN_SOURCE (source);
  GTask           *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *form = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) bytes = NULL;

  if (!force_refresh && self->access_token != NULL && self->expires_at - 10 * G_USEC_PER_SEC > g_get_real_time ())
    {
      g_task_return_pointer (task, g_strdup (self->access_token), g_free);
      g_object_unref (task);
      return;
    }

  form = soup_form_encode ("grant_type", "refresh_token", "client_id", AF_SANDBOX_GOOGLE_CLIENT_ID, "refresh_token",
                           self->refresh_token, NULL);
  msg = soup_message_new ("POST", self->token_url);
  bytes = g_bytes_new (form, strlen (form));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable, on_refresh_cb, task);
}

static char *
soak_get_token_finish (AfTokenSource *source,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
soak_token_source_iface_init (AfTokenSourceInterface *iface)
{
  iface->get_token_async = soak_get_token_async;
  iface->get_token_finish = soak_get_token_finish;
}

static void
soak_token_source_finalize (GObject *object)
{
  SoakTokenSource *self = SOAK_TOKEN_SOURCE (object);

  g_clear_object (&self->session);
  g_free (self->token_url);
  g_free (self->refresh_token);
  g_free (self->access_token);

  G_OBJECT_CLASS (soak_token_source_parent_class)->finalize (object);
}

static void
soak_token_source_class_init (SoakTokenSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = soak_token_source_finalize;
}

static void
soak_token_source_init (SoakTokenSource *self)
{
  self->session = soup_session_new ();
}

/* The soak itself */

typedef struct
{
  guint  duration;
  guint  interval;
  guint  warmup;
  char  *dir;
  gint64 start;

  int              control; /* the sandbox process's command socket */
  GPid             sandbox_pid;
  char            *base_url;
  AfHttpClient    *http;
  SoakTokenSource *google_tokens;
  AfEngine        *engine;
  GPtrArray       *agents; /* AfAgent */
  GRand           *rand;
  GMainLoop       *loop;
  GArray          *timers;

  guint       runs_started;
  guint       runs_finished;
  guint       runs_failed;
  guint       approvals_in_flight;
  guint       approved;
  guint       approve_failed;
  guint       denied;
  guint       faults;
  guint       revocations;
  guint       invalid_grants;
  guint       llm_pushed;
  guint       mails;
  guint       criticals;
  guint       sandbox_criticals;
  guint       warnings;
  GHashTable *approved_outbox; /* outbox id (gint64 *) set */
  guint       inject_leak_kib;
  double      heap_landed; /* MiB, once every run landed; 0: some never did */
  GPtrArray  *leaked;

  /* samples */
  GArray *t, *mem, *heap, *fds, *sandbox_mem;
} Soak;

static Soak soak;

static guint violations;

static void
violation (const char *format,
           ...) G_GNUC_PRINTF (1, 2);

static void
violation (const char *format,
           ...)
{
  va_list          args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("soak: VIOLATION: %s\n", text);
  violations++;
}

static char *
read_line (int fd)
{
  g_autoptr (GString) line = g_string_new (NULL);
  char c;

  for (;;)
    {
      ssize_t n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return NULL;
      if (c == '\n')
        return g_string_free (g_steal_pointer (&line), FALSE);
      g_string_append_c (line, c);
    }
}

/* One command to the sandbox process and its one-line answer. The soak
 * cannot go on without it: a sandbox that died is the end. */
static char *
sandbox_call (const char *format,
              ...) G_GNUC_PRINTF (1, 2);

static char *
sandbox_call (const char *format,
              ...)
{
  va_list          args;
  g_autofree char *text = NULL;
  char            *answer;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  if (!soak_write_line (soak.control, text))
    g_error ("the sandbox process is gone (sending %s)", text);
  answer = read_line (soak.control);
  if (answer == NULL)
    g_error ("the sandbox process is gone (waiting for an answer to %s)", text);
  if (g_str_has_prefix (answer, "error"))
    violation ("sandbox: %s: %s", text, answer);
  return answer;
}

typedef struct
{
  guint   requests, retained, side_effects, fds, mails, faults, criticals;
  guint64 private_kib;
} SandboxSample;

static SandboxSample
sandbox_sample (void)
{
  g_autofree char *answer = sandbox_call ("sample");
  SandboxSample    s = { 0 };

  if (sscanf (answer, "%u %u %u %" G_GUINT64_FORMAT " %u %u %u %u", &s.requests, &s.retained, &s.side_effects,
              &s.private_kib, &s.fds, &s.mails, &s.faults, &s.criticals) != 8)
    violation ("sandbox: bad sample: %s", answer);
  return s;
}

static guint
elapsed (void)
{
  return (g_get_monotonic_time () - soak.start) / G_USEC_PER_SEC;
}

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (level & G_LOG_LEVEL_CRITICAL)
    soak.criticals++;
  else if (level & G_LOG_LEVEL_WARNING)
    soak.warnings++;
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR))
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean
sample_cb (gpointer data)
{
  guint         t = elapsed ();
  gsize         mem = soak_private_memory ();
  guint         fds = soak_open_fds ();
  SandboxSample s = sandbox_sample ();
  double        m = mem / (1024.0 * 1024.0);
  double        sm = s.private_kib / 1024.0;
  /* What is allocated, apart from what malloc keeps free in its arenas
   * (which private memory counts too): tells a leak from fragmentation. */
  struct mallinfo2 mi = mallinfo2 ();
  double           h = (mi.uordblks + mi.hblkhd) / (1024.0 * 1024.0);
  double           q = sqlite3_memory_used () / (1024.0 * 1024.0);

  g_array_append_val (soak.t, t);
  g_array_append_val (soak.mem, m);
  g_array_append_val (soak.heap, h);
  g_array_append_val (soak.fds, fds);
  g_array_append_val (soak.sandbox_mem, sm);
  soak.mails = s.mails;
  soak.faults = s.faults;
  soak.sandbox_criticals = s.criticals;
  g_print ("soak: t=%5us private=%7.1f MiB heap=%6.1f MiB sqlite=%5.1f MiB fds=%3u runs=%u/%u failed=%u faults=%u "
           "approvals=%u/%u pending=%u side-effects=%u requests=%u criticals=%u | sandbox: private=%7.1f MiB fds=%3u retained=%u\n",
           t, m, h, q, fds, soak.runs_finished, soak.runs_started, soak.runs_failed, soak.faults, soak.approved, soak.denied,
           g_list_model_get_n_items (af_engine_get_approvals (soak.engine)), s.side_effects, s.requests, soak.criticals + s.criticals, sm, s.fds, s.retained);
  return G_SOURCE_CONTINUE;
}

static void
on_run_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) r = af_engine_run_agent_finish (AF_ENGINE (source), result, &error);

  soak.runs_finished++;
  /* --inject-leak: what a leak in a run would keep, touched so that it
   * counts as the process's memory. */
  if (soak.inject_leak_kib > 0)
    {
      gsize size = (gsize)soak.inject_leak_kib * 1024;

      g_ptr_array_add (soak.leaked, memset (g_malloc (size), 0x5a, size));
    }
  /* A run that did not succeed ends in its error (a fault it met, or
   * "already running"): every one is in the runs table either way. */
  if (r == NULL)
    soak.runs_failed++;
}

static gboolean
run_cb (gpointer data)
{
  AfAgent *agent;

  if (soak.runs_started - soak.runs_finished >= 24)
    return G_SOURCE_CONTINUE;
  agent = g_ptr_array_index (soak.agents, g_rand_int_range (soak.rand, 0, soak.agents->len));
  if (af_engine_is_running (soak.engine, af_agent_get_id (agent)))
    return G_SOURCE_CONTINUE;
  if (af_agent_get_state (agent) == AF_AGENT_STATE_PAUSED)
    af_engine_resume_agent (soak.engine, af_agent_get_id (agent), NULL);
  soak.runs_started++;
  af_engine_run_agent_async (soak.engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_cb, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
revoke_cb (gpointer data)
{
  /* The access token dies early (revoked, password changed): 401. */
  if (soak.google_tokens->access_token != NULL)
    {
      g_free (sandbox_call ("revoke %s", soak.google_tokens->access_token));
      soak.revocations++;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
invalid_grant_cb (gpointer data)
{
  /* The token endpoint says invalid_grant for a few seconds (as it does
   * for a revoked consent), then the person reconnects. */
  g_free (sandbox_call ("invalid-grant %s", soak.google_tokens->access_token ? soak.google_tokens->access_token : "-"));
  soak.invalid_grants++;
  return G_SOURCE_CONTINUE;
}

static void
on_approve_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autofree gint64 *outbox_id = data;
  g_autoptr (GError) error = NULL;

  soak.approvals_in_flight--;
  if (af_engine_approve_finish (AF_ENGINE (source), result, &error))
    {
      soak.approved++;
      g_hash_table_add (soak.approved_outbox, g_steal_pointer (&outbox_id));
    }
  else
    {
      if (soak.approve_failed++ < 5)
        g_print ("soak: approving failed: %s\n", error->message);
    }
}

static gboolean
approvals_cb (gpointer data)
{
  GListModel *approvals = af_engine_get_approvals (soak.engine);
  /* As many as arrive, so that the queue of pending approvals (kept in
   * memory by design until each expires) does not grow for an hour and
   * pass for a leak. Deciding takes an approval off the list at once. */
  guint n = MIN (g_list_model_get_n_items (approvals), 16);
  g_autoptr (GPtrArray) picked = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (picked, g_list_model_get_item (approvals, i));
  for (guint i = 0; i < picked->len; i++)
    {
      AfApproval *a = g_ptr_array_index (picked, i);

      if (g_rand_int_range (soak.rand, 0, 5) == 0)
        {
          if (af_engine_deny (soak.engine, af_approval_get_id (a), NULL))
            soak.denied++;
        }
      else
        {
          gint64 *outbox_id = g_new (gint64, 1);

          *outbox_id = af_approval_get_outbox_id (a);
          soak.approvals_in_flight++;
          af_engine_approve_async (soak.engine, af_approval_get_id (a), NULL, on_approve_cb, outbox_id);
        }
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
end_cb (gpointer data)
{
  g_main_loop_quit (soak.loop);
  return G_SOURCE_REMOVE;
}

static void
add_timer (guint       ms,
           GSourceFunc func)
{
  guint id = g_timeout_add (ms, func, NULL);

  g_array_append_val (soak.timers, id);
}

/* Each side effect carries a marker naming the agent and the item, so the
 * sandbox's log tells a repeat from two different actions. */
static void
mark_params (JsonObject *definition,
             guint       index)
{
  JsonArray *rules = json_object_get_array_member (definition, "rules");

  for (guint r = 0; rules && r < json_array_get_length (rules); r++)
    {
      JsonArray *actions = json_object_get_array_member (json_array_get_object_element (rules, r), "actions");

      for (guint a = 0; actions && a < json_array_get_length (actions); a++)
        {
          JsonObject *action = json_array_get_object_element (actions, a);
          JsonObject *params = json_object_has_member (action, "params") ? json_object_get_object_member (action, "params") : NULL;
          const char *keys[] = { "text", "body", "summary" };

          for (guint k = 0; params && k < G_N_ELEMENTS (keys); k++)
            if (json_object_has_member (params, keys[k]))
              {
                g_autofree char *v = g_strdup_printf ("%s [soak:%u:%u:%u:{{id}}]",
                                                      json_object_get_string_member (params, keys[k]), index, r, a);

                json_object_set_string_member (params, keys[k], v);
              }
        }
    }
}

static const char *custom_rules =
    "[{\"name\":\"Ping\",\"conditions\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"ping\"}],"
    "\"actions\":[{\"action\":\"post\",\"params\":{\"channel\":\"#general\",\"text\":\"Ping: {{subject}}\"}}]},"
    "{\"name\":\"Meet\",\"conditions\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"meet\"}],"
    "\"actions\":[{\"action\":\"create_event\",\"params\":{\"summary\":\"{{subject}}\",\"start\":\"2030-01-02T10:00:00Z\","
    "\"end\":\"2030-01-02T10:30:00Z\"}}]},"
    "{\"name\":\"Report\",\"conditions\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"report\"}],"
    "\"actions\":[{\"action\":\"send\",\"params\":{\"to\":\"bob@example.com\",\"body\":\"Got {{subject}}\"}}]}]";

static void
add_agents (void)
{
  static const char *templates[] = { "email-assistant", "slack-notifier", "calendar-manager", "custom" };
  const char        *permissions =
      "gmail.read gmail.modify gmail.compose gmail.send calendar.read calendar.write slack.post";

  for (guint i = 0; i < N_AGENTS; i++)
    {
      const char *template_id = templates[i % G_N_ELEMENTS (templates)];
      JsonArray  *connections = json_array_new ();
      JsonObject *c = json_object_new ();
      JsonArray  *perms = json_array_new ();
      g_auto (GStrv) names = g_strsplit (permissions, " ", -1);
      g_autoptr (AfAgent) agent = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("Soak %s %u", template_id, i);
      JsonObject      *def;

      for (guint k = 0; names[k]; k++)
        json_array_add_string_element (perms, names[k]);
      json_object_set_string_member (c, "service", "google");
      json_object_set_string_member (c, "account", AF_SANDBOX_ACCOUNT);
      json_object_set_array_member (c, "permissions", perms);
      json_array_add_object_element (connections, c);
      agent = af_template_create_agent (af_template_lookup (template_id), name, connections);
      json_array_unref (connections);
      def = af_agent_get_definition (agent);
      if (g_str_equal (template_id, "custom"))
        {
          json_object_set_member (def, "rules", json_from_string (custom_rules, NULL));
          if (i % 8 == 3)
            json_object_set_member (def, "approvals",
                                    json_from_string ("{\"post\":\"ask\",\"create_event\":\"ask\",\"send\":\"ask\"}", NULL));
          else
            json_object_set_member (def, "approvals",
                                    json_from_string ("{\"post\":\"auto\",\"create_event\":\"auto\",\"send\":\"auto\"}", NULL));
        }
      if (g_str_equal (template_id, "email-assistant") && i % 8 == 4)
        json_object_set_member (def, "approvals", json_from_string ("{\"draft\":\"ask\"}", NULL));
      if (i % 10 == 0 || i % 10 == 7)
        {
          JsonObject *ai = json_object_has_member (def, "ai") ? json_object_get_object_member (def, "ai") : NULL;

          if (ai == NULL)
            {
              ai = json_object_new ();
              json_object_set_string_member (ai, "instructions", "Label mail about work as AI-Work.");
              json_object_set_object_member (def, "ai", ai);
            }
          json_object_set_boolean_member (ai, "enabled", TRUE);
          json_object_set_int_member (ai, "max_steps", 3);
        }
      /* The sandbox's mailbox is the last day's mail: the first run looks
       * at it, so the warm-up sees the mailbox, as a user's first day. */
      json_object_set_int_member (def, "first_run_days", 1);
      mark_params (def, i);
      if (!af_engine_add_agent (soak.engine, agent, &error))
        g_error ("adding agent %u: %s", i, error->message);
      g_ptr_array_add (soak.agents, g_object_ref (agent));
    }
}

static void
setup (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ready = NULL, *path = NULL;
  g_auto (GStrv) words = NULL;
  g_autofree char *calendar_base = NULL, *slack_base = NULL, *llm_base = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfTokenSource) llm_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;
  g_autoptr (AfServicesExecutor) executor = NULL;
  g_autoptr (AfLlmClient) llm = NULL;
  g_autoptr (AfDatabase) db = NULL;
  const char *slack_token, *llm_token;

  /* The sandbox process says where it listens, and hands out its own
   * fixture tokens (they open nothing but it). */
  ready = read_line (soak.control);
  words = ready ? g_strsplit (ready, " ", -1) : NULL;
  if (words == NULL || g_strv_length (words) != 5 || !g_str_equal (words[0], "ready"))
    g_error ("the sandbox process did not start: %s", ready ? ready : "(it exited)");
  soak.base_url = g_strdup (words[1]);
  slack_token = words[3];
  llm_token = words[4];

  soak.google_tokens = g_object_new (SOAK_TYPE_TOKEN_SOURCE, NULL);
  soak.google_tokens->token_url = g_strconcat (soak.base_url, "/token", NULL);
  soak.google_tokens->refresh_token = g_strdup (words[2]);

  soak.http = af_http_client_new ();
  slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
  calendar_base = g_strconcat (soak.base_url, "/calendar/v3", NULL);
  slack_base = g_strconcat (soak.base_url, "/api", NULL);
  gmail = af_gmail_client_new (soak.http, AF_TOKEN_SOURCE (soak.google_tokens), soak.base_url);
  calendar = af_calendar_client_new (soak.http, AF_TOKEN_SOURCE (soak.google_tokens), calendar_base);
  slack = af_slack_client_new (soak.http, slack_tokens, slack_base);
  executor = af_services_executor_new (gmail, calendar, slack);

  path = g_build_filename (soak.dir, "agentflow.db", NULL);
  db = af_database_open (path, &error);
  if (db == NULL)
    g_error ("database: %s", error->message);
  soak.engine = af_engine_new (db, AF_EXECUTOR (executor));
  af_engine_set_network_monitor (soak.engine, NULL);
  af_engine_set_max_concurrent (soak.engine, 12);
  af_engine_set_run_timeout (soak.engine, 90);
  llm_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (llm_token));
  llm_base = g_strconcat (soak.base_url, "/v1", NULL);
  llm = af_llm_client_new (soak.http, llm_tokens, llm_base, "sandbox-model");
  af_engine_set_llm_client (soak.engine, llm);

  add_agents ();
  if (!af_engine_start (soak.engine, &error))
    g_error ("engine: %s", error->message);
}

/* Checks */

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        v = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

static const char *
method_for_action (const char *action)
{
  if (g_str_equal (action, "post"))
    return "slack.chat.postMessage";
  if (g_str_equal (action, "create_event"))
    return "calendar.events.insert";
  if (g_str_equal (action, "send"))
    return "gmail.users.messages.send";
  if (g_str_equal (action, "draft"))
    return "gmail.users.drafts.create";
  return NULL;
}

static char *
find_marker (const char *text)
{
  const char *p = text ? strstr (text, "[soak:") : NULL;
  const char *end = p ? strchr (p, ']') : NULL;

  return end ? g_strndup (p, end - p + 1) : NULL;
}

/* The engine's end of every connection: at most 8 per host in its
 * session's pool and 2 in the token source's, plus the sandbox's command
 * socket. More than that over the descriptors open before any traffic is
 * a leak, however slow. */
#define FD_CEILING_MARGIN (8 + 2 + 4)

/* Memory may grow this much, in MiB, from the first third of the samples
 * after the warm-up to the last (soak-memory.h), in what is allocated and
 * in what the process holds: more than the largest swing a healthy run
 * shows over a two-minute window (3.1 MiB in the heap's lowest values). */
#define MEMORY_ALLOWANCE 4.0

/* What the engine may keep once every run landed, in MiB over what it
 * held before any traffic: its agents' state after their first runs
 * (3.9 MiB after 270 runs as after 1,200), twice over. Unlike the
 * samples, nothing in flight moves it, however big the mailbox grew. */
#define KEPT_ALLOWANCE 8.0

/* Private memory is malloc's high-water mark: busy moments lift it in
 * steps, and in a short soak the mailbox keeps growing, so that its steps
 * are as large as the allowance (a two-minute soak, seed 2144183786:
 * +1.5 MiB then +4.1 MiB, with the heap in use +2.8 MiB and every run
 * landed at 4.2 MiB over the start). Its growth is judged on soaks of ten
 * minutes or more, whose thirds are minutes apart; a shorter one judges
 * the heap in use and what is kept once every run landed. */
#define HIGH_WATER_MIN_DURATION 600

static void
print_growth (const char       *what,
              const SoakGrowth *g)
{
  g_print ("soak: %s, lowest sample of each third after the warm-up: %.1f MiB (t=%us), %.1f MiB (t=%us), %.1f MiB "
           "(t=%us): %+.1f MiB\n",
           what, g->floors[0], g->starts[0], g->floors[1], g->starts[1], g->floors[2], g->starts[2], g->growth);
}

/* Leaks: memory that keeps growing, not one busy moment (runs fetching a
 * mailbox, label batches in flight) that lifts a sample above the
 * warm-up's. Returns whether memory grew so. */
static gboolean
check_memory (void)
{
  double       mem_base = 0, mem_peak = 0, worst_excess = -1e9, mem_last = 0, heap_at_warmup = 0;
  double       sandbox_first = g_array_index (soak.sandbox_mem, double, 0);
  double       sandbox_last = g_array_index (soak.sandbox_mem, double, soak.sandbox_mem->len - 1);
  guint        fd_start = g_array_index (soak.fds, guint, 0);
  guint        fd_base = 0, fd_max = 0, worst_t = 0;
  SoakGrowth   heap_growth, mem_growth;
  gboolean     heap_grows, mem_grows, kept_grows;
  gboolean     judge_high_water = soak.duration >= HIGH_WATER_MIN_DURATION;
  const guint *t = (const guint *)soak.t->data;
  double       heap_start = g_array_index (soak.heap, double, 0);

  for (guint i = 0; i < soak.t->len; i++)
    {
      double m = g_array_index (soak.mem, double, i);
      guint  f = g_array_index (soak.fds, guint, i);

      fd_max = MAX (fd_max, f);
      mem_last = m;
      mem_peak = MAX (mem_peak, m);
      if (t[i] <= soak.warmup)
        {
          heap_at_warmup = g_array_index (soak.heap, double, i);
          mem_base = MAX (mem_base, m);
          fd_base = MAX (fd_base, f);
          continue;
        }
      if (m - mem_base > worst_excess)
        {
          worst_excess = m - mem_base;
          worst_t = t[i];
        }
    }
  heap_grows = soak_memory_grows (t, (const double *)soak.heap->data, soak.heap->len, soak.warmup, MEMORY_ALLOWANCE,
                                  SOAK_SERIES_IN_USE, &heap_growth);
  mem_grows = soak_memory_grows (t, (const double *)soak.mem->data, soak.mem->len, soak.warmup, MEMORY_ALLOWANCE,
                                 SOAK_SERIES_HIGH_WATER, &mem_growth) &&
              judge_high_water;
  kept_grows = soak.heap_landed - heap_start > KEPT_ALLOWANCE;
  if (heap_growth.n < 3)
    {
      violation ("too few samples after the warm-up (%u)", heap_growth.n);
      return FALSE;
    }
  g_print ("soak: engine memory: warm-up peak %.1f MiB, last %.1f MiB, highest sample %+.1f MiB against the warm-up "
           "peak (t=%us)\n",
           mem_base, mem_last, worst_excess, worst_t);
  print_growth (judge_high_water ? "engine private memory" : "engine private memory (not judged on a soak this short)",
                &mem_growth);
  print_growth ("engine heap in use", &heap_growth);
  g_print ("soak: engine heap in use: %.1f MiB at the end of the warm-up, %.1f MiB at the end, %.1f MiB once every "
           "run landed (%.1f MiB before any traffic)\n",
           heap_at_warmup, g_array_index (soak.heap, double, soak.heap->len - 1), soak.heap_landed, heap_start);
  g_print ("soak: sandbox process memory (for reference; it keeps every item): %.1f MiB at the start, %.1f MiB at the end\n", sandbox_first,
           sandbox_last);
  g_print ("soak: engine fds: %u before traffic, warm-up peak %u, overall peak %u (ceiling %u)\n", fd_start, fd_base,
           fd_max, fd_start + FD_CEILING_MARGIN);
  if (soak.inject_leak_kib == 0)
    {
      /* Not a leak, but no busy moment should need twice what the
       * warm-up, with every agent's first look at the mailbox, needed. */
      if (mem_peak > 2 * mem_base)
        violation ("private memory reached %.1f MiB, more than twice the warm-up peak (%.1f MiB)", mem_peak, mem_base);
      if (heap_grows)
        violation ("the heap in use kept growing: %+.1f MiB from t=%us to t=%us (allowance %.0f MiB)",
                   heap_growth.growth, heap_growth.starts[0], heap_growth.starts[2], MEMORY_ALLOWANCE);
      if (mem_grows)
        violation ("private memory kept growing: %+.1f MiB from t=%us to t=%us (allowance %.0f MiB)",
                   mem_growth.growth, mem_growth.starts[0], mem_growth.starts[2], MEMORY_ALLOWANCE);
      if (kept_grows)
        violation ("the engine kept %.1f MiB once every run landed, %.1f MiB more than before any traffic "
                   "(allowance %.0f MiB)",
                   soak.heap_landed, soak.heap_landed - heap_start, KEPT_ALLOWANCE);
    }
  if (fd_max > fd_start + FD_CEILING_MARGIN)
    violation ("open file descriptors reached %u (%u before traffic)", fd_max, fd_start);
  if (soak.inject_leak_kib > 0)
    g_print ("soak: growth seen in: %s%s%s\n", heap_grows ? "heap samples " : "", mem_grows ? "private samples " : "",
             kept_grows ? "heap once every run landed" : "");
  return heap_grows || mem_grows || kept_grows;
}

static void
check_database (void)
{
  g_autofree char *path = g_build_filename (soak.dir, "agentflow.db", NULL);
  sqlite3         *db = NULL;
  sqlite3_stmt    *stmt = NULL;
  g_autofree char *log_path = g_build_filename (soak.dir, "side-effects.json", NULL);
  g_autofree char *answer = sandbox_call ("log %s", log_path);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) log = g_ptr_array_new ();
  JsonArray *array = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 runs, finished;
  guint  done = 0, phantom = 0, unmarked = 0, approved_checked = 0;

  if (json_parser_load_from_mapped_file (parser, log_path, NULL) && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    array = json_node_get_array (json_parser_get_root (parser));
  if (array == NULL)
    {
      violation ("no side-effect log from the sandbox (%s)", answer);
      return;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (log, (gpointer)json_array_get_string_element (array, i));

  /* The sandbox's log: a marker twice means a side effect ran twice. */
  for (guint i = 0; i < log->len; i++)
    {
      g_autofree char *marker = find_marker (g_ptr_array_index (log, i));
      guint            n;

      if (marker == NULL)
        {
          if (unmarked < 3)
            g_print ("soak: unmarked side effect: %.120s\n", (char *)g_ptr_array_index (log, i));
          unmarked++;
          continue;
        }
      n = GPOINTER_TO_UINT (g_hash_table_lookup (seen, marker)) + 1;
      if (n == 2)
        violation ("executed twice: %s", (char *)g_ptr_array_index (log, i));
      g_hash_table_replace (seen, g_steal_pointer (&marker), GUINT_TO_POINTER (n));
    }

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      violation ("cannot open %s: %s", path, sqlite3_errmsg (db));
      sqlite3_close (db);
      return;
    }
  sqlite3_busy_timeout (db, 5000);

  runs = query_int (db, "SELECT count(*) FROM runs");
  finished = query_int (db, "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL AND outcome != 'running'");
  g_print ("soak: runs in the database: %" G_GINT64_FORMAT " started, %" G_GINT64_FORMAT " finished\n", runs, finished);
  if (runs != finished)
    violation ("%" G_GINT64_FORMAT " runs never recorded as finished", runs - finished);
  if (soak.runs_started != soak.runs_finished)
    violation ("%u of the soak's runs never returned", soak.runs_started - soak.runs_finished);

  /* Every outbox entry against the log. */
  sqlite3_prepare_v2 (db, "SELECT id, action, params, state FROM outbox", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64           id = sqlite3_column_int64 (stmt, 0);
      const char      *action = (const char *)sqlite3_column_text (stmt, 1);
      const char      *state = (const char *)sqlite3_column_text (stmt, 3);
      g_autofree char *marker = find_marker ((const char *)sqlite3_column_text (stmt, 2));
      guint            n = marker ? GPOINTER_TO_UINT (g_hash_table_lookup (seen, marker)) : 0;
      gboolean         approved = g_hash_table_contains (soak.approved_outbox, &id);

      if (method_for_action (action) == NULL || marker == NULL)
        continue;
      if (approved)
        approved_checked++;
      if (g_str_equal (state, "done"))
        {
          done++;
          if (n == 0)
            violation ("lost: outbox %" G_GINT64_FORMAT " (%s %s) is done, the service never saw it", id, action, marker);
        }
      else if (g_str_equal (state, "failed"))
        {
          /* A dropped connection after the call: it did happen, the engine
           * could not know. Counted, and never repeated. */
          if (n > 0)
            phantom++;
        }
      else if (n > 0 && !g_str_equal (state, "executing"))
        violation ("outbox %" G_GINT64_FORMAT " (%s) executed while %s", id, marker, state);
      if (approved && !g_str_equal (state, "done") && !g_str_equal (state, "failed"))
        violation ("lost: approved outbox %" G_GINT64_FORMAT " (%s) ended %s", id, marker, state);
    }
  sqlite3_finalize (stmt);

  /* An approval the soak approved must have left "waiting". */
  if (query_int (db, "SELECT count(*) FROM approvals a JOIN outbox o ON o.id = a.outbox_id "
                     "WHERE a.state = 'approved' AND o.state IN ('waiting', 'pending')") > 0)
    violation ("approved actions still waiting in the outbox");

  sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (sqlite3_step (stmt) != SQLITE_ROW || g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") != 0)
    violation ("integrity_check: %s", sqlite3_column_text (stmt, 0));
  else
    g_print ("soak: integrity_check ok\n");
  sqlite3_finalize (stmt);

  g_print ("soak: side effects: %u in the service log (%u marked, %u unmarked), %u done in the outbox, %u approved "
           "checked, %u happened though the engine saw an error\n",
           log->len, g_hash_table_size (seen), unmarked, done, approved_checked, phantom);
  sqlite3_close (db);
}

static void
remove_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (path, name, NULL);

      g_unlink (p);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = g_option_context_new ("— soak the engine under faults");
  g_autoptr (GError) error = NULL;
  gboolean     quick = FALSE, keep = FALSE, no_faults = FALSE;
  int          duration = 3600, interval = 0, seed = 0, inject_leak = 0;
  GOptionEntry entries[] = {
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, "Seconds to run (default 3600)", "SECONDS" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "Two minutes (CI)", NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval, "Seconds between samples", "SECONDS" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Random seed (default: time)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the data directory", NULL },
    { "no-faults", 0, 0, G_OPTION_ARG_NONE, &no_faults, "Inject no faults (to tell a fault's effect)", NULL },
    { "inject-leak", 0, 0, G_OPTION_ARG_INT, &inject_leak,
      "Keep KIB of memory per finished run, and fail unless the memory check sees it (tests the check)", "KIB" },
    { NULL },
  };

  /* The engine's memory as the app has it (af_memory_setup()). */
  af_memory_setup ();

  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (quick)
    duration = 120;
  if (duration < 20)
    duration = 20;
  soak.duration = duration;
  soak.inject_leak_kib = MAX (inject_leak, 0);
  soak.interval = interval > 0 ? interval : (duration >= 1800 ? 60 : 5);
  /* The first minutes fill caches, pools and the page cache. */
  soak.warmup = duration >= 1800 ? 600 : duration / 3;
  if (seed == 0)
    seed = (int)(g_get_real_time () % G_MAXINT);
  soak.rand = g_rand_new_with_seed (seed);

  /* The simulated services run in a child forked before this process
   * has any thread, talking over a socket pair. */
  {
    int   pair[2];
    pid_t pid;

    if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
      g_error ("socketpair: %s", g_strerror (errno));
    pid = fork ();
    if (pid < 0)
      g_error ("fork: %s", g_strerror (errno));
    if (pid == 0)
      {
        close (pair[0]);
        _exit (soak_sandbox_serve (pair[1], (guint32)seed + 1, !no_faults));
      }
    close (pair[1]);
    soak.control = pair[0];
    soak.sandbox_pid = pid;
  }
  soak.dir = g_dir_make_tmp ("af-soak-XXXXXX", &error);
  g_assert_no_error (error);
  soak.agents = g_ptr_array_new_with_free_func (g_object_unref);
  soak.timers = g_array_new (FALSE, FALSE, sizeof (guint));
  soak.t = g_array_new (FALSE, FALSE, sizeof (guint));
  soak.mem = g_array_new (FALSE, FALSE, sizeof (double));
  soak.fds = g_array_new (FALSE, FALSE, sizeof (guint));
  soak.sandbox_mem = g_array_new (FALSE, FALSE, sizeof (double));
  soak.heap = g_array_new (FALSE, FALSE, sizeof (double));
  soak.approved_outbox = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  soak.leaked = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (log_writer, NULL, NULL);

  g_print ("soak: %u agents, %d s, sample every %u s, warm-up %u s, seed %d, data in %s\n", N_AGENTS, duration,
           soak.interval, soak.warmup, seed, soak.dir);
  if (soak.inject_leak_kib > 0)
    g_print ("soak: keeping %u KiB per finished run: the memory check must see it\n", soak.inject_leak_kib);
  soak.start = g_get_monotonic_time ();
  setup ();

  soak.loop = g_main_loop_new (NULL, FALSE);
  add_timer (150, run_cb);
  if (!no_faults)
    {
      add_timer (20000, revoke_cb);
      add_timer (97000, invalid_grant_cb);
    }
  add_timer (1000, approvals_cb);
  add_timer (soak.interval * 1000, sample_cb);
  sample_cb (NULL);
  g_timeout_add_seconds (duration, end_cb, NULL);
  g_main_loop_run (soak.loop);

  /* Quiesce: no new faults or runs; let what is in flight land. */
  for (guint i = 0; i < soak.timers->len; i++)
    g_source_remove (g_array_index (soak.timers, guint, i));
  sample_cb (NULL);
  g_free (sandbox_call ("quiesce"));
  {
    gint64 deadline = g_get_monotonic_time () + 180 * G_USEC_PER_SEC;

    while ((soak.runs_started != soak.runs_finished || soak.approvals_in_flight > 0) &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  if (soak.runs_started == soak.runs_finished)
    {
      /* Nothing in flight: what is still allocated is what the engine
       * keeps (agents, queues, caches) — a leak stays, a busy moment not. */
      struct mallinfo2 mi = mallinfo2 ();

      soak.heap_landed = (mi.uordblks + mi.hblkhd) / (1024.0 * 1024.0);
    }
  af_engine_shutdown (soak.engine);
  /* Nothing runs any more: what shutdown cancelled returns from idles. */
  af_test_drain ();

  g_print ("soak: %u runs asked (%u ended in an error), %u faults, %u token revocations, %u invalid_grant "
           "windows, %u token refreshes (%u failed), %u mails, %u approved (%u approve calls failed), %u denied, "
           "%u warnings, %u criticals\n",
           soak.runs_started, soak.runs_failed, soak.faults, soak.revocations, soak.invalid_grants,
           soak.google_tokens->refreshes, soak.google_tokens->refresh_failures, soak.mails, soak.approved,
           soak.approve_failed, soak.denied, soak.warnings, soak.criticals);
  if (!check_memory () && soak.inject_leak_kib > 0)
    violation ("the soak kept %u KiB per run on purpose (%u MiB in all) and its memory check did not see it",
               soak.inject_leak_kib, soak.leaked->len * soak.inject_leak_kib / 1024);
  else if (soak.inject_leak_kib > 0)
    g_print ("soak: the memory check saw the %u KiB kept per run (%u MiB in all)\n", soak.inject_leak_kib,
             soak.leaked->len * soak.inject_leak_kib / 1024);
  check_database ();
  if (soak.criticals > 0)
    violation ("%u critical warnings", soak.criticals);
  if (soak.sandbox_criticals > 0)
    violation ("%u critical warnings in the sandbox process", soak.sandbox_criticals);
  {
    g_autofree char *bye = sandbox_call ("quit");
    int              status = 0;

    if (waitpid (soak.sandbox_pid, &status, 0) != soak.sandbox_pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
      violation ("the sandbox process ended badly (status %d)", status);
    close (soak.control);
  }

  g_clear_object (&soak.engine);
  g_ptr_array_unref (soak.agents);
  g_clear_object (&soak.http);
  g_clear_object (&soak.google_tokens);
  g_ptr_array_unref (soak.leaked);
  g_free (soak.base_url);
  if (violations == 0 && !keep)
    remove_dir (soak.dir);
  else
    g_print ("soak: data kept in %s\n", soak.dir);
  g_print ("soak: %s (%u violations)\n", violations == 0 ? "PASS" : "FAIL", violations);
  return violations == 0 ? 0 : 1;
}
