/* test-gmail-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "af-base64url.h"
#include "af-error.h"
#include "af-test-services.h"
#include "af-test-wait.h"
#include "af-gmail-client.h"
#include "af-gmail-client-private.h"

typedef struct
{
  AfTestServices s;
  AfGmailClient *gmail;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  af_test_services_set_up (&f->s, AF_TEST_GOOGLE, data == NULL, 4);
  f->gmail = af_gmail_client_new (f->s.http, f->s.tokens, af_sandbox_get_base_url (f->s.sandbox));
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->gmail);
  af_test_services_tear_down (&f->s);
}

static AfGmailSyncResult *
do_sync (Fixture    *f,
         const char *history_id,
         GError    **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  af_gmail_client_sync_async (f->gmail, history_id, 0, NULL, af_test_ready_cb, &r);
  return af_gmail_client_sync_finish (f->gmail, af_test_await (&r), error);
}

static GPtrArray *
list_page (Fixture *f,
           GError **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  af_gmail_client_list_messages_async (f->gmail, NULL, NULL, 10, NULL, af_test_ready_cb, &r);
  return af_gmail_client_list_messages_finish (f->gmail, af_test_await (&r), NULL, error);
}

static AfGmailMessage *
do_send (Fixture               *f,
         const AfGmailOutgoing *out,
         GError               **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  af_gmail_client_send_async (f->gmail, out, NULL, af_test_ready_cb, &r);
  return af_gmail_client_send_finish (f->gmail, af_test_await (&r), error);
}

static AfGmailMessage *
get_full (Fixture    *f,
          const char *subject_prefix)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = list_page (f, &error);
  const char *id = NULL;

  g_assert_no_error (error);
  /* Find one by subject among the metadata of the first 300. */
  {
    g_autoptr (GAsyncResult) r2 = NULL;
    g_autoptr (AfGmailSyncResult) all = do_sync (f, NULL, &error);
    g_autoptr (GPtrArray) meta = NULL;

    g_assert_no_error (error);
    g_ptr_array_add (all->message_ids, NULL);
    af_gmail_client_get_metadata_async (f->gmail, (const char *const *)all->message_ids->pdata, NULL, af_test_ready_cb, &r2);
    meta = af_gmail_client_get_metadata_finish (f->gmail, af_test_await (&r2), &error);
    g_assert_no_error (error);
    for (guint i = 0; i < meta->len && id == NULL; i++)
      {
        AfGmailMessage *m = meta->pdata[i];

        if (g_str_has_prefix (m->subject, subject_prefix))
          id = g_strdup (m->id);
      }
  }
  g_assert_nonnull (id);

  af_gmail_client_get_message_async (f->gmail, id, NULL, af_test_ready_cb, &r);
  {
    AfGmailMessage *m = af_gmail_client_get_message_finish (f->gmail, af_test_await (&r), &error);

    g_assert_no_error (error);
    g_free ((char *)id);
    return m;
  }
}

/* sync */

static void
test_full_then_incremental (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) full = do_sync (f, NULL, &error);
  g_autoptr (AfGmailSyncResult) inc = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_no_error (error);
  g_assert_true (full->full_resync);
  g_assert_cmpuint (full->message_ids->len, ==, 300);
  g_assert_nonnull (full->history_id);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.list"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.getProfile"), ==, 1);

  a = af_sandbox_gmail_deliver (f->s.sandbox, "Bob <bob@example.org>", "New one", "Hello");
  b = af_sandbox_gmail_deliver (f->s.sandbox, "Carol <carol@example.org>", "Another", "Hi");
  inc = do_sync (f, full->history_id, &error);
  g_assert_no_error (error);
  g_assert_false (inc->full_resync);
  g_assert_cmpuint (inc->message_ids->len, ==, 2);
  g_assert_cmpstr (inc->message_ids->pdata[0], ==, a);
  g_assert_cmpstr (inc->message_ids->pdata[1], ==, b);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.history.list"), ==, 1);
  /* Never listed again by timestamp: one list page in all. */
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.list"), ==, 1);
  g_assert_cmpuint (af_sandbox_get_quota_units (f->s.sandbox, "gmail.users.history.list"), ==, 2);
}

static void
test_expired_history (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) full = do_sync (f, NULL, &error);
  g_autoptr (AfGmailSyncResult) again = NULL;

  g_assert_no_error (error);
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.history.list", AF_SANDBOX_ROUTE_EXPIRE_CURSOR, 1, 0);
  again = do_sync (f, full->history_id, &error);
  g_assert_no_error (error);
  /* 404 → a full resync, not an error. */
  g_assert_true (again->full_resync);
  g_assert_cmpuint (again->message_ids->len, ==, 300);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.history.list"), ==, 1);
}

/* A history page is asked for before the one before it is parsed; an
 * answer that is no JSON still ends the sync with an error, once. */
static void
test_history_pages (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) full = do_sync (f, NULL, &error);
  g_autoptr (AfGmailSyncResult) paged = NULL;
  g_autoptr (AfGmailSyncResult) broken = NULL;

  g_assert_no_error (error);
  af_sandbox_generate_messages (f->s.sandbox, 1200, 5);
  af_sandbox_reset_counts (f->s.sandbox);
  paged = do_sync (f, full->history_id, &error);
  g_assert_no_error (error);
  g_assert_false (paged->full_resync);
  g_assert_cmpuint (paged->message_ids->len, ==, 1200);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.history.list"), ==, 3);

  /* The second page is malformed: an error, and no third page. */
  af_sandbox_generate_messages (f->s.sandbox, 1200, 6);
  af_sandbox_reset_counts (f->s.sandbox);
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.history.list", AF_SANDBOX_ROUTE_LATENCY, 1, 0);
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.history.list", AF_SANDBOX_ROUTE_MALFORMED_JSON, 1, 0);
  broken = do_sync (f, paged->history_id, &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE);
  g_assert_null (broken);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.history.list"), ==, 2);
}

typedef struct
{
  Fixture   *f;
  GPtrArray *told;  /* (element-type utf8) the ids, as told */
  GArray    *asked; /* guint: history pages asked when each page was told */
} Told;

static void
on_listed_cb (const char *const *ids,
              guint              n_ids,
              gpointer           user_data)
{
  Told *told = user_data;
  guint asked = af_sandbox_get_count (told->f->s.sandbox, "gmail.users.history.list");

  for (guint i = 0; i < n_ids; i++)
    g_ptr_array_add (told->told, g_strdup (ids[i]));
  g_array_append_val (told->asked, asked);
}

/* Pages are read off the main loop, and may come back while the page
 * before is still being read: each page's ids are told in the order of
 * the history, once, and the listing never runs more than one page ahead
 * of what was told (the reads of a page go out first). */
static void
test_history_pages_in_order (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) full = do_sync (f, NULL, &error);
  g_autoptr (GHashTable) unique = g_hash_table_new (g_str_hash, g_str_equal);
  Told told = { f, g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (guint)) };

  g_assert_no_error (error);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (GAsyncResult) r = NULL;
      g_autoptr (AfGmailSyncResult) paged = NULL;
      const char *from = round == 0 ? full->history_id : NULL;

      g_ptr_array_set_size (told.told, 0);
      g_array_set_size (told.asked, 0);
      g_hash_table_remove_all (unique);
      af_sandbox_generate_messages (f->s.sandbox, 2500, 40 + round);
      af_sandbox_reset_counts (f->s.sandbox);
      /* From the stored historyId the first time, then from the one
       * each sync ended at. */
      if (round > 0)
        from = g_object_get_data (G_OBJECT (f->gmail), "last-history");
      af_gmail_client_sync_since_async (f->gmail, from, -1, NULL, on_listed_cb, &told, NULL, af_test_ready_cb, &r);
      paged = af_gmail_client_sync_finish (f->gmail, af_test_await (&r), &error);
      g_assert_no_error (error);
      g_object_set_data_full (G_OBJECT (f->gmail), "last-history", g_strdup (paged->history_id), g_free);

      g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.history.list"), ==, 5);
      g_assert_cmpuint (told.asked->len, ==, 5);
      for (guint k = 0; k < told.asked->len; k++)
        g_assert_cmpuint (g_array_index (told.asked, guint, k), <=, k + 2);
      g_assert_cmpuint (told.told->len, ==, 2500);
      g_assert_cmpuint (paged->message_ids->len, ==, 2500);
      for (guint i = 0; i < told.told->len; i++)
        {
          g_assert_cmpstr (told.told->pdata[i], ==, paged->message_ids->pdata[i]);
          g_assert_true (g_hash_table_add (unique, told.told->pdata[i]));
        }
    }
  g_ptr_array_unref (told.told);
  g_array_unref (told.asked);
}

static void
test_json_top_string (void)
{
  static const struct
  {
    const char *json;
    const char *value;
  } cases[] = {
    { "{\"history\":[{\"id\":\"1\",\"messages\":[{\"id\":\"a\"}]}],\"nextPageToken\":\"500\",\"historyId\":\"9\"}", "500" },
    { " {\n \"nextPageToken\" : \"x\" } ", "x" },
    { "{\"a\":\"}\\\"{[\",\"b\":[1,{\"c\":\"]\"}],\"d\":true,\"nextPageToken\":\"7\"}", "7" },
    { "{\"historyId\":\"9\"}", NULL },
    { "{\"a\":{\"nextPageToken\":\"nested\"}}", NULL },
    { "{\"nextPageToken\":\"a\\\"b\"}", NULL },
    { "{\"nextPageToken\":5}", NULL },
    { "{\"nextPageToken\":\"12", NULL },
    { "{\"a\":", NULL },
    { "{\"a\" \"nextPageToken\":\"1\"}", NULL },
    { "[\"nextPageToken\",\"1\"]", NULL },
    { "{\"id\": \"oops\", <html>Internal", NULL },
    /* A page, then an error page after it. */
    { "{\"nextPageToken\":\"500\",\"historyId\":\"9\"}{\"id\": \"oops\", <html>Internal", NULL },
    { "{\"nextPageToken\":\"500\"} x", NULL },
    { "{\"nextPageToken\":\"500\"", NULL },
    { "{\"nextPageToken\":\"500\",\"nextPageToken\":\"600\"} \n", "500" },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = af_gmail_json_top_string (cases[i].json, strlen (cases[i].json), "nextPageToken");

      g_assert_cmpstr (value, ==, cases[i].value);
    }
}

static void
test_bounded_resync (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (AfGmailSyncResult) bounded = NULL;

  /* A resync after a long absence stops at its bound, newest first. */
  af_gmail_client_sync_async (f->gmail, NULL, 120, NULL, af_test_ready_cb, &r);
  bounded = af_gmail_client_sync_finish (f->gmail, af_test_await (&r), &error);
  g_assert_no_error (error);
  g_assert_true (bounded->full_resync);
  g_assert_true (bounded->truncated);
  g_assert_cmpuint (bounded->message_ids->len, ==, 120);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.list"), ==, 1);
}

static void
test_metadata_batch (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) full = do_sync (f, NULL, &error);
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) meta = NULL;
  gboolean non_ascii = FALSE;

  g_assert_no_error (error);
  g_ptr_array_set_size (full->message_ids, 120);
  g_ptr_array_add (full->message_ids, NULL);
  af_gmail_client_get_metadata_async (f->gmail, (const char *const *)full->message_ids->pdata, NULL, af_test_ready_cb, &r);
  meta = af_gmail_client_get_metadata_finish (f->gmail, af_test_await (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (meta->len, ==, 120);
  /* ≤ 100 per batch, the most Gmail takes: 2 HTTP requests for 120
   * messages. */
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.batch"), ==, 2);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.get"), ==, 120);
  for (guint i = 0; i < meta->len; i++)
    {
      AfGmailMessage *m = meta->pdata[i];

      g_assert_nonnull (m->from);
      g_assert_nonnull (m->subject);
      g_assert_nonnull (m->date);
      g_assert_nonnull (m->message_id);
      g_assert_nonnull (m->snippet);
      g_assert_null (m->body_text);
      g_assert_true (g_strv_contains ((const char *const *)m->label_ids, "INBOX"));
      if (strstr (m->subject, "Réunion") != NULL && strstr (m->from, "Zoë") != NULL)
        non_ascii = TRUE;
    }
  g_assert_true (non_ascii);
}

/* Ids added as they become known: each full batch goes out at once,
 * while more may come; the rest when the reader is closed; an id added
 * twice is read once. */
static void
test_reader_incremental (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) full = do_sync (f, NULL, &error);
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  const char *const *ids;
  AfGmailReader     *reader;

  g_assert_no_error (error);
  g_assert_cmpuint (full->message_ids->len, >=, 250);
  ids = (const char *const *)full->message_ids->pdata;
  af_sandbox_reset_counts (f->s.sandbox);
  reader = af_gmail_client_read_begin (f->gmail, TRUE, NULL, af_test_ready_cb, &r);

  /* 60 ids: not a full batch, nothing goes out yet. */
  af_gmail_reader_add (reader, ids, 60);
  af_test_drain ();
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.batch"), ==, 0);

  /* 60 more (20 of them again): a full batch of 100 goes out now. */
  af_gmail_reader_add (reader, ids + 40, 80);
  af_test_wait_until (af_sandbox_get_count (f->s.sandbox, "gmail.batch") == 1, "the first full batch to go out");
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.get"), ==, 100);
  g_assert_null (r);

  /* 130 more, then closed: one more full batch, and the last 20. */
  af_gmail_reader_add (reader, ids + 120, 130);
  af_gmail_reader_close (reader);
  messages = af_gmail_client_read_finish (f->gmail, af_test_await (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 250);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.batch"), ==, 3);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.get"), ==, 250);
  for (guint i = 0; i < messages->len; i++)
    g_assert_nonnull (((AfGmailMessage *)messages->pdata[i])->body_text);
}

static void
test_metadata_batch_faults (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) full = do_sync (f, NULL, &error);
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) meta = NULL;

  g_assert_no_error (error);
  g_ptr_array_set_size (full->message_ids, 100);
  g_ptr_array_add (full->message_ids, g_strdup ("ffffdeadbeef"));
  g_ptr_array_add (full->message_ids, NULL);
  /* A 503, a truncated body and a dropped connection: all recovered. */
  af_sandbox_add_fault (f->s.sandbox, "gmail.batch", AF_SANDBOX_ROUTE_UNAVAILABLE, 1, 0);
  af_sandbox_add_fault (f->s.sandbox, "gmail.batch", AF_SANDBOX_ROUTE_TRUNCATED, 1, 0);
  af_sandbox_add_fault (f->s.sandbox, "gmail.batch", AF_SANDBOX_ROUTE_DROP_CONNECTION, 1, 0);
  af_gmail_client_get_metadata_async (f->gmail, (const char *const *)full->message_ids->pdata, NULL, af_test_ready_cb, &r);
  meta = af_gmail_client_get_metadata_finish (f->gmail, af_test_await (&r), &error);
  g_assert_no_error (error);
  /* The unknown id (a 404 inside the batch) is left out. */
  g_assert_cmpuint (meta->len, ==, 100);
}

static void
test_metadata_batch_rate_limited (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) full = do_sync (f, NULL, &error);
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) meta = NULL;

  g_assert_no_error (error);
  g_ptr_array_set_size (full->message_ids, 200);
  g_ptr_array_add (full->message_ids, NULL);
  /* 150 parts answer 429 inside their batches: those are read again in
   * smaller batches (50), the others are not read twice. */
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.get", AF_SANDBOX_ROUTE_RATE_LIMIT, 150, 1);
  af_gmail_client_get_metadata_async (f->gmail, (const char *const *)full->message_ids->pdata, NULL, af_test_ready_cb, &r);
  meta = af_gmail_client_get_metadata_finish (f->gmail, af_test_await (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (meta->len, ==, 200);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.batch"), ==, 2 + 3);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.get"), ==, 200);
}

/* bodies */

static void
test_body_plain_html_charset (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr (AfGmailMessage) invoice = get_full (f, "Invoice INV-");
  g_autoptr (AfGmailMessage) news = NULL;
  g_autoptr (AfGmailMessage) latin = NULL;
  g_autoptr (AfGmailMessage) zoe = NULL;

  /* Nested multipart/mixed → alternative: the text/plain part wins. */
  g_assert_nonnull (invoice->body_text);
  g_assert_true (g_str_has_prefix (invoice->body_text, "Dear customer,\n\nyour invoice INV-"));
  g_assert_null (strstr (invoice->body_text, "<b>"));

  news = get_full (f, "GNOME Weekly");
  g_assert_nonnull (news->body_text);
  g_assert_null (strchr (news->body_text, '<'));
  g_assert_null (strstr (news->body_text, "color:#333"));
  g_assert_nonnull (strstr (news->body_text, "Top stories this week & more"));
  g_assert_nonnull (strstr (news->body_text, "• One"));

  latin = get_full (f, "Ihre Ausleihe");
  g_assert_nonnull (strstr (latin->body_text, "»Größe und Maß«"));
  g_assert_nonnull (strstr (latin->body_text, "2,50 €"));

  zoe = get_full (f, "Réunion demain");
  g_assert_nonnull (strstr (zoe->body_text, "日本語のテキスト. 🎉"));
}

/* A part of a batch answer is read where it lies in the answer: a slice
 * of a bigger buffer, not NUL-terminated. */
static void
test_batch_part (void)
{
  static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"id\":\"a1\"}"
                               "HTTP/1.1 404 Not Found\n\n{\"error\":{\"code\":404}}"
                               "garbage";
  g_autoptr (GBytes) all = g_bytes_new_static (answer, sizeof answer - 1);
  gsize first = strlen ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"id\":\"a1\"}");
  gsize second = strlen ("HTTP/1.1 404 Not Found\n\n{\"error\":{\"code\":404}}");
  g_autoptr (GBytes) ok = g_bytes_new_from_bytes (all, 0, first);
  g_autoptr (GBytes) missing = g_bytes_new_from_bytes (all, first, second);
  g_autoptr (GBytes) truncated = g_bytes_new_from_bytes (all, 0, first - 1);
  g_autoptr (GBytes) not_http = g_bytes_new_from_bytes (all, first + second, strlen ("garbage"));
  static const char with_nul[] = "HTTP/1.1 200 OK\r\n\r\n{\"id\":\"b2\"}\0trailing";
  g_autoptr (GBytes) nul = g_bytes_new_static (with_nul, sizeof with_nul - 1);
  const char *body;
  gsize       size;

  g_assert_cmpuint (af_gmail_parse_batch_part (ok, &body, &size), ==, 200);
  {
    g_autoptr (AfGmailMessage) message = af_gmail_message_from_text (body, size);

    g_assert_nonnull (message);
    g_assert_cmpstr (message->id, ==, "a1");
  }

  g_assert_cmpuint (af_gmail_parse_batch_part (missing, &body, &size), ==, 404);
  g_assert_cmpmem (body, size, "{\"error\":{\"code\":404}}", strlen ("{\"error\":{\"code\":404}}"));

  /* A body cut short is no JSON, but the status still counts. */
  g_assert_cmpuint (af_gmail_parse_batch_part (truncated, &body, &size), ==, 200);
  g_assert_null (af_gmail_message_from_text (body, size));

  g_assert_cmpuint (af_gmail_parse_batch_part (not_http, &body, &size), ==, 0);
  g_assert_null (body);

  /* Nothing after a NUL is read. */
  g_assert_cmpuint (af_gmail_parse_batch_part (nul, &body, &size), ==, 200);
  {
    g_autoptr (AfGmailMessage) message = af_gmail_message_from_text (body, size);

    g_assert_nonnull (message);
    g_assert_cmpstr (message->id, ==, "b2");
  }
}

/* MIME parts nested a thousand deep (two JSON levels each): read, as
 * JsonParser reads them, and the text found at the bottom. */
static void
test_message_nested_deep (void)
{
  g_autoptr (GString) text = g_string_new ("{\"id\":\"deep\",\"labelIds\":[\"INBOX\"],\"payload\":");
  g_autoptr (AfGmailMessage) message = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "{\"mimeType\":\"multipart/mixed\",\"parts\":[");
  /* "hello, deep" in base64url. */
  g_string_append (text, "{\"mimeType\":\"text/plain\",\"body\":{\"size\":11,\"data\":\"aGVsbG8sIGRlZXA\"}}");
  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "]}");
  g_string_append_c (text, '}');

  message = af_gmail_message_from_text (text->str, text->len);
  g_assert_nonnull (message);
  g_assert_cmpstr (message->id, ==, "deep");
  g_assert_cmpstr (message->label_ids[0], ==, "INBOX");
  g_assert_nonnull (message->body_text);
  g_assert_nonnull (strstr (message->body_text, "hello, deep"));
}

/* What the parts' reader passes over and how it picks (Gmail's
 * MessagePart: https://developers.google.com/gmail/api/reference/rest/v1/users.messages#MessagePart):
 * anything in "parts" that is no object, a text/plain attachment, a
 * header whose value is no string; mimeType and header names in any
 * case; the first header of a name is the one read; a charset named in
 * quotes; an empty text/plain alternative. */
static void
test_message_parts_edges (void)
{
  static const guint8 latin1[] = { 'G', 'r', 0xf6, 0xdf, 'e' };
  g_autofree char    *attached = af_base64url_encode ((const guint8 *)"attached", 8, TRUE);
  g_autofree char    *grosse = af_base64url_encode (latin1, sizeof latin1, TRUE);
  g_autofree char    *html = af_base64url_encode ((const guint8 *)"<p>only &amp; html</p>", 22, TRUE);
  g_autofree char    *text = NULL;
  g_autoptr (AfGmailMessage) message = NULL;
  g_autoptr (AfGmailMessage) html_only = NULL;

  text = g_strdup_printf ("{\"id\":\"e1\",\"payload\":{\"mimeType\":\"multipart/mixed\","
                          "\"headers\":[{\"name\":\"subject\",\"value\":7},{\"name\":\"SUBJECT\",\"value\":\"later\"},"
                          "{\"name\":\"FROM\",\"value\":\"A <a@example.com>\"},\"junk\",{\"value\":\"no name\"}],"
                          "\"parts\":[\"junk\",5,null,"
                          "{\"mimeType\":\"text/plain\",\"headers\":[{\"name\":\"content-disposition\","
                          "\"value\":\"attachment; filename=a.txt\"}],\"body\":{\"data\":\"%s\"}},"
                          "{\"mimeType\":\"TEXT/PLAIN\",\"headers\":[{\"name\":\"Content-Type\","
                          "\"value\":\"text/plain; charset=\\\"ISO-8859-1\\\"\"},{\"name\":\"Content-Type\",\"value\":\"x\"}],"
                          "\"body\":{\"data\":\"%s\"}}]}}",
                          attached, grosse);
  message = af_gmail_message_from_text (text, strlen (text));
  g_assert_nonnull (message);
  g_assert_cmpstr (message->body_text, ==, "Größe");
  g_assert_cmpstr (message->from, ==, "A <a@example.com>");
  g_assert_null (message->subject);

  g_free (text);
  text = g_strdup_printf ("{\"id\":\"e2\",\"payload\":{\"mimeType\":\"multipart/alternative\",\"parts\":["
                          "{\"mimeType\":\"text/plain\",\"body\":{\"size\":0}},"
                          "{\"mimeType\":\"text/html\",\"body\":{\"data\":\"%s\"}}]}}",
                          html);
  html_only = af_gmail_message_from_text (text, strlen (text));
  g_assert_nonnull (html_only);
  /* A text/plain part without data gives way to the HTML one. */
  g_assert_cmpstr (html_only->body_text, ==, "only & html");
}

static void
test_html_to_text (void)
{
  g_autofree char *text = af_gmail_html_to_text ("<html><head><title>x</title></head><body><script>var a = '<p>';</script>"
                                                 "<p>Hello&nbsp;<b>World</b> &amp; caf&#233; &#x1F600;</p><p>Two<br>lines</p></body></html>");

  g_assert_cmpstr (text, ==, "Hello World & café 😀\n\nTwo\nlines");
}

/* labels and modifications */

static void
test_labels (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GPtrArray) labels = NULL;
  g_autoptr (AfGmailLabel) label = NULL;
  g_autoptr (AfGmailLabel) dup = NULL;
  gboolean inbox = FALSE;

  af_gmail_client_list_labels_async (f->gmail, NULL, af_test_ready_cb, &r1);
  labels = af_gmail_client_list_labels_finish (f->gmail, af_test_await (&r1), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (((AfGmailLabel *)labels->pdata[i])->id, "INBOX"))
      inbox = g_str_equal (((AfGmailLabel *)labels->pdata[i])->type, "system");
  g_assert_true (inbox);

  af_gmail_client_create_label_async (f->gmail, "Rechnungen/Ärzte", NULL, af_test_ready_cb, &r2);
  label = af_gmail_client_create_label_finish (f->gmail, af_test_await (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (label->name, ==, "Rechnungen/Ärzte");
  g_assert_cmpstr (label->type, ==, "user");
  g_assert_true (g_str_has_prefix (label->id, "Label_"));

  af_gmail_client_create_label_async (f->gmail, "Rechnungen/Ärzte", NULL, af_test_ready_cb, &r3);
  dup = af_gmail_client_create_label_finish (f->gmail, af_test_await (&r3), &error);
  g_assert_null (dup);
  g_assert_error (error, AF_ERROR, AF_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "Gmail"));
  g_assert_nonnull (strstr (error->message, "Create a label"));
}

static void
test_modify (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = list_page (f, &error);
  guint inbox = af_sandbox_gmail_count_with_label (f->s.sandbox, "INBOX");
  guint unread = af_sandbox_gmail_count_with_label (f->s.sandbox, "UNREAD");
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;

  g_assert_no_error (error);
  g_ptr_array_add (ids, NULL);

  af_gmail_client_archive_async (f->gmail, (const char *const *)ids->pdata, NULL, af_test_ready_cb, &r1);
  g_assert_true (af_gmail_client_modify_finish (f->gmail, af_test_await (&r1), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->s.sandbox, "INBOX"), ==, inbox - 10);

  af_gmail_client_star_async (f->gmail, (const char *const *)ids->pdata, NULL, af_test_ready_cb, &r2);
  g_assert_true (af_gmail_client_modify_finish (f->gmail, af_test_await (&r2), &error));
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->s.sandbox, "STARRED"), ==, 10);

  /* A 503 on batchModify is retried: adding labels twice is harmless. */
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.batchModify", AF_SANDBOX_ROUTE_UNAVAILABLE, 1, 0);
  af_gmail_client_mark_read_async (f->gmail, (const char *const *)ids->pdata, NULL, af_test_ready_cb, &r3);
  g_assert_true (af_gmail_client_modify_finish (f->gmail, af_test_await (&r3), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->s.sandbox, "UNREAD"), <=, unread);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.batchModify"), ==, 4);
  g_assert_cmpuint (af_sandbox_get_quota_units (f->s.sandbox, "gmail.users.messages.batchModify"), ==, 200);
}

/* sending */

static void
test_mime (void)
{
  AfGmailOutgoing out = {
    .from = "Alice <alice@example.com>",
    .to = "Zoë Müller <zoe@example.de>, bob@example.org",
    .subject = "Grüße — ein sehr langer Betreff, der über mehrere encoded words gehen muss 日本",
    .body_text = "Hallo Zoë,\nbis morgen!",
    .in_reply_to = "<abc@mail.example.com>",
    .references = "<abc@mail.example.com>",
  };
  g_autofree char   *mime = af_gmail_build_mime (&out);
  const char        *body;
  g_autofree guchar *decoded = NULL;
  gsize              length;

  g_assert_nonnull (strstr (mime, "To: =?UTF-8?B?"));
  g_assert_nonnull (strstr (mime, "<zoe@example.de>"));
  g_assert_nonnull (strstr (mime, "Subject: =?UTF-8?B?"));
  g_assert_nonnull (strstr (mime, "?=\r\n =?UTF-8?B?"));
  g_assert_nonnull (strstr (mime, "In-Reply-To: <abc@mail.example.com>\r\n"));
  g_assert_nonnull (strstr (mime, "References: <abc@mail.example.com>\r\n"));
  g_assert_nonnull (strstr (mime, "Content-Type: text/plain; charset=\"UTF-8\"\r\n"));
  for (const char *p = mime; *p; p++)
    g_assert_cmpint ((guchar)*p, <, 0x80);
  /* No header line longer than 78 characters. */
  for (const char *p = mime, *e; (e = strstr (p, "\r\n")) != NULL && e != p; p = e + 2)
    g_assert_cmpint (e - p, <=, 78);

  body = strstr (mime, "\r\n\r\n") + 4;
  decoded = g_base64_decode (body, &length);
  g_assert_cmpmem (decoded, length, out.body_text, strlen (out.body_text));
}

static void
test_send_reply_and_draft (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char     *original = af_sandbox_gmail_find_by_subject (f->s.sandbox, "About lunch on Friday");
  AfGmailOutgoing out = {
    .to = "Bob <bob@example.org>",
    .subject = "Re: About lunch on Friday",
    .body_text = "Sounds good — see you there.",
    .thread_id = original,
    .in_reply_to = "<x@mail.example.com>",
    .references = "<x@mail.example.com>",
  };
  g_autoptr (AfGmailMessage) sent = NULL;
  g_autofree char *mime = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autofree char *draft = NULL;

  g_assert_nonnull (original);
  sent = do_send (f, &out, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sent->id);
  g_assert_cmpstr (sent->thread_id, ==, original);
  g_assert_true (g_strv_contains ((const char *const *)sent->label_ids, "SENT"));
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->s.sandbox), ==, 1);
  g_assert_cmpstr (af_sandbox_gmail_get_sent_thread (f->s.sandbox, 0), ==, original);
  mime = af_sandbox_gmail_get_sent_mime (f->s.sandbox, 0);
  g_assert_nonnull (strstr (mime, "In-Reply-To: <x@mail.example.com>"));
  g_assert_cmpuint (af_sandbox_get_quota_units (f->s.sandbox, "gmail.users.messages.send"), ==, 100);

  af_gmail_client_create_draft_async (f->gmail, &out, NULL, af_test_ready_cb, &r);
  draft = af_gmail_client_create_draft_finish (f->gmail, af_test_await (&r), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (draft, "r-"));
}

static char *
find_message_id (Fixture    *f,
                 const char *message_id,
                 gboolean    in_drafts,
                 GError    **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  af_gmail_client_find_by_message_id_async (f->gmail, message_id, in_drafts, NULL, af_test_ready_cb, &r);
  return af_gmail_client_find_by_message_id_finish (f->gmail, af_test_await (&r), error);
}

/* A stable Message-ID from the idempotency key, kept by Gmail and found
 * again with rfc822msgid:, among sent mail and among drafts. */
static void
test_find_by_message_id (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *sent_id = af_gmail_message_id_for_key ("agent-1/run-1/m1/send");
  g_autofree char *draft_id = af_gmail_message_id_for_key ("agent-1/run-1/m1/draft");
  g_autofree char *unused_id = af_gmail_message_id_for_key ("agent-1/run-1/m2/send");
  g_autofree char *again = af_gmail_message_id_for_key ("agent-1/run-1/m1/send");
  AfGmailOutgoing  out = { .to = "bob@example.org", .subject = "Once", .body_text = "Only once.", .message_id = sent_id };
  AfGmailOutgoing  draft = { .to = "bob@example.org", .subject = "Later", .body_text = "Draft.", .message_id = draft_id };
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailMessage) sent = NULL;
  g_autofree char *mime = NULL;
  g_autofree char *found = NULL;
  g_autofree char *found_draft = NULL;
  g_autofree char *none = NULL;
  g_autofree char *sent_not_draft = NULL;
  g_autofree char *draft_not_sent = NULL;
  g_autofree char *draft_made = NULL;
  g_autoptr (GAsyncResult) r = NULL;

  g_assert_cmpstr (sent_id, ==, again);
  g_assert_true (g_str_has_prefix (sent_id, "<") && g_str_has_suffix (sent_id, "@agentflow>"));
  g_assert_cmpstr (sent_id, !=, draft_id);

  sent = do_send (f, &out, &error);
  g_assert_no_error (error);
  mime = af_sandbox_gmail_get_sent_mime (f->s.sandbox, 0);
  g_assert_nonnull (strstr (mime, "Message-ID: "));
  g_assert_nonnull (strstr (mime, sent_id));

  found = find_message_id (f, sent_id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, sent->id);
  none = find_message_id (f, unused_id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (none);
  sent_not_draft = find_message_id (f, sent_id, TRUE, &error);
  g_assert_no_error (error);
  g_assert_null (sent_not_draft);

  af_gmail_client_create_draft_async (f->gmail, &draft, NULL, af_test_ready_cb, &r);
  draft_made = af_gmail_client_create_draft_finish (f->gmail, af_test_await (&r), &error);
  g_assert_no_error (error);
  found_draft = find_message_id (f, draft_id, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found_draft, ==, draft_made);
  draft_not_sent = find_message_id (f, draft_id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (draft_not_sent);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.drafts.list"), ==, 2);
}

static void
test_send_faults (Fixture      *f,
                  gconstpointer data)
{
  AfGmailOutgoing out = { .to = "bob@example.org", .subject = "Once", .body_text = "Only once." };
  g_autoptr (GError) error = NULL;
  AfGmailMessage *m;

  /* The connection drops after Gmail sent it: never sent twice. */
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.send", AF_SANDBOX_ROUTE_DROP_CONNECTION, 1, 0);
  m = do_send (f, &out, &error);
  g_assert_null (m);
  g_assert_error (error, AF_ERROR, AF_ERROR_NETWORK);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.send"), ==, 1);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->s.sandbox), ==, 1);
  g_clear_error (&error);

  /* A 500 is not retried for a send either. */
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.send", AF_SANDBOX_ROUTE_SERVER_ERROR, 1, 0);
  m = do_send (f, &out, &error);
  g_assert_null (m);
  g_assert_error (error, AF_ERROR, AF_ERROR_SERVICE_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "Send an email"));
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.send"), ==, 2);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->s.sandbox), ==, 1);
  g_clear_error (&error);

  /* A 429 was refused unprocessed: retried after Retry-After. */
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.send", AF_SANDBOX_ROUTE_RATE_LIMIT, 1, 1);
  m = do_send (f, &out, &error);
  g_assert_no_error (error);
  af_gmail_message_free (m);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.send"), ==, 4);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->s.sandbox), ==, 2);

  /* Malformed JSON after a send: a clear error, still sent once. */
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.send", AF_SANDBOX_ROUTE_MALFORMED_JSON, 1, 0);
  m = do_send (f, &out, &error);
  g_assert_null (m);
  g_assert_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->s.sandbox), ==, 3);
}

static void
test_read_faults (Fixture      *f,
                  gconstpointer data)
{
  struct
  {
    AfSandboxRouteFault fault;
    guint               value;
    guint               requests;
  } cases[] = {
    { AF_SANDBOX_ROUTE_UNAVAILABLE, 0, 2 },
    { AF_SANDBOX_ROUTE_SERVER_ERROR, 0, 2 },
    { AF_SANDBOX_ROUTE_TRUNCATED, 0, 2 },
    { AF_SANDBOX_ROUTE_DROP_CONNECTION, 0, 2 },
    { AF_SANDBOX_ROUTE_LATENCY, 200, 1 },
    { AF_SANDBOX_ROUTE_RATE_LIMIT, 1, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) ids = NULL;

      af_sandbox_reset_counts (f->s.sandbox);
      af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.list", cases[i].fault, 1, cases[i].value);
      ids = list_page (f, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ids->len, ==, 10);
      g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.list"), ==, cases[i].requests);
    }

  /* Malformed JSON on a read: a clear error naming service and call. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) ids = NULL;

    af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.list", AF_SANDBOX_ROUTE_MALFORMED_JSON, 1, 0);
    ids = list_page (f, &error);
    g_assert_null (ids);
    g_assert_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE);
    g_assert_nonnull (strstr (error->message, "Gmail"));
    g_assert_nonnull (strstr (error->message, "List messages"));
  }

  /* Persistent 503: gives up after the attempts with a clear error. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) ids = NULL;

    af_sandbox_reset_counts (f->s.sandbox);
    af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.list", AF_SANDBOX_ROUTE_UNAVAILABLE, 10, 0);
    ids = list_page (f, &error);
    g_assert_error (error, AF_ERROR, AF_ERROR_SERVICE_UNAVAILABLE);
    g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.list"), ==, 4);
    af_sandbox_clear_faults (f->s.sandbox);
  }
}

static void
test_auth_errors (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfTokenSource) readonly = NULL;
  g_autoptr (AfTokenSource) bogus = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  AfGmailOutgoing out = { .to = "bob@example.org", .subject = "x", .body_text = "y" };
  AfGmailMessage *m;

  af_sandbox_add_token (f->s.sandbox, "ya29.readonly", "google", AF_SANDBOX_ACCOUNT,
                        "https://www.googleapis.com/auth/gmail.readonly", 0);
  readonly = AF_TOKEN_SOURCE (af_static_token_source_new ("ya29.readonly"));
  gmail = af_gmail_client_new (f->s.http, readonly, af_sandbox_get_base_url (f->s.sandbox));
  af_gmail_client_send_async (gmail, &out, NULL, af_test_ready_cb, &r);
  m = af_gmail_client_send_finish (gmail, af_test_await (&r), &error);
  g_assert_null (m);
  /* 403 insufficientPermissions → the user must grant more access. */
  g_assert_error (error, AF_ERROR, AF_ERROR_PERMISSION_DENIED);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->s.sandbox), ==, 0);
  g_clear_error (&error);
  g_clear_object (&gmail);
  g_clear_object (&r);

  /* 401: one forced refresh; a static token cannot refresh → reconnect. */
  bogus = AF_TOKEN_SOURCE (af_static_token_source_new ("ya29.revoked"));
  gmail = af_gmail_client_new (f->s.http, bogus, af_sandbox_get_base_url (f->s.sandbox));
  af_gmail_client_list_messages_async (gmail, NULL, NULL, 5, NULL, af_test_ready_cb, &r);
  g_assert_null (af_gmail_client_list_messages_finish (gmail, af_test_await (&r), NULL, &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.list"), ==, 1);
}

/* The measured criterion. */
static void
test_backlog_10000 (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) full = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GPtrArray) meta = NULL;
  g_autoptr (AfGmailLabel) label = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  const char *add[2] = { NULL, NULL };
  guint       minimum, total;
  gint64      start = g_get_monotonic_time ();

  af_sandbox_generate_messages (f->s.sandbox, 10000, 42);

  full = do_sync (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (full->message_ids->len, ==, 10000);

  g_ptr_array_add (full->message_ids, NULL);
  af_gmail_client_get_metadata_async (f->gmail, (const char *const *)full->message_ids->pdata, NULL, af_test_ready_cb, &r1);
  meta = af_gmail_client_get_metadata_finish (f->gmail, af_test_await (&r1), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (meta->len, ==, 10000);

  af_gmail_client_create_label_async (f->gmail, "AgentFlow/Processed", NULL, af_test_ready_cb, &r2);
  label = af_gmail_client_create_label_finish (f->gmail, af_test_await (&r2), &error);
  g_assert_no_error (error);

  for (guint i = 0; i < meta->len; i++)
    g_ptr_array_add (ids, ((AfGmailMessage *)meta->pdata[i])->id);
  g_ptr_array_add (ids, NULL);
  add[0] = label->id;
  af_gmail_client_modify_async (f->gmail, (const char *const *)ids->pdata, add, NULL, NULL, af_test_ready_cb, &r3);
  g_assert_true (af_gmail_client_modify_finish (f->gmail, af_test_await (&r3), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (af_sandbox_gmail_count_with_label (f->s.sandbox, label->id), ==, 10000);

  /* The API minimum: 20 list pages of 500, 100 batches of 100 (the most
   * a batch takes), 10 batchModify calls of 1000. */
  minimum = 10000 / 500 + 10000 / 100 + 10000 / 1000;
  total = af_sandbox_get_total_requests (f->s.sandbox);
  g_test_message ("10,000 messages: %u HTTP requests (list %u, profile %u, batch %u, labels.create %u, batchModify %u); "
                  "API minimum %u; %u quota units; %.1f s",
                  total,
                  af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.list"),
                  af_sandbox_get_count (f->s.sandbox, "gmail.users.getProfile"),
                  af_sandbox_get_count (f->s.sandbox, "gmail.batch"),
                  af_sandbox_get_count (f->s.sandbox, "gmail.users.labels.create"),
                  af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.batchModify"),
                  minimum, af_sandbox_get_total_quota_units (f->s.sandbox),
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.list"), ==, 20);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.batch"), ==, 100);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.batchModify"), ==, 10);
  g_assert_cmpuint (total, <=, minimum + minimum / 10);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/gmail/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("sync/full-then-incremental", test_full_then_incremental);
  ADD ("sync/expired-history", test_expired_history);
  ADD ("sync/bounded-resync", test_bounded_resync);
  ADD ("sync/history-pages", test_history_pages);
  ADD ("sync/history-pages-in-order", test_history_pages_in_order);
  ADD ("metadata/batch", test_metadata_batch);
  ADD ("metadata/batch-faults", test_metadata_batch_faults);
  ADD ("read/incremental", test_reader_incremental);
  ADD ("metadata/batch-rate-limited", test_metadata_batch_rate_limited);
  ADD ("body/plain-html-charset", test_body_plain_html_charset);
  ADD ("labels", test_labels);
  ADD ("modify", test_modify);
  ADD ("send/reply-and-draft", test_send_reply_and_draft);
  ADD ("send/faults", test_send_faults);
  ADD ("send/find-by-message-id", test_find_by_message_id);
  ADD ("read/faults", test_read_faults);
  ADD ("auth/errors", test_auth_errors);
  g_test_add ("/gmail/backlog-10000", Fixture, GINT_TO_POINTER (1), fixture_set_up, test_backlog_10000, fixture_tear_down);
  g_test_add_func ("/gmail/html-to-text", test_html_to_text);
  g_test_add_func ("/gmail/batch-part", test_batch_part);
  g_test_add_func ("/gmail/message-nested-deep", test_message_nested_deep);
  g_test_add_func ("/gmail/message-parts-edges", test_message_parts_edges);
  g_test_add_func ("/gmail/json-top-string", test_json_top_string);
  g_test_add_func ("/gmail/mime", test_mime);
#undef ADD

  return g_test_run ();
}
