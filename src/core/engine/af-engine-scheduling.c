/* af-engine-scheduling.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "af-engine-private.h"
#include "af-source.h"

/* When agents run: their triggers on the scheduler's one timer, backoff
 * after failures, runs deferred while offline; and the engine's own
 * housekeeping timers (the activity log's retention). */

#define BACKOFF_BASE_S 30
#define BACKOFF_MAX_S  (6 * 3600)

/* A scheduled run going: its agent, and the cancellable that stops it. */
typedef struct
{
  char         *agent_id;
  GCancellable *cancellable;
} Scheduled;

static void
scheduled_free (Scheduled *s)
{
  g_free (s->agent_id);
  g_object_unref (s->cancellable);
  g_free (s);
}

/* The cancellable of @agent_id's scheduled runs: cancelled when the agent
 * is deleted or the engine goes. It exists while a scheduled run does
 * (see on_scheduled_run_cb()), not for every agent. */
static Scheduled *
scheduled_new (AfEngine   *self,
               const char *agent_id)
{
  Scheduled    *s = g_new0 (Scheduled, 1);
  GCancellable *cancellable = g_hash_table_lookup (self->scheduled, agent_id);

  if (cancellable == NULL || g_cancellable_is_cancelled (cancellable))
    {
      cancellable = g_cancellable_new ();
      g_hash_table_insert (self->scheduled, g_strdup (agent_id), cancellable);
    }
  s->agent_id = g_strdup (agent_id);
  s->cancellable = g_object_ref (cancellable);
  g_object_set_data (G_OBJECT (cancellable), "af-runs",
                     GUINT_TO_POINTER (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cancellable), "af-runs")) + 1));
  return s;
}

static gboolean
on_retention_cb (gpointer user_data)
{
  AfEngine *self = user_data;

  af_activity_log_prune (self->log, g_get_real_time (), NULL);
  return G_SOURCE_CONTINUE;
}

void
af_engine_schedule_agent (AfEngine *self,
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
  AfEngine  *self = AF_ENGINE (source);
  Scheduled *s = user_data;
  guint      runs;
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (GError) error = NULL;

  answer = af_engine_run_agent_finish (self, result, &error);
  if (answer == NULL)
    g_debug ("Scheduled run failed: %s", error->message);
  /* The last of the agent's scheduled runs done: its cancellable goes. */
  runs = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (s->cancellable), "af-runs")) - 1;
  g_object_set_data (G_OBJECT (s->cancellable), "af-runs", GUINT_TO_POINTER (runs));
  if (runs == 0 && self->scheduled != NULL && g_hash_table_lookup (self->scheduled, s->agent_id) == s->cancellable)
    g_hash_table_remove (self->scheduled, s->agent_id);
  scheduled_free (s);
}

static void
run_scheduled (AfEngine   *self,
               const char *agent_id)
{
  Scheduled *s = scheduled_new (self, agent_id);

  af_engine_run_agent_async (self, agent_id, AF_RUN_FLAGS_NONE, s->cancellable, on_scheduled_run_cb, s);
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

  agent = af_engine_lookup_agent (self, agent_id);
  if (agent == NULL || af_agent_get_state (agent) != AF_AGENT_STATE_ACTIVE)
    return;

  if (!is_online (self))
    {
      /* Deferred, not dropped: runs once when the network returns. */
      g_hash_table_add (self->deferred, g_strdup (agent_id));
      af_engine_append_step (self, agent_id, 0, "deferred", _ ("Offline: the run will start when the network is back"), NULL,
                             "deferred", NULL);
      return;
    }

  if (af_engine_is_running (self, agent_id))
    {
      af_engine_schedule_agent (self, agent, g_get_real_time ());
      return;
    }

  run_scheduled (self, agent_id);
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
        run_scheduled (self, l->data);
      g_free (l->data);
    }
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

/* The agent is gone: its scheduled run, if one is going, is cancelled. */
void
af_engine_forget_schedule (AfEngine   *self,
                           const char *agent_id)
{
  GCancellable *cancellable = g_hash_table_lookup (self->scheduled, agent_id);

  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
  g_hash_table_remove (self->scheduled, agent_id);
  af_scheduler_remove (self->scheduler, agent_id);
  g_hash_table_remove (self->deferred, agent_id);
}

/* Prunes the activity log now, then once a day. */
void
af_engine_start_housekeeping (AfEngine *self)
{
  af_activity_log_prune (self->log, g_get_real_time (), NULL);
  if (self->retention_id == 0)
    self->retention_id = af_timeout_add_seconds_named (24 * 3600, "[agentflow] activity retention", on_retention_cb,
                                                       self);
}

/* Stops the engine's timers and cancels every scheduled run. */
void
af_engine_stop_housekeeping (AfEngine *self)
{
  GHashTableIter iter;
  gpointer       cancellable;

  g_clear_handle_id (&self->retention_id, g_source_remove);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  self->expiry_due = 0;
  if (self->scheduled == NULL)
    return;
  g_hash_table_iter_init (&iter, self->scheduled);
  while (g_hash_table_iter_next (&iter, NULL, &cancellable))
    g_cancellable_cancel (cancellable);
  g_hash_table_remove_all (self->scheduled);
}

void
af_engine_scheduling_init (AfEngine *self)
{
  self->scheduler = af_scheduler_new ();
  g_signal_connect (self->scheduler, "due", G_CALLBACK (on_scheduler_due_cb), self);
  af_engine_set_network_monitor (self, g_network_monitor_get_default ());
}
