/* af-dashboard-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-dashboard-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "af-activity-row.h"
#include "af-dashboard-page.h"

struct _AfDashboardPage
{
  GtkWidget parent_instance;

  GListModel         *activity;
  GtkFilterListModel *filtered;
  GtkNoSelection     *selection;
  GtkCustomFilter    *filter;
  guint               tick_id;
  guint               scroll_id;
  gboolean            at_top;
  AfActivityModelFunc model_func;
  gpointer            model_data;
  GListModel         *agent_activity; /* the lazy model of one agent */
  AfAgentNameFunc     resolve_agent;
  gpointer            resolve_data;
  GDestroyNotify      resolve_destroy;

  /* Template widgets */
  GtkStack          *stack;
  GtkStack          *feed_stack;
  AdwStatusPage     *no_activity_page;
  GtkScrolledWindow *feed_scroller;
  GtkListView       *list_view;
  GtkDropDown       *agent_dropdown;
  GtkStringList     *agent_names;
  GtkToggleButton   *errors_button;
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

/* Relative times ("5 min ago") change slowly; one timer for the page
 * refreshes only the rows that exist, without reading their items again. */
#define TICK_SECONDS 30

static const char *
selected_agent (AfDashboardPage *self)
{
  guint pos = gtk_drop_down_get_selected (self->agent_dropdown);

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

  if (gtk_toggle_button_get_active (self->errors_button))
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
update_feed_visibility (AfDashboardPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0;
  gboolean filtered = gtk_toggle_button_get_active (self->errors_button) || selected_agent (self) != NULL;

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

  /* The template sets the drop-down's model before the page is complete. */
  if (self->filtered == NULL)
    return;

  /* With a factory, one agent's activity is its own lazy model (a keyset
   * query by agent), not a filter that reads every row. */
  g_clear_object (&self->agent_activity);
  if (self->model_func != NULL && self->activity != NULL)
    {
      const char *agent = selected_agent (self);
      gboolean    errors = gtk_toggle_button_get_active (self->errors_button);

      if (agent != NULL || errors)
        self->agent_activity = self->model_func (agent, errors, self->model_data);
    }
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

  update_feed_visibility (self);
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
}

static void
on_items_changed_cb (AfDashboardPage *self,
                     guint            position,
                     guint            removed,
                     guint            added)
{
  update_feed_visibility (self);

  /* New entries arrive at the top: a reader watching the top keeps seeing
   * the newest, a reader scrolled down keeps their place. */
  if (position == 0 && added > 0 && self->at_top && self->scroll_id == 0)
    self->scroll_id = g_idle_add (scroll_to_top_cb, self);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  AfDashboardPage *self = user_data;

  g_signal_emit (self, signals[SIGNAL_TICK], 0);
  return G_SOURCE_CONTINUE;
}

static void
on_details_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_list_view_activate_cb (AfDashboardPage *self,
                          guint            position)
{
  g_autoptr (GObject) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
  g_autofree char *summary = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *details = NULL;
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;
  GtkWidget       *dialog;
  gint64           t;

  if (item == NULL)
    return;

  summary = af_activity_item_dup_string (item, "summary");
  agent = af_activity_item_dup_string (item, "agent-name");
  if (agent == NULL && self->resolve_agent != NULL)
    {
      g_autofree char *id = af_activity_item_dup_string (item, "agent-id");

      agent = id ? self->resolve_agent (id, self->resolve_data) : NULL;
    }
  details = af_activity_item_dup_string (item, "details");
  t = af_activity_item_get_time (item);
  if (t > 0)
    {
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (t);

      when = g_date_time_format (dt, "%c");
    }

  /* Details are JSON: show them indented, as text. */
  if (details != NULL)
    {
      g_autoptr (JsonNode) node = json_from_string (details, NULL);

      if (node != NULL)
        {
          g_free (details);
          details = json_to_string (node, TRUE);
        }
    }

  /* Translators: the activity details: agent, time, then what was recorded */
  body = g_strdup_printf (_ ("Agent: %s\nTime: %s\n\n%s"),
                          agent ? agent : _ ("Unknown"),
                          when ? when : _ ("Unknown"),
                          details ? details : _ ("No further details were recorded."));

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   summary ? summary : _ ("Activity"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_details_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_row_tick_cb (AfActivityRow *row)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (row)))
    af_activity_row_update_time (row);
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
  g_signal_connect_object (self, "tick", G_CALLBACK (on_row_tick_cb), row, G_CONNECT_SWAPPED);
  g_signal_connect (row, "map", G_CALLBACK (af_activity_row_update_time), NULL);
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

static void
af_dashboard_page_map (GtkWidget *widget)
{
  AfDashboardPage *self = AF_DASHBOARD_PAGE (widget);

  GTK_WIDGET_CLASS (af_dashboard_page_parent_class)->map (widget);

  if (self->tick_id == 0)
    {
      self->tick_id = g_timeout_add_seconds (TICK_SECONDS, on_tick_cb, self);
      on_tick_cb (self);
    }
}

static void
af_dashboard_page_unmap (GtkWidget *widget)
{
  AfDashboardPage *self = AF_DASHBOARD_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);

  GTK_WIDGET_CLASS (af_dashboard_page_parent_class)->unmap (widget);
}

static void
af_dashboard_page_dispose (GObject *object)
{
  AfDashboardPage *self = (AfDashboardPage *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->scroll_id, g_source_remove);
  if (self->filtered != NULL)
    g_signal_handlers_disconnect_by_func (self->filtered, on_items_changed_cb, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_DASHBOARD_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->activity);
  g_clear_object (&self->agent_activity);
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
  widget_class->unmap = af_dashboard_page_unmap;

  /**
   * AfDashboardPage::tick:
   *
   * Emitted every half minute while the page is shown, so rows refresh
   * their relative times.
   */
  signals[SIGNAL_TICK] = g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, feed_stack);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, no_activity_page);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, feed_scroller);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, agent_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, agent_names);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, errors_button);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, active_value);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, actions_value);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, success_value);
  gtk_widget_class_bind_template_child (widget_class, AfDashboardPage, saved_value);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
}

static void
af_dashboard_page_init (AfDashboardPage *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
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

  gtk_string_list_append (self->agent_names, _ ("All Agents"));

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, NULL);
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (on_items_changed_cb), self);
  self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));

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

  update_feed_visibility (self);
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
  gtk_drop_down_set_selected (self->agent_dropdown, 0);

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
  gtk_drop_down_set_selected (self->agent_dropdown, 0);
  gtk_string_list_splice (self->agent_names, 1, n - 1, names);
}

void
af_dashboard_page_set_errors_only (AfDashboardPage *self,
                                   gboolean         errors_only)
{
  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));

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
  g_autofree char *active = NULL;
  g_autofree char *actions = NULL;
  g_autofree char *success = NULL;
  g_autofree char *saved = NULL;

  g_return_if_fail (AF_IS_DASHBOARD_PAGE (self));

  active = g_strdup_printf ("%u", active_agents);
  actions = g_strdup_printf ("%u", actions_today);
  success = success_rate < 0 ? g_strdup ("—") : g_strdup_printf ("%.0f %%", success_rate * 100);
  if (minutes_saved_week < 60)
    /* Translators: time saved, in minutes */
    saved = g_strdup_printf (_ ("%u min"), minutes_saved_week);
  else
    /* Translators: time saved, in hours and minutes */
    saved = g_strdup_printf (_ ("%u h %02u min"), minutes_saved_week / 60, minutes_saved_week % 60);

  gtk_label_set_label (self->active_value, active);
  gtk_label_set_label (self->actions_value, actions);
  gtk_label_set_label (self->success_value, success);
  gtk_label_set_label (self->saved_value, saved);
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
