/* test-keyring-locked.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real gnome-keyring whose login collection gets locked (Secret
 * Service Lock), as after a screen lock or at login without the keyring
 * unlocked, with no prompter to ask for the password (headless: the same
 * answer as an unlock prompt the person dismissed). Every path must say
 * "locked", never "no sign-in", never clear or claim to have cleared a
 * token, and never write a secret anywhere else.
 *
 * The test runs its own session bus and keyring daemon, so it can lock
 * them without disturbing the other suites.
 */

#include "config.h"

#include <signal.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "af-test-auth.h"
#include "af-test-wait.h"

#define PASSWORD       "agentflow-locked-test"
#define COLLECTION     "/org/freedesktop/secrets/collection/login"
#define LOCKED_MESSAGE "The keyring is locked — unlock it to let AgentFlow use your accounts"

static const char bus_config[] =
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen><auth>EXTERNAL</auth>\n"
    "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
    "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n";

static GSubprocess *bus;
static GSubprocess *keyring;
static char        *tmp;

static GDBusConnection *connection;

static GDBusConnection *
session (void)
{
  g_autoptr (GError) error = NULL;

  /* GIO only keeps a weak reference to the bus singleton. */
  if (connection == NULL)
    connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* Our daemons die with us, even when a timeout kills the test. */
static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static gboolean
secrets_has_owner (void)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (session (), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                            "org.freedesktop.DBus", "NameHasOwner",
                                                            g_variant_new ("(s)", "org.freedesktop.secrets"),
                                                            G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean has_owner = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static gboolean
start_keyring (GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *config = NULL;
  g_autofree char *address = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *data = NULL;
  GOutputStream   *in;
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");
  g_autofree char *keyring_daemon = g_find_program_in_path ("gnome-keyring-daemon");

  if (dbus_daemon == NULL || keyring_daemon == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "dbus-daemon or gnome-keyring-daemon is not installed");
      return FALSE;
    }

  if ((tmp = g_dir_make_tmp ("af-keyring-XXXXXX", error)) == NULL)
    return FALSE;
  config = g_build_filename (tmp, "bus.conf", NULL);
  runtime = g_build_filename (tmp, "runtime", NULL);
  data = g_build_filename (tmp, "data", NULL);
  g_mkdir_with_parents (runtime, 0700);
  g_mkdir_with_parents (data, 0700);
  if (!g_file_set_contents (config, bus_config, -1, error))
    return FALSE;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  bus = g_subprocess_launcher_spawn (launcher, error, "dbus-daemon", "--config-file", config, "--print-address=1",
                                     "--nofork", NULL);
  g_clear_object (&launcher);
  if (bus == NULL)
    return FALSE;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  if ((address = g_data_input_stream_read_line (out, NULL, NULL, error)) == NULL)
    return FALSE;

  /* Everything of the daemon's in our temporary folder. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", tmp, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  keyring = g_subprocess_launcher_spawn (launcher, error, "gnome-keyring-daemon", "--foreground", "--unlock",
                                         "--components=secrets", NULL);
  if (keyring == NULL)
    return FALSE;
  in = g_subprocess_get_stdin_pipe (keyring);
  if (!g_output_stream_write_all (in, PASSWORD, strlen (PASSWORD), NULL, NULL, error) ||
      !g_output_stream_close (in, NULL, error))
    return FALSE;

  /* From here on this process's session bus is the private one. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_dbus_connection_set_exit_on_close (session (), FALSE);

  af_test_wait_until (secrets_has_owner (), "gnome-keyring-daemon to own org.freedesktop.secrets on the private bus");
  return TRUE;
}

static void
stop_keyring (void)
{
  if (keyring != NULL)
    {
      g_subprocess_force_exit (keyring);
      g_subprocess_wait (keyring, NULL, NULL);
    }
  if (bus != NULL)
    {
      g_subprocess_force_exit (bus);
      g_subprocess_wait (bus, NULL, NULL);
    }
  g_clear_object (&keyring);
  g_clear_object (&bus);
  g_clear_object (&connection);
  if (tmp != NULL)
    {
      g_autoptr (GSubprocess) rm = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, NULL, "rm", "-rf", tmp, NULL);

      if (rm != NULL)
        g_subprocess_wait (rm, NULL, NULL);
      g_clear_pointer (&tmp, g_free);
    }
}

static void
lock_keyring (void)
{
  g_autoptr (GError) error = NULL;
  const char *paths[] = { COLLECTION, NULL };
  g_autoptr (GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (session (), "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new ("(^ao)", paths), G_VARIANT_TYPE ("(aoo)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* What the person does in Seahorse: type the password. Headless there
 * is no prompter, so through gnome-keyring's own interface. */
static void
unlock_keyring (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) opened = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) output = NULL;
  g_autofree char *session_path = NULL;
  GVariant        *secret;

  opened = g_dbus_connection_call_sync (session (), "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                        "org.freedesktop.Secret.Service", "OpenSession",
                                        g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                        G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (opened, "(vo)", &output, &session_path);

  secret = g_variant_new ("(o@ay@ays)", session_path,
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, PASSWORD, strlen (PASSWORD), 1),
                          "text/plain");
  reply = g_dbus_connection_call_sync (session (), "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                       "UnlockWithMasterPassword", g_variant_new ("(o@(oayays))", COLLECTION, secret),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* Whether an item is there, without reading it or asking to unlock. */
static guint
count_items (const char *service,
             const char *account,
             gboolean   *locked)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) ss = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_autoptr (GHashTable) attrs = secret_attributes_build (af_vault_get_schema (), "service", service, "account", account, NULL);
  GList *items = secret_service_search_sync (ss, af_vault_get_schema (), attrs, SECRET_SEARCH_ALL, NULL, &error);
  guint  n = g_list_length (items);

  g_assert_no_error (error);
  if (locked != NULL)
    {
      *locked = FALSE;
      for (GList *l = items; l != NULL; l = l->next)
        *locked |= secret_item_get_locked (l->data);
    }
  g_list_free_full (items, g_object_unref);
  return n;
}

static void
test_vault (void)
{
  g_autoptr (AfVault) vault = af_vault_new ();
  g_autoptr (AfTokenSet) tokens = af_token_set_new ();
  g_autoptr (AfTokenSet) back = NULL;
  g_autoptr (AfTokenSet) none = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GAsyncResult) r4 = NULL;
  g_autoptr (GAsyncResult) r5 = NULL;
  g_autoptr (GAsyncResult) r6 = NULL;
  g_autoptr (GError) error = NULL;
  gboolean locked = FALSE;

  tokens->access_token = g_strdup ("access-locked");
  tokens->refresh_token = g_strdup ("refresh-locked");
  af_vault_store_async (vault, "gmail", "vault@example.com", NULL, "AgentFlow: Gmail (vault@example.com)", tokens, NULL,
                        af_test_on_result_cb, &r1);
  g_assert_true (af_vault_store_finish (vault, af_test_wait (&r1), &error));
  g_assert_no_error (error);

  lock_keyring ();

  /* Reading: locked, with the sentence the person needs, not "none". */
  af_vault_lookup_async (vault, "gmail", "vault@example.com", NULL, NULL, af_test_on_result_cb, &r2);
  back = af_vault_lookup_finish (vault, af_test_wait (&r2), &error);
  g_assert_null (back);
  g_assert_error (error, AF_ERROR, AF_ERROR_KEYRING_LOCKED);
  g_assert_cmpstr (error->message, ==, LOCKED_MESSAGE);
  g_clear_error (&error);

  /* An item we cannot see may well exist: still "locked". */
  af_vault_lookup_async (vault, "gmail", "nobody@example.com", NULL, NULL, af_test_on_result_cb, &r3);
  none = af_vault_lookup_finish (vault, af_test_wait (&r3), &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);

  /* Writing: refused, and nothing written elsewhere. */
  af_vault_store_async (vault, "gmail", "new@example.com", NULL, "x", tokens, NULL, af_test_on_result_cb, &r4);
  g_assert_false (af_vault_store_finish (vault, af_test_wait (&r4), &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);

  /* Clearing: a locked item stays, so it must not read as cleared. */
  af_vault_clear_async (vault, "gmail", "vault@example.com", NULL, NULL, af_test_on_result_cb, &r5);
  g_assert_false (af_vault_clear_finish (vault, af_test_wait (&r5), &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);
  g_assert_cmpuint (count_items ("gmail", "vault@example.com", &locked), ==, 1);
  g_assert_true (locked);
  g_assert_cmpuint (count_items ("gmail", "new@example.com", NULL), ==, 0);

  /* Unlocked again: everything is where it was. */
  unlock_keyring ();
  af_vault_lookup_async (vault, "gmail", "vault@example.com", NULL, NULL, af_test_on_result_cb, &r6);
  back = af_vault_lookup_finish (vault, af_test_wait (&r6), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->refresh_token, ==, "refresh-locked");
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "account", "vault@example.com", NULL);
}

typedef AfTestManagerFixture Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  af_test_manager_fixture_set_up (f);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  unlock_keyring ();
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "gmail", NULL);
  af_test_manager_fixture_clear (f);
}

static void
on_needs_reconnect_cb (AfAccountManager *m,
                       const char       *service,
                       const char       *account,
                       const char       *reason,
                       guint            *n)
{
  (*n)++;
}

static void
test_token_source (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfConnection) row = NULL;
  g_autoptr (AfAccountManager) later = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autofree char *token = NULL;
  guint            signalled = 0;

  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_no_error (error);

  /* The next session starts with the keyring locked. */
  lock_keyring ();
  later = af_test_manager_new (f->db, NULL, f->sandbox, NULL);
  g_signal_connect (later, "needs-reconnect", G_CALLBACK (on_needs_reconnect_cb), &signalled);
  source = af_account_manager_get_token_source (later, "gmail", c->account, NULL, &error);
  g_assert_no_error (error);
  token = af_test_get_token (source, FALSE, &error);
  g_assert_null (token);
  g_assert_error (error, AF_ERROR, AF_ERROR_KEYRING_LOCKED);
  g_assert_cmpstr (error->message, ==, LOCKED_MESSAGE);
  g_clear_error (&error);

  /* Locked is not "reconnect": the account is fine. */
  g_assert_cmpuint (signalled, ==, 0);
  row = af_connection_store_get (af_account_manager_get_store (later), "gmail", c->account, NULL);
  g_assert_cmpstr (row->status, ==, AF_CONNECTION_CONNECTED);

  /* Once unlocked, the same source works. */
  unlock_keyring ();
  token = af_test_get_token (source, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
}

static void
test_connect (Fixture      *f,
              gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (GPtrArray) list = NULL;

  lock_keyring ();
  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, AF_ERROR_KEYRING_LOCKED);
  g_assert_cmpstr (error->message, ==, LOCKED_MESSAGE);

  /* The grant the provider issued is not left live with nobody holding
   * it: revoked (RFC 7009) before the error was reported. */
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "google.oauth2.revoke"), ==, 1);
  g_assert_false (af_sandbox_oauth_has_live_grant (f->oauth));

  /* No row, no item: no half connection and no fallback. */
  list = af_account_manager_list_connections (f->manager, NULL);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_cmpuint (count_items ("gmail", AF_SANDBOX_GOOGLE_ACCOUNT, NULL), ==, 0);
}

static void
test_disconnect (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfConnection) row = NULL;
  g_autoptr (GPtrArray) own = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *agent_secret = NULL;
  g_autofree char *agent_refresh = NULL;
  gboolean         revoked = TRUE;
  gboolean         locked = FALSE;
  guint            revokes;

  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&c, af_connection_free);
  c = af_test_connect_for_agent (f->manager, "gmail", "agent-l", &error);
  g_assert_no_error (error);
  secret = af_test_keyring_lookup ("gmail", c->account);
  refresh = af_test_json_member (secret, "refresh_token");
  agent_secret = af_test_keyring_lookup_agent ("gmail", c->account, "agent-l");
  agent_refresh = af_test_json_member (agent_secret, "refresh_token");

  lock_keyring ();
  revokes = af_sandbox_get_count (f->sandbox, "google.oauth2.revoke");

  /* The token cannot be read to revoke it, nor cleared: the account is
   * out of use ("revoking") and waits, it is not reported gone. */
  g_assert_false (af_test_disconnect (f->manager, "gmail", c->account, &revoked, &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);
  row = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", c->account, NULL);
  g_assert_cmpstr (row->status, ==, AF_CONNECTION_REVOKING);

  /* Same for an agent's own credential when the agent is deleted. */
  g_assert_true (af_test_forget_agent (f->manager, "agent-l", &error));
  g_assert_no_error (error);
  own = af_account_manager_list_agent_connections (f->manager, "agent-l", NULL);
  g_assert_cmpuint (own->len, ==, 1);
  g_assert_cmpstr (((AfConnection *)own->pdata[0])->status, ==, AF_CONNECTION_REVOKING);

  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "google.oauth2.revoke"), ==, revokes);
  g_assert_cmpuint (count_items ("gmail", c->account, &locked), ==, 2);
  g_assert_true (locked);
  g_assert_true (af_sandbox_oauth_is_token_live (f->oauth, refresh));
  g_assert_cmpuint (af_test_retry_revocations (f->manager, &error), ==, 2);

  /* Unlocked: the retry revokes both, then clears them. */
  unlock_keyring ();
  g_assert_cmpuint (af_test_retry_revocations (f->manager, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, refresh));
  g_assert_false (af_sandbox_oauth_is_token_live (f->oauth, agent_refresh));
  g_assert_cmpuint (count_items ("gmail", c->account, NULL), ==, 0);
  g_clear_pointer (&row, af_connection_free);
  row = af_connection_store_get (af_account_manager_get_store (f->manager), "gmail", c->account, NULL);
  g_assert_null (row);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!start_keyring (&error))
    {
      g_print ("1..0 # SKIP %s\n", error->message);
      stop_keyring ();
      return 0;
    }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/keyring-locked/vault", test_vault);
  ADD ("/keyring-locked/token-source", test_token_source);
  ADD ("/keyring-locked/connect", test_connect);
  ADD ("/keyring-locked/disconnect-and-forget-agent", test_disconnect);
#undef ADD

  status = g_test_run ();
  stop_keyring ();
  return status;
}
