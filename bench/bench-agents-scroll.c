/* bench-agents-scroll.c — the agents page with N agents, scrolled from top
 * to bottom one step per frame (as a touchpad or a held key does), timed by
 * the frame clock: the interval between consecutive frames' frame times,
 * taken after each paint. Prints "key value" lines.
 *
 *   bench-agents-scroll N_AGENTS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <stdlib.h>

#include "af-agent.h"
#include "af-agents-page.h"
#include "af-template.h"

#define STEP_PX    120  /* a scroll step per frame: 7,200 px/s at 60 Hz */
#define MAX_FRAMES 1200 /* 20 s at 60 Hz, 144,000 px: some 2,000 rows */

static GtkWidget     *window;
static GtkAdjustment *adj;
static GArray        *intervals; /* ms between frames while scrolling */
static GArray        *work;      /* ms from a frame's update to its paint done */
static gint64         last_frame_time, update_start;
static gboolean       scrolling, done;
static guint          frames;

static void
on_update_cb (GdkFrameClock *clock,
              gpointer       user_data)
{
  update_start = g_get_monotonic_time ();
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  gint64 t = gdk_frame_clock_get_frame_time (clock);

  frames++;
  if (scrolling && last_frame_time > 0)
    {
      double ms = (t - last_frame_time) / 1000.0;
      double busy = (g_get_monotonic_time () - update_start) / 1000.0;

      g_array_append_val (intervals, ms);
      g_array_append_val (work, busy);
    }
  last_frame_time = t;
}

/* One step down per frame, until the end is on screen. */
static gboolean
on_tick_cb (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  double value = gtk_adjustment_get_value (adj);
  double end = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  if (value >= end - 1 || intervals->len >= MAX_FRAMES)
    {
      done = TRUE;
      return G_SOURCE_REMOVE;
    }
  scrolling = TRUE;
  gtk_adjustment_set_value (adj, MIN (value + STEP_PX, end));
  return G_SOURCE_CONTINUE;
}

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
  if (GTK_IS_LIST_VIEW (widget))
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

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint i = (guint)(p * (sorted->len - 1) + 0.5);

  return sorted->len ? g_array_index (sorted, double, i) : 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GListStore) agents = NULL;
  GtkWidget *page;
  GtkWidget *list;
  guint      n_agents;
  gint64     t;
  gint64     now = g_get_real_time ();

  if (argc != 2 || (n_agents = atoi (argv[1])) == 0)
    {
      g_printerr ("usage: %s N_AGENTS\n", argv[0]);
      return 2;
    }
  adw_init ();

  /* As the engine holds them: from the templates, some paused, some
   * needing attention, all having run and due again. */
  agents = g_list_store_new (AF_TYPE_AGENT);
  for (guint i = 0; i < n_agents; i++)
    {
      static const char *const templates[] = { "email-assistant", "calendar-manager", "slack-notifier" };
      g_autofree char         *name = g_strdup_printf ("Agent %u", i + 1);
      g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup (templates[i % 3]), name, NULL);

      af_agent_set_last_run (agent, now - (gint64)(i % 600) * 60 * G_USEC_PER_SEC);
      af_agent_set_next_run (agent, now + (gint64)(i % 120 + 1) * 60 * G_USEC_PER_SEC);
      if (i % 7 == 3)
        af_agent_set_state (agent, AF_AGENT_STATE_PAUSED, NULL);
      else if (i % 11 == 5)
        af_agent_set_state (agent, AF_AGENT_STATE_NEEDS_ATTENTION, "The Google account was disconnected");
      g_list_store_append (agents, agent);
    }

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  page = g_object_new (AF_TYPE_AGENTS_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "update", G_CALLBACK (on_update_cb), NULL);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_after_paint_cb), NULL);
  wait_for_frame ();

  t = g_get_monotonic_time ();
  af_agents_page_set_model (AF_AGENTS_PAGE (page), G_LIST_MODEL (agents));
  list = find_list_view (page);
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  for (guint i = 0; i < 100 && (!gtk_widget_get_mapped (list) || gtk_adjustment_get_upper (adj) <= gtk_adjustment_get_page_size (adj)); i++)
    wait_for_frame ();
  g_print ("agents %u\n", n_agents);
  g_print ("open-ms %.1f\n", (g_get_monotonic_time () - t) / 1000.0);

  intervals = g_array_new (FALSE, FALSE, sizeof (double));
  work = g_array_new (FALSE, FALSE, sizeof (double));
  t = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (list, on_tick_cb, NULL, NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_print ("scroll-s %.2f\n", (g_get_monotonic_time () - t) / (double)G_USEC_PER_SEC);
  g_print ("scroll-reached-end %d\n",
           gtk_adjustment_get_value (adj) >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 1);
  g_print ("frames %u\n", intervals->len);
  g_array_sort (intervals, compare_doubles);
  g_print ("frame-median-ms %.2f\n", percentile (intervals, 0.5));
  g_print ("frame-p95-ms %.2f\n", percentile (intervals, 0.95));
  g_print ("frame-max-ms %.2f\n", intervals->len ? g_array_index (intervals, double, intervals->len - 1) : 0);

  /* The frame's own work, update to paint done: what the page costs,
   * apart from when the machine let the frame start. */
  g_array_sort (work, compare_doubles);
  g_print ("work-median-ms %.2f\n", percentile (work, 0.5));
  g_print ("work-p95-ms %.2f\n", percentile (work, 0.95));

  g_array_unref (work);
  g_array_unref (intervals);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
