/* af-run-private.h — one run of an agent, shared by its rooms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-engine-private.h"

G_BEGIN_DECLS

/* One action a run is to take, or a marker: the item's actions are all
 * through and it can be recorded as seen. */
typedef struct
{
  char       *action;
  JsonObject *params;
  JsonObject *item;
  char       *rule;
  char       *key;
  char       *params_text; /* @params as text, when known already */
  gint64      outbox_id;
  gboolean    mark_seen;
} AfPlanned;

/* A run is a chain of async steps on the main loop: fetch → decide (rules
 * or the AI model) → for each action: gate → policy → outbox → execute →
 * record (af-run.c: the run's life, fetch and decide; af-run-actions.c:
 * the actions; af-run-batch.c: label-type actions sent in batches). The
 * items of a fetch that tells them as they are read (new mail, batch
 * after batch) are decided and acted on while the next are read. */
typedef struct
{
  AfEngine     *engine;
  AfAgent      *agent;
  GTask        *task;
  GCancellable *cancellable;
  gulong        cancel_handler;
  GCancellable *caller_cancellable;
  gint64        run_id;
  gboolean      dry_run;
  gboolean      test_only; /* an editor's "Test run": leaves no trace */
  gboolean      deleted;   /* the agent was deleted during the run */
  JsonArray    *steps;     /* a test run's activity, returned instead */
  gboolean      read_untrusted;
  gboolean      timed_out;
  guint         timeout_id;
  GQueue       *planned;
  AfPlanned    *current;
  /* The fetch: while it is out, the items it told are dealt with. */
  GCancellable *fetch_cancellable; /* cancelled with the run, or when it ends early */
  gulong        fetch_cancel_handler;
  gboolean      fetching;
  GError       *fetch_error; /* it failed while the actions were out */
  GPtrArray    *fetched;     /* its result: what commit_fetch is given */
  GQueue       *undecided;   /* new items (JsonObject) not decided yet */
  guint         n_items;     /* new items read */
  JsonObject   *deciding;    /* the item the AI model is deciding on */
  JsonArray    *would_do;
  guint         n_done, n_failed, n_waiting, n_denied;
  guint         n_left_alone;   /* items read that needed nothing */
  JsonObject   *done_by_action; /* action → how many done */
  /* Label-type actions go out in batches (one batchModify for up to
   * AF_EXECUTOR_BATCH_MAX messages); each keeps its own outbox entry. */
  GHashTable *groups;        /* "action\nparams" → AfRunGroup, not sent yet */
  GHashTable *shared_params; /* "action\nparams" → AfRunParams (af-run.c) */
  GHashTable *unsettled;     /* item id → its batched actions not finished */
  GHashTable *seen_later;    /* item ids whose marker waits for those */
  GHashTable *failed_items;  /* item ids not to record as seen: a batched
                              * action failed, or one is still held by
                              * another process or of unknown outcome */
  GQueue     *ready;         /* full AfRunGroups waiting for a batch to come back */
  guint       n_batches;     /* batches in flight or being recorded */
  guint       n_sending;     /* batches in flight */
  GQueue     *recording;     /* batches back, their outcomes being recorded */
  guint       record_id;     /* at idle priority, as go_on_id: */
  guint       go_on_id;      /* the answers that came go first */
  gint64      record_since;  /* when each last ran, or was added */
  gint64      go_on_since;
  gboolean    awaiting_batches; /* the actions wait for a batch to come back */
  const char *finish_outcome;   /* the run ended with batches in flight: */
  GError     *finish_error;     /* it finishes once they are back */
  gboolean    keep_cursor;      /* a batch failed: read those items again */
  gboolean    writing;          /* in a transaction: see af_run_begin_writes() */
  GError     *write_error;      /* a batch's results could not be recorded */
  GError     *log_error;        /* a step of its activity could not be recorded */
  GError     *unconfirmed;      /* the current action's error, while asking the service */
} AfRun;

/* Batches a run keeps in flight while it goes on with its actions: as
 * many as AfHttpClient sends at once to one service. */
#define AF_RUN_BATCHES_IN_FLIGHT 4

/* Actions with the same change, waiting to go out as one batch. */
typedef struct
{
  char       *key; /* in AfRun.groups */
  char       *action;
  JsonObject *params;
  GPtrArray  *planned; /* AfPlanned */
} AfRunGroup;

void af_planned_free (AfPlanned *p);

/* af-run.c */
AfRun   *af_run_new (AfEngine     *engine,
                     AfAgent      *agent,
                     GTask        *task,
                     AfRunFlags    flags,
                     GCancellable *cancellable);
void     af_run_start (AfRun *run);
void     af_run_start_queued (AfEngine *engine);
void     af_run_log (AfRun      *run,
                     const char *kind,
                     const char *summary,
                     JsonObject *details,
                     const char *outcome);
void     af_run_log_text (AfRun      *run,
                          const char *kind,
                          const char *summary,
                          const char *details,
                          const char *outcome,
                          const char *action,
                          const char *item);
void     af_run_begin_writes (AfRun *run);
gboolean af_run_end_writes (AfRun   *run,
                            GError **error);
void     af_run_finish (AfRun      *run,
                        const char *outcome,
                        GError     *error);
void     af_run_finish_with_error (AfRun  *run,
                                   GError *error);
void     af_run_mark_seen (AfRun      *run,
                           const char *item_id);
void     af_run_hold_item (AfRun      *run,
                           const char *item_id);

typedef enum
{
  AF_RUN_DECIDED,  /* every item read so far is decided */
  AF_RUN_DECIDING, /* the AI model is asked: its answer goes on */
  AF_RUN_ENDED,    /* the run ended (its steps could not be recorded) */
} AfRunDecision;

AfRunDecision af_run_decide (AfRun *run);
gboolean      af_run_may_act (AfRun *run);

/* af-run-actions.c */
void af_run_next_action (AfRun *run);

/* af-run-batch.c */
void        af_run_group_free (AfRunGroup *g);
AfRunGroup *af_run_add_to_group (AfRun     *run,
                                 AfPlanned *p);
gboolean    af_run_send_groups (AfRun *run);
void        af_run_hurry (guint  source_id,
                          gint64 since);
void        af_run_idle_add (AfRun      *run,
                             guint      *id,
                             gint64     *since,
                             GSourceFunc func);
gboolean    af_run_send_ready (AfRun *run);
void        af_run_drop_groups (AfRun *run);

G_END_DECLS
