/* af-oauth-http-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reader behind af_oauth_fetch_identity_async(), for the fuzz harness.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "af-provider.h"

G_BEGIN_DECLS

GStrv af_oauth_parse_identity (AfProvider *provider,
                               JsonObject *obj,
                               guint       status,
                               GError    **error);

G_END_DECLS
