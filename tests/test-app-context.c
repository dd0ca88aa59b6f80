/* test-app-context.c — what the app, the command line and the tests run on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <libsoup/soup.h>

#include "af-app-context.h"
#include "af-error.h"
#include "af-paths.h"
#include "af-test-wait.h"

static GSettings *
new_settings (void)
{
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, "org.agentflow.App", TRUE)
                                              : NULL;

  return schema ? g_settings_new_full (schema, backend, NULL) : NULL;
}

/* Outside the sandbox: the user's database, and one session for sign-in
 * and for every service call. */
static void
test_one_session (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettings) settings = new_settings ();
  g_autoptr (AfAppContext) context = NULL;
  g_autofree char *path = af_paths_get_database_path (FALSE);
  SoupSession     *session;

  context = af_app_context_new (FALSE, settings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (context);
  g_assert_false (af_app_context_get_sandbox_mode (context));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  session = af_app_context_get_session (context);
  g_assert_true (SOUP_IS_SESSION (session));
  g_assert_true (af_http_client_get_session (af_app_context_get_http_client (context)) == session);
  g_assert_nonnull (af_app_context_get_account_manager (context));
  g_assert_true (af_account_manager_get_session (af_app_context_get_account_manager (context)) == session);
  g_assert_true (af_engine_get_database (af_app_context_get_engine (context)) == af_app_context_get_database (context));
  g_assert_null (af_app_context_get_sandbox (context));
  g_assert_null (af_app_context_get_sandbox_life (context));
  if (settings != NULL)
    g_assert_true (af_app_context_get_model_settings (context) ==
                   af_model_settings_get_for_engine (af_app_context_get_engine (context)));
}

static void
on_probe_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, error);

  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "answered");
}

/* GError of a request to @url: G_IO_ERROR_EXISTS when something answered. */
static GError *
probe (const char *url)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  GError *error = NULL;

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, on_probe_cb, &error);
  af_test_wait_until (error != NULL, "an answer, or a refusal, from the sandbox");
  return error;
}

/* With --sandbox, the context owns the simulation the engine talks to: it
 * answers as long as the context lives, and is gone with it. */
static void
test_sandbox_owned (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) answer = NULL;
  g_autoptr (GError) refused = NULL;
  g_autoptr (AfAppContext) context = af_app_context_new (TRUE, NULL, &error);
  g_autofree char *url = NULL;

  g_assert_no_error (error);
  g_assert_true (af_app_context_get_sandbox_mode (context));
  g_assert_nonnull (af_app_context_get_engine (context));
  g_assert_true (AF_IS_SANDBOX (af_app_context_get_sandbox (context)));
  g_assert_true (AF_IS_SANDBOX_LIFE (af_app_context_get_sandbox_life (context)));
  g_assert_null (af_app_context_get_model_settings (context));

  url = g_strconcat (af_sandbox_get_base_url (af_app_context_get_sandbox (context)), "/gmail/v1/users/me/profile",
                     NULL);
  answer = probe (url);
  g_assert_error (answer, G_IO_ERROR, G_IO_ERROR_EXISTS);

  g_clear_object (&context);
  refused = probe (url);
  g_assert_false (g_error_matches (refused, G_IO_ERROR, G_IO_ERROR_EXISTS));
}

/* An OpenAI-compatible server's model list:
 * https://platform.openai.com/docs/api-reference/models/list */
static void
on_models_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  const char       *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  static const char body[] = "{\"object\":\"list\",\"data\":[{\"id\":\"a\",\"object\":\"model\"},"
                             "{\"id\":\"b\",\"object\":\"model\"}]}";

  if (g_str_has_prefix (path, "/broken/"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }
  if (g_strcmp0 (auth, "Bearer right-key") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
on_tested_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static guint
test_endpoint (AfModelSettings *model,
               const char      *endpoint,
               const char      *key,
               GError         **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  af_model_settings_test_endpoint_async (model, endpoint, key, NULL, on_tested_cb, &result);
  af_test_wait_until (result != NULL, "the endpoint test to finish");
  return af_model_settings_test_endpoint_finish (model, result, error);
}

/* "Test Connection" in Integrations: the answer is a sentence the person
 * can act on, whatever the server does. */
static void
test_model_endpoint (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettings) settings = new_settings ();
  g_autoptr (AfAppContext) context = NULL;
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GSList) uris = NULL;
  g_autofree char *base = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *broken = NULL;
  AfModelSettings *model;

  if (settings == NULL)
    {
      g_test_skip ("GSettings schema not compiled");
      return;
    }
  context = af_app_context_new (FALSE, settings, &error);
  g_assert_no_error (error);
  model = af_app_context_get_model_settings (context);

  soup_server_add_handler (server, NULL, on_models_cb, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);
  endpoint = g_strconcat (base, "v1/", NULL);
  broken = g_strconcat (base, "broken/v1", NULL);

  g_assert_cmpuint (test_endpoint (model, endpoint, "right-key", &error), ==, 2);
  g_assert_no_error (error);

  test_endpoint (model, endpoint, "wrong-key", &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED);
  g_assert_cmpstr (error->message, ==, "The server refused the API key. Check the key and try again.");
  g_clear_error (&error);

  test_endpoint (model, broken, "right-key", &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "500"));
  g_clear_error (&error);

  test_endpoint (model, "ftp://example.com/v1", NULL, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "Enter an endpoint that starts with http:// or https://.");
  g_clear_error (&error);

  /* Nothing listens on the discard port. */
  test_endpoint (model, "http://127.0.0.1:9/v1", NULL, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "Could not reach the server: "));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("test-app-context-XXXXXX", NULL);

  /* Its own data directory, set before GLib reads it: the user's and the
   * sandbox's databases are made there. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app-context/one-session", test_one_session);
  g_test_add_func ("/app-context/sandbox-owned", test_sandbox_owned);
  g_test_add_func ("/app-context/model-endpoint", test_model_endpoint);

  return g_test_run ();
}
