/* af-activity-text.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How an action's line in the activity reads; stored as "say". */
#define AF_ACTIVITY_SAY_DONE     "done"     /* “Labelled “X” as Work” */
#define AF_ACTIVITY_SAY_FAILED   "failed"   /* “… — failed: <error>” */
#define AF_ACTIVITY_SAY_WAITING  "waiting"  /* “Waiting for approval: …” */
#define AF_ACTIVITY_SAY_DENIED   "denied"   /* “… — not allowed: … “<permission>” …” */
#define AF_ACTIVITY_SAY_SKIPPED  "skipped"  /* “… — skipped: this agent never does it” */
#define AF_ACTIVITY_SAY_APPROVED "approved" /* “Approved and done: …” */
#define AF_ACTIVITY_SAY_UNDONE   "undone"   /* “Undone: …” */

/* Records in @details what an activity row needs to be told again later
 * in the reader's language: the action, its arguments (long texts cut),
 * the fields of the item it acted on, and @say. @past: the action is told
 * as done ("Sent", not "Send") in a failure. */
void af_activity_text_add_action (JsonObject *details,
                                  const char *say,
                                  const char *action,
                                  JsonObject *params,
                                  JsonObject *item,
                                  gboolean    past);

char *af_activity_text_args (JsonObject *params);
char *af_activity_text_done_details (const char *action,
                                     const char *item_id,
                                     const char *rule,
                                     const char *key,
                                     const char *args,
                                     JsonObject *item);

/* The line of an activity row of @kind with @details, in the current
 * language, or %NULL when the row does not carry what it takes (a row
 * written before activity kept its data): then its stored summary is
 * shown. */
char *af_activity_text_describe (const char *kind,
                                 JsonObject *details);
char *af_activity_text_describe_json (const char *kind,
                                      const char *details);

G_END_DECLS
