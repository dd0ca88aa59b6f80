/* af-activity-log.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-activity-entry.h"
#include "af-database.h"

G_BEGIN_DECLS

#define AF_TYPE_ACTIVITY_LOG (af_activity_log_get_type ())

G_DECLARE_FINAL_TYPE (AfActivityLog, af_activity_log, AF, ACTIVITY_LOG, GObject)

#define AF_ACTIVITY_DEFAULT_RETENTION_DAYS 90

/* Pseudo-kinds for the @kind filters below. The feed is what a person
 * watches: one row per run that did something (its "run-finished" or
 * "error" row, which expands to the run's steps) and the events outside
 * runs (paused, deferred, approvals declined or expired). The steps of a
 * run and runs that did nothing ("run-idle") are left out;
 * AF_ACTIVITY_FEED_WITH_IDLE brings the idle runs back. */
#define AF_ACTIVITY_FEED           "@feed"
#define AF_ACTIVITY_FEED_WITH_IDLE "@feed+idle"

/* Whether a row of @kind passes the @filter (a kind, a pseudo-kind or
 * %NULL for every row). */
gboolean af_activity_kind_matches (const char *filter,
                                   const char *kind);

AfActivityLog *af_activity_log_new (AfDatabase *db);
AfDatabase    *af_activity_log_get_database (AfActivityLog *self);

/* Appends one row; emits AfActivityLog::appended. @details is JSON text
 * that the caller has already stripped of secrets. Returns the row id. */
gint64 af_activity_log_append (AfActivityLog *self,
                               const char    *agent_id,
                               gint64         run_id,
                               const char    *kind,
                               const char    *summary,
                               const char    *details,
                               const char    *outcome,
                               GError       **error);

/* Appends held back, to be written many to a statement, while a
 * transaction of the caller's is open: see af_activity_log_hold(). */
void     af_activity_log_hold (AfActivityLog *self);
gboolean af_activity_log_append_held (AfActivityLog *self,
                                      const char    *agent_id,
                                      gint64         run_id,
                                      const char    *kind,
                                      const char    *summary,
                                      const char    *details,
                                      const char    *outcome,
                                      const char    *action,
                                      const char    *item,
                                      GError       **error);
gboolean af_activity_log_release (AfActivityLog *self,
                                  GError       **error);

/* Exact count from the counters kept by triggers: O(agents × kinds), not
 * O(rows). @agent_id and @kind may be %NULL (no filter). */
guint af_activity_log_count (AfActivityLog *self,
                             const char    *agent_id,
                             const char    *kind);

/* A keyset page: rows with id < @before_id (descending) or id > @after_id
 * (ascending), newest first in the returned array either way when
 * @descending. → (element-type AfActivityEntry) */
GPtrArray *af_activity_log_query (AfActivityLog *self,
                                  const char    *agent_id,
                                  const char    *kind,
                                  gint64         bound_id,
                                  gboolean       descending,
                                  guint          limit,
                                  GError       **error);

/* The id @steps rows beyond @from_id in the given direction (a keyset
 * walk, in chunks); returns the last id reached and sets @walked. */
gint64 af_activity_log_walk (AfActivityLog *self,
                             const char    *agent_id,
                             const char    *kind,
                             gint64         from_id,
                             gboolean       descending,
                             guint          steps,
                             guint         *walked);

/* The steps of one run, oldest first (a run has a few dozen at most).
 * → (element-type AfActivityEntry) */
GPtrArray *af_activity_log_query_run (AfActivityLog *self,
                                      gint64         run_id,
                                      GError       **error);

void  af_activity_log_set_retention_days (AfActivityLog *self,
                                          guint          days);
guint af_activity_log_get_retention_days (AfActivityLog *self);
/* Deletes rows older than the retention; returns how many. */
guint af_activity_log_prune (AfActivityLog *self,
                             gint64         now,
                             GError       **error);

G_END_DECLS
