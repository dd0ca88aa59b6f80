/* af-refresh-token-source.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "af-token-source.h"

G_BEGIN_DECLS

#define AF_TYPE_REFRESH_TOKEN_SOURCE (af_refresh_token_source_get_type ())

G_DECLARE_FINAL_TYPE (AfRefreshTokenSource, af_refresh_token_source, AF, REFRESH_TOKEN_SOURCE, GObject)

AfRefreshTokenSource *af_refresh_token_source_new (SoupSession *session,
                                                   const char  *token_url,
                                                   const char  *client_id,
                                                   const char  *refresh_token);
guint                 af_refresh_token_source_get_n_refreshes (AfRefreshTokenSource *self);

G_END_DECLS
