/* af-shared-definition.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One parsed agent definition held by every agent whose definition has the
 * same text. Never modified: an agent that changes its definition takes a
 * copy and releases its share. */
typedef struct _AfSharedDefinition AfSharedDefinition;

AfSharedDefinition *af_shared_definition_acquire (JsonObject *definition);
AfSharedDefinition *af_shared_definition_acquire_text (const char *text);
JsonObject         *af_shared_definition_get (AfSharedDefinition *shared);
void                af_shared_definition_release (AfSharedDefinition *shared);

G_END_DECLS
