/* af-activity-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-activity-row"

#include "config.h"

#include <glib/gi18n.h>
#ifdef __linux__
#include <sys/timerfd.h>
#include <unistd.h>
#endif

#include "af-activity-row.h"
#include "af-activity-text.h"
#include "af-run-summary.h"
#include "af-time.h"

/* One entry of the activity feed. The row reads the entry through
 * properties, so any activity item with "agent-name", "kind", "summary"
 * and "timestamp" (seconds since the epoch) or "time" (GDateTime) works. */
struct _AfActivityRow
{
  GtkWidget parent_instance;

  gint64 time;
  char  *summary;

  /* Template widgets */
  GtkWidget      *child;
  GtkImage       *kind_image;
  GtkLabel       *kind_label;
  GtkLabel       *summary_label;
  GtkLabel       *agent_label;
  GtkInscription *time_label;
};

G_DEFINE_FINAL_TYPE (AfActivityRow, af_activity_row, GTK_TYPE_WIDGET)

static const struct
{
  const char *kind;
  const char *icon_name;
  const char *label;
} kinds[] = {
  { "run-started", "af-play-symbolic", N_ ("Run started") },
  { "run-finished", "af-check-circle-symbolic", N_ ("Run finished") },
  { "run-idle", "af-check-symbolic", N_ ("Nothing to do") },
  { "fetched", "af-clock-symbolic", N_ ("Fetched") },
  { "decided", "af-document-symbolic", N_ ("Decided") },
  { "action-done", "af-check-circle-symbolic", N_ ("Action done") },
  { "action-failed", "af-error-symbolic", N_ ("Action failed") },
  { "action-skipped", "af-next-symbolic", N_ ("Action skipped") },
  { "action-denied", "af-blocked-symbolic", N_ ("Action not allowed") },
  { "approval-requested", "af-hourglass-symbolic", N_ ("Waiting for approval") },
  { "approval-pending", "af-hourglass-symbolic", N_ ("Waiting for approval") },
  { "approval-denied", "af-blocked-symbolic", N_ ("Denied") },
  { "approval-expired", "af-expired-symbolic", N_ ("Approval expired") },
  { "deferred", "af-clock-symbolic", N_ ("Deferred") },
  { "paused", "af-pause-symbolic", N_ ("Paused") },
  { "resumed", "af-play-symbolic", N_ ("Resumed") },
  { "error", "af-error-symbolic", N_ ("Error") },
};

const char *
af_activity_kind_icon_name (const char *kind)
{
  for (guint i = 0; kind != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i].kind, kind))
      return kinds[i].icon_name;
  return "af-gear-symbolic";
}

const char *
af_activity_kind_label (const char *kind)
{
  for (guint i = 0; kind != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i].kind, kind))
      return _ (kinds[i].label);
  return _ ("Activity");
}

gboolean
af_activity_kind_is_error (const char *kind)
{
  return kind != NULL && (g_str_equal (kind, "error") || g_str_equal (kind, "action-failed"));
}

/**
 * af_activity_item_dup_string:
 *
 * Reads the string property @property of @item, or %NULL when it has none.
 */
char *
af_activity_item_dup_string (GObject    *item,
                             const char *property)
{
  GParamSpec *pspec;
  char       *value = NULL;

  g_return_val_if_fail (G_IS_OBJECT (item), NULL);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), property);
  if (pspec == NULL || pspec->value_type != G_TYPE_STRING)
    return NULL;
  g_object_get (item, property, &value, NULL);
  return value;
}

/**
 * af_activity_item_get_time:
 *
 * When @item happened, in seconds since the epoch (0 when unknown).
 */
gint64
af_activity_item_get_time (GObject *item)
{
  GParamSpec *pspec;

  g_return_val_if_fail (G_IS_OBJECT (item), 0);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), "timestamp");
  if (pspec != NULL && pspec->value_type == G_TYPE_INT64)
    {
      gint64 t = 0;

      g_object_get (item, "timestamp", &t, NULL);
      /* The activity log stores microseconds (g_get_real_time()). */
      return t > G_GINT64_CONSTANT (100000000000) ? t / G_USEC_PER_SEC : t;
    }

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), "time");
  if (pspec != NULL && pspec->value_type == G_TYPE_DATE_TIME)
    {
      g_autoptr (GDateTime) dt = NULL;

      g_object_get (item, "time", &dt, NULL);
      return dt != NULL ? g_date_time_to_unix (dt) : 0;
    }

  return 0;
}

/* The desktop's clock format, read the way GNOME Files reads it
 * (nautilus-date-utilities.c: org.gnome.desktop.interface clock-format,
 * followed as it changes); 24-hour where that schema is not installed. */
static GSettings *desktop_interface;
static gboolean   desktop_12h;

static void
on_clock_format_changed_cb (GSettings  *settings,
                            const char *key,
                            gpointer    user_data)
{
  g_autofree char *format = g_settings_get_string (settings, "clock-format");

  desktop_12h = g_strcmp0 (format, "12h") == 0;
}

/**
 * af_feed_time_get_desktop_settings:
 *
 * Returns: (nullable) (transfer none): the desktop's interface settings,
 * whose "changed::clock-format" pages follow to show times again; %NULL
 * when the schema is not installed
 */
GSettings *
af_feed_time_get_desktop_settings (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr (GSettingsSchema) schema = NULL;

      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
      if (schema != NULL && g_settings_schema_has_key (schema, "clock-format"))
        {
          desktop_interface = g_settings_new_full (schema, NULL, NULL);
          g_signal_connect (desktop_interface, "changed::clock-format", G_CALLBACK (on_clock_format_changed_cb), NULL);
          on_clock_format_changed_cb (desktop_interface, "clock-format", NULL);
        }
      g_once_init_leave (&once, 1);
    }
  return desktop_interface;
}

/**
 * af_feed_time_get_clock_format:
 *
 * Returns: the desktop's clock format
 */
AfClockFormat
af_feed_time_get_clock_format (void)
{
  (void)af_feed_time_get_desktop_settings ();
  return desktop_12h ? AF_CLOCK_FORMAT_12H : AF_CLOCK_FORMAT_24H;
}

static char *
format_clock (GDateTime    *dt,
              AfClockFormat clock)
{
  if (clock == AF_CLOCK_FORMAT_12H)
    /* Translators: a time of day on a 12-hour clock, "2:32 PM", see
     * g_date_time_format() */
    return g_date_time_format (dt, _ ("%-I:%M %p"));
  /* Translators: a time of day on a 24-hour clock, "14:32", see
   * g_date_time_format() */
  return g_date_time_format (dt, _ ("%H:%M"));
}

static char *
format_short_date (GDateTime *dt)
{
  /* Translators: a short date in the activity feed, see g_date_time_format() */
  return g_date_time_format (dt, _ ("%b %-e"));
}

/* Calendar days from @earlier's local date to @later's. */
static int
days_between (GDateTime *earlier,
              GDateTime *later)
{
  GDate a, b;

  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  g_date_set_dmy (&a, g_date_time_get_day_of_month (earlier), g_date_time_get_month (earlier),
                  g_date_time_get_year (earlier));
  g_date_set_dmy (&b, g_date_time_get_day_of_month (later), g_date_time_get_month (later), g_date_time_get_year (later));
  return g_date_days_between (&a, &b);
}

/* The local midnight that starts the day @days after @dt's: built from
 * the date, never by adding 24 hours, so a day of 23 or 25 hours (a
 * change to or from summer time) ends when the calendar says. Where the
 * clocks skip midnight, GLib gives the first time of the day (01:00). */
static gint64
local_midnight (GDateTime *dt,
                int        days)
{
  g_autoptr (GDateTime) midnight = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (dt), g_date_time_get_month (dt), g_date_time_get_year (dt));
  if (days >= 0)
    g_date_add_days (&date, (guint)days);
  else
    g_date_subtract_days (&date, (guint)-days);
  midnight = af_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date), 0, 0, 0);
  return midnight != NULL ? g_date_time_to_unix (midnight) : 0;
}

typedef enum
{
  FEED_NONE,
  FEED_JUST_NOW,
  FEED_TODAY,
  FEED_YESTERDAY,
  FEED_WEEKDAY,
  FEED_DATE,
} FeedDay;

/* Which words a past time takes as seen at @now, the time in local time
 * in @dt_out, and when (unix time) those words change in @next_out (0:
 * never). A time a few seconds ahead (another machine's clock) is "Just
 * now" too. */
static FeedDay
classify_past (gint64      unix_time,
               gint64      now,
               GDateTime **dt_out,
               gint64     *next_out)
{
  g_autoptr (GDateTime) today = NULL;
  int days;

  *next_out = 0;
  if (unix_time <= 0)
    return FEED_NONE;
  if (now - unix_time < 60)
    {
      *next_out = unix_time + 60;
      return FEED_JUST_NOW;
    }

  *dt_out = af_date_time_new_from_unix_local (unix_time);
  today = af_date_time_new_from_unix_local (now);
  if (*dt_out == NULL || today == NULL)
    return FEED_NONE;
  days = days_between (*dt_out, today);
  if (days <= 0)
    {
      *next_out = local_midnight (today, 1);
      return FEED_TODAY;
    }
  if (days == 1)
    {
      *next_out = local_midnight (today, 1);
      return FEED_YESTERDAY;
    }
  if (days < 7)
    {
      /* "Tuesday" until a week has gone by, when another Tuesday would
       * read the same. */
      *next_out = local_midnight (*dt_out, 7);
      return FEED_WEEKDAY;
    }
  return FEED_DATE;
}

/**
 * af_format_feed_time_next_change:
 *
 * Returns: when (unix time) the text af_format_feed_time() and
 * af_format_last_run() give for @unix_time change next, as seen at @now:
 * a minute after "Just now", then only at a local midnight; 0 if never (a
 * date).
 */
gint64
af_format_feed_time_next_change (gint64 unix_time,
                                 gint64 now)
{
  g_autoptr (GDateTime) dt = NULL;
  gint64 next;

  (void)classify_past (unix_time, now, &dt, &next);
  return next;
}

/**
 * af_format_feed_time_full:
 *
 * Formats @unix_time as "Just now", the time of day ("14:32", or "2:32 PM"
 * with @clock 12-hour), "Yesterday", a weekday within the week or a short
 * date, as seen at @now.
 */
char *
af_format_feed_time_full (gint64        unix_time,
                          gint64        now,
                          AfClockFormat clock)
{
  g_autoptr (GDateTime) dt = NULL;
  gint64 next;

  switch (classify_past (unix_time, now, &dt, &next))
    {
    case FEED_JUST_NOW:
      return g_strdup (_ ("Just now"));
    case FEED_TODAY:
      return format_clock (dt, clock);
    case FEED_YESTERDAY:
      return g_strdup (_ ("Yesterday"));
    case FEED_WEEKDAY:
      return g_date_time_format (dt, "%A");
    case FEED_DATE:
      return format_short_date (dt);
    case FEED_NONE:
    default:
      return g_strdup ("");
    }
}

/**
 * af_format_feed_time:
 *
 * af_format_feed_time_full() on the desktop's clock format.
 */
char *
af_format_feed_time (gint64 unix_time,
                     gint64 now)
{
  return af_format_feed_time_full (unix_time, now, af_feed_time_get_clock_format ());
}

/**
 * af_format_last_run_full:
 *
 * Formats when an agent last ran: "Last run just now", "Last run at
 * 14:32", "Last run yesterday", "Last run Tuesday" or "Last run Mar 3", as
 * seen at @now. Changes when af_format_feed_time_next_change() says.
 */
char *
af_format_last_run_full (gint64        unix_time,
                         gint64        now,
                         AfClockFormat clock)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *part = NULL;
  gint64           next;

  switch (classify_past (unix_time, now, &dt, &next))
    {
    case FEED_JUST_NOW:
      /* Translators: when an agent last ran, in its row on the Agents page */
      return g_strdup (_ ("Last run just now"));
    case FEED_TODAY:
      part = format_clock (dt, clock);
      /* Translators: when an agent last ran: %s is a time of day today,
       * "Last run at 14:32" */
      return g_strdup_printf (_ ("Last run at %s"), part);
    case FEED_YESTERDAY:
      /* Translators: when an agent last ran */
      return g_strdup (_ ("Last run yesterday"));
    case FEED_WEEKDAY:
      part = g_date_time_format (dt, "%A");
      /* Translators: when an agent last ran: %s is a weekday within the
       * last week, "Last run Tuesday" */
      return g_strdup_printf (C_ ("weekday", "Last run %s"), part);
    case FEED_DATE:
      part = format_short_date (dt);
      /* Translators: when an agent last ran: %s is a short date, "Last
       * run Mar 3" */
      return g_strdup_printf (C_ ("date", "Last run %s"), part);
    case FEED_NONE:
    default:
      return NULL;
    }
}

/**
 * af_format_last_run:
 *
 * af_format_last_run_full() on the desktop's clock format; %NULL when the
 * agent never ran.
 */
char *
af_format_last_run (gint64 unix_time,
                    gint64 now)
{
  return af_format_last_run_full (unix_time, now, af_feed_time_get_clock_format ());
}

/**
 * af_format_upcoming_time_full:
 *
 * Formats a time to come as "today at 07:22", "tomorrow at 07:22", a
 * weekday within the week, or a date, as seen at @now, the time of day on
 * @clock. @next_change is set to when (unix time) the text changes: the
 * local midnight at which the day reads differently (0: never).
 */
char *
af_format_upcoming_time_full (gint64        unix_time,
                              gint64        now,
                              AfClockFormat clock,
                              gint64       *next_change)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) today = NULL;
  g_autofree char *clock_text = NULL;
  g_autofree char *day = NULL;
  int              days;

  if (next_change != NULL)
    *next_change = 0;
  if (unix_time <= 0)
    return g_strdup ("");
  dt = af_date_time_new_from_unix_local (unix_time);
  today = af_date_time_new_from_unix_local (now);
  if (dt == NULL || today == NULL)
    return g_strdup ("");
  days = days_between (today, dt);
  /* "today at" turns into a date at midnight, "tomorrow" into "today"; a
   * weekday becomes "tomorrow" the day before, a date a weekday six days
   * before. */
  if (next_change != NULL && days >= 0)
    *next_change = local_midnight (dt, days == 0 ? 1 : days == 1 ? 0
                                                   : days < 7    ? -1
                                                                 : -6);
  clock_text = format_clock (dt, clock);

  if (days == 0)
    /* Translators: a time later today */
    return g_strdup_printf (_ ("today at %s"), clock_text);
  if (days == 1)
    /* Translators: a time tomorrow */
    return g_strdup_printf (_ ("tomorrow at %s"), clock_text);
  day = days > 1 && days < 7 ? g_date_time_format (dt, "%A") : format_short_date (dt);
  /* Translators: a day (a weekday within the coming week, else a short
   * date), then a time of day: "Tuesday at 07:22", "Mar 3 at 07:22" */
  return g_strdup_printf (_ ("%s at %s"), day, clock_text);
}

/**
 * af_format_upcoming_time:
 *
 * af_format_upcoming_time_full() on the desktop's clock format.
 */
char *
af_format_upcoming_time (gint64  unix_time,
                         gint64  now,
                         gint64 *next_change)
{
  return af_format_upcoming_time_full (unix_time, now, af_feed_time_get_clock_format (), next_change);
}

/* A one-shot timer for a time of the wall clock. A GLib timeout counts
 * monotonic time, which stops while the machine sleeps: one armed at 22:00
 * for midnight would fire at 10:00 after a night suspended, the feed saying
 * "21:30" instead of "Yesterday" until then. A realtime timerfd fires at
 * the wall clock's midnight, and at once when the clock is set
 * (TFD_TIMER_CANCEL_ON_SET), as gnome-desktop's GnomeWallClock does; a
 * timeout where there is none. */
typedef struct
{
  GSource source;
  gint64  due; /* unix time, µs */
  int     fd;
} WallSource;

static gboolean
wall_source_dispatch (GSource    *source,
                      GSourceFunc callback,
                      gpointer    user_data)
{
  if (callback != NULL)
    (void)callback (user_data);
  return G_SOURCE_REMOVE;
}

static void
wall_source_finalize (GSource *source)
{
#ifdef __linux__
  WallSource *self = (WallSource *)source;

  if (self->fd >= 0)
    close (self->fd);
#endif
}

static GSourceFuncs wall_source_funcs = {
  NULL,
  NULL,
  wall_source_dispatch,
  wall_source_finalize,
  NULL,
  NULL,
};

static guint
wall_timeout_add (gint64      due,
                  const char *name,
                  GSourceFunc func,
                  gpointer    data)
{
  WallSource *self = (WallSource *)g_source_new (&wall_source_funcs, sizeof (WallSource));
  guint       id;

  self->due = due;
  self->fd = -1;
#ifdef __linux__
  self->fd = timerfd_create (CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
  if (self->fd >= 0)
    {
      struct itimerspec spec = { { 0, 0 }, { (time_t)(due / G_USEC_PER_SEC), (long)(due % G_USEC_PER_SEC) * 1000 } };

      if (timerfd_settime (self->fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL) == 0)
        g_source_add_unix_fd (&self->source, self->fd, G_IO_IN);
      else
        {
          close (self->fd);
          self->fd = -1;
        }
    }
#endif
  if (self->fd < 0)
    g_source_set_ready_time (&self->source, g_get_monotonic_time () + MAX (0, due - g_get_real_time ()));
  g_source_set_static_name (&self->source, name);
  g_source_set_callback (&self->source, func, data, NULL);
  id = g_source_attach (&self->source, NULL);
  g_source_unref (&self->source);
  return id;
}

/**
 * af_feed_time_source_get_due:
 *
 * Returns: when (unix time, µs) a timer of af_feed_time_arm() fires, -1
 * for another source
 */
gint64
af_feed_time_source_get_due (GSource *source)
{
  g_return_val_if_fail (source != NULL, -1);

  return source->source_funcs == &wall_source_funcs ? ((WallSource *)source)->due : -1;
}

/**
 * af_feed_time_arm:
 * @tick_id: (inout): the page's timer, 0 when none
 * @armed_for: (inout): the unix time it is armed for, 0 when none
 * @next: when a text on screen changes next (unix time), 0 for never
 *
 * Arms a page's one timer for the earliest change of the texts it shows,
 * keeping one armed sooner: a page with nothing that changes has no timer,
 * and one with a row of 10 minutes ago wakes at midnight, not every
 * minute. The timer fires once, when the wall clock says, even after the
 * machine slept; the callback clears both and notes the changes again.
 */
void
af_feed_time_arm (guint      *tick_id,
                  gint64     *armed_for,
                  gint64      next,
                  const char *name,
                  GSourceFunc func,
                  gpointer    data)
{
  g_return_if_fail (tick_id != NULL && armed_for != NULL);

  /* Rows logged seconds apart leave "Just now" seconds apart: one tick on
   * the minute of the wall clock serves all that change within it, instead
   * of one wakeup and one redraw per row. Midnights fall on the minute. */
  if (next > 0)
    next = (next + 59) / 60 * 60;
  if (next <= 0 || (*armed_for > 0 && next >= *armed_for))
    return;

  *armed_for = next;
  g_clear_handle_id (tick_id, g_source_remove);
  /* A little late rather than early: at the tick, the text has changed. */
  *tick_id = wall_timeout_add (next * G_USEC_PER_SEC + 50 * 1000, name, func, data);
}

static void
af_activity_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), AF_TYPE_ACTIVITY_ROW);

  G_OBJECT_CLASS (af_activity_row_parent_class)->dispose (object);
}

static void
af_activity_row_finalize (GObject *object)
{
  AfActivityRow *self = (AfActivityRow *)object;

  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (af_activity_row_parent_class)->finalize (object);
}

/* The tooltips are asked for when the pointer rests on them, not set on
 * every bind: gtk_widget_set_tooltip_text() costs a round trip to the
 * display server, once per row bound and per scroll step. */
static gboolean
on_summary_query_tooltip_cb (GtkWidget     *label,
                             int            x,
                             int            y,
                             gboolean       keyboard_mode,
                             GtkTooltip    *tooltip,
                             AfActivityRow *self)
{
  if (self->summary == NULL || *self->summary == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->summary);
  return TRUE;
}

static gboolean
on_time_query_tooltip_cb (GtkWidget     *label,
                          int            x,
                          int            y,
                          gboolean       keyboard_mode,
                          GtkTooltip    *tooltip,
                          AfActivityRow *self)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *full = NULL;

  if (self->time <= 0)
    return FALSE;

  dt = af_date_time_new_from_unix_local (self->time);
  full = g_date_time_format (dt, "%c");
  gtk_tooltip_set_text (tooltip, full);
  return TRUE;
}

static void
af_activity_row_class_init (AfActivityRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = af_activity_row_dispose;
  object_class->finalize = af_activity_row_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-activity-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AfActivityRow, child);
  gtk_widget_class_bind_template_child (widget_class, AfActivityRow, kind_image);
  gtk_widget_class_bind_template_child (widget_class, AfActivityRow, kind_label);
  gtk_widget_class_bind_template_child (widget_class, AfActivityRow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AfActivityRow, agent_label);
  gtk_widget_class_bind_template_child (widget_class, AfActivityRow, time_label);
}

static void
af_activity_row_init (AfActivityRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self->summary_label), TRUE);
  g_signal_connect (self->summary_label, "query-tooltip", G_CALLBACK (on_summary_query_tooltip_cb), self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->time_label), TRUE);
  g_signal_connect (self->time_label, "query-tooltip", G_CALLBACK (on_time_query_tooltip_cb), self);
}

GtkWidget *
af_activity_row_new (void)
{
  return g_object_new (AF_TYPE_ACTIVITY_ROW, NULL);
}

void
af_activity_row_bind (AfActivityRow *self,
                      GObject       *item)
{
  g_autofree char *kind = NULL;
  g_autofree char *agent = NULL;

  g_return_if_fail (AF_IS_ACTIVITY_ROW (self));
  g_return_if_fail (G_IS_OBJECT (item));

  kind = af_activity_item_dup_string (item, "kind");
  agent = af_activity_item_dup_string (item, "agent-name");
  g_free (self->summary);
  self->summary = af_activity_item_dup_string (item, "summary");
  self->time = af_activity_item_get_time (item);

  /* A run says what it did in the current language, from its numbers
   * ("Labelled 5 messages · 2 drafts"), not in the words it was logged
   * with. */
  if (g_strcmp0 (kind, "run-finished") == 0)
    {
      g_autofree char *details = af_activity_item_dup_string (item, "details");
      g_autoptr (JsonNode) node = details ? json_from_string (details, NULL) : NULL;
      g_autofree char *did = node && JSON_NODE_HOLDS_OBJECT (node) ? af_run_summary_describe (json_node_get_object (node))
                                                                   : NULL;

      if (did != NULL)
        {
          gunichar         first = g_unichar_totitle (g_utf8_get_char (did));
          char             buf[8] = { 0 };
          g_autofree char *rest = g_strdup (g_utf8_next_char (did));

          g_unichar_to_utf8 (first, buf);
          g_free (self->summary);
          self->summary = g_strconcat (buf, rest, NULL);
        }
    }
  else
    {
      /* An action says what it did the same way: from its data (action,
       * arguments, outcome), in the current language. Rows older than
       * that keep the line they were logged with. */
      g_autofree char *details = af_activity_item_dup_string (item, "details");
      g_autofree char *told = af_activity_text_describe_json (kind, details);

      if (told != NULL)
        {
          g_free (self->summary);
          self->summary = g_steal_pointer (&told);
        }
    }

  gtk_image_set_from_icon_name (self->kind_image, af_activity_kind_icon_name (kind));
  gtk_label_set_label (self->kind_label, af_activity_kind_label (kind));
  if (af_activity_kind_is_error (kind))
    gtk_widget_add_css_class (GTK_WIDGET (self->kind_image), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->kind_image), "error");
  gtk_label_set_label (self->summary_label, self->summary ? self->summary : "");
  gtk_label_set_label (self->agent_label, agent ? agent : "");
  gtk_widget_set_visible (GTK_WIDGET (self->agent_label), agent != NULL && *agent != '\0');
  /* In a list view the focusable widget is the item around the row: it
   * reads as the entry. */
  if (gtk_widget_get_parent (GTK_WIDGET (self)) != NULL && self->summary != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (self))),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, self->summary, -1);
  af_activity_row_update_time (self);
}

void
af_activity_row_unbind (AfActivityRow *self)
{
  g_return_if_fail (AF_IS_ACTIVITY_ROW (self));

  self->time = 0;
  g_clear_pointer (&self->summary, g_free);
}

/**
 * af_activity_row_update_time:
 *
 * Refreshes the time ("Just now", "14:32", "Yesterday") without reading the
 * item again.
 *
 * Returns: when (unix time) the text changes next, 0 if never
 */
gint64
af_activity_row_update_time (AfActivityRow *self)
{
  g_autofree char *text = NULL;
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (AF_IS_ACTIVITY_ROW (self), 0);

  text = af_format_feed_time (self->time, now);
  if (g_strcmp0 (gtk_inscription_get_text (self->time_label), text) != 0)
    gtk_inscription_set_text (self->time_label, text);

  return af_format_feed_time_next_change (self->time, now);
}

const char *
af_activity_row_get_summary (AfActivityRow *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_ROW (self), NULL);

  return self->summary;
}

/**
 * af_activity_row_set_agent_name:
 *
 * Shows @name as the agent of the entry, for items that only carry an id.
 */
void
af_activity_row_set_agent_name (AfActivityRow *self,
                                const char    *name)
{
  g_return_if_fail (AF_IS_ACTIVITY_ROW (self));

  gtk_label_set_label (self->agent_label, name ? name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->agent_label), name != NULL && *name != '\0');
}

/**
 * af_activity_item_get_int64:
 *
 * Reads the 64-bit integer property @property of @item (0 when it has none).
 */
gint64
af_activity_item_get_int64 (GObject    *item,
                            const char *property)
{
  GParamSpec *pspec;
  gint64      value = 0;

  g_return_val_if_fail (G_IS_OBJECT (item), 0);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), property);
  if (pspec == NULL)
    return 0;
  if (pspec->value_type == G_TYPE_INT64)
    g_object_get (item, property, &value, NULL);
  else if (pspec->value_type == G_TYPE_INT)
    {
      int v = 0;

      g_object_get (item, property, &v, NULL);
      value = v;
    }
  return value;
}
