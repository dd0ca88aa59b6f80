/* test-cli-accounts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `agentflow connect / accounts / disconnect` against a sandbox running in
 * this process: the test reads the printed URL and follows it like a
 * browser would, with no display.
 */

#include "config.h"

#include "af-test-cli.h"

typedef AfTestCli Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  af_test_cli_set_up (f);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  af_test_cli_tear_down (f, (const char *const[]){ "gmail", "oidc", NULL });
}

static void
test_connect_accounts_disconnect (Fixture      *f,
                                  gconstpointer data)
{
  g_autofree char *secret = NULL;

  g_assert_cmpint (af_test_cli_run (f, "connect", "gmail", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Open this address in a web browser"));
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected as alice@example.com"));
  g_assert_cmpuint (f->browser.visits, ==, 1);
  secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_nonnull (secret);
  g_clear_pointer (&secret, g_free);

  g_assert_cmpint (af_test_cli_run (f, "accounts", NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^gmail +alice@example.com +connected$", f->stdout_text->str, G_REGEX_MULTILINE, 0));

  g_assert_cmpint (af_test_cli_run (f, "disconnect", "gmail", "alice@example.com", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Disconnected"));
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "google.oauth2.revoke"), ==, 1);
  secret = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_null (secret);

  g_assert_cmpint (af_test_cli_run (f, "accounts", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "No accounts are connected."));
}

static void
test_connect_for_agent (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *shared = NULL;
  g_autofree char *own = NULL;

  g_assert_cmpint (af_test_cli_run (f, "connect", "gmail", "--agent", "inbox-triage", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected as alice@example.com for agent inbox-triage"));

  /* The keyring item is the agent's, not a shared one. */
  own = af_test_keyring_lookup_agent ("gmail", "alice@example.com", "inbox-triage");
  g_assert_nonnull (own);
  shared = af_test_keyring_lookup ("gmail", "alice@example.com");
  g_assert_null (shared);

  g_assert_cmpint (af_test_cli_run (f, "accounts", NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^gmail +alice@example.com +connected \\(agent inbox-triage\\)$",
                                       f->stdout_text->str, G_REGEX_MULTILINE, 0));

  /* --agent only makes sense for connect, and needs an id. */
  g_assert_cmpint (af_test_cli_run (f, "accounts", "--agent", "inbox-triage", NULL), ==, 2);
  g_assert_cmpint (af_test_cli_run (f, "connect", "gmail", "--agent", "", NULL), ==, 2);

  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "agent", "inbox-triage", NULL);
}

static void
test_errors (Fixture      *f,
             gconstpointer data)
{
  af_sandbox_oauth_set_consent (af_sandbox_oauth_get (f->sandbox), AF_SANDBOX_CONSENT_DENY);
  g_assert_cmpint (af_test_cli_run (f, "connect", "gmail", "--no-browser", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow: You declined access"));

  g_assert_cmpint (af_test_cli_run (f, "connect", "myspace", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "Unknown service"));

  g_assert_cmpint (af_test_cli_run (f, "disconnect", "gmail", "nobody@example.com", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "is connected"));

  g_assert_cmpint (af_test_cli_run (f, "connect", NULL), ==, 2);
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
  g_assert_cmpint (af_test_cli_run (f, "connect", "oidc", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected as alice@example.com"));
  g_assert_null (strstr (f->stdout_text->str, "Warning"));

  g_assert_cmpint (af_test_cli_run (f, "disconnect", "oidc", "alice@example.com", NULL), ==, 0);
  g_assert_null (strstr (f->stdout_text->str, "was revoked"));
  g_assert_nonnull (strstr (f->stdout_text->str, "could not be revoked at the provider"));
  g_assert_nonnull (strstr (f->stdout_text->str, af_sandbox_get_base_url (f->sandbox)));
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "google.oauth2.revoke"), ==, 0);

  /* The person unticks offline access. */
  af_sandbox_oauth_set_withheld_scopes (oauth, "offline_access");
  g_assert_cmpint (af_test_cli_run (f, "connect", "oidc", "--no-browser", NULL), ==, 0);
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
  g_assert_cmpint (af_test_cli_run (f, "connect", "oidc", "--timeout", "2", "--no-browser", NULL), ==, 1);
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
