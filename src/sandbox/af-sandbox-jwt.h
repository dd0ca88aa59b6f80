/* af-sandbox-jwt.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The kid of the sandbox's one signing key, as its JWKS lists it. */
#define AF_SANDBOX_JWT_KEY_ID "sandbox-rs256-1"

char     *af_sandbox_jwt_sign (JsonNode *claims);
gboolean  af_sandbox_jwt_verify (const char *jwt,
                                 JsonNode  **claims);
JsonNode *af_sandbox_jwt_jwks (void);

G_END_DECLS
