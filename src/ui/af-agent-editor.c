/* af-agent-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "af-agent-editor.h"
#include "af-integrations-page.h"
#include "af-rule-row.h"

struct _AfAgentEditor
{
  AdwWindow parent_instance;

  char      *template_id;
  char      *agent_id;
  GStrv      connected;
  gboolean   modified;
  gboolean   rules_modified;
  gboolean   loading;
  GPtrArray *service_rows;    /* AdwExpanderRow, one per service */
  GPtrArray *permission_rows; /* GtkSwitch, one per permission */
  GPtrArray *approval_rows;   /* AdwComboRow, one per action kind */

  /* Template widgets */
  AdwWindowTitle      *window_title;
  AdwToastOverlay     *toast_overlay;
  AdwEntryRow         *name_row;
  AdwEntryRow         *description_row;
  GtkLabel            *name_error;
  AdwComboRow         *trigger_row;
  AdwActionRow        *interval_row;
  GtkSpinButton       *interval_spin;
  AdwComboRow         *weekday_row;
  AdwEntryRow         *time_row;
  AdwActionRow        *lead_row;
  GtkSpinButton       *lead_spin;
  GtkLabel            *time_error;
  AdwPreferencesGroup *services_group;
  GtkLabel            *services_error;
  GtkListBox          *rules_list;
  GtkLabel            *rules_error;
  GtkTextView         *instructions_view;
  AdwPreferencesGroup *approval_group;
};

G_DEFINE_FINAL_TYPE (AfAgentEditor, af_agent_editor, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_SAVED,
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

static const struct
{
  const char *service;
  const char *permission;
  const char *title;
} permissions[] = {
  { "gmail", "read", N_ ("Read mail") },
  { "gmail", "modify", N_ ("Label, star and archive mail") },
  { "gmail", "draft", N_ ("Create drafts") },
  { "gmail", "send", N_ ("Send mail") },
  { "calendar", "read", N_ ("Read events") },
  { "calendar", "write", N_ ("Create events") },
  { "slack", "post", N_ ("Post messages") },
};

static const char *const editor_services[] = { "gmail", "calendar", "slack" };

static const struct
{
  const char *kind;
  const char *title;
} action_kinds[] = {
  { "send", N_ ("Send mail") },
  { "post", N_ ("Post to Slack") },
  { "create-event", N_ ("Create events") },
  { "modify", N_ ("Label and archive mail") },
};

static const char *const policy_ids[] = { "auto", "ask", "never" };

typedef struct
{
  const char *field, *op, *value, *action, *argument;
} RuleSeed;

static const struct
{
  const char *id;
  const char *name;
  const char *description;
  guint       trigger;
  const char *permissions; /* "service:permission" separated by spaces */
  const char *ask;         /* action kinds that ask first */
  RuleSeed    rules[4];
  const char *instructions;
} seeds[] = {
  { "email-assistant", N_ ("Email Assistant"), N_ ("Sorts my mail and drafts replies"), TRIGGER_NEW_MAIL, "gmail:read gmail:modify gmail:draft", "send post create-event", { { "from", "contains", "newsletter", "archive", NULL }, { "subject", "contains", "invoice", "label", "Finance" }, { "subject", "contains", "urgent", "star", NULL } }, N_ ("Label each new message as Work, Personal, Newsletters, Finance or Urgent. Draft a short, friendly reply to mail that asks me a question.") },
  { "calendar-manager", N_ ("Calendar Manager"), N_ ("Sends me the day’s agenda every morning"), TRIGGER_DAILY, "calendar:read gmail:draft", "send post create-event", { { NULL } }, N_ ("Each morning, summarise today’s events and point out any that overlap.") },
  { "slack-notifier", N_ ("Slack Notifier"), N_ ("Posts a digest to Slack"), TRIGGER_DAILY, "slack:post", "post", { { NULL } }, N_ ("Post a short digest of what happened today to the channel.") },
  { "custom", "", "", TRIGGER_INTERVAL, "", "send post create-event", { { NULL } }, NULL },
};

static int
find_seed (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    if (g_str_equal (seeds[i].id, id))
      return i;
  return -1;
}

static gboolean
is_connected (AfAgentEditor *self,
              const char    *service)
{
  return self->connected != NULL && g_strv_contains ((const char *const *)self->connected, service);
}

static void
set_modified (AfAgentEditor *self)
{
  if (!self->loading)
    self->modified = TRUE;
}

static void
on_changed_cb (AfAgentEditor *self)
{
  set_modified (self);
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

static void
on_trigger_changed_cb (AfAgentEditor *self)
{
  update_trigger_rows (self);
  set_modified (self);
}

static void
on_connect_clicked_cb (GtkButton     *button,
                       AfAgentEditor *self)
{
  GtkWindow  *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  const char *service = g_object_get_data (G_OBJECT (button), "service");

  /* The accounts flow belongs to the main window's Integrations page; it
   * reports back through af_agent_editor's connected services next time. */
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.connect-service", "s", service);
}

static void
build_services (AfAgentEditor *self)
{
  for (guint s = 0; s < G_N_ELEMENTS (editor_services); s++)
    {
      const char *service = editor_services[s];
      GtkWidget  *row = adw_expander_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), af_integrations_page_get_service_title (service));
      adw_expander_row_set_show_enable_switch (ADW_EXPANDER_ROW (row), TRUE);
      adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), FALSE);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row),
                                     is_connected (self, service) ? _ ("Connected") : _ ("Not connected"));
      g_signal_connect_swapped (row, "notify::enable-expansion", G_CALLBACK (on_changed_cb), self);
      g_object_set_data (G_OBJECT (row), "service", (gpointer)service);

      if (!is_connected (self, service))
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_ ("_Connect"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          g_object_set_data (G_OBJECT (button), "service", (gpointer)service);
          g_signal_connect (button, "clicked", G_CALLBACK (on_connect_clicked_cb), self);
          adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
        }

      for (guint p = 0; p < G_N_ELEMENTS (permissions); p++)
        {
          GtkWidget *perm_row;
          GtkWidget *toggle;

          if (!g_str_equal (permissions[p].service, service))
            continue;

          perm_row = adw_action_row_new ();
          toggle = gtk_switch_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (perm_row), _ (permissions[p].title));
          gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (perm_row), toggle);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (perm_row), toggle);
          g_signal_connect_swapped (toggle, "notify::active", G_CALLBACK (on_changed_cb), self);
          g_object_set_data (G_OBJECT (toggle), "index", GUINT_TO_POINTER (p));
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), perm_row);
          g_ptr_array_add (self->permission_rows, toggle);
        }

      adw_preferences_group_add (self->services_group, row);
      g_ptr_array_add (self->service_rows, row);
    }
}

static void
build_approvals (AfAgentEditor *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_kinds); i++)
    {
      GtkWidget *row = adw_combo_row_new ();
      g_autoptr (GtkStringList) model = gtk_string_list_new ((const char *const[]){
          _ ("Run automatically"), _ ("Ask first"), _ ("Never"), NULL });

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (action_kinds[i].title));
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
      g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (on_changed_cb), self);
      adw_preferences_group_add (self->approval_group, row);
      g_ptr_array_add (self->approval_rows, row);
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
  guint n = af_agent_editor_get_n_rules (self);

  gtk_widget_set_visible (GTK_WIDGET (self->rules_list), n > 0);
}

static void
on_rule_changed_cb (AfAgentEditor *self)
{
  if (!self->loading)
    self->rules_modified = TRUE;
  set_modified (self);
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

static void
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

static void
load_seed (AfAgentEditor *self,
           int            i)
{
  g_auto (GStrv) perms = g_strsplit (seeds[i].permissions, " ", -1);
  g_auto (GStrv) ask = g_strsplit (seeds[i].ask, " ", -1);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->instructions_view);

  self->loading = TRUE;

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), *seeds[i].name ? _ (seeds[i].name) : "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         *seeds[i].description ? _ (seeds[i].description) : "");
  adw_combo_row_set_selected (self->trigger_row, seeds[i].trigger);

  for (guint p = 0; p < self->permission_rows->len; p++)
    {
      GtkSwitch       *toggle = g_ptr_array_index (self->permission_rows, p);
      guint            index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), "index"));
      g_autofree char *key = g_strdup_printf ("%s:%s", permissions[index].service, permissions[index].permission);

      gtk_switch_set_active (toggle, g_strv_contains ((const char *const *)perms, key));
    }
  for (guint s = 0; s < self->service_rows->len; s++)
    {
      AdwExpanderRow  *row = g_ptr_array_index (self->service_rows, s);
      const char      *service = g_object_get_data (G_OBJECT (row), "service");
      g_autofree char *prefix = g_strconcat (service, ":", NULL);
      gboolean         used = FALSE;

      for (guint k = 0; perms[k] != NULL; k++)
        used |= g_str_has_prefix (perms[k], prefix);
      adw_expander_row_set_enable_expansion (row, used);
      adw_expander_row_set_expanded (row, used);
    }
  for (guint a = 0; a < self->approval_rows->len; a++)
    adw_combo_row_set_selected (g_ptr_array_index (self->approval_rows, a),
                                g_strv_contains ((const char *const *)ask, action_kinds[a].kind) ? 1 : 0);

  for (guint r = 0; r < G_N_ELEMENTS (seeds[i].rules) && seeds[i].rules[r].field != NULL; r++)
    append_rule (self, &seeds[i].rules[r]);

  gtk_text_buffer_set_text (buffer, seeds[i].instructions ? _ (seeds[i].instructions) : "", -1);

  update_trigger_rows (self);
  self->loading = FALSE;
  self->modified = FALSE;
}

static void
show_error (GtkWidget  *field,
            GtkLabel   *label,
            const char *message)
{
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

  /* A saved agent is tried for real by the engine: reads and decisions,
   * no side effect. */
  if (self->agent_id != NULL && !self->modified && gtk_window_get_transient_for (GTK_WINDOW (self)) != NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self))),
                                  "win.test-run-agent", "s", self->agent_id);
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
  gtk_widget_dispose_template (GTK_WIDGET (object), AF_TYPE_AGENT_EDITOR);

  G_OBJECT_CLASS (af_agent_editor_parent_class)->dispose (object);
}

static void
af_agent_editor_finalize (GObject *object)
{
  AfAgentEditor *self = (AfAgentEditor *)object;

  g_clear_pointer (&self->template_id, g_free);
  g_clear_pointer (&self->agent_id, g_free);
  g_clear_pointer (&self->connected, g_strfreev);
  g_clear_pointer (&self->service_rows, g_ptr_array_unref);
  g_clear_pointer (&self->permission_rows, g_ptr_array_unref);
  g_clear_pointer (&self->approval_rows, g_ptr_array_unref);

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

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-agent-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, name_error);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, trigger_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, interval_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, weekday_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, time_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, lead_row);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, lead_spin);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, time_error);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, services_group);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, services_error);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, rules_list);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, rules_error);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, instructions_view);
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, approval_group);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_trigger_changed_cb);

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
  self->approval_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->instructions_view), "changed",
                            G_CALLBACK (on_changed_cb), self);
}

/**
 * af_agent_editor_new:
 * @template_id: the template to start from
 * @connected_services: (nullable): services with an account
 *
 * An editor for a new agent, filled in from @template_id.
 */
AfAgentEditor *
af_agent_editor_new (GtkWindow         *parent,
                     const char        *template_id,
                     const char *const *connected_services)
{
  AfAgentEditor *self;
  int            seed;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (template_id != NULL, NULL);

  seed = find_seed (template_id);
  g_return_val_if_fail (seed >= 0, NULL);

  self = g_object_new (AF_TYPE_AGENT_EDITOR, "transient-for", parent, NULL);
  self->template_id = g_strdup (template_id);
  self->connected = g_strdupv ((char **)connected_services);

  build_services (self);
  build_approvals (self);
  load_seed (self, seed);

  if (*seeds[seed].name != '\0')
    adw_window_title_set_subtitle (self->window_title, _ (seeds[seed].name));
  else
    adw_window_title_set_subtitle (self->window_title, _ ("Custom Agent"));

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
  g_autofree char *name = NULL;
  guint            trigger;
  gboolean         ok = TRUE;
  gboolean         any_service = FALSE;
  gboolean         rules_ok = TRUE;
  GtkWidget       *first_invalid = NULL;
  int              h, m;

  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), FALSE);

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  if (*name == '\0')
    {
      show_error (GTK_WIDGET (self->name_row), self->name_error, _ ("Give the agent a name, so you can find it in the activity."));
      first_invalid = GTK_WIDGET (self->name_row);
      ok = FALSE;
    }
  else if (g_utf8_strlen (name, -1) > 80)
    {
      show_error (GTK_WIDGET (self->name_row), self->name_error, _ ("Use a name of at most 80 characters."));
      first_invalid = GTK_WIDGET (self->name_row);
      ok = FALSE;
    }
  else
    show_error (GTK_WIDGET (self->name_row), self->name_error, NULL);

  trigger = adw_combo_row_get_selected (self->trigger_row);
  if ((trigger == TRIGGER_DAILY || trigger == TRIGGER_WEEKLY) && !parse_time (gtk_editable_get_text (GTK_EDITABLE (self->time_row)), &h, &m))
    {
      show_error (GTK_WIDGET (self->time_row), self->time_error, NULL);
      show_error (GTK_WIDGET (self->time_row), self->time_error,
                  _ ("Enter the time as hours and minutes, for example 08:30."));
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->time_row);
      ok = FALSE;
    }
  else
    show_error (GTK_WIDGET (self->time_row), self->time_error, NULL);

  for (guint s = 0; s < self->service_rows->len; s++)
    any_service |= adw_expander_row_get_enable_expansion (g_ptr_array_index (self->service_rows, s));
  show_error (NULL, self->services_error,
              any_service ? NULL : _ ("Turn on at least one service for the agent to work with."));
  if (!any_service)
    {
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->services_group);
      ok = FALSE;
    }

  for (guint r = 0; nth_rule (self, r) != NULL; r++)
    rules_ok &= af_rule_row_validate (AF_RULE_ROW (nth_rule (self, r)));
  show_error (NULL, self->rules_error,
              rules_ok ? NULL : _ ("Fill in the highlighted rule fields, or remove the rules you do not need."));
  if (!rules_ok)
    {
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->rules_list);
      ok = FALSE;
    }

  if (first_invalid != NULL)
    gtk_widget_grab_focus (first_invalid);

  return ok;
}

/**
 * af_agent_editor_describe_plan:
 *
 * What the agent will do, in words: the test run until the engine's dry
 * run is available.
 */
char *
af_agent_editor_describe_plan (AfAgentEditor *self)
{
  g_autoptr (GString) plan = g_string_new (NULL);
  guint trigger;

  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  trigger = adw_combo_row_get_selected (self->trigger_row);
  switch (trigger)
    {
    case TRIGGER_INTERVAL:
      g_string_append_printf (plan, _ ("Runs every %d minutes."), gtk_spin_button_get_value_as_int (self->interval_spin));
      break;
    case TRIGGER_DAILY:
      g_string_append_printf (plan, _ ("Runs every day at %s."), gtk_editable_get_text (GTK_EDITABLE (self->time_row)));
      break;
    case TRIGGER_WEEKLY:
      g_string_append_printf (plan, _ ("Runs every week at %s."), gtk_editable_get_text (GTK_EDITABLE (self->time_row)));
      break;
    case TRIGGER_NEW_MAIL:
      g_string_append (plan, _ ("Runs when new mail arrives."));
      break;
    case TRIGGER_BEFORE_EVENT:
    default:
      g_string_append_printf (plan, _ ("Runs %d minutes before each event."), gtk_spin_button_get_value_as_int (self->lead_spin));
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

  for (guint a = 0; a < self->approval_rows->len; a++)
    if (adw_combo_row_get_selected (g_ptr_array_index (self->approval_rows, a)) == 1)
      {
        g_string_append_printf (plan, "\n%s", _ ("It asks you first before it sends, posts or creates anything you marked “Ask first”."));
        break;
      }

  g_string_append_printf (plan, "\n\n%s", _ ("Save the agent to try it on your accounts without changing anything."));

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
  GtkTextBuffer   *buffer;
  GtkTextIter      start, end;
  guint            trigger;

  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

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
  json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (self->time_row)));
  json_builder_set_member_name (builder, "weekday");
  json_builder_add_int_value (builder, adw_combo_row_get_selected (self->weekday_row) + 1);
  json_builder_end_object (builder);

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
          GtkSwitch *toggle = g_ptr_array_index (self->permission_rows, p);
          guint      index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), "index"));

          if (g_str_equal (permissions[index].service, service) && gtk_switch_get_active (toggle))
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

  json_builder_set_member_name (builder, "instructions");
  json_builder_add_string_value (builder, instructions);

  json_builder_set_member_name (builder, "approval");
  json_builder_begin_object (builder);
  for (guint a = 0; a < self->approval_rows->len; a++)
    {
      guint policy = adw_combo_row_get_selected (g_ptr_array_index (self->approval_rows, a));

      json_builder_set_member_name (builder, action_kinds[a].kind);
      json_builder_add_string_value (builder, policy_ids[MIN (policy, G_N_ELEMENTS (policy_ids) - 1)]);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
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
  static const char *const field_map[][2] = {
    { "label", "labels" },
    { "has-attachment", "has_attachment" },
    { "event-title", "event_title" },
    { "older-than", "older_than" },
  };
  static const char *const action_map[][2] = {
    { "draft-reply", "draft" },
    { "send-reply", "send" },
    { "post-slack", "post" },
  };
  JsonObject *trigger;
  JsonArray  *rules;
  GtkWidget  *row;

  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (agent_id != NULL);

  self->loading = TRUE;
  g_free (self->agent_id);
  self->agent_id = g_strdup (agent_id);
  adw_window_title_set_title (self->window_title, _ ("Edit Agent"));
  adw_window_title_set_subtitle (self->window_title, name);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), description ? description : "");

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
      if (at != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->time_row), at);
      if (json_object_has_member (trigger, "minutes"))
        {
          gtk_spin_button_set_value (self->interval_spin, json_object_get_int_member (trigger, "minutes"));
          gtk_spin_button_set_value (self->lead_spin, json_object_get_int_member (trigger, "minutes"));
        }
      if (json_object_has_member (trigger, "weekday"))
        adw_combo_row_set_selected (self->weekday_row, MAX (1, json_object_get_int_member (trigger, "weekday")) - 1);
    }

  if (definition != NULL && json_object_has_member (definition, "connections"))
    {
      JsonArray *connections = json_object_get_array_member (definition, "connections");

      for (guint s = 0; s < self->service_rows->len; s++)
        adw_expander_row_set_enable_expansion (g_ptr_array_index (self->service_rows, s), FALSE);
      for (guint p = 0; p < self->permission_rows->len; p++)
        gtk_switch_set_active (g_ptr_array_index (self->permission_rows, p), FALSE);

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
            {
              const char *perm = json_array_get_string_element (perms, k);

              for (guint p = 0; p < self->permission_rows->len; p++)
                {
                  GtkSwitch       *toggle = g_ptr_array_index (self->permission_rows, p);
                  guint            index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), "index"));
                  const char      *scope = g_str_equal (permissions[index].permission, "draft") ? "compose" : permissions[index].permission;
                  g_autofree char *key = g_strdup_printf ("%s.%s", permissions[index].service, scope);

                  if (g_strcmp0 (key, perm) == 0)
                    gtk_switch_set_active (toggle, TRUE);
                }
            }
        }
    }

  /* The editor shows each rule's first condition and first action. */
  while ((row = nth_rule (self, 0)) != NULL)
    gtk_list_box_remove (self->rules_list, row);
  rules = definition && json_object_has_member (definition, "rules") ? json_object_get_array_member (definition, "rules") : NULL;
  for (guint i = 0; rules != NULL && i < json_array_get_length (rules); i++)
    {
      JsonObject *rule = json_array_get_object_element (rules, i);
      JsonArray  *conditions = json_object_has_member (rule, "conditions") ? json_object_get_array_member (rule, "conditions") : NULL;
      JsonArray  *actions = json_object_has_member (rule, "actions") ? json_object_get_array_member (rule, "actions") : NULL;
      JsonObject *condition = conditions && json_array_get_length (conditions) ? json_array_get_object_element (conditions, 0) : NULL;
      JsonObject *action = actions && json_array_get_length (actions) ? json_array_get_object_element (actions, 0) : NULL;
      JsonObject *params = action && json_object_has_member (action, "params") ? json_object_get_object_member (action, "params") : NULL;
      RuleSeed    seed = { 0 };

      if (condition == NULL || action == NULL)
        continue;
      seed.field = map_back (field_map, G_N_ELEMENTS (field_map), json_object_get_string_member_with_default (condition, "field", NULL));
      seed.op = map_back (field_map, G_N_ELEMENTS (field_map), json_object_get_string_member_with_default (condition, "op", NULL));
      seed.value = json_object_get_string_member_with_default (condition, "value", NULL);
      seed.action = map_back (action_map, G_N_ELEMENTS (action_map), json_object_get_string_member_with_default (action, "action", NULL));
      seed.argument = params ? json_object_get_string_member_with_default (params, "label",
                                                                           json_object_get_string_member_with_default (params, "channel", NULL))
                             : NULL;
      append_rule (self, &seed);
    }

  update_trigger_rows (self);
  self->loading = FALSE;
  self->modified = FALSE;
  self->rules_modified = FALSE;
}
