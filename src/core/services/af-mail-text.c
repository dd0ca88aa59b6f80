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
#include "af-mail-text.h"

/**
 * af_gmail_header_value:
 * @payload: a message's "payload", or one of its parts
 *
 * Returns: (nullable): the first header named @name (case-insensitive)
 */
const char *
af_gmail_header_value (JsonObject *payload,
                       const char *name)
{
  JsonArray *headers;

  headers = af_json_get_array (payload, "headers");
  for (guint i = 0; headers != NULL && i < json_array_get_length (headers); i++)
    {
      JsonObject *header = af_json_array_get_object (headers, i);
      const char *hname = af_json_get_string (header, "name", "");

      if (g_ascii_strcasecmp (hname, name) == 0)
        return af_json_get_string (header, "value", NULL);
    }

  return NULL;
}

static char *
charset_of (JsonObject *part)
{
  const char *content_type = af_gmail_header_value (part, "Content-Type");
  const char *p;
  GString    *charset;

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
part_text (JsonObject *part)
{
  JsonObject *body;
  const char *data;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *charset = NULL;
  const char      *raw;
  gsize            length;
  char            *text;

  body = af_json_get_object (part, "body");
  data = af_json_get_string (body, "data", NULL);
  if (data == NULL)
    return NULL;

  /* Gmail sends padded base64url; a malformed body reads as empty. */
  bytes = af_base64url_decode (data, -1, TRUE);
  if (bytes == NULL)
    bytes = g_bytes_new (NULL, 0);
  raw = g_bytes_get_data (bytes, &length);
  charset = charset_of (part);

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

static JsonObject *
find_part (JsonObject *part,
           const char *mime_type)
{
  const char *type;
  JsonArray  *parts;

  if (part == NULL)
    return NULL;

  type = af_json_get_string (part, "mimeType", "");

  if (g_ascii_strcasecmp (type, mime_type) == 0)
    {
      const char *disposition = af_gmail_header_value (part, "Content-Disposition");

      if (disposition == NULL || !g_str_has_prefix (disposition, "attachment"))
        return part;
    }

  parts = af_json_get_array (part, "parts");
  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      JsonObject *found = find_part (af_json_array_get_object (parts, i), mime_type);

      if (found != NULL)
        return found;
    }

  return NULL;
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
 * @payload: a message's "payload" (format=full)
 *
 * Returns: (transfer full) (nullable): the text/plain part, else the
 *   text/html part as text, decoded from base64url and its charset
 */
char *
af_gmail_payload_to_text (JsonObject *payload)
{
  JsonObject *part;

  g_return_val_if_fail (payload != NULL, NULL);

  if ((part = find_part (payload, "text/plain")) != NULL)
    return part_text (part);

  if ((part = find_part (payload, "text/html")) != NULL)
    {
      g_autofree char *html = part_text (part);

      return html != NULL ? af_gmail_html_to_text (html) : NULL;
    }

  return NULL;
}
