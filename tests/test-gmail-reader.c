/* test-gmail-reader.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A reader that tells what it read as it reads it, converted off the main
 * thread (af_gmail_reader_set_convert()): what the caller is told, where
 * the conversion runs, and that a rate-limited round still reads each
 * message once.
 */

#include "config.h"

#include <string.h>

#include "af-gmail-client.h"
#include "af-test-services.h"
#include "af-test-wait.h"

typedef struct
{
  AfTestServices s;
  AfGmailClient *gmail;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  af_test_services_set_up (&f->s, AF_TEST_GOOGLE, TRUE, 4);
  f->gmail = af_gmail_client_new (f->s.http, f->s.tokens, af_sandbox_get_base_url (f->s.sandbox));
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->gmail);
  af_test_services_tear_down (&f->s);
}

/* What the converter reads (never changes), and what it saw. */
typedef struct
{
  GThread    *main_thread;
  GHashTable *left_out; /* ids it makes NULL of */
  gint        converted;
  gint        on_main_thread;
  gboolean    freed;
} Convert;

/* A message as the caller wants it: "id\nsubject". */
static gpointer
convert_cb (AfGmailMessage *m,
            gpointer        user_data)
{
  Convert *c = user_data;

  g_atomic_int_inc (&c->converted);
  if (g_thread_self () == c->main_thread)
    g_atomic_int_inc (&c->on_main_thread);
  if (g_hash_table_contains (c->left_out, m->id))
    return NULL;
  return g_strdup_printf ("%s\n%s", m->id, m->subject ? m->subject : "");
}

static void
convert_free_cb (gpointer user_data)
{
  Convert *c = user_data;

  g_assert_false (c->freed);
  c->freed = TRUE;
}

typedef struct
{
  GHashTable *told; /* id → "id\nsubject" */
  guint       calls;
} Told;

static void
each_cb (GPtrArray *converted,
         gpointer   user_data)
{
  Told *t = user_data;

  t->calls++;
  for (guint i = 0; i < converted->len; i++)
    {
      const char *text = converted->pdata[i];
      const char *nl = strchr (text, '\n');

      g_assert_nonnull (nl);
      /* Each message is told once. */
      g_assert_true (g_hash_table_insert (t->told, g_strndup (text, nl - text), g_strdup (text)));
    }
  g_ptr_array_unref (converted);
}

static GPtrArray *
list_all (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  AfGmailSyncResult *full;
  GPtrArray         *ids;

  af_gmail_client_sync_async (f->gmail, NULL, 0, NULL, af_test_ready_cb, &r);
  full = af_gmail_client_sync_finish (f->gmail, af_test_await (&r), &error);
  g_assert_no_error (error);
  ids = g_ptr_array_ref (full->message_ids);
  af_gmail_sync_result_free (full);
  return ids;
}

static void
read_converted (Fixture    *f,
                GPtrArray  *ids,
                guint       n,
                Convert    *c,
                Told       *t,
                GPtrArray **result)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  AfGmailReader *reader = af_gmail_client_read_begin (f->gmail, FALSE, NULL, af_test_ready_cb, &r);

  af_gmail_reader_set_each (reader, each_cb, t);
  af_gmail_reader_set_convert (reader, convert_cb, g_free, c, convert_free_cb);
  af_gmail_reader_add (reader, (const char *const *)ids->pdata, n);
  af_gmail_reader_close (reader);
  *result = af_gmail_client_read_finish (f->gmail, af_test_await (&r), &error);
  g_assert_no_error (error);
}

/* Each message is converted once, in a worker thread; the caller is told
 * what the converter made (the messages it made nothing of left out), not
 * the messages; the converter's data is freed once the read is done. */
static void
test_convert (Fixture      *f,
              gconstpointer data)
{
  g_autoptr (GPtrArray) ids = list_all (f);
  g_autoptr (GHashTable) left_out = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) result = NULL;
  Convert c = { .main_thread = g_thread_self (), .left_out = left_out };
  Told    t = { .told = told };

  g_assert_cmpuint (ids->len, >=, 250);
  for (guint i = 0; i < 250; i += 7)
    g_hash_table_add (left_out, ids->pdata[i]);

  read_converted (f, ids, 250, &c, &t, &result);
  /* Told as each batch came, not in the result. */
  g_assert_cmpuint (result->len, ==, 0);
  g_assert_cmpuint (t.calls, ==, 3);
  g_assert_cmpint (c.converted, ==, 250);
  g_assert_cmpint (c.on_main_thread, ==, 0);
  g_assert_cmpuint (g_hash_table_size (told), ==, 250 - g_hash_table_size (left_out));
  for (guint i = 0; i < 250; i++)
    {
      const char *text = g_hash_table_lookup (told, ids->pdata[i]);

      if (g_hash_table_contains (left_out, ids->pdata[i]))
        g_assert_null (text);
      else
        {
          g_assert_nonnull (text);
          /* What the converter made of that very message. */
          g_assert_true (g_str_has_prefix (text, ids->pdata[i]));
          g_assert_cmpuint (strlen (text), >, strlen (ids->pdata[i]) + 1);
        }
    }
  g_assert_true (c.freed);
}

/* Parts answered 429 inside their batches are asked again in the next
 * round, the others not: each message is converted and told once. */
static void
test_convert_rate_limited (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (GPtrArray) ids = list_all (f);
  g_autoptr (GHashTable) left_out = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) result = NULL;
  Convert c = { .main_thread = g_thread_self (), .left_out = left_out };
  Told    t = { .told = told };

  af_sandbox_reset_counts (f->s.sandbox);
  af_sandbox_add_fault (f->s.sandbox, "gmail.users.messages.get", AF_SANDBOX_ROUTE_RATE_LIMIT, 150, 1);
  read_converted (f, ids, 200, &c, &t, &result);
  g_assert_cmpuint (result->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (told), ==, 200);
  g_assert_cmpint (c.converted, ==, 200);
  g_assert_cmpint (c.on_main_thread, ==, 0);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "gmail.users.messages.get"), ==, 200);
  for (guint i = 0; i < 200; i++)
    g_assert_true (g_hash_table_contains (told, ids->pdata[i]));
  g_assert_true (c.freed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/gmail-reader/convert", Fixture, NULL, fixture_set_up, test_convert, fixture_tear_down);
  g_test_add ("/gmail-reader/convert-rate-limited", Fixture, NULL, fixture_set_up, test_convert_rate_limited,
              fixture_tear_down);

  return g_test_run ();
}
