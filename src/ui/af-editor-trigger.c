/* af-editor-trigger.c — the agent editor's "When It Runs": the trigger,
 * its time or interval, and a mail agent's first run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "af-agent-editor-private.h"
#include "af-time.h"

/* The trigger row's choices, in its order (af-agent-editor.ui). A manual
 * agent shows as the first: the editor offers no "manual". */
static const AfTriggerKind trigger_choices[] = {
  AF_TRIGGER_INTERVAL,
  AF_TRIGGER_DAILY,
  AF_TRIGGER_WEEKLY,
  AF_TRIGGER_NEW_MAIL,
  AF_TRIGGER_UPCOMING_EVENT,
};

/* The first-run row, in days looked back. */
static const int first_run_days[] = { 0, 7, 30 };

static AfTriggerKind
selected_kind (AfAgentEditor *self)
{
  guint index = adw_combo_row_get_selected (self->trigger_row);

  return trigger_choices[MIN (index, G_N_ELEMENTS (trigger_choices) - 1)];
}

static void
update_trigger_rows (AfAgentEditor *self)
{
  AfTriggerKind kind = selected_kind (self);

  gtk_widget_set_visible (GTK_WIDGET (self->interval_row), kind == AF_TRIGGER_INTERVAL);
  gtk_widget_set_visible (GTK_WIDGET (self->weekday_row), kind == AF_TRIGGER_WEEKLY);
  gtk_widget_set_visible (GTK_WIDGET (self->time_row), kind == AF_TRIGGER_DAILY || kind == AF_TRIGGER_WEEKLY);
  gtk_widget_set_visible (GTK_WIDGET (self->lead_row), kind == AF_TRIGGER_UPCOMING_EVENT);
}

/* Hours and minutes read as on a clock: 08:05, not 8:5. */
static gboolean
on_time_output_cb (GtkSpinButton *spin)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
on_trigger_changed_cb (AfAgentEditor *self)
{
  update_trigger_rows (self);
  af_agent_editor_set_modified (self);
}

void
af_editor_trigger_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_trigger_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_time_output_cb);
}

void
af_editor_trigger_load (AfAgentEditor     *self,
                        AfAgentDefinition *definition)
{
  const AfAgentTrigger *trigger = af_agent_definition_get_trigger (definition);
  int                   days = af_agent_definition_get_first_run_days (definition);
  gboolean              mail = g_strcmp0 (af_agent_definition_get_source (definition), "mail") == 0;

  for (guint i = 0; i < G_N_ELEMENTS (trigger_choices); i++)
    if (trigger_choices[i] == trigger->kind)
      adw_combo_row_set_selected (self->trigger_row, i);
  if (trigger->hour >= 0 && trigger->minute >= 0)
    {
      gtk_spin_button_set_value (self->hour_spin, trigger->hour);
      gtk_spin_button_set_value (self->minute_spin, trigger->minute);
    }
  if (trigger->minutes > 0)
    {
      gtk_spin_button_set_value (self->interval_spin, trigger->minutes);
      gtk_spin_button_set_value (self->lead_spin, trigger->minutes);
    }
  if (trigger->weekday > 0)
    adw_combo_row_set_selected (self->weekday_row, trigger->weekday - 1);

  /* A mail agent's first run: new mail only, or also the last 7 or 30
   * days. */
  gtk_widget_set_visible (GTK_WIDGET (self->first_run_row), mail);
  adw_combo_row_set_selected (self->first_run_row, days <= 0 ? 0 : days <= 7 ? 1
                                                                             : 2);
  update_trigger_rows (self);
}

void
af_editor_trigger_save (AfAgentEditor     *self,
                        AfAgentDefinition *definition)
{
  AfAgentTrigger trigger = { .kind = selected_kind (self), .hour = -1, .minute = -1 };

  trigger.minutes = trigger.kind == AF_TRIGGER_UPCOMING_EVENT ? gtk_spin_button_get_value_as_int (self->lead_spin)
                                                              : gtk_spin_button_get_value_as_int (self->interval_spin);
  if (trigger.kind == AF_TRIGGER_DAILY || trigger.kind == AF_TRIGGER_WEEKLY)
    {
      trigger.hour = gtk_spin_button_get_value_as_int (self->hour_spin);
      trigger.minute = gtk_spin_button_get_value_as_int (self->minute_spin);
    }
  if (trigger.kind == AF_TRIGGER_WEEKLY)
    trigger.weekday = adw_combo_row_get_selected (self->weekday_row) + 1;
  af_agent_definition_set_trigger (definition, &trigger);

  if (gtk_widget_get_visible (GTK_WIDGET (self->first_run_row)))
    af_agent_definition_set_first_run_days (
        definition, first_run_days[MIN (adw_combo_row_get_selected (self->first_run_row), G_N_ELEMENTS (first_run_days) - 1)]);
}

/* When the agent runs, in a sentence. */
char *
af_editor_trigger_describe (AfAgentEditor *self)
{
  g_autofree char *at = af_time_format_hhmm (gtk_spin_button_get_value_as_int (self->hour_spin),
                                             gtk_spin_button_get_value_as_int (self->minute_spin));
  int              n;

  switch (selected_kind (self))
    {
    case AF_TRIGGER_INTERVAL:
      n = gtk_spin_button_get_value_as_int (self->interval_spin);
      return g_strdup_printf (ngettext ("Runs every minute.", "Runs every %d minutes.", n), n);
    case AF_TRIGGER_DAILY:
      return g_strdup_printf (_ ("Runs every day at %s."), at);
    case AF_TRIGGER_WEEKLY:
      return g_strdup_printf (_ ("Runs every week at %s."), at);
    case AF_TRIGGER_NEW_MAIL:
      return g_strdup (_ ("Runs when new mail arrives."));
    case AF_TRIGGER_UPCOMING_EVENT:
    case AF_TRIGGER_MANUAL:
    default:
      n = gtk_spin_button_get_value_as_int (self->lead_spin);
      return g_strdup_printf (ngettext ("Runs %d minute before each event.", "Runs %d minutes before each event.", n), n);
    }
}
