/* af-engine-cli.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* %TRUE when the command line asks for the engine without a window
 * (--list-agents, --run-agent, --pause, --resume, --export, --import,
 * --headless). */
gboolean      af_engine_cli_wants (int    argc,
                                   char **argv);
int           af_engine_cli_run (int    argc,
                                 char **argv);
GOptionGroup *af_engine_cli_get_option_group (void);

G_END_DECLS
