/* af-json-scan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An index of JSON text (RFC 8259): one pass marks where each value
 * starts and ends, into one array, and the values a reader asks for are
 * read from the text then. Building json-glib's tree makes a hash table
 * for every object and copies every string; a users.history.list page is
 * 2,500 objects of which a mail sync reads two strings each, a Gmail
 * message a few dozen of which it reads a dozen strings. The scan checks
 * the whole text as JSON all the same (its structure, its strings' UTF-8
 * and escapes, its numbers' form), so an answer the index takes is one
 * JsonParser would read; what it does not take, af_json_scan_parse()
 * has JsonParser read, and indexes json-glib's writing of that.
 */

#define G_LOG_DOMAIN "af-json"

#include "config.h"

#include <string.h>

#include "af-json-private.h"

/* JsonParser reads any depth, and a mail's MIME parts may nest deep (two
 * levels each): an index that refused a message JsonParser reads would
 * leave it unread for good. Deeper than this, neither is read. */
#define MAX_DEPTH 2048

typedef struct
{
  const char *base;
  const char *p;
  const char *end;
  GArray     *tokens;
  guint       depth;
} Scanner;

static gboolean scan_value (Scanner *s);

static inline void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static guint
push (Scanner    *s,
      AfJsonKind  kind,
      const char *start)
{
  AfJsonToken token = { 0 };

  token.kind = kind;
  token.start = start - s->base;
  g_array_append_val (s->tokens, token);
  return s->tokens->len - 1;
}

static inline AfJsonToken *
token_at (Scanner *s,
          guint    i)
{
  return &g_array_index (s->tokens, AfJsonToken, i);
}

/* After a '"': up to and past its closing '"'. Escapes are checked (their
 * form, surrogates in pairs); what they stand for is read when asked for. */
static gboolean
scan_string (Scanner *s)
{
  guint    index = push (s, AF_JSON_STRING, s->p);
  gboolean plain = TRUE;

  for (;;)
    {
      const char *start = s->p;

      while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (guchar)*s->p >= 0x20)
        s->p++;
      if (s->p > start && !g_utf8_validate_len (start, s->p - start, NULL))
        return FALSE;
      if (s->p >= s->end || (guchar)*s->p < 0x20)
        return FALSE;
      if (*s->p == '"')
        break;
      /* An escape. */
      plain = FALSE;
      if (s->end - s->p < 2)
        return FALSE;
      if (s->p[1] == 'u')
        {
          int unit = af_json_hex4 (s->p + 2, s->end);

          /* A surrogate only as a pair, as JsonParser reads it. */
          if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff))
            return FALSE;
          s->p += 6;
          if (unit >= 0xd800 && unit <= 0xdbff)
            {
              int low = s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u' ? af_json_hex4 (s->p + 2, s->end) : -1;

              if (low < 0xdc00 || low > 0xdfff)
                return FALSE;
              s->p += 6;
            }
        }
      else if (strchr ("\"\\/bfnrt", s->p[1]) != NULL && s->p[1] != '\0')
        s->p += 2;
      else
        return FALSE;
    }
  token_at (s, index)->end = s->p - s->base;
  token_at (s, index)->plain = plain;
  token_at (s, index)->next = index + 1;
  s->p++;
  return TRUE;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static gboolean
scan_number (Scanner *s)
{
  guint index = push (s, AF_JSON_NUMBER, s->p);

  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return FALSE;
  if (*s->p == '0')
    s->p++;
  else
    while (s->p < s->end && g_ascii_isdigit (*s->p))
      s->p++;
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return FALSE;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return FALSE;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }
  token_at (s, index)->end = s->p - s->base;
  token_at (s, index)->next = index + 1;
  return TRUE;
}

static gboolean
scan_word (Scanner    *s,
           AfJsonKind  kind,
           const char *word)
{
  gsize length = strlen (word);
  guint index;

  if ((gsize)(s->end - s->p) < length || memcmp (s->p, word, length) != 0)
    return FALSE;
  index = push (s, kind, s->p);
  s->p += length;
  token_at (s, index)->end = s->p - s->base;
  token_at (s, index)->next = index + 1;
  return TRUE;
}

/* After a '{' or a '[': the members (a name, then its value) or the
 * elements, up to and past the closing bracket. */
static gboolean
scan_container (Scanner *s,
                gboolean object)
{
  guint index = push (s, object ? AF_JSON_OBJECT : AF_JSON_ARRAY, s->p - 1);
  char  close = object ? '}' : ']';
  guint n = 0;

  if (++s->depth > MAX_DEPTH)
    return FALSE;
  skip_space (s);
  if (s->p < s->end && *s->p == close)
    s->p++;
  else
    for (;;)
      {
        if (object)
          {
            if (s->p >= s->end || *s->p != '"')
              return FALSE;
            s->p++;
            if (!scan_string (s))
              return FALSE;
            skip_space (s);
            if (s->p >= s->end || *s->p != ':')
              return FALSE;
            s->p++;
            skip_space (s);
          }
        if (!scan_value (s))
          return FALSE;
        n++;
        skip_space (s);
        if (s->p >= s->end)
          return FALSE;
        if (*s->p == close)
          {
            s->p++;
            break;
          }
        if (*s->p != ',')
          return FALSE;
        s->p++;
        skip_space (s);
      }
  s->depth--;
  token_at (s, index)->end = s->p - s->base;
  token_at (s, index)->n = n;
  token_at (s, index)->next = s->tokens->len;
  return TRUE;
}

/* A value at s->p (no space before it). */
static gboolean
scan_value (Scanner *s)
{
  if (s->p >= s->end)
    return FALSE;
  switch (*s->p)
    {
    case '{':
    case '[':
      s->p++;
      return scan_container (s, s->p[-1] == '{');
    case '"':
      s->p++;
      return scan_string (s);
    case 't':
      return scan_word (s, AF_JSON_TRUE, "true");
    case 'f':
      return scan_word (s, AF_JSON_FALSE, "false");
    case 'n':
      return scan_word (s, AF_JSON_NULL, "null");
    default:
      return scan_number (s);
    }
}

/**
 * af_json_scan_new:
 * @data: (array length=size): JSON text, which must outlive the scan
 *
 * Returns: (transfer full) (nullable): the index of @data when it is one
 *   object or array, and nothing but space after it; else %NULL
 */
AfJsonScan *
af_json_scan_new (const char *data,
                  gsize       size)
{
  Scanner     s = { data, data, data + size, NULL, 0 };
  AfJsonScan *scan;

  if (data == NULL || size >= G_MAXUINT32)
    return NULL;
  skip_space (&s);
  if (s.p >= s.end || (*s.p != '{' && *s.p != '['))
    return NULL;
  /* About one value in 24 bytes of a Gmail answer. */
  s.tokens = g_array_sized_new (FALSE, FALSE, sizeof (AfJsonToken), size / 24 + 16);
  if (!scan_value (&s) || (skip_space (&s), s.p != s.end))
    {
      g_array_unref (s.tokens);
      return NULL;
    }
  scan = g_new0 (AfJsonScan, 1);
  scan->data = data;
  scan->tokens = (AfJsonToken *)(gpointer)s.tokens->data;
  scan->n_tokens = s.tokens->len;
  g_array_free (s.tokens, FALSE);
  return scan;
}

/* @text (json-glib's writing, consumed) with every control character
 * written as \u00XX; %NULL when it has none. JsonParser takes them raw
 * inside strings, and json-glib 1.6 writes U+001F back raw (seen with
 * Debian 12's: it escapes those below it), which RFC 8259 and the scan
 * do not take. Written without spaces, the text has them only in its
 * strings. */
static char *
escape_controls (char *text)
{
  GString *out;

  if (text == NULL || strpbrk (text, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
                                     "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f") == NULL)
    {
      g_free (text);
      return NULL;
    }
  out = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar)*p < 0x20)
      g_string_append_printf (out, "\\u%04x", (guchar)*p);
    else
      g_string_append_c (out, *p);
  g_free (text);
  return g_string_free (out, FALSE);
}

/**
 * af_json_scan_parse:
 * @data: (array length=size): JSON text, which must outlive the scan
 *
 * af_json_scan_new(), or where the scan does not take @data (what JsonParser
 * reads beyond RFC 8259: comments, single quotes, a byte-order mark), of
 * @data as JsonParser reads it, written again by json-glib: one reader of
 * an answer, whichever way it came.
 *
 * Returns: (transfer full) (nullable): the index, or %NULL with @error
 */
AfJsonScan *
af_json_scan_parse (const char *data,
                    gsize       size,
                    GError    **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  AfJsonScan      *scan;

  if ((scan = af_json_scan_new (data, size)) != NULL)
    return scan;
  if ((root = af_json_parse (data, size, error)) == NULL)
    return NULL;
  text = json_to_string (root, FALSE);
  if ((scan = af_json_scan_new (text, strlen (text))) == NULL && (text = escape_controls (text)) != NULL)
    scan = af_json_scan_new (text, strlen (text));
  if (scan == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA, "The text is not UTF-8");
      return NULL;
    }
  scan->owned = g_steal_pointer (&text);
  return scan;
}

void
af_json_scan_free (AfJsonScan *scan)
{
  if (scan == NULL)
    return;
  g_free (scan->tokens);
  g_free (scan->owned);
  g_free (scan);
}

/* Whether the string token @i is @name, as a member's name. */
static gboolean
string_is (const AfJsonScan *scan,
           guint             i,
           const char       *name,
           gsize             length)
{
  const AfJsonToken *t = &scan->tokens[i];

  if (t->plain)
    return t->end - t->start == length && memcmp (scan->data + t->start, name, length) == 0;
  {
    g_autofree char *text = af_json_scan_dup_string (scan, i);

    return text != NULL && strcmp (text, name) == 0;
  }
}

/**
 * af_json_scan_member:
 * @object: the index of an object's token (or of anything else)
 *
 * Returns: the index of the value of @object's member @name (the last one
 *   of that name, as JsonParser keeps it), or -1
 */
int
af_json_scan_member (const AfJsonScan *scan,
                     int               object,
                     const char       *name)
{
  gsize length = strlen (name);
  int   found = -1;
  guint key;

  if (object < 0 || scan->tokens[object].kind != AF_JSON_OBJECT)
    return -1;
  key = object + 1;
  for (guint n = 0; n < scan->tokens[object].n; n++)
    {
      if (string_is (scan, key, name, length))
        found = key + 1;
      key = scan->tokens[key + 1].next;
    }
  return found;
}

/**
 * af_json_scan_element:
 *
 * Returns: the index of @array's element @index, or -1
 */
int
af_json_scan_element (const AfJsonScan *scan,
                      int               array,
                      guint             index)
{
  guint i;

  if (array < 0 || scan->tokens[array].kind != AF_JSON_ARRAY || index >= scan->tokens[array].n)
    return -1;
  i = array + 1;
  while (index-- > 0)
    i = scan->tokens[i].next;
  return i;
}

/**
 * af_json_scan_dup_string:
 * @i: a token's index (or -1)
 *
 * The text of a string value, unescaped; %NULL for anything else, and for
 * a string that holds a NUL (which would end it early).
 *
 * Returns: (transfer full) (nullable): the string
 */
char *
af_json_scan_dup_string (const AfJsonScan *scan,
                         int               i)
{
  const AfJsonToken *t;
  const char        *p, *end;
  GString           *out;

  if (i < 0 || scan->tokens[i].kind != AF_JSON_STRING)
    return NULL;
  t = &scan->tokens[i];
  p = scan->data + t->start;
  end = scan->data + t->end;
  if (t->plain)
    return g_strndup (p, end - p);

  out = g_string_sized_new (end - p);
  while (p < end)
    {
      const char *run = p;
      gunichar    c;

      while (p < end && *p != '\\')
        p++;
      g_string_append_len (out, run, p - run);
      if (p >= end)
        break;
      /* The scan checked each escape's form. */
      switch (p[1])
        {
        case 'b':
          g_string_append_c (out, '\b');
          break;
        case 'f':
          g_string_append_c (out, '\f');
          break;
        case 'n':
          g_string_append_c (out, '\n');
          break;
        case 'r':
          g_string_append_c (out, '\r');
          break;
        case 't':
          g_string_append_c (out, '\t');
          break;
        case 'u':
          /* The scan took surrogates only as pairs. */
          c = af_json_hex4 (p + 2, end);
          if (c >= 0xd800 && c <= 0xdbff)
            {
              c = 0x10000 + ((c - 0xd800) << 10) + (af_json_hex4 (p + 8, end) - 0xdc00);
              p += 6;
            }
          if (c == 0)
            {
              g_string_free (out, TRUE);
              return NULL;
            }
          g_string_append_unichar (out, c);
          p += 4;
          break;
        default: /* " \ / */
          g_string_append_c (out, p[1]);
          break;
        }
      p += 2;
    }
  return g_string_free (out, FALSE);
}

/**
 * af_json_scan_to_node:
 * @i: a value's index
 *
 * What the index read, as json-glib's tree: how the tests hold it against
 * JsonParser's. A string af_json_scan_dup_string() does not read is a
 * null, and a member whose name it does not read is left out.
 *
 * Returns: (transfer full) (nullable): the value as json-glib's tree;
 *   %NULL for no value (@i is -1)
 */
JsonNode *
af_json_scan_to_node (const AfJsonScan *scan,
                      int               i)
{
  const AfJsonToken *t;

  if (i < 0)
    return NULL;
  t = &scan->tokens[i];
  switch (t->kind)
    {
    case AF_JSON_OBJECT:
      {
        g_autoptr (JsonObject) object = json_object_new ();
        guint key = i + 1;

        for (guint n = 0; n < t->n; n++, key = scan->tokens[key + 1].next)
          {
            g_autofree char *name = NULL;

            if ((name = af_json_scan_dup_string (scan, key)) == NULL)
              continue;
            json_object_set_member (object, name, af_json_scan_to_node (scan, key + 1));
          }
        return json_node_init_object (json_node_alloc (), object);
      }
    case AF_JSON_ARRAY:
      {
        g_autoptr (JsonArray) array = json_array_sized_new (t->n);

        for (guint n = 0, e = i + 1; n < t->n; n++, e = scan->tokens[e].next)
          json_array_add_element (array, af_json_scan_to_node (scan, e));
        return json_node_init_array (json_node_alloc (), array);
      }
    case AF_JSON_STRING:
      {
        g_autofree char *text = af_json_scan_dup_string (scan, i);

        /* No string, as af_json_node_string() reads such a one. */
        if (text == NULL)
          return json_node_init_null (json_node_alloc ());
        return json_node_init_string (json_node_alloc (), text);
      }
    case AF_JSON_TRUE:
    case AF_JSON_FALSE:
      return json_node_init_boolean (json_node_alloc (), t->kind == AF_JSON_TRUE);
    case AF_JSON_NULL:
      return json_node_init_null (json_node_alloc ());
    case AF_JSON_NUMBER:
    default:
      {
        g_autofree char *text = g_strndup (scan->data + t->start, t->end - t->start);
        const char      *digits = text[0] == '-' ? text + 1 : text;
        JsonNode        *node;

        /* An integer of up to 18 digits is the gint64 it says; any other
         * number, JsonParser's reading of it. */
        if (strlen (digits) <= 18 && strspn (digits, "0123456789") == strlen (digits))
          return json_node_init_int (json_node_alloc (), g_ascii_strtoll (text, NULL, 10));
        node = json_from_string (text, NULL);
        return node != NULL ? node : json_node_init_null (json_node_alloc ());
      }
    }
}
