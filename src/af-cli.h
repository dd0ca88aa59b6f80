/* af-cli.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean af_cli_handles (const char *command);
int      af_cli_run (int    argc,
                     char **argv);
char    *af_cli_describe_commands (void);

G_END_DECLS
