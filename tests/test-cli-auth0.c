/* test-cli-auth0.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `agentflow connect auth0`, `connect SERVICE --via auth0`, `accounts` and
 * `disconnect` against the sandbox's Auth0 tenant running in this
 * process: the test reads the printed addresses and follows them like a
 * browser would, with no display.
 */

#include "config.h"

#include "af-sandbox-auth0.h"
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
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->sandbox = af_test_sandbox_new ();
  f->data_dir = g_dir_make_tmp ("af-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->browser.follow = TRUE;
  f->stdout_text = g_string_new (NULL);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "auth0", NULL);
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "auth0-client", NULL);
  g_clear_object (&f->proc);
  g_clear_object (&f->out);
  g_clear_object (&f->sandbox);
  af_test_browser_clear (&f->browser);
  g_string_free (f->stdout_text, TRUE);
  g_free (f->data_dir);
}

static GSubprocess *
spawn (Fixture    *f,
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

static void on_line_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data);

static void
read_next (Fixture *f)
{
  g_data_input_stream_read_line_async (f->out, G_PRIORITY_DEFAULT, NULL, on_line_cb, f);
}

static void
on_line_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture         *f = user_data;
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
  read_next (f);
}

static void
on_exit_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  f->exited = TRUE;
}

/* Runs the command to the end, the sandbox answering meanwhile. */
static int
run (Fixture    *f,
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
  f->proc = spawn (f, &error, args->pdata[0], args->pdata[1], args->pdata[2], args->pdata[3], args->pdata[4],
                   args->pdata[5], NULL);
  g_assert_no_error (error);
  f->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->proc));
  read_next (f);
  g_subprocess_wait_async (f->proc, NULL, on_exit_cb, f);
  while (!f->eof || !f->exited)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("%s", f->stdout_text->str);
  return g_subprocess_get_exit_status (f->proc);
}

static void
test_auth0 (Fixture      *f,
            gconstpointer data)
{
  AfSandboxAuth0  *tenant = af_sandbox_auth0_get (f->sandbox);
  g_autofree char *secret = NULL;

  g_assert_cmpint (run (f, "connect", "auth0", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Signed in to Auth0 as alice@example.com"));
  secret = af_test_keyring_lookup ("auth0", "alice@example.com");
  g_assert_nonnull (secret);

  g_assert_cmpint (run (f, "connect", "gmail", "--via", "auth0", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected gmail through Auth0 as alice@example.com"));
  g_assert_cmpint (run (f, "connect", "slack", "--via", "auth0", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected slack through Auth0"));
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (tenant), ==, 2);
  /* Nothing of Google's or Slack's in the keyring. */
  g_assert_null (af_test_keyring_lookup ("gmail", "alice@example.com"));
  g_assert_null (af_test_keyring_lookup ("slack", "alice@example.com"));

  g_assert_cmpint (run (f, "accounts", NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^auth0 +alice@example.com +connected$", f->stdout_text->str, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^gmail +alice@example.com +connected$", f->stdout_text->str, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (f->stdout_text->str, "Linked at Auth0"));
  g_assert_true (g_regex_match_simple ("^  google-oauth2 .*gmail.modify", f->stdout_text->str, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^  sign-in-with-slack .*chat:write", f->stdout_text->str, G_REGEX_MULTILINE, 0));

  /* Slack removed at Auth0 (or its refresh token expired there): said so. */
  af_sandbox_auth0_drop_token_set (tenant, AF_SANDBOX_AUTH0_SLACK_CONNECTION);
  g_assert_cmpint (run (f, "accounts", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "slack (alice@example.com) is no longer linked at Auth0"));
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow connect slack --via auth0"));
  g_assert_cmpint (run (f, "connect", "slack", "--via", "auth0", "--no-browser", NULL), ==, 0);

  /* Disconnecting Gmail deletes the Google account at Auth0. */
  g_assert_cmpint (run (f, "disconnect", "gmail", "alice@example.com", NULL), ==, 0);
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (tenant), ==, 1);

  /* An expired Auth0 sign-in is said plainly. */
  af_sandbox_auth0_expire_refresh_tokens (tenant);
  g_assert_cmpint (run (f, "accounts", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow: Sign in to Auth0 again"));
  g_assert_cmpint (run (f, "connect", "auth0", "--no-browser", NULL), ==, 0);

  /* Signing out revokes the refresh token at Auth0; Slack needs the person. */
  g_assert_cmpint (run (f, "disconnect", "auth0", "alice@example.com", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "was revoked"));
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "auth0.oauth.revoke"), ==, 1);
  g_assert_null (af_test_keyring_lookup ("auth0", "alice@example.com"));
  g_assert_cmpint (run (f, "accounts", NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^slack +alice@example.com +needs-reconnect$", f->stdout_text->str, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (f->stdout_text->str, "Sign in to Auth0 again"));
}

static void
test_auth0_errors (Fixture      *f,
                   gconstpointer data)
{
  /* Linking before signing in says what to do. */
  g_assert_cmpint (run (f, "connect", "gmail", "--via", "auth0", "--no-browser", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow connect auth0"));
  /* Only auth0 is a broker. */
  g_assert_cmpint (run (f, "connect", "gmail", "--via", "okta", NULL), ==, 2);
  /* A tenant that is not https (nor loopback) is refused. */
  g_assert_cmpint (run (f, "connect", "auth0", "--domain", "http://example.com", "--no-browser", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow: "));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-auth0/connect-link-disconnect", Fixture, NULL, fixture_set_up, test_auth0, fixture_tear_down);
  g_test_add ("/cli-auth0/errors", Fixture, NULL, fixture_set_up, test_auth0_errors, fixture_tear_down);

  return g_test_run ();
}
