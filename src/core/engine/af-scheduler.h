/* af-scheduler.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define AF_TYPE_SCHEDULER (af_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (AfScheduler, af_scheduler, AF, SCHEDULER, GObject)

AfScheduler *af_scheduler_new (void);

/* Schedules @agent_id at @due (Unix µs, wall clock); replaces an earlier
 * schedule; a @due in the past fires once, at the next main-loop turn. */
void   af_scheduler_set (AfScheduler *self,
                         const char  *agent_id,
                         gint64       due);
void   af_scheduler_remove (AfScheduler *self,
                            const char  *agent_id);
gint64 af_scheduler_get_due (AfScheduler *self,
                             const char  *agent_id);
guint  af_scheduler_get_n_scheduled (AfScheduler *self);
/* The soonest due time, or 0. */
gint64 af_scheduler_get_next_due (AfScheduler *self);
/* Re-reads the clock and re-arms; called on resume and clock changes. */
void af_scheduler_rearm (AfScheduler *self);

/* The next run of @trigger strictly after @after (Unix µs) in @tz (nullable:
 * local time), or 0 when it has no schedule (manual). */
gint64 af_scheduler_next_run (JsonObject *trigger,
                              gint64      after,
                              GTimeZone  *tz);

G_END_DECLS
