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
  af_test_cli_tear_down (f, (const char *const[]){ "auth0", "auth0-client", NULL });
}

static void
test_auth0 (Fixture      *f,
            gconstpointer data)
{
  AfSandboxAuth0  *tenant = af_sandbox_auth0_get (f->sandbox);
  g_autofree char *secret = NULL;

  g_assert_cmpint (af_test_cli_run (f, "connect", "auth0", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Signed in to Auth0 as alice@example.com"));
  secret = af_test_keyring_lookup ("auth0", "alice@example.com");
  g_assert_nonnull (secret);

  g_assert_cmpint (af_test_cli_run (f, "connect", "gmail", "--via", "auth0", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected gmail through Auth0 as alice@example.com"));
  g_assert_cmpint (af_test_cli_run (f, "connect", "slack", "--via", "auth0", "--no-browser", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "Connected slack through Auth0"));
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (tenant), ==, 2);
  /* Nothing of Google's or Slack's in the keyring. */
  g_assert_null (af_test_keyring_lookup ("gmail", "alice@example.com"));
  g_assert_null (af_test_keyring_lookup ("slack", "alice@example.com"));

  g_assert_cmpint (af_test_cli_run (f, "accounts", NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^auth0 +alice@example.com +connected$", f->stdout_text->str, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^gmail +alice@example.com +connected$", f->stdout_text->str, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (f->stdout_text->str, "Linked at Auth0"));
  g_assert_true (g_regex_match_simple ("^  google-oauth2 .*gmail.modify", f->stdout_text->str, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^  sign-in-with-slack .*chat:write", f->stdout_text->str, G_REGEX_MULTILINE, 0));

  /* Slack removed at Auth0 (or its refresh token expired there): said so. */
  af_sandbox_auth0_drop_token_set (tenant, AF_SANDBOX_AUTH0_SLACK_CONNECTION);
  g_assert_cmpint (af_test_cli_run (f, "accounts", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "slack (alice@example.com) is no longer linked at Auth0"));
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow connect slack --via auth0"));
  g_assert_cmpint (af_test_cli_run (f, "connect", "slack", "--via", "auth0", "--no-browser", NULL), ==, 0);

  /* Disconnecting Gmail deletes the Google account at Auth0. */
  g_assert_cmpint (af_test_cli_run (f, "disconnect", "gmail", "alice@example.com", NULL), ==, 0);
  g_assert_cmpuint (af_sandbox_auth0_get_n_connected_accounts (tenant), ==, 1);

  /* An expired Auth0 sign-in is said plainly. */
  af_sandbox_auth0_expire_refresh_tokens (tenant);
  g_assert_cmpint (af_test_cli_run (f, "accounts", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow: Sign in to Auth0 again"));
  g_assert_cmpint (af_test_cli_run (f, "connect", "auth0", "--no-browser", NULL), ==, 0);

  /* Signing out revokes the refresh token at Auth0; Slack needs the person. */
  g_assert_cmpint (af_test_cli_run (f, "disconnect", "auth0", "alice@example.com", NULL), ==, 0);
  g_assert_nonnull (strstr (f->stdout_text->str, "was revoked"));
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "auth0.oauth.revoke"), ==, 1);
  g_assert_null (af_test_keyring_lookup ("auth0", "alice@example.com"));
  g_assert_cmpint (af_test_cli_run (f, "accounts", NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^slack +alice@example.com +needs-reconnect$", f->stdout_text->str, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (f->stdout_text->str, "Sign in to Auth0 again"));
}

static void
test_auth0_errors (Fixture      *f,
                   gconstpointer data)
{
  /* Linking before signing in says what to do. */
  g_assert_cmpint (af_test_cli_run (f, "connect", "gmail", "--via", "auth0", "--no-browser", NULL), ==, 1);
  g_assert_nonnull (strstr (f->stdout_text->str, "agentflow connect auth0"));
  /* Only auth0 is a broker. */
  g_assert_cmpint (af_test_cli_run (f, "connect", "gmail", "--via", "okta", NULL), ==, 2);
  /* A tenant that is not https (nor loopback) is refused. */
  g_assert_cmpint (af_test_cli_run (f, "connect", "auth0", "--domain", "http://example.com", "--no-browser", NULL), ==, 1);
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
