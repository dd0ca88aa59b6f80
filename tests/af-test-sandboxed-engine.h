/* af-test-sandboxed-engine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An engine wired as the app wires it, against the sandbox on loopback:
 * Gmail (and, when asked, Calendar and Slack) clients on one HTTP client,
 * a database file in a temporary folder. Header-only, like
 * af-test-engine.h.
 */

#pragma once

#include "af-calendar-client.h"
#include "af-gmail-client.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-slack-client.h"
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
} AfTestSandboxedEngine;

typedef enum
{
  AF_TEST_ENGINE_GMAIL_ONLY = 0,
  AF_TEST_ENGINE_ALL_SERVICES = 1 << 0, /* Calendar and Slack too */
  AF_TEST_ENGINE_SAMPLE = 1 << 1,       /* the sandbox's sample workspace */
  AF_TEST_ENGINE_QUICK_RETRY = 1 << 2,  /* quick to give up on a failing request */
  AF_TEST_ENGINE_EXECUTOR_DB = 1 << 3,  /* the executor knows the database */
} AfTestEngineFlags;

G_GNUC_UNUSED static void
af_test_sandboxed_engine_set_up (AfTestSandboxedEngine *t,
                                 const char            *name,
                                 AfTestEngineFlags      flags)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *path = NULL, *tmpl = NULL;
  g_autoptr (AfTokenSource) tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;

  t->sandbox = af_sandbox_new ();
  if (flags & AF_TEST_ENGINE_SAMPLE)
    af_sandbox_seed_sample (t->sandbox);
  af_sandbox_add_default_tokens (t->sandbox, &google, NULL, NULL);
  g_assert_true (af_sandbox_start (t->sandbox, &error));
  g_assert_no_error (error);

  t->http = af_http_client_new ();
  if (flags & AF_TEST_ENGINE_QUICK_RETRY)
    af_http_client_set_retry_policy (t->http, 2, 1, 5);
  tokens = AF_TOKEN_SOURCE (af_static_token_source_new (google));
  gmail = af_gmail_client_new (t->http, tokens, af_sandbox_get_base_url (t->sandbox));
  if (flags & AF_TEST_ENGINE_ALL_SERVICES)
    {
      g_autofree char *calendar_base = g_strconcat (af_sandbox_get_base_url (t->sandbox), "/calendar/v3", NULL);
      g_autofree char *slack_base = g_strconcat (af_sandbox_get_base_url (t->sandbox), "/api", NULL);

      calendar = af_calendar_client_new (t->http, tokens, calendar_base);
      slack = af_slack_client_new (t->http, tokens, slack_base);
    }
  t->executor = af_services_executor_new (gmail, calendar, slack);

  tmpl = g_strdup_printf ("%s-XXXXXX", name);
  t->dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  path = g_build_filename (t->dir, "agentflow.db", NULL);
  t->db = af_database_open (path, &error);
  g_assert_no_error (error);
  if (flags & AF_TEST_ENGINE_EXECUTOR_DB)
    af_services_executor_set_database (t->executor, t->db);
  t->engine = af_engine_new (t->db, AF_EXECUTOR (t->executor));
  af_engine_set_network_monitor (t->engine, NULL);
}

G_GNUC_UNUSED static void
af_test_sandboxed_engine_tear_down (AfTestSandboxedEngine *t)
{
  g_clear_object (&t->engine);
  g_clear_object (&t->db);
  g_clear_object (&t->executor);
  g_clear_object (&t->http);
  g_clear_object (&t->sandbox);
  af_test_remove_dir (t->dir);
  g_clear_pointer (&t->dir, g_free);
}
