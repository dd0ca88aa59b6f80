/* fuzz-slack.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Slack Web API answers ({"ok": …}) for every method the client calls:
 * auth.test, conversations.list/open, users.lookupByEmail,
 * chat.postMessage, chat.getPermalink, conversations.history (searched
 * for the message AgentFlow posted, by its metadata); and the errors it
 * explains.
 */

#include "config.h"

#include "af-fuzz.h"
#include "af-service-method.h"
#include "af-slack-client.h"
#include "af-slack-client-private.h"

static void
channel_page_free (gpointer data)
{
  AfSlackChannelPage *page = data;

  g_clear_pointer (&page->channels, g_ptr_array_unref);
  g_free (page->next_cursor);
  g_free (page);
}

static void
history_page_free (gpointer data)
{
  AfSlackHistoryPage *page = data;
  const char         *ts;

  /* As af_slack_client_find_by_metadata_async() searches a page. */
  ts = af_slack_history_page_find (page, "agentflow_action", "key", "agent-1:msg-1:post:0123456789abcdef");
  g_assert (ts == NULL || g_utf8_validate (ts, -1, NULL));
  af_slack_history_page_find (page, "agentflow_action", "key", "");
  af_slack_history_page_free (page);
}

static const struct
{
  const char      *method;
  AfSlackParseFunc parse;
  GDestroyNotify   free_func;
} calls[] = {
  { "slack.auth.test", af_slack_parse_identity, (GDestroyNotify)af_slack_identity_free },
  { "slack.conversations.list", af_slack_parse_channel_page, channel_page_free },
  { "slack.conversations.open", af_slack_parse_open, g_free },
  { "slack.users.lookupByEmail", af_slack_parse_user, (GDestroyNotify)af_slack_user_free },
  { "slack.chat.postMessage", af_slack_parse_post, g_free },
  { "slack.chat.getPermalink", af_slack_parse_permalink, g_free },
  { "slack.conversations.history", af_slack_parse_history, history_page_free },
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (JsonNode) root = NULL;

  af_fuzz_init ();

  root = af_fuzz_parse_json (data, size);
  if (root == NULL)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      const AfServiceMethod *method = af_service_method_lookup (calls[i].method);
      g_autoptr (GError) error = NULL;
      gpointer value;

      g_assert (method != NULL);
      value = af_slack_parse_answer (root, method, "#general", calls[i].parse, &error);
      g_assert ((value == NULL) == (error != NULL));
      if (value != NULL)
        calls[i].free_func (value);
    }

  return 0;
}
