/* af-rules.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Rules are data:
 *   { "name": "…", "match": "all" | "any",
 *     "conditions": [ { "field": "from", "op": "contains", "value": "…" } ],
 *     "actions": [ { "action": "label", "params": { "label": "Work" } } ],
 *     "stop": false }
 * Fields: from, to, subject, body, labels, has_attachment, event_title,
 * event_start (Unix seconds), date (Unix seconds). Operators: equals,
 * contains, contains_any (a comma-separated list of words or phrases,
 * matched whole and case-insensitively), is_from (a comma-separated list
 * of addresses or domains), matches (a bounded regular expression, for
 * the advanced), older_than ("30m", "2h", "7d"), within (a time still to
 * come, no further than that from now), in_channel (a comma-separated
 * list of Slack channels, "#alerts" or ids), and "is" for booleans.
 * Slack messages have channel, channel_id, from (the member or bot),
 * text and date; calendar events event_title, event_start, organizer and
 * has_conflicts. */

#define AF_RULES_MAX_PATTERN 256
#define AF_RULES_MAX_SUBJECT (64 * 1024)

gboolean af_rules_validate (JsonArray  *rules,
                            const char *path,
                            GError    **error);

/* Appends to @actions (element-type JsonObject, each a copy of the rule's
 * action with a "rule" member) the actions of every matching rule, in
 * order, stopping after a matching rule with "stop". */
void af_rules_evaluate (JsonArray  *rules,
                        JsonObject *item,
                        gint64      now,
                        GPtrArray  *actions);

/* What evaluating the same rules on many items can keep between them: the
 * words of each condition, split and case-folded once. Valid for one
 * unchanged rules array. */
typedef struct _AfRulesCache AfRulesCache;

AfRulesCache *af_rules_cache_new (void);
void          af_rules_cache_free (AfRulesCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfRulesCache, af_rules_cache_free)

/* af_rules_evaluate(), with @cache (may be %NULL) kept between items.
 * With a cache, the action objects told are shared between the items
 * that match the same rule: read them, never change them. */
void af_rules_evaluate_cached (JsonArray    *rules,
                               JsonObject   *item,
                               gint64        now,
                               GPtrArray    *actions,
                               AfRulesCache *cache);

gboolean af_rules_condition_matches (JsonObject *condition,
                                     JsonObject *item,
                                     gint64      now);

GStrv af_rules_split_words (const char *text);

/* (array zero-terminated=1): every field and every operator a condition
 * may name. */
const char *const *af_rules_list_fields (void);
const char *const *af_rules_list_operators (void);

G_END_DECLS
