/* af-json-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Typed readers of JSON that AgentFlow did not write (service answers,
 * tokens). json-glib's getters emit a critical when a member has another
 * type than asked for, which any server can cause: these return the
 * default instead, as they do for a string that is not UTF-8. A NULL
 * object or array reads as empty.
 *
 * Shared by every layer (src/core/common/).
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json-glib turns a lone "\ud800" into bytes that are not UTF-8: such a
 * string is no string (it would reach labels, headers and the database). */
static inline const char *
af_json_node_string (JsonNode   *node,
                     const char *default_value)
{
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return default_value;
  value = json_node_get_string (node);
  return g_utf8_validate (value, -1, NULL) ? value : default_value;
}

static inline const char *
af_json_get_string (JsonObject *object,
                    const char *member,
                    const char *default_value)
{
  return af_json_node_string (object != NULL ? json_object_get_member (object, member) : NULL, default_value);
}

static inline JsonObject *
af_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static inline JsonArray *
af_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Any value, as json_node_get_int() reads it (a string is 0). */
static inline gint64
af_json_get_int (JsonObject *object,
                 const char *member,
                 gint64      default_value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return default_value;
  return json_node_get_int (node);
}

/* Any value, as json_node_get_double() reads it (a string is 0). */
static inline double
af_json_get_double (JsonObject *object,
                    const char *member,
                    double      default_value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return default_value;
  return json_node_get_double (node);
}

/* Any value, as json_node_get_boolean() reads it. */
static inline gboolean
af_json_get_boolean (JsonObject *object,
                     const char *member,
                     gboolean    default_value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return default_value;
  return json_node_get_boolean (node);
}

static inline JsonObject *
af_json_array_get_object (JsonArray *array,
                          guint      index)
{
  JsonNode *node = array != NULL && index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* json_node_copy() shares objects and arrays; this does not. */
JsonNode *af_json_deep_copy (JsonNode *node);

/* json_parser_load_from_data(), mostly faster (af-json-parse.c). */
JsonNode *af_json_parse (const char *data,
                         gsize       size,
                         GError    **error);
/* Its quick reader alone: NULL where it leaves the text to JsonParser. */
JsonNode *af_json_read_quick (const char *data,
                              gsize       size);

static inline const char *
af_json_array_get_string (JsonArray *array,
                          guint      index)
{
  return af_json_node_string (array != NULL && index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL, NULL);
}

/* Four hex digits at @p (a \u escape's): their value, or -1. */
static inline int
af_json_hex4 (const char *p,
              const char *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* An index of JSON text, read from the text when asked (af-json-scan.c). */
typedef enum
{
  AF_JSON_OBJECT = 1,
  AF_JSON_ARRAY,
  AF_JSON_STRING,
  AF_JSON_NUMBER,
  AF_JSON_TRUE,
  AF_JSON_FALSE,
  AF_JSON_NULL,
} AfJsonKind;

typedef struct
{
  guint8  kind;  /* AfJsonKind */
  guint8  plain; /* a string without escapes: its text is [start, end) */
  guint32 start; /* a string's first byte inside its quotes */
  guint32 end;   /* a string's closing quote; past anything else */
  guint32 next;  /* the token after this value and all inside it */
  guint32 n;     /* an object's members, an array's elements */
} AfJsonToken;

typedef struct
{
  const char  *data;
  AfJsonToken *tokens; /* an object's: name, value, name, value… */
  guint        n_tokens;
  char        *owned; /* the text, when the scan holds it */
} AfJsonScan;

AfJsonScan *af_json_scan_new (const char *data,
                              gsize       size);
AfJsonScan *af_json_scan_parse (const char *data,
                                gsize       size,
                                GError    **error);
void        af_json_scan_free (AfJsonScan *scan);
int         af_json_scan_member (const AfJsonScan *scan,
                                 int               object,
                                 const char       *name);
int         af_json_scan_element (const AfJsonScan *scan,
                                  int               array,
                                  guint             index);
char       *af_json_scan_dup_string (const AfJsonScan *scan,
                                     int               i);
JsonNode   *af_json_scan_to_node (const AfJsonScan *scan,
                                  int               i);

/* The elements of the array at @i; 0 for anything else. An array's
 * first element is at @i + 1, each next one at the token's next. */
static inline guint
af_json_scan_length (const AfJsonScan *scan,
                     int               i)
{
  return i >= 0 && scan->tokens[i].kind == AF_JSON_ARRAY ? scan->tokens[i].n : 0;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfJsonScan, af_json_scan_free)

G_END_DECLS
