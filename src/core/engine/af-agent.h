/* af-agent.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

/* Kept for the callers that read the action table through this header. */
#include "af-action.h"
#include "af-json-private.h"
#include "af-agent-state.h"

G_BEGIN_DECLS

#define AF_TYPE_AGENT (af_agent_get_type ())

G_DECLARE_FINAL_TYPE (AfAgent, af_agent, AF, AGENT, GObject)

/* 2: the file carries the whole definition, "source" included; version 1
 * files are still read. */
#define AF_AGENT_EXPORT_VERSION 2

typedef enum
{
  AF_APPROVAL_POLICY_AUTO,
  AF_APPROVAL_POLICY_ASK,
  AF_APPROVAL_POLICY_NEVER,
} AfApprovalPolicy;

/* @definition holds the source, trigger, connections (service, account,
 * permissions), rules, ai settings and approval policies; see
 * af_agent_validate_definition(). */
AfAgent     *af_agent_new (const char *id,
                           const char *name,
                           const char *template_id,
                           JsonObject *definition);
const char  *af_agent_get_id (AfAgent *self);
const char  *af_agent_get_name (AfAgent *self);
void         af_agent_set_name (AfAgent    *self,
                                const char *name);
const char  *af_agent_get_description (AfAgent *self);
void         af_agent_set_description (AfAgent    *self,
                                       const char *description);
const char  *af_agent_get_template_id (AfAgent *self);
JsonObject  *af_agent_get_definition (AfAgent *self);
JsonObject  *af_agent_peek_definition (AfAgent *self);
void         af_agent_set_definition (AfAgent    *self,
                                      JsonObject *definition);
void         af_agent_set_definition_text (AfAgent    *self,
                                           const char *text);
JsonObject  *af_agent_get_trigger (AfAgent *self);
JsonArray   *af_agent_get_rules (AfAgent *self);
JsonObject  *af_agent_get_ai (AfAgent *self);
const char  *af_agent_get_account (AfAgent    *self,
                                   const char *service);
AfAgentState af_agent_get_state (AfAgent *self);
const char  *af_agent_get_state_reason (AfAgent *self);
void         af_agent_set_state (AfAgent     *self,
                                 AfAgentState state,
                                 const char  *reason);
gint64       af_agent_get_created_at (AfAgent *self);
gint64       af_agent_get_updated_at (AfAgent *self);
void         af_agent_set_timestamps (AfAgent *self,
                                      gint64   created_at,
                                      gint64   updated_at);
gint64       af_agent_get_last_run (AfAgent *self);
void         af_agent_set_last_run (AfAgent *self,
                                    gint64   last_run);
gint64       af_agent_get_next_run (AfAgent *self);
void         af_agent_set_next_run (AfAgent *self,
                                    gint64   next_run);

gboolean         af_agent_has_permission (AfAgent    *self,
                                          const char *permission);
AfApprovalPolicy af_agent_get_approval_policy (AfAgent    *self,
                                               const char *action,
                                               gboolean    read_untrusted);

const char  *af_agent_state_to_string (AfAgentState state);
AfAgentState af_agent_state_from_string (const char *state);

/* Export without secrets (there are none in an agent) and with a version. */
JsonNode *af_agent_to_json (AfAgent *self);
/* Validates everything and fails with AF_ERROR_INVALID_DATA naming the
 * path of the first problem, e.g. “rules[1].conditions[0].op”. */
AfAgent *af_agent_new_from_json (JsonNode *node,
                                 GError  **error);
/* Also refuses a member no agent definition has (see
 * af_agent_definition_member_names()). */
gboolean     af_agent_validate_definition (JsonObject *definition,
                                           GError    **error);
const char **af_agent_definition_member_names (void);

G_END_DECLS
