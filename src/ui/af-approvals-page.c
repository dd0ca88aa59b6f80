/* af-approvals-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-approvals-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-activity-row.h"
#include "af-approvals-page.h"

struct _AfApprovalsPage
{
  GtkWidget parent_instance;

  GListModel *approvals;
  guint       n_pending;
  char *(*resolve_agent) (const char *agent_id,
                          gpointer    user_data);
  gpointer resolve_data;

  /* Template widgets */
  GtkStack    *stack;
  GtkListView *list_view;
};

G_DEFINE_FINAL_TYPE (AfApprovalsPage, af_approvals_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_N_PENDING,
  N_PROPS
};

enum
{
  SIGNAL_DECIDE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static void
update_count (AfApprovalsPage *self)
{
  guint n = self->approvals ? g_list_model_get_n_items (self->approvals) : 0;

  gtk_stack_set_visible_child_name (self->stack, n == 0 ? "empty" : "list");
  if (n == self->n_pending)
    return;
  self->n_pending = n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

static void
on_decide_clicked_cb (GtkButton *button,
                      gpointer   user_data)
{
  AfApprovalsPage *self = AF_APPROVALS_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (button),
                                                                      AF_TYPE_APPROVALS_PAGE));
  GObject         *item = g_object_get_data (G_OBJECT (gtk_widget_get_parent (GTK_WIDGET (button))), "item");
  gboolean         approve = GPOINTER_TO_INT (user_data);

  if (self != NULL && item != NULL)
    g_signal_emit (self, signals[SIGNAL_DECIDE], 0, item, approve);
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *why = gtk_label_new (NULL);
  GtkWidget *preview = gtk_label_new (NULL);
  GtkWidget *after = gtk_label_new (NULL);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *deny = gtk_button_new_with_mnemonic (_ ("_Deny"));
  GtkWidget *approve = gtk_button_new_with_mnemonic (_ ("_Approve"));

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  for (GtkWidget *const *l = (GtkWidget *const[]){ title, why, preview, after, NULL }; *l; l++)
    {
      gtk_label_set_xalign (GTK_LABEL (*l), 0);
      gtk_label_set_wrap (GTK_LABEL (*l), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (*l), PANGO_WRAP_WORD_CHAR);
      gtk_box_append (GTK_BOX (box), *l);
    }
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (why, "dim-label");
  gtk_widget_add_css_class (preview, "af-preview");
  gtk_label_set_lines (GTK_LABEL (preview), 6);
  gtk_label_set_ellipsize (GTK_LABEL (preview), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (after, "caption");
  gtk_widget_add_css_class (after, "dim-label");
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_add_css_class (approve, "suggested-action");
  g_signal_connect (deny, "clicked", G_CALLBACK (on_decide_clicked_cb), GINT_TO_POINTER (FALSE));
  g_signal_connect (approve, "clicked", G_CALLBACK (on_decide_clicked_cb), GINT_TO_POINTER (TRUE));
  gtk_box_append (GTK_BOX (buttons), deny);
  gtk_box_append (GTK_BOX (buttons), approve);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_child (list_item, box);
}

static void
set_label_from (GtkWidget  *label,
                GObject    *item,
                const char *property)
{
  g_autofree char *text = af_activity_item_dup_string (item, property);

  /* Previews are shown as plain text: no markup, no remote content. */
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_label (GTK_LABEL (label), text ? text : "");
  gtk_widget_set_visible (label, text != NULL && *text != '\0');
}

static char *
describe_action (const char *action,
                 const char *target)
{
  const char *t = target ? target : "";

  if (g_strcmp0 (action, "send") == 0)
    return g_strdup_printf (_ ("Send a message to %s"), t);
  if (g_strcmp0 (action, "post") == 0)
    return g_strdup_printf (_ ("Post to %s in Slack"), t);
  if (g_strcmp0 (action, "create_event") == 0 || g_strcmp0 (action, "create-event") == 0)
    return g_strdup_printf (_ ("Add “%s” to your calendar"), t);
  if (g_strcmp0 (action, "draft") == 0)
    return g_strdup_printf (_ ("Draft a reply to %s"), t);
  /* Translators: an action an agent wants to take, then on what */
  return g_strdup_printf (_ ("%s: %s"), action ? action : _ ("Action"), t);
}

static char *
describe_consequence (const char *action)
{
  if (g_strcmp0 (action, "send") == 0)
    return g_strdup (_ ("If you approve, the message is sent once, from your account. If you deny, nothing is sent."));
  if (g_strcmp0 (action, "post") == 0)
    return g_strdup (_ ("If you approve, the message appears in the channel. If you deny, nothing is posted."));
  return g_strdup (_ ("If you approve, the agent does this once. If you deny, nothing happens."));
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GObject   *item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_widget_get_first_child (box);

  g_autofree char *summary = af_activity_item_dup_string (item, "summary");
  g_autofree char *consequence = af_activity_item_dup_string (item, "consequence");

  /* The engine's approvals say what (action) and where (target). */
  if (summary == NULL)
    {
      g_autofree char *action = af_activity_item_dup_string (item, "action");
      g_autofree char *target = af_activity_item_dup_string (item, "target");

      summary = describe_action (action, target);
      if (consequence == NULL)
        consequence = describe_consequence (action);
    }

  gtk_label_set_label (GTK_LABEL (child), summary);
  child = gtk_widget_get_next_sibling (child);
  set_label_from (child, item, "reason");
  /* Say which agent asks. */
  {
    AfApprovalsPage *self = user_data;
    g_autofree char *agent_id = af_activity_item_dup_string (item, "agent-id");
    g_autofree char *agent = agent_id && self->resolve_agent ? self->resolve_agent (agent_id, self->resolve_data) : NULL;
    g_autofree char *reason = af_activity_item_dup_string (item, "reason");

    if (agent != NULL)
      {
        /* Translators: an agent, then why it wants to act */
        g_autofree char *text = reason ? g_strdup_printf (_ ("%s: %s"), agent, reason) : g_strdup (agent);

        gtk_label_set_label (GTK_LABEL (child), text);
        gtk_widget_set_visible (child, TRUE);
      }
  }
  child = gtk_widget_get_next_sibling (child);
  set_label_from (child, item, "preview");
  child = gtk_widget_get_next_sibling (child);
  gtk_label_set_label (GTK_LABEL (child), consequence ? consequence : "");
  child = gtk_widget_get_next_sibling (child);
  g_object_set_data_full (G_OBJECT (child), "item", g_object_ref (item), g_object_unref);
}

static void
af_approvals_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AfApprovalsPage *self = AF_APPROVALS_PAGE (object);

  switch (prop_id)
    {
    case PROP_N_PENDING:
      g_value_set_uint (value, self->n_pending);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_approvals_page_dispose (GObject *object)
{
  AfApprovalsPage *self = (AfApprovalsPage *)object;

  if (self->approvals != NULL)
    g_signal_handlers_disconnect_by_func (self->approvals, update_count, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_APPROVALS_PAGE);
  g_clear_object (&self->approvals);

  G_OBJECT_CLASS (af_approvals_page_parent_class)->dispose (object);
}

static void
af_approvals_page_class_init (AfApprovalsPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = af_approvals_page_get_property;
  object_class->dispose = af_approvals_page_dispose;

  properties[PROP_N_PENDING] =
      g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AfApprovalsPage::decide:
   * @item: the pending action
   * @approve: %TRUE for Approve
   */
  signals[SIGNAL_DECIDE] = g_signal_new ("decide", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         G_TYPE_OBJECT, G_TYPE_BOOLEAN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-approvals-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfApprovalsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AfApprovalsPage, list_view);
}

static void
af_approvals_page_init (AfApprovalsPage *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
}

/**
 * af_approvals_page_set_model:
 * @approvals: (nullable): the engine's pending approvals
 *
 * Items are read through their "summary", "reason", "preview" and
 * "consequence" string properties.
 */
void
af_approvals_page_set_model (AfApprovalsPage *self,
                             GListModel      *approvals)
{
  g_return_if_fail (AF_IS_APPROVALS_PAGE (self));

  if (self->approvals == approvals)
    return;
  if (self->approvals != NULL)
    g_signal_handlers_disconnect_by_func (self->approvals, update_count, self);
  g_set_object (&self->approvals, approvals);
  if (approvals != NULL)
    {
      g_autoptr (GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (approvals));

      g_signal_connect_swapped (approvals, "items-changed", G_CALLBACK (update_count), self);
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
    }
  else
    gtk_list_view_set_model (self->list_view, NULL);
  update_count (self);
}

guint
af_approvals_page_get_n_pending (AfApprovalsPage *self)
{
  g_return_val_if_fail (AF_IS_APPROVALS_PAGE (self), 0);

  return self->n_pending;
}

/**
 * af_approvals_page_set_agent_resolver:
 * @func: (nullable): returns the name of the agent with an id
 *
 * For approvals that name their agent by id.
 */
void
af_approvals_page_set_agent_resolver (AfApprovalsPage *self,
                                      char *(*func) (const char *agent_id,
                                                     gpointer    user_data),
                                      gpointer user_data)
{
  g_return_if_fail (AF_IS_APPROVALS_PAGE (self));

  self->resolve_agent = func;
  self->resolve_data = user_data;
}
