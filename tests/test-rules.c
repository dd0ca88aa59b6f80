/* test-rules.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "af-error.h"
#include "af-rules.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
message (void)
{
  g_autoptr (JsonNode) node = parse ("{\"id\":\"m1\",\"from\":\"Dana <dana@example.com>\",\"to\":\"me@example.com\","
                                     "\"subject\":\"URGENT: invoice 12\",\"body\":\"Could you pay it?\","
                                     "\"labels\":[\"INBOX\",\"UNREAD\"],\"has_attachment\":true,\"date\":1000}");

  return json_object_ref (json_node_get_object (node));
}

static gboolean
cond (const char *json)
{
  g_autoptr (JsonNode) c = parse (json);
  g_autoptr (JsonObject) m = message ();

  return af_rules_condition_matches (json_node_get_object (c), m, (gint64)10000 * G_USEC_PER_SEC);
}

static void
test_conditions (void)
{
  g_assert_true (cond ("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"invoice\"}"));
  g_assert_true (cond ("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"INVOICE\"}"));
  g_assert_false (cond ("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"receipt\"}"));
  g_assert_true (cond ("{\"field\":\"to\",\"op\":\"equals\",\"value\":\"me@example.com\"}"));
  g_assert_false (cond ("{\"field\":\"to\",\"op\":\"equals\",\"value\":\"me@example\"}"));
  g_assert_true (cond ("{\"field\":\"labels\",\"op\":\"equals\",\"value\":\"UNREAD\"}"));
  g_assert_false (cond ("{\"field\":\"labels\",\"op\":\"equals\",\"value\":\"STARRED\"}"));
  g_assert_true (cond ("{\"field\":\"from\",\"op\":\"matches\",\"value\":\"@example\\\\.com>$\"}"));
  g_assert_false (cond ("{\"field\":\"from\",\"op\":\"matches\",\"value\":\"@other\\\\.com\"}"));
  g_assert_true (cond ("{\"field\":\"has_attachment\",\"op\":\"is\",\"value\":true}"));
  g_assert_false (cond ("{\"field\":\"has_attachment\",\"op\":\"is\",\"value\":false}"));
  /* date 1000 s, now 10000 s: 9000 s old. */
  g_assert_true (cond ("{\"field\":\"date\",\"op\":\"older_than\",\"value\":\"2h\"}"));
  g_assert_false (cond ("{\"field\":\"date\",\"op\":\"older_than\",\"value\":\"3h\"}"));
  g_assert_false (cond ("{\"field\":\"event_title\",\"op\":\"contains\",\"value\":\"x\"}"));
}

static gboolean
cond_on (const char *condition,
         const char *item)
{
  g_autoptr (JsonNode) c = parse (condition);
  g_autoptr (JsonNode) m = parse (item);

  return af_rules_condition_matches (json_node_get_object (c), json_node_get_object (m), 0);
}

/* Text is compared case-insensitively in full Unicode case folding,
 * whether the text, the rule's words or both are ASCII: "ß" is "ss",
 * "É" is "é", "K" (the Kelvin sign) is "k". */
static void
test_case_folding (void)
{
  const char *ascii = "{\"subject\":\"STRASSE closed: Ecole Kelvin\"}";
  const char *other = "{\"subject\":\"Straße closed: ÉCOLE \u212Aelvin\"}";

  g_assert_true (cond_on ("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"strasse\"}", ascii));
  g_assert_true (cond_on ("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"straße\"}", ascii));
  g_assert_true (cond_on ("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"STRASSE\"}", other));
  g_assert_true (cond_on ("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"école kelvin\"}", other));
  g_assert_true (cond_on ("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"ECOLE KELVIN\"}", ascii));
  g_assert_false (cond_on ("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"école\"}", ascii));
  g_assert_true (cond_on ("{\"field\":\"subject\",\"op\":\"contains_any\",\"value\":\"nothing, STRAßE\"}", ascii));
  g_assert_true (cond_on ("{\"field\":\"subject\",\"op\":\"contains_any\",\"value\":\"nothing, kelvin\"}", other));
  g_assert_false (cond_on ("{\"field\":\"subject\",\"op\":\"contains_any\",\"value\":\"nothing, street\"}", other));
}

static void
test_evaluate (void)
{
  g_autoptr (JsonNode) rules = parse (
      "[{\"name\":\"A\",\"match\":\"all\",\"conditions\":["
      "   {\"field\":\"subject\",\"op\":\"contains\",\"value\":\"urgent\"},"
      "   {\"field\":\"body\",\"op\":\"contains\",\"value\":\"nothing like this\"}],"
      "  \"actions\":[{\"action\":\"star\"}]},"
      " {\"name\":\"B\",\"match\":\"any\",\"conditions\":["
      "   {\"field\":\"subject\",\"op\":\"contains\",\"value\":\"nope\"},"
      "   {\"field\":\"subject\",\"op\":\"matches\",\"value\":\"invoice \\\\d+\"}],"
      "  \"actions\":[{\"action\":\"label\",\"params\":{\"label\":\"Finance\"}}],\"stop\":true},"
      " {\"name\":\"C\",\"conditions\":[],\"actions\":[{\"action\":\"archive\"}]}]");
  g_autoptr (JsonObject) m = message ();
  g_autoptr (GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_autoptr (GError) error = NULL;
  JsonObject *a;

  g_assert_true (af_rules_validate (json_node_get_array (rules), "rules", &error));
  g_assert_no_error (error);
  af_rules_evaluate (json_node_get_array (rules), m, 0, actions);

  /* A needs all (fails), B any (matches) and stops before C. */
  g_assert_cmpuint (actions->len, ==, 1);
  a = g_ptr_array_index (actions, 0);
  g_assert_cmpstr (json_object_get_string_member (a, "action"), ==, "label");
  g_assert_cmpstr (json_object_get_string_member (a, "rule"), ==, "B");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (a, "params"), "label"), ==,
                   "Finance");
}

/* The Email Assistant's kind of rules, over many messages with one cache:
 * each message gets what it would get on its own. */
static void
test_evaluate_cached (void)
{
  g_autoptr (JsonNode) rules = parse (
      "[{\"name\":\"News\",\"conditions\":[{\"field\":\"body\",\"op\":\"contains_any\",\"value\":\"Unsubscribe\"}],"
      "  \"actions\":[{\"action\":\"archive\"}]},"
      " {\"name\":\"Finance\",\"conditions\":[{\"field\":\"subject\",\"op\":\"contains_any\","
      "   \"value\":\"invoice, RECEIPT\"}],\"actions\":[{\"action\":\"label\",\"params\":{\"label\":\"Finance\"}}]},"
      " {\"name\":\"Work\",\"conditions\":[{\"field\":\"from\",\"op\":\"is_from\",\"value\":\"example.com, work.test\"},"
      "   {\"field\":\"body\",\"op\":\"contains_any\",\"value\":\"could you\"}],\"actions\":[{\"action\":\"star\"}]}]");
  const char *const messages[] = {
    "{\"id\":\"a\",\"from\":\"Dana <dana@example.com>\",\"subject\":\"Receipt 1\",\"body\":\"Could you look?\"}",
    "{\"id\":\"b\",\"from\":\"news@list.test\",\"subject\":\"Weekly\",\"body\":\"To unsubscribe, click\"}",
    "{\"id\":\"c\",\"from\":\"Ann <ann@mail.work.test>\",\"subject\":\"Invoices\",\"body\":\"could you\"}",
    "{\"id\":\"d\",\"from\":\"x@other.test\",\"subject\":\"INVOICE due\",\"body\":\"\"}",
  };
  const char *const expected[] = { "label star", "archive", "star", "label" };
  g_autoptr (AfRulesCache) cache = af_rules_cache_new ();

  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
      {
        g_autoptr (JsonNode) m = parse (messages[i]);
        g_autoptr (GPtrArray) cached = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
        g_autoptr (GPtrArray) alone = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
        g_autoptr (GString) names = g_string_new (NULL);

        af_rules_evaluate_cached (json_node_get_array (rules), json_node_get_object (m), 0, cached, cache);
        af_rules_evaluate (json_node_get_array (rules), json_node_get_object (m), 0, alone);
        g_assert_cmpuint (cached->len, ==, alone->len);
        for (guint j = 0; j < cached->len; j++)
          {
            const char *action = json_object_get_string_member (g_ptr_array_index (cached, j), "action");

            g_assert_cmpstr (action, ==, json_object_get_string_member (g_ptr_array_index (alone, j), "action"));
            g_string_append_printf (names, "%s%s", j ? " " : "", action);
          }
        g_assert_cmpstr (names->str, ==, expected[i]);
      }
}

static void
check_invalid (const char *json,
               const char *message_prefix)
{
  g_autoptr (JsonNode) rules = parse (json);
  g_autoptr (GError) error = NULL;

  g_assert_false (af_rules_validate (json_node_get_array (rules), "rules", &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (error->message, message_prefix));
}

static void
test_validate (void)
{
  check_invalid ("[{\"conditions\":[],\"actions\":[{\"action\":\"explode\"}]}]", "rules[0].actions[0].action:");
  check_invalid ("[{\"conditions\":[{\"field\":\"subject\",\"op\":\"like\",\"value\":\"x\"}],\"actions\":[]}]",
                 "rules[0].conditions[0].op: unknown operator “like”");
  check_invalid ("[{\"conditions\":[],\"actions\":[]},{\"conditions\":[{\"field\":\"colour\",\"op\":\"equals\","
                 "\"value\":\"x\"}],\"actions\":[]}]",
                 "rules[1].conditions[0].field");
  check_invalid ("[{\"conditions\":[{\"field\":\"subject\",\"op\":\"matches\",\"value\":\"(unclosed\"}],"
                 "\"actions\":[]}]",
                 "rules[0].conditions[0].value");
  check_invalid ("[{\"conditions\":[{\"field\":\"date\",\"op\":\"older_than\",\"value\":\"soon\"}],"
                 "\"actions\":[]}]",
                 "rules[0].conditions[0].value: must be a duration");
  check_invalid ("[{\"match\":\"some\",\"conditions\":[],\"actions\":[]}]", "rules[0].match");
}

static void
test_bounded (void)
{
  GString         *pattern = g_string_new (NULL);
  g_autofree char *json = NULL;

  for (guint i = 0; i < AF_RULES_MAX_PATTERN + 1; i++)
    g_string_append_c (pattern, 'a');
  json = g_strdup_printf ("[{\"conditions\":[{\"field\":\"subject\",\"op\":\"matches\",\"value\":\"%s\"}],"
                          "\"actions\":[]}]",
                          pattern->str);
  check_invalid (json, "rules[0].conditions[0].value: the pattern is too long");
  g_string_free (pattern, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rules/conditions", test_conditions);
  g_test_add_func ("/rules/case-folding", test_case_folding);
  g_test_add_func ("/rules/evaluate", test_evaluate);
  g_test_add_func ("/rules/evaluate-cached", test_evaluate_cached);
  g_test_add_func ("/rules/validate", test_validate);
  g_test_add_func ("/rules/bounded", test_bounded);

  return g_test_run ();
}
