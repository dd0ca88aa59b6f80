/* test-oidc-strict.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing in to an OpenID Connect provider that follows the
 * specifications to the letter (the sandbox in strict mode): refresh
 * tokens only with prompt=consent, no revocation endpoint, the issuer in
 * the redirect, short-lived tokens; and what AgentFlow refuses from a
 * provider it cannot trust. Against the real keyring.
 */

#include "config.h"

#include "af-credential-private.h"
#include "af-credential.h"
#include "af-test-auth.h"

#define ACCOUNT AF_SANDBOX_GOOGLE_ACCOUNT

typedef AfTestManagerFixture Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  af_test_manager_fixture_set_up (f);
  af_sandbox_oauth_set_strict_oidc (f->oauth, TRUE);
  af_sandbox_oauth_set_access_token_lifetime (f->oauth, data ? GPOINTER_TO_UINT (data) : 300);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "oidc", NULL);
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "gmail", NULL);
  af_test_manager_fixture_clear (f);
}

static guint
count (Fixture    *f,
       const char *method)
{
  return af_sandbox_get_count (f->sandbox, method);
}

static AfConnection *
connect_oidc (Fixture *f,
              char   **warning,
              GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  AfConnection *c;

  af_account_manager_connect_async (f->manager, "oidc", NULL, af_test_on_result_cb, &result);
  c = af_account_manager_connect_finish (f->manager, af_test_wait (&result), NULL, error);
  if (warning != NULL)
    *warning = af_account_manager_connect_dup_warning (f->manager, result);
  return c;
}

static char *
stored (const char *service,
        const char *member)
{
  g_autofree char *secret = af_test_keyring_lookup (service, ACCOUNT);

  return secret ? af_test_json_member (secret, member) : NULL;
}

static guint
n_connections (Fixture *f)
{
  g_autoptr (GPtrArray) list = af_account_manager_list_connections (f->manager, NULL);

  return list->len;
}

/* The whole sign-in, end to end, then tokens for as long as it lasts:
 * prompt=consent earns the refresh token; each short-lived access token
 * is refreshed once, near its expiry. */
static void
test_sign_in (Fixture      *f,
              gconstpointer data)
{
  guint lifetime = GPOINTER_TO_UINT (data);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *token = NULL;
  g_autofree char *previous = NULL;
  guint            n;

  c = connect_oidc (f, &warning, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->account, ==, ACCOUNT);
  g_assert_nonnull (strstr (f->browser.last_url, "prompt=consent"));
  g_assert_nonnull (strstr (f->browser.last_url, "offline_access"));
  g_assert_nonnull (strstr (f->browser.last_url, "nonce="));
  refresh = stored ("oidc", "refresh_token");
  g_assert_nonnull (refresh);
  g_assert_true (af_sandbox_oauth_is_token_live (f->oauth, refresh));
  g_assert_null (warning);
  /* Who signed in came from the ID token, nonce and all. */
  g_assert_cmpuint (count (f, "google.oauth2.userinfo"), ==, 0);

  source = af_account_manager_get_token_source (f->manager, "oidc", ACCOUNT, NULL, &error);
  g_assert_no_error (error);
  n = count (f, "google.oauth2.token");
  token = af_test_get_token (source, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n);

  previous = g_steal_pointer (&token);
  for (guint expiry = 1; expiry <= 3; expiry++)
    {
      af_credential_set_clock_offset (AF_CREDENTIAL (source), (gint64)(lifetime - 1) * G_USEC_PER_SEC);
      token = af_test_get_token (source, FALSE, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (token, !=, previous);
      g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n + expiry);
      g_free (previous);
      previous = g_steal_pointer (&token);
      af_credential_set_clock_offset (AF_CREDENTIAL (source), 0);
      token = af_test_get_token (source, FALSE, &error);
      g_assert_cmpstr (token, ==, previous);
      g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n + expiry);
      g_clear_pointer (&token, g_free);
    }
}

/* The person unticks offline access: connected, told now that it ends
 * at expiry, and at expiry asked to reconnect in those words. */
static void
test_no_refresh_token (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (AfConnection) row = NULL;
  g_autoptr (AfTokenSource) source = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *token = NULL;

  af_sandbox_oauth_set_withheld_scopes (f->oauth, "offline_access");
  c = connect_oidc (f, &warning, &error);
  g_assert_no_error (error);
  refresh = stored ("oidc", "refresh_token");
  g_assert_null (refresh);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "did not give AgentFlow lasting access"));
  g_assert_nonnull (strstr (warning, "in about 5 minutes"));

  source = af_account_manager_get_token_source (f->manager, "oidc", ACCOUNT, NULL, &error);
  g_assert_no_error (error);
  token = af_test_get_token (source, FALSE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&token, g_free);

  /* Used to its last second, then over. */
  af_credential_set_clock_offset (AF_CREDENTIAL (source), 299 * G_USEC_PER_SEC);
  token = af_test_get_token (source, FALSE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&token, g_free);
  af_credential_set_clock_offset (AF_CREDENTIAL (source), 301 * G_USEC_PER_SEC);
  token = af_test_get_token (source, FALSE, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_assert_nonnull (strstr (error->message, "has expired"));
  row = af_connection_store_get (af_account_manager_get_store (f->manager), "oidc", ACCOUNT, NULL);
  g_assert_cmpstr (row->status, ==, AF_CONNECTION_NEEDS_RECONNECT);
}

/* No revocation endpoint: forgotten here, and not called "revoked". */
static void
test_disconnect_without_revocation (Fixture      *f,
                                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *manage_url = NULL;
  g_autofree char *secret = NULL;
  AfRevocation     revocation = AF_REVOCATION_DONE;

  c = connect_oidc (f, NULL, &error);
  g_assert_no_error (error);
  refresh = stored ("oidc", "refresh_token");

  af_account_manager_disconnect_async (f->manager, "oidc", ACCOUNT, NULL, af_test_on_result_cb, &result);
  af_test_wait (&result);
  g_assert_true (af_account_manager_disconnect_finish_full (f->manager, result, &revocation, &manage_url, &error));
  g_assert_no_error (error);
  g_assert_cmpint (revocation, ==, AF_REVOCATION_UNSUPPORTED);
  g_assert_cmpstr (manage_url, ==, af_sandbox_get_base_url (f->sandbox));

  /* Gone here; still live there, as the person was told. */
  secret = af_test_keyring_lookup ("oidc", ACCOUNT);
  g_assert_null (secret);
  g_assert_cmpuint (n_connections (f), ==, 0);
  g_assert_true (af_sandbox_oauth_is_token_live (f->oauth, refresh));
  g_assert_cmpuint (count (f, "google.oauth2.revoke"), ==, 0);
}

typedef enum
{
  ISS_WRONG,
  ISS_MISSING,
} IssCase;

typedef struct
{
  Fixture     *f;
  IssCase      what;
  SoupSession *session;
  gboolean     done;
} Tamper;

static void
on_tampered_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Tamper *t = user_data;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  t->done = TRUE;
}

/* The authorization server answered: rewrite its redirect, then follow
 * it (an attacker's server in a mix-up attack answers for another
 * issuer, or leaves it out). */
static void
on_authorized_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Tamper      *t = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (SoupMessage) cb = NULL;
  g_autoptr (GUri) location = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *tampered = NULL;
  g_autoptr (GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 302);
  location = g_uri_parse (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location"),
                          G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  query = soup_form_decode (g_uri_get_query (location));
  g_assert_cmpstr (g_hash_table_lookup (query, "iss"), ==, af_sandbox_get_base_url (t->f->sandbox));
  if (t->what == ISS_WRONG)
    /* soup_form_decode () tables free keys only. */
    g_hash_table_replace (query, g_strdup ("iss"), (char *)"https://attacker.example");
  else
    g_hash_table_remove (query, "iss");
  encoded = soup_form_encode_hash (query);
  tampered = g_strdup_printf ("http://%s:%d%s?%s", g_uri_get_host (location), g_uri_get_port (location),
                              g_uri_get_path (location), encoded);
  cb = soup_message_new ("GET", tampered);
  soup_session_send_and_read_async (t->session, cb, G_PRIORITY_DEFAULT, NULL, on_tampered_cb, t);
}

static void
tampering_browser (const char *uri,
                   gpointer    user_data)
{
  Tamper *t = user_data;
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (t->session, msg, G_PRIORITY_DEFAULT, NULL, on_authorized_cb, t);
}

/* RFC 9207: the provider promised its issuer in the redirect; a redirect
 * naming another one, or none, is refused and its code never redeemed. */
static void
test_iss_parameter (Fixture      *f,
                    gconstpointer data)
{
  IssCase what = GPOINTER_TO_INT (data) == 1 ? ISS_WRONG : ISS_MISSING;
  Tamper  t = { f, what, NULL, FALSE };
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  guint n = count (f, "google.oauth2.token");

  t.session = soup_session_new ();
  af_account_manager_set_uri_handler (f->manager, tampering_browser, &t, NULL);
  g_test_expect_message ("af-loopback-server", G_LOG_LEVEL_MESSAGE, "*issuer*");
  c = connect_oidc (f, NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "did not come from the provider AgentFlow asked"));
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, n);
  g_assert_cmpuint (n_connections (f), ==, 0);
  while (!t.done)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (t.session);
}

/* OpenID Connect Discovery §4.3: the document must name the issuer we
 * asked; a provider that names another is refused before any sign-in. */
static void
test_issuer_mismatch (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;

  af_sandbox_oauth_set_discovery_member (f->oauth, "issuer", "https://impostor.example");
  c = connect_oidc (f, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "is not the OpenID Connect provider it claims to be"));
  g_assert_nonnull (strstr (error->message, "impostor.example"));
  g_assert_cmpuint (f->browser.visits, ==, 0);
  g_assert_cmpuint (n_connections (f), ==, 0);
}

/* Codes and tokens only over TLS, the loopback interface aside. */
static void
test_insecure_endpoint (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;

  af_sandbox_oauth_set_discovery_member (f->oauth, "token_endpoint", "http://auth.example.com/token");
  c = connect_oidc (f, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "http://auth.example.com/token"));
  g_assert_nonnull (strstr (error->message, "only signs in over HTTPS"));
  g_assert_cmpuint (f->browser.visits, ==, 0);
  g_clear_error (&error);

  /* The issuer itself, before anything is fetched from it. */
  af_account_manager_set_oidc_issuer (f->manager, "http://auth.example.com");
  c = connect_oidc (f, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "only signs in over HTTPS"));
}

/* An unverified address is not an identity, whichever way it comes: the
 * ID token is refused, and so is userinfo. */
static void
test_unverified_email (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;
  g_autofree char *secret = NULL;

  af_sandbox_oauth_set_email_verified (f->oauth, FALSE);
  g_test_expect_message ("af-oauth-flow", G_LOG_LEVEL_MESSAGE, "*no verified e-mail address*");
  c = connect_oidc (f, NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "has not verified the e-mail address " ACCOUNT));
  g_assert_cmpuint (count (f, "google.oauth2.userinfo"), ==, 1);
  g_assert_cmpuint (n_connections (f), ==, 0);
  secret = af_test_keyring_lookup ("oidc", ACCOUNT);
  g_assert_null (secret);
}

/* A grant the app cannot keep is revoked before the error is reported:
 * here the identity is refused after the code exchange. */
static void
test_unkept_grant_revoked (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;

  af_sandbox_oauth_set_email_verified (f->oauth, FALSE);
  g_test_expect_message ("af-oauth-flow", G_LOG_LEVEL_MESSAGE, "*no verified e-mail address*");
  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_null (c);
  g_assert_error (error, AF_ERROR, AF_ERROR_AUTH_FAILED);
  g_assert_cmpuint (count (f, "google.oauth2.token"), ==, 1);
  g_assert_cmpuint (count (f, "google.oauth2.revoke"), ==, 1);
  g_assert_false (af_sandbox_oauth_has_live_grant (f->oauth));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/oidc-strict/sign-in/60s", test_sign_in, GUINT_TO_POINTER (60));
  ADD ("/oidc-strict/sign-in/300s", test_sign_in, GUINT_TO_POINTER (300));
  ADD ("/oidc-strict/no-refresh-token", test_no_refresh_token, GUINT_TO_POINTER (300));
  ADD ("/oidc-strict/disconnect-without-revocation", test_disconnect_without_revocation, NULL);
  ADD ("/oidc-strict/iss/wrong", test_iss_parameter, GINT_TO_POINTER (1));
  ADD ("/oidc-strict/iss/missing", test_iss_parameter, GINT_TO_POINTER (2));
  ADD ("/oidc-strict/issuer-mismatch", test_issuer_mismatch, NULL);
  ADD ("/oidc-strict/insecure-endpoint", test_insecure_endpoint, NULL);
  ADD ("/oidc-strict/unverified-email", test_unverified_email, NULL);
  ADD ("/oidc-strict/unkept-grant-revoked", test_unkept_grant_revoked, NULL);
#undef ADD

  return g_test_run ();
}
