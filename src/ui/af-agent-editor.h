/* af-agent-editor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "af-account-manager.h"
#include "af-agent-definition.h"
#include "af-connect-button.h"
#include "af-llm-client.h"
#include "af-template.h"

G_BEGIN_DECLS

#define AF_TYPE_AGENT_EDITOR (af_agent_editor_get_type ())

G_DECLARE_FINAL_TYPE (AfAgentEditor, af_agent_editor, AF, AGENT_EDITOR, AdwWindow)

AfAgentEditor     *af_agent_editor_new (GtkWindow *parent,
                                        AfTemplate *template,
                                        const char *const *connected_services);
const char        *af_agent_editor_get_template_id (AfAgentEditor *self);
gboolean           af_agent_editor_get_modified (AfAgentEditor *self);
gboolean           af_agent_editor_validate (AfAgentEditor *self);
AfAgentDefinition *af_agent_editor_dup_definition (AfAgentEditor *self);
const char        *af_agent_editor_get_agent_id (AfAgentEditor *self);
const char        *af_agent_editor_get_description (AfAgentEditor *self);
guint              af_agent_editor_get_n_rules (AfAgentEditor *self);
void               af_agent_editor_add_rule (AfAgentEditor *self);
void               af_agent_editor_set_name (AfAgentEditor *self,
                                             const char    *name);
const char        *af_agent_editor_get_name (AfAgentEditor *self);
void               af_agent_editor_set_default_name (AfAgentEditor *self,
                                                     const char    *name);
char              *af_agent_editor_describe_plan (AfAgentEditor *self);
void               af_agent_editor_load_agent (AfAgentEditor     *self,
                                               const char        *agent_id,
                                               const char        *name,
                                               const char        *description,
                                               AfAgentDefinition *definition);
void               af_agent_editor_set_service_state (AfAgentEditor     *self,
                                                      const char        *service,
                                                      AfIntegrationState state);
void               af_agent_editor_set_llm_client (AfAgentEditor *self,
                                                   AfLlmClient   *llm);
GtkWindow         *af_agent_editor_describe (AfAgentEditor *self);
void               af_agent_editor_set_accounts (AfAgentEditor    *self,
                                                 AfAccountManager *accounts);
AfIntegrationState af_agent_editor_get_service_state (AfAgentEditor *self,
                                                      const char    *service);
void               af_agent_editor_show_preview (AfAgentEditor *self,
                                                 JsonObject    *result,
                                                 const GError  *error);
void               af_agent_editor_show_test_result (AfAgentEditor *self,
                                                     JsonObject    *result,
                                                     const GError  *error);

G_END_DECLS
