/* af-service-method.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-service-method"

#include "config.h"

#include <glib/gi18n.h>

#include "af-service-method.h"

#define GMAIL_READ     "https://www.googleapis.com/auth/gmail.readonly"
#define GMAIL_MODIFY   "https://www.googleapis.com/auth/gmail.modify"
#define GMAIL_COMPOSE  "https://www.googleapis.com/auth/gmail.compose"
#define GMAIL_SEND     "https://www.googleapis.com/auth/gmail.send"
#define GMAIL_LABELS   "https://www.googleapis.com/auth/gmail.labels"
#define CALENDAR_READ  "https://www.googleapis.com/auth/calendar.readonly"
#define CALENDAR_WRITE "https://www.googleapis.com/auth/calendar.events"

/* Scopes are the narrowest the API documentation lists for each method;
 * the permission gate compares them with the agent's grants. */
static const AfServiceMethod methods[] = {
  { "gmail", "gmail.users.getProfile", N_ ("Read the mailbox profile"), GMAIL_READ, FALSE, TRUE },
  { "gmail", "gmail.users.messages.list", N_ ("List messages"), GMAIL_READ, FALSE, TRUE, TRUE },
  { "gmail", "gmail.users.history.list", N_ ("List mailbox changes"), GMAIL_READ, FALSE, TRUE, TRUE },
  { "gmail", "gmail.users.messages.get", N_ ("Read a message"), GMAIL_READ, FALSE, TRUE },
  { "gmail", "gmail.batch", N_ ("Read messages in a batch"), GMAIL_READ, FALSE, TRUE },
  { "gmail", "gmail.users.labels.list", N_ ("List labels"), GMAIL_READ, FALSE, TRUE },
  { "gmail", "gmail.users.labels.create", N_ ("Create a label"), GMAIL_LABELS, TRUE, FALSE },
  /* Adding or removing the same labels twice ends in the same state. */
  { "gmail", "gmail.users.messages.batchModify", N_ ("Label, archive, star or mark messages read"), GMAIL_MODIFY, TRUE, TRUE },
  { "gmail", "gmail.users.drafts.create", N_ ("Create a draft"), GMAIL_COMPOSE, TRUE, FALSE },
  { "gmail", "gmail.users.messages.send", N_ ("Send an email"), GMAIL_SEND, TRUE, FALSE },
  { "gmail", "gmail.users.drafts.list", N_ ("List drafts"), GMAIL_READ, FALSE, TRUE, TRUE },
  { "calendar", "calendar.events.list", N_ ("Read calendar events"), CALENDAR_READ, FALSE, TRUE, TRUE },
  { "calendar", "calendar.events.get", N_ ("Read a calendar event"), CALENDAR_READ, FALSE, TRUE },
  { "calendar", "calendar.events.insert", N_ ("Create a calendar event"), CALENDAR_WRITE, TRUE, FALSE },
  { "calendar", "calendar.events.patch", N_ ("Change a calendar event"), CALENDAR_WRITE, TRUE, TRUE },
  { "calendar", "calendar.events.delete", N_ ("Delete a calendar event"), CALENDAR_WRITE, TRUE, TRUE },
  { "calendar", "calendar.freebusy.query", N_ ("Check free/busy times"), CALENDAR_READ, FALSE, TRUE },
  { "slack", "slack.auth.test", N_ ("Check the Slack connection"), NULL, FALSE, TRUE },
  { "slack", "slack.conversations.list", N_ ("List Slack channels"), "channels:read", FALSE, TRUE, TRUE },
  { "slack", "slack.conversations.open", N_ ("Open a direct message"), "im:write", FALSE, TRUE },
  { "slack", "slack.users.lookupByEmail", N_ ("Find a Slack user by email"), "users:read.email", FALSE, TRUE },
  { "slack", "slack.chat.postMessage", N_ ("Post a Slack message"), "chat:write", TRUE, FALSE },
  { "slack", "slack.chat.getPermalink", N_ ("Link to a Slack message"), NULL, FALSE, TRUE },
  { "slack", "slack.conversations.history", N_ ("Read a Slack channel’s messages"), "channels:history", FALSE, TRUE, TRUE },
  /* A completion has no side effect, but it costs: retry only on 429/5xx. */
  { "llm", "llm.chat.completions", N_ ("Ask the AI model"), NULL, FALSE, TRUE },
};

/**
 * af_service_method_lookup:
 * @id: e.g. "gmail.users.messages.send"
 *
 * Returns: (nullable): the method, or %NULL if no client makes that call
 */
const AfServiceMethod *
af_service_method_lookup (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (methods[i].id, id))
      return &methods[i];

  return NULL;
}

/**
 * af_service_methods:
 * @n_methods: (out): the number of methods
 *
 * Returns: (array length=n_methods): every call the clients can make
 */
const AfServiceMethod *
af_service_methods (guint *n_methods)
{
  g_return_val_if_fail (n_methods != NULL, NULL);

  *n_methods = G_N_ELEMENTS (methods);
  return methods;
}
