/* af-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action-text.h"
#include "af-engine-private.h"
#include "af-error.h"
#include "af-json-private.h"
#include "af-run-private.h"

#define DEFAULT_MAX_CONCURRENT 4
#define DEFAULT_RUN_TIMEOUT_S  300
#define DEFAULT_APPROVAL_TTL_S (3 * 24 * 3600)

/* The engine is a façade over rooms of one concern (see
 * af-engine-private.h): here its life (start, shutdown), its settings and
 * what the rooms share: the activity record, the outbox owner, the run
 * history's recovery after a crash. */

G_DEFINE_FINAL_TYPE (AfEngine, af_engine, G_TYPE_OBJECT)

enum
{
  RUN_STARTED,
  RUN_FINISHED,
  AGENT_DELETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Keys that must never reach the log, whatever an executor returned. */
static const char *const secret_keys[] = { "token", "access_token", "refresh_token", "authorization",
                                           "api_key", "password", "secret", NULL };

static gboolean
is_secret_key (const char *key)
{
  for (guint i = 0; secret_keys[i] != NULL; i++)
    if (g_ascii_strcasecmp (key, secret_keys[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Whether @node holds a member named like a secret anywhere: most rows
 * hold none, and are written as they are, without a copy. */
static gboolean
has_secret (JsonNode *node)
{
  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char    *key;
      JsonNode      *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &key, &member))
        if (is_secret_key (key) || has_secret (member))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        if (has_secret (json_array_get_element (a, i)))
          return TRUE;
    }
  return FALSE;
}

static void
redact (JsonNode *node)
{
  if (node == NULL)
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (o);

      for (GList *l = members; l; l = l->next)
        {
          if (is_secret_key (l->data))
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

/* Whether @o holds a member named like a secret, at any depth. */
gboolean
af_engine_has_secret (JsonObject *o)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), o);

  return has_secret (node);
}

/* af_engine_append_step() of details written already, which hold no
 * member named like a secret (af_engine_has_secret()); @action and @item
 * (or %NULL): the strings they hold as "action" and "item". */
gboolean
af_engine_append_step_text (AfEngine   *self,
                            const char *agent_id,
                            gint64      run_id,
                            const char *kind,
                            const char *summary,
                            const char *details,
                            const char *outcome,
                            const char *action,
                            const char *item,
                            GError    **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!af_activity_log_append_held (self->log, agent_id, run_id, kind, summary, details, outcome, action, item,
                                    &local_error))
    {
      g_warning ("Could not record activity: %s", local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
af_engine_append_step (AfEngine   *self,
                       const char *agent_id,
                       gint64      run_id,
                       const char *kind,
                       const char *summary,
                       JsonObject *details,
                       const char *outcome,
                       GError    **error)
{
  g_autofree char *text = NULL;

  if (details != NULL)
    {
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), details);

      if (has_secret (node))
        {
          g_autoptr (JsonNode) copy = af_json_deep_copy (node);

          redact (copy);
          text = af_engine_node_to_text (copy);
        }
      else
        text = af_engine_node_to_text (node);
    }

  return af_engine_append_step_text (self, agent_id, run_id, kind, summary, text, outcome, NULL, NULL, error);
}

/* An action's outbox state and its activity row are one commit: a process
 * killed between the two would otherwise leave a done action with no record
 * of it, or a record of an action still pending. Inside a run's batch the
 * writes already share its transaction. */
gboolean
af_engine_outcome_begin (AfEngine *self)
{
  if (af_database_in_transaction (self->db))
    return FALSE;
  return af_database_begin (self->db, NULL);
}

void
af_engine_outcome_end (AfEngine *self,
                       gboolean  owned)
{
  g_autoptr (GError) error = NULL;

  if (owned && !af_database_commit (self->db, &error))
    g_warning ("Could not record the outcome of an action: %s", error->message);
}

JsonObject *
af_engine_details_new (const char *first_key,
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

char *
af_engine_json_to_text (JsonObject *o)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), o);

  return af_engine_node_to_text (node);
}

const char *
af_engine_item_title (JsonObject *item)
{
  if (item == NULL)
    return "";
  if (af_json_get_string (item, "subject", NULL) != NULL)
    return af_json_get_string (item, "subject", NULL);
  return json_object_get_string_member_with_default (item, "id", "");
}

/* An action's failure, as the activity feed shows it. */
char *
af_engine_failed_summary (const char *action,
                          JsonObject *params,
                          JsonObject *item,
                          GError     *error)
{
  g_autofree char *what = af_action_describe (action, params, item, FALSE);

  /* Translators: the first %s is an action ("Label “Invoice” as
   * Finance"), the second what went wrong */
  return g_strdup_printf (_ ("%s — failed: %s"), what, error->message);
}

/* A side effect whose request may have reached the service: the
 * connection dropped, or the answer could not be read. Only the service
 * can tell whether it acted. */
gboolean
af_engine_outcome_unknown (const char *action,
                           GError     *error)
{
  return af_action_is_side_effect (action) &&
         (g_error_matches (error, AF_ERROR, AF_ERROR_NETWORK) || g_error_matches (error, AF_ERROR, AF_ERROR_BAD_RESPONSE));
}

/* The owner stamped on the runs and outbox entries of this process. */
void
af_engine_claim_owner (AfEngine *self)
{
  if (self->owner != NULL)
    return;
  self->owner = af_run_owner_new (af_database_get_path (self->db));
  af_outbox_set_owner (self->outbox, af_run_owner_get_id (self->owner));
}

/* Whether another live process holds @entry (its batch still filling, its
 * request in flight): what became of it is that process's to record. */
gboolean
af_engine_held_elsewhere (AfEngine      *self,
                          AfOutboxEntry *entry)
{
  if (entry->owner == NULL)
    return FALSE;
  if (self->owner != NULL && g_str_equal (entry->owner, af_run_owner_get_id (self->owner)))
    return FALSE;
  return af_run_owner_is_alive (af_database_get_path (self->db), entry->owner);
}

static void
af_engine_dispose (GObject *object)
{
  AfEngine *self = (AfEngine *)object;

  af_engine_shutdown (self);
  af_engine_stop_housekeeping (self);
  /* Activity waiting for its group commit is written before we go. */
  if (self->db != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!af_database_flush (self->db, &error))
        g_warning ("Could not record the last activity: %s", error->message);
    }
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
  g_clear_pointer (&self->agents_by_id, g_hash_table_unref);
  g_clear_object (&self->agents);
  g_clear_object (&self->approval_queue);
  g_clear_object (&self->approvals);
  g_clear_object (&self->agent_store);
  g_clear_object (&self->run_store);
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
  g_clear_pointer (&self->scheduled, g_hash_table_unref);
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
  self->agents_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->approvals = g_list_store_new (AF_TYPE_APPROVAL);
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->inflight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->deferred = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scheduled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->tests = g_ptr_array_new ();
  self->llm_variants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->queue = g_queue_new ();
  self->max_concurrent = DEFAULT_MAX_CONCURRENT;
  self->run_timeout_s = DEFAULT_RUN_TIMEOUT_S;
  self->approval_ttl_s = DEFAULT_APPROVAL_TTL_S;
}

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
  self->agent_store = af_agent_store_new (db);
  self->run_store = af_run_store_new (db);
  af_engine_scheduling_init (self);

  /* Agents are there from the start, so a CLI can list them unstarted. */
  af_engine_load_agents (self, NULL);
  return self;
}

/* Runs left "running" by a process that is gone (a crash, a kill, a full
 * disk): finished, not successful. A run another live process is doing
 * (the app while `agentflow --run-agent` runs, or the other way round)
 * stays as it is. */
gboolean
af_engine_recover_runs (AfEngine *self,
                        GError  **error)
{
  const char *path = af_database_get_path (self->db);
  g_autoptr (GPtrArray) running = af_run_store_list_running (self->run_store, error);
  guint n_ended = 0;

  if (running == NULL)
    return FALSE;
  for (guint i = 0; i < running->len; i++)
    {
      AfRunRecord *r = g_ptr_array_index (running, i);

      if (self->owner != NULL && g_strcmp0 (r->owner, af_run_owner_get_id (self->owner)) == 0)
        continue;
      if (r->owner != NULL && af_run_owner_is_alive (path, r->owner))
        continue;
      if (!af_run_store_mark_interrupted (self->run_store, r->id, error))
        return FALSE;
      n_ended++;
    }
  if (n_ended > 0)
    g_debug ("%u interrupted runs recorded as such", n_ended);
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

  if (!af_engine_load_approvals (self, error))
    return FALSE;
  af_engine_expire_approvals (self, now);
  af_engine_start_housekeeping (self);

  if (!af_engine_recover_runs (self, error))
    return FALSE;
  if (self->executor != NULL)
    af_reconciler_run (self);

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
        af_engine_schedule_agent (self, agent, now);
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
      AfRun *queued = g_queue_pop_head (self->queue);
      GTask *task = queued->task;

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Shutting down");
      g_object_unref (task);
    }
  if (self->running != NULL)
    {
      g_hash_table_iter_init (&iter, self->running);
      while (g_hash_table_iter_next (&iter, NULL, &run))
        g_cancellable_cancel (((AfRun *)run)->cancellable);
    }
  for (guint i = 0; self->tests != NULL && i < self->tests->len; i++)
    g_cancellable_cancel (((AfRun *)g_ptr_array_index (self->tests, i))->cancellable);
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

gboolean
af_engine_is_running (AfEngine   *self,
                      const char *id)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);

  if (g_hash_table_contains (self->running, id))
    return TRUE;
  for (GList *l = self->queue->head; l; l = l->next)
    if (!((AfRun *)l->data)->test_only && g_strcmp0 (af_agent_get_id (((AfRun *)l->data)->agent), id) == 0)
      return TRUE;
  return FALSE;
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
  AfRun   *run;

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
  if (!self->runs_recovered && !af_engine_recover_runs (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Whatever starts it (the app, --headless, --run-agent), a run comes
   * after what an interrupted process left in the outbox is settled. */
  if (!self->outbox_reconciled)
    af_reconciler_run (self);

  run = af_run_new (self, agent, task, flags, cancellable);
  if (self->n_reconciling > 0 || g_hash_table_size (self->running) >= self->max_concurrent)
    g_queue_push_tail (self->queue, run);
  else
    af_run_start (run);
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
  AfRun *run;

  g_return_if_fail (AF_IS_ENGINE (self));
  g_return_if_fail (AF_IS_AGENT (agent));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_engine_test_agent_async);

  if (!af_agent_validate_definition (af_agent_peek_definition (agent), &error))
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
    af_reconciler_run (self);

  run = af_run_new (self, agent, task, AF_RUN_FLAGS_DRY_RUN, cancellable);
  run->test_only = TRUE;
  run->steps = json_array_new ();
  /* It reads what a real run would find: after the reconcile. */
  if (self->n_reconciling > 0)
    g_queue_push_tail (self->queue, run);
  else
    af_run_start (run);
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

void
af_engine_set_max_concurrent (AfEngine *self,
                              guint     max_runs)
{
  g_return_if_fail (AF_IS_ENGINE (self));
  self->max_concurrent = MAX (max_runs, 1);
  af_run_start_queued (self);
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
    af_reconciler_run (self);
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

AfLlmClient *
af_engine_get_llm_client (AfEngine *self)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);

  return self->llm;
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
  af_engine_append_step (self, agent_id, run_id, kind, summary, details, outcome, NULL);
}
