/* test-editor.c — the agent editor as a person uses it: plain rules,
 * permissions that cannot contradict, validation that follows the typing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "af-agent-editor.h"
#include "af-application.h"
#include "af-engine.h"
#include "af-rule-row.h"
#include "af-template-picker.h"
#include "af-window.h"
#include "af-template.h"
#include "af-test-editor.h"
#include "af-test-ui.h"

static AfAgentEditor *
open_editor (const char *template_id)
{
  const char *const connected[] = { "gmail", "calendar", "slack", NULL };
  AfTemplate *template = af_template_lookup (template_id);
  AfAgentEditor *editor;

  g_assert_nonnull (template);
  editor = af_agent_editor_new (NULL, template, connected);
  gtk_window_set_default_size (GTK_WINDOW (editor), 720, 1400);
  gtk_window_present (GTK_WINDOW (editor));
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));
  return editor;
}

/* The @n-th widget of @type under @root, in the order a person reads. */
static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (out, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect (child, type, out);
}

static GtkWidget *
nth_of_type (GtkWidget *root,
             GType      type,
             guint      n)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new ();

  collect (root, type, all);
  g_assert_cmpuint (n, <, all->len);
  return g_ptr_array_index (all, n);
}

static GtkWidget *
button_with_icon (GtkWidget  *root,
                  const char *icon)
{
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();

  collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_icon_name (g_ptr_array_index (buttons, i)), icon) == 0)
      return g_ptr_array_index (buttons, i);
  g_error ("no button with icon %s", icon);
}

static gboolean
row_is_second_cond (gpointer data)
{
  return gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (data)) == 1;
}

static gboolean
n_rules_cond (gpointer data)
{
  return af_agent_editor_get_n_rules (data) == GPOINTER_TO_UINT (g_object_get_data (data, "expect"));
}

static gboolean
widget_hidden_cond (gpointer data)
{
  return !gtk_widget_get_visible (GTK_WIDGET (data));
}

static gboolean
no_error_class_cond (gpointer data)
{
  return !gtk_widget_has_css_class (GTK_WIDGET (data), "error");
}

static GtkWidget *
save_button (AfAgentEditor *editor)
{
  GtkWidget *button = af_test_ui_find_widget (GTK_WIDGET (editor), GTK_TYPE_BUTTON, "_Save");

  g_assert_nonnull (button);
  return button;
}

static AdwExpanderRow *
service_row (AfAgentEditor *editor,
             const char    *title)
{
  GtkWidget *row = af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_EXPANDER_ROW, title);

  g_assert_nonnull (row);
  return ADW_EXPANDER_ROW (row);
}

static AdwComboRow *
permission (AfAgentEditor *editor,
            const char    *title)
{
  GtkWidget *row = af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_COMBO_ROW, title);

  g_assert_nonnull (row);
  return ADW_COMBO_ROW (row);
}

static void
close_editor (AfAgentEditor *editor)
{
  gtk_window_destroy (GTK_WINDOW (editor));
  af_test_ui_wait_for_idle ();
}

/* The definition the editor would save, as the engine stores it. */
static char *
definition_text (AfAgentEditor *editor)
{
  g_autoptr (AfAgentDefinition) definition = af_agent_editor_dup_definition (editor);
  g_autoptr (JsonObject) object = af_agent_definition_to_json (definition);
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

static AfRule *
nth_saved_rule (AfAgentDefinition *definition,
                guint              n)
{
  GPtrArray *rules = af_agent_definition_get_rules (definition);

  g_assert_cmpuint (n, <, rules->len);
  return g_ptr_array_index (rules, n);
}

static AfRuleCondition *
only_condition (AfRule *rule)
{
  g_assert_cmpuint (rule->conditions->len, ==, 1);
  return g_ptr_array_index (rule->conditions, 0);
}

/* Every template's rules are ordinary rows, in plain words. */
static void
test_templates_visible (void)
{
  static const char *const ids[] = { "email-assistant", "calendar-manager", "slack-notifier" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      AfTemplate *template = af_template_lookup (ids[i]);
      AfAgentEditor   *editor = open_editor (ids[i]);
      JsonArray       *rules = json_object_get_array_member (af_template_get_definition (template), "rules");
      g_autofree char *json = NULL;

      g_assert_cmpuint (af_agent_editor_get_n_rules (editor), ==, json_array_get_length (rules));
      g_assert_null (af_test_ui_find_widget (GTK_WIDGET (editor), GTK_TYPE_LABEL, "Built-in"));
      g_assert_true (af_agent_editor_validate (editor));
      g_assert_true (gtk_widget_get_sensitive (save_button (editor)));
      json = definition_text (editor);
      g_assert_null (strstr (json, "\"matches\""));

      if (i == 0)
        g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (editor), "editor-plain-rules"), >, 1.0);

      /* Reorder with the buttons, then remove: each rule is a rule like any. */
      if (i == 0)
        {
          GtkWidget       *first = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 0);
          g_autofree char *first_text = af_rule_row_describe (AF_RULE_ROW (first));
          g_autofree char *moved = NULL;

          gtk_widget_activate (button_with_icon (first, "go-down-symbolic"));
          af_test_ui_wait_until (row_is_second_cond, first, 5000);
          moved = af_rule_row_describe (AF_RULE_ROW (nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 1)));
          g_assert_cmpstr (moved, ==, first_text);
          gtk_widget_activate (button_with_icon (first, "user-trash-symbolic"));
          g_object_set_data (G_OBJECT (editor), "expect", GUINT_TO_POINTER (json_array_get_length (rules) - 1));
          af_test_ui_wait_until (n_rules_cond, editor, 5000);
        }
      close_editor (editor);
    }
}

/* A custom agent from scratch: no pattern typed, Save follows validity. */
static void
test_build_without_regex (void)
{
  AfAgentEditor *editor = open_editor ("custom");
  GtkWidget     *name;
  GtkWidget     *row;
  GtkWidget     *placeholder;

  /* Nothing yet: a placeholder says what a rule is for, Save says why not. */
  placeholder = af_test_ui_find_widget (GTK_WIDGET (editor), GTK_TYPE_LABEL,
                                        "No rules yet — add one to tell the agent what to look for");
  g_assert_nonnull (placeholder);
  g_assert_true (gtk_widget_get_mapped (placeholder));
  g_assert_false (gtk_widget_get_sensitive (save_button (editor)));
  g_assert_nonnull (gtk_widget_get_tooltip_text (save_button (editor)));

  name = af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW, "Name");
  gtk_editable_set_text (GTK_EDITABLE (name), "Receipts");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (save_button (editor)), ==, "Turn on at least one service");

  /* Gmail on: it can at least read mail, at once. */
  adw_expander_row_set_enable_expansion (service_row (editor, "Gmail"), TRUE);
  g_assert_cmpstr (af_test_ui_combo_choice (permission (editor, "Read mail")), ==, "Automatic");
  af_test_ui_wait_until (af_test_editor_save_enabled_cond, editor, 5000);

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL);
  g_assert_cmpuint (af_agent_editor_get_n_rules (editor), ==, 1);
  g_assert_false (gtk_widget_get_mapped (placeholder));
  /* An unfinished rule cannot be saved. */
  g_assert_false (gtk_widget_get_sensitive (save_button (editor)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (save_button (editor)), ==, "Complete or remove the unfinished rules");

  row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 0);
  g_assert_true (AF_IS_RULE_ROW (row));
  /* The default comparison is the plain one. */
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (nth_of_type (row, GTK_TYPE_DROP_DOWN, 1))), ==, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nth_of_type (row, GTK_TYPE_DROP_DOWN, 0)), 2); /* Subject */
  gtk_editable_set_text (GTK_EDITABLE (nth_of_type (row, GTK_TYPE_ENTRY, 0)), "receipt, invoice");
  gtk_editable_set_text (GTK_EDITABLE (nth_of_type (row, GTK_TYPE_ENTRY, 1)), "Finance");
  /* Labelling needs the permission to: Save says which one. */
  g_assert_false (gtk_widget_get_sensitive (save_button (editor)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (save_button (editor)), ==,
                   "A rule needs “Label, star and archive mail” under Gmail: set it to Ask first or Automatic, or change the rule.");
  af_test_ui_combo_choose (permission (editor, "Label, star and archive mail"), "Ask first");
  af_test_ui_wait_until (af_test_editor_save_enabled_cond, editor, 5000);

  {
    g_autoptr (AfAgentDefinition) definition = af_agent_editor_dup_definition (editor);
    AfRule          *rule = nth_saved_rule (definition, 0);
    AfRuleCondition *condition = only_condition (rule);

    g_assert_cmpstr (condition->field, ==, "subject");
    g_assert_cmpstr (condition->op, ==, "contains_any");
    g_assert_cmpstr (condition->value, ==, "receipt, invoice");
    g_assert_cmpstr (rule->name, ==, "If Subject contains any of “receipt, invoice”: Add label Finance");
  }
  close_editor (editor);
}

/* Errors go as soon as their field is fixed, without pressing Save. */
static void
test_validation_clears (void)
{
  AfAgentEditor *editor = open_editor ("custom");
  GtkWidget     *name_error = af_test_ui_find_widget (GTK_WIDGET (editor), GTK_TYPE_LABEL,
                                                      "Give the agent a name, so you can find it in the activity.");
  GtkWidget     *services_error = af_test_ui_find_widget (GTK_WIDGET (editor), GTK_TYPE_LABEL,
                                                          "Turn on at least one service for the agent to work with.");
  GtkWidget     *row, *value;

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL);
  g_assert_false (af_agent_editor_validate (editor));
  name_error = af_test_ui_find_widget (GTK_WIDGET (editor), GTK_TYPE_LABEL,
                                       "Give the agent a name, so you can find it in the activity.");
  services_error = af_test_ui_find_widget (GTK_WIDGET (editor), GTK_TYPE_LABEL,
                                           "Turn on at least one service for the agent to work with.");
  g_assert_true (gtk_widget_get_visible (name_error));
  g_assert_true (gtk_widget_get_visible (services_error));
  row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 0);
  value = nth_of_type (row, GTK_TYPE_ENTRY, 0);
  g_assert_true (gtk_widget_has_css_class (value, "error"));

  gtk_editable_set_text (GTK_EDITABLE (af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW, "Name")), "Sorter");
  af_test_ui_wait_until (widget_hidden_cond, name_error, 5000);
  g_assert_true (gtk_widget_get_visible (services_error));

  adw_expander_row_set_enable_expansion (service_row (editor, "Gmail"), TRUE);
  af_test_ui_wait_until (widget_hidden_cond, services_error, 5000);
  af_test_ui_combo_choose (permission (editor, "Label, star and archive mail"), "Automatic");

  gtk_editable_set_text (GTK_EDITABLE (value), "urgent");
  af_test_ui_wait_until (no_error_class_cond, value, 5000);
  gtk_editable_set_text (GTK_EDITABLE (nth_of_type (row, GTK_TYPE_ENTRY, 1)), "Urgent");
  af_test_ui_wait_until (af_test_editor_save_enabled_cond, editor, 5000);

  /* The AI instructions are for the model: off, they cannot be edited. */
  {
    GtkWidget *instructions = nth_of_type (GTK_WIDGET (editor), GTK_TYPE_TEXT_VIEW, 0);
    GtkSwitch *ai = GTK_SWITCH (af_test_ui_find_widget (
        af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_ACTION_ROW, "Use the AI Model"), GTK_TYPE_SWITCH, NULL));

    g_assert_false (gtk_widget_get_sensitive (instructions));
    gtk_switch_set_active (ai, TRUE);
    g_assert_true (gtk_widget_get_sensitive (instructions));
    /* On without instructions: Save waits for them. */
    g_assert_false (gtk_widget_get_sensitive (save_button (editor)));
    gtk_switch_set_active (ai, FALSE);
    af_test_ui_wait_until (af_test_editor_save_enabled_cond, editor, 5000);
  }
  close_editor (editor);
}

/* "Advanced: matches pattern" checks the pattern while it is typed. */
static void
test_pattern_live (void)
{
  AfAgentEditor *editor = open_editor ("custom");
  GtkWidget     *row, *value, *error;

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL);
  row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 0);
  value = nth_of_type (row, GTK_TYPE_ENTRY, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nth_of_type (row, GTK_TYPE_DROP_DOWN, 1)), 5);
  gtk_editable_set_text (GTK_EDITABLE (value), "(invoice");
  {
    g_autoptr (GPtrArray) labels = g_ptr_array_new ();

    error = NULL;
    collect (row, GTK_TYPE_LABEL, labels);
    for (guint i = 0; i < labels->len; i++)
      if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), "error"))
        error = g_ptr_array_index (labels, i);
    g_assert_nonnull (error);
  }
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (error)), "Not a valid pattern"));
  g_assert_true (gtk_widget_has_css_class (value, "error"));

  gtk_editable_set_text (GTK_EDITABLE (value), "(invoice|receipt)");
  af_test_ui_wait_until (widget_hidden_cond, error, 5000);
  g_assert_false (gtk_widget_has_css_class (value, "error"));
  close_editor (editor);
}

/* One control per action: Off, Ask first or Automatic. Whatever is chosen,
 * the permission and the approval agree. */
static void
test_one_control_per_action (void)
{
  static const char *const actions[][3] = {
    { "Send mail", "gmail.send", "send" },
    { "Create events", "calendar.write", "create_event" },
    { "Post messages", "slack.post", "post" },
  };
  AfAgentEditor *editor = open_editor ("email-assistant");

  /* Nothing else asks about an action: no "Ask First" list, no "Never". */
  g_assert_null (af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_PREFERENCES_GROUP, "Ask First"));
  g_assert_cmpstr (af_test_ui_combo_choice (permission (editor, "Read mail")), ==, "Automatic");
  g_assert_cmpstr (af_test_ui_combo_choice (permission (editor, "Label, star and archive mail")), ==, "Automatic");
  g_assert_cmpstr (af_test_ui_combo_choice (permission (editor, "Send mail")), ==, "Off");

  /* Calendar and Slack are off: their actions are not offered. */
  g_assert_false (adw_expander_row_get_enable_expansion (service_row (editor, "Slack")));
  adw_expander_row_set_enable_expansion (service_row (editor, "Slack"), TRUE);
  adw_expander_row_set_enable_expansion (service_row (editor, "Google Calendar"), TRUE);

  for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
    {
      AdwComboRow *row = permission (editor, actions[a][0]);
      GListModel  *model = adw_combo_row_get_model (row);

      g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr (AfAgentDefinition) definition = NULL;
          AfApprovalPolicy policy = AF_APPROVAL_POLICY_NEVER;

          adw_combo_row_set_selected (row, i);
          definition = af_agent_editor_dup_definition (editor);
          g_assert_true (af_agent_definition_get_approval (definition, actions[a][2], &policy));
          if (g_str_equal (af_test_ui_combo_choice (row), "Off"))
            g_assert_false (af_agent_definition_has_permission (definition, actions[a][1]));
          else
            {
              g_assert_true (af_agent_definition_has_permission (definition, actions[a][1]));
              g_assert_cmpint (policy, ==, g_str_equal (af_test_ui_combo_choice (row), "Ask first") ? AF_APPROVAL_POLICY_ASK : AF_APPROVAL_POLICY_AUTO);
            }
        }
    }

  /* Gmail off: none of its actions is allowed, whatever the rows said. */
  adw_expander_row_set_enable_expansion (service_row (editor, "Gmail"), FALSE);
  {
    g_autoptr (AfAgentDefinition) definition = af_agent_editor_dup_definition (editor);

    g_assert_null (af_agent_definition_lookup_connection (definition, "gmail"));
  }
  close_editor (editor);
}

/* Turning a service on gives it what the template uses it for. */
static void
test_service_defaults (void)
{
  AfAgentEditor *editor = open_editor ("calendar-manager");

  g_assert_cmpstr (af_test_ui_combo_choice (permission (editor, "Read events")), ==, "Automatic");
  g_assert_cmpstr (af_test_ui_combo_choice (permission (editor, "Post messages")), ==, "Automatic");
  adw_expander_row_set_enable_expansion (service_row (editor, "Gmail"), TRUE);
  g_assert_cmpstr (af_test_ui_combo_choice (permission (editor, "Read mail")), ==, "Automatic");
  g_assert_cmpstr (af_test_ui_combo_choice (permission (editor, "Send mail")), ==, "Off");
  close_editor (editor);
}

/* "Is unread" and "Older than (days)" read aloud, load back as they were. */
static void
test_unread_and_age (void)
{
  AfTemplate *template = af_template_lookup ("custom");
  AfAgentEditor *editor = open_editor ("custom");
  g_autoptr (JsonNode) definition = json_from_string (
      "{\"source\":\"mail\",\"trigger\":{\"type\":\"manual\"},\"rules\":["
      "{\"name\":\"Old\",\"match\":\"all\",\"conditions\":[{\"field\":\"date\",\"op\":\"older_than\",\"value\":\"30d\"}],"
      "\"actions\":[{\"action\":\"archive\"}]},"
      "{\"name\":\"Unread\",\"match\":\"all\",\"conditions\":[{\"field\":\"labels\",\"op\":\"equals\",\"value\":\"UNREAD\"}],"
      "\"actions\":[{\"action\":\"star\"}]}]}",
      NULL);
  GtkWidget *old_row, *unread_row;
  g_autoptr (AfAgentDefinition) loaded = NULL;
  g_autoptr (AfAgentDefinition) saved = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (template);
  loaded = af_agent_definition_new_from_json (json_node_get_object (definition), &error);
  g_assert_no_error (error);
  af_agent_editor_load_agent (editor, "agent-1", "Tidy", NULL, loaded);
  g_assert_cmpuint (af_agent_editor_get_n_rules (editor), ==, 2);
  old_row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 0);
  unread_row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 1);
  {
    g_autofree char *old_text = af_rule_row_describe (AF_RULE_ROW (old_row));
    g_autofree char *unread_text = af_rule_row_describe (AF_RULE_ROW (unread_row));

    g_assert_true (g_str_has_prefix (old_text, "If it is older than 30 days: Archive"));
    g_assert_true (g_str_has_prefix (unread_text, "If it is unread: Star"));
  }
  /* No comparison to pick for either, and no value for "unread". */
  g_assert_false (gtk_widget_get_visible (nth_of_type (old_row, GTK_TYPE_DROP_DOWN, 1)));
  g_assert_true (gtk_widget_get_visible (nth_of_type (old_row, GTK_TYPE_ENTRY, 0)));
  g_assert_false (gtk_widget_get_visible (nth_of_type (unread_row, GTK_TYPE_ENTRY, 0)));

  /* Days are a number. */
  gtk_editable_set_text (GTK_EDITABLE (nth_of_type (old_row, GTK_TYPE_ENTRY, 0)), "a month");
  g_assert_false (af_rule_row_is_valid (AF_RULE_ROW (old_row)));
  gtk_editable_set_text (GTK_EDITABLE (nth_of_type (old_row, GTK_TYPE_ENTRY, 0)), "14");
  g_assert_true (af_rule_row_is_valid (AF_RULE_ROW (old_row)));
  saved = af_agent_editor_dup_definition (editor);
  g_assert_cmpstr (only_condition (nth_saved_rule (saved, 0))->field, ==, "date");
  g_assert_cmpstr (only_condition (nth_saved_rule (saved, 0))->op, ==, "older_than");
  g_assert_cmpstr (only_condition (nth_saved_rule (saved, 0))->value, ==, "14d");
  g_assert_cmpstr (only_condition (nth_saved_rule (saved, 1))->field, ==, "labels");
  g_assert_cmpstr (only_condition (nth_saved_rule (saved, 1))->op, ==, "equals");
  g_assert_cmpstr (only_condition (nth_saved_rule (saved, 1))->value, ==, "UNREAD");
  close_editor (editor);
}

/* A daily time is chosen with a clock's hours and minutes, not typed. */
static void
test_time_of_day (void)
{
  AfAgentEditor *editor = open_editor ("calendar-manager");
  GtkWidget     *at = af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_ACTION_ROW, "At");
  GtkSpinButton *hour, *minute;
  g_autoptr (AfAgentDefinition) definition = NULL;

  g_assert_nonnull (at);
  g_assert_true (gtk_widget_get_visible (at));
  hour = GTK_SPIN_BUTTON (nth_of_type (at, GTK_TYPE_SPIN_BUTTON, 0));
  minute = GTK_SPIN_BUTTON (nth_of_type (at, GTK_TYPE_SPIN_BUTTON, 1));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hour)), ==, "08");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (minute)), ==, "00");
  gtk_spin_button_spin (minute, GTK_SPIN_STEP_FORWARD, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (minute)), ==, "05");
  gtk_spin_button_spin (hour, GTK_SPIN_STEP_BACKWARD, 0);
  definition = af_agent_editor_dup_definition (editor);
  g_assert_cmpint (af_agent_definition_get_trigger (definition)->hour, ==, 7);
  g_assert_cmpint (af_agent_definition_get_trigger (definition)->minute, ==, 5);
  close_editor (editor);
}

static GtkWidget *
rule_value (GtkWidget *row)
{
  return nth_of_type (row, GTK_TYPE_ENTRY, 0);
}

/* Enter in an entry: what GtkText's key binding for Return emits. */
static void
press_enter (GtkWidget *entry)
{
  g_signal_emit_by_name (nth_of_type (entry, GTK_TYPE_TEXT, 0), "activate");
}

/* Edited through its widgets, an agent does what the form said, and
 * keeps what the form did not touch. */
static void
test_save_edits (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AfAgent) agent = NULL;
  g_autoptr (AfAgentDefinition) loaded = NULL;
  g_autoptr (AfAgentDefinition) saved = NULL;
  g_autoptr (JsonNode) template_rules = NULL;
  g_autoptr (GError) error = NULL;
  AfAgentEditor *editor = open_editor ("email-assistant");
  GtkWidget     *at, *row;
  JsonObject    *definition, *trigger, *added, *condition, *action;
  JsonArray     *rules;
  guint          n_template_rules;

  g_assert_true (json_parser_load_from_data (parser, "[{\"service\":\"gmail\",\"account\":\"me@example.com\","
                                                     "\"permissions\":[\"gmail.read\",\"gmail.modify\",\"gmail.compose\"]}]",
                                             -1, NULL));
  agent = af_template_create_agent (af_template_lookup ("email-assistant"), "Mail", json_node_get_array (json_parser_get_root (parser)));
  template_rules = af_json_deep_copy (json_object_get_member (af_agent_get_definition (agent), "rules"));
  n_template_rules = json_array_get_length (json_node_get_array (template_rules));
  loaded = af_agent_definition_new_from_agent (agent);
  af_agent_editor_load_agent (editor, "agent-1", "Mail", "", loaded);

  af_test_ui_combo_choose (ADW_COMBO_ROW (af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_COMBO_ROW, "Trigger")), "Every week");
  af_test_ui_combo_choose (ADW_COMBO_ROW (af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_COMBO_ROW, "Day")), "Wednesday");
  at = af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_ACTION_ROW, "At");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (nth_of_type (at, GTK_TYPE_SPIN_BUTTON, 0)), 7);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (nth_of_type (at, GTK_TYPE_SPIN_BUTTON, 1)), 5);
  af_test_ui_combo_choose (permission (editor, "Send mail"), "Ask first");

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL);
  row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, n_template_rules);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nth_of_type (row, GTK_TYPE_DROP_DOWN, 0)), 2); /* Subject */
  gtk_editable_set_text (GTK_EDITABLE (rule_value (row)), "overdue");
  press_enter (rule_value (row));
  gtk_editable_set_text (GTK_EDITABLE (nth_of_type (row, GTK_TYPE_ENTRY, 1)), "Bills");
  saved = af_test_editor_save (editor);

  g_assert_true (af_agent_definition_apply (saved, agent, &error));
  g_assert_no_error (error);
  definition = af_agent_get_definition (agent);
  trigger = json_object_get_object_member (definition, "trigger");
  g_assert_cmpstr (json_object_get_string_member (trigger, "type"), ==, "weekly");
  g_assert_cmpstr (json_object_get_string_member (trigger, "at"), ==, "07:05");
  g_assert_cmpint (json_object_get_int_member (trigger, "weekday"), ==, 3);
  g_assert_true (af_agent_has_permission (agent, "gmail.send"));
  g_assert_true (af_agent_has_permission (agent, "gmail.modify"));
  g_assert_false (af_agent_has_permission (agent, "slack.post"));
  g_assert_cmpstr (af_agent_get_account (agent, "gmail"), ==, "me@example.com");
  g_assert_cmpint (af_agent_get_approval_policy (agent, "send", FALSE), ==, AF_APPROVAL_POLICY_ASK);
  g_assert_cmpint (af_agent_get_approval_policy (agent, "label", TRUE), ==, AF_APPROVAL_POLICY_AUTO);

  /* The template's rules went through the rows and came back as they
   * were; the new one follows them. */
  rules = af_agent_get_rules (agent);
  g_assert_cmpuint (json_array_get_length (rules), ==, n_template_rules + 1);
  for (guint i = 0; i < n_template_rules; i++)
    g_assert_true (json_node_equal (json_array_get_element (rules, i),
                                    json_array_get_element (json_node_get_array (template_rules), i)));
  added = json_array_get_object_element (rules, n_template_rules);
  condition = json_array_get_object_element (json_object_get_array_member (added, "conditions"), 0);
  action = json_array_get_object_element (json_object_get_array_member (added, "actions"), 0);
  g_assert_cmpstr (json_object_get_string_member (condition, "field"), ==, "subject");
  g_assert_cmpstr (json_object_get_string_member (condition, "op"), ==, "contains_any");
  g_assert_cmpstr (json_object_get_string_member (condition, "value"), ==, "overdue");
  g_assert_cmpstr (json_object_get_string_member (action, "action"), ==, "label");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (action, "params"), "label"), ==, "Bills");
  /* The model stays as it was: off, its instructions kept. */
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (definition, "ai"), "enabled"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_object_get_object_member (definition, "ai"), "instructions"),
                                   "Sort each new message"));
}

static GtkWidget *
chip_label (GtkWidget  *row,
            const char *word)
{
  GtkWidget *chips = nth_of_type (row, GTK_TYPE_FLOW_BOX, 0);

  return af_test_ui_find_widget (chips, GTK_TYPE_LABEL, word);
}

static GtkWidget *
chip_remove_button (GtkWidget  *row,
                    const char *word)
{
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
  g_autofree char *tooltip = g_strdup_printf ("Remove “%s”", word);

  collect (nth_of_type (row, GTK_TYPE_FLOW_BOX, 0), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)), tooltip) == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

static gboolean
chip_gone_cond (gpointer data)
{
  return chip_label (data, g_object_get_data (data, "word")) == NULL;
}

/* Clicks a chip's remove button and waits for the chip to go. */
static void
remove_chip (GtkWidget  *row,
             const char *word)
{
  GtkWidget *button = chip_remove_button (row, word);

  g_assert_nonnull (button);
  g_object_set_data_full (G_OBJECT (row), "word", g_strdup (word), g_free);
  gtk_widget_activate (button);
  af_test_ui_wait_until (chip_gone_cond, row, 5000);
}

static gboolean
widget_mapped_cond (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* "Contains any of" shows its words as chips: Enter adds, the chip's
 * button removes, and the agent looks for exactly those words. */
static void
test_word_chips (void)
{
  AfAgentEditor *editor = open_editor ("custom");
  g_autoptr (AfAgentDefinition) saved = NULL;
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("custom"), "Receipts", NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) words = NULL;
  GtkWidget       *row, *value;
  AfRuleCondition *condition;

  gtk_editable_set_text (GTK_EDITABLE (af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW, "Name")), "Receipts");
  adw_expander_row_set_enable_expansion (service_row (editor, "Gmail"), TRUE);
  af_test_ui_combo_choose (permission (editor, "Label, star and archive mail"), "Automatic");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL);
  row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 0);
  value = rule_value (row);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nth_of_type (row, GTK_TYPE_DROP_DOWN, 0)), 2); /* Subject */
  g_assert_cmpstr (gtk_entry_get_placeholder_text (GTK_ENTRY (value)), ==, "Type a word and press Enter");
  gtk_editable_set_text (GTK_EDITABLE (nth_of_type (row, GTK_TYPE_ENTRY, 1)), "Finance");

  /* Enter: the word becomes a chip, the entry is free for the next. */
  gtk_editable_set_text (GTK_EDITABLE (value), "invoice");
  press_enter (value);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (value)), ==, "");
  g_assert_nonnull (chip_label (row, "invoice"));
  af_test_ui_wait_until (widget_mapped_cond, chip_label (row, "invoice"), 5000);

  /* Several at once, and a word already there only once. */
  gtk_editable_set_text (GTK_EDITABLE (value), "receipt, payment");
  press_enter (value);
  gtk_editable_set_text (GTK_EDITABLE (value), "Invoice");
  press_enter (value);
  g_assert_nonnull (chip_label (row, "receipt"));
  g_assert_nonnull (chip_label (row, "payment"));
  g_assert_null (chip_label (row, "Invoice"));
  af_test_ui_wait_until (widget_mapped_cond, chip_label (row, "payment"), 5000);
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));
  g_assert_cmpfloat (af_test_ui_save_and_measure (row, "editor-word-chips"), >, 1.0);

  /* The chip's button removes that word only. */
  remove_chip (row, "receipt");
  g_assert_nonnull (chip_label (row, "invoice"));
  g_assert_nonnull (chip_label (row, "payment"));

  saved = af_test_editor_save (editor);
  condition = only_condition (nth_saved_rule (saved, 0));
  g_assert_cmpstr (condition->op, ==, "contains_any");
  words = af_rule_condition_dup_words (condition);
  g_assert_cmpstrv (words, ((const char *const[]){ "invoice", "payment", NULL }));
  g_assert_true (af_agent_definition_apply (saved, agent, &error));
  g_assert_no_error (error);
  {
    JsonObject *rule = json_array_get_object_element (af_agent_get_rules (agent), 0);
    JsonObject *c = json_array_get_object_element (json_object_get_array_member (rule, "conditions"), 0);

    g_assert_cmpuint (json_array_get_length (af_agent_get_rules (agent)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (c, "value"), ==, "invoice, payment");
  }
}

/* A template's words load as chips; all removed, the rule is unfinished. */
static void
test_chips_load (void)
{
  AfAgentEditor           *editor = open_editor ("email-assistant");
  GtkWidget               *finance = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 2);
  static const char *const words[] = { "invoice", "receipt", "payment", "statement" };

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (rule_value (finance))), ==, "");
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    g_assert_nonnull (chip_label (finance, words[i]));
  g_assert_true (af_rule_row_is_valid (AF_RULE_ROW (finance)));
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    remove_chip (finance, words[i]);
  g_assert_false (af_rule_row_is_valid (AF_RULE_ROW (finance)));
  g_assert_false (af_agent_editor_validate (editor));
  /* Back to "contains": the words a list held go into the entry. */
  gtk_editable_set_text (GTK_EDITABLE (rule_value (finance)), "bill");
  press_enter (rule_value (finance));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nth_of_type (finance, GTK_TYPE_DROP_DOWN, 1)), 2); /* contains */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (rule_value (finance))), ==, "bill");
  g_assert_null (chip_label (finance, "bill"));
  g_assert_true (af_rule_row_is_valid (AF_RULE_ROW (finance)));
  close_editor (editor);
}

/* The labels a drop-down offers, in order. */
static GStrv
dropdown_labels (GtkWidget *dropdown)
{
  GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown));
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      g_strv_builder_add (builder, gtk_string_object_get_string (item));
    }
  return g_strv_builder_end (builder);
}

static void
choose_in_dropdown (GtkWidget  *dropdown,
                    const char *text)
{
  g_auto (GStrv) labels = dropdown_labels (dropdown);

  for (guint i = 0; labels[i] != NULL; i++)
    if (g_str_equal (labels[i], text))
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i);
        return;
      }
  g_error ("no choice “%s”", text);
}

/* A Slack agent built through the widgets: "only in #alerts", "message
 * text contains any of: outage, down" — and its rules hold exactly that. */
static void
test_slack_rule (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AfAgent) agent = NULL;
  g_autoptr (AfAgentDefinition) loaded = NULL;
  g_autoptr (AfAgentDefinition) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) offered = NULL;
  AfAgentEditor *editor = open_editor ("custom");
  GtkWidget     *row, *value, *channel;
  JsonArray     *rules, *conditions, *actions;
  JsonObject    *c, *action;

  g_assert_true (json_parser_load_from_data (parser, "[{\"service\":\"slack\",\"account\":\"T0SANDBOX\","
                                                     "\"permissions\":[\"slack.read\",\"slack.post\"]}]",
                                             -1, NULL));
  agent = af_template_create_agent (af_template_lookup ("custom"), "Outages", json_node_get_array (json_parser_get_root (parser)));
  json_object_set_string_member (af_agent_get_definition (agent), "source", "slack");
  loaded = af_agent_definition_new_from_agent (agent);
  af_agent_editor_load_agent (editor, "agent-1", "Outages", "", loaded);

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL);
  row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 0);
  /* What a Slack message has: no subject, no attachment, no label. */
  offered = dropdown_labels (nth_of_type (row, GTK_TYPE_DROP_DOWN, 0));
  g_assert_cmpstrv (offered, ((const char *const[]){ "Message text", "From (member or bot)", "Every run", NULL }));

  choose_in_dropdown (nth_of_type (row, GTK_TYPE_DROP_DOWN, 0), "Message text");
  choose_in_dropdown (nth_of_type (row, GTK_TYPE_DROP_DOWN, 1), "contains any of");
  value = rule_value (row);
  gtk_editable_set_text (GTK_EDITABLE (value), "outage");
  press_enter (value);
  gtk_editable_set_text (GTK_EDITABLE (value), "down");
  press_enter (value);
  g_assert_nonnull (chip_label (row, "outage"));
  g_assert_nonnull (chip_label (row, "down"));
  channel = nth_of_type (row, GTK_TYPE_ENTRY, 2);
  g_assert_nonnull (channel);
  g_assert_true (gtk_widget_get_mapped (channel));
  gtk_editable_set_text (GTK_EDITABLE (channel), "#alerts");
  choose_in_dropdown (nth_of_type (row, GTK_TYPE_DROP_DOWN, 2), "Post to Slack");
  gtk_editable_set_text (GTK_EDITABLE (nth_of_type (row, GTK_TYPE_ENTRY, 1)), "#alerts");
  saved = af_test_editor_save (editor);

  g_assert_true (af_agent_definition_apply (saved, agent, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (af_agent_get_definition (agent), "source"), ==, "slack");
  /* It reads Slack and posts there, as loaded. */
  g_assert_true (af_agent_has_permission (agent, "slack.read"));
  g_assert_true (af_agent_has_permission (agent, "slack.post"));
  rules = af_agent_get_rules (agent);
  g_assert_cmpuint (json_array_get_length (rules), ==, 1);
  conditions = json_object_get_array_member (json_array_get_object_element (rules, 0), "conditions");
  g_assert_cmpuint (json_array_get_length (conditions), ==, 2);
  c = json_array_get_object_element (conditions, 0);
  g_assert_cmpstr (json_object_get_string_member (c, "field"), ==, "channel");
  g_assert_cmpstr (json_object_get_string_member (c, "op"), ==, "in_channel");
  g_assert_cmpstr (json_object_get_string_member (c, "value"), ==, "#alerts");
  c = json_array_get_object_element (conditions, 1);
  g_assert_cmpstr (json_object_get_string_member (c, "field"), ==, "text");
  g_assert_cmpstr (json_object_get_string_member (c, "op"), ==, "contains_any");
  g_assert_cmpstr (json_object_get_string_member (c, "value"), ==, "outage, down");
  actions = json_object_get_array_member (json_array_get_object_element (rules, 0), "actions");
  g_assert_cmpuint (json_array_get_length (actions), ==, 1);
  action = json_array_get_object_element (actions, 0);
  g_assert_cmpstr (json_object_get_string_member (action, "action"), ==, "post");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (action, "params"), "channel"), ==, "#alerts");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rules, 0), "name"), ==,
                   "In #alerts: If Message text contains any of “outage, down”: Post to Slack #alerts");

  /* Opened again (Save closed it), the rule is one row, as it was built. */
  af_test_ui_wait_for_idle ();
  editor = open_editor ("custom");
  g_clear_object (&loaded);
  loaded = af_agent_definition_new_from_agent (agent);
  af_agent_editor_load_agent (editor, "agent-1", "Outages", "", loaded);
  g_assert_cmpuint (af_agent_editor_get_n_rules (editor), ==, 1);
  row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (nth_of_type (row, GTK_TYPE_ENTRY, 2))), ==, "#alerts");
  g_assert_nonnull (chip_label (row, "outage"));
  close_editor (editor);
}

/* An agenda agent's rules offer what an event has; a mail agent's, what
 * a message has. */
static void
test_fields_fit_source (void)
{
  AfAgentEditor *calendar = open_editor ("calendar-manager");
  AfAgentEditor *mail = open_editor ("custom");
  GtkWidget     *row;
  g_auto (GStrv) agenda_fields = NULL;
  g_auto (GStrv) mail_fields = NULL;

  row = nth_of_type (GTK_WIDGET (calendar), AF_TYPE_RULE_ROW, 0);
  agenda_fields = dropdown_labels (nth_of_type (row, GTK_TYPE_DROP_DOWN, 0));
  g_assert_cmpstrv (agenda_fields, ((const char *const[]){ "Event title", "Organizer", "Starts within (hours)",
                                                           "Events overlap", "Every run", NULL }));
  /* Starts within: hours, no comparison to pick. */
  choose_in_dropdown (nth_of_type (row, GTK_TYPE_DROP_DOWN, 0), "Starts within (hours)");
  g_assert_false (gtk_widget_get_visible (nth_of_type (row, GTK_TYPE_DROP_DOWN, 1)));
  gtk_editable_set_text (GTK_EDITABLE (rule_value (row)), "2");
  {
    g_autoptr (AfRule) rule = af_rule_row_dup_rule (AF_RULE_ROW (row));
    AfRuleCondition *condition = only_condition (rule);

    g_assert_cmpstr (condition->field, ==, "event_start");
    g_assert_cmpstr (condition->op, ==, "within");
    g_assert_cmpstr (condition->value, ==, "2h");
  }
  gtk_editable_set_text (GTK_EDITABLE (rule_value (row)), "soon");
  g_assert_false (af_rule_row_is_valid (AF_RULE_ROW (row)));

  gtk_widget_activate_action (GTK_WIDGET (mail), "editor.add-rule", NULL);
  row = nth_of_type (GTK_WIDGET (mail), AF_TYPE_RULE_ROW, 0);
  mail_fields = dropdown_labels (nth_of_type (row, GTK_TYPE_DROP_DOWN, 0));
  g_assert_cmpstrv (mail_fields, ((const char *const[]){ "From", "To", "Subject", "Body", "Label", "Has an attachment",
                                                         "Is unread", "Older than (days)", "Every run", NULL }));
  /* No channel to pick for mail. */
  g_assert_false (gtk_widget_get_mapped (nth_of_type (row, GTK_TYPE_ENTRY, 2)));
  close_editor (calendar);
  close_editor (mail);
}

static AfApplication *app;

static AfWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
window_has_engine_cond (gpointer data)
{
  return main_window () != NULL && af_window_get_engine (main_window ()) != NULL;
}

static GtkWindow *
toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (w), type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
toplevel_cond (gpointer data)
{
  return toplevel_of_type (GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
label_starts_with_cond (gpointer data)
{
  GtkLabel   *label = data;
  const char *prefix = g_object_get_data (G_OBJECT (label), "expect");

  return g_str_has_prefix (gtk_label_get_label (label), prefix);
}

static void
wait_for_label (GtkWidget  *label,
                const char *prefix)
{
  g_object_set_data_full (G_OBJECT (label), "expect", g_strdup (prefix), g_free);
  af_test_ui_wait_until (label_starts_with_cond, label, 20000);
}

static GtkWidget *
preview_label (GtkWidget *editor)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  collect (editor, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), "heading") &&
        gtk_widget_get_ancestor (g_ptr_array_index (labels, i), GTK_TYPE_LIST_BOX) == NULL &&
        g_str_has_prefix (gtk_label_get_label (g_ptr_array_index (labels, i)), "Matches"))
      return g_ptr_array_index (labels, i);
  return NULL;
}

static gboolean
preview_ready_cond (gpointer data)
{
  return preview_label (data) != NULL;
}

/* The count under the rules follows the rules, against the sample
 * workspace's mail, without changing it. */
static void
test_preview (void)
{
  GtkWindow       *picker, *editor;
  GtkWidget       *label, *row, *value;
  g_autofree char *before = NULL;
  guint            matched = 0, total = 0, matched_after = 0, total_after = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfEngine) engine = af_engine_new_for_sandbox (&error);

  /* The sandbox's engine and sample mail, the app's window. */
  g_assert_no_error (error);
  af_window_set_engine (main_window (), engine);

  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.new-agent", NULL);
  af_test_ui_wait_until (toplevel_cond, GSIZE_TO_POINTER (AF_TYPE_TEMPLATE_PICKER), 10000);
  picker = toplevel_of_type (AF_TYPE_TEMPLATE_PICKER);
  af_template_picker_choose (AF_TEMPLATE_PICKER (picker), "custom");
  af_test_ui_wait_until (toplevel_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 10000);
  editor = toplevel_of_type (AF_TYPE_AGENT_EDITOR);

  gtk_editable_set_text (GTK_EDITABLE (af_test_ui_find_widget (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW, "Name")),
                         "Finance preview");
  adw_expander_row_set_enable_expansion (service_row (AF_AGENT_EDITOR (editor), "Gmail"), TRUE);
  af_test_ui_combo_choose (permission (AF_AGENT_EDITOR (editor), "Label, star and archive mail"), "Automatic");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL);
  row = nth_of_type (GTK_WIDGET (editor), AF_TYPE_RULE_ROW, 0);
  value = nth_of_type (row, GTK_TYPE_ENTRY, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nth_of_type (row, GTK_TYPE_DROP_DOWN, 0)), 3); /* Body */
  gtk_editable_set_text (GTK_EDITABLE (nth_of_type (row, GTK_TYPE_ENTRY, 1)), "Finance");
  gtk_editable_set_text (GTK_EDITABLE (value), "the");

  af_test_ui_wait_until (preview_ready_cond, editor, 20000);
  label = preview_label (GTK_WIDGET (editor));
  before = g_strdup (gtk_label_get_label (GTK_LABEL (label)));
  g_assert_cmpint (sscanf (before, "Matches %u of the %u", &matched, &total), ==, 2);
  g_assert_cmpuint (total, >, 0);
  g_assert_cmpuint (matched, >, 0);

  /* A word no message has: none match, out of the same messages. */
  gtk_editable_set_text (GTK_EDITABLE (value), "zyxwvut");
  wait_for_label (label, "Matches 0 of");
  g_assert_cmpint (sscanf (gtk_label_get_label (GTK_LABEL (label)), "Matches %u of the %u", &matched_after, &total_after), ==, 2);
  g_assert_cmpuint (total_after, ==, total);
  g_assert_cmpuint (matched_after, ==, 0);

  /* Back to a common word: the count comes back, with subjects. */
  gtk_editable_set_text (GTK_EDITABLE (value), "the");
  wait_for_label (label, before);
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));
  {
    GtkWidget     *scrolled = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  }
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));
  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (editor), "editor-preview"), >, 1.0);

  gtk_window_destroy (editor);
  af_test_ui_wait_for_idle ();

  /* The README's picture: the Email Assistant's rules and their preview. */
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.new-agent", NULL);
  af_test_ui_wait_until (toplevel_cond, GSIZE_TO_POINTER (AF_TYPE_TEMPLATE_PICKER), 10000);
  af_template_picker_choose (AF_TEMPLATE_PICKER (toplevel_of_type (AF_TYPE_TEMPLATE_PICKER)), "email-assistant");
  af_test_ui_wait_until (toplevel_cond, GSIZE_TO_POINTER (AF_TYPE_AGENT_EDITOR), 10000);
  editor = toplevel_of_type (AF_TYPE_AGENT_EDITOR);
  gtk_window_set_default_size (editor, 590, 750);
  af_test_ui_wait_until (preview_ready_cond, editor, 20000);
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));
  {
    /* Down to the preview, under the last rules. */
    GtkWidget       *preview = preview_label (GTK_WIDGET (editor));
    GtkWidget       *scrolled = gtk_widget_get_ancestor (preview, GTK_TYPE_SCROLLED_WINDOW);
    GtkWidget       *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
    GtkAdjustment   *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    graphene_point_t at;

    g_assert_true (gtk_widget_compute_point (preview, content, &GRAPHENE_POINT_INIT (0, 0), &at));
    gtk_adjustment_set_value (adj, at.y + 140 - gtk_adjustment_get_page_size (adj));
  }
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));
  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (editor), "agent-editor"), >, 1.0);
  gtk_window_destroy (editor);
  af_test_ui_wait_for_idle ();

  af_window_set_engine (main_window (), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = NULL;
  int              ret;

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  /* The sample workspace, of its own, for the preview to read. */
  data_dir = g_dir_make_tmp ("af-editor-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("AGENTFLOW_DATA_DIR", data_dir, TRUE);
  app = af_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));
  g_application_activate (G_APPLICATION (app));
  af_test_ui_wait_until (window_has_engine_cond, NULL, 10000);
  /* The preview binds the sandbox's engine: no accounts are connected. */
  af_window_set_engine (main_window (), NULL);

  g_test_add_func ("/editor/templates-visible", test_templates_visible);
  g_test_add_func ("/editor/build-without-regex", test_build_without_regex);
  g_test_add_func ("/editor/validation-clears", test_validation_clears);
  g_test_add_func ("/editor/pattern-live", test_pattern_live);
  g_test_add_func ("/editor/one-control-per-action", test_one_control_per_action);
  g_test_add_func ("/editor/service-defaults", test_service_defaults);
  g_test_add_func ("/editor/time-of-day", test_time_of_day);
  g_test_add_func ("/editor/unread-and-age", test_unread_and_age);
  g_test_add_func ("/editor/save-edits", test_save_edits);
  g_test_add_func ("/editor/word-chips", test_word_chips);
  g_test_add_func ("/editor/slack-rule", test_slack_rule);
  g_test_add_func ("/editor/fields-fit-source", test_fields_fit_source);
  g_test_add_func ("/editor/chips-load", test_chips_load);
  g_test_add_func ("/editor/preview", test_preview);

  ret = g_test_run ();

  af_test_ui_destroy_windows ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return ret;
}
