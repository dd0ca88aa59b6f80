/* af-test-cli.h — running `agentflow` commands against a sandbox in the
 * test's process: the test reads the printed URL and follows it like a
 * browser would, with no display.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-test-auth.h"

typedef struct
{
  AfSandbox        *sandbox;
  char             *data_dir;
  AfTestBrowser     browser;
  GSubprocess      *proc;
  GDataInputStream *out;
  GString          *stdout_text;
  gboolean          eof;
  gboolean          exited;
} AfTestCli;

static inline void
af_test_cli_set_up (AfTestCli *f)
{
  g_autoptr (GError) error = NULL;

  f->sandbox = af_test_sandbox_new ();
  f->data_dir = g_dir_make_tmp ("af-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->browser.follow = TRUE;
  f->stdout_text = g_string_new (NULL);
}

/* Removes what the command stored in the keyring for each of @services. */
static inline void
af_test_cli_tear_down (AfTestCli         *f,
                       const char *const *services)
{
  for (guint i = 0; services[i] != NULL; i++)
    secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", services[i], NULL);
  g_clear_object (&f->proc);
  g_clear_object (&f->out);
  g_clear_object (&f->sandbox);
  af_test_browser_clear (&f->browser);
  g_string_free (f->stdout_text, TRUE);
  g_free (f->data_dir);
}

static inline GSubprocess *
af_test_cli_spawn (AfTestCli  *f,
                   GError    **error,
                   const char *first,
                   ...)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const char *builddir = g_getenv ("AGENTFLOW_TOP_BUILDDIR");
  va_list     ap;

  g_ptr_array_add (args, g_build_filename (builddir ? builddir : "..", "src", "agentflow", NULL));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (args, g_strdup ("--sandbox"));
  g_ptr_array_add (args, g_strdup (af_sandbox_get_base_url (f->sandbox)));
  g_ptr_array_add (args, NULL);

  g_subprocess_launcher_setenv (launcher, "AGENTFLOW_DATA_DIR", f->data_dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  return g_subprocess_launcher_spawnv (launcher, (const char *const *)args->pdata, error);
}

static void af_test_cli_on_line_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data);

static inline void
af_test_cli_read_next (AfTestCli *f)
{
  g_data_input_stream_read_line_async (f->out, G_PRIORITY_DEFAULT, NULL, af_test_cli_on_line_cb, f);
}

static inline void
af_test_cli_on_line_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  AfTestCli       *f = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish (f->out, result, NULL, NULL);

  if (line == NULL)
    {
      f->eof = TRUE;
      return;
    }

  g_string_append_printf (f->stdout_text, "%s\n", line);
  /* The person copies the printed address into a browser. */
  if (g_str_has_prefix (line, "http://"))
    af_test_browser_open (line, &f->browser);
  af_test_cli_read_next (f);
}

static inline void
af_test_cli_on_exit_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  AfTestCli *f = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  f->exited = TRUE;
}

/* Runs the command to the end, the sandbox answering meanwhile. */
static inline int
af_test_cli_run (AfTestCli  *f,
                 const char *first,
                 ...)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer)a);
  va_end (ap);
  while (args->len < 6)
    g_ptr_array_add (args, NULL);

  g_clear_object (&f->proc);
  g_clear_object (&f->out);
  g_string_truncate (f->stdout_text, 0);
  f->eof = f->exited = FALSE;
  f->proc = af_test_cli_spawn (f, &error, args->pdata[0], args->pdata[1], args->pdata[2], args->pdata[3], args->pdata[4],
                               args->pdata[5], NULL);
  g_assert_no_error (error);
  f->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->proc));
  af_test_cli_read_next (f);
  g_subprocess_wait_async (f->proc, NULL, af_test_cli_on_exit_cb, f);
  while (!f->eof || !f->exited)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("%s", f->stdout_text->str);
  return g_subprocess_get_exit_status (f->proc);
}
