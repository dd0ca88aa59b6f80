/* test-editor-accounts.c — which account an agent uses, chosen in the
 * editor: a direct connection or one linked through Auth0 (Token Vault).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "af-account-manager.h"
#include "af-agent-editor.h"
#include "af-template.h"
#include "af-test-editor.h"
#include "af-test-ui.h"

/* What the account manager stores for an account linked through Auth0
 * (af_auth0_build_metadata()): the Auth0 tenant and its connected account. */
#define AUTH0_METADATA                                                                          \
  "{\"broker\":\"auth0\",\"domain\":\"https://tenant.example.com\",\"client_id\":\"client-1\"," \
  "\"auth0_account\":\"bob@example.com\",\"connection\":\"google-oauth2\",\"connected_account_id\":\"cac_1\"}"

typedef struct
{
  char             *dir;
  AfDatabase       *db;
  AfAccountManager *accounts;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("af-editor-accounts-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "agentflow.db", NULL);
  f->db = af_database_open (path, &error);
  g_assert_no_error (error);
  f->accounts = af_account_manager_new (f->db, NULL, session);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->accounts);
  g_clear_object (&f->db);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
save_connection (Fixture    *f,
                 const char *service,
                 const char *account,
                 const char *provider)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (af_connection_store_save_for_agent (af_account_manager_get_store (f->accounts), service, account, "",
                                                     account, "https://mail.google.com/", provider, &error));
  g_assert_no_error (error);
}

/* An agent of the e-mail assistant's template that reads and labels the
 * mail of @account. */
static AfAgentEditor *
open_agent (Fixture    *f,
            const char *account)
{
  const char *const connected[] = { "gmail", NULL };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AfAgentDefinition) definition = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"trigger\":{\"type\":\"interval\",\"minutes\":15},"
                                           "\"connections\":[{\"service\":\"gmail\",\"account\":\"%s\","
                                           "\"permissions\":[\"gmail.read\",\"gmail.modify\"]}],\"rules\":[]}",
                                           account);
  AfAgentEditor   *editor;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  definition = af_agent_definition_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);
  editor = af_agent_editor_new (NULL, af_template_lookup ("email-assistant"), connected);
  af_agent_editor_set_accounts (editor, f->accounts);
  af_agent_editor_load_agent (editor, "agent-1", "Mail", "", definition);
  gtk_window_set_default_size (GTK_WINDOW (editor), 720, 1400);
  gtk_window_present (GTK_WINDOW (editor));
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));
  return editor;
}

/* The Account choice under @service_title ("Gmail"). */
static AdwComboRow *
account_row (AfAgentEditor *editor,
             const char    *service_title)
{
  GtkWidget *service = af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_EXPANDER_ROW, service_title);
  GtkWidget *row;

  g_assert_nonnull (service);
  row = af_test_ui_find_widget (service, ADW_TYPE_COMBO_ROW, "Account");
  g_assert_nonnull (row);
  return ADW_COMBO_ROW (row);
}

static char *
choices (AdwComboRow *row)
{
  GListModel *model = adw_combo_row_get_model (row);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      g_strv_builder_add (builder, gtk_string_object_get_string (item));
    }
  strv = g_strv_builder_end (builder);
  return g_strjoinv ("|", strv);
}

/* An agent on a direct Gmail connection moves to the Gmail account
 * linked through Auth0: its connection names that account, and keeps
 * what it may do. */
static void
test_move_to_auth0 (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (AfAgentDefinition) saved = NULL;
  g_autofree char   *listed = NULL;
  AfAgentConnection *connection;
  AfAgentEditor     *editor;
  AdwComboRow       *row;

  save_connection (f, "gmail", "alice@example.com", NULL);
  save_connection (f, "gmail", "bob@example.com", AUTH0_METADATA);
  editor = open_agent (f, "alice@example.com");
  row = account_row (editor, "Gmail");

  listed = choices (row);
  g_assert_cmpstr (listed, ==, "alice@example.com|bob@example.com (through Auth0)");
  g_assert_cmpstr (af_test_ui_combo_choice (row), ==, "alice@example.com");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_false (af_agent_editor_get_modified (editor));

  af_test_ui_combo_choose (row, "bob@example.com (through Auth0)");
  g_assert_true (af_agent_editor_get_modified (editor));
  saved = af_test_editor_save (editor);

  connection = af_agent_definition_lookup_connection (saved, "gmail");
  g_assert_nonnull (connection);
  g_assert_cmpstr (connection->account, ==, "bob@example.com");
  g_assert_true (g_strv_contains ((const char *const *)connection->permissions, "gmail.read"));
  g_assert_true (g_strv_contains ((const char *const *)connection->permissions, "gmail.modify"));
  g_assert_cmpuint (af_agent_definition_get_connections (saved)->len, ==, 1);
}

/* Saved untouched, an agent keeps its account. */
static void
test_keep_account (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (AfAgentDefinition) saved = NULL;
  AfAgentEditor *editor;

  save_connection (f, "gmail", "alice@example.com", NULL);
  save_connection (f, "gmail", "bob@example.com", AUTH0_METADATA);
  editor = open_agent (f, "bob@example.com");
  g_assert_cmpstr (af_test_ui_combo_choice (account_row (editor, "Gmail")), ==, "bob@example.com (through Auth0)");

  saved = af_test_editor_save (editor);
  g_assert_cmpstr (af_agent_definition_lookup_connection (saved, "gmail")->account, ==, "bob@example.com");
}

/* An account that is no longer connected is still the one shown and
 * kept; a service with no account says where to connect one. */
static void
test_not_connected (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (AfAgentDefinition) saved = NULL;
  g_autofree char *listed = NULL;
  AfAgentEditor   *editor;
  AdwComboRow     *slack;

  save_connection (f, "gmail", "bob@example.com", AUTH0_METADATA);
  editor = open_agent (f, "alice@example.com");
  listed = choices (account_row (editor, "Gmail"));
  g_assert_cmpstr (listed, ==, "bob@example.com (through Auth0)|alice@example.com (not connected)");
  g_assert_cmpstr (af_test_ui_combo_choice (account_row (editor, "Gmail")), ==, "alice@example.com (not connected)");

  slack = account_row (editor, "Slack");
  g_assert_cmpstr (af_test_ui_combo_choice (slack), ==, "Not connected — connect it in Integrations");
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (slack)), ==, 1);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (slack)));

  saved = af_test_editor_save (editor);
  g_assert_cmpstr (af_agent_definition_lookup_connection (saved, "gmail")->account, ==, "alice@example.com");
}

int
main (int   argc,
      char *argv[])
{
  if (!af_test_ui_init (&argc, &argv))
    return 0;

  g_test_add ("/editor-accounts/move-to-auth0", Fixture, NULL, fixture_set_up, test_move_to_auth0, fixture_tear_down);
  g_test_add ("/editor-accounts/keep-account", Fixture, NULL, fixture_set_up, test_keep_account, fixture_tear_down);
  g_test_add ("/editor-accounts/not-connected", Fixture, NULL, fixture_set_up, test_not_connected, fixture_tear_down);
  return g_test_run ();
}
