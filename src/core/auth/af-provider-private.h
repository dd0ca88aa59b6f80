/* af-provider-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parser behind af_provider_discover_async(), for the fuzz harness.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "af-provider.h"

G_BEGIN_DECLS

AfProvider *af_provider_new_from_discovery (JsonObject *obj,
                                            guint       status,
                                            const char *issuer,
                                            const char *client_id,
                                            GError    **error);

G_END_DECLS
