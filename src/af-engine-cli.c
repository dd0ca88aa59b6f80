/* af-engine-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "af-app-context.h"
#include "af-engine-cli.h"
#include "af-engine.h"
#include "af-time.h"

/* The engine from a terminal: no window, no GTK initialised. */

static const char *const engine_options[] = {
  "--list-agents",
  "--run-agent",
  "--dry-run",
  "--pause",
  "--resume",
  "--export",
  "--import",
  "--headless",
  NULL,
};

typedef struct
{
  gboolean sandbox;
  gboolean headless;
  gboolean list;
  gboolean dry_run;
  char    *run_id;
  char    *pause_id;
  char    *resume_id;
  char    *export_id;
  char    *import_file;
  char   **rest;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->run_id);
  g_free (options->pause_id);
  g_free (options->resume_id);
  g_free (options->export_id);
  g_free (options->import_file);
  g_strfreev (options->rest);
}

/* The engine's options, parsed into @options. --sandbox is the
 * application's own option too: it is listed there. */
static GOptionGroup *
engine_option_group (Options *options)
{
  const GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &options->headless, N_ ("Run the agents without a window"), NULL },
    { "list-agents", 0, 0, G_OPTION_ARG_NONE, &options->list, N_ ("List the agents"), NULL },
    { "run-agent", 0, 0, G_OPTION_ARG_STRING, &options->run_id, N_ ("Run an agent now and print its activity"), N_ ("ID") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &options->dry_run, N_ ("With --run-agent: only show what it would do"), NULL },
    { "pause", 0, 0, G_OPTION_ARG_STRING, &options->pause_id, N_ ("Pause an agent"), N_ ("ID") },
    { "resume", 0, 0, G_OPTION_ARG_STRING, &options->resume_id, N_ ("Resume an agent"), N_ ("ID") },
    { "export", 0, 0, G_OPTION_ARG_STRING, &options->export_id, N_ ("Export an agent to FILE"), N_ ("ID FILE") },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, &options->import_file, N_ ("Import an agent from a file"), N_ ("FILE") },
    { NULL },
  };
  GOptionGroup *group = g_option_group_new ("engine", _ ("Engine options (no window, no display needed):"),
                                            _ ("Show the engine’s options"), NULL, NULL);

  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, entries);
  return group;
}

/**
 * af_engine_cli_get_option_group:
 *
 * The engine's options as a group, for a --help of the whole binary.
 * Parsing with it stores nothing anyone reads.
 *
 * Returns: (transfer full): a new group
 */
GOptionGroup *
af_engine_cli_get_option_group (void)
{
  static Options unused;

  return engine_option_group (&unused);
}

typedef struct
{
  GMainLoop  *loop;
  JsonObject *result;
  GError     *error;
  const char *agent_id;
} Cli;

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

gboolean
af_engine_cli_wants (int    argc,
                     char **argv)
{
  for (int i = 1; i < argc; i++)
    for (guint j = 0; engine_options[j]; j++)
      if (g_str_equal (argv[i], engine_options[j]) || (g_str_has_prefix (argv[i], engine_options[j]) && argv[i][strlen (engine_options[j])] == '='))
        return TRUE;
  return FALSE;
}

static char *
format_time (gint64 usec)
{
  g_autoptr (GDateTime) dt = NULL;

  if (usec <= 0)
    return g_strdup ("—");
  dt = af_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

static void
on_appended_cb (AfActivityLog   *log,
                AfActivityEntry *entry,
                Cli             *cli)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *time = NULL;

  if (cli->agent_id != NULL && g_strcmp0 (cli->agent_id, af_activity_entry_get_agent_id (entry)) != 0)
    return;
  dt = af_date_time_new_from_unix_local (af_activity_entry_get_timestamp (entry) / G_USEC_PER_SEC);
  time = g_date_time_format (dt, "%H:%M:%S");
  g_print ("%s  %-18s %s\n", time, af_activity_entry_get_kind (entry), af_activity_entry_get_summary (entry));
}

static void
on_run_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Cli *cli = user_data;

  cli->result = af_engine_run_agent_finish (AF_ENGINE (source), result, &cli->error);
  g_main_loop_quit (cli->loop);
}

static gboolean
on_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
list_agents (AfEngine *engine)
{
  GListModel *agents = af_engine_get_agents (engine);

  if (g_list_model_get_n_items (agents) == 0)
    {
      g_print ("%s\n", _ ("No agents yet."));
      return 0;
    }
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);
      g_autofree char *next = format_time (af_agent_get_next_run (agent));
      g_autofree char *last = format_time (af_agent_get_last_run (agent));

      g_print ("%s  %-16s %-17s %-20s %s: %s  %s: %s\n", af_agent_get_id (agent),
               af_agent_state_to_string (af_agent_get_state (agent)), af_agent_get_template_id (agent),
               af_agent_get_name (agent), _ ("last run"), last, _ ("next run"), next);
    }
  return 0;
}

static int
run_agent (AfEngine   *engine,
           const char *id,
           gboolean    dry_run)
{
  Cli cli = { 0 };
  int status = 0;

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.agent_id = id;
  g_signal_connect (af_engine_get_activity_log (engine), "appended", G_CALLBACK (on_appended_cb), &cli);
  af_engine_run_agent_async (engine, id, dry_run ? AF_RUN_FLAGS_DRY_RUN : AF_RUN_FLAGS_NONE, NULL, on_run_cb, &cli);
  g_main_loop_run (cli.loop);
  g_signal_handlers_disconnect_by_data (af_engine_get_activity_log (engine), &cli);

  if (cli.error != NULL)
    {
      g_printerr ("%s\n", cli.error->message);
      g_clear_error (&cli.error);
      status = 1;
    }
  else if (dry_run)
    {
      JsonArray *actions = json_object_get_array_member (cli.result, "actions");

      g_print ("%s\n", _ ("A real run would:"));
      for (guint i = 0; i < json_array_get_length (actions); i++)
        {
          JsonObject *a = json_array_get_object_element (actions, i);

          g_print ("  • %s (%s)\n", json_object_get_string_member (a, "summary"),
                   json_object_get_string_member (a, "policy"));
        }
    }
  g_clear_pointer (&cli.result, json_object_unref);
  g_main_loop_unref (cli.loop);
  return status;
}

static int
headless (AfEngine *engine,
          gboolean  sandbox)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GError) error = NULL;
  Cli   cli = { 0 };
  guint sigint, sigterm;

  if (!af_engine_start (engine, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_signal_connect (af_engine_get_activity_log (engine), "appended", G_CALLBACK (on_appended_cb), &cli);
  g_print ("%s\n", sandbox ? _ ("AgentFlow engine running against the sample workspace. Press Ctrl+C to stop.")
                           : _ ("AgentFlow engine running with your connected accounts. Press Ctrl+C to stop."));
  list_agents (engine);

  sigint = g_unix_signal_add (SIGINT, on_signal_cb, loop);
  sigterm = g_unix_signal_add (SIGTERM, on_signal_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_signal_handlers_disconnect_by_data (af_engine_get_activity_log (engine), &cli);
  af_engine_shutdown (engine);
  return 0;
}

int
af_engine_cli_run (int    argc,
                   char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAppContext) app = NULL;
  g_autoptr (GSettings) settings = NULL;
  AfEngine *engine;
  g_auto (Options) options = { 0 };
  const GOptionEntry entries[] = {
    { "sandbox", 0, 0, G_OPTION_ARG_NONE, &options.sandbox, N_ ("Use the sample workspace and a separate data directory"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.rest, NULL, NULL },
    { NULL },
  };
  gboolean sandbox;

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, engine_option_group (&options));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (options.export_id != NULL && (options.rest == NULL || options.rest[0] == NULL))
    {
      g_printerr ("%s\n", _ ("--export needs an agent id and a file name"));
      return 2;
    }
  if (options.dry_run && options.run_id == NULL)
    {
      g_printerr ("%s\n", _ ("--dry-run goes with --run-agent"));
      return 2;
    }
  sandbox = options.sandbox;

  if (!sandbox)
    {
      /* The accounts live in the engine's database: the same connections,
       * client IDs and AI model as the app. */
      g_autoptr (GSettingsSchema) schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                                                            "org.agentflow.App", TRUE);

      settings = schema ? g_settings_new ("org.agentflow.App") : NULL;
    }
  app = af_app_context_new (sandbox, settings, &error);
  if (app == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  engine = af_app_context_get_engine (app);

  if (options.headless)
    return headless (engine, sandbox);
  if (options.list)
    return list_agents (engine);
  if (options.run_id != NULL)
    return run_agent (engine, options.run_id, options.dry_run);
  if (options.pause_id != NULL || options.resume_id != NULL)
    {
      gboolean ok = options.pause_id ? af_engine_pause_agent (engine, options.pause_id, &error)
                                     : af_engine_resume_agent (engine, options.resume_id, &error);

      if (!ok)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return 0;
    }
  if (options.export_id != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (options.rest[0]);

      if (!af_engine_export_agent (engine, options.export_id, file, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return 0;
    }
  if (options.import_file != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (options.import_file);
      AfAgent *agent = af_engine_import_agent (engine, file, &error);

      if (agent == NULL)
        {
          g_printerr (_ ("Could not import %s: %s\n"), options.import_file, error->message);
          return 1;
        }
      g_print ("%s\n", af_agent_get_id (agent));
      return 0;
    }
  return 0;
}
