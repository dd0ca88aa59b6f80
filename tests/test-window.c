/* test-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <libsecret/secret.h>

#include "af-application.h"
#include "af-model-settings.h"
#include "af-preferences-window.h"
#include "af-template-picker.h"
#include "af-test-ui.h"
#include "af-vault.h"
#include "af-window.h"

static AfApplication *app;
static guint          n_activations;

static void
on_activate_cb (GApplication *application,
                gpointer      user_data)
{
  n_activations++;
}

static AfWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static guint
count_windows_of_type (GType type)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (g_type_is_a (G_OBJECT_TYPE (l->data), type))
      n++;
  return n;
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

static gboolean
agents_loaded_cond (gpointer data)
{
  return af_window_get_engine (data) != NULL;
}

static void
test_empty_state (void)
{
  AfWindow  *window = main_window ();
  GtkWidget *status;
  GtkWidget *button;
  double     stddev;

  g_assert_nonnull (window);
  af_test_ui_wait_for_paint (GTK_WIDGET (window));
  /* The agents load after the first frame; until then the page is blank. */
  af_test_ui_wait_until (agents_loaded_cond, window, 10000);
  af_test_ui_wait_for_paint (GTK_WIDGET (window));

  g_assert_cmpstr (af_window_get_visible_page (window), ==, "dashboard");
  status = af_test_ui_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, "No Agents Yet");
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_mapped (status));
  button = af_test_ui_find_widget (status, GTK_TYPE_BUTTON, "_Create Agent");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.new-agent");

  stddev = af_test_ui_save_and_measure (GTK_WIDGET (window), "window-empty");
  g_test_message ("luminance stddev %.2f", stddev);
  g_assert_cmpfloat (stddev, >, 5.0);
}

static void
test_accels (void)
{
  static const struct
  {
    const char *action;
    const char *accel;
  } expected[] = {
    { "app.quit", "<Control>q" },
    { "window.close", "<Control>w" },
    { "app.preferences", "<Control>comma" },
    { "win.new-agent", "<Control>n" },
    { "win.show-help-overlay", "<Control>question" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                     expected[i].action);

      g_assert_true (g_strv_contains ((const char *const *)accels, expected[i].accel));
    }

  for (const char *const *name = (const char *const[]){ "about", "preferences", "quit", NULL }; *name; name++)
    g_assert_true (g_action_map_lookup_action (G_ACTION_MAP (app), *name) != NULL);
}

static gboolean
no_visible_toplevel_of_type_cond (gpointer data)
{
  return find_toplevel_of_type ((GType)GPOINTER_TO_SIZE (data)) == NULL;
}

/* Keyboard Shortcuts (the primary menu, Ctrl+?) shows the shortcuts
 * window, built when first asked for; closed, it can be shown again. */
static void
test_keyboard_shortcuts (void)
{
  AfWindow  *window = main_window ();
  GtkWindow *shortcuts;

  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
      af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 5000);
      shortcuts = find_toplevel_of_type (GTK_TYPE_SHORTCUTS_WINDOW);
      g_assert_true (GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window))) == shortcuts);
      g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (window));
      g_assert_true (gtk_window_get_modal (shortcuts));
      g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (shortcuts), GTK_TYPE_SHORTCUTS_SHORTCUT, NULL));
      gtk_window_close (shortcuts);
      af_test_ui_wait_until (no_visible_toplevel_of_type_cond, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 5000);
    }
}

static void
test_about (void)
{
  GtkWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), 5000);
  about = find_toplevel_of_type (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "AgentFlow");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  gtk_window_destroy (about);
}

/* A menu model's items are GtkModelButtons; the one showing @label. */
static GtkWidget *
find_menu_item (GtkWidget  *root,
                const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *text = NULL;
      GtkWidget       *found;

      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "GtkModelButton"))
        {
          GtkWidget *shown = af_test_ui_find_widget (child, GTK_TYPE_LABEL, NULL);

          g_object_get (child, "text", &text, NULL);
          if (g_strcmp0 (text, label) == 0 || (shown != NULL && g_strcmp0 (gtk_label_get_label (GTK_LABEL (shown)), label) == 0))
            return child;
        }
      if ((found = find_menu_item (child, label)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_by_tooltip (GtkWidget  *root,
                 const char *tooltip)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_tooltip (child, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
menu_open_cond (gpointer data)
{
  GtkPopover *popover = gtk_menu_button_get_popover (data);

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover));
}

static gboolean
menu_closed_cond (gpointer data)
{
  GtkPopover *popover = gtk_menu_button_get_popover (data);

  return popover == NULL || !gtk_widget_get_mapped (GTK_WIDGET (popover));
}

/* The main menu opens, as a click or F10 opens it, with every item, and
 * its items work; it opens again after that. */
static void
test_main_menu (void)
{
  static const char *items[] = { "_Preferences", "_Keyboard Shortcuts", "_About AgentFlow", "_Quit" };
  AfWindow          *window = main_window ();
  GtkWidget         *button = find_by_tooltip (GTK_WIDGET (window), "Main Menu");
  GtkWidget         *popover;

  /* Both buttons of the sidebar's header bar are on screen, with their
   * tooltips. */
  g_assert_true (gtk_widget_get_mapped (find_by_tooltip (GTK_WIDGET (window), "New Agent (Ctrl+N)")));
  g_assert_true (GTK_IS_MENU_BUTTON (button));
  g_assert_true (gtk_menu_button_get_primary (GTK_MENU_BUTTON (button)));
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));

  for (guint round = 0; round < 2; round++)
    {
      gtk_menu_button_popup (GTK_MENU_BUTTON (button));
      af_test_ui_wait_until (menu_open_cond, button, 5000);
      popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
      for (guint i = 0; i < G_N_ELEMENTS (items); i++)
        if (find_menu_item (popover, items[i]) == NULL)
          g_error ("No “%s” in the main menu", items[i]);
      if (round == 0)
        {
          g_assert_true (gtk_widget_activate (find_menu_item (popover, "_About AgentFlow")));
          af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), 5000);
          gtk_window_destroy (find_toplevel_of_type (ADW_TYPE_ABOUT_WINDOW));
        }
      else
        gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
      af_test_ui_wait_until (menu_closed_cond, button, 5000);
    }
}

static void
test_preferences_style (void)
{
  GtkWindow       *prefs;
  GtkWidget       *row;
  GSettings       *settings = af_application_get_settings (app);
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_PREFERENCES_WINDOW), 5000);
  prefs = find_toplevel_of_type (AF_TYPE_PREFERENCES_WINDOW);
  af_test_ui_wait_for_paint (GTK_WIDGET (prefs));
  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (prefs), "preferences"), >, 5.0);

  row = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_COMBO_ROW, "_Style");
  g_assert_nonnull (row);

  /* Client IDs and the OpenID Connect issuer are for developers: folded
   * away under Advanced, saved as typed. */
  {
    GtkWidget       *providers = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_EXPANDER_ROW, "Sign-In _Providers");
    GtkWidget       *issuer = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "OpenID Connect Issuer URL");
    GtkWidget       *google = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "Google Client ID");
    GtkWidget       *slack = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "Slack Client ID");
    GtkWidget       *group;
    g_autofree char *saved = NULL;

    g_assert_nonnull (providers);
    g_assert_nonnull (issuer);
    g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (providers)));
    group = gtk_widget_get_ancestor (providers, ADW_TYPE_PREFERENCES_GROUP);
    g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==, "Advanced");
    g_assert_true (gtk_widget_is_ancestor (google, providers));
    g_assert_true (gtk_widget_is_ancestor (slack, providers));
    g_assert_true (gtk_widget_is_ancestor (issuer, providers));
    gtk_editable_set_text (GTK_EDITABLE (issuer), "https://auth.example.com");
    saved = g_settings_get_string (settings, "oidc-issuer");
    g_assert_cmpstr (saved, ==, "https://auth.example.com");
    g_settings_reset (settings, "oidc-issuer");
  }

  /* Choosing Dark in the row is saved and applied at once. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 2);
  g_autofree char *variant = g_settings_get_string (settings, "style-variant");
  g_assert_cmpstr (variant, ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);

  g_settings_set_string (settings, "style-variant", "system");
  g_assert_cmpint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (prefs);
}

static gboolean
auth0_secret_stored_cond (gpointer data)
{
  g_autofree char *secret = secret_password_lookup_sync (af_vault_get_schema (), NULL, NULL, "service", "auth0-client",
                                                         "account", "ui-test-auth0-client", "agent", "", NULL);

  return secret != NULL && strstr (secret, "ui-test-auth0-secret") != NULL;
}

/* Preferences → Auth0: domain and client ID in GSettings, the client
 * secret in the keyring only (the row forgets it, GSettings never has it). */
static void
test_preferences_auth0 (void)
{
  GSettings       *settings = af_application_get_settings (app);
  GtkWindow       *prefs;
  GtkWidget       *domain, *client_id, *secret;
  g_autofree char *saved = NULL;
  g_autofree char *saved_id = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_PREFERENCES_WINDOW), 5000);
  prefs = find_toplevel_of_type (AF_TYPE_PREFERENCES_WINDOW);
  domain = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "Auth0 Domain");
  client_id = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "Auth0 Client ID");
  secret = af_test_ui_find_widget (GTK_WIDGET (prefs), ADW_TYPE_PASSWORD_ENTRY_ROW, "Auth0 Client Secret (kept in the keyring)");
  g_assert_nonnull (domain);
  g_assert_nonnull (client_id);
  g_assert_nonnull (secret);

  gtk_editable_set_text (GTK_EDITABLE (domain), "example.eu.auth0.com");
  gtk_editable_set_text (GTK_EDITABLE (client_id), "ui-test-auth0-client");
  saved = g_settings_get_string (settings, "auth0-domain");
  saved_id = g_settings_get_string (settings, "auth0-client-id");
  g_assert_cmpstr (saved, ==, "example.eu.auth0.com");
  g_assert_cmpstr (saved_id, ==, "ui-test-auth0-client");

  gtk_editable_set_text (GTK_EDITABLE (secret), "ui-test-auth0-secret");
  g_signal_emit_by_name (secret, "apply");
  af_test_ui_wait_until (auth0_secret_stored_cond, NULL, 5000);
  g_assert_true (auth0_secret_stored_cond (NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (secret)), ==, "");

  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "auth0-client", NULL);
  g_settings_reset (settings, "auth0-domain");
  g_settings_reset (settings, "auth0-client-id");
  gtk_window_destroy (prefs);
}

static void
test_new_agent_dialog (void)
{
  GtkWindow *dialog;

  /* Ctrl+N opens the template picker over the window; Escape closes it. */
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.new-agent", NULL);
  af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_TEMPLATE_PICKER), 5000);
  dialog = find_toplevel_of_type (AF_TYPE_TEMPLATE_PICKER);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (main_window ()));
  g_assert_true (gtk_window_get_modal (dialog));
  gtk_window_close (dialog);
  af_test_wait_until (find_toplevel_of_type (AF_TYPE_TEMPLATE_PICKER) == NULL, "the template picker to close");
  g_assert_null (find_toplevel_of_type (AF_TYPE_TEMPLATE_PICKER));
}

static void
on_child_exited_cb (GPid     pid,
                    int      status,
                    gpointer user_data)
{
  *(int *)user_data = status;
  g_spawn_close_pid (pid);
}

static gboolean
second_launch_done_cond (gpointer data)
{
  return *(int *)data != -1 && n_activations >= 2;
}

static void
test_single_instance (void)
{
  const char      *builddir = g_getenv ("AGENTFLOW_TOP_BUILDDIR");
  g_autofree char *binary = g_build_filename (builddir, "src", "agentflow", NULL);
  const char      *argv[] = { binary, NULL };
  g_autoptr (GError) error = NULL;
  int  status = -1;
  GPid pid;

  g_assert_cmpuint (n_activations, ==, 1);

  /* A second launch hands over to this instance and exits. */
  g_assert_true (g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  g_child_watch_add (pid, on_child_exited_cb, &status);
  af_test_ui_wait_until (second_launch_done_cond, &status, 20000);

  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpuint (n_activations, ==, 2);
  g_assert_cmpuint (count_windows_of_type (AF_TYPE_WINDOW), ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (main_window ())));
}

static void
test_window_size_saved (void)
{
  AfWindow  *window = main_window ();
  GSettings *settings = af_application_get_settings (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 820, 610);
  gtk_window_close (GTK_WINDOW (window));
  /* Saved on the close request, whether the window goes or asks first. */
  af_test_wait_until (g_settings_get_int (settings, "window-width") == 820 &&
                          g_settings_get_int (settings, "window-height") == 610,
                      "the window's size to be saved on close");

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);

  /* A new window opens at the remembered size. */
  g_application_activate (G_APPLICATION (app));
  window = main_window ();
  g_assert_nonnull (window);
  {
    int w, h;

    gtk_window_get_default_size (GTK_WINDOW (window), &w, &h);
    g_assert_cmpint (w, ==, 820);
    g_assert_cmpint (h, ==, 610);
  }
}

static gboolean engine_bound_cond (gpointer data);

static void
test_idle_does_not_repaint (void)
{
  AfWindow *window = main_window ();
  guint     paints;

  /* An open window with nothing happening draws nothing: a running
   * animation on a hidden widget once kept it at 60 frames a second. */
  af_test_wait_until (engine_bound_cond (NULL), "the app to bind its engine");
  af_test_ui_wait_settled (GTK_WIDGET (window), "the main window");
  /* Binding the engine changes rows and buttons, whose CSS transitions
   * (200 ms in Adwaita) paint a few frames: a running animation would
   * never let the window go quiet. */
  af_test_ui_wait_quiet (GTK_WIDGET (window), 250, "the main window");
  paints = af_test_ui_count_paints (GTK_WIDGET (window), 1500);

  g_assert_cmpuint (paints, <=, 3);
}

static gboolean
engine_bound_cond (gpointer data)
{
  return main_window () != NULL && af_window_get_engine (main_window ()) != NULL;
}

static gboolean
model_active_is_cond (gpointer data)
{
  AfModelSettings *model = af_model_settings_get_for_engine (af_window_get_engine (main_window ()));

  return af_model_settings_get_active (model) == GPOINTER_TO_INT (data);
}

static void
test_model_settings_bound (void)
{
  GSettings       *settings = af_application_get_settings (app);
  AfEngine        *engine;
  AfModelSettings *model;
  GtkWidget       *endpoint;

  /* The app gives its engine the user's AI model, and follows changes. */
  af_test_ui_wait_until (engine_bound_cond, NULL, 10000);
  engine = af_window_get_engine (main_window ());
  model = af_model_settings_get_for_engine (engine);
  g_assert_nonnull (model);
  g_assert_false (af_model_settings_get_active (model));

  g_settings_set_string (settings, "ai-endpoint", "http://127.0.0.1:9/v1");
  g_settings_set_string (settings, "ai-model", "llama3.2");
  af_test_ui_wait_until (model_active_is_cond, GINT_TO_POINTER (TRUE), 10000);

  /* Integrations shows what is saved. */
  endpoint = af_test_ui_find_widget (af_window_get_page (main_window (), "integrations"), ADW_TYPE_ENTRY_ROW,
                                     "Endpoint");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (endpoint)), ==, "http://127.0.0.1:9/v1");

  g_settings_reset (settings, "ai-endpoint");
  g_settings_reset (settings, "ai-model");
  af_test_ui_wait_until (model_active_is_cond, GINT_TO_POINTER (FALSE), 10000);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  app = af_application_new ();
  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
  g_application_hold (G_APPLICATION (app));
  g_application_activate (G_APPLICATION (app));

  g_test_add_func ("/window/empty-state", test_empty_state);
  g_test_add_func ("/window/idle-does-not-repaint", test_idle_does_not_repaint);
  g_test_add_func ("/window/accels", test_accels);
  g_test_add_func ("/window/keyboard-shortcuts", test_keyboard_shortcuts);
  g_test_add_func ("/window/about", test_about);
  g_test_add_func ("/window/main-menu", test_main_menu);
  g_test_add_func ("/window/preferences-style", test_preferences_style);
  g_test_add_func ("/window/preferences-auth0", test_preferences_auth0);
  g_test_add_func ("/window/new-agent-dialog", test_new_agent_dialog);
  g_test_add_func ("/window/single-instance", test_single_instance);
  g_test_add_func ("/window/size-saved", test_window_size_saved);
  g_test_add_func ("/window/model-settings-bound", test_model_settings_bound);

  ret = g_test_run ();

  af_test_ui_destroy_windows ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return ret;
}
