/* af-editor-results.c — what the agent in the editor would do: the live
 * preview under the rules, and the test run's answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "af-agent-editor-private.h"
#include "af-rule-row.h"

/* The rules as they are now, tried by the engine's test run on what the
 * agent would read: the model stays out, a preview is about the rules. */
static gboolean
preview_cb (gpointer user_data)
{
  AfAgentEditor *self = user_data;
  g_autoptr (AfAgentDefinition) definition = NULL;
  gboolean rules_ok = TRUE;
  guint    n = af_agent_editor_get_n_rules (self);

  self->preview_id = 0;
  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);

  for (guint r = 0; r < n; r++)
    rules_ok &= af_rule_row_is_valid (AF_RULE_ROW (af_editor_rules_nth (self, r)));
  gtk_widget_set_visible (self->preview_box, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_subjects), FALSE);
  if (n == 0 || !rules_ok)
    {
      gtk_label_set_label (self->preview_label, n == 0 ? _ ("Add a rule to see which messages it matches")
                                                       : _ ("Finish the rules to see which messages they match"));
      return G_SOURCE_REMOVE;
    }
  if (!af_editor_validate_form (self, FALSE))
    {
      gtk_label_set_label (self->preview_label, _ ("Complete the highlighted fields to see which messages the rules match"));
      return G_SOURCE_REMOVE;
    }

  definition = af_agent_editor_build_definition (self, TRUE);
  self->preview_cancellable = g_cancellable_new ();
  gtk_label_set_label (self->preview_label, _ ("Checking what the rules match…"));
  af_agent_editor_emit_preview (self, definition, self->preview_cancellable);
  return G_SOURCE_REMOVE;
}

/* Typing a word re-runs it once the typing pauses, not per key. */
void
af_editor_results_schedule_preview (AfAgentEditor *self)
{
  if (!af_agent_editor_has_preview_handler (self))
    return;
  g_clear_handle_id (&self->preview_id, g_source_remove);
  self->preview_id = g_timeout_add (300, preview_cb, self);
}

static void
on_test_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A dialog over the editor with a Close button, @extra under the text. */
void
af_editor_results_show_message (AfAgentEditor *self,
                                const char    *heading,
                                const char    *body,
                                GtkWidget     *extra)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  if (extra != NULL)
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), extra);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_test_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
af_editor_results_set_testing (AfAgentEditor *self,
                               gboolean       testing)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.test-run", !testing);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), testing);
  gtk_spinner_set_spinning (self->test_spinner, testing);
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
  GtkWidget *list;
  guint      n_rows = 0, n_actions = 0;

  g_return_if_fail (AF_IS_AGENT_EDITOR (self));
  g_return_if_fail (result != NULL || error != NULL);

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  af_editor_results_set_testing (self, FALSE);

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

  if (n_rows > 0)
    {
      GtkWidget *scrolled = gtk_scrolled_window_new ();

      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
      /* Room for a few rows even in a small dialog; the rest scroll. */
      gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), MIN (n_rows, 3) * 56);
      gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
      af_editor_results_show_message (self, _ ("Test Run"), body->str, scrolled);
    }
  else
    {
      g_object_ref_sink (list);
      g_object_unref (list);
      af_editor_results_show_message (self, _ ("Test Run"), body->str, NULL);
    }
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
  mail = g_strcmp0 (af_agent_definition_get_source (self->definition), "mail") == 0;
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
