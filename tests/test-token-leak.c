/* test-token-leak.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After a full connect and a refresh, the access and refresh tokens are
 * in the keyring and nowhere else we write: not in the database (nor its
 * WAL), not in GSettings, not in any log line.
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "af-test-auth.h"

static GString *captured;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append (captured, fields[i].value);
      else
        g_string_append_len (captured, fields[i].value, fields[i].length);
      g_string_append_c (captured, ' ');
    }
  g_string_append_c (captured, '\n');

  return G_LOG_WRITER_HANDLED;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize            len = 0;

  gsize n = strlen (needle);

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_nowhere (const char *dir,
                GSettings  *settings,
                const char *secret)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;
  const char *name;
  guint       files = 0;

  g_assert_nonnull (secret);
  g_assert_cmpuint (strlen (secret), >, 20);

  /* agentflow.db, agentflow.db-wal, agentflow.db-shm, whatever is there. */
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      files++;
      if (file_contains (path, secret))
        g_error ("a token leaked into %s", name);
    }
  g_assert_cmpuint (files, >=, 1);

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i]; i++)
    {
      g_autoptr (GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, secret));
    }

  g_assert_null (strstr (captured->str, secret));
}

static void
test_no_leak (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (AfSandbox) sandbox = af_test_sandbox_new ();
  g_autofree char *dir = NULL;
  g_autoptr (AfDatabase) db = af_test_database_new (&dir);
  AfTestBrowser browser = { .follow = TRUE };
  g_autoptr (SoupSession) session = af_test_session_new ();
  g_autoptr (AfAccountManager) m = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autoptr (AfConnection) agent_c = NULL;
  g_autoptr (AfConnection) oidc_c = NULL;
  g_autofree char       *agent_secret = NULL;
  g_autofree char       *oidc_secret = NULL;
  g_autofree char       *secret = NULL;
  g_autofree char       *access0 = NULL;
  g_autofree char       *refresh0 = NULL;
  g_autofree char       *access1 = NULL;
  g_autofree char       *access2 = NULL;
  GSettingsSchemaSource *schemas = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = schemas ? g_settings_schema_source_lookup (schemas, "org.agentflow.App", TRUE) : NULL;
  gboolean revoked;

  if (schema == NULL)
    {
      g_test_skip ("GSettings schema not compiled");
      return;
    }

  /* The client ID comes from GSettings here, so the settings are used. */
  settings = g_settings_new_full (schema, backend, NULL);
  g_settings_set_string (settings, "google-client-id", AF_SANDBOX_GOOGLE_CLIENT_ID);
  m = af_account_manager_new (db, settings, session);
  af_account_manager_set_base_url (m, af_sandbox_get_base_url (sandbox));
  af_account_manager_set_uri_handler (m, af_test_browser_open, &browser, NULL);

  c = af_test_connect (m, "gmail", NULL, &error);
  g_assert_no_error (error);

  source = af_account_manager_get_token_source (m, "gmail", c->account, NULL, &error);
  access1 = af_test_get_token (source, TRUE, &error);
  g_assert_no_error (error);
  access2 = af_test_get_token (source, FALSE, &error);
  g_assert_cmpstr (access1, ==, access2);

  secret = af_test_keyring_lookup ("gmail", c->account);
  refresh0 = af_test_json_member (secret, "refresh_token");
  g_assert_nonnull (strstr (browser.last_url, "client_id=" AF_SANDBOX_GOOGLE_CLIENT_ID));

  assert_nowhere (dir, settings, access1);
  assert_nowhere (dir, settings, refresh0);
  /* The log did record the work, so the check above means something. */
  g_assert_nonnull (strstr (captured->str, "Connected gmail account alice@example.com"));

  /* An agent's own credential, and an OpenID provider whose endpoints
   * the database keeps: still no token in either. */
  af_account_manager_set_client_id (m, "oidc", AF_SANDBOX_OIDC_CLIENT_ID);
  agent_c = af_test_connect_for_agent (m, "gmail", "agent-leak", &error);
  g_assert_no_error (error);
  oidc_c = af_test_connect (m, "oidc", NULL, &error);
  g_assert_no_error (error);
  agent_secret = af_test_keyring_lookup_agent ("gmail", agent_c->account, "agent-leak");
  oidc_secret = af_test_keyring_lookup ("oidc", oidc_c->account);
  for (const char *const *member = (const char *const[]){ "access_token", "refresh_token", NULL }; *member; member++)
    {
      g_autofree char *a = af_test_json_member (agent_secret, *member);
      g_autofree char *o = af_test_json_member (oidc_secret, *member);

      assert_nowhere (dir, settings, a);
      assert_nowhere (dir, settings, o);
    }

  g_assert_true (af_test_forget_agent (m, "agent-leak", &error));
  g_assert_true (af_test_disconnect (m, "oidc", oidc_c->account, &revoked, &error));
  g_assert_true (af_test_disconnect (m, "gmail", c->account, &revoked, &error));
  assert_nowhere (dir, settings, access1);
  assert_nowhere (dir, settings, refresh0);
  af_test_browser_clear (&browser);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Every level, debug included, goes through the writer. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  captured = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/token-leak/connect-refresh-disconnect", test_no_leak);

  return g_test_run ();
}
