/* af-agent-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "af-engine.h"
#include "af-metrics-history.h"

G_BEGIN_DECLS

#define AF_TYPE_AGENT_PAGE (af_agent_page_get_type ())

G_DECLARE_FINAL_TYPE (AfAgentPage, af_agent_page, AF, AGENT_PAGE, GtkWidget)

void     af_agent_page_set_agent (AfAgentPage *self,
                                  AfEngine    *engine,
                                  AfAgent     *agent);
AfAgent *af_agent_page_get_agent (AfAgentPage *self);
void     af_agent_page_set_history (AfAgentPage      *self,
                                    AfMetricsHistory *history);

G_END_DECLS
