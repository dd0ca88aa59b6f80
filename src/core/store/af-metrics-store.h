/* af-metrics-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-database.h"

G_BEGIN_DECLS

#define AF_TYPE_METRICS_STORE (af_metrics_store_get_type ())

G_DECLARE_FINAL_TYPE (AfMetricsStore, af_metrics_store, AF, METRICS_STORE, GObject)

/**
 * AfDayActions:
 * @done: actions done
 * @waiting: actions that asked for an approval
 * @failed: actions that failed
 *
 * What the agents did on one day.
 */
typedef struct
{
  guint done;
  guint waiting;
  guint failed;
} AfDayActions;

AfMetricsStore *af_metrics_store_new (AfDatabase *db);

/* Sums the actions of each local day from @first_day (local midnight) for
 * @n_days days into @days (@n_days long, zeroed first). @agent_id: one
 * agent, or %NULL for all. Reads the hourly counters the triggers keep,
 * never the activity rows. */
gboolean af_metrics_store_actions_per_day (AfMetricsStore *self,
                                           const char     *agent_id,
                                           GDateTime      *first_day,
                                           guint           n_days,
                                           AfDayActions   *days,
                                           GError        **error);

/* Runs finished since @since (µs) that acted (did something) or failed:
 * @acted; of those, the successful ones: @succeeded. A poll that found
 * nothing is neither. */
gboolean af_metrics_store_count_runs (AfMetricsStore *self,
                                      const char     *agent_id,
                                      gint64          since,
                                      guint          *acted,
                                      guint          *succeeded,
                                      GError        **error);

/* For each action done since @since (µs), how many different items
 * (messages, events) it was done to: an item relabelled three times
 * counts once. → (element-type utf8 guint) action → count */
GHashTable *af_metrics_store_items_per_action (AfMetricsStore *self,
                                               const char     *agent_id,
                                               gint64          since,
                                               GError        **error);

G_END_DECLS
