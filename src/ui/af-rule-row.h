/* af-rule-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "af-agent-definition.h"

G_BEGIN_DECLS

#define AF_TYPE_RULE_ROW (af_rule_row_get_type ())

G_DECLARE_FINAL_TYPE (AfRuleRow, af_rule_row, AF, RULE_ROW, GtkListBoxRow)

GtkWidget  *af_rule_row_new (const AfRule *rule);
GtkWidget  *af_rule_row_new_for_source (const AfRule *rule,
                                        const char   *source);
gboolean    af_rule_row_can_show (const AfRule *rule);
gboolean    af_rule_row_can_show_for_source (const AfRule *rule,
                                             const char   *source);
AfRule     *af_rule_row_dup_rule (AfRuleRow *self);
char       *af_rule_row_describe (AfRuleRow *self);
gboolean    af_rule_row_validate (AfRuleRow *self);
gboolean    af_rule_row_is_valid (AfRuleRow *self);
const char *af_rule_row_get_action (AfRuleRow *self);

G_END_DECLS
