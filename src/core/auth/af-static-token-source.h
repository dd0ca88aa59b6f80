/* af-static-token-source.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-token-source.h"

G_BEGIN_DECLS

#define AF_TYPE_STATIC_TOKEN_SOURCE (af_static_token_source_get_type ())

G_DECLARE_FINAL_TYPE (AfStaticTokenSource, af_static_token_source, AF, STATIC_TOKEN_SOURCE, GObject)

AfStaticTokenSource *af_static_token_source_new (const char *token);

G_END_DECLS
