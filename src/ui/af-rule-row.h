/* af-rule-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define AF_TYPE_RULE_ROW (af_rule_row_get_type ())

G_DECLARE_FINAL_TYPE (AfRuleRow, af_rule_row, AF, RULE_ROW, GtkListBoxRow)

GtkWidget  *af_rule_row_new (const char *field,
                             const char *op,
                             const char *value,
                             const char *action,
                             const char *argument);
void        af_rule_row_set_kept (AfRuleRow  *self,
                                  const char *name,
                                  gboolean    stop,
                                  JsonObject *params);
char       *af_rule_row_describe (AfRuleRow *self);
char       *af_rule_row_to_json (AfRuleRow *self);
gboolean    af_rule_row_validate (AfRuleRow *self);
gboolean    af_rule_row_is_valid (AfRuleRow *self);
const char *af_rule_row_get_action (AfRuleRow *self);

G_END_DECLS
