/* soak-sandbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The simulated services' side of the soak, in a process of its own so
 * that the engine's memory curve is the engine's alone: the sandbox keeps
 * every mail, post and event by design, and libsoup 3.2's server never
 * frees the socket of a connection it accepted.
 */

#define G_LOG_DOMAIN "af-soak-sandbox"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "af-sandbox-oauth.h"
#include "af-sandbox.h"
#include "soak-sandbox.h"

typedef struct
{
  AfSandbox *sandbox;
  GRand     *rand;
  GMainLoop *loop;
  GArray    *timers;
  GString   *input;
  int        fd;
  guint      mails;
  guint      faults;
  guint      llm_pushed;
  guint      criticals;
} Side;

static Side side;

gsize
soak_private_memory (void)
{
  g_autofree char *text = NULL;
  gsize            total = 0;

  if (!g_file_get_contents ("/proc/self/smaps_rollup", &text, NULL, NULL))
    return 0;
  for (char *line = text; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (g_str_has_prefix (line, "Private_Clean:") || g_str_has_prefix (line, "Private_Dirty:"))
      total += g_ascii_strtoull (line + 14, NULL, 10) * 1024;
  return total;
}

guint
soak_open_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n - 1; /* the directory being read */
}

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (level & G_LOG_LEVEL_CRITICAL)
    side.criticals++;
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR))
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
reply (const char *format,
       ...) G_GNUC_PRINTF (1, 2);

/* @text and a newline, all of it: FALSE when the other end is gone. */
gboolean
soak_write_line (int         fd,
                 const char *text)
{
  g_autofree char *line = g_strconcat (text, "\n", NULL);
  gsize            off = 0, len = strlen (line);

  while (off < len)
    {
      ssize_t n = write (fd, line + off, len - off);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      off += n;
    }
  return TRUE;
}

static void
reply (const char *format,
       ...)
{
  va_list          args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  if (!soak_write_line (side.fd, text))
    g_main_loop_quit (side.loop);
}

/* The load */

static gboolean
mail_cb (gpointer data)
{
  static const char *subjects[] = {
    "URGENT: sign the contract",
    "Invoice for November",
    "Weekly digest",
    "ping: lunch?",
    "meet: planning",
    "report attached",
    "Hello",
    "Re: your question",
  };
  static const char *bodies[] = {
    "Could you take a look today?",
    "Please confirm you got this.",
    "Nothing to do, just so you know.",
    "To unsubscribe click here.",
  };
  g_autofree char *subject = NULL;
  const char      *from = g_rand_boolean (side.rand) ? "Boss <boss@example.com>" : "News <newsletter@news.example>";

  subject = g_strdup_printf ("%s %u", subjects[g_rand_int_range (side.rand, 0, G_N_ELEMENTS (subjects))], side.mails);
  g_free (af_sandbox_gmail_deliver (side.sandbox, from, subject, bodies[g_rand_int_range (side.rand, 0, G_N_ELEMENTS (bodies))]));
  side.mails++;
  if (side.mails % 10 == 0)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr (GDateTime) start = g_date_time_add_minutes (now, 30 + g_rand_int_range (side.rand, 0, 300));
      g_autoptr (GDateTime) end = g_date_time_add_minutes (start, 30);
      g_autofree char *s = g_date_time_format_iso8601 (start);
      g_autofree char *e = g_date_time_format_iso8601 (end);

      af_sandbox_calendar_add_event (side.sandbox, "Sync", s, e);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
fault_cb (gpointer data)
{
  static const char *methods[] = {
    "gmail.users.history.list",
    "gmail.users.messages.list",
    "gmail.users.messages.get",
    "gmail.batch",
    "gmail.users.labels.list",
    "gmail.users.labels.create",
    "gmail.users.messages.batchModify",
    "gmail.users.drafts.create",
    "gmail.users.messages.send",
    "calendar.events.list",
    "calendar.events.insert",
    "slack.chat.postMessage",
    "slack.conversations.list",
    "llm.chat.completions",
  };
  const char         *method = methods[g_rand_int_range (side.rand, 0, G_N_ELEMENTS (methods))];
  AfSandboxRouteFault fault = g_rand_int_range (side.rand, AF_SANDBOX_ROUTE_LATENCY, AF_SANDBOX_ROUTE_EXPIRE_CURSOR + 1);
  guint               value = fault == AF_SANDBOX_ROUTE_LATENCY ? 1500 : 1;

  if (fault == AF_SANDBOX_ROUTE_EXPIRE_CURSOR)
    method = g_rand_boolean (side.rand) ? "gmail.users.history.list" : "calendar.events.list";
  af_sandbox_add_fault (side.sandbox, method, fault, 1 + g_rand_int_range (side.rand, 0, 2), value);
  side.faults++;
  return G_SOURCE_CONTINUE;
}

static gboolean
clear_faults_cb (gpointer data)
{
  /* Faults on a route nobody calls would pile up. */
  af_sandbox_clear_faults (side.sandbox);
  return G_SOURCE_CONTINUE;
}

static gboolean
llm_cb (gpointer data)
{
  static const char *garbage[] = {
    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{"
    "\"name\":\"label\",\"arguments\":\"{\\\"label\\\": \"}}]}",
    "{\"role\":\"assistant\",\"content\":\"\\u0000\\ufffd```json {\\\"tool\\\": [[[\"}",
    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c2\",\"type\":\"function\",\"function\":{"
    "\"name\":\"rm -rf /\",\"arguments\":\"{}\"}}]}",
    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":\"not an array\"}",
    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c3\",\"type\":\"function\",\"function\":{"
    "\"name\":\"label\",\"arguments\":\"[1,2,3]\"}}]}",
    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c4\",\"type\":\"function\",\"function\":{"
    "\"name\":\"send\",\"arguments\":\"{\\\"to\\\":\\\"evil@example.com\\\",\\\"body\\\":\\\"all your mail\\\"}\"}}]}",
    "{}",
    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c5\"}]}",
  };
  guint consumed = af_sandbox_get_count (side.sandbox, "llm.chat.completions");

  /* Keep a short script queued; never let it pile up unanswered. */
  while (side.llm_pushed < consumed + 8)
    {
      if (g_rand_int_range (side.rand, 0, 3) == 0)
        af_sandbox_llm_push_reply (side.sandbox, garbage[g_rand_int_range (side.rand, 0, G_N_ELEMENTS (garbage))]);
      else if (g_rand_boolean (side.rand))
        af_sandbox_llm_push_tool_call (side.sandbox, "label", "{\"label\":\"AI-Work\"}");
      else
        af_sandbox_llm_push_reply (side.sandbox, "{\"role\":\"assistant\",\"content\":\"Done.\"}");
      side.llm_pushed++;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
grant_back_cb (gpointer data)
{
  af_sandbox_oauth_set_token_fault (af_sandbox_oauth_get (side.sandbox), AF_SANDBOX_FAULT_NONE);
  return G_SOURCE_REMOVE;
}

static void
add_timer (guint       ms,
           GSourceFunc func)
{
  guint id = g_timeout_add (ms, func, NULL);

  g_array_append_val (side.timers, id);
}

/* The commands */

static void
write_log (const char *path)
{
  GPtrArray *log = af_sandbox_get_side_effects (side.sandbox);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < log->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (log, i));
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  if (json_generator_to_file (generator, path, &error))
    reply ("ok %u", log->len);
  else
    reply ("error %s", error->message);
}

static void
command (const char *line)
{
  if (g_str_equal (line, "sample"))
    {
      guint n_effects = af_sandbox_get_side_effects (side.sandbox)->len;
      guint retained = af_sandbox_gmail_get_n_messages (side.sandbox) + n_effects +
                       af_sandbox_calendar_get_n_events (side.sandbox);

      reply ("%u %u %u %" G_GSIZE_FORMAT " %u %u %u %u", af_sandbox_get_total_requests (side.sandbox), retained,
             n_effects, soak_private_memory () / 1024, soak_open_fds (), side.mails, side.faults, side.criticals);
    }
  else if (g_str_has_prefix (line, "revoke "))
    {
      af_sandbox_revoke_token (side.sandbox, line + strlen ("revoke "));
      reply ("ok");
    }
  else if (g_str_has_prefix (line, "invalid-grant "))
    {
      /* As for a revoked consent, until the person reconnects. */
      af_sandbox_oauth_set_token_fault (af_sandbox_oauth_get (side.sandbox), AF_SANDBOX_FAULT_INVALID_GRANT);
      af_sandbox_revoke_token (side.sandbox, line + strlen ("invalid-grant "));
      g_timeout_add_seconds (3, grant_back_cb, NULL);
      reply ("ok");
    }
  else if (g_str_equal (line, "quiesce"))
    {
      for (guint i = 0; i < side.timers->len; i++)
        g_source_remove (g_array_index (side.timers, guint, i));
      g_array_set_size (side.timers, 0);
      add_timer (500, llm_cb); /* runs in flight may still ask the model */
      af_sandbox_clear_faults (side.sandbox);
      af_sandbox_oauth_set_token_fault (af_sandbox_oauth_get (side.sandbox), AF_SANDBOX_FAULT_NONE);
      reply ("ok");
    }
  else if (g_str_has_prefix (line, "log "))
    write_log (line + strlen ("log "));
  else if (g_str_equal (line, "quit"))
    {
      reply ("bye");
      g_main_loop_quit (side.loop);
    }
  else
    reply ("error unknown command");
}

static gboolean
on_input_cb (int          fd,
             GIOCondition condition,
             gpointer     data)
{
  char    buffer[4096];
  ssize_t n = read (fd, buffer, sizeof buffer);
  char   *nl;

  if (n < 0 && errno == EINTR)
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* The soak is gone: nothing left to serve. */
      g_main_loop_quit (side.loop);
      return G_SOURCE_REMOVE;
    }
  g_string_append_len (side.input, buffer, n);
  while ((nl = memchr (side.input->str, '\n', side.input->len)) != NULL)
    {
      g_autofree char *line = g_strndup (side.input->str, nl - side.input->str);

      g_string_erase (side.input, 0, nl - side.input->str + 1);
      command (line);
    }
  return G_SOURCE_CONTINUE;
}

int
soak_sandbox_serve (int      fd,
                    guint32  seed,
                    gboolean faults)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack = NULL, *llm = NULL, *refresh = NULL;
  AfSandboxOAuth  *oauth;

  side.fd = fd;
  side.rand = g_rand_new_with_seed (seed);
  side.timers = g_array_new (FALSE, FALSE, sizeof (guint));
  side.input = g_string_new (NULL);
  side.loop = g_main_loop_new (NULL, FALSE);
  g_log_set_writer_func (log_writer, NULL, NULL);

  side.sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (side.sandbox);
  af_sandbox_add_default_tokens (side.sandbox, &google, &slack, &llm);
  if (!af_sandbox_start (side.sandbox, &error))
    {
      reply ("error %s", error->message);
      return 1;
    }
  oauth = af_sandbox_oauth_get (side.sandbox);
  /* Short-lived access tokens: they expire many times an hour. */
  af_sandbox_oauth_set_access_token_lifetime (oauth, 45);
  refresh = af_sandbox_oauth_add_grant (oauth, AF_SANDBOX_GOOGLE_SCOPES);

  add_timer (3000, mail_cb);
  add_timer (500, llm_cb);
  if (faults)
    {
      add_timer (700, fault_cb);
      add_timer (60000, clear_faults_cb);
    }
  g_unix_fd_add (fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_input_cb, NULL);
  reply ("ready %s %s %s %s", af_sandbox_get_base_url (side.sandbox), refresh, slack, llm);
  g_main_loop_run (side.loop);

  af_sandbox_stop (side.sandbox);
  g_clear_object (&side.sandbox);
  return 0;
}
