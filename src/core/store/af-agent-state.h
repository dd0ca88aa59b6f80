/* af-agent-state.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-enum-nick.h"

G_BEGIN_DECLS

/**
 * AfAgentState:
 * @AF_AGENT_STATE_ACTIVE: runs on its trigger (stored as "active")
 * @AF_AGENT_STATE_PAUSED: kept, not run (stored as "paused")
 * @AF_AGENT_STATE_NEEDS_ATTENTION: stopped until the user reconnects an
 *   account (stored as "needs-attention")
 *
 * The nick of each value is what the agents table stores.
 */
typedef enum
{
  AF_AGENT_STATE_ACTIVE,
  AF_AGENT_STATE_PAUSED,
  AF_AGENT_STATE_NEEDS_ATTENTION,
} AfAgentState;

#define AF_TYPE_AGENT_STATE (af_agent_state_get_type ())
GType af_agent_state_get_type (void);

G_END_DECLS
