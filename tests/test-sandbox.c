/* test-sandbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "af-sandbox.h"
#include "af-test-wait.h"

/* The wire format, pinned to the shapes the APIs' documentation shows. */

typedef struct
{
  AfSandbox   *sandbox;
  SoupSession *session;
  char        *google;
  char        *slack;
  char        *llm;
} Fixture;

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
} Reply;

static void
reply_free (Reply *reply)
{
  g_bytes_unref (reply->body);
  soup_message_headers_unref (reply->headers);
  g_free (reply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* The fixture's data for a sandbox serving from a thread of its own. */
static const char threaded[] = "threaded";

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->sandbox = af_sandbox_new ();
  af_sandbox_seed_sample (f->sandbox);
  af_sandbox_add_default_tokens (f->sandbox, &f->google, &f->slack, &f->llm);
  if (data == threaded)
    g_assert_true (af_sandbox_start_in_thread (f->sandbox, &error));
  else
    g_assert_true (af_sandbox_start (f->sandbox, &error));
  f->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->sandbox);
  g_free (f->google);
  g_free (f->slack);
  g_free (f->llm);
}

static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static Reply *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *token,
         const char *content_type,
         const char *body)
{
  g_autofree char *url = g_strconcat (af_sandbox_get_base_url (f->sandbox), path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  Reply *reply = g_new0 (Reply, 1);

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, on_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply->body = soup_session_send_and_read_finish (f->session, result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return reply;
}

static JsonNode *
json (Reply *reply)
{
  JsonNode *node = json_from_string (g_bytes_get_data (reply->body, NULL) ? (const char *)g_bytes_get_data (reply->body, NULL) : "", NULL);

  g_assert_nonnull (node);
  return node;
}

static void
assert_json_equal (Reply      *reply,
                   const char *expected)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
  g_autoptr (JsonNode) got = json_from_string (text, NULL);
  g_autoptr (JsonNode) want = json_from_string (expected, NULL);

  g_assert_nonnull (want);
  if (got == NULL || !json_node_equal (got, want))
    g_error ("got %s\nwant %s", text, expected);
}

static void
test_google_errors (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (Reply) unauth = request (f, "GET", "/gmail/v1/users/me/messages", "ya29.nope", NULL, NULL);
  g_autoptr (Reply) missing = request (f, "GET", "/gmail/v1/users/me/messages/0000", f->google, NULL, NULL);
  g_autoptr (Reply) gone = NULL;
  g_autoptr (Reply) scope = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *error;

  /* developers.google.com/gmail/api/guides/handle-errors, 401 sample */
  g_assert_cmpuint (unauth->status, ==, 401);
  assert_json_equal (unauth, "{\"error\":{\"errors\":[{\"domain\":\"global\",\"reason\":\"authError\","
                             "\"message\":\"Invalid Credentials\",\"locationType\":\"header\",\"location\":\"Authorization\"}],"
                             "\"code\":401,\"message\":\"Invalid Credentials\"}}");
  g_assert_nonnull (soup_message_headers_get_one (unauth->headers, "WWW-Authenticate"));

  g_assert_cmpuint (missing->status, ==, 404);
  node = json (missing);
  error = json_object_get_object_member (json_node_get_object (node), "error");
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, 404);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (error, "errors"), 0), "reason"), ==, "notFound");

  /* Calendar "Handle API errors", 410 sample */
  af_sandbox_add_fault (f->sandbox, "calendar.events.list", AF_SANDBOX_ROUTE_EXPIRE_CURSOR, 1, 0);
  gone = request (f, "GET", "/calendar/v3/calendars/primary/events?syncToken=sb-sync-1", f->google, NULL, NULL);
  g_assert_cmpuint (gone->status, ==, 410);
  assert_json_equal (gone, "{\"error\":{\"errors\":[{\"domain\":\"global\",\"reason\":\"fullSyncRequired\","
                           "\"message\":\"Sync token is no longer valid, a full sync is required.\","
                           "\"locationType\":\"parameter\",\"location\":\"syncToken\"}],"
                           "\"code\":410,\"message\":\"Sync token is no longer valid, a full sync is required.\"}}");

  af_sandbox_add_token (f->sandbox, "ya29.ro", "google", AF_SANDBOX_ACCOUNT, "https://www.googleapis.com/auth/gmail.readonly", 0);
  scope = request (f, "POST", "/gmail/v1/users/me/messages/batchModify", "ya29.ro", "application/json", "{\"ids\":[\"1\"]}");
  g_assert_cmpuint (scope->status, ==, 403);
}

static void
test_gmail_shapes (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (Reply) list = request (f, "GET", "/gmail/v1/users/me/messages?maxResults=2", f->google, NULL, NULL);
  g_autoptr (Reply) profile = request (f, "GET", "/gmail/v1/users/me/profile", f->google, NULL, NULL);
  g_autoptr (Reply) modify = NULL;
  g_autoptr (JsonNode) node = json (list);
  g_autoptr (JsonNode) pnode = json (profile);
  JsonObject *o = json_node_get_object (node);
  JsonObject *first;

  /* {"messages": [{"id", "threadId"}], "nextPageToken", "resultSizeEstimate"} */
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "messages")), ==, 2);
  first = json_array_get_object_element (json_object_get_array_member (o, "messages"), 0);
  g_assert_cmpuint (json_object_get_size (first), ==, 2);
  g_assert_true (json_object_has_member (first, "threadId"));
  g_assert_nonnull (json_object_get_string_member (o, "nextPageToken"));
  g_assert_true (json_object_has_member (o, "resultSizeEstimate"));

  /* historyId is a string, as in the Users resource. */
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (pnode), "emailAddress"), ==, AF_SANDBOX_ACCOUNT);
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (pnode), "historyId"));

  /* batchModify: 204 and no body. */
  {
    g_autofree char *body = g_strdup_printf ("{\"ids\":[\"%s\"],\"addLabelIds\":[\"STARRED\"]}",
                                             json_object_get_string_member (first, "id"));

    modify = request (f, "POST", "/gmail/v1/users/me/messages/batchModify", f->google, "application/json", body);
    g_assert_cmpuint (modify->status, ==, 204);
    g_assert_cmpuint (g_bytes_get_size (modify->body), ==, 0);
  }

  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.list"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_quota_units (f->sandbox, "gmail.users.messages.list"), ==, 5);
  g_assert_cmpuint (af_sandbox_get_quota_units (f->sandbox, "gmail.users.messages.batchModify"), ==, 50);
}

/* The route table: each method and path reaches its own handler and is
 * counted as its API method; a path or a method Gmail does not have is a
 * 404 that counts as no method at all. */
static void
test_gmail_routes (Fixture      *f,
                   gconstpointer data)
{
  static const char *const unknown[][2] = {
    { "POST", "/gmail/v1/users/me/profile" },
    { "DELETE", "/gmail/v1/users/me/messages" },
    { "GET", "/gmail/v1/users/me/messages/abc/attachments" },
    { "GET", "/gmail/v1/users/me/nothing" },
    { "PUT", "/gmail/v1/users/me/labels" },
  };
  g_autoptr (Reply) list = request (f, "GET", "/gmail/v1/users/me/messages?maxResults=1", f->google, NULL, NULL);
  g_autoptr (JsonNode) node = json (list);
  const char *id = json_object_get_string_member (
      json_array_get_object_element (json_object_get_array_member (json_node_get_object (node), "messages"), 0), "id");
  g_autofree char *path = g_strdup_printf ("/gmail/v1/users/me/messages/%s?format=minimal", id);
  g_autoptr (Reply) get = request (f, "GET", path, f->google, NULL, NULL);
  g_autoptr (JsonNode) got = json (get);
  g_autoptr (Reply) labels = request (f, "GET", "/gmail/v1/users/me/labels", f->google, NULL, NULL);
  g_autoptr (Reply) created = request (f, "POST", "/gmail/v1/users/me/labels", f->google, "application/json", "{\"name\":\"Routed\"}");
  g_autoptr (Reply) again = request (f, "POST", "/gmail/v1/users/me/labels", f->google, "application/json", "{\"name\":\"routed\"}");
  g_autoptr (Reply) drafts = request (f, "GET", "/gmail/v1/users/me/drafts", f->google, NULL, NULL);

  /* messages/{id}: the id segment reaches the handler. */
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (got), "id"), ==, id);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.get"), ==, 1);
  /* The same path by method: labels.list, then labels.create (a name
   * that exists in another case is a 409). */
  g_assert_cmpuint (labels->status, ==, 200);
  g_assert_cmpuint (created->status, ==, 200);
  g_assert_cmpuint (again->status, ==, 409);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.labels.list"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.labels.create"), ==, 2);
  g_assert_nonnull (af_sandbox_gmail_find_label (f->sandbox, "Routed"));
  g_assert_cmpuint (drafts->status, ==, 200);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.drafts.list"), ==, 1);

  af_sandbox_reset_counts (f->sandbox);
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autoptr (Reply) reply = request (f, unknown[i][0], unknown[i][1], f->google, NULL, NULL);
      g_autoptr (JsonNode) error = json (reply);

      g_assert_cmpuint (reply->status, ==, 404);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (error), "error"), "status"),
                       ==, "NOT_FOUND");
    }
  g_assert_cmpuint (af_sandbox_get_total_requests (f->sandbox), ==, 0);
}

static char *
current_history (Fixture *f)
{
  g_autoptr (Reply) profile = request (f, "GET", "/gmail/v1/users/me/profile", f->google, NULL, NULL);
  g_autoptr (JsonNode) node = json (profile);

  return g_strdup (json_object_get_string_member (json_node_get_object (node), "historyId"));
}

/* users.history.list, users.drafts.create, users.messages.list as
 * documented: a saved draft is a messageAdded record with the DRAFT
 * label; history past its horizon is a 404; after:/before: take epoch
 * seconds; spam and trash are left out unless asked for; pages follow
 * nextPageToken to the end. */
static void
test_gmail_history_and_queries (Fixture      *f,
                                gconstpointer data)
{
  g_autofree char *start = current_history (f);
  g_autofree char *path = NULL;
  g_autoptr (Reply) draft = NULL;
  g_autoptr (Reply) history = NULL;
  g_autoptr (Reply) expired = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) dnode = NULL;
  JsonArray  *records, *labels;
  JsonObject *added;
  const char *draft_message;
  /* "Subject: Hi\r\n\r\nHello" */
  const char      *raw = "U3ViamVjdDogSGkNCg0KSGVsbG8";
  g_autofree char *body = g_strdup_printf ("{\"message\": {\"raw\": \"%s\"}}", raw);
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;
  guint            total = 0, n_pages = 0;
  g_autofree char *token = NULL;

  draft = request (f, "POST", "/gmail/v1/users/me/drafts", f->google, "application/json", body);
  g_assert_cmpuint (draft->status, ==, 200);
  dnode = json (draft);
  draft_message = json_object_get_string_member (json_object_get_object_member (json_node_get_object (dnode), "message"), "id");

  path = g_strdup_printf ("/gmail/v1/users/me/history?startHistoryId=%s&historyTypes=messageAdded", start);
  history = request (f, "GET", path, f->google, NULL, NULL);
  g_assert_cmpuint (history->status, ==, 200);
  node = json (history);
  records = json_object_get_array_member (json_node_get_object (node), "history");
  g_assert_cmpuint (json_array_get_length (records), ==, 1);
  added = json_object_get_object_member (
      json_array_get_object_element (json_object_get_array_member (json_array_get_object_element (records, 0), "messagesAdded"), 0),
      "message");
  g_assert_cmpstr (json_object_get_string_member (added, "id"), ==, draft_message);
  labels = json_object_get_array_member (added, "labelIds");
  g_assert_cmpuint (json_array_get_length (labels), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (labels, 0), ==, "DRAFT");

  /* Past the horizon: 404, as when Gmail no longer has the records. */
  af_sandbox_gmail_set_history_horizon (f->sandbox, 1);
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Bob <bob@example.org>", "One", "1"));
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Bob <bob@example.org>", "Two", "2"));
  expired = request (f, "GET", path, f->google, NULL, NULL);
  g_assert_cmpuint (expired->status, ==, 404);

  /* after: at or after an epoch second; the sample is one message a
   * minute up to now, so the last hour holds 60 of them (plus the two
   * just delivered, and the draft). */
  {
    g_autofree char *q = g_strdup_printf ("after:%" G_GINT64_FORMAT " -in:drafts", now - 3600 + 30);
    g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);
    g_autofree char *list_path = g_strdup_printf ("/gmail/v1/users/me/messages?maxResults=7&q=%s", escaped);

    do
      {
        g_autofree char *page_path = token ? g_strdup_printf ("%s&pageToken=%s", list_path, token) : g_strdup (list_path);
        g_autoptr (Reply) page = request (f, "GET", page_path, f->google, NULL, NULL);
        g_autoptr (JsonNode) pnode = json (page);
        JsonObject *o = json_node_get_object (pnode);

        g_clear_pointer (&token, g_free);
        total += json_object_has_member (o, "messages") ? json_array_get_length (json_object_get_array_member (o, "messages")) : 0;
        n_pages++;
        token = g_strdup (json_object_get_string_member_with_default (o, "nextPageToken", NULL));
      }
    while (token != NULL);
    g_assert_cmpuint (total, ==, 59 + 2);
    g_assert_cmpuint (n_pages, ==, (59 + 2 + 6) / 7);
    g_assert_cmpuint (af_sandbox_gmail_count_query (f->sandbox, q), ==, 59 + 2);
  }
  {
    g_autofree char *q = g_strdup_printf ("before:%" G_GINT64_FORMAT, now - 3600 * 4 - 30);

    g_assert_cmpuint (af_sandbox_gmail_count_query (f->sandbox, q), ==, 300 - 4 * 60);
  }
  g_assert_cmpuint (af_sandbox_gmail_count_query (f->sandbox, "in:drafts"), ==, 1);
}

static void
test_gmail_batch (Fixture      *f,
                  gconstpointer data)
{
  const char      *id = af_sandbox_gmail_find_by_subject (f->sandbox, "About lunch on Friday");
  g_autofree char *body = g_strdup_printf ("--batch_foo\r\nContent-Type: application/http\r\nContent-ID: <item1>\r\n\r\n"
                                           "GET /gmail/v1/users/me/messages/%s?format=metadata&metadataHeaders=Subject\r\n\r\n"
                                           "--batch_foo\r\nContent-Type: application/http\r\nContent-ID: <item2>\r\n\r\n"
                                           "GET /gmail/v1/users/me/messages/doesnotexist\r\n\r\n"
                                           "--batch_foo--\r\n",
                                           id);
  g_autoptr (Reply) reply = request (f, "POST", "/batch/gmail/v1", f->google, "multipart/mixed; boundary=batch_foo", body);
  g_autoptr (SoupMultipart) multipart = NULL;
  SoupMessageHeaders *headers;
  GBytes             *part;
  g_autofree char    *text = NULL;

  g_assert_nonnull (id);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (reply->headers, "Content-Type"), "multipart/mixed"));
  multipart = soup_multipart_new_from_message (reply->headers, reply->body);
  g_assert_cmpint (soup_multipart_get_length (multipart), ==, 2);

  g_assert_true (soup_multipart_get_part (multipart, 0, &headers, &part));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Type"), ==, "application/http");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-ID"), ==, "<response-item1>");
  text = g_strndup (g_bytes_get_data (part, NULL), g_bytes_get_size (part));
  g_assert_true (g_str_has_prefix (text, "HTTP/1.1 200 OK\r\n"));
  g_assert_nonnull (strstr (text, "\"name\":\"Subject\""));
  g_assert_null (strstr (text, "\"name\":\"From\""));
  g_clear_pointer (&text, g_free);

  g_assert_true (soup_multipart_get_part (multipart, 1, &headers, &part));
  text = g_strndup (g_bytes_get_data (part, NULL), g_bytes_get_size (part));
  g_assert_true (g_str_has_prefix (text, "HTTP/1.1 404"));

  /* One HTTP request; each inner request is charged as messages.get. */
  g_assert_cmpuint (af_sandbox_get_total_requests (f->sandbox), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.get"), ==, 2);
  g_assert_cmpuint (af_sandbox_get_quota_units (f->sandbox, "gmail.users.messages.get"), ==, 10);
}

static void
test_slack_shapes (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (Reply) post = request (f, "POST", "/api/chat.postMessage", f->slack, "application/json; charset=utf-8",
                                    "{\"channel\":\"C0GENERAL\",\"text\":\"Here's a message for you\"}");
  g_autoptr (Reply) again = request (f, "POST", "/api/chat.postMessage", f->slack, "application/json; charset=utf-8",
                                     "{\"channel\":\"C0GENERAL\",\"text\":\"too fast\"}");
  g_autoptr (Reply) missing = request (f, "POST", "/api/chat.postMessage", f->slack, "application/x-www-form-urlencoded",
                                       "channel=C0NOPE&text=x");
  g_autoptr (Reply) noauth = request (f, "GET", "/api/auth.test", NULL, NULL, NULL);
  g_autoptr (Reply) bad = request (f, "GET", "/api/auth.test", "xoxb-bad", NULL, NULL);
  g_autoptr (JsonNode) node = json (post);
  JsonObject *o = json_node_get_object (node);
  JsonObject *message = json_object_get_object_member (o, "message");
  g_autoptr (GRegex) ts = g_regex_new ("^[0-9]+\\.[0-9]{6}$", 0, 0, NULL);
  guint            pages = 0, channels = 0;
  g_autofree char *cursor = NULL;

  /* api.slack.com/methods/chat.postMessage, example response */
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpstr (json_object_get_string_member (o, "channel"), ==, "C0GENERAL");
  g_assert_true (g_regex_match (ts, json_object_get_string_member (o, "ts"), 0, NULL));
  g_assert_cmpstr (json_object_get_string_member (message, "type"), ==, "message");
  g_assert_cmpstr (json_object_get_string_member (message, "text"), ==, "Here's a message for you");
  g_assert_cmpstr (json_object_get_string_member (message, "ts"), ==, json_object_get_string_member (o, "ts"));

  /* More than one per second: 429, Retry-After, {"ok":false,"error":"ratelimited"} */
  g_assert_cmpuint (again->status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (again->headers, "Retry-After"), ==, "1");
  assert_json_equal (again, "{\"ok\":false,\"error\":\"ratelimited\"}");

  g_assert_cmpuint (missing->status, ==, 200);
  assert_json_equal (missing, "{\"ok\":false,\"error\":\"channel_not_found\"}");
  assert_json_equal (noauth, "{\"ok\":false,\"error\":\"not_authed\"}");
  assert_json_equal (bad, "{\"ok\":false,\"error\":\"invalid_auth\"}");

  /* Cursor pagination: response_metadata.next_cursor, "" on the last page. */
  do
    {
      g_autofree char *path = NULL;
      g_autoptr (Reply) page = NULL;
      g_autoptr (JsonNode) pnode = NULL;
      JsonObject *p;

      if (cursor != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);
          path = g_strdup_printf ("/api/conversations.list?limit=5&types=public_channel,private_channel&cursor=%s", escaped);
        }
      else
        path = g_strdup ("/api/conversations.list?limit=5&types=public_channel,private_channel");
      page = request (f, "GET", path, f->slack, NULL, NULL);
      pnode = json (page);
      p = json_node_get_object (pnode);
      channels += json_array_get_length (json_object_get_array_member (p, "channels"));
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (json_object_get_object_member (p, "response_metadata"), "next_cursor"));
      pages++;
    }
  while (cursor[0] != '\0');
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (channels, ==, 12);

  /* The type filter applies after the page is taken: a page can be empty
   * and still point further (api.slack.com/methods/conversations.list). */
  {
    g_autoptr (Reply) page = request (f, "GET", "/api/conversations.list?limit=2&types=private_channel", f->slack, NULL, NULL);
    g_autoptr (JsonNode) pnode = json (page);
    JsonObject *p = json_node_get_object (pnode);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (p, "channels")), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (p, "response_metadata"), "next_cursor"), !=, "");
  }
}

static JsonArray *
history_messages (JsonNode *node)
{
  return json_object_get_array_member (json_node_get_object (node), "messages");
}

/* conversations.history as the reference describes it: newest first,
 * oldest/latest exclusive unless inclusive, has_more and next_cursor,
 * the errors and the channels:history scope
 * (https://docs.slack.dev/reference/methods/conversations.history). */
static void
test_slack_history (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (Reply) page1 = NULL;
  g_autoptr (Reply) page2 = NULL;
  g_autoptr (Reply) between = NULL;
  g_autoptr (Reply) inclusive = NULL;
  g_autoptr (Reply) outside = NULL;
  g_autoptr (Reply) unknown = NULL;
  g_autoptr (Reply) no_scope = NULL;
  g_autoptr (JsonNode) n1 = NULL;
  g_autoptr (JsonNode) n2 = NULL;
  g_autoptr (JsonNode) nb = NULL;
  g_autoptr (JsonNode) ni = NULL;
  g_autofree char *path = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *first_ts = NULL;
  g_autofree char *third_ts = NULL;
  JsonObject      *o;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %u", i);

      g_assert_true (af_sandbox_slack_deliver (f->sandbox, "C0ALERTS", "U0BOB", text));
    }

  /* Three of five: newest first, more to come. */
  page1 = request (f, "GET", "/api/conversations.history?channel=C0ALERTS&limit=3", f->slack, NULL, NULL);
  n1 = json (page1);
  o = json_node_get_object (n1);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_true (json_object_get_boolean_member (o, "has_more"));
  g_assert_cmpuint (json_array_get_length (history_messages (n1)), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history_messages (n1), 0), "text"), ==, "line 4");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history_messages (n1), 0), "team"), ==,
                   AF_SANDBOX_SLACK_TEAM);
  cursor = g_uri_escape_string (json_object_get_string_member (json_object_get_object_member (o, "response_metadata"), "next_cursor"),
                                NULL, FALSE);
  g_assert_cmpstr (cursor, !=, "");
  path = g_strdup_printf ("/api/conversations.history?channel=C0ALERTS&limit=3&cursor=%s", cursor);
  page2 = request (f, "GET", path, f->slack, NULL, NULL);
  n2 = json (page2);
  o = json_node_get_object (n2);
  g_assert_false (json_object_get_boolean_member (o, "has_more"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "response_metadata"), "next_cursor"), ==, "");
  g_assert_cmpuint (json_array_get_length (history_messages (n2)), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history_messages (n2), 1), "text"), ==, "line 0");
  first_ts = g_strdup (json_object_get_string_member (json_array_get_object_element (history_messages (n2), 1), "ts"));
  third_ts = g_strdup (json_object_get_string_member (json_array_get_object_element (history_messages (n1), 2), "ts"));

  /* Between line 0 and line 2, both left out; with inclusive, both in.
   * Messages a microsecond apart stay apart. */
  g_free (path);
  path = g_strdup_printf ("/api/conversations.history?channel=C0ALERTS&oldest=%s&latest=%s", first_ts, third_ts);
  between = request (f, "GET", path, f->slack, NULL, NULL);
  nb = json (between);
  g_assert_cmpuint (json_array_get_length (history_messages (nb)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history_messages (nb), 0), "text"), ==, "line 1");
  g_free (path);
  path = g_strdup_printf ("/api/conversations.history?channel=C0ALERTS&oldest=%s&latest=%s&inclusive=true", first_ts, third_ts);
  inclusive = request (f, "GET", path, f->slack, NULL, NULL);
  ni = json (inclusive);
  g_assert_cmpuint (json_array_get_length (history_messages (ni)), ==, 3);

  outside = request (f, "GET", "/api/conversations.history?channel=C0DESIGN", f->slack, NULL, NULL);
  assert_json_equal (outside, "{\"ok\":false,\"error\":\"not_in_channel\"}");
  unknown = request (f, "GET", "/api/conversations.history?channel=C0NOPE", f->slack, NULL, NULL);
  assert_json_equal (unknown, "{\"ok\":false,\"error\":\"channel_not_found\"}");
  af_sandbox_add_token (f->sandbox, "xoxb-post-only", "slack", AF_SANDBOX_SLACK_USER, "chat:write", 0);
  no_scope = request (f, "GET", "/api/conversations.history?channel=C0ALERTS", "xoxb-post-only", NULL, NULL);
  {
    g_autoptr (JsonNode) nn = json (no_scope);

    g_assert_false (json_object_get_boolean_member (json_node_get_object (nn), "ok"));
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (nn), "error"), ==, "missing_scope");
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (nn), "needed"), ==, "channels:history");
  }
}

static void
test_llm_script (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (Reply) unauth = request (f, "POST", "/v1/chat/completions", "sk-wrong", "application/json", "{\"model\":\"m\",\"messages\":[]}");
  g_autoptr (Reply) reply = NULL;
  g_autoptr (Reply) fallback = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) fnode = NULL;
  JsonObject *choice;

  g_assert_cmpuint (unauth->status, ==, 401);
  assert_json_equal (unauth, "{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");

  af_sandbox_llm_push_tool_call (f->sandbox, "archive", "{\"ids\":[\"1\"]}");
  reply = request (f, "POST", "/v1/chat/completions", f->llm, "application/json",
                   "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  node = json (reply);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "object"), ==, "chat.completion");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "model"), ==, "llama3.2");
  choice = json_array_get_object_element (json_object_get_array_member (json_node_get_object (node), "choices"), 0);
  g_assert_cmpstr (json_object_get_string_member (choice, "finish_reason"), ==, "tool_calls");

  /* Nothing scripted: the same fixed answer every time. */
  fallback = request (f, "POST", "/v1/chat/completions", f->llm, "application/json", "{\"model\":\"m\",\"messages\":[]}");
  fnode = json (fallback);
  choice = json_array_get_object_element (json_object_get_array_member (json_node_get_object (fnode), "choices"), 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (choice, "message"), "content"), ==,
                   "Nothing is scripted for this turn.");
}

static void
test_seed (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (AfSandbox) big = af_sandbox_new ();

  g_assert_cmpuint (af_sandbox_gmail_get_n_messages (f->sandbox), ==, 300);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "CATEGORY_PROMOTIONS"), >, 10);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "IMPORTANT"), >, 10);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->sandbox, "UNREAD"), >, 100);
  g_assert_cmpuint (af_sandbox_calendar_get_n_events (f->sandbox), >=, 6);

  af_sandbox_generate_messages (big, 10000, 7);
  g_assert_cmpuint (af_sandbox_gmail_get_n_messages (big), ==, 10000);
}

static gboolean
labels_contain (JsonObject *message,
                const char *label)
{
  JsonArray *labels = json_object_get_array_member (message, "labelIds");

  for (guint i = 0; i < json_array_get_length (labels); i++)
    if (g_str_equal (json_array_get_string_element (labels, i), label))
      return TRUE;
  return FALSE;
}

/* A message read (in full, alone or in a batch) and its history record
 * show its labels as they are now: what is rendered once is rendered
 * again after a change. */
static void
test_gmail_rendered_follow_changes (Fixture      *f,
                                    gconstpointer data)
{
  const char      *id = af_sandbox_gmail_find_by_subject (f->sandbox, "About lunch on Friday");
  g_autofree char *path = g_strdup_printf ("/gmail/v1/users/me/messages/%s", id);
  g_autofree char *modify = g_strdup_printf ("{\"ids\":[\"%s\"],\"addLabelIds\":[\"STARRED\"],\"removeLabelIds\":[\"INBOX\"]}", id);
  g_autofree char *batch = g_strdup_printf ("--b\r\nContent-Type: application/http\r\nContent-ID: <one>\r\n\r\n"
                                            "GET /gmail/v1/users/me/messages/%s?format=full\r\n\r\n--b--\r\n",
                                            id);
  g_autoptr (Reply) profile = request (f, "GET", "/gmail/v1/users/me/profile", f->google, NULL, NULL);
  g_autoptr (JsonNode) profile_json = json (profile);
  g_autofree char *history_path = NULL;
  g_autofree char *part_text = NULL;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (Reply) get = request (f, "GET", path, f->google, NULL, NULL);
      g_autoptr (JsonNode) message = json (get);
      g_autoptr (Reply) answer = request (f, "POST", "/batch/gmail/v1", f->google, "multipart/mixed; boundary=b", batch);
      g_autoptr (SoupMultipart) multipart = soup_multipart_new_from_message (answer->headers, answer->body);
      SoupMessageHeaders *headers;
      GBytes             *part;
      const char         *inner;
      g_autoptr (JsonNode) batched = NULL;

      g_assert_cmpuint (get->status, ==, 200);
      g_assert_true (labels_contain (json_node_get_object (message), "INBOX") == (round == 0));
      g_assert_true (labels_contain (json_node_get_object (message), "STARRED") == (round == 1));
      g_assert_nonnull (json_object_get_object_member (json_node_get_object (message), "payload"));

      g_assert_nonnull (multipart);
      g_assert_true (soup_multipart_get_part (multipart, 0, &headers, &part));
      g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-ID"), ==, "<response-one>");
      g_free (part_text);
      part_text = g_strndup (g_bytes_get_data (part, NULL), g_bytes_get_size (part));
      inner = strstr (part_text, "\r\n\r\n");
      g_assert_nonnull (inner);
      batched = json_from_string (inner + 4, NULL);
      g_assert_nonnull (batched);
      g_assert_true (json_node_equal (batched, message));

      if (round == 0)
        {
          g_autoptr (Reply) modified = request (f, "POST", "/gmail/v1/users/me/messages/batchModify", f->google,
                                                "application/json", modify);

          g_assert_cmpuint (modified->status, ==, 204);
        }
    }

  /* The history record of a new message, then after a change. */
  history_path = g_strdup_printf ("/gmail/v1/users/me/history?startHistoryId=%s",
                                  json_object_get_string_member (json_node_get_object (profile_json), "historyId"));
  g_free (af_sandbox_gmail_deliver (f->sandbox, "Dana <dana@example.com>", "Render me", "Hello."));
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (Reply) history = request (f, "GET", history_path, f->google, NULL, NULL);
      g_autoptr (JsonNode) node = json (history);
      JsonObject *root = json_node_get_object (node);
      JsonArray  *records = json_object_get_array_member (root, "history");
      JsonObject *added = json_array_get_object_element (json_object_get_array_member (json_array_get_object_element (records, 0),
                                                                                       "messagesAdded"),
                                                         0);
      JsonObject *message = json_object_get_object_member (added, "message");

      g_assert_cmpuint (json_array_get_length (records), ==, 1);
      g_assert_true (json_object_has_member (root, "historyId"));
      g_assert_false (json_object_has_member (root, "nextPageToken"));
      g_assert_true (labels_contain (message, "STARRED") == (round == 1));
      if (round == 0)
        {
          g_autofree char *star = g_strdup_printf ("{\"ids\":[\"%s\"],\"addLabelIds\":[\"STARRED\"]}",
                                                   json_object_get_string_member (message, "id"));
          g_autoptr (Reply) modified = request (f, "POST", "/gmail/v1/users/me/messages/batchModify", f->google,
                                                "application/json", star);

          g_assert_cmpuint (modified->status, ==, 204);
        }
    }
}

/* A sandbox in its own thread answers on its own main context: a delayed
 * answer comes while the caller's main context is never iterated (a
 * synchronous request), and stopping it ends what is still waiting. */
static void
test_threaded (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *url = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/gmail/v1/users/me/profile", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", f->google, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (SoupMessage) late = soup_message_new ("GET", url);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  soup_session_set_timeout (f->session, 20);
  af_sandbox_add_fault (f->sandbox, "gmail.users.getProfile", AF_SANDBOX_ROUTE_LATENCY, 1, 50);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "\"emailAddress\":\"alice@example.com\""));
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.getProfile"), ==, 1);

  /* An answer held for a minute: stopping the sandbox closes it now. */
  af_sandbox_add_fault (f->sandbox, "gmail.users.getProfile", AF_SANDBOX_ROUTE_LATENCY, 1, 60000);
  soup_message_headers_replace (soup_message_get_request_headers (late), "Authorization", auth);
  soup_session_send_and_read_async (f->session, late, G_PRIORITY_DEFAULT, NULL, on_ready, &result);
  af_test_wait_until (af_sandbox_get_count (f->sandbox, "gmail.users.getProfile") == 2, "the sandbox to take the request");
  af_sandbox_stop (f->sandbox);
  af_test_wait_until (result != NULL, "the held request to end with the sandbox");
  g_clear_pointer (&body, g_bytes_unref);
  body = soup_session_send_and_read_finish (f->session, result, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  g_assert_cmpuint (soup_message_get_status (late), !=, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/sandbox/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("google-errors", test_google_errors);
  ADD ("gmail-shapes", test_gmail_shapes);
  ADD ("gmail-batch", test_gmail_batch);
  ADD ("gmail-routes", test_gmail_routes);
  ADD ("gmail-history-and-queries", test_gmail_history_and_queries);
  ADD ("gmail-rendered-follow-changes", test_gmail_rendered_follow_changes);
  ADD ("slack-history", test_slack_history);
  ADD ("slack-shapes", test_slack_shapes);
  ADD ("llm-script", test_llm_script);
  ADD ("seed", test_seed);
#undef ADD
#define ADD_THREADED(path, func) g_test_add ("/sandbox/threaded/" path, Fixture, threaded, fixture_set_up, func, fixture_tear_down)
  ADD_THREADED ("serves-and-stops", test_threaded);
  ADD_THREADED ("google-errors", test_google_errors);
  ADD_THREADED ("gmail-batch", test_gmail_batch);
  ADD_THREADED ("gmail-routes", test_gmail_routes);
  ADD_THREADED ("gmail-history-and-queries", test_gmail_history_and_queries);
#undef ADD_THREADED

  return g_test_run ();
}
