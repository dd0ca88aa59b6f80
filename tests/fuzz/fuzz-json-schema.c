/* fuzz-json-schema.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The validator of the model's tool arguments. Input: a schema, "\n--\n",
 * an instance; both are hostile here (schemas are ours, but the
 * validator must not trust them either).
 */

#include "config.h"

#include "af-fuzz.h"
#include "af-json-schema.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_auto (GStrv) fields = NULL;
  g_autoptr (JsonNode) schema = NULL;
  g_autoptr (JsonNode) instance = NULL;
  g_autoptr (GError) error = NULL;

  af_fuzz_init ();

  fields = af_fuzz_split (data, size, 2);
  schema = fields[0] ? json_from_string (fields[0], NULL) : NULL;
  instance = fields[1] ? json_from_string (fields[1], NULL) : NULL;
  if (schema == NULL || instance == NULL)
    return 0;

  if (!af_json_schema_validate (schema, instance, &error))
    g_assert (error != NULL && error->message != NULL);
  else
    g_assert_no_error (error);

  return 0;
}
