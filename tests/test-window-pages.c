/* test-window-pages.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window opens on the dashboard and builds its other pages when they
 * are first shown. Here the app runs with --sandbox, started with
 * approvals pending: the badge counts them before the Approvals page
 * exists, a decision taken in a notification reaches the engine, the
 * notification's "open" shows the page, and each page reached through the
 * sidebar (as a person does, with the keyboard) shows what it should.
 */

#include "config.h"

#include "af-agent-page.h"
#include "af-agents-page.h"
#include "af-app-context.h"
#include "af-application.h"
#include "af-approvals-page.h"
#include "af-integrations-page.h"
#include "af-test-ui.h"
#include "af-window.h"

#define CAREFUL_NAME "Careful Assistant"

static AfApplication *app;
static int            status;

static AfWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
engine_ready_cond (gpointer data)
{
  return main_window () != NULL && af_window_get_engine (main_window ()) != NULL;
}

static guint
n_engine_approvals (void)
{
  return g_list_model_get_n_items (af_engine_get_approvals (af_window_get_engine (main_window ())));
}

/* The sidebar's row for @name ("agents", "approvals"…). */
static GtkWidget *
find_sidebar (GtkWidget *root)
{
  if (GTK_IS_LIST_BOX (root) && gtk_widget_has_css_class (root, "navigation-sidebar"))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_sidebar (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
sidebar_row (const char *name)
{
  GtkWidget *list = find_sidebar (GTK_WIDGET (main_window ()));

  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      return row;
  g_assert_not_reached ();
}

/* What the Approvals row's badge says: its number, or NULL when hidden. */
static const char *
badge_text (void)
{
  GtkWidget *badge = NULL;

  for (GtkWidget *w = af_test_ui_find_widget (sidebar_row ("approvals"), GTK_TYPE_LABEL, NULL); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "af-badge"))
      badge = w;
  g_assert_nonnull (badge);
  return gtk_widget_get_visible (badge) ? gtk_label_get_label (GTK_LABEL (badge)) : NULL;
}

static gboolean
badge_counts (guint n)
{
  g_autofree char *text = g_strdup_printf ("%u", n);

  return n == 0 ? badge_text () == NULL : g_strcmp0 (badge_text (), text) == 0;
}

static GtkWidget *
built_page (GType type)
{
  return af_test_ui_find_widget (GTK_WIDGET (main_window ()), type, NULL);
}

/* The content's header: the title above the pages. */
static const char *
content_title (void)
{
  GtkWidget *stack = gtk_widget_get_parent (af_window_get_page (main_window (), "dashboard"));
  GtkWidget *title = af_test_ui_find_widget (gtk_widget_get_parent (stack), ADW_TYPE_WINDOW_TITLE, NULL);

  g_assert_nonnull (title);
  return adw_window_title_get_title (ADW_WINDOW_TITLE (title));
}

/* Enter on a sidebar row, what a person does with the keyboard. */
static void
go_to (const char *name)
{
  g_assert_true (gtk_widget_activate (sidebar_row (name)));
  af_test_ui_wait_settled (GTK_WIDGET (main_window ()), "the window");
  g_assert_cmpstr (af_window_get_visible_page (main_window ()), ==, name);
}

static void
test_first_frame (void)
{
  AfWindow *window;

  af_test_ui_wait_until (engine_ready_cond, NULL, 30000);
  window = main_window ();
  af_test_ui_wait_for_paint (GTK_WIDGET (window));

  /* The window shows the dashboard; the other pages wait to be shown. */
  g_assert_cmpstr (af_window_get_visible_page (window), ==, "dashboard");
  g_assert_null (built_page (AF_TYPE_AGENTS_PAGE));
  g_assert_null (built_page (AF_TYPE_APPROVALS_PAGE));
  g_assert_null (built_page (AF_TYPE_INTEGRATIONS_PAGE));
  g_assert_null (built_page (AF_TYPE_AGENT_PAGE));

  /* The approvals left from the last session are counted all the same. */
  g_assert_cmpuint (n_engine_approvals (), >, 1);
  af_test_wait_until (badge_counts (n_engine_approvals ()), "the badge to count the pending approvals");
  g_assert_null (built_page (AF_TYPE_APPROVALS_PAGE));
}

/* Deny in a notification, before anyone opened Approvals. */
static void
test_notification_decides (void)
{
  guint n = n_engine_approvals ();
  g_autoptr (GObject) first = g_list_model_get_item (af_engine_get_approvals (af_window_get_engine (main_window ())), 0);
  g_autofree char *id = NULL;

  g_assert_cmpuint (n, >, 1);
  g_assert_null (built_page (AF_TYPE_APPROVALS_PAGE));
  id = g_strdup_printf ("%" G_GINT64_FORMAT, af_approval_get_id (AF_APPROVAL (first)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "deny", g_variant_new_string (id));
  af_test_wait_until (n_engine_approvals () == n - 1, "the denied approval to leave the engine's list");
  af_test_wait_until (badge_counts (n - 1), "the badge to count one approval less");
  g_assert_null (built_page (AF_TYPE_APPROVALS_PAGE));
}

static void
assert_approvals_shown (void)
{
  AfApprovalsPage *page = AF_APPROVALS_PAGE (built_page (AF_TYPE_APPROVALS_PAGE));
  GtkWidget       *group;

  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_cmpstr (content_title (), ==, "Approvals");
  g_assert_cmpuint (af_approvals_page_get_n_pending (page), ==, n_engine_approvals ());
  g_assert_true (badge_counts (n_engine_approvals ()));
  /* The careful assistant's run, with its decisions. */
  group = af_test_ui_wait_for_widget (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, NULL);
  g_assert_true (gtk_widget_get_mapped (group));
  g_assert_nonnull (af_test_ui_find_widget (group, GTK_TYPE_BUTTON, "Approve A_ll"));
}

/* The notification's own click, and the tray's "Open Approvals". */
static void
test_notification_opens_approvals (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-view", g_variant_new_string ("approvals"));
  af_test_ui_wait_settled (GTK_WIDGET (main_window ()), "the window");
  g_assert_cmpstr (af_window_get_visible_page (main_window ()), ==, "approvals");
  assert_approvals_shown ();
}

static void
test_sidebar (void)
{
  GtkWidget *page;
  GtkWidget *row;

  go_to ("dashboard");
  g_assert_true (gtk_widget_get_mapped (af_window_get_page (main_window (), "dashboard")));

  g_assert_null (built_page (AF_TYPE_AGENTS_PAGE));
  go_to ("agents");
  g_assert_cmpstr (content_title (), ==, "Agents");
  page = built_page (AF_TYPE_AGENTS_PAGE);
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (af_test_ui_wait_for_widget (page, GTK_TYPE_LABEL, CAREFUL_NAME)));
  g_assert_true (gtk_widget_get_mapped (af_test_ui_wait_for_widget (page, GTK_TYPE_LABEL, "Email Assistant")));

  /* Integrations shows the accounts as the window knew them before the
   * page existed. */
  g_assert_null (built_page (AF_TYPE_INTEGRATIONS_PAGE));
  go_to ("integrations");
  g_assert_cmpstr (content_title (), ==, "Integrations");
  page = built_page (AF_TYPE_INTEGRATIONS_PAGE);
  g_assert_nonnull (page);
  row = af_test_ui_find_widget (page, ADW_TYPE_ACTION_ROW, "Gmail");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));
  g_assert_cmpint (af_integrations_page_get_state (AF_INTEGRATIONS_PAGE (page), "gmail"), ==, AF_INTEGRATION_CONNECTED);
  /* "sample@example.com · Used by Email Assistant, …, Careful Assistant" */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "@example.com · Used by "));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), CAREFUL_NAME));
  g_assert_nonnull (af_test_ui_find_widget (row, GTK_TYPE_BUTTON, "_Disconnect"));

  go_to ("approvals");
  assert_approvals_shown ();

  go_to ("dashboard");
  g_assert_cmpstr (content_title (), ==, "Dashboard");
}

static AfAgent *
find_agent (const char *name)
{
  GListModel *agents = af_engine_get_agents (af_window_get_engine (main_window ()));

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (g_strcmp0 (af_agent_get_name (agent), name) == 0)
        return agent;
    }
  return NULL;
}

/* An agent's page, opened from its row in Agents, and back. */
static void
test_agent_page (void)
{
  AfAgent   *agent = find_agent (CAREFUL_NAME);
  GtkWidget *list;
  GtkWidget *page;

  g_assert_nonnull (agent);
  go_to ("agents");
  g_assert_null (built_page (AF_TYPE_AGENT_PAGE));
  list = af_test_ui_find_widget (built_page (AF_TYPE_AGENTS_PAGE), GTK_TYPE_LIST_VIEW, NULL);
  af_test_ui_wait_for_row (list, agent);
  af_test_ui_activate_list_item (list, agent);
  af_test_ui_wait_settled (GTK_WIDGET (main_window ()), "the window");
  g_assert_cmpstr (af_window_get_visible_page (main_window ()), ==, "agent");
  g_assert_cmpstr (content_title (), ==, CAREFUL_NAME);
  page = built_page (AF_TYPE_AGENT_PAGE);
  g_assert_nonnull (page);
  g_assert_true (af_agent_page_get_agent (AF_AGENT_PAGE (page)) == agent);
  g_assert_true (gtk_widget_get_mapped (af_test_ui_find_widget (page, ADW_TYPE_PREFERENCES_ROW, "Runs")));

  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.go-back", NULL);
  af_test_ui_wait_settled (GTK_WIDGET (main_window ()), "the window");
  g_assert_cmpstr (af_window_get_visible_page (main_window ()), ==, "agents");
  go_to ("dashboard");
}

/* Before the app starts: a copy of the sample Email Assistant that asks
 * before labelling, archiving, starring, marking read or drafting, run
 * once and paused, so that the sandbox workspace opens with its
 * approvals pending (and no new ones coming). */
static void
on_run_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  JsonObject *outcome = af_engine_run_agent_finish (AF_ENGINE (source), result, &error);

  g_assert_no_error (error);
  g_clear_pointer (&outcome, json_object_unref);
  *(gboolean *)user_data = TRUE;
}

static void
leave_pending_approvals (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAppContext) context = af_app_context_new (TRUE, NULL, &error);
  AfEngine   *engine;
  GListModel *agents;
  g_autoptr (AfAgent) careful = NULL;
  gboolean done = FALSE;

  g_assert_no_error (error);
  engine = af_app_context_get_engine (context);
  agents = af_engine_get_agents (engine);
  for (guint i = 0; i < g_list_model_get_n_items (agents) && careful == NULL; i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (g_strcmp0 (af_agent_get_template_id (agent), "email-assistant") == 0)
        {
          g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), af_agent_peek_definition (agent));
          g_autoptr (JsonNode) definition = af_json_deep_copy (node);
          JsonObject *approvals = json_object_new ();

          for (const char *const *a = (const char *const[]){ "label", "archive", "star", "mark_read", "draft", NULL };
               *a; a++)
            json_object_set_string_member (approvals, *a, "ask");
          json_object_set_object_member (json_node_get_object (definition), "approvals", approvals);
          careful = af_agent_new (NULL, CAREFUL_NAME, af_agent_get_template_id (agent), json_node_get_object (definition));
        }
    }
  g_assert_nonnull (careful);
  g_assert_true (af_engine_add_agent (engine, careful, &error));
  g_assert_no_error (error);

  af_engine_run_agent_async (engine, af_agent_get_id (careful), AF_RUN_FLAGS_NONE, NULL, on_run_done_cb, &done);
  af_test_wait_until (done, "the careful assistant's run");
  g_assert_true (af_engine_pause_agent (engine, af_agent_get_id (careful), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (af_engine_get_approvals (engine)), >, 1);
  af_engine_shutdown (engine);
}

static gboolean
on_run_tests_cb (gpointer data)
{
  status = g_test_run ();
  af_test_ui_destroy_windows ();
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
on_activate_cb (GApplication *application)
{
  static gboolean started;

  if (!started)
    g_idle_add (on_run_tests_cb, NULL);
  started = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data = NULL;
  char            *args[] = { (char *)"agentflow", (char *)"--sandbox", NULL };

  /* The sample workspace in a folder of its own, whatever ran before. */
  data = g_dir_make_tmp ("test-window-pages-XXXXXX", NULL);
  g_setenv ("AGENTFLOW_DATA_DIR", data, TRUE);

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  /* No notification server on the test's bus: the decisions below are
   * the notifications' actions, activated as the desktop does. */
  {
    g_autoptr (GSettings) settings = g_settings_new ("org.agentflow.App");

    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  leave_pending_approvals ();

  g_test_add_func ("/window-pages/first-frame", test_first_frame);
  g_test_add_func ("/window-pages/notification-decides", test_notification_decides);
  g_test_add_func ("/window-pages/notification-opens-approvals", test_notification_opens_approvals);
  g_test_add_func ("/window-pages/sidebar", test_sidebar);
  g_test_add_func ("/window-pages/agent-page", test_agent_page);

  app = af_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  g_application_run (G_APPLICATION (app), 2, args);
  g_clear_object (&app);

  return status;
}
