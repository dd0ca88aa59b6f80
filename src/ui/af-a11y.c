/* af-a11y.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-a11y"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-a11y.h"

/* Keyboard and screen reader helpers.
 *
 * GTK 4.8's lists take every row's buttons into the Tab chain, so a
 * keyboard user tabs through a hundred agents to reach what follows.
 * (GtkListView:tab-behavior came with GTK 4.12.) */

static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   GtkWidget             *list)
{
  GtkDirectionType direction;
  GtkRoot         *root;
  gboolean         moved;

  if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = (state & GDK_SHIFT_MASK) ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD;
  else if (keyval == GDK_KEY_ISO_Left_Tab)
    direction = GTK_DIR_TAB_BACKWARD;
  else
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  /* In a text field the arrow keys move the cursor: Tab goes on to the
   * row's buttons as usual, and from there out of the list. */
  root = gtk_widget_get_root (list);
  if (GTK_IS_TEXT_VIEW (gtk_root_get_focus (root)) || GTK_IS_EDITABLE (gtk_root_get_focus (root)))
    return FALSE;

  /* With the list out of the chain for a moment, focus moves on from it
   * as from one widget; arrow keys still move inside it. */
  gtk_widget_set_can_focus (list, FALSE);
  moved = gtk_widget_child_focus (GTK_WIDGET (root), direction);
  gtk_widget_set_can_focus (list, TRUE);
  return moved;
}

/**
 * af_a11y_tab_leaves:
 * @list: a #GtkListView or #GtkListBox
 *
 * Makes Tab (and Shift+Tab) leave @list in one step from wherever the
 * focus is in it; the arrow keys move between its rows and inside a row.
 */
void
af_a11y_tab_leaves (GtkWidget *list)
{
  GtkEventController *keys;

  g_return_if_fail (GTK_IS_WIDGET (list));

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), list, 0);
  gtk_widget_add_controller (list, keys);
}

/**
 * af_a11y_set_label:
 * @label: what a screen reader says for @widget, with its context
 *   ("Disconnect Slack")
 *
 * Replaces @widget's accessible name. A GtkButton is also labelled by
 * the text inside it, which GTK 4.8 adds to the name ("Disconnect Slack
 * Disconnect"): that relation goes.
 */
void
af_a11y_set_label (GtkWidget  *widget,
                   const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (label != NULL);

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* libadwaita 1.2's toast has an unnamed close button (an icon). */
static void
name_toast_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL)
        af_a11y_set_label (child, _ ("Dismiss"));
      name_toast_buttons (child);
    }
}

static void
on_overlay_children_changed_cb (GListModel *children,
                                guint       position,
                                guint       removed,
                                guint       added,
                                gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (GtkWidget) child = g_list_model_get_item (children, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
        name_toast_buttons (child);
    }
}

/**
 * af_a11y_name_toasts:
 *
 * Names the close button of every toast @overlay shows.
 */
void
af_a11y_name_toasts (AdwToastOverlay *overlay)
{
  GListModel *children;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  children = gtk_widget_observe_children (GTK_WIDGET (overlay));
  g_signal_connect (children, "items-changed", G_CALLBACK (on_overlay_children_changed_cb), NULL);
  /* Kept for as long as the overlay lives. */
  g_object_set_data_full (G_OBJECT (overlay), "af-a11y-children", children, g_object_unref);
}
