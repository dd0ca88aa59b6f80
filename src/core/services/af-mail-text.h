/* af-mail-text.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *af_gmail_header_value (JsonObject *payload,
                                   const char *name);
char       *af_gmail_payload_to_text (JsonObject *payload);
char       *af_gmail_html_to_text (const char *html);

G_END_DECLS
