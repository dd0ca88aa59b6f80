/* af-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-application"

#include "config.h"

#include <glib/gi18n.h>

#include "af-application.h"
#include "af-preferences-window.h"
#include "af-window.h"

struct _AfApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (AfApplication, af_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Print the version and exit"), NULL },
  { NULL }
};

static AfWindow *
get_main_window (AfApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (const GList *l = windows; l != NULL; l = l->next)
    {
      if (AF_IS_WINDOW (l->data))
        return l->data;
    }

  return NULL;
}

static void
on_style_variant_changed_cb (AfApplication *self,
                             const char    *key,
                             GSettings     *settings)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *variant = g_settings_get_string (settings, "style-variant");
  AdwColorScheme   scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (variant, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (variant, "dark"))
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (style_manager, scheme);
}

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
  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
af_application_quit (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  AfApplication *self = user_data;
  GList         *windows;

  /* Destroying the windows first lets each save its state. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", af_application_about },
  { "preferences", af_application_preferences },
  { "quit", af_application_quit },
};

static int
af_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  return G_APPLICATION_CLASS (af_application_parent_class)->handle_local_options (app, options);
}

static void
af_application_startup (GApplication *app)
{
  AfApplication     *self = AF_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };

  G_APPLICATION_CLASS (af_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_signal_connect_object (self->settings, "changed::style-variant",
                           G_CALLBACK (on_style_variant_changed_cb), self,
                           G_CONNECT_SWAPPED);
  on_style_variant_changed_cb (self, "style-variant", self->settings);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-agent", new_accels);
}

static void
af_application_activate (GApplication *app)
{
  AfApplication *self = AF_APPLICATION (app);
  AfWindow      *window;

  window = get_main_window (self);
  if (window == NULL)
    window = af_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
}

static void
af_application_dispose (GObject *object)
{
  AfApplication *self = (AfApplication *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (af_application_parent_class)->dispose (object);
}

static void
af_application_class_init (AfApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = af_application_dispose;

  app_class->handle_local_options = af_application_handle_local_options;
  app_class->startup = af_application_startup;
  app_class->activate = af_application_activate;
}

static void
af_application_init (AfApplication *self)
{
  self->settings = g_settings_new ("org.agentflow.App");

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _ ("Agents that sort your mail, post to Slack "
                                               "and manage your calendar."));
}

AfApplication *
af_application_new (void)
{
  return g_object_new (AF_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", APPLICATION_PATH,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

GSettings *
af_application_get_settings (AfApplication *self)
{
  g_return_val_if_fail (AF_IS_APPLICATION (self), NULL);

  return self->settings;
}
