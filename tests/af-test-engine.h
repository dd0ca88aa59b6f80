/* af-test-engine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the engine tests: a connection list for a new agent, one
 * run of an agent and one approval, waited for on the main context. Header-only so every
 * test stays one file.
 */

#pragma once

#include "af-database.h"
#include "af-engine.h"
#include "af-template.h"
#include "af-test-wait.h"

/* A JSON array with one connection: @service, @account and the
 * space-separated @permissions. */
G_GNUC_UNUSED static JsonArray *
af_test_connections (const char *service,
                     const char *account,
                     const char *permissions)
{
  JsonArray  *connections = json_array_new ();
  JsonObject *c = json_object_new ();
  JsonArray  *perms = json_array_new ();
  g_auto (GStrv) names = g_strsplit (permissions, " ", -1);

  for (guint i = 0; names[i]; i++)
    json_array_add_string_element (perms, names[i]);
  json_object_set_string_member (c, "service", service);
  json_object_set_string_member (c, "account", account);
  json_object_set_array_member (c, "permissions", perms);
  json_array_add_object_element (connections, c);
  return connections;
}

typedef struct
{
  JsonObject *result;
  GError     *error;
  gboolean    done;
} AfTestRun;

static void
af_test_run_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  AfTestRun *run = data;

  run->result = af_engine_run_agent_finish (AF_ENGINE (source), result, &run->error);
  run->done = TRUE;
}

/* One run of @agent now; the result as af_engine_run_agent_finish(). */
G_GNUC_UNUSED static JsonObject *
af_test_run_agent (AfEngine *engine,
                   AfAgent  *agent,
                   GError  **error)
{
  AfTestRun run = { 0 };

  af_engine_run_agent_async (engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, af_test_run_cb, &run);
  af_test_wait_until (run.done, "the agent's run to finish");
  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.result;
}

static void
af_test_approve_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  AfTestRun *run = data;

  af_engine_approve_finish (AF_ENGINE (source), result, &run->error);
  run->done = TRUE;
}

/* Approves @approval_id and waits for the approved action to finish. */
G_GNUC_UNUSED static gboolean
af_test_approve (AfEngine *engine,
                 gint64    approval_id,
                 GError  **error)
{
  AfTestRun run = { 0 };

  af_engine_approve_async (engine, approval_id, NULL, af_test_approve_cb, &run);
  af_test_wait_until (run.done, "the approved action to finish");
  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }
  return TRUE;
}

/* The first column of the first row of @sql (a count), 0 when it has no
 * row. */
G_GNUC_UNUSED static guint
af_test_query_uint (AfDatabase *db,
                    const char *sql)
{
  sqlite3_stmt *stmt = af_database_prepare (db, sql, NULL);
  guint         n = 0;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}
