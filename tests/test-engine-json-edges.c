/* test-engine-json-edges.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's own JSON writer at its edges: integers at both ends of
 * their range, empty strings and containers, and text longer than any
 * buffer it starts with, all as json-glib writes them (byte for byte:
 * idempotency keys are hashes of it).
 */

#include "config.h"

#include "af-engine-private.h"

static void
assert_same (JsonNode *node)
{
  g_autofree char *expected = json_to_string (node, FALSE);
  g_autofree char *written = af_engine_node_to_text (node);

  g_assert_cmpstr (written, ==, expected);
}

static void
test_integers (void)
{
  static const gint64 values[] = { 0, 1, -1, 9, 10, -10, 99, 100, 1796451818, -1796451818,
                                   G_MAXINT32, G_MININT32, G_MAXINT64, G_MININT64, G_MAXINT64 - 1, G_MININT64 + 1 };
  g_autoptr (JsonArray) array = json_array_new ();
  g_autoptr (JsonNode) all = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (JsonNode) node = json_node_init_int (json_node_alloc (), values[i]);

      assert_same (node);
      json_array_add_int_element (array, values[i]);
    }
  all = json_node_init_array (json_node_alloc (), array);
  assert_same (all);
}

static void
test_sizes (void)
{
  g_autoptr (JsonObject) o = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  GString *big = g_string_new (NULL);

  /* Longer than the writer's first buffer, with escapes at its ends. */
  g_string_append_c (big, '"');
  for (guint i = 0; i < 5000; i++)
    g_string_append (big, i % 97 == 0 ? "\\\n\t" : "abcdefghij");
  g_string_append_c (big, '\x01');
  json_object_set_string_member (o, "", "");
  json_object_set_string_member (o, "body", big->str);
  json_object_set_object_member (o, "empty", json_object_new ());
  json_object_set_array_member (o, "none", json_array_new ());
  json_object_set_boolean_member (o, "yes", TRUE);
  json_object_set_boolean_member (o, "no", FALSE);
  json_object_set_null_member (o, "null");
  node = json_node_init_object (json_node_alloc (), o);
  assert_same (node);
  g_string_free (big, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine-json/integers", test_integers);
  g_test_add_func ("/engine-json/sizes", test_sizes);

  return g_test_run ();
}
