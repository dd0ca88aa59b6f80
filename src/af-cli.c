/* af-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "agentflow-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "af-account-manager.h"
#include "af-app-context.h"
#include "af-cli.h"
#include "af-error.h"
#include "af-sandbox-auth0.h"

/* `agentflow connect | accounts | disconnect`: accounts on machines
 * without a display (SSH) and for tests. No GTK here: it runs before the
 * GApplication and works without a display or a window.
 *
 * `--sandbox URL` (or AGENTFLOW_SANDBOX_URL) points every provider at a
 * running sandbox, uses the sandbox's client IDs and the sandbox's own
 * database, like `agentflow --sandbox`.
 *
 * Auth0 Token Vault: `connect auth0 --domain D --client-id C` signs in to
 * the tenant (the client secret is read from standard input with
 * --client-secret-stdin, never from the command line); `connect gmail
 * --via auth0` links Gmail there. With --sandbox, the sandbox's tenant and
 * its application are the defaults. */

typedef struct
{
  GMainLoop        *loop;
  AfAccountManager *manager;
  GCancellable     *cancellable;
  gboolean          open_browser;
  int               status;
} Cli;

static const char *const commands[] = { "connect", "accounts", "disconnect", NULL };

gboolean
af_cli_handles (const char *command)
{
  return command != NULL && g_strv_contains (commands, command);
}

/**
 * af_cli_describe_commands:
 *
 * The account commands, in words, for the --help of the whole binary.
 *
 * Returns: (transfer full): the text
 */
char *
af_cli_describe_commands (void)
{
  return g_strdup_printf ("%s\n  %-40s%s\n  %-40s%s\n  %-40s%s\n\n%s",
                          _ ("Account commands (no window, no display needed):"),
                          "agentflow connect SERVICE", _ ("Connect gmail, calendar, slack or oidc"),
                          "agentflow accounts", _ ("List the connected accounts"),
                          "agentflow disconnect SERVICE ACCOUNT", _ ("Revoke AgentFlow’s access and forget the account"),
                          _ ("“agentflow COMMAND --help” shows a command’s options."));
}

static void
print_error (const GError *error)
{
  g_printerr ("agentflow: %s\n", error->message);
}

static void
on_browser_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_app_info_launch_default_for_uri_finish (result, NULL);
}

static void
show_uri (const char *uri,
          gpointer    user_data)
{
  Cli *cli = user_data;

  /* Line-buffered for whoever reads our stdout (a person, a test). */
  g_print (_ ("Open this address in a web browser to sign in:\n"));
  g_print ("%s\n", uri);
  g_print (_ ("Waiting for the browser… (Ctrl+C cancels)\n"));
  fflush (stdout);

  if (cli->open_browser)
    g_app_info_launch_default_for_uri_async (uri, NULL, NULL, on_browser_cb, NULL);
}

static gboolean
on_sigint_cb (gpointer user_data)
{
  Cli *cli = user_data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
on_connected_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) connection = NULL;
  g_auto (GStrv) missing = NULL;

  connection = af_account_manager_connect_finish (AF_ACCOUNT_MANAGER (object), result, &missing, &error);
  if (connection == NULL)
    {
      print_error (error);
      cli->status = 1;
    }
  else
    {
      g_autofree char *warning = af_account_manager_connect_dup_warning (AF_ACCOUNT_MANAGER (object), result);

      if (connection->agent != NULL && connection->agent[0] != '\0')
        g_print (_ ("Connected as %s for agent %s\n"), connection->account, connection->agent);
      else
        g_print (_ ("Connected as %s\n"), connection->account);
      if (missing != NULL && missing[0] != NULL)
        {
          g_autofree char *list = g_strjoinv (", ", missing);

          g_print (_ ("Not granted, so AgentFlow cannot use: %s. Connect again and allow them to use them.\n"), list);
        }
      if (warning != NULL)
        g_print (_ ("Warning: %s\n"), warning);
    }
  g_main_loop_quit (cli->loop);
}

static void
on_token_connected_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) connection = NULL;

  connection = af_account_manager_connect_token_finish (AF_ACCOUNT_MANAGER (object), result, &error);
  if (connection == NULL)
    {
      print_error (error);
      cli->status = 1;
    }
  else
    g_print (_ ("Connected as %s\n"), connection->account);
  g_main_loop_quit (cli->loop);
}

static void
on_auth0_connected_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfConnection) connection = NULL;

  if (g_async_result_is_tagged (result, af_account_manager_connect_auth0_async))
    connection = af_account_manager_connect_auth0_finish (AF_ACCOUNT_MANAGER (object), result, &error);
  else
    connection = af_account_manager_link_auth0_finish (AF_ACCOUNT_MANAGER (object), result, &error);
  if (connection == NULL)
    {
      print_error (error);
      cli->status = 1;
    }
  else if (g_str_equal (connection->service, "auth0"))
    g_print (_ ("Signed in to Auth0 as %s\n"), connection->account);
  else
    g_print (_ ("Connected %s through Auth0 as %s (scopes: %s)\n"), connection->service, connection->account,
             connection->scopes);
  g_main_loop_quit (cli->loop);
}

/* A row linked through Auth0 whose connected account Auth0 no longer has
 * (removed there, or its Google refresh token expired): say what to do. */
static void
warn_unlinked (Cli       *cli,
               JsonArray *accounts)
{
  g_autoptr (GPtrArray) rows = af_account_manager_list_connections (cli->manager, NULL);

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      AfConnection *c = rows->pdata[i];
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonNode   *root;
      const char *id;
      gboolean    found = FALSE;

      if (c->provider == NULL || !json_parser_load_from_data (parser, c->provider, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
          (id = json_object_get_string_member_with_default (json_node_get_object (root), "connected_account_id", NULL)) == NULL)
        continue;
      for (guint j = 0; j < json_array_get_length (accounts) && !found; j++)
        found = g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (accounts, j), "id", NULL), id) == 0;
      if (!found)
        g_print (_ ("%s (%s) is no longer linked at Auth0. Connect it through Auth0 again: agentflow connect %s --via auth0\n"),
                 c->service, c->account, c->service);
    }
}

static void
on_auth0_listed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) accounts = af_account_manager_list_auth0_finish (AF_ACCOUNT_MANAGER (object), result, &error);

  if (accounts == NULL)
    {
      print_error (error);
      cli->status = 1;
    }
  else
    {
      g_print (_ ("Linked at Auth0 (Token Vault):\n"));
      if (json_array_get_length (accounts) == 0)
        g_print (_ ("  nothing yet: agentflow connect gmail --via auth0\n"));
      for (guint i = 0; i < json_array_get_length (accounts); i++)
        {
          JsonObject *a = json_array_get_object_element (accounts, i);
          JsonNode   *node = json_object_get_member (a, "scopes");
          g_autoptr (GString) scopes = g_string_new (NULL);

          for (guint j = 0; node && JSON_NODE_HOLDS_ARRAY (node) && j < json_array_get_length (json_node_get_array (node)); j++)
            g_string_append_printf (scopes, "%s%s", scopes->len ? " " : "",
                                    json_array_get_string_element (json_node_get_array (node), j));
          g_print ("  %-20s %-24s %s\n", json_object_get_string_member_with_default (a, "connection", "?"),
                   json_object_get_string_member_with_default (a, "id", "?"), scopes->str);
        }
      warn_unlinked (cli, accounts);
    }
  g_main_loop_quit (cli->loop);
}

static void
on_disconnected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *manage_url = NULL;
  AfRevocation     revocation = AF_REVOCATION_PENDING;

  if (!af_account_manager_disconnect_finish_full (AF_ACCOUNT_MANAGER (object), result, &revocation, &manage_url, &error))
    {
      print_error (error);
      cli->status = 1;
    }
  else if (revocation == AF_REVOCATION_DONE)
    g_print (_ ("Disconnected. AgentFlow’s access was revoked and its keyring item removed.\n"));
  else if (revocation == AF_REVOCATION_UNSUPPORTED)
    {
      /* Not "revoked": the grant is still valid at the provider. */
      g_print (_ ("Disconnected from AgentFlow, but AgentFlow’s access could not be revoked at the provider: it offers no way "
                  "to do so, and the sign-in stays valid there until it expires. AgentFlow removed its keyring item.\n"));
      if (manage_url != NULL)
        g_print (_ ("To end that access now, remove AgentFlow from the apps connected to your account on the account’s "
                    "security page: %s\n"),
                 manage_url);
      else
        g_print (_ ("To end that access now, remove AgentFlow from the apps connected to your account on the account’s "
                    "security page.\n"));
    }
  else
    g_print (_ ("Disconnected. The provider could not be reached to revoke AgentFlow’s access; AgentFlow will retry and then remove the keyring item.\n"));
  g_main_loop_quit (cli->loop);
}

static GSettings *
maybe_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  /* An uninstalled build has no schema: settings are optional. */
  if (source == NULL || (schema = g_settings_schema_source_lookup (source, "org.agentflow.App", TRUE)) == NULL)
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

static char *
read_token_from_stdin (void)
{
  char buf[4096];

  if (isatty (fileno (stdin)))
    g_printerr (_ ("Paste the token and press Enter: "));
  if (fgets (buf, sizeof buf, stdin) == NULL)
    return NULL;

  return g_strstrip (g_strdup (buf));
}

static AfAccountManager *
open_manager (const char *sandbox_url,
              GError    **error)
{
  g_autoptr (GSettings) settings = maybe_settings ();
  g_autoptr (AfAppContext) context = af_app_context_new_for_accounts (sandbox_url, settings, error);

  if (context == NULL)
    return NULL;
  /* The manager keeps the database and the session it uses. */
  return g_object_ref (af_app_context_get_account_manager (context));
}

int
af_cli_run (int    argc,
            char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GCancellable) cancellable = NULL;
  g_autoptr (AfAccountManager) manager = NULL;
  g_autofree char   *sandbox_url = NULL;
  g_autofree char   *command = NULL;
  g_autofree char   *agent_id = NULL;
  gboolean           no_browser = FALSE;
  gboolean           bot_token = FALSE;
  gboolean           secret_stdin = FALSE;
  g_autofree char   *domain = NULL;
  g_autofree char   *client_id = NULL;
  g_autofree char   *via = NULL;
  g_autofree char   *secret = NULL;
  gboolean           has_auth0 = FALSE;
  int                timeout = 300;
  Cli                cli = { 0 };
  guint              sigint_id;
  const GOptionEntry entries[] = {
    { "sandbox", 0, 0, G_OPTION_ARG_STRING, &sandbox_url, N_ ("Use the sandbox running at URL"), "URL" },
    { "no-browser", 0, 0, G_OPTION_ARG_NONE, &no_browser, N_ ("Only print the sign-in address"), NULL },
    { "bot-token", 0, 0, G_OPTION_ARG_NONE, &bot_token, N_ ("Connect Slack with a bot token read from standard input"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_ ("Seconds to wait for the browser (default 300)"), "SECONDS" },
    { "agent", 0, 0, G_OPTION_ARG_STRING, &agent_id, N_ ("Connect an account for this agent only"), "ID" },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain, N_ ("Your Auth0 tenant's domain (connect auth0)"), "DOMAIN" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, N_ ("The Auth0 application's client ID (connect auth0)"), "ID" },
    { "client-secret-stdin", 0, 0, G_OPTION_ARG_NONE, &secret_stdin, N_ ("Read the Auth0 application's client secret from standard input"), NULL },
    { "via", 0, 0, G_OPTION_ARG_STRING, &via, N_ ("Connect through a broker: auth0 (Token Vault)"), "BROKER" },
    { NULL },
  };

  g_return_val_if_fail (argc > 1 && af_cli_handles (argv[1]), 2);

  command = g_strdup (argv[1]);
  if (g_str_equal (command, "connect"))
    context = g_option_context_new (_ ("SERVICE — connect gmail, calendar, slack, oidc or auth0 (for every agent, or one with --agent)"));
  else if (g_str_equal (command, "disconnect"))
    context = g_option_context_new (_ ("SERVICE ACCOUNT — revoke AgentFlow’s access and forget the account"));
  else
    context = g_option_context_new (_ ("— list connected accounts"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  /* Parse "agentflow connect …" as if "agentflow connect" were the program. */
  {
    g_autofree char *prgname = g_strconcat ("agentflow ", command, NULL);

    g_set_prgname (prgname);
  }
  argc--;
  argv++;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      print_error (error);
      return 2;
    }

  if (sandbox_url == NULL && g_getenv ("AGENTFLOW_SANDBOX_URL") != NULL && g_getenv ("AGENTFLOW_SANDBOX_URL")[0] != '\0')
    sandbox_url = g_strdup (g_getenv ("AGENTFLOW_SANDBOX_URL"));

  if ((g_str_equal (command, "connect") && argc != 2) || (g_str_equal (command, "disconnect") && argc != 3) ||
      (g_str_equal (command, "accounts") && argc != 1) || timeout <= 0 ||
      (agent_id != NULL && (!g_str_equal (command, "connect") || bot_token || agent_id[0] == '\0')) ||
      (via != NULL && (!g_str_equal (via, "auth0") || agent_id != NULL || bot_token)))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return 2;
    }

  if ((manager = open_manager (sandbox_url, &error)) == NULL)
    {
      print_error (error);
      return 1;
    }

  if (g_str_equal (command, "accounts"))
    {
      g_autoptr (GPtrArray) list = af_account_manager_list_connections (manager, &error);
      g_autoptr (GPtrArray) own = list ? af_account_manager_list_agent_connections (manager, NULL, &error) : NULL;

      if (list == NULL || own == NULL)
        {
          print_error (error);
          return 1;
        }
      if (list->len == 0 && own->len == 0)
        g_print (_ ("No accounts are connected.\n"));
      for (guint i = 0; i < list->len; i++)
        {
          AfConnection *c = list->pdata[i];

          g_print ("%-10s %-40s %s\n", c->service, c->account, c->status);
          if (g_str_equal (c->service, "auth0") && g_str_equal (c->status, AF_CONNECTION_CONNECTED))
            has_auth0 = TRUE;
          else if (g_str_equal (c->status, AF_CONNECTION_NEEDS_RECONNECT) && c->status_reason != NULL)
            g_print ("           %s\n", c->status_reason);
        }
      for (guint i = 0; i < own->len; i++)
        {
          AfConnection *c = own->pdata[i];

          /* Translators: an account connected for one agent only */
          g_autofree char *whose = g_strdup_printf (_ ("(agent %s)"), c->agent);

          g_print ("%-10s %-40s %s %s\n", c->service, c->account, c->status, whose);
        }
      if (!has_auth0)
        return 0;
    }

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  cli.loop = loop;
  cli.manager = manager;
  cli.cancellable = cancellable;
  cli.open_browser = !no_browser && (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL);
  sigint_id = g_unix_signal_add (SIGINT, on_sigint_cb, &cli);

  if (g_str_equal (command, "accounts"))
    af_account_manager_list_auth0_async (manager, cancellable, on_auth0_listed_cb, &cli);
  else if (g_str_equal (command, "connect") && g_str_equal (argv[1], "auth0"))
    {
      g_autofree char *sandbox_domain = sandbox_url ? g_strconcat (sandbox_url, AF_SANDBOX_AUTH0_PATH, NULL) : NULL;

      if (secret_stdin && (secret = read_token_from_stdin ()) == NULL)
        {
          g_printerr ("agentflow: %s\n", _ ("No client secret was given."));
          g_source_remove (sigint_id);
          return 1;
        }
      /* The sandbox's tenant has a confidential application set up for
       * Token Vault; its secret is public test data. */
      if (sandbox_url != NULL && domain == NULL)
        domain = g_steal_pointer (&sandbox_domain);
      if (sandbox_url != NULL && client_id == NULL)
        client_id = g_strdup (AF_SANDBOX_AUTH0_CLIENT_ID);
      if (sandbox_url != NULL && secret == NULL && g_strcmp0 (client_id, AF_SANDBOX_AUTH0_CLIENT_ID) == 0)
        secret = g_strdup (AF_SANDBOX_AUTH0_CLIENT_SECRET);
      {
        g_autoptr (GSettings) settings = maybe_settings ();

        /* What Preferences → Auth0 says, unless given here. */
        if (settings != NULL && domain == NULL)
          domain = g_settings_get_string (settings, "auth0-domain");
        if (settings != NULL && client_id == NULL)
          client_id = g_settings_get_string (settings, "auth0-client-id");
        if (domain != NULL && domain[0] == '\0')
          g_clear_pointer (&domain, g_free);
        if (client_id != NULL && client_id[0] == '\0')
          g_clear_pointer (&client_id, g_free);
      }
      if (domain == NULL || client_id == NULL)
        {
          g_printerr ("agentflow: %s\n", _ ("Give your Auth0 tenant with --domain and the application with --client-id."));
          g_source_remove (sigint_id);
          return 2;
        }
      af_account_manager_set_uri_handler (manager, show_uri, &cli, NULL);
      af_account_manager_set_timeout (manager, timeout);
      af_account_manager_connect_auth0_async (manager, domain, client_id, secret, cancellable, on_auth0_connected_cb, &cli);
      if (secret != NULL)
        explicit_bzero (secret, strlen (secret));
    }
  else if (g_str_equal (command, "connect") && via != NULL)
    {
      af_account_manager_set_uri_handler (manager, show_uri, &cli, NULL);
      af_account_manager_set_timeout (manager, timeout);
      af_account_manager_link_auth0_async (manager, argv[1], cancellable, on_auth0_connected_cb, &cli);
    }
  else if (g_str_equal (command, "connect") && bot_token)
    {
      g_autofree char *token = read_token_from_stdin ();

      if (token == NULL || token[0] == '\0')
        {
          g_printerr ("agentflow: %s\n", _ ("No token was given."));
          g_source_remove (sigint_id);
          return 1;
        }
      af_account_manager_connect_token_async (manager, argv[1], token, cancellable, on_token_connected_cb, &cli);
      explicit_bzero (token, strlen (token));
    }
  else if (g_str_equal (command, "connect"))
    {
      af_account_manager_set_uri_handler (manager, show_uri, &cli, NULL);
      af_account_manager_set_timeout (manager, timeout);
      af_account_manager_connect_for_agent_async (manager, argv[1], agent_id, cancellable, on_connected_cb, &cli);
    }
  else
    af_account_manager_disconnect_async (manager, argv[1], argv[2], cancellable, on_disconnected_cb, &cli);

  g_main_loop_run (loop);
  g_source_remove (sigint_id);

  return cli.status;
}
