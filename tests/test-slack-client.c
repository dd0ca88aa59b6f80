/* test-slack-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "af-error.h"
#include "af-test-services.h"
#include "af-slack-client.h"

typedef struct
{
  AfTestServices s;
  AfSlackClient *slack;
  char          *base;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  af_test_services_set_up (&f->s, AF_TEST_SLACK, TRUE, 4);
  f->base = af_test_services_url (&f->s, "/api");
  f->slack = af_slack_client_new (f->s.http, f->s.tokens, f->base);
  /* Pacing is tested on its own; the others need not wait. */
  af_slack_client_set_post_interval (f->slack, 1000);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->slack);
  af_test_services_tear_down (&f->s);
  g_clear_pointer (&f->base, g_free);
}

static char *
post (Fixture    *f,
      const char *channel,
      const char *text,
      GError    **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  af_slack_client_post_message_async (f->slack, channel, text, NULL, NULL, NULL, af_test_ready_cb, &r);
  return af_slack_client_post_message_finish (f->slack, af_test_await (&r), error);
}

static void
test_auth_test (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (AfSlackIdentity) id = NULL;

  af_slack_client_auth_test_async (f->slack, NULL, af_test_ready_cb, &r);
  id = af_slack_client_auth_test_finish (f->slack, af_test_await (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id->team_id, ==, AF_SANDBOX_SLACK_TEAM);
  g_assert_cmpstr (id->url, ==, "https://example-workspace.slack.com/");
}

static void
test_invalid_auth (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (AfTokenSource) bad = AF_TOKEN_SOURCE (af_static_token_source_new ("xoxb-revoked"));
  g_autoptr (AfSlackClient) slack = af_slack_client_new (f->s.http, bad, f->base);
  g_autoptr (AfSlackIdentity) id = NULL;

  af_slack_client_auth_test_async (slack, NULL, af_test_ready_cb, &r);
  id = af_slack_client_auth_test_finish (slack, af_test_await (&r), &error);
  g_assert_null (id);
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_assert_nonnull (strstr (error->message, "Reconnect Slack"));
}

static void
test_conversations (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GPtrArray) channels = NULL;
  g_autoptr (GPtrArray) public_only = NULL;
  gboolean private_seen = FALSE;

  /* 12 channels, 200 per page by default: one page; the sandbox pages
   * by cursor when asked for fewer (see test-sandbox). */
  af_slack_client_list_conversations_async (f->slack, "public_channel,private_channel", NULL, af_test_ready_cb, &r1);
  channels = af_slack_client_list_conversations_finish (f->slack, af_test_await (&r1), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channels->len, ==, 12);
  for (guint i = 0; i < channels->len; i++)
    if (((AfSlackChannel *)channels->pdata[i])->is_private)
      private_seen = TRUE;
  g_assert_true (private_seen);

  af_slack_client_list_conversations_async (f->slack, "public_channel", NULL, af_test_ready_cb, &r2);
  public_only = af_slack_client_list_conversations_finish (f->slack, af_test_await (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (public_only->len, ==, 11);
}

static void
test_open_and_lookup (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (AfSlackUser) user = NULL;
  g_autoptr (AfSlackUser) nobody = NULL;
  g_autofree char *dm = NULL;

  af_slack_client_lookup_user_by_email_async (f->slack, "zoe@example.de", NULL, af_test_ready_cb, &r1);
  user = af_slack_client_lookup_user_by_email_finish (f->slack, af_test_await (&r1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->id, ==, "U0ZOE");
  g_assert_cmpstr (user->real_name, ==, "Zoë Müller");

  af_slack_client_lookup_user_by_email_async (f->slack, "nobody@example.com", NULL, af_test_ready_cb, &r2);
  nobody = af_slack_client_lookup_user_by_email_finish (f->slack, af_test_await (&r2), &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_clear_error (&error);

  af_slack_client_open_conversation_async (f->slack, user->id, NULL, af_test_ready_cb, &r3);
  dm = af_slack_client_open_conversation_finish (f->slack, af_test_await (&r3), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (dm, "D"));
}

static void
test_post_and_permalink (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (JsonNode) blocks = json_from_string ("[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*Invoice* due\"}}]", NULL);
  g_autofree char *ts = NULL;
  g_autofree char *ts2 = NULL;
  g_autofree char *link = NULL;

  ts = post (f, "C0GENERAL", "Hello from AgentFlow", &error);
  g_assert_no_error (error);
  g_assert_nonnull (ts);

  af_slack_client_post_message_async (f->slack, "C0ALERTS", "Invoice due", blocks, NULL, NULL, af_test_ready_cb, &r1);
  ts2 = af_slack_client_post_message_finish (f->slack, af_test_await (&r1), &error);
  g_assert_no_error (error);

  af_slack_client_get_permalink_async (f->slack, "C0GENERAL", ts, NULL, af_test_ready_cb, &r2);
  link = af_slack_client_get_permalink_finish (f->slack, af_test_await (&r2), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (link, "https://example-workspace.slack.com/archives/C0GENERAL/p"));
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->s.sandbox, "C0GENERAL"), ==, 1);
}

/* A post may name its channel; the permalink wants the channel's ID, which
 * the post's answer gives (chat.getPermalink refuses a name). */
static void
test_post_by_name_permalink (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autofree char *channel_id = NULL;
  g_autofree char *ts = NULL;
  g_autofree char *link = NULL;
  g_autofree char *by_name = NULL;

  af_slack_client_post_message_async (f->slack, "#general", "By name", NULL, NULL, NULL, af_test_ready_cb, &r1);
  ts = af_slack_client_post_message_finish_full (f->slack, af_test_await (&r1), &channel_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ts);
  g_assert_cmpstr (channel_id, ==, "C0GENERAL");

  af_slack_client_get_permalink_async (f->slack, "#general", ts, NULL, af_test_ready_cb, &r2);
  by_name = af_slack_client_get_permalink_finish (f->slack, af_test_await (&r2), &error);
  g_assert_null (by_name);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_clear_error (&error);

  af_slack_client_get_permalink_async (f->slack, channel_id, ts, NULL, af_test_ready_cb, &r3);
  link = af_slack_client_get_permalink_finish (f->slack, af_test_await (&r3), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (link, "https://example-workspace.slack.com/archives/C0GENERAL/p"));
}

static char *
find_tagged (Fixture    *f,
             const char *channel,
             const char *key,
             GError    **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  af_slack_client_find_by_metadata_async (f->slack, channel, "agentflow_action", "key", key,
                                          g_get_real_time () / G_USEC_PER_SEC - 3600, NULL, af_test_ready_cb, &r);
  return af_slack_client_find_by_metadata_finish (f->slack, af_test_await (&r), error);
}

/* Message metadata goes out with the post and comes back from
 * conversations.history (include_all_metadata), by channel id or name. */
static void
test_post_metadata (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (JsonObject) payload = json_object_new ();
  g_autofree char *ts = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *by_id = NULL;
  g_autofree char *by_name = NULL;
  g_autofree char *other = NULL;
  g_autofree char *elsewhere = NULL;

  json_object_set_string_member (payload, "key", "agent-1/run-1/m1/post");
  af_slack_client_post_message_with_metadata_async (f->slack, "#general", "Tagged", NULL, NULL, "agentflow_action",
                                                    payload, NULL, af_test_ready_cb, &r1);
  ts = af_slack_client_post_message_finish (f->slack, af_test_await (&r1), &error);
  g_assert_no_error (error);
  plain = post (f, "C0ALERTS", "Untagged", &error);
  g_assert_no_error (error);

  by_id = find_tagged (f, "C0GENERAL", "agent-1/run-1/m1/post", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_id, ==, ts);
  by_name = find_tagged (f, "#general", "agent-1/run-1/m1/post", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_name, ==, ts);
  other = find_tagged (f, "C0GENERAL", "agent-1/run-1/m2/post", &error);
  g_assert_no_error (error);
  g_assert_null (other);
  elsewhere = find_tagged (f, "C0ALERTS", "agent-1/run-1/m1/post", &error);
  g_assert_no_error (error);
  g_assert_null (elsewhere);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "slack.conversations.history"), ==, 4);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->s.sandbox, "C0GENERAL"), ==, 1);
}

static void
test_post_errors (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ts = NULL;

  ts = post (f, "C0NOPE", "x", &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "C0NOPE"));
  g_clear_error (&error);

  ts = post (f, "C0DESIGN", "x", &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "/invite"));
}

static void
test_post_pacing (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GAsyncResult *results[3] = { NULL, NULL, NULL };
  gint64        start = g_get_monotonic_time ();

  /* Three posts at once to one channel: paced, no 429 from Slack. */
  for (guint i = 0; i < 3; i++)
    af_slack_client_post_message_async (f->slack, "C0RANDOM", "tick", NULL, NULL, NULL, af_test_ready_cb, &results[i]);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *ts = af_slack_client_post_message_finish (f->slack, af_test_await (&results[i]), &error);

      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - 50000);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "slack.chat.postMessage"), ==, 3);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->s.sandbox, "C0RANDOM"), ==, 3);
}

static void
test_post_faults (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  char *ts;

  /* 429 + Retry-After: retried, posted once. */
  af_sandbox_add_fault (f->s.sandbox, "slack.chat.postMessage", AF_SANDBOX_ROUTE_RATE_LIMIT, 1, 1);
  ts = post (f, "C0GENERAL", "one", &error);
  g_assert_no_error (error);
  g_free (ts);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "slack.chat.postMessage"), ==, 2);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->s.sandbox, "C0GENERAL"), ==, 1);

  /* Dropped after posting: reported, never posted twice. */
  af_sandbox_add_fault (f->s.sandbox, "slack.chat.postMessage", AF_SANDBOX_ROUTE_DROP_CONNECTION, 1, 0);
  ts = post (f, "C0ALERTS", "two", &error);
  g_assert_null (ts);
  g_assert_error (error, AF_ERROR, AF_ERROR_NETWORK);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->s.sandbox, "C0ALERTS"), ==, 1);
  g_clear_error (&error);

  /* 503: not retried for a post. */
  af_sandbox_add_fault (f->s.sandbox, "slack.chat.postMessage", AF_SANDBOX_ROUTE_UNAVAILABLE, 1, 0);
  ts = post (f, "G0LEADS", "three", &error);
  g_assert_null (ts);
  g_assert_error (error, AF_ERROR, AF_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpuint (af_sandbox_slack_get_n_posts (f->s.sandbox, "G0LEADS"), ==, 0);
  g_clear_error (&error);

  /* A read recovers from truncation and a 500. */
  {
    g_autoptr (GAsyncResult) r = NULL;
    g_autoptr (GPtrArray) channels = NULL;

    af_sandbox_add_fault (f->s.sandbox, "slack.conversations.list", AF_SANDBOX_ROUTE_TRUNCATED, 1, 0);
    af_sandbox_add_fault (f->s.sandbox, "slack.conversations.list", AF_SANDBOX_ROUTE_SERVER_ERROR, 1, 0);
    af_slack_client_list_conversations_async (f->slack, NULL, NULL, af_test_ready_cb, &r);
    channels = af_slack_client_list_conversations_finish (f->slack, af_test_await (&r), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (channels->len, ==, 12);
  }
}

static GPtrArray *
history (Fixture    *f,
         const char *channel,
         const char *oldest,
         guint       max,
         GError    **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  af_slack_client_history_async (f->slack, channel, oldest, max, NULL, af_test_ready_cb, &r);
  return af_slack_client_history_finish (f->slack, af_test_await (&r), error);
}

/* New messages of a channel: every page after a ts, oldest first. */
static void
test_history (Fixture      *f,
              gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GPtrArray) newest = NULL;
  guint            before = af_sandbox_slack_get_n_messages (f->s.sandbox, "C0ALERTS");
  g_autofree char *oldest = NULL;

  /* More than two pages of 200. */
  for (guint i = 0; i < 450; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);

      g_assert_true (af_sandbox_slack_deliver (f->s.sandbox, "C0ALERTS", "U0BOB", text));
    }
  all = history (f, "C0ALERTS", NULL, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, before + 450);
  g_assert_cmpstr (json_object_get_string_member (all->pdata[before], "text"), ==, "message 0");
  g_assert_cmpstr (json_object_get_string_member (all->pdata[all->len - 1], "text"), ==, "message 449");

  /* After the 100th: the 350 written since, in order, none twice. */
  oldest = g_strdup (json_object_get_string_member (all->pdata[before + 99], "ts"));
  after = history (f, "C0ALERTS", oldest, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 350);
  for (guint i = 0; i < after->len; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", 100 + i);

      g_assert_cmpstr (json_object_get_string_member (after->pdata[i], "text"), ==, text);
    }

  /* Bounded: the newest are kept. */
  newest = history (f, "C0ALERTS", oldest, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (newest->len, ==, 10);
  g_assert_cmpstr (json_object_get_string_member (newest->pdata[9], "text"), ==, "message 449");
}

static void
test_history_errors (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GPtrArray) outside = NULL;

  none = history (f, "C0NOSUCH", NULL, 10, &error);
  g_assert_null (none);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* #design: the app is not a member. */
  outside = history (f, "C0DESIGN", NULL, 10, &error);
  g_assert_null (outside);
  g_assert_error (error, AF_ERROR, AF_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "/invite"));
}

/* Each finish function takes only the results of its own async call: one
 * from another call is a programming error caught by a critical, not a
 * result read as the wrong type. */
static void
test_finish_checks_tag (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (AfSlackIdentity) id = NULL;
  g_autofree char *wrong = NULL;

  af_slack_client_auth_test_async (f->slack, NULL, af_test_ready_cb, &r);
  af_test_await (&r);

  g_test_expect_message ("af-slack-client", G_LOG_LEVEL_CRITICAL, "*is_tagged*");
  wrong = af_slack_client_get_permalink_finish (f->slack, r, &error);
  g_test_assert_expected_messages ();
  g_assert_null (wrong);
  g_assert_no_error (error);

  g_test_expect_message ("af-slack-client", G_LOG_LEVEL_CRITICAL, "*is_tagged*");
  g_assert_null (af_slack_client_post_message_finish (f->slack, r, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("af-slack-client", G_LOG_LEVEL_CRITICAL, "*is_tagged*");
  g_assert_null (af_slack_client_history_finish (f->slack, r, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  /* The refused calls left the result to its own finish function. */
  id = af_slack_client_auth_test_finish (f->slack, r, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_cmpstr (id->team_id, ==, AF_SANDBOX_SLACK_TEAM);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/slack/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("auth-test", test_auth_test);
  ADD ("invalid-auth", test_invalid_auth);
  ADD ("conversations", test_conversations);
  ADD ("open-and-lookup", test_open_and_lookup);
  ADD ("post-and-permalink", test_post_and_permalink);
  ADD ("post-by-name-permalink", test_post_by_name_permalink);
  ADD ("post-errors", test_post_errors);
  ADD ("post-metadata", test_post_metadata);
  ADD ("post-pacing", test_post_pacing);
  ADD ("post-faults", test_post_faults);
  ADD ("history", test_history);
  ADD ("history-errors", test_history_errors);
  ADD ("finish-checks-tag", test_finish_checks_tag);
#undef ADD

  return g_test_run ();
}
