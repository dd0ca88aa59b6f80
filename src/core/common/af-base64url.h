/* af-base64url.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Base 64 with the URL and filename safe alphabet (RFC 4648 §5): "-" and
 * "_" instead of "+" and "/". PKCE (RFC 7636) and JWS (RFC 7515) leave the
 * "=" padding out; Gmail's "raw" messages keep it. */
char   *af_base64url_encode (const guint8 *data,
                             gsize         len,
                             gboolean      padded);
GBytes *af_base64url_decode (const char *text,
                             gssize      len,
                             gboolean    padding_allowed);

G_END_DECLS
