/* test-views.c — the window's pages, folding, the template picker and the
 * agent editor, driven through their actions and widgets under Xvfb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "af-test-auth.h"

#include "af-activity-row.h"
#include "af-agent-editor.h"
#include "af-agent-page.h"
#include "af-agents-page.h"
#include "af-application.h"
#include "af-approvals-page.h"
#include "af-rule-row.h"
#include "af-dashboard-page.h"
#include "af-integrations-page.h"
#include "af-model-settings.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"
#include "af-template-picker.h"
#include "af-test-ui.h"
#include "af-window.h"

/* A stand-in for the engine's activity, approval and agent items: the
 * pages read them through string properties and "timestamp". */
#define TEST_TYPE_ITEM (test_item_get_type ())
G_DECLARE_FINAL_TYPE (TestItem, test_item, TEST, ITEM, GObject)

static const char *const item_props[] = { "agent-name", "kind", "summary", "details", "reason",
                                          "preview", "consequence", "name", "status-text" };

struct _TestItem
{
  GObject parent_instance;
  char   *values[G_N_ELEMENTS (item_props)];
  gint64  timestamp;
};

G_DEFINE_FINAL_TYPE (TestItem, test_item, G_TYPE_OBJECT)

static void
test_item_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TestItem *self = TEST_ITEM (object);

  if (prop_id == G_N_ELEMENTS (item_props) + 1)
    g_value_set_int64 (value, self->timestamp);
  else
    g_value_set_string (value, self->values[prop_id - 1]);
}

static void
test_item_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TestItem *self = TEST_ITEM (object);

  if (prop_id == G_N_ELEMENTS (item_props) + 1)
    self->timestamp = g_value_get_int64 (value);
  else
    {
      g_free (self->values[prop_id - 1]);
      self->values[prop_id - 1] = g_value_dup_string (value);
    }
}

static void
test_item_finalize (GObject *object)
{
  TestItem *self = TEST_ITEM (object);

  for (guint i = 0; i < G_N_ELEMENTS (item_props); i++)
    g_free (self->values[i]);
  G_OBJECT_CLASS (test_item_parent_class)->finalize (object);
}

static void
test_item_class_init (TestItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_item_get_property;
  object_class->set_property = test_item_set_property;
  object_class->finalize = test_item_finalize;

  for (guint i = 0; i < G_N_ELEMENTS (item_props); i++)
    g_object_class_install_property (object_class, i + 1,
                                     g_param_spec_string (item_props[i], NULL, NULL, NULL,
                                                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, G_N_ELEMENTS (item_props) + 1,
                                   g_param_spec_int64 ("timestamp", NULL, NULL, 0, G_MAXINT64, 0,
                                                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
test_item_init (TestItem *self)
{
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
no_toplevel_of_type_cond (gpointer data)
{
  return find_toplevel_of_type ((GType)GPOINTER_TO_SIZE (data)) == NULL;
}

static GtkWindow *
wait_for_toplevel (GType type)
{
  g_test_message ("waiting for a %s", g_type_name (type));
  af_test_ui_wait_until (toplevel_of_type_cond, GSIZE_TO_POINTER (type), 5000);
  return find_toplevel_of_type (type);
}

static GtkWidget *
find_button_by_icon (GtkWidget  *root,
                     const char *icon_name)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (root)), icon_name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_by_icon (child, icon_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_widget_with_class (GtkWidget  *root,
                        const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_with_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* What the keyboard does to a focused button, press animation included. */
static void
click (GtkWidget *button)
{
  af_test_ui_click (button);
}

/* The page switch and its crossfade, once what moves on the page shown
 * has stopped (a row's title animation, a button's transition). */
static void
show_view (const char *view)
{
  af_test_ui_wait_quiet (GTK_WIDGET (main_window ()), 250, "the window before a page switch");
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.show-view", "s", view);
  af_test_ui_wait_settled (GTK_WIDGET (main_window ()), "the window");
}

static void
assert_rendered (GtkWidget  *widget,
                 const char *name)
{
  double stddev;

  af_test_ui_wait_settled (widget, name);
  stddev = af_test_ui_save_and_measure (widget, name);
  g_test_message ("%s: luminance stddev %.2f", name, stddev);
  g_assert_cmpfloat (stddev, >, 5.0);
}

/* GListStore takes a reference of its own: hand it @item and drop ours. */
static gboolean
widget_mapped (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_get_mapped (widget);
}

static void
append_item (GListStore *store,
             gpointer    item)
{
  g_autoptr (GObject) owned = item;

  g_list_store_append (store, owned);
}

typedef struct
{
  GListModel *model;
  guint       n_items;
} NItemsWait;

static gboolean
n_items_cond (gpointer data)
{
  NItemsWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n_items;
}

static TestItem *
activity_item (const char *agent,
               const char *kind,
               const char *summary,
               gint64      age_seconds)
{
  return g_object_new (TEST_TYPE_ITEM,
                       "agent-name", agent,
                       "kind", kind,
                       "summary", summary,
                       "details", "{\"message\": \"18c2f\", \"duration_ms\": 412}",
                       "timestamp", g_get_real_time () / G_USEC_PER_SEC - age_seconds,
                       NULL);
}

static void
set_size (int width,
          int height)
{
  AfWindow *window = main_window ();

  gtk_window_unmaximize (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  /* The default size counts the client-side shadow: the window's own
   * allocation is a few pixels smaller. */
  af_test_wait_until (ABS (gtk_widget_get_width (GTK_WIDGET (window)) - width) <= 20 &&
                          ABS (gtk_widget_get_height (GTK_WIDGET (window)) - height) <= 20,
                      g_strdup_printf ("the window to take its new size %dx%d (it is %dx%d)", width, height,
                                       gtk_widget_get_width (GTK_WIDGET (window)),
                                       gtk_widget_get_height (GTK_WIDGET (window))));
  af_test_ui_wait_settled (GTK_WIDGET (window), "the resized window");
}

static void
test_pages (void)
{
  static const struct
  {
    const char *view;
    const char *page;
    const char *status;
  } pages[] = {
    { "dashboard", "dashboard", "No Agents Yet" },
    { "agents", "agents", "No Agents" },
    { "approvals", "approvals", "Nothing to Approve" },
    { "integrations", "integrations", NULL },
    /* Names used by notifications. */
    { "connections", "integrations", NULL },
    { "activity", "dashboard", NULL },
  };
  AfWindow *window = main_window ();

  set_size (980, 680);
  af_test_ui_wait_for_paint (GTK_WIDGET (window));
  g_assert_false (af_window_get_folded (window));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *status;

      show_view (pages[i].view);
      g_assert_cmpstr (af_window_get_visible_page (window), ==, pages[i].page);
      if (pages[i].status != NULL)
        {
          g_autofree char *name = g_strdup_printf ("view-%s", pages[i].page);

          status = af_test_ui_find_widget (af_window_get_page (window, pages[i].page),
                                           ADW_TYPE_STATUS_PAGE, pages[i].status);
          g_assert_nonnull (status);
          g_assert_true (gtk_widget_get_mapped (status));
          assert_rendered (GTK_WIDGET (window), name);
        }
    }

  /* Integrations: every service with Connect, and the AI model settings. */
  show_view ("integrations");
  for (const char *const *s = (const char *const[]){ "Gmail", "Google Calendar", "Slack", "Endpoint", NULL }; *s; s++)
    g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_ROW, *s));
  /* No OpenID Connect issuer configured: nothing to connect to, no row. */
  g_assert_false (gtk_widget_get_visible (af_test_ui_find_widget (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_ROW,
                                                                  "OpenID Connect")));
  assert_rendered (GTK_WIDGET (window), "view-integrations");

  /* An unknown view leaves the window where it is. */
  show_view ("nowhere");
  g_assert_cmpstr (af_window_get_visible_page (window), ==, "integrations");
  show_view ("dashboard");
}

static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  AfWindow        *window = main_window ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  show_view ("dashboard");
  assert_rendered (GTK_WIDGET (window), "view-dashboard-dark");
  show_view ("integrations");
  assert_rendered (GTK_WIDGET (window), "view-integrations-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  show_view ("dashboard");
}

/* What the feed shows for @item's time, told here the long way: "14:32"
 * on the desktop's default 24-hour clock, "Yesterday" just after midnight. */
static char *
expected_time_of (GObject *item)
{
  gint64 t = 0;
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  g_object_get (item, "timestamp", &t, NULL);
  dt = g_date_time_new_from_unix_local (t);
  if (g_date_time_get_day_of_year (dt) != g_date_time_get_day_of_year (now))
    return g_strdup ("Yesterday");
  return g_date_time_format (dt, "%H:%M");
}

typedef struct
{
  AfDashboardPage *page;
  const char      *text;
} TextWait;

static gboolean
inscription_mapped_cond (gpointer data)
{
  TextWait  *w = data;
  GtkWidget *found = af_test_ui_find_widget (GTK_WIDGET (w->page), GTK_TYPE_INSCRIPTION, w->text);

  return found != NULL && gtk_widget_get_mapped (found);
}

/* Rows from ten minutes ago read "14:32" until midnight: the page's one
 * timer is armed for the next local midnight, not a minute away, and an
 * idle app does not wake before then. A row that just arrived arms it for
 * a minute on, when "Just now" gives way to its time. */
static void
test_dashboard_times_timer (void)
{
  AfWindow        *window = main_window ();
  AfDashboardPage *page = AF_DASHBOARD_PAGE (af_window_get_page (window, "dashboard"));
  g_autoptr (GListStore) store = g_list_store_new (TEST_TYPE_ITEM);
  g_autoptr (TestItem) first = activity_item ("Email Assistant", "action-done", "Archived 2 newsletters", 10 * 60);
  g_autofree char *first_text = expected_time_of (G_OBJECT (first));
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr (GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (tomorrow),
                                                          g_date_time_get_month (tomorrow),
                                                          g_date_time_get_day_of_month (tomorrow), 0, 0, 0);
  GSource *timer;
  gint64   due;

  /* The page comes back on screen with these rows (a timer armed for
   * rows of an earlier test would have fired once, then re-armed). */
  show_view ("integrations");
  af_dashboard_page_set_has_agents (page, TRUE);
  g_list_store_append (store, first);
  append_item (store, activity_item ("Calendar Manager", "run-finished", "Posted today’s agenda", 12 * 60));
  af_dashboard_page_set_activity (page, G_LIST_MODEL (store));
  show_view ("dashboard");
  af_test_ui_wait_until (inscription_mapped_cond, &(TextWait){ page, first_text }, 10000);

  timer = af_test_ui_find_source_named ("[agentflow] dashboard relative times");
  g_assert_nonnull (timer);
  due = af_feed_time_source_get_due (timer);
  g_test_message ("timer due in %" G_GINT64_FORMAT " s, midnight in %" G_GINT64_FORMAT " s",
                  (due - g_get_real_time ()) / G_USEC_PER_SEC,
                  g_date_time_to_unix (midnight) - g_get_real_time () / G_USEC_PER_SEC);
  /* Armed for midnight (and 50 ms), by the wall clock. */
  g_assert_cmpint (due, >=, g_date_time_to_unix (midnight) * G_USEC_PER_SEC - G_USEC_PER_SEC);
  g_assert_cmpint (due, <=, g_date_time_to_unix (midnight) * G_USEC_PER_SEC + G_USEC_PER_SEC);

  /* A new row: "Just now" for a minute, and the timer comes sooner. */
  {
    g_autoptr (TestItem) newest = activity_item ("Email Assistant", "action-done", "Labelled “Plans” as Work", 0);
    gint64 then = 0;

    g_object_get (newest, "timestamp", &then, NULL);
    g_list_store_insert (store, 0, newest);
    af_test_ui_wait_until (inscription_mapped_cond, &(TextWait){ page, "Just now" }, 10000);
    timer = af_test_ui_find_source_named ("[agentflow] dashboard relative times");
    g_assert_nonnull (timer);
    due = af_feed_time_source_get_due (timer);
    /* On the minute after "Just now" ends (rows seconds apart share it). */
    g_assert_cmpint (due, >=, (then + 60) * G_USEC_PER_SEC - G_USEC_PER_SEC);
    g_assert_cmpint (due, <=, ((then + 60 + 59) / 60 * 60) * G_USEC_PER_SEC + G_USEC_PER_SEC);
  }

  /* The desktop switches to a 12-hour clock: the rows on screen follow. */
  if (af_feed_time_get_desktop_settings () != NULL && g_strcmp0 (first_text, "Yesterday") != 0)
    {
      GSettings *desktop = af_feed_time_get_desktop_settings ();
      gint64     t = 0;
      g_autoptr (GDateTime) dt = NULL;
      g_autofree char *h12 = NULL;

      g_object_get (first, "timestamp", &t, NULL);
      dt = g_date_time_new_from_unix_local (t);
      h12 = g_date_time_format (dt, "%-I:%M %p");
      g_assert_true (g_settings_set_string (desktop, "clock-format", "12h"));
      af_test_ui_wait_until (inscription_mapped_cond, &(TextWait){ page, h12 }, 10000);
      g_assert_true (g_settings_set_string (desktop, "clock-format", "24h"));
      af_test_ui_wait_until (inscription_mapped_cond, &(TextWait){ page, first_text }, 10000);
    }
  af_dashboard_page_set_activity (page, NULL);
  af_dashboard_page_set_has_agents (page, FALSE);
}

static void
test_dashboard_activity (void)
{
  AfWindow        *window = main_window ();
  AfDashboardPage *page = AF_DASHBOARD_PAGE (af_window_get_page (window, "dashboard"));
  g_autoptr (GListStore) store = g_list_store_new (TEST_TYPE_ITEM);
  g_autofree char *five_min_ago = NULL;
  GListModel      *visible;
  GtkWidget       *row;

  show_view ("dashboard");
  af_dashboard_page_set_has_agents (page, TRUE);
  af_dashboard_page_set_metrics (page, 3, 42, 0.96, 135);
  af_dashboard_page_set_agent_names (page, (const char *const[]){ "Email Assistant", "Calendar Manager", NULL });
  af_dashboard_page_set_activity (page, G_LIST_MODEL (store));
  af_test_wait_until (widget_mapped (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "No Activity Yet")),
                      "“No Activity Yet” on the dashboard");

  /* No activity yet: the feed says so. */
  g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "No Activity Yet"));
  g_assert_true (gtk_widget_get_mapped (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "No Activity Yet")));

  {
    g_autoptr (TestItem) archived = activity_item ("Email Assistant", "action-done", "Archived 3 newsletters", 5 * 60);

    five_min_ago = expected_time_of (G_OBJECT (archived));
    g_list_store_append (store, archived);
  }
  append_item (store, activity_item ("Email Assistant", "approval-pending", "Reply to Dana Wu waits for your approval", 40 * 60));
  append_item (store, activity_item ("Email Assistant", "action-failed", "Label “Invoice 2291” as Finance — failed: Gmail is offline", 2 * 3600));
  append_item (store, activity_item ("Calendar Manager", "run-finished", "Posted today’s agenda: 4 events, 1 conflict", 3 * 3600));
  /* New entries appear at the top while the user watches. */
  {
    g_autoptr (TestItem) newest = activity_item ("Email Assistant", "action-done", "Labelled “Quarterly report” as Work", 10);

    g_list_store_insert (store, 0, newest);
  }
  af_test_wait_until (widget_mapped (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL,
                                                             "Labelled “Quarterly report” as Work")),
                      "the newest activity at the top of the feed");

  row = af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, "Labelled “Quarterly report” as Work");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));
  g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_INSCRIPTION, "Just now"));
  /* Five minutes ago: the time of day, as GNOME Files shows it. */
  g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_INSCRIPTION, five_min_ago));
  assert_rendered (GTK_WIDGET (window), "view-dashboard-activity");

  /* Errors only. */
  visible = af_dashboard_page_get_visible_activity (page);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 5);
  /* The filter runs incrementally, from an idle: wait for it rather than
   * for a fixed time, which a slow machine (or ASan) outlasts. */
  af_dashboard_page_set_errors_only (page, TRUE);
  af_test_ui_wait_until (n_items_cond, &(NItemsWait){ visible, 1 }, 10000);
  af_dashboard_page_set_errors_only (page, FALSE);
  af_test_ui_wait_until (n_items_cond, &(NItemsWait){ visible, 5 }, 10000);

  /* Activating a row shows its details. */
  {
    GtkWidget *list = find_widget_with_class (GTK_WIDGET (page), "af-activity-list");
    g_autoptr (GObject) first = g_list_model_get_item (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list))), 0);

    af_test_ui_activate_list_item (list, first);
  }
  {
    GtkWindow *details = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);

    g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (details)), ==,
                     "Labelled “Quarterly report” as Work");
    assert_rendered (GTK_WIDGET (details), "dialog-activity-details");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (details), "close");
    af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
  }

  /* Narrow: two tiles per line, the feed still readable. */
  set_size (360, 720);
  assert_rendered (GTK_WIDGET (window), "view-dashboard-activity-narrow");
  set_size (980, 680);

  af_dashboard_page_set_activity (page, NULL);
  af_dashboard_page_set_has_agents (page, FALSE);
}

static gboolean last_decision;

static void
on_decide_cb (AfApprovalsPage *page,
              GObject         *item,
              gboolean         approve,
              GListStore      *store)
{
  guint position;

  last_decision = approve;
  g_assert_true (g_list_store_find (store, item, &position));
  g_list_store_remove (store, position);
}

static void
test_approvals_badge (void)
{
  AfWindow        *window = main_window ();
  AfApprovalsPage *page = AF_APPROVALS_PAGE (af_window_get_page (window, "approvals"));
  g_autoptr (GListStore) store = g_list_store_new (TEST_TYPE_ITEM);
  GtkWidget *badge;
  GtkWidget *approve;
  gboolean   decided = FALSE;

  append_item (store, g_object_new (TEST_TYPE_ITEM,
                                    "summary", "Send a reply to Dana Wu <dana@example.com>",
                                    "reason", "Email Assistant drafted it because Dana asked when the report is due.",
                                    "preview", "Hi Dana,\n\nThe report will be ready on Friday.\n\nBest,\nSam <b>not bold</b>",
                                    "consequence", "If you approve, the mail is sent from sam@example.com. If you deny, nothing is sent.",
                                    NULL));
  append_item (store, g_object_new (TEST_TYPE_ITEM,
                                    "summary", "Post to #team in Slack",
                                    "reason", "Slack Notifier’s daily digest.",
                                    "preview", "Today: 12 mails sorted, 2 meetings.",
                                    "consequence", "If you approve, the message appears in #team.",
                                    NULL));
  af_approvals_page_set_model (page, G_LIST_MODEL (store));
  badge = af_test_ui_wait_for_widget (GTK_WIDGET (window), GTK_TYPE_LABEL, "2");

  g_assert_cmpuint (af_approvals_page_get_n_pending (page), ==, 2);
  g_assert_nonnull (badge);
  g_assert_true (gtk_widget_get_visible (badge));

  show_view ("approvals");
  /* Markup in the preview stays text. */
  g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL,
                                            "Hi Dana,\n\nThe report will be ready on Friday.\n\nBest,\nSam <b>not bold</b>"));
  assert_rendered (GTK_WIDGET (window), "view-approvals-pending");

  /* Approve hands the item to whoever decides (the engine); it leaves the
   * model and the badge counts down. */
  g_signal_connect (page, "decide", G_CALLBACK (on_decide_cb), store);
  approve = af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_BUTTON, "_Approve");
  g_assert_nonnull (approve);
  click (approve);
  af_test_wait_until (g_strcmp0 (gtk_label_get_label (GTK_LABEL (badge)), "1") == 0, "the badge to count down to 1");
  decided = last_decision;
  g_signal_handlers_disconnect_by_func (page, G_CALLBACK (on_decide_cb), store);
  g_assert_true (decided);
  g_assert_cmpuint (af_approvals_page_get_n_pending (page), ==, 1);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (badge)), ==, "1");

  g_list_store_remove_all (store);
  af_test_wait_until (!gtk_widget_get_visible (badge) &&
                          widget_mapped (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE,
                                                                 "Nothing to Approve")),
                      "the badge to go and “Nothing to Approve” to show");
  g_assert_false (gtk_widget_get_visible (badge));
  g_assert_true (gtk_widget_get_mapped (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE,
                                                                "Nothing to Approve")));
  af_approvals_page_set_model (page, NULL);
  show_view ("dashboard");
}

static void
test_integrations (void)
{
  AfWindow           *window = main_window ();
  AfIntegrationsPage *page = AF_INTEGRATIONS_PAGE (af_window_get_page (window, "integrations"));
  GtkWindow          *dialog;
  GtkWidget          *row;
  GtkWidget          *button;

  show_view ("integrations");
  af_integrations_page_set_state (page, "gmail", AF_INTEGRATION_CONNECTED, "sam@example.com", "Email Assistant");
  af_integrations_page_set_state (page, "calendar", AF_INTEGRATION_NEEDS_RECONNECT, "sam@example.com", NULL);
  af_integrations_page_set_state (page, "slack", AF_INTEGRATION_WAITING, NULL, NULL);
  assert_rendered (GTK_WIDGET (window), "view-integrations-states");

  /* Cancel while waiting for the browser. */
  row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Slack");
  button = af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Cancel");
  g_assert_true (gtk_widget_get_mapped (button));
  click (button);
  g_assert_cmpint (af_integrations_page_get_state (page, "slack"), ==, AF_INTEGRATION_DISCONNECTED);

  /* Disconnect asks first and says what happens. */
  row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Gmail");
  button = af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Disconnect");
  g_assert_true (gtk_widget_get_mapped (button));
  click (button);
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Disconnect Gmail?");
  assert_rendered (GTK_WIDGET (dialog), "dialog-disconnect");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
  g_assert_cmpint (af_integrations_page_get_state (page, "gmail"), ==, AF_INTEGRATION_CONNECTED);

  click (button);
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "disconnect");
  af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
  g_assert_cmpint (af_integrations_page_get_state (page, "gmail"), ==, AF_INTEGRATION_DISCONNECTED);

  /* Test Connection against a closed port turns into a sentence. */
  {
    GtkWidget *endpoint = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW, "Endpoint");
    GtkWidget *test_row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Connection");

    gtk_editable_set_text (GTK_EDITABLE (endpoint), "ftp://nowhere");
    click (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_BUTTON, "_Test Connection"));
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (test_row)), ==,
                     "Enter an endpoint that starts with http:// or https://.");
    gtk_editable_set_text (GTK_EDITABLE (endpoint), "http://127.0.0.1:9/v1");
  }

  af_integrations_page_set_state (page, "calendar", AF_INTEGRATION_DISCONNECTED, NULL, NULL);
  show_view ("dashboard");
}

static gboolean
folded_cond (gpointer data)
{
  return af_window_get_folded (main_window ()) == GPOINTER_TO_INT (data);
}

static void
test_fold (void)
{
  AfWindow  *window = main_window ();
  GtkWidget *back;
  GtkWidget *create;

  set_size (360, 640);
  af_test_ui_wait_until (folded_cond, GINT_TO_POINTER (TRUE), 5000);
  g_assert_true (af_window_get_folded (window));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 370);

  /* Folded, the window shows the page with a back button. */
  g_assert_false (af_window_get_sidebar_visible (window));
  back = af_test_ui_find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, NULL);
  create = af_test_ui_find_widget (af_window_get_page (window, "dashboard"), GTK_TYPE_BUTTON, "_Create Agent");
  g_assert_true (gtk_widget_get_mapped (create));
  assert_rendered (GTK_WIDGET (window), "window-narrow-dashboard");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL);
  af_test_wait_until (af_window_get_sidebar_visible (window), "the sidebar after going back");
  af_test_ui_wait_settled (GTK_WIDGET (window), "the folded window");
  g_assert_true (af_window_get_sidebar_visible (window));
  assert_rendered (GTK_WIDGET (window), "window-narrow-sidebar");

  show_view ("integrations");
  g_assert_false (af_window_get_sidebar_visible (window));
  g_assert_cmpstr (af_window_get_visible_page (window), ==, "integrations");
  assert_rendered (GTK_WIDGET (window), "window-narrow-integrations");
  (void)back;

  set_size (980, 680);
  af_test_ui_wait_until (folded_cond, GINT_TO_POINTER (FALSE), 5000);
  g_assert_true (af_window_get_sidebar_visible (window));
  show_view ("dashboard");
}

static void
test_templates (void)
{
  static const char *const ids[] = { "email-assistant", "calendar-manager", "slack-notifier", "custom" };
  AfWindow                *window = main_window ();

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      GtkWindow *picker;
      GtkWindow *editor;
      g_autoptr (AfAgentDefinition) definition = NULL;
      g_autofree char *name = g_strdup_printf ("editor-%s", ids[i]);

      gtk_widget_activate_action (GTK_WIDGET (window), "win.new-agent", NULL);
      picker = wait_for_toplevel (AF_TYPE_TEMPLATE_PICKER);
      g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (picker), ADW_TYPE_ACTION_ROW, "Email Assistant"));
      g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (picker), ADW_TYPE_ACTION_ROW, "Custom Agent"));
      if (i == 0)
        assert_rendered (GTK_WIDGET (picker), "template-picker");

      af_template_picker_choose (AF_TEMPLATE_PICKER (picker), ids[i]);
      editor = wait_for_toplevel (AF_TYPE_AGENT_EDITOR);
      af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_TEMPLATE_PICKER), 5000);
      g_assert_cmpstr (af_agent_editor_get_template_id (AF_AGENT_EDITOR (editor)), ==, ids[i]);
      g_assert_false (af_agent_editor_get_modified (AF_AGENT_EDITOR (editor)));
      assert_rendered (GTK_WIDGET (editor), name);

      if (g_str_equal (ids[i], "custom"))
        {
          /* A custom agent needs a name and a service: the editor says so. */
          g_assert_false (af_agent_editor_validate (AF_AGENT_EDITOR (editor)));
          g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (editor), GTK_TYPE_LABEL,
                                                    "Give the agent a name, so you can find it in the activity."));
          af_agent_editor_add_rule (AF_AGENT_EDITOR (editor));
          af_agent_editor_add_rule (AF_AGENT_EDITOR (editor));
          g_assert_cmpuint (af_agent_editor_get_n_rules (AF_AGENT_EDITOR (editor)), ==, 2);
          /* The AI model needs instructions to follow. */
          gtk_switch_set_active (GTK_SWITCH (af_test_ui_find_widget (
                                     af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_ACTION_ROW, "Use the AI Model"),
                                     GTK_TYPE_SWITCH, NULL)),
                                 TRUE);
          af_agent_editor_validate (AF_AGENT_EDITOR (editor));
          g_assert_true (gtk_widget_get_visible (af_test_ui_find_widget (GTK_WIDGET (editor), GTK_TYPE_LABEL,
                                                                         "Write what the AI model should do, or turn the model off.")));
          assert_rendered (GTK_WIDGET (editor), "editor-custom-errors");

          /* Remove a rule with its button. */
          click (find_button_by_icon (GTK_WIDGET (editor), "user-trash-symbolic"));
          af_test_wait_until (af_agent_editor_get_n_rules (AF_AGENT_EDITOR (editor)) == 1, "the rule to be removed");
          g_assert_cmpuint (af_agent_editor_get_n_rules (AF_AGENT_EDITOR (editor)), ==, 1);

          /* Unsaved changes: closing asks first; Keep Editing keeps it. */
          gtk_window_close (editor);
          {
            GtkWindow *ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);

            g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (ask)), ==, "Discard Changes?");
            assert_rendered (GTK_WIDGET (ask), "dialog-discard-changes");
            adw_message_dialog_response (ADW_MESSAGE_DIALOG (ask), "keep");
            af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
            g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));

            gtk_window_close (editor);
            ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
            adw_message_dialog_response (ADW_MESSAGE_DIALOG (ask), "discard");
          }
          af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);
          continue;
        }

      /* Templates arrive valid, and the JSON carries what the engine needs. */
      g_assert_true (af_agent_editor_validate (AF_AGENT_EDITOR (editor)));
      definition = af_agent_editor_dup_definition (AF_AGENT_EDITOR (editor));
      g_assert_cmpstr (af_agent_editor_get_template_id (AF_AGENT_EDITOR (editor)), ==, ids[i]);
      g_assert_cmpuint (af_agent_definition_get_connections (definition)->len, >, 0);

      /* A mail agent's first run: new mail from now on unless the user
       * picks a look back; other agents have no such row. */
      {
        GtkWidget *first_run = af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_COMBO_ROW, "First Run");

        g_assert_nonnull (first_run);
        g_assert_cmpint (gtk_widget_get_visible (first_run), ==, g_str_equal (ids[i], "email-assistant"));
        if (gtk_widget_get_visible (first_run))
          {
            g_autoptr (AfAgentDefinition) week = NULL;

            g_assert_cmpint (af_agent_definition_get_first_run_days (definition), ==, 0);
            adw_combo_row_set_selected (ADW_COMBO_ROW (first_run), 1);
            week = af_agent_editor_dup_definition (AF_AGENT_EDITOR (editor));
            g_assert_cmpint (af_agent_definition_get_first_run_days (week), ==, 7);
          }
        else
          g_assert_cmpint (af_agent_definition_get_first_run_days (definition), ==, -1);
      }

      /* Test Run describes the plan. */
      gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test-run", NULL);
      {
        GtkWindow *plan = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);

        g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (plan)), ==, "Test Run");
        if (i == 0)
          assert_rendered (GTK_WIDGET (plan), "dialog-test-run");
        adw_message_dialog_response (ADW_MESSAGE_DIALOG (plan), "close");
        af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
      }

      gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
      af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);
    }
}

static gboolean
state_cond (gpointer data)
{
  AfIntegrationsPage *page = AF_INTEGRATIONS_PAGE (af_window_get_page (main_window (), "integrations"));

  return af_integrations_page_get_state (page, "gmail") == (AfIntegrationState)GPOINTER_TO_INT (data);
}

static gboolean
slack_not_waiting_cond (gpointer data)
{
  return af_integrations_page_get_state (AF_INTEGRATIONS_PAGE (data), "slack") != AF_INTEGRATION_WAITING;
}

static void
test_accounts (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "test-views-accounts.db", NULL);
  g_autoptr (AfDatabase) db = af_database_open (path, &error);
  g_autoptr (SoupSession) session = af_test_session_new ();
  g_autoptr (AfAccountManager) accounts = NULL;
  AfWindow           *window = main_window ();
  AfIntegrationsPage *page = AF_INTEGRATIONS_PAGE (af_window_get_page (window, "integrations"));
  GtkWindow          *dialog;
  GtkWidget          *row;

  g_assert_no_error (error);
  /* An issuer in Preferences › Advanced offers OpenID Connect. */
  g_settings_set_string (af_application_get_settings (app), "oidc-issuer", "https://auth.example.com");
  accounts = af_account_manager_new (db, af_application_get_settings (app), session);
  g_settings_reset (af_application_get_settings (app), "oidc-issuer");
  g_assert_cmpstr (af_account_manager_get_oidc_issuer (accounts), ==, "https://auth.example.com");
  g_assert_true (af_connection_store_save (af_account_manager_get_store (accounts), "gmail", "sam@example.com",
                                           "sam@example.com", "gmail.readonly", &error));
  g_assert_no_error (error);

  /* The page shows what the accounts service holds. */
  af_window_set_account_manager (window, accounts);
  show_view ("integrations");
  g_assert_cmpint (af_integrations_page_get_state (page, "gmail"), ==, AF_INTEGRATION_CONNECTED);
  g_assert_cmpint (af_integrations_page_get_state (page, "slack"), ==, AF_INTEGRATION_DISCONNECTED);
  g_assert_true (gtk_widget_get_visible (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW,
                                                                 "OpenID Connect")));
  assert_rendered (GTK_WIDGET (window), "view-integrations-accounts");

  /* Connect without a client ID fails with a sentence, not a hang. */
  row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Slack");
  click (af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Connect"));
  af_test_ui_wait_until (slack_not_waiting_cond, page, 10000);
  g_assert_cmpint (af_integrations_page_get_state (page, "slack"), ==, AF_INTEGRATION_DISCONNECTED);

  /* Disconnect after confirmation. */
  row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Gmail");
  click (af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Disconnect"));
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "disconnect");
  af_test_ui_wait_until (state_cond, GINT_TO_POINTER (AF_INTEGRATION_DISCONNECTED), 20000);

  af_window_set_account_manager (window, NULL);
  g_assert_false (gtk_widget_get_visible (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW,
                                                                  "OpenID Connect")));
  show_view ("dashboard");
}

static gboolean
gmail_state_is_cond (gpointer data)
{
  return state_cond (data);
}

/* Connect Gmail from the Integrations page against the sandbox's OAuth
 * server (a scripted browser approves), then disconnect it. */
static void
test_connect_sandbox (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (AfDatabase) db = af_test_database_new (&dir);
  g_autoptr (AfSandbox) sandbox = af_test_sandbox_new ();
  AfTestBrowser browser = { .follow = TRUE };
  g_autoptr (AfAccountManager) accounts = af_test_manager_new (db, NULL, sandbox, &browser);
  AfWindow           *window = main_window ();
  AfIntegrationsPage *page = AF_INTEGRATIONS_PAGE (af_window_get_page (window, "integrations"));
  g_autoptr (GPtrArray) list = NULL;
  GtkWindow *dialog;
  GtkWidget *row;

  af_window_set_account_manager (window, accounts);
  show_view ("integrations");
  g_assert_cmpint (af_integrations_page_get_state (page, "gmail"), ==, AF_INTEGRATION_DISCONNECTED);

  row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Gmail");
  click (af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Connect"));
  g_assert_cmpint (af_integrations_page_get_state (page, "gmail"), ==, AF_INTEGRATION_WAITING);
  af_test_ui_wait_until (gmail_state_is_cond, GINT_TO_POINTER (AF_INTEGRATION_CONNECTED), 30000);
  g_assert_cmpuint (browser.visits, >, 0);
  assert_rendered (GTK_WIDGET (window), "view-integrations-connected");

  click (af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Disconnect"));
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "disconnect");
  af_test_ui_wait_until (gmail_state_is_cond, GINT_TO_POINTER (AF_INTEGRATION_DISCONNECTED), 30000);

  /* Connect from the agent editor: the same flow, waiting with Cancel,
   * and the row says when it is done. */
  {
    GtkWindow *picker;
    GtkWindow *editor;
    GtkWidget *gmail_row;

    browser.follow = FALSE;
    gtk_widget_activate_action (GTK_WIDGET (window), "win.new-agent", NULL);
    picker = wait_for_toplevel (AF_TYPE_TEMPLATE_PICKER);
    af_template_picker_choose (AF_TEMPLATE_PICKER (picker), "email-assistant");
    editor = wait_for_toplevel (AF_TYPE_AGENT_EDITOR);
    gmail_row = af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_EXPANDER_ROW, "Gmail");
    g_assert_cmpint (af_agent_editor_get_service_state (AF_AGENT_EDITOR (editor), "gmail"), ==, AF_INTEGRATION_DISCONNECTED);
    g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (gmail_row)), ==,
                     "Not connected");

    click (af_test_ui_find_widget (gmail_row, GTK_TYPE_BUTTON, "_Connect"));
    g_assert_cmpint (af_agent_editor_get_service_state (AF_AGENT_EDITOR (editor), "gmail"), ==, AF_INTEGRATION_WAITING);
    g_assert_cmpint (af_integrations_page_get_state (page, "gmail"), ==, AF_INTEGRATION_WAITING);
    assert_rendered (GTK_WIDGET (editor), "editor-connect-waiting");

    /* Cancel gives up the sign-in everywhere. */
    click (af_test_ui_find_widget (gmail_row, GTK_TYPE_BUTTON, "_Cancel"));
    af_test_ui_wait_until (gmail_state_is_cond, GINT_TO_POINTER (AF_INTEGRATION_DISCONNECTED), 10000);
    af_test_wait_until (af_agent_editor_get_service_state (AF_AGENT_EDITOR (editor), "gmail") == AF_INTEGRATION_DISCONNECTED,
                        "the editor's Gmail row to give up the sign-in");
    g_assert_cmpint (af_agent_editor_get_service_state (AF_AGENT_EDITOR (editor), "gmail"), ==, AF_INTEGRATION_DISCONNECTED);

    browser.follow = TRUE;
    click (af_test_ui_find_widget (gmail_row, GTK_TYPE_BUTTON, "_Connect"));
    af_test_ui_wait_until (gmail_state_is_cond, GINT_TO_POINTER (AF_INTEGRATION_CONNECTED), 30000);
    g_assert_cmpint (af_agent_editor_get_service_state (AF_AGENT_EDITOR (editor), "gmail"), ==, AF_INTEGRATION_CONNECTED);
    g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (gmail_row)), ==, "Connected");
    g_assert_false (af_agent_editor_get_modified (AF_AGENT_EDITOR (editor)));

    gtk_window_close (editor);
    af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);

    row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Gmail");
    click (af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Disconnect"));
    dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "disconnect");
    af_test_ui_wait_until (gmail_state_is_cond, GINT_TO_POINTER (AF_INTEGRATION_DISCONNECTED), 30000);
  }

  /* Leave the keyring as we found it. */
  list = af_account_manager_list_connections (accounts, NULL);
  for (guint i = 0; list && i < list->len; i++)
    {
      AfConnection *c = list->pdata[i];

      secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", c->service, "account", c->account, NULL);
    }
  af_window_set_account_manager (window, NULL);
  af_test_browser_clear (&browser);
  show_view ("dashboard");
}

static guint
n_agents (void)
{
  return g_list_model_get_n_items (af_engine_get_agents (af_window_get_engine (main_window ())));
}

static gboolean
model_has_items_cond (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) > 0;
}

static void
on_run_finished_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) outcome = af_engine_run_agent_finish (AF_ENGINE (source), result, &error);

  g_assert_no_error (error);
  *(gboolean *)user_data = TRUE;
}

static gboolean
flag_cond (gpointer data)
{
  return *(gboolean *)data;
}

static gboolean
last_run_changed_cond (gpointer data)
{
  return af_agent_get_last_run (data) != (gint64)GPOINTER_TO_SIZE (g_object_get_data (data, "test-last-run"));
}

static gboolean
all_of_agent (GListModel *activity,
              const char *agent_id)
{
  guint n = g_list_model_get_n_items (activity);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) entry = g_list_model_get_item (activity, i);
      g_autofree char *id = NULL;

      g_object_get (entry, "agent-id", &id, NULL);
      if (g_strcmp0 (id, agent_id) != 0)
        return FALSE;
    }
  return n > 0;
}

static void
test_engine (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfEngine) engine = af_engine_new_for_sandbox (&error);
  AfWindow        *window = main_window ();
  AfDashboardPage *dashboard;
  AfAgentsPage    *agents_page;
  AfApprovalsPage *approvals_page;
  GListModel      *activity;
  g_autoptr (AfAgent) agent = NULL;
  gboolean ran = FALSE;
  guint    before;

  g_assert_no_error (error);
  agent = g_list_model_get_item (af_engine_get_agents (engine), 0);
  /* Posting to Slack is "ask first" for this agent: a rule that posts about
   * urgent mail leaves an approval behind. Added before the engine starts,
   * which runs the agents that are due. */
  {
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), af_agent_get_definition (agent));
    g_autofree char *text = json_to_string (node, FALSE);
    g_autoptr (JsonNode) copy = json_from_string (text, NULL);
    g_autoptr (JsonNode) rule = json_from_string ("{\"name\": \"Tell Slack\", \"match\": \"any\","
                                                  " \"conditions\": [{\"field\": \"subject\", \"op\": \"contains\", \"value\": \"URGENT\"}],"
                                                  " \"actions\": [{\"action\": \"post\", \"params\": {\"channel\": \"#general\", \"text\": \"Urgent mail arrived\"}}]}",
                                                  NULL);

    g_autoptr (JsonNode) slack = json_from_string ("{\"service\": \"slack\", \"account\": \"sample@example.com\","
                                                   " \"permissions\": [\"slack.post\"]}",
                                                   NULL);

    json_array_add_element (json_object_get_array_member (json_node_get_object (copy), "rules"), json_node_copy (rule));
    /* The sample Email Assistant does not post: this one may. */
    json_array_add_element (json_object_get_array_member (json_node_get_object (copy), "connections"), json_node_copy (slack));
    af_agent_set_definition (agent, json_node_get_object (copy));
    g_assert_true (af_engine_save_agent (engine, agent, &error));
    g_assert_no_error (error);
  }

  g_assert_true (af_engine_start (engine, &error));
  g_assert_no_error (error);

  set_size (980, 680);
  af_window_set_engine (window, engine);
  dashboard = AF_DASHBOARD_PAGE (af_window_get_page (window, "dashboard"));
  agents_page = AF_AGENTS_PAGE (af_window_get_page (window, "agents"));
  approvals_page = AF_APPROVALS_PAGE (af_window_get_page (window, "approvals"));

  /* The sample workspace's agents are listed. */
  g_assert_cmpuint (n_agents (), >=, 3);
  show_view ("agents");
  g_assert_nonnull (af_test_ui_wait_for_widget (GTK_WIDGET (agents_page), GTK_TYPE_LABEL, "Email Assistant"));
  assert_rendered (GTK_WIDGET (window), "view-agents-sandbox");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  assert_rendered (GTK_WIDGET (window), "view-agents-sandbox-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Pause and resume with the row's switch. */
  {
    GtkWidget *toggle = af_test_ui_find_widget (af_test_ui_wait_for_row (GTK_WIDGET (agents_page), agent),
                                                GTK_TYPE_SWITCH, NULL);

    gtk_widget_activate (toggle);
    af_test_wait_until (af_agent_get_state (agent) != AF_AGENT_STATE_ACTIVE, "the switch to pause the agent");
    g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_PAUSED);
    g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
    gtk_widget_activate (toggle);
    af_test_wait_until (af_agent_get_state (agent) != AF_AGENT_STATE_PAUSED, "the switch to resume the agent");
    g_assert_cmpint (af_agent_get_state (agent), ==, AF_AGENT_STATE_ACTIVE);
  }

  /* An agent's own page, opened from its row: its activity, its numbers,
   * and what to fix. */
  af_test_ui_activate_list_item (af_test_ui_find_widget (GTK_WIDGET (agents_page), GTK_TYPE_LIST_VIEW, NULL), agent);
  af_test_ui_wait_settled (GTK_WIDGET (window), "the window");
  g_assert_cmpstr (af_window_get_visible_page (window), ==, "agent");
  af_agent_set_state (agent, AF_AGENT_STATE_NEEDS_ATTENTION, "Gmail needs you to sign in again.");
  {
    GtkWidget *reason = af_test_ui_wait_for_widget (GTK_WIDGET (window), GTK_TYPE_LABEL,
                                                    "Gmail needs you to sign in again.");

    af_test_wait_until (gtk_widget_get_mapped (reason), "the agent page to show what to fix");
    g_assert_true (gtk_widget_get_mapped (reason));
  }
  assert_rendered (GTK_WIDGET (window), "view-agent-page");
  af_agent_set_state (agent, AF_AGENT_STATE_ACTIVE, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL);
  af_test_ui_wait_settled (GTK_WIDGET (window), "the window");
  g_assert_cmpstr (af_window_get_visible_page (window), ==, "agents");

  /* A run's activity appears in the dashboard while it is open. */
  show_view ("dashboard");
  activity = af_dashboard_page_get_visible_activity (dashboard);
  af_engine_run_agent_async (engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_finished_cb, &ran);
  af_test_ui_wait_until (flag_cond, &ran, 20000);
  af_test_ui_wait_until (model_has_items_cond, activity, 5000);
  g_test_message ("%u activity entries, %u approvals pending", g_list_model_get_n_items (activity),
                  af_approvals_page_get_n_pending (approvals_page));
  assert_rendered (GTK_WIDGET (window), "view-dashboard-sandbox");

  /* Filter by agent: the engine's own per-agent model. */
  {
    GtkDropDown *agent_filter = GTK_DROP_DOWN (af_test_ui_find_widget (GTK_WIDGET (dashboard), GTK_TYPE_DROP_DOWN, NULL));
    guint        n_all = g_list_model_get_n_items (activity);

    gtk_drop_down_set_selected (agent_filter, 1); /* the first agent */
    af_test_wait_until (all_of_agent (activity, af_agent_get_id (agent)), "the feed to show the first agent's activity only");
    g_assert_cmpuint (g_list_model_get_n_items (activity), >, 0);
    for (guint i = 0; i < g_list_model_get_n_items (activity); i++)
      {
        g_autoptr (GObject) entry = g_list_model_get_item (activity, i);
        g_autofree char *agent_id = NULL;

        g_object_get (entry, "agent-id", &agent_id, NULL);
        g_assert_cmpstr (agent_id, ==, af_agent_get_id (agent));
      }
    gtk_drop_down_set_selected (agent_filter, 0);
    af_test_wait_until (g_list_model_get_n_items (activity) == n_all, "the feed to show every agent again");
    g_assert_cmpuint (g_list_model_get_n_items (activity), ==, n_all);

    /* Errors only: none in this run. */
    af_dashboard_page_set_errors_only (dashboard, TRUE);
    af_test_wait_until (g_list_model_get_n_items (activity) == 0, "the errors-only filter to hide every entry");
    g_assert_cmpuint (g_list_model_get_n_items (activity), ==, 0);
    g_assert_nonnull (af_test_ui_wait_for_widget (GTK_WIDGET (dashboard), ADW_TYPE_STATUS_PAGE, "No Errors"));
    af_dashboard_page_set_errors_only (dashboard, FALSE);
    af_test_wait_until (g_list_model_get_n_items (activity) == n_all, "the feed to show every entry again");
    g_assert_cmpuint (g_list_model_get_n_items (activity), ==, n_all);
  }

  /* Pending approvals show with a count; approving one goes through. */
  af_test_wait_until (af_approvals_page_get_n_pending (approvals_page) > 0, "the run's approval to be listed");
  g_assert_cmpuint (af_approvals_page_get_n_pending (approvals_page), >, 0);
  {
    guint      pending = af_approvals_page_get_n_pending (approvals_page);
    GtkWidget *group;

    show_view ("approvals");
    assert_rendered (GTK_WIDGET (window), "view-approvals-sandbox");
    /* Approvals come in groups per agent and run: open the first, as a
     * click on its header does, and approve its first item. */
    group = af_test_ui_wait_for_widget (GTK_WIDGET (approvals_page), ADW_TYPE_EXPANDER_ROW, NULL);
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (group), TRUE);
    click (af_test_ui_wait_for_widget (group, GTK_TYPE_BUTTON, "_Approve"));
    af_test_wait_until (af_approvals_page_get_n_pending (approvals_page) < pending, "the approval to leave the list");
    g_assert_cmpuint (af_approvals_page_get_n_pending (approvals_page), <, pending);
  }

  /* Create an agent from each template. */
  for (const char *const *id = (const char *const[]){ "email-assistant", "calendar-manager", "slack-notifier", NULL }; *id; id++)
    {
      GtkWindow *picker;
      GtkWindow *editor;

      before = n_agents ();
      gtk_widget_activate_action (GTK_WIDGET (window), "win.new-agent", NULL);
      picker = wait_for_toplevel (AF_TYPE_TEMPLATE_PICKER);
      af_template_picker_choose (AF_TEMPLATE_PICKER (picker), *id);
      editor = wait_for_toplevel (AF_TYPE_AGENT_EDITOR);

      /* Test Run before saving: the engine tries the form as it is. */
      if (g_str_equal (*id, "email-assistant"))
        {
          GtkWindow  *plan;
          const char *body;

          af_agent_editor_set_name (AF_AGENT_EDITOR (editor), "Unsaved Sorter");
          gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test-run", NULL);
          plan = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
          body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (plan));
          g_test_message ("unsaved dry run: %s", body);
          g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (plan)), ==, "Test Run");
          g_assert_nonnull (strstr (body, "would take"));
          g_assert_nonnull (strstr (body, "Nothing was changed."));
          /* One row an action, in words. */
          g_assert_nonnull (af_test_ui_find_widget (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (plan)),
                                                    ADW_TYPE_ACTION_ROW, NULL));
          assert_rendered (GTK_WIDGET (plan), "dialog-test-run-unsaved");
          adw_message_dialog_response (ADW_MESSAGE_DIALOG (plan), "close");
          af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
          g_assert_cmpuint (n_agents (), ==, before);

          /* The AI model is the user's choice, per agent. */
          gtk_switch_set_active (GTK_SWITCH (af_test_ui_find_widget (
                                     af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_ACTION_ROW, "Use the AI Model"),
                                     GTK_TYPE_SWITCH, NULL)),
                                 TRUE);
        }

      gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
      af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);
      g_assert_cmpuint (n_agents (), ==, before + 1);
      {
        g_autoptr (AfAgent) created = g_list_model_get_item (af_engine_get_agents (engine), before);
        JsonObject *ai = af_agent_get_ai (created);

        /* A second agent from a template gets a name of its own. */
        g_assert_cmpstr (af_agent_get_name (created), !=, "Email Assistant");
        g_assert_cmpstr (af_agent_get_name (created), !=, "Calendar Manager");
        g_assert_cmpstr (af_agent_get_name (created), !=, "Slack Notifier");
        if (g_str_equal (*id, "email-assistant"))
          {
            g_assert_cmpstr (af_agent_get_name (created), ==, "Unsaved Sorter");
            g_assert_true (json_object_get_boolean_member_with_default (ai, "enabled", FALSE));
          }
        else
          g_assert_false (ai && json_object_get_boolean_member_with_default (ai, "enabled", FALSE));
      }
    }
  g_assert_cmpstr (af_window_get_visible_page (window), ==, "agents");

  /* Run Now from the list. */
  {
    g_autoptr (AfAgent) second = g_list_model_get_item (af_engine_get_agents (engine), 1);
    gint64 last = af_agent_get_last_run (second);

    g_object_set_data (G_OBJECT (second), "test-last-run", GSIZE_TO_POINTER ((gsize)last));
    click (find_button_by_icon (af_test_ui_wait_for_row (GTK_WIDGET (agents_page), second),
                                "media-playback-start-symbolic"));
    af_test_ui_wait_until (last_run_changed_cond, second, 20000);
    g_assert_cmpint (af_agent_get_last_run (second), !=, last);
  }

  /* Edit an agent: the editor opens filled in, and saving renames it. */
  {
    g_autoptr (AfAgent) first = g_list_model_get_item (af_engine_get_agents (engine), 0);
    GtkWindow *editor;

    af_test_ui_choose_from_menu (af_test_ui_wait_for_row (GTK_WIDGET (agents_page), first), "_Edit…");
    editor = wait_for_toplevel (AF_TYPE_AGENT_EDITOR);
    g_assert_false (af_agent_editor_get_modified (AF_AGENT_EDITOR (editor)));
    g_assert_cmpuint (af_agent_editor_get_n_rules (AF_AGENT_EDITOR (editor)), >, 0);
    assert_rendered (GTK_WIDGET (editor), "editor-edit-agent");

    /* Test Run on a saved agent asks the engine for a dry run. */
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test-run", NULL);
    {
      GtkWindow *plan = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);

      g_test_message ("dry run: %s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (plan)));
      g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (plan)), "Nothing was changed."));
      assert_rendered (GTK_WIDGET (plan), "dialog-dry-run");
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (plan), "close");
      af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
    }
    af_agent_editor_set_name (AF_AGENT_EDITOR (editor), "Mail Helper");
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
    af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);
    g_assert_cmpstr (af_agent_get_name (first), ==, "Mail Helper");
  }

  /* A custom agent with a rule of its own. */
  {
    GtkWindow *picker;
    GtkWindow *editor;
    GtkWidget *rule;
    GtkWidget *value;
    GtkWidget *argument;

    before = n_agents ();
    gtk_widget_activate_action (GTK_WIDGET (window), "win.new-agent", NULL);
    picker = wait_for_toplevel (AF_TYPE_TEMPLATE_PICKER);
    af_template_picker_choose (AF_TEMPLATE_PICKER (picker), "custom");
    editor = wait_for_toplevel (AF_TYPE_AGENT_EDITOR);
    af_agent_editor_set_name (AF_AGENT_EDITOR (editor), "Receipts");
    adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_EXPANDER_ROW, "Gmail")), TRUE);
    /* The rule labels mail: the agent may, automatically ("Automatic"). */
    adw_combo_row_set_selected (ADW_COMBO_ROW (af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_COMBO_ROW,
                                                                       "Label, star and archive mail")),
                                2);
    af_agent_editor_add_rule (AF_AGENT_EDITOR (editor));
    rule = af_test_ui_find_widget (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, NULL);
    value = af_test_ui_find_widget (rule, GTK_TYPE_ENTRY, NULL);
    gtk_editable_set_text (GTK_EDITABLE (value), "receipt");
    /* The action's detail: the first entry on a line after the condition's. */
    argument = NULL;
    for (GtkWidget *line = gtk_widget_get_next_sibling (gtk_widget_get_parent (value)); argument == NULL && line != NULL;
         line = gtk_widget_get_next_sibling (line))
      argument = af_test_ui_find_widget (line, GTK_TYPE_ENTRY, NULL);
    gtk_editable_set_text (GTK_EDITABLE (argument), "Finance");
    g_assert_true (af_agent_editor_validate (AF_AGENT_EDITOR (editor)));
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
    af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);
    g_assert_cmpuint (n_agents (), ==, before + 1);
  }

  /* Delete asks first, then removes the agent. */
  before = n_agents ();
  {
    g_autoptr (AfAgent) last = g_list_model_get_item (af_engine_get_agents (engine), before - 1);
    GtkWindow *dialog;

    af_test_ui_choose_from_menu (af_test_ui_wait_for_row (GTK_WIDGET (agents_page), last), "_Delete…");
    dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    assert_rendered (GTK_WIDGET (dialog), "dialog-delete-agent");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    af_test_ui_wait_until (no_toplevel_of_type_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
    g_assert_cmpuint (n_agents (), ==, before);

    af_test_ui_choose_from_menu (af_test_ui_wait_for_row (GTK_WIDGET (agents_page), last), "_Delete…");
    dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    /* The activity stays unless the user asks otherwise. */
    g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (
        adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog)))));
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
    af_test_wait_until (n_agents () == before - 1, "the agent to be deleted");
    g_assert_cmpuint (n_agents (), ==, before - 1);
    g_assert_null (af_engine_lookup_agent (engine, af_agent_get_id (last)));
  }

  /* Deleting an agent with its history after looking at its page: the
   * page lets it go, and its activity goes too. */
  before = n_agents ();
  {
    g_autofree char *id = g_strdup (af_agent_get_id (agent));
    g_autoptr (AfActivityModel) kept = af_engine_create_activity_model (engine, id, NULL);
    g_autoptr (AfActivityModel) after = NULL;
    GtkWindow *dialog;

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (kept)), >, 0);
    af_test_ui_activate_list_item (af_test_ui_find_widget (GTK_WIDGET (agents_page), GTK_TYPE_LIST_VIEW, NULL), agent);
    af_test_ui_wait_settled (GTK_WIDGET (window), "the window");
    g_assert_cmpstr (af_window_get_visible_page (window), ==, "agent");
    g_assert_true (af_agent_page_get_agent (AF_AGENT_PAGE (af_window_get_page (window, "agent"))) == agent);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL);
    af_test_ui_wait_settled (GTK_WIDGET (window), "the window");

    af_test_ui_choose_from_menu (af_test_ui_wait_for_row (GTK_WIDGET (agents_page), agent), "_Delete…");
    dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    gtk_check_button_set_active (GTK_CHECK_BUTTON (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog))),
                                 TRUE);
    assert_rendered (GTK_WIDGET (dialog), "dialog-delete-agent-history");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
    af_test_wait_until (n_agents () == before - 1, "the agent to be deleted");
    g_assert_cmpuint (n_agents (), ==, before - 1);
    g_assert_cmpstr (af_window_get_visible_page (window), ==, "agents");
    g_assert_null (af_agent_page_get_agent (AF_AGENT_PAGE (af_window_get_page (window, "agent"))));
    after = af_engine_create_activity_model (engine, id, NULL);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (after)), ==, 0);
  }

  af_window_set_engine (window, NULL);
  af_engine_shutdown (engine);
  show_view ("dashboard");
}

/* What the user does in an entry row: focus it, type, and click its
 * Apply button, which shows once the text changed while editing. */
static void
type_and_apply (GtkWidget  *row,
                const char *text)
{
  GtkWidget *apply = find_button_by_icon (row, "adw-entry-apply-symbolic");

  g_assert_nonnull (apply);
  g_assert_true (gtk_widget_grab_focus (row));
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  af_test_wait_until (gtk_widget_get_mapped (apply) && af_test_ui_settled (row), "the row's Apply button to show");
  click (apply);
}

static gboolean
model_active_cond (gpointer data)
{
  return af_model_settings_get_active (data);
}

static gboolean
model_inactive_cond (gpointer data)
{
  return !af_model_settings_get_active (data);
}

static void
on_key_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (af_model_settings_set_api_key_finish (AF_MODEL_SETTINGS (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *)user_data = TRUE;
}

/* The AI model of the settings reaches the engine, with its key from the
 * keyring, and an AI agent's run talks to it. */
static void
test_model_settings (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (AfDatabase) db = af_test_database_new (&dir);
  g_autoptr (AfSandbox) sandbox = af_sandbox_new ();
  g_autoptr (AfHttpClient) http = af_http_client_new ();
  g_autofree char *google = NULL, *slack_token = NULL, *llm_token = NULL;
  g_autofree char *calendar_base = NULL, *slack_base = NULL, *endpoint = NULL, *typed = NULL;
  g_autoptr (AfTokenSource) google_tokens = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;
  g_autoptr (AfServicesExecutor) executor = NULL;
  g_autoptr (AfEngine) engine = NULL;
  g_autoptr (AfAgent) agent = NULL;
  GSettings          *settings = af_application_get_settings (app);
  AfWindow           *window = main_window ();
  AfIntegrationsPage *page = AF_INTEGRATIONS_PAGE (af_window_get_page (window, "integrations"));
  AfModelSettings    *model;
  JsonArray          *connections = json_array_new ();
  JsonObject         *c = json_object_new ();
  JsonArray          *perms = json_array_new ();
  JsonObject         *ai = json_object_new ();
  gboolean            saved = FALSE, ran = FALSE;

  af_sandbox_seed_sample (sandbox);
  af_sandbox_add_default_tokens (sandbox, &google, &slack_token, &llm_token);
  g_assert_true (af_sandbox_start (sandbox, &error));
  g_assert_no_error (error);
  google_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (google));
  slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
  calendar_base = g_strconcat (af_sandbox_get_base_url (sandbox), "/calendar/v3", NULL);
  slack_base = g_strconcat (af_sandbox_get_base_url (sandbox), "/api", NULL);
  gmail = af_gmail_client_new (http, google_tokens, af_sandbox_get_base_url (sandbox));
  calendar = af_calendar_client_new (http, google_tokens, calendar_base);
  slack = af_slack_client_new (http, slack_tokens, slack_base);
  executor = af_services_executor_new (gmail, calendar, slack);
  engine = af_engine_new (db, AF_EXECUTOR (executor));
  af_engine_set_network_monitor (engine, NULL);

  /* Nothing set: no model, and no model is a valid state for the engine. */
  g_settings_reset (settings, "ai-endpoint");
  g_settings_reset (settings, "ai-model");
  model = af_model_settings_bind (engine, settings, http);
  g_assert_true (af_model_settings_get_for_engine (engine) == model);
  g_assert_false (af_model_settings_get_active (model));

  /* The key goes to the keyring, under the endpoint as typed or not. */
  endpoint = g_strconcat (af_sandbox_get_base_url (sandbox), "/v1", NULL);
  typed = g_strconcat (" ", endpoint, "/ ", NULL);
  af_model_settings_set_api_key_async (model, typed, llm_token, NULL, on_key_saved_cb, &saved);
  af_test_ui_wait_until (flag_cond, &saved, 10000);
  {
    g_autofree char *stored = secret_password_lookup_sync (af_vault_get_schema (), NULL, &error, "service", "llm",
                                                           "account", endpoint, "agent", "", NULL);

    g_assert_no_error (error);
    g_assert_nonnull (stored);
    g_assert_nonnull (strstr (stored, llm_token));
  }
  {
    g_autoptr (GVariant) value = g_settings_get_user_value (settings, "ai-endpoint");
    g_autofree char *all = NULL;

    /* Never in GSettings. */
    g_assert_null (value);
    all = g_settings_get_string (settings, "ai-model");
    g_assert_null (strstr (all, llm_token));
  }

  /* The Integrations page saves what the user types. */
  af_window_set_engine (window, engine);
  show_view ("integrations");
  {
    GtkWidget       *endpoint_row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW, "Endpoint");
    GtkWidget       *model_row = af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW, "Model");
    g_autofree char *saved_endpoint = NULL;

    type_and_apply (endpoint_row, typed);
    type_and_apply (model_row, "sandbox-model");
    saved_endpoint = g_settings_get_string (settings, "ai-endpoint");
    g_assert_cmpstr (saved_endpoint, ==, endpoint);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (endpoint_row)), ==, endpoint);
  }
  af_test_ui_wait_until (model_active_cond, model, 10000);
  assert_rendered (GTK_WIDGET (window), "view-integrations-model");

  /* An AI agent's run reaches the model with the stored key. */
  json_array_add_string_element (perms, "gmail.read");
  json_array_add_string_element (perms, "gmail.modify");
  json_object_set_string_member (c, "service", "google");
  json_object_set_string_member (c, "account", AF_SANDBOX_ACCOUNT);
  json_object_set_array_member (c, "permissions", perms);
  json_array_add_object_element (connections, c);
  agent = af_template_create_agent (af_template_lookup ("custom"), "AI Sorter", connections);
  json_array_unref (connections);
  json_object_set_boolean_member (ai, "enabled", TRUE);
  json_object_set_string_member (ai, "instructions", "Label mail about work as AI-Work.");
  json_object_set_int_member (ai, "max_steps", 2);
  json_object_set_object_member (af_agent_get_definition (agent), "ai", ai);
  /* The sample mailbox is today's mail: the first run looks at it. */
  json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 1);
  g_assert_true (af_engine_add_agent (engine, agent, &error));
  g_assert_no_error (error);
  af_sandbox_llm_push_tool_call (sandbox, "label", "{\"label\":\"AI-Work\"}");
  af_engine_run_agent_async (engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_finished_cb, &ran);
  af_test_ui_wait_until (flag_cond, &ran, 30000);
  g_assert_nonnull (af_sandbox_llm_get_last_request (sandbox));
  g_assert_cmpuint (af_sandbox_get_count (sandbox, "gmail.users.labels.create"), ==, 1);

  /* Clearing the endpoint takes the model away again. */
  g_settings_set_string (settings, "ai-endpoint", "");
  af_test_ui_wait_until (model_inactive_cond, model, 5000);

  secret_password_clear_sync (af_vault_get_schema (), NULL, NULL, "service", "llm", "account", endpoint, NULL);
  g_settings_reset (settings, "ai-model");
  af_window_set_engine (window, NULL);
  af_engine_shutdown (engine);
  show_view ("dashboard");
}

static gboolean
window_has_engine_cond (gpointer data)
{
  return af_window_get_engine (main_window ()) != NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = NULL;
  int              ret;

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  /* A sample workspace of its own: the tests change its agents, and the
   * same suite runs again in the sanitizer build. */
  data_dir = g_dir_make_tmp ("af-views-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("AGENTFLOW_DATA_DIR", data_dir, TRUE);

  app = af_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));
  g_application_activate (G_APPLICATION (app));
  /* The application binds its engine after the window's first frame. */
  af_test_ui_wait_until (window_has_engine_cond, NULL, 10000);

  /* The pages start without the application's engine and accounts;
   * /views/engine and /views/accounts bind their own. */
  af_window_set_engine (main_window (), NULL);
  af_window_set_account_manager (main_window (), NULL);

  g_test_add_func ("/views/pages", test_pages);
  g_test_add_func ("/views/dark", test_dark);
  g_test_add_func ("/views/dashboard-activity", test_dashboard_activity);
  g_test_add_func ("/views/dashboard-times-timer", test_dashboard_times_timer);
  g_test_add_func ("/views/approvals-badge", test_approvals_badge);
  g_test_add_func ("/views/integrations", test_integrations);
  g_test_add_func ("/views/fold", test_fold);
  g_test_add_func ("/views/accounts", test_accounts);
  g_test_add_func ("/views/connect-sandbox", test_connect_sandbox);
  g_test_add_func ("/views/engine", test_engine);
  g_test_add_func ("/views/templates", test_templates);
  g_test_add_func ("/views/model-settings", test_model_settings);

  ret = g_test_run ();

  af_test_ui_destroy_windows ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return ret;
}
