/* test-agent-page.c — an agent's own page: its header actions (Edit,
 * Run Now, Pause/Resume, Duplicate, Delete), what it runs on, its chart
 * and its runs, driven through the window's widgets and actions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "af-activity-row.h"
#include "af-agent-editor.h"
#include "af-application.h"
#include "af-engine.h"
#include "af-test-ui.h"
#include "af-window.h"

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
window_has_engine_cond (gpointer data)
{
  return af_window_get_engine (main_window ()) != NULL;
}

static gboolean
visible_page_cond (gpointer data)
{
  return g_strcmp0 (af_window_get_visible_page (main_window ()), data) == 0;
}

static GtkWindow *
find_toplevel (GType type)
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
toplevel_cond (gpointer data)
{
  return find_toplevel ((GType)GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
no_toplevel_cond (gpointer data)
{
  return find_toplevel ((GType)GPOINTER_TO_SIZE (data)) == NULL;
}

static GtkWidget *
find_button_by_action (GtkWidget  *root,
                       const char *action)
{
  if (GTK_IS_ACTIONABLE (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_by_action (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* What a click does: the button's own "activate", which runs its action. */
static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate (button);
}

static gboolean
stack_settled_cond (gpointer data)
{
  GtkWidget *stack = gtk_widget_get_ancestor (data, GTK_TYPE_STACK);

  return !gtk_stack_get_transition_running (GTK_STACK (stack));
}

typedef struct
{
  AfAgent     *agent;
  AfAgentState state;
} StateWait;

static gboolean
state_cond (gpointer data)
{
  StateWait *wait = data;

  return af_agent_get_state (wait->agent) == wait->state;
}

typedef struct
{
  AfEngine   *engine;
  const char *agent_id;
  guint       n;
} RunsWait;

static gboolean
runs_started_cond (gpointer data)
{
  RunsWait *wait = data;

  return af_activity_log_count (af_engine_get_activity_log (wait->engine), wait->agent_id, "run-started") > wait->n &&
         !af_engine_is_running (wait->engine, wait->agent_id);
}

typedef struct
{
  GListModel *model;
  guint       n;
} CountWait;

static gboolean
count_cond (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n;
}

static void
test_header_actions (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfEngine) engine = af_engine_new_for_sandbox (&error);
  AfWindow   *window = main_window ();
  GtkWidget  *header;
  GtkWidget  *agents_list;
  GListModel *agents;
  g_autoptr (AfAgent) agent = NULL;
  g_autofree char *agent_id = NULL;
  guint            n_agents;

  g_assert_no_error (error);
  g_assert_true (af_engine_start (engine, &error));
  af_window_set_engine (window, engine);
  agents = af_engine_get_agents (engine);
  n_agents = g_list_model_get_n_items (agents);
  agent = g_list_model_get_item (agents, 0);
  agent_id = g_strdup (af_agent_get_id (agent));

  /* Open the first agent from the Agents list, as a click on it does. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "agents");
  agents_list = af_test_ui_wait_for_widget (af_window_get_page (window, "agents"), GTK_TYPE_LIST_VIEW, NULL);

  /* Each agent's ⋮ is a menu model; its Edit opens the editor, titled
   * for editing (not "New Agent"). */
  {
    GtkWidget *more = af_test_ui_find_widget (af_window_get_page (window, "agents"), GTK_TYPE_MENU_BUTTON, NULL);

    g_assert_nonnull (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (more)));
    g_assert_true (gtk_widget_activate_action (more, "row.edit", NULL));
    af_test_ui_wait_until (toplevel_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);
    g_assert_cmpstr (gtk_window_get_title (find_toplevel (AF_TYPE_AGENT_EDITOR)), ==, "Edit Agent");
    gtk_window_close (find_toplevel (AF_TYPE_AGENT_EDITOR));
    af_test_ui_wait_until (no_toplevel_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);
  }

  gtk_widget_activate_action (agents_list, "list.activate-item", "u", 0);
  af_test_ui_wait_until (visible_page_cond, (gpointer) "agent", 5000);
  af_test_ui_wait_until (stack_settled_cond, af_window_get_page (window, "agent"), 5000);
  af_test_ui_wait_for_paint (GTK_WIDGET (window));

  /* At a glance: how it runs and what it may do. */
  g_assert_nonnull (af_test_ui_find_widget (af_window_get_page (window, "agent"), ADW_TYPE_PREFERENCES_ROW, "Runs"));
  g_assert_nonnull (af_test_ui_find_widget (af_window_get_page (window, "agent"), ADW_TYPE_PREFERENCES_ROW, "Next Run"));
  g_assert_nonnull (af_test_ui_find_widget (af_window_get_page (window, "agent"), ADW_TYPE_PREFERENCES_ROW, "Allowed To"));
  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (window), "agent-page"), >, 5.0);

  header = gtk_widget_get_ancestor (find_button_by_action (GTK_WIDGET (window), "win.agent-edit"), ADW_TYPE_HEADER_BAR);
  g_assert_nonnull (header);

  /* Edit opens the editor on this agent, titled so. */
  click (find_button_by_action (header, "win.agent-edit"));
  af_test_ui_wait_until (toplevel_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);
  g_assert_cmpstr (gtk_window_get_title (find_toplevel (AF_TYPE_AGENT_EDITOR)), ==, "Edit Agent");
  gtk_window_close (find_toplevel (AF_TYPE_AGENT_EDITOR));
  af_test_ui_wait_until (no_toplevel_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 5000);

  /* Run Now starts a run of this agent. */
  {
    RunsWait wait = { engine, agent_id, af_activity_log_count (af_engine_get_activity_log (engine), agent_id, "run-started") };

    click (find_button_by_action (header, "win.agent-run"));
    af_test_ui_wait_until (runs_started_cond, &wait, 20000);
  }

  /* Pause, then Resume, from the same button. */
  {
    GtkWidget *pause = find_button_by_action (header, "win.agent-pause-resume");

    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (pause)), ==, "_Pause");
    click (pause);
    af_test_ui_wait_until (state_cond, &(StateWait){ agent, AF_AGENT_STATE_PAUSED }, 5000);
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (pause)), ==, "_Resume");
    click (pause);
    af_test_ui_wait_until (state_cond, &(StateWait){ agent, AF_AGENT_STATE_ACTIVE }, 5000);
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (pause)), ==, "_Pause");
  }

  /* Duplicate (from the menu) makes a paused copy and shows it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.agent-duplicate", NULL);
  af_test_ui_wait_until (count_cond, &(CountWait){ agents, n_agents + 1 }, 5000);
  {
    g_autofree char *copy_name = g_strdup_printf ("%s (Copy)", af_agent_get_name (agent));
    AfAgent         *shown = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
      {
        g_autoptr (AfAgent) a = g_list_model_get_item (agents, i);

        if (g_strcmp0 (af_agent_get_name (a), copy_name) == 0)
          shown = a;
      }
    g_assert_nonnull (shown);
    g_assert_cmpint (af_agent_get_state (shown), ==, AF_AGENT_STATE_PAUSED);
  }

  /* Delete (from the menu) asks first; confirming removes the copy and
   * leaves its page. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.agent-delete", NULL);
  af_test_ui_wait_until (toplevel_cond, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000);
  {
    AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

    g_assert_true (g_str_has_prefix (adw_message_dialog_get_heading (dialog), "Delete “"));
    g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==, ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_response (dialog, "delete");
  }
  af_test_ui_wait_until (count_cond, &(CountWait){ agents, n_agents }, 5000);
  af_test_ui_wait_until (visible_page_cond, (gpointer) "agents", 5000);
  g_assert_nonnull (af_engine_lookup_agent (engine, agent_id));

  af_window_set_engine (window, NULL);
  af_engine_shutdown (engine);
}

/* A label under @root whose text contains @part, or NULL. */
static GtkWidget *
find_label_containing (GtkWidget  *root,
                       const char *part)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), part) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_containing (child, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *part;
} LabelWait;

static gboolean
label_mapped_cond (gpointer data)
{
  LabelWait *w = data;
  GtkWidget *found = find_label_containing (w->root, w->part);

  return found != NULL && gtk_widget_get_mapped (found);
}

/* "Last run at 14:32" on the Agents page, for a run ten minutes ago: the
 * text holds until midnight, and so the page's timer waits for the next
 * local midnight (the next runs read "today at", "tomorrow at" until then
 * too), not a minute. */
static void
test_last_run_times (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfEngine) engine = af_engine_new_for_sandbox (&error);
  AfWindow   *window = main_window ();
  GListModel *agents;
  gint64      ran = g_get_real_time () / G_USEC_PER_SEC - 600;
  g_autoptr (GDateTime) ran_dt = g_date_time_new_from_unix_local (ran);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr (GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (tomorrow),
                                                          g_date_time_get_month (tomorrow),
                                                          g_date_time_get_day_of_month (tomorrow), 0, 0, 0);
  g_autofree char *clock = g_date_time_format (ran_dt, "%H:%M");
  g_autofree char *expected = g_date_time_get_day_of_year (ran_dt) == g_date_time_get_day_of_year (now)
                                  ? g_strdup_printf ("Last run at %s", clock)
                                  : g_strdup ("Last run yesterday");
  GSource         *timer;
  gint64           due;

  g_assert_no_error (error);
  g_assert_true (af_engine_start (engine, &error));
  agents = af_engine_get_agents (engine);
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      af_agent_set_last_run (agent, ran);
    }
  af_window_set_engine (window, engine);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "agents");
  af_test_ui_wait_until (label_mapped_cond, &(LabelWait){ af_window_get_page (window, "agents"), expected }, 5000);
  g_assert_null (find_label_containing (af_window_get_page (window, "agents"), " min ago"));

  timer = af_test_ui_find_source_named ("[agentflow] agents relative times");
  g_assert_nonnull (timer);
  due = af_feed_time_source_get_due (timer);
  g_test_message ("timer due in %" G_GINT64_FORMAT " s, midnight in %" G_GINT64_FORMAT " s",
                  (due - g_get_real_time ()) / G_USEC_PER_SEC,
                  g_date_time_to_unix (midnight) - g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (due, >=, g_date_time_to_unix (midnight) * G_USEC_PER_SEC - G_USEC_PER_SEC);
  g_assert_cmpint (due, <=, g_date_time_to_unix (midnight) * G_USEC_PER_SEC + G_USEC_PER_SEC);

  af_window_set_engine (window, NULL);
  af_engine_shutdown (engine);
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

  data_dir = g_dir_make_tmp ("af-agent-page-XXXXXX", &error);
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

  g_test_add_func ("/agent-page/header-actions", test_header_actions);
  g_test_add_func ("/agent-page/last-run-times", test_last_run_times);

  ret = g_test_run ();

  af_test_ui_destroy_windows ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return ret;
}
