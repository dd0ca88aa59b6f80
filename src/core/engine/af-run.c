/* af-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-action-text.h"
#include "af-error.h"
#include "af-json-private.h"
#include "af-rules.h"
#include "af-run-private.h"
#include "af-run-summary.h"
#include "af-source.h"
#include "af-template-expand-private.h"
#include "af-tool-loop.h"

/* The life of a run: queued, started (a row in runs), fetch, decide (rules
 * or the AI model, item by item), the actions (af-run-actions.c), and its
 * end, recorded with what it did. */

void
af_planned_free (AfPlanned *p)
{
  if (p == NULL)
    return;
  g_free (p->action);
  g_clear_pointer (&p->params, json_object_unref);
  g_clear_pointer (&p->item, json_object_unref);
  g_free (p->rule);
  g_free (p->key);
  g_free (p->params_text);
  g_free (p);
}

static void
run_free (AfRun *run)
{
  g_clear_pointer (&run->groups, g_hash_table_unref);
  g_clear_pointer (&run->shared_params, g_hash_table_unref);
  if (run->ready != NULL)
    g_queue_free_full (run->ready, (GDestroyNotify)af_run_group_free);
  /* Never while batches are recorded: the run waits for them. */
  g_assert (run->record_id == 0);
  g_clear_pointer (&run->recording, g_queue_free);
  g_clear_pointer (&run->unsettled, g_hash_table_unref);
  g_clear_pointer (&run->seen_later, g_hash_table_unref);
  g_clear_pointer (&run->failed_items, g_hash_table_unref);
  g_clear_error (&run->write_error);
  g_clear_error (&run->finish_error);
  g_clear_error (&run->log_error);
  g_clear_error (&run->unconfirmed);
  g_clear_error (&run->fetch_error);
  g_clear_handle_id (&run->timeout_id, g_source_remove);
  g_clear_handle_id (&run->go_on_id, g_source_remove);
  if (run->caller_cancellable != NULL && run->cancel_handler != 0)
    g_cancellable_disconnect (run->caller_cancellable, run->cancel_handler);
  g_clear_object (&run->caller_cancellable);
  g_clear_object (&run->agent);
  /* Not g_cancellable_disconnect(): the run may end inside the
   * cancellation, which that would wait for. */
  g_clear_signal_handler (&run->fetch_cancel_handler, run->cancellable);
  g_clear_object (&run->fetch_cancellable);
  g_clear_object (&run->cancellable);
  if (run->planned != NULL)
    g_queue_free_full (run->planned, (GDestroyNotify)af_planned_free);
  g_clear_pointer (&run->current, af_planned_free);
  g_clear_pointer (&run->would_do, json_array_unref);
  g_clear_pointer (&run->done_by_action, json_object_unref);
  g_clear_pointer (&run->steps, json_array_unref);
  g_clear_pointer (&run->fetched, g_ptr_array_unref);
  if (run->undecided != NULL)
    g_queue_free_full (run->undecided, (GDestroyNotify)json_object_unref);
  g_clear_pointer (&run->deciding, json_object_unref);
  g_free (run);
}

/* af_run_log() of details written already (no test run's: those keep
 * their steps as objects); @action and @item, if not %NULL, the strings
 * @details holds as "action" and "item", for the log to count by. */
void
af_run_log_text (AfRun      *run,
                 const char *kind,
                 const char *summary,
                 const char *details,
                 const char *outcome,
                 const char *action,
                 const char *item)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (!run->test_only);
  if (run->deleted)
    return;
  if (!af_engine_append_step_text (run->engine, af_agent_get_id (run->agent), run->run_id, kind, summary, details, outcome,
                                   action, item, &error) &&
      run->log_error == NULL)
    run->log_error = g_steal_pointer (&error);
}

/* A step of @run: into the activity log, or for a test run into the
 * result, so a definition that is not saved leaves nothing behind. */
void
af_run_log (AfRun      *run,
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
      if (!af_engine_append_step (run->engine, af_agent_get_id (run->agent), run->run_id, kind, summary, details, outcome, &error) &&
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

/* (agent, source item, action, what the action changes): the params hash
 * tells "label Work" from "label Finance" on the same message. An action's
 * text (a post's text, a draft's body) is left out of it: the same item
 * read again by a later run, after the first posted and stopped before it
 * recorded the item as seen, may give another text (today's agenda has
 * one more event, the model words a reply differently), and that is the
 * same post, not a second one. Two such actions on one item in one
 * decision stay two: @nth counts them. */
static char *
idempotency_key (AfAgent    *agent,
                 const char *item_id,
                 const char *action,
                 JsonObject *params,
                 const char *params_hash,
                 GHashTable *seen_keys)
{
  const char      *text_param = af_action_get_text_param (action);
  g_autofree char *text = NULL;
  g_autofree char *hash = NULL;
  char            *key;
  guint            nth;

  if (params_hash != NULL)
    hash = g_strdup (params_hash);
  else if (text_param != NULL && json_object_has_member (params, text_param))
    {
      g_autoptr (JsonObject) without = json_object_new ();
      JsonObjectIter iter;
      const char    *name;
      JsonNode      *node;

      json_object_iter_init (&iter, params);
      while (json_object_iter_next (&iter, &name, &node))
        if (!g_str_equal (name, text_param))
          json_object_set_member (without, name, json_node_copy (node));
      text = af_engine_json_to_text (without);
    }
  else
    text = af_engine_json_to_text (params);
  if (hash == NULL)
    hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  /* Its first 16 characters, as "%.16s" */
  if (strlen (hash) > 16)
    hash[16] = '\0';
  key = g_strconcat (af_agent_get_id (agent), ":", item_id ? item_id : "-", ":", action, ":", hash, NULL);

  /* The first of its kind keeps the plain key (an item with one action
   * needs no count). */
  if (seen_keys == NULL)
    return key;
  nth = GPOINTER_TO_UINT (g_hash_table_lookup (seen_keys, key));
  g_hash_table_insert (seen_keys, g_strdup (key), GUINT_TO_POINTER (nth + 1));
  if (nth > 0)
    {
      char *numbered = g_strdup_printf ("%s#%u", key, nth + 1);

      g_free (key);
      key = numbered;
    }
  return key;
}

/* @item_id has an action not done yet and not failed for good: it is not
 * recorded as seen, and the sync cursor stays, so a later run reads it
 * again and finishes it. */
void
af_run_hold_item (AfRun      *run,
                  const char *item_id)
{
  g_hash_table_add (run->failed_items, g_strdup (item_id));
  run->keep_cursor = TRUE;
}

/* The bookkeeping of many actions in a row (outbox entries, the log, seen
 * items) goes into one transaction, not one each; it is committed before
 * anything leaves the process (a call, the end of the run), so an outbox
 * entry is always on disk before its side effect. */
void
af_run_begin_writes (AfRun *run)
{
  if (!run->writing && !run->dry_run && !af_database_in_transaction (run->engine->db))
    run->writing = af_database_begin (run->engine->db, NULL);
  /* Its activity rows go in with the rest, many to a statement. */
  if (run->writing)
    af_activity_log_hold (run->engine->log);
}

gboolean
af_run_end_writes (AfRun   *run,
                   GError **error)
{
  g_autoptr (GError) log_error = NULL;

  if (!run->writing)
    return TRUE;
  run->writing = FALSE;
  /* A row that could not be written is the run's to report, as when it
   * was written at once (af_run_log). */
  if (!af_activity_log_release (run->engine->log, &log_error))
    {
      g_warning ("Could not record activity: %s", log_error->message);
      if (run->log_error == NULL)
        run->log_error = g_steal_pointer (&log_error);
    }
  return af_database_commit (run->engine->db, error);
}

void
af_run_finish (AfRun      *run,
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
  g_autoptr (GError) flush_error = NULL;
  g_autoptr (GError) record_error = NULL;
  gboolean succeeded = g_str_equal (outcome, "succeeded");
  gint64   now = g_get_real_time ();
  GTask   *task = run->task;

  if (run->n_batches > 0 || run->fetching)
    {
      /* Batches are still out: their outcomes are recorded first (the
       * last one back finishes the run), and the run is freed only then.
       * So is the fetch: it is stopped, and finishes the run when it is
       * back, if it is the last. */
      if (run->finish_outcome == NULL)
        {
          run->finish_outcome = outcome;
          run->finish_error = error ? g_error_copy (error) : NULL;
        }
      if (run->fetching)
        g_cancellable_cancel (run->fetch_cancellable);
      return;
    }
  g_clear_handle_id (&run->timeout_id, g_source_remove);
  /* What the run did and could not record makes it a failed run, with
   * the reason (a full disk, say) in its outcome: never a success. */
  if ((!af_run_end_writes (run, &record_error) || !af_database_flush (self->db, &record_error)) && succeeded)
    {
      g_warning ("Could not record a run's actions: %s", record_error->message);
      outcome = "failed";
      error = record_error;
      succeeded = FALSE;
    }
  af_run_drop_groups (run);

  if (!run->test_only &&
      !af_run_store_finish (self->run_store, run->run_id, outcome, run->n_done, error ? error->message : NULL, &db_error))
    g_warning ("Could not record the end of a run: %s", db_error->message);

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
  af_run_log (run,
              !succeeded ? "error"
              : (!run->dry_run && run->n_done == 0 && run->n_failed == 0 && run->n_waiting == 0 && run->n_denied == 0)
                  ? "run-idle"
                  : "run-finished",
              summary, details, outcome);
  /* The run's record is on disk when its caller hears of its end. */
  if (!af_database_flush (self->db, &flush_error))
    g_warning ("Could not record the end of a run: %s", flush_error->message);

  if (!run->dry_run && !run->deleted)
    {
      guint failures = GPOINTER_TO_UINT (g_hash_table_lookup (self->failures, agent_id));

      af_agent_set_last_run (agent, now);
      if (succeeded)
        {
          g_hash_table_remove (self->failures, agent_id);
          /* Every fetched item was dealt with: the sync cursor may move on.
           * Not after a failed batch: its items are read again next time. */
          if (run->fetched != NULL && !run->keep_cursor)
            af_executor_commit_fetch (self->executor, agent, run->fetched);
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
        af_engine_schedule_agent (self, agent, now);
      af_engine_store_agent (self, agent, NULL);
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
      json_object_set_int_member (result, "items", run->n_items);
    }
  if (run->test_only)
    {
      json_object_set_array_member (result, "steps", json_array_ref (run->steps));
      g_ptr_array_remove (self->tests, run);
    }
  else
    {
      g_hash_table_remove (self->running, agent_id);
      g_signal_emit_by_name (self, "run-finished", agent_id, run->run_id, outcome);
    }

  if (succeeded)
    g_task_return_pointer (task, json_object_ref (result), (GDestroyNotify)json_object_unref);
  else if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_new_error (task, AF_ERROR, AF_ERROR_FAILED, "%s", outcome);
  g_object_unref (task);

  af_run_start_queued (self);
}

void
af_run_finish_with_error (AfRun  *run,
                          GError *error)
{
  if (run->timed_out)
    {
      g_autoptr (GError) timeout = g_error_new (AF_ERROR, AF_ERROR_TIMED_OUT, _ ("The run took longer than %u seconds"),
                                                run->engine->run_timeout_s);
      af_run_finish (run, "timed-out", timeout);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    af_run_finish (run, "cancelled", error);
  else
    af_run_finish (run, "failed", error);
}

/* Queues @actions (JsonObject: action, params, rule) for @item, then a
 * marker that records the item as seen once they are all through. */
/* The params of an action that names no field of the item ("{{…}}") are
 * the same for every item: expanded once, their text and hash taken once,
 * and shared (never changed once planned) by every action with them. */
typedef struct
{
  JsonObject *params;
  char       *text;
  char       *hash; /* NULL: the action has a text param, left out of its key */
} AfRunParams;

static void
run_params_free (AfRunParams *shared)
{
  json_object_unref (shared->params);
  g_free (shared->text);
  g_free (shared->hash);
  g_free (shared);
}

/* → (transfer none): @params (the rule's, before expansion) as shared,
 * NULL when they name a field of the item. */
static AfRunParams *
shared_params (AfRun      *run,
               const char *action,
               JsonObject *params)
{
  g_autofree char *raw = af_engine_json_to_text (params);
  g_autofree char *key = NULL;
  const char      *text_param;
  AfRunParams     *shared;

  if (strstr (raw, "{{") != NULL)
    return NULL;
  key = g_strconcat (action, "\n", raw, NULL);
  shared = g_hash_table_lookup (run->shared_params, key);
  if (shared != NULL)
    return shared;
  shared = g_new0 (AfRunParams, 1);
  /* Nothing to expand: the expansion is a copy of them. */
  shared->params = af_engine_expand_params (params, NULL);
  shared->text = af_engine_json_to_text (shared->params);
  text_param = af_action_get_text_param (action);
  if (text_param == NULL || !json_object_has_member (shared->params, text_param))
    shared->hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, shared->text, -1);
  g_hash_table_insert (run->shared_params, g_steal_pointer (&key), shared);
  return shared;
}

/* The text of af_engine_details_new ("item", @item_id, "by", @by) with
 * "actions" and af_run_summary_add_item() of @item: no member of it is
 * named like a secret. */
static char *
decided_details (const char *item_id,
                 const char *by,
                 guint       n_actions,
                 JsonObject *item)
{
  GString *out = g_string_sized_new (192);

  g_string_append_c (out, '{');
  if (item_id != NULL)
    af_engine_json_append_member (out, "item", item_id);
  if (by != NULL)
    af_engine_json_append_member (out, "by", by);
  af_engine_json_append_int_member (out, "actions", n_actions);
  af_run_summary_write_item (out, item);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static void
plan_actions (AfRun      *run,
              JsonObject *item,
              GPtrArray  *actions,
              const char *decided_by)
{
  const char *item_id = json_object_get_string_member_with_default (item, "id", "");
  GString    *decided = g_string_new (NULL);
  g_autoptr (GHashTable) keys = actions->len > 1 ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) : NULL;
  AfPlanned *seen;

  for (guint j = 0; j < actions->len; j++)
    {
      JsonObject  *a = g_ptr_array_index (actions, j);
      AfPlanned   *p = g_new0 (AfPlanned, 1);
      JsonObject  *params = json_object_has_member (a, "params") ? json_object_get_object_member (a, "params") : NULL;
      AfRunParams *shared = NULL;

      p->action = g_strdup (json_object_get_string_member (a, "action"));
      if (params == NULL)
        {
          g_autoptr (JsonObject) empty = json_object_new ();

          shared = shared_params (run, p->action, empty);
        }
      else
        shared = shared_params (run, p->action, params);
      if (shared != NULL)
        {
          p->params = json_object_ref (shared->params);
          p->params_text = g_strdup (shared->text);
        }
      else
        p->params = af_engine_expand_params (params, item);
      p->item = json_object_ref (item);
      p->rule = g_strdup (json_object_get_string_member_with_default (a, "rule", decided_by));
      p->key = idempotency_key (run->agent, item_id, p->action, p->params, shared ? shared->hash : NULL, keys);
      g_queue_push_tail (run->planned, p);
      g_string_append_printf (decided, "%s%s", j ? ", " : "", p->action);
    }

  {
    g_autofree char *line = actions->len ? g_strdup_printf (_ ("“%s”: %s"), af_engine_item_title (item), decided->str)
                                         : g_strdup_printf (_ ("“%s”: nothing to do"), af_engine_item_title (item));

    if (actions->len == 0)
      run->n_left_alone++;
    if (run->test_only)
      {
        g_autoptr (JsonObject) d = af_engine_details_new ("item", item_id, "by", decided_by, NULL);

        json_object_set_int_member (d, "actions", actions->len);
        af_run_summary_add_item (d, item);
        af_run_log (run, "decided", line, d, NULL);
      }
    else if (actions->len == 0)
      {
        /* The same details, written at once. Only for an item left alone:
         * what is done to one has rows of its own (done, failed, waiting,
         * not allowed), each naming the item and the rule; a "decided"
         * row beside them would double a backlog's log for nothing. */
        g_autofree char *text = decided_details (item_id, decided_by, actions->len, item);

        af_run_log_text (run, "decided", line, text, NULL, NULL, NULL);
      }
  }
  g_string_free (decided, TRUE);

  seen = g_new0 (AfPlanned, 1);
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
uses_ai (AfRun *run)
{
  JsonObject *ai = af_agent_get_ai (run->agent);

  return run->engine->llm != NULL && ai != NULL && json_object_get_boolean_member_with_default (ai, "enabled", FALSE);
}

static void
on_tool_loop_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AfRun *run = user_data;
  g_autoptr (JsonObject) item = g_steal_pointer (&run->deciding);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfToolLoopResult) loop = af_tool_loop_run_finish (result, &error);
  g_autoptr (JsonObject) details = NULL;
  g_autofree char *summary = NULL;

  if (loop == NULL)
    {
      af_run_finish_with_error (run, error);
      return;
    }

  for (guint i = 0; i < loop->rejected->len; i++)
    af_run_log (run, "ai-rejected", g_ptr_array_index (loop->rejected, i),
                NULL, "rejected");

  details = af_engine_details_new ("item", json_object_get_string_member_with_default (item, "id", ""), "stopped",
                                   loop->stopped, NULL);
  json_object_set_int_member (details, "steps", loop->steps);
  json_object_set_int_member (details, "tokens", loop->tokens);
  /* The number of steps is in the details. */
  summary = g_strdup_printf (ngettext ("The AI model proposed %u action", "The AI model proposed %u actions",
                                       loop->actions->len),
                             loop->actions->len);
  af_run_log (run, "ai-step", summary, details, NULL);

  plan_actions (run, item, loop->actions, "AI");
  /* The next item, or the actions once all are decided. */
  af_run_next_action (run);
}

/* Decides the items read and not decided yet: by the rules all at once,
 * by the AI model one at a time (its answer, on_tool_loop_cb, goes on). */
AfRunDecision
af_run_decide (AfRun *run)
{
  JsonArray *rules = af_agent_get_rules (run->agent);
  /* The rules cannot change while this loop runs: nothing else does. */
  g_autoptr (AfRulesCache) cache = NULL;

  af_run_begin_writes (run);
  while (!g_queue_is_empty (run->undecided))
    {
      g_autoptr (JsonObject) item = g_queue_pop_head (run->undecided);
      g_autoptr (GPtrArray) actions = NULL;

      if (json_object_get_boolean_member_with_default (item, "untrusted", FALSE))
        run->read_untrusted = TRUE;

      if (uses_ai (run))
        {
          g_autoptr (GError) error = NULL;

          if (!af_run_end_writes (run, &error))
            {
              af_run_finish_with_error (run, error);
              return AF_RUN_ENDED;
            }
          run->deciding = g_steal_pointer (&item);
          af_tool_loop_run_async (llm_for_agent (run->engine, run->agent), run->agent, run->deciding, run->cancellable,
                                  on_tool_loop_cb, run);
          return AF_RUN_DECIDING;
        }

      if (cache == NULL)
        cache = af_rules_cache_new ();
      actions = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
      if (rules != NULL)
        af_rules_evaluate_cached (rules, item, g_get_real_time (), actions, cache);
      plan_actions (run, item, actions, "rules");
    }
  return AF_RUN_DECIDED;
}

/* Whether the planned actions may go now, while items may still come.
 * Once everything read is decided, they may. Before, only by the rules
 * (the AI model decides all first, as it always did) and once the run
 * read untrusted content: the approval policy of an action depends on
 * whether the run did (af_agent_get_approval_policy()), and that cannot
 * change any more then, so an action is asked for (or not) exactly as
 * when every item had been decided first. */
gboolean
af_run_may_act (AfRun *run)
{
  if (!run->fetching && run->deciding == NULL && g_queue_is_empty (run->undecided))
    return TRUE;
  return run->read_untrusted && !uses_ai (run);
}

/* The new items among @items (not seen by an earlier run) join those to
 * decide. */
static void
take_items (AfRun     *run,
            GPtrArray *items)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_sized_new (items->len);
  g_autoptr (GHashTable) seen = NULL;

  /* New items only: de-duplicated by id, across runs. */
  for (guint i = 0; i < items->len; i++)
    {
      const char *item_id = json_object_get_string_member_with_default (g_ptr_array_index (items, i), "id", NULL);

      if (item_id != NULL)
        g_ptr_array_add (ids, (gpointer)item_id);
    }
  if (ids->len == 0)
    return;
  seen = af_run_store_seen_among (run->engine->run_store, af_agent_get_id (run->agent), (const char *const *)ids->pdata,
                                  ids->len);
  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (items, i);
      const char *item_id = json_object_get_string_member_with_default (item, "id", NULL);

      if (item_id != NULL && !g_hash_table_contains (seen, item_id))
        {
          g_queue_push_tail (run->undecided, json_object_ref (item));
          run->n_items++;
        }
    }
}

/* New items came, or the fetch is done: the run goes on with them, unless
 * it is busy (an action or a batch it waits for, the AI model) and goes
 * on by itself when that is back. */
static void
go_on (AfRun *run)
{
  if (run->current == NULL && !run->awaiting_batches && run->deciding == NULL)
    af_run_next_action (run);
}

static gboolean
on_go_on_cb (gpointer user_data)
{
  AfRun *run = user_data;

  run->go_on_id = 0;
  /* Not once the run ended: it only waits for what is out. */
  if (run->finish_outcome != NULL)
    return G_SOURCE_REMOVE;
  go_on (run);
  return G_SOURCE_REMOVE;
}

/* The run goes on from the main loop once the answers that came in
 * meanwhile have sent the next requests (history pages, batch reads):
 * deciding a backlog of thousands of items does not hold the
 * connections up. */
static void
go_on_later (AfRun *run)
{
  af_run_idle_add (run, &run->go_on_id, &run->go_on_since, on_go_on_cb);
  af_run_hurry (run->record_id, run->record_since);
}

static void
on_items_cb (GPtrArray *items,
             gpointer   user_data)
{
  AfRun *run = user_data;

  /* The run is ending: it waits for the fetch, and takes nothing more. */
  if (run->finish_outcome != NULL || g_cancellable_is_cancelled (run->cancellable))
    return;
  take_items (run, items);
  go_on_later (run);
}

static void
on_fetch_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AfRun *run = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (JsonObject) details = NULL;
  g_autofree char *summary = NULL;
  guint            first_run_days;
  const char      *source_name = json_object_get_string_member_with_default (af_agent_peek_definition (run->agent),
                                                                             "source", "mail");

  items = af_executor_fetch_finish (AF_EXECUTOR (source), result, &error);
  run->fetching = FALSE;
  if (run->finish_outcome != NULL)
    {
      /* The run ended meanwhile: it finishes once the last batch is back. */
      if (run->n_batches == 0)
        {
          g_autoptr (GError) finish_error = g_steal_pointer (&run->finish_error);

          af_run_finish (run, run->finish_outcome, finish_error);
        }
      return;
    }
  if (items == NULL)
    {
      /* The actions of what was read stop at their next step. */
      if (run->current != NULL || run->awaiting_batches || run->deciding != NULL)
        run->fetch_error = g_steal_pointer (&error);
      else
        af_run_finish_with_error (run, error);
      return;
    }

  take_items (run, items);
  details = json_object_new ();
  json_object_set_int_member (details, "new", run->n_items);
  json_object_set_string_member (details, "source", source_name);
  first_run_days = af_agent_get_last_run (run->agent) == 0 && g_str_equal (source_name, "mail")
                       ? CLAMP (af_json_get_int (af_agent_peek_definition (run->agent), "first_run_days", 0), 0, 365)
                       : 0;
  json_object_set_int_member (details, "first_run_days", first_run_days);
  if (first_run_days > 0)
    /* Translators: the first run of a mail agent; the second number is
     * a number of days (7 or 30). */
    summary = g_strdup_printf (ngettext ("Looked at %'u message from the last %u days",
                                         "Looked at %'u messages from the last %u days", run->n_items),
                               run->n_items, first_run_days);
  else
    summary = g_strdup_printf (ngettext ("Fetched %u new item", "Fetched %u new items", run->n_items), run->n_items);
  af_run_log (run, "fetched", summary, details, NULL);

  /* The same array: the executor knows it (commit_fetch). */
  run->fetched = g_steal_pointer (&items);
  go_on (run);
}

static void
on_fetch_cancelled_cb (GCancellable *cancellable,
                       AfRun        *run)
{
  g_cancellable_cancel (run->fetch_cancellable);
}

static gboolean
on_run_timeout_cb (gpointer user_data)
{
  AfRun *run = user_data;

  run->timeout_id = 0;
  run->timed_out = TRUE;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

void
af_run_start (AfRun *run)
{
  AfEngine   *self = run->engine;
  const char *agent_id = af_agent_get_id (run->agent);
  g_autoptr (GError) error = NULL;
  const char *source;

  if (run->test_only)
    /* Not a run of a saved agent: no slot, no row, no signal. */
    g_ptr_array_add (self->tests, run);
  else
    {
      g_hash_table_insert (self->running, g_strdup (agent_id), run);
      af_engine_claim_owner (self);
      run->run_id = af_run_store_begin (self->run_store, agent_id, run->dry_run, af_run_owner_get_id (self->owner),
                                        &error);
    }
  if (error != NULL)
    {
      af_run_finish (run, "failed", error);
      return;
    }

  af_run_log (run, "run-started", run->dry_run ? _ ("Test run started") : _ ("Run started"), NULL, NULL);
  if (!run->test_only)
    g_signal_emit_by_name (self, "run-started", agent_id, run->run_id);

  if (self->run_timeout_s > 0)
    run->timeout_id = af_timeout_add_seconds_named (self->run_timeout_s, "[agentflow] run timeout", on_run_timeout_cb, run);

  source = json_object_get_string_member_with_default (af_agent_peek_definition (run->agent), "source", "mail");
  run->fetching = TRUE;
  af_executor_fetch_each_async (self->executor, run->agent, source, on_items_cb, run, run->fetch_cancellable,
                                on_fetch_cb, run);
}

void
af_run_start_queued (AfEngine *self)
{
  /* Not before what an earlier process left unfinished is settled: a run
   * would take those actions for done, or do them a second time. */
  if (self->n_reconciling > 0)
    return;
  while (g_hash_table_size (self->running) < self->max_concurrent && !g_queue_is_empty (self->queue))
    af_run_start (g_queue_pop_head (self->queue));
}

static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        AfRun        *run)
{
  g_cancellable_cancel (run->cancellable);
}

AfRun *
af_run_new (AfEngine     *self,
            AfAgent      *agent,
            GTask        *task,
            AfRunFlags    flags,
            GCancellable *cancellable)
{
  AfRun *run = g_new0 (AfRun, 1);

  run->engine = self;
  run->agent = g_object_ref (agent);
  run->task = g_object_ref (task);
  run->cancellable = g_cancellable_new ();
  run->fetch_cancellable = g_cancellable_new ();
  /* A new cancellable: not cancelled yet, so a plain handler is enough. */
  run->fetch_cancel_handler = g_signal_connect (run->cancellable, "cancelled", G_CALLBACK (on_fetch_cancelled_cb), run);
  run->undecided = g_queue_new ();
  run->dry_run = (flags & AF_RUN_FLAGS_DRY_RUN) != 0;
  run->planned = g_queue_new ();
  run->would_do = json_array_new ();
  run->done_by_action = json_object_new ();
  run->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)af_run_group_free);
  run->ready = g_queue_new ();
  run->shared_params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)run_params_free);
  run->recording = g_queue_new ();
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

/* Records @item_id as dealt with: later runs never take it again. */
void
af_run_mark_seen (AfRun      *run,
                  const char *item_id)
{
  g_autoptr (GError) error = NULL;

  if (!af_run_store_mark_seen (run->engine->run_store, af_agent_get_id (run->agent), item_id, &error))
    g_warning ("Could not remember an item: %s", error->message);
}
