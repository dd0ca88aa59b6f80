/* af-editor-actions.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A choice in a rule row's drop-down: an engine id and its words. */
typedef struct
{
  const char *id;
  const char *label; /* N_(): translate when shown */
} AfEditorChoice;

/* The editor's one view of the action table: the actions a rule row
 * offers, and the actions whose approval policy a permission's choice
 * (Off, Ask first, Automatic) sets. */
extern const AfEditorChoice af_editor_rule_actions[];
extern const guint          af_editor_n_rule_actions;

const char *const *af_editor_permission_actions (const char *permission);

G_END_DECLS
