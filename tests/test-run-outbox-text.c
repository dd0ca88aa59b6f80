/* test-run-outbox-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a run writes into the outbox for each action, through the real
 * Gmail client against the sandbox: its parameters as the text of
 * {"params", "item", "rule"} that json-glib writes (a later version reads
 * it back, and reconciles and retries with it), and the answer of each
 * action done in a batch, its own.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "af-engine.h"
#include "af-outbox.h"
#include "af-test-sandboxed-engine.h"

typedef AfTestSandboxedEngine Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  af_test_sandboxed_engine_set_up (f, "af-run-outbox-text", AF_TEST_ENGINE_ALL_SERVICES | AF_TEST_ENGINE_SAMPLE);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  af_test_sandboxed_engine_tear_down (f);
}

/* The Email Assistant over the sample mailbox (the mail of the last day):
 * label-type actions on many messages, done in batches. */
static void
test_email_assistant_entries (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr (JsonArray) connections = af_test_connections ("google", AF_SANDBOX_ACCOUNT,
                                                           "gmail.read gmail.modify gmail.compose");
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("email-assistant"), NULL, connections);
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (GPtrArray) done = NULL;
  g_autoptr (GHashTable) answers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) result = NULL;
  guint batched = 0;

  json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 1);
  af_engine_add_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  result = af_test_run_agent (f->engine, agent, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "succeeded");

  done = af_outbox_list (outbox, AF_OUTBOX_DONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (done->len, ==, json_object_get_int_member (result, "done"));
  g_assert_cmpuint (done->len, >, 10);
  for (guint i = 0; i < done->len; i++)
    {
      AfOutboxEntry *e = g_ptr_array_index (done, i);
      g_autoptr (JsonNode) parsed = json_from_string (e->params, &error);
      g_autofree char *rewritten = NULL;
      JsonObject      *stored, *item;
      g_autoptr (GList) members = NULL;
      const char *item_id;

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (parsed));
      stored = json_node_get_object (parsed);
      /* {"params", "item", "rule"}, in that order, as json-glib writes it. */
      members = json_object_get_members (stored);
      g_assert_cmpuint (g_list_length (members), ==, 3);
      g_assert_cmpstr (members->data, ==, "params");
      g_assert_cmpstr (members->next->data, ==, "item");
      g_assert_cmpstr (members->next->next->data, ==, "rule");
      rewritten = json_to_string (parsed, FALSE);
      g_assert_cmpstr (e->params, ==, rewritten);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (stored, "params")));
      g_assert_nonnull (json_object_get_string_member_with_default (stored, "rule", NULL));
      item = json_object_get_object_member (stored, "item");
      item_id = json_object_get_string_member_with_default (item, "id", NULL);
      g_assert_nonnull (item_id);
      g_assert_nonnull (json_object_get_string_member_with_default (item, "subject", NULL));
      g_assert_true (json_object_get_boolean_member_with_default (item, "untrusted", FALSE));

      /* An action done in a batch keeps its own answer: its message. */
      if (af_executor_is_batchable (e->action))
        {
          g_autofree char *expected = g_strdup_printf ("{\"id\":\"%s\"}", item_id);

          g_assert_cmpstr (e->result, ==, expected);
          g_hash_table_add (answers, e->result);
          batched++;
        }
    }
  g_assert_cmpuint (batched, >, 10);
  g_assert_cmpuint (g_hash_table_size (answers), >, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/run-outbox-text/email-assistant", Fixture, NULL, fixture_setup, test_email_assistant_entries,
              fixture_teardown);

  return g_test_run ();
}
