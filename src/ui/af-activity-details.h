/* af-activity-details.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The web address of what an activity entry acted on (the mail in Gmail,
 * the event in Calendar, the message in Slack), or %NULL; @label gets
 * "Open in Gmail" and so on. */
char *af_activity_details_dup_web_uri (const char  *kind,
                                       JsonObject  *details,
                                       const char **label);

/* A dialog that says what happened, on what, when, why and with what
 * outcome, for an activity @item; @steps (nullable, AfActivityEntry or
 * any activity item) are a run's steps, listed under it. */
GtkWidget *af_activity_details_new (GtkWindow  *parent,
                                    GObject    *item,
                                    const char *agent_name,
                                    GPtrArray  *steps);

G_END_DECLS
