/* af-approval-group.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-approval-group"

#include "config.h"

#include "af-action-text.h"
#include "af-activity-row.h"
#include "af-approval-group.h"

/* The pending approvals of one agent's run, as the approvals page shows
 * them: one row with a count, Approve All and Deny All. */
struct _AfApprovalGroup
{
  GObject parent_instance;

  char       *key;
  char       *agent_id;
  gint64      run_id;
  GListStore *items;
};

G_DEFINE_FINAL_TYPE (AfApprovalGroup, af_approval_group, G_TYPE_OBJECT)

static void
af_approval_group_finalize (GObject *object)
{
  AfApprovalGroup *self = (AfApprovalGroup *)object;

  g_free (self->key);
  g_free (self->agent_id);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (af_approval_group_parent_class)->finalize (object);
}

static void
af_approval_group_class_init (AfApprovalGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_approval_group_finalize;
}

static void
af_approval_group_init (AfApprovalGroup *self)
{
  self->items = g_list_store_new (G_TYPE_OBJECT);
}

AfApprovalGroup *
af_approval_group_new (const char *key,
                       const char *agent_id,
                       gint64      run_id)
{
  AfApprovalGroup *self = g_object_new (AF_TYPE_APPROVAL_GROUP, NULL);

  self->key = g_strdup (key);
  self->agent_id = g_strdup (agent_id);
  self->run_id = run_id;
  return self;
}

const char *
af_approval_group_get_key (AfApprovalGroup *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL_GROUP (self), NULL);
  return self->key;
}

const char *
af_approval_group_get_agent_id (AfApprovalGroup *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL_GROUP (self), NULL);
  return self->agent_id;
}

gint64
af_approval_group_get_run_id (AfApprovalGroup *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL_GROUP (self), 0);
  return self->run_id;
}

/**
 * af_approval_group_get_items:
 *
 * Returns: (transfer none): the group's pending approvals, oldest first
 */
GListStore *
af_approval_group_get_items (AfApprovalGroup *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL_GROUP (self), NULL);
  return self->items;
}

/**
 * af_approval_group_list_actions:
 *
 * Returns: (transfer container) (element-type utf8): the actions of the
 *   group's items, one per item, in order
 */
GPtrArray *
af_approval_group_list_actions (AfApprovalGroup *self)
{
  GListModel *model = G_LIST_MODEL (self->items);
  GPtrArray  *actions = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);
      char *action = af_activity_item_dup_string (item, "action");

      g_ptr_array_add (actions, action ? action : g_strdup ("?"));
    }
  return actions;
}

/**
 * af_approval_group_dup_summary:
 *
 * Returns: (transfer full): e.g. “44 actions: label 30 messages, archive 14”
 */
char *
af_approval_group_dup_summary (AfApprovalGroup *self)
{
  g_autoptr (GPtrArray) actions = NULL;

  g_return_val_if_fail (AF_IS_APPROVAL_GROUP (self), NULL);

  actions = af_approval_group_list_actions (self);
  return af_action_describe_many ((const char *const *)actions->pdata, actions->len);
}

/**
 * af_approval_group_collect:
 * @action: (nullable): only items with this action
 *
 * Returns: (transfer container) (element-type GObject): the items
 */
GPtrArray *
af_approval_group_collect (AfApprovalGroup *self,
                           const char      *action)
{
  GListModel *model = G_LIST_MODEL (self->items);
  GPtrArray  *items = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (AF_IS_APPROVAL_GROUP (self), items);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);
      g_autofree char *item_action = af_activity_item_dup_string (item, "action");

      if (action == NULL || g_strcmp0 (action, item_action) == 0)
        g_ptr_array_add (items, g_steal_pointer (&item));
    }
  return items;
}
