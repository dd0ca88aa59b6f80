/* test-background.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "af-application.h"
#include "af-background.h"
#include "af-preferences-window.h"
#include "af-test-ui.h"
#include "af-window.h"

/* The first tests run the real binary as the primary instance; the later
 * ones hold the application in this process. */

typedef struct
{
  GPid     pid;
  int      status;
  gboolean exited;
} Child;

static void
on_child_exited_cb (GPid     pid,
                    int      status,
                    gpointer user_data)
{
  Child *child = user_data;

  child->status = status;
  child->exited = TRUE;
  g_spawn_close_pid (pid);
}

static gboolean
child_exited_cond (gpointer data)
{
  return ((Child *)data)->exited;
}

static void
spawn (Child      *child,
       const char *option)
{
  const char      *builddir = g_getenv ("AGENTFLOW_TOP_BUILDDIR");
  g_autofree char *binary = g_build_filename (builddir, "src", "agentflow", NULL);
  const char      *argv[] = { binary, option, NULL };
  g_autoptr (GError) error = NULL;

  child->exited = FALSE;
  child->status = -1;
  g_assert_true (g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &child->pid, &error));
  g_assert_no_error (error);
  g_child_watch_add (child->pid, on_child_exited_cb, child);
}

typedef struct
{
  GVariant *reply;
  GError   *error;
  gboolean  done;
} CallData;

static void
on_call_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CallData *data = user_data;

  data->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &data->error);
  data->done = TRUE;
}

static GVariant *
call (const char *name,
      const char *path,
      const char *iface,
      const char *method,
      GVariant   *parameters,
      GError    **error)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  CallData data = { NULL, NULL, FALSE };

  g_dbus_connection_call (bus, name, path, iface, method, parameters, NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, G_MAXINT, NULL, on_call_done_cb, &data);
  af_test_wait_until (data.done, g_strdup_printf ("a reply to %s.%s from %s", iface, method, name));
  if (data.error != NULL)
    g_propagate_error (error, data.error);
  return data.reply;
}

static gboolean
app_on_bus (void)
{
  g_autoptr (GVariant) reply = call ("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "NameHasOwner",
                                     g_variant_new ("(s)", APPLICATION_ID), NULL);
  gboolean has_owner;

  g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static gboolean
app_on_bus_cond (gpointer data)
{
  return app_on_bus ();
}

/* GtkApplication exports each window's actions on the bus: a window of
 * the other process shows as an object there. */
static gboolean
remote_window_exists (void)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = call (APPLICATION_ID, APPLICATION_PATH "/window/1", "org.gtk.Actions", "DescribeAll",
                NULL, &error);
  return reply != NULL;
}

static gboolean
remote_window_exists_cond (gpointer data)
{
  return remote_window_exists ();
}

/* A call through the other process's main loop: it answers once it has
 * run past its startup and activation, so a window it were to open would
 * be there by now; an instance that quit on its own answers nothing. */
static void
remote_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = call (APPLICATION_ID, APPLICATION_PATH, "org.gtk.Actions", "DescribeAll", NULL, &error);
  g_assert_no_error (error);
  af_test_drain ();
}

static void
remote_quit (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = call (APPLICATION_ID, APPLICATION_PATH, "org.gtk.Actions", "Activate",
                g_variant_new ("(s@ava{sv})", "quit", g_variant_new_array (G_VARIANT_TYPE_VARIANT, NULL, 0), NULL),
                &error);
  g_assert_no_error (error);
}

static void
test_start_in_background (void)
{
  Child background, second;

  g_assert_false (app_on_bus ());

  /* Autostart: the process runs, with no window. */
  spawn (&background, "--background");
  af_test_ui_wait_until (app_on_bus_cond, NULL, 20000);
  remote_round_trip ();
  g_assert_false (background.exited);
  g_assert_false (remote_window_exists ());

  /* A second --background changes nothing. */
  spawn (&second, "--background");
  af_test_ui_wait_until (child_exited_cond, &second, 20000);
  g_assert_true (g_spawn_check_wait_status (second.status, NULL));
  g_assert_false (remote_window_exists ());

  /* Opening AgentFlow presents the window of the running instance. */
  spawn (&second, NULL);
  af_test_ui_wait_until (child_exited_cond, &second, 20000);
  g_assert_true (g_spawn_check_wait_status (second.status, NULL));
  af_test_ui_wait_until (remote_window_exists_cond, NULL, 10000);
  g_assert_false (background.exited);

  /* Quit ends the process. */
  remote_quit ();
  af_test_ui_wait_until (child_exited_cond, &background, 20000);
  g_assert_true (g_spawn_check_wait_status (background.status, NULL));
  g_assert_false (app_on_bus ());
}

static void
test_dbus_activation (void)
{
  Child service;

  /* What the D-Bus service file runs: no window, but the agents run. */
  spawn (&service, "--gapplication-service");
  af_test_ui_wait_until (app_on_bus_cond, NULL, 20000);
  remote_round_trip ();
  g_assert_false (service.exited);
  g_assert_false (remote_window_exists ());

  remote_quit ();
  af_test_ui_wait_until (child_exited_cond, &service, 20000);
  g_assert_true (g_spawn_check_wait_status (service.status, NULL));
}

static AfApplication *app;

static AfWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
no_main_window_cond (gpointer data)
{
  return main_window () == NULL;
}

static GtkWindow *
find_toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (w), type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
toplevel_of_type_cond (gpointer data)
{
  return find_toplevel_of_type ((GType)GPOINTER_TO_SIZE (data)) != NULL;
}

static void
start_app (void)
{
  g_autoptr (GError) error = NULL;

  app = af_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
}

static void
test_first_close_asks (void)
{
  GSettings *settings;
  GtkWindow *dialog;

  /* From here on this process is the primary instance. */
  start_app ();
  settings = af_application_get_settings (app);
  g_assert_false (g_settings_get_boolean (settings, "background-asked"));
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));

  g_application_activate (G_APPLICATION (app));
  af_test_ui_wait_for_paint (GTK_WIDGET (main_window ()));

  /* The first close explains and asks; the window stays meanwhile. */
  gtk_window_close (GTK_WINDOW (main_window ()));
  af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
  dialog = find_toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Keep Agents Running?");
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (main_window ()));
  af_test_ui_save_and_measure (GTK_WIDGET (dialog), "background-question");
  g_assert_false (af_application_get_in_background (app));

  /* Cancel keeps the window and asks again next time. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  af_test_wait_until (find_toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG) == NULL, "the question to close");
  g_assert_nonnull (main_window ());
  g_assert_false (g_settings_get_boolean (settings, "background-asked"));

  gtk_window_close (GTK_WINDOW (main_window ()));
  af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
  dialog = find_toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "background");
  af_test_ui_wait_until (no_main_window_cond, NULL, 5000);

  g_assert_true (g_settings_get_boolean (settings, "background-asked"));
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));
  g_assert_true (af_application_get_in_background (app));
  g_assert_false (af_application_get_quitting (app));
}

static void
test_close_keeps_running (void)
{
  /* The application holds itself (test_first_close_asks left it so); a
   * window can come and go without it quitting. */
  g_assert_true (af_application_get_in_background (app));

  g_application_activate (G_APPLICATION (app));
  g_assert_nonnull (main_window ());
  gtk_window_close (GTK_WINDOW (main_window ()));
  af_test_ui_wait_until (no_main_window_cond, NULL, 5000);
  g_assert_null (find_toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (af_application_get_in_background (app));
  g_assert_false (af_application_get_quitting (app));

  /* Opening AgentFlow again brings the window back. */
  g_application_activate (G_APPLICATION (app));
  g_assert_nonnull (main_window ());
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (main_window ())));
}

static gboolean
portal_probed_cond (gpointer data)
{
  return af_background_get_portal_state (data) != AF_BACKGROUND_PORTAL_UNKNOWN;
}

static gboolean
file_exists_cond (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
file_gone_cond (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
test_autostart_file (void)
{
  AfBackground    *background = af_application_get_background (app);
  GSettings       *settings = af_application_get_settings (app);
  g_autofree char *path = af_background_dup_autostart_path ();
  g_autofree char *expected = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "autostart",
                                                APPLICATION_ID ".desktop", NULL);
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *exec = NULL;

  /* Never the real home. */
  g_assert_nonnull (g_getenv ("XDG_CONFIG_HOME"));
  g_assert_cmpstr (path, ==, expected);

  af_test_ui_wait_until (portal_probed_cond, background, 15000);
  if (af_background_get_portal_state (background) != AF_BACKGROUND_PORTAL_ABSENT &&
      g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the Background portal owns autostart here");
      return;
    }
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_settings_set_boolean (settings, "start-at-login", TRUE);
  af_test_ui_wait_until (file_exists_cond, path, 5000);

  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  exec = g_key_file_get_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "agentflow --background");
  g_assert_true (g_key_file_get_boolean (key_file, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", NULL));
  {
    g_autofree char *name = g_key_file_get_string (key_file, G_KEY_FILE_DESKTOP_GROUP, "Name", NULL);

    g_assert_cmpstr (name, ==, "AgentFlow");
  }

  g_settings_set_boolean (settings, "start-at-login", FALSE);
  af_test_ui_wait_until (file_gone_cond, path, 5000);
}

static gboolean
portal_answered_cond (gpointer data)
{
  AfBackgroundPortalState state = af_background_get_portal_state (data);

  return state == AF_BACKGROUND_PORTAL_ALLOWED || state == AF_BACKGROUND_PORTAL_DENIED;
}

static void
test_portal_request (void)
{
  AfBackground *background = af_application_get_background (app);

  af_test_ui_wait_until (portal_probed_cond, background, 15000);
  if (af_background_get_portal_state (background) == AF_BACKGROUND_PORTAL_ABSENT)
    {
      g_test_skip ("no Background portal (xdg-desktop-portal-gnome) on this system");
      return;
    }

  /* Closing the window asked already; asking again is harmless. */
  af_background_request (background, NULL);
  af_test_ui_wait_until (portal_answered_cond, background, 30000);
  g_test_message ("The Background portal answered: %s",
                  af_background_get_portal_state (background) == AF_BACKGROUND_PORTAL_ALLOWED ? "allowed" : "denied");
}

static void
test_preferences (void)
{
  GSettings *settings = af_application_get_settings (app);
  GtkWindow *prefs;
  GtkWidget *row;
  GtkWidget *sw;
  GtkWidget *permission;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_PREFERENCES_WINDOW), 5000);
  prefs = find_toplevel_of_type (AF_TYPE_PREFERENCES_WINDOW);
  gtk_window_set_default_size (prefs, 560, 760);
  af_test_ui_wait_for_paint (GTK_WIDGET (prefs));

  row = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ACTION_ROW, "Run in _Background");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));
  g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ACTION_ROW, "Start at _Login"));
  g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ACTION_ROW, "_Notifications"));

  /* The portal's answer, when there is a portal. */
  permission = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ACTION_ROW, "System Permission");
  g_assert_nonnull (permission);
  switch (af_background_get_portal_state (af_application_get_background (app)))
    {
    case AF_BACKGROUND_PORTAL_ABSENT:
      g_assert_false (gtk_widget_get_visible (permission));
      break;

    case AF_BACKGROUND_PORTAL_ALLOWED:
      g_assert_true (gtk_widget_get_visible (permission));
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (permission)), ==, "Allowed to run in the background");
      break;

    case AF_BACKGROUND_PORTAL_UNKNOWN:
    case AF_BACKGROUND_PORTAL_AVAILABLE:
    case AF_BACKGROUND_PORTAL_DENIED:
    default:
      g_assert_true (gtk_widget_get_visible (permission));
      break;
    }

  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (prefs), "preferences-background"), >, 5.0);

  /* The switches are the settings. */
  sw = af_test_ui_find_widget (row, GTK_TYPE_SWITCH, NULL);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));
  gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "run-in-background"));
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));

  row = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ACTION_ROW, "_Notifications");
  gtk_switch_set_active (GTK_SWITCH (af_test_ui_find_widget (row, GTK_TYPE_SWITCH, NULL)), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "notifications"));
  g_settings_set_boolean (settings, "notifications", TRUE);

  gtk_window_destroy (prefs);
}

typedef struct
{
  guint    blocker;
  gboolean shutdown_requested;
  gboolean blocker_removed;
} QuitData;

static void
on_shutdown_requested_cb (AfApplication *application,
                          QuitData      *data)
{
  data->shutdown_requested = TRUE;
  g_assert_true (g_cancellable_is_cancelled (af_application_get_shutdown_cancellable (application)));
  g_assert_null (main_window ());
}

static gboolean
on_remove_blocker_cb (gpointer user_data)
{
  QuitData *data = user_data;

  /* Quit waits for the blocker. */
  g_assert_true (data->shutdown_requested);
  g_assert_true (af_application_get_quitting (app));
  data->blocker_removed = TRUE;
  af_application_remove_quit_blocker (app, data->blocker);

  return G_SOURCE_REMOVE;
}

static gboolean
on_quit_cb (gpointer user_data)
{
  QuitData *data = user_data;

  /* What the engine does when a run starts. */
  data->blocker = af_application_add_quit_blocker (app, "test run");
  g_assert_cmpuint (data->blocker, !=, 0);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_timeout_add (300, on_remove_blocker_cb, data);

  return G_SOURCE_REMOVE;
}

static void
test_quit_waits_for_blockers (void)
{
  QuitData data = { 0 };
  int      status;

  g_signal_connect (app, "shutdown-requested", G_CALLBACK (on_shutdown_requested_cb), &data);

  /* Quit leaves g_application_run(), so run it: this is the last test. */
  g_idle_add (on_quit_cb, &data);
  status = g_application_run (G_APPLICATION (app), 0, NULL);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (data.shutdown_requested);
  g_assert_true (data.blocker_removed);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/background/start-in-background", test_start_in_background);
  g_test_add_func ("/background/dbus-activation", test_dbus_activation);
  g_test_add_func ("/background/first-close-asks", test_first_close_asks);
  g_test_add_func ("/background/close-keeps-running", test_close_keeps_running);
  g_test_add_func ("/background/autostart-file", test_autostart_file);
  g_test_add_func ("/background/portal-request", test_portal_request);
  g_test_add_func ("/background/preferences", test_preferences);
  g_test_add_func ("/background/quit-waits-for-blockers", test_quit_waits_for_blockers);

  ret = g_test_run ();

  af_test_ui_destroy_windows ();
  g_clear_object (&app);

  return ret;
}
