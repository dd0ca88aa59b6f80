/* af-application-actions.c: the app.* actions and their shortcuts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-application"

#include "config.h"

#include <glib/gi18n.h>

#include "af-application-private.h"
#include "af-preferences-window.h"

static void
af_application_about (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  AfApplication     *self = user_data;
  GtkWindow         *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The AgentFlow developers", NULL };
  GtkWidget         *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-icon", "org.agentflow.App",
                        "application-name", _ ("AgentFlow"),
                        "developer-name", _ ("The AgentFlow developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _ ("Personal automation for your mail, calendar and chat. "
                                       "Agents run on your computer and keep your credentials "
                                       "in your keyring."),
                        "copyright", "© 2026 The AgentFlow developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: Replace "translator-credits" with your names, one name per line */
                        "translator-credits", _ ("translator-credits"),
                        NULL);

  gtk_window_present (GTK_WINDOW (about));
}

static void
af_application_preferences (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  AfApplication       *self = user_data;
  GtkWindow           *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AfPreferencesWindow *prefs;

  prefs = af_preferences_window_new (self->settings);
  af_preferences_window_set_background (prefs, self->background);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
af_application_quit (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  af_application_request_quit (AF_APPLICATION (user_data));
}

static void
af_application_open_view (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  AfApplication *self = user_data;
  const char    *view = g_variant_get_string (parameter, NULL);

  if (self->quitting)
    return;

  af_application_present_main_window (self);

  /* The window shows the view if it has one by that name. */
  gtk_widget_activate_action (GTK_WIDGET (af_application_get_main_window (self)), "win.show-view", "s", view);
}

static const GActionEntry app_actions[] = {
  { "about", af_application_about },
  { "preferences", af_application_preferences },
  { "quit", af_application_quit },
  { "open-view", af_application_open_view, "s" },
};

void
af_application_actions_init (AfApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };

  g_assert (AF_IS_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-agent", new_accels);
  /* GtkApplication sets this one only for a gtk/help-overlay.ui resource
   * (see af-window.c). */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);
}
