/* af-http-client-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The errors of a failed request (af-http-error.c), shared with the
 * fuzz harness.
 */

#pragma once

#include <gio/gio.h>

#include "af-service-method.h"

G_BEGIN_DECLS

/* The error for an HTTP @status, with the reason a JSON @body gives. */
GError *af_http_client_error_for_status (const AfServiceMethod *method,
                                         guint                  status,
                                         GBytes                *body);

/* The service's name as the person knows it ("Gmail", "Slack"…). */
const char *af_http_service_display_name (const char *service);

/* The error for a request that got no answer; @timed_out: by the
 * client's own timeout. */
GError *af_http_error_for_io (const AfServiceMethod *method,
                              const GError          *io_error,
                              gboolean               timed_out);

G_END_DECLS
