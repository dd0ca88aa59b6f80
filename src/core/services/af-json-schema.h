/* af-json-schema.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Validates @instance against the JSON-schema subset tool definitions use:
 * type (object, string, integer, number, boolean, array, null), properties,
 * required, additionalProperties: false, enum, items, minLength, maxLength,
 * minimum, maximum. Fails with AF_ERROR_INVALID_DATA naming the path. */
gboolean af_json_schema_validate (JsonNode *schema,
                                  JsonNode *instance,
                                  GError  **error);

G_END_DECLS
