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

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AfApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_ ("AgentFlow"));

  /* Account commands work without a display, before any GTK. */
  if (argc > 1 && af_cli_handles (argv[1]))
    return af_cli_run (argc, argv);

  /* Engine commands (--list-agents, --run-agent…) likewise. */
  if (af_engine_cli_wants (argc, argv))
    return af_engine_cli_run (argc, argv);

  app = af_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
