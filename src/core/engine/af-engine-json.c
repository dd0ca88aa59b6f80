/* af-engine-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <string.h>

#include "af-engine-private.h"

/* JSON text as json_to_string (node, FALSE) writes it, byte for byte
 * (idempotency keys are hashes of it), without its generator's per
 * character appends: rows and outbox entries are written by the
 * thousand. Strings escape as json-glib 1.6 does, its quirks included
 * (0x1f is left, 0x7f escaped); numbers other than integers are left to
 * json-glib. */
/* g_string_append_len() without its call when there is room: most of
 * what is written is short runs. */
static inline void
append_len (GString    *out,
            const char *p,
            gsize       n)
{
  if (out->len + n < out->allocated_len)
    {
      memcpy (out->str + out->len, p, n);
      out->len += n;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_len (out, p, n);
}

/* As "%" G_GINT64_FORMAT writes it. */
static void
append_int (GString *out,
            gint64   v)
{
  char    buf[24];
  char   *end = buf + sizeof buf;
  char   *p = end;
  guint64 u = v < 0 ? -(guint64)v : (guint64)v;

  do
    {
      *--p = '0' + u % 10;
      u /= 10;
    }
  while (u != 0);
  if (v < 0)
    *--p = '-';
  append_len (out, p, end - p);
}

static void
write_json_string (GString    *out,
                   const char *s)
{
  /* The bytes json-glib escapes: control characters but 0x1f, 0x7f, the
   * quote and the backslash. */
  static const guint8 special[256] = {
    [0x01] = 1,
    [0x02] = 1,
    [0x03] = 1,
    [0x04] = 1,
    [0x05] = 1,
    [0x06] = 1,
    [0x07] = 1,
    [0x08] = 1,
    [0x09] = 1,
    [0x0a] = 1,
    [0x0b] = 1,
    [0x0c] = 1,
    [0x0d] = 1,
    [0x0e] = 1,
    [0x0f] = 1,
    [0x10] = 1,
    [0x11] = 1,
    [0x12] = 1,
    [0x13] = 1,
    [0x14] = 1,
    [0x15] = 1,
    [0x16] = 1,
    [0x17] = 1,
    [0x18] = 1,
    [0x19] = 1,
    [0x1a] = 1,
    [0x1b] = 1,
    [0x1c] = 1,
    [0x1d] = 1,
    [0x1e] = 1,
    ['"'] = 1,
    ['\\'] = 1,
    [0x7f] = 1,
    [0x00] = 1,
  };
  const char *p = s;

  g_string_append_c (out, '"');
  for (;;)
    {
      size_t n = 0;
      char   c;

      /* Runs of plain bytes go in at once; the NUL ends the last one. */
      while (!special[(guint8)p[n]])
        n++;
      append_len (out, p, n);
      p += n;
      c = *p;
      if (c == '\0')
        break;
      switch (c)
        {
        case '"':
          append_len (out, "\\\"", 2);
          break;
        case '\\':
          append_len (out, "\\\\", 2);
          break;
        case '\b':
          append_len (out, "\\b", 2);
          break;
        case '\f':
          append_len (out, "\\f", 2);
          break;
        case '\n':
          append_len (out, "\\n", 2);
          break;
        case '\r':
          append_len (out, "\\r", 2);
          break;
        case '\t':
          append_len (out, "\\t", 2);
          break;
        default:
          g_string_append_printf (out, "\\u00%.2x", (guint)c);
        }
      p++;
    }
  g_string_append_c (out, '"');
}

static void write_json (GString  *out,
                        JsonNode *node);

/* @o's members in their order, but the one named @skip (or none). */
static void
write_object (GString    *out,
              JsonObject *o,
              const char *skip)
{
  JsonObjectIter iter;
  const char    *key;
  JsonNode      *member;
  gboolean       first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, o);
  while (json_object_iter_next_ordered (&iter, &key, &member))
    {
      if (skip != NULL && strcmp (key, skip) == 0)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      write_json_string (out, key);
      g_string_append_c (out, ':');
      write_json (out, member);
    }
  g_string_append_c (out, '}');
}

static void
write_json (GString  *out,
            JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      write_object (out, json_node_get_object (node), NULL);
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (a); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_json (out, json_array_get_element (a, i));
          }
        g_string_append_c (out, ']');
        break;
      }
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          append_int (out, json_node_get_int (node));
          break;
        case G_TYPE_BOOLEAN:
          if (json_node_get_boolean (node))
            append_len (out, "true", 4);
          else
            append_len (out, "false", 5);
          break;
        case G_TYPE_STRING:
          {
            const char *text = json_node_get_string (node);

            if (text != NULL)
              {
                write_json_string (out, text);
                break;
              }
          }
          G_GNUC_FALLTHROUGH;
        default:
          {
            g_autofree char *text = json_to_string (node, FALSE);

            g_string_append (out, text);
          }
        }
      break;
    }
}

/* ,"@key": into an object's text being written (no comma before the
 * first member: @out ends with '{'). */
static void
begin_member (GString    *out,
              const char *key)
{
  if (out->len > 0 && out->str[out->len - 1] != '{')
    g_string_append_c (out, ',');
  write_json_string (out, key);
  g_string_append_c (out, ':');
}

/* Appends ,"@key":"@value" to an object's text being written, escaped as
 * af_engine_node_to_text() escapes. */
void
af_engine_json_append_member (GString    *out,
                              const char *key,
                              const char *value)
{
  begin_member (out, key);
  write_json_string (out, value);
}

/* af_engine_json_append_member() of a number. */
void
af_engine_json_append_int_member (GString    *out,
                                  const char *key,
                                  gint64      value)
{
  begin_member (out, key);
  append_int (out, value);
}

/* (transfer full): @node as JSON text, as json_to_string (node, FALSE). */
char *
af_engine_node_to_text (JsonNode *node)
{
  GString *out = g_string_sized_new (256);

  g_return_val_if_fail (node != NULL, NULL);

  write_json (out, node);
  return g_string_free (out, FALSE);
}

/**
 * af_engine_item_to_stored_text:
 * @item: an item a run read
 *
 * @item as the outbox keeps it with an action: its text as
 * af_engine_json_to_text() gives it, without its "body". An entry is done,
 * described, approved and reconciled from the item's id, thread, sender,
 * subject and headers; the mail's text is what the rules and the model
 * decide on, and is not copied to the disk once more for every action.
 *
 * Returns: (transfer full): the text
 */
char *
af_engine_item_to_stored_text (JsonObject *item)
{
  GString *out = g_string_sized_new (256);

  g_return_val_if_fail (item != NULL, NULL);

  write_object (out, item, "body");
  return g_string_free (out, FALSE);
}
