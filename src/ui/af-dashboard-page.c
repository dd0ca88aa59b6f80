/* af-dashboard-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-dashboard-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-source.h"
#include "af-activity-details.h"
#include "af-activity-row.h"
#include "af-chart.h"
#include "af-dashboard-page.h"
#include "af-list-head.h"
#include "af-time.h"

/* GtkListView (GTK 4.8) builds and binds about 200 rows whatever its
 * height: the feed shows it only the first rows of the activity, and lets
 * more through as the reader nears the end of them. The first frame gets
 * what a tall window shows below the dashboard's cards and chart (16 rows
 * are 800 px); the next rows come from an idle once it is on screen, as
 * the rule of two screenfuls below the reader asks (show_more_cb()).
 * Past the size of the list view's own pool of rows, showing the rest
 * costs nothing more: then the whole log is there, and the scroll bar
 * tells its true length. */
#define FEED_FIRST_ROWS  16
#define FEED_MORE_ROWS   24
#define FEED_ALL_ROWS_AT 200

struct _AfDashboardPage
{
  GtkWidget parent_instance;

  GListModel         *activity;
  GtkFilterListModel *filtered;
  AfListHead         *shown; /* the first rows of filtered, see FEED_FIRST_ROWS */
  GtkNoSelection     *selection;
  GtkCustomFilter    *filter;
  guint               tick_id;
  gint64              next_change; /* unix time a row on screen changes its text */
  guint               scroll_id;
  guint               more_id;
  gboolean            at_top;
  guint               n_new; /* rows that arrived above the reader */
  AfMetricsHistory   *history;
  AfActivityLog      *log; /* a run's steps, for its details */
  AfActivityModelFunc model_func;
  gpointer            model_data;
  GListModel         *agent_activity; /* the lazy model of one agent */
  AfAgentNameFunc     resolve_agent;
  gpointer            resolve_data;
  GDestroyNotify      resolve_destroy;
  GtkStringList      *agent_names; /* "All Agents", then the agents */
  /* The numbers of set_metrics (), shown once the content is built. */
  gboolean have_metrics;
  guint    active_agents;
  guint    actions_today;
  double   success_rate;
  guint    minutes_saved_week;

  /* Template widgets */
  GtkStack *stack;

  /* The pages "empty" and "content", built when first shown: until then
   * NULL, and so are the content's widgets below. */
  GtkWidget         *empty_page;
  GtkWidget         *content;
  GtkStack          *feed_stack;
  AdwStatusPage     *no_activity_page;
  GtkScrolledWindow *feed_scroller;
  GtkListView       *list_view;
  GtkDropDown       *agent_dropdown;
  GtkToggleButton   *errors_button;
  GtkToggleButton   *idle_button;
  GtkButton         *new_button;
  GtkFlowBox        *tiles;
  AfChart           *chart;
  GtkToggleButton   *week_button;
  GtkLabel          *active_value;
  GtkLabel          *actions_value;
  GtkLabel          *success_value;
  GtkLabel          *saved_value;
};

G_DEFINE_FINAL_TYPE (AfDashboardPage, af_dashboard_page, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_TICK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean on_tick_cb (gpointer user_data);

/* The rows' times ("Just now", "14:32", "Yesterday") change rarely: one
 * timer for the page, armed for the moment the first row on screen would
 * read differently (a minute after "Just now", else a midnight; nothing
 * wakes the app while no text would change), refreshes only the rows on
 * screen, without reading their items again. */
static void
note_next_change (AfDashboardPage *self,
                  gint64           next)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    af_feed_time_arm (&self->tick_id, &self->next_change, next, "[agentflow] dashboard relative times", on_tick_cb,
                      self);
}

/* The desktop switched between a 24- and a 12-hour clock. */
static void
on_clock_format_changed_cb (AfDashboardPage *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    on_tick_cb (self);
}

static const char *
selected_agent (AfDashboardPage *self)
{
  guint pos = self->agent_dropdown ? gtk_drop_down_get_selected (self->agent_dropdown) : 0;

  /* The first entry is "All Agents". */
  if (pos == 0 || pos == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (self->agent_names, pos);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  AfDashboardPage *self = user_data;
  const char      *agent = selected_agent (self);

  if (self->errors_button != NULL && gtk_toggle_button_get_active (self->errors_button))
    {
      g_autofree char *kind = af_activity_item_dup_string (item, "kind");

      if (!af_activity_kind_is_error (kind))
        return FALSE;
    }

  if (agent != NULL && self->agent_activity == NULL)
    {
      g_autofree char *name = af_activity_item_dup_string (item, "agent-name");

      if (name == NULL && self->resolve_agent != NULL)
        {
          g_autofree char *id = af_activity_item_dup_string (item, "agent-id");

          name = id ? self->resolve_agent (id, self->resolve_data) : NULL;
        }
      if (g_strcmp0 (name, agent) != 0)
        return FALSE;
    }

  return TRUE;
}

static void
hide_new_button (AfDashboardPage *self)
{
  self->n_new = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->new_button), FALSE);
}

static void
update_feed_visibility (AfDashboardPage *self)
{
  gboolean empty, filtered;

  if (self->content == NULL)
    return;
  empty = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0;
  filtered = gtk_toggle_button_get_active (self->errors_button) || selected_agent (self) != NULL;

  if (gtk_toggle_button_get_active (self->errors_button) && selected_agent (self) == NULL)
    {
      adw_status_page_set_title (self->no_activity_page, _ ("No Errors"));
      adw_status_page_set_description (self->no_activity_page, _ ("Everything your agents did worked"));
    }
  else if (filtered)
    {
      adw_status_page_set_title (self->no_activity_page, _ ("Nothing Matches"));
      adw_status_page_set_description (self->no_activity_page, _ ("Choose “All Agents” or turn off “Errors Only” to see more"));
    }
  else
    {
      adw_status_page_set_title (self->no_activity_page, _ ("No Activity Yet"));
      adw_status_page_set_description (self->no_activity_page, _ ("What your agents do appears here as it happens"));
    }

  gtk_stack_set_visible_child_name (self->feed_stack, empty ? "none" : "list");
}

static void
on_filter_changed_cb (AfDashboardPage *self)
{
  gboolean active;

  /* The builder sets the drop-down's properties before the content is complete. */
  if (self->filtered == NULL || self->content == NULL || self->agent_dropdown == NULL)
    return;

  /* With a factory, one agent's activity is its own lazy model (a keyset
   * query by agent), not a filter that reads every row. */
  g_clear_object (&self->agent_activity);
  if (self->model_func != NULL && self->activity != NULL)
    {
      const char *agent = selected_agent (self);
      gboolean    errors = gtk_toggle_button_get_active (self->errors_button);
      gboolean    idle = gtk_toggle_button_get_active (self->idle_button);

      if (agent != NULL || errors || idle)
        self->agent_activity = self->model_func (agent, errors, idle, self->model_data);
    }
  /* Another list: its first rows again, not as many as were scrolled
   * through in the last one. */
  af_list_head_set_limit (self->shown, FEED_FIRST_ROWS);
  if (self->agent_activity != NULL)
    {
      gtk_filter_list_model_set_model (self->filtered, self->agent_activity);
      active = FALSE;
    }
  else
    {
      gtk_filter_list_model_set_model (self->filtered, self->activity);
      active = gtk_toggle_button_get_active (self->errors_button) || selected_agent (self) != NULL;
    }

  /* Without a filter the lazy model passes straight through: nothing reads
   * every item to decide whether it is shown. */
  if (active)
    {
      gtk_filter_list_model_set_filter (self->filtered, GTK_FILTER (self->filter));
      gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
    }
  else
    gtk_filter_list_model_set_filter (self->filtered, NULL);

  hide_new_button (self);
  update_feed_visibility (self);
}

static void
on_new_button_clicked_cb (AfDashboardPage *self)
{
  hide_new_button (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->feed_scroller), 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static gboolean
scroll_to_top_cb (gpointer user_data)
{
  AfDashboardPage *self = user_data;

  self->scroll_id = 0;
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->feed_scroller), 0);
  return G_SOURCE_REMOVE;
}

static void
on_vadjustment_value_cb (GtkAdjustment   *adjustment,
                         GParamSpec      *pspec,
                         AfDashboardPage *self)
{
  self->at_top = gtk_adjustment_get_value (adjustment) < 1.0;
  if (self->at_top && self->n_new > 0)
    hide_new_button (self);
}

/* Fewer than two screenfuls left below the reader: the next rows, so
 * scrolling never meets the end of what is shown before the end of the
 * log. From an idle: the adjustment changes while the list is laid out. */
static gboolean
show_more_cb (gpointer user_data)
{
  AfDashboardPage *self = user_data;
  GtkAdjustment   *adjustment = gtk_scrolled_window_get_vadjustment (self->feed_scroller);
  double           page = gtk_adjustment_get_page_size (adjustment);
  double           below = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_value (adjustment) - page;
  guint            limit = af_list_head_get_limit (self->shown);

  self->more_id = 0;
  if (af_list_head_is_complete (self->shown) || page <= 0 || below >= 2 * page)
    return G_SOURCE_REMOVE;

  /* At the very end (the scroll bar dragged down, End), the reader is
   * going far: the whole log at once rather than a few steps. */
  if (below < 1 || limit + FEED_MORE_ROWS >= FEED_ALL_ROWS_AT)
    af_list_head_set_limit (self->shown, G_MAXUINT);
  else
    af_list_head_set_limit (self->shown, limit + FEED_MORE_ROWS);
  return G_SOURCE_REMOVE;
}

static void
on_vadjustment_changed_cb (GtkAdjustment   *adjustment,
                           AfDashboardPage *self)
{
  if (self->more_id == 0 && !af_list_head_is_complete (self->shown))
    self->more_id = af_idle_add_named (G_PRIORITY_DEFAULT_IDLE, "[agentflow] dashboard more rows", show_more_cb, self);
}

static void
on_items_changed_cb (AfDashboardPage *self,
                     guint            position,
                     guint            removed,
                     guint            added)
{
  /* Nothing on screen to keep in place before the feed is built. */
  if (self->content == NULL)
    return;
  update_feed_visibility (self);

  /* New entries arrive at the top: a reader watching the top keeps seeing
   * the newest, a reader scrolled down keeps their place. */
  self->at_top = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (self->feed_scroller)) < 1.0;
  if (position == 0 && added > 0 && self->at_top && self->scroll_id == 0)
    self->scroll_id = af_idle_add_named (G_PRIORITY_DEFAULT_IDLE, "[agentflow] dashboard scroll to top", scroll_to_top_cb, self);

  /* ...and is told that there is more above, as chat applications do. */
  if (position == 0 && removed == 0 && added > 0 && !self->at_top)
    {
      g_autofree char *label = NULL;

      self->n_new += added;
      /* Translators: a button over the activity: new rows above */
      label = g_strdup_printf (ngettext ("%u New", "%u New", self->n_new), self->n_new);
      gtk_button_set_label (self->new_button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->new_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      /* Translators: the accessible name of the "N New" button */
                                      ngettext ("Show %u new activity entry", "Show %u new activity entries", self->n_new),
                                      -1);
      gtk_widget_set_visible (GTK_WIDGET (self->new_button), TRUE);
    }
}

static void
update_chart (AfDashboardPage *self)
{
  g_autoptr (GDateTime) now = af_date_time_new_now_local ();
  g_autofree AfDayActions *days = NULL;
  guint                    n_days;

  if (self->content == NULL)
    return;
  n_days = gtk_toggle_button_get_active (self->week_button) ? 7 : 30;
  gtk_widget_set_visible (GTK_WIDGET (gtk_widget_get_parent (GTK_WIDGET (self->chart))), self->history != NULL);
  if (self->history == NULL)
    return;
  days = af_metrics_history_get_days (self->history, NULL, n_days);
  af_chart_set_days (self->chart, days, n_days, now);
}

static void
on_range_toggled_cb (AfDashboardPage *self,
                     GtkToggleButton *button)
{
  if (gtk_toggle_button_get_active (button))
    update_chart (self);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  AfDashboardPage *self = user_data;

  self->tick_id = 0;
  self->next_change = 0;
  g_signal_emit (self, signals[SIGNAL_TICK], 0);
  return G_SOURCE_REMOVE;
}

static void
on_list_view_activate_cb (AfDashboardPage *self,
                          guint            position)
{
  g_autoptr (GObject) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
  g_autoptr (GPtrArray) steps = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *kind = NULL;
  gint64           run_id;

  if (item == NULL)
    return;

  agent = af_activity_item_dup_string (item, "agent-name");
  if (agent == NULL && self->resolve_agent != NULL)
    {
      g_autofree char *id = af_activity_item_dup_string (item, "agent-id");

      agent = id ? self->resolve_agent (id, self->resolve_data) : NULL;
    }

  /* A run's row opens onto the run's actions. */
  kind = af_activity_item_dup_string (item, "kind");
  run_id = af_activity_item_get_int64 (item, "run-id");
  if (self->log != NULL && run_id > 0 &&
      (g_strcmp0 (kind, "run-finished") == 0 || g_strcmp0 (kind, "run-idle") == 0 || g_strcmp0 (kind, "error") == 0))
    {
      g_autoptr (GError) error = NULL;

      steps = af_activity_log_query_run (self->log, run_id, &error);
      if (steps == NULL)
        g_warning ("Could not read the run’s actions: %s", error->message);
    }

  gtk_window_present (GTK_WINDOW (af_activity_details_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                           item, agent, steps)));
}

static void
on_row_tick_cb (AfDashboardPage *self,
                AfActivityRow   *row)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (row)))
    note_next_change (self, af_activity_row_update_time (row));
}

static void
on_row_map_cb (AfActivityRow   *row,
               AfDashboardPage *self)
{
  note_next_change (self, af_activity_row_update_time (row));
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     AfDashboardPage          *self)
{
  GtkWidget *row = af_activity_row_new ();

  /* Only rows on screen follow the tick, and a row coming on screen
   * catches up: a list view keeps far more rows than it shows, and each
   * update asks the display server where the pointer is (the tooltip). */
  g_signal_connect_object (self, "tick", G_CALLBACK (on_row_tick_cb), row, 0);
  g_signal_connect_object (row, "map", G_CALLBACK (on_row_map_cb), self, 0);
  gtk_list_item_set_child (list_item, row);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    AfDashboardPage          *self)
{
  AfActivityRow *row = AF_ACTIVITY_ROW (gtk_list_item_get_child (list_item));
  GObject       *item = gtk_list_item_get_item (list_item);

  af_activity_row_bind (row, item);
  if (gtk_widget_get_mapped (GTK_WIDGET (row)))
    note_next_change (self, af_activity_row_update_time (row));

  /* Entries from the log name their agent by id. */
  if (self->resolve_agent != NULL)
    {
      g_autofree char *id = af_activity_item_dup_string (item, "agent-id");
      g_autofree char *name = id ? self->resolve_agent (id, self->resolve_data) : NULL;

      if (name != NULL)
        af_activity_row_set_agent_name (row, name);
    }
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      AfDashboardPage          *self)
{
  af_activity_row_unbind (AF_ACTIVITY_ROW (gtk_list_item_get_child (list_item)));
}

/* The agent filter's rows: a label each, made in code. The drop-down's
 * list view builds about 200 of them as soon as the agents are known (long
 * before anyone opens it), and a GtkBuilderListItemFactory parses its
 * template once per row. */
static void
on_agent_factory_setup_cb (GtkSignalListItemFactory *factory,
                           GtkListItem              *list_item,
                           gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
  gtk_list_item_set_child (list_item, label);
}

static void
on_agent_factory_bind_cb (GtkSignalListItemFactory *factory,
                          GtkListItem              *list_item,
                          gpointer                  user_data)
{
  GtkStringObject *item = gtk_list_item_get_item (list_item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)), gtk_string_object_get_string (item));
}

/* Tab leaves the feed in one step instead of walking its hundreds of rows
 * (arrows move between rows): forward out of the page, backward to the
 * filters above it. */
static gboolean
af_dashboard_page_focus (GtkWidget       *widget,
                         GtkDirectionType direction)
{
  AfDashboardPage *self = AF_DASHBOARD_PAGE (widget);
  GtkRoot         *root = gtk_widget_get_root (widget);
  GtkWidget       *focus = root ? gtk_root_get_focus (root) : NULL;

  if ((direction == GTK_DIR_TAB_FORWARD || direction == GTK_DIR_TAB_BACKWARD) && focus != NULL && self->list_view != NULL &&
      (focus == GTK_WIDGET (self->list_view) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view))))
    {
      if (direction == GTK_DIR_TAB_FORWARD)
        return FALSE;
      return gtk_widget_child_focus (gtk_widget_get_parent (GTK_WIDGET (self->idle_button)), direction);
    }

  return GTK_WIDGET_CLASS (af_dashboard_page_parent_class)->focus (widget, direction);
}

static void
af_dashboard_page_map (GtkWidget *widget)
{
  AfDashboardPage *self = AF_DASHBOARD_PAGE (widget);

  GTK_WIDGET_CLASS (af_dashboard_page_parent_class)->map (widget);

  /* Rows on screen catch up and arm the timer. */
  if (self->tick_id == 0)
    on_tick_cb (self);
}

static void
af_dashboard_page_unmap (GtkWidget *widget)
{
  AfDashboardPage *self = AF_DASHBOARD_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->next_change = 0;

  GTK_WIDGET_CLASS (af_dashboard_page_parent_class)->unmap (widget);
}

static void
af_dashboard_page_dispose (GObject *object)
{
  AfDashboardPage *self = (AfDashboardPage *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->scroll_id, g_source_remove);
  g_clear_handle_id (&self->more_id, g_source_remove);
  if (self->filtered != NULL)
    g_signal_handlers_disconnect_by_func (self->filtered, on_items_changed_cb, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_DASHBOARD_PAGE);
  /* Gone with the stack: what the page's functions check first. */
  self->content = self->empty_page = NULL;
  self->agent_dropdown = NULL;
  self->errors_button = NULL;
  self->list_view = NULL;

  g_clear_object (&self->selection);
  g_clear_object (&self->shown);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->activity);
  g_clear_object (&self->agent_activity);
  g_clear_object (&self->history);
  g_clear_object (&self->log);
  g_clear_object (&self->agent_names);
  if (self->resolve_destroy != NULL)
    g_clear_pointer (&self->resolve_data, self->resolve_destroy);
  self->resolve_agent = NULL;

  G_OBJECT_CLASS (af_dashboard_page_parent_class)->dispose (object);
}

static void
af_dashboard_page_class_init (AfDashboardPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = af_dashboard_page_dispose;

  widget_class->map = af_dashboard_page_map;
  widget_class->focus = af_dashboard_page_focus;
  widget_class->unmap = af_dashboard_page_unmap;

  /**
   * AfDashboardPage::tick:
   *
   * Emitted while the page is shown when a row's time may read
   * differently ("Just now" a minute on, a new day), so rows on screen
   * refresh it.
   */
  signals[SIGNAL_TICK] = g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, stack);
}

static void
apply_metrics (AfDashboardPage *self)
{
  g_autofree char *active = NULL;
  g_autofree char *actions = NULL;
  g_autofree char *success = NULL;
  g_autofree char *saved = NULL;

  if (self->content == NULL || !self->have_metrics)
    return;

  active = g_strdup_printf ("%u", self->active_agents);
  actions = g_strdup_printf ("%u", self->actions_today);
  success = self->success_rate < 0 ? g_strdup ("—") : g_strdup_printf ("%.0f %%", self->success_rate * 100);
  if (self->minutes_saved_week < 60)
    /* Translators: time saved, in minutes */
    saved = g_strdup_printf (_ ("%u min"), self->minutes_saved_week);
  else
    /* Translators: time saved, in hours and minutes */
    saved = g_strdup_printf (_ ("%u h %02u min"), self->minutes_saved_week / 60, self->minutes_saved_week % 60);

  gtk_label_set_label (self->active_value, active);
  gtk_label_set_label (self->actions_value, actions);
  gtk_label_set_label (self->success_value, success);
  gtk_label_set_label (self->saved_value, saved);
}

static GtkBuilder *
content_builder (AfDashboardPage *self)
{
  GtkBuilder      *builder = gtk_builder_new ();
  GtkBuilderScope *scope = gtk_builder_cscope_new ();

  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (scope),
                                           "on_filter_changed_cb", G_CALLBACK (on_filter_changed_cb),
                                           "on_list_view_activate_cb", G_CALLBACK (on_list_view_activate_cb),
                                           "on_new_button_clicked_cb", G_CALLBACK (on_new_button_clicked_cb),
                                           "on_range_toggled_cb", G_CALLBACK (on_range_toggled_cb),
                                           NULL);
  gtk_builder_set_scope (builder, scope);
  g_object_unref (scope);
  /* Swapped handlers get the page, as in a template. */
  gtk_builder_set_current_object (builder, G_OBJECT (self));
  return builder;
}

/* "No Agents Yet", built the first time there are none. */
static void
ensure_empty_page (AfDashboardPage *self)
{
  g_autoptr (GtkBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;

  if (self->empty_page != NULL)
    return;

  builder = content_builder (self);
  if (!gtk_builder_add_objects_from_resource (builder, "/org/agentflow/App/ui/af-dashboard-content.ui",
                                              (const char *[]){ "empty_page", NULL }, &error))
    g_error ("Could not build the dashboard: %s", error->message);
  self->empty_page = GTK_WIDGET (gtk_builder_get_object (builder, "empty_page"));
  gtk_stack_add_named (self->stack, self->empty_page, "empty");
}

/* The tiles, the chart and the feed: built the first time there are
 * agents, not for the first frame, which shows none of them. */
static void
ensure_content (AfDashboardPage *self)
{
  g_autoptr (GtkBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;
  GtkListItemFactory *factory;
  GtkWidget          *content;

  if (self->content != NULL)
    return;

  g_type_ensure (AF_TYPE_CHART);
  builder = content_builder (self);
  if (!gtk_builder_add_objects_from_resource (builder, "/org/agentflow/App/ui/af-dashboard-content.ui",
                                              (const char *[]){ "content", NULL }, &error))
    g_error ("Could not build the dashboard: %s", error->message);
#define GET(name) (gtk_builder_get_object (builder, #name))
  content = GTK_WIDGET (GET (content));
  self->feed_stack = GTK_STACK (GET (feed_stack));
  self->no_activity_page = ADW_STATUS_PAGE (GET (no_activity_page));
  self->feed_scroller = GTK_SCROLLED_WINDOW (GET (feed_scroller));
  self->list_view = GTK_LIST_VIEW (GET (list_view));
  self->agent_dropdown = GTK_DROP_DOWN (GET (agent_dropdown));
  self->errors_button = GTK_TOGGLE_BUTTON (GET (errors_button));
  self->idle_button = GTK_TOGGLE_BUTTON (GET (idle_button));
  self->new_button = GTK_BUTTON (GET (new_button));
  self->tiles = GTK_FLOW_BOX (GET (tiles));
  self->chart = AF_CHART (GET (chart));
  self->week_button = GTK_TOGGLE_BUTTON (GET (week_button));
  self->active_value = GTK_LABEL (GET (active_value));
  self->actions_value = GTK_LABEL (GET (actions_value));
  self->success_value = GTK_LABEL (GET (success_value));
  self->saved_value = GTK_LABEL (GET (saved_value));
#undef GET

  /* Names for what a screen reader lands on: the metric tiles (focusable
   * flow box children) and the agent filter's button. */
  {
    GtkFlowBox *tiles = GTK_FLOW_BOX (gtk_widget_get_ancestor (GTK_WIDGET (self->active_value), GTK_TYPE_FLOW_BOX));
    const char *names[] = { _ ("Active agents and actions today"), _ ("Success rate and time saved") };

    for (guint i = 0; i < G_N_ELEMENTS (names) && gtk_flow_box_get_child_at_index (tiles, i) != NULL; i++)
      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_flow_box_get_child_at_index (tiles, i)),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, names[i], -1);
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_first_child (GTK_WIDGET (self->agent_dropdown))),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Show the activity of"), -1);
  }

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_agent_factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_agent_factory_bind_cb), NULL);
  gtk_drop_down_set_factory (self->agent_dropdown, factory);
  g_object_unref (factory);
  gtk_drop_down_set_model (self->agent_dropdown, G_LIST_MODEL (self->agent_names));
  gtk_drop_down_set_selected (self->agent_dropdown, 0);

  /* The tiles are read, not used: the flow box's children must not take
   * the keyboard focus (they have nothing to do and no name). */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->tiles)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (gtk_widget_get_parent (GTK_WIDGET (self->chart))), FALSE);

  /* The drop-down's own button is what takes the focus: name it. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->agent_dropdown)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Show the activity of: agent"), -1);

  /* On a phone the filters share a line with the heading: their labels
   * give way rather than the window growing wider than the screen. */
  for (GtkToggleButton **b = (GtkToggleButton *[]){ self->errors_button, self->idle_button, NULL }; *b; b++)
    if (GTK_IS_LABEL (gtk_button_get_child (GTK_BUTTON (*b))))
      gtk_label_set_ellipsize (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (*b))), PANGO_ELLIPSIZE_END);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  self->at_top = TRUE;
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->feed_scroller), "notify::value",
                           G_CALLBACK (on_vadjustment_value_cb), self, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->feed_scroller), "changed",
                           G_CALLBACK (on_vadjustment_changed_cb), self, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->feed_scroller), "value-changed",
                           G_CALLBACK (on_vadjustment_changed_cb), self, 0);

  self->content = content;
  gtk_stack_add_named (self->stack, content, "content");
  apply_metrics (self);
  update_chart (self);
  update_feed_visibility (self);
}

static void
af_dashboard_page_init (AfDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->agent_names = gtk_string_list_new ((const char *[]){ _ ("All Agents"), NULL });
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, NULL);
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (on_items_changed_cb), self);
  self->shown = af_list_head_new (G_LIST_MODEL (self->filtered), FEED_FIRST_ROWS);
  self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  self->at_top = TRUE;
  if (af_feed_time_get_desktop_settings () != NULL)
    g_signal_connect_object (af_feed_time_get_desktop_settings (), "changed::clock-format",
                             G_CALLBACK (on_clock_format_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * af_dashboard_page_set_activity:
 * @activity: (nullable): the engine's activity model, newest first
 *
 * Shows @activity in the feed. The model is read lazily: only the rows on
 * screen are bound.
 */
void
af_dashboard_page_set_activity (AfDashboardPage *self,
                                GListModel      *activity)
{
  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (activity == NULL || G_IS_LIST_MODEL (activity));

  if (!g_set_object (&self->activity, activity))
    return;
  g_clear_object (&self->agent_activity);
  if (self->agent_dropdown != NULL)
    gtk_drop_down_set_selected (self->agent_dropdown, 0);

  af_list_head_set_limit (self->shown, FEED_FIRST_ROWS);
  gtk_filter_list_model_set_model (self->filtered, activity);
  update_feed_visibility (self);
}

GListModel *
af_dashboard_page_get_activity (AfDashboardPage *self)
{
  g_return_val_if_fail (AF_IS_DASHBOARD_PAGE (self), NULL);

  return self->activity;
}

/**
 * af_dashboard_page_get_visible_activity:
 *
 * The activity as the feed shows it, filters applied.
 */
GListModel *
af_dashboard_page_get_visible_activity (AfDashboardPage *self)
{
  g_return_val_if_fail (AF_IS_DASHBOARD_PAGE (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

/**
 * af_dashboard_page_set_has_agents:
 *
 * Without agents the page invites the user to create one.
 */
void
af_dashboard_page_set_has_agents (AfDashboardPage *self,
                                  gboolean         has_agents)
{
  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));

  if (has_agents)
    ensure_content (self);
  else
    ensure_empty_page (self);
  gtk_stack_set_visible_child_name (self->stack, has_agents ? "content" : "empty");
}

/**
 * af_dashboard_page_set_agent_names:
 *
 * The agents the feed can be filtered by.
 */
void
af_dashboard_page_set_agent_names (AfDashboardPage   *self,
                                   const char *const *names)
{
  guint n;

  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->agent_names));
  if (self->agent_dropdown != NULL)
    gtk_drop_down_set_selected (self->agent_dropdown, 0);
  gtk_string_list_splice (self->agent_names, 1, n - 1, names);
}

void
af_dashboard_page_set_errors_only (AfDashboardPage *self,
                                   gboolean         errors_only)
{
  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));

  ensure_content (self);
  gtk_toggle_button_set_active (self->errors_button, errors_only);
}

/**
 * af_dashboard_page_set_metrics:
 * @success_rate: between 0 and 1, or a negative number when no run finished
 *
 * Updates the tiles.
 */
void
af_dashboard_page_set_metrics (AfDashboardPage *self,
                               guint            active_agents,
                               guint            actions_today,
                               double           success_rate,
                               guint            minutes_saved_week)
{
  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));

  self->have_metrics = TRUE;
  self->active_agents = active_agents;
  self->actions_today = actions_today;
  self->success_rate = success_rate;
  self->minutes_saved_week = minutes_saved_week;
  apply_metrics (self);

  /* The tiles and the chart tell the same story at the same moment. */
  update_chart (self);
}

/**
 * af_dashboard_page_set_history:
 * @history: (nullable): the actions per day
 *
 * Shows the actions-per-day chart (hidden without @history).
 */
void
af_dashboard_page_set_history (AfDashboardPage  *self,
                               AfMetricsHistory *history)
{
  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (history == NULL || AF_IS_METRICS_HISTORY (history));

  g_set_object (&self->history, history);
  update_chart (self);
}

/**
 * af_dashboard_page_set_activity_log:
 * @log: (nullable): where a run's steps are read from
 */
void
af_dashboard_page_set_activity_log (AfDashboardPage *self,
                                    AfActivityLog   *log)
{
  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (log == NULL || AF_IS_ACTIVITY_LOG (log));

  g_set_object (&self->log, log);
}

/**
 * af_dashboard_page_get_chart:
 *
 * Returns: (transfer none): the actions-per-day chart
 */
GtkWidget *
af_dashboard_page_get_chart (AfDashboardPage *self)
{
  g_return_val_if_fail (AF_IS_DASHBOARD_PAGE (self), NULL);

  ensure_content (self);
  return GTK_WIDGET (self->chart);
}

/**
 * af_dashboard_page_set_agent_resolver:
 * @func: returns the name of the agent with an id, newly allocated
 *
 * For activity items that carry an "agent-id" rather than an "agent-name".
 */
void
af_dashboard_page_set_agent_resolver (AfDashboardPage *self,
                                      AfAgentNameFunc  func,
                                      gpointer         user_data,
                                      GDestroyNotify   destroy)
{
  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));

  if (self->resolve_destroy != NULL)
    g_clear_pointer (&self->resolve_data, self->resolve_destroy);
  self->resolve_agent = func;
  self->resolve_data = user_data;
  self->resolve_destroy = destroy;
}

/**
 * af_dashboard_page_set_activity_factory:
 * @func: (nullable): makes the activity model of the agent named so
 *
 * Lets the agent filter use the engine's per-agent models.
 */
void
af_dashboard_page_set_activity_factory (AfDashboardPage    *self,
                                        AfActivityModelFunc func,
                                        gpointer            user_data)
{
  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));

  self->model_func = func;
  self->model_data = user_data;
}
