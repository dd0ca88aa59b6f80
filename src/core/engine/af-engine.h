/* af-engine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "af-activity-log.h"
#include "af-activity-model.h"
#include "af-agent.h"
#include "af-approval.h"
#include "af-database.h"
#include "af-executor.h"
#include "af-llm-client.h"
#include "af-scheduler.h"
#include "af-template.h"

G_BEGIN_DECLS

#define AF_TYPE_ENGINE (af_engine_get_type ())

G_DECLARE_FINAL_TYPE (AfEngine, af_engine, AF, ENGINE, GObject)

typedef struct _AfApprovalQueue AfApprovalQueue;

typedef enum
{
  AF_RUN_FLAGS_NONE = 0,
  /* "Test run": reads and decisions for real, no side effect. */
  AF_RUN_FLAGS_DRY_RUN = 1 << 0,
} AfRunFlags;

/**
 * AfMetrics:
 * @success_rate_7d: successful / finished runs over the last 7 days
 *   (0 when none finished)
 * @minutes_saved: Σ actions × the template's minutes per action kind
 * @actions_today: actions done since local midnight
 * @minutes_saved_7d: @minutes_saved over the actions done in the last 7 days
 */
typedef struct
{
  guint  runs;
  guint  runs_succeeded;
  guint  runs_7d;
  guint  runs_succeeded_7d;
  double success_rate;
  double success_rate_7d;
  guint  actions;
  double minutes_saved;
  guint  emails_processed;
  guint  drafts_created;
  guint  messages_posted;
  guint  events_created;
  guint  approvals_pending;
  guint  actions_today;
  double minutes_saved_7d;
} AfMetrics;

/* @executor: (nullable): without one, agents can be managed but not run. */
AfEngine *af_engine_new (AfDatabase *db,
                         AfExecutor *executor);
/* The sample workspace in the separate sandbox data directory. */
AfEngine *af_engine_new_for_sandbox (GError **error);
AfEngine *af_engine_new_for_sandbox_with_executor (AfExecutor *executor,
                                                   GError    **error);

/* Loads agents, reconciles the outbox after a crash, expires approvals
 * and arms the scheduler. */
gboolean af_engine_start (AfEngine *self,
                          GError  **error);
/* Cancels every run (on quit). */
void af_engine_shutdown (AfEngine *self);

AfDatabase    *af_engine_get_database (AfEngine *self);
AfExecutor    *af_engine_get_executor (AfEngine *self);
AfActivityLog *af_engine_get_activity_log (AfEngine *self);
AfScheduler   *af_engine_get_scheduler (AfEngine *self);
/* (element-type AfAgent) */
GListModel *af_engine_get_agents (AfEngine *self);
/* (element-type AfApproval), pending only */
GListModel *af_engine_get_approvals (AfEngine *self);
/* (element-type AfTemplate) */
GListModel *af_engine_get_templates (AfEngine *self);
/* A lazy model over the activity; @agent_id and @kind are nullable. */
AfActivityModel *af_engine_create_activity_model (AfEngine   *self,
                                                  const char *agent_id,
                                                  const char *kind);

AfAgent *af_engine_lookup_agent (AfEngine   *self,
                                 const char *id);
gboolean af_engine_add_agent (AfEngine *self,
                              AfAgent  *agent,
                              GError  **error);
gboolean af_engine_save_agent (AfEngine *self,
                               AfAgent  *agent,
                               GError  **error);
gboolean af_engine_delete_agent (AfEngine   *self,
                                 const char *id,
                                 GError    **error);
/* @remove_activity: also forget the agent's activity, finished runs and
 * finished outbox entries (its metrics go with them). */
gboolean af_engine_delete_agent_full (AfEngine   *self,
                                      const char *id,
                                      gboolean    remove_activity,
                                      GError    **error);
gboolean af_engine_pause_agent (AfEngine   *self,
                                const char *id,
                                GError    **error);
gboolean af_engine_resume_agent (AfEngine   *self,
                                 const char *id,
                                 GError    **error);
gboolean af_engine_is_running (AfEngine   *self,
                               const char *id);

gboolean af_engine_export_agent (AfEngine   *self,
                                 const char *id,
                                 GFile      *file,
                                 GError    **error);
AfAgent *af_engine_import_agent (AfEngine *self,
                                 GFile    *file,
                                 GError  **error);

/* One run now. The result is a JSON object: run_id, outcome ("succeeded",
 * "failed", "cancelled", "timed-out"), done, waiting, denied, and for a
 * dry run "actions": the actions it would take. */
void        af_engine_run_agent_async (AfEngine           *self,
                                       const char         *id,
                                       AfRunFlags          flags,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
JsonObject *af_engine_run_agent_finish (AfEngine     *self,
                                        GAsyncResult *result,
                                        GError      **error);

/* A "Test run" of @agent, which need not be saved (the editor's unsaved
 * definition): reads and decisions for real, no side effect, nothing in
 * the outbox, the activity or the run history. The result has the shape
 * of af_engine_run_agent_finish() with %AF_RUN_FLAGS_DRY_RUN ("actions"),
 * plus "steps": what it did, one line each. */
void        af_engine_test_agent_async (AfEngine           *self,
                                        AfAgent            *agent,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
JsonObject *af_engine_test_agent_finish (AfEngine     *self,
                                         GAsyncResult *result,
                                         GError      **error);

/* Approve executes the action exactly once; deny drops it. */
void     af_engine_approve_async (AfEngine           *self,
                                  gint64              approval_id,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
gboolean af_engine_approve_finish (AfEngine     *self,
                                   GAsyncResult *result,
                                   GError      **error);
gboolean af_engine_deny (AfEngine *self,
                         gint64    approval_id,
                         GError  **error);
guint    af_engine_expire_approvals (AfEngine *self,
                                     gint64    now);

void af_engine_get_metrics (AfEngine   *self,
                            const char *agent_id,
                            AfMetrics  *metrics);

void  af_engine_set_max_concurrent (AfEngine *self,
                                    guint     max_runs);
void  af_engine_set_run_timeout (AfEngine *self,
                                 guint     seconds);
void  af_engine_set_approval_lifetime (AfEngine *self,
                                       guint     seconds);
guint af_engine_get_failures (AfEngine   *self,
                              const char *id);
void  af_engine_set_executor (AfEngine   *self,
                              AfExecutor *executor);
void  af_engine_set_llm_client (AfEngine    *self,
                                AfLlmClient *llm);
/* (transfer none) (nullable): the user's model, when one is set up. */
AfLlmClient *af_engine_get_llm_client (AfEngine *self);
/* Replaces the network monitor (tests). */
void af_engine_set_network_monitor (AfEngine        *self,
                                    GNetworkMonitor *monitor);

AfApprovalQueue *af_engine_get_approval_queue (AfEngine *self);

G_END_DECLS
