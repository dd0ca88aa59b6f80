/* af-approvals-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-approvals-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-action.h"
#include "af-activity-row.h"
#include "af-approval-group.h"
#include "af-approval-item-row.h"
#include "af-approval-queue.h"
#include "af-approvals-page.h"
#include "af-a11y.h"
#include "af-time.h"

/* Rows made at once when a group opens; more on request. A run that
 * labelled 1,000 mails opens without a stall. */
#define ROWS_PER_PAGE 50

/* Pending approvals grouped by agent and run: one expander row per group
 * with a count, Approve All and Deny All, "always allow" per kind of
 * action, and the items in words. */
struct _AfApprovalsPage
{
  GtkWidget parent_instance;

  GListModel      *approvals;
  GPtrArray       *snapshot; /* the model's items, to know what a change removed */
  GListStore      *groups;   /* AfApprovalGroup */
  GHashTable      *by_key;   /* group key → AfApprovalGroup */
  GHashTable      *stale;    /* AfApprovalGroup whose row needs new words */
  guint            refresh_id;
  guint            n_pending;
  AfApprovalQueue *queue;
  char *(*resolve_agent) (const char *agent_id,
                          gpointer    user_data);
  gpointer resolve_data;

  /* What the last toast's Undo undoes. */
  GArray *undo_ids;
  char   *undo_agent;
  char   *undo_action;
  char   *undo_policy;
  guint   undo_is_policy : 1;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GtkListBox      *groups_list;
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

static void approve_items (AfApprovalsPage *self,
                           GPtrArray       *items,
                           const char      *edited_text,
                           gboolean         offer_undo);

/* Helpers */

static gint64
item_get_int64 (GObject    *item,
                const char *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), property);
  gint64      value = 0;

  if (pspec == NULL || pspec->value_type != G_TYPE_INT64)
    return 0;
  g_object_get (item, property, &value, NULL);
  return value;
}

static char *
group_key_for (GObject *item)
{
  g_autofree char *agent_id = af_activity_item_dup_string (item, "agent-id");

  return g_strdup_printf ("%s\n%" G_GINT64_FORMAT, agent_id ? agent_id : "", item_get_int64 (item, "run-id"));
}

static char *
agent_name (AfApprovalsPage *self,
            const char      *agent_id)
{
  char *name = NULL;

  if (agent_id != NULL && *agent_id != '\0' && self->resolve_agent != NULL)
    name = self->resolve_agent (agent_id, self->resolve_data);
  return name ? name : g_strdup (_ ("An agent"));
}

/* “label” → the words of "Always allow" for it. */
static char *
describe_always (const char *agent,
                 const char *action)
{
  char *words = af_action_describe_always (action, agent);

  /* Translators: an agent's name, then an action */
  return words ? words : g_strdup_printf (_ ("Let %s do “%s” without asking"), agent, action);
}

static void
set_accessible_label (GtkWidget  *widget,
                      const char *label)
{
  af_a11y_set_label (widget, label);
}

static void
show_toast (AfApprovalsPage *self,
            const char      *title,
            gboolean         with_undo)
{
  AdwToast *toast = adw_toast_new (title);

  if (with_undo)
    {
      adw_toast_set_button_label (toast, _ ("_Undo"));
      adw_toast_set_action_name (toast, "approvals.undo");
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
forget_undo (AfApprovalsPage *self)
{
  g_clear_pointer (&self->undo_ids, g_array_unref);
  g_clear_pointer (&self->undo_agent, g_free);
  g_clear_pointer (&self->undo_action, g_free);
  g_clear_pointer (&self->undo_policy, g_free);
  self->undo_is_policy = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "approvals.undo", FALSE);
}

/* Item rows */

static void
on_item_decide_clicked_cb (GtkButton       *button,
                           AfApprovalsPage *self)
{
  GObject     *item = g_object_get_data (G_OBJECT (button), "item");
  gboolean     approve = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "approve"));
  GtkTextView *text_view = g_object_get_data (G_OBJECT (button), "text-view");
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *edited = NULL;

  if (self->queue == NULL || !AF_IS_APPROVAL (item))
    {
      g_signal_emit (self, signals[SIGNAL_DECIDE], 0, item, approve);
      return;
    }
  g_ptr_array_add (items, g_object_ref (item));
  if (!approve)
    {
      g_autoptr (GError) error = NULL;

      if (af_approval_queue_deny (self->queue, items, &error) == 0 && error != NULL)
        show_toast (self, error->message, FALSE);
      return;
    }
  if (text_view != NULL)
    {
      GtkTextBuffer   *buffer = gtk_text_view_get_buffer (text_view);
      GtkTextIter      start, end;
      g_autofree char *original = af_activity_item_dup_string (item, "editable-text");

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      edited = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      if (g_strcmp0 (edited, original) == 0)
        g_clear_pointer (&edited, g_free);
    }
  approve_items (self, items, edited, TRUE);
}

static GtkWidget *
create_item_row (gpointer item,
                 gpointer user_data)
{
  return af_approval_item_row_new (item, G_CALLBACK (on_item_decide_clicked_cb), user_data);
}

/* Group rows */

static AfApprovalGroup *
row_group (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "group");
}

static void
on_group_decide_clicked_cb (GtkButton       *button,
                            AfApprovalsPage *self)
{
  AfApprovalGroup *group = row_group (GTK_WIDGET (button));
  gboolean         approve = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "approve"));
  g_autoptr (GPtrArray) items = af_approval_group_collect (group, NULL);

  if (self->queue == NULL || (items->len > 0 && !AF_IS_APPROVAL (g_ptr_array_index (items, 0))))
    {
      for (guint i = 0; i < items->len; i++)
        g_signal_emit (self, signals[SIGNAL_DECIDE], 0, g_ptr_array_index (items, i), approve);
      return;
    }
  if (approve)
    approve_items (self, items, NULL, TRUE);
  else
    {
      g_autoptr (GError) error = NULL;
      guint n = af_approval_queue_deny (self->queue, items, &error);

      if (error != NULL)
        show_toast (self, error->message, FALSE);
      else
        {
          g_autofree char *title = g_strdup_printf (ngettext ("Declined %u action", "Declined %u actions", n), n);

          show_toast (self, title, FALSE);
        }
    }
}

static void
on_always_allow_clicked_cb (GtkButton       *button,
                            AfApprovalsPage *self)
{
  AfApprovalGroup *group = row_group (GTK_WIDGET (button));
  const char      *action = g_object_get_data (G_OBJECT (button), "action");
  g_autoptr (GError) error = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autoptr (GPtrArray) items = NULL;

  if (self->queue == NULL)
    return;
  if (!af_approval_queue_set_policy (self->queue, af_approval_group_get_agent_id (group), action, "auto", &previous,
                                     &error))
    {
      show_toast (self, error->message, FALSE);
      return;
    }
  /* What is waiting of that kind goes out now, as it would have. */
  items = af_approval_group_collect (group, action);
  if (items->len > 0)
    approve_items (self, items, NULL, FALSE);

  forget_undo (self);
  self->undo_is_policy = TRUE;
  self->undo_agent = g_strdup (af_approval_group_get_agent_id (group));
  self->undo_action = g_strdup (action);
  self->undo_policy = g_steal_pointer (&previous);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "approvals.undo", TRUE);
  name = agent_name (self, af_approval_group_get_agent_id (group));
  /* Translators: %s is an agent's name */
  title = g_strdup_printf (_ ("%s no longer asks first for this"), name);
  show_toast (self, title, TRUE);
}

static GtkWidget *
add_group_button (GtkWidget       *expander,
                  AfApprovalGroup *group,
                  const char      *mnemonic,
                  gboolean         approve,
                  AfApprovalsPage *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (approve)
    gtk_widget_add_css_class (button, "suggested-action");
  g_object_set_data (G_OBJECT (button), "group", group);
  g_object_set_data (G_OBJECT (button), "approve", GINT_TO_POINTER (approve));
  g_object_set_data (G_OBJECT (expander), approve ? "approve-all" : "deny-all", button);
  g_signal_connect (button, "clicked", G_CALLBACK (on_group_decide_clicked_cb), self);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), button);
  return button;
}

/* Words that change with the count. */
static void
update_group_row (AfApprovalsPage *self,
                  GtkWidget       *expander)
{
  AfApprovalGroup *group = row_group (expander);
  GListModel      *items = G_LIST_MODEL (af_approval_group_get_items (group));
  guint            n = g_list_model_get_n_items (items);
  g_autofree char *name = agent_name (self, af_approval_group_get_agent_id (group));
  /* One action is described by its own row below. */
  g_autofree char *summary = n == 1 ? g_strdup (_ ("One action")) : af_approval_group_dup_summary (group);
  g_autofree char *subtitle = NULL;
  g_autofree char *approve = NULL;
  g_autofree char *deny = NULL;
  g_autoptr (GObject) first = n > 0 ? g_list_model_get_item (items, 0) : NULL;
  gint64 asked = first ? item_get_int64 (first, "created-at") : 0;

  if (asked > 0)
    {
      g_autoptr (GDateTime) when = af_date_time_new_from_unix_local (asked / G_USEC_PER_SEC);
      g_autofree char *time = g_date_time_format (when, "%H:%M");

      /* Translators: what a run asks for, then when it asked (“09:12”) */
      subtitle = g_strdup_printf (_ ("%s · asked at %s"), summary, time);
    }
  /* Opened because it was short, and a run's actions keep coming. */
  if (n > 3 && g_object_get_data (G_OBJECT (expander), "auto-expanded"))
    {
      g_object_set_data (G_OBJECT (expander), "auto-expanded", NULL);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), FALSE);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), name);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle ? subtitle : summary);

  /* Translators: a count, then an agent's name */
  approve = g_strdup_printf (ngettext ("Approve %u action from %s", "Approve all %u from %s", n), n, name);
  deny = g_strdup_printf (ngettext ("Deny %u action from %s", "Deny all %u from %s", n), n, name);
  set_accessible_label (g_object_get_data (G_OBJECT (expander), "approve-all"), approve);
  gtk_widget_set_tooltip_text (g_object_get_data (G_OBJECT (expander), "approve-all"), approve);
  set_accessible_label (g_object_get_data (G_OBJECT (expander), "deny-all"), deny);
  gtk_widget_set_tooltip_text (g_object_get_data (G_OBJECT (expander), "deny-all"), deny);
  {
    g_autofree char *a11y = g_strdup_printf ("%s: %s", name, summary);

    set_accessible_label (expander, a11y);
  }
}

static void
on_show_more_clicked_cb (GtkButton *button,
                         gpointer   user_data)
{
  GtkSliceListModel *slice = user_data;
  guint              n = g_list_model_get_n_items (gtk_slice_list_model_get_model (slice));

  gtk_slice_list_model_set_size (slice, MIN (n, gtk_slice_list_model_get_size (slice) + 10 * ROWS_PER_PAGE));
}

static void
on_slice_changed_cb (GtkSliceListModel *slice,
                     guint              position,
                     guint              removed,
                     guint              added,
                     GtkWidget         *more)
{
  guint n = g_list_model_get_n_items (gtk_slice_list_model_get_model (slice));
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (slice));

  if (shown < n)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("Show %u More", "Show %u More", n - shown), n - shown);

      gtk_button_set_label (GTK_BUTTON (more), label);
    }
  gtk_widget_set_visible (gtk_widget_get_parent (more), shown < n);
}

/* The items, made when the group is first opened. */
static void
populate_group (AfApprovalsPage *self,
                GtkWidget       *expander)
{
  AfApprovalGroup *group = row_group (expander);
  g_autoptr (GPtrArray) actions = af_approval_group_list_actions (group);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char   *name = agent_name (self, af_approval_group_get_agent_id (group));
  GtkSliceListModel *slice;
  GtkWidget         *list;
  GtkWidget         *more;
  GtkWidget         *more_row;

  if (g_object_get_data (G_OBJECT (expander), "populated"))
    return;
  g_object_set_data (G_OBJECT (expander), "populated", GINT_TO_POINTER (TRUE));

  /* "Always allow", once per kind of action in the group. */
  for (guint i = 0; self->queue != NULL && i < actions->len; i++)
    {
      const char      *action = g_ptr_array_index (actions, i);
      g_autofree char *title = NULL;
      GtkWidget       *row;
      GtkWidget       *button;

      if (!g_hash_table_add (seen, (gpointer)action))
        continue;
      title = describe_always (name, action);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ ("Approves what waits of this kind and stops asking"));
      button = gtk_button_new_with_mnemonic (_ ("Always A_llow"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      {
        /* Translators: “Always allow: Let Email Assistant label mail without asking” */
        g_autofree char *a11y = g_strdup_printf (_ ("Always allow: %s"), title);

        set_accessible_label (button, a11y);
      }
      g_object_set_data (G_OBJECT (button), "group", group);
      g_object_set_data_full (G_OBJECT (button), "action", g_strdup (action), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_always_allow_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
    }

  /* The items: a list bound to a window on the group, so rows come and
   * go precisely as approvals do. */
  slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (af_approval_group_get_items (group))), 0,
                                    ROWS_PER_PAGE);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "af-approval-items");
  {
    g_autofree char *a11y = g_strdup_printf (_ ("Actions from %s"), name);

    set_accessible_label (list, a11y);
  }
  gtk_list_box_bind_model (GTK_LIST_BOX (list), G_LIST_MODEL (slice), create_item_row, self, NULL);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), list);
  /* The wrapper row is not a stop of its own: its list's rows are. */
  gtk_widget_set_focusable (gtk_widget_get_parent (list), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (gtk_widget_get_parent (list)), FALSE);

  more = gtk_button_new ();
  gtk_widget_set_halign (more, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (more, "flat");
  g_signal_connect_data (more, "clicked", G_CALLBACK (on_show_more_clicked_cb), slice,
                         (GClosureNotify)(void (*) (void))g_object_unref, 0);
  more_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (more_row), FALSE);
  gtk_widget_set_focusable (more_row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (more_row), more);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), more_row);
  g_signal_connect_object (slice, "items-changed", G_CALLBACK (on_slice_changed_cb), more, 0);
  on_slice_changed_cb (slice, 0, 0, 0, more);
}

static void
on_expanded_cb (GtkWidget       *expander,
                GParamSpec      *pspec,
                AfApprovalsPage *self)
{
  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (expander)))
    populate_group (self, expander);
}

static GtkWidget *
find_list_box (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = GTK_IS_LIST_BOX (child) ? child : find_list_box (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
create_group_row (gpointer item,
                  gpointer user_data)
{
  AfApprovalsPage *self = user_data;
  AfApprovalGroup *group = item;
  GtkWidget       *expander = adw_expander_row_new ();
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (af_approval_group_get_items (group)));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
  g_object_set_data_full (G_OBJECT (expander), "group", g_object_ref (group), g_object_unref);
  /* Actions are packed from the end: Deny All ends up left of Approve All,
   * as Deny is left of Approve in each row. */
  add_group_button (expander, group, _ ("Approve A_ll"), TRUE, self);
  add_group_button (expander, group, _ ("D_eny All"), FALSE, self);
  update_group_row (self, expander);
  g_signal_connect (expander, "notify::expanded", G_CALLBACK (on_expanded_cb), self);
  {
    /* The expander's own list of rows, a stop for a screen reader. */
    GtkWidget       *inner = find_list_box (expander);
    g_autofree char *name = agent_name (self, af_approval_group_get_agent_id (group));
    g_autofree char *a11y = g_strdup_printf (_ ("Actions from %s"), name);

    if (inner != NULL)
      set_accessible_label (inner, a11y);
  }
  /* A few actions are shown at once; a long list waits to be opened. */
  if (n <= 3)
    {
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
      g_object_set_data (G_OBJECT (expander), "auto-expanded", GINT_TO_POINTER (TRUE));
    }
  return expander;
}

static gboolean
refresh_rows_cb (gpointer user_data)
{
  AfApprovalsPage *self = user_data;
  GHashTableIter   iter;
  AfApprovalGroup *group;

  self->refresh_id = 0;
  g_hash_table_iter_init (&iter, self->stale);
  while (g_hash_table_iter_next (&iter, (gpointer *)&group, NULL))
    {
      guint position;

      if (g_list_store_find (self->groups, group, &position))
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->groups_list, position);

          if (row != NULL)
            update_group_row (self, GTK_WIDGET (row));
        }
    }
  g_hash_table_remove_all (self->stale);
  return G_SOURCE_REMOVE;
}

static void
mark_stale (AfApprovalsPage *self,
            AfApprovalGroup *group)
{
  g_hash_table_add (self->stale, g_object_ref (group));
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, refresh_rows_cb, self, NULL);
}

/* Takes @gone (a set of items) out of @group, in as few splices as there
 * are runs of them. */
static void
remove_from_group (AfApprovalGroup *group,
                   GHashTable      *gone)
{
  GListStore *store = af_approval_group_get_items (group);

  for (guint end = g_list_model_get_n_items (G_LIST_MODEL (store)); end > 0;)
    {
      guint start = end;

      while (start > 0)
        {
          g_autoptr (GObject) item = g_list_model_get_item (G_LIST_MODEL (store), start - 1);

          if (!g_hash_table_contains (gone, item))
            break;
          start--;
        }
      if (start < end)
        g_list_store_splice (store, start, end - start, NULL, 0);
      end = start > 0 ? start - 1 : 0;
    }
}

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
on_approvals_changed_cb (GListModel      *model,
                         guint            position,
                         guint            removed,
                         guint            added,
                         AfApprovalsPage *self)
{
  g_autoptr (GHashTable) gone = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, NULL);
  g_autoptr (GHashTable) touched = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter   iter;
  AfApprovalGroup *group;

  for (guint i = 0; i < removed; i++)
    {
      GObject         *item = g_ptr_array_index (self->snapshot, position + i);
      g_autofree char *key = group_key_for (item);

      group = g_hash_table_lookup (self->by_key, key);
      g_hash_table_add (gone, item);
      if (group != NULL)
        g_hash_table_add (touched, group);
    }
  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, (gpointer *)&group, NULL))
    remove_from_group (group, gone);
  /* The snapshot's references go only now: the groups needed them. */
  g_ptr_array_remove_range (self->snapshot, position, removed);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, position + i);
      g_autofree char *key = group_key_for (item);

      g_ptr_array_insert (self->snapshot, position + i, g_object_ref (item));
      group = g_hash_table_lookup (self->by_key, key);
      if (group == NULL)
        {
          g_autofree char *agent_id = af_activity_item_dup_string (item, "agent-id");

          group = af_approval_group_new (key, agent_id, item_get_int64 (item, "run-id"));
          g_hash_table_insert (self->by_key, g_strdup (key), group);
          g_ptr_array_add (made, group);
          g_list_store_append (af_approval_group_get_items (group), item);
          continue;
        }
      g_list_store_append (af_approval_group_get_items (group), item);
      g_hash_table_add (touched, group);
    }

  /* Empty groups go; the others get their new count when idle. */
  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, (gpointer *)&group, NULL))
    {
      guint at;

      if (g_list_model_get_n_items (G_LIST_MODEL (af_approval_group_get_items (group))) > 0)
        mark_stale (self, group);
      else if (g_list_store_find (self->groups, group, &at))
        {
          g_hash_table_remove (self->stale, group);
          g_hash_table_remove (self->by_key, af_approval_group_get_key (group));
          g_list_store_remove (self->groups, at);
        }
    }
  /* New groups get their rows once they hold all their items. */
  if (made->len > 0)
    g_list_store_splice (self->groups, g_list_model_get_n_items (G_LIST_MODEL (self->groups)), 0, made->pdata,
                         made->len);
  update_count (self);
}

/* Decisions */

typedef struct
{
  AfApprovalsPage *self;
  gboolean         offer_undo; /* else the toast of "always allow" offers it */
} Approving;

static void
on_approve_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Approving *approving = user_data;
  g_autoptr (AfApprovalsPage) self = approving->self;
  gboolean offer_undo = approving->offer_undo;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) undoable = NULL;
  g_autofree char *title = NULL;
  guint            n_done = 0;

  g_free (approving);

  if (!af_approval_queue_approve_finish (AF_APPROVAL_QUEUE (source), result, &n_done, &undoable, &error))
    {
      /* Translators: %s says what went wrong */
      title = g_strdup_printf (_ ("An approved action failed: %s"), error->message);
      show_toast (self, title, FALSE);
    }
  if (n_done == 0)
    return;
  /* After "always allow", its toast offers to undo the policy, not
   * the approvals it carried out. */
  if (offer_undo)
    {
      forget_undo (self);
      if (undoable->len > 0)
        {
          self->undo_ids = g_steal_pointer (&undoable);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "approvals.undo", TRUE);
        }
      g_free (title);
      title = g_strdup_printf (ngettext ("Approved and done: %u action", "Approved and done: %u actions", n_done),
                               n_done);
      show_toast (self, title, self->undo_ids != NULL);
    }
}

static void
approve_items (AfApprovalsPage *self,
               GPtrArray       *items,
               const char      *edited_text,
               gboolean         offer_undo)
{
  g_autoptr (GPtrArray) approvals = g_ptr_array_new ();
  Approving *approving;

  for (guint i = 0; i < items->len; i++)
    if (AF_IS_APPROVAL (g_ptr_array_index (items, i)))
      g_ptr_array_add (approvals, g_ptr_array_index (items, i));
  approving = g_new0 (Approving, 1);
  approving->self = g_object_ref (self);
  approving->offer_undo = offer_undo;
  af_approval_queue_approve_async (self->queue, approvals, edited_text, NULL, on_approve_done_cb, approving);
}

static void
on_undo_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (AfApprovalsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  guint            n = 0;

  if (!af_approval_queue_undo_finish (AF_APPROVAL_QUEUE (source), result, &n, &error))
    title = g_strdup_printf (_ ("Could not undo: %s"), error->message);
  else
    title = g_strdup_printf (ngettext ("Undone: %u action", "Undone: %u actions", n), n);
  show_toast (self, title, FALSE);
}

static void
undo_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AfApprovalsPage *self = AF_APPROVALS_PAGE (widget);

  if (self->queue == NULL)
    return;
  if (self->undo_is_policy)
    {
      g_autoptr (GError) error = NULL;

      if (!af_approval_queue_set_policy (self->queue, self->undo_agent, self->undo_action, self->undo_policy, NULL,
                                         &error))
        show_toast (self, error->message, FALSE);
      else
        show_toast (self, _ ("The agent asks first again"), FALSE);
    }
  else if (self->undo_ids != NULL)
    af_approval_queue_undo_async (self->queue, self->undo_ids, NULL, on_undo_done_cb, g_object_ref (self));
  forget_undo (self);
}

/* GObject */

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
    g_signal_handlers_disconnect_by_func (self->approvals, on_approvals_changed_cb, self);
  g_clear_handle_id (&self->refresh_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_APPROVALS_PAGE);
  g_clear_object (&self->approvals);
  g_clear_object (&self->queue);
  forget_undo (self);

  G_OBJECT_CLASS (af_approvals_page_parent_class)->dispose (object);
}

static void
af_approvals_page_finalize (GObject *object)
{
  AfApprovalsPage *self = (AfApprovalsPage *)object;

  g_ptr_array_unref (self->snapshot);
  g_hash_table_unref (self->stale);
  g_hash_table_unref (self->by_key);
  g_object_unref (self->groups);

  G_OBJECT_CLASS (af_approvals_page_parent_class)->finalize (object);
}

static void
af_approvals_page_class_init (AfApprovalsPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = af_approvals_page_get_property;
  object_class->dispose = af_approvals_page_dispose;
  object_class->finalize = af_approvals_page_finalize;

  properties[PROP_N_PENDING] =
      g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AfApprovalsPage::decide:
   * @item: the pending action
   * @approve: %TRUE for Approve
   *
   * For a page without an approval queue: the owner decides.
   */
  signals[SIGNAL_DECIDE] = g_signal_new ("decide", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         G_TYPE_OBJECT, G_TYPE_BOOLEAN);

  /* The Undo of the last toast: an approval's change, or a policy. */
  gtk_widget_class_install_action (widget_class, "approvals.undo", NULL, undo_action_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-approvals-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfApprovalsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AfApprovalsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AfApprovalsPage, groups_list);
}

static void
af_approvals_page_init (AfApprovalsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->snapshot = g_ptr_array_new_with_free_func (g_object_unref);
  self->groups = g_list_store_new (AF_TYPE_APPROVAL_GROUP);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->stale = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  gtk_list_box_bind_model (self->groups_list, G_LIST_MODEL (self->groups), create_group_row, self, NULL);
  af_a11y_tab_leaves (GTK_WIDGET (self->groups_list));
  af_a11y_name_toasts (self->toast_overlay);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "approvals.undo", FALSE);
}

/**
 * af_approvals_page_set_model:
 * @approvals: (nullable): the engine's pending approvals
 *
 * Items are read through their "summary", "reason", "preview",
 * "consequence", "action", "agent-id", "run-id", "created-at" and
 * "editable-text" properties, those they have.
 */
void
af_approvals_page_set_model (AfApprovalsPage *self,
                             GListModel      *approvals)
{
  guint n_old;

  g_return_if_fail (AF_IS_APPROVALS_PAGE (self));

  if (self->approvals == approvals)
    return;
  if (self->approvals != NULL)
    g_signal_handlers_disconnect_by_func (self->approvals, on_approvals_changed_cb, self);
  n_old = self->snapshot->len;
  g_set_object (&self->approvals, approvals);
  g_hash_table_remove_all (self->stale);
  g_hash_table_remove_all (self->by_key);
  g_list_store_remove_all (self->groups);
  g_ptr_array_remove_range (self->snapshot, 0, n_old);
  if (approvals != NULL)
    {
      g_signal_connect (approvals, "items-changed", G_CALLBACK (on_approvals_changed_cb), self);
      on_approvals_changed_cb (approvals, 0, 0, g_list_model_get_n_items (approvals), self);
    }
  update_count (self);
}

/**
 * af_approvals_page_set_queue:
 * @queue: (nullable): where decisions go; without one, the page emits
 *   #AfApprovalsPage::decide
 */
void
af_approvals_page_set_queue (AfApprovalsPage *self,
                             AfApprovalQueue *queue)
{
  g_return_if_fail (AF_IS_APPROVALS_PAGE (self));

  forget_undo (self);
  g_set_object (&self->queue, queue);
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
