/* af-run-summary.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Copies what a person recognises @item by (subject, sender, event title,
 * channel) and what opens it on the web (thread, link) into an activity
 * row's @details. Never the body: that stays with the service. */
void af_run_summary_add_answer (JsonObject *details,
                                const char *answer);
void af_run_summary_add_item (JsonObject *details,
                              JsonObject *item);
void af_run_summary_write_item (GString    *out,
                                JsonObject *item);
/* Counts one action done in @counts ("action" → n). */
void af_run_summary_count (JsonObject *counts,
                           const char *action);
/* What a run did, from its "run-finished" details, in the current
 * language: "sorted 12 messages · 1 draft · 3 left alone". %NULL when
 * the details say nothing about it. */
char *af_run_summary_describe (JsonObject *details);

G_END_DECLS
