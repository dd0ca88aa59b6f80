/* af-agent-state.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-store"

#include "config.h"

#include "af-agent-state.h"

G_DEFINE_ENUM_TYPE (AfAgentState, af_agent_state, G_DEFINE_ENUM_VALUE (AF_AGENT_STATE_ACTIVE, "active"), G_DEFINE_ENUM_VALUE (AF_AGENT_STATE_PAUSED, "paused"), G_DEFINE_ENUM_VALUE (AF_AGENT_STATE_NEEDS_ATTENTION, "needs-attention"))
