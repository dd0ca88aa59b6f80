/* test-vault.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The credential vault on the real gnome-keyring, and what happens when
 * there is no Secret Service: a clear error and nothing stored anywhere.
 */

#include "config.h"

#include <unistd.h>

#include "af-test-auth.h"

static const char bus_config[] =
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen><auth>EXTERNAL</auth>\n"
    "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
    "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n";

static void
test_round_trip (void)
{
  g_autoptr (AfVault) vault = af_vault_new ();
  g_autoptr (AfTokenSet) tokens = af_token_set_new ();
  g_autoptr (AfTokenSet) back = NULL;
  g_autoptr (AfTokenSet) gone = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GAsyncResult) r4 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *raw = NULL;

  tokens->access_token = g_strdup ("access-123");
  tokens->refresh_token = g_strdup ("refresh-456");
  tokens->scope = g_strdup ("openid email");
  tokens->expires_at = 1234567890;

  af_vault_store_async (vault, "gmail", "bob@example.com", NULL, "AgentFlow: Gmail (bob@example.com)", tokens, NULL,
                        af_test_on_result_cb, &r1);
  g_assert_true (af_vault_store_finish (vault, af_test_wait (&r1), &error));
  g_assert_no_error (error);

  /* What any Secret Service client sees: the schema, the attributes, JSON. */
  raw = af_test_keyring_lookup ("gmail", "bob@example.com");
  g_assert_nonnull (strstr (raw, "\"refresh_token\":\"refresh-456\""));

  af_vault_lookup_async (vault, "gmail", "bob@example.com", NULL, NULL, af_test_on_result_cb, &r2);
  back = af_vault_lookup_finish (vault, af_test_wait (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->access_token, ==, "access-123");
  g_assert_cmpstr (back->refresh_token, ==, "refresh-456");
  g_assert_cmpint (back->expires_at, ==, 1234567890);

  af_vault_clear_async (vault, "gmail", "bob@example.com", NULL, NULL, af_test_on_result_cb, &r3);
  g_assert_true (af_vault_clear_finish (vault, af_test_wait (&r3), &error));
  af_vault_lookup_async (vault, "gmail", "bob@example.com", NULL, NULL, af_test_on_result_cb, &r4);
  gone = af_vault_lookup_finish (vault, af_test_wait (&r4), &error);
  g_assert_no_error (error);
  g_assert_null (gone);
}

/* Runs in a child whose session bus has no org.freedesktop.secrets. */
static void
check_no_keyring (void)
{
  g_autoptr (AfVault) vault = af_vault_new ();
  g_autoptr (AfTokenSet) tokens = af_token_set_new ();
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfTokenSet) none = NULL;
  g_autoptr (AfSandbox) sandbox = af_test_sandbox_new ();
  g_autoptr (AfDatabase) db = af_test_database_new (NULL);
  AfTestBrowser browser = { .follow = TRUE };
  g_autoptr (AfAccountManager) m = af_test_manager_new (db, NULL, sandbox, &browser);
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (GPtrArray) list = NULL;

  tokens->access_token = g_strdup ("access");
  af_vault_store_async (vault, "gmail", "a@example.com", NULL, "x", tokens, NULL, af_test_on_result_cb, &r1);
  g_assert_false (af_vault_store_finish (vault, af_test_wait (&r1), &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_NO_KEYRING);
  g_assert_cmpstr (error->message, ==, "No keyring is available — install gnome-keyring or KeePassXC with Secret Service enabled");
  g_clear_error (&error);

  af_vault_lookup_async (vault, "gmail", "a@example.com", NULL, NULL, af_test_on_result_cb, &r2);
  none = af_vault_lookup_finish (vault, af_test_wait (&r2), &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NO_KEYRING);
  g_clear_error (&error);

  /* Nothing was cleared either, and saying so is not "cleared". */
  af_vault_clear_async (vault, "gmail", "a@example.com", NULL, NULL, af_test_on_result_cb, &r3);
  g_assert_false (af_vault_clear_finish (vault, af_test_wait (&r3), &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_NO_KEYRING);
  g_clear_error (&error);

  /* A whole connect: the error reaches the person, and no fallback
   * stores anything (the database has no row). */
  c = af_test_connect (m, "gmail", NULL, &error);
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, AF_ERROR_NO_KEYRING);
  list = af_account_manager_list_connections (m, NULL);
  g_assert_cmpuint (list->len, ==, 0);
  af_test_browser_clear (&browser);
}

static void
test_no_secret_service (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) daemon = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *config = NULL;
  g_autofree char *address = NULL;
  g_autofree char *dbus_daemon = NULL;
  int              fd;

  if (g_test_subprocess ())
    {
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", g_getenv ("AF_TEST_EMPTY_BUS"), TRUE);
      check_no_keyring ();
      return;
    }

  dbus_daemon = g_find_program_in_path ("dbus-daemon");
  if (dbus_daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }

  /* A session bus that knows no services at all. */
  fd = g_file_open_tmp ("af-bus-XXXXXX.conf", &config, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (config, bus_config, -1, &error));
  close (fd);
  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "dbus-daemon", "--config-file", config,
                             "--print-address=1", "--nofork", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);

  g_setenv ("AF_TEST_EMPTY_BUS", address, TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("AF_TEST_EMPTY_BUS");
  g_subprocess_force_exit (daemon);
  g_unlink (config);
  g_test_trap_assert_passed ();
}

static void
test_no_bus (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/agentflow-test-bus", TRUE);
      check_no_keyring ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vault/round-trip", test_round_trip);
  g_test_add_func ("/vault/no-secret-service", test_no_secret_service);
  g_test_add_func ("/vault/no-bus", test_no_bus);

  return g_test_run ();
}
