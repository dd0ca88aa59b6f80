/* af-http-exchange-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A request's exchange (send it, read its answer) on the HTTP thread.
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _AfHttpExchange AfHttpExchange;

/* The requests of one service of one client on the network: at most
 * @cap at a time, the others wait in order, on the exchange thread. */
typedef struct
{
  gint   active; /* atomic */
  gint   cap;    /* atomic */
  GQueue waiting;
} AfHttpLane;

void  af_http_lane_init (AfHttpLane *lane,
                         guint       cap);
void  af_http_lane_set_cap (AfHttpLane *lane,
                            guint       cap);
guint af_http_lane_get_active (AfHttpLane *lane);

/* @body: (transfer full) (nullable): the answer, when it was read whole
 * or up to where the connection ended; %NULL with an @error, or when it
 * was @too_large. @error: (transfer full) (nullable). */
typedef void (*AfHttpExchangeDone) (SoupMessage *message,
                                    GByteArray  *body,
                                    GError      *error,
                                    gboolean     too_large,
                                    gpointer     user_data);

void af_http_exchange_start (AfHttpLane        *lane,
                             SoupMessage       *message,
                             gboolean           first,
                             gsize              max_size,
                             GCancellable      *cancellable,
                             AfHttpExchangeDone done,
                             gpointer           user_data);

G_END_DECLS
