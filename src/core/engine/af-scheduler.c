/* af-scheduler.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-scheduler"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "af-time.h"
#include "af-source.h"
#include "af-scheduler.h"

/* One timer for every agent: the entries sit in a sequence sorted by due
 * time and a single timerfd (CLOCK_REALTIME, absolute) is armed for the
 * first. Wall-clock deadlines survive suspend (the realtime clock keeps
 * counting) and TFD_TIMER_CANCEL_ON_SET wakes us when the clock is set, so
 * we re-arm instead of sleeping past a deadline. logind's PrepareForSleep
 * re-arms on resume too. A deadline missed while asleep fires once. */
struct _AfScheduler
{
  GObject parent_instance;

  GSequence       *entries; /* Entry, by (due, id) */
  GHashTable      *by_id;   /* id → GSequenceIter */
  int              timer_fd;
  GSource         *timer_source;
  guint            fallback_id;
  guint            idle_id;
  GDBusConnection *system_bus;
  guint            sleep_signal_id;
  GCancellable    *cancellable;
};

typedef struct
{
  char  *id;
  gint64 due;
} Entry;

G_DEFINE_FINAL_TYPE (AfScheduler, af_scheduler, G_TYPE_OBJECT)

enum
{
  DUE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void arm (AfScheduler *self);

static void
entry_free (Entry *e)
{
  g_free (e->id);
  g_free (e);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      data)
{
  const Entry *ea = a, *eb = b;

  if (ea->due != eb->due)
    return ea->due < eb->due ? -1 : 1;
  return g_strcmp0 (ea->id, eb->id);
}

static void
dispatch_due (AfScheduler *self)
{
  gint64 now = g_get_real_time ();
  g_autoptr (GPtrArray) due = g_ptr_array_new_with_free_func (g_free);

  /* Collect first: a handler may reschedule while we iterate. */
  while (g_sequence_get_length (self->entries) > 0)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (self->entries);
      Entry         *e = g_sequence_get (first);

      if (e->due > now)
        break;
      g_ptr_array_add (due, g_strdup (e->id));
      g_hash_table_remove (self->by_id, e->id);
      g_sequence_remove (first);
    }

  for (guint i = 0; i < due->len; i++)
    g_signal_emit (self, signals[DUE], 0, g_ptr_array_index (due, i));

  arm (self);
}

static gboolean
on_timer_cb (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  AfScheduler *self = user_data;
  guint64      expirations;

  /* ECANCELED: the clock was set; the next arm() reads it anew. */
  if (read (fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED)
    g_debug ("Wall clock changed; re-arming");

  dispatch_due (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_fallback_timeout_cb (gpointer user_data)
{
  AfScheduler *self = user_data;

  self->fallback_id = 0;
  dispatch_due (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_idle_cb (gpointer user_data)
{
  AfScheduler *self = user_data;

  self->idle_id = 0;
  dispatch_due (self);
  return G_SOURCE_REMOVE;
}

static void
arm (AfScheduler *self)
{
  struct itimerspec spec = { 0 };
  gint64            due;

  due = af_scheduler_get_next_due (self);

  if (self->timer_fd >= 0)
    {
      if (due > 0)
        {
          /* 0 would disarm: a deadline in the past becomes "1 ns after the epoch". */
          gint64 when = MAX (due, 1);

          spec.it_value.tv_sec = when / G_USEC_PER_SEC;
          spec.it_value.tv_nsec = (when % G_USEC_PER_SEC) * 1000;
        }
      if (timerfd_settime (self->timer_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL) < 0)
        g_warning ("Could not arm the scheduler timer: %s", g_strerror (errno));
      return;
    }

  /* No timerfd: one monotonic timeout, re-armed on resume. */
  g_clear_handle_id (&self->fallback_id, g_source_remove);
  if (due > 0)
    {
      gint64 delay = MAX (0, due - g_get_real_time ()) / 1000;

      self->fallback_id = af_timeout_add_named ((guint)MIN (delay, G_MAXUINT), "[agentflow] scheduler fallback", on_fallback_timeout_cb, self);
    }
}

static void
on_prepare_for_sleep_cb (GDBusConnection *connection,
                         const char      *sender,
                         const char      *path,
                         const char      *interface,
                         const char      *signal,
                         GVariant        *parameters,
                         gpointer         user_data)
{
  gboolean going_to_sleep = FALSE;

  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (!going_to_sleep)
    af_scheduler_rearm (AF_SCHEDULER (user_data));
}

static void
on_system_bus_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (AfScheduler) self = user_data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      g_debug ("No system bus, no sleep notifications: %s", error->message);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (bus);
      return;
    }
  self->system_bus = bus;
  self->sleep_signal_id =
      g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1", "org.freedesktop.login1.Manager",
                                          "PrepareForSleep", "/org/freedesktop/login1", NULL,
                                          G_DBUS_SIGNAL_FLAGS_NONE, on_prepare_for_sleep_cb, self, NULL);
}

static void
af_scheduler_dispose (GObject *object)
{
  AfScheduler *self = (AfScheduler *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->system_bus != NULL && self->sleep_signal_id != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_signal_id);
  self->sleep_signal_id = 0;
  g_clear_object (&self->system_bus);
  g_clear_object (&self->cancellable);
  if (self->timer_source != NULL)
    g_source_destroy (self->timer_source);
  g_clear_pointer (&self->timer_source, g_source_unref);
  g_clear_handle_id (&self->fallback_id, g_source_remove);
  g_clear_handle_id (&self->idle_id, g_source_remove);

  G_OBJECT_CLASS (af_scheduler_parent_class)->dispose (object);
}

static void
af_scheduler_finalize (GObject *object)
{
  AfScheduler *self = (AfScheduler *)object;

  if (self->timer_fd >= 0)
    close (self->timer_fd);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_sequence_free);

  G_OBJECT_CLASS (af_scheduler_parent_class)->finalize (object);
}

static void
af_scheduler_class_init (AfSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_scheduler_dispose;
  object_class->finalize = af_scheduler_finalize;

  /**
   * AfScheduler::due:
   * @agent_id: the agent whose time has come; it is no longer scheduled
   */
  signals[DUE] = g_signal_new ("due", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                               G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
af_scheduler_init (AfScheduler *self)
{
  self->entries = g_sequence_new ((GDestroyNotify)entry_free);
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();

  self->timer_fd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->timer_fd >= 0)
    {
      self->timer_source = g_unix_fd_source_new (self->timer_fd, G_IO_IN);
      g_source_set_callback (self->timer_source, G_SOURCE_FUNC (on_timer_cb), self, NULL);
      g_source_set_static_name (self->timer_source, "[agentflow] scheduler");
      g_source_attach (self->timer_source, NULL);
    }

  if (g_getenv ("AGENTFLOW_NO_SYSTEM_BUS") == NULL)
    g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus_cb, g_object_ref (self));
}

AfScheduler *
af_scheduler_new (void)
{
  return g_object_new (AF_TYPE_SCHEDULER, NULL);
}

void
af_scheduler_set (AfScheduler *self,
                  const char  *agent_id,
                  gint64       due)
{
  GSequenceIter *iter;
  Entry         *e;

  g_return_if_fail (AF_IS_SCHEDULER (self));
  g_return_if_fail (agent_id != NULL);

  iter = g_hash_table_lookup (self->by_id, agent_id);
  if (iter != NULL)
    {
      g_hash_table_remove (self->by_id, agent_id);
      g_sequence_remove (iter);
    }

  if (due <= 0)
    {
      arm (self);
      return;
    }

  e = g_new0 (Entry, 1);
  e->id = g_strdup (agent_id);
  e->due = due;
  iter = g_sequence_insert_sorted (self->entries, e, compare_entries, NULL);
  g_hash_table_insert (self->by_id, g_strdup (agent_id), iter);

  arm (self);
}

void
af_scheduler_remove (AfScheduler *self,
                     const char  *agent_id)
{
  g_return_if_fail (AF_IS_SCHEDULER (self));
  af_scheduler_set (self, agent_id, 0);
}

gint64
af_scheduler_get_due (AfScheduler *self,
                      const char  *agent_id)
{
  GSequenceIter *iter;

  g_return_val_if_fail (AF_IS_SCHEDULER (self), 0);

  iter = g_hash_table_lookup (self->by_id, agent_id);
  return iter ? ((Entry *)g_sequence_get (iter))->due : 0;
}

guint
af_scheduler_get_n_scheduled (AfScheduler *self)
{
  g_return_val_if_fail (AF_IS_SCHEDULER (self), 0);
  return g_sequence_get_length (self->entries);
}

gint64
af_scheduler_get_next_due (AfScheduler *self)
{
  g_return_val_if_fail (AF_IS_SCHEDULER (self), 0);

  if (g_sequence_get_length (self->entries) == 0)
    return 0;
  return ((Entry *)g_sequence_get (g_sequence_get_begin_iter (self->entries)))->due;
}

void
af_scheduler_rearm (AfScheduler *self)
{
  g_return_if_fail (AF_IS_SCHEDULER (self));

  if (self->idle_id == 0)
    self->idle_id = af_idle_add_named (G_PRIORITY_DEFAULT_IDLE, "[agentflow] scheduler rearm", on_idle_cb, self);
}

static gboolean
parse_at (JsonObject *trigger,
          int        *hour,
          int        *minute)
{
  const char *at = json_object_get_string_member_with_default (trigger, "at", NULL);

  return af_time_parse_hhmm (at, hour, minute);
}

gint64
af_scheduler_next_run (JsonObject *trigger,
                       gint64      after,
                       GTimeZone  *tz)
{
  g_autoptr (GTimeZone) local = NULL;
  g_autoptr (GDateTime) now = NULL;
  const char *type;
  int         hour = 0, minute = 0;

  g_return_val_if_fail (trigger != NULL, 0);

  type = json_object_get_string_member_with_default (trigger, "type", "manual");

  if (g_str_equal (type, "interval") || g_str_equal (type, "new_mail") || g_str_equal (type, "upcoming_event"))
    {
      gint64 minutes = json_object_get_int_member_with_default (trigger, "minutes", 5);

      return after + MAX (minutes, 1) * 60 * G_USEC_PER_SEC;
    }

  if ((g_str_equal (type, "daily") || g_str_equal (type, "weekly")) && parse_at (trigger, &hour, &minute))
    {
      int weekday = (int)json_object_get_int_member_with_default (trigger, "weekday", 0);

      if (tz == NULL)
        tz = local = af_time_zone_local ();
      {
        g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (after / G_USEC_PER_SEC);

        now = g_date_time_to_timezone (utc, tz);
      }

      /* Walk day by day (at most 8) to the first matching wall-clock time;
       * g_date_time_new() resolves DST gaps for us. */
      for (int d = 0; d < 9; d++)
        {
          g_autoptr (GDateTime) day = g_date_time_add_days (now, d);
          g_autoptr (GDateTime) at = g_date_time_new (tz, g_date_time_get_year (day), g_date_time_get_month (day),
                                                      g_date_time_get_day_of_month (day), hour, minute, 0);
          gint64 when;

          if (at == NULL)
            continue;
          when = g_date_time_to_unix (at) * G_USEC_PER_SEC;
          if (when <= after)
            continue;
          if (g_str_equal (type, "weekly") && g_date_time_get_day_of_week (at) != weekday)
            continue;
          return when;
        }
    }

  return 0;
}
