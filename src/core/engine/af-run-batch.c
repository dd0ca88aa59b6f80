/* af-run-batch.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include "af-action-text.h"
#include "af-activity-text.h"
#include "af-run-private.h"
#include "af-run-summary.h"

/* Label-type actions of a run go out in batches: one request for up to
 * AF_EXECUTOR_BATCH_MAX items with the same change, each action keeping
 * its own outbox entry and its own record. */

/* A batch in flight, then being recorded. */
typedef struct
{
  AfRun     *run;
  char      *action;
  GPtrArray *planned; /* AfPlanned */
  GError    *error;   /* its outcome, for each of its actions */
  guint      recorded;
  char      *args; /* its actions' arguments as their rows keep them */
} Batch;

/* The outcomes of a batch are recorded this many at a time, the main loop
 * taking what came meanwhile (the next page of a fetch, a batch of mail
 * read) in between, rather than a thousand in one go. */
#define RECORD_SLICE 100

void
af_run_group_free (AfRunGroup *g)
{
  g_free (g->key);
  g_free (g->action);
  json_object_unref (g->params);
  g_ptr_array_unref (g->planned);
  g_free (g);
}

static void
drop_group (AfRun      *run,
            AfRunGroup *g)
{
  AfEngine *self = run->engine;

  for (guint i = 0; i < g->planned->len; i++)
    {
      AfPlanned *p = g_ptr_array_index (g->planned, i);

      g_hash_table_remove (self->inflight, p->key);
      af_outbox_set_state (self->outbox, p->outbox_id, AF_OUTBOX_PENDING, NULL, NULL);
    }
}

/* A run that ends early (cancelled, an error) with actions still waiting
 * for their batch: never started, so back to "pending" for a later run or
 * the next start. */
void
af_run_drop_groups (AfRun *run)
{
  GHashTableIter iter;
  AfRunGroup    *g;

  while ((g = g_queue_pop_head (run->ready)) != NULL)
    {
      drop_group (run, g);
      af_run_group_free (g);
    }
  g_hash_table_iter_init (&iter, run->groups);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&g))
    drop_group (run, g);
  g_hash_table_remove_all (run->groups);
}

/* One of @item_id's batched actions finished: once they all have, its
 * marker (if it came meanwhile) records it as seen, unless one failed. */
static void
settle_item (AfRun      *run,
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
    af_run_mark_seen (run, item_id);
}

/* The next RECORD_SLICE outcomes of @batch; %TRUE once all are. */
static gboolean
record_slice (Batch *batch)
{
  AfRun    *run = batch->run;
  AfEngine *self = run->engine;
  GError   *error = batch->error;
  gboolean  cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  guint     end = MIN (batch->recorded + RECORD_SLICE, batch->planned->len);
  gint64    done_ids[RECORD_SLICE];
  char     *done_items[RECORD_SLICE];
  guint     n_done = 0;
  g_autoptr (GError) write_error = NULL;

  /* Every action of the batch has its own outcome, as if done alone. Its
   * actions share their arguments: written once (unless they name a
   * secret, which the rows' usual way hides), and each row from them. */
  if (batch->args == NULL && batch->recorded == 0 && error == NULL && !run->test_only && batch->planned->len > 0)
    {
      AfPlanned *first = g_ptr_array_index (batch->planned, 0);

      if (first->params == NULL || !af_engine_has_secret (first->params))
        batch->args = af_activity_text_args (first->params);
    }
  af_run_begin_writes (run);
  for (; batch->recorded < end; batch->recorded++)
    {
      AfPlanned       *p = g_ptr_array_index (batch->planned, batch->recorded);
      const char      *item_id = json_object_get_string_member_with_default (p->item, "id", "");
      g_autofree char *summary = NULL;

      g_hash_table_remove (self->inflight, p->key);
      if (error != NULL)
        {
          g_autoptr (JsonObject) details = af_engine_details_new ("action", p->action, "item", item_id, "rule", p->rule,
                                                                  "key", p->key, NULL);

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
          summary = af_engine_failed_summary (p->action, p->params, p->item, error);
          af_activity_text_add_action (details, AF_ACTIVITY_SAY_FAILED, p->action, p->params, p->item, FALSE);
          af_run_log (run, "action-failed", summary, details, "failed");
          run->n_failed++;
        }
      else
        {
          /* Its entry goes "done" with the slice's others, below. */
          done_ids[n_done] = p->outbox_id;
          done_items[n_done++] = g_strdup (item_id);
          summary = af_action_describe (p->action, p->params, p->item, TRUE);
          if (batch->args != NULL)
            {
              /* Its row written at once, as the object below would be. */
              g_autofree char *text = af_activity_text_done_details (p->action, item_id, p->rule, p->key, batch->args,
                                                                     p->item);

              af_run_log_text (run, "action-done", summary, text, "done", p->action, item_id);
            }
          else
            {
              g_autoptr (JsonObject) details = af_engine_details_new ("action", p->action, "item", item_id, "rule",
                                                                      p->rule, "key", p->key, NULL);

              af_activity_text_add_action (details, AF_ACTIVITY_SAY_DONE, p->action, p->params, p->item, FALSE);
              af_run_log (run, "action-done", summary, details, "done");
            }
          run->n_done++;
          af_run_summary_count (run->done_by_action, p->action);
        }
      settle_item (run, item_id);
      /* The action is through: its item, if nothing else holds it, goes. */
      g_clear_pointer (&batch->planned->pdata[batch->recorded], af_planned_free);
    }

  /* Each as if done alone: {"id": its item}, what the service answers. */
  if (!af_outbox_set_done_on_items (self->outbox, done_ids, (const char *const *)done_items, n_done, &write_error))
    {
      g_warning ("Could not record a batch of actions: %s", write_error->message);
      if (run->write_error == NULL)
        run->write_error = g_steal_pointer (&write_error);
      g_clear_error (&write_error);
    }
  for (guint i = 0; i < n_done; i++)
    g_free (done_items[i]);
  if (!af_run_end_writes (run, &write_error))
    {
      g_warning ("Could not record a batch of actions: %s", write_error->message);
      if (run->write_error == NULL)
        run->write_error = g_steal_pointer (&write_error);
    }
  return batch->recorded == batch->planned->len;
}

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->planned);
  g_clear_error (&batch->error);
  g_free (batch->action);
  g_free (batch->args);
  g_free (batch);
}

/* A batch is recorded: the run goes on. */
static void
batch_recorded (AfRun *run)
{
  run->n_batches--;
  if (run->finish_outcome != NULL)
    {
      /* The run ended meanwhile: it finishes once the last batch (and
       * its fetch) is back. */
      if (run->n_batches == 0 && !run->fetching)
        {
          g_autoptr (GError) finish_error = g_steal_pointer (&run->finish_error);

          af_run_finish (run, run->finish_outcome, finish_error);
        }
      return;
    }
  /* The actions go on if they were waiting for a batch; not when they
   * wait for a single action of their own, which goes on by itself. A
   * batch whose results are not on disk stops them (af_run_next_action):
   * its actions stay "executing" and are reconciled at the next start. */
  if (!run->awaiting_batches)
    return;
  run->awaiting_batches = FALSE;
  af_run_next_action (run);
}

static gboolean
on_record_cb (gpointer user_data)
{
  AfRun   *run = user_data;
  Batch   *batch = g_queue_peek_head (run->recording);
  gboolean more;

  run->record_since = g_get_monotonic_time ();
  if (!record_slice (batch))
    return G_SOURCE_CONTINUE;

  batch_free (g_queue_pop_head (run->recording));
  more = !g_queue_is_empty (run->recording);
  if (!more)
    run->record_id = 0;
  /* May finish the run (and free it) when it was the last batch: last. */
  batch_recorded (run);
  return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
on_batch_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Batch *batch = user_data;
  AfRun *run = batch->run;

  af_executor_execute_batch_finish (AF_EXECUTOR (source), result, &batch->error);
  g_debug ("A batch of %u “%s” actions %s", batch->planned->len, batch->action, batch->error ? "failed" : "done");
  run->n_sending--;
  /* A full batch that waited for this one goes. */
  if (run->finish_outcome == NULL && run->write_error == NULL)
    af_run_send_ready (run);
  g_queue_push_tail (run->recording, batch);
  /* Recorded once the answers that came meanwhile are dealt with: the
   * reads and the next batches go out first. */
  af_run_idle_add (run, &run->record_id, &run->record_since, on_record_cb);
}

/* An idle source of the run that waits for the answers coming in never
 * waits longer than this while they keep coming (a busy or slow machine):
 * it then goes with them. */
#define HURRY_AFTER_US (25 * G_TIME_SPAN_MILLISECOND)

void
af_run_hurry (guint  source_id,
              gint64 since)
{
  GSource *source;

  if (source_id == 0 || g_get_monotonic_time () - since < HURRY_AFTER_US)
    return;
  source = g_main_context_find_source_by_id (NULL, source_id);
  if (source != NULL)
    g_source_set_priority (source, G_PRIORITY_DEFAULT);
}

/* Adds @func as the run's idle source @id, unless it is there already:
 * then it is hurried (af_run_hurry()). */
void
af_run_idle_add (AfRun      *run,
                 guint      *id,
                 gint64     *since,
                 GSourceFunc func)
{
  if (*id != 0)
    {
      af_run_hurry (*id, *since);
      return;
    }
  *id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, func, run, NULL);
  *since = g_get_monotonic_time ();
}

/* Sends @g's actions as one batch. Their entries are "executing" since
 * they were reserved, and on disk: the run's writes end before a batch
 * is full (af_run_next_action), and before the last ones go. */
static void
send_group (AfRun      *run,
            AfRunGroup *g)
{
  AfEngine *self = run->engine;
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  Batch *batch = g_new0 (Batch, 1);

  batch->run = run;
  batch->action = g_strdup (g->action);
  batch->planned = g_steal_pointer (&g->planned);
  g->planned = g_ptr_array_new_with_free_func ((GDestroyNotify)af_planned_free);
  for (guint i = 0; i < batch->planned->len; i++)
    {
      AfPlanned *p = g_ptr_array_index (batch->planned, i);

      g_ptr_array_add (items, p->item);
      g_ptr_array_add (keys, p->key);
    }
  run->n_batches++;
  run->n_sending++;
  af_executor_execute_batch_async (self->executor, run->agent, g->action, g->params, items, keys, run->cancellable,
                                   on_batch_cb, batch);
}

/* Queues @p (through the gates, its outbox entry "executing") for a batch
 * with the same change; → that batch when it is full. */
AfRunGroup *
af_run_add_to_group (AfRun     *run,
                     AfPlanned *p)
{
  g_autofree char *params = p->params_text != NULL ? NULL : af_engine_json_to_text (p->params);
  g_autofree char *group_key = g_strconcat (p->action, "\n", p->params_text != NULL ? p->params_text : params, NULL);
  const char      *item_id = json_object_get_string_member_with_default (p->item, "id", "");
  AfRunGroup      *g = g_hash_table_lookup (run->groups, group_key);

  if (g == NULL)
    {
      g = g_new0 (AfRunGroup, 1);
      g->key = g_strdup (group_key);
      g->action = g_strdup (p->action);
      g->params = json_object_ref (p->params);
      g->planned = g_ptr_array_new_with_free_func ((GDestroyNotify)af_planned_free);
      g_hash_table_insert (run->groups, g_strdup (group_key), g);
    }
  g_ptr_array_add (g->planned, p);
  g_hash_table_insert (run->unsettled, g_strdup (item_id),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (run->unsettled, item_id)) + 1));
  return g->planned->len < AF_EXECUTOR_BATCH_MAX ? NULL : g;
}

/* Sends the full batches that wait, while fewer than
 * AF_RUN_BATCHES_IN_FLIGHT are out; %FALSE once the run could not record
 * something (its write_error): nothing more goes. */
gboolean
af_run_send_ready (AfRun *run)
{
  while (run->n_sending < AF_RUN_BATCHES_IN_FLIGHT && run->write_error == NULL && !g_queue_is_empty (run->ready))
    {
      AfRunGroup *g = g_queue_pop_head (run->ready);

      send_group (run, g);
      af_run_group_free (g);
    }
  return run->write_error == NULL;
}

static void
send_or_hold (AfRun      *run,
              AfRunGroup *g)
{
  if (g->planned->len > 0 && run->write_error == NULL)
    send_group (run, g);
  else if (g->planned->len > 0)
    {
      /* Not sent (the run could not write): back to "pending" for a
       * later run, or, if even that cannot be written, left "executing"
       * and asked about first. */
      for (guint i = 0; i < g->planned->len; i++)
        {
          AfPlanned  *p = g_ptr_array_index (g->planned, i);
          const char *item_id = json_object_get_string_member_with_default (p->item, "id", "");

          g_hash_table_remove (run->engine->inflight, p->key);
          af_outbox_set_state (run->engine->outbox, p->outbox_id, AF_OUTBOX_PENDING, NULL, NULL);
          af_run_hold_item (run, item_id);
          settle_item (run, item_id);
        }
    }
}

/* Sends every batch still waiting or filling; %TRUE when a batch is in
 * flight. */
gboolean
af_run_send_groups (AfRun *run)
{
  GHashTableIter iter;
  AfRunGroup    *g;

  while ((g = g_queue_pop_head (run->ready)) != NULL)
    {
      send_or_hold (run, g);
      af_run_group_free (g);
    }
  g_hash_table_iter_init (&iter, run->groups);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&g))
    {
      send_or_hold (run, g);
      g_hash_table_iter_remove (&iter);
    }
  return run->n_batches > 0;
}
