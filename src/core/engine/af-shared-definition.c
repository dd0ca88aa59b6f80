/* af-shared-definition.c
 *
 * Agents made from one template, or loaded with the same text, hold one
 * parsed definition between them: a parsed tree costs about fifteen times
 * its text (26 KB for the Email Assistant's 1.7 KB), so one private copy
 * per agent was most of the memory of 10,000 agents. Keyed by the
 * definition's text; an entry goes with its last holder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-shared-definition"

#include "config.h"

#include "af-json-private.h"
#include "af-shared-definition.h"

struct _AfSharedDefinition
{
  char       *text; /* the key in the table */
  JsonObject *definition;
  guint       holders;
};

static GMutex      lock;
static GHashTable *table; /* text → AfSharedDefinition */

static void
shared_definition_free (AfSharedDefinition *shared)
{
  json_object_unref (shared->definition);
  g_free (shared->text);
  g_free (shared);
}

/**
 * af_shared_definition_acquire:
 *
 * The shared definition equal to @definition, made from a copy of it when
 * there is none yet: @definition itself stays the caller's.
 *
 * Returns: (transfer full): release with af_shared_definition_release()
 */
AfSharedDefinition *
af_shared_definition_acquire (JsonObject *definition)
{
  g_autoptr (JsonNode) node = NULL;
  g_autofree char    *text = NULL;
  AfSharedDefinition *shared;

  g_return_val_if_fail (definition != NULL, NULL);

  node = json_node_init_object (json_node_alloc (), definition);
  text = json_to_string (node, FALSE);

  g_mutex_lock (&lock);
  if (table == NULL)
    table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)shared_definition_free);
  shared = g_hash_table_lookup (table, text);
  if (shared == NULL)
    {
      g_autoptr (JsonNode) copy = af_json_deep_copy (node);

      shared = g_new0 (AfSharedDefinition, 1);
      shared->text = g_steal_pointer (&text);
      shared->definition = json_object_ref (json_node_get_object (copy));
      json_object_seal (shared->definition);
      g_hash_table_insert (table, shared->text, shared);
    }
  shared->holders++;
  g_mutex_unlock (&lock);
  return shared;
}

/**
 * af_shared_definition_acquire_text:
 * @text: a definition as stored (json_to_string(), not pretty)
 *
 * Like af_shared_definition_acquire(), from text: parsed only when no agent
 * holds that definition yet, so loading 10,000 agents made from a few
 * templates parses a few definitions.
 *
 * Returns: (transfer full) (nullable): %NULL when @text is not a JSON object
 */
AfSharedDefinition *
af_shared_definition_acquire_text (const char *text)
{
  g_autoptr (JsonParser) parser = NULL;
  AfSharedDefinition *shared;

  g_return_val_if_fail (text != NULL, NULL);

  g_mutex_lock (&lock);
  shared = table ? g_hash_table_lookup (table, text) : NULL;
  if (shared != NULL)
    shared->holders++;
  g_mutex_unlock (&lock);
  if (shared != NULL)
    return shared;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return af_shared_definition_acquire (json_node_get_object (json_parser_get_root (parser)));
}

/* Returns: (transfer none): to read, never to modify */
JsonObject *
af_shared_definition_get (AfSharedDefinition *shared)
{
  g_return_val_if_fail (shared != NULL, NULL);
  return shared->definition;
}

void
af_shared_definition_release (AfSharedDefinition *shared)
{
  g_return_if_fail (shared != NULL);

  g_mutex_lock (&lock);
  g_assert (shared->holders > 0);
  if (--shared->holders == 0)
    g_hash_table_remove (table, shared->text);
  g_mutex_unlock (&lock);
}
