/* af-loopback-server-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reader of the redirect's query, for the fuzz harness.
 */

#pragma once

#include <glib.h>

#include "af-loopback-server.h"

G_BEGIN_DECLS

typedef enum
{
  AF_LOOPBACK_CALLBACK_FOREIGN, /* wrong or missing state: not ours */
  AF_LOOPBACK_CALLBACK_DENIED,  /* the user declined */
  AF_LOOPBACK_CALLBACK_FAILED,  /* the provider sent an error, or no code */
  AF_LOOPBACK_CALLBACK_CODE,    /* an authorization code */
} AfLoopbackCallback;

/* At most this many connections at once; the oldest makes room. */
#define AF_LOOPBACK_MAX_CONNECTIONS 16

char *af_loopback_describe_timeout (guint seconds);
/* How long a connection may stay idle (10 s); tests shorten it. */
void     af_loopback_server_set_idle_timeout (AfLoopbackServer *self,
                                              guint             seconds);
gboolean af_loopback_check_issuer (GHashTable *query,
                                   const char *issuer,
                                   gboolean    required,
                                   GError    **error);

AfLoopbackCallback af_loopback_read_callback (GHashTable *query,
                                              const char *expected_state,
                                              char      **code_out,
                                              GError    **error_out);

G_END_DECLS
