/* test-pkce.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PKCE, state and the authorization URL each provider gets.
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "af-error.h"
#include "af-pkce.h"
#include "af-provider.h"

static void
test_rfc7636_vector (void)
{
  /* RFC 7636, appendix B. */
  g_autofree char *challenge = af_pkce_challenge_s256 ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_verifier (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++)
    {
      char *v = af_pkce_new_verifier ();

      g_assert_cmpuint (strlen (v), >=, 43);
      g_assert_cmpuint (strlen (v), <=, 128);
      g_assert_true (af_pkce_verifier_is_valid (v));
      g_assert_false (g_hash_table_contains (seen, v));
      g_hash_table_add (seen, v);
    }

  g_assert_false (af_pkce_verifier_is_valid ("short"));
  g_assert_false (af_pkce_verifier_is_valid ("dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk="));
}

static void
test_state (void)
{
  g_autofree char *a = af_pkce_new_state ();
  g_autofree char *b = af_pkce_new_state ();

  g_assert_cmpuint (strlen (a), >=, 32);
  g_assert_cmpstr (a, !=, b);
  g_assert_true (af_pkce_equal (a, a));
  g_assert_false (af_pkce_equal (a, b));
  g_assert_false (af_pkce_equal (a, NULL));
  g_assert_false (af_pkce_equal ("abc", "abcd"));
}

static GHashTable *
query_of (const char *url)
{
  const char *query = strchr (url, '?');

  g_assert_nonnull (query);
  return soup_form_decode (query + 1);
}

static void
test_google_url (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfProvider) p = af_provider_new_for_service ("gmail", NULL, &error);
  g_autofree char *url = NULL;
  g_autoptr (GHashTable) q = NULL;

  g_assert_no_error (error);
  af_provider_set_client_id (p, "id.apps.googleusercontent.com");
  url = af_provider_build_auth_url (p, "http://127.0.0.1:4242/oauth/callback", "STATE", "CHALLENGE");
  g_assert_true (g_str_has_prefix (url, "https://accounts.google.com/o/oauth2/v2/auth?"));
  q = query_of (url);
  g_assert_cmpstr (g_hash_table_lookup (q, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (q, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (q, "code_challenge"), ==, "CHALLENGE");
  g_assert_cmpstr (g_hash_table_lookup (q, "state"), ==, "STATE");
  g_assert_cmpstr (g_hash_table_lookup (q, "access_type"), ==, "offline");
  g_assert_cmpstr (g_hash_table_lookup (q, "redirect_uri"), ==, "http://127.0.0.1:4242/oauth/callback");
  g_assert_cmpstr (g_hash_table_lookup (q, "scope"), ==,
                   "openid email https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.send");
  g_assert_cmpstr (af_provider_get_redirect_host (p), ==, "127.0.0.1");
}

static void
test_slack_url (void)
{
  g_autoptr (AfProvider) p = af_provider_new_for_service ("slack", NULL, NULL);
  g_autofree char *url = NULL;
  g_autoptr (GHashTable) q = NULL;

  af_provider_set_client_id (p, "1.2");
  g_assert_cmpstr (af_provider_get_redirect_host (p), ==, "localhost");
  url = af_provider_build_auth_url (p, "http://localhost:4242/oauth/callback", "S", "C");
  g_assert_true (g_str_has_prefix (url, "https://slack.com/oauth/v2/authorize?"));
  q = query_of (url);
  g_assert_cmpstr (g_hash_table_lookup (q, "user_scope"), ==, "chat:write channels:read channels:history im:write users:read");
  g_assert_false (g_hash_table_contains (q, "scope"));
  g_assert_cmpstr (g_hash_table_lookup (q, "code_challenge_method"), ==, "S256");
}

static void
test_missing_capabilities (void)
{
  g_autoptr (AfProvider) p = af_provider_new_for_service ("gmail", NULL, NULL);
  g_auto (GStrv) none = af_provider_get_missing_capabilities (p, NULL);
  g_auto (GStrv) send = af_provider_get_missing_capabilities (p, "openid https://www.googleapis.com/auth/gmail.modify");
  g_autoptr (AfProvider) slack = af_provider_new_for_service ("slack", NULL, NULL);
  g_auto (GStrv) slack_missing = af_provider_get_missing_capabilities (slack, "chat:write,channels:read");

  g_assert_cmpstrv (none, ((const char *const[]){ NULL }));
  g_assert_cmpstrv (send, ((const char *const[]){ "gmail.send", NULL }));
  g_assert_cmpstrv (slack_missing, ((const char *const[]){ "slack.history", "slack.dm", "slack.users", NULL }));
}

static void
test_overrides (void)
{
  g_autoptr (AfProvider) p = NULL;
  g_autoptr (AfProvider) q = NULL;
  g_autoptr (GError) error = NULL;

  g_setenv ("AGENTFLOW_GOOGLE_BASE_URL", "http://127.0.0.1:9/", TRUE);
  g_setenv ("AGENTFLOW_GOOGLE_REVOKE_URL", "https://idp.example.org/revoke", TRUE);
  g_setenv ("AGENTFLOW_GOOGLE_CLIENT_ID", "from-env", TRUE);
  p = af_provider_new_for_service ("calendar", NULL, NULL);
  g_assert_cmpstr (af_provider_get_endpoint (p, AF_PROVIDER_AUTH), ==, "http://127.0.0.1:9/o/oauth2/v2/auth");
  g_assert_cmpstr (af_provider_get_endpoint (p, AF_PROVIDER_TOKEN), ==, "http://127.0.0.1:9/token");
  g_assert_cmpstr (af_provider_get_endpoint (p, AF_PROVIDER_USERINFO), ==, "http://127.0.0.1:9/v1/userinfo");
  g_assert_cmpstr (af_provider_get_endpoint (p, AF_PROVIDER_REVOKE), ==, "https://idp.example.org/revoke");
  g_assert_cmpstr (af_provider_get_client_id (p), ==, "from-env");
  g_unsetenv ("AGENTFLOW_GOOGLE_BASE_URL");
  g_unsetenv ("AGENTFLOW_GOOGLE_REVOKE_URL");
  g_unsetenv ("AGENTFLOW_GOOGLE_CLIENT_ID");

  q = af_provider_new_for_service ("slack", NULL, NULL);
  af_provider_set_base_url (q, "http://127.0.0.1:7");
  g_assert_cmpstr (af_provider_get_endpoint (q, AF_PROVIDER_TOKEN), ==, "http://127.0.0.1:7/api/oauth.v2.access");

  g_assert_null (af_provider_new_for_service ("myspace", NULL, &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT);
}

static void
test_client_id_from_settings (void)
{
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (AfProvider) p = NULL;
  g_autoptr (AfProvider) empty = NULL;
  g_autoptr (GError) error = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, "org.agentflow.App", TRUE) : NULL;

  if (schema == NULL)
    {
      g_test_skip ("GSettings schema not compiled");
      return;
    }

  settings = g_settings_new_full (schema, backend, NULL);
  g_settings_set_string (settings, "slack-client-id", "from-settings");
  p = af_provider_new_for_service ("slack", settings, NULL);
  g_assert_cmpstr (af_provider_get_client_id (p), ==, "from-settings");

  if (GOOGLE_CLIENT_ID[0] == '\0')
    {
      empty = af_provider_new_for_service ("gmail", settings, NULL);
      g_assert_false (af_provider_check_configured (empty, &error));
      g_assert_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED);
      g_assert_nonnull (strstr (error->message, "google-client-id"));
      g_assert_nonnull (strstr (error->message, "AGENTFLOW_GOOGLE_CLIENT_ID"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pkce/rfc7636-vector", test_rfc7636_vector);
  g_test_add_func ("/pkce/verifier", test_verifier);
  g_test_add_func ("/pkce/state", test_state);
  g_test_add_func ("/provider/google-url", test_google_url);
  g_test_add_func ("/provider/slack-url", test_slack_url);
  g_test_add_func ("/provider/missing-capabilities", test_missing_capabilities);
  g_test_add_func ("/provider/overrides", test_overrides);
  g_test_add_func ("/provider/client-id-from-settings", test_client_id_from_settings);

  return g_test_run ();
}
