/* af-json-parse.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading service answers into json-glib's nodes, faster than
 * JsonParser. A mail run reads thousands of Gmail messages, and
 * JsonParser's scanner, which looks at one character at a time and
 * emits signals as it builds, was most of the CPU time that reading took.
 * This reader builds the same tree in one pass over the text (RFC 8259)
 * and leaves to JsonParser whatever it is not sure to read exactly as
 * JsonParser does: a number with a fraction or an exponent, a member
 * named twice, a lone surrogate, text that is not UTF-8, anything not
 * JSON. Those answers then read (or fail to) exactly as before.
 */

#define G_LOG_DOMAIN "af-json"

#include "config.h"

#include <string.h>

#include "af-json-private.h"

/* Deeper than any answer of the services; JsonParser reads the rest. */
#define MAX_DEPTH 64

typedef struct
{
  const char *p;
  const char *end;
  GString    *text; /* the string being read, reused */
  guint       depth;
} Reader;

static JsonNode *read_value (Reader *r);

static inline void
skip_space (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

/* After a '"': the string, up to its closing '"', into r->text; %FALSE
 * when it is not one this reader is sure of. */
static gboolean
read_string (Reader *r)
{
  g_string_truncate (r->text, 0);
  for (;;)
    {
      const char *start = r->p;

      /* A run without quote, escape or control character, copied as one. */
      while (r->p < r->end && *r->p != '"' && *r->p != '\\' && (guchar)*r->p >= 0x20)
        r->p++;
      if (r->p > start)
        {
          if (!g_utf8_validate_len (start, r->p - start, NULL))
            return FALSE;
          g_string_append_len (r->text, start, r->p - start);
        }
      if (r->p >= r->end || (guchar)*r->p < 0x20)
        return FALSE;
      if (*r->p == '"')
        {
          r->p++;
          return TRUE;
        }

      /* An escape. */
      if (r->end - r->p < 2)
        return FALSE;
      switch (r->p[1])
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (r->text, r->p[1]);
          r->p += 2;
          break;
        case 'b':
          g_string_append_c (r->text, '\b');
          r->p += 2;
          break;
        case 'f':
          g_string_append_c (r->text, '\f');
          r->p += 2;
          break;
        case 'n':
          g_string_append_c (r->text, '\n');
          r->p += 2;
          break;
        case 'r':
          g_string_append_c (r->text, '\r');
          r->p += 2;
          break;
        case 't':
          g_string_append_c (r->text, '\t');
          r->p += 2;
          break;
        case 'u':
          {
            int      unit = af_json_hex4 (r->p + 2, r->end);
            gunichar c;

            if (unit < 0)
              return FALSE;
            r->p += 6;
            if (unit >= 0xdc00 && unit <= 0xdfff)
              return FALSE;
            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                int low;

                /* Only as a pair: a lone one JsonParser reads its way. */
                if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
                  return FALSE;
                low = af_json_hex4 (r->p + 2, r->end);
                if (low < 0xdc00 || low > 0xdfff)
                  return FALSE;
                r->p += 6;
                c = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
              }
            else
              c = unit;
            /* NUL would end the string early, as JsonParser's does not. */
            if (c == 0)
              return FALSE;
            g_string_append_unichar (r->text, c);
          }
          break;
        default:
          return FALSE;
        }
    }
}

/* An integer: -?(0|[1-9][0-9]*), at most 18 digits, so that it is the
 * gint64 JsonParser reads; anything else is left to it. */
static JsonNode *
read_number (Reader *r)
{
  gboolean negative = FALSE;
  gint64   value = 0;
  guint    digits = 0;

  if (*r->p == '-')
    {
      negative = TRUE;
      r->p++;
    }
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return NULL;
  if (*r->p == '0')
    {
      r->p++;
      digits = 1;
    }
  else
    for (; r->p < r->end && g_ascii_isdigit (*r->p); r->p++)
      {
        if (++digits > 18)
          return NULL;
        value = value * 10 + (*r->p - '0');
      }
  if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E' || g_ascii_isdigit (*r->p)))
    return NULL;
  return json_node_init_int (json_node_alloc (), negative ? -value : value);
}

static gboolean
read_word (Reader     *r,
           const char *word)
{
  gsize length = strlen (word);

  if ((gsize)(r->end - r->p) < length || memcmp (r->p, word, length) != 0)
    return FALSE;
  r->p += length;
  return TRUE;
}

static JsonNode *
read_object (Reader *r)
{
  g_autoptr (JsonObject) object = json_object_new ();

  skip_space (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      return json_node_init_object (json_node_alloc (), object);
    }
  for (;;)
    {
      g_autofree char *name = NULL;
      JsonNode        *member;

      if (r->p >= r->end || *r->p != '"')
        return NULL;
      r->p++;
      if (!read_string (r))
        return NULL;
      /* A member named twice, or without a name: JsonParser's way. */
      if (r->text->len == 0 || json_object_has_member (object, r->text->str))
        return NULL;
      name = g_strndup (r->text->str, r->text->len);
      skip_space (r);
      if (r->p >= r->end || *r->p != ':')
        return NULL;
      r->p++;
      skip_space (r);
      if ((member = read_value (r)) == NULL)
        return NULL;
      json_object_set_member (object, name, member);
      skip_space (r);
      if (r->p >= r->end)
        return NULL;
      if (*r->p == '}')
        {
          r->p++;
          return json_node_init_object (json_node_alloc (), object);
        }
      if (*r->p != ',')
        return NULL;
      r->p++;
      skip_space (r);
    }
}

static JsonNode *
read_array (Reader *r)
{
  g_autoptr (JsonArray) array = json_array_new ();

  skip_space (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      return json_node_init_array (json_node_alloc (), array);
    }
  for (;;)
    {
      JsonNode *element = read_value (r);

      if (element == NULL)
        return NULL;
      json_array_add_element (array, element);
      skip_space (r);
      if (r->p >= r->end)
        return NULL;
      if (*r->p == ']')
        {
          r->p++;
          return json_node_init_array (json_node_alloc (), array);
        }
      if (*r->p != ',')
        return NULL;
      r->p++;
      skip_space (r);
    }
}

/* A value at r->p (no space before it); NULL when it is not one this
 * reader is sure of. */
static JsonNode *
read_value (Reader *r)
{
  JsonNode *node = NULL;

  if (r->p >= r->end)
    return NULL;
  switch (*r->p)
    {
    case '{':
    case '[':
      if (++r->depth > MAX_DEPTH)
        return NULL;
      r->p++;
      node = r->p[-1] == '{' ? read_object (r) : read_array (r);
      r->depth--;
      return node;
    case '"':
      r->p++;
      if (!read_string (r))
        return NULL;
      return json_node_init_string (json_node_alloc (), r->text->str);
    case 't':
      return read_word (r, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return read_word (r, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return read_word (r, "null") ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      return read_number (r);
    }
}

/**
 * af_json_read_quick:
 * @data: (array length=size): JSON text
 *
 * Returns: (transfer full) (nullable): the tree of @data when it is one
 *   object or array this reader is sure to read as JsonParser would;
 *   else %NULL
 */
JsonNode *
af_json_read_quick (const char *data,
                    gsize       size)
{
  Reader    r = { data, data + size, NULL, 0 };
  JsonNode *root;

  skip_space (&r);
  if (r.p >= r.end || (*r.p != '{' && *r.p != '['))
    return NULL;
  r.text = g_string_sized_new (256);
  root = read_value (&r);
  g_string_free (r.text, TRUE);
  if (root == NULL)
    return NULL;
  skip_space (&r);
  if (r.p != r.end)
    {
      json_node_unref (root);
      return NULL;
    }
  return root;
}

/**
 * af_json_parse:
 * @data: (array length=size): JSON text
 *
 * Reads @data as json_parser_load_from_data() does, into the same tree,
 * and mostly faster (see above).
 *
 * Returns: (transfer full) (nullable): the root, or %NULL with @error set
 *   when JsonParser could not read it
 */
JsonNode *
af_json_parse (const char *data,
               gsize       size,
               GError    **error)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (data != NULL && (root = af_json_read_quick (data, size)) != NULL)
    return root;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data != NULL ? data : "", size, error))
    return NULL;
  root = json_parser_steal_root (parser);
  if (root == NULL)
    g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "The text holds no JSON value");
  return root;
}
