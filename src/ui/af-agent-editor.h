/* af-agent-editor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define AF_TYPE_AGENT_EDITOR (af_agent_editor_get_type ())

G_DECLARE_FINAL_TYPE (AfAgentEditor, af_agent_editor, AF, AGENT_EDITOR, AdwWindow)

AfAgentEditor *af_agent_editor_new (GtkWindow         *parent,
                                    const char        *template_id,
                                    const char *const *connected_services);
const char    *af_agent_editor_get_template_id (AfAgentEditor *self);
gboolean       af_agent_editor_get_modified (AfAgentEditor *self);
gboolean       af_agent_editor_validate (AfAgentEditor *self);
char          *af_agent_editor_to_json (AfAgentEditor *self);
guint          af_agent_editor_get_n_rules (AfAgentEditor *self);
void           af_agent_editor_add_rule (AfAgentEditor *self);
void           af_agent_editor_set_name (AfAgentEditor *self,
                                         const char    *name);
char          *af_agent_editor_describe_plan (AfAgentEditor *self);
void           af_agent_editor_load_agent (AfAgentEditor *self,
                                           const char    *agent_id,
                                           const char    *name,
                                           const char    *description,
                                           JsonObject    *definition);

G_END_DECLS
