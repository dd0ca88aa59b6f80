/* af-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "af-chart.h"

/* Actions per day as stacked bars: done, waiting for approval, failed,
 * in the style's success, warning and error colours, so dark and
 * high-contrast styles follow. Drawn with GtkSnapshot; a tooltip names
 * each day's numbers, and the accessible description sums them up. */
struct _AfChart
{
  GtkWidget parent_instance;

  AfDayActions *days;
  guint         n_days;
  GDateTime    *last_day;
};

G_DEFINE_FINAL_TYPE (AfChart, af_chart, GTK_TYPE_WIDGET)

#define LEGEND_HEIGHT 22
#define AXIS_HEIGHT   20
#define MIN_HEIGHT    150
#define BAR_GAP_RATIO 0.3

typedef struct
{
  double x, y, width, height; /* the plot area */
  double slot;
} Layout;

static void
get_layout (AfChart *self,
            Layout  *l)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));

  l->x = 0;
  l->y = LEGEND_HEIGHT + 6;
  l->width = w;
  l->height = MAX (h - l->y - AXIS_HEIGHT, 1);
  l->slot = self->n_days ? l->width / self->n_days : l->width;
}

static guint
day_total (const AfDayActions *d)
{
  return d->done + d->waiting + d->failed;
}

static GDateTime *
nth_day (AfChart *self,
         guint    day)
{
  return g_date_time_add_days (self->last_day, (int)day - (int)(self->n_days - 1));
}

/* "today", "yesterday" or a localized date. */
static char *
day_name (AfChart *self,
          guint    day)
{
  g_autoptr (GDateTime) d = NULL;

  if (day + 1 == self->n_days)
    return g_strdup (_ ("Today"));
  if (day + 2 == self->n_days)
    return g_strdup (_ ("Yesterday"));
  d = nth_day (self, day);
  /* Translators: a day in the chart's tooltip, see strftime */
  return g_date_time_format (d, _ ("%A %-e %B"));
}

static void
lookup_color (GtkWidget  *widget,
              const char *name,
              const char *fallback,
              GdkRGBA    *rgba)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, rgba))
    gdk_rgba_parse (rgba, fallback);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
draw_text (GtkSnapshot   *snapshot,
           GtkWidget     *widget,
           const char    *text,
           double         x,
           double         y,
           double         align, /* 0 left, 0.5 centre, 1 right of @x */
           const GdkRGBA *color,
           double        *width_out)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (width_out != NULL)
    *width_out = w;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - w * align, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
af_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  AfChart    *self = AF_CHART (widget);
  GdkRGBA     colors[3], fg, dim, grid;
  const char *legend[3] = { _ ("Done"), _ ("Waiting for approval"), _ ("Failed") };
  Layout      l;
  guint       max = 0;
  double      x = 0;
  double      bar_width;

  lookup_color (widget, "success_color", "#26a269", &colors[0]);
  lookup_color (widget, "warning_color", "#9c6e03", &colors[1]);
  lookup_color (widget, "error_color", "#c01c28", &colors[2]);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  dim = fg;
  dim.alpha *= 0.6;
  grid = fg;
  grid.alpha *= 0.15;

  get_layout (self, &l);

  /* The legend, top left. */
  for (guint i = 0; i < 3; i++)
    {
      double w = 0;

      gtk_snapshot_append_color (snapshot, &colors[i], &GRAPHENE_RECT_INIT (x, 6, 10, 10));
      draw_text (snapshot, widget, legend[i], x + 14, 1, 0, &dim, &w);
      x += 14 + w + 16;
    }

  for (guint i = 0; i < self->n_days; i++)
    max = MAX (max, day_total (&self->days[i]));

  /* Baseline and the top value. */
  gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (l.x, l.y + l.height, l.width, 1));
  if (max == 0)
    {
      draw_text (snapshot, widget, _ ("No actions in these days"), l.x + l.width / 2, l.y + l.height / 2 - 10, 0.5,
                 &dim, NULL);
    }
  else
    {
      g_autofree char *top = g_strdup_printf ("%u", max);

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (l.x, l.y, l.width, 1));
      draw_text (snapshot, widget, top, l.x + l.width, l.y - LEGEND_HEIGHT + 2, 1, &dim, NULL);
    }

  bar_width = MAX (l.slot * (1 - BAR_GAP_RATIO), 1);
  for (guint i = 0; i < self->n_days; i++)
    {
      const AfDayActions *d = &self->days[i];
      guint               values[3] = { d->done, d->waiting, d->failed };
      double              bx = l.x + i * l.slot + (l.slot - bar_width) / 2;
      double              base = l.y + l.height;

      for (guint k = 0; max > 0 && k < 3; k++)
        {
          double h = l.height * values[k] / max;

          if (values[k] == 0)
            continue;
          h = MAX (h, 2);
          gtk_snapshot_append_color (snapshot, &colors[k], &GRAPHENE_RECT_INIT (bx, base - h, bar_width, h));
          base -= h;
        }

      /* Day labels: every day of a week, every week of a month. */
      if (self->n_days <= 7 || (self->n_days - 1 - i) % 7 == 0)
        {
          g_autoptr (GDateTime) day = nth_day (self, i);
          g_autofree char *label = i + 1 == self->n_days ? g_strdup (_ ("Today"))
                                   : self->n_days <= 7   ? g_date_time_format (day, "%a")
                                                       /* Translators: a short date under the chart, see strftime */
                                                       : g_date_time_format (day, _ ("%-e %b"));
          double           align = self->n_days > 7 && i + 1 == self->n_days ? 1 : 0.5;
          double           cx = align == 1 ? l.x + l.width : bx + bar_width / 2;

          draw_text (snapshot, widget, label, cx, l.y + l.height + 3, align, &dim, NULL);
        }
    }
}

static void
af_chart_measure (GtkWidget     *widget,
                  GtkOrientation orientation,
                  int            for_size,
                  int           *minimum,
                  int           *natural,
                  int           *minimum_baseline,
                  int           *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = MIN_HEIGHT;
  else
    {
      *minimum = 120;
      *natural = 600;
    }
}

static gboolean
on_query_tooltip_cb (GtkWidget  *widget,
                     int         x,
                     int         y,
                     gboolean    keyboard,
                     GtkTooltip *tooltip,
                     gpointer    user_data)
{
  AfChart         *self = AF_CHART (widget);
  g_autofree char *text = NULL;
  Layout           l;
  guint            day;

  if (self->n_days == 0)
    return FALSE;
  get_layout (self, &l);
  /* From the keyboard: the latest day. */
  day = keyboard ? self->n_days - 1 : (guint)CLAMP ((x - l.x) / l.slot, 0, self->n_days - 1);
  text = af_chart_dup_day_text (self, day);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
af_chart_finalize (GObject *object)
{
  AfChart *self = (AfChart *)object;

  g_clear_pointer (&self->days, g_free);
  g_clear_pointer (&self->last_day, g_date_time_unref);

  G_OBJECT_CLASS (af_chart_parent_class)->finalize (object);
}

static void
af_chart_class_init (AfChartClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = af_chart_finalize;
  widget_class->snapshot = af_chart_snapshot;
  widget_class->measure = af_chart_measure;

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
af_chart_init (AfChart *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Actions per day"), -1);
}

GtkWidget *
af_chart_new (void)
{
  return g_object_new (AF_TYPE_CHART, NULL);
}

void
af_chart_set_days (AfChart            *self,
                   const AfDayActions *days,
                   guint               n_days,
                   GDateTime          *last_day)
{
  AfDayActions     sum = { 0 };
  g_autofree char *description = NULL;
  guint            busiest = 0;

  g_return_if_fail (AF_IS_CHART (self));
  g_return_if_fail (days != NULL || n_days == 0);
  g_return_if_fail (last_day != NULL);

  g_clear_pointer (&self->days, g_free);
  self->days = g_memdup2 (days, n_days * sizeof *days);
  self->n_days = n_days;
  g_clear_pointer (&self->last_day, g_date_time_unref);
  self->last_day = g_date_time_ref (last_day);

  for (guint i = 0; i < n_days; i++)
    {
      sum.done += days[i].done;
      sum.waiting += days[i].waiting;
      sum.failed += days[i].failed;
      if (day_total (&days[i]) > day_total (&days[busiest]))
        busiest = i;
    }

  if (day_total (&sum) == 0)
    description = g_strdup_printf (ngettext ("No actions in the last %u day", "No actions in the last %u days", n_days),
                                   n_days);
  else
    {
      g_autofree char *name = day_name (self, busiest);

      /* Translators: the chart for screen readers: days, done, waiting, failed, busiest day, its actions */
      description = g_strdup_printf (_ ("Last %u days: %u done, %u waiting for approval, %u failed. Busiest: %s, %u actions."),
                                     n_days, sum.done, sum.waiting, sum.failed, name, day_total (&days[busiest]));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
af_chart_get_n_days (AfChart *self)
{
  g_return_val_if_fail (AF_IS_CHART (self), 0);
  return self->n_days;
}

char *
af_chart_dup_day_text (AfChart *self,
                       guint    day)
{
  g_autofree char    *name = NULL;
  const AfDayActions *d;

  g_return_val_if_fail (AF_IS_CHART (self), NULL);
  g_return_val_if_fail (day < self->n_days, NULL);

  d = &self->days[day];
  name = day_name (self, day);
  /* Translators: a day of the chart: the day, then actions done, waiting, failed */
  return g_strdup_printf (_ ("%s: %u done, %u waiting for approval, %u failed"), name, d->done, d->waiting, d->failed);
}
