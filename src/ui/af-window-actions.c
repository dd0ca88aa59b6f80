/* af-window-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-window"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "af-template-picker.h"
#include "af-window-private.h"

/* What the window does to agents and approvals: run now, pause and
 * resume (with undo), export, delete, duplicate, decide an approval, and
 * open the editor for a new or an existing agent with its test run and
 * live preview. */

static void set_agent_active (AfWindow   *self,
                              const char *id,
                              gboolean    active,
                              gboolean    offer_undo);

static void
on_undo_pause_cb (AdwToast *toast,
                  AfWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (toast), "agent-id");
  gboolean    active = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (toast), "active"));

  set_agent_active (self, id, !active, FALSE);
}

static void
set_agent_active (AfWindow   *self,
                  const char *id,
                  gboolean    active,
                  gboolean    offer_undo)
{
  g_autoptr (GError) error = NULL;
  AfAgent         *agent = af_engine_lookup_agent (self->engine, id);
  g_autofree char *title = NULL;
  AdwToast        *toast;
  gboolean         ok;

  if (agent == NULL)
    return;

  ok = active ? af_engine_resume_agent (self->engine, id, &error)
              : af_engine_pause_agent (self->engine, id, &error);
  if (!ok)
    {
      g_autofree char *what = g_strdup_printf (active ? _ ("Could not resume “%s”") : _ ("Could not pause “%s”"),
                                               af_agent_get_name (agent));

      af_window_show_error_toast (self, what, error);
      return;
    }

  title = g_strdup_printf (active ? _ ("“%s” resumed") : _ ("“%s” paused"), af_agent_get_name (agent));
  toast = af_window_text_toast (title);
  if (offer_undo)
    {
      adw_toast_set_button_label (toast, _ ("_Undo"));
      g_object_set_data_full (G_OBJECT (toast), "agent-id", g_strdup (id), g_free);
      g_object_set_data (G_OBJECT (toast), "active", GINT_TO_POINTER (active));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_pause_cb), self, 0);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  af_window_queue_metrics (self);
}

static void
on_agent_set_active_cb (AfAgentsPage *page,
                        AfAgent      *agent,
                        gboolean      active,
                        AfWindow     *self)
{
  set_agent_active (self, af_agent_get_id (agent), active, TRUE);
}

static void
on_run_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AdwToast) running = user_data;
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (running), "agent-name"));
  GApplication    *app = g_application_get_default ();
  AfWindow        *self = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) outcome = af_engine_run_agent_finish (AF_ENGINE (source), result, &error);
  g_autofree char *title = NULL;
  gboolean         running_shown = g_object_get_data (G_OBJECT (running), "af-dismissed") == NULL;

  /* The window may have closed while the agent ran. */
  for (GList *l = app ? gtk_application_get_windows (GTK_APPLICATION (app)) : NULL; l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      self = l->data;
  if (self == NULL)
    return;

  if (outcome == NULL)
    {
      g_autofree char *what = g_strdup_printf (_ ("“%s” could not run"), name);

      af_window_show_error_toast (self, what, error);
      return;
    }

  if (g_strcmp0 (json_object_get_string_member_with_default (outcome, "outcome", NULL), "succeeded") == 0)
    {
      guint done = json_object_get_int_member_with_default (outcome, "done", 0);
      guint waiting = json_object_get_int_member_with_default (outcome, "waiting", 0);

      if (waiting > 0)
        /* Translators: an agent ran; %u actions wait in Approvals */
        title = g_strdup_printf (ngettext ("“%s” ran: %u action waits for your approval",
                                           "“%s” ran: %u actions wait for your approval", waiting),
                                 name, waiting);
      else
        title = g_strdup_printf (ngettext ("“%s” ran: %u action done", "“%s” ran: %u actions done", done),
                                 name, done);
    }
  else
    title = g_strdup_printf (_ ("“%s” did not finish its run: see its activity"), name);

  /* The result replaces "Running…" rather than queue behind it: the same
   * toast says it. Dismissing a toast that is still appearing (a quick
   * run) crashes libadwaita 1.2's overlay, and a new toast would flicker. */
  if (running_shown)
    {
      g_autofree char *escaped = g_markup_escape_text (title, -1);

      adw_toast_set_title (running, escaped);
    }
  else
    adw_toast_overlay_add_toast (self->toast_overlay, af_window_text_toast (title));
  af_window_queue_metrics (self);
}

static void
on_running_dismissed_cb (AdwToast *toast)
{
  g_object_set_data (G_OBJECT (toast), "af-dismissed", GINT_TO_POINTER (TRUE));
}

static void
on_agent_run_cb (AfAgentsPage *page,
                 AfAgent      *agent,
                 AfWindow     *self)
{
  g_autofree char *title = g_strdup_printf (_ ("Running “%s”…"), af_agent_get_name (agent));
  AdwToast        *toast = af_window_text_toast (title);

  g_object_set_data_full (G_OBJECT (toast), "agent-name", g_strdup (af_agent_get_name (agent)), g_free);
  g_signal_connect (toast, "dismissed", G_CALLBACK (on_running_dismissed_cb), NULL);
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
  af_engine_run_agent_async (self->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, on_run_done_cb, toast);
}

static void
on_export_response_cb (GtkNativeDialog *chooser,
                       int              response,
                       AfWindow        *self)
{
  const char *id = g_object_get_data (G_OBJECT (chooser), "agent-id");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr (GError) error = NULL;

      if (af_engine_export_agent (self->engine, id, file, &error))
        {
          g_autofree char *basename = g_file_get_basename (file);
          g_autofree char *title = g_strdup_printf (_ ("Exported to %s"), basename);

          adw_toast_overlay_add_toast (self->toast_overlay, af_window_text_toast (title));
        }
      else
        af_window_show_error_toast (self, _ ("Could not export the agent"), error);
    }
  g_object_unref (chooser);
}

static void
on_agent_export_cb (AfAgentsPage *page,
                    AfAgent      *agent,
                    AfWindow     *self)
{
  GtkFileChooserNative *chooser;
  g_autofree char      *name = g_strdup_printf ("%s.json", af_agent_get_name (agent));

  chooser = gtk_file_chooser_native_new (_ ("Export Agent"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "agent-id", g_strdup (af_agent_get_id (agent)), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       AfWindow         *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (dialog), "agent-id"));
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (dialog), "agent-name"));
  GtkWidget       *check = adw_message_dialog_get_extra_child (dialog);
  gboolean         remove_activity = gtk_check_button_get_active (GTK_CHECK_BUTTON (check));
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  gtk_window_destroy (GTK_WINDOW (dialog));

  if (!g_str_equal (response, "delete") || self->engine == NULL)
    return;

  if (!af_engine_delete_agent_full (self->engine, id, remove_activity, &error))
    {
      af_window_show_error_toast (self, _ ("Could not delete the agent"), error);
      return;
    }

  title = g_strdup_printf (_ ("“%s” deleted"), name);
  adw_toast_overlay_add_toast (self->toast_overlay, af_window_text_toast (title));
  af_window_queue_metrics (self);
}

static void
on_agent_delete_cb (AfAgentsPage *page,
                    AfAgent      *agent,
                    AfWindow     *self)
{
  g_autofree char *heading = g_strdup_printf (_ ("Delete “%s”?"), af_agent_get_name (agent));
  g_autoptr (GPtrArray) own = NULL;
  GString   *body;
  GtkWidget *dialog;
  GtkWidget *check;

  body = g_string_new (_ ("The agent stops at once, its schedule and settings are removed, and "
                          "actions waiting for your approval are dropped. What it already did in "
                          "your accounts stays done. This cannot be undone."));
  /* Accounts connected for this agent alone go with it. */
  if (self->accounts != NULL)
    own = af_account_manager_list_agent_connections (self->accounts, af_agent_get_id (agent), NULL);
  for (guint i = 0; own != NULL && i < own->len; i++)
    {
      AfConnection *connection = g_ptr_array_index (own, i);

      g_string_append (body, "\n\n");
      g_string_append_printf (body, _ ("AgentFlow signs out of %s, which was connected for this agent only."),
                              connection->account);
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body->str);
  g_string_free (body, TRUE);
  /* What it did is the user's record: kept unless asked otherwise. */
  check = gtk_check_button_new_with_mnemonic (_ ("Also delete its _activity history"));
  gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (check, _ ("Its entries in the activity log and its numbers on the dashboard "
                                         "go too. Otherwise they stay, under its name."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), check);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _ ("_Cancel"),
                                    "delete", _ ("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "agent-id", g_strdup (af_agent_get_id (agent)), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "agent-name", g_strdup (af_agent_get_name (agent)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_approve_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (AfWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!af_engine_approve_finish (AF_ENGINE (source), result, &error))
    af_window_show_error_toast (self, _ ("The approved action failed"), error);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_ ("Approved and done")));
  af_window_queue_metrics (self);
}

static void
on_approval_decide_cb (AfApprovalsPage *page,
                       GObject         *item,
                       gboolean         approve,
                       AfWindow        *self)
{
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (self->engine == NULL || !AF_IS_APPROVAL (item))
    return;

  id = af_approval_get_id (AF_APPROVAL (item));
  if (approve)
    af_engine_approve_async (self->engine, id, NULL, on_approve_done_cb, g_object_ref (self));
  else if (af_engine_deny (self->engine, id, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_ ("Denied: nothing was done")));
  else
    af_window_show_error_toast (self, _ ("Could not deny the action"), error);
}

static void
on_editor_test_done_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (AfAgentEditor) editor = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) outcome = af_engine_test_agent_finish (AF_ENGINE (source), result, &error);

  af_agent_editor_show_test_result (editor, outcome, error);
}

/* "Test Run" in the editor: the agent as it is in the form, saved or not. */
static void
on_editor_test_run_cb (AfAgentEditor     *editor,
                       AfAgentDefinition *definition,
                       GCancellable      *cancellable,
                       AfWindow          *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = NULL;

  if (self->engine == NULL)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _ ("Agents are not running."));
      af_agent_editor_show_test_result (editor, NULL, error);
      return;
    }

  agent = af_window_create_agent_from_editor (self, editor, definition, &error);
  if (agent == NULL)
    {
      af_agent_editor_show_test_result (editor, NULL, error);
      return;
    }
  af_engine_test_agent_async (self->engine, agent, cancellable, on_editor_test_done_cb, g_object_ref (editor));
}

static void
on_editor_preview_done_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr (AfAgentEditor) editor = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) outcome = af_engine_test_agent_finish (AF_ENGINE (source), result, &error);

  af_agent_editor_show_preview (editor, outcome, error);
}

/* The editor's live preview: the same test run, nothing changed. */
static void
on_editor_preview_cb (AfAgentEditor     *editor,
                      AfAgentDefinition *definition,
                      GCancellable      *cancellable,
                      AfWindow          *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) agent = af_window_create_agent_from_editor (self, editor, definition, &error);

  if (agent == NULL)
    {
      af_agent_editor_show_preview (editor, NULL, error);
      return;
    }
  af_engine_test_agent_async (self->engine, agent, cancellable, on_editor_preview_done_cb, g_object_ref (editor));
}

static void
on_editor_connect_cb (AfAgentEditor *editor,
                      const char    *service,
                      AfWindow      *self)
{
  af_window_start_connect (self, service);
}

static void
on_editor_cancel_cb (AfAgentEditor *editor,
                     const char    *service,
                     AfWindow      *self)
{
  af_window_cancel_connect (self, service);
}

void
af_window_watch_editor (AfWindow      *self,
                        AfAgentEditor *editor)
{
  af_window_watch_editor_saved (self, editor);
  af_agent_editor_set_llm_client (editor, self->engine ? af_engine_get_llm_client (self->engine) : NULL);
  g_signal_connect_object (editor, "connect", G_CALLBACK (on_editor_connect_cb), self, 0);
  g_signal_connect_object (editor, "cancel", G_CALLBACK (on_editor_cancel_cb), self, 0);
  /* Without an engine the editor describes its plan in words instead. */
  if (self->engine != NULL)
    {
      g_signal_connect_object (editor, "test-run", G_CALLBACK (on_editor_test_run_cb), self, 0);
      g_signal_connect_object (editor, "preview", G_CALLBACK (on_editor_preview_cb), self, 0);
    }
}

static gboolean
agent_name_taken (AfWindow   *self,
                  const char *name)
{
  GListModel *agents = af_engine_get_agents (self->engine);

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (g_strcmp0 (af_agent_get_name (agent), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
on_editor_opened_cb (AfTemplatePicker *picker,
                     AfAgentEditor    *editor,
                     AfWindow         *self)
{
  af_window_watch_editor (self, editor);

  /* Two agents of one name cannot be told apart in the activity: a
   * second agent from a template gets a number. */
  if (self->engine != NULL && agent_name_taken (self, af_agent_editor_get_name (editor)))
    {
      for (guint n = 2; n < 100; n++)
        {
          /* Translators: an agent's name and a number, e.g. "Email Assistant 2" */
          g_autofree char *name = g_strdup_printf (_ ("%s %u"), af_agent_editor_get_name (editor), n);

          if (!agent_name_taken (self, name))
            {
              af_agent_editor_set_default_name (editor, name);
              break;
            }
        }
    }
}

static void
af_window_new_agent (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);
  g_auto (GStrv) connected = af_window_dup_connected_services (self);
  AfTemplatePicker *picker;

  picker = af_template_picker_new (GTK_WINDOW (self),
                                   self->engine ? af_engine_get_templates (self->engine) : af_template_get_all (),
                                   (const char *const *)connected);
  g_signal_connect_object (picker, "editor-opened", G_CALLBACK (on_editor_opened_cb), self, 0);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
on_agent_edit_cb (AfAgentsPage *page,
                  AfAgent      *agent,
                  AfWindow     *self)
{
  g_auto (GStrv) connected = af_window_dup_connected_services (self);
  const char *template_id = af_agent_get_template_id (agent);
  AfTemplate *template = template_id ? af_template_lookup (template_id) : NULL;
  g_autoptr (AfAgentDefinition) definition = NULL;
  AfAgentEditor *editor;

  if (template == NULL)
    template = af_template_lookup ("custom");
  editor = af_agent_editor_new (GTK_WINDOW (self), template, (const char *const *)connected);
  af_agent_editor_set_accounts (editor, self->accounts);
  definition = af_agent_definition_new_from_agent (agent);
  af_agent_editor_load_agent (editor, af_agent_get_id (agent), af_agent_get_name (agent),
                              af_agent_get_description (agent), definition);
  af_window_watch_editor (self, editor);
  gtk_window_present (GTK_WINDOW (editor));
}

/* The agent page's header: Pause or Resume, as the agent is. */
void
af_window_update_agent_actions (AfWindow *self)
{
  AfAgent *agent = self->agent_page != NULL ? af_agent_page_get_agent (self->agent_page) : NULL;
  gboolean paused = agent != NULL && af_agent_get_state (agent) == AF_AGENT_STATE_PAUSED;

  /* Built with the agent page. */
  if (self->agent_pause_button == NULL)
    return;
  gtk_button_set_label (self->agent_pause_button, paused ? _ ("_Resume") : _ ("_Pause"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->agent_pause_button),
                               paused ? _ ("Run this agent on its schedule again")
                                      : _ ("Stop running this agent until you resume it"));
}

static AfAgent *
shown_agent (AfWindow *self)
{
  AfAgent *agent = self->agent_page != NULL ? af_agent_page_get_agent (self->agent_page) : NULL;

  return self->engine != NULL && agent != NULL ? agent : NULL;
}

static void
af_window_agent_edit (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (shown_agent (self) != NULL)
    on_agent_edit_cb (self->agents_page, shown_agent (self), self);
}

static void
af_window_agent_run (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (shown_agent (self) != NULL)
    on_agent_run_cb (self->agents_page, shown_agent (self), self);
}

static void
af_window_agent_pause_resume (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);
  AfAgent  *agent = shown_agent (self);

  if (agent != NULL)
    set_agent_active (self, af_agent_get_id (agent), af_agent_get_state (agent) == AF_AGENT_STATE_PAUSED, TRUE);
  af_window_update_agent_actions (self);
}

static void
af_window_agent_export (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (shown_agent (self) != NULL)
    on_agent_export_cb (self->agents_page, shown_agent (self), self);
}

static void
af_window_agent_delete (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (shown_agent (self) != NULL)
    on_agent_delete_cb (self->agents_page, shown_agent (self), self);
}

static void
af_window_agent_duplicate (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);
  AfAgent  *agent = shown_agent (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfAgent) copy = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  if (agent == NULL)
    return;
  {
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), af_agent_peek_definition (agent));
    g_autoptr (JsonNode) definition = af_json_deep_copy (node);

    /* Translators: the name of a duplicated agent */
    name = g_strdup_printf (_ ("%s (Copy)"), af_agent_get_name (agent));
    copy = af_agent_new (NULL, name, af_agent_get_template_id (agent), json_node_get_object (definition));
  }
  af_agent_set_description (copy, af_agent_get_description (agent));
  /* A copy starts paused: two agents acting on the same mail at once is
   * rarely what anyone wants. */
  af_agent_set_state (copy, AF_AGENT_STATE_PAUSED, NULL);
  if (!af_engine_add_agent (self->engine, copy, &error))
    {
      af_window_show_error_toast (self, _ ("Could not duplicate the agent"), error);
      return;
    }
  title = g_strdup_printf (_ ("“%s” created, paused"), name);
  adw_toast_overlay_add_toast (self->toast_overlay, af_window_text_toast (title));
  af_window_open_agent (self, copy);
}

void
af_window_actions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-agent", NULL, af_window_new_agent);
  gtk_widget_class_install_action (widget_class, "win.agent-edit", NULL, af_window_agent_edit);
  gtk_widget_class_install_action (widget_class, "win.agent-run", NULL, af_window_agent_run);
  gtk_widget_class_install_action (widget_class, "win.agent-pause-resume", NULL, af_window_agent_pause_resume);
  gtk_widget_class_install_action (widget_class, "win.agent-duplicate", NULL, af_window_agent_duplicate);
  gtk_widget_class_install_action (widget_class, "win.agent-export", NULL, af_window_agent_export);
  gtk_widget_class_install_action (widget_class, "win.agent-delete", NULL, af_window_agent_delete);
}

void
af_window_actions_watch_agents_page (AfWindow *self)
{
  g_signal_connect_object (self->agents_page, "set-active", G_CALLBACK (on_agent_set_active_cb), self, 0);
  g_signal_connect_object (self->agents_page, "run", G_CALLBACK (on_agent_run_cb), self, 0);
  g_signal_connect_object (self->agents_page, "export", G_CALLBACK (on_agent_export_cb), self, 0);
  g_signal_connect_object (self->agents_page, "delete", G_CALLBACK (on_agent_delete_cb), self, 0);
  g_signal_connect_object (self->agents_page, "edit", G_CALLBACK (on_agent_edit_cb), self, 0);
}

void
af_window_actions_watch_approvals_page (AfWindow *self)
{
  g_signal_connect_object (self->approvals_page, "decide", G_CALLBACK (on_approval_decide_cb), self, 0);
}
