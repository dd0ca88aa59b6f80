/* test-outbox-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outbox states on a real SQLite file: the enum is stored as the strings
 * earlier versions wrote, and a state this version does not know is
 * never taken for one it may repeat.
 */

#include "config.h"

#include "af-enum-nick.h"
#include "af-outbox.h"
#include "af-test-store.h"

static void
test_states_as_strings (AfTestStore  *f,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (AfOutboxEntry) entry = NULL;
  g_autoptr (AfOutboxEntry) again = NULL;
  g_autoptr (GPtrArray) executing = NULL;
  g_autofree char *stored = NULL;

  entry = af_outbox_reserve (outbox, "a:m1:send", "a", 1, "send", "{}", AF_OUTBOX_WAITING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->state, ==, AF_OUTBOX_WAITING);
  stored = af_test_store_query_text (f, "SELECT state FROM outbox");
  g_assert_cmpstr (stored, ==, "waiting");

  /* The same key again: the entry as it is, not a second one. */
  g_assert_true (af_outbox_set_state (outbox, entry->id, AF_OUTBOX_EXECUTING, NULL, &error));
  again = af_outbox_reserve (outbox, "a:m1:send", "a", 2, "send", "{}", AF_OUTBOX_PENDING, &error);
  g_assert_cmpint (again->id, ==, entry->id);
  g_assert_cmpint (again->state, ==, AF_OUTBOX_EXECUTING);
  executing = af_outbox_list (outbox, AF_OUTBOX_EXECUTING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (executing->len, ==, 1);
  g_assert_cmpuint (af_outbox_count (outbox, "a", AF_OUTBOX_EXECUTING), ==, 1);
  g_assert_cmpuint (af_outbox_count (outbox, "a", AF_OUTBOX_PENDING), ==, 0);

  for (int s = AF_OUTBOX_PENDING; s <= AF_OUTBOX_EXPIRED; s++)
    g_assert_cmpint (af_enum_from_nick (AF_TYPE_OUTBOX_STATE, af_enum_to_nick (AF_TYPE_OUTBOX_STATE, s), -1), ==, s);
  g_assert_cmpstr (af_enum_to_nick (AF_TYPE_OUTBOX_STATE, AF_OUTBOX_EXECUTING), ==, "executing");
}

static void
test_unknown_state (AfTestStore  *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (AfOutboxEntry) entry = NULL;
  g_autoptr (AfOutboxEntry) read = NULL;

  entry = af_outbox_reserve (outbox, "a:m1:send", "a", 1, "send", "{}", AF_OUTBOX_PENDING, &error);
  g_assert_true (af_database_exec (f->db, "UPDATE outbox SET state = 'queued-elsewhere'", &error));
  g_assert_no_error (error);
  read = af_outbox_get (outbox, entry->id, &error);
  g_assert_no_error (error);
  /* Not "pending", which a run would send. */
  g_assert_cmpint (read->state, ==, AF_OUTBOX_FAILED);
}

/* Entries done together (a batch of 250 labels, as a run records a
 * batch answer): each "done" with {"id": its item} as its result, item ids
 * that need escaping among them; the others as they were. */
static void
test_set_done_on_items (AfTestStore  *f,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (AfOutboxEntry) quoted = NULL;
  g_autoptr (AfOutboxEntry) failed = NULL;
  gint64 ids[260];

  af_outbox_set_owner (outbox, "owner-1");
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *key = g_strdup_printf ("a:m%u:label", i);
      g_autoptr (AfOutboxEntry) entry = af_outbox_reserve (outbox, key, "a", 1, "label", "{\"n\":1}",
                                                           AF_OUTBOX_EXECUTING, &error);

      g_assert_no_error (error);
      ids[i] = entry->id;
      g_ptr_array_add (items, i == 7 ? g_strdup ("m\"7\\ é") : g_strdup_printf ("m%u", i));
    }
  g_assert_true (af_outbox_set_state (outbox, ids[255], AF_OUTBOX_FAILED, "{\"why\":1}", &error));
  af_outbox_set_owner (outbox, "owner-2");
  g_assert_true (af_outbox_set_done_on_items (outbox, ids, (const char *const *)items->pdata, 250, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (af_outbox_count (outbox, "a", AF_OUTBOX_DONE), ==, 250);
  g_assert_cmpuint (af_outbox_count (outbox, "a", AF_OUTBOX_EXECUTING), ==, 9);
  g_assert_cmpuint (af_outbox_count (outbox, "a", AF_OUTBOX_FAILED), ==, 1);
  g_assert_cmpint (af_test_store_query_int (f, "SELECT count (*) FROM outbox WHERE state = 'done' AND owner = 'owner-2'"
                                               " AND result = json_object ('id', 'm' || (id - 1))"),
                   ==, 249);
  quoted = af_outbox_get (outbox, ids[7], &error);
  g_assert_cmpint (quoted->state, ==, AF_OUTBOX_DONE);
  g_assert_cmpstr (quoted->result, ==, "{\"id\":\"m\\\"7\\\\ é\"}");
  failed = af_outbox_get (outbox, ids[255], &error);
  g_assert_cmpint (failed->state, ==, AF_OUTBOX_FAILED);
  g_assert_cmpstr (failed->result, ==, "{\"why\":1}");

  g_assert_true (af_outbox_set_done_on_items (outbox, ids + 250, NULL, 0, &error));
  g_assert_cmpuint (af_outbox_count (outbox, "a", AF_OUTBOX_EXECUTING), ==, 9);
}

/* A new entry comes back as it is stored, read again or not; a second
 * reserve of its key returns that entry, not the arguments it was given. */
static void
test_reserve_returns_stored (AfTestStore  *f,
                             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (AfOutboxEntry) first = NULL;
  g_autoptr (AfOutboxEntry) other = NULL;
  g_autoptr (AfOutboxEntry) read = NULL;
  g_autoptr (AfOutboxEntry) again = NULL;

  af_outbox_set_owner (outbox, "owner-1");
  other = af_outbox_reserve (outbox, "a:m0:star", "a", 0, "star", NULL, AF_OUTBOX_PENDING, &error);
  g_assert_no_error (error);
  first = af_outbox_reserve (outbox, "a:m1:label", "a", 7, "label", "{\"label\":\"Work\"}", AF_OUTBOX_WAITING,
                             &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->id, !=, other->id);
  read = af_outbox_get (outbox, first->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (read);
  g_assert_cmpint (first->id, ==, read->id);
  g_assert_cmpstr (first->key, ==, read->key);
  g_assert_cmpstr (first->agent_id, ==, read->agent_id);
  g_assert_cmpint (first->run_id, ==, read->run_id);
  g_assert_cmpint (read->run_id, ==, 7);
  g_assert_cmpstr (first->action, ==, read->action);
  g_assert_cmpstr (first->params, ==, read->params);
  g_assert_cmpint (first->state, ==, read->state);
  g_assert_cmpstr (first->result, ==, read->result);
  g_assert_cmpstr (first->owner, ==, read->owner);
  g_assert_cmpstr (read->owner, ==, "owner-1");
  /* No run, no parameters: stored as none and "{}". */
  g_clear_pointer (&read, af_outbox_entry_free);
  read = af_outbox_get (outbox, other->id, &error);
  g_assert_cmpint (other->run_id, ==, read->run_id);
  g_assert_cmpstr (other->params, ==, "{}");
  g_assert_cmpstr (read->params, ==, "{}");

  again = af_outbox_reserve (outbox, "a:m1:label", "a", 8, "label", "{}", AF_OUTBOX_PENDING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->id, ==, first->id);
  g_assert_cmpint (again->run_id, ==, 7);
  g_assert_cmpint (again->state, ==, AF_OUTBOX_WAITING);
  g_assert_cmpstr (again->params, ==, "{\"label\":\"Work\"}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/outbox-store/states-as-strings", AfTestStore, NULL, af_test_store_setup, test_states_as_strings,
              af_test_store_teardown);
  g_test_add ("/outbox-store/unknown-state", AfTestStore, NULL, af_test_store_setup, test_unknown_state,
              af_test_store_teardown);

  g_test_add ("/outbox-store/reserve-returns-stored", AfTestStore, NULL, af_test_store_setup,
              test_reserve_returns_stored, af_test_store_teardown);
  g_test_add ("/outbox-store/set-done-on-items", AfTestStore, NULL, af_test_store_setup, test_set_done_on_items,
              af_test_store_teardown);

  return g_test_run ();
}
