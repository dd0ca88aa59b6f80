/* af-http-client-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reader of error answers, for the fuzz harness.
 */

#pragma once

#include <gio/gio.h>

#include "af-service-method.h"

G_BEGIN_DECLS

/* The error for an HTTP @status, with the reason a JSON @body gives. */
GError *af_http_client_error_for_status (const AfServiceMethod *method,
                                         guint                  status,
                                         GBytes                *body);

G_END_DECLS
