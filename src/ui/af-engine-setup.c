/* af-engine-setup.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine-setup"

#include "config.h"

#include <glib/gstdio.h>

#include "af-engine-setup.h"
#include "af-paths.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"

/**
 * af_engine_setup_open:
 * @sandbox: run against an in-process sandbox with the sample workspace
 *   connected, in the sandbox's own data directory
 * @error: return location for a #GError
 *
 * Opens the database and builds the engine the app and the command line
 * share. In sandbox mode the #AfSandbox lives as long as the engine.
 *
 * Returns: (transfer full): the engine, not started yet
 */
AfEngine *
af_engine_setup_open (gboolean sandbox,
                      GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (AfDatabase) db = NULL;

  if (sandbox)
    {
      g_autoptr (AfSandbox) server = af_sandbox_new ();
      g_autoptr (AfHttpClient) http = af_http_client_new ();
      g_autofree char *google = NULL, *slack_token = NULL, *calendar_base = NULL, *slack_base = NULL;
      g_autoptr (AfTokenSource) google_tokens = NULL;
      g_autoptr (AfTokenSource) slack_tokens = NULL;
      g_autoptr (AfGmailClient) gmail = NULL;
      g_autoptr (AfCalendarClient) calendar = NULL;
      g_autoptr (AfSlackClient) slack = NULL;
      g_autoptr (AfServicesExecutor) executor = NULL;
      g_autofree char *llm_token = NULL, *llm_base = NULL;
      g_autoptr (AfTokenSource) llm_tokens = NULL;
      g_autoptr (AfLlmClient) llm = NULL;
      AfEngine *engine;

      /* The local simulation of Google and Slack, in this process, with
       * the sample workspace connected: no account, no risk. */
      af_sandbox_seed_sample (server);
      af_sandbox_add_default_tokens (server, &google, &slack_token, &llm_token);
      if (!af_sandbox_start (server, error))
        return NULL;
      google_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (google));
      slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
      calendar_base = g_strconcat (af_sandbox_get_base_url (server), "/calendar/v3", NULL);
      slack_base = g_strconcat (af_sandbox_get_base_url (server), "/api", NULL);
      gmail = af_gmail_client_new (http, google_tokens, af_sandbox_get_base_url (server));
      calendar = af_calendar_client_new (http, google_tokens, calendar_base);
      slack = af_slack_client_new (http, slack_tokens, slack_base);
      executor = af_services_executor_new (gmail, calendar, slack);

      engine = af_engine_new_for_sandbox_with_executor (AF_EXECUTOR (executor), error);
      if (engine == NULL)
        return NULL;
      /* The sandbox's scripted model, for agents with "ai": { "enabled": true }. */
      llm_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (llm_token));
      llm_base = g_strconcat (af_sandbox_get_base_url (server), "/v1", NULL);
      llm = af_llm_client_new (http, llm_tokens, llm_base, "sandbox-model");
      af_engine_set_llm_client (engine, llm);
      g_object_set_data_full (G_OBJECT (engine), "af-sandbox", g_steal_pointer (&server), g_object_unref);
      return engine;
    }

  dir = af_paths_get_data_dir (FALSE);
  path = af_paths_get_database_path (FALSE);
  g_mkdir_with_parents (dir, 0700);
  db = af_database_open (path, error);
  if (db == NULL)
    return NULL;
  /* Real accounts run through the service clients, which are not wired
   * to the engine yet: the agents can be managed, not run. */
  return af_engine_new (db, NULL);
}
