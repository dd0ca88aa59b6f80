/* af-metrics-history.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-metrics-store.h"

G_BEGIN_DECLS

#define AF_TYPE_METRICS_HISTORY (af_metrics_history_get_type ())

G_DECLARE_FINAL_TYPE (AfMetricsHistory, af_metrics_history, AF, METRICS_HISTORY, GObject)

AfMetricsHistory *af_metrics_history_new (AfMetricsStore *store);

/* The actions of the last @n_days local days, today last, for one agent
 * or all (@agent_id %NULL). Free with g_free(). */
AfDayActions *af_metrics_history_get_days (AfMetricsHistory *self,
                                           const char       *agent_id,
                                           guint             n_days);
/* Forgets the cached days (an agent's history was deleted). */
void af_metrics_history_invalidate (AfMetricsHistory *self);

G_END_DECLS
