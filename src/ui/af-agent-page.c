/* af-agent-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-page"

#include "config.h"

#include <glib/gi18n.h>

#include <adwaita.h>

#include "af-activity-details.h"
#include "af-activity-row.h"
#include "af-agent-page.h"
#include "af-chart.h"
#include "af-time.h"

/* One agent: what needs fixing, its numbers and its own activity. */
struct _AfAgentPage
{
  GtkWidget parent_instance;

  AfEngine         *engine;
  AfAgent          *agent;
  AfActivityModel  *activity;
  AfMetricsHistory *history;
  guint             tick_id;
  gint64            next_change; /* unix time a text on screen changes */

  /* Template widgets */
  GtkWidget    *child;
  GtkWidget    *attention_box;
  GtkLabel     *attention_label;
  GtkLabel     *description_label;
  GtkLabel     *metrics_label;
  GtkListView  *list_view;
  AdwActionRow *trigger_row;
  AdwActionRow *next_run_row;
  AdwActionRow *services_row;
  AdwActionRow *permissions_row;
  AfChart      *chart;
};

#define CHART_DAYS 14

static const struct
{
  const char *permission;
  const char *label;
} permission_labels[] = {
  { "gmail.read", N_ ("read mail") },
  { "gmail.modify", N_ ("label, archive and star mail") },
  { "gmail.compose", N_ ("write drafts") },
  { "gmail.send", N_ ("send mail") },
  { "calendar.read", N_ ("read the calendar") },
  { "calendar.write", N_ ("create and delete events") },
  { "slack.read", N_ ("read Slack") },
  { "slack.post", N_ ("post to Slack") },
};

static gboolean on_tick_cb (gpointer user_data);

/* The next run ("today at 07:22") and the rows' times ("14:32",
 * "Yesterday") change rarely: one timer for the page, armed for the first
 * change on screen, none while no text would change. */
static void
note_next_change (AfAgentPage *self,
                  gint64       next)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    af_feed_time_arm (&self->tick_id, &self->next_change, next, "[agentflow] agent page relative times", on_tick_cb,
                      self);
}

static const char *
service_title (const char *service)
{
  if (g_strcmp0 (service, "gmail") == 0)
    return _ ("Gmail");
  if (g_strcmp0 (service, "calendar") == 0)
    return _ ("Google Calendar");
  if (g_strcmp0 (service, "slack") == 0)
    return _ ("Slack");
  if (g_strcmp0 (service, "llm") == 0)
    return _ ("AI model");
  return service;
}

static char *
describe_trigger (JsonObject *t)
{
  const char *type = t ? json_object_get_string_member_with_default (t, "type", "manual") : "manual";
  gint64      minutes = t ? json_object_get_int_member_with_default (t, "minutes", 5) : 5;
  const char *at = t ? json_object_get_string_member_with_default (t, "at", "") : "";

  if (g_str_equal (type, "interval"))
    return g_strdup_printf (ngettext ("Every minute", "Every %u minutes", (guint)minutes), (guint)minutes);
  if (g_str_equal (type, "new_mail"))
    return g_strdup_printf (ngettext ("When new mail arrives (checked every minute)",
                                      "When new mail arrives (checked every %u minutes)", (guint)minutes),
                            (guint)minutes);
  if (g_str_equal (type, "upcoming_event"))
    return g_strdup_printf (ngettext ("Before upcoming events (checked every minute)",
                                      "Before upcoming events (checked every %u minutes)", (guint)minutes),
                            (guint)minutes);
  if (g_str_equal (type, "daily"))
    /* Translators: a time of day such as 08:30 */
    return g_strdup_printf (_ ("Every day at %s"), at);
  if (g_str_equal (type, "weekly"))
    {
      gint64 day = json_object_get_int_member_with_default (t, "weekday", 1);
      /* 2024-01-01 was a Monday: its week gives the weekday's name. */
      g_autoptr (GDateTime) d = af_date_time_new_local (2024, 1, (int)CLAMP (day, 1, 7), 0, 0, 0);
      g_autofree char *name = g_date_time_format (d, "%A");

      /* Translators: a weekday, then a time of day */
      return g_strdup_printf (_ ("Every %s at %s"), name, at);
    }
  return g_strdup (_ ("Only when you run it"));
}

static void
update_glance (AfAgentPage *self)
{
  JsonObject *definition = af_agent_peek_definition (self->agent);
  JsonArray  *connections = definition && json_object_has_member (definition, "connections")
                                ? json_object_get_array_member (definition, "connections")
                                : NULL;
  g_autoptr (GString) services = g_string_new (NULL);
  g_autoptr (GString) allowed = g_string_new (NULL);
  g_autofree char *trigger = describe_trigger (af_agent_get_trigger (self->agent));
  g_autofree char *next = NULL;
  gint64           next_run = af_agent_get_next_run (self->agent);

  adw_action_row_set_subtitle (self->trigger_row, trigger);

  if (af_agent_get_state (self->agent) == AF_AGENT_STATE_PAUSED)
    next = g_strdup (_ ("Not while paused"));
  else if (af_agent_get_state (self->agent) == AF_AGENT_STATE_NEEDS_ATTENTION)
    next = g_strdup (_ ("Not until a connection is fixed"));
  else if (next_run > 0)
    {
      gint64 changes = 0;

      next = af_format_upcoming_time (next_run > G_GINT64_CONSTANT (100000000000) ? next_run / G_USEC_PER_SEC
                                                                                  : next_run,
                                      g_get_real_time () / G_USEC_PER_SEC, &changes);
      note_next_change (self, changes);
    }
  else
    next = g_strdup (_ ("Not scheduled"));
  adw_action_row_set_subtitle (self->next_run_row, next);

  for (guint i = 0; connections != NULL && i < json_array_get_length (connections); i++)
    {
      JsonObject *c = json_array_get_object_element (connections, i);
      const char *service = c ? json_object_get_string_member_with_default (c, "service", NULL) : NULL;
      const char *account = c ? json_object_get_string_member_with_default (c, "account", NULL) : NULL;
      JsonArray  *perms = c && json_object_has_member (c, "permissions") ? json_object_get_array_member (c, "permissions")
                                                                         : NULL;

      if (service == NULL)
        continue;
      if (services->len > 0)
        g_string_append (services, ", ");
      if (account != NULL && *account != '\0')
        /* Translators: a service and the account it uses, "Gmail (dana@example.com)" */
        g_string_append_printf (services, _ ("%s (%s)"), service_title (service), account);
      else
        g_string_append (services, service_title (service));

      for (guint j = 0; perms != NULL && j < json_array_get_length (perms); j++)
        {
          const char *p = json_array_get_string_element (perms, j);

          for (guint k = 0; p != NULL && k < G_N_ELEMENTS (permission_labels); k++)
            if (g_str_equal (permission_labels[k].permission, p))
              g_string_append_printf (allowed, "%s%s", allowed->len ? ", " : "", _ (permission_labels[k].label));
        }
    }
  adw_action_row_set_subtitle (self->services_row, services->len ? services->str : _ ("None"));
  adw_action_row_set_subtitle (self->permissions_row, allowed->len ? allowed->str : _ ("Nothing yet"));
}

static void
update_chart (AfAgentPage *self)
{
  g_autoptr (GDateTime) now = af_date_time_new_now_local ();
  g_autofree AfDayActions *days = NULL;

  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->chart)), self->history != NULL && self->agent != NULL);
  if (self->history == NULL || self->agent == NULL)
    return;
  days = af_metrics_history_get_days (self->history, af_agent_get_id (self->agent), CHART_DAYS);
  af_chart_set_days (self->chart, days, CHART_DAYS, now);
}

G_DEFINE_FINAL_TYPE (AfAgentPage, af_agent_page, GTK_TYPE_WIDGET)

static void
update (AfAgentPage *self)
{
  AfMetrics        m = { 0 };
  g_autofree char *metrics = NULL;
  const char      *reason;

  if (self->agent == NULL)
    return;

  gtk_label_set_label (self->description_label, af_agent_get_description (self->agent));
  gtk_widget_set_visible (GTK_WIDGET (self->description_label),
                          af_agent_get_description (self->agent) != NULL && *af_agent_get_description (self->agent));

  reason = af_agent_get_state_reason (self->agent);
  gtk_widget_set_visible (self->attention_box, af_agent_get_state (self->agent) == AF_AGENT_STATE_NEEDS_ATTENTION);
  gtk_label_set_label (self->attention_label,
                       reason ? reason : _ ("This agent cannot run until a connection is fixed."));

  af_engine_get_metrics (self->engine, af_agent_get_id (self->agent), &m);
  {
    g_autofree char *runs = g_strdup_printf (ngettext ("%u run", "%u runs", m.runs), m.runs);
    g_autofree char *actions = g_strdup_printf (ngettext ("%u action", "%u actions", m.actions), m.actions);

    /* Translators: an agent's numbers: "12 runs · 92 % successful · 40
     * actions · 15 min saved" (the runs and the actions come first as
     * their own plural strings) */
    metrics = g_strdup_printf (_ ("%s · %.0f %% successful · %s · %.0f min saved"), runs, m.success_rate * 100, actions,
                               m.minutes_saved);
  }
  gtk_label_set_label (self->metrics_label, metrics);
  update_glance (self);
  update_chart (self);
}

/* A text on screen reads differently now: the next run and the rows on
 * screen are shown again, which arms the timer for the next change. */
static gboolean
on_tick_cb (gpointer user_data)
{
  AfAgentPage *self = user_data;

  self->tick_id = 0;
  self->next_change = 0;
  if (self->agent != NULL)
    update_glance (self);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_view)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *child = gtk_widget_get_first_child (row);

      if (AF_IS_ACTIVITY_ROW (child) && gtk_widget_get_mapped (child))
        note_next_change (self, af_activity_row_update_time (AF_ACTIVITY_ROW (child)));
    }
  return G_SOURCE_REMOVE;
}

/* The desktop switched between a 24- and a 12-hour clock. */
static void
on_clock_format_changed_cb (AfAgentPage *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    on_tick_cb (self);
}

/* A row coming on screen catches up and arms the timer. */
static void
on_row_map_cb (AfActivityRow *row,
               AfAgentPage   *self)
{
  note_next_change (self, af_activity_row_update_time (row));
}

static void
on_list_view_activate_cb (AfAgentPage *self,
                          guint        position)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (self->list_view));
  g_autoptr (GObject) item = model ? g_list_model_get_item (model, position) : NULL;
  g_autoptr (GPtrArray) steps = NULL;
  gint64 run_id;

  if (item == NULL || self->engine == NULL)
    return;
  run_id = af_activity_item_get_int64 (item, "run-id");
  if (run_id > 0)
    steps = af_activity_log_query_run (af_engine_get_activity_log (self->engine), run_id, NULL);
  gtk_window_present (GTK_WINDOW (af_activity_details_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), item,
                                                           self->agent ? af_agent_get_name (self->agent) : NULL,
                                                           steps)));
}

static void
af_agent_page_map (GtkWidget *widget)
{
  AfAgentPage *self = AF_AGENT_PAGE (widget);

  GTK_WIDGET_CLASS (af_agent_page_parent_class)->map (widget);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  on_tick_cb (self);
}

static void
af_agent_page_unmap (GtkWidget *widget)
{
  AfAgentPage *self = AF_AGENT_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->next_change = 0;
  GTK_WIDGET_CLASS (af_agent_page_parent_class)->unmap (widget);
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  user_data)
{
  GtkWidget *row = af_activity_row_new ();

  g_signal_connect_object (row, "map", G_CALLBACK (on_row_map_cb), user_data, 0);
  gtk_list_item_set_child (list_item, row);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    AfAgentPage              *self)
{
  AfActivityRow *row = AF_ACTIVITY_ROW (gtk_list_item_get_child (list_item));

  af_activity_row_bind (row, gtk_list_item_get_item (list_item));
  /* The page is the agent's: its name on every row says nothing. */
  af_activity_row_set_agent_name (row, NULL);
  if (gtk_widget_get_mapped (GTK_WIDGET (row)))
    note_next_change (self, af_activity_row_update_time (row));
}

static void
af_agent_page_dispose (GObject *object)
{
  AfAgentPage *self = (AfAgentPage *)object;

  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  if (self->activity != NULL)
    g_signal_handlers_disconnect_by_data (self->activity, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_AGENT_PAGE);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->activity);
  g_clear_object (&self->agent);
  g_clear_object (&self->engine);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (af_agent_page_parent_class)->dispose (object);
}

static void
af_agent_page_class_init (AfAgentPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = af_agent_page_dispose;
  widget_class->map = af_agent_page_map;
  widget_class->unmap = af_agent_page_unmap;

  g_type_ensure (AF_TYPE_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-agent-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, child);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, attention_box);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, attention_label);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, metrics_label);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, trigger_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, next_run_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, services_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, permissions_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, chart);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
}

static void
af_agent_page_init (AfAgentPage *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  if (af_feed_time_get_desktop_settings () != NULL)
    g_signal_connect_object (af_feed_time_get_desktop_settings (), "changed::clock-format",
                             G_CALLBACK (on_clock_format_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * af_agent_page_set_agent:
 *
 * Shows @agent of @engine, with its own lazy activity model.
 */
void
af_agent_page_set_agent (AfAgentPage *self,
                         AfEngine    *engine,
                         AfAgent     *agent)
{
  g_return_if_fail (AF_IS_AGENT_PAGE (self));
  g_return_if_fail (engine == NULL || AF_IS_ENGINE (engine));
  g_return_if_fail (agent == NULL || AF_IS_AGENT (agent));

  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  if (self->activity != NULL)
    g_signal_handlers_disconnect_by_data (self->activity, self);
  g_clear_object (&self->activity);
  g_set_object (&self->engine, engine);
  g_set_object (&self->agent, agent);

  if (engine == NULL || agent == NULL)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      return;
    }

  /* Its runs, one row each, as on the dashboard. */
  self->activity = af_engine_create_activity_model (engine, af_agent_get_id (agent), AF_ACTIVITY_FEED);
  {
    g_autoptr (GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->activity)));

    gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  }
  g_signal_connect_object (agent, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->activity, "items-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

AfAgent *
af_agent_page_get_agent (AfAgentPage *self)
{
  g_return_val_if_fail (AF_IS_AGENT_PAGE (self), NULL);

  return self->agent;
}

/**
 * af_agent_page_set_history:
 * @history: (nullable): the actions per day, for the agent's chart
 */
void
af_agent_page_set_history (AfAgentPage      *self,
                           AfMetricsHistory *history)
{
  g_return_if_fail (AF_IS_AGENT_PAGE (self));
  g_return_if_fail (history == NULL || AF_IS_METRICS_HISTORY (history));

  g_set_object (&self->history, history);
  update_chart (self);
}
