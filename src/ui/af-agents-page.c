/* af-agents-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agents-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-activity-row.h"
#include "af-agents-page.h"
#include "af-a11y.h"

struct _AfAgentsPage
{
  GtkWidget parent_instance;

  GListModel       *agents;
  AfAgentDetailFunc detail_func;
  gpointer          detail_data;

  /* Template widgets */
  GtkStack    *stack;
  GtkListView *list_view;

  guint  tick_id;
  gint64 next_change; /* unix time a row on screen changes its text */
};

G_DEFINE_FINAL_TYPE (AfAgentsPage, af_agents_page, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_SET_ACTIVE,
  SIGNAL_RUN,
  SIGNAL_EXPORT,
  SIGNAL_DELETE,
  SIGNAL_OPEN,
  SIGNAL_EDIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean on_tick_cb (gpointer user_data);
static void     on_box_map_cb (GtkWidget *box);

static void
update_visible (AfAgentsPage *self)
{
  gboolean empty = self->agents == NULL || g_list_model_get_n_items (self->agents) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static AfAgentsPage *
page_of (GtkWidget *widget)
{
  return AF_AGENTS_PAGE (gtk_widget_get_ancestor (widget, AF_TYPE_AGENTS_PAGE));
}

static GObject *
item_of (GtkWidget *widget)
{
  GtkWidget *box = gtk_widget_get_ancestor (widget, GTK_TYPE_BOX);

  /* The row's outer box carries the item. */
  while (box != NULL && g_object_get_data (G_OBJECT (box), "item") == NULL)
    box = gtk_widget_get_ancestor (gtk_widget_get_parent (box), GTK_TYPE_BOX);
  return box ? g_object_get_data (G_OBJECT (box), "item") : NULL;
}

static void
emit_for (GtkWidget *widget,
          guint      signal_id)
{
  AfAgentsPage *self = page_of (widget);
  GObject      *item = item_of (widget);

  if (self != NULL && item != NULL)
    g_signal_emit (self, signals[signal_id], 0, item);
}

static void
on_run_clicked_cb (GtkButton *button)
{
  emit_for (GTK_WIDGET (button), SIGNAL_RUN);
}

/* The row's menu: "row.edit", "row.export" and "row.delete" act on the
 * row's agent. */
static void
on_row_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  const char *name = g_action_get_name (G_ACTION (action));

  emit_for (user_data, g_str_equal (name, "edit")     ? SIGNAL_EDIT
                       : g_str_equal (name, "export") ? SIGNAL_EXPORT
                                                      : SIGNAL_DELETE);
}

static GMenuModel *
row_menu (void)
{
  static GMenu *menu;

  if (menu == NULL)
    {
      g_autoptr (GMenu) danger = g_menu_new ();

      menu = g_menu_new ();
      g_menu_append (menu, _ ("_Edit…"), "row.edit");
      g_menu_append (menu, _ ("_Export…"), "row.export");
      g_menu_append (danger, _ ("_Delete…"), "row.delete");
      g_menu_append_section (menu, NULL, G_MENU_MODEL (danger));
    }
  return G_MENU_MODEL (menu);
}

static gboolean
on_switch_state_set_cb (GtkSwitch *toggle,
                        gboolean   state)
{
  AfAgentsPage *self = page_of (GTK_WIDGET (toggle));
  GObject      *item = item_of (GTK_WIDGET (toggle));

  if (self != NULL && item != NULL && !GPOINTER_TO_INT (g_object_get_data (G_OBJECT (toggle), "binding")))
    g_signal_emit (self, signals[SIGNAL_SET_ACTIVE], 0, item, state);
  return FALSE;
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *run = gtk_button_new_from_icon_name ("media-playback-start-symbolic");
  GtkWidget *more = gtk_menu_button_new ();
  g_autoptr (GSimpleActionGroup) actions = g_simple_action_group_new ();

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_widget_add_css_class (status, "caption");
  gtk_widget_add_css_class (status, "dim-label");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), status);
  gtk_box_append (GTK_BOX (box), labels);

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (toggle, _ ("Pause or resume the agent"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Active"), -1);
  g_signal_connect (toggle, "state-set", G_CALLBACK (on_switch_state_set_cb), NULL);
  gtk_box_append (GTK_BOX (box), toggle);

  gtk_widget_set_valign (run, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (run, "flat");
  gtk_widget_set_tooltip_text (run, _ ("Run Now"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (run), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Run Now"), -1);
  g_signal_connect (run, "clicked", G_CALLBACK (on_run_clicked_cb), NULL);
  gtk_box_append (GTK_BOX (box), run);

  for (const char *const *a = (const char *const[]){ "edit", "export", "delete", NULL }; *a; a++)
    {
      g_autoptr (GSimpleAction) action = g_simple_action_new (*a, NULL);

      g_signal_connect_object (action, "activate", G_CALLBACK (on_row_action_cb), box, 0);
      g_action_map_add_action (G_ACTION_MAP (actions), G_ACTION (action));
    }
  gtk_widget_insert_action_group (box, "row", G_ACTION_GROUP (actions));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), row_menu ());
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
  gtk_widget_set_valign (more, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (more, "flat");
  gtk_widget_set_tooltip_text (more, _ ("More Actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (more), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("More Actions"), -1);
  gtk_box_append (GTK_BOX (box), more);

  g_signal_connect (box, "map", G_CALLBACK (on_box_map_cb), NULL);
  gtk_list_item_set_child (list_item, box);
}

static gint64
to_unix (gint64 t)
{
  return t > G_GINT64_CONSTANT (100000000000) ? t / G_USEC_PER_SEC : t;
}

/* "Last run at 14:32" and "Next run tomorrow at 07:00" change rarely:
 * one timer for the page, armed for the moment the first row on screen
 * would read differently, none while no text would change. */
static void
note_next_change (AfAgentsPage *self,
                  gint64        next)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    af_feed_time_arm (&self->tick_id, &self->next_change, next, "[agentflow] agents relative times", on_tick_cb, self);
}

static gint64
earliest (gint64 a,
          gint64 b)
{
  return a <= 0 ? b : b <= 0 ? a
                             : MIN (a, b);
}

static void
update_row (GtkWidget *box,
            GObject   *item)
{
  GtkWidget       *labels = gtk_widget_get_first_child (box);
  GtkWidget       *name = gtk_widget_get_first_child (labels);
  GtkWidget       *toggle = gtk_widget_get_next_sibling (labels);
  g_autofree char *text = af_activity_item_dup_string (item, "name");
  g_autofree char *status = af_activity_item_dup_string (item, "status-text");
  g_autofree char *reason = af_activity_item_dup_string (item, "state-reason");
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;
  gint64           last_run = to_unix (af_activity_item_get_int64 (item, "last-run"));
  gint64           next_run = to_unix (af_activity_item_get_int64 (item, "next-run"));
  gint64           changes = 0;
  g_autofree char *last = af_format_last_run (last_run, now);
  g_autofree char *next = NULL;
  int              state = (int)af_activity_item_get_int64 (item, "state");
  g_autoptr (GString) line = g_string_new (status);

  g_object_set_data_full (G_OBJECT (box), "item", g_object_ref (item), g_object_unref);
  gtk_label_set_label (GTK_LABEL (name), text ? text : "");
  {
    /* Each control says which agent it is for: a screen reader reads
     * the button, not the row around it. */
    GtkWidget  *run = gtk_widget_get_next_sibling (toggle);
    GtkWidget  *more = gtk_widget_get_next_sibling (run);
    const char *agent = text ? text : "";
    /* Translators: %s is an agent's name */
    g_autofree char *run_label = g_strdup_printf (_ ("Run %s now"), agent);
    /* Translators: %s is an agent's name */
    g_autofree char *more_label = g_strdup_printf (_ ("More actions for %s"), agent);
    /* Translators: %s is an agent's name; the label of its on/off switch */
    g_autofree char *active_label = g_strdup_printf (_ ("%s is active"), agent);

    af_a11y_set_label (run, run_label);
    gtk_widget_set_tooltip_text (run, run_label);
    af_a11y_set_label (more, more_label);
    af_a11y_set_label (toggle, active_label);
    /* The row itself (GtkListView's item widget) reads as the agent. */
    if (gtk_widget_get_parent (box) != NULL)
      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      agent, -1);
  }

  /* Matches AfAgentState: active, paused, needs attention. */
  if (status == NULL)
    {
      g_string_append (line, state == 1 ? _ ("Paused") : state == 2 ? _ ("Needs attention")
                                                                    : _ ("Active"));
      if (state == 2 && reason != NULL)
        g_string_append_printf (line, ": %s", reason);
      if (last != NULL)
        {
          g_string_append_printf (line, " · %s", last);
          changes = af_format_feed_time_next_change (last_run, now);
        }
      if (next_run > 0 && state == 0)
        {
          gint64 next_changes = 0;

          next = af_format_upcoming_time (next_run, now, &next_changes);
          /* Translators: "Next run tomorrow at 07:00" */
          g_string_append_printf (line, " · %s %s", _ ("Next run"), next);
          changes = earliest (changes, next_changes);
        }
    }
  {
    AfAgentsPage *self = AF_AGENTS_PAGE (gtk_widget_get_ancestor (box, AF_TYPE_AGENTS_PAGE));

    if (self != NULL && self->detail_func != NULL)
      {
        g_autofree char *detail = self->detail_func (item, self->detail_data);

        if (detail != NULL)
          g_string_append_printf (line, "\n%s", detail);
      }
  }
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_next_sibling (name)), line->str);

  g_object_set_data (G_OBJECT (toggle), "binding", GINT_TO_POINTER (TRUE));
  gtk_switch_set_active (GTK_SWITCH (toggle), state != 1);
  gtk_switch_set_state (GTK_SWITCH (toggle), state != 1);
  g_object_set_data (G_OBJECT (toggle), "binding", GINT_TO_POINTER (FALSE));

  /* Kept for when the row comes on screen (see on_box_map_cb). */
  g_object_set_data_full (G_OBJECT (box), "changes", g_memdup2 (&changes, sizeof changes), g_free);
  if (changes > 0 && gtk_widget_get_mapped (box) && page_of (box) != NULL)
    note_next_change (page_of (box), changes);
}

/* Only rows on screen arm the page's timer: a list view keeps more rows
 * than it shows. One coming on screen catches up if its text went out of
 * date meanwhile, and arms the timer for its next change otherwise. */
static void
on_box_map_cb (GtkWidget *box)
{
  GObject      *item = g_object_get_data (G_OBJECT (box), "item");
  gint64       *changes = g_object_get_data (G_OBJECT (box), "changes");
  AfAgentsPage *self = page_of (box);

  if (item == NULL || changes == NULL || *changes <= 0 || self == NULL)
    return;
  if (*changes <= g_get_real_time () / G_USEC_PER_SEC)
    update_row (box, item);
  else
    note_next_change (self, *changes);
}

/* The engine changes an agent in place (paused, ran, needs attention). */
static void
on_item_notify_cb (GObject    *item,
                   GParamSpec *pspec,
                   GtkWidget  *box)
{
  update_row (box, item);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GObject   *item = gtk_list_item_get_item (list_item);

  update_row (box, item);
  g_signal_connect_object (item, "notify", G_CALLBACK (on_item_notify_cb), box, 0);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GObject   *item = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (item, on_item_notify_cb, box);
  g_object_set_data (G_OBJECT (box), "item", NULL);
}

static void
on_list_view_activate_cb (AfAgentsPage *self,
                          guint         position)
{
  g_autoptr (GObject) item = self->agents ? g_list_model_get_item (self->agents, position) : NULL;

  if (item != NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN], 0, item);
}

/* A text on screen reads differently now ("Last run yesterday" after
 * midnight): the rows on screen are read again (a label given the text it
 * has does not redraw), which arms the timer for the next change. */
static gboolean
on_tick_cb (gpointer user_data)
{
  AfAgentsPage *self = user_data;

  self->tick_id = 0;
  self->next_change = 0;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_view)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = gtk_widget_get_first_child (row);
      GObject   *item = box ? g_object_get_data (G_OBJECT (box), "item") : NULL;

      if (item != NULL && gtk_widget_get_mapped (box))
        update_row (box, item);
    }
  return G_SOURCE_REMOVE;
}

/* The desktop switched between a 24- and a 12-hour clock. */
static void
on_clock_format_changed_cb (AfAgentsPage *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    on_tick_cb (self);
}

static void
af_agents_page_map (GtkWidget *widget)
{
  AfAgentsPage *self = AF_AGENTS_PAGE (widget);

  GTK_WIDGET_CLASS (af_agents_page_parent_class)->map (widget);
  /* Rows on screen catch up and arm the timer. */
  if (self->tick_id == 0)
    on_tick_cb (self);
}

static void
af_agents_page_unmap (GtkWidget *widget)
{
  AfAgentsPage *self = AF_AGENTS_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->next_change = 0;
  GTK_WIDGET_CLASS (af_agents_page_parent_class)->unmap (widget);
}

static void
af_agents_page_dispose (GObject *object)
{
  AfAgentsPage *self = (AfAgentsPage *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);

  if (self->agents != NULL)
    g_signal_handlers_disconnect_by_func (self->agents, update_visible, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_AGENTS_PAGE);
  g_clear_object (&self->agents);

  G_OBJECT_CLASS (af_agents_page_parent_class)->dispose (object);
}

static void
af_agents_page_class_init (AfAgentsPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = af_agents_page_dispose;
  widget_class->map = af_agents_page_map;
  widget_class->unmap = af_agents_page_unmap;

  /**
   * AfAgentsPage::set-active:
   * @agent: the agent
   * @active: %FALSE to pause it, %TRUE to resume it
   */
  signals[SIGNAL_SET_ACTIVE] = g_signal_new ("set-active", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_OBJECT, G_TYPE_BOOLEAN);
  signals[SIGNAL_RUN] = g_signal_new ("run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
  signals[SIGNAL_EXPORT] = g_signal_new ("export", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
  /**
   * AfAgentsPage::open:
   *
   * The user chose an agent to see its own page.
   */
  signals[SIGNAL_OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
  signals[SIGNAL_EDIT] = g_signal_new ("edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
  signals[SIGNAL_DELETE] = g_signal_new ("delete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-agents-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfAgentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AfAgentsPage, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
}

static void
af_agents_page_init (AfAgentsPage *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  af_a11y_tab_leaves (GTK_WIDGET (self->list_view));
  if (af_feed_time_get_desktop_settings () != NULL)
    g_signal_connect_object (af_feed_time_get_desktop_settings (), "changed::clock-format",
                             G_CALLBACK (on_clock_format_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * af_agents_page_set_model:
 * @agents: (nullable): the engine's agents
 *
 * Items are #AfAgent (or anything with "name", "state", "state-reason",
 * "last-run" and "next-run").
 */
void
af_agents_page_set_model (AfAgentsPage *self,
                          GListModel   *agents)
{
  g_return_if_fail (AF_IS_AGENTS_PAGE (self));

  if (self->agents == agents)
    return;
  if (self->agents != NULL)
    g_signal_handlers_disconnect_by_func (self->agents, update_visible, self);
  /* The new rows arm the timer for their own times. */
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->next_change = 0;
  g_set_object (&self->agents, agents);
  if (agents != NULL)
    {
      g_autoptr (GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (agents));

      g_signal_connect_swapped (agents, "items-changed", G_CALLBACK (update_visible), self);
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
    }
  else
    gtk_list_view_set_model (self->list_view, NULL);
  update_visible (self);
}

/**
 * af_agents_page_set_detail_func:
 * @func: (nullable): a second line for each agent, e.g. its metrics
 */
void
af_agents_page_set_detail_func (AfAgentsPage     *self,
                                AfAgentDetailFunc func,
                                gpointer          user_data)
{
  g_return_if_fail (AF_IS_AGENTS_PAGE (self));

  self->detail_func = func;
  self->detail_data = user_data;
}
