/* af-test-editor.h — saving an agent editor the way a person does, for the
 * editor's UI tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-agent-editor.h"
#include "af-test-ui.h"

static inline gboolean
af_test_editor_save_enabled_cond (gpointer data)
{
  return gtk_widget_get_sensitive (af_test_ui_find_widget (GTK_WIDGET (data), GTK_TYPE_BUTTON, "_Save"));
}

static inline void
af_test_editor_on_saved_cb (AfAgentEditor     *editor,
                            AfAgentDefinition *definition,
                            gpointer           user_data)
{
  AfAgentDefinition **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (definition);
}

/* Saves with the Save action and returns what "saved" carried. */
static inline AfAgentDefinition *
af_test_editor_save (AfAgentEditor *editor)
{
  AfAgentDefinition *saved = NULL;

  g_signal_connect (editor, "saved", G_CALLBACK (af_test_editor_on_saved_cb), &saved);
  af_test_ui_wait_until (af_test_editor_save_enabled_cond, editor, 5000);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_nonnull (saved);
  af_test_ui_wait_for_idle ();
  return saved;
}
