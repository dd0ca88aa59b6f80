/* test-icons.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The icons the window shows come from the app's own resource as
 * pre-rendered symbolic PNGs: the activity feed's kinds and every icon a
 * .ui file names resolve there, recolour with the style like any symbolic
 * icon, and showing them does not load an SVG renderer (librsvg alone is
 * several megabytes of private memory for a process that idles all day).
 */

#include "config.h"

#include <adwaita.h>

#include "af-activity-row.h"
#include "af-test-ui.h"

#define ICON_PATH "/org/agentflow/App/icons"

/* Every kind the engine writes to the activity log (af-activity-row.c),
 * and one it does not know. */
static const char *const kinds[] = {
  "run-started",
  "run-finished",
  "run-idle",
  "fetched",
  "decided",
  "action-done",
  "action-failed",
  "action-skipped",
  "action-denied",
  "approval-requested",
  "approval-pending",
  "approval-denied",
  "approval-expired",
  "deferred",
  "paused",
  "resumed",
  "error",
  "some-future-kind",
};

/* The editor's rule rows keep the stock icons: they are not shown at start
 * and their buttons are found by these names. */
static const char *const stock_kept[] = {
  "go-up-symbolic",
  "go-down-symbolic",
  "user-trash-symbolic",
};

static GtkIconTheme *
app_icon_theme (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_auto (GStrv) paths = gtk_icon_theme_get_resource_path (theme);

  /* What GtkApplication does for the application's resource base path. */
  if (paths == NULL || !g_strv_contains ((const char *const *)paths, ICON_PATH))
    gtk_icon_theme_add_resource_path (theme, ICON_PATH);
  return theme;
}

static void
add_ui_icon_names (GHashTable *names,
                   const char *dir)
{
  g_autoptr (GRegex) regex = g_regex_new ("<property name=\"icon-name\">([^<]+)</property>", 0, 0, NULL);
  g_auto (GStrv) children = g_resources_enumerate_children (dir, 0, NULL);

  g_assert_nonnull (children);
  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (dir, children[i], NULL);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GMatchInfo) match = NULL;
      g_autofree char *text = NULL;

      if (!g_str_has_suffix (children[i], ".ui"))
        continue;
      bytes = g_resources_lookup_data (path, 0, NULL);
      g_assert_nonnull (bytes);
      text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      for (g_regex_match (regex, text, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
        {
          char *name = g_match_info_fetch (match, 1);

          if (g_strv_contains (stock_kept, name))
            g_free (name);
          else
            g_hash_table_add (names, name);
        }
    }
}

static gboolean
librsvg_mapped (void)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, "librsvg") != NULL;
}

/* Looks @name up as a widget would and draws it: the icon must be one of
 * the app's pre-rendered symbolic PNGs, not a theme's SVG. */
static void
assert_app_icon (GtkIconTheme    *theme,
                 const char      *name,
                 int              size,
                 int              scale,
                 GtkTextDirection direction,
                 const char      *expected_file)
{
  g_autoptr (GtkIconPaintable) icon = gtk_icon_theme_lookup_icon (theme, name, NULL, size, scale, direction, 0);
  g_autoptr (GFile) file = gtk_icon_paintable_get_file (icon);
  g_autofree char *uri = file != NULL ? g_file_get_uri (file) : NULL;
  g_autofree char *basename = file != NULL ? g_file_get_basename (file) : NULL;
  g_autofree char *expected = g_strconcat (expected_file != NULL ? expected_file : name, ".symbolic.png", NULL);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;

  g_test_message ("%s at %d×%d: %s", name, size, scale, uri);
  g_assert_nonnull (uri);
  g_assert_true (g_str_has_prefix (uri, "resource://" ICON_PATH "/"));
  g_assert_cmpstr (basename, ==, expected);
  g_assert_true (gtk_icon_paintable_is_symbolic (icon));

  /* Drawn with the foreground colour: a symbolic icon goes through a
   * colour matrix, and it has content. */
  gdk_paintable_snapshot (GDK_PAINTABLE (icon), snapshot, size, size);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  g_assert_cmpint (gsk_render_node_get_node_type (node), ==, GSK_COLOR_MATRIX_NODE);
}

static void
test_shown_icons_are_the_apps (void)
{
  GtkIconTheme *theme = app_icon_theme ();
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  const char    *name;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    g_hash_table_add (names, g_strdup (af_activity_kind_icon_name (kinds[i])));
  /* Every .ui file, the keyboard shortcuts window's too, is under ui/. */
  add_ui_icon_names (names, "/org/agentflow/App/ui/");
  /* The window's sidebar, header bar and empty states at least. */
  g_assert_cmpuint (g_hash_table_size (names), >=, 15);

  g_assert_false (librsvg_mapped ());
  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, (gpointer *)&name, NULL))
    {
      assert_app_icon (theme, name, 16, 1, GTK_TEXT_DIR_LTR, NULL);
      assert_app_icon (theme, name, 16, 2, GTK_TEXT_DIR_LTR, NULL);
      /* The size of AdwStatusPage's icon. */
      assert_app_icon (theme, name, 128, 1, GTK_TEXT_DIR_LTR, NULL);
    }
  g_assert_false (librsvg_mapped ());
}

/* A back arrow points the other way in a right-to-left language. */
static void
test_arrows_follow_text_direction (void)
{
  GtkIconTheme *theme = app_icon_theme ();

  assert_app_icon (theme, "af-back-symbolic", 16, 1, GTK_TEXT_DIR_LTR, "af-back-symbolic");
  assert_app_icon (theme, "af-back-symbolic", 16, 1, GTK_TEXT_DIR_RTL, "af-back-symbolic-rtl");
  assert_app_icon (theme, "af-next-symbolic", 16, 1, GTK_TEXT_DIR_RTL, "af-next-symbolic-rtl");
}

int
main (int   argc,
      char *argv[])
{
  if (!af_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/icons/shown-icons-are-the-apps", test_shown_icons_are_the_apps);
  g_test_add_func ("/icons/arrows-follow-text-direction", test_arrows_follow_text_direction);

  return g_test_run ();
}
