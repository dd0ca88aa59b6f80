/* test-activity-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Activity kept as data: an action's row carries the action, its
 * arguments and its outcome, and the line the feed shows is told from
 * them when shown (af_action_describe()), not read back from the words
 * stored at the time; rows of earlier versions are converted where their
 * outbox entry tells what they were, and keep their words otherwise.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "af-action-text.h"
#include "af-activity-text.h"
#include "af-database-migrations.h"
#include "af-engine.h"
#include "af-engine-private.h"
#include "af-sample-executor.h"
#include "af-test-engine.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("af-activity-text-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "agentflow.db", NULL);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);

      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static JsonObject *
parse (const char *text)
{
  g_autoptr (JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* What af_action_describe() says of the outbox entry with @key. */
static char *
describe_outbox_entry (AfDatabase *db,
                       const char *key,
                       gboolean    done)
{
  sqlite3_stmt    *stmt = af_database_prepare (db, "SELECT action, params FROM outbox WHERE idempotency_key = ?1", NULL);
  g_autofree char *action = NULL;
  g_autofree char *params = NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  action = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  params = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  sqlite3_reset (stmt);
  return af_action_describe_stored (action, params, done);
}

static void
test_told_from_data (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *journal = g_build_filename (f->dir, "journal", NULL);
  g_autoptr (AfDatabase) db = af_database_open (f->path, &error);
  g_autoptr (AfSampleExecutor) executor = af_sample_executor_new (journal);
  g_autoptr (AfEngine) engine = NULL;
  g_autoptr (JsonArray) conn = af_test_connections ("gmail", "me@example.com", "gmail.read gmail.modify gmail.compose");
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, conn);
  g_autoptr (JsonObject) result = NULL;
  sqlite3_stmt *stmt;
  guint         n_told = 0;

  g_assert_no_error (error);
  engine = af_engine_new (db, AF_EXECUTOR (executor));
  af_engine_set_network_monitor (engine, NULL);
  g_assert_true (af_engine_add_agent (engine, agent, &error));
  result = af_test_run_agent (engine, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (result, "done"), >, 0);

  /* Whatever words the rows were stored with… */
  g_assert_true (af_database_exec (db, "UPDATE activity SET summary = 'words of another language'", &error));

  /* …each action says what it did from its data: the same line as the
   * outbox entry it carried out gives. */
  stmt = af_database_prepare (db, "SELECT kind, summary, details FROM activity WHERE kind = 'action-done'", &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *kind = (const char *)sqlite3_column_text (stmt, 0);
      g_autoptr (JsonObject) details = parse ((const char *)sqlite3_column_text (stmt, 2));
      g_autofree char *told = af_activity_text_describe (kind, details);
      g_autofree char *expected = describe_outbox_entry (db, json_object_get_string_member (details, "key"), TRUE);

      g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 1), ==, "words of another language");
      g_assert_cmpstr (json_object_get_string_member (details, "say"), ==, AF_ACTIVITY_SAY_DONE);
      g_assert_nonnull (told);
      g_assert_cmpstr (told, ==, expected);
      n_told++;
    }
  sqlite3_reset (stmt);
  g_assert_cmpuint (n_told, ==, json_object_get_int_member (result, "done"));
}

static void
test_ways_of_saying (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (JsonObject) params = parse ("{\"to\": \"sam@example.com\", \"body\": \"" /* a long body is cut */
                                         "0123456789012345678901234567890123456789012345678901234567890123456789"
                                         "0123456789012345678901234567890123456789012345678901234567890123456789"
                                         "0123456789012345678901234567890123456789012345678901234567890123456789\"}");
  g_autoptr (JsonObject) item = parse ("{\"id\": \"m7\", \"subject\": \"Dinner?\", \"from\": \"Sam <sam@example.com>\"}");
  g_autofree char *what = af_action_describe ("send", params, item, FALSE);
  g_autofree char *did = af_action_describe ("send", params, item, TRUE);
  g_autofree char *waiting = g_strdup_printf ("Waiting for approval: %s", what);
  g_autofree char *approved = g_strdup_printf ("Approved and done: %s", did);
  g_autofree char *skipped = g_strdup_printf ("%s — skipped: this agent never does it", what);
  const struct
  {
    const char *say;
    const char *kind;
    const char *expected;
  } cases[] = {
    { AF_ACTIVITY_SAY_DONE, "action-done", did },
    { AF_ACTIVITY_SAY_WAITING, "approval-requested", waiting },
    { AF_ACTIVITY_SAY_APPROVED, "action-done", approved },
    { AF_ACTIVITY_SAY_SKIPPED, "action-skipped", skipped },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonObject) details = json_object_new ();
      g_autofree char *told = NULL;
      JsonObject      *args;

      af_activity_text_add_action (details, cases[i].say, "send", params, item, FALSE);
      args = json_object_get_object_member (details, "args");
      g_assert_cmpstr (json_object_get_string_member (args, "to"), ==, "sam@example.com");
      g_assert_cmpuint (g_utf8_strlen (json_object_get_string_member (args, "body"), -1), ==, 200);
      g_assert_cmpstr (json_object_get_string_member (details, "item"), ==, "m7");
      g_assert_cmpstr (json_object_get_string_member (details, "subject"), ==, "Dinner?");

      told = af_activity_text_describe (cases[i].kind, details);
      g_assert_cmpstr (told, ==, cases[i].expected);
    }

  {
    g_autoptr (JsonObject) details = parse ("{\"error\": \"The server said no\", \"permission\": \"gmail.send\"}");
    g_autofree char *told = NULL;
    g_autofree char *expected = g_strdup_printf ("%s — failed: The server said no", what);

    af_activity_text_add_action (details, AF_ACTIVITY_SAY_FAILED, "send", params, item, FALSE);
    told = af_activity_text_describe ("action-failed", details);
    g_assert_cmpstr (told, ==, expected);
    /* A failure of an approved action is told as done, as it was logged. */
    json_object_set_boolean_member (details, "past", TRUE);
    g_free (told);
    g_free (expected);
    told = af_activity_text_describe ("action-failed", details);
    expected = g_strdup_printf ("%s — failed: The server said no", did);
    g_assert_cmpstr (told, ==, expected);
  }

  /* A row without its data, or said in a way this version does not
   * know: no line, the stored one is shown. */
  {
    g_autoptr (JsonObject) old = parse ("{\"action\": \"send\", \"key\": \"k\"}");
    g_autoptr (JsonObject) newer = parse ("{\"say\": \"sung\", \"action\": \"send\", \"args\": {}}");

    g_assert_null (af_activity_text_describe ("action-done", old));
    g_assert_null (af_activity_text_describe ("action-done", newer));
    g_assert_null (af_activity_text_describe_json ("action-done", "not json"));
    g_assert_null (af_activity_text_describe_json ("action-done", NULL));
  }
}

static char *
details_of (AfDatabase *db,
            gint64      id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT details FROM activity WHERE id = %" G_GINT64_FORMAT, id);
  sqlite3_stmt    *stmt = af_database_prepare (db, sql, NULL);
  char            *text = NULL;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return text;
}

static void
test_migration (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;
  g_autofree char *text = NULL;
  g_autofree char *told = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (JsonObject) params = parse ("{\"label\": \"Finance\"}");
  g_autoptr (JsonObject) item = parse ("{\"id\": \"m2\", \"subject\": \"Invoice 2041\"}");
  sqlite3 *raw = NULL;
  char    *message = NULL;

  /* A database as version 6 of the schema left it: a run's row, an
   * approved one, and one whose outbox entry is gone. */
  g_assert_cmpint (sqlite3_open (f->path, &raw), ==, SQLITE_OK);
  for (guint i = 0; i < 6; i++)
    {
      g_assert_cmpint (sqlite3_exec (raw, af_database_migrations[i], NULL, NULL, &message), ==, SQLITE_OK);
      g_assert_null (message);
    }
  g_assert_cmpint (
      sqlite3_exec (raw,
                    "INSERT INTO outbox (id, idempotency_key, agent_id, action, params, state, created_at, updated_at)"
                    " VALUES (1, 'a:m2:label', 'a', 'label',"
                    " '{\"params\":{\"label\":\"Finance\"},\"item\":{\"id\":\"m2\",\"subject\":\"Invoice 2041\"},\"rule\":\"R\"}',"
                    " 'done', 1, 1),"
                    " (2, 'a:m3:send', 'a', 'send',"
                    " '{\"params\":{\"to\":\"sam@example.com\"},\"item\":{\"id\":\"m3\",\"subject\":\"Dinner\"}}',"
                    " 'done', 1, 1);"
                    "INSERT INTO activity (id, ts, agent_id, kind, summary, details, outcome) VALUES"
                    " (1, 1, 'a', 'action-done', 'Etiqueté', "
                    " '{\"action\":\"label\",\"item\":\"m2\",\"rule\":\"R\",\"key\":\"a:m2:label\"}', 'done'),"
                    " (2, 2, 'a', 'action-done', 'Approved and done: Sent a mail to sam@example.com',"
                    " '{\"action\":\"send\",\"key\":\"a:m3:send\"}', 'done'),"
                    " (3, 3, 'a', 'action-done', 'Archivé',"
                    " '{\"action\":\"archive\",\"item\":\"m9\",\"rule\":\"R\",\"key\":\"a:m9:archive\"}', 'done');"
                    "PRAGMA user_version = 6;",
                    NULL, NULL, &message),
      ==, SQLITE_OK);
  g_assert_null (message);
  sqlite3_close (raw);

  db = af_database_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (af_database_get_schema_version (db), >=, 7);

  text = details_of (db, 1);
  told = af_activity_text_describe_json ("action-done", text);
  expected = af_action_describe ("label", params, item, TRUE);
  g_assert_cmpstr (told, ==, expected);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&told, g_free);
  g_clear_pointer (&expected, g_free);

  text = details_of (db, 2);
  told = af_activity_text_describe_json ("action-done", text);
  g_assert_nonnull (strstr (text, "\"subject\":\"Dinner\""));
  g_assert_cmpstr (told, ==, "Approved and done: Sent a mail to sam@example.com");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&told, g_free);

  /* Nothing to tell it from: its stored words stay what is shown. */
  text = details_of (db, 3);
  g_assert_null (af_activity_text_describe_json ("action-done", text));
  g_assert_null (strstr (text, "\"say\""));
}

/* A batch's "done" rows are written as text at once: the very text the
 * row's object would have been, whatever the item holds. */
static void
test_done_details_text (void)
{
  static const char *const params_json[] = {
    "{\"label\": \"Finance\"}",
    "{}",
    "{\"channel\": \"#ops\", \"text\": \"Line one\\nline “two” \\\\ \\\"q\\\" \\u0001\", \"n\": 3, \"on\": true,"
    " \"nested\": {\"a\": 1}, \"list\": [1, 2], \"none\": null}",
  };
  static const char *const item_json[] = {
    "{\"id\": \"18c0a\", \"thread_id\": \"18c0a\", \"from\": \"Figma <billing@example.com>\","
    " \"subject\": \"Invoice “INV-1” \\\"paid\\\" \\\\ é ✓ \\u001f\\u007f\", \"body\": \"long\", \"labels\": [\"INBOX\"]}",
    "{\"id\": \"18c0b\", \"subject\": \"\", \"from\": null, \"ts\": 12, \"channel\": \"C01\"}",
    "{\"subject\": \"No id\", \"permalink\": \"https://example.slack.com/p1\", \"team\": \"T1\"}",
  };
  g_autoptr (GString) long_text = g_string_new ("{\"text\": \"");

  for (guint i = 0; i < 300; i++)
    g_string_append (long_text, i % 7 ? "x" : "ü");
  g_string_append (long_text, "\"}");

  for (guint i = 0; i <= G_N_ELEMENTS (params_json); i++)
    for (guint j = 0; j < G_N_ELEMENTS (item_json); j++)
      for (guint r = 0; r < 2; r++)
        {
          g_autoptr (JsonNode) params = json_from_string (i < G_N_ELEMENTS (params_json) ? params_json[i] : long_text->str, NULL);
          g_autoptr (JsonNode) item = json_from_string (item_json[j], NULL);
          JsonObject *p = json_node_get_object (params);
          JsonObject *it = json_node_get_object (item);
          const char *item_id = json_object_get_string_member_with_default (it, "id", "");
          const char *rule = r ? "Finance “mail”" : NULL;
          g_autoptr (JsonObject) details = af_engine_details_new ("action", "label", "item", item_id, "rule", rule, "key",
                                                                  "agent:18c0a:label:1f", NULL);
          g_autofree char *expected = NULL;
          g_autofree char *args = af_activity_text_args (p);
          g_autofree char *text = af_activity_text_done_details ("label", item_id, rule, "agent:18c0a:label:1f", args, it);

          af_activity_text_add_action (details, AF_ACTIVITY_SAY_DONE, "label", p, it, FALSE);
          expected = af_engine_json_to_text (details);
          g_assert_cmpstr (text, ==, expected);
        }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/activity-text/done-details-text", test_done_details_text);
  g_test_add ("/activity-text/told-from-data", Fixture, NULL, fixture_setup, test_told_from_data, fixture_teardown);
  g_test_add ("/activity-text/ways-of-saying", Fixture, NULL, fixture_setup, test_ways_of_saying, fixture_teardown);
  g_test_add ("/activity-text/migration", Fixture, NULL, fixture_setup, test_migration, fixture_teardown);

  return g_test_run ();
}
