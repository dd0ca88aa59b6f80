/* af-editor-rules.c — the agent editor's rules: one row a rule, moved and
 * removed with the row's buttons, and the rules a row cannot show kept
 * as they are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "af-agent-editor-private.h"
#include "af-rule-row.h"

GtkWidget *
af_editor_rules_nth (AfAgentEditor *self,
                     int            index)
{
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->rules_list, index));
}

static void
on_rule_changed_cb (AfAgentEditor *self)
{
  if (!self->loading)
    self->rules_modified = TRUE;
  af_agent_editor_changed (self);
}

static void
on_rule_move_cb (AfRuleRow     *row,
                 int            delta,
                 AfAgentEditor *self)
{
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  int target = index + delta;

  if (target < 0 || target >= (int)af_agent_editor_get_n_rules (self))
    return;

  g_object_ref (row);
  gtk_list_box_remove (self->rules_list, GTK_WIDGET (row));
  gtk_list_box_insert (self->rules_list, GTK_WIDGET (row), target);
  g_object_unref (row);
  on_rule_changed_cb (self);
}

static void
on_rule_remove_cb (AfRuleRow     *row,
                   AfAgentEditor *self)
{
  gtk_list_box_remove (self->rules_list, GTK_WIDGET (row));
  on_rule_changed_cb (self);
}

/* @rule: (nullable): a rule a row can show, or %NULL for a new one */
void
af_editor_rules_append (AfAgentEditor *self,
                        const AfRule  *rule)
{
  GtkWidget *row = af_rule_row_new_for_source (rule, af_agent_definition_get_source (self->definition));

  g_signal_connect_object (row, "move", G_CALLBACK (on_rule_move_cb), self, 0);
  g_signal_connect_object (row, "remove", G_CALLBACK (on_rule_remove_cb), self, 0);
  g_signal_connect_object (row, "changed", G_CALLBACK (on_rule_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_list_box_append (self->rules_list, row);
  if (rule == NULL)
    on_rule_changed_cb (self);
}

static void
update_kept_rules (AfAgentEditor *self)
{
  g_autoptr (GString) names = g_string_new (NULL);
  guint            n = self->kept_rules->len;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      AfRule *rule = g_ptr_array_index (self->kept_rules, i);

      if (names->len > 0)
        g_string_append (names, C_ ("list separator", ", "));
      /* Translators: a rule's name in a list of them, quoted */
      g_string_append_printf (names, C_ ("rule name", "“%s”"), rule->name ? rule->name : _ ("Unnamed"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->kept_rules_label), n > 0);
  if (n == 0)
    return;
  /* Translators: %s is a list of rule names */
  text = g_strdup_printf (ngettext ("Rule %s has more than one condition or action, which a rule here cannot show: it is kept as it is and checked first.",
                                    "Rules %s have more than one condition or action, which a rule here cannot show: they are kept as they are and checked first.", n),
                          names->str);
  gtk_label_set_label (self->kept_rules_label, text);
}

/* A rule row holds one condition and one action. Rules with more (or
 * with settings a row has no field for) are kept as they are, and said
 * so, rather than cut down. */
void
af_editor_rules_load (AfAgentEditor     *self,
                      AfAgentDefinition *definition)
{
  GPtrArray *rules = af_agent_definition_get_rules (definition);
  GtkWidget *row;

  while ((row = af_editor_rules_nth (self, 0)) != NULL)
    gtk_list_box_remove (self->rules_list, row);
  g_ptr_array_set_size (self->kept_rules, 0);
  for (guint i = 0; i < rules->len; i++)
    {
      AfRule *rule = g_ptr_array_index (rules, i);

      if (af_rule_row_can_show_for_source (rule, af_agent_definition_get_source (definition)))
        af_editor_rules_append (self, rule);
      else
        g_ptr_array_add (self->kept_rules, af_rule_copy (rule));
    }
  update_kept_rules (self);
}

/* Rules nobody touched stay exactly as they were; edited, the kept ones
 * come first, then the rows in their order. */
void
af_editor_rules_save (AfAgentEditor     *self,
                      AfAgentDefinition *definition)
{
  g_autoptr (GPtrArray) rules = NULL;

  if (!self->rules_modified && !g_str_equal (self->template_id, "custom"))
    return;
  rules = g_ptr_array_new_with_free_func ((GDestroyNotify)af_rule_free);
  for (guint i = 0; i < self->kept_rules->len; i++)
    g_ptr_array_add (rules, af_rule_copy (g_ptr_array_index (self->kept_rules, i)));
  for (guint r = 0; af_editor_rules_nth (self, r) != NULL; r++)
    g_ptr_array_add (rules, af_rule_row_dup_rule (AF_RULE_ROW (af_editor_rules_nth (self, r))));
  af_agent_definition_set_rules (definition, rules);
}

/* The rules in words, a line each, for the plan. */
void
af_editor_rules_describe (AfAgentEditor *self,
                          GString       *plan)
{
  if (af_editor_rules_nth (self, 0) == NULL)
    g_string_append (plan, _ ("It has no rules; it follows its AI instructions."));
  for (guint r = 0; af_editor_rules_nth (self, r) != NULL; r++)
    {
      g_autofree char *line = af_rule_row_describe (AF_RULE_ROW (af_editor_rules_nth (self, r)));

      g_string_append_printf (plan, "• %s\n", g_strstrip (line));
    }
}
