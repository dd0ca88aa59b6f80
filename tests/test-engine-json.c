/* test-engine-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine writes its JSON text (outbox parameters, activity details,
 * the text idempotency keys are hashes of) itself: it must be what
 * json-glib wrote, byte for byte, or an action queued by an earlier
 * version would get another key and be done twice.
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

static char *
random_string (GRand *rand)
{
  /* Every byte json-glib escapes, some it does not, and UTF-8. */
  static const char *const pieces[] = { "\"", "\\", "\b", "\f", "\n", "\r", "\t", "\x01", "\x1e", "\x1f", "\x7f",
                                        "/", "a", "Zoë", "会議", "\xe2\x80\xa8", "\xf0\x9f\x98\x80", " ", "{}", "\\u0041" };
  GString                 *s = g_string_new (NULL);
  guint                    n = g_rand_int_range (rand, 0, 12);

  for (guint i = 0; i < n; i++)
    g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  return g_string_free (s, FALSE);
}

static JsonNode *
random_node (GRand *rand,
             guint  depth)
{
  JsonNode *node = json_node_alloc ();

  switch (g_rand_int_range (rand, 0, depth > 3 ? 6 : 8))
    {
    case 0:
      return json_node_init_null (node);
    case 1:
      return json_node_init_boolean (node, g_rand_boolean (rand));
    case 2:
      return json_node_init_int (node, (gint64)g_rand_int (rand) * (g_rand_boolean (rand) ? -1 : 1) * 65536);
    case 3:
      return json_node_init_double (node, g_rand_double_range (rand, -1e6, 1e6));
    case 4:
    case 5:
      {
        g_autofree char *s = random_string (rand);

        return json_node_init_string (node, s);
      }
    case 6:
      {
        JsonObject *o = json_object_new ();
        guint       n = g_rand_int_range (rand, 0, 6);

        for (guint i = 0; i < n; i++)
          {
            g_autofree char *key = random_string (rand);

            json_object_set_member (o, key, random_node (rand, depth + 1));
          }
        json_node_init_object (node, o);
        json_object_unref (o);
        return node;
      }
    default:
      {
        JsonArray *a = json_array_new ();
        guint      n = g_rand_int_range (rand, 0, 5);

        for (guint i = 0; i < n; i++)
          json_array_add_element (a, random_node (rand, depth + 1));
        json_node_init_array (node, a);
        json_array_unref (a);
        return node;
      }
    }
}

static void
test_same_as_json_glib (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240502);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  /* What the engine writes most: an outbox entry's parameters. */
  json_parser_load_from_data (parser,
                              "{\"params\":{\"label\":\"Finance\"},\"item\":{\"id\":\"18c0a1b2c3d40000\","
                              "\"from\":\"Figma <billing@invoices.example.com>\",\"subject\":\"Réunion — 会議\","
                              "\"body\":\"Dear customer,\\n\\n\\\"quoted\\\"\\ttab\",\"date\":1796451818,"
                              "\"has_attachment\":false,\"labels\":[\"INBOX\",\"UNREAD\"],\"score\":0.1,\"none\":null},"
                              "\"rule\":\"Finance\"}",
                              -1, &error);
  g_assert_no_error (error);
  assert_same (json_parser_get_root (parser));

  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr (JsonNode) node = random_node (rand, 0);

      assert_same (node);
    }
}

/* Over a whole object, through the function the engine calls. */
static void
test_object_to_text (void)
{
  g_autoptr (JsonObject) o = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *written = NULL;

  json_object_set_string_member (o, "b", "second \"member\"");
  json_object_set_string_member (o, "a", "first\x01");
  json_object_set_int_member (o, "n", -3);
  json_object_set_object_member (o, "args", json_object_new ());
  node = json_node_init_object (json_node_alloc (), o);
  expected = json_to_string (node, FALSE);
  written = af_engine_json_to_text (o);
  g_assert_cmpstr (written, ==, expected);
  g_assert_cmpstr (written, ==, "{\"b\":\"second \\\"member\\\"\",\"a\":\"first\\u0001\",\"n\":-3,\"args\":{}}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine-json/same-as-json-glib", test_same_as_json_glib);
  g_test_add_func ("/engine-json/object-to-text", test_object_to_text);

  return g_test_run ();
}
