/* af-executor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-executor"

#include "config.h"

#include "af-action.h"
#include "af-executor.h"

G_DEFINE_INTERFACE (AfExecutor, af_executor, G_TYPE_OBJECT)

static void
af_executor_default_init (AfExecutorInterface *iface)
{
}

void
af_executor_fetch_async (AfExecutor         *self,
                         AfAgent            *agent,
                         const char         *source,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_return_if_fail (AF_IS_EXECUTOR (self));
  g_return_if_fail (AF_IS_AGENT (agent));

  AF_EXECUTOR_GET_IFACE (self)->fetch_async (self, agent, source, cancellable, callback, user_data);
}

/**
 * af_executor_fetch_each_async:
 * @each: (nullable): told the items as they are read (see
 *   #AfExecutorInterface); %NULL: af_executor_fetch_async()
 *
 * af_executor_fetch_async(), dealing out the items while they are read
 * where the executor can; finish with af_executor_fetch_finish(), whose
 * result then holds only the items @each was not told.
 */
void
af_executor_fetch_each_async (AfExecutor         *self,
                              AfAgent            *agent,
                              const char         *source,
                              AfExecutorItemsFunc each,
                              gpointer            each_data,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  AfExecutorInterface *iface;

  g_return_if_fail (AF_IS_EXECUTOR (self));
  g_return_if_fail (AF_IS_AGENT (agent));

  iface = AF_EXECUTOR_GET_IFACE (self);
  if (iface->fetch_each_async != NULL && each != NULL)
    iface->fetch_each_async (self, agent, source, each, each_data, cancellable, callback, user_data);
  else
    iface->fetch_async (self, agent, source, cancellable, callback, user_data);
}

GPtrArray *
af_executor_fetch_finish (AfExecutor   *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (AF_IS_EXECUTOR (self), NULL);
  return AF_EXECUTOR_GET_IFACE (self)->fetch_finish (self, result, error);
}

void
af_executor_execute_async (AfExecutor         *self,
                           AfAgent            *agent,
                           const char         *action,
                           JsonObject         *params,
                           JsonObject         *item,
                           const char         *key,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_return_if_fail (AF_IS_EXECUTOR (self));
  g_return_if_fail (action != NULL && key != NULL);

  AF_EXECUTOR_GET_IFACE (self)->execute_async (self, agent, action, params, item, key, cancellable, callback,
                                               user_data);
}

char *
af_executor_execute_finish (AfExecutor   *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (AF_IS_EXECUTOR (self), NULL);
  return AF_EXECUTOR_GET_IFACE (self)->execute_finish (self, result, error);
}

void
af_executor_reconcile_async (AfExecutor         *self,
                             AfAgent            *agent,
                             const char         *action,
                             JsonObject         *params,
                             JsonObject         *item,
                             const char         *key,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (AF_IS_EXECUTOR (self));
  g_return_if_fail (agent == NULL || AF_IS_AGENT (agent));
  AF_EXECUTOR_GET_IFACE (self)->reconcile_async (self, agent, action, params, item, key, cancellable, callback,
                                                 user_data);
}

gboolean
af_executor_reconcile_finish (AfExecutor   *self,
                              GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (AF_IS_EXECUTOR (self), FALSE);
  return AF_EXECUTOR_GET_IFACE (self)->reconcile_finish (self, result, error);
}

void
af_executor_commit_fetch (AfExecutor *self,
                          AfAgent    *agent,
                          GPtrArray  *items)
{
  g_return_if_fail (AF_IS_EXECUTOR (self));
  g_return_if_fail (AF_IS_AGENT (agent));
  g_return_if_fail (items != NULL);
  if (AF_EXECUTOR_GET_IFACE (self)->commit_fetch != NULL)
    AF_EXECUTOR_GET_IFACE (self)->commit_fetch (self, agent, items);
}

/**
 * af_executor_is_batchable:
 *
 * Returns: whether @action only changes labels, so that it may go through
 *   af_executor_execute_batch_async() and be repeated safely
 */
gboolean
af_executor_is_batchable (const char *action)
{
  g_return_val_if_fail (action != NULL, FALSE);

  return af_action_is_batchable (action);
}

/* The fallback for executors without a batch: one item after another. */

typedef struct
{
  AfAgent    *agent;
  char       *action;
  JsonObject *params;
  GPtrArray  *items;
  GPtrArray  *keys;
  guint       next;
} BatchOp;

static void
batch_op_free (BatchOp *op)
{
  g_clear_object (&op->agent);
  g_free (op->action);
  g_clear_pointer (&op->params, json_object_unref);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_clear_pointer (&op->keys, g_ptr_array_unref);
  g_free (op);
}

static void batch_next (GTask *task);

static void
on_batch_item_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = af_executor_execute_finish (AF_EXECUTOR (source), result, &error);

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  batch_next (task);
}

static void
batch_next (GTask *task)
{
  AfExecutor *self = g_task_get_source_object (task);
  BatchOp    *op = g_task_get_task_data (task);
  guint       i = op->next++;

  if (i >= op->items->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  af_executor_execute_async (self, op->agent, op->action, op->params, g_ptr_array_index (op->items, i),
                             g_ptr_array_index (op->keys, i), g_task_get_cancellable (task), on_batch_item_cb, task);
}

/**
 * af_executor_execute_batch_async:
 * @items: (element-type JsonObject): the items to act on
 * @keys: (element-type utf8): their idempotency keys, in the same order
 *
 * Performs @action (see af_executor_is_batchable()) with @params on every
 * item, all or nothing.
 */
void
af_executor_execute_batch_async (AfExecutor         *self,
                                 AfAgent            *agent,
                                 const char         *action,
                                 JsonObject         *params,
                                 GPtrArray          *items,
                                 GPtrArray          *keys,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  AfExecutorInterface *iface;
  GTask               *task;
  BatchOp             *op;

  g_return_if_fail (AF_IS_EXECUTOR (self));
  g_return_if_fail (action != NULL && af_executor_is_batchable (action));
  g_return_if_fail (items != NULL && keys != NULL && items->len == keys->len);

  iface = AF_EXECUTOR_GET_IFACE (self);
  if (iface->execute_batch_async != NULL)
    {
      iface->execute_batch_async (self, agent, action, params, items, keys, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_executor_execute_batch_async);
  op = g_new0 (BatchOp, 1);
  op->agent = agent ? g_object_ref (agent) : NULL;
  op->action = g_strdup (action);
  op->params = params ? json_object_ref (params) : NULL;
  op->items = g_ptr_array_ref (items);
  op->keys = g_ptr_array_ref (keys);
  g_task_set_task_data (task, op, (GDestroyNotify)batch_op_free);
  batch_next (task);
}

gboolean
af_executor_execute_batch_finish (AfExecutor   *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (AF_IS_EXECUTOR (self), FALSE);

  if (g_task_is_valid (result, self) && g_task_get_source_tag (G_TASK (result)) == af_executor_execute_batch_async)
    return g_task_propagate_boolean (G_TASK (result), error);
  return AF_EXECUTOR_GET_IFACE (self)->execute_batch_finish (self, result, error);
}
