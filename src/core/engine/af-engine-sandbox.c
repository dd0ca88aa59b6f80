/* af-engine-sandbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-engine-private.h"
#include "af-error.h"
#include "af-paths.h"
#include "af-sample-executor.h"

/* The engine of the sample workspace (--sandbox): its own data directory,
 * and one agent per template on the sample accounts the first time. */

/* The sample account for each service @template uses, with only the
 * permissions it asks for: Integrations' "Used by" then says which sample
 * agent uses what, and none holds more than it needs. */
static JsonArray *
sample_connections (AfTemplate *template)
{
  JsonArray         *connections = json_array_new ();
  const char *const *services = af_template_get_services (template);
  const char *const *granted = af_template_get_permissions (template);

  for (guint i = 0; services != NULL && services[i] != NULL; i++)
    {
      JsonObject      *c = json_object_new ();
      JsonArray       *perms = json_array_new ();
      g_autofree char *prefix = g_strconcat (services[i], ".", NULL);

      for (guint j = 0; granted != NULL && granted[j] != NULL; j++)
        if (g_str_has_prefix (granted[j], prefix))
          json_array_add_string_element (perms, granted[j]);
      json_object_set_string_member (c, "service", services[i]);
      json_object_set_string_member (c, "account", "sample@example.com");
      json_object_set_array_member (c, "permissions", perms);
      json_array_add_object_element (connections, c);
    }
  return connections;
}

/* The sample Email Assistant looks for new mail every minute, and
 * answers requests to confirm a time itself, after asking first (the
 * template's "send": "ask"): someone trying the app sees approvals. */
static void
sample_email_assistant (AfAgent *agent)
{
  JsonObject *definition = af_agent_get_definition (agent);
  JsonObject *trigger = json_object_get_object_member (definition, "trigger");
  JsonArray  *rules = json_object_get_array_member (definition, "rules");
  JsonNode   *rule = json_from_string ("{\"name\": \"Confirm meeting times\", \"match\": \"all\","
                                         " \"conditions\": [{\"field\": \"subject\", \"op\": \"contains\","
                                         " \"value\": \"Can you confirm\"}],"
                                         " \"actions\": [{\"action\": \"send\", \"params\": {\"body\":"
                                         " \"Hi,\\n\\nThat works for me, see you then.\\n\"}}]}",
                                       NULL);
  JsonArray  *connections = json_object_get_array_member (definition, "connections");

  json_object_set_int_member (trigger, "minutes", 1);
  json_array_add_element (rules, rule);
  /* The rule sends, so the agent holds that permission, and no more. */
  for (guint i = 0; connections != NULL && i < json_array_get_length (connections); i++)
    {
      JsonObject *c = json_array_get_object_element (connections, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (c, "service", NULL), "gmail") == 0)
        json_array_add_string_element (json_object_get_array_member (c, "permissions"), "gmail.send");
    }
}

AfEngine *
af_engine_new_for_sandbox (GError **error)
{
  return af_engine_new_for_sandbox_with_executor (NULL, error);
}

/**
 * af_engine_new_for_sandbox_with_executor:
 * @executor: (nullable): e.g. an AfServicesExecutor on an in-process
 *   AfSandbox; %NULL for the in-memory sample workspace
 *
 * An engine on the separate sandbox data directory, with one agent per
 * template connected to the sample accounts the first time.
 */
AfEngine *
af_engine_new_for_sandbox_with_executor (AfExecutor *executor,
                                         GError    **error)
{
  g_autofree char *dir = af_paths_get_data_dir (TRUE);
  g_autofree char *path = af_paths_get_database_path (TRUE);
  g_autofree char *journal = NULL;
  g_autoptr (AfDatabase) db = NULL;
  g_autoptr (AfExecutor) sample = NULL;
  AfEngine *self;

  if (g_mkdir_with_parents (dir, 0700) < 0)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_FAILED, _ ("Could not create %s"), dir);
      return NULL;
    }
  db = af_database_open (path, error);
  if (db == NULL)
    return NULL;
  if (executor == NULL)
    {
      journal = g_build_filename (dir, "sample-workspace.journal", NULL);
      sample = AF_EXECUTOR (af_sample_executor_new (journal));
      executor = sample;
    }
  self = af_engine_new (db, executor);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->agents)) == 0)
    {
      static const char *const ids[] = { "email-assistant", "calendar-manager", "slack-notifier" };

      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        {
          AfTemplate *template = af_template_lookup (ids[i]);
          g_autoptr (JsonArray) connections = sample_connections (template);
          g_autoptr (AfAgent) agent = af_template_create_agent (template, NULL, connections);

          if (g_str_equal (ids[i], "email-assistant"))
            sample_email_assistant (agent);
          /* The sample mailbox is already there when the app first starts:
           * a newcomer sees the agents sort it, not only what arrives later. */
          if (g_strcmp0 (json_object_get_string_member_with_default (af_agent_get_definition (agent), "source", NULL), "mail") == 0)
            json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 7);
          /* Due at once, so someone trying the app sees them work. */
          af_agent_set_next_run (agent, g_get_real_time ());
          if (!af_engine_add_agent (self, agent, error))
            {
              g_object_unref (self);
              return NULL;
            }
        }
    }
  return self;
}
