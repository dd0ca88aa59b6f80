/* af-paths.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-paths"

#include "config.h"

#include "af-paths.h"

/**
 * af_paths_get_data_dir:
 * @sandbox: whether the app runs against the local sandbox
 *
 * The directory holding the database. Sandbox mode keeps its own directory
 * so trying the app never touches real data. `AGENTFLOW_DATA_DIR` overrides
 * the location (tests, portable installs).
 *
 * Returns: (transfer full): a path; the directory may not exist yet
 */
char *
af_paths_get_data_dir (gboolean sandbox)
{
  const char      *override = g_getenv ("AGENTFLOW_DATA_DIR");
  g_autofree char *base = NULL;

  if (override != NULL && override[0] != '\0')
    base = g_strdup (override);
  else
    base = g_build_filename (g_get_user_data_dir (), "agentflow", NULL);

  if (sandbox)
    return g_build_filename (base, "sandbox", NULL);

  return g_steal_pointer (&base);
}

char *
af_paths_get_database_path (gboolean sandbox)
{
  g_autofree char *dir = af_paths_get_data_dir (sandbox);

  return g_build_filename (dir, "agentflow.db", NULL);
}
