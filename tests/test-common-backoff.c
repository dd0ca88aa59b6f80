/* test-common-backoff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "af-backoff.h"

static void
test_exponential (void)
{
  g_assert_cmpuint (af_backoff_delay (500, 30000, 0, FALSE), ==, 500);
  g_assert_cmpuint (af_backoff_delay (500, 30000, 1, FALSE), ==, 500);
  g_assert_cmpuint (af_backoff_delay (500, 30000, 2, FALSE), ==, 1000);
  g_assert_cmpuint (af_backoff_delay (500, 30000, 3, FALSE), ==, 2000);
  g_assert_cmpuint (af_backoff_delay (500, 30000, 6, FALSE), ==, 16000);
  g_assert_cmpuint (af_backoff_delay (500, 30000, 7, FALSE), ==, 30000);
  /* However many attempts: the cap, never an overflow back to small. */
  for (guint attempt = 7; attempt < 200; attempt++)
    g_assert_cmpuint (af_backoff_delay (500, 30000, attempt, FALSE), ==, 30000);
  g_assert_cmpuint (af_backoff_delay (G_MAXUINT64 / 2, G_MAXUINT64, 40, FALSE), ==, G_MAXUINT64);
  g_assert_cmpuint (af_backoff_delay (30, 6 * 3600, G_MAXUINT, FALSE), ==, 6 * 3600);
  /* A base above the cap is the cap. */
  g_assert_cmpuint (af_backoff_delay (100, 10, 1, FALSE), ==, 10);
  g_assert_cmpuint (af_backoff_delay (0, 10, 5, FALSE), ==, 0);
}

static void
test_jitter (void)
{
  for (guint attempt = 1; attempt <= 10; attempt++)
    {
      guint64  ceiling = af_backoff_delay (500, 30000, attempt, FALSE);
      gboolean below_ceiling = FALSE;

      for (guint i = 0; i < 2000; i++)
        {
          guint64 delay = af_backoff_delay (500, 30000, attempt, TRUE);

          /* Between half of the delay and all of it. */
          g_assert_cmpuint (delay, >=, ceiling / 2);
          g_assert_cmpuint (delay, <=, ceiling);
          below_ceiling |= delay < ceiling;
        }
      /* It does vary. */
      g_assert_true (below_ceiling);
    }
  /* Beyond what g_random_int_range() draws. */
  for (guint i = 0; i < 100; i++)
    {
      guint64 delay = af_backoff_delay (G_GUINT64_CONSTANT (1) << 40, G_MAXUINT64, 3, TRUE);

      g_assert_cmpuint (delay, >=, G_GUINT64_CONSTANT (1) << 41);
      g_assert_cmpuint (delay, <=, G_GUINT64_CONSTANT (1) << 42);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/backoff/exponential", test_exponential);
  g_test_add_func ("/common/backoff/jitter", test_jitter);

  return g_test_run ();
}
