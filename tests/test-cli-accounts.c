/* test-cli-accounts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `agentflow connect / accounts / disconnect` against a sandbox running in
 * this process: the test reads the printed URL and follows it like a
 * browser would, with no display.
 */

#include "config.h"

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
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "gmail", NULL);
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "oidc", NULL);
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
test_connect_accounts_disconnect (Fixture      *f,
                                  gconstpointer data)
{
  g_autofree char *secret = NULL;

  g_assert_cmpint (run (f, "connect", "gmail", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Open this address in a web browser"));
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected as alice@example.com"));
  g_assert_cmpuint (f->browser.visits, ==, 1);
  secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_nonnull (secret);
  g_clear_pointer (&secret, g_free);

  g_assert_cmpint (run (f, "accounts", NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^gmail +alice@example.com +connected$", f->stdout_text->str, G_REGEX_MULTILINE, 0));

  g_assert_cmpint (run (f, "disconnect", "gmail", "alice@example.com", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Disconnected"));
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "google.oauth2.revoke"), ==, 1);
  secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_null (secret);

  g_assert_cmpint (run (f, "accounts", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "No accounts are connected."));
}

static void
test_connect_for_agent (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *shared = NULL;
  g_autofree char *own = NULL;

  g_assert_cmpint (run (f, "connect", "gmail", "--agent", "inbox-triage", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected as alice@example.com for agent inbox-triage"));

  /* The keyring item is the agent's, not a shared one. */
  own = af_test_keyring_lookup_agent ("gmail", "alice@example.com", "inbox-triage");
  g_assert_nonnull (own);
  shared = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_null (shared);

  g_assert_cmpint (run (f, "accounts", NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^gmail +alice@example.com +connected \\(agent inbox-triage\\)$",
                                       f->stdout_text->str, G_REGEX_MULTILINE, 0));

  /* --agent only makes sense for connect, and needs an id. */
  g_assert_cmpint (run (f, "accounts", "--agent", "inbox-triage", NULL), ==, 2);
  g_assert_cmpint (run (f, "connect", "gmail", "--agent", "", NULL), ==, 2);

  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "agent", "inbox-triage", NULL);
}

static void
test_errors (Fixture      *f,
             gconstpointer data)
{
  af_sandbox_oauth_set_consent (af_sandbox_oauth_get (f->sandbox), AF_SANDBOX_CONSENT_DENY);
  g_assert_cmpint (run (f, "connect", "gmail", "--no-browser", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow: You declined access"));

  g_assert_cmpint (run (f, "connect", "myspace", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "Unknown service"));

  g_assert_cmpint (run (f, "disconnect", "gmail", "nobody@example.com", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "is connected"));

  g_assert_cmpint (run (f, "connect", NULL), ==, 2);
}

/* A strict OpenID Connect provider: no revocation endpoint, so
 * disconnecting must not claim a revocation, and must say where to end
 * the access; no refresh token, so connecting warns. */
static void
test_strict_oidc (Fixture      *f,
                  gconstpointer data)
{
  AfSandboxOAuth *oauth = af_sandbox_oauth_get (f->sandbox);

  af_sandbox_oauth_set_strict_oidc (oauth, TRUE);
  g_assert_cmpint (run (f, "connect", "oidc", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected as alice@example.com"));
  g_assert_null (strstr (f->stdout_text->str, "Warning"));

  g_assert_cmpint (run (f, "disconnect", "oidc", "alice@example.com", NULL), ==, 0);
  g_assert_null (strstr (f->stdout_text->str, "was revoked"));
  g_assert_nonnull (strstr (f->stdout_text->str, "could not be revoked at the provider"));
  g_assert_nonnull (strstr (f->stdout_text->str, af_sandbox_get_base_url (f->sandbox)));
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "google.oauth2.revoke"), ==, 0);

  /* The person unticks offline access. */
  af_sandbox_oauth_set_withheld_scopes (oauth, "offline_access");
  g_assert_cmpint (run (f, "connect", "oidc", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected as alice@example.com"));
  g_assert_nonnull (strstr (f->stdout_text->str, "Warning: OpenID Connect did not give AgentFlow lasting access"));
}

/* Nobody opens the address: the attempt ends, says so in the right unit,
 * and the process exits cleanly (it used to touch the freed server). */
static void
test_timeout (Fixture      *f,
              gconstpointer data)
{
  f->browser.follow = FALSE;
  g_assert_cmpint (run (f, "connect", "oidc", "--timeout", "2", "--no-browser", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow: The sign-in was not completed in the browser within 2 seconds."));
  g_assert_cmpuint (f->browser.visits, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/connect-accounts-disconnect", Fixture, NULL, fixture_set_up, test_connect_accounts_disconnect, fixture_tear_down);
  g_test_add ("/cli/connect-for-agent", Fixture, NULL, fixture_set_up, test_connect_for_agent, fixture_tear_down);
  g_test_add ("/cli/errors", Fixture, NULL, fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/cli/strict-oidc", Fixture, NULL, fixture_set_up, test_strict_oidc, fixture_tear_down);
  g_test_add ("/cli/timeout", Fixture, NULL, fixture_set_up, test_timeout, fixture_tear_down);

  return g_test_run ();
}
