/* af-notifier.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "af-notifier.h"

/* Sends GNotifications for the application, at most max_per_interval in any
 * interval; the rest are counted and, when the interval has passed, shown as
 * one summary. Agents can fail or ask for approval in bursts (a mailbox full
 * of new mail), and a desktop full of bubbles helps nobody. */

#define DEFAULT_MAX_PER_INTERVAL 4
#define DEFAULT_INTERVAL_MS      60000
#define SUMMARY_ID               "summary"

struct _AfNotifier
{
  GObject parent_instance;

  GApplication *application;
  GSettings    *settings;

  guint  max_per_interval;
  gint64 interval_us;
  GQueue sent_times; /* gint64 *: monotonic times of recent sends, oldest first */

  guint n_coalesced;
  char *coalesced_view;
  guint summary_source;
};

static void schedule_summary (AfNotifier *self);

G_DEFINE_FINAL_TYPE (AfNotifier, af_notifier, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_APPLICATION,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
forget_old_sends (AfNotifier *self,
                  gint64      now)
{
  while (!g_queue_is_empty (&self->sent_times))
    {
      gint64 *t = g_queue_peek_head (&self->sent_times);

      if (now - *t < self->interval_us)
        break;
      g_free (g_queue_pop_head (&self->sent_times));
    }
}

static void
record_send (AfNotifier *self,
             gint64      now)
{
  g_queue_push_tail (&self->sent_times, g_memdup2 (&now, sizeof now));
}

static void
send_summary (AfNotifier *self)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *title = NULL;
  guint            n = self->n_coalesced;

  title = g_strdup_printf (ngettext ("%u more update from your agents",
                                     "%u more updates from your agents", n),
                           n);
  notification = g_notification_new (title);
  g_notification_set_body (notification, _ ("Open AgentFlow to see what happened."));
  g_notification_set_default_action_and_target (notification, "app.open-view", "s",
                                                self->coalesced_view ? self->coalesced_view : "activity");

  self->n_coalesced = 0;
  g_clear_pointer (&self->coalesced_view, g_free);

  g_application_send_notification (self->application, SUMMARY_ID, notification);
  record_send (self, g_get_monotonic_time ());
}

static gboolean
on_summary_due_cb (gpointer user_data)
{
  AfNotifier *self = user_data;

  self->summary_source = 0;
  forget_old_sends (self, g_get_monotonic_time ());

  if (self->n_coalesced == 0)
    return G_SOURCE_REMOVE;

  if (g_queue_get_length (&self->sent_times) < self->max_per_interval)
    send_summary (self);
  else
    schedule_summary (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_summary (AfNotifier *self)
{
  gint64 *oldest = g_queue_peek_head (&self->sent_times);
  gint64  wait_us = 0;

  if (self->summary_source != 0)
    return;

  if (oldest != NULL)
    wait_us = MAX (0, *oldest + self->interval_us - g_get_monotonic_time ());

  self->summary_source = g_timeout_add (wait_us / 1000 + 1, on_summary_due_cb, self);
  g_source_set_name_by_id (self->summary_source, "[af] notification summary");
}

static gboolean
send_or_coalesce (AfNotifier    *self,
                  const char    *id,
                  GNotification *notification,
                  const char    *view)
{
  gint64 now = g_get_monotonic_time ();

  g_assert (AF_IS_NOTIFIER (self));

  if (!g_settings_get_boolean (self->settings, "notifications"))
    return FALSE;

  forget_old_sends (self, now);

  if (g_queue_get_length (&self->sent_times) < self->max_per_interval && self->n_coalesced == 0)
    {
      g_application_send_notification (self->application, id, notification);
      record_send (self, now);
      return TRUE;
    }

  /* The summary opens the view all its notifications share, or the
   * activity log when they differ. */
  if (self->n_coalesced == 0)
    self->coalesced_view = g_strdup (view);
  else if (g_strcmp0 (self->coalesced_view, view) != 0)
    g_clear_pointer (&self->coalesced_view, g_free);
  self->n_coalesced++;

  g_debug ("Rate limit reached, %u notifications held back", self->n_coalesced);
  schedule_summary (self);

  return FALSE;
}

static void
on_notifications_changed_cb (AfNotifier *self,
                             const char *key,
                             GSettings  *settings)
{
  /* Turning notifications off also drops the summary that was pending. */
  if (!g_settings_get_boolean (settings, "notifications"))
    {
      self->n_coalesced = 0;
      g_clear_pointer (&self->coalesced_view, g_free);
      g_clear_handle_id (&self->summary_source, g_source_remove);
    }
}

static void
af_notifier_constructed (GObject *object)
{
  AfNotifier *self = (AfNotifier *)object;

  G_OBJECT_CLASS (af_notifier_parent_class)->constructed (object);

  g_signal_connect_object (self->settings, "changed::notifications",
                           G_CALLBACK (on_notifications_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
af_notifier_dispose (GObject *object)
{
  AfNotifier *self = (AfNotifier *)object;

  g_clear_handle_id (&self->summary_source, g_source_remove);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (af_notifier_parent_class)->dispose (object);
}

static void
af_notifier_finalize (GObject *object)
{
  AfNotifier *self = (AfNotifier *)object;

  g_queue_clear_full (&self->sent_times, g_free);
  g_clear_pointer (&self->coalesced_view, g_free);

  G_OBJECT_CLASS (af_notifier_parent_class)->finalize (object);
}

static void
af_notifier_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  AfNotifier *self = AF_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      /* The application owns the notifier: a weak pointer avoids a cycle. */
      g_set_weak_pointer (&self->application, g_value_get_object (value));
      break;

    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_notifier_class_init (AfNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = af_notifier_constructed;
  object_class->dispose = af_notifier_dispose;
  object_class->finalize = af_notifier_finalize;
  object_class->set_property = af_notifier_set_property;

  properties[PROP_APPLICATION] =
      g_param_spec_object ("application", NULL, NULL,
                           G_TYPE_APPLICATION,
                           (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL,
                           G_TYPE_SETTINGS,
                           (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_notifier_init (AfNotifier *self)
{
  self->max_per_interval = DEFAULT_MAX_PER_INTERVAL;
  self->interval_us = (gint64)DEFAULT_INTERVAL_MS * 1000;
  g_queue_init (&self->sent_times);
}

/**
 * af_notifier_new:
 * @application: the application whose actions notifications activate
 * @settings: the application settings; the `notifications` key switches
 *   notifications off
 *
 * Returns: (transfer full): a new #AfNotifier
 */
AfNotifier *
af_notifier_new (GApplication *application,
                 GSettings    *settings)
{
  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (AF_TYPE_NOTIFIER,
                       "application", application,
                       "settings", settings,
                       NULL);
}

/**
 * af_notifier_set_rate_limit:
 * @max_per_interval: notifications shown at most in any @interval_ms
 * @interval_ms: the sliding window
 *
 * The default is 4 a minute. A new limit starts a new window: what was
 * sent under the old one no longer counts.
 */
void
af_notifier_set_rate_limit (AfNotifier *self,
                            guint       max_per_interval,
                            guint       interval_ms)
{
  g_return_if_fail (AF_IS_NOTIFIER (self));
  g_return_if_fail (max_per_interval > 0);
  g_return_if_fail (interval_ms > 0);

  self->max_per_interval = max_per_interval;
  self->interval_us = (gint64)interval_ms * 1000;
  g_queue_clear_full (&self->sent_times, g_free);
}

/**
 * af_notifier_send:
 * @id: the notification id; a second one with the same id replaces the first
 * @notification: what to show
 *
 * Shows @notification unless notifications are off or the rate limit is
 * reached; in the latter case it is counted into a summary shown later.
 *
 * Returns: %TRUE if @notification was sent now
 */
gboolean
af_notifier_send (AfNotifier    *self,
                  const char    *id,
                  GNotification *notification)
{
  g_return_val_if_fail (AF_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (G_IS_NOTIFICATION (notification), FALSE);

  if (self->application == NULL)
    return FALSE;

  return send_or_coalesce (self, id, notification, "activity");
}

void
af_notifier_withdraw (AfNotifier *self,
                      const char *id)
{
  g_return_if_fail (AF_IS_NOTIFIER (self));
  g_return_if_fail (id != NULL);

  if (self->application != NULL)
    g_application_withdraw_notification (self->application, id);
}

static char *
approval_notification_id (const char *approval_id)
{
  return g_strconcat ("approval-", approval_id, NULL);
}

/**
 * af_notifier_notify_approval:
 * @approval_id: the engine's id of the pending action
 * @title: what the agent wants to do, e.g. "Reply to Ada Lovelace?"
 * @body: (nullable): details
 *
 * Shows a notification with Approve and Deny buttons; they activate
 * `app.approve` and `app.deny` with @approval_id, which works with no window
 * open. Clicking the notification opens the approvals view.
 *
 * Returns: %TRUE if shown now (rather than held back by the rate limit)
 */
gboolean
af_notifier_notify_approval (AfNotifier *self,
                             const char *approval_id,
                             const char *title,
                             const char *body)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (AF_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (approval_id != NULL, FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  if (self->application == NULL)
    return FALSE;

  notification = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.open-view", "s", "approvals");
  g_notification_add_button_with_target (notification, _ ("Approve"), "app.approve", "s", approval_id);
  g_notification_add_button_with_target (notification, _ ("Deny"), "app.deny", "s", approval_id);

  id = approval_notification_id (approval_id);
  return send_or_coalesce (self, id, notification, "approvals");
}

/**
 * af_notifier_notify_approval_group:
 * @group_id: stands for the agent's run, e.g. "AGENT-ID:RUN-ID"
 * @n: how many of its actions wait
 *
 * One notification for a run's many approvals, with "Approve all N"
 * (`app.approve-group` with (@agent_id, @run_id)) and "Review" (the
 * approvals view). Sent again with the same @group_id, it replaces the
 * one shown.
 *
 * Returns: %TRUE if shown now
 */
gboolean
af_notifier_notify_approval_group (AfNotifier *self,
                                   const char *group_id,
                                   const char *agent_id,
                                   gint64      run_id,
                                   guint       n,
                                   const char *title,
                                   const char *body)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *id = NULL;
  g_autofree char *approve = NULL;

  g_return_val_if_fail (AF_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (group_id != NULL, FALSE);
  g_return_val_if_fail (agent_id != NULL, FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  if (self->application == NULL)
    return FALSE;

  notification = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.open-view", "s", "approvals");
  /* Translators: a notification's button; %u is how many actions */
  approve = g_strdup_printf (ngettext ("Approve %u", "Approve all %u", n), n);
  g_notification_add_button_with_target_value (notification, approve, "app.approve-group",
                                               g_variant_new ("(sx)", agent_id, run_id));
  g_notification_add_button_with_target (notification, _ ("Review"), "app.open-view", "s", "approvals");

  id = g_strconcat ("approval-group-", group_id, NULL);
  return send_or_coalesce (self, id, notification, "approvals");
}

/**
 * af_notifier_withdraw_approval_group:
 */
void
af_notifier_withdraw_approval_group (AfNotifier *self,
                                     const char *group_id)
{
  g_autofree char *id = NULL;

  g_return_if_fail (AF_IS_NOTIFIER (self));
  g_return_if_fail (group_id != NULL);

  id = g_strconcat ("approval-group-", group_id, NULL);
  af_notifier_withdraw (self, id);
}

/**
 * af_notifier_withdraw_approval:
 *
 * Removes the notification of an approval that was decided, wherever it
 * was decided.
 */
void
af_notifier_withdraw_approval (AfNotifier *self,
                               const char *approval_id)
{
  g_autofree char *id = NULL;

  g_return_if_fail (AF_IS_NOTIFIER (self));
  g_return_if_fail (approval_id != NULL);

  id = approval_notification_id (approval_id);
  af_notifier_withdraw (self, id);
}

/**
 * af_notifier_notify_reconnect:
 * @connection_id: the account connection that needs signing in again
 *
 * Shows a notification that opens the connections view.
 *
 * Returns: %TRUE if shown now
 */
gboolean
af_notifier_notify_reconnect (AfNotifier *self,
                              const char *connection_id,
                              const char *title,
                              const char *body)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (AF_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (connection_id != NULL, FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  if (self->application == NULL)
    return FALSE;

  notification = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.open-view", "s", "connections");
  g_notification_add_button_with_target (notification, _ ("Reconnect"), "app.open-view", "s", "connections");

  id = g_strconcat ("reconnect-", connection_id, NULL);
  return send_or_coalesce (self, id, notification, "connections");
}

/**
 * af_notifier_notify_agent_failed:
 * @agent_id: the agent that failed repeatedly
 *
 * Shows a notification that opens the activity view.
 *
 * Returns: %TRUE if shown now
 */
gboolean
af_notifier_notify_agent_failed (AfNotifier *self,
                                 const char *agent_id,
                                 const char *title,
                                 const char *body)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (AF_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (agent_id != NULL, FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  if (self->application == NULL)
    return FALSE;

  notification = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.open-view", "s", "activity");

  id = g_strconcat ("failed-", agent_id, NULL);
  return send_or_coalesce (self, id, notification, "activity");
}
