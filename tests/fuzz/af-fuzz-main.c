/* af-fuzz-main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Without libFuzzer: feeds every file of the given directories (or the
 * given files) to LLVMFuzzerTestOneInput once, so CI replays each
 * harness's corpus, crashes found earlier included, in seconds.
 */

#include "config.h"

#include <stdio.h>

#include "af-fuzz.h"

static guint n_inputs;

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

static void
run_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize            length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);

  LLVMFuzzerTestOneInput ((const uint8_t *)contents, length);
  n_inputs++;
}

static void
run_path (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      run_file (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    g_error ("Cannot open %s", path);

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    run_path (names->pdata[i]);
}

int
main (int   argc,
      char *argv[])
{
  if (argc < 2)
    {
      fprintf (stderr, "Usage: %s CORPUS-DIR-OR-FILE…\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    run_path (argv[i]);

  /* TAP, so a corpus that went missing is a failure, not a pass. */
  printf ("1..1\n%s 1 - %u inputs from %s\n", n_inputs > 0 ? "ok" : "not ok", n_inputs, argv[1]);
  return n_inputs > 0 ? 0 : 1;
}
