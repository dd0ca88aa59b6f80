/* af-mime-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing the RFC 5322 messages the Gmail client sends or saves as
 * drafts.
 */

#define G_LOG_DOMAIN "af-mime-writer"

#include "config.h"

#include <string.h>

#include "af-mime-writer.h"

static gboolean
is_ascii (const char *s)
{
  for (; s != NULL && *s; s++)
    if ((guchar)*s >= 0x80 || *s == '\r' || *s == '\n')
      return FALSE;
  return TRUE;
}

/* RFC 2047 encoded-words, each ≤ 75 characters, split on UTF-8
 * character boundaries. */
static void
append_encoded_words (GString    *out,
                      const char *text)
{
  const char *p = text;
  gboolean    first = TRUE;

  while (*p)
    {
      const char      *end = p;
      g_autofree char *b64 = NULL;

      /* 36 bytes → 48 base64 characters + 12 of framing: the line stays
       * under 78 even after "Subject: " */
      while (*end && end - p < 36)
        {
          const char *next = g_utf8_next_char (end);

          if (next - p > 36)
            break;
          end = next;
        }

      b64 = g_base64_encode ((const guchar *)p, end - p);
      if (!first)
        g_string_append (out, "\r\n ");
      g_string_append_printf (out, "=?UTF-8?B?%s?=", b64);
      first = FALSE;
      p = end;
    }
}

static void
append_header (GString    *out,
               const char *name,
               const char *value)
{
  if (value == NULL || *value == '\0')
    return;

  g_string_append_printf (out, "%s: ", name);
  if (is_ascii (value))
    g_string_append (out, value);
  else
    append_encoded_words (out, value);
  g_string_append (out, "\r\n");
}

/* Only display names may be encoded, never the address itself. */
static void
append_address_header (GString    *out,
                       const char *name,
                       const char *value)
{
  g_auto (GStrv) addresses = NULL;

  if (value == NULL || *value == '\0')
    return;

  if (is_ascii (value))
    {
      append_header (out, name, value);
      return;
    }

  addresses = g_strsplit (value, ",", -1);
  g_string_append_printf (out, "%s: ", name);
  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autofree char *address = g_strstrip (g_strdelimit (g_strdup (addresses[i]), "\r\n", ' '));
      char            *lt = strchr (address, '<');

      if (i > 0)
        g_string_append (out, ",\r\n ");

      if (lt != NULL && !is_ascii (address))
        {
          g_autofree char *display = g_strstrip (g_strndup (address, lt - address));

          if (display[0] == '"' && strlen (display) >= 2 && display[strlen (display) - 1] == '"')
            {
              display[strlen (display) - 1] = '\0';
              memmove (display, display + 1, strlen (display));
            }
          append_encoded_words (out, display);
          g_string_append_printf (out, " %s", lt);
        }
      else
        g_string_append (out, address);
    }
  g_string_append (out, "\r\n");
}

/**
 * af_gmail_build_mime:
 *
 * Builds an RFC 5322 message: RFC 2047 encoded non-ASCII headers, a UTF-8
 * text/plain body in base64, and the threading headers of a reply.
 *
 * Returns: (transfer full): the message, CRLF line ends
 */
char *
af_gmail_build_mime (const AfGmailOutgoing *outgoing)
{
  GString         *out;
  g_autofree char *body = NULL;
  const char      *text;
  gsize            length;

  g_return_val_if_fail (outgoing != NULL, NULL);
  g_return_val_if_fail (outgoing->to != NULL, NULL);

  out = g_string_new (NULL);
  append_address_header (out, "From", outgoing->from);
  append_address_header (out, "To", outgoing->to);
  append_address_header (out, "Cc", outgoing->cc);
  append_header (out, "Subject", outgoing->subject ? outgoing->subject : "");
  append_header (out, "Message-ID", outgoing->message_id);
  append_header (out, "In-Reply-To", outgoing->in_reply_to);
  append_header (out, "References", outgoing->references);
  g_string_append (out, "MIME-Version: 1.0\r\n");
  g_string_append (out, "Content-Type: text/plain; charset=\"UTF-8\"\r\n");
  g_string_append (out, "Content-Transfer-Encoding: base64\r\n\r\n");

  text = outgoing->body_text ? outgoing->body_text : "";
  length = strlen (text);
  body = g_base64_encode ((const guchar *)text, length);
  for (gsize i = 0, n = strlen (body); i < n; i += 76)
    {
      g_string_append_len (out, body + i, MIN (76, n - i));
      g_string_append (out, "\r\n");
    }

  return g_string_free (out, FALSE);
}

/**
 * af_gmail_message_id_for_key:
 * @key: an idempotency key
 *
 * The same key always gives the same Message-ID, so a mail sent (or a
 * draft saved) for an action can be looked up by it later.
 *
 * Returns: (transfer full): "<hex@agentflow>"
 */
char *
af_gmail_message_id_for_key (const char *key)
{
  g_autofree char *digest = NULL;

  g_return_val_if_fail (key != NULL, NULL);

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  return g_strdup_printf ("<%s@agentflow>", digest);
}
