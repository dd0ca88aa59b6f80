/* af-dashboard-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "af-activity-log.h"
#include "af-metrics-history.h"

G_BEGIN_DECLS

#define AF_TYPE_DASHBOARD_PAGE (af_dashboard_page_get_type ())

G_DECLARE_FINAL_TYPE (AfDashboardPage, af_dashboard_page, AF, DASHBOARD_PAGE, GtkWidget)

typedef char *(*AfAgentNameFunc) (const char *agent_id,
                                  gpointer    user_data);

/* @with_idle: include the runs that did nothing */
typedef GListModel *(*AfActivityModelFunc) (const char *agent_name,
                                            gboolean    errors_only,
                                            gboolean    with_idle,
                                            gpointer    user_data);

void        af_dashboard_page_set_activity_factory (AfDashboardPage    *self,
                                                    AfActivityModelFunc func,
                                                    gpointer            user_data);
void        af_dashboard_page_set_agent_resolver (AfDashboardPage *self,
                                                  AfAgentNameFunc  func,
                                                  gpointer         user_data,
                                                  GDestroyNotify   destroy);
void        af_dashboard_page_set_activity (AfDashboardPage *self,
                                            GListModel      *activity);
GListModel *af_dashboard_page_get_activity (AfDashboardPage *self);
void        af_dashboard_page_set_has_agents (AfDashboardPage *self,
                                              gboolean         has_agents);
void        af_dashboard_page_set_agent_names (AfDashboardPage   *self,
                                               const char *const *names);
void        af_dashboard_page_set_metrics (AfDashboardPage *self,
                                           guint            active_agents,
                                           guint            actions_today,
                                           double           success_rate,
                                           guint            minutes_saved_week);
void        af_dashboard_page_set_errors_only (AfDashboardPage *self,
                                               gboolean         errors_only);
GListModel *af_dashboard_page_get_visible_activity (AfDashboardPage *self);
void        af_dashboard_page_set_history (AfDashboardPage  *self,
                                           AfMetricsHistory *history);
GtkWidget  *af_dashboard_page_get_chart (AfDashboardPage *self);
void        af_dashboard_page_set_activity_log (AfDashboardPage *self,
                                                AfActivityLog   *log);

G_END_DECLS
