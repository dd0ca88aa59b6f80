/* af-editor-draft.c — the agent editor's "Describe It…": the person says
 * in plain words what the agent should do, the AI model they set up
 * drafts rules and permissions, and the draft replaces the form's. It is
 * only ever the form's: nothing is saved until the person presses Save.
 * Without a model the button is not shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-editor-draft"

#include "config.h"

#include <glib/gi18n.h>

#include "af-agent-draft.h"
#include "af-agent-editor-private.h"

typedef struct
{
  AfAgentEditor *editor; /* weak */
  GtkTextView   *text_view;
  GtkWidget     *draft_button;
  GtkWidget     *spinner;
  GtkWidget     *status;
  GtkLabel      *error_label;
  GCancellable  *cancellable; /* while the model works */
} DraftDialog;

static void
draft_dialog_free (DraftDialog *d)
{
  g_clear_weak_pointer (&d->editor);
  if (d->cancellable != NULL)
    g_cancellable_cancel (d->cancellable);
  g_clear_object (&d->cancellable);
  g_free (d);
}

static DraftDialog *
get_dialog (GtkWindow *window)
{
  return g_object_get_data (G_OBJECT (window), "af-draft-dialog");
}

static char *
dup_description (DraftDialog *d)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (d->text_view);
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static void
update_state (DraftDialog *d)
{
  g_autofree char *text = dup_description (d);
  gboolean         working = d->cancellable != NULL;

  gtk_widget_set_sensitive (d->draft_button, !working && *text != '\0');
  gtk_text_view_set_editable (d->text_view, !working);
  gtk_widget_set_visible (d->spinner, working);
  gtk_spinner_set_spinning (GTK_SPINNER (d->spinner), working);
  gtk_widget_set_visible (d->status, working);
}

static void
show_error (DraftDialog *d,
            const char  *message)
{
  gtk_label_set_text (d->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (d->error_label), message != NULL);
}

/**
 * af_editor_draft_apply:
 * @draft: rules and permissions to show in the form
 *
 * Replaces the form's rules and permissions with @draft's, as an edit of
 * the person's: the editor is modified, nothing is saved.
 */
void
af_editor_draft_apply (AfAgentEditor     *self,
                       AfAgentDefinition *draft)
{
  self->loading = TRUE;
  af_editor_services_load (self, draft, NULL);
  af_editor_rules_load (self, draft);
  self->loading = FALSE;
  self->modified = TRUE;
  self->rules_modified = TRUE;
  af_agent_editor_update_validity (self);
}

static void
on_draft_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GtkWindow) window = user_data;
  g_autoptr (AfAgentDefinition) draft = NULL;
  g_autoptr (GError) error = NULL;
  DraftDialog *d;

  draft = af_agent_draft_finish (result, &error);
  /* Cancelled: by the person, who is back at the description, or by the
   * dialog closing. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  d = get_dialog (window);
  g_clear_object (&d->cancellable);
  update_state (d);
  if (draft == NULL)
    {
      show_error (d, error->message);
      return;
    }
  if (d->editor != NULL)
    {
      af_editor_draft_apply (d->editor, draft);
      adw_toast_overlay_add_toast (d->editor->toast_overlay,
                                   adw_toast_new (_ ("Rules drafted: review them, then save the agent")));
    }
  gtk_window_destroy (window);
}

static void
on_draft_clicked_cb (GtkButton *button,
                     GtkWindow *window)
{
  DraftDialog     *d = get_dialog (window);
  g_autofree char *text = dup_description (d);
  g_autoptr (AfAgentDefinition) base = NULL;

  if (d->editor == NULL || d->editor->llm == NULL || d->cancellable != NULL || *text == '\0')
    return;
  show_error (d, NULL);
  /* The form as it is now: the draft keeps its trigger, source and
   * accounts. */
  base = af_agent_editor_build_definition (d->editor, FALSE);
  d->cancellable = g_cancellable_new ();
  update_state (d);
  af_agent_draft_async (d->editor->llm, base, text, d->cancellable, on_draft_cb, g_object_ref (window));
}

static void
on_cancel_clicked_cb (GtkButton *button,
                      GtkWindow *window)
{
  DraftDialog *d = get_dialog (window);

  /* Working: stop, and let the description be changed. */
  if (d->cancellable != NULL)
    {
      g_cancellable_cancel (d->cancellable);
      g_clear_object (&d->cancellable);
      update_state (d);
      return;
    }
  gtk_window_destroy (window);
}

static void
on_dialog_destroy_cb (GtkWindow *window)
{
  DraftDialog *d = get_dialog (window);

  if (d->cancellable != NULL)
    g_cancellable_cancel (d->cancellable);
}

static void
on_text_changed_cb (GtkTextBuffer *buffer,
                    GtkWindow     *window)
{
  update_state (get_dialog (window));
}

/**
 * af_agent_editor_describe:
 *
 * Opens the dialog in which the person describes the agent for the model
 * to draft its rules (shown only with a model, af_agent_editor_set_llm_client()).
 *
 * Returns: (transfer none) (nullable): the dialog, or %NULL without a model
 */
GtkWindow *
af_agent_editor_describe (AfAgentEditor *self)
{
  DraftDialog *d;
  GtkWidget   *window, *toolbar, *header, *cancel, *box, *intro, *scrolled, *status_box;

  g_return_val_if_fail (AF_IS_AGENT_EDITOR (self), NULL);

  if (self->llm == NULL)
    return NULL;

  d = g_new0 (DraftDialog, 1);
  g_set_weak_pointer (&d->editor, self);

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _ ("Describe the Agent"));
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 360);
  g_object_set_data_full (G_OBJECT (window), "af-draft-dialog", d, (GDestroyNotify)draft_dialog_free);

  toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_ ("_Cancel"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  d->draft_button = gtk_button_new_with_mnemonic (_ ("_Draft Rules"));
  gtk_widget_add_css_class (d->draft_button, "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), d->draft_button);
  gtk_box_append (GTK_BOX (toolbar), header);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_vexpand (box, TRUE);
  intro = gtk_label_new (_ ("Say in plain words what this agent should do. Your AI model drafts its rules and "
                            "permissions; they replace the ones in the editor, and nothing is saved until you "
                            "press Save."));
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_widget_add_css_class (intro, "dim-label");
  gtk_box_append (GTK_BOX (box), intro);

  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_add_css_class (scrolled, "card");
  d->text_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (d->text_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (d->text_view, 8);
  gtk_text_view_set_bottom_margin (d->text_view, 8);
  gtk_text_view_set_left_margin (d->text_view, 8);
  gtk_text_view_set_right_margin (d->text_view, 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (d->text_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("What the agent should do"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (d->text_view));
  gtk_box_append (GTK_BOX (box), scrolled);

  status_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  d->spinner = gtk_spinner_new ();
  d->status = gtk_label_new (_ ("Your AI model is drafting the rules…"));
  gtk_box_append (GTK_BOX (status_box), d->spinner);
  gtk_box_append (GTK_BOX (status_box), d->status);
  gtk_box_append (GTK_BOX (box), status_box);

  d->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (d->error_label, TRUE);
  gtk_label_set_xalign (d->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (d->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (d->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->error_label));

  gtk_box_append (GTK_BOX (toolbar), box);
  adw_window_set_content (ADW_WINDOW (window), toolbar);

  g_signal_connect (d->draft_button, "clicked", G_CALLBACK (on_draft_clicked_cb), window);
  g_signal_connect (cancel, "clicked", G_CALLBACK (on_cancel_clicked_cb), window);
  g_signal_connect (window, "destroy", G_CALLBACK (on_dialog_destroy_cb), NULL);
  g_signal_connect (gtk_text_view_get_buffer (d->text_view), "changed", G_CALLBACK (on_text_changed_cb), window);
  update_state (d);

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_grab_focus (GTK_WIDGET (d->text_view));
  return GTK_WINDOW (window);
}

static void
editor_describe (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  af_agent_editor_describe (AF_AGENT_EDITOR (widget));
}

/**
 * af_agent_editor_set_llm_client:
 * @llm: (nullable): the user's AI model
 *
 * With a model, the editor offers "Describe It…": rules and permissions
 * drafted from a description. Without one, it does not.
 */
void
af_agent_editor_set_llm_client (AfAgentEditor *self,
                                AfLlmClient   *llm)
{
  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (llm == NULL || AF_IS_LLM_CLIENT (llm));

  g_set_object (&self->llm, llm);
  gtk_widget_set_visible (self->describe_button, llm != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.describe", llm != NULL);
}

void
af_editor_draft_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, AfAgentEditor, describe_button);
  gtk_widget_class_install_action (widget_class, "editor.describe", NULL, editor_describe);
}
