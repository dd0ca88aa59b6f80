/* af-activity-entry.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AF_TYPE_ACTIVITY_ENTRY (af_activity_entry_get_type ())

G_DECLARE_FINAL_TYPE (AfActivityEntry, af_activity_entry, AF, ACTIVITY_ENTRY, GObject)

AfActivityEntry *af_activity_entry_new (gint64      id,
                                        gint64      timestamp,
                                        const char *agent_id,
                                        gint64      run_id,
                                        const char *kind,
                                        const char *summary,
                                        const char *details,
                                        const char *outcome);
gint64           af_activity_entry_get_id (AfActivityEntry *self);
gint64           af_activity_entry_get_timestamp (AfActivityEntry *self);
const char      *af_activity_entry_get_agent_id (AfActivityEntry *self);
gint64           af_activity_entry_get_run_id (AfActivityEntry *self);
const char      *af_activity_entry_get_kind (AfActivityEntry *self);
const char      *af_activity_entry_get_summary (AfActivityEntry *self);
const char      *af_activity_entry_get_details (AfActivityEntry *self);
const char      *af_activity_entry_get_outcome (AfActivityEntry *self);

G_END_DECLS
