/* af-service-method.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AfServiceMethod:
 * @service: the service ("gmail", "calendar", "slack", "llm")
 * @id: the method as its API documentation names it,
 *   e.g. "gmail.users.messages.send" or "slack.chat.postMessage"
 * @label: a short translatable description of what the call does
 * @scope: the OAuth scope (or Slack scope) the call needs; the engine's
 *   permission gate compares it with what an agent may do
 * @side_effect: %TRUE when the call changes something (send, post, label);
 *   such calls go through the outbox and approvals
 * @idempotent: %TRUE when repeating the request cannot repeat a side
 *   effect; only those are retried after a 5xx or a dropped connection
 * @paged: %TRUE for a page of a listing, whose answer names the next
 *   page: it goes before the requests of its service waiting for a
 *   connection, so a listing never waits behind the reads it feeds
 *
 * A call a service client can make, as data. Every client function names
 * the #AfServiceMethod it uses so the permission gate can refuse it before
 * any request leaves the machine.
 */
typedef struct
{
  const char *service;
  const char *id;
  const char *label;
  const char *scope;
  gboolean    side_effect;
  gboolean    idempotent;
  gboolean    paged;
} AfServiceMethod;

const AfServiceMethod *af_service_method_lookup (const char *id);
const AfServiceMethod *af_service_methods (guint *n_methods);

G_END_DECLS
