/* af-editor-validation.c — what keeps the agent in the editor from being
 * saved, said next to each field and on the Save button.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "af-agent-editor-private.h"
#include "af-rule-row.h"

/* Without @mark, only clears: a field is not flagged while being typed. */
static void
show_error (GtkWidget  *field,
            GtkLabel   *label,
            const char *message,
            gboolean    mark)
{
  if (message != NULL && !mark)
    return;
  if (message != NULL)
    {
      if (field != NULL)
        gtk_widget_add_css_class (field, "error");
      if (gtk_label_get_label (label) == NULL || *gtk_label_get_label (label) == '\0' || field != NULL)
        gtk_label_set_label (label, message);
    }
  else if (field != NULL)
    gtk_widget_remove_css_class (field, "error");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

/* A rule may only do what the agent is allowed to: say which choice to
 * change, rather than let the engine deny it on every run. */
static gboolean
validate_rules (AfAgentEditor *self,
                gboolean       mark,
                char         **missing)
{
  gboolean rules_ok = TRUE;

  for (guint r = 0; af_editor_rules_nth (self, r) != NULL; r++)
    {
      AfRuleRow *rule = AF_RULE_ROW (af_editor_rules_nth (self, r));

      if (mark || af_rule_row_is_valid (rule))
        rules_ok &= af_rule_row_validate (rule);
      else
        rules_ok = FALSE;
    }
  for (guint r = 0; rules_ok && af_editor_rules_nth (self, r) != NULL; r++)
    {
      *missing = af_editor_services_missing_for (self, af_rule_row_get_action (AF_RULE_ROW (af_editor_rules_nth (self, r))));
      rules_ok = *missing == NULL;
    }
  if (!rules_ok && mark)
    gtk_label_set_label (self->rules_error,
                         *missing ? *missing : _ ("Fill in the highlighted rule fields, or remove the rules you do not need."));
  show_error (NULL, self->rules_error, rules_ok ? NULL : gtk_label_get_label (self->rules_error), mark);
  return rules_ok;
}

static gboolean
validate_instructions (AfAgentEditor *self,
                       gboolean       mark)
{
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (self->instructions_view);
  GtkTextIter      start, end;
  g_autofree char *instructions = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  instructions = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (gtk_switch_get_active (self->ai_switch) && *instructions == '\0')
    {
      show_error (GTK_WIDGET (self->instructions_view), self->ai_error,
                  _ ("Write what the AI model should do, or turn the model off."), mark);
      return FALSE;
    }
  show_error (GTK_WIDGET (self->instructions_view), self->ai_error, NULL, mark);
  return TRUE;
}

/* With @mark, shows every problem and focuses the first; without, only
 * clears what is fixed and says on Save why it cannot save yet. */
gboolean
af_editor_validate_form (AfAgentEditor *self,
                         gboolean       mark)
{
  g_autofree char *name = NULL;
  g_autofree char *missing = NULL;
  const char      *why = NULL;
  GtkWidget       *first_invalid = NULL;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  if (*name == '\0')
    {
      show_error (GTK_WIDGET (self->name_row), self->name_error, _ ("Give the agent a name, so you can find it in the activity."), mark);
      first_invalid = GTK_WIDGET (self->name_row);
    }
  else if (g_utf8_strlen (name, -1) > 80)
    {
      show_error (GTK_WIDGET (self->name_row), self->name_error, _ ("Use a name of at most 80 characters."), mark);
      first_invalid = GTK_WIDGET (self->name_row);
    }
  else
    show_error (GTK_WIDGET (self->name_row), self->name_error, NULL, mark);

  show_error (NULL, self->services_error,
              af_editor_services_any_on (self) ? NULL : _ ("Turn on at least one service for the agent to work with."), mark);
  if (!af_editor_services_any_on (self) && first_invalid == NULL)
    first_invalid = GTK_WIDGET (self->services_group);

  if (!validate_rules (self, mark, &missing) && first_invalid == NULL)
    first_invalid = GTK_WIDGET (self->rules_list);

  if (!validate_instructions (self, mark) && first_invalid == NULL)
    first_invalid = GTK_WIDGET (self->instructions_view);

  if (first_invalid != NULL && mark)
    gtk_widget_grab_focus (first_invalid);

  if (first_invalid == GTK_WIDGET (self->name_row))
    why = _ ("Give the agent a name of at most 80 characters");
  else if (first_invalid == GTK_WIDGET (self->services_group))
    why = _ ("Turn on at least one service");
  else if (first_invalid == GTK_WIDGET (self->rules_list))
    why = missing ? missing : _ ("Complete or remove the unfinished rules");
  else if (first_invalid != NULL)
    why = _ ("Write the AI instructions, or turn the model off");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->save_button), why ? why : _ ("Save the agent"));

  return first_invalid == NULL;
}
