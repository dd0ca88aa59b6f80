/* test-export-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An exported agent comes back whole: every template's agent survives
 * af_engine_export_agent() → af_engine_import_agent() into another
 * database member by member, and the imported agent does against a
 * sandbox exactly what the original does against an identical one.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "af-engine.h"
#include "af-error.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"
#include "af-test-engine.h"

/* One "machine": a sandbox with the sample workspace, a database and an
 * engine running against the sandbox through the real clients. */
typedef struct
{
  char               *dir;
  AfSandbox          *sandbox;
  AfHttpClient       *http;
  AfServicesExecutor *executor;
  AfDatabase         *db;
  AfEngine           *engine;
} Machine;

static void
machine_open (Machine *m)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack_token = NULL, *llm_token = NULL, *path = NULL;
  g_autofree char *calendar_base = NULL, *slack_base = NULL;
  g_autoptr (AfTokenSource) google_tokens = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;

  m->sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (m->sandbox);
  af_sandbox_add_default_tokens (m->sandbox, &google, &slack_token, &llm_token);
  g_assert_true (af_sandbox_start (m->sandbox, &error));
  g_assert_no_error (error);

  m->http = af_http_client_new ();
  google_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (google));
  slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
  calendar_base = g_strconcat (af_sandbox_get_base_url (m->sandbox), "/calendar/v3", NULL);
  slack_base = g_strconcat (af_sandbox_get_base_url (m->sandbox), "/api", NULL);
  gmail = af_gmail_client_new (m->http, google_tokens, af_sandbox_get_base_url (m->sandbox));
  calendar = af_calendar_client_new (m->http, google_tokens, calendar_base);
  slack = af_slack_client_new (m->http, slack_tokens, slack_base);
  m->executor = af_services_executor_new (gmail, calendar, slack);

  m->dir = g_dir_make_tmp ("af-export-import-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (m->dir, "agentflow.db", NULL);
  m->db = af_database_open (path, &error);
  g_assert_no_error (error);
  m->engine = af_engine_new (m->db, AF_EXECUTOR (m->executor));
  af_engine_set_network_monitor (m->engine, NULL);
}

static void
machine_close (Machine *m)
{
  g_clear_object (&m->engine);
  g_clear_object (&m->db);
  g_clear_object (&m->executor);
  g_clear_object (&m->http);
  g_clear_object (&m->sandbox);
  af_test_remove_dir (m->dir);
  g_clear_pointer (&m->dir, g_free);
}

/* The template's agent with every permission there is, so that each of
 * its rules can act. */
static AfAgent *
template_agent (AfTemplate *template)
{
  g_autoptr (JsonArray) connections = af_test_connections ("google", AF_SANDBOX_ACCOUNT,
                                                           "gmail.read gmail.modify gmail.compose gmail.send "
                                                           "calendar.read calendar.write slack.read slack.post");

  return af_template_create_agent (template, NULL, connections);
}

/* Every member of @a is in @b with the same value, and the other way round. */
static void
assert_same_definition (JsonObject *a,
                        JsonObject *b)
{
  g_autoptr (GList) members_a = json_object_get_members (a);
  g_autoptr (GList) members_b = json_object_get_members (b);

  for (GList *l = members_a; l; l = l->next)
    {
      JsonNode *na = json_object_get_member (a, l->data);
      JsonNode *nb = json_object_get_member (b, l->data);

      if (nb == NULL)
        g_error ("“%s” was lost on the way", (const char *)l->data);
      if (!json_node_equal (na, nb))
        {
          g_autofree char *ta = json_to_string (na, FALSE);
          g_autofree char *tb = json_to_string (nb, FALSE);

          g_error ("“%s” changed on the way: %s → %s", (const char *)l->data, ta, tb);
        }
    }
  g_assert_cmpuint (g_list_length (members_a), ==, g_list_length (members_b));
}

static const char *const watched_methods[] = {
  "gmail.users.messages.list",
  "gmail.users.history.list",
  "gmail.users.messages.batchModify",
  "gmail.users.labels.create",
  "gmail.users.drafts.create",
  "gmail.users.messages.send",
  "calendar.events.list",
  "calendar.events.insert",
  "slack.chat.postMessage",
};

/* What a run did to its sandbox: the calls it made and what they left. */
static char *
sandbox_effects (AfSandbox *sandbox)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (watched_methods); i++)
    g_string_append_printf (s, "%s=%u ", watched_methods[i], af_sandbox_get_count (sandbox, watched_methods[i]));
  g_string_append_printf (s, "drafts=%u sent=%u starred=%u events=%u posts=%u", af_sandbox_gmail_get_n_drafts (sandbox),
                          af_sandbox_gmail_get_n_sent (sandbox), af_sandbox_gmail_count_with_label (sandbox, "STARRED"),
                          af_sandbox_calendar_get_n_events (sandbox), af_sandbox_slack_get_n_posts (sandbox, "general"));
  return g_string_free (s, FALSE);
}

static JsonObject *
run_sync (AfEngine *engine,
          AfAgent  *agent)
{
  g_autoptr (GError) error = NULL;
  JsonObject *result = af_test_run_agent (engine, agent, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");
  return result;
}

static void
test_template_round_trip (gconstpointer data)
{
  AfTemplate *template = af_template_lookup (data);
  Machine here = { 0 }, there = { 0 };
  g_autoptr (AfAgent) created = template_agent (template);
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (JsonObject) result_here = NULL;
  g_autoptr (JsonObject) result_there = NULL;
  g_autofree char        *path = NULL;
  g_autofree char        *effects_here = NULL;
  g_autofree char        *effects_there = NULL;
  g_autofree const char **members = af_agent_definition_member_names ();
  AfAgent                *original, *imported;

  machine_open (&here);
  machine_open (&there);

  /* Every member the template defines is one an agent file carries. */
  {
    g_autoptr (GList) names = json_object_get_members (af_template_get_definition (template));

    for (GList *l = names; l; l = l->next)
      if (!g_strv_contains ((const char *const *)members, l->data))
        g_error ("The %s template's “%s” is not exported", (const char *)data, (const char *)l->data);
  }

  af_engine_add_agent (here.engine, created, &error);
  g_assert_no_error (error);
  original = af_engine_lookup_agent (here.engine, af_agent_get_id (created));
  af_agent_set_description (original, "Exported and imported");

  path = g_build_filename (here.dir, "agent.json", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (af_engine_export_agent (here.engine, af_agent_get_id (original), file, &error));
  g_assert_no_error (error);

  /* Another machine: a fresh database. */
  imported = af_engine_import_agent (there.engine, file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (imported);
  g_assert_cmpstr (af_agent_get_id (imported), ==, af_agent_get_id (original));
  g_assert_cmpstr (af_agent_get_name (imported), ==, af_agent_get_name (original));
  g_assert_cmpstr (af_agent_get_description (imported), ==, "Exported and imported");
  g_assert_cmpstr (af_agent_get_template_id (imported), ==, data);
  assert_same_definition (af_agent_get_definition (original), af_agent_get_definition (imported));
  g_assert_true (json_object_has_member (af_agent_get_definition (imported), "source"));

  /* Also as stored: the imported agent as the next start reads it. */
  g_clear_object (&there.engine);
  there.engine = af_engine_new (there.db, AF_EXECUTOR (there.executor));
  af_engine_set_network_monitor (there.engine, NULL);
  imported = af_engine_lookup_agent (there.engine, af_agent_get_id (original));
  g_assert_nonnull (imported);
  assert_same_definition (af_agent_get_definition (original), af_agent_get_definition (imported));

  /* And it works as the original does: the same calls, the same effects,
   * on twin sandboxes. */
  result_here = run_sync (here.engine, original);
  result_there = run_sync (there.engine, imported);
  effects_here = sandbox_effects (here.sandbox);
  effects_there = sandbox_effects (there.sandbox);
  g_test_message ("%s: %s", (const char *)data, effects_there);
  g_assert_cmpstr (effects_there, ==, effects_here);
  g_assert_cmpint (json_object_get_int_member (result_there, "done"), ==,
                   json_object_get_int_member (result_here, "done"));
  g_assert_cmpint (json_object_get_int_member (result_there, "denied"), ==,
                   json_object_get_int_member (result_here, "denied"));
  g_assert_cmpint (json_object_get_int_member (result_there, "waiting"), ==,
                   json_object_get_int_member (result_here, "waiting"));
  g_assert_cmpint (json_object_get_int_member (result_there, "failed"), ==, 0);

  machine_close (&here);
  machine_close (&there);
}

static void
check_import_error (const char *json,
                    const char *prefix)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = NULL;

  g_assert_nonnull (node);
  agent = af_agent_new_from_json (node, &error);
  g_assert_null (agent);
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("“%s” does not start with “%s”", error->message, prefix);
}

/* Nothing is guessed: a field the file lacks or this version does not
 * know is named in the error. */
static void
test_refused (void)
{
  check_import_error ("{\"version\":2,\"name\":\"x\",\"template\":\"calendar-manager\",\"trigger\":{\"type\":\"manual\"}}",
                      "source: is missing");
  check_import_error ("{\"version\":2,\"name\":\"x\",\"template\":\"custom\",\"source\":\"mail\"}", "trigger:");
  check_import_error ("{\"version\":2,\"name\":\"x\",\"template\":\"custom\",\"source\":\"calendar\","
                      "\"trigger\":{\"type\":\"manual\"}}",
                      "source: must be one of");
  check_import_error ("{\"version\":2,\"name\":\"x\",\"template\":\"custom\",\"source\":\"mail\","
                      "\"trigger\":{\"type\":\"manual\"},\"schedule\":\"hourly\"}",
                      "schedule: is not a field of an agent file");
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"custom\",\"trigger\":{\"type\":\"manual\"},"
                      "\"first_run\":\"all\"}",
                      "first_run: is not a field of an agent file");
  /* A version 1 file of a template this AgentFlow lacks: nothing to say
   * where it reads from. */
  check_import_error ("{\"version\":1,\"name\":\"x\",\"template\":\"gone\",\"trigger\":{\"type\":\"manual\"}}",
                      "source: is missing");
}

/* A version 1 file (written before "source" was exported) reads what its
 * template reads, never mail by default. */
static void
test_version_1 (void)
{
  g_autoptr (JsonNode) node = json_from_string ("{\"version\":1,\"name\":\"Agenda\",\"template\":\"calendar-manager\","
                                                "\"trigger\":{\"type\":\"daily\",\"at\":\"08:00\"}}",
                                                NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = af_agent_new_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (af_agent_get_definition (agent), "source"), ==, "agenda");
}

/* The definition holds nothing the export would leave behind. */
static void
test_unknown_member_refused (void)
{
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("custom"), NULL, NULL);
  g_autoptr (GError) error = NULL;

  json_object_set_string_member (af_agent_get_definition (agent), "colour", "blue");
  g_assert_false (af_agent_validate_definition (af_agent_get_definition (agent), &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (error->message, "colour:"));
}

int
main (int   argc,
      char *argv[])
{
  GListModel *templates;

  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

  templates = af_template_get_all ();
  for (guint i = 0; i < g_list_model_get_n_items (templates); i++)
    {
      g_autoptr (AfTemplate) t = g_list_model_get_item (templates, i);
      g_autofree char *path = g_strdup_printf ("/export-import/template/%s", af_template_get_id (t));

      g_test_add_data_func_full (path, g_strdup (af_template_get_id (t)), test_template_round_trip, g_free);
    }
  g_test_add_func ("/export-import/refused", test_refused);
  g_test_add_func ("/export-import/version-1", test_version_1);
  g_test_add_func ("/export-import/unknown-member", test_unknown_member_refused);

  return g_test_run ();
}
