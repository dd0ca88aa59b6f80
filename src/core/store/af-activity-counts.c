/* af-activity-counts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-activity"

#include "config.h"

#include "af-activity-log-private.h"

/* The counters of a batch (migration 10): what the trigger adds row by
 * row, summed per key. @agent_id is never NULL ('' for none, as the
 * trigger's coalesce ()); a count's key is (agent_id, kind), an hour's
 * (hour, agent_id), an hour's total (hour). */
typedef struct
{
  const char *agent_id;
  const char *kind;
  gint64      hour;
  gint64      n[3];   /* a count: n[0]; an hour: done, waiting, failed */
  const char *action; /* an action's item: (hour, action, item, agent_id) */
  const char *item;
} Tally;

static guint
count_hash (gconstpointer p)
{
  const Tally *t = p;

  return g_str_hash (t->agent_id) * 31 + g_str_hash (t->kind);
}

static gboolean
count_equal (gconstpointer a,
             gconstpointer b)
{
  const Tally *x = a;
  const Tally *y = b;

  return g_str_equal (x->agent_id, y->agent_id) && g_str_equal (x->kind, y->kind);
}

static guint
hour_hash (gconstpointer p)
{
  const Tally *t = p;

  return g_int64_hash (&t->hour) * 31 + (t->agent_id ? g_str_hash (t->agent_id) : 0);
}

static gboolean
hour_equal (gconstpointer a,
            gconstpointer b)
{
  const Tally *x = a;
  const Tally *y = b;

  return x->hour == y->hour && g_strcmp0 (x->agent_id, y->agent_id) == 0;
}

static guint
item_hash (gconstpointer p)
{
  const Tally *t = p;

  return hour_hash (p) * 31 + g_str_hash (t->action) * 17 + g_str_hash (t->item);
}

static gboolean
item_equal (gconstpointer a,
            gconstpointer b)
{
  const Tally *x = a;
  const Tally *y = b;

  return hour_equal (a, b) && g_str_equal (x->action, y->action) && g_str_equal (x->item, y->item);
}

/* The tally of a key in @table, made at 0 the first time. */
static Tally *
tally (GHashTable *table,
       const char *agent_id,
       const char *kind,
       gint64      hour,
       const char *action,
       const char *item)
{
  Tally  key = { agent_id, kind, hour, { 0 }, action, item };
  Tally *t = g_hash_table_lookup (table, &key);

  if (t == NULL)
    {
      t = g_memdup2 (&key, sizeof key);
      g_hash_table_add (table, t);
    }
  return t;
}

/* Which of the hourly tables' done, waiting, failed @kind adds to (0, 1,
 * 2), or -1: the trigger's "NEW.kind = 'action-done'"… */
static int
hourly_column (const char *kind)
{
  if (g_str_equal (kind, "action-done"))
    return 0;
  if (g_str_equal (kind, "approval-requested"))
    return 1;
  if (g_str_equal (kind, "action-failed"))
    return 2;
  return -1;
}

/* The UPSERTs of af_activity_counts_add(), for the keys of its three tables: ?1 the
 * agent, ?2 the kind, ?3 the hour, ?4, ?5, ?6 what to add. */
static const char *const tally_sql[] = {
  "INSERT INTO activity_counts (agent_id, kind, n) VALUES (?1, ?2, ?4)"
  " ON CONFLICT (agent_id, kind) DO UPDATE SET n = n + excluded.n",
  "INSERT INTO activity_hourly (hour, agent_id, done, waiting, failed) VALUES (?3, ?1, ?4, ?5, ?6)"
  " ON CONFLICT (hour, agent_id) DO UPDATE SET done = done + excluded.done,"
  " waiting = waiting + excluded.waiting, failed = failed + excluded.failed",
  "INSERT INTO activity_hourly_total (hour, done, waiting, failed) VALUES (?3, ?4, ?5, ?6)"
  " ON CONFLICT (hour) DO UPDATE SET done = done + excluded.done,"
  " waiting = waiting + excluded.waiting, failed = failed + excluded.failed",
};

/* The UPSERT of up to CHUNK_ROWS keys of action_items, as insert_sql(). */
static const char *
items_sql (void)
{
  static gsize sql_once = 0;

  /* The WHERE also tells SQLite's parser the ON CONFLICT is the
   * UPSERT's (https://www.sqlite.org/lang_upsert.html, 2.2). */
  if (g_once_init_enter (&sql_once))
    g_once_init_leave (&sql_once,
                       (gsize)af_activity_values_sql ("INSERT INTO action_items (hour, action, item, agent_id, n)", 5,
                                                      " ON CONFLICT (hour, action, item, agent_id)"
                                                      " DO UPDATE SET n = n + excluded.n"));
  return (const char *)sql_once;
}

/* Adds the counts of @items (Tally of an action's item) to action_items,
 * CHUNK_ROWS keys a statement. */
static gboolean
add_items (AfDatabase *db,
           GHashTable *items,
           GError    **error)
{
  GHashTableIter iter;
  Tally         *t;
  sqlite3_stmt  *stmt = NULL;
  guint          r = 0;
  gboolean       more;

  g_hash_table_iter_init (&iter, items);
  do
    {
      more = g_hash_table_iter_next (&iter, (gpointer *)&t, NULL);
      if (more)
        {
          int b = r * 5;

          if (stmt == NULL && (stmt = af_database_prepare (db, items_sql (), error)) == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, b + 1, t->hour);
          sqlite3_bind_text (stmt, b + 2, t->action, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, b + 3, t->item, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, b + 4, t->agent_id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, b + 5, t->n[0]);
          r++;
        }
      if (stmt != NULL && (r == CHUNK_ROWS || !more))
        {
          gboolean ok = af_database_step_done (db, stmt, error);

          sqlite3_clear_bindings (stmt);
          stmt = NULL;
          r = 0;
          if (!ok)
            return FALSE;
        }
    }
  while (more);
  return TRUE;
}

/**
 * af_activity_counts_add:
 * @rows: (element-type HeldRow): rows just written, in order
 * @first_id: the id of the first
 *
 * Adds to activity_counts, activity_hourly, activity_hourly_total and
 * action_items what the trigger would have added for @rows: one UPSERT
 * per key. action_items is counted from the action and item each
 * "action-done" row was appended with (af_activity_log_append_held());
 * when one was not, from the details' JSON, in one statement over the
 * rows, by the trigger's rules.
 */
gboolean
af_activity_counts_add (AfDatabase *db,
                        GPtrArray  *rows,
                        gint64      first_id,
                        GError    **error)
{
  GHashTable   *tables[] = { g_hash_table_new_full (count_hash, count_equal, g_free, NULL),
                             g_hash_table_new_full (hour_hash, hour_equal, g_free, NULL),
                             g_hash_table_new_full (hour_hash, hour_equal, g_free, NULL),
                             g_hash_table_new_full (item_hash, item_equal, g_free, NULL) };
  gboolean      done = FALSE;
  gboolean      told = TRUE; /* every done row came with its action and item */
  gboolean      ok = TRUE;
  sqlite3_stmt *stmt;

  for (guint i = 0; i < rows->len; i++)
    {
      HeldRow    *row = g_ptr_array_index (rows, i);
      const char *agent_id = row->agent_id ? row->agent_id : "";
      int         column = hourly_column (row->kind);

      tally (tables[0], agent_id, row->kind, 0, NULL, NULL)->n[0]++;
      if (column < 0)
        continue;
      /* As SQLite's integer division: both truncate toward zero. */
      tally (tables[1], agent_id, NULL, row->ts / 3600000000, NULL, NULL)->n[column]++;
      tally (tables[2], NULL, NULL, row->ts / 3600000000, NULL, NULL)->n[column]++;
      if (column != 0)
        continue;
      done = TRUE;
      if (row->action != NULL && row->item != NULL)
        tally (tables[3], agent_id, NULL, row->ts / 3600000000, row->action, row->item)->n[0]++;
      else
        told = FALSE;
    }
  if (!told)
    g_hash_table_remove_all (tables[3]);

  ok = add_items (db, tables[3], error);
  g_hash_table_unref (tables[3]);
  for (guint i = 0; i < G_N_ELEMENTS (tally_sql); i++)
    {
      GHashTableIter iter;
      Tally         *t;

      g_hash_table_iter_init (&iter, tables[i]);
      while (ok && g_hash_table_iter_next (&iter, (gpointer *)&t, NULL))
        {
          stmt = af_database_prepare (db, tally_sql[i], error);
          if (stmt == NULL)
            {
              ok = FALSE;
              break;
            }
          sqlite3_bind_text (stmt, 1, t->agent_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, t->kind, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 3, t->hour);
          for (int c = 0; c < 3; c++)
            sqlite3_bind_int64 (stmt, 4 + c, t->n[c]);
          ok = af_database_step_done (db, stmt, error);
        }
      g_hash_table_unref (tables[i]);
    }
  if (!ok || !done || told)
    return ok;

  /* Row by row in id order, as the trigger: the first spelling of an
   * item stays (an item 1 and 1.0 are one key). The batch's rows are
   * read one after the other by id: "+kind" keeps SQLite from going
   * through the kind index instead, with a look-up of each row. */
  stmt = af_database_prepare (db,
                              "INSERT INTO action_items (hour, action, item, agent_id, n)"
                              " SELECT ts / 3600000000, json_extract (details, '$.action'),"
                              " json_extract (details, '$.item'), coalesce (agent_id, ''), 1"
                              " FROM activity WHERE id >= ?1 AND id <= ?2 AND +kind = 'action-done'"
                              " AND CASE WHEN json_valid (details) THEN json_extract (details, '$.action') IS NOT NULL"
                              " AND json_extract (details, '$.item') IS NOT NULL END ORDER BY id"
                              " ON CONFLICT (hour, action, item, agent_id) DO UPDATE SET n = n + 1",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first_id);
  sqlite3_bind_int64 (stmt, 2, first_id + rows->len - 1);
  return af_database_step_done (db, stmt, error);
}
