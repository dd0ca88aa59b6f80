/* af-test-ui.h — helpers for UI tests under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "af-test-wait.h"

G_BEGIN_DECLS

gboolean af_test_ui_init (int    *argc,
                          char ***argv);
void     af_test_ui_wait_until (gboolean (*condition) (gpointer),
                                gpointer data,
                                guint    timeout_ms);
void     af_test_ui_wait_for_paint (GtkWidget *widget);
gboolean af_test_ui_settled (GtkWidget *root);
void     af_test_ui_wait_settled (GtkWidget  *root,
                                  const char *what);
void     af_test_ui_wait_quiet (GtkWidget  *widget,
                                guint       quiet_ms,
                                const char *what);
guint    af_test_ui_count_paints (GtkWidget *widget,
                                  guint      ms);
G_GNUC_DEPRECATED_FOR (af_test_wait_until)
void        af_test_ui_iterate (guint ms);
void        af_test_ui_destroy_windows (void);
GdkTexture *af_test_ui_render (GtkWidget *widget);
double      af_test_ui_save_and_measure (GtkWidget  *widget,
                                         const char *name);
GtkWidget  *af_test_ui_find_widget (GtkWidget  *root,
                                    GType       type,
                                    const char *label_or_title);
GtkWidget  *af_test_ui_wait_for_widget (GtkWidget  *root,
                                        GType       type,
                                        const char *label_or_title);
void        af_test_ui_click (GtkWidget *button);
GtkWidget  *af_test_ui_wait_for_row (GtkWidget *root,
                                     gpointer   item);
void        af_test_ui_choose_from_menu (GtkWidget  *row,
                                         const char *label);
void        af_test_ui_activate_list_item (GtkWidget *list_view,
                                           gpointer   item);

G_END_DECLS
