/* af-executor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-executor"

#include "config.h"

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
