/* af-agent-editor.c — the agent editor window: a form over a copy of an
 * agent's definition (AfAgentDefinition), in sections of their own
 * (af-editor-trigger.c, -services.c, -rules.c, -validation.c,
 * -results.c). Saving hands the edited definition on; nothing here
 * speaks JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "af-agent-editor-private.h"
#include "af-rule-row.h"

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

void
af_agent_editor_set_modified (AfAgentEditor *self)
{
  if (!self->loading)
    self->modified = TRUE;
}

/* Save is possible exactly when the form is valid; errors shown earlier
 * go as soon as their field is fixed. */
void
af_agent_editor_update_validity (AfAgentEditor *self)
{
  gboolean ok;

  if (self->service_rows->len == 0)
    return;
  ok = af_editor_validate_form (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", ok);
  af_editor_results_schedule_preview (self);
}

void
af_agent_editor_changed (AfAgentEditor *self)
{
  af_agent_editor_set_modified (self);
  af_agent_editor_update_validity (self);
}

gboolean
af_agent_editor_has_preview_handler (AfAgentEditor *self)
{
  return g_signal_has_handler_pending (self, signals[SIGNAL_PREVIEW], 0, FALSE);
}

void
af_agent_editor_emit_preview (AfAgentEditor     *self,
                              AfAgentDefinition *definition,
                              GCancellable      *cancellable)
{
  g_signal_emit (self, signals[SIGNAL_PREVIEW], 0, definition, cancellable);
}

static char *
dup_instructions (AfAgentEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->instructions_view);
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

/* The copy being edited with what the form says: the whole of it, for
 * the engine. @for_preview: the rules as the rows show them, the model
 * off. */
AfAgentDefinition *
af_agent_editor_build_definition (AfAgentEditor *self,
                                  gboolean       for_preview)
{
  AfAgentDefinition *definition = af_agent_definition_copy (self->definition);
  g_autofree char   *instructions = dup_instructions (self);
  gboolean           rules_modified = self->rules_modified;

  af_editor_trigger_save (self, definition);
  af_editor_services_save (self, definition);
  if (for_preview)
    self->rules_modified = TRUE;
  af_editor_rules_save (self, definition);
  self->rules_modified = rules_modified;

  /* The instructions are kept either way; the model follows them only
   * when the user turned it on (and an AI model is set up). */
  af_agent_definition_set_instructions (definition, instructions);
  af_agent_definition_set_ai_enabled (definition, !for_preview && *instructions != '\0' && gtk_switch_get_active (self->ai_switch));
  return definition;
}

/* Fills the form from @definition, and edits a copy of it from then on. */
static void
load_definition (AfAgentEditor     *self,
                 AfAgentDefinition *definition,
                 const char *const *template_permissions)
{
  const char *instructions = af_agent_definition_get_instructions (definition);

  g_assert (self->loading);

  g_clear_object (&self->definition);
  self->definition = af_agent_definition_copy (definition);
  af_editor_trigger_load (self, definition);
  af_editor_services_load (self, definition, template_permissions);
  af_editor_rules_load (self, definition);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->instructions_view), instructions ? instructions : "", -1);
  gtk_switch_set_active (self->ai_switch, af_agent_definition_get_ai_enabled (definition));
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
  AfAgentEditor *self = AF_AGENT_EDITOR (widget);
  g_autoptr (AfAgentDefinition) definition = NULL;

  if (!af_agent_editor_validate (self))
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_ ("Fix the highlighted fields to save the agent")));
      return;
    }

  definition = af_agent_editor_dup_definition (self);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, definition);
  self->modified = FALSE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
editor_test_run (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AfAgentEditor   *self = AF_AGENT_EDITOR (widget);
  g_autofree char *plan = NULL;

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
      g_autoptr (AfAgentDefinition) definition = af_agent_editor_dup_definition (self);

      g_cancellable_cancel (self->test_cancellable);
      g_clear_object (&self->test_cancellable);
      self->test_cancellable = g_cancellable_new ();
      af_editor_results_set_testing (self, TRUE);
      g_signal_emit (self, signals[SIGNAL_TEST_RUN], 0, definition, self->test_cancellable);
      return;
    }

  plan = af_agent_editor_describe_plan (self);
  af_editor_results_show_message (self, _ ("Test Run"), plan, NULL);
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
  g_clear_object (&self->definition);
  g_clear_pointer (&self->kept_rules, g_ptr_array_unref);
  g_clear_pointer (&self->template_id, g_free);
  g_clear_pointer (&self->agent_id, g_free);
  g_clear_pointer (&self->connected, g_strfreev);
  g_clear_object (&self->accounts);
  g_clear_object (&self->llm);
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
   * @definition: what the agent does, as edited
   *
   * The user saved a valid agent; its name, description and id are the
   * editor's (af_agent_editor_get_name()…).
   */
  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, AF_TYPE_AGENT_DEFINITION);
  /**
   * AfAgentEditor::test-run:
   * @definition: the agent as the editor holds it now, saved or not
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
   * @definition: the agent as the editor holds it now, its AI model off
   * @cancellable: cancelled when the rules change again or the editor closes
   *
   * The rules changed: the handler tries them without side effects and
   * calls af_agent_editor_show_preview(). Without a handler, no preview.
   */
  signals[SIGNAL_PREVIEW] = g_signal_new ("preview", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, AF_TYPE_AGENT_DEFINITION, G_TYPE_CANCELLABLE);
  signals[SIGNAL_TEST_RUN] = g_signal_new ("test-run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, AF_TYPE_AGENT_DEFINITION, G_TYPE_CANCELLABLE);

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
  gtk_widget_class_bind_template_callback_full (widget_class, "on_changed_cb", G_CALLBACK (af_agent_editor_changed));
  af_editor_trigger_class_init (widget_class);
  af_editor_draft_class_init (widget_class);

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
  self->kept_rules = g_ptr_array_new_with_free_func ((GDestroyNotify)af_rule_free);
  self->definition = af_agent_definition_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->instructions_view), "changed",
                            G_CALLBACK (af_agent_editor_changed), self);
  /* The first preview once shown: whoever tries the rules is listening
   * by then. */
  g_signal_connect (self, "map", G_CALLBACK (af_editor_results_schedule_preview), NULL);

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
  g_autoptr (AfAgentDefinition) definition = NULL;
  g_autoptr (GError) error = NULL;
  AfAgentEditor *self;
  gboolean       custom;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (AF_IS_TEMPLATE (template), NULL);

  self = g_object_new (AF_TYPE_AGENT_EDITOR, "transient-for", parent, NULL);
  self->template = g_object_ref (template);
  self->template_id = g_strdup (af_template_get_id (template));
  self->connected = g_strdupv ((char **)connected_services);
  custom = g_str_equal (self->template_id, "custom");

  af_editor_services_build (self);

  /* A custom agent starts blank: its template's text says how to fill
   * it in, it does not describe an agent. */
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), custom ? "" : af_template_get_name (template));
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), custom ? "" : af_template_get_description (template));
  definition = af_agent_definition_new_from_json (af_template_get_definition (template), &error);
  if (definition == NULL)
    {
      g_warning ("Template %s: %s", self->template_id, error->message);
      definition = af_agent_definition_new ();
    }
  load_definition (self, definition, af_template_get_permissions (template));
  self->loading = FALSE;
  self->modified = FALSE;
  self->rules_modified = FALSE;
  af_agent_editor_update_validity (self);

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
 * af_agent_editor_get_agent_id:
 *
 * Returns: (nullable): the agent being edited, or %NULL for a new one
 */
const char *
af_agent_editor_get_agent_id (AfAgentEditor *self)
{
  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  return self->agent_id;
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

  while (af_editor_rules_nth (self, n) != NULL)
    n++;
  return n;
}

void
af_agent_editor_add_rule (AfAgentEditor *self)
{
  g_return_if_fail (AF_IS_AGENT_EDITOR (self));

  af_editor_rules_append (self, NULL);
  gtk_widget_child_focus (af_editor_rules_nth (self, af_agent_editor_get_n_rules (self) - 1), GTK_DIR_TAB_FORWARD);
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

const char *
af_agent_editor_get_description (AfAgentEditor *self)
{
  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->description_row));
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

  ok = af_editor_validate_form (self, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", ok);
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
  g_autofree char *when = NULL;

  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  when = af_editor_trigger_describe (self);
  g_string_append_printf (plan, "%s\n\n", when);
  af_editor_rules_describe (self, plan);
  if (af_editor_services_any_ask (self))
    g_string_append_printf (plan, "\n%s", _ ("It asks you first before it sends, posts or creates anything you marked “Ask first”."));
  g_string_append_printf (plan, "\n\n%s", _ ("Agents are not running, so it cannot be tried on your accounts now."));

  return g_string_free (g_steal_pointer (&plan), FALSE);
}

/**
 * af_agent_editor_dup_definition:
 *
 * Returns: (transfer full): the agent's definition as the form holds it
 *   now: the one it was opened with, edited
 */
AfAgentDefinition *
af_agent_editor_dup_definition (AfAgentEditor *self)
{
  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  return af_agent_editor_build_definition (self, FALSE);
}

/**
 * af_agent_editor_load_agent:
 * @agent_id: the agent being edited
 * @definition: what it does; the editor edits a copy
 *
 * Fills the editor from an existing agent; saving then updates it.
 */
void
af_agent_editor_load_agent (AfAgentEditor     *self,
                            const char        *agent_id,
                            const char        *name,
                            const char        *description,
                            AfAgentDefinition *definition)
{
  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (agent_id != NULL);
  g_return_if_fail (AF_IS_AGENT_DEFINITION (definition));

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
  af_agent_editor_update_validity (self);
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

  af_editor_services_show_state (self, service, state);

  builder = g_strv_builder_new ();
  for (guint i = 0; self->connected != NULL && self->connected[i] != NULL; i++)
    if (!g_str_equal (self->connected[i], service))
      g_strv_builder_add (builder, self->connected[i]);
  if (state == AF_INTEGRATION_CONNECTED)
    g_strv_builder_add (builder, service);
  g_strfreev (self->connected);
  self->connected = g_strv_builder_end (builder);
}

static void
on_connection_changed_cb (AfAccountManager *accounts,
                          const char       *service,
                          const char       *account,
                          AfAgentEditor    *self)
{
  af_editor_services_show_accounts (self);
}

/**
 * af_agent_editor_set_accounts:
 * @accounts: (nullable): the account manager
 *
 * Lets the person choose, per service, which connected account the agent
 * uses: one connected directly or one linked through Auth0. The choices
 * follow the connections as they come and go. Without it the editor
 * keeps the accounts the agent already names.
 */
void
af_agent_editor_set_accounts (AfAgentEditor    *self,
                              AfAccountManager *accounts)
{
  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (accounts == NULL || AF_IS_ACCOUNT_MANAGER (accounts));

  if (self->accounts == accounts)
    return;
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_func (self->accounts, on_connection_changed_cb, self);
  g_set_object (&self->accounts, accounts);
  if (accounts != NULL)
    g_signal_connect_object (accounts, "connection-changed", G_CALLBACK (on_connection_changed_cb), self, 0);
  af_editor_services_show_accounts (self);
}

/**
 * af_agent_editor_get_service_state:
 */
AfIntegrationState
af_agent_editor_get_service_state (AfAgentEditor *self,
                                   const char    *service)
{
  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), AF_INTEGRATION_DISCONNECTED);

  return af_editor_services_get_state (self, service);
}
