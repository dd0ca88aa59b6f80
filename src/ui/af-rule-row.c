/* af-rule-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-rule-row"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "af-rule-row.h"

/* One "if … then …" rule in the agent editor. */
struct _AfRuleRow
{
  GtkListBoxRow parent_instance;

  /* Template widgets */
  GtkDropDown    *field_dropdown;
  GtkDropDown    *op_dropdown;
  GtkEntry       *value_entry;
  GtkDropDown    *action_dropdown;
  GtkEntry       *argument_entry;
  GtkLabel       *value_error;
  GtkCheckButton *stop_check;

  /* What a row has no field for, kept as the rule had it. */
  char       *name;
  JsonObject *params;
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

typedef struct
{
  const char *id;
  const char *label;
} Choice;

static const Choice fields[] = {
  { "from", N_ ("From") },
  { "to", N_ ("To") },
  { "subject", N_ ("Subject") },
  { "body", N_ ("Body") },
  { "label", N_ ("Label") },
  { "has-attachment", N_ ("Has an attachment") },
  { "unread", N_ ("Is unread") },
  { "older", N_ ("Older than (days)") },
  { "event-title", N_ ("Event title") },
  { "has-conflicts", N_ ("Events overlap") },
  { "always", N_ ("Every run") },
};

/* Plain words first; the regular expression is for those who know it. */
static const Choice ops[] = {
  { "contains-any", N_ ("contains any of") },
  { "is-from", N_ ("is from") },
  { "contains", N_ ("contains") },
  { "equals", N_ ("is") },
  { "older-than", N_ ("older than (days)") },
  { "matches", N_ ("Advanced: matches pattern") },
};

static const Choice actions[] = {
  { "label", N_ ("Add label") },
  { "archive", N_ ("Archive") },
  { "star", N_ ("Star") },
  { "draft-reply", N_ ("Draft a reply") },
  { "send-reply", N_ ("Send a reply") },
  { "post-slack", N_ ("Post to Slack") },
};

static GListModel *
choices_model (const Choice *choices,
               guint         n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (list, _ (choices[i].label));
  return G_LIST_MODEL (list);
}

static guint
choice_index (const Choice *choices,
              guint         n,
              const char   *id)
{
  for (guint i = 0; id != NULL && i < n; i++)
    if (g_str_equal (choices[i].id, id))
      return i;
  return 0;
}

/* A drop-down has no selection while its model is being set. */
static guint
selected (GtkDropDown *dropdown,
          guint        n)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  return pos < n ? pos : 0;
}

/* Fields that are true or false (or always true): no comparison, no value. */
static gboolean
field_is_boolean (guint field)
{
  const char *id = fields[field].id;

  return g_str_equal (id, "has-attachment") || g_str_equal (id, "has-conflicts") || g_str_equal (id, "always") ||
         g_str_equal (id, "unread");
}

/* The comparison: "Older than (days)" brings its own. */
static const char *
effective_op (AfRuleRow *self)
{
  guint field = selected (self->field_dropdown, G_N_ELEMENTS (fields));

  if (g_str_equal (fields[field].id, "older"))
    return "older-than";
  return ops[selected (self->op_dropdown, G_N_ELEMENTS (ops))].id;
}

/* Why the value cannot be used, or %NULL. */
static char *
value_problem (AfRuleRow *self)
{
  guint            field = selected (self->field_dropdown, G_N_ELEMENTS (fields));
  const char      *op = effective_op (self);
  const char      *value = gtk_editable_get_text (GTK_EDITABLE (self->value_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (value));

  if (field_is_boolean (field))
    return NULL;
  if (*stripped == '\0' || (strspn (stripped, ", ") == strlen (stripped)))
    return g_strdup (_ ("Fill in what to look for"));
  if (g_str_equal (op, "older-than"))
    {
      char  *end = NULL;
      gint64 days = g_ascii_strtoll (stripped, &end, 10);

      if (!g_ascii_isdigit (*stripped) || *end != '\0' || days < 1 || days > 36500)
        return g_strdup (_ ("Enter a number of days, such as 7"));
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
  guint       field = selected (self->field_dropdown, G_N_ELEMENTS (fields));
  const char *id = effective_op (self);

  gtk_widget_set_visible (GTK_WIDGET (self->value_entry), !field_is_boolean (field));
  gtk_widget_set_visible (GTK_WIDGET (self->op_dropdown),
                          !field_is_boolean (field) && !g_str_equal (fields[field].id, "older"));
  if (g_str_equal (id, "contains-any"))
    gtk_entry_set_placeholder_text (self->value_entry, _ ("Words, separated by commas"));
  else if (g_str_equal (id, "is-from"))
    gtk_entry_set_placeholder_text (self->value_entry, _ ("name@example.com or example.com"));
  else if (g_str_equal (id, "older-than"))
    gtk_entry_set_placeholder_text (self->value_entry, _ ("Days"));
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
  guint            op = selected (self->op_dropdown, G_N_ELEMENTS (ops));
  g_autofree char *problem = NULL;

  if (g_str_equal (ops[op].id, "matches") && *gtk_editable_get_text (GTK_EDITABLE (self->value_entry)) != '\0')
    problem = value_problem (self);
  if (problem != NULL)
    {
      gtk_label_set_label (self->value_error, problem);
      gtk_widget_add_css_class (GTK_WIDGET (self->value_entry), "error");
    }
  else if (gtk_widget_get_visible (GTK_WIDGET (self->value_error)) || g_str_equal (ops[op].id, "matches"))
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
  const char *id = actions[action].id;

  return g_str_equal (id, "label") || g_str_equal (id, "post-slack");
}

static void
update_argument (AfRuleRow *self)
{
  guint       action = selected (self->action_dropdown, G_N_ELEMENTS (actions));
  const char *id = actions[action].id;

  gtk_widget_set_visible (GTK_WIDGET (self->argument_entry), action_needs_argument (action));
  if (g_str_equal (id, "label"))
    gtk_entry_set_placeholder_text (self->argument_entry, _ ("Label name"));
  else if (g_str_equal (id, "post-slack"))
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
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, action_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, argument_entry);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, value_error);
  gtk_widget_class_bind_template_child (widget_class, AfRuleRow, stop_check);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_up_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_down_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked_cb);
}

static void
af_rule_row_init (AfRuleRow *self)
{
  g_autoptr (GListModel) field_model = choices_model (fields, G_N_ELEMENTS (fields));
  g_autoptr (GListModel) op_model = choices_model (ops, G_N_ELEMENTS (ops));
  g_autoptr (GListModel) action_model = choices_model (actions, G_N_ELEMENTS (actions));

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_model (self->field_dropdown, field_model);
  gtk_drop_down_set_model (self->op_dropdown, op_model);
  gtk_drop_down_set_model (self->action_dropdown, action_model);
  update_argument (self);
  update_value (self);
}

GtkWidget *
af_rule_row_new (const char *field,
                 const char *op,
                 const char *value,
                 const char *action,
                 const char *argument)
{
  AfRuleRow *self = g_object_new (AF_TYPE_RULE_ROW, NULL);

  gtk_drop_down_set_selected (self->field_dropdown, choice_index (fields, G_N_ELEMENTS (fields), field));
  gtk_drop_down_set_selected (self->op_dropdown, choice_index (ops, G_N_ELEMENTS (ops), op));
  gtk_editable_set_text (GTK_EDITABLE (self->value_entry), value ? value : "");
  gtk_drop_down_set_selected (self->action_dropdown, choice_index (actions, G_N_ELEMENTS (actions), action));
  gtk_editable_set_text (GTK_EDITABLE (self->argument_entry), argument ? argument : "");
  update_argument (self);
  update_value (self);
  update_pattern_error (self);

  return GTK_WIDGET (self);
}

/**
 * af_rule_row_set_kept:
 * @name: (nullable): the rule's name
 * @stop: whether later rules are skipped after this one matched
 * @params: (nullable): the action's settings the row has no field for
 *
 * Keeps what the row shows no field for, so saving loses nothing.
 */
void
af_rule_row_set_kept (AfRuleRow  *self,
                      const char *name,
                      gboolean    stop,
                      JsonObject *params)
{
  g_return_if_fail (AF_IS_RULE_ROW (self));

  g_free (self->name);
  self->name = g_strdup (name);
  g_clear_pointer (&self->params, json_object_unref);
  self->params = params ? json_object_ref (params) : NULL;
  gtk_check_button_set_active (self->stop_check, stop);
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

  action = selected (self->action_dropdown, G_N_ELEMENTS (actions));
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
 * Returns: the rule's action: "label", "archive", "star", "draft-reply",
 *   "send-reply" or "post-slack"
 */
const char *
af_rule_row_get_action (AfRuleRow *self)
{
  g_return_val_if_fail (AF_IS_RULE_ROW (self), NULL);

  return actions[selected (self->action_dropdown, G_N_ELEMENTS (actions))].id;
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

  action = selected (self->action_dropdown, G_N_ELEMENTS (actions));
  problem = value_problem (self);
  argument = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->argument_entry))));
  return problem == NULL && (!action_needs_argument (action) || *argument != '\0');
}

/**
 * af_rule_row_describe:
 *
 * The rule in words, for the test run.
 */
char *
af_rule_row_describe (AfRuleRow *self)
{
  guint       field, op, action;
  const char *value;
  const char *argument;

  g_return_val_if_fail (AF_IS_RULE_ROW (self), NULL);

  field = selected (self->field_dropdown, G_N_ELEMENTS (fields));
  op = selected (self->op_dropdown, G_N_ELEMENTS (ops));
  action = selected (self->action_dropdown, G_N_ELEMENTS (actions));
  value = gtk_editable_get_text (GTK_EDITABLE (self->value_entry));
  argument = gtk_editable_get_text (GTK_EDITABLE (self->argument_entry));

  if (g_str_equal (fields[field].id, "always"))
    /* Translators: a rule in words: "Every run: Post to Slack #general" */
    return g_strdup_printf (_ ("Every run: %s %s"), _ (actions[action].label),
                            action_needs_argument (action) ? argument : "");
  if (g_str_equal (fields[field].id, "has-conflicts"))
    /* Translators: a rule in words: "If events overlap: Post to Slack #general" */
    return g_strdup_printf (_ ("If events overlap: %s %s"), _ (actions[action].label),
                            action_needs_argument (action) ? argument : "");
  if (g_str_equal (fields[field].id, "unread"))
    /* Translators: a rule in words: "If it is unread: Star" */
    return g_strdup_printf (_ ("If it is unread: %s %s"), _ (actions[action].label),
                            action_needs_argument (action) ? argument : "");
  if (g_str_equal (fields[field].id, "older"))
    /* Translators: a rule in words: "If it is older than 30 days: Archive" */
    return g_strdup_printf (_ ("If it is older than %s days: %s %s"), value, _ (actions[action].label),
                            action_needs_argument (action) ? argument : "");
  if (g_str_equal (fields[field].id, "has-attachment"))
    /* Translators: a rule in words: "If it has an attachment: Star" */
    return g_strdup_printf (_ ("If it has an attachment: %s %s"), _ (actions[action].label),
                            action_needs_argument (action) ? argument : "");

  /* Translators: a rule in words: "If Subject contains “invoice”: Add label Finance" */
  return g_strdup_printf (_ ("If %s %s “%s”: %s %s"), _ (fields[field].label), _ (ops[op].label), value,
                          _ (actions[action].label), action_needs_argument (action) ? argument : "");
}

/**
 * af_rule_row_to_json:
 *
 * The rule as a JSON object, the shape the engine imports.
 */
char *
af_rule_row_to_json (AfRuleRow *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  guint field, action;

  g_return_val_if_fail (AF_IS_RULE_ROW (self), NULL);

  field = selected (self->field_dropdown, G_N_ELEMENTS (fields));
  action = selected (self->action_dropdown, G_N_ELEMENTS (actions));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "field");
  json_builder_add_string_value (builder, fields[field].id);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, effective_op (self));
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (self->value_entry)));
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, actions[action].id);
  json_builder_set_member_name (builder, "argument");
  json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (self->argument_entry)));
  /* A new rule is named by what it says: that is what the activity
   * shows when it acts. */
  {
    g_autofree char *described = self->name ? NULL : g_strstrip (af_rule_row_describe (self));

    json_builder_set_member_name (builder, "name");
    json_builder_add_string_value (builder, self->name ? self->name : described);
  }
  json_builder_set_member_name (builder, "stop");
  json_builder_add_boolean_value (builder, gtk_check_button_get_active (self->stop_check));
  if (self->params != NULL)
    {
      json_builder_set_member_name (builder, "params");
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), self->params));
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
