/* af-a11y.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void af_a11y_tab_leaves (GtkWidget *list);
void af_a11y_name_toasts (AdwToastOverlay *overlay);
void af_a11y_set_label (GtkWidget  *widget,
                        const char *label);

G_END_DECLS
