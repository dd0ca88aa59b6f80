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

/**
 * AfActionTally:
 * @template_id: (nullable): the template of the agent (NULL when the agent
 *   is gone)
 * @n: how many were done
 * @n_today: of those, since the @today given
 * @n_since: of those, since the @since given
 *
 * How many times one agent did one action.
 */
typedef struct
{
  char *agent_id;
  char *action;
  char *template_id;
  guint n;
  guint n_today;
  guint n_since;
} AfActionTally;

#define AF_TYPE_ACTION_TALLY (af_action_tally_get_type ())
GType          af_action_tally_get_type (void);
AfActionTally *af_action_tally_copy (const AfActionTally *tally);
void           af_action_tally_free (AfActionTally *tally);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfActionTally, af_action_tally_free)

/* Finished real runs started since @since (µs): @finished, and of all real
 * runs started since then, the successful ones: @succeeded. */
gboolean af_metrics_store_count_finished_runs (AfMetricsStore *self,
                                               const char     *agent_id,
                                               gint64          since,
                                               guint          *finished,
                                               guint          *succeeded,
                                               GError        **error);
/* Items (mail, events, messages) the agents dealt with: seen items that
 * are not an agent's own mail nor a digest or agenda of its own. */
guint af_metrics_store_count_items_processed (AfMetricsStore *self,
                                              const char     *agent_id,
                                              GError        **error);
/* → (element-type AfActionTally) the actions done (outbox "done"), per
 * agent and action; @today and @since (µs) bound n_today and n_since. */
GPtrArray *af_metrics_store_tally_actions (AfMetricsStore *self,
                                           const char     *agent_id,
                                           gint64          today,
                                           gint64          since,
                                           GError        **error);

G_END_DECLS
