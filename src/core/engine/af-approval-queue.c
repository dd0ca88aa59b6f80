/* af-approval-queue.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-approval-queue"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action-text.h"
#include "af-activity-text.h"
#include "af-approval-queue.h"
#include "af-approval-store.h"
#include "af-engine-private.h"
#include "af-error.h"
#include "af-run-summary.h"

/* Decisions on many approvals at once (a run that labelled 1,000 mails
 * asks 1,000 times), their undo, and "always allow". Approved label-type
 * actions go out as batches (one batchModify per 1,000 messages); each
 * keeps its own outbox entry and its own line in the activity log, so it
 * is done exactly once and can be undone alone. */
struct _AfApprovalQueue
{
  GObject parent_instance;

  AfEngine *engine; /* owns us */
};

G_DEFINE_FINAL_TYPE (AfApprovalQueue, af_approval_queue, G_TYPE_OBJECT)

/* One side effect to carry out, its outbox entry "executing". */
typedef struct
{
  gint64      outbox_id;
  char       *key;
  char       *agent_id;
  gint64      run_id;
  char       *action;
  JsonObject *params;
  JsonObject *item;
} Work;

typedef struct
{
  GPtrArray *works;   /* Work */
  GQueue     singles; /* Work, not batchable: one after another */
  guint      in_flight;
  guint      n_done;
  GError    *error;    /* the first failure */
  GArray    *undoable; /* gint64 outbox ids */
  gboolean   undo;
} Job;

typedef struct
{
  GTask     *task;
  char      *action;
  GPtrArray *works; /* Work, borrowed from the job */
} Batch;

static void
work_free (Work *w)
{
  g_free (w->key);
  g_free (w->agent_id);
  g_free (w->action);
  g_clear_pointer (&w->params, json_object_unref);
  g_clear_pointer (&w->item, json_object_unref);
  g_free (w);
}

static void
job_free (Job *job)
{
  g_ptr_array_unref (job->works);
  g_queue_clear (&job->singles);
  g_clear_error (&job->error);
  g_clear_pointer (&job->undoable, g_array_unref);
  g_free (job);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
object_to_text (JsonObject *o)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), o);

  return json_to_string (node, FALSE);
}

/* A Work for @entry with @action; NULL (entry marked) when the gate says no. */
static Work *
work_new (AfApprovalQueue *self,
          AfOutboxEntry   *entry,
          const char      *action,
          JsonObject      *stored,
          GError         **error)
{
  AfAgent *agent = af_engine_lookup_agent (self->engine, entry->agent_id);
  Work    *w;

  if (agent == NULL)
    {
      af_outbox_set_state (af_engine_get_outbox (self->engine), entry->id, AF_OUTBOX_FAILED, "agent gone", NULL);
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("The agent no longer exists"));
      return NULL;
    }
  /* The gate applies to approved actions, and to their undo, too. */
  if (!af_agent_has_permission (agent, af_action_get_permission (action)))
    {
      af_outbox_set_state (af_engine_get_outbox (self->engine), entry->id, AF_OUTBOX_DENIED, "permission withdrawn",
                           NULL);
      g_set_error (error, AF_ERROR, AF_ERROR_PERMISSION_DENIED, _ ("The agent no longer has permission to do this"));
      return NULL;
    }
  if (!af_outbox_set_state (af_engine_get_outbox (self->engine), entry->id, AF_OUTBOX_EXECUTING, NULL, error))
    return NULL;

  w = g_new0 (Work, 1);
  w->outbox_id = entry->id;
  w->key = g_strdup (entry->key);
  w->agent_id = g_strdup (entry->agent_id);
  w->run_id = entry->run_id;
  w->action = g_strdup (action);
  if (stored != NULL && JSON_NODE_HOLDS_OBJECT (json_object_get_member (stored, "params")))
    w->params = json_object_ref (json_object_get_object_member (stored, "params"));
  else
    w->params = json_object_new ();
  if (stored != NULL && JSON_NODE_HOLDS_OBJECT (json_object_get_member (stored, "item")))
    w->item = json_object_ref (json_object_get_object_member (stored, "item"));
  else
    w->item = json_object_new ();
  g_hash_table_add (af_engine_get_inflight (self->engine), g_strdup (w->key));
  return w;
}

static void
keep_first_error (Job     *job,
                  GError **error)
{
  if (job->error == NULL)
    job->error = g_steal_pointer (error);
  g_clear_error (error);
}

/* Writes the outcome of @w: done (@answer) or failed (@error). */
static void
record (AfApprovalQueue *self,
        Job             *job,
        Work            *w,
        const char      *answer,
        const GError    *error)
{
  AfOutbox        *outbox = af_engine_get_outbox (self->engine);
  g_autofree char *what = af_action_describe (w->action, w->params, w->item, TRUE);
  g_autoptr (JsonObject) details = json_object_new ();
  g_autofree char *summary = NULL;

  g_hash_table_remove (af_engine_get_inflight (self->engine), w->key);
  json_object_set_string_member (details, "action", w->action);
  json_object_set_string_member (details, "key", w->key);
  if (error != NULL)
    {
      /* Cancelled: the outcome is unknown; the entry stays "executing"
       * and is reconciled at the next start. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        af_outbox_set_state (outbox, w->outbox_id, AF_OUTBOX_FAILED, error->message, NULL);
      json_object_set_string_member (details, "error", error->message);
      af_activity_text_add_action (details, AF_ACTIVITY_SAY_FAILED, w->action, w->params, w->item, TRUE);
      /* Translators: the first %s is an action, the second what went wrong */
      summary = g_strdup_printf (_ ("%s — failed: %s"), what, error->message);
      af_engine_log_step (self->engine, w->agent_id, w->run_id, "action-failed", summary, details, "failed");
      if (job->error == NULL)
        job->error = g_error_copy (error);
      return;
    }

  af_outbox_set_state (outbox, w->outbox_id, AF_OUTBOX_DONE, answer, NULL);
  af_activity_text_add_action (details, job->undo ? AF_ACTIVITY_SAY_UNDONE : AF_ACTIVITY_SAY_APPROVED, w->action,
                               w->params, w->item, FALSE);
  af_run_summary_add_answer (details, answer);
  summary = job->undo ? /* Translators: %s is what was done to undo an action ("Removed the label Finance from “Invoice”") */
                g_strdup_printf (_ ("Undone: %s"), what)
                      : /* Translators: %s is what was done ("Sent a mail to bob@example.com") */
                g_strdup_printf (_ ("Approved and done: %s"), what);
  af_engine_log_step (self->engine, w->agent_id, w->run_id, job->undo ? "action-undone" : "action-done", summary,
                      details, "done");
  job->n_done++;
  if (!job->undo && af_action_get_inverse (w->action) != NULL)
    g_array_append_val (job->undoable, w->outbox_id);
}

static void
job_step_done (GTask *task)
{
  Job *job = g_task_get_task_data (task);

  g_assert (job->in_flight > 0);
  if (--job->in_flight > 0)
    return;
  if (job->error != NULL)
    g_task_return_error (task, g_error_copy (job->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_batch_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Batch *batch = user_data;
  g_autoptr (GTask) task = batch->task;
  AfApprovalQueue *self = g_task_get_source_object (task);
  Job             *job = g_task_get_task_data (task);
  AfDatabase      *db = af_engine_get_database (self->engine);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) write_error = NULL;

  af_executor_execute_batch_finish (AF_EXECUTOR (source), result, &error);
  g_debug ("A batch of %u approved “%s” actions %s", batch->works->len, batch->action, error ? "failed" : "done");

  /* One transaction for the batch's outcomes: 1,000 rows at once. */
  if (!af_database_begin (db, &write_error))
    g_warning ("Could not record a batch of actions: %s", write_error->message);
  for (guint i = 0; i < batch->works->len; i++)
    {
      Work *w = g_ptr_array_index (batch->works, i);
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *answer = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, json_object_get_string_member_with_default (w->item, "id", ""));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      answer = json_to_string (root, FALSE);
      record (self, job, w, answer, error);
    }
  if (write_error == NULL && !af_database_commit (db, &write_error))
    {
      g_warning ("Could not record a batch of actions: %s", write_error->message);
      af_database_rollback (db);
    }

  g_ptr_array_unref (batch->works);
  g_free (batch->action);
  g_free (batch);
  job_step_done (task);
}

static void run_next_single (GTask *task);

static void
on_single_confirm_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfApprovalQueue *self = g_task_get_source_object (task);
  Job             *job = g_task_get_task_data (task);
  Work            *w = g_queue_pop_head (&job->singles);
  GError          *unconfirmed = g_object_get_data (G_OBJECT (task), "unconfirmed");
  g_autoptr (GError) error = NULL;

  if (af_executor_reconcile_finish (AF_EXECUTOR (source), result, &error))
    record (self, job, w, "{\"confirmed\":true}", NULL);
  else
    record (self, job, w, NULL, unconfirmed);
  g_object_set_data (G_OBJECT (task), "unconfirmed", NULL);
  run_next_single (g_steal_pointer (&task));
}

static void
on_single_execute_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfApprovalQueue *self = g_task_get_source_object (task);
  Job             *job = g_task_get_task_data (task);
  Work            *w = g_queue_peek_head (&job->singles);
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = af_executor_execute_finish (AF_EXECUTOR (source), result, &error);

  /* The connection dropped, or the answer could not be read: only the
   * service can tell whether a mail went out. Never sent twice. */
  if (answer == NULL &&
      (g_error_matches (error, AF_ERROR, AF_ERROR_NETWORK) || g_error_matches (error, AF_ERROR, AF_ERROR_BAD_RESPONSE)))
    {
      AfAgent *agent = af_engine_lookup_agent (self->engine, w->agent_id);

      g_object_set_data_full (G_OBJECT (task), "unconfirmed", g_steal_pointer (&error), (GDestroyNotify)g_error_free);
      af_executor_reconcile_async (AF_EXECUTOR (source), agent, w->action, w->params, w->item, w->key,
                                   g_task_get_cancellable (task), on_single_confirm_cb, g_steal_pointer (&task));
      return;
    }
  g_queue_pop_head (&job->singles);
  record (self, job, w, answer, error);
  run_next_single (g_steal_pointer (&task));
}

/* Sends, posts and events: one at a time, in the order asked. */
static void
run_next_single (GTask *task)
{
  AfApprovalQueue *self = g_task_get_source_object (task);
  Job             *job = g_task_get_task_data (task);
  Work            *w = g_queue_peek_head (&job->singles);
  AfExecutor      *executor = af_engine_get_executor (self->engine);

  if (w == NULL)
    {
      job_step_done (task);
      g_object_unref (task);
      return;
    }
  af_executor_execute_async (executor, af_engine_lookup_agent (self->engine, w->agent_id), w->action, w->params,
                             w->item, w->key, g_task_get_cancellable (task), on_single_execute_cb, task);
}

/* Carries out the job's works: label-type ones batched per agent and
 * change, the rest in turn. Each takes a reference on @task. */
static void
job_start (GTask *task)
{
  AfApprovalQueue *self = g_task_get_source_object (task);
  Job             *job = g_task_get_task_data (task);
  AfExecutor      *executor = af_engine_get_executor (self->engine);
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify)g_ptr_array_unref);
  GHashTableIter iter;
  GPtrArray     *group;

  for (guint i = 0; i < job->works->len; i++)
    {
      Work *w = g_ptr_array_index (job->works, i);

      if (af_executor_is_batchable (w->action))
        {
          g_autofree char *params = object_to_text (w->params);
          g_autofree char *key = g_strconcat (w->agent_id, "\n", w->action, "\n", params, NULL);

          group = g_hash_table_lookup (groups, key);
          if (group == NULL)
            {
              group = g_ptr_array_new ();
              g_hash_table_insert (groups, g_steal_pointer (&key), group);
            }
          g_ptr_array_add (group, w);
        }
      else
        g_queue_push_tail (&job->singles, w);
    }

  /* Held until everything is under way, so that a synchronous answer
   * cannot finish the job early. */
  job->in_flight = 1;
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&group))
    for (guint start = 0; start < group->len; start += AF_EXECUTOR_BATCH_MAX)
      {
        Batch *batch = g_new0 (Batch, 1);
        Work  *first = g_ptr_array_index (group, start);
        g_autoptr (GPtrArray) items = g_ptr_array_new ();
        g_autoptr (GPtrArray) keys = g_ptr_array_new ();

        batch->task = g_object_ref (task);
        batch->action = g_strdup (first->action);
        batch->works = g_ptr_array_new ();
        for (guint i = start; i < MIN (group->len, start + AF_EXECUTOR_BATCH_MAX); i++)
          {
            Work *w = g_ptr_array_index (group, i);

            g_ptr_array_add (batch->works, w);
            g_ptr_array_add (items, w->item);
            g_ptr_array_add (keys, w->key);
          }
        job->in_flight++;
        af_executor_execute_batch_async (executor, af_engine_lookup_agent (self->engine, first->agent_id),
                                         first->action, first->params, items, keys, g_task_get_cancellable (task),
                                         on_batch_cb, batch);
      }
  if (!g_queue_is_empty (&job->singles))
    {
      job->in_flight++;
      run_next_single (g_object_ref (task));
    }
  job_step_done (task);
}

/* Removes approvals @ids from the engine's pending list: a few splices,
 * not one change per item, so that a list of 1,000 updates once. */
static void
withdraw (AfApprovalQueue *self,
          GHashTable      *ids)
{
  GListStore *store = af_engine_get_approval_store (self->engine);
  guint       n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint end = n; end > 0;)
    {
      guint start = end;

      while (start > 0)
        {
          g_autoptr (AfApproval) a = g_list_model_get_item (G_LIST_MODEL (store), start - 1);
          gint64 id = af_approval_get_id (a);

          if (!g_hash_table_contains (ids, &id))
            break;
          start--;
        }
      if (start < end)
        g_list_store_splice (store, start, end - start, NULL, 0);
      end = start > 0 ? start - 1 : 0;
    }
}

static void
af_approval_queue_class_init (AfApprovalQueueClass *klass)
{
}

static void
af_approval_queue_init (AfApprovalQueue *self)
{
}

/**
 * af_approval_queue_new:
 * @engine: the engine, which keeps the queue
 */
AfApprovalQueue *
af_approval_queue_new (AfEngine *engine)
{
  AfApprovalQueue *self;

  g_return_val_if_fail (AF_IS_ENGINE (engine), NULL);

  self = g_object_new (AF_TYPE_APPROVAL_QUEUE, NULL);
  self->engine = engine;
  return self;
}

/**
 * af_approval_queue_list:
 * @agent_id: (nullable): only this agent's
 * @run_id: only this run's, or 0
 * @action: (nullable): only this action
 *
 * Returns: (transfer container) (element-type AfApproval): pending
 *   approvals, oldest first
 */
GPtrArray *
af_approval_queue_list (AfApprovalQueue *self,
                        const char      *agent_id,
                        gint64           run_id,
                        const char      *action)
{
  GListModel *model;
  GPtrArray  *list = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (AF_IS_APPROVAL_QUEUE (self), list);

  model = af_engine_get_approvals (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (AfApproval) a = g_list_model_get_item (model, i);

      if ((agent_id == NULL || g_strcmp0 (agent_id, af_approval_get_agent_id (a)) == 0) &&
          (run_id == 0 || run_id == af_approval_get_run_id (a)) &&
          (action == NULL || g_strcmp0 (action, af_approval_get_action (a)) == 0))
        g_ptr_array_add (list, g_steal_pointer (&a));
    }
  return list;
}

/* @stored's text field replaced by @text (a send's body, a post's text). */
static gboolean
apply_edit (AfApprovalQueue *self,
            AfOutboxEntry   *entry,
            JsonObject      *stored,
            const char      *text,
            GError         **error)
{
  JsonObject      *params;
  g_autofree char *stored_text = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  const char      *key = af_action_get_text_param (entry->action);

  if (key == NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("Only a message’s text can be edited"));
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL) || *trimmed == '\0')
    {
      g_set_error (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("The message is empty"));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (stored, "params")))
    json_object_set_object_member (stored, "params", json_object_new ());
  params = json_object_get_object_member (stored, "params");
  json_object_set_string_member (params, key, text);
  stored_text = object_to_text (stored);
  return af_outbox_set_params (af_engine_get_outbox (self->engine), entry->id, stored_text, error);
}

/**
 * af_approval_queue_approve_async:
 * @approvals: (element-type AfApproval): what the person approved
 * @edited_text: (nullable): for one send, draft or post: the text as the person
 *   edited it, which is what goes out
 *
 * Approves them all at once and carries them out, label-type ones in
 * batches. Each is done exactly once: one already answered (twice
 * clicked, from a notification meanwhile) is left out.
 */
void
af_approval_queue_approve_async (AfApprovalQueue    *self,
                                 GPtrArray          *approvals,
                                 const char         *edited_text,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) taken = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  AfDatabase *db;
  AfOutbox   *outbox;
  Job        *job;

  g_return_if_fail (AF_IS_APPROVAL_QUEUE (self));
  g_return_if_fail (approvals != NULL);
  g_return_if_fail (edited_text == NULL || approvals->len == 1);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_approval_queue_approve_async);
  job = g_new0 (Job, 1);
  job->works = g_ptr_array_new_with_free_func ((GDestroyNotify)work_free);
  job->undoable = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);

  if (af_engine_get_executor (self->engine) == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_CONFIGURED, _ ("No service connections are set up"));
      return;
    }

  db = af_engine_get_database (self->engine);
  outbox = af_engine_get_outbox (self->engine);
  if (!af_database_begin (db, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < approvals->len; i++)
    {
      AfApproval *a = g_ptr_array_index (approvals, i);
      gint64      id = af_approval_get_id (a);
      g_autoptr (AfOutboxEntry) entry = NULL;
      g_autoptr (JsonObject) stored = NULL;
      g_autoptr (GError) local_error = NULL;
      Work *w;

      /* The exactly-once guard: only a pending approval is approved. */
      if (!af_approval_store_decide (db, id, "approved", &local_error))
        {
          if (!g_error_matches (local_error, AF_ERROR, AF_ERROR_NOT_FOUND))
            keep_first_error (job, &local_error);
          g_hash_table_add (taken, g_memdup2 (&id, sizeof id));
          continue;
        }
      g_hash_table_add (taken, g_memdup2 (&id, sizeof id));
      entry = af_outbox_get (outbox, af_approval_get_outbox_id (a), NULL);
      if (entry == NULL || entry->state != AF_OUTBOX_WAITING)
        continue;
      stored = parse_object (entry->params);
      if (stored == NULL)
        stored = json_object_new ();
      if (edited_text != NULL && !apply_edit (self, entry, stored, edited_text, &local_error))
        {
          /* Not approved after all: it waits again, unchanged. */
          af_database_rollback (db);
          g_task_return_error (task, g_steal_pointer (&local_error));
          return;
        }
      w = work_new (self, entry, entry->action, stored, &local_error);
      if (w == NULL)
        keep_first_error (job, &local_error);
      else
        g_ptr_array_add (job->works, w);
    }
  if (!af_database_commit (db, &error))
    {
      af_database_rollback (db);
      for (guint i = 0; i < job->works->len; i++)
        g_hash_table_remove (af_engine_get_inflight (self->engine), ((Work *)g_ptr_array_index (job->works, i))->key);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  withdraw (self, taken);
  job_start (task);
}

/**
 * af_approval_queue_approve_finish:
 * @n_done: (out) (optional): how many were carried out
 * @undoable: (out) (optional) (transfer full): outbox ids (gint64) of
 *   those that af_approval_queue_undo_async() can undo
 *
 * Returns: %TRUE when every one was carried out
 */
gboolean
af_approval_queue_approve_finish (AfApprovalQueue *self,
                                  GAsyncResult    *result,
                                  guint           *n_done,
                                  GArray         **undoable,
                                  GError         **error)
{
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == af_approval_queue_approve_async, FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (n_done != NULL)
    *n_done = job->n_done;
  if (undoable != NULL)
    *undoable = g_array_ref (job->undoable);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * af_approval_queue_deny:
 * @approvals: (element-type AfApproval): what the person declined
 *
 * Returns: how many were denied (those still pending)
 */
guint
af_approval_queue_deny (AfApprovalQueue *self,
                        GPtrArray       *approvals,
                        GError         **error)
{
  g_autoptr (GHashTable) taken = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  AfDatabase *db;
  guint       n = 0;

  g_return_val_if_fail (AF_IS_APPROVAL_QUEUE (self), 0);
  g_return_val_if_fail (approvals != NULL, 0);

  db = af_engine_get_database (self->engine);
  if (!af_database_begin (db, error))
    return 0;
  for (guint i = 0; i < approvals->len; i++)
    {
      AfApproval      *a = g_ptr_array_index (approvals, i);
      gint64           id = af_approval_get_id (a);
      g_autofree char *summary = NULL;

      g_hash_table_add (taken, g_memdup2 (&id, sizeof id));
      if (!af_approval_store_decide (db, id, "denied", NULL))
        continue;
      af_outbox_set_state (af_engine_get_outbox (self->engine), af_approval_get_outbox_id (a), AF_OUTBOX_DENIED, NULL,
                           NULL);
      /* Translators: %s is an action ("Label “Invoice” as Finance") */
      summary = g_strdup_printf (_ ("You declined: %s"), af_approval_get_summary (a));
      af_engine_log_step (self->engine, af_approval_get_agent_id (a), af_approval_get_run_id (a), "approval-denied",
                          summary, NULL, "denied");
      n++;
    }
  if (!af_database_commit (db, error))
    {
      af_database_rollback (db);
      return 0;
    }
  withdraw (self, taken);
  return n;
}

/**
 * af_approval_queue_undo_async:
 * @outbox_ids: (element-type gint64): actions as
 *   af_approval_queue_approve_finish() gave them
 *
 * Undoes approved label, archive, star and mark-read actions: the inverse
 * change goes through the gate and the outbox like any side effect, under
 * a key of its own, so an undo is done once however often it is asked.
 */
void
af_approval_queue_undo_async (AfApprovalQueue    *self,
                              GArray             *outbox_ids,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  AfDatabase *db;
  AfOutbox   *outbox;
  Job        *job;

  g_return_if_fail (AF_IS_APPROVAL_QUEUE (self));
  g_return_if_fail (outbox_ids != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_approval_queue_undo_async);
  job = g_new0 (Job, 1);
  job->undo = TRUE;
  job->works = g_ptr_array_new_with_free_func ((GDestroyNotify)work_free);
  job->undoable = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);

  if (af_engine_get_executor (self->engine) == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_CONFIGURED, _ ("No service connections are set up"));
      return;
    }
  db = af_engine_get_database (self->engine);
  outbox = af_engine_get_outbox (self->engine);
  if (!af_database_begin (db, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < outbox_ids->len; i++)
    {
      g_autoptr (AfOutboxEntry) done = af_outbox_get (outbox, g_array_index (outbox_ids, gint64, i), NULL);
      g_autoptr (AfOutboxEntry) entry = NULL;
      g_autoptr (JsonObject) stored = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autofree char *key = NULL;
      const char      *inverse;
      Work            *w;

      if (done == NULL || done->state != AF_OUTBOX_DONE)
        continue;
      inverse = af_action_get_inverse (done->action);
      if (inverse == NULL)
        continue;
      key = g_strconcat ("undo:", done->key, NULL);
      entry = af_outbox_reserve (outbox, key, done->agent_id, done->run_id, inverse, done->params, AF_OUTBOX_PENDING,
                                 &local_error);
      if (entry == NULL)
        {
          keep_first_error (job, &local_error);
          continue;
        }
      /* Undone before, or being undone. */
      if (entry->state != AF_OUTBOX_PENDING && entry->state != AF_OUTBOX_FAILED)
        continue;
      stored = parse_object (entry->params);
      w = work_new (self, entry, inverse, stored, &local_error);
      if (w == NULL)
        keep_first_error (job, &local_error);
      else
        g_ptr_array_add (job->works, w);
    }
  if (!af_database_commit (db, &error))
    {
      af_database_rollback (db);
      for (guint i = 0; i < job->works->len; i++)
        g_hash_table_remove (af_engine_get_inflight (self->engine), ((Work *)g_ptr_array_index (job->works, i))->key);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job_start (task);
}

gboolean
af_approval_queue_undo_finish (AfApprovalQueue *self,
                               GAsyncResult    *result,
                               guint           *n_undone,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == af_approval_queue_undo_async, FALSE);

  if (n_undone != NULL)
    *n_undone = ((Job *)g_task_get_task_data (G_TASK (result)))->n_done;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * af_approval_queue_set_policy:
 * @policy: (nullable): "auto", "ask" or "never"; %NULL for the agent's
 *   default
 * @previous: (out) (optional) (transfer full) (nullable): the policy
 *   before, to restore it with another call (undo)
 *
 * Changes whether @agent_id asks before @action, and saves the agent.
 */
gboolean
af_approval_queue_set_policy (AfApprovalQueue *self,
                              const char      *agent_id,
                              const char      *action,
                              const char      *policy,
                              char           **previous,
                              GError         **error)
{
  AfAgent    *agent;
  JsonObject *definition;
  JsonObject *approvals;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) copy = NULL;

  g_return_val_if_fail (AF_IS_APPROVAL_QUEUE (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);
  g_return_val_if_fail (policy == NULL || g_strv_contains ((const char *const[]){ "auto", "ask", "never", NULL }, policy),
                        FALSE);

  agent = af_engine_lookup_agent (self->engine, agent_id);
  if (agent == NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("The agent no longer exists"));
      return FALSE;
    }

  /* A copy, so that a definition that fails to save is not half changed. */
  node = json_node_init_object (json_node_alloc (), af_agent_peek_definition (agent));
  copy = af_json_deep_copy (node);
  definition = json_node_get_object (copy);
  if (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (definition, "approvals")))
    json_object_set_object_member (definition, "approvals", json_object_new ());
  approvals = json_object_get_object_member (definition, "approvals");
  if (previous != NULL)
    *previous = g_strdup (json_object_get_string_member_with_default (approvals, action, NULL));
  if (policy != NULL)
    json_object_set_string_member (approvals, action, policy);
  else if (json_object_has_member (approvals, action))
    json_object_remove_member (approvals, action);

  if (!af_agent_validate_definition (definition, error))
    return FALSE;
  {
    g_autoptr (JsonNode) old = af_json_deep_copy (node);

    af_agent_set_definition (agent, definition);
    if (!af_engine_save_agent (self->engine, agent, error))
      {
        af_agent_set_definition (agent, json_node_get_object (old));
        return FALSE;
      }
  }
  return TRUE;
}
