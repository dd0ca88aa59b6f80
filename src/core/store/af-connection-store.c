/* af-connection-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-connection-store"

#include "config.h"

#include "af-connection-store.h"
#include "af-error.h"

/* The connections table: who is connected to what, with which scopes and
 * in which state. Tokens are in the Secret Service, never here.
 *
 * A connection is shared (agent "") or belongs to one agent (agent = its
 * id). The functions without an agent argument work on shared ones. */

struct _AfConnectionStore
{
  GObject parent_instance;

  AfDatabase *database;
};

G_DEFINE_FINAL_TYPE (AfConnectionStore, af_connection_store, G_TYPE_OBJECT)

#define COLUMNS "service, account, display_name, scopes, status, status_reason, connected_at, last_used_at, agent, provider"

static char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, i));
}

static AfConnection *
row_to_connection (sqlite3_stmt *stmt)
{
  AfConnection *c = g_new0 (AfConnection, 1);

  c->service = column_text (stmt, 0);
  c->account = column_text (stmt, 1);
  c->display_name = column_text (stmt, 2);
  c->scopes = column_text (stmt, 3);
  c->status = column_text (stmt, 4);
  c->status_reason = column_text (stmt, 5);
  c->connected_at = sqlite3_column_int64 (stmt, 6);
  c->last_used_at = sqlite3_column_int64 (stmt, 7);
  c->agent = column_text (stmt, 8);
  c->provider = column_text (stmt, 9);
  if (c->agent == NULL)
    c->agent = g_strdup ("");

  return c;
}

static gboolean
run (AfConnectionStore *self,
     const char        *sql,
     GError           **error,
     int                n_args,
     ...)
{
  sqlite3_stmt *stmt; /* cached by the database: never finalized */
  va_list       args;

  if ((stmt = af_database_prepare (self->database, sql, error)) == NULL)
    return FALSE;

  va_start (args, n_args);
  for (int i = 1; i <= n_args; i++)
    {
      const char *value = va_arg (args, const char *);

      sqlite3_bind_text (stmt, i, value, -1, SQLITE_TRANSIENT);
    }
  va_end (args);

  return af_database_step_done (self->database, stmt, error);
}

static void
af_connection_store_finalize (GObject *object)
{
  AfConnectionStore *self = (AfConnectionStore *)object;

  g_clear_object (&self->database);

  G_OBJECT_CLASS (af_connection_store_parent_class)->finalize (object);
}

static void
af_connection_store_class_init (AfConnectionStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_connection_store_finalize;
}

static void
af_connection_store_init (AfConnectionStore *self)
{
}

AfConnectionStore *
af_connection_store_new (AfDatabase *database)
{
  AfConnectionStore *self;

  g_return_val_if_fail (AF_IS_DATABASE (database), NULL);

  self = g_object_new (AF_TYPE_CONNECTION_STORE, NULL);
  self->database = g_object_ref (database);

  return self;
}

/**
 * af_connection_store_save:
 * @scopes: the granted scopes, space-separated
 *
 * Records a (re)connected shared account as connected, now.
 */
gboolean
af_connection_store_save (AfConnectionStore *self,
                          const char        *service,
                          const char        *account,
                          const char        *display_name,
                          const char        *scopes,
                          GError           **error)
{
  return af_connection_store_save_for_agent (self, service, account, NULL, display_name, scopes, NULL, error);
}

/**
 * af_connection_store_save_for_agent:
 * @agent: (nullable): the agent id; %NULL or "" for a shared connection
 * @scopes: the granted scopes, space-separated
 * @provider: (nullable): JSON describing the provider (public endpoints),
 *   never a secret
 *
 * Records a (re)connected account as connected, now.
 */
gboolean
af_connection_store_save_for_agent (AfConnectionStore *self,
                                    const char        *service,
                                    const char        *account,
                                    const char        *agent,
                                    const char        *display_name,
                                    const char        *scopes,
                                    const char        *provider,
                                    GError           **error)
{
  sqlite3_stmt *stmt; /* cached by the database: never finalized */

  g_return_val_if_fail (AF_IS_CONNECTION_STORE (self), FALSE);
  g_return_val_if_fail (service != NULL && account != NULL, FALSE);

  stmt = af_database_prepare (self->database,
                              "INSERT INTO connections (service, account, agent, display_name, scopes, status, connected_at, provider)"
                              " VALUES (?1, ?2, ?6, ?3, ?4, 'connected', ?5, ?7)"
                              " ON CONFLICT (service, account, agent) DO UPDATE SET display_name = ?3, scopes = ?4,"
                              " status = 'connected', status_reason = NULL, connected_at = ?5, provider = ?7",
                              error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, service, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, display_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, scopes ? scopes : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  sqlite3_bind_text (stmt, 6, agent ? agent : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, provider, -1, SQLITE_TRANSIENT);

  return af_database_step_done (self->database, stmt, error);
}

gboolean
af_connection_store_set_status (AfConnectionStore *self,
                                const char        *service,
                                const char        *account,
                                const char        *status,
                                const char        *reason,
                                GError           **error)
{
  return af_connection_store_set_status_for_agent (self, service, account, NULL, status, reason, error);
}

/**
 * af_connection_store_set_status_for_agent:
 * @agent: (nullable): the agent id; %NULL or "" for a shared connection
 */
gboolean
af_connection_store_set_status_for_agent (AfConnectionStore *self,
                                          const char        *service,
                                          const char        *account,
                                          const char        *agent,
                                          const char        *status,
                                          const char        *reason,
                                          GError           **error)
{
  g_return_val_if_fail (AF_IS_CONNECTION_STORE (self), FALSE);
  g_return_val_if_fail (status != NULL, FALSE);

  return run (self, "UPDATE connections SET status = ?3, status_reason = ?4 WHERE service = ?1 AND account = ?2 AND agent = ?5",
              error, 5, service, account, status, reason, agent ? agent : "");
}

gboolean
af_connection_store_touch (AfConnectionStore *self,
                           const char        *service,
                           const char        *account,
                           GError           **error)
{
  return af_connection_store_touch_for_agent (self, service, account, NULL, error);
}

/**
 * af_connection_store_touch_for_agent:
 * @agent: (nullable): the agent id; %NULL or "" for a shared connection
 *
 * Records that the connection was used now.
 */
gboolean
af_connection_store_touch_for_agent (AfConnectionStore *self,
                                     const char        *service,
                                     const char        *account,
                                     const char        *agent,
                                     GError           **error)
{
  sqlite3_stmt *stmt; /* cached by the database: never finalized */

  g_return_val_if_fail (AF_IS_CONNECTION_STORE (self), FALSE);

  stmt = af_database_prepare (self->database,
                              "UPDATE connections SET last_used_at = ?3 WHERE service = ?1 AND account = ?2 AND agent = ?4", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, service, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  sqlite3_bind_text (stmt, 4, agent ? agent : "", -1, SQLITE_TRANSIENT);

  return af_database_step_done (self->database, stmt, error);
}

gboolean
af_connection_store_remove (AfConnectionStore *self,
                            const char        *service,
                            const char        *account,
                            GError           **error)
{
  return af_connection_store_remove_for_agent (self, service, account, NULL, error);
}

/**
 * af_connection_store_remove_for_agent:
 * @agent: (nullable): the agent id; %NULL or "" for a shared connection
 */
gboolean
af_connection_store_remove_for_agent (AfConnectionStore *self,
                                      const char        *service,
                                      const char        *account,
                                      const char        *agent,
                                      GError           **error)
{
  g_return_val_if_fail (AF_IS_CONNECTION_STORE (self), FALSE);

  return run (self, "DELETE FROM connections WHERE service = ?1 AND account = ?2 AND agent = ?3", error, 3, service,
              account, agent ? agent : "");
}

/**
 * af_connection_store_get:
 *
 * Returns: (transfer full) (nullable): the shared connection; %NULL
 *   without an error when there is none
 */
AfConnection *
af_connection_store_get (AfConnectionStore *self,
                         const char        *service,
                         const char        *account,
                         GError           **error)
{
  return af_connection_store_get_for_agent (self, service, account, NULL, error);
}

/**
 * af_connection_store_get_for_agent:
 * @agent: (nullable): the agent id; %NULL or "" for a shared connection
 *
 * Returns: (transfer full) (nullable): the connection; %NULL without an
 *   error when there is none
 */
AfConnection *
af_connection_store_get_for_agent (AfConnectionStore *self,
                                   const char        *service,
                                   const char        *account,
                                   const char        *agent,
                                   GError           **error)
{
  sqlite3_stmt *stmt; /* cached by the database: never finalized */
  int           rc;

  g_return_val_if_fail (AF_IS_CONNECTION_STORE (self), NULL);

  stmt = af_database_prepare (self->database,
                              "SELECT " COLUMNS " FROM connections WHERE service = ?1 AND account = ?2 AND agent = ?3", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, service, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, agent ? agent : "", -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      AfConnection *c = row_to_connection (stmt);

      sqlite3_reset (stmt);
      return c;
    }
  if (rc != SQLITE_DONE)
    af_database_set_error (self->database, rc, error, "reading a connection");
  sqlite3_reset (stmt);

  return NULL;
}

/**
 * af_connection_store_list:
 * @status: (nullable): only connections in this state
 *
 * Returns: (transfer container) (element-type AfConnection): the shared
 *   connections by service and account, or %NULL with an error
 */
GPtrArray *
af_connection_store_list (AfConnectionStore *self,
                          const char        *status,
                          GError           **error)
{
  return af_connection_store_list_for_agent (self, "", status, error);
}

/**
 * af_connection_store_list_for_agent:
 * @agent: (nullable): "" for shared connections, an agent id for that
 *   agent's own, %NULL for every connection
 * @status: (nullable): only connections in this state
 *
 * Returns: (transfer container) (element-type AfConnection): the
 *   connections by service, account and agent, or %NULL with an error
 */
GPtrArray *
af_connection_store_list_for_agent (AfConnectionStore *self,
                                    const char        *agent,
                                    const char        *status,
                                    GError           **error)
{
  sqlite3_stmt *stmt; /* cached by the database: never finalized */
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)af_connection_free);
  int rc;

  g_return_val_if_fail (AF_IS_CONNECTION_STORE (self), NULL);

  stmt = af_database_prepare (self->database,
                              "SELECT " COLUMNS " FROM connections WHERE (?1 IS NULL OR status = ?1)"
                              " AND (?2 IS NULL OR agent = ?2) ORDER BY service, account, agent",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, agent, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, row_to_connection (stmt));

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->database, rc, error, "listing connections");
      return NULL;
    }

  return g_steal_pointer (&list);
}
