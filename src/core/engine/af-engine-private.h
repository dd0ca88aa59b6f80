/* af-engine-private.h — what the engine's rooms share with it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-agent-store.h"
#include "af-approval-queue.h"
#include "af-engine.h"
#include "af-metrics-store.h"
#include "af-outbox.h"
#include "af-run-owner.h"
#include "af-run-store.h"

G_BEGIN_DECLS

/* The engine: agents, runs, the gate, the outbox and approvals. Its rooms
 * (af-run*.c, af-reconciler.c, af-engine-approvals.c,
 * af-engine-scheduling.c, af-engine-metrics.c) share this state. */
struct _AfEngine
{
  GObject parent_instance;

  AfDatabase      *db;
  AfAgentStore    *agent_store;
  AfRunStore      *run_store;
  AfExecutor      *executor;
  AfActivityLog   *log;
  AfOutbox        *outbox;
  AfScheduler     *scheduler;
  GListStore      *agents;
  GHashTable      *agents_by_id; /* id → AfAgent in agents, both borrowed */
  GListStore      *approvals;
  GHashTable      *running; /* agent id → AfRun */
  GPtrArray       *tests;   /* AfRun: test runs of (maybe unsaved) agents */
  GQueue          *queue;   /* AfRun waiting for a slot */
  AfRunOwner      *owner;   /* whose runs this engine's are; made at the first run */
  gboolean         runs_recovered;
  gboolean         outbox_reconciled; /* a pass over what others left ran */
  guint            n_reconciling;     /* its entries not settled yet; runs wait */
  GHashTable      *failures;          /* agent id → consecutive failures */
  GHashTable      *inflight;          /* idempotency keys being executed */
  GHashTable      *deferred;          /* agent ids due while offline */
  GHashTable      *scheduled;         /* agent id → GCancellable of its scheduled run */
  GNetworkMonitor *monitor;
  gulong           monitor_handler;
  AfLlmClient     *llm;
  GHashTable      *llm_variants; /* "model\ntemperature" → AfLlmClient */
  guint            max_concurrent;
  guint            run_timeout_s;
  guint            approval_ttl_s;
  guint            expiry_id;    /* the next approval expiry */
  gint64           expiry_due;   /* when (µs), or 0 */
  guint            retention_id; /* the daily pruning of the activity log */
  gboolean         started;
  AfApprovalQueue *approval_queue; /* made when first asked for */
};

GListStore *af_engine_get_approval_store (AfEngine *self);
AfOutbox   *af_engine_get_outbox (AfEngine *self);
GHashTable *af_engine_get_inflight (AfEngine *self);
void        af_engine_log_step (AfEngine   *self,
                                const char *agent_id,
                                gint64      run_id,
                                const char *kind,
                                const char *summary,
                                JsonObject *details,
                                const char *outcome);

/* af-engine.c */
gboolean    af_engine_append_step (AfEngine   *self,
                                   const char *agent_id,
                                   gint64      run_id,
                                   const char *kind,
                                   const char *summary,
                                   JsonObject *details,
                                   const char *outcome,
                                   GError    **error);
JsonObject *af_engine_details_new (const char *first_key,
                                   ...) G_GNUC_NULL_TERMINATED;
gboolean    af_engine_outcome_begin (AfEngine *self);
void        af_engine_outcome_end (AfEngine *self,
                                   gboolean  owned);
gboolean    af_engine_outcome_unknown (const char *action,
                                       GError     *error);
const char *af_engine_item_title (JsonObject *item);
char       *af_engine_failed_summary (const char *action,
                                      JsonObject *params,
                                      JsonObject *item,
                                      GError     *error);
void        af_engine_claim_owner (AfEngine *self);
gboolean    af_engine_held_elsewhere (AfEngine      *self,
                                      AfOutboxEntry *entry);
char       *af_engine_json_to_text (JsonObject *o);
char       *af_engine_node_to_text (JsonNode *node);
char       *af_engine_item_to_stored_text (JsonObject *item);
void        af_engine_json_append_member (GString    *out,
                                          const char *key,
                                          const char *value);
void        af_engine_json_append_int_member (GString    *out,
                                              const char *key,
                                              gint64      value);
gboolean    af_engine_has_secret (JsonObject *o);
gboolean    af_engine_append_step_text (AfEngine   *self,
                                        const char *agent_id,
                                        gint64      run_id,
                                        const char *kind,
                                        const char *summary,
                                        const char *details,
                                        const char *outcome,
                                        const char *action,
                                        const char *item,
                                        GError    **error);
gboolean    af_engine_recover_runs (AfEngine *self,
                                    GError  **error);

/* af-engine-agents.c */
gboolean af_engine_load_agents (AfEngine *self,
                                GError  **error);
gboolean af_engine_find_agent (AfEngine   *self,
                               const char *id,
                               guint      *position);
gboolean af_engine_store_agent (AfEngine *self,
                                AfAgent  *agent,
                                GError  **error);

/* af-engine-scheduling.c */
void af_engine_schedule_agent (AfEngine *self,
                               AfAgent  *agent,
                               gint64    after);
void af_engine_start_housekeeping (AfEngine *self);
void af_engine_stop_housekeeping (AfEngine *self);
void af_engine_forget_schedule (AfEngine   *self,
                                const char *agent_id);
void af_engine_scheduling_init (AfEngine *self);

/* af-engine-approvals.c */
gboolean    af_engine_load_approvals (AfEngine *self,
                                      GError  **error);
AfApproval *af_engine_add_approval (AfEngine      *self,
                                    AfOutboxEntry *entry,
                                    JsonObject    *params,
                                    JsonObject    *item,
                                    const char    *rule,
                                    GError       **error);
void        af_engine_arm_expiry (AfEngine *self,
                                  gint64    due);
void        af_engine_withdraw_approvals (AfEngine   *self,
                                          const char *agent_id);

/* af-reconciler.c */
void af_reconciler_run (AfEngine *self);

G_END_DECLS
