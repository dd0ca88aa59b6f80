/* af-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action-text.h"
#include "af-approval-queue.h"
#include "af-approval-store.h"
#include "af-engine-private.h"
#include "af-source.h"
#include "af-engine.h"
#include "af-error.h"
#include "af-json-private.h"
#include "af-outbox.h"
#include "af-paths.h"
#include "af-rules.h"
#include "af-run-owner.h"
#include "af-run-summary.h"
#include "af-sample-executor.h"
#include "af-template-expand-private.h"
#include "af-tool-loop.h"

#define DEFAULT_MAX_CONCURRENT 4
#define DEFAULT_RUN_TIMEOUT_S  300
#define DEFAULT_APPROVAL_TTL_S (3 * 24 * 3600)
#define BACKOFF_BASE_S         30
#define BACKOFF_MAX_S          (6 * 3600)
#define APPROVALS_KEY          "\001approvals"
#define RETENTION_KEY          "\001retention"

/* The engine: agents, runs, the gate, the outbox and approvals. A run is a
 * chain of async steps on the main loop: fetch → decide (rules) → for each
 * action: gate → policy → outbox → execute → record. */
struct _AfEngine
{
  GObject parent_instance;

  AfDatabase      *db;
  AfExecutor      *executor;
  AfActivityLog   *log;
  AfOutbox        *outbox;
  AfScheduler     *scheduler;
  GListStore      *agents;
  GListStore      *approvals;
  GHashTable      *running; /* agent id → Run */
  GPtrArray       *tests;   /* Run: test runs of (maybe unsaved) agents */
  GQueue          *queue;   /* Run waiting for a slot */
  AfRunOwner      *owner;   /* whose runs this engine's are; made at the first run */
  gboolean         runs_recovered;
  gboolean         outbox_reconciled; /* a pass over what others left ran */
  guint            n_reconciling;     /* its entries not settled yet; runs wait */
  GHashTable      *failures;          /* agent id → consecutive failures */
  GHashTable      *inflight;          /* idempotency keys being executed */
  GHashTable      *deferred;          /* agent ids due while offline */
  GNetworkMonitor *monitor;
  gulong           monitor_handler;
  AfLlmClient     *llm;
  GHashTable      *llm_variants; /* "model\ntemperature" → AfLlmClient */
  guint            max_concurrent;
  guint            run_timeout_s;
  guint            approval_ttl_s;
  gboolean         started;
  AfApprovalQueue *approval_queue; /* made when first asked for */
};

G_DEFINE_FINAL_TYPE (AfEngine, af_engine, G_TYPE_OBJECT)

enum
{
  RUN_STARTED,
  RUN_FINISHED,
  AGENT_DELETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char       *action;
  JsonObject *params;
  JsonObject *item;
  char       *rule;
  char       *key;
  gint64      outbox_id;
  gboolean    mark_seen; /* a marker: the item's actions are all done */
} Planned;

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
  Planned      *current;
  GPtrArray    *items;
  guint         item_index;
  JsonArray    *would_do;
  guint         n_done, n_failed, n_waiting, n_denied;
  guint         n_left_alone;   /* items read that needed nothing */
  JsonObject   *done_by_action; /* action → how many done */
  /* Label-type actions go out in batches (one batchModify for up to
   * AF_EXECUTOR_BATCH_MAX messages); each keeps its own outbox entry. */
  GHashTable *groups;       /* "action\nparams" → Group, not sent yet */
  GHashTable *unsettled;    /* item id → its batched actions not finished */
  GHashTable *seen_later;   /* item ids whose marker waits for those */
  GHashTable *failed_items; /* item ids not to record as seen: a batched
                             * action failed, or one is still held by
                             * another process or of unknown outcome */
  guint    n_batches;       /* batches in flight */
  gboolean keep_cursor;     /* a batch failed: read those items again */
  gboolean writing;         /* in a transaction: see begin_writes() */
  GError  *write_error;     /* a batch's results could not be recorded */
  GError  *log_error;       /* a step of its activity could not be recorded */
  GError  *unconfirmed;     /* the current action's error, while asking the service */
} Run;

typedef struct
{
  char       *key; /* in Run.groups */
  char       *action;
  JsonObject *params;
  GPtrArray  *planned; /* Planned */
} Group;

typedef struct
{
  Run       *run;
  char      *action;
  GPtrArray *planned; /* Planned */
} Batch;

static void run_next_action (Run *run);
static void decide_next_item (Run *run);
static void schedule_agent (AfEngine *self,
                            AfAgent  *agent,
                            gint64    after);

static void
planned_free (Planned *p)
{
  g_free (p->action);
  g_clear_pointer (&p->params, json_object_unref);
  g_clear_pointer (&p->item, json_object_unref);
  g_free (p->rule);
  g_free (p->key);
  g_free (p);
}

static void
group_free (Group *g)
{
  g_free (g->key);
  g_free (g->action);
  json_object_unref (g->params);
  g_ptr_array_unref (g->planned);
  g_free (g);
}

static void
run_free (Run *run)
{
  g_clear_pointer (&run->groups, g_hash_table_unref);
  g_clear_pointer (&run->unsettled, g_hash_table_unref);
  g_clear_pointer (&run->seen_later, g_hash_table_unref);
  g_clear_pointer (&run->failed_items, g_hash_table_unref);
  g_clear_error (&run->write_error);
  g_clear_error (&run->log_error);
  g_clear_error (&run->unconfirmed);
  g_clear_handle_id (&run->timeout_id, g_source_remove);
  if (run->caller_cancellable != NULL && run->cancel_handler != 0)
    g_cancellable_disconnect (run->caller_cancellable, run->cancel_handler);
  g_clear_object (&run->caller_cancellable);
  g_clear_object (&run->agent);
  g_clear_object (&run->cancellable);
  if (run->planned != NULL)
    g_queue_free_full (run->planned, (GDestroyNotify)planned_free);
  g_clear_pointer (&run->current, planned_free);
  g_clear_pointer (&run->would_do, json_array_unref);
  g_clear_pointer (&run->done_by_action, json_object_unref);
  g_clear_pointer (&run->steps, json_array_unref);
  g_clear_pointer (&run->items, g_ptr_array_unref);
  g_free (run);
}

/* Keys that must never reach the log, whatever an executor returned. */
static void
redact (JsonNode *node)
{
  static const char *const secret_keys[] = { "token", "access_token", "refresh_token", "authorization",
                                             "api_key", "password", "secret", NULL };

  if (node == NULL)
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (o);

      for (GList *l = members; l; l = l->next)
        {
          g_autofree char *lower = g_ascii_strdown (l->data, -1);

          if (g_strv_contains (secret_keys, lower))
            json_object_set_string_member (o, l->data, "[redacted]");
          else
            redact (json_object_get_member (o, l->data));
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        redact (json_array_get_element (a, i));
    }
}

static gboolean
log_step (AfEngine   *self,
          const char *agent_id,
          gint64      run_id,
          const char *kind,
          const char *summary,
          JsonObject *details,
          const char *outcome,
          GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;

  if (details != NULL)
    {
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), details);
      g_autoptr (JsonNode) copy = af_json_deep_copy (node);

      redact (copy);
      text = json_to_string (copy, FALSE);
    }

  if (af_activity_log_append (self->log, agent_id, run_id, kind, summary, text, outcome, &local_error) == 0)
    {
      g_warning ("Could not record activity: %s", local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* An action's outbox state and its activity row are one commit: a process
 * killed between the two would otherwise leave a done action with no record
 * of it, or a record of an action still pending. Inside a run's batch the
 * writes already share its transaction. */
static gboolean
outcome_begin (AfEngine *self)
{
  if (!sqlite3_get_autocommit (af_database_get_handle (self->db)))
    return FALSE;
  return af_database_begin (self->db, NULL);
}

static void
outcome_end (AfEngine *self,
             gboolean  owned)
{
  g_autoptr (GError) error = NULL;

  if (owned && !af_database_commit (self->db, &error))
    g_warning ("Could not record the outcome of an action: %s", error->message);
}

static JsonObject *
details_new (const char *first_key,
             ...)
{
  JsonObject *o = json_object_new ();
  va_list     args;

  va_start (args, first_key);
  for (const char *k = first_key; k != NULL; k = va_arg (args, const char *))
    {
      const char *v = va_arg (args, const char *);

      if (v != NULL)
        json_object_set_string_member (o, k, v);
    }
  va_end (args);
  return o;
}

/* A step of @run: into the activity log, or for a test run into the
 * result, so a definition that is not saved leaves nothing behind. */
static void
run_log (Run        *run,
         const char *kind,
         const char *summary,
         JsonObject *details,
         const char *outcome)
{
  JsonObject *step;

  if (run->deleted)
    return;
  if (!run->test_only)
    {
      g_autoptr (GError) error = NULL;

      /* A run whose record is incomplete never reports success. */
      if (!log_step (run->engine, af_agent_get_id (run->agent), run->run_id, kind, summary, details, outcome, &error) &&
          run->log_error == NULL)
        run->log_error = g_steal_pointer (&error);
      return;
    }
  step = json_object_new ();
  json_object_set_string_member (step, "kind", kind);
  json_object_set_string_member (step, "summary", summary);
  if (outcome != NULL)
    json_object_set_string_member (step, "outcome", outcome);
  json_array_add_object_element (run->steps, step);
}

static char *
json_object_to_text (JsonObject *o)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), o);

  return json_to_string (node, FALSE);
}

/* Replaces {{field}} in @text with the item's field. */
static char *
expand (const char *text,
        JsonObject *item)
{
  GString    *out = g_string_new (NULL);
  const char *p = text;

  while (*p)
    {
      const char *open = strstr (p, "{{");
      const char *close;

      if (open == NULL || (close = strstr (open, "}}")) == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, open - p);
      {
        g_autofree char *field = g_strndup (open + 2, close - open - 2);
        JsonNode        *value = item ? json_object_get_member (item, field) : NULL;

        if (value != NULL && json_node_get_value_type (value) == G_TYPE_STRING)
          g_string_append (out, json_node_get_string (value));
      }
      p = close + 2;
    }
  return g_string_free (out, FALSE);
}

static JsonObject *
expand_params (JsonObject *params,
               JsonObject *item)
{
  JsonObject *out = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (params);

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *v = json_object_get_member (params, l->data);

      if (json_node_get_value_type (v) == G_TYPE_STRING)
        {
          g_autofree char *s = expand (json_node_get_string (v), item);

          json_object_set_string_member (out, l->data, s);
        }
      else
        json_object_set_member (out, l->data, json_node_copy (v));
    }
  return out;
}

static char *
idempotency_key (AfAgent    *agent,
                 const char *item_id,
                 const char *action,
                 JsonObject *params)
{
  g_autofree char *text = json_object_to_text (params);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  /* (agent, source item, action): the params hash tells "label Work" from
   * "label Finance" on the same message. */
  return g_strdup_printf ("%s:%s:%s:%.16s", af_agent_get_id (agent), item_id ? item_id : "-", action, hash);
}

static const char *
item_title (JsonObject *item)
{
  if (item == NULL)
    return "";
  if (af_json_get_string (item, "subject", NULL) != NULL)
    return af_json_get_string (item, "subject", NULL);
  return json_object_get_string_member_with_default (item, "id", "");
}

/* One line for the activity log: what was done (@done), or what is to be
 * done — waiting for approval, or what a test run would do. The same words
 * as approvals and notifications use: af_action_describe(). */
static char *
describe_action (const char *action,
                 JsonObject *params,
                 JsonObject *item,
                 gboolean    done)
{
  return af_action_describe (action, params, item, done);
}

/* An action's failure, as the activity feed shows it. */
static char *
action_failed_summary (Planned *p,
                       GError  *error)
{
  g_autofree char *what = describe_action (p->action, p->params, p->item, FALSE);

  /* Translators: the first %s is an action ("Label “Invoice” as
   * Finance"), the second what went wrong */
  return g_strdup_printf (_ ("%s — failed: %s"), what, error->message);
}

/* Database helpers for agents and runs. */

static gboolean
save_agent_row (AfEngine *self,
                AfAgent  *agent,
                GError  **error)
{
  g_autofree char *definition = json_object_to_text (af_agent_get_definition (agent));
  sqlite3_stmt    *stmt;

  stmt = af_database_prepare (self->db,
                              "INSERT INTO agents (id, name, description, template, definition, state, state_reason,"
                              " created_at, updated_at, last_run_at, next_run_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                              " ON CONFLICT (id) DO UPDATE SET name = ?2, description = ?3, definition = ?5,"
                              " state = ?6, state_reason = ?7, updated_at = ?9, last_run_at = ?10, next_run_at = ?11",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, af_agent_get_id (agent), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, af_agent_get_name (agent), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, af_agent_get_description (agent), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, af_agent_get_template_id (agent), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, definition, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, af_agent_state_to_string (af_agent_get_state (agent)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, af_agent_get_state_reason (agent), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, af_agent_get_created_at (agent));
  sqlite3_bind_int64 (stmt, 9, g_get_real_time ());
  if (af_agent_get_last_run (agent) > 0)
    sqlite3_bind_int64 (stmt, 10, af_agent_get_last_run (agent));
  if (af_agent_get_next_run (agent) > 0)
    sqlite3_bind_int64 (stmt, 11, af_agent_get_next_run (agent));
  return af_database_step_done (self->db, stmt, error);
}

static gboolean
load_agents (AfEngine *self,
             GError  **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  stmt = af_database_prepare (self->db,
                              "SELECT id, name, description, template, definition, state, state_reason,"
                              " created_at, updated_at, last_run_at, next_run_at FROM agents ORDER BY created_at, id",
                              error);
  if (stmt == NULL)
    return FALSE;

  g_list_store_remove_all (self->agents);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (AfAgent) agent = NULL;
      JsonObject *definition = NULL;

      if (json_parser_load_from_data (parser, (const char *)sqlite3_column_text (stmt, 4), -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        definition = json_node_get_object (json_parser_get_root (parser));

      agent = af_agent_new ((const char *)sqlite3_column_text (stmt, 0), (const char *)sqlite3_column_text (stmt, 1),
                            (const char *)sqlite3_column_text (stmt, 3), definition);
      af_agent_set_description (agent, (const char *)sqlite3_column_text (stmt, 2));
      af_agent_set_state (agent, af_agent_state_from_string ((const char *)sqlite3_column_text (stmt, 5)),
                          (const char *)sqlite3_column_text (stmt, 6));
      af_agent_set_timestamps (agent, sqlite3_column_int64 (stmt, 7), sqlite3_column_int64 (stmt, 8));
      af_agent_set_last_run (agent, sqlite3_column_int64 (stmt, 9));
      af_agent_set_next_run (agent, sqlite3_column_int64 (stmt, 10));
      g_list_store_append (self->agents, agent);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "read the agents");
      return FALSE;
    }
  return TRUE;
}

static gboolean
find_agent (AfEngine   *self,
            const char *id,
            guint      *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->agents)); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (G_LIST_MODEL (self->agents), i);

      if (g_strcmp0 (af_agent_get_id (agent), id) == 0)
        {
          if (position)
            *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
is_seen (AfEngine   *self,
         const char *agent_id,
         const char *item_id)
{
  sqlite3_stmt *stmt;
  gboolean      seen = FALSE;

  stmt = af_database_prepare (self->db, "SELECT 1 FROM seen_items WHERE agent_id = ?1 AND item_id = ?2", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_TRANSIENT);
  seen = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return seen;
}

static void
mark_seen (AfEngine   *self,
           const char *agent_id,
           const char *item_id)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt;

  stmt = af_database_prepare (self->db,
                              "INSERT OR IGNORE INTO seen_items (agent_id, item_id, seen_at) VALUES (?1, ?2, ?3)",
                              &error);
  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if (!af_database_step_done (self->db, stmt, &error))
    g_warning ("Could not remember an item: %s", error->message);
}

/* The owner stamped on the runs and outbox entries of this process. */
static void
claim_owner (AfEngine *self)
{
  if (self->owner != NULL)
    return;
  self->owner = af_run_owner_new (af_database_get_path (self->db));
  af_outbox_set_owner (self->outbox, af_run_owner_get_id (self->owner));
}

/* Whether another live process holds @entry (its batch still filling, its
 * request in flight): what became of it is that process's to record. */
static gboolean
held_elsewhere (AfEngine      *self,
                AfOutboxEntry *entry)
{
  if (entry->owner == NULL)
    return FALSE;
  if (self->owner != NULL && g_str_equal (entry->owner, af_run_owner_get_id (self->owner)))
    return FALSE;
  return af_run_owner_is_alive (af_database_get_path (self->db), entry->owner);
}

/* Runs. */

static void
start_queued (AfEngine *self);

/* @item_id has an action not done yet and not failed for good: it is not
 * recorded as seen, and the sync cursor stays, so a later run reads it
 * again and finishes it. */
static void
hold_item (Run        *run,
           const char *item_id)
{
  g_hash_table_add (run->failed_items, g_strdup (item_id));
  run->keep_cursor = TRUE;
}

/* The bookkeeping of many actions in a row (outbox entries, the log, seen
 * items) goes into one transaction, not one each; it is committed before
 * anything leaves the process (a call, the end of the run), so an outbox
 * entry is always on disk before its side effect. */
static void
begin_writes (Run *run)
{
  if (!run->writing && !run->dry_run && sqlite3_get_autocommit (af_database_get_handle (run->engine->db)))
    run->writing = af_database_begin (run->engine->db, NULL);
}

static gboolean
end_writes (Run     *run,
            GError **error)
{
  if (!run->writing)
    return TRUE;
  run->writing = FALSE;
  return af_database_commit (run->engine->db, error);
}

/* A run that ends early (cancelled, an error) with actions still waiting
 * for their batch: never started, so back to "pending" for a later run or
 * the next start. */
static void
drop_groups (Run *run)
{
  AfEngine      *self = run->engine;
  GHashTableIter iter;
  Group         *g;

  g_hash_table_iter_init (&iter, run->groups);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&g))
    for (guint i = 0; i < g->planned->len; i++)
      {
        Planned *p = g_ptr_array_index (g->planned, i);

        g_hash_table_remove (self->inflight, p->key);
        af_outbox_set_state (self->outbox, p->outbox_id, AF_OUTBOX_PENDING, NULL, NULL);
      }
  g_hash_table_remove_all (run->groups);
}

static void
finish_run (Run        *run,
            const char *outcome,
            GError     *error)
{
  AfEngine   *self = run->engine;
  AfAgent    *agent = run->agent;
  const char *agent_id = af_agent_get_id (agent);
  g_autoptr (JsonObject) result = json_object_new ();
  g_autoptr (JsonObject) details = json_object_new ();
  g_autofree char *summary = NULL;
  g_autoptr (GError) db_error = NULL;
  g_autoptr (GError) record_error = NULL;
  sqlite3_stmt *stmt;
  gboolean      succeeded = g_str_equal (outcome, "succeeded");
  gint64        now = g_get_real_time ();
  GTask        *task = run->task;

  g_clear_handle_id (&run->timeout_id, g_source_remove);
  /* What the run did and could not record makes it a failed run, with
   * the reason (a full disk, say) in its outcome: never a success. */
  if (!end_writes (run, &record_error) && succeeded)
    {
      g_warning ("Could not record a run's actions: %s", record_error->message);
      outcome = "failed";
      error = record_error;
      succeeded = FALSE;
    }
  drop_groups (run);

  stmt = run->test_only ? NULL
                        : af_database_prepare (self->db,
                                               "UPDATE runs SET finished_at = ?2, outcome = ?3, actions = ?4, error = ?5"
                                               " WHERE id = ?1",
                                               &db_error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, run->run_id);
      sqlite3_bind_int64 (stmt, 2, now);
      sqlite3_bind_text (stmt, 3, outcome, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, run->n_done);
      sqlite3_bind_text (stmt, 5, error ? error->message : NULL, -1, SQLITE_TRANSIENT);
      af_database_step_done (self->db, stmt, &db_error);
    }

  json_object_set_int_member (details, "actions_done", run->n_done);
  json_object_set_int_member (details, "actions_failed", run->n_failed);
  json_object_set_int_member (details, "waiting_for_approval", run->n_waiting);
  json_object_set_int_member (details, "denied", run->n_denied);
  json_object_set_int_member (details, "left_alone", run->n_left_alone);
  json_object_set_object_member (details, "done_by_action", json_object_ref (run->done_by_action));
  if (error != NULL)
    json_object_set_string_member (details, "error", error->message);

  if (succeeded)
    {
      guint            n = run->dry_run ? json_array_get_length (run->would_do) : run->n_done;
      g_autofree char *did = run->dry_run ? NULL : af_run_summary_describe (details);

      if (did != NULL)
        /* Translators: what a run did, e.g. "labelled 3 messages · 1 draft" */
        summary = g_strdup_printf (_ ("Run finished: %s"), did);
      else
        summary = g_strdup_printf (run->dry_run ? ngettext ("Test run finished: %u action would be taken",
                                                            "Test run finished: %u actions would be taken", n)
                                                : ngettext ("Run finished: %u action done", "Run finished: %u actions done", n),
                                   n);
    }
  else
    {
      const char *title = g_str_equal (outcome, "timed-out")   ? _ ("Run timed out")
                          : g_str_equal (outcome, "cancelled") ? _ ("Run cancelled")
                                                               : _ ("Run failed");

      summary = error ? g_strdup_printf ("%s: %s", title, error->message) : g_strdup (title);
    }
  /* A run that acted on nothing is kept (the log is the record) but as
   * "run-idle", which the feed leaves out unless asked. */
  run_log (run,
           !succeeded ? "error"
           : (!run->dry_run && run->n_done == 0 && run->n_failed == 0 && run->n_waiting == 0 && run->n_denied == 0)
               ? "run-idle"
               : "run-finished",
           summary, details, outcome);

  if (!run->dry_run && !run->deleted)
    {
      guint failures = GPOINTER_TO_UINT (g_hash_table_lookup (self->failures, agent_id));

      af_agent_set_last_run (agent, now);
      if (succeeded)
        {
          g_hash_table_remove (self->failures, agent_id);
          /* Every fetched item was dealt with: the sync cursor may move on.
           * Not after a failed batch: its items are read again next time. */
          if (run->items != NULL && !run->keep_cursor)
            af_executor_commit_fetch (self->executor, agent, run->items);
        }
      else if (!g_str_equal (outcome, "cancelled"))
        g_hash_table_insert (self->failures, g_strdup (agent_id), GUINT_TO_POINTER (failures + 1));

      if (error != NULL && (g_error_matches (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT) || g_error_matches (error, AF_ERROR, AF_ERROR_AUTH_FAILED)))
        {
          /* Retrying cannot help: the user has to reconnect. */
          af_agent_set_state (agent, AF_AGENT_STATE_NEEDS_ATTENTION, error->message);
          af_scheduler_remove (self->scheduler, agent_id);
        }
      else if (self->started && af_agent_get_state (agent) == AF_AGENT_STATE_ACTIVE)
        schedule_agent (self, agent, now);
      save_agent_row (self, agent, NULL);
    }

  json_object_set_int_member (result, "run_id", run->run_id);
  json_object_set_string_member (result, "outcome", outcome);
  json_object_set_int_member (result, "done", run->n_done);
  json_object_set_int_member (result, "failed", run->n_failed);
  json_object_set_int_member (result, "waiting", run->n_waiting);
  json_object_set_int_member (result, "denied", run->n_denied);
  if (run->dry_run)
    {
      json_object_set_array_member (result, "actions", json_array_ref (run->would_do));
      /* What it read, so a preview can say "3 of the 40 it read". */
      json_object_set_int_member (result, "items", run->items != NULL ? run->items->len : 0);
    }
  if (run->test_only)
    {
      json_object_set_array_member (result, "steps", json_array_ref (run->steps));
      g_ptr_array_remove (self->tests, run);
    }
  else
    {
      g_hash_table_remove (self->running, agent_id);
      g_signal_emit (self, signals[RUN_FINISHED], 0, agent_id, run->run_id, outcome);
    }

  if (succeeded)
    g_task_return_pointer (task, json_object_ref (result), (GDestroyNotify)json_object_unref);
  else if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_new_error (task, AF_ERROR, AF_ERROR_FAILED, "%s", outcome);
  g_object_unref (task);

  start_queued (self);
}

static void
finish_run_with_error (Run    *run,
                       GError *error)
{
  if (run->timed_out)
    {
      g_autoptr (GError) timeout = g_error_new (AF_ERROR, AF_ERROR_TIMED_OUT, _ ("The run took longer than %u seconds"),
                                                run->engine->run_timeout_s);
      finish_run (run, "timed-out", timeout);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish_run (run, "cancelled", error);
  else
    finish_run (run, "failed", error);
}

/* A side effect whose request may have reached the service: the
 * connection dropped, or the answer could not be read. Only the service
 * can tell whether it acted. */
static gboolean
outcome_unknown (const char *action,
                 GError     *error)
{
  return af_action_is_side_effect (action) &&
         (g_error_matches (error, AF_ERROR, AF_ERROR_NETWORK) || g_error_matches (error, AF_ERROR, AF_ERROR_BAD_RESPONSE));
}

/* Records the current action's end (@answer, or @error) and goes on. */
static void
action_finished (Run        *run,
                 const char *answer,
                 GError     *error)
{
  AfEngine        *self = run->engine;
  Planned         *p = run->current;
  g_autofree char *summary = NULL;
  g_autoptr (JsonObject) details = NULL;
  gboolean owned;

  g_hash_table_remove (self->inflight, p->key);
  details = details_new ("action", p->action, "item", json_object_get_string_member_with_default (p->item, "id", NULL),
                         "rule", p->rule, "key", p->key, NULL);

  owned = outcome_begin (self);
  if (error != NULL)
    {
      /* Not cancelled-but-maybe-done: the outcome is unknown, so the entry
       * stays "executing" and is reconciled on the next start. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        af_outbox_set_state (self->outbox, p->outbox_id, AF_OUTBOX_FAILED, error->message, NULL);
      json_object_set_string_member (details, "error", error->message);
      summary = action_failed_summary (p, error);
      af_run_summary_add_item (details, p->item);
      run_log (run, "action-failed", summary, details, "failed");
      outcome_end (self, owned);
      run->n_failed++;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          finish_run_with_error (run, error);
          return;
        }
    }
  else
    {
      af_outbox_set_state (self->outbox, p->outbox_id, AF_OUTBOX_DONE, answer, NULL);
      summary = describe_action (p->action, p->params, p->item, TRUE);
      af_run_summary_add_item (details, p->item);
      run_log (run, "action-done", summary, details, "done");
      outcome_end (self, owned);
      run->n_done++;
      af_run_summary_count (run->done_by_action, p->action);
    }

  g_clear_pointer (&run->current, planned_free);
  run_next_action (run);
}

static void
on_confirm_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) unconfirmed = g_steal_pointer (&run->unconfirmed);
  gboolean happened = af_executor_reconcile_finish (AF_EXECUTOR (source), result, &error);

  if (happened)
    action_finished (run, "{\"confirmed\":true}", NULL);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    action_finished (run, NULL, error);
  else
    action_finished (run, NULL, unconfirmed); /* not done, or still unknown: never repeated */
}

static void
on_execute_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run     *run = user_data;
  Planned *p = run->current;
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = af_executor_execute_finish (AF_EXECUTOR (source), result, &error);

  if (error != NULL && outcome_unknown (p->action, error))
    {
      /* Ask before calling it failed: to the person, a mail that went out
       * is sent, whatever became of the answer. */
      run->unconfirmed = g_steal_pointer (&error);
      af_executor_reconcile_async (AF_EXECUTOR (source), run->agent, p->action, p->params, p->item, p->key,
                                   run->cancellable, on_confirm_cb, run);
      return;
    }
  action_finished (run, answer, error);
}

/* What became of an action a process that is gone left "executing". */
static void
on_recover_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run        *run = user_data;
  Planned    *p = run->current;
  const char *item_id = json_object_get_string_member_with_default (p->item, "id", "");
  g_autoptr (GError) error = NULL;
  gboolean happened = af_executor_reconcile_finish (AF_EXECUTOR (source), result, &error);

  if (happened)
    action_finished (run, "{\"reconciled\":true}", NULL);
  else if (error == NULL)
    /* It never reached the service: do it now. */
    af_executor_execute_async (run->engine->executor, run->agent, p->action, p->params, p->item, p->key,
                               run->cancellable, on_execute_cb, run);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    action_finished (run, NULL, error);
  else
    {
      g_autoptr (JsonObject) details = details_new ("action", p->action, "item", item_id, "rule", p->rule, "key",
                                                    p->key, "error", error->message, NULL);
      g_autofree char *summary = action_failed_summary (p, error);

      /* Still unknown: neither repeated nor taken for done; it stays
       * "executing", and the item for a later run. */
      g_warning ("Could not tell whether %s happened: %s", p->key, error->message);
      g_hash_table_remove (run->engine->inflight, p->key);
      hold_item (run, item_id);
      run_log (run, "action-failed", summary, details, "failed");
      run->n_failed++;
      g_clear_pointer (&run->current, planned_free);
      run_next_action (run);
    }
}

static void
request_approval (Run           *run,
                  Planned       *p,
                  AfOutboxEntry *entry)
{
  AfEngine *self = run->engine;
  g_autoptr (AfApproval) approval = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) details = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *what = NULL;
  const char      *target;
  const char      *preview;
  sqlite3_stmt    *stmt;
  gint64           now = g_get_real_time ();
  gint64           expires = now + (gint64)self->approval_ttl_s * G_USEC_PER_SEC;

  target = json_object_get_string_member_with_default (p->params, "to", NULL);
  if (target == NULL)
    target = json_object_get_string_member_with_default (p->params, "channel", NULL);
  if (target == NULL)
    target = item_title (p->item);
  preview = json_object_get_string_member_with_default (p->params, "text", NULL);
  if (preview == NULL)
    preview = json_object_get_string_member_with_default (p->params, "body", "");
  reason = p->rule && *p->rule ? g_strdup_printf (_ ("Rule “%s” matched “%s”"), p->rule, item_title (p->item))
                               : g_strdup (_ ("The agent decided to do this"));

  stmt = af_database_prepare (self->db,
                              "INSERT INTO approvals (outbox_id, agent_id, action, target, preview, reason, state,"
                              " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8)",
                              &error);
  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, entry->id);
  sqlite3_bind_text (stmt, 2, af_agent_get_id (run->agent), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, p->action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, preview, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, expires);
  if (!af_database_step_done (self->db, stmt, &error))
    {
      g_warning ("Could not store an approval: %s", error->message);
      return;
    }

  approval = af_approval_new (sqlite3_last_insert_rowid (af_database_get_handle (self->db)), entry->id,
                              af_agent_get_id (run->agent), p->action, target, preview, reason, now, expires);
  af_approval_set_context (approval, entry->run_id, entry->params);
  g_list_store_append (self->approvals, approval);
  if (af_scheduler_get_due (self->scheduler, APPROVALS_KEY) == 0 || af_scheduler_get_due (self->scheduler, APPROVALS_KEY) > expires)
    af_scheduler_set (self->scheduler, APPROVALS_KEY, expires);

  details = details_new ("action", p->action, "target", target, "key", p->key, NULL);
  json_object_set_int_member (details, "approval_id", af_approval_get_id (approval));
  af_run_summary_add_item (details, p->item);
  what = describe_action (p->action, p->params, p->item, FALSE);
  summary = g_strdup_printf (_ ("Waiting for approval: %s"), what);
  run_log (run, "approval-requested", summary, details, "waiting");
  run->n_waiting++;
}

static char *
id_answer (const char *id)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id ? id : "");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* One of @item_id's batched actions finished: once they all have, its
 * marker (if it came meanwhile) records it as seen, unless one failed. */
static void
settle_item (Run        *run,
             const char *item_id)
{
  guint left = GPOINTER_TO_UINT (g_hash_table_lookup (run->unsettled, item_id));

  g_assert (left > 0);
  if (left > 1)
    {
      g_hash_table_insert (run->unsettled, g_strdup (item_id), GUINT_TO_POINTER (left - 1));
      return;
    }
  g_hash_table_remove (run->unsettled, item_id);
  if (g_hash_table_remove (run->seen_later, item_id) && !g_hash_table_contains (run->failed_items, item_id))
    mark_seen (run->engine, af_agent_get_id (run->agent), item_id);
}

static void
on_batch_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Batch    *batch = user_data;
  Run      *run = batch->run;
  AfEngine *self = run->engine;
  g_autoptr (GError) error = NULL;
  gboolean cancelled;

  af_executor_execute_batch_finish (AF_EXECUTOR (source), result, &error);
  cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_debug ("A batch of %u “%s” actions %s", batch->planned->len, batch->action, error ? "failed" : "done");

  /* Every action of the batch has its own outcome, as if done alone. */
  begin_writes (run);
  for (guint i = 0; i < batch->planned->len; i++)
    {
      Planned         *p = g_ptr_array_index (batch->planned, i);
      const char      *item_id = json_object_get_string_member_with_default (p->item, "id", "");
      g_autofree char *summary = NULL;
      g_autoptr (JsonObject) details = details_new ("action", p->action, "item", item_id, "rule", p->rule, "key",
                                                    p->key, NULL);

      g_hash_table_remove (self->inflight, p->key);
      if (error != NULL)
        {
          /* Cancelled: the outcome is unknown, the entry stays "executing"
           * and is reconciled (repeated: it is idempotent) on the next
           * start. Failed: "failed", and the item is read again and its
           * action repeated by the next run. */
          if (!cancelled)
            {
              af_outbox_set_state (self->outbox, p->outbox_id, AF_OUTBOX_FAILED, error->message, NULL);
              g_hash_table_add (run->failed_items, g_strdup (item_id));
              run->keep_cursor = TRUE;
            }
          json_object_set_string_member (details, "error", error->message);
          summary = action_failed_summary (p, error);
          af_run_summary_add_item (details, p->item);
          run_log (run, "action-failed", summary, details, "failed");
          run->n_failed++;
        }
      else
        {
          g_autofree char *answer = id_answer (item_id);

          af_outbox_set_state (self->outbox, p->outbox_id, AF_OUTBOX_DONE, answer, NULL);
          summary = describe_action (p->action, p->params, p->item, TRUE);
          af_run_summary_add_item (details, p->item);
          run_log (run, "action-done", summary, details, "done");
          run->n_done++;
          af_run_summary_count (run->done_by_action, p->action);
        }
      settle_item (run, item_id);
    }

  if (!end_writes (run, &error))
    {
      g_warning ("Could not record a batch of actions: %s", error->message);
      if (run->write_error == NULL)
        run->write_error = g_steal_pointer (&error);
    }
  g_ptr_array_unref (batch->planned);
  g_free (batch->action);
  g_free (batch);
  if (--run->n_batches > 0)
    return;
  /* The actions went out but their results are not on disk: they stay
   * "executing" and are reconciled at the next start. */
  if (run->write_error != NULL)
    finish_run_with_error (run, run->write_error);
  else
    run_next_action (run);
}

/* Sends @g's actions as one batch. Their entries become "executing" only
 * now, on disk before the request leaves: until then they were "pending",
 * which a restart may simply do. %FALSE when that could not be written:
 * nothing is sent, the error is the run's. */
static gboolean
send_group (Run   *run,
            Group *g)
{
  AfEngine *self = run->engine;
  g_autoptr (GPtrArray) planned = g_steal_pointer (&g->planned);
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  Batch *batch;

  g->planned = g_ptr_array_new_with_free_func ((GDestroyNotify)planned_free);
  begin_writes (run);
  for (guint i = 0; i < planned->len && error == NULL; i++)
    {
      Planned *p = g_ptr_array_index (planned, i);

      af_outbox_set_state (self->outbox, p->outbox_id, AF_OUTBOX_EXECUTING, NULL, &error);
      g_ptr_array_add (items, p->item);
      g_ptr_array_add (keys, p->key);
    }
  if (error != NULL)
    {
      af_database_rollback (self->db);
      run->writing = FALSE;
    }
  else
    end_writes (run, &error);
  if (error != NULL)
    {
      g_warning ("Could not record a batch of actions before sending it: %s", error->message);
      for (guint i = 0; i < planned->len; i++)
        {
          Planned    *p = g_ptr_array_index (planned, i);
          const char *item_id = json_object_get_string_member_with_default (p->item, "id", "");

          g_hash_table_remove (self->inflight, p->key);
          hold_item (run, item_id);
          settle_item (run, item_id);
        }
      if (run->write_error == NULL)
        run->write_error = g_steal_pointer (&error);
      return FALSE;
    }

  batch = g_new0 (Batch, 1);
  batch->run = run;
  batch->action = g_strdup (g->action);
  batch->planned = g_steal_pointer (&planned);
  run->n_batches++;
  af_executor_execute_batch_async (self->executor, run->agent, g->action, g->params, items, keys, run->cancellable,
                                   on_batch_cb, batch);
  return TRUE;
}

/* Queues @p (through the gates, its outbox entry "pending") for a batch
 * with the same change; → that batch when it is full. */
static Group *
add_to_group (Run     *run,
              Planned *p)
{
  g_autofree char *params = json_object_to_text (p->params);
  g_autofree char *group_key = g_strconcat (p->action, "\n", params, NULL);
  const char      *item_id = json_object_get_string_member_with_default (p->item, "id", "");
  Group           *g = g_hash_table_lookup (run->groups, group_key);

  if (g == NULL)
    {
      g = g_new0 (Group, 1);
      g->key = g_strdup (group_key);
      g->action = g_strdup (p->action);
      g->params = json_object_ref (p->params);
      g->planned = g_ptr_array_new_with_free_func ((GDestroyNotify)planned_free);
      g_hash_table_insert (run->groups, g_strdup (group_key), g);
    }
  g_ptr_array_add (g->planned, p);
  g_hash_table_insert (run->unsettled, g_strdup (item_id),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (run->unsettled, item_id)) + 1));
  return g->planned->len < AF_EXECUTOR_BATCH_MAX ? NULL : g;
}

/* Sends every batch still filling; %TRUE when a batch is in flight. */
static gboolean
send_groups (Run *run)
{
  GHashTableIter iter;
  Group         *g;

  g_hash_table_iter_init (&iter, run->groups);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&g))
    {
      if (g->planned->len > 0 && run->write_error == NULL)
        send_group (run, g);
      else if (g->planned->len > 0)
        {
          /* Not sent: back to "pending" for a later run. */
          for (guint i = 0; i < g->planned->len; i++)
            {
              Planned    *p = g_ptr_array_index (g->planned, i);
              const char *item_id = json_object_get_string_member_with_default (p->item, "id", "");

              g_hash_table_remove (run->engine->inflight, p->key);
              hold_item (run, item_id);
              settle_item (run, item_id);
            }
        }
      g_hash_table_iter_remove (&iter);
    }
  return run->n_batches > 0;
}

/* Takes the planned actions in turn. Most go out one at a time; label-type
 * ones are gathered per change and go out in batches, the run waiting for
 * a batch when it is full and for the rest at the end. A loop, not a
 * recursion: a backlog is tens of thousands of steps. */
static void
run_next_action (Run *run)
{
  AfEngine   *self = run->engine;
  AfAgent    *agent = run->agent;
  const char *agent_id = af_agent_get_id (agent);

  for (;;)
    {
      Planned    *p;
      const char *permission;
      g_autoptr (GError) error = NULL;
      g_autoptr (AfOutboxEntry) entry = NULL;
      g_autoptr (JsonObject) stored = NULL;
      g_autofree char *stored_text = NULL;
      AfApprovalPolicy policy;
      Group           *full = NULL;

      if (g_cancellable_set_error_if_cancelled (run->cancellable, &error))
        {
          finish_run_with_error (run, error);
          return;
        }
      if (run->write_error != NULL)
        {
          /* A batch could not be recorded: stop, once the others are back. */
          if (run->n_batches == 0)
            finish_run_with_error (run, run->write_error);
          return;
        }

      p = g_queue_pop_head (run->planned);
      if (p == NULL)
        {
          if (!end_writes (run, &error))
            finish_run_with_error (run, error);
          /* The last batches; on_batch_cb comes back here. */
          else if (!send_groups (run))
            {
              if (run->write_error != NULL)
                finish_run_with_error (run, run->write_error);
              else
                finish_run (run, "succeeded", NULL);
            }
          return;
        }
      begin_writes (run);
      run->current = p;

      if (p->mark_seen)
        {
          const char *item_id = json_object_get_string_member (p->item, "id");

          if (run->dry_run)
            ;
          else if (g_hash_table_contains (run->unsettled, item_id))
            g_hash_table_add (run->seen_later, g_strdup (item_id));
          else if (!g_hash_table_contains (run->failed_items, item_id))
            mark_seen (self, agent_id, item_id);
          g_clear_pointer (&run->current, planned_free);
          continue;
        }

      /* The permission gate, in code: no permission, no call. */
      permission = af_action_get_permission (p->action);
      if (!af_agent_has_permission (agent, permission))
        {
          g_autofree char *what = describe_action (p->action, p->params, p->item, FALSE);
          /* Translators: the first %s is an action ("Label “Invoice” as
           * Finance"), the second a permission ("gmail.modify") */
          g_autofree char *summary = g_strdup_printf (_ ("%s — not allowed: the agent lacks the “%s” permission"),
                                                      what, permission ? permission : "?");
          g_autoptr (JsonObject) details = details_new ("action", p->action, "permission", permission, "rule",
                                                        p->rule, NULL);

          run_log (run, "action-denied", summary, details, "denied");
          run->n_denied++;
          g_clear_pointer (&run->current, planned_free);
          continue;
        }

      policy = af_agent_get_approval_policy (agent, p->action, run->read_untrusted);

      if (run->dry_run)
        {
          JsonObject      *would = json_object_new ();
          g_autofree char *summary = describe_action (p->action, p->params, p->item, FALSE);

          json_object_set_string_member (would, "action", p->action);
          json_object_set_object_member (would, "params", json_object_ref (p->params));
          json_object_set_string_member (would, "item", json_object_get_string_member_with_default (p->item, "id", ""));
          json_object_set_string_member (would, "subject", item_title (p->item));
          json_object_set_string_member (would, "summary", summary);
          json_object_set_string_member (would, "policy", policy == AF_APPROVAL_POLICY_ASK ? "ask" : policy == AF_APPROVAL_POLICY_NEVER ? "never"
                                                                                                                                        : "auto");
          json_array_add_object_element (run->would_do, would);
          g_clear_pointer (&run->current, planned_free);
          continue;
        }

      if (policy == AF_APPROVAL_POLICY_NEVER)
        {
          g_autofree char *what = describe_action (p->action, p->params, p->item, FALSE);
          /* Translators: %s is an action ("Label “Invoice” as Finance") */
          g_autofree char *summary = g_strdup_printf (_ ("%s — skipped: this agent never does it"), what);

          run_log (run, "action-skipped", summary, NULL, "skipped");
          g_clear_pointer (&run->current, planned_free);
          continue;
        }

      /* Outbox first, side effect second. */
      stored = json_object_new ();
      json_object_set_object_member (stored, "params", json_object_ref (p->params));
      json_object_set_object_member (stored, "item", json_object_ref (p->item));
      json_object_set_string_member (stored, "rule", p->rule ? p->rule : "");
      stored_text = json_object_to_text (stored);
      entry = af_outbox_reserve (self->outbox, p->key, agent_id, run->run_id, p->action, stored_text,
                                 policy == AF_APPROVAL_POLICY_ASK ? AF_OUTBOX_WAITING : AF_OUTBOX_PENDING, &error);
      if (entry == NULL)
        {
          finish_run_with_error (run, error);
          return;
        }

      if (policy == AF_APPROVAL_POLICY_ASK)
        {
          /* A new entry (created by this reserve) has no approval yet. */
          if (g_str_equal (entry->state, AF_OUTBOX_WAITING) && entry->run_id == run->run_id)
            request_approval (run, p, entry);
          g_clear_pointer (&run->current, planned_free);
          continue;
        }

      if (g_str_equal (entry->state, AF_OUTBOX_DONE) || g_str_equal (entry->state, AF_OUTBOX_WAITING) || g_str_equal (entry->state, AF_OUTBOX_DENIED) || g_str_equal (entry->state, AF_OUTBOX_EXPIRED))
        {
          /* Done before (a retry, a crash), or up to the person. */
          g_clear_pointer (&run->current, planned_free);
          continue;
        }
      if (g_hash_table_contains (self->inflight, p->key) || ((g_str_equal (entry->state, AF_OUTBOX_EXECUTING) || g_str_equal (entry->state, AF_OUTBOX_PENDING)) && held_elsewhere (self, entry)))
        {
          const char *item_id = json_object_get_string_member_with_default (p->item, "id", "");

          /* Being done meanwhile, here (being reconciled, or in one of
           * this run's batches) or by another live process: not done yet,
           * so the item is not handled yet, unless this run's own batch
           * settles it. */
          if (!g_hash_table_contains (run->unsettled, item_id))
            hold_item (run, item_id);
          g_clear_pointer (&run->current, planned_free);
          continue;
        }
      if (g_str_equal (entry->state, AF_OUTBOX_FAILED) && !af_executor_is_batchable (p->action))
        {
          /* A send, draft, post or event that failed may still have
           * reached the service (a dropped connection): it is reported,
           * never repeated by a later run. Label changes are safe to
           * repeat and are. */
          g_clear_pointer (&run->current, planned_free);
          continue;
        }

      p->outbox_id = entry->id;
      g_hash_table_add (self->inflight, g_strdup (p->key));

      if (g_str_equal (entry->state, AF_OUTBOX_EXECUTING))
        {
          /* Left "executing" by a process that is gone, and not settled
           * when this one started (the service could not be asked then):
           * ask it now, then do it or not. */
          if (!af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_EXECUTING, NULL, &error) || !end_writes (run, &error))
            {
              finish_run_with_error (run, error);
              return;
            }
          af_executor_reconcile_async (self->executor, agent, p->action, p->params, p->item, p->key,
                                       run->cancellable, on_recover_cb, run);
          return;
        }

      if (af_executor_is_batchable (p->action))
        {
          /* "pending" (this process's) until its batch is sent. */
          if ((!g_str_equal (entry->state, AF_OUTBOX_PENDING) || g_strcmp0 (entry->owner, af_run_owner_get_id (self->owner)) != 0) && !af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_PENDING, NULL, &error))
            {
              finish_run_with_error (run, error);
              return;
            }
          if ((full = add_to_group (run, g_steal_pointer (&run->current))) == NULL)
            continue;
        }
      else if (!af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_EXECUTING, NULL, &error))
        {
          finish_run_with_error (run, error);
          return;
        }
      if (!end_writes (run, &error))
        {
          finish_run_with_error (run, error);
          return;
        }
      if (full != NULL)
        {
          /* A full batch goes out: on_batch_cb comes back here. */
          g_autofree char *key = g_strdup (full->key);
          gboolean         sent = send_group (run, full);

          g_hash_table_remove (run->groups, key);
          if (!sent && run->n_batches == 0)
            finish_run_with_error (run, run->write_error);
          return;
        }

      af_executor_execute_async (self->executor, agent, p->action, p->params, p->item, p->key, run->cancellable,
                                 on_execute_cb, run);
      return;
    }
}

/* Queues @actions (JsonObject: action, params, rule) for @item, then a
 * marker that records the item as seen once they are all through. */
static void
plan_actions (Run        *run,
              JsonObject *item,
              GPtrArray  *actions,
              const char *decided_by)
{
  const char *item_id = json_object_get_string_member_with_default (item, "id", "");
  GString    *decided = g_string_new (NULL);
  Planned    *seen;

  for (guint j = 0; j < actions->len; j++)
    {
      JsonObject *a = g_ptr_array_index (actions, j);
      Planned    *p = g_new0 (Planned, 1);
      JsonObject *params = json_object_has_member (a, "params") ? json_object_get_object_member (a, "params") : NULL;
      g_autoptr (JsonObject) empty = json_object_new ();

      p->action = g_strdup (json_object_get_string_member (a, "action"));
      p->params = expand_params (params ? params : empty, item);
      p->item = json_object_ref (item);
      p->rule = g_strdup (json_object_get_string_member_with_default (a, "rule", decided_by));
      p->key = idempotency_key (run->agent, item_id, p->action, p->params);
      g_queue_push_tail (run->planned, p);
      g_string_append_printf (decided, "%s%s", j ? ", " : "", p->action);
    }

  {
    g_autofree char *line = actions->len ? g_strdup_printf (_ ("“%s”: %s"), item_title (item), decided->str)
                                         : g_strdup_printf (_ ("“%s”: nothing to do"), item_title (item));
    g_autoptr (JsonObject) d = details_new ("item", item_id, "by", decided_by, NULL);

    json_object_set_int_member (d, "actions", actions->len);
    af_run_summary_add_item (d, item);
    if (actions->len == 0)
      run->n_left_alone++;
    run_log (run, "decided", line, d, NULL);
  }
  g_string_free (decided, TRUE);

  seen = g_new0 (Planned, 1);
  seen->mark_seen = TRUE;
  seen->item = json_object_ref (item);
  g_queue_push_tail (run->planned, seen);
}

/* The app-wide model, or the agent's own model and temperature on the
 * same server ("ai": { "model", "temperature" }). */
static AfLlmClient *
llm_for_agent (AfEngine *self,
               AfAgent  *agent)
{
  JsonObject      *ai = af_agent_get_ai (agent);
  const char      *model = ai ? json_object_get_string_member_with_default (ai, "model", NULL) : NULL;
  JsonNode        *temperature = ai ? json_object_get_member (ai, "temperature") : NULL;
  g_autofree char *key = NULL;
  AfLlmClient     *variant;

  if (temperature != NULL && !JSON_NODE_HOLDS_VALUE (temperature))
    temperature = NULL;
  if ((model == NULL || *model == '\0') && temperature == NULL)
    return self->llm;

  key = g_strdup_printf ("%s\n%g", model ? model : "", temperature ? json_node_get_double (temperature) : -1.0);
  variant = g_hash_table_lookup (self->llm_variants, key);
  if (variant == NULL)
    {
      variant = af_llm_client_copy_with_model (self->llm, model);
      if (temperature != NULL)
        af_llm_client_set_temperature (variant, json_node_get_double (temperature));
      g_hash_table_insert (self->llm_variants, g_steal_pointer (&key), variant);
    }
  return variant;
}

static gboolean
uses_ai (Run *run)
{
  JsonObject *ai = af_agent_get_ai (run->agent);

  return run->engine->llm != NULL && ai != NULL && json_object_get_boolean_member_with_default (ai, "enabled", FALSE);
}

static void
on_tool_loop_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run        *run = user_data;
  JsonObject *item = g_ptr_array_index (run->items, run->item_index - 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfToolLoopResult) loop = af_tool_loop_run_finish (result, &error);
  g_autoptr (JsonObject) details = NULL;
  g_autofree char *summary = NULL;

  if (loop == NULL)
    {
      finish_run_with_error (run, error);
      return;
    }

  for (guint i = 0; i < loop->rejected->len; i++)
    run_log (run, "ai-rejected", g_ptr_array_index (loop->rejected, i),
             NULL, "rejected");

  details = details_new ("item", json_object_get_string_member_with_default (item, "id", ""), "stopped",
                         loop->stopped, NULL);
  json_object_set_int_member (details, "steps", loop->steps);
  json_object_set_int_member (details, "tokens", loop->tokens);
  /* The number of steps is in the details. */
  summary = g_strdup_printf (ngettext ("The AI model proposed %u action", "The AI model proposed %u actions",
                                       loop->actions->len),
                             loop->actions->len);
  run_log (run, "ai-step", summary, details, NULL);

  plan_actions (run, item, loop->actions, "AI");
  decide_next_item (run);
}

static void
decide_next_item (Run *run)
{
  JsonArray *rules = af_agent_get_rules (run->agent);

  begin_writes (run);
  while (run->item_index < run->items->len)
    {
      JsonObject *item = g_ptr_array_index (run->items, run->item_index++);
      g_autoptr (GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);

      if (json_object_get_boolean_member_with_default (item, "untrusted", FALSE))
        run->read_untrusted = TRUE;

      if (uses_ai (run))
        {
          g_autoptr (GError) error = NULL;

          if (!end_writes (run, &error))
            {
              finish_run_with_error (run, error);
              return;
            }
          af_tool_loop_run_async (llm_for_agent (run->engine, run->agent), run->agent, item, run->cancellable,
                                  on_tool_loop_cb, run);
          return;
        }

      if (rules != NULL)
        af_rules_evaluate (rules, item, g_get_real_time (), actions);
      plan_actions (run, item, actions, "rules");
    }

  run_next_action (run);
}

static void
on_fetch_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run        *run = user_data;
  AfEngine   *self = run->engine;
  const char *agent_id = af_agent_get_id (run->agent);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (JsonObject) details = NULL;
  g_autofree char *summary = NULL;
  guint            n_new = 0;
  guint            first_run_days;
  const char      *source_name = json_object_get_string_member_with_default (af_agent_get_definition (run->agent),
                                                                             "source", "mail");

  items = af_executor_fetch_finish (AF_EXECUTOR (source), result, &error);
  if (items == NULL)
    {
      finish_run_with_error (run, error);
      return;
    }

  /* New items only: de-duplicated by id, across runs. */
  for (guint i = 0; i < items->len;)
    {
      const char *item_id = json_object_get_string_member_with_default (g_ptr_array_index (items, i), "id", NULL);

      if (item_id == NULL || is_seen (self, agent_id, item_id))
        g_ptr_array_remove_index (items, i);
      else
        i++;
    }
  n_new = items->len;
  details = json_object_new ();
  json_object_set_int_member (details, "new", n_new);
  json_object_set_string_member (details, "source",
                                 json_object_get_string_member_with_default (af_agent_get_definition (run->agent),
                                                                             "source", "mail"));
  first_run_days = af_agent_get_last_run (run->agent) == 0 && g_str_equal (source_name, "mail")
                       ? CLAMP (af_json_get_int (af_agent_get_definition (run->agent), "first_run_days", 0), 0, 365)
                       : 0;
  json_object_set_int_member (details, "first_run_days", first_run_days);
  if (first_run_days > 0)
    /* Translators: the first run of a mail agent; the second number is
     * a number of days (7 or 30). */
    summary = g_strdup_printf (ngettext ("Looked at %'u message from the last %u days",
                                         "Looked at %'u messages from the last %u days", n_new),
                               n_new, first_run_days);
  else
    summary = g_strdup_printf (ngettext ("Fetched %u new item", "Fetched %u new items", n_new), n_new);
  run_log (run, "fetched", summary, details, NULL);

  run->items = g_steal_pointer (&items);
  run->item_index = 0;
  decide_next_item (run);
}

static gboolean
on_run_timeout_cb (gpointer user_data)
{
  Run *run = user_data;

  run->timeout_id = 0;
  run->timed_out = TRUE;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

static void
start_run (Run *run)
{
  AfEngine   *self = run->engine;
  const char *agent_id = af_agent_get_id (run->agent);
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt;
  const char   *source;

  if (run->test_only)
    {
      /* Not a run of a saved agent: no slot, no row, no signal. */
      g_ptr_array_add (self->tests, run);
      stmt = NULL;
    }
  else
    {
      g_hash_table_insert (self->running, g_strdup (agent_id), run);
      claim_owner (self);
      stmt = af_database_prepare (self->db,
                                  "INSERT INTO runs (agent_id, started_at, dry_run, owner) VALUES (?1, ?2, ?3, ?4)",
                                  &error);
    }
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
      sqlite3_bind_int (stmt, 3, run->dry_run);
      sqlite3_bind_text (stmt, 4, af_run_owner_get_id (self->owner), -1, SQLITE_TRANSIENT);
      if (af_database_step_done (self->db, stmt, &error))
        run->run_id = sqlite3_last_insert_rowid (af_database_get_handle (self->db));
    }
  if (error != NULL)
    {
      finish_run (run, "failed", error);
      return;
    }

  run_log (run, "run-started", run->dry_run ? _ ("Test run started") : _ ("Run started"), NULL, NULL);
  if (!run->test_only)
    g_signal_emit (self, signals[RUN_STARTED], 0, agent_id, run->run_id);

  if (self->run_timeout_s > 0)
    run->timeout_id = af_timeout_add_seconds_named (self->run_timeout_s, "[agentflow] run timeout", on_run_timeout_cb, run);

  source = json_object_get_string_member_with_default (af_agent_get_definition (run->agent), "source", "mail");
  af_executor_fetch_async (self->executor, run->agent, source, run->cancellable, on_fetch_cb, run);
}

static void
start_queued (AfEngine *self)
{
  /* Not before what an earlier process left unfinished is settled: a run
   * would take those actions for done, or do them a second time. */
  if (self->n_reconciling > 0)
    return;
  while (g_hash_table_size (self->running) < self->max_concurrent && !g_queue_is_empty (self->queue))
    start_run (g_queue_pop_head (self->queue));
}

static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        Run          *run)
{
  g_cancellable_cancel (run->cancellable);
}

/* Scheduling. */

static void
schedule_agent (AfEngine *self,
                AfAgent  *agent,
                gint64    after)
{
  JsonObject *trigger = af_agent_get_trigger (agent);
  guint       failures = GPOINTER_TO_UINT (g_hash_table_lookup (self->failures, af_agent_get_id (agent)));
  gint64      next = 0;

  if (trigger != NULL)
    next = af_scheduler_next_run (trigger, after, NULL);
  if (next > 0 && failures > 0)
    {
      /* Exponential backoff, capped; a later regular run wins if sooner. */
      gint64 delay = (gint64)BACKOFF_BASE_S << MIN (failures - 1, 16);

      next = MIN (next, after + MIN (delay, BACKOFF_MAX_S) * G_USEC_PER_SEC);
    }

  af_agent_set_next_run (agent, next);
  af_scheduler_set (self->scheduler, af_agent_get_id (agent), next);
}

static void
on_scheduled_run_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (GError) error = NULL;

  answer = af_engine_run_agent_finish (AF_ENGINE (source), result, &error);
  if (answer == NULL)
    g_debug ("Scheduled run failed: %s", error->message);
}

static gboolean
is_online (AfEngine *self)
{
  return self->monitor == NULL || g_network_monitor_get_network_available (self->monitor);
}

static void
on_scheduler_due_cb (AfScheduler *scheduler,
                     const char  *agent_id,
                     AfEngine    *self)
{
  AfAgent *agent;

  if (g_str_equal (agent_id, APPROVALS_KEY))
    {
      af_engine_expire_approvals (self, g_get_real_time ());
      return;
    }
  if (g_str_equal (agent_id, RETENTION_KEY))
    {
      /* Once a day, on the same single timer. */
      af_activity_log_prune (self->log, g_get_real_time (), NULL);
      af_scheduler_set (self->scheduler, RETENTION_KEY, g_get_real_time () + G_TIME_SPAN_DAY);
      return;
    }

  agent = af_engine_lookup_agent (self, agent_id);
  if (agent == NULL || af_agent_get_state (agent) != AF_AGENT_STATE_ACTIVE)
    return;

  if (!is_online (self))
    {
      /* Deferred, not dropped: runs once when the network returns. */
      g_hash_table_add (self->deferred, g_strdup (agent_id));
      log_step (self, agent_id, 0, "deferred", _ ("Offline: the run will start when the network is back"), NULL,
                "deferred", NULL);
      return;
    }

  if (af_engine_is_running (self, agent_id))
    {
      schedule_agent (self, agent, g_get_real_time ());
      return;
    }

  af_engine_run_agent_async (self, agent_id, AF_RUN_FLAGS_NONE, NULL, on_scheduled_run_cb, NULL);
}

static void
on_network_changed_cb (GNetworkMonitor *monitor,
                       gboolean         available,
                       AfEngine        *self)
{
  g_autoptr (GList) ids = NULL;

  if (!available || g_hash_table_size (self->deferred) == 0)
    return;

  /* Steal the set first: a run that fails at once may defer again. */
  ids = g_hash_table_get_keys (self->deferred);
  g_hash_table_steal_all (self->deferred);
  for (GList *l = ids; l; l = l->next)
    {
      AfAgent *agent = af_engine_lookup_agent (self, l->data);

      /* Paused, deleted or waiting for a reconnect since: not now. */
      if (agent != NULL && af_agent_get_state (agent) == AF_AGENT_STATE_ACTIVE && !af_engine_is_running (self, l->data))
        af_engine_run_agent_async (self, l->data, AF_RUN_FLAGS_NONE, NULL, on_scheduled_run_cb, NULL);
      g_free (l->data);
    }
}

/* Reconciliation after a crash. */

typedef struct
{
  AfEngine      *engine;
  AfOutboxEntry *entry;
} Reconcile;

static void
reconcile_free (Reconcile *r)
{
  g_object_unref (r->engine);
  af_outbox_entry_free (r->entry);
  g_free (r);
}

/* One entry of a reconcile pass is settled (or left as it was). */
static void
reconcile_step_done (AfEngine *self)
{
  g_assert (self->n_reconciling > 0);
  if (--self->n_reconciling == 0)
    start_queued (self);
}

static void
on_reexecute_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Reconcile *r = user_data;
  AfEngine  *self = r->engine;
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = af_executor_execute_finish (AF_EXECUTOR (source), result, &error);
  g_autoptr (JsonObject) details = details_new ("action", r->entry->action, "key", r->entry->key, NULL);

  g_hash_table_remove (self->inflight, r->entry->key);
  if (answer != NULL)
    {
      gboolean owned = outcome_begin (self);

      af_outbox_set_state (self->outbox, r->entry->id, AF_OUTBOX_DONE, answer, NULL);
      log_step (self, r->entry->agent_id, r->entry->run_id, "action-done",
                _ ("Finished an action interrupted earlier"), details, "done", NULL);
      outcome_end (self, owned);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gboolean owned = outcome_begin (self);

      af_outbox_set_state (self->outbox, r->entry->id, AF_OUTBOX_FAILED, error->message, NULL);
      log_step (self, r->entry->agent_id, r->entry->run_id, "action-failed", error->message, details, "failed", NULL);
      outcome_end (self, owned);
    }
  reconcile_free (r);
  reconcile_step_done (self);
}

static void
execute_entry (AfEngine      *self,
               AfOutboxEntry *entry,
               gboolean       was_unknown)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  AfAgent    *agent = af_engine_lookup_agent (self, entry->agent_id);
  JsonObject *stored, *params, *item;
  Reconcile  *r;

  if (agent == NULL || !json_parser_load_from_data (parser, entry->params, -1, NULL))
    {
      af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_FAILED, "agent or parameters gone", NULL);
      af_outbox_entry_free (entry);
      reconcile_step_done (self);
      return;
    }
  stored = json_node_get_object (json_parser_get_root (parser));
  params = json_object_get_object_member (stored, "params");
  item = json_object_get_object_member (stored, "item");

  /* Re-check the gate: permissions may have changed since. */
  if (!af_agent_has_permission (agent, af_action_get_permission (entry->action)))
    {
      af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_DENIED, "permission withdrawn", NULL);
      af_outbox_entry_free (entry);
      reconcile_step_done (self);
      return;
    }

  af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_EXECUTING, NULL, NULL);
  g_hash_table_add (self->inflight, g_strdup (entry->key));
  r = g_new0 (Reconcile, 1);
  r->engine = g_object_ref (self);
  r->entry = entry;
  af_executor_execute_async (self->executor, agent, entry->action, params, item, entry->key, NULL, on_reexecute_cb,
                             r);
}

static void
on_reconcile_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Reconcile *r = user_data;
  AfEngine  *self = r->engine;
  g_autoptr (GError) error = NULL;
  gboolean happened = af_executor_reconcile_finish (AF_EXECUTOR (source), result, &error);

  if (happened)
    {
      g_autoptr (JsonObject) details = details_new ("action", r->entry->action, "key", r->entry->key, NULL);
      gboolean owned;

      g_hash_table_remove (self->inflight, r->entry->key);
      owned = outcome_begin (self);
      af_outbox_set_state (self->outbox, r->entry->id, AF_OUTBOX_DONE, "{\"reconciled\":true}", NULL);
      log_step (self, r->entry->agent_id, r->entry->run_id, "action-done",
                _ ("Confirmed an action done before an interruption"), details, "done", NULL);
      outcome_end (self, owned);
      reconcile_free (r);
      reconcile_step_done (self);
    }
  else if (error == NULL)
    {
      AfOutboxEntry *entry = g_steal_pointer (&r->entry);

      /* The engine stays alive: this step is not done yet. */
      g_hash_table_remove (self->inflight, entry->key);
      g_object_unref (r->engine);
      g_free (r);
      execute_entry (self, entry, TRUE);
    }
  else
    {
      /* Left "executing": the next run of its agent asks again. */
      g_warning ("Could not reconcile %s: %s", r->entry->key, error->message);
      g_hash_table_remove (self->inflight, r->entry->key);
      reconcile_free (r);
      reconcile_step_done (self);
    }
}

/* Settles what a process that is gone left unfinished in the outbox:
 * "executing" (it may or may not have happened: ask the service, then do
 * it or not) and "pending" (never started: do it). Entries another live
 * process holds are its own. Runs wait until this is through. */
static void
reconcile_outbox (AfEngine *self)
{
  g_autoptr (GPtrArray) executing = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GError) error = NULL;

  if (self->executor == NULL)
    return;
  self->outbox_reconciled = TRUE;
  claim_owner (self);
  executing = af_outbox_list (self->outbox, AF_OUTBOX_EXECUTING, &error);
  if (executing != NULL)
    pending = af_outbox_list (self->outbox, AF_OUTBOX_PENDING, &error);
  if (error != NULL)
    {
      /* Runs still check each entry they meet. */
      g_warning ("Could not read the outbox: %s", error->message);
      return;
    }

  /* Held until every entry is on its way: one settling at once must not
   * let the runs start. */
  self->n_reconciling++;
  for (guint i = 0; i < executing->len; i++)
    {
      Reconcile *r;
      g_autoptr (JsonParser) parser = json_parser_new ();
      AfOutboxEntry *entry = g_ptr_array_index (executing, i);
      JsonObject    *stored = NULL;

      if (g_hash_table_contains (self->inflight, entry->key) || held_elsewhere (self, entry))
        continue;
      r = g_new0 (Reconcile, 1);
      r->engine = g_object_ref (self);
      r->entry = g_steal_pointer (&executing->pdata[i]);
      /* Ours now: another process starting meanwhile leaves it alone. */
      af_outbox_set_state (self->outbox, r->entry->id, AF_OUTBOX_EXECUTING, NULL, NULL);
      g_hash_table_add (self->inflight, g_strdup (r->entry->key));
      self->n_reconciling++;
      if (json_parser_load_from_data (parser, r->entry->params, -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        stored = json_node_get_object (json_parser_get_root (parser));
      af_executor_reconcile_async (self->executor, af_engine_lookup_agent (self, r->entry->agent_id), r->entry->action,
                                   stored ? json_object_get_object_member (stored, "params") : NULL,
                                   stored ? json_object_get_object_member (stored, "item") : NULL, r->entry->key, NULL,
                                   on_reconcile_cb, r);
    }
  for (guint i = 0; i < pending->len; i++)
    {
      AfOutboxEntry *entry = g_ptr_array_index (pending, i);

      if (g_hash_table_contains (self->inflight, entry->key) || held_elsewhere (self, entry))
        continue;
      self->n_reconciling++;
      execute_entry (self, g_steal_pointer (&pending->pdata[i]), FALSE);
    }
  reconcile_step_done (self);
}

/* GObject. */

static void
af_engine_dispose (GObject *object)
{
  AfEngine *self = (AfEngine *)object;

  af_engine_shutdown (self);
  if (self->monitor != NULL && self->monitor_handler != 0)
    g_signal_handler_disconnect (self->monitor, self->monitor_handler);
  self->monitor_handler = 0;
  g_clear_object (&self->monitor);
  g_clear_object (&self->llm);
  if (self->llm_variants != NULL)
    g_hash_table_remove_all (self->llm_variants);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->executor);
  g_clear_object (&self->log);
  g_clear_object (&self->outbox);
  g_clear_object (&self->agents);
  g_clear_object (&self->approval_queue);
  g_clear_object (&self->approvals);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (af_engine_parent_class)->dispose (object);
}

static void
af_engine_finalize (GObject *object)
{
  AfEngine *self = (AfEngine *)object;

  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->inflight, g_hash_table_unref);
  g_clear_pointer (&self->deferred, g_hash_table_unref);
  g_clear_pointer (&self->tests, g_ptr_array_unref);
  g_clear_pointer (&self->llm_variants, g_hash_table_unref);
  g_clear_pointer (&self->owner, af_run_owner_free);
  g_queue_free (self->queue);

  G_OBJECT_CLASS (af_engine_parent_class)->finalize (object);
}

static void
af_engine_class_init (AfEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_engine_dispose;
  object_class->finalize = af_engine_finalize;

  /**
   * AfEngine::run-started:
   * @agent_id: the agent
   * @run_id: the run's row id
   */
  signals[RUN_STARTED] = g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
  /**
   * AfEngine::run-finished:
   * @agent_id: the agent
   * @run_id: the run's row id
   * @outcome: "succeeded", "failed", "cancelled" or "timed-out"
   */
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_STRING);
  /**
   * AfEngine::agent-deleted:
   * @agent_id: the agent that is gone
   *
   * Emitted after the agent was deleted, e.g. to revoke credentials
   * that belonged to it alone.
   */
  signals[AGENT_DELETED] = g_signal_new ("agent-deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                         NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
af_engine_init (AfEngine *self)
{
  self->agents = g_list_store_new (AF_TYPE_AGENT);
  self->approvals = g_list_store_new (AF_TYPE_APPROVAL);
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->inflight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->deferred = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->tests = g_ptr_array_new ();
  self->llm_variants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->queue = g_queue_new ();
  self->max_concurrent = DEFAULT_MAX_CONCURRENT;
  self->run_timeout_s = DEFAULT_RUN_TIMEOUT_S;
  self->approval_ttl_s = DEFAULT_APPROVAL_TTL_S;
}

/* Public API. */

AfEngine *
af_engine_new (AfDatabase *db,
               AfExecutor *executor)
{
  AfEngine *self;

  g_return_val_if_fail (AF_IS_DATABASE (db), NULL);
  g_return_val_if_fail (executor == NULL || AF_IS_EXECUTOR (executor), NULL);

  self = g_object_new (AF_TYPE_ENGINE, NULL);
  self->db = g_object_ref (db);
  self->executor = executor ? g_object_ref (executor) : NULL;
  self->log = af_activity_log_new (db);
  self->outbox = af_outbox_new (db);
  self->scheduler = af_scheduler_new ();
  g_signal_connect (self->scheduler, "due", G_CALLBACK (on_scheduler_due_cb), self);
  af_engine_set_network_monitor (self, g_network_monitor_get_default ());

  /* Agents are there from the start, so a CLI can list them unstarted. */
  load_agents (self, NULL);
  return self;
}

/* The sample account for each service @template uses, with only the
 * permissions it asks for: Integrations' "Used by" then says which sample
 * agent uses what, and none holds more than it needs. */
static JsonArray *
sample_connections (AfTemplate *template)
{
  JsonArray         *connections = json_array_new ();
  const char *const *services = af_template_get_services (template);
  const char *const *granted = af_template_get_permissions (template);

  for (guint i = 0; services != NULL && services[i] != NULL; i++)
    {
      JsonObject      *c = json_object_new ();
      JsonArray       *perms = json_array_new ();
      g_autofree char *prefix = g_strconcat (services[i], ".", NULL);

      for (guint j = 0; granted != NULL && granted[j] != NULL; j++)
        if (g_str_has_prefix (granted[j], prefix))
          json_array_add_string_element (perms, granted[j]);
      json_object_set_string_member (c, "service", services[i]);
      json_object_set_string_member (c, "account", "sample@example.com");
      json_object_set_array_member (c, "permissions", perms);
      json_array_add_object_element (connections, c);
    }
  return connections;
}

/* The sample Email Assistant looks for new mail every minute, and
 * answers requests to confirm a time itself, after asking first (the
 * template's "send": "ask"): someone trying the app sees approvals. */
static void
sample_email_assistant (AfAgent *agent)
{
  JsonObject *definition = af_agent_get_definition (agent);
  JsonObject *trigger = json_object_get_object_member (definition, "trigger");
  JsonArray  *rules = json_object_get_array_member (definition, "rules");
  JsonNode   *rule = json_from_string ("{\"name\": \"Confirm meeting times\", \"match\": \"all\","
                                         " \"conditions\": [{\"field\": \"subject\", \"op\": \"contains\","
                                         " \"value\": \"Can you confirm\"}],"
                                         " \"actions\": [{\"action\": \"send\", \"params\": {\"body\":"
                                         " \"Hi,\\n\\nThat works for me, see you then.\\n\"}}]}",
                                       NULL);
  JsonArray  *connections = json_object_get_array_member (definition, "connections");

  json_object_set_int_member (trigger, "minutes", 1);
  json_array_add_element (rules, rule);
  /* The rule sends, so the agent holds that permission, and no more. */
  for (guint i = 0; connections != NULL && i < json_array_get_length (connections); i++)
    {
      JsonObject *c = json_array_get_object_element (connections, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (c, "service", NULL), "gmail") == 0)
        json_array_add_string_element (json_object_get_array_member (c, "permissions"), "gmail.send");
    }
}

AfEngine *
af_engine_new_for_sandbox (GError **error)
{
  return af_engine_new_for_sandbox_with_executor (NULL, error);
}

/**
 * af_engine_new_for_sandbox_with_executor:
 * @executor: (nullable): e.g. an AfServicesExecutor on an in-process
 *   AfSandbox; %NULL for the in-memory sample workspace
 *
 * An engine on the separate sandbox data directory, with one agent per
 * template connected to the sample accounts the first time.
 */
AfEngine *
af_engine_new_for_sandbox_with_executor (AfExecutor *executor,
                                         GError    **error)
{
  g_autofree char *dir = af_paths_get_data_dir (TRUE);
  g_autofree char *path = af_paths_get_database_path (TRUE);
  g_autofree char *journal = NULL;
  g_autoptr (AfDatabase) db = NULL;
  g_autoptr (AfExecutor) sample = NULL;
  AfEngine *self;

  if (g_mkdir_with_parents (dir, 0700) < 0)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_FAILED, _ ("Could not create %s"), dir);
      return NULL;
    }
  db = af_database_open (path, error);
  if (db == NULL)
    return NULL;
  if (executor == NULL)
    {
      journal = g_build_filename (dir, "sample-workspace.journal", NULL);
      sample = AF_EXECUTOR (af_sample_executor_new (journal));
      executor = sample;
    }
  self = af_engine_new (db, executor);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->agents)) == 0)
    {
      static const char *const ids[] = { "email-assistant", "calendar-manager", "slack-notifier" };

      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        {
          AfTemplate *template = af_template_lookup (ids[i]);
          g_autoptr (JsonArray) connections = sample_connections (template);
          g_autoptr (AfAgent) agent = af_template_create_agent (template, NULL, connections);

          if (g_str_equal (ids[i], "email-assistant"))
            sample_email_assistant (agent);
          /* The sample mailbox is already there when the app first starts:
           * a newcomer sees the agents sort it, not only what arrives later. */
          if (g_strcmp0 (json_object_get_string_member_with_default (af_agent_get_definition (agent), "source", NULL), "mail") == 0)
            json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 7);
          /* Due at once, so someone trying the app sees them work. */
          af_agent_set_next_run (agent, g_get_real_time ());
          if (!af_engine_add_agent (self, agent, error))
            {
              g_object_unref (self);
              return NULL;
            }
        }
    }
  return self;
}

/* Runs left "running" by a process that is gone (a crash, a kill, a full
 * disk): finished, not successful. A run another live process is doing
 * (the app while `agentflow --run-agent` runs, or the other way round)
 * stays as it is. */
static gboolean
recover_runs (AfEngine *self,
              GError  **error)
{
  const char *path = af_database_get_path (self->db);
  g_autoptr (GArray) ended = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  gint64        now = g_get_real_time ();

  stmt = af_database_prepare (self->db, "SELECT id, owner FROM runs WHERE outcome = 'running'", error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64      id = sqlite3_column_int64 (stmt, 0);
      const char *owner = (const char *)sqlite3_column_text (stmt, 1);

      if (self->owner != NULL && g_strcmp0 (owner, af_run_owner_get_id (self->owner)) == 0)
        continue;
      if (owner != NULL && af_run_owner_is_alive (path, owner))
        continue;
      g_array_append_val (ended, id);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < ended->len; i++)
    {
      stmt = af_database_prepare (self->db,
                                  "UPDATE runs SET outcome = 'interrupted', finished_at = ?1"
                                  " WHERE id = ?2 AND outcome = 'running'",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, now);
      sqlite3_bind_int64 (stmt, 2, g_array_index (ended, gint64, i));
      if (!af_database_step_done (self->db, stmt, error))
        return FALSE;
    }
  if (ended->len > 0)
    g_debug ("%u interrupted runs recorded as such", ended->len);
  self->runs_recovered = TRUE;
  return TRUE;
}

gboolean
af_engine_start (AfEngine *self,
                 GError  **error)
{
  gint64      now = g_get_real_time ();
  GListModel *agents;

  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);

  if (self->started)
    return TRUE;
  /* The agents were loaded by af_engine_new(); objects the UI holds stay valid. */
  self->started = TRUE;

  /* Pending approvals back into the list model. */
  {
    sqlite3_stmt *stmt = af_database_prepare (self->db,
                                              "SELECT id, outbox_id, agent_id, action, target, preview, reason,"
                                              " created_at, expires_at FROM approvals WHERE state = 'pending' ORDER BY id",
                                              error);
    if (stmt == NULL)
      return FALSE;
    g_list_store_remove_all (self->approvals);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        g_autoptr (AfApproval) a =
            af_approval_new (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                             (const char *)sqlite3_column_text (stmt, 2), (const char *)sqlite3_column_text (stmt, 3),
                             (const char *)sqlite3_column_text (stmt, 4), (const char *)sqlite3_column_text (stmt, 5),
                             (const char *)sqlite3_column_text (stmt, 6), sqlite3_column_int64 (stmt, 7),
                             sqlite3_column_int64 (stmt, 8));
        g_autoptr (AfOutboxEntry) entry = af_outbox_get (self->outbox, af_approval_get_outbox_id (a), NULL);

        if (entry != NULL)
          af_approval_set_context (a, entry->run_id, entry->params);
        g_list_store_append (self->approvals, a);
      }
    sqlite3_reset (stmt);
  }
  af_engine_expire_approvals (self, now);
  af_activity_log_prune (self->log, now, NULL);
  af_scheduler_set (self->scheduler, RETENTION_KEY, now + G_TIME_SPAN_DAY);

  if (!recover_runs (self, error))
    return FALSE;
  if (self->executor != NULL)
    reconcile_outbox (self);

  agents = G_LIST_MODEL (self->agents);
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);
      gint64 next = af_agent_get_next_run (agent);

      if (af_agent_get_state (agent) != AF_AGENT_STATE_ACTIVE)
        continue;
      /* A run missed while we were not running happens once, now. */
      if (next > 0)
        af_scheduler_set (self->scheduler, af_agent_get_id (agent), next);
      else
        schedule_agent (self, agent, now);
    }
  return TRUE;
}

void
af_engine_shutdown (AfEngine *self)
{
  GHashTableIter iter;
  gpointer       run;

  g_return_if_fail (AF_IS_ENGINE (self));

  self->started = FALSE;
  while (self->queue != NULL && !g_queue_is_empty (self->queue))
    {
      Run   *queued = g_queue_pop_head (self->queue);
      GTask *task = queued->task;

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Shutting down");
      g_object_unref (task);
    }
  if (self->running != NULL)
    {
      g_hash_table_iter_init (&iter, self->running);
      while (g_hash_table_iter_next (&iter, NULL, &run))
        g_cancellable_cancel (((Run *)run)->cancellable);
    }
  for (guint i = 0; self->tests != NULL && i < self->tests->len; i++)
    g_cancellable_cancel (((Run *)g_ptr_array_index (self->tests, i))->cancellable);
}

AfDatabase *
af_engine_get_database (AfEngine *self)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);
  return self->db;
}

AfExecutor *
af_engine_get_executor (AfEngine *self)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);
  return self->executor;
}

AfActivityLog *
af_engine_get_activity_log (AfEngine *self)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);
  return self->log;
}

AfScheduler *
af_engine_get_scheduler (AfEngine *self)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);
  return self->scheduler;
}

GListModel *
af_engine_get_agents (AfEngine *self)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);
  return G_LIST_MODEL (self->agents);
}

GListModel *
af_engine_get_approvals (AfEngine *self)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);
  return G_LIST_MODEL (self->approvals);
}

GListModel *
af_engine_get_templates (AfEngine *self)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);
  return af_template_get_all ();
}

AfActivityModel *
af_engine_create_activity_model (AfEngine   *self,
                                 const char *agent_id,
                                 const char *kind)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);
  return af_activity_model_new (self->log, agent_id, kind);
}

/**
 * af_engine_lookup_agent:
 *
 * Returns: (transfer none) (nullable): the agent
 */
AfAgent *
af_engine_lookup_agent (AfEngine   *self,
                        const char *id)
{
  guint position;
  g_autoptr (AfAgent) agent = NULL;

  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);

  if (id == NULL || !find_agent (self, id, &position))
    return NULL;
  agent = g_list_model_get_item (G_LIST_MODEL (self->agents), position);
  return agent; /* the store keeps it alive */
}

gboolean
af_engine_add_agent (AfEngine *self,
                     AfAgent  *agent,
                     GError  **error)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (AF_IS_AGENT (agent), FALSE);

  if (!af_agent_validate_definition (af_agent_get_definition (agent), error))
    return FALSE;
  if (find_agent (self, af_agent_get_id (agent), NULL))
    {
      g_set_error (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("An agent with this id already exists"));
      return FALSE;
    }
  if (!save_agent_row (self, agent, error))
    return FALSE;
  g_list_store_append (self->agents, agent);
  if (self->started && af_agent_get_state (agent) == AF_AGENT_STATE_ACTIVE)
    schedule_agent (self, agent, g_get_real_time ());
  return TRUE;
}

gboolean
af_engine_save_agent (AfEngine *self,
                      AfAgent  *agent,
                      GError  **error)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (AF_IS_AGENT (agent), FALSE);

  if (!af_agent_validate_definition (af_agent_get_definition (agent), error))
    return FALSE;
  if (!save_agent_row (self, agent, error))
    return FALSE;
  if (self->started && af_agent_get_state (agent) == AF_AGENT_STATE_ACTIVE)
    schedule_agent (self, agent, g_get_real_time ());
  return TRUE;
}

static void
cancel_agent_runs (AfEngine   *self,
                   const char *id)
{
  Run *run = g_hash_table_lookup (self->running, id);

  if (run != NULL)
    g_cancellable_cancel (run->cancellable);
  for (GList *l = self->queue->head; l; l = l->next)
    {
      Run *queued = l->data;

      if (g_strcmp0 (af_agent_get_id (queued->agent), id) == 0)
        {
          GTask *task = queued->task;

          g_queue_delete_link (self->queue, l);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
          g_object_unref (task);
          break;
        }
    }
}

/* Statements of a delete, in order: approvals before the outbox rows
 * they point at. ?1 is the agent id. */
static const char *const forget_sql[] = {
  "DELETE FROM approvals WHERE agent_id = ?1 AND state != 'pending'",
  "DELETE FROM outbox WHERE agent_id = ?1 AND state IN ('done', 'failed', 'denied', 'expired')"
  " AND id NOT IN (SELECT outbox_id FROM approvals)",
  /* A run still going is being cancelled and writes nothing more. */
  "DELETE FROM runs WHERE agent_id = ?1",
  "DELETE FROM seen_items WHERE agent_id = ?1",
  /* The activity_counts trigger keeps the counters right row by row;
   * the agent's emptied counters go too. */
  "DELETE FROM activity WHERE agent_id = ?1",
  "DELETE FROM activity_counts WHERE agent_id = ?1 AND n <= 0",
};

static gboolean
exec_for_agent (AfEngine   *self,
                const char *sql,
                const char *id,
                GError    **error)
{
  sqlite3_stmt *stmt = af_database_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  return af_database_step_done (self->db, stmt, error);
}

/* Pending approvals of a deleted agent can never be carried out. */
static void
withdraw_approvals (AfEngine   *self,
                    const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->approvals));)
    {
      g_autoptr (AfApproval) a = g_list_model_get_item (G_LIST_MODEL (self->approvals), i);

      if (g_strcmp0 (af_approval_get_agent_id (a), id) == 0)
        {
          g_list_store_remove (self->approvals, i);
          continue;
        }
      i++;
    }
}

gboolean
af_engine_delete_agent (AfEngine   *self,
                        const char *id,
                        GError    **error)
{
  return af_engine_delete_agent_full (self, id, FALSE, error);
}

/**
 * af_engine_delete_agent_full:
 * @remove_activity: %FALSE keeps the agent's history (the activity log
 *   still tells what it did); %TRUE forgets it: its activity, finished
 *   runs, finished outbox entries and seen items, so metrics drop too
 *
 * Cancels the agent's run, withdraws its pending approvals and deletes
 * it, all in one transaction. Emits #AfEngine::agent-deleted after.
 */
gboolean
af_engine_delete_agent_full (AfEngine   *self,
                             const char *id,
                             gboolean    remove_activity,
                             GError    **error)
{
  g_autofree char *agent_id = NULL;
  guint            position;

  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!find_agent (self, id, &position))
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No agent “%s”"), id);
      return FALSE;
    }
  /* @id may belong to the agent about to be dropped. */
  agent_id = g_strdup (id);

  if (!af_database_begin (self->db, error))
    return FALSE;
  if (!exec_for_agent (self,
                       "UPDATE outbox SET state = 'expired', updated_at = ?2"
                       " WHERE id IN (SELECT outbox_id FROM approvals WHERE agent_id = ?1 AND state = 'pending')",
                       agent_id, error) ||
      !exec_for_agent (self, "UPDATE approvals SET state = 'expired' WHERE agent_id = ?1 AND state = 'pending'",
                       agent_id, error) ||
      /* Its own sync cursors (scope: the agent) serve no one else. */
      !exec_for_agent (self, "DELETE FROM sync_cursors WHERE scope = ?1", agent_id, error) ||
      !exec_for_agent (self, "DELETE FROM agents WHERE id = ?1", agent_id, error))
    {
      af_database_rollback (self->db);
      return FALSE;
    }
  for (guint i = 0; remove_activity && i < G_N_ELEMENTS (forget_sql); i++)
    if (!exec_for_agent (self, forget_sql[i], agent_id, error))
      {
        af_database_rollback (self->db);
        return FALSE;
      }
  if (!af_database_commit (self->db, error))
    return FALSE;

  {
    Run *run = g_hash_table_lookup (self->running, agent_id);

    /* Its cancellation must not write the agent or its steps back. */
    if (run != NULL)
      run->deleted = TRUE;
  }
  cancel_agent_runs (self, agent_id);
  af_scheduler_remove (self->scheduler, agent_id);
  g_hash_table_remove (self->failures, agent_id);
  g_hash_table_remove (self->deferred, agent_id);
  withdraw_approvals (self, agent_id);
  g_list_store_remove (self->agents, position);
  g_signal_emit (self, signals[AGENT_DELETED], 0, agent_id);
  return TRUE;
}

gboolean
af_engine_pause_agent (AfEngine   *self,
                       const char *id,
                       GError    **error)
{
  AfAgent *agent;

  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);

  agent = af_engine_lookup_agent (self, id);
  if (agent == NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No agent “%s”"), id);
      return FALSE;
    }
  af_agent_set_state (agent, AF_AGENT_STATE_PAUSED, NULL);
  af_agent_set_next_run (agent, 0);
  af_scheduler_remove (self->scheduler, id);
  g_hash_table_remove (self->deferred, id);
  cancel_agent_runs (self, id);
  log_step (self, id, 0, "paused", _ ("Agent paused"), NULL, NULL, NULL);
  return save_agent_row (self, agent, error);
}

gboolean
af_engine_resume_agent (AfEngine   *self,
                        const char *id,
                        GError    **error)
{
  AfAgent *agent;

  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);

  agent = af_engine_lookup_agent (self, id);
  if (agent == NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No agent “%s”"), id);
      return FALSE;
    }
  af_agent_set_state (agent, AF_AGENT_STATE_ACTIVE, NULL);
  g_hash_table_remove (self->failures, id);
  if (self->started)
    schedule_agent (self, agent, g_get_real_time ());
  else
    af_agent_set_next_run (agent, af_scheduler_next_run (af_agent_get_trigger (agent), g_get_real_time (), NULL));
  log_step (self, id, 0, "resumed", _ ("Agent resumed"), NULL, NULL, NULL);
  return save_agent_row (self, agent, error);
}

gboolean
af_engine_is_running (AfEngine   *self,
                      const char *id)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);

  if (g_hash_table_contains (self->running, id))
    return TRUE;
  for (GList *l = self->queue->head; l; l = l->next)
    if (!((Run *)l->data)->test_only && g_strcmp0 (af_agent_get_id (((Run *)l->data)->agent), id) == 0)
      return TRUE;
  return FALSE;
}

gboolean
af_engine_export_agent (AfEngine   *self,
                        const char *id,
                        GFile      *file,
                        GError    **error)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  AfAgent         *agent;

  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  agent = af_engine_lookup_agent (self, id);
  if (agent == NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No agent “%s”"), id);
      return FALSE;
    }
  node = af_agent_to_json (agent);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, NULL, error);
}

/**
 * af_engine_import_agent:
 *
 * Returns: (transfer none): the new agent; a fresh id when the file's id
 *   is already taken
 */
AfAgent *
af_engine_import_agent (AfEngine *self,
                        GFile    *file,
                        GError  **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AfAgent) agent = NULL;
  g_autofree char *contents = NULL;
  gsize            length;

  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  if (!json_parser_load_from_data (parser, contents, length, error))
    {
      g_prefix_error (error, _ ("Not an agent file: "));
      return NULL;
    }
  agent = af_agent_new_from_json (json_parser_get_root (parser), error);
  if (agent == NULL)
    return NULL;
  if (af_template_lookup (af_agent_get_template_id (agent)) == NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA, "template: unknown template “%s”",
                   af_agent_get_template_id (agent));
      return NULL;
    }
  if (find_agent (self, af_agent_get_id (agent), NULL))
    {
      g_autoptr (AfAgent) copy = af_agent_new (NULL, af_agent_get_name (agent), af_agent_get_template_id (agent),
                                               af_agent_get_definition (agent));

      af_agent_set_description (copy, af_agent_get_description (agent));
      g_set_object (&agent, copy);
    }
  if (!af_engine_add_agent (self, agent, error))
    return NULL;
  return agent;
}

static Run *
run_new (AfEngine     *self,
         AfAgent      *agent,
         GTask        *task,
         AfRunFlags    flags,
         GCancellable *cancellable)
{
  Run *run = g_new0 (Run, 1);

  run->engine = self;
  run->agent = g_object_ref (agent);
  run->task = g_object_ref (task);
  run->cancellable = g_cancellable_new ();
  run->dry_run = (flags & AF_RUN_FLAGS_DRY_RUN) != 0;
  run->planned = g_queue_new ();
  run->would_do = json_array_new ();
  run->done_by_action = json_object_new ();
  run->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)group_free);
  run->unsettled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->seen_later = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->failed_items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (cancellable != NULL)
    {
      run->caller_cancellable = g_object_ref (cancellable);
      run->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled_cb), run, NULL);
    }
  g_task_set_task_data (task, run, (GDestroyNotify)run_free);
  return run;
}

void
af_engine_run_agent_async (AfEngine           *self,
                           const char         *id,
                           AfRunFlags          flags,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  AfAgent *agent;
  Run     *run;

  g_return_if_fail (AF_IS_ENGINE (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_engine_run_agent_async);

  agent = af_engine_lookup_agent (self, id);
  if (agent == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No agent “%s”"), id);
      return;
    }
  if (self->executor == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                               _ ("Agents cannot run yet: no service connections are set up"));
      return;
    }
  if (af_engine_is_running (self, id))
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_FAILED, _ ("“%s” is already running"),
                               af_agent_get_name (agent));
      return;
    }

  /* A run from the command line, without af_engine_start(). */
  if (!self->runs_recovered && !recover_runs (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Whatever starts it (the app, --headless, --run-agent), a run comes
   * after what an interrupted process left in the outbox is settled. */
  if (!self->outbox_reconciled)
    reconcile_outbox (self);

  run = run_new (self, agent, task, flags, cancellable);
  if (self->n_reconciling > 0 || g_hash_table_size (self->running) >= self->max_concurrent)
    g_queue_push_tail (self->queue, run);
  else
    start_run (run);
}

/**
 * af_engine_run_agent_finish:
 *
 * Returns: (transfer full): the run's result
 */
JsonObject *
af_engine_run_agent_finish (AfEngine     *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * af_engine_test_agent_async:
 * @agent: the definition to try, saved or not
 *
 * A "Test run": fetches and decides for real and reports the actions it
 * would take. Nothing reaches a service's write side, the outbox, the
 * activity log or the run history, and it does not count in metrics.
 */
void
af_engine_test_agent_async (AfEngine           *self,
                            AfAgent            *agent,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  Run *run;

  g_return_if_fail (AF_IS_ENGINE (self));
  g_return_if_fail (AF_IS_AGENT (agent));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_engine_test_agent_async);

  if (!af_agent_validate_definition (af_agent_get_definition (agent), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->executor == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                               _ ("Agents cannot run yet: no service connections are set up"));
      return;
    }

  if (!self->outbox_reconciled)
    reconcile_outbox (self);

  run = run_new (self, agent, task, AF_RUN_FLAGS_DRY_RUN, cancellable);
  run->test_only = TRUE;
  run->steps = json_array_new ();
  /* It reads what a real run would find: after the reconcile. */
  if (self->n_reconciling > 0)
    g_queue_push_tail (self->queue, run);
  else
    start_run (run);
}

/**
 * af_engine_test_agent_finish:
 *
 * Returns: (transfer full): the test run's result
 */
JsonObject *
af_engine_test_agent_finish (AfEngine     *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == af_engine_test_agent_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static AfApproval *
take_approval (AfEngine *self,
               gint64    approval_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->approvals)); i++)
    {
      g_autoptr (AfApproval) a = g_list_model_get_item (G_LIST_MODEL (self->approvals), i);

      if (af_approval_get_id (a) == approval_id)
        {
          g_list_store_remove (self->approvals, i);
          return g_steal_pointer (&a);
        }
    }
  return NULL;
}

/* Moves approval @id from pending to @state; FALSE if it was not pending
 * (approved twice, expired, denied): that is the exactly-once guard. */
static gboolean
decide (AfEngine   *self,
        gint64      id,
        const char *state,
        GError    **error)
{
  return af_approval_store_decide (self->db, id, state, error);
}

/* What an outbox entry did, for the activity feed. */
static char *
describe_entry (AfOutboxEntry *entry)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonObject) empty = json_object_new ();
  JsonObject *stored = NULL, *params = NULL, *item = NULL;

  if (json_parser_load_from_data (parser, entry->params, -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    stored = json_node_get_object (json_parser_get_root (parser));
  if (stored != NULL && JSON_NODE_HOLDS_OBJECT (json_object_get_member (stored, "params")))
    params = json_object_get_object_member (stored, "params");
  if (stored != NULL && JSON_NODE_HOLDS_OBJECT (json_object_get_member (stored, "item")))
    item = json_object_get_object_member (stored, "item");
  return describe_action (entry->action, params ? params : empty, item, TRUE);
}

static void
approved_finished (GTask      *task,
                   const char *answer,
                   GError     *error)
{
  AfEngine      *self = g_task_get_source_object (task);
  AfOutboxEntry *entry = g_task_get_task_data (task);
  g_autoptr (JsonObject) details = details_new ("action", entry->action, "key", entry->key, NULL);
  g_autofree char *what = describe_entry (entry);

  g_hash_table_remove (self->inflight, entry->key);
  if (error != NULL)
    {
      g_autofree char *summary = g_strdup_printf (_ ("%s — failed: %s"), what, error->message);

      gboolean owned = outcome_begin (self);

      af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_FAILED, error->message, NULL);
      json_object_set_string_member (details, "error", error->message);
      log_step (self, entry->agent_id, entry->run_id, "action-failed", summary, details, "failed", NULL);
      outcome_end (self, owned);
      g_task_return_error (task, g_error_copy (error));
      return;
    }
  {
    /* Translators: %s is what was done ("Sent a mail to bob@example.com") */
    g_autofree char *summary = g_strdup_printf (_ ("Approved and done: %s"), what);
    gboolean         owned = outcome_begin (self);

    af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_DONE, answer, NULL);
    log_step (self, entry->agent_id, entry->run_id, "action-done", summary, details, "done", NULL);
    outcome_end (self, owned);
  }
  g_task_return_boolean (task, TRUE);
}

static void
on_approved_confirm_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GError  *unconfirmed = g_object_get_data (G_OBJECT (task), "unconfirmed");
  gboolean happened = af_executor_reconcile_finish (AF_EXECUTOR (source), result, &error);

  if (happened)
    approved_finished (task, "{\"confirmed\":true}", NULL);
  else
    approved_finished (task, NULL, unconfirmed);
}

static void
on_approved_execute_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfEngine      *self = g_task_get_source_object (task);
  AfOutboxEntry *entry = g_task_get_task_data (task);
  JsonObject    *stored = g_object_get_data (G_OBJECT (task), "stored");
  AfAgent       *agent = af_engine_lookup_agent (self, entry->agent_id);
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = af_executor_execute_finish (AF_EXECUTOR (source), result, &error);

  if (answer == NULL && outcome_unknown (entry->action, error) && agent != NULL && stored != NULL)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      /* As for a run's own action: ask the service whether it acted. */
      g_object_set_data_full (G_OBJECT (task), "unconfirmed", g_steal_pointer (&error), (GDestroyNotify)g_error_free);
      af_executor_reconcile_async (AF_EXECUTOR (source), agent, entry->action,
                                   json_object_get_object_member (stored, "params"),
                                   json_object_get_object_member (stored, "item"), entry->key,
                                   cancellable, on_approved_confirm_cb, g_steal_pointer (&task));
      return;
    }
  approved_finished (task, answer, error);
}

void
af_engine_approve_async (AfEngine           *self,
                         gint64              approval_id,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (AfApproval) approval = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  AfOutboxEntry *entry;
  AfAgent       *agent;
  JsonObject    *stored;

  g_return_if_fail (AF_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_engine_approve_async);

  approval = take_approval (self, approval_id);
  if (!decide (self, approval_id, "approved", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (approval == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No such request"));
      return;
    }
  entry = af_outbox_get (self->outbox, af_approval_get_outbox_id (approval), NULL);
  if (entry == NULL || !g_str_equal (entry->state, AF_OUTBOX_WAITING))
    {
      af_outbox_entry_free (entry);
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("This action is no longer waiting"));
      return;
    }
  g_task_set_task_data (task, entry, (GDestroyNotify)af_outbox_entry_free);

  agent = af_engine_lookup_agent (self, entry->agent_id);
  if (self->executor == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_CONFIGURED, _ ("No service connections are set up"));
      return;
    }
  if (agent == NULL || !json_parser_load_from_data (parser, entry->params, -1, NULL))
    {
      af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_FAILED, "agent gone", NULL);
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("The agent no longer exists"));
      return;
    }
  /* The gate applies to approved actions too. */
  if (!af_agent_has_permission (agent, af_action_get_permission (entry->action)))
    {
      af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_DENIED, "permission withdrawn", NULL);
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_PERMISSION_DENIED,
                               _ ("The agent no longer has permission to do this"));
      return;
    }
  stored = json_node_get_object (json_parser_get_root (parser));
  g_object_set_data_full (G_OBJECT (task), "stored", json_object_ref (stored), (GDestroyNotify)json_object_unref);
  /* In flight, and this process's: another one starting meanwhile must
   * not take it for interrupted. */
  claim_owner (self);
  af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_EXECUTING, NULL, NULL);
  g_hash_table_add (self->inflight, g_strdup (entry->key));
  af_executor_execute_async (self->executor, agent, entry->action, json_object_get_object_member (stored, "params"),
                             json_object_get_object_member (stored, "item"), entry->key, cancellable,
                             on_approved_execute_cb, g_object_ref (task));
}

gboolean
af_engine_approve_finish (AfEngine     *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
af_engine_deny (AfEngine *self,
                gint64    approval_id,
                GError  **error)
{
  g_autoptr (AfApproval) approval = NULL;

  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);

  approval = take_approval (self, approval_id);
  if (!decide (self, approval_id, "denied", error))
    return FALSE;
  if (approval != NULL)
    {
      af_outbox_set_state (self->outbox, af_approval_get_outbox_id (approval), AF_OUTBOX_DENIED, NULL, NULL);
      log_step (self, af_approval_get_agent_id (approval), 0, "approval-denied", _ ("You declined an action"), NULL,
                "denied", NULL);
    }
  return TRUE;
}

guint
af_engine_expire_approvals (AfEngine *self,
                            gint64    now)
{
  guint  n = 0;
  gint64 next = 0;

  g_return_val_if_fail (AF_IS_ENGINE (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->approvals));)
    {
      g_autoptr (AfApproval) a = g_list_model_get_item (G_LIST_MODEL (self->approvals), i);
      gint64 expires = af_approval_get_expires_at (a);

      if (expires > 0 && expires <= now && decide (self, af_approval_get_id (a), "expired", NULL))
        {
          af_outbox_set_state (self->outbox, af_approval_get_outbox_id (a), AF_OUTBOX_EXPIRED, NULL, NULL);
          log_step (self, af_approval_get_agent_id (a), 0, "approval-expired",
                    _ ("A request for approval expired"), NULL, "expired", NULL);
          g_list_store_remove (self->approvals, i);
          n++;
          continue;
        }
      if (expires > 0 && (next == 0 || expires < next))
        next = expires;
      i++;
    }
  af_scheduler_set (self->scheduler, APPROVALS_KEY, next);
  return n;
}

static guint
count_query (AfEngine   *self,
             const char *sql,
             const char *agent_id,
             gint64      since)
{
  sqlite3_stmt *stmt = af_database_prepare (self->db, sql, NULL);
  guint         n = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, since);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* Since when "today" counts, in the user's time zone. */
static gint64
local_midnight (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                          g_date_time_get_day_of_month (now), 0, 0, 0);

  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

void
af_engine_get_metrics (AfEngine   *self,
                       const char *agent_id,
                       AfMetrics  *m)
{
  sqlite3_stmt *stmt;
  gint64        week = g_get_real_time () - 7 * G_TIME_SPAN_DAY;
  const char   *runs_sql = "SELECT count (*) FROM runs WHERE dry_run = 0 AND finished_at IS NOT NULL"
                           " AND (?1 IS NULL OR agent_id = ?1) AND started_at >= ?2";
  const char   *ok_sql = "SELECT count (*) FROM runs WHERE dry_run = 0 AND outcome = 'succeeded'"
                         " AND (?1 IS NULL OR agent_id = ?1) AND started_at >= ?2";

  g_return_if_fail (AF_IS_ENGINE (self));
  g_return_if_fail (m != NULL);

  memset (m, 0, sizeof *m);
  m->runs = count_query (self, runs_sql, agent_id, 0);
  m->runs_succeeded = count_query (self, ok_sql, agent_id, 0);
  m->runs_7d = count_query (self, runs_sql, agent_id, week);
  m->runs_succeeded_7d = count_query (self, ok_sql, agent_id, week);
  m->success_rate = m->runs ? (double)m->runs_succeeded / m->runs : 0;
  m->success_rate_7d = m->runs_7d ? (double)m->runs_succeeded_7d / m->runs_7d : 0;
  m->emails_processed = count_query (self,
                                     "SELECT count (*) FROM seen_items WHERE (?1 IS NULL OR agent_id = ?1)"
                                     " AND seen_at >= ?2 AND item_id NOT LIKE 'agenda-%' AND item_id NOT LIKE 'digest-%'"
                                     " AND item_id NOT LIKE 'own:%'",
                                     agent_id, 0);

  /* Actions done, per agent and kind, weighted by the agent's template. */
  stmt = af_database_prepare (self->db,
                              "SELECT o.agent_id, o.action, count (*), a.template,"
                              " sum (o.updated_at >= ?2), sum (o.updated_at >= ?3) FROM outbox o"
                              " LEFT JOIN agents a ON a.id = o.agent_id"
                              " WHERE o.state = 'done' AND (?1 IS NULL OR o.agent_id = ?1) GROUP BY 1, 2",
                              NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, agent_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, local_midnight ());
      sqlite3_bind_int64 (stmt, 3, week);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *action = (const char *)sqlite3_column_text (stmt, 1);
          guint       n = sqlite3_column_int (stmt, 2);
          const char *template_id = (const char *)sqlite3_column_text (stmt, 3);
          guint       n_today = sqlite3_column_int (stmt, 4);
          guint       n_7d = sqlite3_column_int (stmt, 5);
          AfTemplate *t = template_id ? af_template_lookup (template_id) : NULL;

          m->actions += n;
          m->actions_today += n_today;
          if (t != NULL)
            {
              m->minutes_saved += n * af_template_get_minutes_saved (t, action);
              m->minutes_saved_7d += n_7d * af_template_get_minutes_saved (t, action);
            }
          if (g_strcmp0 (action, "draft") == 0)
            m->drafts_created += n;
          else if (g_strcmp0 (action, "post") == 0)
            m->messages_posted += n;
          else if (g_strcmp0 (action, "create_event") == 0)
            m->events_created += n;
        }
      sqlite3_reset (stmt);
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->approvals)); i++)
    {
      g_autoptr (AfApproval) a = g_list_model_get_item (G_LIST_MODEL (self->approvals), i);

      if (agent_id == NULL || g_strcmp0 (agent_id, af_approval_get_agent_id (a)) == 0)
        m->approvals_pending++;
    }
}

void
af_engine_set_max_concurrent (AfEngine *self,
                              guint     max_runs)
{
  g_return_if_fail (AF_IS_ENGINE (self));
  self->max_concurrent = MAX (max_runs, 1);
  start_queued (self);
}

void
af_engine_set_run_timeout (AfEngine *self,
                           guint     seconds)
{
  g_return_if_fail (AF_IS_ENGINE (self));
  self->run_timeout_s = seconds;
}

void
af_engine_set_approval_lifetime (AfEngine *self,
                                 guint     seconds)
{
  g_return_if_fail (AF_IS_ENGINE (self));
  self->approval_ttl_s = seconds;
}

guint
af_engine_get_failures (AfEngine   *self,
                        const char *id)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), 0);
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->failures, id));
}

void
af_engine_set_network_monitor (AfEngine        *self,
                               GNetworkMonitor *monitor)
{
  g_return_if_fail (AF_IS_ENGINE (self));

  if (self->monitor != NULL && self->monitor_handler != 0)
    g_signal_handler_disconnect (self->monitor, self->monitor_handler);
  self->monitor_handler = 0;
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    self->monitor_handler = g_signal_connect (monitor, "network-changed", G_CALLBACK (on_network_changed_cb), self);
}

/**
 * af_engine_set_executor:
 * @executor: (nullable): how agents reach their services
 *
 * For a caller that can only build the executor once the engine's
 * database is open (the accounts live in it). On a started engine, the
 * outbox is reconciled through the new executor at once.
 */
void
af_engine_set_executor (AfEngine   *self,
                        AfExecutor *executor)
{
  g_return_if_fail (AF_IS_ENGINE (self));
  g_return_if_fail (executor == NULL || AF_IS_EXECUTOR (executor));

  if (!g_set_object (&self->executor, executor))
    return;
  if (self->started && executor != NULL)
    reconcile_outbox (self);
}

/**
 * af_engine_set_llm_client:
 * @llm: (nullable): the model agents with "ai": { "enabled": true } use
 */
void
af_engine_set_llm_client (AfEngine    *self,
                          AfLlmClient *llm)
{
  g_return_if_fail (AF_IS_ENGINE (self));
  g_return_if_fail (llm == NULL || AF_IS_LLM_CLIENT (llm));

  /* Agents' own models are variants of this one: made again from it. */
  if (g_set_object (&self->llm, llm))
    g_hash_table_remove_all (self->llm_variants);
}

/* For the fuzz harness (af-template-expand-private.h). */
char *
af_engine_expand_text (const char *text,
                       JsonObject *item)
{
  return expand (text, item);
}

JsonObject *
af_engine_expand_params (JsonObject *params,
                         JsonObject *item)
{
  return expand_params (params, item);
}

/**
 * af_engine_get_approval_queue:
 *
 * Returns: (transfer none): what decides many approvals at once, edits
 *   them, undoes them and changes an agent's approval policy
 */
AfApprovalQueue *
af_engine_get_approval_queue (AfEngine *self)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);

  if (self->approval_queue == NULL)
    self->approval_queue = af_approval_queue_new (self);
  return self->approval_queue;
}

/* For the engine's rooms (af-engine-private.h). */

GListStore *
af_engine_get_approval_store (AfEngine *self)
{
  return self->approvals;
}

AfOutbox *
af_engine_get_outbox (AfEngine *self)
{
  return self->outbox;
}

GHashTable *
af_engine_get_inflight (AfEngine *self)
{
  return self->inflight;
}

void
af_engine_log_step (AfEngine   *self,
                    const char *agent_id,
                    gint64      run_id,
                    const char *kind,
                    const char *summary,
                    JsonObject *details,
                    const char *outcome)
{
  log_step (self, agent_id, run_id, kind, summary, details, outcome, NULL);
}
