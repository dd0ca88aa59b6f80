/* af-agent-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "af-agent-editor.h"
#include "af-connect-button.h"
#include "af-integrations-page.h"
#include "af-rule-row.h"
#include "af-template.h"

struct _AfAgentEditor
{
  AdwWindow parent_instance;

  AfTemplate *template;
  char         *template_id;
  char         *agent_id;
  GStrv         connected;
  gboolean      modified;
  gboolean      rules_modified;
  gboolean      loading;
  GPtrArray    *service_rows;    /* AdwExpanderRow, one per service */
  GPtrArray    *permission_rows; /* AdwComboRow, one per action: Off, Ask first, Automatic */
  GCancellable *test_cancellable;
  GCancellable *preview_cancellable;
  guint         preview_id; /* the debounce timeout */
  char         *source;     /* what the agent reads: "mail", "agenda"… */
  JsonArray    *kept_rules; /* rules the rule rows cannot show faithfully */

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkSpinner          *test_spinner;
  AdwToastOverlay     *toast_overlay;
  AdwEntryRow         *name_row;
  AdwEntryRow         *description_row;
  GtkLabel            *name_error;
  AdwComboRow         *trigger_row;
  AdwComboRow         *first_run_row; /* mail agents only */
  AdwActionRow        *interval_row;
  GtkSpinButton       *interval_spin;
  AdwComboRow         *weekday_row;
  AdwActionRow        *time_row;
  GtkSpinButton       *hour_spin;
  GtkSpinButton       *minute_spin;
  AdwActionRow        *lead_row;
  GtkSpinButton       *lead_spin;
  AdwPreferencesGroup *services_group;
  GtkLabel            *services_error;
  GtkListBox          *rules_list;
  GtkLabel            *kept_rules_label;
  GtkLabel            *rules_error;
  GtkTextView         *instructions_view;
  GtkSwitch           *ai_switch;
  GtkLabel            *ai_error;
  GtkButton           *save_button;
  GtkWidget           *preview_box;
  GtkLabel            *preview_label;
  GtkLabel            *preview_subjects;
};

G_DEFINE_FINAL_TYPE (AfAgentEditor, af_agent_editor, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_SAVED,
  SIGNAL_TEST_RUN,
  SIGNAL_CONNECT,
  SIGNAL_CANCEL,
  SIGNAL_PREVIEW,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  TRIGGER_INTERVAL,
  TRIGGER_DAILY,
  TRIGGER_WEEKLY,
  TRIGGER_NEW_MAIL,
  TRIGGER_BEFORE_EVENT,
};

static const char *const trigger_ids[] = { "interval", "daily", "weekly", "new-mail", "before-event" };

/* The first-run row, in days looked back. */
enum
{
  FIRST_RUN_NEW,
  FIRST_RUN_WEEK,
  FIRST_RUN_MONTH,
};

static const guint first_run_days[] = { 0, 7, 30 };

/* One choice per action: off (no permission), ask first, or automatic.
 * Reading asks nobody: it is off or on. @approval is the editor's key for
 * the approval policy, @engine_approval the engine's. */
static const struct
{
  const char *service;
  const char *permission;
  const char *title;
  const char *approval;
  const char *engine_approval;
  gboolean    ask_by_default;
} permissions[] = {
  { "gmail", "read", N_ ("Read mail"), NULL, NULL, FALSE },
  { "gmail", "modify", N_ ("Label, star and archive mail"), "modify", "label", FALSE },
  { "gmail", "draft", N_ ("Create drafts"), "draft", "draft", FALSE },
  { "gmail", "send", N_ ("Send mail"), "send", "send", TRUE },
  { "calendar", "read", N_ ("Read events"), NULL, NULL, FALSE },
  { "calendar", "write", N_ ("Create events"), "create-event", "create_event", TRUE },
  { "slack", "post", N_ ("Post messages"), "post", "post", TRUE },
};

enum
{
  LEVEL_OFF,
  LEVEL_ASK,
  LEVEL_AUTO,
};

static const char *const editor_services[] = { "gmail", "calendar", "slack" };

typedef struct
{
  const char *field, *op, *value, *action, *argument;
} RuleSeed;

static gboolean
is_connected (AfAgentEditor *self,
              const char    *service)
{
  return self->connected != NULL && g_strv_contains ((const char *const *)self->connected, service);
}

static gboolean validate_form (AfAgentEditor *self,
                               gboolean       mark);
static void     schedule_preview (AfAgentEditor *self);

static void
set_modified (AfAgentEditor *self)
{
  if (!self->loading)
    self->modified = TRUE;
}

static AdwComboRow *
permission_row (AfAgentEditor *self,
                const char    *service,
                const char    *permission)
{
  for (guint p = 0; p < self->permission_rows->len; p++)
    {
      AdwComboRow *row = g_ptr_array_index (self->permission_rows, p);
      guint        index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));

      if (g_str_equal (permissions[index].service, service) && g_str_equal (permissions[index].permission, permission))
        return row;
    }
  return NULL;
}

static guint
row_index (AdwComboRow *row)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));
}

static guint
get_level (AdwComboRow *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (permissions[row_index (row)].approval == NULL)
    return selected == 1 ? LEVEL_AUTO : LEVEL_OFF;
  return MIN (selected, LEVEL_AUTO);
}

static void
set_level (AdwComboRow *row,
           guint        level)
{
  if (permissions[row_index (row)].approval == NULL)
    adw_combo_row_set_selected (row, level == LEVEL_OFF ? 0 : 1);
  else
    adw_combo_row_set_selected (row, level);
}

/* An action's level when it is allowed: the template's (or agent's)
 * approval policy for it, else the engine's default. */
static guint
allowed_level (guint       index,
               JsonObject *approvals)
{
  const char *policy = NULL;

  if (permissions[index].approval == NULL)
    return LEVEL_AUTO;
  if (approvals != NULL && json_object_has_member (approvals, permissions[index].engine_approval))
    policy = json_object_get_string_member_with_default (approvals, permissions[index].engine_approval, NULL);
  if (g_strcmp0 (policy, "never") == 0)
    return LEVEL_OFF;
  if (g_strcmp0 (policy, "ask") == 0)
    return LEVEL_ASK;
  if (g_strcmp0 (policy, "auto") == 0)
    return LEVEL_AUTO;
  return permissions[index].ask_by_default ? LEVEL_ASK : LEVEL_AUTO;
}

/* The row in permissions[] that a rule's action needs. */
static guint
action_permission (const char *action)
{
  const char *permission = g_str_equal (action, "draft-reply")  ? "draft"
                           : g_str_equal (action, "send-reply") ? "send"
                           : g_str_equal (action, "post-slack") ? "post"
                                                                : "modify";

  for (guint p = 0; p < G_N_ELEMENTS (permissions); p++)
    if (g_str_equal (permissions[p].permission, permission))
      return p;
  g_assert_not_reached ();
}

static gboolean
service_is_on (AfAgentEditor *self,
               const char    *service)
{
  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow *row = g_ptr_array_index (self->service_rows, s);

      if (g_str_equal (g_object_get_data (G_OBJECT (row), "service"), service))
        return adw_expander_row_get_enable_expansion (row);
    }
  return FALSE;
}

static JsonObject *
template_approvals (AfAgentEditor *self)
{
  JsonObject *definition = self->template ? af_template_get_definition (self->template) : NULL;

  return definition && json_object_has_member (definition, "approvals") ? json_object_get_object_member (definition, "approvals")
                                                                        : NULL;
}

/* Save is possible exactly when the form is valid; errors shown earlier
 * go as soon as their field is fixed. */
static void
update_validity (AfAgentEditor *self)
{
  gboolean ok;

  if (self->service_rows->len == 0)
    return;
  ok = validate_form (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", ok);
  schedule_preview (self);
}

static void
on_changed_cb (AfAgentEditor *self)
{
  set_modified (self);
  update_validity (self);
}

/* Turning a service on gives it what the template uses it for (or at
 * least reading), never a service the agent cannot even read. */
static void
on_service_toggled_cb (AdwExpanderRow *row,
                       GParamSpec     *pspec,
                       AfAgentEditor  *self)
{
  const char        *service = g_object_get_data (G_OBJECT (row), "service");
  const char *const *defaults = self->template ? af_template_get_permissions (self->template) : NULL;
  gboolean           any = FALSE;

  if (!self->loading && adw_expander_row_get_enable_expansion (row))
    {
      for (guint p = 0; p < self->permission_rows->len; p++)
        {
          AdwComboRow *action = g_ptr_array_index (self->permission_rows, p);

          any |= g_str_equal (permissions[row_index (action)].service, service) && get_level (action) != LEVEL_OFF;
        }
      if (!any)
        {
          g_autofree char *prefix = g_strconcat (service, ".", NULL);
          AdwComboRow     *read = permission_row (self, service, "read");

          for (guint k = 0; defaults != NULL && defaults[k] != NULL; k++)
            if (g_str_has_prefix (defaults[k], prefix))
              {
                const char  *scope = defaults[k] + strlen (prefix);
                AdwComboRow *action = permission_row (self, service, g_str_equal (scope, "compose") ? "draft" : scope);

                if (action != NULL)
                  set_level (action, allowed_level (row_index (action), template_approvals (self)));
                any = TRUE;
              }
          if (!any && read != NULL)
            set_level (read, LEVEL_AUTO);
          else if (!any)
            {
              AdwComboRow *post = permission_row (self, service, "post");

              set_level (post, allowed_level (row_index (post), template_approvals (self)));
            }
          adw_expander_row_set_expanded (row, TRUE);
        }
    }
  on_changed_cb (self);
}

static void
update_trigger_rows (AfAgentEditor *self)
{
  guint trigger = adw_combo_row_get_selected (self->trigger_row);

  gtk_widget_set_visible (GTK_WIDGET (self->interval_row), trigger == TRIGGER_INTERVAL);
  gtk_widget_set_visible (GTK_WIDGET (self->weekday_row), trigger == TRIGGER_WEEKLY);
  gtk_widget_set_visible (GTK_WIDGET (self->time_row), trigger == TRIGGER_DAILY || trigger == TRIGGER_WEEKLY);
  gtk_widget_set_visible (GTK_WIDGET (self->lead_row), trigger == TRIGGER_BEFORE_EVENT);
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

static char *
time_text (AfAgentEditor *self)
{
  return g_strdup_printf ("%02d:%02d", gtk_spin_button_get_value_as_int (self->hour_spin),
                          gtk_spin_button_get_value_as_int (self->minute_spin));
}

static void
on_trigger_changed_cb (AfAgentEditor *self)
{
  update_trigger_rows (self);
  set_modified (self);
}

/* The accounts flow is the window's: the editor asks for it and shows
 * the waiting state until af_agent_editor_set_service_state() reports. */
static void
on_connect_cb (AfConnectButton *button,
               AfAgentEditor   *self)
{
  const char *service = af_connect_button_get_service (button);

  if (!g_signal_has_handler_pending (self, signals[SIGNAL_CONNECT], 0, FALSE))
    {
      af_connect_button_set_state (button, AF_INTEGRATION_DISCONNECTED);
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_ ("Connect the account in Integrations")));
      return;
    }
  af_agent_editor_set_service_state (self, service, AF_INTEGRATION_WAITING);
  g_signal_emit (self, signals[SIGNAL_CONNECT], 0, service);
}

static void
on_cancel_cb (AfConnectButton *button,
              AfAgentEditor   *self)
{
  const char *service = af_connect_button_get_service (button);

  af_agent_editor_set_service_state (self, service, AF_INTEGRATION_DISCONNECTED);
  g_signal_emit (self, signals[SIGNAL_CANCEL], 0, service);
}

static const char *
service_state_text (AfIntegrationState state)
{
  switch (state)
    {
    case AF_INTEGRATION_WAITING:
      return _ ("Waiting for you to sign in with your browser…");
    case AF_INTEGRATION_CONNECTED:
      return _ ("Connected");
    case AF_INTEGRATION_NEEDS_RECONNECT:
      return _ ("Needs you to sign in again");
    case AF_INTEGRATION_DISCONNECTED:
    default:
      return _ ("Not connected");
    }
}

static void
build_services (AfAgentEditor *self)
{
  for (guint s = 0; s < G_N_ELEMENTS (editor_services); s++)
    {
      const char *service = editor_services[s];
      GtkWidget  *row = adw_expander_row_new ();
      GtkWidget  *button;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), af_integrations_page_get_service_title (service));
      adw_expander_row_set_show_enable_switch (ADW_EXPANDER_ROW (row), TRUE);
      adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), FALSE);
      g_signal_connect (row, "notify::enable-expansion", G_CALLBACK (on_service_toggled_cb), self);
      g_object_set_data (G_OBJECT (row), "service", (gpointer)service);

      button = af_connect_button_new (service, FALSE);
      af_connect_button_set_service_title (AF_CONNECT_BUTTON (button), af_integrations_page_get_service_title (service));
      g_signal_connect (button, "connect", G_CALLBACK (on_connect_cb), self);
      g_signal_connect (button, "cancel", G_CALLBACK (on_cancel_cb), self);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
      g_object_set_data (G_OBJECT (row), "connect-button", button);
      g_ptr_array_add (self->service_rows, row);
      af_agent_editor_set_service_state (self, service,
                                         is_connected (self, service) ? AF_INTEGRATION_CONNECTED
                                                                      : AF_INTEGRATION_DISCONNECTED);

      for (guint p = 0; p < G_N_ELEMENTS (permissions); p++)
        {
          GtkWidget *perm_row;
          g_autoptr (GtkStringList) model = NULL;

          if (!g_str_equal (permissions[p].service, service))
            continue;

          model = permissions[p].approval != NULL
                      ? gtk_string_list_new ((const char *const[]){ C_ ("action", "Off"), _ ("Ask first"), _ ("Automatic"), NULL })
                      : gtk_string_list_new ((const char *const[]){ C_ ("action", "Off"), _ ("Automatic"), NULL });
          perm_row = adw_combo_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (perm_row), _ (permissions[p].title));
          adw_combo_row_set_model (ADW_COMBO_ROW (perm_row), G_LIST_MODEL (model));
          g_object_set_data (G_OBJECT (perm_row), "index", GUINT_TO_POINTER (p));
          g_signal_connect_swapped (perm_row, "notify::selected", G_CALLBACK (on_changed_cb), self);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), perm_row);
          g_ptr_array_add (self->permission_rows, perm_row);
        }

      adw_preferences_group_add (self->services_group, row);
    }
}

static GtkWidget *
nth_rule (AfAgentEditor *self,
          int            index)
{
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->rules_list, index));
}

static void
update_rule_buttons (AfAgentEditor *self)
{
  /* An empty list shows its placeholder row, never a bare frame. */
  gtk_widget_set_visible (GTK_WIDGET (self->rules_list), TRUE);
}

static void
on_rule_changed_cb (AfAgentEditor *self)
{
  if (!self->loading)
    self->rules_modified = TRUE;
  set_modified (self);
  update_validity (self);
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
  update_rule_buttons (self);
  on_rule_changed_cb (self);
}

static AfRuleRow *
append_rule (AfAgentEditor  *self,
             const RuleSeed *seed)
{
  GtkWidget *row = af_rule_row_new (seed ? seed->field : NULL, seed ? seed->op : NULL,
                                    seed ? seed->value : NULL, seed ? seed->action : NULL,
                                    seed ? seed->argument : NULL);

  g_signal_connect_object (row, "move", G_CALLBACK (on_rule_move_cb), self, 0);
  g_signal_connect_object (row, "remove", G_CALLBACK (on_rule_remove_cb), self, 0);
  g_signal_connect_object (row, "changed", G_CALLBACK (on_rule_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_list_box_append (self->rules_list, row);
  update_rule_buttons (self);
  return AF_RULE_ROW (row);
}

static gboolean
parse_time (const char *text,
            int        *hour,
            int        *minute)
{
  int  h, m;
  char extra;

  if (text == NULL || sscanf (text, "%d:%d%c", &h, &m, &extra) != 2)
    return FALSE;
  if (h < 0 || h > 23 || m < 0 || m > 59)
    return FALSE;
  *hour = h;
  *minute = m;
  return TRUE;
}

static const char *
map_back (const char *const (*map)[2],
          guint       n,
          const char *id)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (map[i][1], id) == 0)
      return map[i][0];
  return id;
}

/* "gmail.compose" → the editor's row for gmail "draft", allowed. */
static void
set_permission (AfAgentEditor *self,
                const char    *engine_permission)
{
  for (guint p = 0; p < self->permission_rows->len; p++)
    {
      AdwComboRow     *action = g_ptr_array_index (self->permission_rows, p);
      guint            index = row_index (action);
      const char      *scope = g_str_equal (permissions[index].permission, "draft") ? "compose" : permissions[index].permission;
      g_autofree char *key = g_strdup_printf ("%s.%s", permissions[index].service, scope);

      if (g_strcmp0 (key, engine_permission) == 0)
        {
          set_level (action, LEVEL_AUTO);
          for (guint s = 0; s < self->service_rows->len; s++)
            {
              AdwExpanderRow *row = g_ptr_array_index (self->service_rows, s);

              if (g_str_equal (g_object_get_data (G_OBJECT (row), "service"), permissions[index].service))
                adw_expander_row_set_enable_expansion (row, TRUE);
            }
        }
    }
}

static gboolean
rule_fits_row (JsonObject *rule,
               JsonArray  *conditions,
               JsonObject *action)
{
  static const char *const fields[] = { "from", "to", "subject", "body", "labels", "event_title", NULL };
  static const char *const booleans[] = { "has_attachment", "has_conflicts", NULL };
  static const char *const ops[] = { "contains", "contains_any", "is_from", "equals", "matches", "older_than", NULL };
  static const char *const acts[] = { "label", "archive", "star", "draft", "send", "post", NULL };
  JsonObject              *condition;
  JsonNode                *value;
  const char              *field, *op;

  if (action == NULL || conditions == NULL || json_array_get_length (conditions) > 1 ||
      !g_strv_contains (acts, json_object_get_string_member_with_default (action, "action", "")))
    return FALSE;
  if (json_array_get_length (conditions) == 0)
    return TRUE;
  condition = json_array_get_object_element (conditions, 0);
  value = json_object_get_member (condition, "value");
  field = json_object_get_string_member_with_default (condition, "field", "");
  op = json_object_get_string_member_with_default (condition, "op", "");
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  /* "Has an attachment", "events overlap": true only; false has no row. */
  if (g_strv_contains (booleans, field))
    return g_str_equal (op, "is") && json_node_get_value_type (value) == G_TYPE_BOOLEAN && json_node_get_boolean (value);
  if (json_node_get_value_type (value) != G_TYPE_STRING)
    return FALSE;
  /* "Older than (days)" is the message's date. */
  if (g_str_equal (field, "date"))
    return g_str_equal (op, "older_than") && g_str_has_suffix (json_node_get_string (value), "d");
  if (!g_strv_contains (fields, field) || !g_strv_contains (ops, op))
    return FALSE;
  /* The row counts days. */
  if (g_str_equal (op, "older_than"))
    return g_str_has_suffix (json_node_get_string (value), "d");
  return TRUE;
}

static void
update_kept_rules (AfAgentEditor *self)
{
  g_autoptr (GString) names = g_string_new (NULL);
  guint            n = self->kept_rules ? json_array_get_length (self->kept_rules) : 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *rule = json_array_get_object_element (self->kept_rules, i);

      if (names->len > 0)
        g_string_append (names, C_ ("list separator", ", "));
      /* Translators: a rule's name in a list of them, quoted */
      g_string_append_printf (names, C_ ("rule name", "“%s”"),
                              json_object_get_string_member_with_default (rule, "name", _ ("Unnamed")));
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

/* Fills the form from an engine definition (an agent's, or a template's
 * with its @template_permissions). */
static void
load_definition (AfAgentEditor     *self,
                 JsonObject        *definition,
                 const char *const *template_permissions)
{
  static const char *const field_map[][2] = {
    { "label", "labels" },
    { "has-attachment", "has_attachment" },
    { "event-title", "event_title" },
    { "has-conflicts", "has_conflicts" },
    { "older-than", "older_than" },
    { "contains-any", "contains_any" },
    { "is-from", "is_from" },
  };
  static const char *const action_map[][2] = {
    { "draft-reply", "draft" },
    { "send-reply", "send" },
    { "post-slack", "post" },
  };
  JsonObject *trigger;
  JsonObject *approvals;
  JsonObject *ai;
  JsonArray  *rules;
  GtkWidget  *row;
  int         hour, minute;

  g_assert (self->loading);

  g_free (self->source);
  self->source = g_strdup (definition ? json_object_get_string_member_with_default (definition, "source", "mail") : "mail");

  trigger = definition && json_object_has_member (definition, "trigger") ? json_object_get_object_member (definition, "trigger") : NULL;
  if (trigger != NULL)
    {
      const char *type = json_object_get_string_member_with_default (trigger, "type", "interval");
      const char *at = json_object_get_string_member_with_default (trigger, "at", NULL);

      for (guint i = 0; i < G_N_ELEMENTS (trigger_ids); i++)
        {
          g_autofree char *id = g_strdelimit (g_strdup (trigger_ids[i]), "-", '_');

          if (g_str_equal (id, type) || (i == TRIGGER_BEFORE_EVENT && g_str_equal (type, "upcoming_event")))
            adw_combo_row_set_selected (self->trigger_row, i);
        }
      if (at != NULL && parse_time (at, &hour, &minute))
        {
          gtk_spin_button_set_value (self->hour_spin, hour);
          gtk_spin_button_set_value (self->minute_spin, minute);
        }
      if (json_object_has_member (trigger, "minutes"))
        {
          gtk_spin_button_set_value (self->interval_spin, json_object_get_int_member (trigger, "minutes"));
          gtk_spin_button_set_value (self->lead_spin, json_object_get_int_member (trigger, "minutes"));
        }
      if (json_object_has_member (trigger, "weekday"))
        adw_combo_row_set_selected (self->weekday_row, MAX (1, json_object_get_int_member (trigger, "weekday")) - 1);
    }

  /* A mail agent's first run: new mail only, or also the last 7 or 30
   * days ("first_run_days"). */
  {
    const char *source = definition ? json_object_get_string_member_with_default (definition, "source", "mail") : "mail";
    gint64      days = definition && json_object_has_member (definition, "first_run_days") &&
                          JSON_NODE_HOLDS_VALUE (json_object_get_member (definition, "first_run_days"))
                           ? json_object_get_int_member (definition, "first_run_days")
                           : 0;

    gtk_widget_set_visible (GTK_WIDGET (self->first_run_row), g_str_equal (source, "mail"));
    adw_combo_row_set_selected (self->first_run_row, days <= 0 ? FIRST_RUN_NEW : days <= 7 ? FIRST_RUN_WEEK
                                                                                           : FIRST_RUN_MONTH);
  }

  for (guint s = 0; s < self->service_rows->len; s++)
    adw_expander_row_set_enable_expansion (g_ptr_array_index (self->service_rows, s), FALSE);
  for (guint p = 0; p < self->permission_rows->len; p++)
    set_level (g_ptr_array_index (self->permission_rows, p), LEVEL_OFF);

  for (guint k = 0; template_permissions != NULL && template_permissions[k] != NULL; k++)
    set_permission (self, template_permissions[k]);

  if (definition != NULL && json_object_has_member (definition, "connections"))
    {
      JsonArray *connections = json_object_get_array_member (definition, "connections");

      for (guint c = 0; c < json_array_get_length (connections); c++)
        {
          JsonObject *connection = json_array_get_object_element (connections, c);
          const char *service = json_object_get_string_member_with_default (connection, "service", "");
          JsonArray  *perms = json_object_has_member (connection, "permissions") ? json_object_get_array_member (connection, "permissions") : NULL;

          for (guint s = 0; s < self->service_rows->len; s++)
            {
              AdwExpanderRow *service_row = g_ptr_array_index (self->service_rows, s);

              if (g_str_equal (g_object_get_data (G_OBJECT (service_row), "service"), service))
                adw_expander_row_set_enable_expansion (service_row, TRUE);
            }
          for (guint k = 0; perms != NULL && k < json_array_get_length (perms); k++)
            set_permission (self, json_array_get_string_element (perms, k));
        }
    }
  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow *service_row = g_ptr_array_index (self->service_rows, s);

      adw_expander_row_set_expanded (service_row, adw_expander_row_get_enable_expansion (service_row));
    }

  /* A rule row holds one condition and one action. Rules with more (or
   * with settings a row has no field for) are kept as they are, and said
   * so, rather than cut down. */
  while ((row = nth_rule (self, 0)) != NULL)
    gtk_list_box_remove (self->rules_list, row);
  g_clear_pointer (&self->kept_rules, json_array_unref);
  self->kept_rules = json_array_new ();
  rules = definition && json_object_has_member (definition, "rules") ? json_object_get_array_member (definition, "rules") : NULL;
  for (guint i = 0; rules != NULL && i < json_array_get_length (rules); i++)
    {
      JsonObject      *rule = json_array_get_object_element (rules, i);
      JsonArray       *conditions = json_object_has_member (rule, "conditions") ? json_object_get_array_member (rule, "conditions") : NULL;
      JsonArray       *actions = json_object_has_member (rule, "actions") ? json_object_get_array_member (rule, "actions") : NULL;
      JsonObject      *condition = conditions && json_array_get_length (conditions) == 1 ? json_array_get_object_element (conditions, 0) : NULL;
      JsonObject      *action = actions && json_array_get_length (actions) == 1 ? json_array_get_object_element (actions, 0) : NULL;
      JsonObject      *params = action && json_object_has_member (action, "params") ? json_object_get_object_member (action, "params") : NULL;
      JsonNode        *value = condition ? json_object_get_member (condition, "value") : NULL;
      g_autofree char *days = NULL;
      RuleSeed         seed = { 0 };
      AfRuleRow       *rule_row;

      if (!rule_fits_row (rule, conditions, action))
        {
          json_array_add_element (self->kept_rules, json_node_copy (json_array_get_element (rules, i)));
          continue;
        }
      seed.field = condition ? map_back (field_map, G_N_ELEMENTS (field_map), json_object_get_string_member_with_default (condition, "field", NULL))
                             : "always";
      seed.op = condition ? map_back (field_map, G_N_ELEMENTS (field_map), json_object_get_string_member_with_default (condition, "op", NULL)) : NULL;
      seed.value = value != NULL && json_node_get_value_type (value) == G_TYPE_STRING ? json_node_get_string (value) : NULL;
      if (g_strcmp0 (seed.op, "older-than") == 0)
        seed.value = days = g_strndup (seed.value, strlen (seed.value) - 1);
      if (g_strcmp0 (seed.field, "date") == 0)
        seed.field = "older";
      else if (g_strcmp0 (seed.field, "label") == 0 && g_strcmp0 (seed.op, "equals") == 0 && g_strcmp0 (seed.value, "UNREAD") == 0)
        seed.field = "unread";
      seed.action = map_back (action_map, G_N_ELEMENTS (action_map), json_object_get_string_member_with_default (action, "action", NULL));
      seed.argument = params ? json_object_get_string_member_with_default (params, "label",
                                                                           json_object_get_string_member_with_default (params, "channel", NULL))
                             : NULL;
      rule_row = append_rule (self, &seed);
      af_rule_row_set_kept (rule_row, json_object_get_string_member_with_default (rule, "name", NULL),
                            json_object_get_boolean_member_with_default (rule, "stop", FALSE), params);
    }
  update_kept_rules (self);

  /* An allowed action asks first or not as the approvals say; unset,
   * as the engine does: ask before what leaves the account (send, post,
   * events). "Never" is the same as not allowed: Off. */
  approvals = definition && json_object_has_member (definition, "approvals") ? json_object_get_object_member (definition, "approvals") : NULL;
  for (guint p = 0; p < self->permission_rows->len; p++)
    {
      AdwComboRow *action = g_ptr_array_index (self->permission_rows, p);

      if (get_level (action) != LEVEL_OFF)
        set_level (action, allowed_level (row_index (action), approvals));
    }

  ai = definition && json_object_has_member (definition, "ai") ? json_object_get_object_member (definition, "ai") : NULL;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->instructions_view),
                            ai ? json_object_get_string_member_with_default (ai, "instructions", "") : "", -1);
  gtk_switch_set_active (self->ai_switch, ai ? json_object_get_boolean_member_with_default (ai, "enabled", FALSE) : FALSE);

  update_trigger_rows (self);
}

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

/* The rules as they are now, tried by the engine's test run on what the
 * agent would read: the model stays out, a preview is about the rules. */
static gboolean
preview_cb (gpointer user_data)
{
  AfAgentEditor   *self = user_data;
  g_autofree char *json = NULL;
  g_autoptr (JsonNode) node = NULL;
  gboolean rules_ok = TRUE;
  guint    n = af_agent_editor_get_n_rules (self);

  self->preview_id = 0;
  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);

  for (guint r = 0; r < n; r++)
    rules_ok &= af_rule_row_is_valid (AF_RULE_ROW (gtk_list_box_get_row_at_index (self->rules_list, r)));
  gtk_widget_set_visible (self->preview_box, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_subjects), FALSE);
  if (n == 0 || !rules_ok)
    {
      gtk_label_set_label (self->preview_label, n == 0 ? _ ("Add a rule to see which messages it matches")
                                                       : _ ("Finish the rules to see which messages they match"));
      return G_SOURCE_REMOVE;
    }
  if (!validate_form (self, FALSE))
    {
      gtk_label_set_label (self->preview_label, _ ("Complete the highlighted fields to see which messages the rules match"));
      return G_SOURCE_REMOVE;
    }

  node = json_from_string ((json = af_agent_editor_to_json (self)), NULL);
  json_object_set_boolean_member (json_node_get_object (node), "use_ai", FALSE);
  json_object_set_boolean_member (json_node_get_object (node), "rules_modified", TRUE);
  g_clear_pointer (&json, g_free);
  json = json_to_string (node, FALSE);

  self->preview_cancellable = g_cancellable_new ();
  gtk_label_set_label (self->preview_label, _ ("Checking what the rules match…"));
  g_signal_emit (self, signals[SIGNAL_PREVIEW], 0, json, self->preview_cancellable);
  return G_SOURCE_REMOVE;
}

/* Typing a word re-runs it once the typing pauses, not per key. */
static void
schedule_preview (AfAgentEditor *self)
{
  if (!g_signal_has_handler_pending (self, signals[SIGNAL_PREVIEW], 0, FALSE))
    return;
  g_clear_handle_id (&self->preview_id, g_source_remove);
  self->preview_id = g_timeout_add (300, preview_cb, self);
}

static void
on_discard_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        AfAgentEditor    *self)
{
  /* The dialog outlives this handler; let go of the editor first. */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (g_str_equal (response, "discard"))
    {
      self->modified = FALSE;
      gtk_window_destroy (GTK_WINDOW (self));
    }
}

static void
ask_discard (AfAgentEditor *self)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Discard Changes?"),
                                   _ ("The agent has not been saved. If you close the editor now, your changes are lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _ ("_Keep Editing"),
                                    "discard", _ ("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
editor_cancel (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
editor_save (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AfAgentEditor   *self = AF_AGENT_EDITOR (widget);
  g_autofree char *json = NULL;

  if (!af_agent_editor_validate (self))
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_ ("Fix the highlighted fields to save the agent")));
      return;
    }

  json = af_agent_editor_to_json (self);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, json);
  self->modified = FALSE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_test_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
set_testing (AfAgentEditor *self,
             gboolean       testing)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.test-run", !testing);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), testing);
  gtk_spinner_set_spinning (self->test_spinner, testing);
}

static void
editor_test_run (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AfAgentEditor   *self = AF_AGENT_EDITOR (widget);
  g_autofree char *plan = NULL;
  GtkWidget       *dialog;

  if (!af_agent_editor_validate (self))
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_ ("Fix the highlighted fields to try the agent")));
      return;
    }

  /* Tried for real by the engine, saved or not: reads and decisions, no
   * side effect. */
  if (g_signal_has_handler_pending (self, signals[SIGNAL_TEST_RUN], 0, FALSE))
    {
      g_autofree char *json = af_agent_editor_to_json (self);

      g_cancellable_cancel (self->test_cancellable);
      g_clear_object (&self->test_cancellable);
      self->test_cancellable = g_cancellable_new ();
      set_testing (self, TRUE);
      g_signal_emit (self, signals[SIGNAL_TEST_RUN], 0, json, self->test_cancellable);
      return;
    }

  plan = af_agent_editor_describe_plan (self);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Test Run"), plan);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_test_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
editor_add_rule (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  af_agent_editor_add_rule (AF_AGENT_EDITOR (widget));
}

static gboolean
af_agent_editor_close_request (GtkWindow *window)
{
  AfAgentEditor *self = AF_AGENT_EDITOR (window);

  if (self->modified)
    {
      ask_discard (self);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (af_agent_editor_parent_class)->close_request (window);
}

static void
af_agent_editor_dispose (GObject *object)
{
  AfAgentEditor *self = (AfAgentEditor *)object;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_handle_id (&self->preview_id, g_source_remove);
  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), AF_TYPE_AGENT_EDITOR);

  G_OBJECT_CLASS (af_agent_editor_parent_class)->dispose (object);
}

static void
af_agent_editor_finalize (GObject *object)
{
  AfAgentEditor *self = (AfAgentEditor *)object;

  g_clear_object (&self->template);
  g_clear_pointer (&self->kept_rules, json_array_unref);
  g_clear_pointer (&self->template_id, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->agent_id, g_free);
  g_clear_pointer (&self->connected, g_strfreev);
  g_clear_pointer (&self->service_rows, g_ptr_array_unref);
  g_clear_pointer (&self->permission_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (af_agent_editor_parent_class)->finalize (object);
}

static void
af_agent_editor_class_init (AfAgentEditorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = af_agent_editor_dispose;
  object_class->finalize = af_agent_editor_finalize;
  window_class->close_request = af_agent_editor_close_request;

  /**
   * AfAgentEditor::saved:
   * @json: the agent in the engine's import format
   *
   * The user saved a valid agent.
   */
  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * AfAgentEditor::test-run:
   * @json: the agent as the editor holds it now, saved or not
   * @cancellable: cancelled when the editor closes or a new test starts
   *
   * The user asked what the agent would do. The handler tries it and
   * calls af_agent_editor_show_test_result(). Without a handler, the
   * editor describes the plan in words.
   */
  /**
   * AfAgentEditor::connect:
   * @service: "gmail", "calendar" or "slack"
   *
   * The user asked to connect @service from the editor; the handler runs
   * the accounts flow and reports with af_agent_editor_set_service_state().
   */
  signals[SIGNAL_CONNECT] = g_signal_new ("connect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * AfAgentEditor::cancel:
   * @service: the service whose sign-in the user gave up on
   */
  signals[SIGNAL_CANCEL] = g_signal_new ("cancel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * AfAgentEditor::preview:
   * @json: the agent as the editor holds it now, its AI model off
   * @cancellable: cancelled when the rules change again or the editor closes
   *
   * The rules changed: the handler tries them without side effects and
   * calls af_agent_editor_show_preview(). Without a handler, no preview.
   */
  signals[SIGNAL_PREVIEW] = g_signal_new ("preview", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_CANCELLABLE);
  signals[SIGNAL_TEST_RUN] = g_signal_new ("test-run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_CANCELLABLE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-agent-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, name_error);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, trigger_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, first_run_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, interval_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, weekday_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, time_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, lead_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, lead_spin);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, services_group);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, services_error);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, rules_list);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, kept_rules_label);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, rules_error);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, instructions_view);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, ai_switch);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, ai_error);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, preview_box);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, preview_label);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, preview_subjects);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_trigger_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_time_output_cb);

  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, editor_cancel);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, editor_save);
  gtk_widget_class_install_action (widget_class, "editor.test-run", NULL, editor_test_run);
  gtk_widget_class_install_action (widget_class, "editor.add-rule", NULL, editor_add_rule);
}

static void
af_agent_editor_init (AfAgentEditor *self)
{
  self->service_rows = g_ptr_array_new ();
  self->permission_rows = g_ptr_array_new ();
  self->kept_rules = json_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->instructions_view), "changed",
                            G_CALLBACK (on_changed_cb), self);
  /* The first preview once shown: whoever tries the rules is listening
   * by then. */
  g_signal_connect (self, "map", G_CALLBACK (schedule_preview), NULL);

  /* Instructions for a model that is off would be followed by nobody. */
  g_object_bind_property (self->ai_switch, "active", self->instructions_view, "sensitive", G_BINDING_SYNC_CREATE);

  {
    GtkWidget *placeholder = gtk_label_new (_ ("No rules yet — add one to tell the agent what to look for"));

    gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
    gtk_widget_set_margin_top (placeholder, 18);
    gtk_widget_set_margin_bottom (placeholder, 18);
    gtk_widget_set_margin_start (placeholder, 12);
    gtk_widget_set_margin_end (placeholder, 12);
    gtk_widget_add_css_class (placeholder, "dim-label");
    gtk_list_box_set_placeholder (self->rules_list, placeholder);
  }
}

/**
 * af_agent_editor_new:
 * @template: the template to start from
 * @connected_services: (nullable): services with an account
 *
 * An editor for a new agent, filled in from @template.
 */
AfAgentEditor *
af_agent_editor_new (GtkWindow *parent,
                     AfTemplate *template,
                     const char *const *connected_services)
{
  AfAgentEditor *self;
  gboolean       custom;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (AF_IS_TEMPLATE (template), NULL);

  self = g_object_new (AF_TYPE_AGENT_EDITOR, "transient-for", parent, NULL);
  self->template = g_object_ref (template);
  self->template_id = g_strdup (af_template_get_id (template));
  self->connected = g_strdupv ((char **)connected_services);
  custom = g_str_equal (self->template_id, "custom");

  build_services (self);

  /* A custom agent starts blank: its template's text says how to fill
   * it in, it does not describe an agent. */
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), custom ? "" : af_template_get_name (template));
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), custom ? "" : af_template_get_description (template));
  load_definition (self, af_template_get_definition (template), af_template_get_permissions (template));
  self->loading = FALSE;
  self->modified = FALSE;
  self->rules_modified = FALSE;
  update_validity (self);

  adw_window_title_set_subtitle (self->window_title, custom ? _ ("Custom Agent") : af_template_get_name (template));

  return self;
}

const char *
af_agent_editor_get_template_id (AfAgentEditor *self)
{
  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  return self->template_id;
}

/**
 * af_agent_editor_get_modified:
 *
 * Whether the user changed anything since the editor opened.
 */
gboolean
af_agent_editor_get_modified (AfAgentEditor *self)
{
  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), FALSE);

  return self->modified;
}

guint
af_agent_editor_get_n_rules (AfAgentEditor *self)
{
  guint n = 0;

  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), 0);

  while (nth_rule (self, n) != NULL)
    n++;
  return n;
}

void
af_agent_editor_add_rule (AfAgentEditor *self)
{
  GtkWidget *row;

  g_return_if_fail (AF_IS_AGENT_EDITOR (self));

  append_rule (self, NULL);
  on_rule_changed_cb (self);
  row = nth_rule (self, af_agent_editor_get_n_rules (self) - 1);
  gtk_widget_child_focus (row, GTK_DIR_TAB_FORWARD);
}

void
af_agent_editor_set_name (AfAgentEditor *self,
                          const char    *name)
{
  g_return_if_fail (AF_IS_AGENT_EDITOR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

const char *
af_agent_editor_get_name (AfAgentEditor *self)
{
  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->name_row));
}

/**
 * af_agent_editor_set_default_name:
 *
 * Proposes @name without counting it as a change of the user's.
 */
void
af_agent_editor_set_default_name (AfAgentEditor *self,
                                  const char    *name)
{
  gboolean loading;

  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (name != NULL);

  loading = self->loading;
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  self->loading = loading;
}

/**
 * af_agent_editor_validate:
 *
 * Checks the form and shows what to fix next to each field.
 *
 * Returns: %TRUE when the agent can be saved
 */
gboolean
af_agent_editor_validate (AfAgentEditor *self)
{
  gboolean ok;

  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), FALSE);

  ok = validate_form (self, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", ok);
  return ok;
}

/* With @mark, shows every problem and focuses the first; without, only
 * clears what is fixed and says on Save why it cannot save yet. */
static gboolean
validate_form (AfAgentEditor *self,
               gboolean       mark)
{
  g_autofree char *name = NULL;
  g_autofree char *missing = NULL;
  const char      *why = NULL;
  gboolean         ok = TRUE;
  gboolean         any_service = FALSE;
  gboolean         rules_ok = TRUE;
  GtkWidget       *first_invalid = NULL;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  if (*name == '\0')
    {
      show_error (GTK_WIDGET (self->name_row), self->name_error, _ ("Give the agent a name, so you can find it in the activity."), mark);
      first_invalid = GTK_WIDGET (self->name_row);
      ok = FALSE;
    }
  else if (g_utf8_strlen (name, -1) > 80)
    {
      show_error (GTK_WIDGET (self->name_row), self->name_error, _ ("Use a name of at most 80 characters."), mark);
      first_invalid = GTK_WIDGET (self->name_row);
      ok = FALSE;
    }
  else
    show_error (GTK_WIDGET (self->name_row), self->name_error, NULL, mark);

  for (guint s = 0; s < self->service_rows->len; s++)
    any_service |= adw_expander_row_get_enable_expansion (g_ptr_array_index (self->service_rows, s));
  show_error (NULL, self->services_error,
              any_service ? NULL : _ ("Turn on at least one service for the agent to work with."), mark);
  if (!any_service)
    {
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->services_group);
      ok = FALSE;
    }

  for (guint r = 0; nth_rule (self, r) != NULL; r++)
    {
      AfRuleRow *rule = AF_RULE_ROW (nth_rule (self, r));

      if (mark || af_rule_row_is_valid (rule))
        rules_ok &= af_rule_row_validate (rule);
      else
        rules_ok = FALSE;
    }
  /* A rule may only do what the agent is allowed to: say which choice
   * to change, rather than let the engine deny it on every run. */
  for (guint r = 0; rules_ok && nth_rule (self, r) != NULL; r++)
    {
      const char  *action = af_rule_row_get_action (AF_RULE_ROW (nth_rule (self, r)));
      guint        needed = action_permission (action);
      AdwComboRow *row = permission_row (self, permissions[needed].service, permissions[needed].permission);

      if (!service_is_on (self, permissions[needed].service) || get_level (row) == LEVEL_OFF)
        {
          /* Translators: the first %s is an action ("Send mail"), the second a service ("Gmail") */
          missing = g_strdup_printf (_ ("A rule needs “%s” under %s: set it to Ask first or Automatic, or change the rule."),
                                     _ (permissions[needed].title), af_integrations_page_get_service_title (permissions[needed].service));
          rules_ok = FALSE;
        }
    }
  if (!rules_ok && mark)
    gtk_label_set_label (self->rules_error,
                         missing ? missing : _ ("Fill in the highlighted rule fields, or remove the rules you do not need."));
  show_error (NULL, self->rules_error, rules_ok ? NULL : gtk_label_get_label (self->rules_error), mark);
  if (!rules_ok)
    {
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->rules_list);
      ok = FALSE;
    }

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
        if (first_invalid == NULL)
          first_invalid = GTK_WIDGET (self->instructions_view);
        ok = FALSE;
      }
    else
      show_error (GTK_WIDGET (self->instructions_view), self->ai_error, NULL, mark);
  }

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

  return ok;
}

/**
 * af_agent_editor_describe_plan:
 *
 * What the agent will do, in words: the test run of an editor nobody
 * tries agents for (no engine is running).
 */
char *
af_agent_editor_describe_plan (AfAgentEditor *self)
{
  g_autoptr (GString) plan = g_string_new (NULL);
  g_autofree char *at = NULL;
  guint            trigger;

  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  at = time_text (self);
  trigger = adw_combo_row_get_selected (self->trigger_row);
  switch (trigger)
    {
    case TRIGGER_INTERVAL:
      {
        int n = gtk_spin_button_get_value_as_int (self->interval_spin);

        g_string_append_printf (plan, ngettext ("Runs every minute.", "Runs every %d minutes.", n), n);
      }
      break;
    case TRIGGER_DAILY:
      g_string_append_printf (plan, _ ("Runs every day at %s."), at);
      break;
    case TRIGGER_WEEKLY:
      g_string_append_printf (plan, _ ("Runs every week at %s."), at);
      break;
    case TRIGGER_NEW_MAIL:
      g_string_append (plan, _ ("Runs when new mail arrives."));
      break;
    case TRIGGER_BEFORE_EVENT:
    default:
      {
        int n = gtk_spin_button_get_value_as_int (self->lead_spin);

        g_string_append_printf (plan, ngettext ("Runs %d minute before each event.", "Runs %d minutes before each event.", n),
                                n);
      }
      break;
    }
  g_string_append (plan, "\n\n");

  if (af_agent_editor_get_n_rules (self) == 0)
    g_string_append (plan, _ ("It has no rules; it follows its AI instructions."));
  for (guint r = 0; nth_rule (self, r) != NULL; r++)
    {
      g_autofree char *line = af_rule_row_describe (AF_RULE_ROW (nth_rule (self, r)));

      g_string_append_printf (plan, "• %s\n", g_strstrip (line));
    }

  for (guint p = 0; p < self->permission_rows->len; p++)
    if (get_level (g_ptr_array_index (self->permission_rows, p)) == LEVEL_ASK)
      {
        g_string_append_printf (plan, "\n%s", _ ("It asks you first before it sends, posts or creates anything you marked “Ask first”."));
        break;
      }

  g_string_append_printf (plan, "\n\n%s", _ ("Agents are not running, so it cannot be tried on your accounts now."));

  return g_string_free (g_steal_pointer (&plan), FALSE);
}

/**
 * af_agent_editor_to_json:
 *
 * The agent as JSON, in the shape of the engine's export format (no
 * secrets).
 */
char *
af_agent_editor_to_json (AfAgentEditor *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *instructions = NULL;
  g_autofree char *at = NULL;
  GtkTextBuffer   *buffer;
  GtkTextIter      start, end;
  guint            trigger;

  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  at = time_text (self);
  buffer = gtk_text_view_get_buffer (self->instructions_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  instructions = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  trigger = adw_combo_row_get_selected (self->trigger_row);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  json_builder_set_member_name (builder, "template");
  json_builder_add_string_value (builder, self->template_id);
  if (self->agent_id != NULL)
    {
      json_builder_set_member_name (builder, "agent_id");
      json_builder_add_string_value (builder, self->agent_id);
    }

  json_builder_set_member_name (builder, "trigger");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, trigger_ids[MIN (trigger, G_N_ELEMENTS (trigger_ids) - 1)]);
  json_builder_set_member_name (builder, "minutes");
  json_builder_add_int_value (builder, trigger == TRIGGER_BEFORE_EVENT
                                           ? gtk_spin_button_get_value_as_int (self->lead_spin)
                                           : gtk_spin_button_get_value_as_int (self->interval_spin));
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, at);
  json_builder_set_member_name (builder, "weekday");
  json_builder_add_int_value (builder, adw_combo_row_get_selected (self->weekday_row) + 1);
  json_builder_end_object (builder);

  if (gtk_widget_get_visible (GTK_WIDGET (self->first_run_row)))
    {
      json_builder_set_member_name (builder, "first_run_days");
      json_builder_add_int_value (builder, first_run_days[MIN (adw_combo_row_get_selected (self->first_run_row),
                                                               G_N_ELEMENTS (first_run_days) - 1)]);
    }

  json_builder_set_member_name (builder, "permissions");
  json_builder_begin_object (builder);
  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow *row = g_ptr_array_index (self->service_rows, s);
      const char     *service = g_object_get_data (G_OBJECT (row), "service");

      if (!adw_expander_row_get_enable_expansion (row))
        continue;
      json_builder_set_member_name (builder, service);
      json_builder_begin_array (builder);
      for (guint p = 0; p < self->permission_rows->len; p++)
        {
          AdwComboRow *action = g_ptr_array_index (self->permission_rows, p);
          guint        index = row_index (action);

          if (g_str_equal (permissions[index].service, service) && get_level (action) != LEVEL_OFF)
            json_builder_add_string_value (builder, permissions[index].permission);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "rules_modified");
  json_builder_add_boolean_value (builder, self->rules_modified || g_str_equal (self->template_id, "custom"));
  json_builder_set_member_name (builder, "rules");
  json_builder_begin_array (builder);
  for (guint r = 0; nth_rule (self, r) != NULL; r++)
    {
      g_autofree char *rule = af_rule_row_to_json (AF_RULE_ROW (nth_rule (self, r)));

      json_builder_add_value (builder, json_from_string (rule, NULL));
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "kept_rules");
  json_builder_add_value (builder, json_node_init_array (json_node_alloc (), self->kept_rules));

  json_builder_set_member_name (builder, "instructions");
  json_builder_add_string_value (builder, instructions);
  json_builder_set_member_name (builder, "use_ai");
  json_builder_add_boolean_value (builder, gtk_switch_get_active (self->ai_switch));

  json_builder_set_member_name (builder, "approval");
  json_builder_begin_object (builder);
  for (guint p = 0; p < self->permission_rows->len; p++)
    {
      AdwComboRow *action = g_ptr_array_index (self->permission_rows, p);
      guint        index = row_index (action);

      if (permissions[index].approval == NULL)
        continue;
      json_builder_set_member_name (builder, permissions[index].approval);
      json_builder_add_string_value (builder, get_level (action) == LEVEL_ASK ? "ask" : "auto");
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

/**
 * af_agent_editor_load_agent:
 * @agent_id: the agent being edited
 * @definition: its definition (trigger, connections, rules, approvals)
 *
 * Fills the editor from an existing agent; saving then updates it.
 */
void
af_agent_editor_load_agent (AfAgentEditor *self,
                            const char    *agent_id,
                            const char    *name,
                            const char    *description,
                            JsonObject    *definition)
{
  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (agent_id != NULL);

  self->loading = TRUE;
  g_free (self->agent_id);
  self->agent_id = g_strdup (agent_id);
  adw_window_title_set_title (self->window_title, _ ("Edit Agent"));
  /* The window's own title too: it is what the window list and the
   * screen reader announce. */
  gtk_window_set_title (GTK_WINDOW (self), _ ("Edit Agent"));
  adw_window_title_set_subtitle (self->window_title, name);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), description ? description : "");
  load_definition (self, definition, NULL);
  self->loading = FALSE;
  self->modified = FALSE;
  self->rules_modified = FALSE;
  update_validity (self);
}

/* At most this many rows: a first run can see a whole inbox. */
#define MAX_RESULT_ROWS 50

static void
add_result_row (GtkListBox *list,
                const char *title,
                const char *subtitle,
                gboolean    problem)
{
  GtkWidget       *row = adw_action_row_new ();
  g_autofree char *escaped = g_markup_escape_text (title ? title : "", -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (problem)
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  gtk_list_box_append (list, row);
}

/**
 * af_agent_editor_show_test_result:
 * @result: (nullable): what af_engine_test_agent_finish() returned
 * @error: (nullable): why the test could not run
 *
 * Ends the test run's waiting state and shows what the agent would do,
 * one action a line, or why it could not be tried.
 */
void
af_agent_editor_show_test_result (AfAgentEditor *self,
                                  JsonObject    *result,
                                  const GError  *error)
{
  g_autoptr (GString) body = g_string_new (NULL);
  JsonArray *actions = NULL;
  JsonArray *steps = NULL;
  GtkWidget *dialog;
  GtkWidget *list;
  guint      n_rows = 0, n_actions = 0;

  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (result != NULL || error != NULL);

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_testing (self, FALSE);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  if (result == NULL)
    g_string_append_printf (body, _ ("The agent could not be tried: %s"), error->message);
  else
    {
      actions = json_object_has_member (result, "actions") ? json_object_get_array_member (result, "actions") : NULL;
      steps = json_object_has_member (result, "steps") ? json_object_get_array_member (result, "steps") : NULL;
      n_actions = actions ? json_array_get_length (actions) : 0;

      if (n_actions == 0)
        g_string_append (body, _ ("Right now the agent would do nothing: nothing it read matches what it looks for."));
      else
        g_string_append_printf (body, ngettext ("Right now the agent would take %u action.", "Right now the agent would take %u actions.", n_actions),
                                n_actions);

      for (guint i = 0; i < n_actions && n_rows < MAX_RESULT_ROWS; i++, n_rows++)
        {
          JsonObject *a = json_array_get_object_element (actions, i);
          const char *policy = json_object_get_string_member_with_default (a, "policy", "auto");

          add_result_row (GTK_LIST_BOX (list), json_object_get_string_member_with_default (a, "summary", ""),
                          g_str_equal (policy, "ask")     ? _ ("Waits for your approval first")
                          : g_str_equal (policy, "never") ? _ ("Turned off: it would not do this")
                                                          : NULL,
                          FALSE);
        }

      /* Nothing to do: what it looked at says why. */
      for (guint i = 0; n_actions == 0 && steps != NULL && i < json_array_get_length (steps) && n_rows < MAX_RESULT_ROWS; i++)
        {
          JsonObject *step = json_array_get_object_element (steps, i);
          const char *outcome = json_object_get_string_member_with_default (step, "outcome", NULL);

          if (g_strcmp0 (outcome, "denied") != 0 && g_strcmp0 (outcome, "failed") != 0)
            {
              add_result_row (GTK_LIST_BOX (list), json_object_get_string_member_with_default (step, "summary", ""),
                              NULL, FALSE);
              n_rows++;
            }
        }

      /* What went wrong matters as much as what it would do. */
      for (guint i = 0; steps != NULL && i < json_array_get_length (steps) && n_rows < MAX_RESULT_ROWS; i++)
        {
          JsonObject *step = json_array_get_object_element (steps, i);
          const char *outcome = json_object_get_string_member_with_default (step, "outcome", NULL);
          const char *kind = json_object_get_string_member_with_default (step, "kind", "");

          if (g_strcmp0 (outcome, "denied") == 0 || g_strcmp0 (outcome, "failed") == 0 || g_str_has_suffix (kind, "error") ||
              g_str_has_suffix (kind, "rejected"))
            {
              add_result_row (GTK_LIST_BOX (list), json_object_get_string_member_with_default (step, "summary", ""),
                              NULL, TRUE);
              n_rows++;
            }
        }
      if (n_actions > MAX_RESULT_ROWS)
        g_string_append_printf (body, " %s", _ ("The first ones are listed."));
    }
  g_string_append_printf (body, "\n\n%s", _ ("Nothing was changed."));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Test Run"), body->str);
  if (n_rows > 0)
    {
      GtkWidget *scrolled = gtk_scrolled_window_new ();

      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
      /* Room for a few rows even in a small dialog; the rest scroll. */
      gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), MIN (n_rows, 3) * 56);
      gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
    }
  else
    {
      g_object_ref_sink (list);
      g_object_unref (list);
    }
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_test_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * af_agent_editor_set_service_state:
 * @service: "gmail", "calendar" or "slack"
 *
 * Shows whether @service has an account, or is waiting for one.
 */
void
af_agent_editor_set_service_state (AfAgentEditor     *self,
                                   const char        *service,
                                   AfIntegrationState state)
{
  g_autoptr (GStrvBuilder) builder = NULL;

  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (service != NULL);

  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow *row = g_ptr_array_index (self->service_rows, s);

      if (g_str_equal (g_object_get_data (G_OBJECT (row), "service"), service))
        {
          adw_expander_row_set_subtitle (row, service_state_text (state));
          af_connect_button_set_state (g_object_get_data (G_OBJECT (row), "connect-button"), state);
        }
    }

  builder = g_strv_builder_new ();
  for (guint i = 0; self->connected != NULL && self->connected[i] != NULL; i++)
    if (!g_str_equal (self->connected[i], service))
      g_strv_builder_add (builder, self->connected[i]);
  if (state == AF_INTEGRATION_CONNECTED)
    g_strv_builder_add (builder, service);
  g_strfreev (self->connected);
  self->connected = g_strv_builder_end (builder);
}

/**
 * af_agent_editor_get_service_state:
 */
AfIntegrationState
af_agent_editor_get_service_state (AfAgentEditor *self,
                                   const char    *service)
{
  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), AF_INTEGRATION_DISCONNECTED);

  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow *row = g_ptr_array_index (self->service_rows, s);

      if (g_str_equal (g_object_get_data (G_OBJECT (row), "service"), service))
        return af_connect_button_get_state (g_object_get_data (G_OBJECT (row), "connect-button"));
    }
  return AF_INTEGRATION_DISCONNECTED;
}

/* At most this many subjects under the preview's count. */
#define MAX_PREVIEW_SUBJECTS 4

/**
 * af_agent_editor_show_preview:
 * @result: (nullable): what af_engine_test_agent_finish() returned
 * @error: (nullable): why the rules could not be tried
 *
 * Shows how many of the items the agent reads now its rules match, and
 * the first ones' subjects.
 */
void
af_agent_editor_show_preview (AfAgentEditor *self,
                              JsonObject    *result,
                              const GError  *error)
{
  g_autoptr (GHashTable) matched = NULL;
  g_autoptr (GString) subjects = NULL;
  g_autofree char *text = NULL;
  JsonArray       *actions;
  guint            n_items, n_subjects = 0;
  gboolean         mail;

  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (result != NULL || error != NULL);

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_visible (self->preview_box, TRUE);
  if (result == NULL)
    {
      /* Translators: %s says why, e.g. "no service connections are set up" */
      text = g_strdup_printf (_ ("No preview: %s"), error->message);
      gtk_label_set_label (self->preview_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->preview_subjects), FALSE);
      return;
    }

  matched = g_hash_table_new (g_str_hash, g_str_equal);
  subjects = g_string_new (NULL);
  actions = json_object_has_member (result, "actions") ? json_object_get_array_member (result, "actions") : NULL;
  for (guint i = 0; actions != NULL && i < json_array_get_length (actions); i++)
    {
      JsonObject *a = json_array_get_object_element (actions, i);
      const char *item = json_object_get_string_member_with_default (a, "item", "");

      if (!g_hash_table_add (matched, (gpointer)item))
        continue;
      if (n_subjects++ < MAX_PREVIEW_SUBJECTS)
        g_string_append_printf (subjects, "%s• %s", subjects->len > 0 ? "\n" : "",
                                json_object_get_string_member_with_default (a, "subject", ""));
    }
  n_items = json_object_get_int_member_with_default (result, "items", 0);
  mail = g_strcmp0 (self->source, "mail") == 0;
  if (n_items == 0)
    text = g_strdup (mail ? _ ("There is no mail to match right now") : _ ("There is nothing to match right now"));
  else if (mail)
    /* Translators: "Matches 3 of the 40 messages it reads now" */
    text = g_strdup_printf (ngettext ("Matches %u of the %u message it reads now", "Matches %u of the %u messages it reads now", n_items),
                            g_hash_table_size (matched), n_items);
  else
    text = g_strdup_printf (ngettext ("Matches %u of the %u items it reads now", "Matches %u of the %u items it reads now", n_items),
                            g_hash_table_size (matched), n_items);
  gtk_label_set_label (self->preview_label, text);
  gtk_label_set_label (self->preview_subjects, subjects->str);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_subjects), subjects->len > 0);
}
