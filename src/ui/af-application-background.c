/* af-application-background.c: closing the window quits or keeps the
 * agents running in the background, as the user chose
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-application"

#include "config.h"

#include <glib/gi18n.h>

#include "af-application-private.h"
#include "af-source.h"

static gboolean
on_quit_after_close_cb (gpointer user_data)
{
  AfApplication *self = user_data;

  af_application_request_quit (self);
  g_application_release (G_APPLICATION (self));

  return G_SOURCE_REMOVE;
}

static gboolean
on_close_after_question_cb (gpointer user_data)
{
  GtkWindow *window = user_data;

  if (gtk_widget_get_root (GTK_WIDGET (window)) != NULL && gtk_widget_get_visible (GTK_WIDGET (window)))
    gtk_window_close (window);

  return G_SOURCE_REMOVE;
}

static void
on_background_question_response_cb (AdwMessageDialog *dialog,
                                    const char       *response,
                                    AfApplication    *self)
{
  GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));

  if (g_str_equal (response, "cancel"))
    return;

  g_settings_set_boolean (self->settings, "run-in-background", g_str_equal (response, "background"));
  g_settings_set_boolean (self->settings, "background-asked", TRUE);

  /* Closed from an idle: the dialog is finalized when this emission ends,
   * and it must not outlive the window it is transient for. */
  if (window != NULL)
    g_source_set_name_by_id (g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_close_after_question_cb,
                                              g_object_ref (window), g_object_unref),
                             "[agentflow] close after the background question");
}

static void
ask_about_background (AfApplication *self,
                      GtkWindow     *window)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (window,
                                   _ ("Keep Agents Running?"),
                                   _ ("AgentFlow can keep running your agents after you close "
                                      "the window, so their work is done when you come back. "
                                      "Choose Quit in the main menu to stop them. "
                                      "You can change this in Preferences."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _ ("_Cancel"),
                                    "quit", _ ("_Quit"),
                                    "background", _ ("_Keep Running"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "background",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "background");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (on_background_question_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
on_window_close_request_cb (GtkWindow     *window,
                            AfApplication *self)
{
  if (self->quitting)
    return FALSE;

  if (!g_settings_get_boolean (self->settings, "background-asked"))
    {
      ask_about_background (self, window);
      return TRUE;
    }

  if (g_settings_get_boolean (self->settings, "run-in-background"))
    {
      af_application_enter_background (self);
      return FALSE;
    }

  /* Closing the window is quitting: let it close, then stop the agents the
   * same way Quit does. The hold bridges the gap between the two. */
  g_application_hold (G_APPLICATION (self));
  af_idle_add_named (G_PRIORITY_DEFAULT_IDLE, "[agentflow] quit after close", on_quit_after_close_cb, self);
  return FALSE;
}

/* Connected after AfWindow's own handler, which saves the window state. */
void
af_application_watch_window (AfApplication *self,
                             AfWindow      *window)
{
  g_assert (AF_IS_APPLICATION (self));
  g_assert (AF_IS_WINDOW (window));

  g_signal_connect_object (window, "close-request",
                           G_CALLBACK (on_window_close_request_cb), self,
                           G_CONNECT_AFTER);
}
