/* af-test-ui.c — helpers for UI tests under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "af-test-ui.h"

/**
 * af_test_ui_init:
 *
 * Initialises GLib's test framework and GTK. Returns %FALSE when there is no
 * display, after printing a TAP skip plan; the caller then returns 0.
 */
gboolean
af_test_ui_init (int    *argc,
                 char ***argv)
{
  g_test_init (argc, argv, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display available\n");
      return FALSE;
    }

  adw_init ();

  return TRUE;
}

typedef struct
{
  gboolean (*condition) (gpointer);
  gpointer data;
  gboolean timed_out;
} WaitData;

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  WaitData *wait = user_data;

  wait->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * af_test_ui_wait_until:
 *
 * Iterates the main loop until @condition returns %TRUE; fails the test
 * after @timeout_ms.
 */
void
af_test_ui_wait_until (gboolean (*condition) (gpointer),
                       gpointer data,
                       guint    timeout_ms)
{
  WaitData wait = { condition, data, FALSE };
  guint    id = g_timeout_add (timeout_ms, on_wait_timeout_cb, &wait);

  while (!condition (data) && !wait.timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (wait.timed_out)
    g_error ("Timed out after %u ms waiting for a condition", timeout_ms);

  g_source_remove (id);
}

static gboolean
on_idle_reached_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
flag_set_cond (gpointer data)
{
  return *(gboolean *)data;
}

/**
 * af_test_ui_wait_for_idle:
 *
 * Iterates the main loop until every source that is ready, idles
 * included, has run: what a widget deferred to an idle is done.
 */
void
af_test_ui_wait_for_idle (void)
{
  gboolean reached = FALSE;

  g_idle_add_full (G_PRIORITY_LOW, on_idle_reached_cb, &reached, NULL);
  af_test_ui_wait_until (flag_set_cond, &reached, 10000);
}

static gboolean
on_iterate_done_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
af_test_ui_iterate (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_iterate_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* At the end of a test program: LeakSanitizer sees what a window loses
 * only once the window is gone. */
void
af_test_ui_destroy_windows (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  *(gboolean *)user_data = TRUE;
}

static gboolean
painted_cond (gpointer data)
{
  return *(gboolean *)data;
}

/**
 * af_test_ui_wait_for_paint:
 *
 * Waits until @widget's surface has been painted at least once.
 */
void
af_test_ui_wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean       painted = FALSE;
  gulong         id;

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  af_test_ui_wait_until (painted_cond, &painted, 10000);
  g_signal_handler_disconnect (clock, id);
}

/**
 * af_test_ui_render:
 *
 * Renders @widget in process, the way the compositor would see it.
 *
 * Returns: (transfer full): the texture
 */
GdkTexture *
af_test_ui_render (GtkWidget *widget)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int          width, height;

  af_test_ui_wait_for_paint (widget);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  for (guint tries = 0; tries < 100 && node == NULL; tries++)
    {
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node == NULL)
        af_test_ui_iterate (20);
    }
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  return gsk_renderer_render_texture (renderer, node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/**
 * af_test_ui_save_and_measure:
 *
 * Saves a PNG of @widget as `screenshots/NAME.png` in the test build
 * directory and returns the standard deviation of its luminance (0 for a
 * blank image).
 */
double
af_test_ui_save_and_measure (GtkWidget  *widget,
                             const char *name)
{
  g_autoptr (GdkTexture) texture = af_test_ui_render (widget);
  const char        *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char   *dir = g_build_filename (builddir ? builddir : ".", "screenshots", NULL);
  g_autofree char   *file = g_strdup_printf ("%s.png", name);
  g_autofree char   *path = g_build_filename (dir, file, NULL);
  g_autofree guchar *pixels = NULL;
  int                width = gdk_texture_get_width (texture);
  int                height = gdk_texture_get_height (texture);
  gsize              stride = (gsize)width * 4;
  double             sum = 0, sum2 = 0;
  gsize              n = (gsize)width * height;

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%dx%d)", path, width, height);

  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);

  for (gsize i = 0; i < n; i++)
    {
      const guchar *p = pixels + i * 4;
      /* Cairo's format is premultiplied BGRA in native order. */
      double y = 0.0722 * p[0] + 0.7152 * p[1] + 0.2126 * p[2];

      sum += y;
      sum2 += y * y;
    }

  return sqrt (MAX (0.0, sum2 / n - (sum / n) * (sum / n)));
}

static gboolean
widget_matches (GtkWidget  *widget,
                GType       type,
                const char *text)
{
  if (!g_type_is_a (G_OBJECT_TYPE (widget), type))
    return FALSE;

  if (text == NULL)
    return TRUE;

  if (GTK_IS_BUTTON (widget))
    return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0;
  if (GTK_IS_LABEL (widget))
    return g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
  if (GTK_IS_INSCRIPTION (widget))
    return g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0;
  if (ADW_IS_STATUS_PAGE (widget))
    return g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), text) == 0;
  if (ADW_IS_PREFERENCES_ROW (widget))
    return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), text) == 0;
  if (GTK_IS_WINDOW (widget))
    return g_strcmp0 (gtk_window_get_title (GTK_WINDOW (widget)), text) == 0;

  return FALSE;
}

/**
 * af_test_ui_find_widget:
 * @root: where to start
 * @type: the type to look for
 * @label_or_title: (nullable): a button label, label text or title to match
 *
 * Depth-first search of the widget tree.
 *
 * Returns: (transfer none) (nullable): the first match
 */
GtkWidget *
af_test_ui_find_widget (GtkWidget  *root,
                        GType       type,
                        const char *label_or_title)
{
  if (widget_matches (root, type, label_or_title))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = af_test_ui_find_widget (child, type, label_or_title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  GType       type;
  const char *label_or_title;
} FindData;

static gboolean
widget_found_cond (gpointer data)
{
  FindData *find = data;

  return af_test_ui_find_widget (find->root, find->type, find->label_or_title) != NULL;
}

/* af_test_ui_find_widget(), once it is there: a list makes its rows at
 * its next layout, which on a slow machine (a sanitizer build) may come
 * several frames after the page switch. Up to 10 s. */
GtkWidget *
af_test_ui_wait_for_widget (GtkWidget  *root,
                            GType       type,
                            const char *label_or_title)
{
  FindData find = { root, type, label_or_title };

  af_test_ui_wait_until (widget_found_cond, &find, 10000);
  return af_test_ui_find_widget (root, type, label_or_title);
}
