/* af-agent-editor-private.h — shared by the agent editor's sections
 * (af-agent-editor.c and af-editor-*.c): one concern a file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-account-manager.h"
#include "af-agent-editor.h"
#include "af-llm-client.h"

G_BEGIN_DECLS

struct _AfAgentEditor
{
  AdwWindow parent_instance;

  AfTemplate *template;
  char              *template_id;
  char              *agent_id;
  AfAgentDefinition *definition; /* the copy being edited */
  GStrv              connected;
  AfAccountManager  *accounts; /* (nullable): whose connections the Account rows list */
  gboolean           modified;
  gboolean           rules_modified;
  gboolean           loading;
  GPtrArray         *service_rows;    /* AdwExpanderRow, one per service */
  GPtrArray         *permission_rows; /* AdwComboRow, one per permission: Off, Ask first, Automatic */
  GCancellable      *test_cancellable;
  GCancellable      *preview_cancellable;
  guint              preview_id; /* the debounce timeout */
  GPtrArray         *kept_rules; /* AfRule: rules the rule rows cannot show faithfully */
  AfLlmClient       *llm;        /* (nullable): the user's model, for drafting rules */

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkSpinner          *test_spinner;
  AdwToastOverlay     *toast_overlay;
  AdwEntryRow         *name_row;
  AdwEntryRow         *description_row;
  GtkLabel            *name_error;
  AdwComboRow         *trigger_row;
  AdwComboRow         *first_run_row; /* mail agents only */
  AdwActionRow        *interval_row;
  GtkSpinButton       *interval_spin;
  AdwComboRow         *weekday_row;
  AdwActionRow        *time_row;
  GtkSpinButton       *hour_spin;
  GtkSpinButton       *minute_spin;
  AdwActionRow        *lead_row;
  GtkSpinButton       *lead_spin;
  AdwPreferencesGroup *services_group;
  GtkLabel            *services_error;
  GtkListBox          *rules_list;
  GtkWidget           *describe_button;
  GtkLabel            *kept_rules_label;
  GtkLabel            *rules_error;
  GtkTextView         *instructions_view;
  GtkSwitch           *ai_switch;
  GtkLabel            *ai_error;
  GtkButton           *save_button;
  GtkWidget           *preview_box;
  GtkLabel            *preview_label;
  GtkLabel            *preview_subjects;
};

/* af-agent-editor.c */
void               af_agent_editor_changed (AfAgentEditor *self);
void               af_agent_editor_set_modified (AfAgentEditor *self);
void               af_agent_editor_update_validity (AfAgentEditor *self);
void               af_agent_editor_emit_preview (AfAgentEditor     *self,
                                                 AfAgentDefinition *definition,
                                                 GCancellable      *cancellable);
gboolean           af_agent_editor_has_preview_handler (AfAgentEditor *self);
AfAgentDefinition *af_agent_editor_build_definition (AfAgentEditor *self,
                                                     gboolean       for_preview);

/* af-editor-trigger.c: when it runs, and a mail agent's first run */
void  af_editor_trigger_class_init (GtkWidgetClass *widget_class);
void  af_editor_trigger_load (AfAgentEditor     *self,
                              AfAgentDefinition *definition);
void  af_editor_trigger_save (AfAgentEditor     *self,
                              AfAgentDefinition *definition);
char *af_editor_trigger_describe (AfAgentEditor *self);

/* af-editor-services.c: services, one choice per permission, approvals */
void               af_editor_services_build (AfAgentEditor *self);
void               af_editor_services_load (AfAgentEditor     *self,
                                            AfAgentDefinition *definition,
                                            const char *const *template_permissions);
void               af_editor_services_save (AfAgentEditor     *self,
                                            AfAgentDefinition *definition);
gboolean           af_editor_services_any_on (AfAgentEditor *self);
gboolean           af_editor_services_any_ask (AfAgentEditor *self);
char              *af_editor_services_missing_for (AfAgentEditor *self,
                                                   const char    *action);
void               af_editor_services_show_state (AfAgentEditor     *self,
                                                  const char        *service,
                                                  AfIntegrationState state);
AfIntegrationState af_editor_services_get_state (AfAgentEditor *self,
                                                 const char    *service);
void               af_editor_services_show_accounts (AfAgentEditor *self);

/* af-editor-rules.c: the rule rows, and the rules they cannot show */
GtkWidget *af_editor_rules_nth (AfAgentEditor *self,
                                int            index);
void       af_editor_rules_append (AfAgentEditor *self,
                                   const AfRule  *rule);
void       af_editor_rules_load (AfAgentEditor     *self,
                                 AfAgentDefinition *definition);
void       af_editor_rules_save (AfAgentEditor     *self,
                                 AfAgentDefinition *definition);
void       af_editor_rules_describe (AfAgentEditor *self,
                                     GString       *plan);

/* af-editor-draft.c: rules and permissions drafted by the model from a
 * description, into the form (never saved by it) */
void af_editor_draft_class_init (GtkWidgetClass *widget_class);
void af_editor_draft_apply (AfAgentEditor     *self,
                            AfAgentDefinition *draft);

/* af-editor-validation.c: what keeps the agent from being saved */
gboolean af_editor_validate_form (AfAgentEditor *self,
                                  gboolean       mark);

/* af-editor-results.c: the live preview and the test run's answer */
void af_editor_results_schedule_preview (AfAgentEditor *self);
void af_editor_results_set_testing (AfAgentEditor *self,
                                    gboolean       testing);
void af_editor_results_show_message (AfAgentEditor *self,
                                     const char    *heading,
                                     const char    *body,
                                     GtkWidget     *extra);

G_END_DECLS
