/* bench-hello.c — the baseline for startup and memory: a minimal libadwaita
 * window, measured exactly like AgentFlow's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <time.h>

static gint64
process_cpu_us (void)
{
  struct timespec cpu = { 0 };

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  return (gint64)cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000;
}

/* The same "startup-mark STEP US cpu US" lines as AgentFlow's
 * AGENTFLOW_STARTUP_TRACE, at the same steps, to compare them one by one. */
static void
mark (const char *what)
{
  const char *t0 = g_getenv ("AGENTFLOW_BENCH_T0");

  if (t0 == NULL || g_getenv ("AGENTFLOW_STARTUP_TRACE") == NULL)
    return;
  g_print ("startup-mark %s %" G_GINT64_FORMAT " cpu %" G_GINT64_FORMAT "\n", what,
           g_get_monotonic_time () - g_ascii_strtoll (t0, NULL, 10), process_cpu_us ());
  fflush (stdout);
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  const char *t0 = g_getenv ("AGENTFLOW_BENCH_T0");

  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, user_data);

  if (t0 != NULL)
    {
      g_print ("first-frame-us %" G_GINT64_FORMAT " cpu-us %" G_GINT64_FORMAT "\n",
               g_get_monotonic_time () - g_ascii_strtoll (t0, NULL, 10), process_cpu_us ());
      fflush (stdout);
    }
  mark ("first-frame");
}

static void
on_realize_cb (GtkWidget *widget,
               gpointer   user_data)
{
  mark ("window-realized");
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                    G_CALLBACK (on_after_paint_cb), NULL);
}

static void
on_startup_cb (GApplication *app,
               gpointer      user_data)
{
  mark ("gtk-initialised");
}

static void
on_activate_cb (GApplication *app,
                gpointer      user_data)
{
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *status;

  mark ("activate");
  window = adw_application_window_new (GTK_APPLICATION (app));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  status = adw_status_page_new ();
  adw_status_page_set_title (ADW_STATUS_PAGE (status), "Hello");
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), status);
  gtk_widget_set_vexpand (status, TRUE);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  g_signal_connect (window, "realize", G_CALLBACK (on_realize_cb), NULL);
  mark ("window-created");
  gtk_window_present (GTK_WINDOW (window));
  mark ("window-presented");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AdwApplication) app = NULL;

  mark ("main");
  app = adw_application_new ("org.agentflow.BenchHello", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  g_signal_connect_after (app, "startup", G_CALLBACK (on_startup_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
