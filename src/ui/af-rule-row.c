/* af-rule-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-rule-row"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "af-editor-actions.h"
#include "af-rule-fields.h"
#include "af-action.h"
#include "af-rule-row.h"
#include "af-rules.h"

/* One "if … then …" rule in the agent editor: at most one condition and
 * one action, in the engine's own ids; af_rule_row_can_show() says
 * which rules fit. */
struct _AfRuleRow
{
  GtkListBoxRow parent_instance;

  /* Template widgets */
  GtkDropDown    *field_dropdown;
  GtkDropDown    *op_dropdown;
  GtkEntry       *value_entry;
  GtkFlowBox     *chips_box;
  GtkDropDown    *action_dropdown;
  GtkEntry       *argument_entry;
  GtkLabel       *value_error;
  GtkCheckButton *stop_check;
  GtkWidget      *channel_box;
  GtkEntry       *channel_entry;

  /* What a row has no field for, kept as the rule had it. */
  char       *name;
  JsonObject *params;
  guint       n_chips;
  /* The fields the agent's source has (indexes into fields[]), in the
   * field drop-down's order. */
  guint offered[32];
  guint n_offered;
  guint source;
};

G_DEFINE_FINAL_TYPE (AfRuleRow, af_rule_row, GTK_TYPE_LIST_BOX_ROW)

enum
{
  SIGNAL_CHANGED,
  SIGNAL_MOVE,
  SIGNAL_REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef AfEditorChoice Choice;

static GListModel *
choices_model (const Choice *choices,
               guint         n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (list, _ (choices[i].label));
  return G_LIST_MODEL (list);
}

/* A drop-down has no selection while its model is being set. */
static guint
selected (GtkDropDown *dropdown,
          guint        n)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  return pos < n ? pos : 0;
}

/* The position of the field @id in the row's drop-down, or G_MAXUINT. */
static guint
field_position (AfRuleRow  *self,
                const char *id)
{
  for (guint i = 0; id != NULL && i < self->n_offered; i++)
    if (g_str_equal (af_rule_fields[self->offered[i]].id, id))
      return i;
  return G_MAXUINT;
}

static const AfRuleField *
current_field (AfRuleRow *self)
{
  return &af_rule_fields[self->offered[selected (self->field_dropdown, self->n_offered)]];
}

/* Fields that are true or false (or always true): no comparison, no value. */
static gboolean
field_is_boolean (const AfRuleField *field)
{
  const char *id = field->id;

  return g_str_equal (id, "has_attachment") || g_str_equal (id, "has_conflicts") || g_str_equal (id, "always") ||
         g_str_equal (id, "unread");
}

/* The comparison: "Older than (days)" brings its own. */
static const char *
effective_op (AfRuleRow *self)
{
  const AfRuleField *field = current_field (self);

  if (g_str_equal (field->id, "older"))
    return "older_than";
  if (g_str_equal (field->id, "starts_within"))
    return "within";
  return af_rule_ops[selected (self->op_dropdown, af_rule_n_ops)].id;
}

/* The list comparisons: their words show as chips. */
static gboolean
op_is_list (const char *op)
{
  return g_str_equal (op, "contains_any") || g_str_equal (op, "is_from");
}

static gboolean
shows_chips (AfRuleRow *self)
{
  return !field_is_boolean (current_field (self)) && op_is_list (effective_op (self));
}

static const char *
chip_word (GtkWidget *flow_child)
{
  return g_object_get_data (G_OBJECT (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (flow_child))), "word");
}

/* The words of a list comparison: the chips, then what is typed and not
 * yet added (it counts as well: nobody loses a word for not pressing
 * Enter). */
static GStrv
dup_words (AfRuleRow *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) typed = af_rules_split_words (gtk_editable_get_text (GTK_EDITABLE (self->value_entry)));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->chips_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_strv_builder_add (builder, chip_word (child));
  g_strv_builder_addv (builder, (const char **)typed);
  return g_strv_builder_end (builder);
}

static void
on_chip_remove_cb (GtkButton *button,
                   AfRuleRow *self)
{
  GtkWidget *child = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_FLOW_BOX_CHILD);

  gtk_flow_box_remove (self->chips_box, child);
  self->n_chips--;
  gtk_widget_set_visible (GTK_WIDGET (self->chips_box), self->n_chips > 0 && shows_chips (self));
  /* The focus stays in the rule rather than going back to the window. */
  gtk_widget_grab_focus (GTK_WIDGET (self->value_entry));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static gboolean
has_chip (AfRuleRow  *self,
          const char *word)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->chips_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_utf8_collate (chip_word (child), word) == 0 || g_ascii_strcasecmp (chip_word (child), word) == 0)
      return TRUE;
  return FALSE;
}

static void
add_chip (AfRuleRow  *self,
          const char *word)
{
  GtkWidget       *chip, *label, *remove;
  g_autofree char *tooltip = NULL;

  if (has_chip (self, word))
    return;
  chip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (chip, "card");
  g_object_set_data_full (G_OBJECT (chip), "word", g_strdup (word), g_free);
  label = gtk_label_new (word);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_widget_set_margin_start (label, 8);
  gtk_box_append (GTK_BOX (chip), label);
  remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_add_css_class (remove, "circular");
  /* Translators: the tooltip of a word's remove button in a rule */
  tooltip = g_strdup_printf (_ ("Remove “%s”"), word);
  gtk_widget_set_tooltip_text (remove, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_chip_remove_cb), self, 0);
  gtk_box_append (GTK_BOX (chip), remove);
  gtk_flow_box_append (self->chips_box, chip);
  gtk_widget_set_focusable (gtk_widget_get_parent (chip), FALSE);
  self->n_chips++;
}

static void
clear_chips (AfRuleRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chips_box))) != NULL)
    gtk_flow_box_remove (self->chips_box, child);
  self->n_chips = 0;
}

/* Enter turns what is typed into chips, one per comma-separated word. */
static void
on_value_activate_cb (AfRuleRow *self)
{
  g_auto (GStrv) typed = NULL;

  if (!shows_chips (self))
    return;
  typed = af_rules_split_words (gtk_editable_get_text (GTK_EDITABLE (self->value_entry)));
  for (guint i = 0; typed[i] != NULL; i++)
    add_chip (self, typed[i]);
  gtk_editable_set_text (GTK_EDITABLE (self->value_entry), "");
}

/* The value as text: a list's words joined as the rules read them. */
static char *
dup_value (AfRuleRow *self)
{
  g_auto (GStrv) words = NULL;

  if (!shows_chips (self))
    return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->value_entry))));
  words = dup_words (self);
  return g_strjoinv (", ", words);
}

/* Why the value cannot be used, or %NULL. */
static char *
value_problem (AfRuleRow *self)
{
  const AfRuleField *field = current_field (self);
  const char        *op = effective_op (self);
  const char        *value = gtk_editable_get_text (GTK_EDITABLE (self->value_entry));
  g_autofree char   *stripped = g_strstrip (g_strdup (value));

  if (field_is_boolean (field))
    return NULL;
  if (shows_chips (self))
    {
      g_auto (GStrv) words = dup_words (self);

      return words[0] == NULL ? g_strdup (_ ("Fill in what to look for")) : NULL;
    }
  if (*stripped == '\0' || (strspn (stripped, ", ") == strlen (stripped)))
    return g_strdup (_ ("Fill in what to look for"));
  if (g_str_equal (op, "older_than"))
    {
      char  *end = NULL;
      gint64 days = g_ascii_strtoll (stripped, &end, 10);

      if (!g_ascii_isdigit (*stripped) || *end != '\0' || days < 1 || days > 36500)
        return g_strdup (_ ("Enter a number of days, such as 7"));
    }
  if (g_str_equal (op, "within"))
    {
      char  *end = NULL;
      gint64 hours = g_ascii_strtoll (stripped, &end, 10);

      if (!g_ascii_isdigit (*stripped) || *end != '\0' || hours < 1 || hours > 24 * 366)
        return g_strdup (_ ("Enter a number of hours, such as 2"));
    }
  if (g_str_equal (op, "matches"))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GRegex) regex = NULL;

      if (strlen (value) > 256)
        return g_strdup (_ ("The pattern is too long"));
      regex = g_regex_new (value, G_REGEX_CASELESS, 0, &error);
      if (regex == NULL)
        /* Translators: %s is GLib's description of a regular expression error */
        return g_strdup_printf (_ ("Not a valid pattern: %s"), error->message);
    }
  return NULL;
}

static void
update_value (AfRuleRow *self)
{
  const AfRuleField *field = current_field (self);
  const char        *id = effective_op (self);

  gtk_widget_set_visible (GTK_WIDGET (self->value_entry), !field_is_boolean (field));
  gtk_widget_set_visible (self->channel_box, self->source == AF_RULE_SOURCE_SLACK);
  /* Off a list comparison, its words go back into the entry, and the
   * other way round: nothing typed is lost by changing the comparison. */
  if (self->n_chips > 0 && !shows_chips (self))
    {
      g_auto (GStrv) words = NULL;
      g_autofree char *text = NULL;

      words = g_new0 (char *, self->n_chips + 1);
      {
        guint i = 0;

        for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->chips_box)); child != NULL;
             child = gtk_widget_get_next_sibling (child))
          words[i++] = g_strdup (chip_word (child));
      }
      clear_chips (self);
      text = g_strjoinv (", ", words);
      if (*gtk_editable_get_text (GTK_EDITABLE (self->value_entry)) != '\0')
        {
          g_autofree char *joined = g_strconcat (text, ", ", gtk_editable_get_text (GTK_EDITABLE (self->value_entry)), NULL);

          gtk_editable_set_text (GTK_EDITABLE (self->value_entry), joined);
        }
      else
        gtk_editable_set_text (GTK_EDITABLE (self->value_entry), text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->chips_box), self->n_chips > 0 && shows_chips (self));
  gtk_widget_set_visible (GTK_WIDGET (self->op_dropdown),
                          !field_is_boolean (field) && !g_str_equal (field->id, "older") &&
                              !g_str_equal (field->id, "starts_within"));
  if (g_str_equal (id, "contains_any"))
    gtk_entry_set_placeholder_text (self->value_entry, _ ("Type a word and press Enter"));
  else if (g_str_equal (id, "is_from") && self->source == AF_RULE_SOURCE_SLACK)
    gtk_entry_set_placeholder_text (self->value_entry, _ ("Member ID or bot name"));
  else if (g_str_equal (id, "is_from"))
    gtk_entry_set_placeholder_text (self->value_entry, _ ("name@example.com or example.com"));
  else if (g_str_equal (id, "older_than"))
    gtk_entry_set_placeholder_text (self->value_entry, _ ("Days"));
  else if (g_str_equal (id, "within"))
    gtk_entry_set_placeholder_text (self->value_entry, _ ("Hours"));
  else if (g_str_equal (id, "matches"))
    gtk_entry_set_placeholder_text (self->value_entry, _ ("Regular expression"));
  else
    gtk_entry_set_placeholder_text (self->value_entry, _ ("Text"));
}

/* Only a pattern is checked as it is typed: an empty field is not an
 * error until the agent is checked, but a broken pattern always is. */
static void
update_pattern_error (AfRuleRow *self)
{
  guint            op = selected (self->op_dropdown, af_rule_n_ops);
  g_autofree char *problem = NULL;

  if (g_str_equal (af_rule_ops[op].id, "matches") && *gtk_editable_get_text (GTK_EDITABLE (self->value_entry)) != '\0')
    problem = value_problem (self);
  if (problem != NULL)
    {
      gtk_label_set_label (self->value_error, problem);
      gtk_widget_add_css_class (GTK_WIDGET (self->value_entry), "error");
    }
  else if (gtk_widget_get_visible (GTK_WIDGET (self->value_error)) || g_str_equal (af_rule_ops[op].id, "matches"))
    {
      /* Fixed: the mark goes as soon as the value is usable. */
      g_autofree char *now = value_problem (self);

      if (now == NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self->value_entry), "error");
      else
        gtk_label_set_label (self->value_error, now);
      problem = g_steal_pointer (&now);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->value_error), problem != NULL);
}

static gboolean
action_needs_argument (guint action)
{
  return af_action_get_target_param (af_editor_rule_actions[action].id) != NULL;
}

static void
update_argument (AfRuleRow *self)
{
  guint       action = selected (self->action_dropdown, af_editor_n_rule_actions);
  const char *id = af_editor_rule_actions[action].id;

  const char *target = af_action_get_target_param (id);

  gtk_widget_set_visible (GTK_WIDGET (self->argument_entry), action_needs_argument (action));
  if (g_strcmp0 (target, "label") == 0)
    gtk_entry_set_placeholder_text (self->argument_entry, _ ("Label name"));
  else if (g_strcmp0 (target, "channel") == 0)
    gtk_entry_set_placeholder_text (self->argument_entry, _ ("#channel"));
}

static void
on_changed_cb (AfRuleRow *self)
{
  update_argument (self);
  update_value (self);
  update_pattern_error (self);
  if (gtk_widget_has_css_class (GTK_WIDGET (self->argument_entry), "error"))
    af_rule_row_validate (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_up_clicked_cb (AfRuleRow *self)
{
  g_signal_emit (self, signals[SIGNAL_MOVE], 0, -1);
}

static void
on_down_clicked_cb (AfRuleRow *self)
{
  g_signal_emit (self, signals[SIGNAL_MOVE], 0, 1);
}

static void
on_remove_clicked_cb (AfRuleRow *self)
{
  g_signal_emit (self, signals[SIGNAL_REMOVE], 0);
}

static void
af_rule_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), AF_TYPE_RULE_ROW);

  G_OBJECT_CLASS (af_rule_row_parent_class)->dispose (object);
}

static void
af_rule_row_finalize (GObject *object)
{
  AfRuleRow *self = AF_RULE_ROW (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->params, json_object_unref);

  G_OBJECT_CLASS (af_rule_row_parent_class)->finalize (object);
}

static void
af_rule_row_class_init (AfRuleRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = af_rule_row_dispose;
  object_class->finalize = af_rule_row_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * AfRuleRow::move:
   * @delta: -1 to move up, 1 to move down
   */
  signals[SIGNAL_MOVE] = g_signal_new ("move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-rule-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, field_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, op_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, value_entry);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, chips_box);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, action_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, argument_entry);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, value_error);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, stop_check);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, channel_box);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, channel_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_value_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_up_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_down_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked_cb);
}

/* Offers the fields of @source's items. */
static void
set_source (AfRuleRow *self,
            guint      source)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);

  g_assert (af_rule_n_fields <= G_N_ELEMENTS (self->offered));

  self->source = source;
  self->n_offered = 0;
  for (guint i = 0; i < af_rule_n_fields; i++)
    if (af_rule_fields[i].sources & source)
      {
        self->offered[self->n_offered++] = i;
        gtk_string_list_append (model, _ (af_rule_fields[i].label));
      }
  gtk_drop_down_set_model (self->field_dropdown, G_LIST_MODEL (model));
}

static void
af_rule_row_init (AfRuleRow *self)
{
  g_autoptr (GListModel) op_model = choices_model (af_rule_ops, af_rule_n_ops);
  g_autoptr (GListModel) action_model = choices_model (af_editor_rule_actions, af_editor_n_rule_actions);

  gtk_widget_init_template (GTK_WIDGET (self));

  set_source (self, AF_RULE_SOURCE_DIGEST);
  gtk_drop_down_set_model (self->op_dropdown, op_model);
  gtk_drop_down_set_model (self->action_dropdown, action_model);
  update_argument (self);
  update_value (self);
}

/* @rule's one condition, as the row shows it: a field choice, a
 * comparison and a value. */
static void
show_condition (AfRuleRow             *self,
                const AfRuleCondition *condition)
{
  const char      *field = condition ? condition->field : "always";
  const char      *op = condition ? condition->op : NULL;
  g_autofree char *value = g_strdup (condition ? condition->value : NULL);

  if (g_strcmp0 (field, "date") == 0)
    field = "older";
  else if (g_strcmp0 (field, "event_start") == 0)
    field = "starts_within";
  else if (g_strcmp0 (field, "labels") == 0 && g_strcmp0 (op, "equals") == 0 && g_strcmp0 (value, "UNREAD") == 0)
    field = "unread";
  /* The row counts days; the rules read "7d". */
  if (g_strcmp0 (op, "older_than") == 0 && value != NULL && g_str_has_suffix (value, "d"))
    value[strlen (value) - 1] = '\0';
  /* And hours. */
  if (g_strcmp0 (op, "within") == 0 && value != NULL && g_str_has_suffix (value, "h"))
    value[strlen (value) - 1] = '\0';

  gtk_drop_down_set_selected (self->field_dropdown, MIN (field_position (self, field), self->n_offered - 1));
  gtk_drop_down_set_selected (self->op_dropdown, af_rule_choice_index (af_rule_ops, af_rule_n_ops, op));
  if (op != NULL && op_is_list (op) && !g_str_equal (field, "unread"))
    {
      g_auto (GStrv) words = af_rules_split_words (value);

      for (guint i = 0; words[i] != NULL; i++)
        add_chip (self, words[i]);
      gtk_editable_set_text (GTK_EDITABLE (self->value_entry), "");
    }
  else if (!field_is_boolean (current_field (self)))
    gtk_editable_set_text (GTK_EDITABLE (self->value_entry), value ? value : "");
}

/**
 * af_rule_row_new_for_source:
 * @rule: (nullable): the rule to show (af_rule_row_can_show_for_source()),
 *   or %NULL for a new one
 * @source: (nullable): the agent's source ("mail", "agenda", "slack",
 *   "digest"): the row offers the fields its items have
 */
GtkWidget *
af_rule_row_new_for_source (const AfRule *rule,
                            const char   *source)
{
  AfRuleRow    *self = g_object_new (AF_TYPE_RULE_ROW, NULL);
  AfRuleAction *action = rule && rule->actions->len > 0 ? g_ptr_array_index (rule->actions, 0) : NULL;

  set_source (self, af_rule_source_flag (source));
  if (rule != NULL)
    {
      const char            *argument = NULL;
      const AfRuleCondition *condition, *channel;

      af_rule_split_conditions (rule, self->source, &condition, &channel);
      show_condition (self, condition);
      if (channel != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->channel_entry), channel->value);
      if (action != NULL)
        {
          gtk_drop_down_set_selected (self->action_dropdown, af_rule_choice_index (af_editor_rule_actions, af_editor_n_rule_actions, action->action));
          if (af_action_get_target_param (action->action) != NULL)
            argument = af_rule_action_get_param (action, af_action_get_target_param (action->action));
          if (action->params != NULL)
            self->params = json_object_ref (action->params);
        }
      gtk_editable_set_text (GTK_EDITABLE (self->argument_entry), argument ? argument : "");
      self->name = g_strdup (rule->name);
      gtk_check_button_set_active (self->stop_check, rule->stop);
    }
  update_argument (self);
  update_value (self);
  update_pattern_error (self);

  return GTK_WIDGET (self);
}

/**
 * af_rule_row_new:
 * @rule: (nullable): the rule to show (af_rule_row_can_show()), or %NULL
 *   for a new one
 *
 * A row that offers every field of mail and the agenda.
 */
GtkWidget *
af_rule_row_new (const AfRule *rule)
{
  return af_rule_row_new_for_source (rule, NULL);
}

/**
 * af_rule_row_validate:
 *
 * Marks the fields a rule cannot run without.
 *
 * Returns: %TRUE when the rule is complete
 */
gboolean
af_rule_row_validate (AfRuleRow *self)
{
  guint            action;
  const char      *argument;
  gboolean         value_ok, argument_ok;
  g_autofree char *problem = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (AF_IS_RULE_ROW (self), FALSE);

  action = selected (self->action_dropdown, af_editor_n_rule_actions);
  argument = gtk_editable_get_text (GTK_EDITABLE (self->argument_entry));

  problem = value_problem (self);
  value_ok = problem == NULL;
  stripped = g_strstrip (g_strdup (argument));
  argument_ok = !action_needs_argument (action) || *stripped != '\0';

  if (value_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->value_entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->value_entry), "error");
  if (problem != NULL)
    gtk_label_set_label (self->value_error, problem);
  gtk_widget_set_visible (GTK_WIDGET (self->value_error), problem != NULL);
  if (argument_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->argument_entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->argument_entry), "error");

  return value_ok && argument_ok;
}

/**
 * af_rule_row_get_action:
 *
 * Returns: the rule's action, an engine id: "label", "archive", "star", "draft",
 *   "send" or "post"
 */
const char *
af_rule_row_get_action (AfRuleRow *self)
{
  g_return_val_if_fail (AF_IS_RULE_ROW (self), NULL);

  return af_editor_rule_actions[selected (self->action_dropdown, af_editor_n_rule_actions)].id;
}

/**
 * af_rule_row_is_valid:
 *
 * Whether the rule is complete, without marking anything.
 */
gboolean
af_rule_row_is_valid (AfRuleRow *self)
{
  g_autofree char *problem = NULL;
  g_autofree char *argument = NULL;
  guint            action;

  g_return_val_if_fail (AF_IS_RULE_ROW (self), FALSE);

  action = selected (self->action_dropdown, af_editor_n_rule_actions);
  problem = value_problem (self);
  argument = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->argument_entry))));
  return problem == NULL && (!action_needs_argument (action) || *argument != '\0');
}

/* The Slack channels the rule is limited to, "#alerts, #ops", or %NULL. */
static char *
dup_channels (AfRuleRow *self)
{
  g_auto (GStrv) words = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) named = NULL;

  if (self->source != AF_RULE_SOURCE_SLACK)
    return NULL;
  words = af_rules_split_words (gtk_editable_get_text (GTK_EDITABLE (self->channel_entry)));
  if (words[0] == NULL)
    return NULL;
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *name = words[i][0] == '#' ? g_strdup (words[i]) : g_strconcat ("#", words[i], NULL);

      g_strv_builder_add (builder, name);
    }
  named = g_strv_builder_end (builder);
  return g_strjoinv (", ", named);
}

static char *describe_condition (AfRuleRow         *self,
                                 const AfRuleField *field,
                                 guint              op,
                                 guint              action,
                                 const char        *value,
                                 const char        *argument);

/**
 * af_rule_row_describe:
 *
 * The rule in words, for the test run.
 */
char *
af_rule_row_describe (AfRuleRow *self)
{
  guint              op, action;
  const AfRuleField *field;
  g_autofree char   *value = NULL;
  g_autofree char   *channel = NULL;
  g_autofree char   *rule = NULL;
  const char        *argument;

  g_return_val_if_fail (AF_IS_RULE_ROW (self), NULL);

  field = current_field (self);
  op = selected (self->op_dropdown, af_rule_n_ops);
  action = selected (self->action_dropdown, af_editor_n_rule_actions);
  value = dup_value (self);
  argument = gtk_editable_get_text (GTK_EDITABLE (self->argument_entry));
  channel = dup_channels (self);
  rule = describe_condition (self, field, op, action, value, argument);
  if (channel == NULL)
    return g_steal_pointer (&rule);
  /* Translators: a Slack rule in words: "In #alerts: If Message text contains any of “outage, down”: Post to Slack #ops" */
  return g_strdup_printf (_ ("In %s: %s"), channel, rule);
}

static char *
describe_condition (AfRuleRow         *self,
                    const AfRuleField *field,
                    guint              op,
                    guint              action,
                    const char        *value,
                    const char        *argument)
{
  if (g_str_equal (field->id, "always"))
    /* Translators: a rule in words: "Every run: Post to Slack #general" */
    return g_strdup_printf (_ ("Every run: %s %s"), _ (af_editor_rule_actions[action].label),
                            action_needs_argument (action) ? argument : "");
  if (g_str_equal (field->id, "has_conflicts"))
    /* Translators: a rule in words: "If events overlap: Post to Slack #general" */
    return g_strdup_printf (_ ("If events overlap: %s %s"), _ (af_editor_rule_actions[action].label),
                            action_needs_argument (action) ? argument : "");
  if (g_str_equal (field->id, "unread"))
    /* Translators: a rule in words: "If it is unread: Star" */
    return g_strdup_printf (_ ("If it is unread: %s %s"), _ (af_editor_rule_actions[action].label),
                            action_needs_argument (action) ? argument : "");
  if (g_str_equal (field->id, "older"))
    /* Translators: a rule in words: "If it is older than 30 days: Archive" */
    return g_strdup_printf (_ ("If it is older than %s days: %s %s"), value, _ (af_editor_rule_actions[action].label),
                            action_needs_argument (action) ? argument : "");
  if (g_str_equal (field->id, "has_attachment"))
    /* Translators: a rule in words: "If it has an attachment: Star" */
    return g_strdup_printf (_ ("If it has an attachment: %s %s"), _ (af_editor_rule_actions[action].label),
                            action_needs_argument (action) ? argument : "");
  if (g_str_equal (field->id, "starts_within"))
    /* Translators: a rule in words: "If it starts within 2 hours: Post to Slack #general" */
    return g_strdup_printf (_ ("If it starts within %s hours: %s %s"), value, _ (af_editor_rule_actions[action].label),
                            action_needs_argument (action) ? argument : "");

  /* Translators: a rule in words: "If Subject contains “invoice”: Add label Finance" */
  return g_strdup_printf (_ ("If %s %s “%s”: %s %s"), _ (field->label), _ (af_rule_ops[op].label), value,
                          _ (af_editor_rule_actions[action].label), action_needs_argument (action) ? argument : "");
}

/**
 * af_rule_row_dup_rule:
 *
 * Returns: (transfer full): the rule as the row shows it, with what the
 *   row has no field for (its name, the action's other settings) kept
 */
AfRule *
af_rule_row_dup_rule (AfRuleRow *self)
{
  g_autoptr (AfRule) rule = NULL;
  g_autoptr (JsonObject) params = json_object_new ();
  g_autofree char *value = NULL;
  g_autofree char *argument = NULL;
  const char      *field, *op, *action;

  g_return_val_if_fail (AF_IS_RULE_ROW (self), NULL);

  field = current_field (self)->id;
  op = effective_op (self);
  action = af_editor_rule_actions[selected (self->action_dropdown, af_editor_n_rule_actions)].id;
  value = dup_value (self);
  argument = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->argument_entry))));

  /* A new rule is named by what it says: that is what the activity
   * shows when it acts. */
  if (self->name != NULL)
    rule = af_rule_new (self->name);
  else
    {
      g_autofree char *described = g_strstrip (af_rule_row_describe (self));

      rule = af_rule_new (described);
    }
  rule->stop = gtk_check_button_get_active (self->stop_check);

  /* Slack: only in the channels named, when any are. */
  {
    g_autofree char *channels = dup_channels (self);

    if (channels != NULL)
      g_ptr_array_add (rule->conditions, af_rule_condition_new ("channel", "in_channel", channels));
  }
  /* "Every run" has no condition; the yes-or-no fields hold when true. */
  if (g_str_equal (field, "unread"))
    /* Gmail marks unread mail with the UNREAD label. */
    g_ptr_array_add (rule->conditions, af_rule_condition_new ("labels", "equals", "UNREAD"));
  else if (g_str_equal (field, "has_attachment") || g_str_equal (field, "has_conflicts"))
    g_ptr_array_add (rule->conditions, af_rule_condition_new_flag (field, TRUE));
  else if (g_str_equal (op, "within"))
    {
      g_autofree char *hours = g_strdup_printf ("%sh", value);

      g_ptr_array_add (rule->conditions, af_rule_condition_new ("event_start", op, hours));
    }
  else if (g_str_equal (op, "older_than"))
    {
      g_autofree char *days = g_strdup_printf ("%sd", value);

      g_ptr_array_add (rule->conditions, af_rule_condition_new (g_str_equal (field, "older") ? "date" : field, op, days));
    }
  else if (!g_str_equal (field, "always"))
    g_ptr_array_add (rule->conditions, af_rule_condition_new (field, op, value));

  /* What the row has no field for (a message's text, a draft's body)
   * stays; what it shows is the user's. */
  if (self->params != NULL)
    {
      g_autoptr (GList) members = json_object_get_members (self->params);

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (params, l->data, json_node_copy (json_object_get_member (self->params, l->data)));
    }
  /* The target the row shows is the one it keeps, whatever the action was. */
  for (const char *const *a = af_action_list (); *a != NULL; a++)
    if (af_action_get_target_param (*a) != NULL)
      json_object_remove_member (params, af_action_get_target_param (*a));
  if (af_action_get_target_param (action) != NULL)
    json_object_set_string_member (params, af_action_get_target_param (action), argument);
  g_ptr_array_add (rule->actions, af_rule_action_new (action, json_object_get_size (params) > 0 ? params : NULL));

  return g_steal_pointer (&rule);
}
