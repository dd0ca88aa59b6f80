/* soak-memory.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How a memory figure is read. */
typedef enum
{
  /* What is allocated (malloc's bytes in use): a leak raises its lowest
   * values at once; what is in flight only lifts it for a moment. */
  SOAK_SERIES_IN_USE,
  /* What the process holds (private memory): malloc keeps what it once
   * needed, so one busy moment lifts it for good, a step that is no leak. */
  SOAK_SERIES_HIGH_WATER,
} SoakSeriesKind;

typedef struct
{
  guint  n;         /* samples after the warm-up */
  double floors[3]; /* the lowest sample of each third of them */
  guint  starts[3]; /* the time of each third's first sample, seconds */
  double growth;    /* floors[2] - floors[0] */
} SoakGrowth;

/* Whether @values, sampled at the times @t (seconds, rising), grew for
 * good after @warmup: the lowest value of the last third of the samples
 * is more than @allowance above that of the first third, and
 *  - SOAK_SERIES_IN_USE: it still rose (by a quarter of @allowance) from
 *    the middle third to the last;
 *  - SOAK_SERIES_HIGH_WATER: it rose so in both halves of that span, not
 *    in one step.
 * A moment's peak moves no window's lowest value: only sustained growth
 * counts. @growth (may be NULL) gets the figures; n < 3 is never growth
 * (the caller reports too few samples). */
gboolean soak_memory_grows (const guint   *t,
                            const double  *values,
                            guint          n_values,
                            guint          warmup,
                            double         allowance,
                            SoakSeriesKind kind,
                            SoakGrowth    *growth);

G_END_DECLS
