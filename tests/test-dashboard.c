/* test-dashboard.c — the dashboard at volume: the feed of runs, the
 * "N New" button, the details of what an agent did and the chart of
 * actions per day, driven through their widgets under Xvfb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "af-activity-details.h"
#include "af-activity-log.h"
#include "af-activity-model.h"
#include "af-activity-row.h"
#include "af-application.h"
#include "af-chart.h"
#include "af-dashboard-page.h"
#include "af-engine.h"
#include "af-metrics-history.h"
#include "af-run-summary.h"
#include "af-test-ui.h"
#include "af-window.h"

static AfApplication *app;
static char          *uri_file; /* where the stand-in browser writes what it was asked to open */

static AfWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
window_has_engine_cond (gpointer data)
{
  return af_window_get_engine (main_window ()) != NULL;
}

static gboolean
flag_cond (gpointer data)
{
  return *(gboolean *)data;
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

static gboolean
has_items_cond (gpointer data)
{
  return g_list_model_get_n_items (data) > 0;
}

static gboolean
visible_cond (gpointer data)
{
  return gtk_widget_get_visible (data) && gtk_widget_get_mapped (data);
}

static GtkWindow *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
dialog_cond (gpointer data)
{
  return (find_dialog () != NULL) == GPOINTER_TO_INT (data);
}

static gboolean
file_exists_cond (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
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

typedef struct
{
  AfEngine *engine;
  AfAgent  *agent;
} EngineAgent;

static gboolean
agent_idle_cond (gpointer data)
{
  EngineAgent *ea = data;

  return !af_engine_is_running (ea->engine, af_agent_get_id (ea->agent));
}

static void
run_agent (AfEngine *engine,
           AfAgent  *agent)
{
  EngineAgent ea = { engine, agent };
  gboolean    ran = FALSE;

  /* The scheduler may have started the agent on its own when the engine
   * started (it was due): that run ends first, as a click on Run Now
   * would be refused meanwhile. */
  af_test_ui_wait_until (agent_idle_cond, &ea, 30000);
  af_engine_run_agent_async (engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_finished_cb, &ran);
  af_test_ui_wait_until (flag_cond, &ran, 30000);
  /* The feed hears of new rows after a short coalescing delay; no need
   * to wait for it. */
  af_activity_model_flush (AF_ACTIVITY_MODEL (af_dashboard_page_get_activity (
      AF_DASHBOARD_PAGE (af_window_get_page (main_window (), "dashboard")))));
}

/* What a click does: the button's own "activate" (keyboard or pointer). */
static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate (button);
}

static GtkWidget *
find_button_by_tooltip (GtkWidget  *root,
                        const char *tooltip)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_by_tooltip (child, tooltip);

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

static void
show_dashboard (void)
{
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.show-view", "s", "dashboard");
  af_test_ui_wait_for_paint (GTK_WIDGET (main_window ()));
}

/* An agent that polls and finds nothing leaves no row in the feed; its
 * quiet runs come back with the filter; a run's row opens onto its
 * actions, each with a link to the mail it acted on. */
static void
test_feed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfEngine) engine = af_engine_new_for_sandbox (&error);
  AfWindow        *window = main_window ();
  AfDashboardPage *page = AF_DASHBOARD_PAGE (af_window_get_page (window, "dashboard"));
  AfAgent         *agent = NULL;
  GListModel      *visible;
  GtkWidget       *quiet;
  guint            n_first;
  guint            n_idle;
  gint64           run_id = 0;
  g_autofree char *expected_uri = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (af_engine_get_agents (engine)) && agent == NULL; i++)
    {
      g_autoptr (AfAgent) a = g_list_model_get_item (af_engine_get_agents (engine), i);

      if (g_strcmp0 (af_agent_get_template_id (a), "email-assistant") == 0)
        agent = a;
    }
  g_assert_nonnull (agent);
  g_assert_true (af_engine_start (engine, &error));
  g_assert_no_error (error);
  af_window_set_engine (window, engine);
  show_dashboard ();
  visible = af_dashboard_page_get_visible_activity (page);

  /* A run that acted: one row, which says what it did. */
  run_agent (engine, agent);
  af_test_ui_wait_until (has_items_cond, visible, 5000);
  n_first = g_list_model_get_n_items (visible);
  for (guint i = 0; i < n_first; i++)
    {
      g_autoptr (AfActivityEntry) e = g_list_model_get_item (visible, i);
      const char *kind = af_activity_entry_get_kind (e);

      /* Never the steps of a run. */
      g_assert_cmpstr (kind, !=, "run-started");
      g_assert_cmpstr (kind, !=, "fetched");
      g_assert_cmpstr (kind, !=, "decided");
      if (g_str_equal (kind, "run-finished") && g_strcmp0 (af_activity_entry_get_agent_id (e), af_agent_get_id (agent)) == 0)
        {
          g_test_message ("run row: %s", af_activity_entry_get_summary (e));
          run_id = af_activity_entry_get_run_id (e);
          g_assert_true (g_str_has_prefix (af_activity_entry_get_summary (e), "Run finished: "));
          g_assert_null (strstr (af_activity_entry_get_summary (e), "actions done"));
          /* The row says it in the current language, from the numbers. */
          {
            g_autoptr (JsonNode) node = json_from_string (af_activity_entry_get_details (e), NULL);
            g_autofree char *did = af_run_summary_describe (json_node_get_object (node));
            g_autofree char *shown = g_strdup (did);

            g_assert_nonnull (strstr (did, "labelled "));
            shown[0] = g_ascii_toupper (shown[0]);
            af_test_ui_wait_for_paint (GTK_WIDGET (window));
            g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, shown));
          }
        }
    }
  g_assert_cmpint (run_id, >, 0);

  /* The tiles tell the same story as the chart, by the frame that shows
   * the run: today's actions are today's bar. */
  af_test_ui_wait_for_paint (GTK_WIDGET (window));
  {
    g_autoptr (AfMetricsStore) store = af_metrics_store_new (af_activity_log_get_database (af_engine_get_activity_log (engine)));
    g_autoptr (AfMetricsHistory) history = af_metrics_history_new (store);
    g_autofree AfDayActions *today = af_metrics_history_get_days (history, NULL, 1);
    g_autofree char         *expected = g_strdup_printf ("%u", today[0].done);
    GtkWidget               *caption = af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, "Actions today");

    g_assert_cmpuint (today[0].done, >, 0);
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_prev_sibling (caption))), ==, expected);
  }

  /* The same poll again finds nothing new: nothing new to see. */
  n_idle = af_activity_log_count (af_engine_get_activity_log (engine), af_agent_get_id (agent), "run-idle");
  run_agent (engine, agent);
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (engine), af_agent_get_id (agent), "run-idle"), ==,
                    n_idle + 1);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, n_first);
  g_assert_null (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, "Fetched 0 new items"));

  /* "Quiet Runs" brings it back, and takes it away again. */
  quiet = af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_TOGGLE_BUTTON, "_Quiet Runs");
  click (quiet);
  af_test_ui_wait_until (n_items_cond,
                         &(NItemsWait){ visible, n_first + af_activity_log_count (af_engine_get_activity_log (engine), NULL, "run-idle") },
                         5000);
  click (quiet);
  af_test_ui_wait_until (n_items_cond, &(NItemsWait){ visible, n_first }, 5000);

  /* The run's details list its actions; each opens its mail in Gmail. */
  {
    g_autoptr (GPtrArray) steps = af_activity_log_query_run (af_engine_get_activity_log (engine), run_id, &error);
    GtkWidget       *list_view = find_widget_with_class (GTK_WIDGET (page), "af-activity-list");
    GtkWindow       *dialog;
    GtkWidget       *open;
    g_autofree char *opened = NULL;
    guint            position = G_MAXUINT;

    g_assert_no_error (error);
    for (guint i = 0; i < steps->len && expected_uri == NULL; i++)
      {
        AfActivityEntry *s = g_ptr_array_index (steps, i);
        g_autoptr (JsonNode) node = NULL;

        if (g_strcmp0 (af_activity_entry_get_kind (s), "action-done") != 0)
          continue;
        node = json_from_string (af_activity_entry_get_details (s), NULL);
        expected_uri = g_strconcat ("https://mail.google.com/mail/u/0/#all/",
                                    json_object_get_string_member (json_node_get_object (node), "item"), NULL);
      }
    g_assert_nonnull (expected_uri);

    for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
      {
        g_autoptr (AfActivityEntry) e = g_list_model_get_item (visible, i);

        if (af_activity_entry_get_run_id (e) == run_id)
          position = i;
      }
    g_assert_cmpuint (position, !=, G_MAXUINT);
    /* What Enter or a click on the row does. */
    gtk_widget_activate_action (list_view, "list.activate-item", "u", position);
    af_test_ui_wait_until (dialog_cond, GINT_TO_POINTER (TRUE), 5000);
    dialog = find_dialog ();
    g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (dialog), ADW_TYPE_PREFERENCES_ROW, "Agent"));
    g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (dialog), ADW_TYPE_PREFERENCES_ROW, "When"));
    g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_EXPANDER, NULL));
    af_test_ui_save_and_measure (GTK_WIDGET (dialog), "dialog-run-details");

    open = find_button_by_tooltip (GTK_WIDGET (dialog), "Open in Gmail");
    g_unlink (uri_file);
    click (open);
    af_test_ui_wait_until (file_exists_cond, uri_file, 10000);
    g_assert_true (g_file_get_contents (uri_file, &opened, NULL, NULL));
    g_strchomp (opened);
    g_assert_cmpstr (opened, ==, expected_uri);

    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
    af_test_ui_wait_until (dialog_cond, GINT_TO_POINTER (FALSE), 5000);
  }

  af_window_set_engine (window, NULL);
  af_engine_shutdown (engine);
}

typedef struct
{
  GtkAdjustment *adjustment;
  double         value;
} AdjustmentWait;

static gboolean
adjustment_cond (gpointer data)
{
  AdjustmentWait *wait = data;

  return G_APPROX_VALUE (gtk_adjustment_get_value (wait->adjustment), wait->value, 0.5);
}

static gboolean
scrollable_cond (gpointer data)
{
  GtkAdjustment *adjustment = data;

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) * 3;
}

static AfActivityEntry *
entry (gint64      id,
       const char *summary)
{
  return af_activity_entry_new (id, g_get_real_time () - (1000 - id) * G_USEC_PER_SEC, "a1", 0, "run-finished",
                                summary, "{}", "succeeded");
}

/* Rows arriving above a reader who scrolled down do not move the view:
 * a button says how many there are and takes the reader up. */
static void
test_new_button (void)
{
  AfWindow        *window = main_window ();
  AfDashboardPage *page = AF_DASHBOARD_PAGE (af_window_get_page (window, "dashboard"));
  g_autoptr (GListStore) store = g_list_store_new (AF_TYPE_ACTIVITY_ENTRY);
  GtkScrolledWindow *scroller;
  GtkAdjustment     *adjustment;
  GtkWidget         *new_button;
  double             bottom;

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *summary = g_strdup_printf ("Run %u", i);
      g_autoptr (AfActivityEntry) e = entry (300 - i, summary);

      g_list_store_append (store, e);
    }
  af_dashboard_page_set_has_agents (page, TRUE);
  af_dashboard_page_set_activity (page, G_LIST_MODEL (store));
  show_dashboard ();

  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (find_widget_with_class (GTK_WIDGET (page), "af-activity-list"),
                                                           GTK_TYPE_SCROLLED_WINDOW));
  adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  af_test_ui_wait_until (scrollable_cond, adjustment, 5000);
  /* The feed is shown from its top first (an idle does that). */
  af_test_ui_wait_for_idle ();
  new_button = find_widget_with_class (GTK_WIDGET (page), "af-new-button");
  g_assert_true (GTK_IS_BUTTON (new_button));
  g_assert_false (gtk_widget_get_visible (new_button));

  /* Scrolled down (as the scroll bar does), three more arrive. */
  bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  gtk_adjustment_set_value (adjustment, bottom / 2);
  af_test_ui_wait_until (adjustment_cond, &(AdjustmentWait){ adjustment, bottom / 2 }, 5000);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *summary = g_strdup_printf ("New run %u", i);
      g_autoptr (AfActivityEntry) e = entry (302 + i, summary);

      g_list_store_insert (store, 0, e);
    }
  af_test_ui_wait_until (visible_cond, new_button, 5000);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (new_button)), ==, "3 New");
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 1.0);
  af_test_ui_save_and_measure (GTK_WIDGET (window), "dashboard-new-button");

  /* The button takes the reader to the newest row and goes away. */
  click (new_button);
  af_test_ui_wait_until (adjustment_cond, &(AdjustmentWait){ adjustment, 0 }, 5000);
  g_assert_false (gtk_widget_get_visible (new_button));
  af_test_ui_wait_for_paint (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, "New run 2")));

  /* Tab leaves the feed at once rather than walking its 300 rows; the
   * window's Tab moves the focus exactly so. */
  {
    GtkWidget *list_view = find_widget_with_class (GTK_WIDGET (page), "af-activity-list");
    GtkWidget *focus;

    g_assert_true (gtk_widget_child_focus (list_view, GTK_DIR_DOWN) || gtk_widget_grab_focus (list_view));
    focus = gtk_root_get_focus (GTK_ROOT (window));
    g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, list_view));
    gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
    focus = gtk_root_get_focus (GTK_ROOT (window));
    g_assert_true (focus == NULL || !gtk_widget_is_ancestor (focus, list_view));

    /* Back: the filters above the feed. */
    g_assert_true (gtk_widget_grab_focus (list_view));
    gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_BACKWARD);
    focus = gtk_root_get_focus (GTK_ROOT (window));
    g_assert_nonnull (focus);
    g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (page)));
    g_assert_false (gtk_widget_is_ancestor (focus, list_view));
  }

  /* At the top, new rows simply show. */
  {
    g_autoptr (AfActivityEntry) e = entry (310, "Run at the top");

    g_list_store_insert (store, 0, e);
  }
  g_assert_false (gtk_widget_get_visible (new_button));

  af_dashboard_page_set_activity (page, NULL);
  af_dashboard_page_set_has_agents (page, FALSE);
}

/* @n_rows activity rows over the last 30 days (today included), in one
 * statement: actions done, waiting and failed, plus run bookkeeping. */
static AfDatabase *
database_with_history (const char *name,
                       guint       n_rows)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("af-dashboard-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (AfDatabase) db = NULL;
  g_autofree char *sql = NULL;
  gint64           now = g_get_real_time ();
  gint64           span = 29 * G_TIME_SPAN_DAY + (now % G_TIME_SPAN_DAY);

  g_assert_no_error (error);
  db = af_database_open (path, &error);
  g_assert_no_error (error);

  /* Row i: kind by i % 10 (6 done, 1 waiting, 1 failed, 2 steps), in
   * time order (as the log is written) over the 30 days. */
  sql = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %u - 1)"
                         " INSERT INTO activity (ts, agent_id, run_id, kind, summary, outcome)"
                         " SELECT %" G_GINT64_FORMAT " - (%u - 1 - i) * (%" G_GINT64_FORMAT " / %u),"
                         "   CASE i %% 3 WHEN 0 THEN 'a1' WHEN 1 THEN 'a2' ELSE 'a3' END, i / 10,"
                         "   CASE i %% 10 WHEN 6 THEN 'approval-requested' WHEN 7 THEN 'action-failed'"
                         "     WHEN 8 THEN 'run-started' WHEN 9 THEN 'decided' ELSE 'action-done' END,"
                         "   'x', CASE i %% 10 WHEN 6 THEN 'waiting' WHEN 7 THEN 'failed' ELSE 'done' END FROM n",
                         n_rows, now, n_rows, span, n_rows);
  g_assert_true (af_database_exec (db, "BEGIN", &error));
  g_assert_true (af_database_exec (db, sql, &error));
  g_assert_no_error (error);
  g_assert_true (af_database_exec (db, "COMMIT", &error));
  return g_steal_pointer (&db);
}

typedef struct
{
  AfChart *chart;
  guint    n_days;
} ChartWait;

static gboolean
chart_days_cond (gpointer data)
{
  ChartWait *wait = data;

  return af_chart_get_n_days (wait->chart) == wait->n_days;
}

/* The chart of the last 30 days, light and dark, with what it says. */
static void
test_chart (void)
{
  AfWindow        *window = main_window ();
  AfDashboardPage *page = AF_DASHBOARD_PAGE (af_window_get_page (window, "dashboard"));
  g_autoptr (AfDatabase) db = database_with_history ("chart.db", 30000);
  g_autoptr (AfMetricsStore) store = af_metrics_store_new (db);
  g_autoptr (AfMetricsHistory) history = af_metrics_history_new (store);
  AfChart   *chart = AF_CHART (af_dashboard_page_get_chart (page));
  GtkWidget *month = af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_TOGGLE_BUTTON, "30 Days");
  guint      done = 0, waiting = 0, failed = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  af_dashboard_page_set_has_agents (page, TRUE);
  af_dashboard_page_set_metrics (page, 3, 120, 0.97, 95);
  af_dashboard_page_set_history (page, history);
  show_dashboard ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (chart)));
  g_assert_cmpuint (af_chart_get_n_days (chart), ==, 7);

  click (month);
  af_test_ui_wait_until (chart_days_cond, &(ChartWait){ chart, 30 }, 5000);

  /* Every row counted once, on its day. */
  {
    g_autofree AfDayActions *days = af_metrics_history_get_days (history, NULL, 30);

    for (guint i = 0; i < 30; i++)
      {
        done += days[i].done;
        waiting += days[i].waiting;
        failed += days[i].failed;
      }
    g_assert_cmpuint (done, ==, 18000);
    g_assert_cmpuint (waiting, ==, 3000);
    g_assert_cmpuint (failed, ==, 3000);
    {
      g_autofree char *text = af_chart_dup_day_text (chart, 29);
      g_autofree char *expected = g_strdup_printf ("Today: %u done, %u waiting for approval, %u failed", days[29].done,
                                                   days[29].waiting, days[29].failed);

      g_assert_cmpstr (text, ==, expected);
    }
  }

  af_test_ui_wait_for_paint (GTK_WIDGET (window));
  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (window), "dashboard-chart-30d"), >, 5.0);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  af_test_ui_wait_for_paint (GTK_WIDGET (window));
  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (window), "dashboard-chart-30d-dark"), >, 5.0);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  click (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_TOGGLE_BUTTON, "7 Days"));
  af_test_ui_wait_until (chart_days_cond, &(ChartWait){ chart, 7 }, 5000);
  af_dashboard_page_set_history (page, NULL);
  af_dashboard_page_set_has_agents (page, FALSE);
}

/* A million rows: the chart's numbers come from the hourly counters, not
 * from the rows, so they are as quick as with a thousand. */
static void
test_chart_million (void)
{
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (AfDatabase) db = database_with_history ("million.db", 1000000);
  g_autoptr (AfMetricsStore) store = af_metrics_store_new (db);
  g_autoptr (AfMetricsHistory) history = af_metrics_history_new (store);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                       g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr (GDateTime) first = g_date_time_add_days (today, -29);
  AfDayActions             days[30];
  guint                    total = 0;
  gint64                   t1, t2, t3;
  g_autofree AfDayActions *cached = NULL;

  t1 = g_get_monotonic_time ();
  g_test_message ("1,000,000 rows written in %.1f s", (t1 - t0) / 1e6);
  g_assert_true (af_metrics_store_actions_per_day (store, NULL, first, 30, days, &error));
  g_assert_no_error (error);
  t2 = g_get_monotonic_time ();
  for (guint i = 0; i < 30; i++)
    total += days[i].done + days[i].waiting + days[i].failed;
  g_assert_cmpuint (total, ==, 800000);

  /* One agent's chart, and the cached history (only today is read). */
  g_assert_true (af_metrics_store_actions_per_day (store, "a2", first, 30, days, &error));
  g_assert_no_error (error);
  g_free (af_metrics_history_get_days (history, NULL, 30));
  t3 = g_get_monotonic_time ();
  cached = af_metrics_history_get_days (history, NULL, 30);
  g_test_message ("30 days over 1,000,000 rows: %.2f ms; again from the cache: %.2f ms", (t2 - t1) / 1e3,
                  (g_get_monotonic_time () - t3) / 1e3);
  /* A frame is 16 ms: the query must fit in a fraction of it. */
  g_assert_cmpint (t2 - t1, <, 50 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - t3, <, 10 * 1000);
  total = 0;
  for (guint i = 0; i < 30; i++)
    total += cached[i].done + cached[i].waiting + cached[i].failed;
  g_assert_cmpuint (total, ==, 800000);
}

/* A log of @n_rows entries named "Entry 0" (the oldest) to "Entry n-1". */
static AfDatabase *
database_with_entries (guint n_rows)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("af-dashboard-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "feed.db", NULL);
  g_autoptr (AfDatabase) db = NULL;
  g_autofree char *sql = NULL;

  g_assert_no_error (error);
  db = af_database_open (path, &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %u - 1)"
                         " INSERT INTO activity (ts, agent_id, run_id, kind, summary, outcome)"
                         " SELECT %" G_GINT64_FORMAT " - (%u - i) * %" G_GINT64_FORMAT ", 'a1', i, 'action-done',"
                         "   'Entry ' || i, 'done' FROM n",
                         n_rows, g_get_real_time (), n_rows, (gint64)G_USEC_PER_SEC);
  g_assert_true (af_database_exec (db, "BEGIN", &error));
  g_assert_true (af_database_exec (db, sql, &error));
  g_assert_no_error (error);
  g_assert_true (af_database_exec (db, "COMMIT", &error));
  return g_steal_pointer (&db);
}

typedef struct
{
  GtkWidget     *list_view;
  GtkAdjustment *adjustment;
  GListModel    *log_model;
} Feed;

static guint
feed_n_shown (Feed *feed)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (feed->list_view))));
}

/* The feed has what a reader needs below the view: two screenfuls, or
 * the whole log. */
static gboolean
feed_ready_cond (gpointer data)
{
  Feed  *feed = data;
  double page = gtk_adjustment_get_page_size (feed->adjustment);

  return gtk_widget_get_mapped (feed->list_view) && page > 0 &&
         (gtk_adjustment_get_upper (feed->adjustment) - gtk_adjustment_get_value (feed->adjustment) - page >= 2 * page ||
          feed_n_shown (feed) == g_list_model_get_n_items (feed->log_model));
}

typedef struct
{
  Feed *feed;
  guint n_shown;
} MoreWait;

static gboolean
more_shown_cond (gpointer data)
{
  MoreWait *wait = data;

  return feed_n_shown (wait->feed) > wait->n_shown;
}

/* Row widgets the list view built, and those the reader sees. */
static void
count_rows (Feed  *feed,
            guint *built,
            guint *on_screen)
{
  GtkWidget      *viewport = gtk_widget_get_parent (feed->list_view);
  graphene_rect_t view;

  *built = *on_screen = 0;
  g_assert_true (gtk_widget_compute_bounds (viewport, viewport, &view));
  for (GtkWidget *item = gtk_widget_get_first_child (feed->list_view); item; item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget      *row = gtk_widget_get_first_child (item);
      graphene_rect_t bounds;

      if (!AF_IS_ACTIVITY_ROW (row))
        continue;
      (*built)++;
      if (gtk_widget_get_mapped (row) && gtk_widget_compute_bounds (row, viewport, &bounds) &&
          graphene_rect_intersection (&bounds, &view, NULL))
        (*on_screen)++;
    }
}

static gboolean
entry_on_screen (Feed *feed,
                 guint i)
{
  g_autofree char *summary = g_strdup_printf ("Entry %u", i);
  GtkWidget       *label = af_test_ui_find_widget (feed->list_view, GTK_TYPE_LABEL, summary);
  GtkWidget       *viewport = gtk_widget_get_parent (feed->list_view);
  graphene_rect_t  view, bounds;

  return label != NULL && gtk_widget_get_mapped (label) && gtk_widget_compute_bounds (viewport, viewport, &view) &&
         gtk_widget_compute_bounds (label, viewport, &bounds) && graphene_rect_intersection (&bounds, &view, NULL);
}

/* A long log: the list view builds the rows of a few screenfuls, not its
 * pool of two hundred (GTK 4.8 builds that many whatever the height of
 * the window), and no more while the reader stays put. */
static void
test_feed_rows_built (void)
{
  AfWindow        *window = main_window ();
  AfDashboardPage *page = AF_DASHBOARD_PAGE (af_window_get_page (window, "dashboard"));
  g_autoptr (AfDatabase) db = database_with_entries (100000);
  g_autoptr (AfActivityLog) log = af_activity_log_new (db);
  g_autoptr (AfActivityModel) model = af_activity_model_new (log, NULL, NULL);
  Feed  feed = { find_widget_with_class (GTK_WIDGET (page), "af-activity-list"), NULL, G_LIST_MODEL (model) };
  guint built, on_screen;

  af_dashboard_page_set_has_agents (page, TRUE);
  af_dashboard_page_set_activity (page, G_LIST_MODEL (model));
  show_dashboard ();
  feed.adjustment = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (feed.list_view, GTK_TYPE_SCROLLED_WINDOW)));
  af_test_ui_wait_until (feed_ready_cond, &feed, 10000);
  af_test_ui_wait_for_idle ();
  af_test_ui_wait_for_paint (GTK_WIDGET (window));
  g_assert_true (entry_on_screen (&feed, 99999));

  count_rows (&feed, &built, &on_screen);
  g_test_message ("%u rows on screen, %u built", on_screen, built);
  g_assert_cmpuint (on_screen, >, 0);
  /* Three screenfuls, and the step the feed grows by. */
  g_assert_cmpuint (built, <=, 3 * on_screen + 50);
  g_assert_cmpuint (built, <, 100);

  /* New activity still shows at the top, with the reader there. */
  {
    g_autoptr (GError) error = NULL;
    gint64 id = af_activity_log_append (log, "a1", 0, "action-done", "Entry 100000", NULL, "done", &error);

    g_assert_no_error (error);
    g_assert_cmpint (id, >, 0);
    af_activity_model_flush (model);
    af_test_ui_wait_for_paint (GTK_WIDGET (window));
    af_test_wait_until (entry_on_screen (&feed, 100000), "the new entry to show at the top");
    count_rows (&feed, &built, &on_screen);
    g_assert_cmpuint (built, <, 100);
  }

  af_dashboard_page_set_activity (page, NULL);
  af_dashboard_page_set_has_agents (page, FALSE);
}

/* Scrolled to the end of what it shows (as the scroll bar does), the
 * feed shows the next rows, and scrolling on reaches the oldest entry of
 * the log. */
static void
test_feed_scroll_to_end (void)
{
  AfWindow        *window = main_window ();
  AfDashboardPage *page = AF_DASHBOARD_PAGE (af_window_get_page (window, "dashboard"));
  g_autoptr (AfDatabase) db = database_with_entries (100000);
  g_autoptr (AfActivityLog) log = af_activity_log_new (db);
  g_autoptr (AfActivityModel) model = af_activity_model_new (log, NULL, NULL);
  Feed  feed = { find_widget_with_class (GTK_WIDGET (page), "af-activity-list"), NULL, G_LIST_MODEL (model) };
  guint first, steps = 0;

  af_dashboard_page_set_has_agents (page, TRUE);
  af_dashboard_page_set_activity (page, G_LIST_MODEL (model));
  show_dashboard ();
  feed.adjustment = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (feed.list_view, GTK_TYPE_SCROLLED_WINDOW)));
  af_test_ui_wait_until (feed_ready_cond, &feed, 10000);
  /* The feed is shown from its top first (an idle does that). */
  af_test_ui_wait_for_idle ();
  first = feed_n_shown (&feed);
  g_assert_cmpuint (first, <, 100000);
  g_assert_false (entry_on_screen (&feed, 99999 - first));

  /* Near the bottom (as the wheel takes the reader there): the next rows
   * come, and scrolling on by a screenful shows them. */
  gtk_adjustment_set_value (feed.adjustment, gtk_adjustment_get_upper (feed.adjustment) -
                                                 gtk_adjustment_get_page_size (feed.adjustment) * 1.5);
  af_test_ui_wait_until (more_shown_cond, &(MoreWait){ &feed, first }, 10000);
  af_test_ui_wait_for_paint (GTK_WIDGET (window));
  g_assert_cmpuint (feed_n_shown (&feed), <, 100000);
  gtk_adjustment_set_value (feed.adjustment,
                            gtk_adjustment_get_value (feed.adjustment) + gtk_adjustment_get_page_size (feed.adjustment));
  af_test_ui_wait_for_paint (GTK_WIDGET (window));
  af_test_wait_until (entry_on_screen (&feed, 99999 - first), "the row after the first ones to show");

  /* At the very bottom (the scroll bar dragged down) the whole log comes,
   * and its oldest entry can be reached. */
  while (!entry_on_screen (&feed, 0))
    {
      g_assert_cmpuint (++steps, <, 200);
      gtk_adjustment_set_value (feed.adjustment,
                                gtk_adjustment_get_upper (feed.adjustment) - gtk_adjustment_get_page_size (feed.adjustment));
      af_test_ui_wait_for_paint (GTK_WIDGET (window));
    }
  g_test_message ("the oldest entry reached in %u steps", steps);
  g_assert_cmpuint (feed_n_shown (&feed), ==, g_list_model_get_n_items (G_LIST_MODEL (model)));

  af_dashboard_page_set_activity (page, NULL);
  af_dashboard_page_set_has_agents (page, FALSE);
}

/* A browser of our own: the default handler of https addresses writes
 * what it was given to a file, so the test sees the exact address the
 * application asked the desktop to open. */
static void
install_uri_handler (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *apps = g_build_filename (dir, "data", "applications", NULL);
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  g_autofree char *script = g_build_filename (dir, "open-uri", NULL);
  g_autofree char *script_text = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *desktop_path = g_build_filename (apps, "af-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (config, "mimeapps.list", NULL);
  g_autofree char *data_home = NULL;

  uri_file = g_build_filename (dir, "opened-uri", NULL);
  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (config, 0700), ==, 0);
  script_text = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$1\" > '%s.tmp' && mv '%s.tmp' '%s'\n", uri_file, uri_file,
                                 uri_file);
  g_assert_true (g_file_set_contents (script, script_text, -1, &error));
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  desktop = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\nExec=%s %%u\n"
                             "MimeType=x-scheme-handler/https;x-scheme-handler/http;\nNoDisplay=true\n",
                             script);
  g_assert_true (g_file_set_contents (desktop_path, desktop, -1, &error));
  g_assert_true (g_file_set_contents (mimeapps,
                                      "[Default Applications]\nx-scheme-handler/https=af-test-browser.desktop\n"
                                      "x-scheme-handler/http=af-test-browser.desktop\n",
                                      -1, &error));
  g_assert_no_error (error);
  data_home = g_build_filename (dir, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
}

/* The feed's timer is armed for the moment a row's time would read
 * differently, never sooner: the text really changes then, and not a
 * second before; and that is a minute after "Just now", else a local
 * midnight, so the timer does not tick every minute. (The days and the
 * summer time at fixed times and zone: test-feed-time.c.) */
static void
test_relative_time_next_change (void)
{
  g_autoptr (GDateTime) noon = NULL;
  g_autoptr (GDateTime) next_midnight = NULL;
  gint64 t;
  struct
  {
    gint64 age;
    gint64 next; /* 0: never, 1: the next local midnight, else @t + next */
  } cases[] = {
    { 0, 60 }, /* "Just now" for a minute */
    { 59, 60 },
    { 60, 1 }, /* "11:59" until midnight */
    { 10 * 60, 1 },
    { 3 * 3600, 1 },
    { 24 * 3600, 1 },      /* "Yesterday" until midnight */
    { 10 * 24 * 3600, 0 }, /* a date: never */
  };

  {
    /* Noon today, local time: the cases stay within the day. */
    g_autoptr (GDateTime) now = g_date_time_new_now_local ();
    g_autoptr (GDateTime) tomorrow = g_date_time_add_days (now, 1);

    noon = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                  g_date_time_get_day_of_month (now), 12, 0, 0);
    next_midnight = g_date_time_new_local (g_date_time_get_year (tomorrow), g_date_time_get_month (tomorrow),
                                           g_date_time_get_day_of_month (tomorrow), 0, 0, 0);
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64           now = g_date_time_to_unix (noon);
      gint64           next;
      g_autofree char *before = NULL;

      t = now - cases[i].age;
      next = af_format_feed_time_next_change (t, now);
      before = af_format_feed_time (t, now);
      if (cases[i].next == 0)
        {
          g_assert_cmpint (next, ==, 0);
          continue;
        }
      g_assert_cmpint (next, ==, cases[i].next == 1 ? g_date_time_to_unix (next_midnight) : t + cases[i].next);
      {
        g_autofree char *just_before = af_format_feed_time (t, next - 1);
        g_autofree char *at = af_format_feed_time (t, next);

        g_assert_cmpstr (just_before, ==, before);
        g_assert_cmpstr (at, !=, before);
      }
    }
  g_assert_cmpint (af_format_feed_time_next_change (0, g_date_time_to_unix (noon)), ==, 0);
}

/* What "Open in Calendar" and "Open in Slack" open: the links the engine
 * keeps from a created event and a posted message; nothing but web
 * addresses. */
static void
test_open_links (void)
{
  static const struct
  {
    const char *details;
    const char *label;
    const char *uri;
  } cases[] = {
    { "{\"action\":\"create_event\",\"item\":\"m1\",\"html_link\":\"https://www.google.com/calendar/event?eid=ev1\"}",
      "Open in Calendar", "https://www.google.com/calendar/event?eid=ev1" },
    { "{\"action\":\"post\",\"permalink\":\"https://example-workspace.slack.com/archives/C0GENERAL/p1700000000000001\"}",
      "Open in Slack", "https://example-workspace.slack.com/archives/C0GENERAL/p1700000000000001" },
    { "{\"action\":\"post\",\"permalink\":\"file:///etc/passwd\"}", NULL, NULL },
    { "{\"action\":\"create_event\",\"html_link\":\"javascript:alert(1)\"}", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) node = json_from_string (cases[i].details, NULL);
      const char      *label = NULL;
      g_autofree char *uri = af_activity_details_dup_web_uri ("action-done", json_node_get_object (node), &label);

      g_assert_cmpstr (uri, ==, cases[i].uri);
      if (cases[i].label != NULL)
        g_assert_cmpstr (label, ==, cases[i].label);
    }
}

static gboolean
mapped (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_get_mapped (widget);
}

/* The page's first frame shows a blank "loading" page: the feed, tiles,
 * chart and "No Agents Yet" are built when the agents are known, with
 * everything set before then (numbers, agent names, activity). */
static void
test_content_on_demand (void)
{
  GtkWidget       *window = gtk_window_new ();
  AfDashboardPage *page = g_object_new (AF_TYPE_DASHBOARD_PAGE, NULL);
  g_autoptr (GListStore) store = g_list_store_new (AF_TYPE_ACTIVITY_ENTRY);
  const char *names[] = { "Mail Sorter", NULL };
  GtkWidget  *list_view;
  GtkWidget  *dropdown;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *summary = g_strdup_printf ("Sorted %u", i);
      g_autoptr (AfActivityEntry) e = entry (10 - i, summary);

      g_list_store_append (store, e);
    }
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 700);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  af_test_ui_wait_for_paint (window);

  /* The first frame: nothing of the content or the empty page exists. */
  g_assert_null (find_widget_with_class (GTK_WIDGET (page), "af-activity-list"));
  g_assert_null (af_test_ui_find_widget (GTK_WIDGET (page), AF_TYPE_CHART, NULL));
  g_assert_null (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, NULL));
  g_assert_null (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, "Active agents"));

  /* What the window sets as the engine starts, before the agents load. */
  af_dashboard_page_set_activity (page, G_LIST_MODEL (store));
  af_dashboard_page_set_metrics (page, 1, 7, 0.5, 90);
  af_dashboard_page_set_agent_names (page, names);
  af_test_ui_wait_for_paint (window);
  g_assert_null (find_widget_with_class (GTK_WIDGET (page), "af-activity-list"));

  /* The agents are known: the feed shows the activity, the tiles the
   * numbers and the filter the agents. */
  af_dashboard_page_set_has_agents (page, TRUE);
  list_view = find_widget_with_class (GTK_WIDGET (page), "af-activity-list");
  g_assert_nonnull (list_view);
  af_test_wait_until (mapped (af_test_ui_find_widget (list_view, GTK_TYPE_LABEL, "Sorted 0")), "the feed's first row");
  g_assert_true (mapped (af_test_ui_find_widget (list_view, GTK_TYPE_LABEL, "Sorted 4")));
  g_assert_true (mapped (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, "Active agents")));
  g_assert_true (mapped (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, "7")));
  g_assert_true (mapped (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, "50 %")));
  g_assert_true (mapped (af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, "1 h 30 min")));
  dropdown = af_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN, NULL);
  g_assert_nonnull (dropdown);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))), ==, 2);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))), 1),
                   ==, "Mail Sorter");
  g_assert_null (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "No Agents Yet"));

  /* Errors only: none of these rows is an error. */
  af_dashboard_page_set_errors_only (page, TRUE);
  af_test_wait_until (mapped (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "No Errors")),
                      "the feed to say there are no errors");
  af_dashboard_page_set_errors_only (page, FALSE);

  /* The last agent deleted: the invitation to create one. */
  af_dashboard_page_set_has_agents (page, FALSE);
  af_test_wait_until (mapped (af_test_ui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "No Agents Yet")),
                      "the empty page");
  af_dashboard_page_set_has_agents (page, TRUE);
  af_test_wait_until (mapped (af_test_ui_find_widget (list_view, GTK_TYPE_LABEL, "Sorted 0")), "the feed again");
  g_assert_true (find_widget_with_class (GTK_WIDGET (page), "af-activity-list") == list_view);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *home = NULL;
  int              ret;

  /* Before GIO reads where applications are. */
  home = g_dir_make_tmp ("af-dashboard-home-XXXXXX", &error);
  g_assert_no_error (error);
  install_uri_handler (home);

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  data_dir = g_dir_make_tmp ("af-dashboard-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("AGENTFLOW_DATA_DIR", data_dir, TRUE);

  app = af_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));
  g_application_activate (G_APPLICATION (app));
  af_test_ui_wait_until (window_has_engine_cond, NULL, 10000);
  af_window_set_engine (main_window (), NULL);
  af_window_set_account_manager (main_window (), NULL);

  if (g_getenv ("AF_TEST_SKIP_FEED") == NULL)
    g_test_add_func ("/dashboard/feed", test_feed);
  g_test_add_func ("/dashboard/content-on-demand", test_content_on_demand);
  g_test_add_func ("/dashboard/new-button", test_new_button);
  g_test_add_func ("/dashboard/feed-rows-built", test_feed_rows_built);
  g_test_add_func ("/dashboard/feed-scroll-to-end", test_feed_scroll_to_end);
  g_test_add_func ("/dashboard/relative-time-next-change", test_relative_time_next_change);
  g_test_add_func ("/dashboard/open-links", test_open_links);
  g_test_add_func ("/dashboard/chart", test_chart);
  g_test_add_func ("/dashboard/chart-million", test_chart_million);

  ret = g_test_run ();

  af_test_ui_destroy_windows ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return ret;
}
