/* test-http-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "af-error.h"
#include "af-test-services.h"
#include "af-test-wait.h"
#include "af-gmail-client.h"
#include "af-http-client.h"
#include "af-service-method.h"

/* A token source that hands out a stale token until asked to refresh. */
#define TEST_TYPE_TOKENS (test_tokens_get_type ())
G_DECLARE_FINAL_TYPE (TestTokens, test_tokens, TEST, TOKENS, GObject)

struct _TestTokens
{
  GObject  parent_instance;
  gboolean refreshed;
  guint    n_calls;
  guint    n_forced;
};

static void test_tokens_iface_init (AfTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestTokens, test_tokens, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_TOKEN_SOURCE, test_tokens_iface_init))

static void
test_tokens_get_token_async (AfTokenSource      *source,
                             gboolean            force_refresh,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  TestTokens *self = TEST_TOKENS (source);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  self->n_calls++;
  if (force_refresh)
    {
      self->n_forced++;
      self->refreshed = TRUE;
    }
  g_task_return_pointer (task, g_strdup (self->refreshed ? "ya29.fresh" : "ya29.stale"), g_free);
}

static char *
test_tokens_get_token_finish (AfTokenSource *source,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_tokens_iface_init (AfTokenSourceInterface *iface)
{
  iface->get_token_async = test_tokens_get_token_async;
  iface->get_token_finish = test_tokens_get_token_finish;
}

static void
test_tokens_class_init (TestTokensClass *klass)
{
}

static void
test_tokens_init (TestTokens *self)
{
}

typedef struct
{
  AfTestServices s;
  AfGmailClient *gmail;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  af_test_services_set_up (&f->s, AF_TEST_GOOGLE, TRUE, 4);
  af_sandbox_add_token (f->s.sandbox, "ya29.fresh", "google", AF_SANDBOX_ACCOUNT, AF_SANDBOX_GOOGLE_SCOPES, 0);
  /* Expired a second ago. */
  af_sandbox_add_token (f->s.sandbox, "ya29.stale", "google", AF_SANDBOX_ACCOUNT, AF_SANDBOX_GOOGLE_SCOPES,
                        g_get_real_time () - G_USEC_PER_SEC);
  f->gmail = af_gmail_client_new (f->s.http, f->s.tokens, af_sandbox_get_base_url (f->s.sandbox));
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->gmail);
  af_test_services_tear_down (&f->s);
}

static void
test_methods (void)
{
  const AfServiceMethod *send = af_service_method_lookup ("gmail.users.messages.send");
  const AfServiceMethod *list = af_service_method_lookup ("gmail.users.messages.list");
  const AfServiceMethod *post = af_service_method_lookup ("slack.chat.postMessage");
  const AfServiceMethod *all;
  guint                  n = 0;

  g_assert_nonnull (send);
  g_assert_cmpstr (send->scope, ==, "https://www.googleapis.com/auth/gmail.send");
  g_assert_true (send->side_effect);
  g_assert_false (send->idempotent);
  g_assert_false (list->side_effect);
  g_assert_true (list->idempotent);
  g_assert_cmpstr (post->scope, ==, "chat:write");
  g_assert_null (af_service_method_lookup ("gmail.users.messages.delete"));

  /* Every side effect names the scope the gate checks. */
  all = af_service_methods (&n);
  g_assert_cmpuint (n, >=, 20);
  for (guint i = 0; i < n; i++)
    if (all[i].side_effect)
      g_assert_nonnull (all[i].scope);
}

static void
test_refresh_on_401 (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TestTokens) tokens = g_object_new (TEST_TYPE_TOKENS, NULL);
  g_autoptr (AfGmailClient) gmail = af_gmail_client_new (f->s.http, AF_TOKEN_SOURCE (tokens), af_sandbox_get_base_url (f->s.sandbox));
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) ids = NULL;

  af_gmail_client_list_messages_async (gmail, NULL, NULL, 5, NULL, af_test_ready_cb, &r);
  ids = af_gmail_client_list_messages_finish (gmail, af_test_await (&r), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 5);
  /* One 401, one forced refresh, one retry. */
  g_assert_cmpuint (tokens->n_forced, ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.list"), ==, 2);
}

static void
test_concurrency_cap (Fixture      *f,
                      gconstpointer data)
{
  GAsyncResult *results[6] = { NULL };
  guint         max_active = 0;
  gboolean      done = FALSE;

  af_http_client_set_max_concurrent (f->s.http, "gmail", 2);
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.list", AF_SANDBOX_ROUTE_LATENCY, 6, 50);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    af_gmail_client_list_messages_async (f->gmail, NULL, NULL, 5, NULL, af_test_ready_cb, &results[i]);

  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      max_active = MAX (max_active, af_http_client_get_active (f->s.http, "gmail"));
      done = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (results); i++)
        done = done && results[i] != NULL;
    }

  g_assert_cmpuint (max_active, ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) ids = af_gmail_client_list_messages_finish (f->gmail, results[i], NULL, &error);

      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (af_http_client_get_active (f->s.http, "gmail"), ==, 0);
}

static void
test_size_cap (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) ids = NULL;

  af_http_client_set_max_response_size (f->s.http, 1024);
  af_gmail_client_list_messages_async (f->gmail, NULL, NULL, 200, NULL, af_test_ready_cb, &r);
  ids = af_gmail_client_list_messages_finish (f->gmail, af_test_await (&r), NULL, &error);
  g_assert_null (ids);
  g_assert_error (error, AF_ERROR, AF_ERROR_TOO_LARGE);
  g_assert_cmpuint (af_http_client_get_active (f->s.http, "gmail"), ==, 0);
}

static gboolean
on_cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.list", AF_SANDBOX_ROUTE_LATENCY, 1, 2000);
  af_gmail_client_list_messages_async (f->gmail, NULL, NULL, 5, cancellable, af_test_ready_cb, &r);
  g_timeout_add (50, on_cancel_cb, cancellable);
  ids = af_gmail_client_list_messages_finish (f->gmail, af_test_await (&r), NULL, &error);
  g_assert_null (ids);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (af_http_client_get_active (f->s.http, "gmail"), ==, 0);
}

/* Sends getProfile through the client, raw. */
static void
get_profile (Fixture       *f,
             GCancellable  *cancellable,
             GAsyncResult **result)
{
  g_autofree char *url = af_test_services_url (&f->s, "/gmail/v1/users/me/profile");

  af_http_client_json_async (f->s.http, af_service_method_lookup ("gmail.users.getProfile"), f->s.tokens, "GET", url,
                             NULL, cancellable, af_test_ready_cb, result);
}

/* Waits for each of the getProfile answers in @results, all read. */
static void
await_profiles (Fixture       *f,
                GAsyncResult **results,
                guint          n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (JsonNode) answer = af_http_client_json_finish (f->s.http, af_test_await (&results[i]), NULL);

      g_assert_nonnull (answer);
      g_clear_object (&results[i]);
    }
}

/* A request waiting for a connection (both taken) and cancelled there
 * ends at once, and never reaches the service. */
static void
test_cancel_waiting (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *slow[2] = { NULL };
  g_autoptr (GAsyncResult) waiting = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;

  af_http_client_set_max_concurrent (f->s.http, "gmail", 2);
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.getProfile", AF_SANDBOX_ROUTE_LATENCY, 2, 3000);
  get_profile (f, NULL, &slow[0]);
  get_profile (f, NULL, &slow[1]);
  get_profile (f, cancellable, &waiting);
  af_test_wait_until (af_http_client_get_active (f->s.http, "gmail") == 2, "both connections taken");
  g_cancellable_cancel (cancellable);

  root = af_http_client_json_finish (f->s.http, af_test_await (&waiting), &error);
  g_assert_null (root);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The two before it are still out. */
  g_assert_null (slow[0]);
  g_assert_null (slow[1]);
  await_profiles (f, slow, G_N_ELEMENTS (slow));
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.getProfile"), ==, 2);
  g_assert_cmpuint (af_http_client_get_active (f->s.http, "gmail"), ==, 0);
}

/* Waiting for a connection, a page of a listing goes before a request
 * that came first: the listing's next page depends on it. */
static void
test_pages_first (Fixture      *f,
                  gconstpointer data)
{
  GAsyncResult *slow[3] = { NULL };
  g_autoptr (GAsyncResult) page = NULL;
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GError) error = NULL;

  af_http_client_set_max_concurrent (f->s.http, "gmail", 2);
  /* The first connection frees after 300 ms; the second, and the read
   * waiting for one, take 3 s each. */
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.getProfile", AF_SANDBOX_ROUTE_LATENCY, 1, 300);
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.getProfile", AF_SANDBOX_ROUTE_LATENCY, 2, 3000);
  get_profile (f, NULL, &slow[0]);
  get_profile (f, NULL, &slow[1]);
  af_test_wait_until (af_http_client_get_active (f->s.http, "gmail") == 2, "both connections taken");
  get_profile (f, NULL, &slow[2]);
  af_gmail_client_list_messages_async (f->gmail, NULL, NULL, 5, NULL, af_test_ready_cb, &page);

  ids = af_gmail_client_list_messages_finish (f->gmail, af_test_await (&page), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ids);
  /* The page took the first free connection, after 300 ms: in the order
   * they came, it would have waited 3 s for the read before it. */
  g_assert_nonnull (slow[0]);
  g_assert_null (slow[1]);
  g_assert_null (slow[2]);
  await_profiles (f, slow, G_N_ELEMENTS (slow));
}

static void
test_raw_request (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *url = af_test_services_url (&f->s, "/gmail/v1/users/me/profile");

  af_http_client_json_async (f->s.http, af_service_method_lookup ("gmail.users.getProfile"), f->s.tokens, "GET", url,
                             NULL, NULL, af_test_ready_cb, &r);
  root = af_http_client_json_finish (f->s.http, af_test_await (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "emailAddress"), ==, AF_SANDBOX_ACCOUNT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/http/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/http/methods", test_methods);
  ADD ("refresh-on-401", test_refresh_on_401);
  ADD ("concurrency-cap", test_concurrency_cap);
  ADD ("size-cap", test_size_cap);
  ADD ("cancel", test_cancel);
  ADD ("cancel-waiting", test_cancel_waiting);
  ADD ("pages-first", test_pages_first);
  ADD ("json", test_raw_request);
#undef ADD

  return g_test_run ();
}
