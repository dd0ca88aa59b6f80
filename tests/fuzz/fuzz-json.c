/* fuzz-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * af_json_parse(), which reads Gmail's answers, against JsonParser: on
 * any input both read the same tree or both fail, and what the quick
 * reader reads itself JsonParser reads the same.
 */

#include "config.h"

#include "af-fuzz.h"
#include "af-json-private.h"

static void
assert_same (JsonNode *a,
             JsonNode *b)
{
  g_autofree char *ta = json_to_string (a, FALSE);
  g_autofree char *tb = json_to_string (b, FALSE);

  g_assert (json_node_equal (a, b));
  g_assert (g_strcmp0 (ta, tb) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (JsonNode) parsed = NULL;
  g_autoptr (JsonNode) quick = NULL;
  g_autoptr (AfJsonScan) scan = NULL;
  gboolean read;

  af_fuzz_init ();

  parser = json_parser_new ();
  read = json_parser_load_from_data (parser, (const char *)data, size, NULL);
  parsed = af_json_parse ((const char *)data, size, NULL);
  quick = af_json_read_quick ((const char *)data, size);

  scan = af_json_scan_new ((const char *)data, size);
  if (!read || json_parser_get_root (parser) == NULL)
    {
      g_assert (parsed == NULL);
      g_assert (quick == NULL);
      /* The index takes only what JsonParser reads. */
      g_assert (scan == NULL);
      return 0;
    }
  if (scan != NULL)
    {
      g_autoptr (JsonNode) tree = af_json_scan_to_node (scan, 0);

      g_assert (scan->tokens[0].next == scan->n_tokens);
      for (guint i = 0; i < scan->n_tokens; i++)
        g_assert (scan->tokens[i].next > i && scan->tokens[i].next <= scan->n_tokens);
      if (quick != NULL)
        assert_same (tree, quick);
    }
  g_assert (parsed != NULL);
  assert_same (parsed, json_parser_get_root (parser));
  if (quick != NULL)
    assert_same (quick, json_parser_get_root (parser));
  return 0;
}
