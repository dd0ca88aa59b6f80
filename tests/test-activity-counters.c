/* test-activity-counters.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The activity counters (activity_counts, activity_hourly,
 * activity_hourly_total, action_items) on real SQLite files: rows the
 * activity log writes in batches, which it counts itself, leave exactly
 * the counts the insert trigger leaves for the same rows inserted one by
 * one with SQL, for every agent (none included), kind, hour and kind of
 * details; rows inserted any other way are still counted by the trigger;
 * a batch that fails leaves nothing behind; a database of schema 9
 * upgrades.
 */

#include "config.h"

#include <time.h>

#include "af-activity-log.h"
#include "af-database-migrations.h"
#include "af-error.h"
#include "af-test-store.h"

/* Every row is stamped with g_get_real_time (): this definition, in the
 * test program, takes the place of GLib's for the store linked into it,
 * so a test can move the clock and spread one batch over many hours. */
static gint64 clock_offset;

gint64
g_get_real_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000 + clock_offset;
}

typedef struct
{
  AfTestStore    store; /* written through AfActivityLog */
  AfTestStore    raw;   /* the same rows, inserted with SQL */
  AfDatabase    *db;    /* the one @log writes to */
  AfActivityLog *log;
  guint          next; /* the next row to make */
  gboolean       told; /* rows come with the action and item they name */
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  af_test_store_setup (&f->store, data);
  af_test_store_setup (&f->raw, data);
  f->db = f->store.db;
  f->log = af_activity_log_new (f->db);
  clock_offset = 0;
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->log);
  af_test_store_teardown (&f->raw, data);
  af_test_store_teardown (&f->store, data);
  clock_offset = 0;
}

static const char *const agents[] = { "agent-a", "agent-b", NULL, "agent-c", "" };

static const char *const kinds[] = {
  "action-done",
  "decided",
  "approval-requested",
  "action-done",
  "action-failed",
  "run-started",
  "action-done",
  "run-finished",
  "error",
  "Action-Done",
  "approval-denied",
};

/* Details of every shape the trigger tells apart: both names, one
 * missing, not JSON, no details, items that repeat, items that are
 * numbers, objects, escaped text. */
static char *
make_details (guint i)
{
  switch ((i / 3) % 15)
    {
    case 0:
    case 1:
      return g_strdup_printf ("{\"action\":\"label\",\"item\":\"m%u\",\"say\":\"done\"}", i % 53);
    case 2:
      return g_strdup_printf ("{\"say\":\"done\",\"item\":\"m%u\",\"action\":\"archive\"}", i % 7);
    case 3:
      return g_strdup ("not json");
    case 4:
      return NULL;
    case 5:
      return g_strdup ("{\"action\":\"label\"}");
    case 6:
      return g_strdup ("{\"item\":\"m1\"}");
    case 7:
      return g_strdup ("{\"action\":\"label\",\"item\":7}");
    case 8:
      return g_strdup ("{\"action\":\"label\",\"item\":\"7\"}");
    case 9:
      return g_strdup ("{\"action\":\"label\",\"item\":7.0}");
    case 10:
      return g_strdup ("{\"action\":null,\"item\":\"m1\"}");
    case 11:
      return g_strdup ("{\"action\":\"send\",\"item\":{\"id\":\"m1\",\"n\":[1,2]}}");
    case 12:
      return g_strdup ("[1,2]");
    case 13:
      return g_strdup ("{\"action\":\"l\\u0061bel\",\"item\":\"m\\\"q\"}");
    default:
      return g_strdup ("");
    }
}

/* Details that name an action and an item as strings, and those two
 * strings, as the engine appends a batch's rows: items repeat within an
 * hour, and across the rows the trigger counted before. */
static char *
make_told_details (guint        i,
                   const char **action,
                   const char **item)
{
  static const char *const items[] = { "m0", "m1", "m2" };

  /* The same for eight rows in a row: an hour's rows of an agent share
   * their action and item. */
  i /= 8;
  switch (i % 4)
    {
    case 0:
      *action = "label";
      *item = items[i % 3];
      return g_strdup_printf ("{\"action\":\"label\",\"item\":\"%s\",\"say\":\"done\"}", *item);
    case 1:
      *action = "archive";
      *item = items[i % 3];
      return g_strdup_printf ("{\"say\":\"done\",\"item\":\"%s\",\"action\":\"archive\"}", *item);
    case 2:
      *action = "label";
      *item = "7";
      return g_strdup ("{\"action\":\"label\",\"item\":\"7\"}");
    default:
      *action = "label";
      *item = "m\"q";
      return g_strdup ("{\"action\":\"l\\u0061bel\",\"item\":\"m\\\"q\"}");
    }
}

/* Makes the next row; the clock moves 7 minutes a row, so a thousand
 * rows span days. */
static void
next_row (Fixture     *f,
          const char **agent_id,
          const char **kind,
          char       **summary,
          char       **details)
{
  guint i = f->next++;

  clock_offset = (gint64)i * 7 * G_TIME_SPAN_MINUTE;
  *agent_id = agents[i % G_N_ELEMENTS (agents)];
  *kind = kinds[(i / 2) % G_N_ELEMENTS (kinds)];
  *summary = g_strdup_printf ("row %u", i);
  *details = make_details (i);
}

static void
append (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *details = NULL;
  const char      *agent_id;
  const char      *kind;

  next_row (f, &agent_id, &kind, &summary, &details);
  g_assert_cmpint (af_activity_log_append (f->log, agent_id, 1, kind, summary, details, "ok", &error), >, 0);
  g_assert_no_error (error);
}

static void
append_held (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *details = NULL;
  const char      *agent_id;
  const char      *kind;
  const char      *action = NULL;
  const char      *item = NULL;

  next_row (f, &agent_id, &kind, &summary, &details);
  if (f->told)
    {
      /* Mostly done actions, so that keys repeat within a batch. */
      if (f->next % 4 != 0)
        kind = "action-done";
      g_free (details);
      details = make_told_details (f->next, &action, &item);
    }
  g_assert_true (af_activity_log_append_held (f->log, agent_id, 2, kind, summary, details, "ok", action, item,
                                              &error));
  g_assert_no_error (error);
}

/* One transaction as a run writes it: @n rows held, then written. */
static void
run_batch (Fixture *f,
           guint    n)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (af_database_begin (f->db, &error));
  af_activity_log_hold (f->log);
  for (guint i = 0; i < n; i++)
    append_held (f);
  g_assert_true (af_activity_log_release (f->log, &error));
  g_assert_no_error (error);
  g_assert_true (af_database_commit (f->db, &error));
  g_assert_no_error (error);
}

static void
exec_sql (AfDatabase *db,
          const char *sql)
{
  char *message = NULL;

  g_assert_cmpint (sqlite3_exec (af_database_get_handle (db), sql, NULL, NULL, &message), ==, SQLITE_OK);
  g_assert_null (message);
}

/* Copies the rows of @from, one INSERT a row, into @to: the trigger
 * counts them there. */
static void
copy_rows (AfDatabase *from,
           AfDatabase *to)
{
  sqlite3_stmt *read = af_database_prepare (from,
                                            "SELECT id, ts, agent_id, run_id, kind, summary, details, outcome"
                                            " FROM activity ORDER BY id",
                                            NULL);
  sqlite3_stmt *write = af_database_prepare (to,
                                             "INSERT INTO activity (id, ts, agent_id, run_id, kind, summary, details, outcome)"
                                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                             NULL);

  g_assert_nonnull (read);
  g_assert_nonnull (write);
  exec_sql (to, "BEGIN");
  while (sqlite3_step (read) == SQLITE_ROW)
    {
      for (int c = 0; c < 8; c++)
        sqlite3_bind_value (write, c + 1, sqlite3_column_value (read, c));
      g_assert_cmpint (sqlite3_step (write), ==, SQLITE_DONE);
      sqlite3_reset (write);
    }
  sqlite3_reset (read);
  exec_sql (to, "COMMIT");
}

/* The rows of @sql, each as "type:value|type:value…". */
static GPtrArray *
dump (AfDatabase *db,
      const char *sql)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = af_database_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      GString *row = g_string_new (NULL);

      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        g_string_append_printf (row, "%s%d:%s", c ? "|" : "", sqlite3_column_type (stmt, c),
                                (const char *)sqlite3_column_text (stmt, c));
      g_ptr_array_add (rows, g_string_free (row, FALSE));
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&rows);
}

static void
assert_same_rows (AfDatabase *db,
                  AfDatabase *expected_db,
                  const char *sql,
                  const char *expected_sql)
{
  g_autoptr (GPtrArray) got = dump (db, sql);
  g_autoptr (GPtrArray) expected = dump (expected_db, expected_sql ? expected_sql : sql);

  for (guint i = 0; i < MIN (got->len, expected->len); i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (expected, i));
  g_assert_cmpuint (got->len, ==, expected->len);
}

#define COUNTS_SQL "SELECT agent_id, kind, n FROM activity_counts ORDER BY agent_id, kind"
#define HOURLY_SQL "SELECT hour, agent_id, done, waiting, failed FROM activity_hourly ORDER BY hour, agent_id"
#define TOTAL_SQL  "SELECT hour, done, waiting, failed FROM activity_hourly_total ORDER BY hour"
#define ITEMS_SQL  "SELECT hour, action, item, agent_id, n FROM action_items ORDER BY hour, action, item, agent_id"

/* The four tables of @db hold what the trigger makes of its rows in
 * @raw, and what a count from scratch makes of them. */
static void
assert_counted (AfDatabase *db,
                AfDatabase *raw)
{
  g_assert_cmpint (af_test_store_query_int (&(AfTestStore){ .db = db }, "SELECT count (*) FROM activity"), >, 0);
  copy_rows (db, raw);
  assert_same_rows (db, raw, COUNTS_SQL, NULL);
  assert_same_rows (db, raw, HOURLY_SQL, NULL);
  assert_same_rows (db, raw, TOTAL_SQL, NULL);
  assert_same_rows (db, raw, ITEMS_SQL, NULL);

  /* The same as migrations 2 and 6 count existing rows. */
  assert_same_rows (db, db, COUNTS_SQL,
                    "SELECT coalesce (agent_id, '') AS a, kind, count (*) FROM activity GROUP BY 1, 2 ORDER BY 1, 2");
  assert_same_rows (db, db, HOURLY_SQL,
                    "SELECT ts / 3600000000, coalesce (agent_id, ''), sum (kind = 'action-done'),"
                    " sum (kind = 'approval-requested'), sum (kind = 'action-failed') FROM activity"
                    " WHERE kind IN ('action-done', 'approval-requested', 'action-failed') GROUP BY 1, 2 ORDER BY 1, 2");
  assert_same_rows (db, db, TOTAL_SQL,
                    "SELECT ts / 3600000000, sum (kind = 'action-done'), sum (kind = 'approval-requested'),"
                    " sum (kind = 'action-failed') FROM activity"
                    " WHERE kind IN ('action-done', 'approval-requested', 'action-failed') GROUP BY 1 ORDER BY 1");
}

static gint64
batch_flags (AfDatabase *db)
{
  return af_test_store_query_int (&(AfTestStore){ .db = db }, "SELECT count (*) FROM activity_batch");
}

/* Thousands of rows through every path the log writes by, against the
 * same rows inserted one by one with SQL. */
static void
test_same_as_trigger (Fixture      *f,
                      gconstpointer data)
{
  static const guint sizes[] = { 1, 2, 7, 8, 9, 31, 32, 33, 43, 63, 64, 65, 100, 128, 129, 257, 1000 };
  g_autoptr (GError) error = NULL;
  gint64 before;

  /* Rows already counted, in the hours the batches count into. */
  for (guint i = 0; i < 200; i++)
    append (f);
  g_assert_true (af_database_flush (f->store.db, &error));

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    run_batch (f, sizes[s]);

  /* Single appends between batches, in groups of their own. */
  for (guint i = 0; i < 150; i++)
    append (f);

  /* Held rows written by a read in the middle, the rest by the commit. */
  g_assert_true (af_database_begin (f->store.db, &error));
  af_activity_log_hold (f->log);
  for (guint i = 0; i < 60; i++)
    append_held (f);
  before = af_activity_log_count (f->log, NULL, NULL);
  g_assert_cmpint (batch_flags (f->store.db), ==, 0);
  for (guint i = 0; i < 45; i++)
    append_held (f);
  g_assert_true (af_database_commit (f->store.db, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (af_activity_log_count (f->log, NULL, NULL), ==, before + 45);

  /* Rolled back after the rows were written, and before. */
  g_assert_true (af_database_begin (f->store.db, &error));
  af_activity_log_hold (f->log);
  for (guint i = 0; i < 120; i++)
    append_held (f);
  g_assert_true (af_activity_log_release (f->log, &error));
  af_database_rollback (f->store.db);
  g_assert_true (af_database_begin (f->store.db, &error));
  af_activity_log_hold (f->log);
  for (guint i = 0; i < 10; i++)
    append_held (f);
  af_database_rollback (f->store.db);
  g_assert_cmpuint (af_activity_log_count (f->log, NULL, NULL), ==, before + 45);

  /* Held outside a transaction: written at once. */
  af_activity_log_hold (f->log);
  for (guint i = 0; i < 5; i++)
    append_held (f);
  run_batch (f, 300);
  g_assert_true (af_database_flush (f->store.db, &error));
  g_assert_no_error (error);

  g_assert_cmpint (batch_flags (f->store.db), ==, 0);
  assert_counted (f->store.db, f->raw.db);
}

/* Rows appended with the action and item their details name are counted
 * by those, as the trigger counts them from the details; a batch with
 * one row that came without them is counted from the details. */
static void
test_told_action_and_item (Fixture      *f,
                           gconstpointer data)
{
  static const guint sizes[] = { 1, 2, 9, 33, 64, 65, 100, 257, 1000 };
  static const char *details = "{\"action\":\"label\",\"item\":\"m0\"}";
  g_autoptr (GError) error = NULL;

  /* A key the trigger counted, then five more of it in one batch. */
  clock_offset = -G_TIME_SPAN_DAY;
  g_assert_cmpint (af_activity_log_append (f->log, "agent-a", 1, "action-done", "one", details, "ok", &error), >, 0);
  g_assert_true (af_database_begin (f->db, &error));
  af_activity_log_hold (f->log);
  for (guint i = 0; i < 5; i++)
    g_assert_true (af_activity_log_append_held (f->log, "agent-a", 2, "action-done", "more", details, "ok",
                                                "label", "m0", &error));
  g_assert_true (af_activity_log_release (f->log, &error));
  g_assert_true (af_database_commit (f->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (af_test_store_query_int (&f->store, "SELECT n FROM action_items WHERE item = 'm0'"), ==, 6);

  for (guint i = 0; i < 100; i++)
    append (f);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      f->told = TRUE;
      run_batch (f, sizes[s]);
      /* Rows counted by the trigger in the hour the batch ended in. */
      f->told = FALSE;
      append (f);
      append (f);
    }

  /* One row without them among rows with them. */
  g_assert_true (af_database_begin (f->db, &error));
  af_activity_log_hold (f->log);
  f->told = TRUE;
  for (guint i = 0; i < 40; i++)
    append_held (f);
  /* Twelve rows: "action-done" comes at least once in any twelve. */
  f->told = FALSE;
  for (guint i = 0; i < 12; i++)
    append_held (f);
  f->told = TRUE;
  for (guint i = 0; i < 40; i++)
    append_held (f);
  g_assert_true (af_activity_log_release (f->log, &error));
  g_assert_true (af_database_commit (f->db, &error));
  g_assert_no_error (error);

  g_assert_cmpint (batch_flags (f->store.db), ==, 0);
  g_assert_cmpint (af_test_store_query_int (&f->store, "SELECT count (*) FROM action_items WHERE item = 'm\"q'"), >, 0);
  assert_counted (f->store.db, f->raw.db);
}

/* Rows inserted by another connection (another process, the sqlite3
 * shell) are counted by the trigger, also after batches of the log. */
static void
test_others_counted (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) other = af_database_open (f->store.path, &error);
  g_autoptr (GPtrArray) rows = NULL;

  g_assert_no_error (error);
  run_batch (f, 40);
  exec_sql (other, "INSERT INTO activity (ts, agent_id, kind, summary, details)"
                   " VALUES (7200000000, 'shell', 'action-done', 'by hand', '{\"action\":\"label\",\"item\":\"x\"}'),"
                   " (7200000001, NULL, 'approval-requested', 'by hand', NULL)");
  g_assert_cmpuint (af_activity_log_count (f->log, "shell", "action-done"), ==, 1);
  g_assert_cmpint (af_test_store_query_int (&f->store, "SELECT done FROM activity_hourly WHERE hour = 2 AND agent_id = 'shell'"),
                   ==, 1);
  g_assert_cmpint (af_test_store_query_int (&f->store, "SELECT waiting FROM activity_hourly_total WHERE hour = 2"), ==, 1);
  g_assert_cmpint (af_test_store_query_int (&f->store, "SELECT n FROM action_items WHERE hour = 2 AND item = 'x'"), ==, 1);

  /* While a batch is held in a transaction, another connection sees no
   * switch: its rows count. */
  g_assert_true (af_database_begin (f->store.db, &error));
  af_activity_log_hold (f->log);
  append_held (f);
  g_assert_cmpint (batch_flags (other), ==, 0);
  g_assert_true (af_database_commit (f->store.db, &error));
  g_assert_cmpint (batch_flags (other), ==, 0);
  run_batch (f, 10);

  assert_counted (f->store.db, f->raw.db);
}

/* A batch that cannot be written leaves neither rows nor counts, and
 * the trigger on: the transaction goes on, and what follows counts. */
static void
test_failed_batch (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 rows;

  run_batch (f, 20);
  rows = af_test_store_query_int (&f->store, "SELECT count (*) FROM activity");
  /* The last row of the next batch cannot be written: the statements
   * before it were. */
  exec_sql (f->store.db, "CREATE TEMP TRIGGER refuse AFTER INSERT ON main.activity WHEN NEW.summary = 'row 319' BEGIN"
                         " SELECT RAISE (ABORT, 'refused'); END;");
  g_assert_true (af_database_begin (f->store.db, &error));
  af_activity_log_hold (f->log);
  for (guint i = 0; i < 300; i++)
    append_held (f);
  g_assert_false (af_activity_log_release (f->log, &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_DATABASE);
  g_clear_error (&error);
  g_assert_true (af_database_in_transaction (f->store.db));
  g_assert_cmpint (batch_flags (f->store.db), ==, 0);
  g_assert_cmpint (af_test_store_query_int (&f->store, "SELECT count (*) FROM activity"), ==, rows);
  g_assert_true (af_database_commit (f->store.db, &error));
  g_assert_no_error (error);
  exec_sql (f->store.db, "DROP TRIGGER temp.refuse");

  for (guint i = 0; i < 10; i++)
    append (f);
  run_batch (f, 30);
  g_assert_true (af_database_flush (f->store.db, &error));
  assert_counted (f->store.db, f->raw.db);
}

/* A database of schema 9, its rows counted by the trigger of then,
 * upgrades; what is written afterwards, by batches or otherwise, adds
 * to those counts. */
static void
test_upgrade_from_9 (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->store.dir, "schema-9.db", NULL);
  g_autoptr (AfDatabase) db = NULL;
  sqlite3 *raw = NULL;
  char    *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  for (guint i = 0; i < 9; i++)
    {
      g_assert_cmpint (sqlite3_exec (raw, af_database_migrations[i], NULL, NULL, &message), ==, SQLITE_OK);
      g_assert_null (message);
    }
  g_assert_cmpint (sqlite3_exec (raw,
                                 "INSERT INTO activity (ts, agent_id, kind, summary, details) VALUES"
                                 " (3600000000, 'a', 'action-done', 'old', '{\"action\":\"label\",\"item\":\"m1\"}'),"
                                 " (3600000001, NULL, 'action-failed', 'old', NULL),"
                                 " (7200000000, 'a', 'decided', 'old', NULL);"
                                 "PRAGMA user_version = 9;",
                                 NULL, NULL, &message),
                   ==, SQLITE_OK);
  g_assert_null (message);
  sqlite3_close (raw);

  db = af_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (af_database_get_schema_version (db), ==, af_database_get_latest_version ());
  g_assert_cmpint (af_database_get_latest_version (), ==, 10);
  g_assert_cmpint (batch_flags (db), ==, 0);
  g_assert_cmpint (af_test_store_query_int (&(AfTestStore){ .db = db }, "SELECT n FROM action_items WHERE item = 'm1'"), ==, 1);

  /* The log's own paths on the upgraded file. */
  g_clear_object (&f->log);
  f->db = db;
  f->log = af_activity_log_new (db);
  run_batch (f, 150);
  for (guint i = 0; i < 20; i++)
    append (f);
  g_assert_true (af_database_flush (db, &error));
  assert_counted (db, f->raw.db);

  g_clear_object (&f->log);
  g_clear_object (&db);
  for (guint i = 0; i < 3; i++)
    {
      static const char *const suffixes[] = { "", "-wal", "-shm" };
      g_autofree char         *p = g_strconcat (path, suffixes[i], NULL);

      g_unlink (p);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/activity-counters/same-as-trigger", Fixture, NULL, fixture_setup, test_same_as_trigger,
              fixture_teardown);
  g_test_add ("/activity-counters/told-action-and-item", Fixture, NULL, fixture_setup, test_told_action_and_item,
              fixture_teardown);
  g_test_add ("/activity-counters/others-counted", Fixture, NULL, fixture_setup, test_others_counted,
              fixture_teardown);
  g_test_add ("/activity-counters/failed-batch", Fixture, NULL, fixture_setup, test_failed_batch, fixture_teardown);
  g_test_add ("/activity-counters/upgrade-from-9", Fixture, NULL, fixture_setup, test_upgrade_from_9,
              fixture_teardown);

  return g_test_run ();
}
