/* af-services-executor-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by af-services-executor.c (fetching) and
 * af-services-executor-actions.c (executing and reconciling actions).
 */

#pragma once

#include "af-services-executor.h"

G_BEGIN_DECLS

/* Reads go through the clients' incremental sync, new mail read in
 * batches; writes map one action to one client call, or many label-type
 * actions to one batchModify. Label names are resolved (and created) once. */
struct _AfServicesExecutor
{
  GObject parent_instance;

  AfGmailClient    *gmail;
  AfCalendarClient *calendar;
  AfSlackClient    *slack;
  AfDatabase       *db;
  GHashTable       *history;   /* agent id → its committed Gmail historyId */
  GHashTable       *pending;   /* agent id → Pending: its last fetch, not committed yet */
  GHashTable       *dates;     /* agent id → gint64 *: newest internalDate dealt with */
  GHashTable       *label_ids; /* name → id, NULL until listed */
  /* Single flight: "" → the tasks waiting for the label listing, a label
   * name → those waiting for its creation. One request each, however
   * many label batches run at once. */
  GHashTable *label_waiters;
};

/* The Slack metadata event_type stamped on every post. */
#define ACTION_EVENT_TYPE "agentflow_action"

/* One fetch or one action in flight: a GTask's data. */
typedef struct
{
  AfAgent    *agent;
  char       *source;
  GPtrArray  *ids;
  guint       next;
  GPtrArray  *items;
  char       *action;
  JsonObject *params;
  JsonObject *item;
  gboolean    batch; /* execute_batch: @ids are the messages */
  GStrv       skip_labels;
  /* Mail: the read of the messages the sync lists, while it lists them. */
  AfGmailReader *reader;
  GHashTable    *wanted; /* ids given to the reader */
  GError        *sync_error;
  /* A fetch that tells its items as they are read (fetch_each). */
  AfExecutorItemsFunc each;
  gpointer            each_data;
  gint64              newest_date; /* ms: the newest internalDate told */
} AfServicesOp;

void af_services_op_free (AfServicesOp *op);
/* Fails @task (and drops it) when @client is missing. */
gboolean af_services_executor_need (GTask      *task,
                                    gpointer    client,
                                    const char *service);
/* Remembers a message the agent wrote, so it is never read as new mail. */
void af_services_executor_remember_own (AfServicesExecutor *self,
                                        AfAgent            *agent,
                                        const char         *message_id);
/* Whether @from is the agent's own account. */
gboolean af_services_executor_from_account (AfAgent    *agent,
                                            const char *from);
void     af_services_executor_actions_iface_init (AfExecutorInterface *iface);
/* The "slack" source (af-services-executor-slack.c): fetches for @task,
 * a fetch's task; commits where the run's fetch got to. */
void af_services_executor_slack_fetch (GTask *task);
void af_services_executor_slack_commit (AfServicesExecutor *self,
                                        AfAgent            *agent,
                                        GPtrArray          *items);

G_END_DECLS
