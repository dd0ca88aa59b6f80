/* soak-memory.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tells a leak from a high-water mark in the soak's memory samples. A
 * run's state, its responses and the label batches it has in flight
 * (up to four) lift memory for a moment, and malloc keeps what it once
 * needed: one sample above the warm-up's peak says nothing. A leak grows
 * what stays allocated between those moments, the lowest values, and
 * keeps doing so.
 */

#define G_LOG_DOMAIN "af-soak"

#include "config.h"

#include "soak-memory.h"

gboolean
soak_memory_grows (const guint   *t,
                   const double  *values,
                   guint          n_values,
                   guint          warmup,
                   double         allowance,
                   SoakSeriesKind kind,
                   SoakGrowth    *growth)
{
  SoakGrowth g = { 0 };
  guint      first = 0;
  double     early, late;

  g_return_val_if_fail (n_values == 0 || (t != NULL && values != NULL), FALSE);

  while (first < n_values && t[first] <= warmup)
    first++;
  g.n = n_values - first;
  if (g.n >= 3)
    {
      for (guint w = 0; w < 3; w++)
        {
          guint from = first + g.n * w / 3;
          guint to = first + g.n * (w + 1) / 3;

          g.starts[w] = t[from];
          g.floors[w] = values[from];
          for (guint i = from + 1; i < to; i++)
            g.floors[w] = MIN (g.floors[w], values[i]);
        }
      g.growth = g.floors[2] - g.floors[0];
    }
  if (growth != NULL)
    *growth = g;
  if (g.n < 3 || g.growth <= allowance)
    return FALSE;

  /* Growth that stopped (a cache that filled, a pool that reached its
   * size) is not a leak; for a high-water figure, neither is one step. */
  early = g.floors[1] - g.floors[0];
  late = g.floors[2] - g.floors[1];
  if (kind == SOAK_SERIES_HIGH_WATER)
    return early > allowance / 4 && late > allowance / 4;
  return late > allowance / 4;
}
