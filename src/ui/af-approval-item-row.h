/* af-approval-item-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *af_approval_item_row_new (GObject  *item,
                                     GCallback on_decide,
                                     gpointer  user_data);

G_END_DECLS
