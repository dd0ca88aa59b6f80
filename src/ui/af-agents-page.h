/* af-agents-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AF_TYPE_AGENTS_PAGE (af_agents_page_get_type ())

G_DECLARE_FINAL_TYPE (AfAgentsPage, af_agents_page, AF, AGENTS_PAGE, GtkWidget)

typedef char *(*AfAgentDetailFunc) (GObject *agent,
                                    gpointer user_data);

void af_agents_page_set_detail_func (AfAgentsPage     *self,
                                     AfAgentDetailFunc func,
                                     gpointer          user_data);
void af_agents_page_set_model (AfAgentsPage *self,
                               GListModel   *agents);

G_END_DECLS
