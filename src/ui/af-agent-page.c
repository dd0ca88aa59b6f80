/* af-agent-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-page"

#include "config.h"

#include <glib/gi18n.h>

#include "af-activity-row.h"
#include "af-agent-page.h"

/* One agent: what needs fixing, its numbers and its own activity. */
struct _AfAgentPage
{
  GtkWidget parent_instance;

  AfEngine        *engine;
  AfAgent         *agent;
  AfActivityModel *activity;

  /* Template widgets */
  GtkWidget   *child;
  GtkWidget   *attention_box;
  GtkLabel    *attention_label;
  GtkLabel    *description_label;
  GtkLabel    *metrics_label;
  GtkListView *list_view;
};

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
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, af_activity_row_new ());
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    AfAgentPage              *self)
{
  AfActivityRow *row = AF_ACTIVITY_ROW (gtk_list_item_get_child (list_item));

  af_activity_row_bind (row, gtk_list_item_get_item (list_item));
  af_activity_row_set_agent_name (row, self->agent ? af_agent_get_name (self->agent) : NULL);
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

  g_clear_object (&self->activity);
  g_clear_object (&self->agent);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (af_agent_page_parent_class)->dispose (object);
}

static void
af_agent_page_class_init (AfAgentPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = af_agent_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-agent-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, child);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, attention_box);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, attention_label);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, metrics_label);
  gtk_widget_class_bind_template_child (widget_class, AfAgentPage, list_view);
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

  self->activity = af_engine_create_activity_model (engine, af_agent_get_id (agent), NULL);
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
