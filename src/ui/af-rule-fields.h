/* af-rule-fields.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-agent-rule.h"
#include "af-editor-actions.h"

G_BEGIN_DECLS

/* Where an agent's items come from (its definition's "source"). */
enum
{
  AF_RULE_SOURCE_MAIL = 1 << 0,
  AF_RULE_SOURCE_AGENDA = 1 << 1,
  AF_RULE_SOURCE_SLACK = 1 << 2,
  AF_RULE_SOURCE_DIGEST = 1 << 3,
};
#define AF_RULE_SOURCE_ANY (AF_RULE_SOURCE_MAIL | AF_RULE_SOURCE_AGENDA | AF_RULE_SOURCE_SLACK | AF_RULE_SOURCE_DIGEST)

typedef struct
{
  const char *id;
  const char *label;   /* N_(): translate when shown */
  guint       sources; /* AF_RULE_SOURCE_ flags */
} AfRuleField;

extern const AfRuleField    af_rule_fields[];
extern const guint          af_rule_n_fields;
extern const AfEditorChoice af_rule_ops[];
extern const guint          af_rule_n_ops;

/* The index of @id in @choices, 0 when it is not there. */
guint af_rule_choice_index (const AfEditorChoice *choices,
                            guint                 n,
                            const char           *id);
/* @source ("mail", "agenda", "slack"; anything else is a digest) as a flag. */
guint    af_rule_source_flag (const char *source);
gboolean af_rule_split_conditions (const AfRule           *rule,
                                   guint                   flag,
                                   const AfRuleCondition **condition,
                                   const AfRuleCondition **channel);

G_END_DECLS
