/* af-engine-agents.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-engine-private.h"
#include "af-error.h"
#include "af-run-private.h"

/* The engine's agents: loaded in one query, added, saved, paused,
 * resumed, deleted (with or without their history), exported and
 * imported. */

/* Writes @agent's row. */
gboolean
af_engine_store_agent (AfEngine *self,
                       AfAgent  *agent,
                       GError  **error)
{
  g_autoptr (AfAgentRecord) r = af_agent_record_new ();

  r->id = g_strdup (af_agent_get_id (agent));
  r->name = g_strdup (af_agent_get_name (agent));
  r->description = g_strdup (af_agent_get_description (agent));
  r->template_id = g_strdup (af_agent_get_template_id (agent));
  r->definition = af_engine_json_to_text (af_agent_peek_definition (agent));
  r->state = af_agent_get_state (agent);
  r->state_reason = g_strdup (af_agent_get_state_reason (agent));
  r->created_at = af_agent_get_created_at (agent);
  r->last_run_at = af_agent_get_last_run (agent);
  r->next_run_at = af_agent_get_next_run (agent);
  return af_agent_store_save (self->agent_store, r, error);
}

static void
add_loaded (const AfAgentRecord *r,
            gpointer             user_data)
{
  GPtrArray *agents = user_data;
  g_autoptr (AfAgent) agent = af_agent_new (r->id, r->name, r->template_id, NULL);

  /* Parsed only if no agent loaded before holds an equal definition. */
  af_agent_set_definition_text (agent, r->definition);
  af_agent_set_description (agent, r->description);
  af_agent_set_state (agent, r->state, r->state_reason);
  af_agent_set_timestamps (agent, r->created_at, r->updated_at);
  af_agent_set_last_run (agent, r->last_run_at);
  af_agent_set_next_run (agent, r->next_run_at);
  g_ptr_array_add (agents, g_steal_pointer (&agent));
}

/* Every agent, in one query, row by row; objects the UI holds are
 * replaced, in one change of the list. */
gboolean
af_engine_load_agents (AfEngine *self,
                       GError  **error)
{
  g_autoptr (GPtrArray) agents = g_ptr_array_new_with_free_func (g_object_unref);

  if (!af_agent_store_load_each (self->agent_store, add_loaded, agents, error))
    return FALSE;
  g_hash_table_remove_all (self->agents_by_id);
  for (guint i = 0; i < agents->len; i++)
    g_hash_table_insert (self->agents_by_id, (gpointer)af_agent_get_id (agents->pdata[i]), agents->pdata[i]);
  g_list_store_splice (self->agents, 0, g_list_model_get_n_items (G_LIST_MODEL (self->agents)), agents->pdata,
                       agents->len);
  return TRUE;
}

gboolean
af_engine_find_agent (AfEngine   *self,
                      const char *id,
                      guint      *position)
{
  if (id == NULL || !g_hash_table_contains (self->agents_by_id, id))
    return FALSE;
  if (position == NULL)
    return TRUE;
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

/**
 * af_engine_lookup_agent:
 *
 * Returns: (transfer none) (nullable): the agent
 */
AfAgent *
af_engine_lookup_agent (AfEngine   *self,
                        const char *id)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), NULL);

  /* By id, not a walk of the list: the scheduler asks for every due
   * agent, and there may be 10,000. The store keeps it alive. */
  return id ? g_hash_table_lookup (self->agents_by_id, id) : NULL;
}

gboolean
af_engine_add_agent (AfEngine *self,
                     AfAgent  *agent,
                     GError  **error)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (AF_IS_AGENT (agent), FALSE);

  if (!af_agent_validate_definition (af_agent_peek_definition (agent), error))
    return FALSE;
  if (af_engine_find_agent (self, af_agent_get_id (agent), NULL))
    {
      g_set_error (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, _ ("An agent with this id already exists"));
      return FALSE;
    }
  if (!af_engine_store_agent (self, agent, error))
    return FALSE;
  g_list_store_append (self->agents, agent);
  g_hash_table_insert (self->agents_by_id, (gpointer)af_agent_get_id (agent), agent);
  if (self->started && af_agent_get_state (agent) == AF_AGENT_STATE_ACTIVE)
    af_engine_schedule_agent (self, agent, g_get_real_time ());
  return TRUE;
}

gboolean
af_engine_save_agent (AfEngine *self,
                      AfAgent  *agent,
                      GError  **error)
{
  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (AF_IS_AGENT (agent), FALSE);

  if (!af_agent_validate_definition (af_agent_peek_definition (agent), error))
    return FALSE;
  if (!af_engine_store_agent (self, agent, error))
    return FALSE;
  if (self->started && af_agent_get_state (agent) == AF_AGENT_STATE_ACTIVE)
    af_engine_schedule_agent (self, agent, g_get_real_time ());
  return TRUE;
}

static void
cancel_agent_runs (AfEngine   *self,
                   const char *id)
{
  AfRun *run = g_hash_table_lookup (self->running, id);

  if (run != NULL)
    g_cancellable_cancel (run->cancellable);
  for (GList *l = self->queue->head; l; l = l->next)
    {
      AfRun *queued = l->data;

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

  if (!af_engine_find_agent (self, id, &position))
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No agent “%s”"), id);
      return FALSE;
    }
  /* @id may belong to the agent about to be dropped. */
  agent_id = g_strdup (id);

  if (!af_agent_store_delete (self->agent_store, agent_id, remove_activity, error))
    return FALSE;

  {
    AfRun *run = g_hash_table_lookup (self->running, agent_id);

    /* Its cancellation must not write the agent or its steps back. */
    if (run != NULL)
      run->deleted = TRUE;
  }
  cancel_agent_runs (self, agent_id);
  af_engine_forget_schedule (self, agent_id);
  g_hash_table_remove (self->failures, agent_id);
  af_engine_withdraw_approvals (self, agent_id);
  g_hash_table_remove (self->agents_by_id, agent_id);
  g_list_store_remove (self->agents, position);
  g_signal_emit_by_name (self, "agent-deleted", agent_id);
  return TRUE;
}

/* The agent @id, or %NULL with an error saying there is none. */
static AfAgent *
lookup_or_fail (AfEngine   *self,
                const char *id,
                GError    **error)
{
  AfAgent *agent = af_engine_lookup_agent (self, id);

  if (agent == NULL)
    g_set_error (error, AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No agent “%s”"), id);
  return agent;
}

gboolean
af_engine_pause_agent (AfEngine   *self,
                       const char *id,
                       GError    **error)
{
  AfAgent *agent;

  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);

  agent = lookup_or_fail (self, id, error);
  if (agent == NULL)
    return FALSE;
  af_agent_set_state (agent, AF_AGENT_STATE_PAUSED, NULL);
  af_agent_set_next_run (agent, 0);
  af_scheduler_remove (self->scheduler, id);
  g_hash_table_remove (self->deferred, id);
  cancel_agent_runs (self, id);
  af_engine_append_step (self, id, 0, "paused", _ ("Agent paused"), NULL, NULL, NULL);
  return af_engine_store_agent (self, agent, error);
}

gboolean
af_engine_resume_agent (AfEngine   *self,
                        const char *id,
                        GError    **error)
{
  AfAgent *agent;

  g_return_val_if_fail (AF_IS_ENGINE (self), FALSE);

  agent = lookup_or_fail (self, id, error);
  if (agent == NULL)
    return FALSE;
  af_agent_set_state (agent, AF_AGENT_STATE_ACTIVE, NULL);
  g_hash_table_remove (self->failures, id);
  if (self->started)
    af_engine_schedule_agent (self, agent, g_get_real_time ());
  else
    af_agent_set_next_run (agent, af_scheduler_next_run (af_agent_get_trigger (agent), g_get_real_time (), NULL));
  af_engine_append_step (self, id, 0, "resumed", _ ("Agent resumed"), NULL, NULL, NULL);
  return af_engine_store_agent (self, agent, error);
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

  agent = lookup_or_fail (self, id, error);
  if (agent == NULL)
    return FALSE;
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
  if (af_engine_find_agent (self, af_agent_get_id (agent), NULL))
    {
      g_autoptr (AfAgent) copy = af_agent_new (NULL, af_agent_get_name (agent), af_agent_get_template_id (agent),
                                               af_agent_peek_definition (agent));

      af_agent_set_description (copy, af_agent_get_description (agent));
      g_set_object (&agent, copy);
    }
  if (!af_engine_add_agent (self, agent, error))
    return NULL;
  return agent;
}
