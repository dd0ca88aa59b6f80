/* af-engine-setup.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine-setup"

#include "config.h"

#include <glib/gstdio.h>

#include "af-accounts-executor.h"
#include "af-engine-setup.h"
#include "af-paths.h"
#include "af-refresh-token-source.h"
#include "af-sandbox-life.h"
#include "af-sandbox-oauth.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"

/**
 * af_engine_setup_connect_accounts:
 * @accounts: the connected accounts, over the engine's database
 *
 * Lets the engine's agents reach their services: each call goes to the
 * account its agent names, with tokens from @accounts. For callers that
 * make the account manager once the engine's database is open.
 */
/* Whether @agent names @account in one of its connections, or names no
 * account at all for some service (it takes whichever is connected). */
static gboolean
agent_may_use (AfAgent    *agent,
               const char *account)
{
  JsonObject *definition = af_agent_get_definition (agent);
  JsonArray  *connections;

  if (definition == NULL || !json_object_has_member (definition, "connections"))
    return TRUE;
  connections = json_object_get_array_member (definition, "connections");
  if (connections == NULL)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (connections); i++)
    {
      JsonNode   *node = json_array_get_element (connections, i);
      const char *named;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      named = json_object_get_string_member_with_default (json_node_get_object (node), "account", NULL);
      if (named == NULL || *named == '\0' || g_str_equal (named, account))
        return TRUE;
    }
  return FALSE;
}

/* Agents wait in needs-attention only for a missing or refused
 * connection: once the person connects (or reconnects) the account they
 * use, they go back to work by themselves. */
static void
on_connection_changed_cb (AfAccountManager *accounts,
                          const char       *service,
                          const char       *account,
                          AfEngine         *engine)
{
  g_autoptr (AfConnection) connection = NULL;
  g_autoptr (GPtrArray) waiting = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *agents = af_engine_get_agents (engine);

  connection = af_connection_store_get (af_account_manager_get_store (accounts), service, account, NULL);
  if (connection == NULL || g_strcmp0 (connection->status, AF_CONNECTION_CONNECTED) != 0)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (af_agent_get_state (agent) == AF_AGENT_STATE_NEEDS_ATTENTION && agent_may_use (agent, account))
        g_ptr_array_add (waiting, g_steal_pointer (&agent));
    }
  for (guint i = 0; i < waiting->len; i++)
    {
      const char *id = af_agent_get_id (g_ptr_array_index (waiting, i));
      g_autoptr (GError) error = NULL;

      if (!af_engine_resume_agent (engine, id, &error))
        g_warning ("Could not resume agent %s after %s was connected: %s", id, service, error->message);
    }
}

void
af_engine_setup_connect_accounts (AfEngine         *engine,
                                  AfAccountManager *accounts)
{
  g_autoptr (AfHttpClient) http = NULL;
  g_autoptr (AfAccountsExecutor) executor = NULL;

  g_return_if_fail (AF_IS_ENGINE (engine));
  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (accounts));

  http = af_http_client_new ();
  executor = af_accounts_executor_new (accounts, http, af_engine_get_database (engine));
  af_engine_set_executor (engine, AF_EXECUTOR (executor));
  g_signal_connect_object (accounts, "connection-changed", G_CALLBACK (on_connection_changed_cb), engine, 0);
}

/**
 * af_engine_setup_open:
 * @sandbox: run against an in-process sandbox with the sample workspace
 *   connected, in the sandbox's own data directory
 * @accounts: (nullable): real mode: the connected accounts agents use;
 *   without them agents can be managed but not run until
 *   af_engine_setup_connect_accounts()
 * @error: return location for a #GError
 *
 * Opens the database and builds the engine the app and the command line
 * share. In sandbox mode the #AfSandbox lives as long as the engine.
 *
 * Returns: (transfer full): the engine, not started yet
 */
AfEngine *
af_engine_setup_open (gboolean          sandbox,
                      AfAccountManager *accounts,
                      GError          **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (AfDatabase) db = NULL;
  AfEngine *engine;

  g_return_val_if_fail (accounts == NULL || AF_IS_ACCOUNT_MANAGER (accounts), NULL);

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

      /* The local simulation of Google and Slack, in this process, with
       * the sample workspace connected: no account, no risk. */
      af_sandbox_seed_sample (server);
      af_sandbox_add_default_tokens (server, &google, &slack_token, &llm_token);
      if (!af_sandbox_start (server, error))
        return NULL;
      /* Google signs in as for real: access tokens that expire (the
       * sandbox's life lets them), renewed with the refresh token. */
      {
        g_autofree char *refresh = af_sandbox_oauth_add_grant (af_sandbox_oauth_get (server), AF_SANDBOX_GOOGLE_SCOPES);
        g_autofree char *token_url = g_strconcat (af_sandbox_get_base_url (server), "/token", NULL);

        google_tokens = AF_TOKEN_SOURCE (af_refresh_token_source_new (af_http_client_get_session (http), token_url,
                                                                      AF_SANDBOX_GOOGLE_CLIENT_ID, refresh));
      }
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
      /* Each agent's Gmail cursor survives a restart of the sandbox app. */
      af_services_executor_set_database (executor, af_engine_get_database (engine));
      /* The sandbox's scripted model, for agents with "ai": { "enabled": true }. */
      llm_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (llm_token));
      llm_base = g_strconcat (af_sandbox_get_base_url (server), "/v1", NULL);
      llm = af_llm_client_new (http, llm_tokens, llm_base, "sandbox-model");
      af_engine_set_llm_client (engine, llm);
      /* New mail, Slack messages, calendar changes and the odd fault
       * over time, once af_engine_setup_get_sandbox_life() is started. */
      g_object_set_data_full (G_OBJECT (engine), "af-sandbox-life",
                              af_sandbox_life_new (server, af_sandbox_life_seed_from_environment ()), g_object_unref);
      g_object_set_data_full (G_OBJECT (engine), "af-sandbox", g_steal_pointer (&server), g_object_unref);
      return engine;
    }

  dir = af_paths_get_data_dir (FALSE);
  path = af_paths_get_database_path (FALSE);
  g_mkdir_with_parents (dir, 0700);
  db = af_database_open (path, error);
  if (db == NULL)
    return NULL;
  engine = af_engine_new (db, NULL);
  if (accounts != NULL)
    af_engine_setup_connect_accounts (engine, accounts);
  return engine;
}

/**
 * af_engine_setup_get_sandbox_life:
 * @engine: an engine from af_engine_setup_open() in sandbox mode
 *
 * Returns: (transfer none) (nullable): what keeps the sandbox's sample
 *   workspace changing over time, not started; %NULL outside sandbox mode
 */
AfSandboxLife *
af_engine_setup_get_sandbox_life (AfEngine *engine)
{
  g_return_val_if_fail (AF_IS_ENGINE (engine), NULL);

  return g_object_get_data (G_OBJECT (engine), "af-sandbox-life");
}
