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
#include "af-sandbox-oauth.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"

/**
 * af_engine_setup_connect_accounts:
 * @accounts: the connected accounts, over the engine's database
 * @http: the client the services are called through
 *
 * Lets the engine's agents reach their services: each call goes to the
 * account its agent names, with tokens from @accounts.
 */
/* Whether @agent names @account in one of its connections, or names no
 * account at all for some service (it takes whichever is connected). */
static gboolean
agent_may_use (AfAgent    *agent,
               const char *account)
{
  JsonObject *definition = af_agent_peek_definition (agent);
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
                                  AfAccountManager *accounts,
                                  AfHttpClient     *http)
{
  g_autoptr (AfAccountsExecutor) executor = NULL;

  g_return_if_fail (AF_IS_ENGINE (engine));
  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (accounts));
  g_return_if_fail (AF_IS_HTTP_CLIENT (http));

  executor = af_accounts_executor_new (accounts, http, af_engine_get_database (engine));
  af_engine_set_executor (engine, AF_EXECUTOR (executor));
  g_signal_connect_object (accounts, "connection-changed", G_CALLBACK (on_connection_changed_cb), engine, 0);
}

/**
 * af_engine_setup_open_database:
 * @error: return location for a #GError
 *
 * Opens (and creates if needed) the database of the user's own data.
 *
 * Returns: (transfer full): the database
 */
AfDatabase *
af_engine_setup_open_database (GError **error)
{
  g_autofree char *dir = af_paths_get_data_dir (FALSE);
  g_autofree char *path = af_paths_get_database_path (FALSE);

  g_mkdir_with_parents (dir, 0700);
  return af_database_open (path, error);
}

/**
 * af_engine_setup_open_sandbox:
 * @sandbox: a started sandbox with the sample workspace seeded
 * @http: the client its services are called through
 * @error: return location for a #GError
 *
 * Builds the engine of `--sandbox`: the sandbox's data directory, the
 * sample workspace connected with the sandbox's own tokens, and the
 * sandbox's scripted model for agents with "ai": { "enabled": true }.
 *
 * Returns: (transfer full): the engine, not started yet
 */
AfEngine *
af_engine_setup_open_sandbox (AfSandbox    *sandbox,
                              AfHttpClient *http,
                              GError      **error)
{
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

  g_return_val_if_fail (AF_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (AF_IS_HTTP_CLIENT (http), NULL);

  af_sandbox_add_default_tokens (sandbox, &google, &slack_token, &llm_token);
  /* Google signs in as for real: access tokens that expire (the
   * sandbox's life lets them), renewed with the refresh token. */
  {
    g_autofree char *refresh = af_sandbox_oauth_add_grant (af_sandbox_oauth_get (sandbox), AF_SANDBOX_GOOGLE_SCOPES);
    g_autofree char *token_url = g_strconcat (af_sandbox_get_base_url (sandbox), "/token", NULL);

    google_tokens = AF_TOKEN_SOURCE (
        af_refresh_token_source_new (af_http_client_get_session (http), token_url, AF_SANDBOX_GOOGLE_CLIENT_ID, refresh));
  }
  slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
  calendar_base = g_strconcat (af_sandbox_get_base_url (sandbox), "/calendar/v3", NULL);
  slack_base = g_strconcat (af_sandbox_get_base_url (sandbox), "/api", NULL);
  gmail = af_gmail_client_new (http, google_tokens, af_sandbox_get_base_url (sandbox));
  calendar = af_calendar_client_new (http, google_tokens, calendar_base);
  slack = af_slack_client_new (http, slack_tokens, slack_base);
  executor = af_services_executor_new (gmail, calendar, slack);

  engine = af_engine_new_for_sandbox_with_executor (AF_EXECUTOR (executor), error);
  if (engine == NULL)
    return NULL;
  /* Each agent's Gmail cursor survives a restart of the sandbox app. */
  af_services_executor_set_database (executor, af_engine_get_database (engine));
  llm_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (llm_token));
  llm_base = g_strconcat (af_sandbox_get_base_url (sandbox), "/v1", NULL);
  llm = af_llm_client_new (http, llm_tokens, llm_base, "sandbox-model");
  af_engine_set_llm_client (engine, llm);
  return engine;
}
