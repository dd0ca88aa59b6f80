/* bench-scroll.c — the dashboard's activity list on a given database:
 * how long until it shows its first rows, and how long scrolling to the
 * very end takes (the oldest row painted). Prints "key value" lines.
 *
 *   bench-scroll DB
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "af-activity-log.h"
#include "af-activity-model.h"
#include "af-dashboard-page.h"

static guint frames;

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  frames++;
}

static GtkWidget *window;

static void
wait_for_frame (void)
{
  guint target = frames + 1;

  gtk_widget_queue_draw (window);

  while (frames < target)
    g_main_context_iteration (NULL, TRUE);
}

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  /* The feed, not the agent filter's popup list. */
  if (GTK_IS_LIST_VIEW (widget) && gtk_widget_has_css_class (widget, "af-activity-list"))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_list_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
resolve_agent_cb (const char *agent_id,
                  gpointer    user_data)
{
  return g_strdup (agent_id);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfDatabase) db = NULL;
  g_autoptr (AfActivityLog) log = NULL;
  g_autoptr (AfActivityModel) model = NULL;
  GtkWidget     *page;
  GtkWidget     *list;
  GtkAdjustment *adj;
  gint64         t;
  guint          n_items, steps = 0;

  if (argc != 2)
    {
      g_printerr ("usage: %s DB\n", argv[0]);
      return 2;
    }
  adw_init ();
  if (!(db = af_database_open (argv[1], &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  log = af_activity_log_new (db);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  page = g_object_new (AF_TYPE_DASHBOARD_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  af_dashboard_page_set_agent_resolver (AF_DASHBOARD_PAGE (page), resolve_agent_cb, NULL, NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_after_paint_cb), NULL);
  wait_for_frame ();
  wait_for_frame ();

  /* Open: the model and the list's first rows, painted. */
  t = g_get_monotonic_time ();
  model = af_activity_model_new (log, NULL, NULL);
  af_dashboard_page_set_activity (AF_DASHBOARD_PAGE (page), G_LIST_MODEL (model));
  af_dashboard_page_set_has_agents (AF_DASHBOARD_PAGE (page), TRUE);
  list = find_list_view (page);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW)));
  /* Shown once the list is on screen with its rows laid out. */
  for (guint i = 0; i < 100 && (!gtk_widget_get_mapped (list) || gtk_adjustment_get_upper (adj) <= gtk_adjustment_get_page_size (adj)); i++)
    wait_for_frame ();
  g_print ("open-ms %.1f\n", (g_get_monotonic_time () - t) / 1000.0);

  /* Scroll to the end: the list's own "scroll to item" on the last row,
   * until the view stays at the bottom (a list view refines its height
   * estimate as rows are measured). */
  n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
  t = g_get_monotonic_time ();
  for (gboolean at_end = FALSE; !at_end && steps < 100; steps++)
    {
      /* The feed shows more rows as the reader nears the end of those it
       * shows: the last row it shows, until it shows them all. */
      GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));

      gtk_widget_activate_action (list, "list.scroll-to-item", "u", g_list_model_get_n_items (shown) - 1);
      wait_for_frame ();
      at_end = g_list_model_get_n_items (shown) == n_items &&
               gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) >= gtk_adjustment_get_upper (adj) - 1;
    }
  g_print ("rows %u\n", n_items);
  g_print ("scroll-end-ms %.1f\n", (g_get_monotonic_time () - t) / 1000.0);
  g_print ("scroll-steps %u\n", steps);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
