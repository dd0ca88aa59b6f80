/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "agentflow"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "af-application.h"
#include "af-cli.h"
#include "af-engine-cli.h"
#include "af-memory.h"

/* "--help", "--help-all", "--help-engine" or NULL. */
static const char *
wants_help (int    argc,
            char **argv)
{
  for (int i = 1; i < argc && !g_str_equal (argv[i], "--"); i++)
    {
      if (g_str_equal (argv[i], "-h") || g_str_equal (argv[i], "-?") || g_str_equal (argv[i], "--help"))
        return "--help";
      if (g_str_equal (argv[i], "--help-all") || g_str_equal (argv[i], "--help-engine"))
        return argv[i];
    }
  return NULL;
}

/* Every command of the binary, grouped: the application's options, the
 * engine's (af-engine-cli.c) and the account commands (af-cli.c). Built
 * here, before any GApplication, GTK or GSettings: --help works without a
 * display and without an installed schema. */
static int
print_help (const char *argv0,
            const char *which)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  GOptionGroup    *engine = af_engine_cli_get_option_group ();
  g_autofree char *prgname = g_path_get_basename (argv0);
  g_autofree char *commands = af_cli_describe_commands ();
  g_autofree char *help = NULL;

  g_set_prgname (prgname);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, af_application_get_summary ());
  g_option_context_set_description (context, commands);
  g_option_context_add_main_entries (context, af_application_get_option_entries (), GETTEXT_PACKAGE);
  g_option_context_add_group (context, engine);
  help = g_option_context_get_help (context, FALSE, g_str_equal (which, "--help-engine") ? engine : NULL);
  g_print ("%s", help);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AfApplication) app = NULL;
  const char *help;

  /* Before any thread starts. */
  af_memory_setup ();

  af_application_startup_mark ("main");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_ ("AgentFlow"));

  /* Account commands work without a display, before any GTK. */
  if (argc > 1 && af_cli_handles (argv[1]))
    return af_cli_run (argc, argv);

  if ((help = wants_help (argc, argv)) != NULL)
    return print_help (argv[0], help);

  /* Engine commands (--list-agents, --run-agent…) likewise. */
  if (af_engine_cli_wants (argc, argv))
    return af_engine_cli_run (argc, argv);

  app = af_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
