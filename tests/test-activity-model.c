/* test-activity-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "af-activity-log.h"
#include "af-activity-model.h"

typedef struct
{
  char          *dir;
  AfDatabase    *db;
  AfActivityLog *log;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("af-activity-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "agentflow.db", NULL);
  f->db = af_database_open (path, &error);
  g_assert_no_error (error);
  f->log = af_activity_log_new (f->db);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "agentflow.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_clear_object (&f->log);
  g_clear_object (&f->db);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Bulk rows straight through SQL, 1,000 per transaction. Agents a0..a9
 * round-robin; every 4th row is an "error". */
static void
insert_rows (Fixture *f,
             guint    n)
{
  sqlite3      *db = af_database_get_handle (f->db);
  sqlite3_stmt *stmt = NULL;
  gint64        now = g_get_real_time ();

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO activity (ts, agent_id, run_id, kind, summary, details, outcome)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, NULL, 'ok')",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < n; i += 1000)
    {
      g_autoptr (GError) error = NULL;

      af_database_begin (f->db, &error);
      g_assert_no_error (error);
      for (guint j = i; j < MIN (n, i + 1000); j++)
        {
          char agent[8], summary[32];

          g_snprintf (agent, sizeof agent, "a%u", j % 10);
          g_snprintf (summary, sizeof summary, "row %u", j);
          sqlite3_bind_int64 (stmt, 1, now);
          sqlite3_bind_text (stmt, 2, agent, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 3, j / 10 + 1);
          sqlite3_bind_text (stmt, 4, j % 4 == 0 ? "error" : "action-done", -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 5, summary, -1, SQLITE_TRANSIENT);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
          sqlite3_reset (stmt);
        }
      af_database_commit (f->db, &error);
      g_assert_no_error (error);
    }
  sqlite3_finalize (stmt);
}

static gint64
item_id (GListModel *model,
         guint       position)
{
  g_autoptr (AfActivityEntry) entry = g_list_model_get_item (model, position);

  g_assert_nonnull (entry);
  return af_activity_entry_get_id (entry);
}

static void
test_paging (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (AfActivityModel) all = NULL;
  g_autoptr (AfActivityModel) agent = NULL;
  g_autoptr (AfActivityModel) errors = NULL;
  guint n = 1000;

  insert_rows (f, n);

  all = af_activity_model_new (f->log, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, n);
  /* Newest first, every position right, in any access order. */
  g_assert_cmpint (item_id (G_LIST_MODEL (all), n - 1), ==, 1);
  g_assert_cmpint (item_id (G_LIST_MODEL (all), 0), ==, n);
  g_assert_cmpint (item_id (G_LIST_MODEL (all), 500), ==, n - 500);
  for (guint i = 0; i < n; i += 37)
    g_assert_cmpint (item_id (G_LIST_MODEL (all), i), ==, n - i);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (all), n));

  /* Agent a3 owns rows 4, 14, 24… (ids are row + 1). */
  agent = af_activity_model_new (f->log, "a3", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (agent)), ==, n / 10);
  g_assert_cmpint (item_id (G_LIST_MODEL (agent), 0), ==, 994);
  g_assert_cmpint (item_id (G_LIST_MODEL (agent), 99), ==, 4);
  g_assert_cmpint (item_id (G_LIST_MODEL (agent), 50), ==, 994 - 500);

  errors = af_activity_model_new (f->log, NULL, "error");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (errors)), ==, n / 4);
  g_assert_cmpint (item_id (G_LIST_MODEL (errors), 0), ==, 997);
  g_assert_cmpint (item_id (G_LIST_MODEL (errors), n / 4 - 1), ==, 1);
}

typedef struct
{
  guint position, removed, added, calls;
} Changed;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Changed    *changed)
{
  changed->position = position;
  changed->removed = removed;
  changed->added = added;
  changed->calls++;
}

static gboolean
on_timeout_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_live_append (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (AfActivityModel) all = NULL;
  g_autoptr (AfActivityModel) other = NULL;
  g_autoptr (AfActivityEntry) top = NULL;
  g_autoptr (GError) error = NULL;
  Changed  changed = { 0 };
  Changed  other_changed = { 0 };
  gboolean timed_out = FALSE;
  guint    timeout_id;
  gint64   id;

  insert_rows (f, 100);
  all = af_activity_model_new (f->log, "a1", NULL);
  other = af_activity_model_new (f->log, "a2", NULL);
  g_assert_cmpint (item_id (G_LIST_MODEL (all), 0), ==, 92);
  g_signal_connect (all, "items-changed", G_CALLBACK (on_items_changed_cb), &changed);
  g_signal_connect (other, "items-changed", G_CALLBACK (on_items_changed_cb), &other_changed);

  id = af_activity_log_append (f->log, "a1", 0, "run-started", "Run started", "{}", NULL, &error);
  g_assert_no_error (error);
  af_activity_log_append (f->log, "a1", 0, "fetched", "Fetched 2 messages", "{\"count\":2}", NULL, &error);
  g_assert_no_error (error);

  /* Within a second, one precise signal for both rows. */
  timeout_id = g_timeout_add (1000, on_timeout_cb, &timed_out);
  while (changed.calls == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);

  g_assert_cmpuint (changed.calls, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 2);
  g_assert_cmpuint (other_changed.calls, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 12);
  top = g_list_model_get_item (G_LIST_MODEL (all), 1);
  g_assert_cmpint (af_activity_entry_get_id (top), ==, id);
  g_assert_cmpstr (af_activity_entry_get_summary (top), ==, "Run started");
  g_assert_cmpint (item_id (G_LIST_MODEL (all), 2), ==, 92);
  g_assert_cmpint (item_id (G_LIST_MODEL (all), 11), ==, 2);
}

static void
test_retention (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (AfActivityModel) all = NULL;
  g_autoptr (GError) error = NULL;
  Changed changed = { 0 };

  insert_rows (f, 50);
  all = af_activity_model_new (f->log, NULL, NULL);
  g_signal_connect (all, "items-changed", G_CALLBACK (on_items_changed_cb), &changed);
  g_assert_cmpuint (af_activity_log_get_retention_days (f->log), ==, 90);
  g_assert_cmpuint (af_activity_log_prune (f->log, g_get_real_time (), &error), ==, 0);
  g_assert_cmpuint (af_activity_log_prune (f->log, g_get_real_time () + 91 * G_TIME_SPAN_DAY, &error), ==, 50);
  g_assert_no_error (error);
  g_assert_cmpuint (changed.removed, ==, 50);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 0);
  g_assert_cmpuint (af_activity_log_count (f->log, NULL, NULL), ==, 0);
}

static gint64
time_open (AfActivityLog *log,
           const char    *agent,
           guint         *n_items)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr (AfActivityModel) model = af_activity_model_new (log, agent, NULL);

  /* Open + the first screenful, as a list view would ask. */
  *n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
  for (guint i = 0; i < MIN (*n_items, 50); i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));

  return g_get_monotonic_time () - start;
}

static void
test_million (Fixture      *f,
              gconstpointer data)
{
  g_autoptr (AfActivityModel) model = NULL;
  gint64 t_empty = G_MAXINT64, t_big = G_MAXINT64, t_agent = G_MAXINT64, t_last, t_insert;
  guint  n = 0;
  guint  total = 1000000;

  if (g_getenv ("AF_TEST_ACTIVITY_ROWS") != NULL)
    total = atoi (g_getenv ("AF_TEST_ACTIVITY_ROWS"));

  for (guint i = 0; i < 3; i++)
    t_empty = MIN (t_empty, time_open (f->log, NULL, &n));
  g_assert_cmpuint (n, ==, 0);

  t_insert = g_get_monotonic_time ();
  insert_rows (f, total);
  t_insert = g_get_monotonic_time () - t_insert;

  for (guint i = 0; i < 3; i++)
    t_big = MIN (t_big, time_open (f->log, NULL, &n));
  g_assert_cmpuint (n, ==, total);
  for (guint i = 0; i < 3; i++)
    t_agent = MIN (t_agent, time_open (f->log, "a7", &n));
  g_assert_cmpuint (n, ==, total / 10);

  model = af_activity_model_new (f->log, NULL, NULL);
  t_last = g_get_monotonic_time ();
  for (guint i = total - 50; i < total; i++)
    g_assert_cmpint (item_id (G_LIST_MODEL (model), i), ==, total - i);
  t_last = g_get_monotonic_time () - t_last;

  g_test_message ("%u rows inserted in %.1f s; open+first page: empty %" G_GINT64_FORMAT " µs, "
                  "full %" G_GINT64_FORMAT " µs, one agent %" G_GINT64_FORMAT " µs; last page %" G_GINT64_FORMAT " µs",
                  total, t_insert / 1e6, t_empty, t_big, t_agent, t_last);
  g_print ("# activity model: %u rows; open+first page empty %" G_GINT64_FORMAT " us, full %" G_GINT64_FORMAT
           " us, one agent %" G_GINT64_FORMAT " us, last page %" G_GINT64_FORMAT " us\n",
           total, t_empty, t_big, t_agent, t_last);

  /* "As fast as empty": a constant-factor bound with a small floor for
   * timer noise, never proportional to the row count. */
  g_assert_cmpint (t_big, <, 10 * t_empty + 3000);
  g_assert_cmpint (t_agent, <, 10 * t_empty + 3000);
  g_assert_cmpint (t_last, <, 10 * t_empty + 3000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/activity-model/paging", Fixture, NULL, fixture_setup, test_paging, fixture_teardown);
  g_test_add ("/activity-model/live-append", Fixture, NULL, fixture_setup, test_live_append, fixture_teardown);
  g_test_add ("/activity-model/retention", Fixture, NULL, fixture_setup, test_retention, fixture_teardown);
  g_test_add ("/activity-model/million", Fixture, NULL, fixture_setup, test_million, fixture_teardown);

  return g_test_run ();
}
