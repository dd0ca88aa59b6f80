/* af-mail-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading a Gmail message's payload as text: its headers, its text/plain
 * part, or its text/html part turned into text.
 */

#define G_LOG_DOMAIN "af-mail-text"

#include "config.h"

#include <string.h>

#include "af-base64url.h"
#include "af-json-private.h"
#include "af-gmail-client-private.h"
#include "af-mail-text.h"

/**
 * af_gmail_headers_read:
 * @scan: the index of a message's text (af-json-scan.c)
 * @part: the token of its payload, or of one of its parts
 * @names: the headers wanted
 * @values: (out caller-allocates) (array length=n_names): for each name,
 *   the value of the first header of that name (any case), or %NULL (also
 *   when that first header's value is no string)
 *
 * In one pass over the headers, however many are wanted.
 */
void
af_gmail_headers_read (const AfJsonScan  *scan,
                       int                part,
                       const char *const *names,
                       char             **values,
                       guint              n_names)
{
  int   list = af_json_scan_member (scan, part, "headers");
  guint found = 0;

  g_return_if_fail (n_names <= 32);

  for (guint k = 0; k < n_names; k++)
    values[k] = NULL;
  for (guint i = 0, h = list + 1; i < af_json_scan_length (scan, list) && found != (1ull << n_names) - 1;
       i++, h = scan->tokens[h].next)
    {
      g_autofree char *name = af_json_scan_dup_string (scan, af_json_scan_member (scan, h, "name"));

      for (guint k = 0; name != NULL && k < n_names; k++)
        if (!(found & (1u << k)) && g_ascii_strcasecmp (name, names[k]) == 0)
          {
            values[k] = af_json_scan_dup_string (scan, af_json_scan_member (scan, h, "value"));
            found |= 1u << k;
            break;
          }
    }
}

static char *
header_value (const AfJsonScan *scan,
              int               part,
              const char       *name)
{
  char *value[1] = { NULL };

  af_gmail_headers_read (scan, part, &name, value, 1);
  return value[0];
}

static char *
charset_of (const AfJsonScan *scan,
            int               part)
{
  g_autofree char *content_type = header_value (scan, part, "Content-Type");
  const char      *p;
  GString         *charset;

  if (content_type == NULL || (p = strstr (content_type, "charset=")) == NULL)
    return g_strdup ("UTF-8");

  p += strlen ("charset=");
  if (*p == '"')
    p++;
  charset = g_string_new (NULL);
  for (; *p && *p != '"' && *p != ';' && !g_ascii_isspace (*p); p++)
    g_string_append_c (charset, *p);

  return g_string_free (charset, FALSE);
}

static char *
part_text (const AfJsonScan *scan,
           int               part)
{
  int              body = af_json_scan_member (scan, part, "body");
  g_autofree char *data = af_json_scan_dup_string (scan, af_json_scan_member (scan, body, "data"));
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *charset = NULL;
  const char      *raw;
  gsize            length;
  char            *text;

  if (data == NULL)
    return NULL;

  /* Gmail sends padded base64url; a malformed body reads as empty. */
  bytes = af_base64url_decode (data, -1, TRUE);
  if (bytes == NULL)
    bytes = g_bytes_new (NULL, 0);
  raw = g_bytes_get_data (bytes, &length);
  charset = charset_of (scan, part);

  if (g_ascii_strcasecmp (charset, "UTF-8") == 0 || g_ascii_strcasecmp (charset, "us-ascii") == 0)
    text = g_utf8_make_valid (raw ? raw : "", length);
  else
    {
      text = g_convert (raw ? raw : "", length, "UTF-8", charset, NULL, NULL, NULL);
      if (text == NULL)
        text = g_utf8_make_valid (raw ? raw : "", length);
    }

  return text;
}

/* The first part of type @mime_type that is no attachment, depth first:
 * @part itself, or one inside its "parts"; -1 when there is none. */
static int
find_part (const AfJsonScan *scan,
           int               part,
           const char       *mime_type)
{
  g_autofree char *type = NULL;
  int              parts;

  if (part < 0 || scan->tokens[part].kind != AF_JSON_OBJECT)
    return -1;

  type = af_json_scan_dup_string (scan, af_json_scan_member (scan, part, "mimeType"));
  if (type != NULL && g_ascii_strcasecmp (type, mime_type) == 0)
    {
      g_autofree char *disposition = header_value (scan, part, "Content-Disposition");

      if (disposition == NULL || !g_str_has_prefix (disposition, "attachment"))
        return part;
    }

  parts = af_json_scan_member (scan, part, "parts");
  for (guint i = 0, p = parts + 1; i < af_json_scan_length (scan, parts); i++, p = scan->tokens[p].next)
    {
      int found = find_part (scan, p, mime_type);

      if (found >= 0)
        return found;
    }

  return -1;
}

static void
append_entity (GString    *out,
               const char *entity,
               gsize       length)
{
  static const struct
  {
    const char *name;
    const char *text;
  } entities[] = {
    { "amp", "&" },
    { "lt", "<" },
    { "gt", ">" },
    { "quot", "\"" },
    { "apos", "'" },
    { "nbsp", " " },
  };

  if (length > 1 && entity[0] == '#')
    {
      gunichar c = (entity[1] == 'x' || entity[1] == 'X')
                       ? (gunichar)g_ascii_strtoull (entity + 2, NULL, 16)
                       : (gunichar)g_ascii_strtoull (entity + 1, NULL, 10);

      if (g_unichar_validate (c) && c != 0)
        g_string_append_unichar (out, c);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (strlen (entities[i].name) == length && strncmp (entities[i].name, entity, length) == 0)
      {
        g_string_append (out, entities[i].text);
        return;
      }

  g_string_append_c (out, '&');
  g_string_append_len (out, entity, length);
  g_string_append_c (out, ';');
}

/**
 * af_gmail_html_to_text:
 *
 * A reading of an HTML mail as text: block elements become line breaks,
 * scripts and styles vanish, entities are decoded, spaces collapse.
 *
 * Returns: (transfer full): the text
 */
char *
af_gmail_html_to_text (const char *html)
{
  GString *out;
  gboolean space = FALSE;

  g_return_val_if_fail (html != NULL, NULL);

  out = g_string_new (NULL);
  for (const char *p = html; *p;)
    {
      if (*p == '<')
        {
          const char      *end = strchr (p, '>');
          g_autofree char *tag = NULL;
          char            *name;

          if (end == NULL)
            break;
          tag = g_ascii_strdown (p + 1, end - p - 1);
          name = tag + (tag[0] == '/' ? 1 : 0);
          name[strcspn (name, " \t\r\n/")] = '\0';

          if (tag[0] != '/' && (g_str_equal (name, "script") || g_str_equal (name, "style") || g_str_equal (name, "head")))
            {
              g_autofree char *close = g_strdup_printf ("</%s", name);
              const char      *q = end;

              while ((q = strchr (q + 1, '<')) != NULL && g_ascii_strncasecmp (q, close, strlen (close)) != 0)
                ;
              if (q == NULL)
                break;
              end = strchr (q, '>');
              if (end == NULL)
                break;
            }
          else if (g_str_equal (name, "br") || g_str_equal (name, "p") || g_str_equal (name, "div") ||
                   g_str_equal (name, "tr") || g_str_equal (name, "li") || g_str_equal (name, "h1") ||
                   g_str_equal (name, "h2") || g_str_equal (name, "h3") || g_str_equal (name, "table"))
            {
              while (out->len > 0 && out->str[out->len - 1] == ' ')
                g_string_truncate (out, out->len - 1);
              if (out->len > 0 && !(out->len > 1 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n'))
                g_string_append_c (out, '\n');
              if (g_str_equal (name, "li") && tag[0] != '/')
                g_string_append (out, "• ");
              space = FALSE;
            }
          p = end + 1;
        }
      else if (*p == '&')
        {
          const char *semi = strchr (p, ';');

          if (semi != NULL && semi - p <= 10)
            {
              if (space)
                g_string_append_c (out, ' ');
              space = FALSE;
              append_entity (out, p + 1, semi - p - 1);
              p = semi + 1;
            }
          else
            {
              g_string_append_c (out, '&');
              p++;
            }
        }
      else if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != '\n')
            space = TRUE;
          p++;
        }
      else
        {
          if (space)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, *p);
          p++;
        }
    }

  while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

/**
 * af_gmail_payload_to_text:
 * @scan: the index of a message's text (format=full)
 * @payload: the token of its "payload"
 *
 * Read from the text where it is, without a tree of the parts: a
 * message's top part carries dozens of headers none of this reads.
 *
 * Returns: (transfer full) (nullable): the text/plain part, else (none,
 *   or one without data) the text/html part as text, decoded from
 *   base64url and its charset
 */
char *
af_gmail_payload_to_text (const AfJsonScan *scan,
                          int               payload)
{
  int   part;
  char *text;

  g_return_val_if_fail (scan != NULL, NULL);

  /* A text/plain part without data (an empty alternative) gives way. */
  if ((part = find_part (scan, payload, "text/plain")) >= 0 && (text = part_text (scan, part)) != NULL)
    return text;

  if ((part = find_part (scan, payload, "text/html")) >= 0)
    {
      g_autofree char *html = part_text (scan, part);

      return html != NULL ? af_gmail_html_to_text (html) : NULL;
    }

  return NULL;
}
