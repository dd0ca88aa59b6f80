/* test-approval-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Approvals on a real SQLite file: a stored request is pending after a
 * restart, and each is decided exactly once.
 */

#include "config.h"

#include "af-approval-store.h"
#include "af-error.h"
#include "af-outbox.h"
#include "af-test-store.h"

/* A waiting outbox entry and the request for it. */
static gint64
insert (AfTestStore *f,
        const char  *key,
        const char  *target,
        gint64      *outbox_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfApprovalRecord) r = g_new0 (AfApprovalRecord, 1);
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (AfOutboxEntry) entry = af_outbox_reserve (outbox, key, "agent-1", 1, "send", "{}", AF_OUTBOX_WAITING,
                                                       &error);

  g_assert_no_error (error);
  *outbox_id = entry->id;
  r->outbox_id = entry->id;
  r->agent_id = g_strdup ("agent-1");
  r->action = g_strdup ("send");
  r->target = g_strdup (target);
  r->preview = g_strdup ("See you then");
  r->reason = g_strdup ("Rule “Confirm” matched “Lunch?”");
  r->created_at = 1000;
  r->expires_at = 2000;
  g_assert_cmpint (af_approval_store_insert (f->db, r, &error), >, 0);
  g_assert_no_error (error);
  return r->id;
}

static void
test_pending_and_decided (AfTestStore  *f,
                          gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  AfApprovalRecord *r;
  gint64            first_entry, second_entry;
  gint64            first = insert (f, "k1", "sam@example.com", &first_entry);
  gint64            second = insert (f, "k2", "#general", &second_entry);

  af_test_store_reopen (f);
  pending = af_approval_store_list_pending (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 2);
  r = g_ptr_array_index (pending, 0);
  g_assert_cmpint (r->id, ==, first);
  g_assert_cmpint (r->outbox_id, ==, first_entry);
  g_assert_cmpint (((AfApprovalRecord *)g_ptr_array_index (pending, 1))->outbox_id, ==, second_entry);
  g_assert_cmpstr (r->agent_id, ==, "agent-1");
  g_assert_cmpstr (r->action, ==, "send");
  g_assert_cmpstr (r->target, ==, "sam@example.com");
  g_assert_cmpstr (r->preview, ==, "See you then");
  g_assert_cmpstr (r->reason, ==, "Rule “Confirm” matched “Lunch?”");
  g_assert_cmpint (r->created_at, ==, 1000);
  g_assert_cmpint (r->expires_at, ==, 2000);

  g_assert_true (af_approval_store_decide (f->db, first, "approved", &error));
  g_assert_no_error (error);
  /* A second answer (a double click, the notification and the window)
   * does not count. */
  g_assert_false (af_approval_store_decide (f->db, first, "denied", &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_pointer (&pending, g_ptr_array_unref);
  pending = af_approval_store_list_pending (f->db, &error);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpint (((AfApprovalRecord *)g_ptr_array_index (pending, 0))->id, ==, second);
  g_assert_cmpint (af_test_store_query_int (f, "SELECT count (*) FROM approvals WHERE state = 'approved'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/approval-store/pending-and-decided", AfTestStore, NULL, af_test_store_setup,
              test_pending_and_decided, af_test_store_teardown);

  return g_test_run ();
}
