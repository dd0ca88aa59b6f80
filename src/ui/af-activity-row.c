/* af-activity-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-activity-row"

#include "config.h"

#include <glib/gi18n.h>

#include "af-activity-row.h"
#include "af-activity-text.h"
#include "af-run-summary.h"

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

/**
 * af_format_relative_time_next_change:
 *
 * Returns: when (unix time) the text af_format_relative_time() gives for
 * @unix_time changes next, as seen at @now; 0 if it never does (a date).
 */
gint64
af_format_relative_time_next_change (gint64 unix_time,
                                     gint64 now)
{
  gint64 delta = now - unix_time;

  if (unix_time <= 0)
    return 0;
  if (delta < 0)
    return unix_time + 60;
  if (delta < 60 * 60)
    return unix_time + (delta / 60 + 1) * 60;
  if (delta < 24 * 60 * 60)
    return unix_time + (delta / 3600 + 1) * 3600;
  if (delta < 2 * 24 * 60 * 60)
    return unix_time + 2 * 24 * 60 * 60;
  return 0;
}

/**
 * af_format_relative_time:
 *
 * Formats @unix_time as "Just now", "5 min ago", "3 h ago", "Yesterday" or a
 * date, as seen at @now.
 */
char *
af_format_relative_time (gint64 unix_time,
                         gint64 now)
{
  gint64 delta = now - unix_time;

  if (unix_time <= 0)
    return g_strdup ("");
  if (delta < 60)
    return g_strdup (_ ("Just now"));
  if (delta < 60 * 60)
    return g_strdup_printf (ngettext ("%d min ago", "%d min ago", (int)(delta / 60)),
                            (int)(delta / 60));
  if (delta < 24 * 60 * 60)
    return g_strdup_printf (ngettext ("%d h ago", "%d h ago", (int)(delta / 3600)),
                            (int)(delta / 3600));
  if (delta < 2 * 24 * 60 * 60)
    return g_strdup (_ ("Yesterday"));

  {
    g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (unix_time);

    /* Translators: a short date in the activity feed, see g_date_time_format() */
    return g_date_time_format (dt, _ ("%b %-e"));
  }
}

/**
 * af_format_upcoming_time:
 *
 * Formats a time to come as "today at 07:22", "tomorrow at 07:22", a
 * weekday within the week, or a date, as seen at @now.
 */
char *
af_format_upcoming_time (gint64 unix_time,
                         gint64 now)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) today = NULL;
  g_autofree char *clock = NULL;
  int              days;

  if (unix_time <= 0)
    return g_strdup ("");
  dt = g_date_time_new_from_unix_local (unix_time);
  {
    g_autoptr (GDateTime) n = g_date_time_new_from_unix_local (now);

    today = g_date_time_new_local (g_date_time_get_year (n), g_date_time_get_month (n), g_date_time_get_day_of_month (n),
                                   0, 0, 0);
  }
  days = (int)(g_date_time_difference (dt, today) / G_TIME_SPAN_DAY);
  if (g_date_time_difference (dt, today) < 0)
    days = -1;
  clock = g_date_time_format (dt, "%H:%M");

  if (days == 0)
    /* Translators: a time later today */
    return g_strdup_printf (_ ("today at %s"), clock);
  if (days == 1)
    /* Translators: a time tomorrow */
    return g_strdup_printf (_ ("tomorrow at %s"), clock);
  if (days > 1 && days < 7)
    /* Translators: a time within the coming week, see g_date_time_format() */
    return g_date_time_format (dt, _ ("%A at %H:%M"));
  /* Translators: a time further away, see g_date_time_format() */
  return g_date_time_format (dt, _ ("%b %-e at %H:%M"));
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

  dt = g_date_time_new_from_unix_local (self->time);
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
 * Refreshes the relative time ("5 min ago") without reading the item again.
 *
 * Returns: when (unix time) the text changes next, 0 if never
 */
gint64
af_activity_row_update_time (AfActivityRow *self)
{
  g_autofree char *text = NULL;
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (AF_IS_ACTIVITY_ROW (self), 0);

  text = af_format_relative_time (self->time, now);
  if (g_strcmp0 (gtk_inscription_get_text (self->time_label), text) != 0)
    gtk_inscription_set_text (self->time_label, text);

  return af_format_relative_time_next_change (self->time, now);
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
