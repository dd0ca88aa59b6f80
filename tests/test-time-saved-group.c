/* test-time-saved-group.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "Time saved" estimates in Preferences: one row per kind of action
 * a person would time, each writing its own entry of the setting.
 */

#include "config.h"

#include "af-action.h"
#include "af-test-ui.h"
#include "af-time-saved-group.h"

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (ADW_IS_ACTION_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static GtkSpinButton *
row_spin (GtkWidget *row)
{
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, row);
  while (stack->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_SPIN_BUTTON (w))
        return GTK_SPIN_BUTTON (w);
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  return NULL;
}

static void
test_rows (void)
{
  static const char *const titles[] = {
    "Label a message",
    "Archive a message",
    "Star a message",
    "Mark a message read",
    "Write a draft reply",
    "Send a message",
    "Create an event",
    "Delete an event",
    "Post to Slack",
  };
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (GVariant) defaults = g_settings_get_default_value (settings, "minutes-saved-per-action");
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  g_autoptr (GVariant) changed = NULL;
  GtkWidget     *window = gtk_window_new ();
  GtkWidget     *group = af_time_saved_group_new (settings);
  GtkSpinButton *draft;
  double         minutes = -1;

  gtk_window_set_child (GTK_WINDOW (window), group);
  gtk_window_present (GTK_WINDOW (window));
  af_test_ui_wait_for_paint (window);

  collect_rows (group, rows);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), ==, titles[i]);

  /* Every row is an action with a default estimate, and shows it. */
  for (const char *const *a = af_action_list (); *a != NULL; a++)
    {
      double value;

      if (af_action_get_title (*a) == NULL)
        continue;
      g_assert_true (g_variant_lookup (defaults, *a, "d", &value));
      for (guint i = 0; i < rows->len; i++)
        if (g_str_equal (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), af_action_get_title (*a)))
          g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (row_spin (g_ptr_array_index (rows, i))), value,
                                          1e-9);
    }

  /* A row changes its own action's entry, and keeps the others. */
  draft = row_spin (g_ptr_array_index (rows, 4));
  gtk_spin_button_set_value (draft, 7.5);
  changed = g_settings_get_value (settings, "minutes-saved-per-action");
  g_assert_true (g_variant_lookup (changed, "draft", "d", &minutes));
  g_assert_cmpfloat_with_epsilon (minutes, 7.5, 1e-9);
  g_assert_true (g_variant_lookup (changed, "send", "d", &minutes));
  g_assert_cmpfloat_with_epsilon (minutes, 1.0, 1e-9);
  g_assert_cmpuint (g_variant_n_children (changed), ==, g_variant_n_children (defaults));

  g_settings_reset (settings, "minutes-saved-per-action");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  if (!af_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/time-saved-group/rows", test_rows);

  return g_test_run ();
}
