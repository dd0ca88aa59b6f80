/* af-reconciler.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-engine-private.h"
#include "af-run-private.h"
#include "af-run-summary.h"

/* Reconciliation after a crash: what a process that is gone left
 * "executing" or "pending" in the outbox is asked about, done or given
 * up, before any run starts. */

/* One outbox entry being settled. */
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
    af_run_start_queued (self);
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
  g_autoptr (JsonObject) details = af_engine_details_new ("action", r->entry->action, "key", r->entry->key, NULL);

  g_hash_table_remove (self->inflight, r->entry->key);
  if (answer != NULL)
    {
      gboolean owned = af_engine_outcome_begin (self);

      af_outbox_set_state (self->outbox, r->entry->id, AF_OUTBOX_DONE, answer, NULL);
      af_run_summary_add_answer (details, answer);
      af_engine_append_step (self, r->entry->agent_id, r->entry->run_id, "action-done",
                             _ ("Finished an action interrupted earlier"), details, "done", NULL);
      af_engine_outcome_end (self, owned);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gboolean owned = af_engine_outcome_begin (self);

      af_outbox_set_state (self->outbox, r->entry->id, AF_OUTBOX_FAILED, error->message, NULL);
      af_engine_append_step (self, r->entry->agent_id, r->entry->run_id, "action-failed", error->message, details, "failed", NULL);
      af_engine_outcome_end (self, owned);
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
      g_autoptr (JsonObject) details = af_engine_details_new ("action", r->entry->action, "key", r->entry->key, NULL);
      gboolean owned;

      g_hash_table_remove (self->inflight, r->entry->key);
      owned = af_engine_outcome_begin (self);
      af_outbox_set_state (self->outbox, r->entry->id, AF_OUTBOX_DONE, "{\"reconciled\":true}", NULL);
      af_engine_append_step (self, r->entry->agent_id, r->entry->run_id, "action-done",
                             _ ("Confirmed an action done before an interruption"), details, "done", NULL);
      af_engine_outcome_end (self, owned);
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
void
af_reconciler_run (AfEngine *self)
{
  g_autoptr (GPtrArray) executing = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GError) error = NULL;

  if (self->executor == NULL)
    return;
  self->outbox_reconciled = TRUE;
  af_engine_claim_owner (self);
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

      if (g_hash_table_contains (self->inflight, entry->key) || af_engine_held_elsewhere (self, entry))
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

      if (g_hash_table_contains (self->inflight, entry->key) || af_engine_held_elsewhere (self, entry))
        continue;
      self->n_reconciling++;
      execute_entry (self, g_steal_pointer (&pending->pdata[i]), FALSE);
    }
  reconcile_step_done (self);
}
