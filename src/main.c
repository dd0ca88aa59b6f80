/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "agentflow"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "af-application.h"

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

  app = af_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
