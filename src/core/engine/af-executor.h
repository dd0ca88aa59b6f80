/* af-executor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "af-agent.h"

G_BEGIN_DECLS

#define AF_TYPE_EXECUTOR (af_executor_get_type ())

G_DECLARE_INTERFACE (AfExecutor, af_executor, AF, EXECUTOR, GObject)

/**
 * AfExecutorInterface:
 * @fetch_async: reads the items an agent works on: new mail ("mail"), the
 *   day's agenda ("agenda") or a digest ("digest"). Each item is a JSON
 *   object with an "id", the fields rules look at, and "untrusted": true
 *   when it carries text someone else wrote.
 * @execute_async: performs one side effect. @key is the idempotency key;
 *   an implementation stamps it on what it creates (a header, metadata)
 *   so that @reconcile_async can find it after a crash.
 * @reconcile_async: whether the side effect with @key already happened;
 *   @agent (nullable when it was deleted since), @params and @item are
 *   what @execute_async was given.
 * @commit_fetch: (optional): the run that fetched @items (as
 *   @fetch_finish returned them) finished with every item dealt with, so
 *   an incremental cursor may move past them; never called for a dry run.
 *   A later fetch for the same agent (a test run meanwhile) voids it.
 *
 * The engine talks to services only through this interface, so tests and
 * the sample workspace can stand in for Gmail, Calendar and Slack.
 */
struct _AfExecutorInterface
{
  GTypeInterface parent_iface;

  void (*fetch_async) (AfExecutor         *self,
                       AfAgent            *agent,
                       const char         *source,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data);
  GPtrArray *(*fetch_finish) (AfExecutor   *self,
                              GAsyncResult *result,
                              GError      **error);
  void (*execute_async) (AfExecutor         *self,
                         AfAgent            *agent,
                         const char         *action,
                         JsonObject         *params,
                         JsonObject         *item,
                         const char         *key,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data);
  char *(*execute_finish) (AfExecutor   *self,
                           GAsyncResult *result,
                           GError      **error);
  void (*reconcile_async) (AfExecutor         *self,
                           AfAgent            *agent,
                           const char         *action,
                           JsonObject         *params,
                           JsonObject         *item,
                           const char         *key,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data);
  gboolean (*reconcile_finish) (AfExecutor   *self,
                                GAsyncResult *result,
                                GError      **error);
  void (*commit_fetch) (AfExecutor *self,
                        AfAgent    *agent,
                        GPtrArray  *items);
};

void af_executor_fetch_async (AfExecutor         *self,
                              AfAgent            *agent,
                              const char         *source,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
/* → (element-type JsonObject) */
GPtrArray *af_executor_fetch_finish (AfExecutor   *self,
                                     GAsyncResult *result,
                                     GError      **error);
void       af_executor_execute_async (AfExecutor         *self,
                                      AfAgent            *agent,
                                      const char         *action,
                                      JsonObject         *params,
                                      JsonObject         *item,
                                      const char         *key,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
/* → the result as JSON text (ids of what was created) */
char *af_executor_execute_finish (AfExecutor   *self,
                                  GAsyncResult *result,
                                  GError      **error);
void  af_executor_reconcile_async (AfExecutor         *self,
                                   AfAgent            *agent,
                                   const char         *action,
                                   JsonObject         *params,
                                   JsonObject         *item,
                                   const char         *key,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
/* %TRUE: it happened; %FALSE with no error: it did not. */
gboolean af_executor_reconcile_finish (AfExecutor   *self,
                                       GAsyncResult *result,
                                       GError      **error);
void     af_executor_commit_fetch (AfExecutor *self,
                                   AfAgent    *agent,
                                   GPtrArray  *items);

G_END_DECLS
