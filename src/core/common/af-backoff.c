/* af-backoff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-backoff"

#include "config.h"

#include "af-backoff.h"

/* Beyond 2^16 times the base every cap in use is long reached. */
#define MAX_DOUBLINGS 16

/**
 * af_backoff_delay:
 * @base: the first delay, in any unit
 * @cap: the longest delay, in the same unit
 * @attempt: 1 for the first retry (0 reads as 1)
 * @jitter: whether to draw the delay at random between half of it and
 *   all of it ("equal jitter"), so that many clients failing at once do
 *   not retry at once
 *
 * Exponential backoff: @base doubled for every attempt after the first,
 * never more than @cap.
 *
 * Returns: the delay before @attempt, in the unit of @base
 */
guint64
af_backoff_delay (guint64  base,
                  guint64  cap,
                  guint    attempt,
                  gboolean jitter)
{
  guint   doublings = attempt > 1 ? MIN (attempt - 1, MAX_DOUBLINGS) : 0;
  guint64 ceiling;
  guint64 half;

  ceiling = base > cap >> doublings ? cap : MIN (base << doublings, cap);
  if (!jitter)
    return ceiling;

  half = ceiling / 2;
  if (half < G_MAXINT32)
    return half + (guint64)g_random_int_range (0, (gint32)half + 1);
  return half + (guint64)(g_random_double () * (double)(half + 1));
}
