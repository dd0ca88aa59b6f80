/* af-auth0-scopes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-auth0-scopes"

#include "config.h"

#include <glib/gi18n.h>

#include "af-auth0-scopes.h"

/* What a Google or Slack scope lets AgentFlow do, in words. Scopes that
 * only identify the person (openid, email, profile) say nothing a person
 * needs to weigh and are left out.
 *
 * Google: https://developers.google.com/identity/protocols/oauth2/scopes
 * Slack: https://api.slack.com/scopes */
static const struct
{
  const char *scope;
  const char *words;
} scope_words[] = {
  { "https://www.googleapis.com/auth/gmail.readonly", N_ ("read mail") },
  { "https://www.googleapis.com/auth/gmail.modify", N_ ("read, label and archive mail") },
  { "https://www.googleapis.com/auth/gmail.compose", N_ ("write drafts") },
  { "https://www.googleapis.com/auth/gmail.send", N_ ("send mail") },
  { "https://www.googleapis.com/auth/gmail.labels", N_ ("manage labels") },
  { "https://mail.google.com/", N_ ("full access to mail") },
  { "https://www.googleapis.com/auth/calendar.readonly", N_ ("see calendars") },
  { "https://www.googleapis.com/auth/calendar.events", N_ ("create and change events") },
  { "https://www.googleapis.com/auth/calendar.events.readonly", N_ ("see events") },
  { "https://www.googleapis.com/auth/calendar", N_ ("manage calendars") },
  { "channels:read", N_ ("list channels") },
  { "channels:history", N_ ("read channel messages") },
  { "groups:read", N_ ("list private channels") },
  { "groups:history", N_ ("read private channel messages") },
  { "im:history", N_ ("read direct messages") },
  { "im:write", N_ ("start direct messages") },
  { "users:read", N_ ("see people") },
  { "users:read.email", N_ ("see people’s e-mail addresses") },
  { "chat:write", N_ ("post messages") },
};

static const char *const silent_scopes[] = {
  "openid",
  "email",
  "profile",
  "https://www.googleapis.com/auth/userinfo.email",
  "https://www.googleapis.com/auth/userinfo.profile",
};

/**
 * af_auth0_scopes_to_words:
 * @scopes: (nullable): scope strings
 *
 * Returns: (transfer full): what @scopes allow, e.g. "read, label and
 *   archive mail; send mail"; unknown scopes are named as they are
 */
char *
af_auth0_scopes_to_words (const char *const *scopes)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    {
      const char *words = NULL;
      gboolean    silent = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (silent_scopes); j++)
        silent |= g_str_equal (scopes[i], silent_scopes[j]);
      if (silent || scopes[i][0] == '\0')
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (scope_words) && words == NULL; j++)
        if (g_str_equal (scopes[i], scope_words[j].scope))
          words = _ (scope_words[j].words);
      if (text->len > 0)
        /* Translators: between two things an account allows */
        g_string_append (text, _ ("; "));
      g_string_append (text, words ? words : scopes[i]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
