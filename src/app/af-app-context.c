/* af-app-context.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-app-context"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "af-app-context.h"
#include "af-engine-setup.h"
#include "af-error.h"
#include "af-paths.h"
#include "af-sandbox-auth0.h"
#include "af-sandbox-oauth.h"

/* The account the sample agents are set up with. */
#define SAMPLE_ACCOUNT "sample@example.com"

/* What the app, the command line and the tests run on: the database, the
 * one HTTP session every service client and the account manager share,
 * the accounts, the engine and, with --sandbox, the simulated services
 * the engine talks to. Owning them here keeps them alive exactly as long
 * as whoever uses them, in the order they depend on each other. */

struct _AfAppContext
{
  GObject parent_instance;

  SoupSession      *session;
  AfHttpClient     *http;
  AfDatabase       *database;
  AfAccountManager *accounts;
  AfEngine         *engine;
  AfModelSettings  *model;
  AfSandbox        *sandbox;
  AfSandboxLife    *life;
  gboolean          sandbox_mode;
};

G_DEFINE_FINAL_TYPE (AfAppContext, af_app_context, G_TYPE_OBJECT)

static void
af_app_context_dispose (GObject *object)
{
  AfAppContext *self = (AfAppContext *)object;

  /* Users first, then what they use: the engine's runs end before the
   * services they call go away. */
  if (self->life != NULL)
    af_sandbox_life_stop (self->life);
  g_clear_object (&self->life);
  g_clear_object (&self->model);
  g_clear_object (&self->engine);
  g_clear_object (&self->accounts);
  g_clear_object (&self->database);
  g_clear_object (&self->http);
  g_clear_object (&self->session);
  g_clear_object (&self->sandbox);

  G_OBJECT_CLASS (af_app_context_parent_class)->dispose (object);
}

static void
af_app_context_class_init (AfAppContextClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = af_app_context_dispose;
}

static void
af_app_context_init (AfAppContext *self)
{
  self->session = af_http_session_new ();
  self->http = af_http_client_new_for_session (self->session);
}

/* Sign-in, token and revocation calls go to the sandbox at @base_url,
 * with the client IDs its OAuth server knows. */
static void
point_accounts_at_sandbox (AfAccountManager *accounts,
                           const char       *base_url)
{
  af_account_manager_set_base_url (accounts, base_url);
  af_account_manager_set_client_id (accounts, "gmail", AF_SANDBOX_GOOGLE_CLIENT_ID);
  af_account_manager_set_client_id (accounts, "calendar", AF_SANDBOX_GOOGLE_CLIENT_ID);
  af_account_manager_set_client_id (accounts, "slack", AF_SANDBOX_SLACK_CLIENT_ID);
  af_account_manager_set_client_id (accounts, "oidc", AF_SANDBOX_OIDC_CLIENT_ID);
}

/* The sample workspace comes connected: the sample agents name
 * SAMPLE_ACCOUNT, and the sandbox's engine calls the services with the
 * sandbox's own tokens, so these connections hold no secret. A service the
 * person disconnected in an earlier session is connected again, as the
 * sample workspace starts as it was seeded. */
static gboolean
connect_sample_accounts (AfAccountManager *accounts,
                         GError          **error)
{
  static const struct
  {
    const char *service;
    const char *scopes;
  } samples[] = {
    { "gmail", AF_SANDBOX_GOOGLE_SCOPES },
    { "calendar", AF_SANDBOX_GOOGLE_SCOPES },
    { "slack", AF_SANDBOX_SLACK_SCOPES },
  };
  AfConnectionStore *store = af_account_manager_get_store (accounts);
  g_autoptr (GPtrArray) connections = af_connection_store_list (store, NULL, error);

  if (connections == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      gboolean connected = FALSE;

      for (guint j = 0; j < connections->len && !connected; j++)
        connected = g_strcmp0 (((AfConnection *)g_ptr_array_index (connections, j))->service, samples[i].service) == 0;
      if (!connected &&
          !af_connection_store_save (store, samples[i].service, SAMPLE_ACCOUNT, NULL, samples[i].scopes, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
open_sandbox (AfAppContext *self,
              GError      **error)
{
  g_autoptr (AfSandbox) sandbox = af_sandbox_new ();

  /* The local simulation of Google and Slack, in this process, with the
   * sample workspace connected: no account, no risk. */
  af_sandbox_seed_sample (sandbox);
  if (!af_sandbox_start (sandbox, error))
    return FALSE;
  self->engine = af_engine_setup_open_sandbox (sandbox, self->http, error);
  if (self->engine == NULL)
    return FALSE;
  self->database = g_object_ref (af_engine_get_database (self->engine));
  /* Its accounts can be disconnected and connected again, through the
   * sandbox's consent page in the browser like a real account. */
  self->accounts = af_account_manager_new (self->database, NULL, self->session);
  point_accounts_at_sandbox (self->accounts, af_sandbox_get_base_url (sandbox));
  /* Nothing in the sample workspace signs in with OpenID Connect: the
   * window offers no such account (the command line still can). */
  af_account_manager_set_oidc_issuer (self->accounts, NULL);
  if (!connect_sample_accounts (self->accounts, error))
    return FALSE;
  /* New mail, Slack messages, calendar changes and the odd fault over
   * time, once af_sandbox_life_start() is called. */
  self->life = af_sandbox_life_new (sandbox, af_sandbox_life_seed_from_environment ());
  self->sandbox = g_steal_pointer (&sandbox);
  return TRUE;
}

/**
 * af_app_context_new:
 * @sandbox: run against an in-process sandbox with the sample workspace
 *   connected, in the sandbox's own data directory
 * @settings: (nullable): the `org.agentflow.App` settings: client IDs, the
 *   OpenID Connect issuer and the AI model; %NULL when no schema is
 *   installed (an uninstalled command line)
 * @error: return location for a #GError
 *
 * Opens the database and builds the engine the app and the command line
 * share. Outside the sandbox, the engine's agents reach their services
 * through the connected accounts, and use the AI model of @settings.
 *
 * Returns: (transfer full): the context; its engine is not started yet
 */
AfAppContext *
af_app_context_new (gboolean   sandbox,
                    GSettings *settings,
                    GError   **error)
{
  g_autoptr (AfAppContext) self = NULL;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (AF_TYPE_APP_CONTEXT, NULL);
  self->sandbox_mode = sandbox;

  if (sandbox)
    return open_sandbox (self, error) ? g_steal_pointer (&self) : NULL;

  self->database = af_engine_setup_open_database (error);
  if (self->database == NULL)
    return NULL;
  self->engine = af_engine_new (self->database, NULL);
  self->accounts = af_account_manager_new (self->database, settings, self->session);
  af_engine_setup_connect_accounts (self->engine, self->accounts, self->http);
  /* The user's AI model; the sandbox brings its own scripted one. */
  if (settings != NULL)
    self->model = g_object_ref (af_model_settings_bind (self->engine, settings, self->http));

  return g_steal_pointer (&self);
}

/**
 * af_app_context_new_for_accounts:
 * @sandbox_url: (nullable): the base URL of a running sandbox
 *   (`agentflow-sandbox`) to connect its simulated accounts, in the
 *   sandbox's data directory; %NULL for the user's own
 * @settings: (nullable): the `org.agentflow.App` settings
 * @error: return location for a #GError
 *
 * The accounts alone, without an engine: for the account commands of the
 * command line.
 *
 * Returns: (transfer full): the context
 */
AfAppContext *
af_app_context_new_for_accounts (const char *sandbox_url,
                                 GSettings  *settings,
                                 GError    **error)
{
  g_autoptr (AfAppContext) self = NULL;
  g_autofree char *dir = af_paths_get_data_dir (sandbox_url != NULL);
  g_autofree char *path = af_paths_get_database_path (sandbox_url != NULL);

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_DATABASE, _ ("Could not create %s"), dir);
      return NULL;
    }

  self = g_object_new (AF_TYPE_APP_CONTEXT, NULL);
  self->sandbox_mode = sandbox_url != NULL;
  if ((self->database = af_database_open (path, error)) == NULL)
    return NULL;
  self->accounts = af_account_manager_new (self->database, settings, self->session);
  if (sandbox_url != NULL)
    point_accounts_at_sandbox (self->accounts, sandbox_url);

  return g_steal_pointer (&self);
}

gboolean
af_app_context_get_sandbox_mode (AfAppContext *self)
{
  g_return_val_if_fail (AF_IS_APP_CONTEXT (self), FALSE);

  return self->sandbox_mode;
}

/**
 * af_app_context_get_session:
 *
 * Returns: (transfer none): the one HTTP session of the app
 */
SoupSession *
af_app_context_get_session (AfAppContext *self)
{
  g_return_val_if_fail (AF_IS_APP_CONTEXT (self), NULL);

  return self->session;
}

/**
 * af_app_context_get_http_client:
 *
 * Returns: (transfer none): the client the service clients send through
 */
AfHttpClient *
af_app_context_get_http_client (AfAppContext *self)
{
  g_return_val_if_fail (AF_IS_APP_CONTEXT (self), NULL);

  return self->http;
}

/**
 * af_app_context_get_database:
 *
 * Returns: (transfer none): the database
 */
AfDatabase *
af_app_context_get_database (AfAppContext *self)
{
  g_return_val_if_fail (AF_IS_APP_CONTEXT (self), NULL);

  return self->database;
}

/**
 * af_app_context_get_engine:
 *
 * Returns: (transfer none) (nullable): the engine, %NULL in a context for
 *   the accounts alone
 */
AfEngine *
af_app_context_get_engine (AfAppContext *self)
{
  g_return_val_if_fail (AF_IS_APP_CONTEXT (self), NULL);

  return self->engine;
}

/**
 * af_app_context_get_account_manager:
 *
 * Returns: (transfer none): the connected accounts; in the sandbox, the
 *   sample workspace's, signed in at the sandbox
 */
AfAccountManager *
af_app_context_get_account_manager (AfAppContext *self)
{
  g_return_val_if_fail (AF_IS_APP_CONTEXT (self), NULL);

  return self->accounts;
}

/**
 * af_app_context_get_model_settings:
 *
 * Returns: (transfer none) (nullable): the user's AI model settings;
 *   %NULL in the sandbox or without settings
 */
AfModelSettings *
af_app_context_get_model_settings (AfAppContext *self)
{
  g_return_val_if_fail (AF_IS_APP_CONTEXT (self), NULL);

  return self->model;
}

/**
 * af_app_context_get_sandbox:
 *
 * Returns: (transfer none) (nullable): the in-process sandbox, %NULL
 *   outside sandbox mode
 */
AfSandbox *
af_app_context_get_sandbox (AfAppContext *self)
{
  g_return_val_if_fail (AF_IS_APP_CONTEXT (self), NULL);

  return self->sandbox;
}

/**
 * af_app_context_get_sandbox_life:
 *
 * Returns: (transfer none) (nullable): what keeps the sandbox's sample
 *   workspace changing over time, not started; %NULL outside sandbox mode
 */
AfSandboxLife *
af_app_context_get_sandbox_life (AfAppContext *self)
{
  g_return_val_if_fail (AF_IS_APP_CONTEXT (self), NULL);

  return self->life;
}
