/* af-source.c — main loop sources with names, and, for measuring idle
 * wakeups, a count of their dispatches
 *
 * Every timeout and idle the app adds goes through these, so each has a
 * name (seen in profilers and in GLib's debug output). With
 * AGENTFLOW_SOURCE_STATS set in the environment, each dispatch is counted
 * per name and af_source_stats_print() prints the counts
 * ("source-dispatches NAME N"); without it the callback is attached as is,
 * at no cost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-source"

#include "config.h"

#include <stdio.h>

#include "af-source.h"

typedef struct
{
  GSourceFunc func;
  gpointer    data;
  guint      *count;
} Counted;

G_LOCK_DEFINE_STATIC (stats);
static GHashTable *stats; /* name → guint* */

static gboolean
stats_enabled (void)
{
  static gsize enabled = 0;

  if (g_once_init_enter (&enabled))
    g_once_init_leave (&enabled, g_getenv ("AGENTFLOW_SOURCE_STATS") != NULL ? 2 : 1);
  return enabled == 2;
}

static gboolean
counted_cb (gpointer user_data)
{
  Counted *c = user_data;

  G_LOCK (stats);
  (*c->count)++;
  G_UNLOCK (stats);
  return c->func (c->data);
}

static guint
attach (GSource    *source,
        const char *name,
        GSourceFunc func,
        gpointer    data)
{
  guint id;

  g_source_set_static_name (source, name);
  if (stats_enabled ())
    {
      Counted *c = g_new0 (Counted, 1);

      c->func = func;
      c->data = data;
      G_LOCK (stats);
      if (stats == NULL)
        stats = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      c->count = g_hash_table_lookup (stats, name);
      if (c->count == NULL)
        {
          c->count = g_new0 (guint, 1);
          g_hash_table_insert (stats, (gpointer)name, c->count);
        }
      G_UNLOCK (stats);
      g_source_set_callback (source, counted_cb, c, g_free);
    }
  else
    g_source_set_callback (source, func, data, NULL);

  id = g_source_attach (source, NULL);
  g_source_unref (source);
  return id;
}

/**
 * af_timeout_add_named:
 * @name: (not nullable): a static string naming the source
 *
 * g_timeout_add() with a name.
 */
guint
af_timeout_add_named (guint       interval_ms,
                      const char *name,
                      GSourceFunc func,
                      gpointer    data)
{
  return attach (g_timeout_source_new (interval_ms), name, func, data);
}

/**
 * af_timeout_add_seconds_named:
 * @name: (not nullable): a static string naming the source
 *
 * g_timeout_add_seconds() with a name.
 */
guint
af_timeout_add_seconds_named (guint       interval_s,
                              const char *name,
                              GSourceFunc func,
                              gpointer    data)
{
  return attach (g_timeout_source_new_seconds (interval_s), name, func, data);
}

/**
 * af_idle_add_named:
 * @name: (not nullable): a static string naming the source
 *
 * g_idle_add_full() with a name.
 */
guint
af_idle_add_named (int         priority,
                   const char *name,
                   GSourceFunc func,
                   gpointer    data)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  return attach (source, name, func, data);
}

/**
 * af_source_stats_print:
 *
 * With AGENTFLOW_SOURCE_STATS set, prints how many times each named
 * source was dispatched, one "source-dispatches NAME N" line each.
 */
void
af_source_stats_print (void)
{
  GHashTableIter iter;
  gpointer       name, count;

  if (!stats_enabled ())
    return;

  G_LOCK (stats);
  if (stats != NULL)
    {
      g_hash_table_iter_init (&iter, stats);
      while (g_hash_table_iter_next (&iter, &name, &count))
        g_print ("source-dispatches %s %u\n", (const char *)name, *(guint *)count);
    }
  G_UNLOCK (stats);
  fflush (stdout);
}
