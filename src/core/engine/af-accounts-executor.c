/* af-accounts-executor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-accounts-executor"

#include "config.h"

#include <glib/gi18n.h>

#include "af-accounts-executor.h"
#include "af-action.h"
#include "af-error.h"
#include "af-services-executor.h"

/* Routes each call of an agent to the service clients of the accounts its
 * definition names. Clients are made once per (service, account,
 * credential) and shared; each agent gets an AfServicesExecutor over the
 * clients it uses, so its sync cursor and label cache are its own. A
 * change to a connection (reconnected, disconnected, needs reconnecting)
 * drops what was built on it. */
struct _AfAccountsExecutor
{
  GObject parent_instance;

  AfAccountManager *manager;
  AfHttpClient     *http;
  AfDatabase       *db;
  char             *base_url;
  GHashTable       *clients; /* "service\naccount\ncredential agent" → client */
  GHashTable       *routes;  /* agent id → Route */
  gulong            changed_handler;
};

static void af_accounts_executor_iface_init (AfExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfAccountsExecutor, af_accounts_executor, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_EXECUTOR, af_accounts_executor_iface_init))

typedef enum
{
  SERVICE_GMAIL,
  SERVICE_CALENDAR,
  SERVICE_SLACK,
  N_SERVICES
} Service;

static const struct
{
  const char *id;
  const char *name;
  const char *family; /* as in AGENTFLOW_<FAMILY>_BASE_URL, shared with the providers */
  const char *default_url;
} services[N_SERVICES] = {
  { "gmail", N_ ("Gmail"), "GOOGLE", AF_GMAIL_DEFAULT_BASE_URL },
  { "calendar", N_ ("Google Calendar"), "GOOGLE", AF_CALENDAR_DEFAULT_BASE_URL },
  { "slack", N_ ("Slack"), "SLACK", AF_SLACK_DEFAULT_BASE_URL },
};

typedef struct
{
  char               *keys[N_SERVICES]; /* the client each service used */
  AfServicesExecutor *executor;
} Route;

typedef struct
{
  Service     service;
  char       *account;
  GPtrArray  *items;
  AfAgent    *agent;
  char       *action;
  JsonObject *params;
  JsonObject *item;
  char       *key;
} Call;

static void
route_free (Route *route)
{
  for (guint i = 0; i < N_SERVICES; i++)
    g_free (route->keys[i]);
  g_clear_object (&route->executor);
  g_free (route);
}

static void
call_free (Call *call)
{
  g_free (call->account);
  g_clear_object (&call->agent);
  g_free (call->action);
  g_clear_pointer (&call->params, json_object_unref);
  g_clear_pointer (&call->item, json_object_unref);
  g_free (call->key);
  g_free (call);
}

static Service
service_for_source (const char *source)
{
  return g_strcmp0 (source, "agenda") == 0 ? SERVICE_CALENDAR : SERVICE_GMAIL;
}

static Service
service_for_action (const char *action)
{
  const char *service = af_action_get_service (action);

  if (g_strcmp0 (service, "slack") == 0)
    return SERVICE_SLACK;
  if (g_strcmp0 (service, "calendar") == 0)
    return SERVICE_CALENDAR;
  return SERVICE_GMAIL;
}

/* The default URL's path at the overriding origin, the way the providers
 * treat AGENTFLOW_<FAMILY>_BASE_URL: one origin serves every path. */
static char *
rebase (const char *url,
        const char *base)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *trimmed = g_strdup (base);

  if (uri == NULL)
    return g_strdup (url);
  if (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  return g_strconcat (trimmed, g_uri_get_path (uri), NULL);
}

static char *
base_url_for (AfAccountsExecutor *self,
              Service             service)
{
  g_autofree char *name = g_strdup_printf ("AGENTFLOW_%s_BASE_URL", services[service].family);
  const char      *env = g_getenv (name);

  if (self->base_url != NULL)
    return rebase (services[service].default_url, self->base_url);
  if (env != NULL && *env != '\0')
    return rebase (services[service].default_url, env);
  return g_strdup (services[service].default_url);
}

/* The error a person can act on; the agent waits for it (no retries). */
static GError *
connect_error (Service     service,
               const char *account,
               gboolean    reconnect)
{
  const char *name = g_dgettext (GETTEXT_PACKAGE, services[service].name);

  if (!reconnect && account == NULL)
    return g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT, _ ("Connect %s in Integrations"), name);
  if (!reconnect)
    return g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT, _ ("Connect %s (%s) in Integrations"), name, account);
  return g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT, _ ("Reconnect %s (%s) in Integrations"), name, account);
}

static GObject *
new_client (AfAccountsExecutor *self,
            Service             service,
            AfTokenSource      *tokens)
{
  g_autofree char *url = base_url_for (self, service);

  switch (service)
    {
    case SERVICE_GMAIL:
      return G_OBJECT (af_gmail_client_new (self->http, tokens, url));
    case SERVICE_CALENDAR:
      return G_OBJECT (af_calendar_client_new (self->http, tokens, url));
    case SERVICE_SLACK:
    case N_SERVICES:
    default:
      return G_OBJECT (af_slack_client_new (self->http, tokens, url));
    }
}

/* The client for @service of @agent, made on first use: the agent's own
 * credential when it has one, else the account's shared one. */
static const char *
ensure_client (AfAccountsExecutor *self,
               AfAgent            *agent,
               Service             service,
               GError            **error)
{
  const char *account = af_agent_get_account (agent, services[service].id);
  const char *agent_id = af_agent_get_id (agent);
  g_autoptr (AfConnection) own = NULL;
  g_autoptr (AfTokenSource) tokens = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *key = NULL;
  const char      *credential;
  gpointer         stored_key = NULL;

  if (account == NULL)
    {
      g_propagate_error (error, connect_error (service, NULL, FALSE));
      return NULL;
    }

  own = af_connection_store_get_for_agent (af_account_manager_get_store (self->manager), services[service].id, account,
                                           agent_id, NULL);
  credential = own != NULL ? agent_id : "";
  key = g_strjoin ("\n", services[service].id, account, credential, NULL);
  if (g_hash_table_lookup_extended (self->clients, key, &stored_key, NULL))
    return stored_key;

  tokens = af_account_manager_get_token_source (self->manager, services[service].id, account, credential, &local_error);
  if (tokens == NULL)
    {
      if (g_error_matches (local_error, AF_ERROR, AF_ERROR_NOT_FOUND))
        g_propagate_error (error, connect_error (service, account, FALSE));
      else if (g_error_matches (local_error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT))
        {
          g_autofree char *reason = af_account_manager_dup_attention_reason (self->manager, services[service].id, account);

          g_propagate_error (error, reason ? g_error_new_literal (AF_ERROR, AF_ERROR_NEEDS_RECONNECT, reason)
                                           : connect_error (service, account, TRUE));
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  stored_key = g_strdup (key);
  g_hash_table_insert (self->clients, stored_key, new_client (self, service, tokens));
  return stored_key;
}

/* The agent's AfServicesExecutor with the current client for @service;
 * rebuilt when that client changed. */
static AfServicesExecutor *
ensure_route (AfAccountsExecutor *self,
              AfAgent            *agent,
              Service             service,
              GError            **error)
{
  const char *key = ensure_client (self, agent, service, error);
  Route      *route, *next;
  GObject    *clients[N_SERVICES] = { NULL };

  if (key == NULL)
    return NULL;

  route = g_hash_table_lookup (self->routes, af_agent_get_id (agent));
  if (route != NULL && g_strcmp0 (route->keys[service], key) == 0)
    return route->executor;

  next = g_new0 (Route, 1);
  for (guint i = 0; i < N_SERVICES; i++)
    {
      const char *k = i == service ? key : (route ? route->keys[i] : NULL);

      if (k != NULL && (clients[i] = g_hash_table_lookup (self->clients, k)) != NULL)
        next->keys[i] = g_strdup (k);
    }
  next->executor = af_services_executor_new (AF_GMAIL_CLIENT (clients[SERVICE_GMAIL]),
                                             AF_CALENDAR_CLIENT (clients[SERVICE_CALENDAR]),
                                             AF_SLACK_CLIENT (clients[SERVICE_SLACK]));
  if (self->db != NULL)
    af_services_executor_set_database (next->executor, self->db);
  g_hash_table_insert (self->routes, g_strdup (af_agent_get_id (agent)), next);
  return next->executor;
}

/* A refused credential in the middle of a call: the person reconnects. */
static GError *
translate_error (AfAccountsExecutor *self,
                 Call               *call,
                 GError             *error)
{
  if (g_error_matches (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT) || g_error_matches (error, AF_ERROR, AF_ERROR_AUTH_FAILED))
    {
      g_autofree char *reason = call->account ? af_account_manager_dup_attention_reason (self->manager, services[call->service].id, call->account) : NULL;

      /* Through Auth0 the fix is at Auth0 ("Connect Google through
       * Auth0", "turn off rotation"): that sentence is kept. */
      if (reason != NULL)
        {
          g_error_free (error);
          return g_error_new_literal (AF_ERROR, AF_ERROR_NEEDS_RECONNECT, reason);
        }
      g_debug ("%s needs reconnecting: %s", services[call->service].id, error->message);
      g_error_free (error);
      return connect_error (call->service, call->account, TRUE);
    }
  return error;
}

static GTask *
call_new (AfAccountsExecutor *self,
          AfAgent            *agent,
          Service             service,
          GCancellable       *cancellable,
          GAsyncReadyCallback callback,
          gpointer            user_data,
          gpointer            source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call  *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, source_tag);
  call->service = service;
  call->account = agent ? g_strdup (af_agent_get_account (agent, services[service].id)) : NULL;
  g_task_set_task_data (task, call, (GDestroyNotify)call_free);
  return task;
}

static void
on_fetch_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *items = af_executor_fetch_finish (AF_EXECUTOR (source), result, &error);

  if (items == NULL)
    g_task_return_error (task, translate_error (g_task_get_source_object (task), g_task_get_task_data (task), g_steal_pointer (&error)));
  else
    g_task_return_pointer (task, items, (GDestroyNotify)g_ptr_array_unref);
}

static void
accounts_fetch_each_async (AfExecutor         *executor,
                           AfAgent            *agent,
                           const char         *source,
                           AfExecutorItemsFunc each,
                           gpointer            each_data,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  AfAccountsExecutor *self = AF_ACCOUNTS_EXECUTOR (executor);
  Service             service = service_for_source (source);
  g_autoptr (GTask) task = call_new (self, agent, service, cancellable, callback, user_data, accounts_fetch_each_async);
  g_autoptr (GError) error = NULL;
  AfServicesExecutor *route = ensure_route (self, agent, service, &error);

  if (route == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  af_executor_fetch_each_async (AF_EXECUTOR (route), agent, source, each, each_data, cancellable, on_fetch_cb,
                                g_steal_pointer (&task));
}

static void
accounts_fetch_async (AfExecutor         *executor,
                      AfAgent            *agent,
                      const char         *source,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  accounts_fetch_each_async (executor, agent, source, NULL, NULL, cancellable, callback, user_data);
}

static GPtrArray *
accounts_fetch_finish (AfExecutor   *executor,
                       GAsyncResult *result,
                       GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_execute_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  char *answer = af_executor_execute_finish (AF_EXECUTOR (source), result, &error);

  if (answer == NULL)
    g_task_return_error (task, translate_error (g_task_get_source_object (task), g_task_get_task_data (task), g_steal_pointer (&error)));
  else
    g_task_return_pointer (task, answer, g_free);
}

static void
accounts_execute_async (AfExecutor         *executor,
                        AfAgent            *agent,
                        const char         *action,
                        JsonObject         *params,
                        JsonObject         *item,
                        const char         *key,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  AfAccountsExecutor *self = AF_ACCOUNTS_EXECUTOR (executor);
  Service             service = service_for_action (action);
  g_autoptr (GTask) task = call_new (self, agent, service, cancellable, callback, user_data, accounts_execute_async);
  g_autoptr (GError) error = NULL;
  AfServicesExecutor *route = ensure_route (self, agent, service, &error);

  if (route == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  af_executor_execute_async (AF_EXECUTOR (route), agent, action, params, item, key, cancellable, on_execute_cb,
                             g_steal_pointer (&task));
}

static char *
accounts_execute_finish (AfExecutor   *executor,
                         GAsyncResult *result,
                         GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_execute_batch_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!af_executor_execute_batch_finish (AF_EXECUTOR (source), result, &error))
    g_task_return_error (task, translate_error (g_task_get_source_object (task), g_task_get_task_data (task), g_steal_pointer (&error)));
  else
    g_task_return_boolean (task, TRUE);
}

static void
accounts_execute_batch_async (AfExecutor         *executor,
                              AfAgent            *agent,
                              const char         *action,
                              JsonObject         *params,
                              GPtrArray          *items,
                              GPtrArray          *keys,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  AfAccountsExecutor *self = AF_ACCOUNTS_EXECUTOR (executor);
  Service             service = service_for_action (action);
  g_autoptr (GTask) task = call_new (self, agent, service, cancellable, callback, user_data,
                                     accounts_execute_batch_async);
  g_autoptr (GError) error = NULL;
  AfServicesExecutor *route = ensure_route (self, agent, service, &error);

  if (route == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  af_executor_execute_batch_async (AF_EXECUTOR (route), agent, action, params, items, keys, cancellable,
                                   on_execute_batch_cb, g_steal_pointer (&task));
}

static gboolean
accounts_execute_batch_finish (AfExecutor   *executor,
                               GAsyncResult *result,
                               GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_reconcile_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError  *error = NULL;
  gboolean happened = af_executor_reconcile_finish (AF_EXECUTOR (source), result, &error);

  if (error != NULL)
    g_task_return_error (task, translate_error (g_task_get_source_object (task), g_task_get_task_data (task), error));
  else
    g_task_return_boolean (task, happened);
}

static void
accounts_reconcile_async (AfExecutor         *executor,
                          AfAgent            *agent,
                          const char         *action,
                          JsonObject         *params,
                          JsonObject         *item,
                          const char         *key,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  AfAccountsExecutor *self = AF_ACCOUNTS_EXECUTOR (executor);
  Service             service = service_for_action (action);
  g_autoptr (GTask) task = call_new (self, agent, service, cancellable, callback, user_data, accounts_reconcile_async);
  g_autoptr (GError) error = NULL;
  AfServicesExecutor *route;

  if (agent == NULL)
    {
      /* Deleted since: there is no account to ask, and nothing will
       * repeat it (the engine drops actions of agents that are gone). */
      g_task_return_boolean (task, FALSE);
      return;
    }
  route = ensure_route (self, agent, service, &error);
  if (route == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  af_executor_reconcile_async (AF_EXECUTOR (route), agent, action, params, item, key, cancellable, on_reconcile_cb,
                               g_steal_pointer (&task));
}

static gboolean
accounts_reconcile_finish (AfExecutor   *executor,
                           GAsyncResult *result,
                           GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
accounts_commit_fetch (AfExecutor *executor,
                       AfAgent    *agent,
                       GPtrArray  *items)
{
  AfAccountsExecutor *self = AF_ACCOUNTS_EXECUTOR (executor);
  Route              *route = g_hash_table_lookup (self->routes, af_agent_get_id (agent));

  if (route != NULL)
    af_executor_commit_fetch (AF_EXECUTOR (route->executor), agent, items);
}

static void
af_accounts_executor_iface_init (AfExecutorInterface *iface)
{
  iface->fetch_async = accounts_fetch_async;
  iface->fetch_each_async = accounts_fetch_each_async;
  iface->fetch_finish = accounts_fetch_finish;
  iface->execute_async = accounts_execute_async;
  iface->execute_batch_async = accounts_execute_batch_async;
  iface->execute_batch_finish = accounts_execute_batch_finish;
  iface->execute_finish = accounts_execute_finish;
  iface->reconcile_async = accounts_reconcile_async;
  iface->reconcile_finish = accounts_reconcile_finish;
  iface->commit_fetch = accounts_commit_fetch;
}

static void
on_connection_changed_cb (AfAccountManager   *manager,
                          const char         *service,
                          const char         *account,
                          AfAccountsExecutor *self)
{
  g_autofree char *prefix = g_strjoin ("\n", service, account, "", NULL);
  GHashTableIter   iter;
  gpointer         key, value;

  /* Runs in flight keep their own references; the next call rebuilds. */
  g_hash_table_iter_init (&iter, self->routes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Route *route = value;

      for (guint i = 0; i < N_SERVICES; i++)
        if (route->keys[i] != NULL && g_str_has_prefix (route->keys[i], prefix))
          {
            g_hash_table_iter_remove (&iter);
            break;
          }
    }
  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, prefix))
      g_hash_table_iter_remove (&iter);
}

static void
af_accounts_executor_dispose (GObject *object)
{
  AfAccountsExecutor *self = (AfAccountsExecutor *)object;

  if (self->manager != NULL)
    g_clear_signal_handler (&self->changed_handler, self->manager);
  g_clear_pointer (&self->routes, g_hash_table_unref);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_object (&self->manager);
  g_clear_object (&self->http);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (af_accounts_executor_parent_class)->dispose (object);
}

static void
af_accounts_executor_finalize (GObject *object)
{
  AfAccountsExecutor *self = (AfAccountsExecutor *)object;

  g_free (self->base_url);

  G_OBJECT_CLASS (af_accounts_executor_parent_class)->finalize (object);
}

static void
af_accounts_executor_class_init (AfAccountsExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_accounts_executor_dispose;
  object_class->finalize = af_accounts_executor_finalize;
}

static void
af_accounts_executor_init (AfAccountsExecutor *self)
{
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)route_free);
}

/**
 * af_accounts_executor_new:
 * @manager: where connections and their tokens come from
 * @http: the one HTTP layer every client shares
 * @db: (nullable): keeps each agent's sync cursors across restarts
 */
AfAccountsExecutor *
af_accounts_executor_new (AfAccountManager *manager,
                          AfHttpClient     *http,
                          AfDatabase       *db)
{
  AfAccountsExecutor *self;

  g_return_val_if_fail (AF_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (AF_IS_HTTP_CLIENT (http), NULL);
  g_return_val_if_fail (db == NULL || AF_IS_DATABASE (db), NULL);

  self = g_object_new (AF_TYPE_ACCOUNTS_EXECUTOR, NULL);
  self->manager = g_object_ref (manager);
  self->http = g_object_ref (http);
  self->db = db ? g_object_ref (db) : NULL;
  self->changed_handler = g_signal_connect (manager, "connection-changed", G_CALLBACK (on_connection_changed_cb), self);
  return self;
}

void
af_accounts_executor_set_base_url (AfAccountsExecutor *self,
                                   const char         *base_url)
{
  g_return_if_fail (AF_IS_ACCOUNTS_EXECUTOR (self));

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_hash_table_remove_all (self->routes);
  g_hash_table_remove_all (self->clients);
}
