/* af-agent-definition.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "af-agent-rule.h"
#include "af-agent.h"

G_BEGIN_DECLS

#define AF_TYPE_AGENT_DEFINITION (af_agent_definition_get_type ())

G_DECLARE_FINAL_TYPE (AfAgentDefinition, af_agent_definition, AF, AGENT_DEFINITION, GObject)

/* What starts a run. The ids ("new_mail"…) are the engine's, and the only
 * ones: af_agent_trigger_kind_to_string() / _from_string(). */
typedef enum
{
  AF_TRIGGER_MANUAL,
  AF_TRIGGER_INTERVAL,
  AF_TRIGGER_DAILY,
  AF_TRIGGER_WEEKLY,
  AF_TRIGGER_NEW_MAIL,
  AF_TRIGGER_UPCOMING_EVENT,
} AfTriggerKind;

typedef struct
{
  AfTriggerKind kind;
  /* interval, new_mail, upcoming_event; 0: unset (the engine's default). */
  int minutes;
  /* daily, weekly: the time of day; -1: unset. */
  int hour;
  int minute;
  /* weekly: 1 (Monday) to 7 (Sunday); 0: unset. */
  int weekday;
} AfAgentTrigger;

const char *af_trigger_kind_to_string (AfTriggerKind kind);
gboolean    af_trigger_kind_from_string (const char    *text,
                                         AfTriggerKind *kind);
const char *af_approval_policy_to_string (AfApprovalPolicy policy);

AfAgentDefinition *af_agent_definition_new (void);
AfAgentDefinition *af_agent_definition_new_from_json (JsonObject *definition,
                                                      GError    **error);
AfAgentDefinition *af_agent_definition_new_from_agent (AfAgent *agent);
AfAgentDefinition *af_agent_definition_copy (AfAgentDefinition *self);
JsonObject        *af_agent_definition_to_json (AfAgentDefinition *self);
gboolean           af_agent_definition_apply (AfAgentDefinition *self,
                                              AfAgent           *agent,
                                              GError           **error);

const char           *af_agent_definition_get_source (AfAgentDefinition *self);
void                  af_agent_definition_set_source (AfAgentDefinition *self,
                                                      const char        *source);
const AfAgentTrigger *af_agent_definition_get_trigger (AfAgentDefinition *self);
void                  af_agent_definition_set_trigger (AfAgentDefinition    *self,
                                                       const AfAgentTrigger *trigger);
int                   af_agent_definition_get_first_run_days (AfAgentDefinition *self);
void                  af_agent_definition_set_first_run_days (AfAgentDefinition *self,
                                                              int                days);

GPtrArray         *af_agent_definition_get_connections (AfAgentDefinition *self);
AfAgentConnection *af_agent_definition_lookup_connection (AfAgentDefinition *self,
                                                          const char        *service);
gboolean           af_agent_definition_has_permission (AfAgentDefinition *self,
                                                       const char        *permission);
void               af_agent_definition_set_connections (AfAgentDefinition *self,
                                                        GPtrArray         *connections);

GPtrArray *af_agent_definition_get_rules (AfAgentDefinition *self);
void       af_agent_definition_set_rules (AfAgentDefinition *self,
                                          GPtrArray         *rules);

gboolean af_agent_definition_get_approval (AfAgentDefinition *self,
                                           const char        *action,
                                           AfApprovalPolicy  *policy);
void     af_agent_definition_set_approval (AfAgentDefinition *self,
                                           const char        *action,
                                           AfApprovalPolicy   policy);
void     af_agent_definition_clear_approvals (AfAgentDefinition *self);

gboolean    af_agent_definition_has_ai (AfAgentDefinition *self);
const char *af_agent_definition_get_instructions (AfAgentDefinition *self);
void        af_agent_definition_set_instructions (AfAgentDefinition *self,
                                                  const char        *instructions);
gboolean    af_agent_definition_get_ai_enabled (AfAgentDefinition *self);
void        af_agent_definition_set_ai_enabled (AfAgentDefinition *self,
                                                gboolean           enabled);

G_END_DECLS
