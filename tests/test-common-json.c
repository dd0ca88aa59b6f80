/* test-common-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * af_json_parse() reads service answers into the tree JsonParser builds:
 * the same members in the same order, the same values, the same errors.
 * Its quick reader is checked against JsonParser on hand-picked edges
 * and on thousands of generated documents shaped like Gmail's answers.
 */

#include "config.h"

#include <string.h>

#include "af-json-private.h"

/* What JsonParser makes of @text: its root (NULL when it fails). */
static JsonNode *
parse_reference (const char *text,
                 gsize       size)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, text, size, NULL))
    return NULL;
  return json_parser_steal_root (parser);
}

/* Equal, and written the same (json_node_equal() ignores the order of
 * members; callers that list them do not). */
static void
assert_same_tree (JsonNode *a,
                  JsonNode *b)
{
  g_autofree char *ta = json_to_string (a, FALSE);
  g_autofree char *tb = json_to_string (b, FALSE);

  g_assert_true (json_node_equal (a, b));
  g_assert_cmpstr (ta, ==, tb);
}

/* The index of @text (af-json-scan.c) takes only what JsonParser reads
 * (@reference), and where the quick reader reads the text too (no lone
 * surrogate, no name twice, no fraction), the tree built from the index
 * is JsonParser's. */
static void
check_scan (const char *text,
            gsize       size,
            JsonNode   *reference,
            JsonNode   *quick)
{
  g_autoptr (AfJsonScan) scan = af_json_scan_new (text, size);
  g_autoptr (AfJsonScan) parsed = NULL;
  g_autoptr (GError) error = NULL;

  if (scan != NULL)
    {
      g_autoptr (JsonNode) tree = af_json_scan_to_node (scan, 0);

      g_assert_nonnull (reference);
      g_assert_cmpuint (scan->tokens[0].next, ==, scan->n_tokens);
      if (quick != NULL)
        assert_same_tree (tree, reference);
    }
  /* Whatever the index does not take, JsonParser's reading of it. */
  parsed = af_json_scan_parse (text, size, &error);
  if (reference == NULL || (!JSON_NODE_HOLDS_OBJECT (reference) && !JSON_NODE_HOLDS_ARRAY (reference)))
    g_assert_true (parsed == NULL || scan == NULL);
  if (parsed == NULL)
    g_assert_nonnull (error);
  else
    g_assert_no_error (error);
  if (scan != NULL)
    g_assert_nonnull (parsed);
}

/* af_json_parse() agrees with JsonParser on @text; %TRUE when the quick
 * reader read it itself. */
static gboolean
check_text (const char *text,
            gsize       size)
{
  g_autoptr (JsonNode) reference = parse_reference (text, size);
  g_autoptr (JsonNode) quick = af_json_read_quick (text, size);
  g_autoptr (JsonNode) parsed = NULL;
  g_autoptr (GError) error = NULL;

  check_scan (text, size, reference, quick);

  parsed = af_json_parse (text, size, &error);
  if (reference == NULL)
    {
      /* What JsonParser cannot read, the quick reader never reads. */
      g_assert_null (quick);
      g_assert_null (parsed);
      g_assert_nonnull (error);
      return FALSE;
    }
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  assert_same_tree (parsed, reference);
  if (quick != NULL)
    assert_same_tree (quick, reference);
  return quick != NULL;
}

/* Read by the quick reader itself, the same as by JsonParser. */
static const char *const quick_texts[] = {
  "{}",
  "[]",
  " \t\r\n{ \"a\" : 1 , \"b\":[ ] }\n",
  "{\"id\":\"18c2f\",\"labelIds\":[\"INBOX\",\"UNREAD\"],\"sizeEstimate\":1234,\"internalDate\":\"1700000000000\"}",
  "{\"n\":0,\"m\":-0,\"k\":-17,\"big\":999999999999999999,\"small\":-999999999999999999}",
  "{\"t\":true,\"f\":false,\"z\":null,\"e\":\"\",\"o\":{},\"a\":[[],{}]}",
  "{\"s\":\"quote \\\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t end\"}",
  "{\"u\":\"\\u00e9\\u00E9 caf\\u00e9 \\u20ac \\ud83d\\ude00 \\uD83D\\uDE00\"}",
  "{\"raw\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
  "{\"\xc3\xa9t\xc3\xa9\":\"summer\",\"\\u00e9\\u00e9\":1}",
  "[1,\"two\",{\"three\":[3]},null,true]",
  "{\"payload\":{\"partId\":\"\",\"mimeType\":\"multipart/alternative\",\"headers\":[{\"name\":\"From\",\"value\":\"A <a@example.com>\"}],"
  "\"body\":{\"size\":0},\"parts\":[{\"mimeType\":\"text/plain\",\"body\":{\"size\":3,\"data\":\"aGk=\"}}]}}",
};

/* Left to JsonParser, which reads them (or not) its own way. */
static const char *const left_texts[] = {
  "",
  "   ",
  "1",
  "\"top\"",
  "true",
  "{\"a\":1.5}",
  "{\"a\":1e3}",
  "{\"a\":1E-3}",
  "{\"a\":1234567890123456789}",
  "{\"a\":01}",
  "{\"a\":-}",
  "{\"a\":+1}",
  "{\"a\":1,\"a\":2}",
  "{\"\":1}",
  "{\"a\":\"\\ud800\"}",
  "{\"a\":\"\\udc00\"}",
  "{\"a\":\"\\u0000\"}",
  "{\"a\":\"\\x41\"}",
  "{\"a\":\"\\u12G4\"}",
  "{\"a\":\"tab\there\"}",
  "{\"a\":\"\xff\xfe\"}",
  "{\"a\":\"\xc3\"}",
  "{\"a\":1,}",
  "[1,]",
  "{\"a\" 1}",
  "{a:1}",
  "{'a':1}",
  "{\"a\":tru}",
  "{\"a\":nul}",
  "{\"a\":1} x",
  "{\"a\":[1,2}",
  "{\"a\":\"unterminated}",
  "{\"a\":1",
  "[",
  "{\"a\":1}\f",
  "\xef\xbb\xbf{\"bom\":1}",
  "/* comment */ {\"a\":1}",
};

static void
test_edges (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (quick_texts); i++)
    g_assert_true (check_text (quick_texts[i], strlen (quick_texts[i])));
  for (guint i = 0; i < G_N_ELEMENTS (left_texts); i++)
    {
      g_autoptr (JsonNode) quick = af_json_read_quick (left_texts[i], strlen (left_texts[i]));

      g_assert_null (quick);
      check_text (left_texts[i], strlen (left_texts[i]));
    }

  /* Texts JsonParser (json-glib 1.6) loses memory reading, which
   * LeakSanitizer reports: only the quick reader is asked, and leaves
   * them to JsonParser. A high surrogate followed by another escape (a
   * GString lost), and a second root after the first (its object lost). */
  {
    static const char *const leaky_texts[] = { "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":1}{\"b\":2}" };

    for (guint i = 0; i < G_N_ELEMENTS (leaky_texts); i++)
      {
        g_autoptr (JsonNode) quick = af_json_read_quick (leaky_texts[i], strlen (leaky_texts[i]));

        g_assert_null (quick);
      }
  }

  /* A NUL in the text: JsonParser stops nowhere special, neither may
   * the quick reader read past what it was given. */
  {
    static const char with_nul[] = "{\"a\":\"x\0y\"}";

    check_text (with_nul, sizeof with_nul - 1);
    check_text (with_nul, 7);
  }

  /* Nested deeper than any service answers: left to JsonParser. */
  {
    GString *deep = g_string_new (NULL);
    g_autoptr (JsonNode) quick = NULL;

    for (guint i = 0; i < 100; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 100; i++)
      g_string_append_c (deep, ']');
    quick = af_json_read_quick (deep->str, deep->len);
    g_assert_null (quick);
    check_text (deep->str, deep->len);
    g_string_free (deep, TRUE);
  }
}

/* A string, written the ways a service may write it: raw UTF-8, escapes
 * of every kind, surrogate pairs. */
static void
append_string (GString *out,
               GRand   *rand)
{
  static const char *const pieces[] = {
    "abc",
    "From",
    " ",
    "\\\"",
    "\\\\",
    "\\/",
    "\\n",
    "\\t",
    "\\r",
    "\\b",
    "\\f",
    "\\u00e9",
    "\\u20AC",
    "\\ud83d\\ude00",
    "\xc3\xa9",
    "\xe2\x82\xac",
    "\xf0\x9f\x98\x80",
    "<a@example.com>",
    "=?UTF-8?",
    "aGVsbG8=",
    "\\u0041",
    "0123456789",
    "\\u001f",
    ",:{}[]",
  };
  guint n = g_rand_int_range (rand, 0, 12);

  g_string_append_c (out, '"');
  for (guint i = 0; i < n; i++)
    g_string_append (out, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  g_string_append_c (out, '"');
}

static void
append_space (GString *out,
              GRand   *rand)
{
  static const char *const spaces[] = { "", "", "", " ", "\n", "\r\n  ", "\t" };

  g_string_append (out, spaces[g_rand_int_range (rand, 0, G_N_ELEMENTS (spaces))]);
}

static void
append_value (GString *out,
              GRand   *rand,
              guint    depth)
{
  guint kind = g_rand_int_range (rand, 0, depth < 5 ? 9 : 6);

  switch (kind)
    {
    case 0:
    case 1:
      append_string (out, rand);
      break;
    case 2:
      g_string_append_printf (out, "%" G_GINT64_FORMAT,
                              (gint64)g_rand_int_range (rand, -1000000, 1000000) * g_rand_int_range (rand, 1, 1000000));
      break;
    case 3:
      g_string_append (out, g_rand_boolean (rand) ? "true" : "false");
      break;
    case 4:
      g_string_append (out, "null");
      break;
    case 5:
      g_string_append_printf (out, "%d", g_rand_int_range (rand, 0, 10));
      break;
    default:
      {
        /* An object (kinds 6 and 7) or an array. */
        gboolean object = kind < 8;
        guint    n = g_rand_int_range (rand, 0, object ? 8 : 6);

        g_string_append_c (out, object ? '{' : '[');
        for (guint i = 0; i < n; i++)
          {
            append_space (out, rand);
            if (object)
              {
                /* Names made unique by their number: a name twice is JsonParser's. */
                g_string_append_printf (out, "\"m%u%s\"", i, g_rand_boolean (rand) ? "\\u00e9" : "");
                append_space (out, rand);
                g_string_append_c (out, ':');
                append_space (out, rand);
              }
            append_value (out, rand, depth + 1);
            append_space (out, rand);
            if (i + 1 < n)
              g_string_append_c (out, ',');
          }
        g_string_append_c (out, object ? '}' : ']');
      }
      break;
    }
}

/* A Gmail "Message" resource (format=full) with generated values. */
static void
append_message (GString *out,
                GRand   *rand,
                guint    k)
{
  g_string_append_printf (out, "{\"id\":\"18c%05x\",\"threadId\":\"18c%05x\",\"labelIds\":[\"INBOX\",\"UNREAD\",\"Label_%u\"],",
                          k, k / 3, k % 7);
  g_string_append (out, "\"snippet\":");
  append_string (out, rand);
  g_string_append_printf (out, ",\"sizeEstimate\":%u,\"historyId\":\"%u\",\"internalDate\":\"17000%08u\",", 600 + k, 1000 + k, k);
  g_string_append (out, "\"payload\":{\"partId\":\"\",\"mimeType\":\"multipart/alternative\",\"filename\":\"\",\"headers\":[");
  for (guint h = 0; h < 6; h++)
    {
      g_string_append_printf (out, "%s{\"name\":\"X-Header-%u\",\"value\":", h ? "," : "", h);
      append_string (out, rand);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"body\":{\"size\":0},\"parts\":[");
  append_value (out, rand, 3);
  g_string_append (out, "]}}");
}

static void
test_generated (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261207);
  guint quick = 0, total = 0;

  for (guint k = 0; k < 3000; k++)
    {
      g_autoptr (GString) text = g_string_new (NULL);

      if (k % 2 == 0)
        append_message (text, rand, k);
      else
        {
          g_string_append_c (text, '{');
          g_string_append (text, "\"v\":");
          append_value (text, rand, 0);
          g_string_append_c (text, '}');
        }
      total++;
      if (check_text (text->str, text->len))
        quick++;

      /* Cut short anywhere: never read by the quick reader (JsonParser,
       * which af_json_parse() then asks, loses a GString on some of these,
       * as above). */
      {
        gsize cut = g_rand_int_range (rand, 0, text->len);
        g_autoptr (JsonNode) cut_short = af_json_read_quick (text->str, cut);

        g_assert_null (cut_short);
      }
    }
  /* The generated documents hold no lone surrogate, no fraction and no
   * name twice: the quick reader reads every one of them itself. */
  g_test_message ("%u of %u generated documents read by the quick reader", quick, total);
  g_assert_cmpuint (quick, ==, total);
}

/* The index's readers: strings unescaped, the last of a name twice (as
 * JsonParser keeps it), elements in order; and the text the index does
 * not take read JsonParser's way. */
static void
test_scan (void)
{
  static const char text[] = "{\"id\":\"18c\",\"s\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\",\"twice\":1,"
                             "\"list\":[\"x\",{\"y\":true},[null]],\"twice\":\"last\",\"nul\":\"a\\u0000b\",\"n\":-12}";
  g_autoptr (AfJsonScan) scan = af_json_scan_new (text, strlen (text));
  g_autoptr (GError) error = NULL;
  g_autofree char *s = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *x = NULL;
  int              list;

  g_assert_nonnull (scan);
  s = af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "s"));
  g_assert_cmpstr (s, ==, "a\"b\\c/d\n\u00e9\U0001F600");
  twice = af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "twice"));
  g_assert_cmpstr (twice, ==, "last");
  /* A NUL would end the string early: no string. */
  g_assert_null (af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "nul")));
  /* Not a string, not there. */
  g_assert_null (af_json_scan_dup_string (scan, af_json_scan_member (scan, 0, "n")));
  g_assert_cmpint (af_json_scan_member (scan, 0, "missing"), ==, -1);
  g_assert_null (af_json_scan_dup_string (scan, -1));

  list = af_json_scan_member (scan, 0, "list");
  g_assert_cmpuint (af_json_scan_length (scan, list), ==, 3);
  g_assert_cmpuint (af_json_scan_length (scan, 0), ==, 0); /* an object: no elements */
  x = af_json_scan_dup_string (scan, af_json_scan_element (scan, list, 0));
  g_assert_cmpstr (x, ==, "x");
  g_assert_cmpint (scan->tokens[af_json_scan_element (scan, list, 1)].kind, ==, AF_JSON_OBJECT);
  g_assert_cmpint (scan->tokens[af_json_scan_member (scan, af_json_scan_element (scan, list, 1), "y")].kind, ==, AF_JSON_TRUE);
  g_assert_cmpint (scan->tokens[af_json_scan_element (scan, list, 2)].kind, ==, AF_JSON_ARRAY);
  g_assert_cmpint (af_json_scan_element (scan, list, 3), ==, -1);
  g_assert_cmpint (af_json_scan_member (scan, list, "x"), ==, -1);

  /* JsonParser reads comments and single quotes; the index does not,
   * and af_json_scan_parse() indexes JsonParser's reading instead. */
  {
    static const char relaxed[] = "/* comment */ {'a':'b'}";
    g_autoptr (AfJsonScan) relaxed_scan = af_json_scan_parse (relaxed, strlen (relaxed), &error);
    g_autofree char *a = NULL;

    g_assert_null (af_json_scan_new (relaxed, strlen (relaxed)));
    g_assert_no_error (error);
    g_assert_nonnull (relaxed_scan);
    a = af_json_scan_dup_string (relaxed_scan, af_json_scan_member (relaxed_scan, 0, "a"));
    g_assert_cmpstr (a, ==, "b");
  }

  /* Control characters raw in a string: JsonParser reads them, and
   * json-glib 1.6 writes U+001F back raw; the index of its reading has
   * them, as JsonParser gave them. */
  {
    static const char raw[] = "{\"a\":\"x\x1f\x0fy\",\"b\":\"\x1f\"}";
    g_autoptr (AfJsonScan) raw_scan = af_json_scan_parse (raw, strlen (raw), &error);
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    g_assert_null (af_json_scan_new (raw, strlen (raw)));
    g_assert_no_error (error);
    g_assert_nonnull (raw_scan);
    a = af_json_scan_dup_string (raw_scan, af_json_scan_member (raw_scan, 0, "a"));
    g_assert_cmpstr (a, ==, "x\x1f\x0fy");
    b = af_json_scan_dup_string (raw_scan, af_json_scan_member (raw_scan, 0, "b"));
    g_assert_cmpstr (b, ==, "\x1f");
  }
  g_assert_null (af_json_scan_parse ("{\"a\":", strlen ("{\"a\":"), &error));
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/edges", test_edges);
  g_test_add_func ("/json/generated", test_generated);
  g_test_add_func ("/json/scan", test_scan);

  return g_test_run ();
}
