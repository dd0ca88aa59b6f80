/* main.c — agentflow-sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "agentflow-sandbox"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>

#include "af-sandbox-auth0.h"

static gboolean
on_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AfSandbox) sandbox = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL;
  g_autofree char *slack = NULL;
  g_autofree char *llm = NULL;
  const char      *base;
  int              horizon = 0;
  GOptionEntry     entries[] = {
        { "history-horizon", 0, 0, G_OPTION_ARG_INT, &horizon,
          "Keep only the last N Gmail history ids; older startHistoryIds get 404 (default: all)", "N" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— a local Gmail, Calendar, Slack and model API");

  setlocale (LC_ALL, "");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || horizon < 0)
    {
      g_printerr ("agentflow-sandbox: %s\n", error ? error->message : "--history-horizon must be 0 or more");
      return 2;
    }

  sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (sandbox);
  af_sandbox_gmail_set_history_horizon (sandbox, (guint)horizon);
  af_sandbox_add_default_tokens (sandbox, &google, &slack, &llm);
  af_sandbox_llm_push_reply (sandbox, "{\"role\":\"assistant\",\"content\":\"Hello from the sandbox model.\"}");

  if (!af_sandbox_start (sandbox, &error))
    {
      g_printerr ("agentflow-sandbox: %s\n", error->message);
      return 1;
    }

  base = af_sandbox_get_base_url (sandbox);
  /* Test fixtures, not secrets: these tokens only open this sandbox. */
  g_print ("AgentFlow sandbox listening on %s\n\n", base);
  g_print ("Gmail     %s/gmail/v1/users/me/messages   Bearer %s\n", base, google);
  g_print ("Calendar  %s/calendar/v3                  Bearer %s\n", base, google);
  g_print ("Slack     %s/api                          Bearer %s\n", base, slack);
  g_print ("Model     %s/v1/chat/completions          Bearer %s\n", base, llm);
  g_print ("Auth0     %s%s/                        client %s\n\n", base, AF_SANDBOX_AUTH0_PATH, AF_SANDBOX_AUTH0_CLIENT_ID);
  g_print ("Press Ctrl+C to stop.\n");

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal_cb, loop);
  g_unix_signal_add (SIGTERM, on_signal_cb, loop);
  g_main_loop_run (loop);

  af_sandbox_stop (sandbox);
  return 0;
}
