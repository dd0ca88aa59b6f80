/* test-engine-housekeeping.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's own timers (approval expiry, the activity log's retention)
 * are not agents: the agent scheduler holds exactly the agents that are
 * due, and an approval still expires on time.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "af-engine.h"
#include "af-sample-executor.h"
#include "af-test-engine.h"

typedef struct
{
  char             *dir;
  AfDatabase       *db;
  AfSampleExecutor *executor;
  AfEngine         *engine;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *journal = NULL;

  f->dir = g_dir_make_tmp ("af-housekeeping-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "agentflow.db", NULL);
  journal = g_build_filename (f->dir, "journal", NULL);
  f->db = af_database_open (path, &error);
  g_assert_no_error (error);
  f->executor = af_sample_executor_new (journal);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->executor);
  g_clear_object (&f->db);
  af_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* An agent that asks before answering mail about dinner. */
static AfAgent *
add_asking_agent (Fixture *f)
{
  g_autoptr (JsonArray) conn = af_test_connections ("gmail", "me@example.com", "gmail.read gmail.send");
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("custom"), "Custom", conn);
  g_autoptr (GError) error = NULL;
  JsonNode *rules = json_from_string ("[{\"conditions\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":"
                                      "\"dinner\"}],\"actions\":[{\"action\":\"send\",\"params\":{\"to\":"
                                      "\"sam@mail.example\"}}]}]",
                                      &error);

  g_assert_no_error (error);
  json_object_set_member (af_agent_get_definition (agent), "rules", rules);
  af_engine_add_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  return agent;
}

static guint
n_agents_due (Fixture *f)
{
  GListModel *agents = af_engine_get_agents (f->engine);
  guint       n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (af_scheduler_get_due (af_engine_get_scheduler (f->engine), af_agent_get_id (agent)) > 0)
        n++;
    }
  return n;
}

static void
test_scheduler_holds_agents_only (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr (JsonArray) conn = af_test_connections ("gmail", "me@example.com", "gmail.read gmail.modify");
  g_autoptr (AfAgent) sorter = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, conn);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;
  AfAgent     *asking = add_asking_agent (f);
  AfScheduler *scheduler = af_engine_get_scheduler (f->engine);

  af_engine_add_agent (f->engine, sorter, &error);
  g_assert_no_error (error);
  g_assert_true (af_engine_start (f->engine, &error));
  g_assert_no_error (error);
  result = af_test_run_agent (f->engine, asking, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, 1);

  /* A pending approval and the daily pruning are timers of their own:
   * every entry of the agent scheduler is an agent that is due. */
  g_assert_cmpuint (n_agents_due (f), >=, 1);
  g_assert_cmpuint (af_scheduler_get_n_scheduled (scheduler), ==, n_agents_due (f));
  g_assert_cmpint (af_scheduler_get_next_due (scheduler), >, 0);
}

static void
test_expiry_without_scheduler (Fixture      *f,
                               gconstpointer data)
{
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GError) error = NULL;
  AfAgent *asking = add_asking_agent (f);

  g_assert_true (af_engine_start (f->engine, &error));
  af_engine_set_approval_lifetime (f->engine, 1);
  result = af_test_run_agent (f->engine, asking, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (f->engine)), ==, 1);
  g_assert_cmpuint (af_scheduler_get_n_scheduled (af_engine_get_scheduler (f->engine)), ==, n_agents_due (f));

  af_test_wait_until (g_list_model_get_n_items (af_engine_get_approvals (f->engine)) == 0, "the approval to expire");
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (asking),
                                           "approval-expired"),
                    ==, 1);
  g_assert_cmpuint (af_sample_executor_get_count (f->executor, "send"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/engine-housekeeping/scheduler-holds-agents-only", Fixture, NULL, fixture_setup,
              test_scheduler_holds_agents_only, fixture_teardown);
  g_test_add ("/engine-housekeeping/expiry-without-scheduler", Fixture, NULL, fixture_setup,
              test_expiry_without_scheduler, fixture_teardown);

  return g_test_run ();
}
