/* bench-populate.c — fills a database with agents and activity for the
 * benchmarks, through AfDatabase so the schema is the app's own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "af-database.h"

static const char *const kinds[] = {
  "run-started",
  "fetched",
  "decided",
  "action-done",
  "run-finished",
};

static gboolean
populate (AfDatabase *db,
          guint       n_agents,
          guint       n_activity,
          GError    **error)
{
  sqlite3_stmt *stmt;
  gint64        now = g_get_real_time ();
  gint64        start;

  if (!af_database_begin (db, error))
    return FALSE;
  stmt = af_database_prepare (db,
                              "INSERT INTO agents (id, name, template, definition, state, created_at, updated_at, next_run_at) "
                              "VALUES (?, ?, 'email-assistant', '{}', 'active', ?, ?, ?)",
                              error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_agents; i++)
    {
      g_autofree char *id = g_strdup_printf ("bench-%05u", i);
      g_autofree char *name = g_strdup_printf ("Agent %u", i + 1);

      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_int64 (stmt, 4, now);
      /* none due for an hour */
      sqlite3_bind_int64 (stmt, 5, now + G_USEC_PER_SEC * (gint64)(3600 + i));
      if (!af_database_step_done (db, stmt, error))
        return FALSE;
    }
  if (!af_database_commit (db, error))
    return FALSE;

  start = g_get_monotonic_time ();
  stmt = af_database_prepare (db,
                              "INSERT INTO activity (ts, agent_id, kind, summary, details, outcome) "
                              "VALUES (?, ?, ?, ?, '{}', 'ok')",
                              error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_activity; i++)
    {
      char agent[32], summary[64];

      if (i % 1000 == 0 && !af_database_begin (db, error))
        return FALSE;

      g_snprintf (agent, sizeof agent, "bench-%05u", n_agents ? i % n_agents : 0);
      g_snprintf (summary, sizeof summary, "Labelled message %u as Newsletters", i);
      sqlite3_bind_int64 (stmt, 1, now - (gint64)(n_activity - i) * G_USEC_PER_SEC);
      sqlite3_bind_text (stmt, 2, agent, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, kinds[i % G_N_ELEMENTS (kinds)], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, summary, -1, SQLITE_TRANSIENT);
      if (!af_database_step_done (db, stmt, error))
        return FALSE;

      if ((i % 1000 == 999 || i == n_activity - 1) && !af_database_commit (db, error))
        return FALSE;
    }

  if (n_activity > 0)
    g_print ("raw-insert-per-s %.0f\n",
             n_activity / ((g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC));

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;

  if (argc != 4)
    {
      g_printerr ("usage: %s DB N_AGENTS N_ACTIVITY\n", argv[0]);
      return 2;
    }

  if (!(db = af_database_open (argv[1], &error)) ||
      !populate (db, atoi (argv[2]), atoi (argv[3]), &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  return 0;
}
