/* test-token-refresh.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When access tokens are refreshed, against the sandbox's authorization
 * server issuing short-lived tokens: once per expiry, never in a loop,
 * and with backoff while the token endpoint fails. The credential's
 * clock is moved forward instead of waiting for tokens to expire.
 */

#include "config.h"

#include "af-credential-private.h"
#include "af-credential.h"
#include "af-test-auth.h"
#include "af-test-wait.h"

#define ACCOUNT   "alice@example.com"
#define N_CALLERS 5
/* Far more refreshes than any correct policy makes in a test. */
#define STORM 50

typedef AfTestManagerFixture Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  af_test_manager_fixture_set_up (f);
  af_sandbox_oauth_set_access_token_lifetime (f->oauth, GPOINTER_TO_UINT (data));
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "gmail", "account", ACCOUNT, NULL);
  af_test_manager_fixture_clear (f);
}

static guint
refreshes (Fixture *f)
{
  return af_sandbox_get_count (f->sandbox, "google.oauth2.token");
}

typedef struct
{
  AfTokenSource *source;
  guint          done;
  char          *tokens[N_CALLERS];
  GError        *errors[N_CALLERS];
} Callers;

typedef struct
{
  Callers *callers;
  guint    index;
} Caller;

static void
on_token_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Caller *caller = user_data;

  caller->callers->tokens[caller->index] =
      af_token_source_get_token_finish (AF_TOKEN_SOURCE (object), result, &caller->callers->errors[caller->index]);
  caller->callers->done++;
  g_free (caller);
}

/* N_CALLERS ask at once; returns how many token requests the provider
 * saw meanwhile. Stops early when that looks like a storm. */
static guint
ask_at_once (Fixture *f,
             Callers *callers)
{
  guint before = refreshes (f);

  callers->done = 0;
  for (guint i = 0; i < N_CALLERS; i++)
    {
      Caller *caller = g_new0 (Caller, 1);

      g_clear_pointer (&callers->tokens[i], g_free);
      g_clear_error (&callers->errors[i]);
      caller->callers = callers;
      caller->index = i;
      af_token_source_get_token_async (callers->source, FALSE, NULL, on_token_cb, caller);
    }
  while (callers->done < N_CALLERS && refreshes (f) - before < STORM)
    g_main_context_iteration (NULL, TRUE);

  return refreshes (f) - before;
}

static void
callers_clear (Callers *callers)
{
  /* A storm leaves callers waiting: let them finish first. */
  while (callers->done < N_CALLERS)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < N_CALLERS; i++)
    {
      g_free (callers->tokens[i]);
      g_clear_error (&callers->errors[i]);
    }
  g_clear_object (&callers->source);
}

static void
connect (Fixture *f,
         Callers *callers)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) c = NULL;

  c = af_test_connect (f->manager, "gmail", NULL, &error);
  g_assert_no_error (error);
  callers->source = af_account_manager_get_token_source (f->manager, "gmail", ACCOUNT, NULL, &error);
  g_assert_no_error (error);
}

static char *
stored_access_token (void)
{
  g_autofree char *secret = af_test_keyring_lookup ("gmail", ACCOUNT);

  return af_test_json_member (secret, "access_token");
}

/* A token that lives 5 minutes or less is fresh when it arrives: it is
 * handed out, not refreshed again and again. */
static void
test_fresh_short_token (Fixture      *f,
                        gconstpointer data)
{
  Callers          callers = { 0 };
  g_autofree char *stored = NULL;

  connect (f, &callers);
  stored = stored_access_token ();
  g_assert_cmpuint (ask_at_once (f, &callers), ==, 0);
  for (guint i = 0; i < N_CALLERS; i++)
    {
      g_assert_no_error (callers.errors[i]);
      g_assert_cmpstr (callers.tokens[i], ==, stored);
    }
  callers_clear (&callers);
}

/* Near each expiry, one refresh for everyone asking; right after it,
 * none. */
static void
test_once_per_expiry (Fixture      *f,
                      gconstpointer data)
{
  guint            lifetime = GPOINTER_TO_UINT (data);
  Callers          callers = { 0 };
  g_autofree char *previous = NULL;

  connect (f, &callers);
  previous = stored_access_token ();
  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *stored = NULL;

      /* One second before this token expires. */
      af_credential_set_clock_offset (AF_CREDENTIAL (callers.source), (gint64)(lifetime - 1) * G_USEC_PER_SEC);
      g_assert_cmpuint (ask_at_once (f, &callers), ==, 1);
      stored = stored_access_token ();
      g_assert_cmpstr (stored, !=, previous);
      for (guint i = 0; i < N_CALLERS; i++)
        {
          g_assert_no_error (callers.errors[i]);
          g_assert_cmpstr (callers.tokens[i], ==, stored);
        }

      /* Back to now: the new token is fresh. */
      af_credential_set_clock_offset (AF_CREDENTIAL (callers.source), 0);
      g_assert_cmpuint (ask_at_once (f, &callers), ==, 0);
      g_assert_cmpstr (callers.tokens[0], ==, stored);
      g_free (previous);
      previous = g_steal_pointer (&stored);
    }
  callers_clear (&callers);
}

/* A token at hand is handed out without waiting (a request leaves at
 * once), never one that is not loaded yet or due for a refresh: those
 * go through the refresh, once. */
static void
test_peek (Fixture      *f,
           gconstpointer data)
{
  guint            lifetime = GPOINTER_TO_UINT (data);
  Callers          callers = { 0 };
  g_autofree char *stored = NULL;
  g_autofree char *peeked = NULL;
  g_autofree char *refreshed = NULL;

  connect (f, &callers);
  stored = stored_access_token ();
  /* Not read from the keyring yet. */
  g_assert_null (af_token_source_peek_token (callers.source));
  g_assert_cmpuint (ask_at_once (f, &callers), ==, 0);
  peeked = af_token_source_peek_token (callers.source);
  g_assert_cmpstr (peeked, ==, stored);

  /* Due for a refresh: nothing at hand; asking refreshes it once. */
  af_credential_set_clock_offset (AF_CREDENTIAL (callers.source), (gint64)(lifetime - 1) * G_USEC_PER_SEC);
  g_assert_null (af_token_source_peek_token (callers.source));
  g_assert_cmpuint (ask_at_once (f, &callers), ==, 1);
  /* Back to now, once the new token is in the keyring: at hand. */
  af_credential_set_clock_offset (AF_CREDENTIAL (callers.source), 0);
  af_test_wait_until ((refreshed = af_token_source_peek_token (callers.source)) != NULL, "the new token at hand");
  g_assert_cmpstr (refreshed, !=, stored);
  g_assert_cmpstr (refreshed, ==, callers.tokens[0]);
  callers_clear (&callers);
}

/* A token endpoint that fails is not hammered: one attempt, then nothing
 * until the backoff has passed, each wait longer than the last up to a
 * cap; a still-valid token keeps being handed out meanwhile. */
static void
test_backoff (Fixture      *f,
              gconstpointer data)
{
  guint            lifetime = GPOINTER_TO_UINT (data);
  Callers          callers = { 0 };
  g_autofree char *stored = NULL;
  AfCredential    *credential;
  gint64           offset;
  gint64           wait = 0;

  connect (f, &callers);
  credential = AF_CREDENTIAL (callers.source);
  stored = stored_access_token ();
  af_sandbox_oauth_set_token_fault (f->oauth, AF_SANDBOX_FAULT_SERVER_ERROR);

  /* Due, but not expired: callers still get the current token. */
  offset = (gint64)(lifetime - 2) * G_USEC_PER_SEC;
  af_credential_set_clock_offset (credential, offset);
  g_assert_cmpuint (ask_at_once (f, &callers), ==, 1);
  for (guint i = 0; i < N_CALLERS; i++)
    {
      g_assert_no_error (callers.errors[i]);
      g_assert_cmpstr (callers.tokens[i], ==, stored);
    }
  g_assert_cmpuint (ask_at_once (f, &callers), ==, 0);

  /* Expired and failing: an error, one attempt per backoff period. */
  for (guint attempt = 0; attempt < 12; attempt++)
    {
      gint64 next = af_credential_get_retry_at (credential) - (g_get_real_time () + offset);

      g_assert_cmpint (next, >, 0);
      if (wait != 0)
        g_assert_cmpint (next, >=, MIN (wait * 2, AF_CREDENTIAL_BACKOFF_MAX_USEC) - G_USEC_PER_SEC);
      g_assert_cmpint (next, <=, AF_CREDENTIAL_BACKOFF_MAX_USEC);
      wait = next;
      offset += next + G_USEC_PER_SEC;
      af_credential_set_clock_offset (credential, offset);
      g_assert_cmpuint (ask_at_once (f, &callers), ==, 1);
      for (guint i = 0; i < N_CALLERS; i++)
        g_assert_error (callers.errors[i], AF_ERROR, AF_ERROR_SERVICE_UNAVAILABLE);
      g_assert_cmpuint (ask_at_once (f, &callers), ==, 0);
      for (guint i = 0; i < N_CALLERS; i++)
        g_assert_error (callers.errors[i], AF_ERROR, AF_ERROR_SERVICE_UNAVAILABLE);
    }
  g_assert_cmpint (wait, >=, AF_CREDENTIAL_BACKOFF_MAX_USEC - G_USEC_PER_SEC);

  /* The provider is back: the next attempt after the wait works. */
  af_sandbox_oauth_set_token_fault (f->oauth, AF_SANDBOX_FAULT_NONE);
  offset = af_credential_get_retry_at (credential) - g_get_real_time () + G_USEC_PER_SEC;
  af_credential_set_clock_offset (credential, offset);
  g_assert_cmpuint (ask_at_once (f, &callers), ==, 1);
  for (guint i = 0; i < N_CALLERS; i++)
    g_assert_no_error (callers.errors[i]);
  g_assert_cmpint (af_credential_get_retry_at (credential), ==, 0);
  callers_clear (&callers);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, seconds) g_test_add (path, Fixture, GUINT_TO_POINTER (seconds), fixture_set_up, func, fixture_tear_down)
  ADD ("/refresh/fresh-token/60s", test_fresh_short_token, 60);
  ADD ("/refresh/fresh-token/300s", test_fresh_short_token, 300);
  ADD ("/refresh/once-per-expiry/60s", test_once_per_expiry, 60);
  ADD ("/refresh/once-per-expiry/300s", test_once_per_expiry, 300);
  ADD ("/refresh/backoff/300s", test_backoff, 300);
  ADD ("/refresh/peek/300s", test_peek, 300);
#undef ADD

  return g_test_run ();
}
