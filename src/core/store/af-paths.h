/* af-paths.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *af_paths_get_data_dir (gboolean sandbox);
char *af_paths_get_database_path (gboolean sandbox);

G_END_DECLS
