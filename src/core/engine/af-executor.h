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

/* Items a fetch has read so far: (element-type JsonObject) (transfer
 * none); the callee takes a reference to those it keeps. */
typedef void (*AfExecutorItemsFunc) (GPtrArray *items,
                                     gpointer   user_data);

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
 * @execute_batch_async: (optional): performs the same @action with the
 *   same @params on many @items (JsonObject) at once, @keys (utf8) being
 *   their idempotency keys, all or nothing: one error fails them all. Only
 *   for actions that are safe to repeat (label, archive, star, mark_read).
 *   Without it each item goes through @execute_async in turn.
 * @fetch_each_async: (optional): @fetch_async, telling @each the items as
 *   they are read, before the fetch is done, so that they can be dealt
 *   with meanwhile; finish with @fetch_finish. The items told are not in
 *   its result, which holds those that were not (it is still the array
 *   @commit_fetch is given). @each is never called once @callback is, nor
 *   after an error or a cancellation. Without it, @fetch_async (nothing
 *   is told before the end).
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
  void (*execute_batch_async) (AfExecutor         *self,
                               AfAgent            *agent,
                               const char         *action,
                               JsonObject         *params,
                               GPtrArray          *items,
                               GPtrArray          *keys,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data);
  gboolean (*execute_batch_finish) (AfExecutor   *self,
                                    GAsyncResult *result,
                                    GError      **error);
  void (*fetch_each_async) (AfExecutor         *self,
                            AfAgent            *agent,
                            const char         *source,
                            AfExecutorItemsFunc each,
                            gpointer            each_data,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data);
};

/* The most items af_executor_execute_batch_async() is given at once: what
 * one users.messages.batchModify takes. */
#define AF_EXECUTOR_BATCH_MAX 1000

void af_executor_fetch_async (AfExecutor         *self,
                              AfAgent            *agent,
                              const char         *source,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
void af_executor_fetch_each_async (AfExecutor         *self,
                                   AfAgent            *agent,
                                   const char         *source,
                                   AfExecutorItemsFunc each,
                                   gpointer            each_data,
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
gboolean af_executor_is_batchable (const char *action);
void     af_executor_execute_batch_async (AfExecutor         *self,
                                          AfAgent            *agent,
                                          const char         *action,
                                          JsonObject         *params,
                                          GPtrArray          *items,
                                          GPtrArray          *keys,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean af_executor_execute_batch_finish (AfExecutor   *self,
                                           GAsyncResult *result,
                                           GError      **error);

G_END_DECLS
