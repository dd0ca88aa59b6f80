/* af-application-notify.c: desktop notifications, the decisions taken in
 * them, and the tray's counts and commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-application"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action-text.h"
#include "af-application-private.h"
#include "af-approval-queue.h"
#include "af-source.h"

static void
deliver_approval (AfApplication *self,
                  const char    *approval_id,
                  gboolean       approved)
{
  g_assert (AF_IS_APPLICATION (self));
  g_assert (self->approval_handler != NULL);

  self->approval_handler (self, approval_id, approved, self->approval_data);
}

static void
decide_approval (AfApplication *self,
                 const char    *approval_id,
                 gboolean       approved)
{
  g_assert (AF_IS_APPLICATION (self));

  /* A notification button can be pressed again before the desktop removes
   * the notification, and the window may offer the same decision: the
   * first one counts. */
  if (g_hash_table_contains (self->decided_approvals, approval_id))
    {
      g_debug ("Approval %s was already decided", approval_id);
      return;
    }
  g_hash_table_insert (self->decided_approvals, g_strdup (approval_id),
                       GINT_TO_POINTER (approved ? 2 : 1));

  if (self->notifier != NULL)
    af_notifier_withdraw_approval (self->notifier, approval_id);

  if (self->approval_handler != NULL)
    deliver_approval (self, approval_id, approved);
  else
    g_ptr_array_add (self->undelivered_approvals, g_strdup (approval_id));
}

#define REPEATED_FAILURES 3

static void
on_needs_reconnect_cb (AfAccountManager *accounts,
                       const char       *service,
                       const char       *account,
                       const char       *reason,
                       AfApplication    *self)
{
  g_autofree char *id = g_strdup_printf ("%s:%s", service, account);
  g_autofree char *title = g_strdup_printf (_ ("Reconnect %s"), account);

  af_notifier_notify_reconnect (self->notifier, id, title,
                                reason != NULL && *reason != '\0'
                                    ? reason
                                    : _ ("AgentFlow lost access to this account. Agents that use it are paused until you reconnect it."));
}

typedef struct
{
  AfApplication *app;
  guint          blocker;
} ForgetData;

static void
on_agent_forgotten_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ForgetData *data = user_data;
  g_autoptr (GError) error = NULL;

  /* A revocation that could not reach the provider stays queued and is
   * retried at the next start; the agent's tokens are unusable already. */
  if (!af_account_manager_forget_agent_finish (AF_ACCOUNT_MANAGER (object), result, &error))
    g_warning ("The deleted agent's own sign-ins are not revoked yet: %s", error->message);
  af_application_remove_quit_blocker (data->app, data->blocker);
  g_object_unref (data->app);
  g_free (data);
}

/* A deleted agent's own credentials are revoked at the provider and
 * removed from the keyring; shared connections stay. Quit waits for it. */
static void
on_agent_deleted_cb (AfEngine      *engine,
                     const char    *agent_id,
                     AfApplication *self)
{
  ForgetData *data = g_new0 (ForgetData, 1);

  data->app = g_object_ref (self);
  data->blocker = af_application_add_quit_blocker (self, agent_id);
  af_account_manager_forget_agent_async (self->accounts, agent_id, NULL, on_agent_forgotten_cb, data);
}

static void
update_tray (AfApplication *self)
{
  GListModel *agents;
  guint       running = 0, paused = 0;

  g_assert (AF_IS_APPLICATION (self));

  if (self->tray == NULL || self->engine == NULL)
    return;

  agents = af_engine_get_agents (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (af_agent_get_state (agent) == AF_AGENT_STATE_PAUSED)
        paused++;
      else
        running++;
    }

  af_tray_set_counts (self->tray, running, paused,
                      g_list_model_get_n_items (af_engine_get_approvals (self->engine)));
}

static void
on_agents_changed_cb (GListModel    *model,
                      guint          position,
                      guint          removed,
                      guint          added,
                      AfApplication *self)
{
  update_tray (self);
}

typedef struct
{
  char      *agent_id;
  gint64     run_id;
  GPtrArray *approvals; /* AfApproval */
} NotifyGroup;

static void
notify_group_free (NotifyGroup *g)
{
  g_free (g->agent_id);
  g_ptr_array_unref (g->approvals);
  g_free (g);
}

/* One notification per approval of a run that asks once, one with
 * "Approve all N" per run that asks many times; decided or expired, they
 * go. Run once the approvals have settled: a run adds its approvals in a
 * burst. */
static gboolean
update_approval_notifications_cb (gpointer user_data)
{
  AfApplication *self = user_data;
  GListModel    *model;
  g_autoptr (GHashTable) current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify)notify_group_free);
  GHashTableIter iter;
  gpointer       key, value;

  self->notify_idle = 0;
  if (self->engine == NULL)
    return G_SOURCE_REMOVE;
  model = af_engine_get_approvals (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (AfApproval) approval = g_list_model_get_item (model, i);
      g_autofree char *group_id = g_strdup_printf ("%s:%" G_GINT64_FORMAT, af_approval_get_agent_id (approval),
                                                   af_approval_get_run_id (approval));
      NotifyGroup     *g = g_hash_table_lookup (groups, group_id);

      if (g == NULL)
        {
          g = g_new0 (NotifyGroup, 1);
          g->agent_id = g_strdup (af_approval_get_agent_id (approval));
          g->run_id = af_approval_get_run_id (approval);
          g->approvals = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (groups, g_strdup (group_id), g);
        }
      g_ptr_array_add (g->approvals, g_steal_pointer (&approval));
    }

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      NotifyGroup     *g = value;
      AfAgent         *agent = af_engine_lookup_agent (self->engine, g->agent_id);
      const char      *name = agent ? af_agent_get_name (agent) : _ ("An Agent");
      g_autofree char *title = g_strdup_printf (_ ("%s Asks Before Acting"), name);

      if (g->approvals->len == 1)
        {
          AfApproval      *approval = g_ptr_array_index (g->approvals, 0);
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, af_approval_get_id (approval));

          if (!g_hash_table_contains (self->notified, id))
            {
              af_notifier_notify_approval (self->notifier, id, title, af_approval_get_summary (approval));
              g_hash_table_add (self->notified, g_strdup (id));
            }
          g_hash_table_add (current, g_steal_pointer (&id));
          continue;
        }

      /* Many: one notification for them all, its count kept up to date. */
      if (GPOINTER_TO_UINT (g_hash_table_lookup (self->notified_groups, key)) != g->approvals->len)
        {
          g_autoptr (GPtrArray) actions = g_ptr_array_new ();
          g_autofree char *body = NULL;

          for (guint i = 0; i < g->approvals->len; i++)
            g_ptr_array_add (actions, (gpointer)af_approval_get_action (g_ptr_array_index (g->approvals, i)));
          body = af_action_describe_many ((const char *const *)actions->pdata, actions->len);
          af_notifier_notify_approval_group (self->notifier, key, g->agent_id, g->run_id, g->approvals->len, title,
                                             body);
          g_hash_table_insert (self->notified_groups, g_strdup (key), GUINT_TO_POINTER (g->approvals->len));
        }
    }

  /* Decided in the window or expired (or now part of a group's): the
   * notification goes too. */
  g_hash_table_iter_init (&iter, self->notified);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (current, key))
        {
          af_notifier_withdraw_approval (self->notifier, key);
          g_hash_table_iter_remove (&iter);
        }
    }
  g_hash_table_iter_init (&iter, self->notified_groups);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      NotifyGroup *g = g_hash_table_lookup (groups, key);

      if (g == NULL || g->approvals->len < 2)
        {
          af_notifier_withdraw_approval_group (self->notifier, key);
          g_hash_table_iter_remove (&iter);
        }
    }

  update_tray (self);
  return G_SOURCE_REMOVE;
}

static void
on_approvals_changed_cb (GListModel    *model,
                         guint          position,
                         guint          removed,
                         guint          added,
                         AfApplication *self)
{
  if (self->notify_idle == 0)
    self->notify_idle = g_idle_add_full (G_PRIORITY_LOW, update_approval_notifications_cb, self, NULL);
}

static void
on_run_started_cb (AfEngine      *engine,
                   const char    *agent_id,
                   gint64         run_id,
                   AfApplication *self)
{
  guint blocker = af_application_add_quit_blocker (self, agent_id);

  g_hash_table_insert (self->run_blockers, g_memdup2 (&run_id, sizeof run_id), GUINT_TO_POINTER (blocker));
}

static void
on_run_finished_cb (AfEngine      *engine,
                    const char    *agent_id,
                    gint64         run_id,
                    const char    *outcome,
                    AfApplication *self)
{
  gpointer blocker;

  /* A failure now and then is retried quietly; a run of them needs the
   * user. Told once, when the third failure in a row happens. */
  if (g_strcmp0 (outcome, "failed") == 0 && af_engine_get_failures (engine, agent_id) == REPEATED_FAILURES)
    {
      AfAgent         *agent = af_engine_lookup_agent (engine, agent_id); /* (transfer none) */
      g_autofree char *title = g_strdup_printf (_ ("%s Keeps Failing"), agent ? af_agent_get_name (agent) : _ ("An Agent"));

      af_notifier_notify_agent_failed (self->notifier, agent_id, title,
                                       _ ("Its last runs did not finish. Open its activity to see why."));
    }

  if (g_hash_table_lookup_extended (self->run_blockers, &run_id, NULL, &blocker))
    {
      af_application_remove_quit_blocker (self, GPOINTER_TO_UINT (blocker));
      g_hash_table_remove (self->run_blockers, &run_id);
    }

  update_tray (self);
}

static void
set_all_paused (AfApplication *self,
                gboolean       paused)
{
  GListModel *agents = af_engine_get_agents (self->engine);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  /* Pausing changes the model: collect the ids first. */
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);
      gboolean is_paused = af_agent_get_state (agent) == AF_AGENT_STATE_PAUSED;

      if (is_paused != paused)
        g_ptr_array_add (ids, g_strdup (af_agent_get_id (agent)));
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (GError) error = NULL;

      if (paused ? !af_engine_pause_agent (self->engine, ids->pdata[i], &error)
                 : !af_engine_resume_agent (self->engine, ids->pdata[i], &error))
        g_warning ("Could not change agent %s: %s", (char *)ids->pdata[i], error->message);
    }

  update_tray (self);
}

static void
on_tray_pause_all_cb (AfApplication *self)
{
  set_all_paused (self, TRUE);
}

static void
on_tray_resume_all_cb (AfApplication *self)
{
  set_all_paused (self, FALSE);
}

static void
on_approve_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (AfApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  AfWindow *window;

  if (af_engine_approve_finish (AF_ENGINE (object), result, &error))
    return;

  window = af_application_get_main_window (self);
  if (window != NULL)
    af_window_add_toast (window, adw_toast_new (error->message));
  else
    g_warning ("Approved action failed: %s", error->message);
}

static void
handle_approval (AfApplication *app,
                 const char    *approval_id,
                 gboolean       approved,
                 gpointer       user_data)
{
  AfApplication *self = AF_APPLICATION (app);
  gint64         id = g_ascii_strtoll (approval_id, NULL, 10);

  /* A decision can arrive (from a notification) before the engine has
   * started: it is what the user asked for, so start it now. */
  af_application_ensure_engine (self);
  if (self->engine == NULL)
    return;

  if (approved)
    {
      af_engine_approve_async (self->engine, id, self->shutdown_cancellable,
                               on_approve_done_cb, g_object_ref (self));
    }
  else
    {
      g_autoptr (GError) error = NULL;

      if (!af_engine_deny (self->engine, id, &error))
        g_warning ("Could not deny approval %s: %s", approval_id, error->message);
    }
}

static void
af_application_approve (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  decide_approval (AF_APPLICATION (user_data), g_variant_get_string (parameter, NULL), TRUE);
}

static void
af_application_deny (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  decide_approval (AF_APPLICATION (user_data), g_variant_get_string (parameter, NULL), FALSE);
}

static void
on_group_approved_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (AfApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  AfWindow *window;

  if (af_approval_queue_approve_finish (AF_APPROVAL_QUEUE (source), result, NULL, NULL, &error))
    return;
  window = af_application_get_main_window (self);
  if (window != NULL)
    af_window_add_toast (window, adw_toast_new (error->message));
  else
    g_warning ("Approved actions failed: %s", error->message);
}

/* "Approve all N" in a notification: what the run still asks for, at
 * once; what was decided meanwhile is left out. */
static void
af_application_approve_group (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  AfApplication   *self = AF_APPLICATION (user_data);
  const char      *agent_id;
  gint64           run_id;
  AfApprovalQueue *queue;
  g_autoptr (GPtrArray) approvals = NULL;

  g_variant_get (parameter, "(&sx)", &agent_id, &run_id);
  af_application_ensure_engine (self);
  if (self->engine == NULL)
    return;
  queue = af_engine_get_approval_queue (self->engine);
  approvals = af_approval_queue_list (queue, agent_id, run_id, NULL);
  if (approvals->len == 0)
    return;
  af_approval_queue_approve_async (queue, approvals, NULL, self->shutdown_cancellable, on_group_approved_cb,
                                   g_object_ref (self));
}

/**
 * af_application_set_approval_handler:
 * @handler: (nullable): carries out app.approve / app.deny
 * @user_data: for @handler
 * @destroy: (nullable): frees @user_data
 *
 * Registers the engine's handler for decisions taken in notifications.
 * Decisions that arrived before (the app was started by a notification
 * button) are delivered now.
 */
void
af_application_set_approval_handler (AfApplication    *self,
                                     AfApprovalHandler handler,
                                     gpointer          user_data,
                                     GDestroyNotify    destroy)
{
  g_autoptr (GPtrArray) undelivered = NULL;

  g_return_if_fail (AF_IS_APPLICATION (self));

  if (self->approval_destroy != NULL)
    self->approval_destroy (self->approval_data);

  self->approval_handler = handler;
  self->approval_data = user_data;
  self->approval_destroy = destroy;

  if (handler == NULL || self->undelivered_approvals->len == 0)
    return;

  undelivered = g_steal_pointer (&self->undelivered_approvals);
  self->undelivered_approvals = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < undelivered->len; i++)
    {
      const char *id = g_ptr_array_index (undelivered, i);
      gboolean    approved = GPOINTER_TO_INT (g_hash_table_lookup (self->decided_approvals, id)) == 2;

      deliver_approval (self, id, approved);
    }
}

static const GActionEntry approval_actions[] = {
  { "approve", af_application_approve, "s" },
  { "deny", af_application_deny, "s" },
  { "approve-group", af_application_approve_group, "(sx)" },
};

/* Decisions from notifications reach the engine, which starts on demand
 * if it has not yet. */
void
af_application_notify_init (AfApplication *self)
{
  g_assert (AF_IS_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), approval_actions,
                                   G_N_ELEMENTS (approval_actions), self);
  af_application_set_approval_handler (self, handle_approval, NULL, NULL);
}

/* Notifies about what the engine does and keeps the tray's counts. */
void
af_application_watch_engine (AfApplication *self)
{
  g_assert (AF_IS_APPLICATION (self));
  g_assert (AF_IS_ENGINE (self->engine));

  /* The sample workspace's accounts need no reconnecting nor revoking. */
  if (self->accounts != NULL && !self->sandbox)
    {
      g_signal_connect_object (self->accounts, "needs-reconnect", G_CALLBACK (on_needs_reconnect_cb), self, 0);
      g_signal_connect_object (self->engine, "agent-deleted", G_CALLBACK (on_agent_deleted_cb), self, 0);
    }
  g_signal_connect_object (af_engine_get_agents (self->engine), "items-changed",
                           G_CALLBACK (on_agents_changed_cb), self, 0);
  g_signal_connect_object (af_engine_get_approvals (self->engine), "items-changed",
                           G_CALLBACK (on_approvals_changed_cb), self, 0);
  g_signal_connect_object (self->engine, "run-started", G_CALLBACK (on_run_started_cb), self, 0);
  g_signal_connect_object (self->engine, "run-finished", G_CALLBACK (on_run_finished_cb), self, 0);
  if (self->tray != NULL)
    {
      g_signal_connect_object (self->tray, "pause-all", G_CALLBACK (on_tray_pause_all_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->tray, "resume-all", G_CALLBACK (on_tray_resume_all_cb), self, G_CONNECT_SWAPPED);
    }
  update_tray (self);
  on_approvals_changed_cb (af_engine_get_approvals (self->engine), 0, 0, 0, self);
}
