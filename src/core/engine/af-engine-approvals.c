/* af-engine-approvals.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action-text.h"
#include "af-activity-text.h"
#include "af-json-private.h"
#include "af-approval-store.h"
#include "af-engine-private.h"
#include "af-error.h"
#include "af-source.h"
#include "af-run-summary.h"

/* Approvals one at a time: asked for by a run, approved (done exactly
 * once), denied, expired. Many at once, edits and undo are in
 * af-approval-queue.c. */

/* The expiry timer is re-armed at least this often (s): it runs on the
 * monotonic clock, which stands still while the computer sleeps. */
#define EXPIRY_RECHECK_S 3600

static gboolean
on_expiry_cb (gpointer user_data)
{
  AfEngine *self = user_data;

  self->expiry_id = 0;
  self->expiry_due = 0;
  af_engine_expire_approvals (self, g_get_real_time ());
  return G_SOURCE_REMOVE;
}

/* The next expiry is at @due (µs, wall clock), 0 for none. */
void
af_engine_arm_expiry (AfEngine *self,
                      gint64    due)
{
  gint64 delay_ms;

  g_clear_handle_id (&self->expiry_id, g_source_remove);
  self->expiry_due = due;
  if (due <= 0)
    return;
  delay_ms = (due - g_get_real_time () + 999) / 1000;
  delay_ms = CLAMP (delay_ms, 0, (gint64)EXPIRY_RECHECK_S * 1000);
  self->expiry_id = af_timeout_add_named ((guint)delay_ms, "[agentflow] approval expiry", on_expiry_cb, self);
}

/* Pending approvals back into the list model. */
gboolean
af_engine_load_approvals (AfEngine *self,
                          GError  **error)
{
  g_autoptr (GPtrArray) records = af_approval_store_list_pending (self->db, error);

  if (records == NULL)
    return FALSE;
  g_list_store_remove_all (self->approvals);
  for (guint i = 0; i < records->len; i++)
    {
      AfApprovalRecord *r = g_ptr_array_index (records, i);
      g_autoptr (AfApproval) a = af_approval_new (r->id, r->outbox_id, r->agent_id, r->action, r->target, r->preview,
                                                  r->reason, r->created_at, r->expires_at);
      g_autoptr (AfOutboxEntry) entry = af_outbox_get (self->outbox, r->outbox_id, NULL);

      if (entry != NULL)
        af_approval_set_context (a, entry->run_id, entry->params);
      g_list_store_append (self->approvals, a);
    }
  return TRUE;
}

/* A new pending approval for @entry (waiting in the outbox), expiring
 * after the engine's approval lifetime. */
AfApproval *
af_engine_add_approval (AfEngine      *self,
                        AfOutboxEntry *entry,
                        JsonObject    *params,
                        JsonObject    *item,
                        const char    *rule,
                        GError       **error)
{
  g_autoptr (AfApprovalRecord) r = g_new0 (AfApprovalRecord, 1);
  AfApproval *approval;
  const char *target;
  const char *preview;

  target = json_object_get_string_member_with_default (params, "to", NULL);
  if (target == NULL)
    target = json_object_get_string_member_with_default (params, "channel", NULL);
  if (target == NULL)
    target = af_engine_item_title (item);
  preview = json_object_get_string_member_with_default (params, "text", NULL);
  if (preview == NULL)
    preview = json_object_get_string_member_with_default (params, "body", "");

  r->outbox_id = entry->id;
  r->agent_id = g_strdup (entry->agent_id);
  r->action = g_strdup (entry->action);
  r->target = g_strdup (target);
  r->preview = g_strdup (preview);
  r->reason = rule && *rule ? g_strdup_printf (_ ("Rule “%s” matched “%s”"), rule, af_engine_item_title (item))
                            : g_strdup (_ ("The agent decided to do this"));
  r->created_at = g_get_real_time ();
  r->expires_at = r->created_at + (gint64)self->approval_ttl_s * G_USEC_PER_SEC;
  if (af_approval_store_insert (self->db, r, error) == 0)
    return NULL;

  approval = af_approval_new (r->id, r->outbox_id, r->agent_id, r->action, r->target, r->preview, r->reason,
                              r->created_at, r->expires_at);
  af_approval_set_context (approval, entry->run_id, entry->params);
  g_list_store_append (self->approvals, approval);
  if (self->expiry_due == 0 || self->expiry_due > r->expires_at)
    af_engine_arm_expiry (self, r->expires_at);
  return approval;
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
  return af_action_describe (entry->action, params ? params : empty, item, TRUE);
}

static void
approved_finished (GTask      *task,
                   const char *answer,
                   GError     *error)
{
  AfEngine      *self = g_task_get_source_object (task);
  AfOutboxEntry *entry = g_task_get_task_data (task);
  g_autoptr (JsonObject) details = af_engine_details_new ("action", entry->action, "key", entry->key, NULL);
  g_autofree char *what = describe_entry (entry);
  JsonObject      *stored = g_object_get_data (G_OBJECT (task), "stored");
  JsonObject      *params = stored ? af_json_get_object (stored, "params") : NULL;
  JsonObject      *item = stored ? af_json_get_object (stored, "item") : NULL;

  g_hash_table_remove (self->inflight, entry->key);
  if (error != NULL)
    {
      g_autofree char *summary = g_strdup_printf (_ ("%s — failed: %s"), what, error->message);

      gboolean owned = af_engine_outcome_begin (self);

      af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_FAILED, error->message, NULL);
      json_object_set_string_member (details, "error", error->message);
      af_activity_text_add_action (details, AF_ACTIVITY_SAY_FAILED, entry->action, params, item, TRUE);
      af_engine_append_step (self, entry->agent_id, entry->run_id, "action-failed", summary, details, "failed", NULL);
      af_engine_outcome_end (self, owned);
      g_task_return_error (task, g_error_copy (error));
      return;
    }
  {
    /* Translators: %s is what was done ("Sent a mail to bob@example.com") */
    g_autofree char *summary = g_strdup_printf (_ ("Approved and done: %s"), what);
    gboolean         owned = af_engine_outcome_begin (self);

    af_outbox_set_state (self->outbox, entry->id, AF_OUTBOX_DONE, answer, NULL);
    af_activity_text_add_action (details, AF_ACTIVITY_SAY_APPROVED, entry->action, params, item, FALSE);
    af_run_summary_add_answer (details, answer);
    af_engine_append_step (self, entry->agent_id, entry->run_id, "action-done", summary, details, "done", NULL);
    af_engine_outcome_end (self, owned);
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

  if (answer == NULL && af_engine_outcome_unknown (entry->action, error) && agent != NULL && stored != NULL)
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
  if (!af_approval_store_decide (self->db, approval_id, "approved", &error))
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
  if (entry == NULL || entry->state != AF_OUTBOX_WAITING)
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
  af_engine_claim_owner (self);
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
  if (!af_approval_store_decide (self->db, approval_id, "denied", error))
    return FALSE;
  if (approval != NULL)
    {
      af_outbox_set_state (self->outbox, af_approval_get_outbox_id (approval), AF_OUTBOX_DENIED, NULL, NULL);
      af_engine_append_step (self, af_approval_get_agent_id (approval), 0, "approval-denied", _ ("You declined an action"), NULL,
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

      if (expires > 0 && expires <= now && af_approval_store_decide (self->db, af_approval_get_id (a), "expired", NULL))
        {
          af_outbox_set_state (self->outbox, af_approval_get_outbox_id (a), AF_OUTBOX_EXPIRED, NULL, NULL);
          af_engine_append_step (self, af_approval_get_agent_id (a), 0, "approval-expired",
                                 _ ("A request for approval expired"), NULL, "expired", NULL);
          g_list_store_remove (self->approvals, i);
          n++;
          continue;
        }
      if (expires > 0 && (next == 0 || expires < next))
        next = expires;
      i++;
    }
  af_engine_arm_expiry (self, next);
  return n;
}

/* Pending approvals of a deleted agent can never be carried out. */
void
af_engine_withdraw_approvals (AfEngine   *self,
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
