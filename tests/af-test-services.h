/* af-test-services.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the service client tests: a started sandbox, one HTTP client
 * with quick retries and a token the sandbox accepts for one service, and
 * a way to wait for an async call. Header-only so every test stays one
 * file.
 */

#pragma once

#include "af-http-client.h"
#include "af-sandbox.h"
#include "af-static-token-source.h"

typedef enum
{
  AF_TEST_GOOGLE,
  AF_TEST_SLACK,
  AF_TEST_LLM,
} AfTestService;

typedef struct
{
  AfSandbox     *sandbox;
  AfHttpClient  *http;
  AfTokenSource *tokens;
} AfTestServices;

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult * slot
 * @user_data points at. */
G_GNUC_UNUSED static void
af_test_ready_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

G_GNUC_UNUSED static GAsyncResult *
af_test_await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* @seed: load the sample workspace. @attempts: the HTTP client's retry
 * budget, with 10–50 ms backoff so faults do not slow the tests down. */
G_GNUC_UNUSED static void
af_test_services_set_up (AfTestServices *s,
                         AfTestService   service,
                         gboolean        seed,
                         guint           attempts)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  s->sandbox = af_sandbox_new ();
  if (seed)
    af_sandbox_seed_sample (s->sandbox);
  af_sandbox_add_default_tokens (s->sandbox, service == AF_TEST_GOOGLE ? &token : NULL,
                                 service == AF_TEST_SLACK ? &token : NULL, service == AF_TEST_LLM ? &token : NULL);
  g_assert_true (af_sandbox_start (s->sandbox, &error));
  g_assert_no_error (error);

  s->http = af_http_client_new ();
  af_http_client_set_retry_policy (s->http, attempts, 10, 50);
  s->tokens = AF_TOKEN_SOURCE (af_static_token_source_new (token));
}

/* The sandbox's URL with @path appended, e.g. "/calendar/v3". */
G_GNUC_UNUSED static char *
af_test_services_url (AfTestServices *s,
                      const char     *path)
{
  return g_strconcat (af_sandbox_get_base_url (s->sandbox), path, NULL);
}

G_GNUC_UNUSED static void
af_test_services_tear_down (AfTestServices *s)
{
  g_clear_object (&s->tokens);
  g_clear_object (&s->http);
  g_clear_object (&s->sandbox);
}
