/* fuzz-gmail-mime.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message AgentFlow sends: its headers come from mail it read (a
 * reply's From, Subject, Message-ID) or from the model. Non-ASCII goes
 * into RFC 2047 encoded-words; nothing may add a header or end the
 * header block. Input: from, to, cc, subject, in-reply-to, references,
 * body, separated by "\n--\n".
 */

#include "config.h"

#include "af-fuzz.h"
#include "af-gmail-client.h"

static void
check_headers (const char *mime)
{
  const char      *end = strstr (mime, "\r\n\r\n");
  g_autofree char *head = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert (end != NULL);
  head = g_strndup (mime, end - mime);
  lines = g_strsplit (head, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      /* A lone CR or LF would start a header of the sender's choosing. */
      g_assert (strchr (line, '\r') == NULL && strchr (line, '\n') == NULL);
      g_assert (line[0] == ' ' || line[0] == '\t' || strchr (line, ':') != NULL);
      g_assert (line[0] != '\0');
    }

  /* Only the headers AgentFlow writes, each once. */
  for (const char *const *name = (const char *const[]){ "From:", "To:", "Cc:", "Subject:", "In-Reply-To:",
                                                        "References:", "MIME-Version:", "Content-Type:",
                                                        "Content-Transfer-Encoding:", NULL };
       *name; name++)
    {
      guint n = 0;

      for (guint i = 0; lines[i] != NULL; i++)
        if (g_ascii_strncasecmp (lines[i], *name, strlen (*name)) == 0)
          n++;
      g_assert (n <= 1);
    }
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != ' ' && lines[i][0] != '\t')
      {
        static const char *const known[] = { "From:", "To:", "Cc:", "Subject:", "In-Reply-To:", "References:",
                                             "MIME-Version:", "Content-Type:", "Content-Transfer-Encoding:" };
        gboolean                 ok = FALSE;

        for (guint k = 0; k < G_N_ELEMENTS (known); k++)
          ok |= g_str_has_prefix (lines[i], known[k]);
        g_assert (ok);
      }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_auto (GStrv) f = NULL;
  AfGmailOutgoing  outgoing = { 0 };
  g_autofree char *mime = NULL;

  af_fuzz_init ();

  f = af_fuzz_split (data, size, 7);
  /* The caller hands over UTF-8: the engine's strings are valid. */
  for (guint i = 0; i < 7; i++)
    if (f[i] != NULL && !g_utf8_validate (f[i], -1, NULL))
      return 0;
  if (f[1] == NULL || f[1][0] == '\0')
    return 0;

  outgoing.from = f[0];
  outgoing.to = f[1];
  outgoing.cc = f[2];
  outgoing.subject = f[3];
  outgoing.in_reply_to = f[4];
  outgoing.references = f[5];
  outgoing.body_text = f[6];

  mime = af_gmail_build_mime (&outgoing);
  g_assert (mime != NULL);
  check_headers (mime);

  return 0;
}
