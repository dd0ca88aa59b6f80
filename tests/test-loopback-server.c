/* test-loopback-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loopback redirect survives everything a browser, another program
 * or an attacker on the machine can send it.
 */

#include "config.h"

#include <libsoup/soup.h>

#include "af-error.h"
#include "af-loopback-server.h"

#define STATE "the-real-state-0123456789abcdefghijkl"

typedef struct
{
  AfLoopbackServer *server;
  SoupSession      *session;
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
  af_loopback_server_wait_async (f->server, 30, NULL, on_result_cb, &f->result);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
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
#undef ADD
  g_test_add_func ("/loopback/port-taken", test_port_taken);
  g_test_add_func ("/loopback/localhost", test_localhost);
  g_test_add_func ("/loopback/timeout", test_timeout);
  g_test_add_func ("/loopback/cancel", test_cancel);

  return g_test_run ();
}
