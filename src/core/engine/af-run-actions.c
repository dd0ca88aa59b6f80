/* af-run-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action-text.h"
#include "af-activity-text.h"
#include "af-error.h"
#include "af-run-private.h"
#include "af-run-summary.h"

/* A run's actions, one after another: the permission gate, the agent's
 * approval policy, the outbox entry, then the side effect and its record.
 * Label-type actions go to af-run-batch.c. */

/* What the outbox keeps of @p: {"params", "item", "rule"}, the text
 * af_engine_json_to_text() gives of that object, written from its
 * members' text (the params' is known already for most actions); the
 * item without its body (af_engine_item_to_stored_text()). */
static char *
stored_text (AfPlanned *p)
{
  g_autofree char *params = p->params_text != NULL ? NULL : af_engine_json_to_text (p->params);
  g_autofree char *item = af_engine_item_to_stored_text (p->item);
  g_autoptr (JsonNode) rule_node = json_node_init_string (json_node_alloc (), p->rule ? p->rule : "");
  g_autofree char *rule = af_engine_node_to_text (rule_node);

  return g_strconcat ("{\"params\":", p->params_text != NULL ? p->params_text : params, ",\"item\":", item,
                      ",\"rule\":", rule, "}", NULL);
}

/* Records the current action's end (@answer, or @error) and goes on. */
static void
action_finished (AfRun      *run,
                 const char *answer,
                 GError     *error)
{
  AfEngine        *self = run->engine;
  AfPlanned       *p = run->current;
  g_autofree char *summary = NULL;
  g_autoptr (JsonObject) details = NULL;
  gboolean owned;

  g_hash_table_remove (self->inflight, p->key);
  details = af_engine_details_new ("action", p->action, "item", json_object_get_string_member_with_default (p->item, "id", NULL),
                                   "rule", p->rule, "key", p->key, NULL);

  owned = af_engine_outcome_begin (self);
  if (error != NULL)
    {
      /* Not cancelled-but-maybe-done: the outcome is unknown, so the entry
       * stays "executing" and is reconciled on the next start. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        af_outbox_set_state (self->outbox, p->outbox_id, AF_OUTBOX_FAILED, error->message, NULL);
      json_object_set_string_member (details, "error", error->message);
      summary = af_engine_failed_summary (p->action, p->params, p->item, error);
      af_activity_text_add_action (details, AF_ACTIVITY_SAY_FAILED, p->action, p->params, p->item, FALSE);
      af_run_log (run, "action-failed", summary, details, "failed");
      af_engine_outcome_end (self, owned);
      run->n_failed++;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          af_run_finish_with_error (run, error);
          return;
        }
    }
  else
    {
      af_outbox_set_state (self->outbox, p->outbox_id, AF_OUTBOX_DONE, answer, NULL);
      summary = af_action_describe (p->action, p->params, p->item, TRUE);
      af_activity_text_add_action (details, AF_ACTIVITY_SAY_DONE, p->action, p->params, p->item, FALSE);
      af_run_summary_add_answer (details, answer);
      af_run_log (run, "action-done", summary, details, "done");
      af_engine_outcome_end (self, owned);
      run->n_done++;
      af_run_summary_count (run->done_by_action, p->action);
    }

  g_clear_pointer (&run->current, af_planned_free);
  af_run_next_action (run);
}

static void
on_confirm_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AfRun *run = user_data;
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
  AfRun     *run = user_data;
  AfPlanned *p = run->current;
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = af_executor_execute_finish (AF_EXECUTOR (source), result, &error);

  if (error != NULL && af_engine_outcome_unknown (p->action, error))
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
  AfRun      *run = user_data;
  AfPlanned  *p = run->current;
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
      g_autoptr (JsonObject) details = af_engine_details_new ("action", p->action, "item", item_id, "rule", p->rule, "key",
                                                              p->key, "error", error->message, NULL);
      g_autofree char *summary = af_engine_failed_summary (p->action, p->params, p->item, error);

      /* Still unknown: neither repeated nor taken for done; it stays
       * "executing", and the item for a later run. */
      g_warning ("Could not tell whether %s happened: %s", p->key, error->message);
      g_hash_table_remove (run->engine->inflight, p->key);
      af_run_hold_item (run, item_id);
      af_activity_text_add_action (details, AF_ACTIVITY_SAY_FAILED, p->action, p->params, p->item, FALSE);
      af_run_log (run, "action-failed", summary, details, "failed");
      run->n_failed++;
      g_clear_pointer (&run->current, af_planned_free);
      af_run_next_action (run);
    }
}

/* @p asks first: a pending approval, and a line in the activity. */
static void
request_approval (AfRun         *run,
                  AfPlanned     *p,
                  AfOutboxEntry *entry)
{
  g_autoptr (AfApproval) approval = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) details = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *what = NULL;

  approval = af_engine_add_approval (run->engine, entry, p->params, p->item, p->rule, &error);
  if (approval == NULL)
    {
      g_warning ("Could not store an approval: %s", error->message);
      return;
    }

  details = af_engine_details_new ("action", p->action, "target", af_approval_get_target (approval), "key", p->key,
                                   NULL);
  json_object_set_int_member (details, "approval_id", af_approval_get_id (approval));
  af_activity_text_add_action (details, AF_ACTIVITY_SAY_WAITING, p->action, p->params, p->item, FALSE);
  what = af_action_describe (p->action, p->params, p->item, FALSE);
  summary = g_strdup_printf (_ ("Waiting for approval: %s"), what);
  af_run_log (run, "approval-requested", summary, details, "waiting");
  run->n_waiting++;
}

/* Takes the planned actions in turn. Most go out one at a time; label-type
 * ones are gathered per change and go out in batches, up to
 * AF_RUN_BATCHES_IN_FLIGHT at once while the run goes on, waiting for one
 * when that many are out and for the rest at the end. A loop, not a
 * recursion: a backlog is tens of thousands of steps. */
void
af_run_next_action (AfRun *run)
{
  AfEngine   *self = run->engine;
  AfAgent    *agent = run->agent;
  const char *agent_id = af_agent_get_id (agent);

  for (;;)
    {
      AfPlanned  *p;
      const char *permission;
      g_autoptr (GError) error = NULL;
      g_autoptr (AfOutboxEntry) entry = NULL;
      g_autofree char *stored = NULL;
      AfApprovalPolicy policy;
      AfRunGroup      *full = NULL;

      if (g_cancellable_set_error_if_cancelled (run->cancellable, &error))
        {
          af_run_finish_with_error (run, error);
          return;
        }
      if (run->write_error != NULL)
        {
          /* A batch could not be recorded: stop, once the others are back. */
          if (run->n_batches == 0)
            af_run_finish_with_error (run, run->write_error);
          else
            run->awaiting_batches = TRUE;
          return;
        }
      if (run->fetch_error != NULL)
        {
          /* The fetch failed: what was read and done is recorded; the
           * run is not a success, and its cursor stays. */
          af_run_finish_with_error (run, run->fetch_error);
          return;
        }

      /* The items read meanwhile are decided once those decided before
       * are through (or, while actions may not go yet, at once). */
      if (!g_queue_is_empty (run->undecided) && (g_queue_is_empty (run->planned) || !af_run_may_act (run)) &&
          af_run_decide (run) != AF_RUN_DECIDED)
        return;
      p = af_run_may_act (run) ? g_queue_pop_head (run->planned) : NULL;
      if (p == NULL && run->fetching)
        {
          /* Until more items come, or the fetch is done (on_fetch_cb and
           * on_items_cb go on from here). */
          if (!af_run_end_writes (run, &error))
            af_run_finish_with_error (run, error);
          return;
        }
      if (p == NULL)
        {
          if (!af_run_end_writes (run, &error))
            af_run_finish_with_error (run, error);
          /* The last batches; on_batch_cb comes back here. */
          else if (af_run_send_groups (run))
            run->awaiting_batches = TRUE;
          else if (run->write_error != NULL)
            af_run_finish_with_error (run, run->write_error);
          else
            af_run_finish (run, "succeeded", NULL);
          return;
        }
      af_run_begin_writes (run);
      run->current = p;

      if (p->mark_seen)
        {
          const char *item_id = json_object_get_string_member (p->item, "id");

          if (run->dry_run)
            ;
          else if (g_hash_table_contains (run->unsettled, item_id))
            g_hash_table_add (run->seen_later, g_strdup (item_id));
          else if (!g_hash_table_contains (run->failed_items, item_id))
            af_run_mark_seen (run, item_id);
          g_clear_pointer (&run->current, af_planned_free);
          continue;
        }

      /* The permission gate, in code: no permission, no call. */
      permission = af_action_get_permission (p->action);
      if (!af_agent_has_permission (agent, permission))
        {
          g_autofree char *what = af_action_describe (p->action, p->params, p->item, FALSE);
          /* Translators: the first %s is an action ("Label “Invoice” as
           * Finance"), the second a permission ("gmail.modify") */
          g_autofree char *summary = g_strdup_printf (_ ("%s — not allowed: the agent lacks the “%s” permission"),
                                                      what, permission ? permission : "?");
          g_autoptr (JsonObject) details = af_engine_details_new ("action", p->action, "permission", permission, "rule",
                                                                  p->rule, NULL);

          af_activity_text_add_action (details, AF_ACTIVITY_SAY_DENIED, p->action, p->params, p->item, FALSE);
          af_run_log (run, "action-denied", summary, details, "denied");
          run->n_denied++;
          g_clear_pointer (&run->current, af_planned_free);
          continue;
        }

      policy = af_agent_get_approval_policy (agent, p->action, run->read_untrusted);

      if (run->dry_run)
        {
          JsonObject      *would = json_object_new ();
          g_autofree char *summary = af_action_describe (p->action, p->params, p->item, FALSE);

          json_object_set_string_member (would, "action", p->action);
          json_object_set_object_member (would, "params", json_object_ref (p->params));
          json_object_set_string_member (would, "item", json_object_get_string_member_with_default (p->item, "id", ""));
          json_object_set_string_member (would, "subject", af_engine_item_title (p->item));
          json_object_set_string_member (would, "summary", summary);
          json_object_set_string_member (would, "policy", policy == AF_APPROVAL_POLICY_ASK ? "ask" : policy == AF_APPROVAL_POLICY_NEVER ? "never"
                                                                                                                                        : "auto");
          json_array_add_object_element (run->would_do, would);
          g_clear_pointer (&run->current, af_planned_free);
          continue;
        }

      if (policy == AF_APPROVAL_POLICY_NEVER)
        {
          g_autofree char *what = af_action_describe (p->action, p->params, p->item, FALSE);
          /* Translators: %s is an action ("Label “Invoice” as Finance") */
          g_autofree char *summary = g_strdup_printf (_ ("%s — skipped: this agent never does it"), what);

          g_autoptr (JsonObject) details = af_engine_details_new ("rule", p->rule, NULL);

          af_activity_text_add_action (details, AF_ACTIVITY_SAY_SKIPPED, p->action, p->params, p->item, FALSE);
          af_run_log (run, "action-skipped", summary, details, "skipped");
          g_clear_pointer (&run->current, af_planned_free);
          continue;
        }

      /* Outbox first, side effect second. An action that goes in a
       * batch is "executing" from the start: its batch leaves without
       * another write to each entry, and an entry left so by a crash
       * before the batch left is asked about, then done (the same answer
       * "pending" would have had, one question later). */
      stored = stored_text (p);
      entry = af_outbox_reserve (self->outbox, p->key, agent_id, run->run_id, p->action, stored,
                                 policy == AF_APPROVAL_POLICY_ASK       ? AF_OUTBOX_WAITING
                                 : af_executor_is_batchable (p->action) ? AF_OUTBOX_EXECUTING
                                                                        : AF_OUTBOX_PENDING,
                                 &error);
      if (entry == NULL)
        {
          af_run_finish_with_error (run, error);
          return;
        }

      if (policy == AF_APPROVAL_POLICY_ASK)
        {
          /* A new entry (created by this reserve) has no approval yet. */
          if (entry->state == AF_OUTBOX_WAITING && entry->run_id == run->run_id)
            request_approval (run, p, entry);
          g_clear_pointer (&run->current, af_planned_free);
          continue;
        }

      if (entry->state == AF_OUTBOX_DONE || entry->state == AF_OUTBOX_WAITING || entry->state == AF_OUTBOX_DENIED || entry->state == AF_OUTBOX_EXPIRED)
        {
          /* Done before (a retry, a crash), or up to the person. */
          g_clear_pointer (&run->current, af_planned_free);
          continue;
        }
      if (g_hash_table_contains (self->inflight, p->key) || ((entry->state == AF_OUTBOX_EXECUTING || entry->state == AF_OUTBOX_PENDING) && af_engine_held_elsewhere (self, entry)))
        {
          const char *item_id = json_object_get_string_member_with_default (p->item, "id", "");

          /* Being done meanwhile, here (being reconciled, or in one of
           * this run's batches) or by another live process: not done yet,
           * so the item is not handled yet, unless this run's own batch
           * settles it. */
          if (!g_hash_table_contains (run->unsettled, item_id))
            af_run_hold_item (run, item_id);
          g_clear_pointer (&run->current, af_planned_free);
          continue;
        }
      if (entry->state == AF_OUTBOX_FAILED && !af_executor_is_batchable (p->action))
        {
          /* A send, draft, post or event that failed may still have
           * reached the service (a dropped connection): it is reported,
           * never repeated by a later run. Label changes are safe to
           * repeat and are. */
          g_clear_pointer (&run->current, af_planned_free);
          continue;
        }

      p->outbox_id = entry->id;
      g_hash_table_add (self->inflight, g_strdup (p->key));

      if (entry->state == AF_OUTBOX_EXECUTING && entry->run_id != run->run_id)
        {
          /* Left "executing" by a process that is gone, and not settled
           * when this one started (the service could not be asked then):
           * ask it now, then do it or not. */
          if (!af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_EXECUTING, NULL, &error) || !af_run_end_writes (run, &error))
            {
              af_run_finish_with_error (run, error);
              return;
            }
          af_executor_reconcile_async (self->executor, agent, p->action, p->params, p->item, p->key,
                                       run->cancellable, on_recover_cb, run);
          return;
        }

      if (af_executor_is_batchable (p->action))
        {
          /* "executing" (this process's) once reserved: an entry of an
           * earlier run (back to "pending", or failed) becomes so too. */
          if ((entry->state != AF_OUTBOX_EXECUTING || g_strcmp0 (entry->owner, af_run_owner_get_id (self->owner)) != 0) && !af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_EXECUTING, NULL, &error))
            {
              af_run_finish_with_error (run, error);
              return;
            }
          if ((full = af_run_add_to_group (run, g_steal_pointer (&run->current))) == NULL)
            continue;
        }
      else if (!af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_EXECUTING, NULL, &error))
        {
          af_run_finish_with_error (run, error);
          return;
        }
      if (!af_run_end_writes (run, &error))
        {
          af_run_finish_with_error (run, error);
          return;
        }
      if (full != NULL)
        {
          /* A full batch goes out, or once fewer than
           * AF_RUN_BATCHES_IN_FLIGHT are out (on_batch_cb sends it); the
           * actions go on meanwhile. */
          gpointer key = NULL;

          g_hash_table_steal_extended (run->groups, full->key, &key, NULL);
          g_free (key);
          g_queue_push_tail (run->ready, full);
          if (af_run_send_ready (run))
            continue;
          if (run->n_batches == 0)
            af_run_finish_with_error (run, run->write_error);
          else
            run->awaiting_batches = TRUE;
          return;
        }

      af_executor_execute_async (self->executor, agent, p->action, p->params, p->item, p->key, run->cancellable,
                                 on_execute_cb, run);
      return;
    }
}
