/* af-test-auth.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the accounts tests: a "browser" that follows authorization
 * URLs, a sandbox with auto-approve, a fresh database, and a way to wait
 * for an async call. Header-only so every test stays one file.
 */

#pragma once

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>

#include "af-account-manager.h"
#include "af-error.h"
#include "af-sandbox-oauth.h"
#include "af-sandbox.h"
#include "af-vault.h"

typedef struct
{
  SoupSession *session;
  guint        status;
  char        *body;
  char        *last_url;
  gboolean     done;
  gboolean     follow;
  guint        visits;
} AfTestBrowser;

static void
af_test_browser_clear (AfTestBrowser *b)
{
  g_clear_object (&b->session);
  g_clear_pointer (&b->body, g_free);
  g_clear_pointer (&b->last_url, g_free);
}

static void
af_test_browser_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  AfTestBrowser *b = user_data;
  SoupMessage   *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  b->status = bytes ? soup_message_get_status (msg) : 0;
  g_free (b->body);
  b->body = bytes ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : g_strdup (error->message);
  b->done = TRUE;
}

/* An AfUriHandler: opens the URL like a browser, following redirects to
 * the loopback server. */
G_GNUC_UNUSED static void
af_test_browser_open (const char *uri,
                      gpointer    user_data)
{
  AfTestBrowser *b = user_data;
  g_autoptr (SoupMessage) msg = NULL;

  b->visits++;
  g_free (b->last_url);
  b->last_url = g_strdup (uri);
  if (!b->follow)
    return;
  if (b->session == NULL)
    b->session = soup_session_new_with_options ("timeout", 10, NULL);
  b->done = FALSE;
  msg = soup_message_new ("GET", uri);
  soup_session_send_and_read_async (b->session, msg, G_PRIORITY_DEFAULT, NULL, af_test_browser_done_cb, b);
}

G_GNUC_UNUSED static void
af_test_on_result_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs the default main context until *result is set. */
G_GNUC_UNUSED static GAsyncResult *
af_test_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

G_GNUC_UNUSED static AfSandbox *
af_test_sandbox_new (void)
{
  g_autoptr (GError) error = NULL;
  AfSandbox *sandbox = af_sandbox_new ();

  g_assert_true (af_sandbox_start (sandbox, &error));
  g_assert_no_error (error);
  af_sandbox_oauth_set_consent (af_sandbox_oauth_get (sandbox), AF_SANDBOX_CONSENT_APPROVE);

  return sandbox;
}

G_GNUC_UNUSED static AfDatabase *
af_test_database_new (char **dir_out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("af-auth-XXXXXX", &error);
  g_autofree char *path = NULL;
  AfDatabase      *db;

  g_assert_no_error (error);
  path = g_build_filename (dir, "agentflow.db", NULL);
  db = af_database_open (path, &error);
  g_assert_no_error (error);
  if (dir_out)
    *dir_out = g_steal_pointer (&dir);

  return db;
}

/* A session like the app's one (its own here: every test manager gets a
 * fresh one, so a timeout one test sets stays in that test). */
G_GNUC_UNUSED static SoupSession *
af_test_session_new (void)
{
  return soup_session_new_with_options ("timeout", 30, "user-agent", "AgentFlow-tests", NULL);
}

/* A manager pointed at @sandbox with the sandbox's client IDs. */
G_GNUC_UNUSED static AfAccountManager *
af_test_manager_new (AfDatabase    *db,
                     GSettings     *settings,
                     AfSandbox     *sandbox,
                     AfTestBrowser *browser)
{
  g_autoptr (SoupSession) session = af_test_session_new ();
  AfAccountManager *m = af_account_manager_new (db, settings, session);

  af_account_manager_set_base_url (m, af_sandbox_get_base_url (sandbox));
  af_account_manager_set_client_id (m, "gmail", AF_SANDBOX_GOOGLE_CLIENT_ID);
  af_account_manager_set_client_id (m, "calendar", AF_SANDBOX_GOOGLE_CLIENT_ID);
  af_account_manager_set_client_id (m, "slack", AF_SANDBOX_SLACK_CLIENT_ID);
  af_account_manager_set_client_id (m, "oidc", AF_SANDBOX_OIDC_CLIENT_ID);
  if (browser != NULL)
    af_account_manager_set_uri_handler (m, af_test_browser_open, browser, NULL);

  return m;
}

G_GNUC_UNUSED static char *
af_test_keyring_lookup (const char *service,
                        const char *account)
{
  g_autoptr (GError) error = NULL;
  char *secret = secret_password_lookup_sync (af_vault_get_schema (), NULL, &error,
                                              "service", service, "account", account, "agent", "", NULL);

  g_assert_no_error (error);
  return secret;
}

G_GNUC_UNUSED static AfConnection *
af_test_connect (AfAccountManager *m,
                 const char       *service,
                 GStrv            *missing,
                 GError          **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  af_account_manager_connect_async (m, service, NULL, af_test_on_result_cb, &result);
  return af_account_manager_connect_finish (m, af_test_wait (&result), missing, error);
}

G_GNUC_UNUSED static char *
af_test_get_token (AfTokenSource *source,
                   gboolean       force,
                   GError       **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  af_token_source_get_token_async (source, force, NULL, af_test_on_result_cb, &result);
  return af_token_source_get_token_finish (source, af_test_wait (&result), error);
}

G_GNUC_UNUSED static gboolean
af_test_disconnect (AfAccountManager *m,
                    const char       *service,
                    const char       *account,
                    gboolean         *revoked,
                    GError          **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  af_account_manager_disconnect_async (m, service, account, NULL, af_test_on_result_cb, &result);
  return af_account_manager_disconnect_finish (m, af_test_wait (&result), revoked, error);
}

G_GNUC_UNUSED static char *
af_test_json_member (const char *json,
                     const char *member)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *obj;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  return g_strdup (json_object_get_string_member_with_default (obj, member, NULL));
}

G_GNUC_UNUSED static char *
af_test_keyring_lookup_agent (const char *service,
                              const char *account,
                              const char *agent)
{
  g_autoptr (GError) error = NULL;
  char *secret = secret_password_lookup_sync (af_vault_get_schema (), NULL, &error,
                                              "service", service, "account", account, "agent", agent, NULL);

  g_assert_no_error (error);
  return secret;
}

G_GNUC_UNUSED static AfConnection *
af_test_connect_for_agent (AfAccountManager *m,
                           const char       *service,
                           const char       *agent,
                           GError          **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  af_account_manager_connect_for_agent_async (m, service, agent, NULL, af_test_on_result_cb, &result);
  return af_account_manager_connect_finish (m, af_test_wait (&result), NULL, error);
}

G_GNUC_UNUSED static gboolean
af_test_forget_agent (AfAccountManager *m,
                      const char       *agent,
                      GError          **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  af_account_manager_forget_agent_async (m, agent, NULL, af_test_on_result_cb, &result);
  return af_account_manager_forget_agent_finish (m, af_test_wait (&result), error);
}

G_GNUC_UNUSED static guint
af_test_retry_revocations (AfAccountManager *m,
                           GError          **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  af_account_manager_retry_revocations_async (m, NULL, af_test_on_result_cb, &result);
  return af_account_manager_retry_revocations_finish (m, af_test_wait (&result), error);
}

/* The account-manager fixture: a new database, the sandbox's
 * authorization server and a browser that follows its redirects. */
typedef struct
{
  char             *dir;
  AfDatabase       *db;
  AfSandbox        *sandbox;
  AfSandboxOAuth   *oauth;
  AfTestBrowser     browser;
  AfAccountManager *manager;
} AfTestManagerFixture;

G_GNUC_UNUSED static void
af_test_manager_fixture_set_up (AfTestManagerFixture *f)
{
  f->db = af_test_database_new (&f->dir);
  f->sandbox = af_test_sandbox_new ();
  f->oauth = af_sandbox_oauth_get (f->sandbox);
  f->browser.follow = TRUE;
  f->manager = af_test_manager_new (f->db, NULL, f->sandbox, &f->browser);
}

/* All but the keyring items, which each test clears its own way. */
G_GNUC_UNUSED static void
af_test_manager_fixture_clear (AfTestManagerFixture *f)
{
  g_clear_object (&f->manager);
  g_clear_object (&f->sandbox);
  g_clear_object (&f->db);
  af_test_browser_clear (&f->browser);
  g_free (f->dir);
}
