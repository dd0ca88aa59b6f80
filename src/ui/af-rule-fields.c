/* af-rule-fields.c — what a rule row offers: the fields an agent's items
 * have, the comparisons, and which rules a row shows faithfully.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-rule-row"

#include "config.h"

#include <glib/gi18n.h>

#include "af-rule-fields.h"
#include "af-rule-row.h"
#include "af-rules.h"

/* The engine's fields (af-rules.c), and four of the row's own: "unread"
 * (the UNREAD label), "older" (the date, in days), "starts_within" (an
 * event's start, in hours) and "always" (no condition). A field is
 * offered for the sources whose items have it; a Slack message's "from"
 * is a member or a bot, not an address. */
const AfRuleField af_rule_fields[] = {
  { "from", N_ ("From"), AF_RULE_SOURCE_MAIL | AF_RULE_SOURCE_DIGEST },
  { "to", N_ ("To"), AF_RULE_SOURCE_MAIL | AF_RULE_SOURCE_DIGEST },
  { "subject", N_ ("Subject"), AF_RULE_SOURCE_MAIL | AF_RULE_SOURCE_DIGEST },
  { "body", N_ ("Body"), AF_RULE_SOURCE_MAIL | AF_RULE_SOURCE_DIGEST },
  { "labels", N_ ("Label"), AF_RULE_SOURCE_MAIL | AF_RULE_SOURCE_DIGEST },
  { "has_attachment", N_ ("Has an attachment"), AF_RULE_SOURCE_MAIL | AF_RULE_SOURCE_DIGEST },
  { "unread", N_ ("Is unread"), AF_RULE_SOURCE_MAIL | AF_RULE_SOURCE_DIGEST },
  { "older", N_ ("Older than (days)"), AF_RULE_SOURCE_MAIL | AF_RULE_SOURCE_DIGEST },
  { "event_title", N_ ("Event title"), AF_RULE_SOURCE_AGENDA | AF_RULE_SOURCE_DIGEST },
  { "organizer", N_ ("Organizer"), AF_RULE_SOURCE_AGENDA },
  { "starts_within", N_ ("Starts within (hours)"), AF_RULE_SOURCE_AGENDA },
  { "has_conflicts", N_ ("Events overlap"), AF_RULE_SOURCE_AGENDA | AF_RULE_SOURCE_DIGEST },
  { "text", N_ ("Message text"), AF_RULE_SOURCE_SLACK },
  { "from", N_ ("From (member or bot)"), AF_RULE_SOURCE_SLACK },
  { "always", N_ ("Every run"), AF_RULE_SOURCE_ANY },
};

/* Plain words first; the regular expression is for those who know it. */
const AfEditorChoice af_rule_ops[] = {
  { "contains_any", N_ ("contains any of") },
  { "is_from", N_ ("is from") },
  { "contains", N_ ("contains") },
  { "equals", N_ ("is") },
  { "older_than", N_ ("older than (days)") },
  { "matches", N_ ("Advanced: matches pattern") },
};

const guint af_rule_n_fields = G_N_ELEMENTS (af_rule_fields);
const guint af_rule_n_ops = G_N_ELEMENTS (af_rule_ops);

guint
af_rule_choice_index (const AfEditorChoice *choices,
                      guint                 n,
                      const char           *id)
{
  for (guint i = 0; id != NULL && i < n; i++)
    if (g_str_equal (choices[i].id, id))
      return i;
  return 0;
}

guint
af_rule_source_flag (const char *source)
{
  if (g_strcmp0 (source, "mail") == 0)
    return AF_RULE_SOURCE_MAIL;
  if (g_strcmp0 (source, "agenda") == 0)
    return AF_RULE_SOURCE_AGENDA;
  if (g_strcmp0 (source, "slack") == 0)
    return AF_RULE_SOURCE_SLACK;
  return AF_RULE_SOURCE_DIGEST;
}

/* Whether a field named @id is offered for @flag's items. */
static gboolean
field_offered (const char *id,
               guint       flag)
{
  for (guint i = 0; i < af_rule_n_fields; i++)
    if (g_str_equal (af_rule_fields[i].id, id) && (af_rule_fields[i].sources & flag) != 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_channel_condition (const AfRuleCondition *condition)
{
  return g_str_equal (condition->field, "channel") && g_str_equal (condition->op, "in_channel");
}

/* The condition a row shows in its field, and the "in channel" one a
 * Slack row shows apart; %FALSE when a row cannot show @rule's. */
gboolean
af_rule_split_conditions (const AfRule           *rule,
                          guint                   flag,
                          const AfRuleCondition **condition,
                          const AfRuleCondition **channel)
{
  *condition = NULL;
  *channel = NULL;
  if (rule->match_any && rule->conditions->len > 1)
    return FALSE;
  for (guint i = 0; i < rule->conditions->len; i++)
    {
      const AfRuleCondition *c = g_ptr_array_index (rule->conditions, i);

      if (flag == AF_RULE_SOURCE_SLACK && *channel == NULL && is_channel_condition (c))
        *channel = c;
      else if (*condition == NULL)
        *condition = c;
      else
        return FALSE;
    }
  return TRUE;
}

/**
 * af_rule_row_can_show_for_source:
 * @source: (nullable): the agent's source
 *
 * Whether a row shows @rule faithfully: one condition (or none) on a
 * field the row offers for @source (for Slack, with an "in channel"
 * one besides), and one action it offers. Other rules are kept as they
 * are rather than cut down.
 */
gboolean
af_rule_row_can_show_for_source (const AfRule *rule,
                                 const char   *source)
{
  static const char *const booleans[] = { "has_attachment", "has_conflicts", NULL };
  static const char *const own[] = { "older", "unread", "starts_within", "always", NULL };
  const AfRuleCondition   *condition, *channel;
  AfRuleAction            *action;
  guint                    flag = af_rule_source_flag (source);

  g_return_val_if_fail (rule != NULL, FALSE);

  if (rule->actions->len != 1 || !af_rule_split_conditions (rule, flag, &condition, &channel))
    return FALSE;
  action = g_ptr_array_index (rule->actions, 0);
  if (af_rule_choice_index (af_editor_rule_actions, af_editor_n_rule_actions, action->action) == 0 && g_strcmp0 (action->action, af_editor_rule_actions[0].id) != 0)
    return FALSE;
  if (channel != NULL)
    {
      g_auto (GStrv) names = af_rules_split_words (channel->value);

      if (names[0] == NULL)
        return FALSE;
    }
  if (condition == NULL)
    return TRUE;
  /* "Has an attachment", "events overlap": true only; false has no row. */
  if (g_strv_contains (booleans, condition->field))
    return g_str_equal (condition->op, "is") && condition->flag && field_offered (condition->field, flag);
  if (g_str_equal (condition->op, "is") || g_strv_contains (own, condition->field))
    return FALSE;
  /* "Older than (days)" is the message's date. */
  if (g_str_equal (condition->field, "date"))
    return g_str_equal (condition->op, "older_than") && g_str_has_suffix (condition->value, "d") &&
           field_offered ("older", flag);
  /* "Starts within (hours)" is the event's start. */
  if (g_str_equal (condition->field, "event_start"))
    return g_str_equal (condition->op, "within") && g_str_has_suffix (condition->value, "h") &&
           field_offered ("starts_within", flag);
  if (!field_offered (condition->field, flag))
    return FALSE;
  if (af_rule_choice_index (af_rule_ops, af_rule_n_ops, condition->op) == 0 && !g_str_equal (condition->op, af_rule_ops[0].id))
    return FALSE;
  /* The row counts days. */
  if (g_str_equal (condition->op, "older_than"))
    return g_str_has_suffix (condition->value, "d");
  return TRUE;
}

gboolean
af_rule_row_can_show (const AfRule *rule)
{
  return af_rule_row_can_show_for_source (rule, NULL);
}
