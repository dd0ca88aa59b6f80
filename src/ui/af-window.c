/* af-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-window"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "af-window.h"

struct _AfWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  /* Template widgets */
  GtkStack      *stack;
  AdwStatusPage *empty_page;
};

G_DEFINE_FINAL_TYPE (AfWindow, af_window, ADW_TYPE_APPLICATION_WINDOW)

/* Benchmarks (bench/) start the app with AGENTFLOW_BENCH_T0 set to a
 * CLOCK_MONOTONIC time in microseconds taken before exec; the first painted
 * frame prints how long it took. */
static void
on_first_frame_painted_cb (GdkFrameClock *clock,
                           AfWindow      *self)
{
  const char *t0 = g_getenv ("AGENTFLOW_BENCH_T0");

  g_signal_handlers_disconnect_by_func (clock, on_first_frame_painted_cb, self);

  if (t0 != NULL)
    {
      gint64 start = g_ascii_strtoll (t0, NULL, 10);

      g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - start);
      fflush (stdout);
    }
}

static void
on_new_agent_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
af_window_new_agent (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AfWindow  *self = AF_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   _ ("Create an Agent"),
                                   _ ("Templates for an Email Assistant, a Calendar Manager, "
                                      "a Slack Notifier and custom agents arrive with the "
                                      "agent editor. Connect your accounts first from the "
                                      "command line with “agentflow connect”."));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_new_agent_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_window_state (AfWindow *self)
{
  int width, height;

  g_assert (AF_IS_WINDOW (self));

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static void
af_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (af_window_parent_class)->realize (widget);

  if (g_getenv ("AGENTFLOW_BENCH_T0") != NULL)
    g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                      G_CALLBACK (on_first_frame_painted_cb), widget);
}

static gboolean
af_window_close_request (GtkWindow *window)
{
  save_window_state (AF_WINDOW (window));

  return GTK_WINDOW_CLASS (af_window_parent_class)->close_request (window);
}

static void
af_window_constructed (GObject *object)
{
  AfWindow *self = (AfWindow *)object;

  G_OBJECT_CLASS (af_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
af_window_dispose (GObject *object)
{
  AfWindow *self = (AfWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_WINDOW);

  G_OBJECT_CLASS (af_window_parent_class)->dispose (object);
}

static void
af_window_finalize (GObject *object)
{
  AfWindow *self = (AfWindow *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (af_window_parent_class)->finalize (object);
}

static void
af_window_class_init (AfWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = af_window_constructed;
  object_class->dispose = af_window_dispose;
  object_class->finalize = af_window_finalize;

  widget_class->realize = af_window_realize;

  window_class->close_request = af_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AfWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, empty_page);

  gtk_widget_class_install_action (widget_class, "win.new-agent", NULL, af_window_new_agent);
}

static void
af_window_init (AfWindow *self)
{
  self->settings = g_settings_new ("org.agentflow.App");

  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

AfWindow *
af_window_new (AfApplication *application)
{
  g_return_val_if_fail (AF_IS_APPLICATION (application), NULL);

  return g_object_new (AF_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * af_window_get_visible_page:
 *
 * The name of the page the window shows ("empty" when there are no agents).
 */
const char *
af_window_get_visible_page (AfWindow *self)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
