/* af-approvals-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "af-approval-queue.h"

G_BEGIN_DECLS

#define AF_TYPE_APPROVALS_PAGE (af_approvals_page_get_type ())

G_DECLARE_FINAL_TYPE (AfApprovalsPage, af_approvals_page, AF, APPROVALS_PAGE, GtkWidget)

void  af_approvals_page_set_model (AfApprovalsPage *self,
                                   GListModel      *approvals);
void  af_approvals_page_set_queue (AfApprovalsPage *self,
                                   AfApprovalQueue *queue);
guint af_approvals_page_get_n_pending (AfApprovalsPage *self);
void  af_approvals_page_set_agent_resolver (AfApprovalsPage *self,
                                            char *(*func) (const char *agent_id,
                                                          gpointer    user_data),
                                            gpointer user_data);

G_END_DECLS
