/* af-calendar-client-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parsers behind the async calls, for the fuzz harnesses.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* events.list "items" → (element-type AfCalendarEvent) */
GPtrArray *af_calendar_parse_items (JsonObject *o);

GPtrArray *af_calendar_parse_free_busy (JsonNode *root,
                                        GError  **error);

G_END_DECLS
