/* af-connection.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AF_TYPE_CONNECTION (af_connection_get_type ())

/* Connection states, as stored in connections.status. "revoking" means
 * the person disconnected it: it is never used again and only waits for
 * the provider to confirm the revocation before its keyring item goes. */
#define AF_CONNECTION_CONNECTED       "connected"
#define AF_CONNECTION_NEEDS_RECONNECT "needs-reconnect"
#define AF_CONNECTION_REVOKING        "revoking"

/**
 * AfConnection:
 *
 * A connected account's metadata. Never a secret.
 */
typedef struct
{
  char  *service;
  char  *account;
  char  *display_name;
  char  *scopes;
  char  *status;
  char  *status_reason;
  gint64 connected_at;
  gint64 last_used_at;
  char  *agent;    /* the agent id of an agent-specific connection, else "" */
  char  *provider; /* (nullable) JSON: what the provider was at connect time */
} AfConnection;

GType         af_connection_get_type (void) G_GNUC_CONST;
AfConnection *af_connection_copy (const AfConnection *self);
void          af_connection_free (AfConnection *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfConnection, af_connection_free)

G_END_DECLS
