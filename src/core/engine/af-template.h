/* af-template.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "af-agent.h"

G_BEGIN_DECLS

#define AF_TYPE_TEMPLATE (af_template_get_type ())

G_DECLARE_FINAL_TYPE (AfTemplate, af_template, AF, TEMPLATE, GObject)

/* All shipped templates (element-type AfTemplate), from the GResource. */
GListModel *af_template_get_all (void);
AfTemplate *af_template_lookup (const char *id);

const char        *af_template_get_id (AfTemplate *self);
const char        *af_template_get_name (AfTemplate *self);
const char        *af_template_get_description (AfTemplate *self);
const char        *af_template_get_icon_name (AfTemplate *self);
const char *const *af_template_get_services (AfTemplate *self);
const char *const *af_template_get_permissions (AfTemplate *self);
JsonObject        *af_template_get_definition (AfTemplate *self);
double             af_template_get_minutes_saved (AfTemplate *self,
                                                  const char *action);

/* A new agent with the template's defaults; @connections (nullable) is a
 * JSON array of { service, account, permissions }. */
AfAgent *af_template_create_agent (AfTemplate *self,
                                   const char *name,
                                   JsonArray  *connections);

G_END_DECLS
