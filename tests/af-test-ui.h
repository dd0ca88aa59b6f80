/* af-test-ui.h — helpers for UI tests under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <gtk/gtk.h>

#include "af-test-wait.h"

G_BEGIN_DECLS

gboolean    af_test_ui_init (int    *argc,
                             char ***argv);
void        af_test_ui_wait_for_paint (GtkWidget *widget);
void        af_test_ui_wait_for_idle (void);
gboolean    af_test_ui_settled (GtkWidget *root);
void        af_test_ui_wait_settled (GtkWidget  *root,
                                     const char *what);
void        af_test_ui_wait_quiet (GtkWidget  *widget,
                                   guint       quiet_ms,
                                   const char *what);
guint       af_test_ui_count_paints (GtkWidget *widget,
                                     guint      ms);
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
/* The choice a combo row shows, as the person reads it; choosing one by
 * its words (a missing choice fails the test). */
const char *af_test_ui_combo_choice (AdwComboRow *row);
void        af_test_ui_combo_choose (AdwComboRow *row,
                                     const char  *text);
GtkWidget  *af_test_ui_wait_for_row (GtkWidget *root,
                                     gpointer   item);
void        af_test_ui_choose_from_menu (GtkWidget  *row,
                                         const char *label);
void        af_test_ui_activate_list_item (GtkWidget *list_view,
                                           gpointer   item);

/* af_test_wait_until() for a condition function and its data: the
 * failure message names the function. Never less than the usual timeout:
 * a slow machine or a sanitizer build takes its time, and the message
 * says what did not happen. */
void af_test_ui_wait_until_full (gboolean (*condition) (gpointer),
                                 const char *condition_name,
                                 gpointer    data,
                                 guint       timeout_ms);
#define af_test_ui_wait_until(condition, ...) af_test_ui_wait_until_full ((condition), #condition, __VA_ARGS__)

/* The default main context's source named @name (GLib numbers sources
 * from 1 up and names the app's own), or %NULL. */
GSource *af_test_ui_find_source_named (const char *name);

/* A fixed wait: what to wait for is always known, see af_test_wait_until(). */
G_GNUC_DEPRECATED_FOR (af_test_wait_until)
void af_test_ui_iterate (guint ms);

G_END_DECLS
