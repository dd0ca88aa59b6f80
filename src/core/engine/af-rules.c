/* af-rules.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-rules"

#include "config.h"

#include "af-agent.h"
#include "af-error.h"
#include "af-json-private.h"
#include "af-rules.h"

static const char *const fields[] = {
  "from",
  "to",
  "subject",
  "body",
  "labels",
  "has_attachment",
  "event_title",
  "event_start",
  "date",
  "agenda",
  "has_conflicts",
  "conflicts",
  "digest",
  /* Slack messages (the "slack" source) */
  "channel",
  "text",
  /* Calendar events */
  "organizer",
  NULL,
};
static const char *const ops[] = {
  "equals",
  "contains",
  "contains_any",
  "is_from",
  "matches",
  "older_than",
  "within",
  "in_channel",
  "is",
  NULL,
};

static gboolean
parse_duration (const char *text,
                gint64     *seconds)
{
  char  *end = NULL;
  gint64 n;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  n = g_ascii_strtoll (text, &end, 10);
  /* Longer than any clock: would overflow in seconds. */
  if (n > G_MAXINT64 / 86400)
    return FALSE;
  if (g_str_equal (end, "m"))
    *seconds = n * 60;
  else if (g_str_equal (end, "h"))
    *seconds = n * 3600;
  else if (g_str_equal (end, "d"))
    *seconds = n * 86400;
  else if (g_str_equal (end, "s") || *end == '\0')
    *seconds = n;
  else
    return FALSE;
  return TRUE;
}

static gboolean
fail (GError    **error,
      const char *path,
      const char *what)
{
  g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA, "%s: %s", path, what);
  return FALSE;
}

static gboolean
validate_condition (JsonNode   *node,
                    const char *path,
                    GError    **error)
{
  JsonObject *c;
  const char *field, *op;
  JsonNode   *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, "must be an object");
  c = json_node_get_object (node);
  field = af_json_get_string (c, "field", NULL);
  op = af_json_get_string (c, "op", NULL);
  value = json_object_get_member (c, "value");

  if (field == NULL || !g_strv_contains (fields, field))
    {
      g_autofree char *p = g_strconcat (path, ".field", NULL);
      g_autofree char *m = g_strdup_printf ("unknown field “%s”", field ? field : "");
      return fail (error, p, m);
    }
  if (op == NULL || !g_strv_contains (ops, op))
    {
      g_autofree char *p = g_strconcat (path, ".op", NULL);
      g_autofree char *m = g_strdup_printf ("unknown operator “%s”", op ? op : "");
      return fail (error, p, m);
    }
  if (value == NULL)
    {
      g_autofree char *p = g_strconcat (path, ".value", NULL);
      return fail (error, p, "is missing");
    }
  if (g_str_equal (op, "is"))
    {
      if (json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        {
          g_autofree char *p = g_strconcat (path, ".value", NULL);
          return fail (error, p, "must be true or false");
        }
      return TRUE;
    }
  if (json_node_get_value_type (value) != G_TYPE_STRING)
    {
      g_autofree char *p = g_strconcat (path, ".value", NULL);
      return fail (error, p, "must be a string");
    }
  if (g_str_equal (op, "older_than") || g_str_equal (op, "within"))
    {
      gint64 s;

      if (!parse_duration (json_node_get_string (value), &s))
        {
          g_autofree char *p = g_strconcat (path, ".value", NULL);
          return fail (error, p, "must be a duration such as “30m”, “2h” or “7d”");
        }
    }
  if (g_str_equal (op, "contains_any") || g_str_equal (op, "is_from") || g_str_equal (op, "in_channel"))
    {
      g_auto (GStrv) words = af_rules_split_words (json_node_get_string (value));

      if (words[0] == NULL)
        {
          g_autofree char *p = g_strconcat (path, ".value", NULL);
          return fail (error, p, "must list at least one word");
        }
    }
  if (g_str_equal (op, "matches"))
    {
      const char *pattern = json_node_get_string (value);
      g_autoptr (GError) local = NULL;
      g_autoptr (GRegex) regex = NULL;

      if (strlen (pattern) > AF_RULES_MAX_PATTERN)
        {
          g_autofree char *p = g_strconcat (path, ".value", NULL);
          return fail (error, p, "the pattern is too long");
        }
      regex = g_regex_new (pattern, G_REGEX_CASELESS, 0, &local);
      if (regex == NULL)
        {
          g_autofree char *p = g_strconcat (path, ".value", NULL);
          return fail (error, p, local->message);
        }
    }
  return TRUE;
}

gboolean
af_rules_validate (JsonArray  *rules,
                   const char *path,
                   GError    **error)
{
  g_return_val_if_fail (rules != NULL, FALSE);

  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      g_autofree char *rp = g_strdup_printf ("%s[%u]", path, i);
      JsonNode        *node = json_array_get_element (rules, i);
      JsonObject      *rule;
      JsonArray       *conditions, *actions;
      const char      *match;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (error, rp, "must be an object");
      rule = json_node_get_object (node);

      /* "match": false reads as NULL. */
      match = af_json_get_string (rule, "match", "all");
      if (match == NULL || (!g_str_equal (match, "all") && !g_str_equal (match, "any")))
        {
          g_autofree char *p = g_strconcat (rp, ".match", NULL);
          return fail (error, p, "must be “all” or “any”");
        }

      if (!json_object_has_member (rule, "conditions") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (rule, "conditions")))
        {
          g_autofree char *p = g_strconcat (rp, ".conditions", NULL);
          return fail (error, p, "must be a list");
        }
      conditions = json_object_get_array_member (rule, "conditions");
      for (guint j = 0; j < json_array_get_length (conditions); j++)
        {
          g_autofree char *cp = g_strdup_printf ("%s.conditions[%u]", rp, j);

          if (!validate_condition (json_array_get_element (conditions, j), cp, error))
            return FALSE;
        }

      if (!json_object_has_member (rule, "actions") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (rule, "actions")))
        {
          g_autofree char *p = g_strconcat (rp, ".actions", NULL);
          return fail (error, p, "must be a list");
        }
      actions = json_object_get_array_member (rule, "actions");
      for (guint j = 0; j < json_array_get_length (actions); j++)
        {
          g_autofree char *ap = g_strdup_printf ("%s.actions[%u]", rp, j);
          JsonNode        *an = json_array_get_element (actions, j);
          const char      *action;

          if (!JSON_NODE_HOLDS_OBJECT (an))
            return fail (error, ap, "must be an object");
          action = af_json_get_string (json_node_get_object (an), "action", NULL);
          if (action == NULL || af_action_get_permission (action) == NULL)
            {
              g_autofree char *p = g_strconcat (ap, ".action", NULL);
              g_autofree char *m = g_strdup_printf ("unknown action “%s”", action ? action : "");
              return fail (error, p, m);
            }
        }
    }

  return TRUE;
}

/**
 * af_rules_split_words:
 * @text: a comma-separated list, as a person types it
 *
 * Returns: (transfer full): the trimmed, non-empty items of @text
 */
GStrv
af_rules_split_words (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '_';
}

/* @needle occurs in @hay (both case-folded) as a whole word or phrase:
 * "pay" is not found in "payment", "invoice" is in "Invoice #12". */
static gboolean
contains_word (const char *hay,
               const char *needle)
{
  size_t      len = strlen (needle);
  const char *p = hay;

  if (len == 0)
    return FALSE;
  while ((p = strstr (p, needle)) != NULL)
    {
      const char *after = p + len;
      gboolean    start_ok = p == hay || !is_word_char (g_utf8_get_char (g_utf8_prev_char (p))) ||
                          !is_word_char (g_utf8_get_char (needle));
      gboolean end_ok = *after == '\0' || !is_word_char (g_utf8_get_char (after)) ||
                        !is_word_char (g_utf8_get_char (g_utf8_prev_char (after)));

      if (start_ok && end_ok)
        return TRUE;
      p = g_utf8_next_char (p);
    }
  return FALSE;
}

/* The address of a From/To header: "Ann <ann@example.com>" → ann@example.com. */
static char *
header_address (const char *text)
{
  const char *lt = strrchr (text, '<');
  const char *gt;

  if (lt != NULL && (gt = strchr (lt, '>')) != NULL)
    return g_strndup (lt + 1, gt - lt - 1);
  return g_strstrip (g_strdup (text));
}

/* @sender is the contact @who (an address), or is at the domain @who
 * ("example.com", "@example.com") or one of its subdomains. */
static gboolean
address_is_from (const char *sender,
                 const char *who)
{
  const char *at = strrchr (sender, '@');
  const char *domain;

  /* A Slack member or bot ("U0BOB", "@bob", "deploy-bot"): by name or id. */
  if (at == NULL || sender[0] == '@')
    return g_ascii_strcasecmp (sender[0] == '@' ? sender + 1 : sender, who[0] == '@' ? who + 1 : who) == 0;
  if (strchr (who, '@') != NULL && who[0] != '@')
    return g_ascii_strcasecmp (sender, who) == 0;
  if (at == NULL)
    return FALSE;
  if (who[0] == '@')
    who++;
  domain = at + 1;
  if (g_ascii_strcasecmp (domain, who) == 0)
    return TRUE;
  /* A subdomain: "mail.example.com" is at "example.com". */
  return strlen (domain) > strlen (who) + 1 && domain[strlen (domain) - strlen (who) - 1] == '.' &&
         g_ascii_strcasecmp (domain + strlen (domain) - strlen (who), who) == 0;
}

static char *
field_text (JsonObject *item,
            const char *field)
{
  JsonNode *node = json_object_get_member (item, field);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      /* labels: one per line, so "equals" can match any single label. */
      JsonArray *array = json_node_get_array (node);
      GString   *s = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i > 0)
            g_string_append_c (s, '\n');
          g_string_append (s, af_json_array_get_string (array, i));
        }
      return g_string_free (s, FALSE);
    }
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      /* Bounded input: a huge body is matched on its first 64 KiB only. */
      if (strlen (text) > AF_RULES_MAX_SUBJECT)
        return g_utf8_make_valid (text, AF_RULES_MAX_SUBJECT);
      return g_strdup (text);
    }
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  return NULL;
}

/* The text of an item's fields, and its case-folded form, as the
 * conditions of one evaluation ask for them: the rules of a template test
 * the same body and subject several times, and folding a body is most of
 * the cost of a rule. */
typedef struct
{
  const char *field;
  char       *text;
  char       *folded;
} FieldText;

#define N_FIELD_TEXTS 8

typedef struct
{
  FieldText     fields[N_FIELD_TEXTS];
  guint         n;
  AfRulesCache *words; /* may be NULL */
} FieldCache;

/* A condition's value as words: split, and case-folded. */
typedef struct
{
  const char *text; /* the value it was made from, to tell it is the same */
  GStrv       words;
  GStrv       folded;
} Words;

/* An action as a rule's match tells it: its copy, with the rule's name
 * and its params. */
typedef struct
{
  const char *rule; /* the name it was made with, to tell it is the same */
  JsonObject *action;
} Told;

struct _AfRulesCache
{
  GHashTable *words;   /* JsonNode (a condition's value) → Words */
  GHashTable *actions; /* JsonNode (a rule's action) → Told */
};

static void
told_free (Told *t)
{
  json_object_unref (t->action);
  g_free (t);
}

static void
words_free (Words *w)
{
  g_strfreev (w->words);
  g_strfreev (w->folded);
  g_free (w);
}

AfRulesCache *
af_rules_cache_new (void)
{
  AfRulesCache *cache = g_new0 (AfRulesCache, 1);

  cache->words = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)words_free);
  cache->actions = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)told_free);
  return cache;
}

void
af_rules_cache_free (AfRulesCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->words);
  g_hash_table_unref (cache->actions);
  g_free (cache);
}

/* g_utf8_casefold() without its per-character table look-ups when @text
 * is ASCII (most headers and rules): there it only lowers A-Z, the first
 * character its tables fold otherwise being U+00B5. */
static char *
fold (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar)*p >= 0x80)
      return g_utf8_casefold (text, -1);
  return g_ascii_strdown (text, -1);
}

/* (transfer none): @value's words, kept in @cache->words while it lives,
 * or in @tmp (freed by the caller) without one. */
static Words *
value_words (FieldCache *cache,
             JsonNode   *value,
             Words      *tmp)
{
  const char *text = json_node_get_string (value);
  Words      *w = cache->words ? g_hash_table_lookup (cache->words->words, value) : NULL;

  if (w != NULL && w->text == text)
    return w;
  w = cache->words ? g_new0 (Words, 1) : tmp;
  w->text = text;
  w->words = af_rules_split_words (text);
  w->folded = g_new0 (char *, g_strv_length (w->words) + 1);
  for (guint i = 0; w->words[i] != NULL; i++)
    w->folded[i] = fold (w->words[i]);
  if (cache->words)
    g_hash_table_replace (cache->words->words, value, w);
  return w;
}

static void
field_cache_clear (FieldCache *cache)
{
  for (guint i = 0; i < cache->n; i++)
    {
      g_free (cache->fields[i].text);
      g_free (cache->fields[i].folded);
    }
  cache->n = 0;
}

/* (transfer none): @field's text, or %NULL; in @cache while it lives. */
static FieldText *
field_cache_get (FieldCache *cache,
                 JsonObject *item,
                 const char *field)
{
  FieldText *f;

  for (guint i = 0; i < cache->n; i++)
    if (g_str_equal (cache->fields[i].field, field))
      return &cache->fields[i];
  if (cache->n == N_FIELD_TEXTS)
    field_cache_clear (cache);
  f = &cache->fields[cache->n++];
  f->field = field;
  f->text = field_text (item, field);
  f->folded = NULL;
  return f;
}

static const char *
field_folded (FieldText *f)
{
  if (f->folded == NULL && f->text != NULL)
    f->folded = fold (f->text);
  return f->folded;
}

static gboolean
condition_matches (JsonObject *condition,
                   JsonObject *item,
                   gint64      now,
                   FieldCache *cache)
{
  const char *field = af_json_get_string (condition, "field", "");
  const char *op = af_json_get_string (condition, "op", "");
  JsonNode   *value = json_object_get_member (condition, "value");
  FieldText  *f;
  const char *text;

  if (value == NULL)
    return FALSE;

  if (g_str_equal (op, "is"))
    {
      JsonNode *node = json_object_get_member (item, field);
      gboolean  actual = node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);

      return actual == json_node_get_boolean (value);
    }

  if (g_str_equal (op, "within"))
    {
      JsonNode *when = json_object_get_member (item, field);
      gint64    seconds = 0, t;

      /* Still to come, and no later than @value from now: an event that
       * starts within two hours. */
      if (when == NULL || !JSON_NODE_HOLDS_VALUE (when) || json_node_get_value_type (when) != G_TYPE_INT64 ||
          !parse_duration (json_node_get_string (value), &seconds))
        return FALSE;
      t = json_node_get_int (when);
      return t >= now / G_USEC_PER_SEC && t <= now / G_USEC_PER_SEC + seconds;
    }

  if (g_str_equal (op, "in_channel"))
    {
      g_auto (GStrv) channels = NULL;
      const char *name = af_json_get_string (item, "channel", NULL);
      const char *id = af_json_get_string (item, "channel_id", NULL);

      if (json_node_get_value_type (value) != G_TYPE_STRING)
        return FALSE;
      /* "#alerts", "alerts" or the channel's id "C0ALERTS". */
      channels = af_rules_split_words (json_node_get_string (value));
      for (guint i = 0; channels[i] != NULL; i++)
        {
          const char *want = channels[i][0] == '#' ? channels[i] + 1 : channels[i];

          if ((name != NULL && g_ascii_strcasecmp (name[0] == '#' ? name + 1 : name, want) == 0) ||
              (id != NULL && g_strcmp0 (id, want) == 0))
            return TRUE;
        }
      return FALSE;
    }

  if (g_str_equal (op, "older_than"))
    {
      JsonNode *when = json_object_get_member (item, field);
      gint64    seconds = 0;

      /* A time is a number of seconds: anything else is no time. */
      if (when == NULL || !JSON_NODE_HOLDS_VALUE (when) || json_node_get_value_type (when) != G_TYPE_INT64 ||
          !parse_duration (json_node_get_string (value), &seconds))
        return FALSE;
      return json_node_get_int (when) < now / G_USEC_PER_SEC - seconds;
    }

  f = field_cache_get (cache, item, field);
  text = f->text;
  if (text == NULL || json_node_get_value_type (value) != G_TYPE_STRING)
    return FALSE;

  if (g_str_equal (op, "equals"))
    {
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (g_utf8_collate (lines[i], json_node_get_string (value)) == 0 || g_ascii_strcasecmp (lines[i], json_node_get_string (value)) == 0)
          return TRUE;
      return FALSE;
    }

  if (g_str_equal (op, "contains"))
    {
      g_autofree char *needle = fold (json_node_get_string (value));

      return strstr (field_folded (f), needle) != NULL;
    }

  if (g_str_equal (op, "contains_any"))
    {
      const char *hay = field_folded (f);
      Words       tmp = { 0 };
      Words      *words = value_words (cache, value, &tmp);
      gboolean    found = FALSE;

      for (guint i = 0; words->folded[i] != NULL && !found; i++)
        found = contains_word (hay, words->folded[i]);
      g_strfreev (tmp.words);
      g_strfreev (tmp.folded);
      return found;
    }

  if (g_str_equal (op, "is_from"))
    {
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      Words    tmp = { 0 };
      Words   *who = value_words (cache, value, &tmp);
      gboolean found = FALSE;

      for (guint i = 0; lines[i] != NULL && !found; i++)
        {
          g_autofree char *address = header_address (lines[i]);

          for (guint j = 0; who->words[j] != NULL && !found; j++)
            found = address_is_from (address, who->words[j]);
        }
      g_strfreev (tmp.words);
      g_strfreev (tmp.folded);
      return found;
    }

  if (g_str_equal (op, "matches"))
    {
      g_autoptr (GRegex) regex = NULL;
      const char *pattern = json_node_get_string (value);

      if (strlen (pattern) > AF_RULES_MAX_PATTERN)
        return FALSE;
      regex = g_regex_new (pattern, G_REGEX_CASELESS, 0, NULL);
      return regex != NULL && g_regex_match (regex, text, 0, NULL);
    }

  return FALSE;
}

gboolean
af_rules_condition_matches (JsonObject *condition,
                            JsonObject *item,
                            gint64      now)
{
  FieldCache cache = { 0 };
  gboolean   matches;

  matches = condition_matches (condition, item, now, &cache);
  field_cache_clear (&cache);
  return matches;
}

void
af_rules_evaluate (JsonArray  *rules,
                   JsonObject *item,
                   gint64      now,
                   GPtrArray  *actions)
{
  af_rules_evaluate_cached (rules, item, now, actions, NULL);
}

void
af_rules_evaluate_cached (JsonArray    *rules,
                          JsonObject   *item,
                          gint64        now,
                          GPtrArray    *actions,
                          AfRulesCache *words)
{
  FieldCache cache = { .words = words };

  g_return_if_fail (rules != NULL);
  g_return_if_fail (item != NULL);
  g_return_if_fail (actions != NULL);

  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      JsonObject *rule = json_array_get_object_element (rules, i);
      JsonArray  *conditions = json_object_get_array_member (rule, "conditions");
      JsonArray  *rule_actions = json_object_get_array_member (rule, "actions");
      gboolean    any = g_strcmp0 (af_json_get_string (rule, "match", "all"), "any") == 0;
      guint       n = json_array_get_length (conditions);
      gboolean    matched = !any || n == 0;

      for (guint j = 0; j < n; j++)
        {
          gboolean ok = condition_matches (json_array_get_object_element (conditions, j), item, now, &cache);

          if (any && ok)
            {
              matched = TRUE;
              break;
            }
          if (!any && !ok)
            {
              matched = FALSE;
              break;
            }
        }

      if (!matched)
        continue;

      for (guint j = 0; j < json_array_get_length (rule_actions); j++)
        {
          JsonNode   *node = json_array_get_element (rule_actions, j);
          const char *name = af_json_get_string (rule, "name", "");
          Told       *told = words ? g_hash_table_lookup (words->actions, node) : NULL;
          JsonNode   *copy;
          JsonObject *action;

          /* The same rule matching many items tells the same action: made
           * once, and shared (its readers never change it). */
          if (told != NULL && told->rule == name)
            {
              g_ptr_array_add (actions, json_object_ref (told->action));
              continue;
            }
          copy = af_json_deep_copy (node);
          action = json_node_get_object (copy);
          json_object_set_string_member (action, "rule", name);
          if (!json_object_has_member (action, "params"))
            json_object_set_object_member (action, "params", json_object_new ());
          g_ptr_array_add (actions, json_object_ref (action));
          if (words != NULL)
            {
              told = g_new0 (Told, 1);
              told->rule = name;
              told->action = json_object_ref (action);
              g_hash_table_replace (words->actions, node, told);
            }
          json_node_unref (copy);
        }

      if (af_json_get_boolean (rule, "stop", FALSE))
        break;
    }
  field_cache_clear (&cache);
}

const char *const *
af_rules_list_fields (void)
{
  return fields;
}

const char *const *
af_rules_list_operators (void)
{
  return ops;
}
