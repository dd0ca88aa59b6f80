/* test-editor-draft.c — "Describe It…" in the agent editor: the user's
 * model (the sandbox's OpenAI-compatible endpoint on 127.0.0.1) drafts
 * rules from a description into the form, and nothing is saved until the
 * person presses Save. Without a model there is no such button.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "af-agent-editor.h"
#include "af-rule-row.h"
#include "af-sandbox.h"
#include "af-static-token-source.h"
#include "af-template.h"
#include "af-test-ui.h"

typedef struct
{
  AfSandbox     *sandbox;
  AfHttpClient  *http;
  AfTokenSource *tokens;
  AfLlmClient   *llm;
} Model;

static void
model_set_up (Model *m)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;

  m->sandbox = af_sandbox_new ();
  af_sandbox_add_default_tokens (m->sandbox, NULL, NULL, &token);
  g_assert_true (af_sandbox_start (m->sandbox, &error));
  g_assert_no_error (error);
  m->http = af_http_client_new ();
  af_http_client_set_retry_policy (m->http, 1, 10, 50);
  m->tokens = AF_TOKEN_SOURCE (af_static_token_source_new (token));
  url = g_strconcat (af_sandbox_get_base_url (m->sandbox), "/v1", NULL);
  m->llm = af_llm_client_new (m->http, m->tokens, url, "sandbox-model");
}

static void
model_tear_down (Model *m)
{
  g_clear_object (&m->llm);
  g_clear_object (&m->tokens);
  g_clear_object (&m->http);
  g_clear_object (&m->sandbox);
}

static AfAgentEditor *
open_editor (void)
{
  const char *const connected[] = { "gmail", "calendar", "slack", NULL };
  AfAgentEditor    *editor = af_agent_editor_new (NULL, af_template_lookup ("email-assistant"), connected);

  gtk_window_set_default_size (GTK_WINDOW (editor), 720, 1400);
  gtk_window_present (GTK_WINDOW (editor));
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));
  return editor;
}

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
find_describe_button (AfAgentEditor *editor)
{
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();

  collect (GTK_WIDGET (editor), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), "editor.describe") == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

static GtkWidget *
find_button_labelled (GtkWidget  *root,
                      const char *label)
{
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();

  collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      return g_ptr_array_index (buttons, i);
  g_error ("no button “%s”", label);
}

static GtkWindow *
find_dialog (AfAgentEditor *editor)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (w) == GTK_WINDOW (editor) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
dialog_open_cond (gpointer data)
{
  return find_dialog (data) != NULL;
}

static gboolean
dialog_closed_cond (gpointer data)
{
  return find_dialog (data) == NULL;
}

static GtkWindow *
describe (AfAgentEditor *editor,
          const char    *words)
{
  GtkWidget *button = find_describe_button (editor);
  GtkWindow *dialog;
  g_autoptr (GPtrArray) views = g_ptr_array_new ();

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  af_test_ui_click (button);
  af_test_ui_wait_until (dialog_open_cond, editor, 5000);
  dialog = find_dialog (editor);
  af_test_ui_wait_for_paint (GTK_WIDGET (dialog));
  /* Nothing to draft from yet. */
  g_assert_false (gtk_widget_is_sensitive (find_button_labelled (GTK_WIDGET (dialog), "_Draft Rules")));
  collect (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW, views);
  g_assert_cmpuint (views->len, ==, 1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (g_ptr_array_index (views, 0)), words, -1);
  af_test_ui_click (find_button_labelled (GTK_WIDGET (dialog), "_Draft Rules"));
  return dialog;
}

typedef struct
{
  AfAgentEditor *editor;
  const char    *label;
} RuleWait;

/* The editor's rule rows hold one rule labelling mail @label. */
static gboolean
rows_show_label_cond (gpointer data)
{
  RuleWait  *w = data;
  GtkWidget *row = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  g_autoptr (AfRule) rule = NULL;
  AfRuleAction *action;

  collect (GTK_WIDGET (w->editor), AF_TYPE_RULE_ROW, rows);
  if (rows->len != 1)
    return FALSE;
  row = g_ptr_array_index (rows, 0);
  rule = af_rule_row_dup_rule (AF_RULE_ROW (row));
  if (rule == NULL || rule->actions->len != 1)
    return FALSE;
  action = g_ptr_array_index (rule->actions, 0);
  return g_strcmp0 (action->action, "label") == 0 && g_strcmp0 (af_rule_action_get_param (action, "label"), w->label) == 0;
}

static void
on_saved_cb (AfAgentEditor      *editor,
             AfAgentDefinition  *definition,
             AfAgentDefinition **slot)
{
  g_set_object (slot, definition);
}

static void
test_no_model (void)
{
  AfAgentEditor *editor = open_editor ();
  GtkWidget     *button = find_describe_button (editor);

  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_visible (button));
  g_assert_false (gtk_widget_get_mapped (button));
  g_assert_null (af_agent_editor_describe (editor));
  gtk_window_destroy (GTK_WINDOW (editor));
  af_test_ui_destroy_windows ();
}

static void
test_draft_then_save (void)
{
  Model          m = { 0 };
  AfAgentEditor *editor;
  g_autoptr (AfAgentDefinition) saved = NULL;
  guint    n_before;
  RuleWait wait;

  model_set_up (&m);
  editor = open_editor ();
  n_before = af_agent_editor_get_n_rules (editor);
  g_signal_connect (editor, "saved", G_CALLBACK (on_saved_cb), &saved);
  af_agent_editor_set_llm_client (editor, m.llm);
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));

  /* The sandbox's model drafts from words it knows (invoices: Finance). */
  describe (editor, "Put invoices and receipts under Finance");
  wait = (RuleWait){ editor, "Finance" };
  af_test_ui_wait_until (rows_show_label_cond, &wait, 10000);
  af_test_ui_wait_until (dialog_closed_cond, editor, 5000);
  g_assert_cmpuint (n_before, !=, 1);
  g_assert_cmpuint (af_agent_editor_get_n_rules (editor), ==, 1);

  /* In the form only: modified, not saved. */
  g_assert_true (af_agent_editor_get_modified (editor));
  g_assert_null (saved);

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_nonnull (saved);
  {
    GPtrArray *rules = af_agent_definition_get_rules (saved);
    AfRule    *rule;

    g_assert_cmpuint (rules->len, ==, 1);
    rule = g_ptr_array_index (rules, 0);
    g_assert_cmpstr (rule->name, ==, "Invoices");
    g_assert_cmpstr (af_rule_action_get_param (g_ptr_array_index (rule->actions, 0), "label"), ==, "Finance");
    g_assert_true (af_agent_definition_has_permission (saved, "gmail.modify"));
    g_assert_true (af_agent_definition_has_permission (saved, "gmail.read"));
  }
  af_test_ui_destroy_windows ();
  model_tear_down (&m);
}

static gboolean
error_shown_cond (gpointer data)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  collect (data, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_visible (g_ptr_array_index (labels, i)) &&
        g_str_has_prefix (gtk_label_get_text (g_ptr_array_index (labels, i)), "The model's answer could not be used:"))
      return TRUE;
  return FALSE;
}

static void
test_bad_answer (void)
{
  Model          m = { 0 };
  AfAgentEditor *editor;
  GtkWindow     *dialog;
  guint          n_before;

  model_set_up (&m);
  editor = open_editor ();
  n_before = af_agent_editor_get_n_rules (editor);
  af_agent_editor_set_llm_client (editor, m.llm);
  af_test_ui_wait_for_paint (GTK_WIDGET (editor));
  af_sandbox_llm_push_reply (m.sandbox, "{\"role\":\"assistant\",\"content\":\"{\\\"rules\\\":[{\\\"name\\\":\\\"X\\\","
                                        "\\\"conditions\\\":[],\\\"actions\\\":[{\\\"action\\\":\\\"shred\\\"}]}],"
                                        "\\\"permissions\\\":[\\\"gmail.read\\\"]}\"}");

  dialog = describe (editor, "Shred everything");
  af_test_ui_wait_until (error_shown_cond, dialog, 10000);
  /* The dialog stays for another try; the form is as it was. */
  g_assert_true (find_dialog (editor) == dialog);
  g_assert_true (gtk_widget_is_sensitive (find_button_labelled (GTK_WIDGET (dialog), "_Draft Rules")));
  g_assert_cmpuint (af_agent_editor_get_n_rules (editor), ==, n_before);
  g_assert_false (af_agent_editor_get_modified (editor));

  af_test_ui_click (find_button_labelled (GTK_WIDGET (dialog), "_Cancel"));
  af_test_ui_wait_until (dialog_closed_cond, editor, 5000);
  g_assert_false (af_agent_editor_get_modified (editor));
  af_test_ui_destroy_windows ();
  model_tear_down (&m);
}

int
main (int   argc,
      char *argv[])
{
  if (!af_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/editor-draft/no-model", test_no_model);
  g_test_add_func ("/editor-draft/draft-then-save", test_draft_then_save);
  g_test_add_func ("/editor-draft/bad-answer", test_bad_answer);

  return g_test_run ();
}
