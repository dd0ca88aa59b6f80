/* test-loopback-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loopback redirect survives everything a browser, another program
 * or an attacker on the machine can send it.
 */

#include "config.h"

#include <libsoup/soup.h>
#include <sys/resource.h>

#include "af-error.h"
#include "af-loopback-server.h"
#include "af-loopback-server-private.h"

#define STATE "the-real-state-0123456789abcdefghijkl"

typedef struct
{
  AfLoopbackServer *server;
  SoupSession      *session;
  GCancellable     *cancellable;
  GAsyncResult     *result;
} Fixture;

static void
on_result_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->server = af_loopback_server_new ("127.0.0.1", "/oauth/callback", STATE, 0, &error);
  g_assert_no_error (error);
  f->session = soup_session_new_with_options ("timeout", 5, NULL);
  f->cancellable = g_cancellable_new ();
  af_loopback_server_wait_async (f->server, 300, f->cancellable, on_result_cb, &f->result);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  /* The wait holds the server: end it, so that nothing of this test
   * fires during the next one. */
  g_cancellable_cancel (f->cancellable);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&f->cancellable);
  g_clear_object (&f->result);
  g_clear_object (&f->server);
  g_clear_object (&f->session);
}

/* Sends GET @path_and_query to the server; returns the status, the page
 * in @body. */
static guint
get (Fixture    *f,
     const char *path_and_query,
     char      **body)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", af_loopback_server_get_port (f->server), path_and_query);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, on_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  bytes = soup_session_send_and_read_finish (f->session, result, &error);
  if (bytes == NULL)
    return 0;
  if (body)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (msg);
}

static char *
wait_code (Fixture *f,
           GError **error)
{
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return af_loopback_server_wait_finish (f->server, f->result, error);
}

static void
test_redirect_uri (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *expected = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", af_loopback_server_get_port (f->server));

  g_assert_cmpuint (af_loopback_server_get_port (f->server), >, 0);
  g_assert_cmpstr (af_loopback_server_get_redirect_uri (f->server), ==, expected);
}

static void
test_wrong_state_keeps_waiting (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *page2 = NULL;
  g_autofree char *page3 = NULL;
  g_autofree char *code = NULL;

  g_test_expect_message ("af-loopback-server", G_LOG_LEVEL_MESSAGE, "*wrong state*");
  g_assert_cmpuint (get (f, "/oauth/callback?code=stolen&state=forged", &page), ==, 400);
  g_test_assert_expected_messages ();
  g_assert_nonnull (strstr (page, "does not belong to the sign-in AgentFlow started"));

  g_test_expect_message ("af-loopback-server", G_LOG_LEVEL_MESSAGE, "*missing state*");
  g_assert_cmpuint (get (f, "/oauth/callback?code=stolen", &page2), ==, 400);
  g_test_assert_expected_messages ();

  /* A forged denial does not end the attempt either. */
  g_test_expect_message ("af-loopback-server", G_LOG_LEVEL_MESSAGE, "*missing state*");
  g_assert_cmpuint (get (f, "/oauth/callback?error=access_denied", NULL), ==, 400);
  g_test_assert_expected_messages ();
  g_assert_null (f->result);

  g_assert_cmpuint (get (f, "/oauth/callback?code=the-code&state=" STATE, &page3), ==, 200);
  code = wait_code (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "the-code");
  g_assert_nonnull (strstr (page3, "You can close this tab and return to AgentFlow"));
}

static void
test_access_denied (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (get (f, "/oauth/callback?error=access_denied&state=" STATE, &page), ==, 200);
  g_assert_nonnull (strstr (page, "You declined access"));
  code = wait_code (f, &error);
  g_assert_null (code);
  g_assert_error (error, AF_ERROR, AF_ERROR_ACCESS_DENIED);
  g_assert_cmpstr (error->message, ==, "You declined access");
}

static void
test_provider_error (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (get (f, "/oauth/callback?error=server_error%3Cscript%3E&state=" STATE, NULL), ==, 200);
  code = wait_code (f, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED);
  g_assert_null (strstr (error->message, "<script>"));
}

static void
test_second_callback (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (get (f, "/oauth/callback?code=first&state=" STATE, NULL), ==, 200);
  /* Before the owner closed the port: answered, ignored. */
  g_assert_cmpuint (get (f, "/oauth/callback?code=second&state=" STATE, &page), ==, 200);
  g_assert_nonnull (strstr (page, "already finished"));
  code = wait_code (f, &error);
  g_assert_cmpstr (code, ==, "first");

  /* After: the port is closed. */
  af_loopback_server_close (f->server);
  g_assert_cmpuint (get (f, "/oauth/callback?code=third&state=" STATE, NULL), ==, 0);
}

static void
test_other_paths (Fixture      *f,
                  gconstpointer data)
{
  g_autofree char *page = NULL;

  g_assert_cmpuint (get (f, "/", &page), ==, 404);
  g_assert_cmpuint (get (f, "/favicon.ico", NULL), ==, 404);
  g_assert_cmpuint (get (f, "/oauth/callback/../x?code=a&state=" STATE, NULL), ==, 404);
  g_assert_null (f->result);
}

static void
test_oversized_query (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (GString) q = g_string_new ("/oauth/callback?state=" STATE "&code=");
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  guint            status;

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (q, 'x');
  g_test_expect_message ("af-loopback-server", G_LOG_LEVEL_MESSAGE, "*oversized*");
  status = get (f, q->str, NULL);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (status, ==, 414);
  g_assert_null (f->result);

  g_assert_cmpuint (get (f, "/oauth/callback?code=ok&state=" STATE, NULL), ==, 200);
  code = wait_code (f, &error);
  g_assert_cmpstr (code, ==, "ok");
}

static void
test_slow_client (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) slow = NULL;
  g_autoptr (GSocketConnection) silent = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  const char      *partial = "GET /oauth/callback?code=slow&sta";

  /* One client sends half a request line and stalls, another connects and
   * says nothing: the real redirect still gets through. */
  slow = g_socket_client_connect_to_host (client, "127.0.0.1", af_loopback_server_get_port (f->server), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (slow)), partial, strlen (partial), NULL, NULL, &error);
  g_assert_no_error (error);
  silent = g_socket_client_connect_to_host (client, "127.0.0.1", af_loopback_server_get_port (f->server), NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (get (f, "/oauth/callback?code=fast&state=" STATE, NULL), ==, 200);
  code = wait_code (f, &error);
  g_assert_cmpstr (code, ==, "fast");
}

static void
test_port_taken (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfLoopbackServer) first = NULL;
  g_autoptr (AfLoopbackServer) second = NULL;

  first = af_loopback_server_new ("127.0.0.1", "/cb", STATE, 0, &error);
  g_assert_no_error (error);
  second = af_loopback_server_new ("127.0.0.1", "/cb", STATE, af_loopback_server_get_port (first), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (af_loopback_server_get_port (second), !=, af_loopback_server_get_port (first));
  g_assert_cmpuint (af_loopback_server_get_port (second), >, 0);
}

static void
test_localhost (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfLoopbackServer) server = NULL;

  server = af_loopback_server_new ("localhost", "/oauth/callback", STATE, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (af_loopback_server_get_redirect_uri (server), "http://localhost:"));
}

static void
test_timeout (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfLoopbackServer) server = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autofree char *code = NULL;
  guint            port;

  server = af_loopback_server_new ("127.0.0.1", "/cb", STATE, 0, &error);
  port = af_loopback_server_get_port (server);
  af_loopback_server_wait_async (server, 1, NULL, on_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  code = af_loopback_server_wait_finish (server, result, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==, "The sign-in was not completed in the browser within 1 second.");
  g_clear_error (&error);

  /* The port is closed. */
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_null (conn);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_cancel (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfLoopbackServer) server = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autofree char *code = NULL;
  guint            port;

  server = af_loopback_server_new ("127.0.0.1", "/cb", STATE, 0, &error);
  port = af_loopback_server_get_port (server);
  af_loopback_server_wait_async (server, 300, cancellable, on_result_cb, &result);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  code = af_loopback_server_wait_finish (server, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_null (conn);
}

static void
on_wait_finished_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GError         **out = user_data;
  g_autofree char *code = af_loopback_server_wait_finish (AF_LOOPBACK_SERVER (object), result, out);

  /* Like the sign-in flow: nothing keeps the result, so when the attempt
   * is over the task's reference is the server's last. */
  g_assert_null (code);
  g_assert_nonnull (*out);
}

/* The owner dropped its reference while waiting: the timeout must not
 * touch the server after the attempt's task let go of it. */
static void
test_timeout_last_reference (void)
{
  g_autoptr (GError) error = NULL;
  AfLoopbackServer *server;

  server = af_loopback_server_new ("127.0.0.1", "/cb", STATE, 0, &error);
  g_assert_no_error (error);
  af_loopback_server_wait_async (server, 1, NULL, on_wait_finished_cb, &error);
  g_object_unref (server);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, AF_ERROR, AF_ERROR_TIMED_OUT);
}

static void
test_cancel_last_reference (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  AfLoopbackServer *server;

  server = af_loopback_server_new ("127.0.0.1", "/cb", STATE, 0, &error);
  g_assert_no_error (error);
  af_loopback_server_wait_async (server, 300, cancellable, on_wait_finished_cb, &error);
  g_object_unref (server);
  g_cancellable_cancel (cancellable);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
assert_timeout_text (guint       seconds,
                     const char *expected)
{
  g_autofree char *text = af_loopback_describe_timeout (seconds);

  g_assert_cmpstr (text, ==, expected);
}

/* 280 s is not "4 minutes". */
static void
test_timeout_message_rounding (void)
{
  assert_timeout_text (280, "The sign-in was not completed in the browser within 280 seconds.");
  assert_timeout_text (300, "The sign-in was not completed in the browser within 5 minutes.");
  assert_timeout_text (60, "The sign-in was not completed in the browser within 1 minute.");
  assert_timeout_text (90, "The sign-in was not completed in the browser within 90 seconds.");
  assert_timeout_text (1, "The sign-in was not completed in the browser within 1 second.");
}

/* Sends a raw request with the given Host header, returns the status line. */
static char *
raw_request (Fixture    *f,
             const char *host)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree char *request = NULL;
  GAsyncResult    *result = NULL;
  char            *line;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", af_loopback_server_get_port (f->server), NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("GET /oauth/callback?code=stolen&state=" STATE " HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, on_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  line = g_data_input_stream_read_line_finish (in, result, NULL, &error);
  g_object_unref (result);
  g_assert_no_error (error);

  return line;
}

/* DNS rebinding: a page on evil.example that resolves to 127.0.0.1 must
 * not be able to hand us a code. */
static void
test_foreign_host (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *line = NULL;
  g_autofree char *good = NULL;
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", af_loopback_server_get_port (f->server));
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;

  g_test_expect_message ("af-loopback-server", G_LOG_LEVEL_MESSAGE, "*Host*");
  line = raw_request (f, "evil.example");
  g_test_assert_expected_messages ();
  g_assert_true (g_str_has_prefix (line, "HTTP/1.1 400"));
  g_assert_null (f->result);

  good = raw_request (f, host);
  g_assert_true (g_str_has_prefix (good, "HTTP/1.1 200"));
  code = wait_code (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "stolen");
}

/* What the browser shows is one self-contained page, whatever happened. */
static void
test_page_template (Fixture      *f,
                    gconstpointer data)
{
  const char *paths[] = {
    "/oauth/callback?code=x&state=forged",
    "/elsewhere",
    "/oauth/callback?error=server_error&state=" STATE,
    "/oauth/callback?code=late&state=" STATE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *page = NULL;

      if (i == 0)
        g_test_expect_message ("af-loopback-server", G_LOG_LEVEL_MESSAGE, "*wrong state*");
      get (f, paths[i], &page);
      g_test_assert_expected_messages ();
      g_assert_nonnull (page);
      g_assert_true (g_str_has_prefix (page, "<!DOCTYPE html>"));
      g_assert_nonnull (strstr (page, "<title>"));
      g_assert_nonnull (strstr (page, "AgentFlow"));
      g_assert_nonnull (strstr (page, "You can close this tab"));
      /* Nothing loaded from anywhere. */
      g_assert_null (strstr (page, "http://"));
      g_assert_null (strstr (page, "https://"));
      g_assert_null (strstr (page, "src="));
    }
}

typedef struct
{
  guint open;
  guint closed_by_server;
} Flood;

typedef struct
{
  Flood             *flood;
  GSocketConnection *conn;
  char               buf[16];
} FloodConn;

static void
on_flood_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FloodConn *c = user_data;

  /* EOF or an error: the server let go of this connection. */
  g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);
  c->flood->open--;
  c->flood->closed_by_server++;
  g_io_stream_close (G_IO_STREAM (c->conn), NULL, NULL);
  g_object_unref (c->conn);
  g_free (c);
}

static gboolean
on_flood_stuck_cb (gpointer user_data)
{
  g_error ("The loopback server never let go of idle connections");
  return G_SOURCE_REMOVE;
}

/* Another program opens connection after connection and sends nothing.
 * With a desktop's usual 1,024 descriptors that used to run the process
 * out of them for good; now the oldest idle connection makes room, and
 * the real redirect still gets through. */
static void
test_connection_flood (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  struct rlimit    saved, limited;
  Flood            flood = { 0 };
  guint            stuck_id;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = MIN (saved.rlim_max, 1024);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limited), ==, 0);

  /* A guard, not a wait: a sanitizer build takes its time. */
  stuck_id = g_timeout_add_seconds (300, on_flood_stuck_cb, NULL);
  for (guint i = 0; i < 2000; i++)
    {
      FloodConn *c = g_new0 (FloodConn, 1);

      g_autoptr (GAsyncResult) result = NULL;

      c->flood = &flood;
      /* Asynchronously: the listener's backlog is short, and only the
       * main loop empties it. */
      g_socket_client_connect_to_host_async (client, "127.0.0.1", af_loopback_server_get_port (f->server), NULL,
                                             on_result_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      c->conn = g_socket_client_connect_to_host_finish (client, result, &error);
      g_assert_no_error (error);
      flood.open++;
      g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (c->conn)), c->buf, sizeof c->buf,
                                 G_PRIORITY_DEFAULT, NULL, on_flood_read_cb, c);
      /* Keep them open until the server closes them. */
      while (flood.open > 2 * AF_LOOPBACK_MAX_CONNECTIONS)
        g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (stuck_id);
  g_assert_cmpuint (flood.closed_by_server, >=, 2000 - 2 * AF_LOOPBACK_MAX_CONNECTIONS);

  g_assert_cmpuint (get (f, "/oauth/callback?code=after-flood&state=" STATE, NULL), ==, 200);
  code = wait_code (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "after-flood");

  /* Closing the port ends the rest. */
  af_loopback_server_close (f->server);
  while (flood.open > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);
}

static void
on_idle_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gssize *n = user_data;

  *n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);
}

/* A connection that says nothing is closed after the idle timeout: it
 * does not hold a descriptor for the rest of the attempt. */
static void
test_idle_connection_closed (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  char             buf[16];
  gssize           n = 1;

  af_loopback_server_set_idle_timeout (f->server, 1);
  g_socket_client_connect_to_host_async (client, "127.0.0.1", af_loopback_server_get_port (f->server), NULL,
                                         on_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  conn = g_socket_client_connect_to_host_finish (client, result, &error);
  g_assert_no_error (error);

  /* EOF: the server hung up. */
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf, G_PRIORITY_DEFAULT,
                             NULL, on_idle_read_cb, &n);
  while (n == 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (n, ==, 0);

  /* And the port still takes the redirect. */
  g_assert_cmpuint (get (f, "/oauth/callback?code=after-idle&state=" STATE, NULL), ==, 200);
  code = wait_code (f, &error);
  g_assert_cmpstr (code, ==, "after-idle");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/loopback/redirect-uri", test_redirect_uri);
  ADD ("/loopback/wrong-state", test_wrong_state_keeps_waiting);
  ADD ("/loopback/access-denied", test_access_denied);
  ADD ("/loopback/provider-error", test_provider_error);
  ADD ("/loopback/second-callback", test_second_callback);
  ADD ("/loopback/other-paths", test_other_paths);
  ADD ("/loopback/oversized-query", test_oversized_query);
  ADD ("/loopback/slow-client", test_slow_client);
  ADD ("/loopback/foreign-host", test_foreign_host);
  ADD ("/loopback/page-template", test_page_template);
  ADD ("/loopback/connection-flood", test_connection_flood);
  ADD ("/loopback/idle-connection-closed", test_idle_connection_closed);
#undef ADD
  g_test_add_func ("/loopback/port-taken", test_port_taken);
  g_test_add_func ("/loopback/localhost", test_localhost);
  g_test_add_func ("/loopback/timeout", test_timeout);
  g_test_add_func ("/loopback/cancel", test_cancel);
  g_test_add_func ("/loopback/timeout-last-reference", test_timeout_last_reference);
  g_test_add_func ("/loopback/cancel-last-reference", test_cancel_last_reference);
  g_test_add_func ("/loopback/timeout-message", test_timeout_message_rounding);

  return g_test_run ();
}
