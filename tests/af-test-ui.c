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

void
af_test_ui_wait_until_full (gboolean (*condition) (gpointer),
                            const char *condition_name,
                            gpointer    data,
                            guint       timeout_ms)
{
  g_autofree char *what = g_strdup_printf ("the condition %s", condition_name);

  af_test_wait_until_timeout (condition (data), MAX ((timeout_ms + 999) / 1000, AF_TEST_WAIT_TIMEOUT_S), what);
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

/* A fixed wait: kept for code not yet moved to af_test_wait_until(). */
void
af_test_ui_iterate (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_iterate_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * af_test_ui_settled:
 * @root: a widget
 *
 * Whether no transition runs in @root's tree: stacks, leaflets and
 * squeezers show one child, revealers are fully in or out. What a test
 * then sees is what the user sees once the animation is over.
 */
gboolean
af_test_ui_settled (GtkWidget *root)
{
  if (GTK_IS_STACK (root) && gtk_stack_get_transition_running (GTK_STACK (root)))
    return FALSE;
  if (ADW_IS_LEAFLET (root) && adw_leaflet_get_child_transition_running (ADW_LEAFLET (root)))
    return FALSE;
  if (ADW_IS_SQUEEZER (root) && adw_squeezer_get_transition_running (ADW_SQUEEZER (root)))
    return FALSE;
  if (GTK_IS_REVEALER (root) && gtk_widget_get_mapped (root) &&
      gtk_revealer_get_child_revealed (GTK_REVEALER (root)) != gtk_revealer_get_reveal_child (GTK_REVEALER (root)))
    return FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (!af_test_ui_settled (child))
      return FALSE;
  return TRUE;
}

/* Waits until af_test_ui_settled(), then for a frame painted after it. */
void
af_test_ui_wait_settled (GtkWidget  *root,
                         const char *what)
{
  g_autofree char *message = g_strdup_printf ("the transitions in %s to end", what);

  af_test_wait_until (af_test_ui_settled (root), message);
  if (gtk_widget_get_mapped (root))
    af_test_ui_wait_for_paint (root);
}

/* At the end of a test program: LeakSanitizer sees what a window loses
 * only once the window is gone. */
void
af_test_ui_destroy_windows (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  /* Animations end first: a window destroyed in the middle of one is not
   * what a user does, and libadwaita then loses the animation. */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_mapped (window))
        af_test_ui_wait_quiet (window, 250, "a window at the end of the tests");
    }

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

  af_test_wait_until (gtk_widget_get_mapped (widget), "the widget to be mapped");

  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  af_test_wait_until (painted, "a frame of the widget to be painted");
  g_signal_handler_disconnect (clock, id);
}

static void
on_count_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  (*(guint *)user_data)++;
}

static void
on_quiet_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  *(gint64 *)user_data = g_get_monotonic_time ();
}

/**
 * af_test_ui_wait_quiet:
 * @widget: a mapped widget
 * @quiet_ms: how long without a frame counts as quiet
 * @what: the widget, in words, for the failure message
 *
 * Waits until @widget's surface has painted no frame for @quiet_ms: the
 * CSS transitions (which no API shows) are over. A window that keeps
 * painting fails the test after the usual timeout.
 */
void
af_test_ui_wait_quiet (GtkWidget  *widget,
                       guint       quiet_ms,
                       const char *what)
{
  GdkFrameClock   *clock = gtk_widget_get_frame_clock (widget);
  gint64           last_paint = g_get_monotonic_time ();
  g_autofree char *message = g_strdup_printf ("%s to stop painting for %u ms", what, quiet_ms);
  gulong           id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_quiet_paint_cb), &last_paint);
  af_test_wait_until (g_get_monotonic_time () - last_paint >= (gint64)quiet_ms * 1000, message);
  g_signal_handler_disconnect (clock, id);
}

/**
 * af_test_ui_count_paints:
 * @widget: a mapped widget
 * @ms: how long to watch
 *
 * How many frames @widget's surface paints in @ms milliseconds. A
 * measurement of a rate, the one place where a test watches the clock:
 * "an idle window draws nothing" is a statement about time. Never a way
 * to wait for something; see af_test_wait_until().
 */
guint
af_test_ui_count_paints (GtkWidget *widget,
                         guint      ms)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean       over = FALSE;
  guint          paints = 0;
  gulong         id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_count_paint_cb), &paints);
  g_timeout_add (ms, on_iterate_done_cb, &over);
  while (!over)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
  return paints;
}

static GskRenderNode *
snapshot_node (GdkPaintable *paintable,
               int           width,
               int           height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  return gtk_snapshot_free_to_node (snapshot);
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
  g_autoptr (GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int          width, height;

  af_test_ui_wait_for_paint (widget);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* A new window may paint its first frame before its content has a
   * render node of its own. */
  af_test_wait_until ((node = snapshot_node (paintable, width, height)) != NULL,
                      "the widget to have something to render");

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

/* af_test_ui_find_widget(), once it is there: a list makes its rows at
 * its next layout, which on a slow machine (a sanitizer build) may come
 * several frames after the page switch. */
GtkWidget *
af_test_ui_wait_for_widget (GtkWidget  *root,
                            GType       type,
                            const char *label_or_title)
{
  GtkWidget       *found = NULL;
  g_autofree char *what = g_strdup_printf ("a %s “%s” to appear", g_type_name (type),
                                           label_or_title ? label_or_title : "(any)");

  af_test_wait_until ((found = af_test_ui_find_widget (root, type, label_or_title)) != NULL, what);
  return found;
}

static void
on_clicked_cb (GtkButton *button,
               gpointer   user_data)
{
  (*(guint *)user_data)++;
}

/**
 * af_test_ui_click:
 * @button: a sensitive, realized #GtkButton
 *
 * Activates @button as the keyboard does (Space, Enter), press animation
 * included, and returns once its ::clicked handlers have run.
 */
void
af_test_ui_click (GtkWidget *button)
{
  g_autoptr (GtkWidget) ref = NULL;
  g_autofree char *what = NULL;
  guint            clicked = 0;
  gulong           id;

  g_assert_nonnull (button);
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  /* Held: a click may remove the button (a row's delete). */
  ref = g_object_ref (button);
  what = g_strdup_printf ("the button “%s” to be clicked",
                          gtk_button_get_label (GTK_BUTTON (button))       ? gtk_button_get_label (GTK_BUTTON (button))
                          : gtk_button_get_icon_name (GTK_BUTTON (button)) ? gtk_button_get_icon_name (GTK_BUTTON (button))
                                                                           : "(no label)");
  id = g_signal_connect_after (button, "clicked", G_CALLBACK (on_clicked_cb), &clicked);
  g_assert_true (gtk_widget_activate (button));
  af_test_wait_until (clicked > 0, what);
  g_signal_handler_disconnect (button, id);
}

static GtkWidget *
find_row (GtkWidget *root,
          gpointer   item)
{
  if (g_object_get_data (G_OBJECT (root), "item") == item)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, item);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * af_test_ui_wait_for_row:
 * @root: a page
 * @item: an item of the page's list
 *
 * Waits for the row a list page made for @item: the widget carrying it as
 * its "item" (the pages' factories set it), once the list has laid it out.
 *
 * Returns: (transfer none): the row
 */
GtkWidget *
af_test_ui_wait_for_row (GtkWidget *root,
                         gpointer   item)
{
  GtkWidget *row = NULL;

  af_test_wait_until ((row = find_row (root, item)) != NULL, "the item's row to be in the list");
  return row;
}

static GtkWidget *
find_model_item (GtkWidget  *root,
                 const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "GtkModelButton"))
        {
          g_autofree char *text = NULL;

          GtkWidget *shown = af_test_ui_find_widget (child, GTK_TYPE_LABEL, NULL);

          g_object_get (child, "text", &text, NULL);
          if (g_strcmp0 (text, label) == 0 || (shown != NULL && g_strcmp0 (gtk_label_get_label (GTK_LABEL (shown)), label) == 0))
            return child;
        }
      if ((found = find_model_item (child, label)) != NULL)
        return found;
    }
  return NULL;
}

/**
 * af_test_ui_choose_from_menu:
 * @row: a row with a menu button
 * @label: the menu item's label, mnemonic included ("_Delete…")
 *
 * Opens the row's menu, as a click on its button does, and clicks @label.
 */
void
af_test_ui_choose_from_menu (GtkWidget  *row,
                             const char *label)
{
  GtkWidget  *more = af_test_ui_find_widget (row, GTK_TYPE_MENU_BUTTON, NULL);
  GtkPopover *popover;
  GtkWidget  *item;

  g_assert_nonnull (more);
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (more));
  g_assert_nonnull (popover);
  gtk_menu_button_popup (GTK_MENU_BUTTON (more));
  af_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (popover)), "the row's menu to open");
  item = af_test_ui_find_widget (GTK_WIDGET (popover), GTK_TYPE_BUTTON, label);
  if (item == NULL)
    {
      /* A menu model's items are GtkModelButtons, not GtkButtons: activate
       * the one showing @label, as a click or Enter on it does. */
      item = find_model_item (GTK_WIDGET (popover), label);
      g_assert_nonnull (item);
      g_assert_true (gtk_widget_activate (item));
      return;
    }
  af_test_ui_click (item);
}

/**
 * af_test_ui_activate_list_item:
 * @list_view: a #GtkListView
 * @item: an item of its model
 *
 * Activates @item's row through the list's "list.activate-item" action,
 * what a click (with single-click-activate) or Enter on the row does.
 */
void
af_test_ui_activate_list_item (GtkWidget *list_view,
                               gpointer   item)
{
  GListModel *model;
  guint       n;

  g_assert_true (GTK_IS_LIST_VIEW (list_view));
  model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) candidate = g_list_model_get_item (model, i);

      if (candidate == item)
        {
          g_assert_true (gtk_widget_activate_action (list_view, "list.activate-item", "u", i));
          return;
        }
    }
  g_error ("The item is not in the list");
}

const char *
af_test_ui_combo_choice (AdwComboRow *row)
{
  return gtk_string_object_get_string (GTK_STRING_OBJECT (adw_combo_row_get_selected_item (row)));
}

void
af_test_ui_combo_choose (AdwComboRow *row,
                         const char  *text)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), text))
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("no choice “%s”", text);
}

static gboolean
never_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

GSource *
af_test_ui_find_source_named (const char *name)
{
  guint last = g_idle_add (never_cb, NULL);

  g_source_remove (last);
  for (guint id = 1; id < last; id++)
    {
      GSource *source = g_main_context_find_source_by_id (NULL, id);

      if (source != NULL && !g_source_is_destroyed (source) && g_strcmp0 (g_source_get_name (source), name) == 0)
        return source;
    }
  return NULL;
}
