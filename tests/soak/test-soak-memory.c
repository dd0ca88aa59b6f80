/* test-soak-memory.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The soak's leak detector on memory curves of known shape: the ones a
 * healthy engine draws (a busy moment, a high-water step, noise) pass,
 * leaks fail, however slow, including one that malloc's retained memory
 * hides from the private figure.
 */

#include "config.h"

#include "soak-memory.h"

/* The soak's two modes: --quick (120 s, a sample every 5 s, 40 s of
 * warm-up) and the hour (a sample a minute, ten minutes of warm-up). */
typedef struct
{
  guint   interval, warmup;
  GArray *t, *heap, *priv;
  GRand  *rand;
} Curve;

static Curve *
curve_new (guint duration,
           guint interval,
           guint warmup)
{
  Curve *c = g_new0 (Curve, 1);

  c->interval = interval;
  c->warmup = warmup;
  c->t = g_array_new (FALSE, FALSE, sizeof (guint));
  c->heap = g_array_new (FALSE, FALSE, sizeof (double));
  c->priv = g_array_new (FALSE, FALSE, sizeof (double));
  c->rand = g_rand_new_with_seed (4242);
  for (guint t = 0; t <= duration; t += interval)
    g_array_append_val (c->t, t);
  return c;
}

static void
curve_free (Curve *c)
{
  g_array_unref (c->t);
  g_array_unref (c->heap);
  g_array_unref (c->priv);
  g_rand_free (c->rand);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Curve, curve_free)

/* What the soak samples of an engine whose baseline allocation is
 * @base(t) MiB, with what runs have in flight on top (0 to @busy MiB):
 * the heap in use, and the private memory, which is malloc's high-water
 * mark of it plus 2.5 MiB of code and libraries' data. */
static void
curve_fill (Curve *c,
            double (*base) (guint t),
            double busy)
{
  double high = 0;

  for (guint i = 0; i < c->t->len; i++)
    {
      guint  t = g_array_index (c->t, guint, i);
      double h = base (t) + g_rand_double_range (c->rand, 0, busy);
      double p;

      high = MAX (high, h);
      p = high + 2.5;
      g_array_append_val (c->heap, h);
      g_array_append_val (c->priv, p);
    }
}

static gboolean
grows (Curve         *c,
       GArray        *values,
       double         allowance,
       SoakSeriesKind kind)
{
  return soak_memory_grows ((guint *)c->t->data, (double *)values->data, values->len, c->warmup, allowance, kind,
                            NULL);
}

/* The soak's verdict: a leak in either figure (soak.c's allowances). */
static gboolean
soak_sees_leak (Curve *c)
{
  return grows (c, c->heap, 2.0, SOAK_SERIES_IN_USE) || grows (c, c->priv, 4.0, SOAK_SERIES_HIGH_WATER);
}

static double
flat (guint t)
{
  return 7.0;
}

static void
test_flat (void)
{
  g_autoptr (Curve) quick = curve_new (120, 5, 40);
  g_autoptr (Curve) hour = curve_new (3600, 60, 600);

  /* Runs in flight add up to 3 MiB at any moment. */
  curve_fill (quick, flat, 3.0);
  curve_fill (hour, flat, 3.0);
  g_assert_false (soak_sees_leak (quick));
  g_assert_false (soak_sees_leak (hour));
}

/* The failure that started this: private memory 10.6 MiB at its warm-up
 * peak, then one busy moment (four label batches in flight in several
 * runs) lifted it to 14.8 MiB at t=70 s, where malloc kept it; the heap
 * in use went back down. Wherever the step falls, it is no leak. */
static void
test_high_water_step (void)
{
  for (guint step_at = 45; step_at <= 120; step_at += 5)
    {
      g_autoptr (Curve) c = curve_new (120, 5, 40);
      SoakGrowth g;

      for (guint i = 0; i < c->t->len; i++)
        {
          guint  t = g_array_index (c->t, guint, i);
          double h = t == step_at ? 12.3 : 7.0 + (i % 3);
          double p = t < step_at ? 10.6 : 14.8;

          g_array_append_val (c->heap, h);
          g_array_append_val (c->priv, p);
        }
      g_assert_false (soak_sees_leak (c));
      g_assert_false (soak_memory_grows ((guint *)c->t->data, (double *)c->priv->data, c->priv->len, c->warmup, 4.0,
                                         SOAK_SERIES_HIGH_WATER, &g));
      g_assert_cmpuint (g.n, ==, 16);
      g_assert_cmpfloat (g.growth, <=, 4.2 + 1e-9);
    }
}

/* One sample far above the rest, at the very end: still a moment. */
static void
test_spike (void)
{
  g_autoptr (Curve) c = curve_new (120, 5, 40);

  curve_fill (c, flat, 3.0);
  g_array_index (c->heap, double, c->heap->len - 1) += 30.0;
  g_array_index (c->priv, double, c->priv->len - 1) += 30.0;
  g_assert_false (soak_sees_leak (c));
}

/* A cache that fills to its size in the first third and stays there. */
static double
cache_fills (guint t)
{
  return 7.0 + MIN (t, 65) / 10.0;
}

static void
test_bounded_growth (void)
{
  g_autoptr (Curve) c = curve_new (120, 5, 40);

  curve_fill (c, cache_fills, 1.0);
  g_assert_false (grows (c, c->heap, 2.0, SOAK_SERIES_IN_USE));
}

/* 64 KiB kept by each run, two runs a second: the quick soak's size. */
static double
leak_per_run (guint t)
{
  return 7.0 + t * 2.0 * 64 / 1024;
}

static void
test_leak_quick (void)
{
  g_autoptr (Curve) c = curve_new (120, 5, 40);
  SoakGrowth g;

  curve_fill (c, leak_per_run, 3.0);
  g_assert_true (soak_sees_leak (c));
  g_assert_true (soak_memory_grows ((guint *)c->t->data, (double *)c->heap->data, c->heap->len, c->warmup, 2.0,
                                    SOAK_SERIES_IN_USE, &g));
  g_assert_cmpfloat (g.growth, >, 4.0);
  g_assert_cmpuint (g.starts[0], ==, 45);
  g_assert_true (grows (c, c->priv, 4.0, SOAK_SERIES_HIGH_WATER));
}

/* 1 KiB a run over the hour: 7 MiB in 50 minutes, under 3 MiB of noise. */
static double
slow_leak (guint t)
{
  return 7.0 + t * 2.0 / 1024;
}

static void
test_leak_hour (void)
{
  g_autoptr (Curve) c = curve_new (3600, 60, 600);

  curve_fill (c, slow_leak, 3.0);
  g_assert_true (grows (c, c->heap, 2.0, SOAK_SERIES_IN_USE));
  g_assert_true (soak_sees_leak (c));
}

/* A leak smaller than the free memory malloc kept from the warm-up's
 * busiest moment: private memory does not move, the heap in use does. */
static double
hidden_leak (guint t)
{
  return 5.0 + t / 15.0;
}

static void
test_leak_hidden_from_private (void)
{
  g_autoptr (Curve) c = curve_new (120, 5, 40);

  curve_fill (c, hidden_leak, 0.5);
  /* The warm-up's peak: private memory holds 20 MiB. */
  for (guint i = 0; i < c->priv->len; i++)
    g_array_index (c->priv, double, i) = 20.0;
  g_assert_false (grows (c, c->priv, 4.0, SOAK_SERIES_HIGH_WATER));
  g_assert_true (grows (c, c->heap, 2.0, SOAK_SERIES_IN_USE));
  g_assert_true (soak_sees_leak (c));
}

/* A leak that starts after the first third: the heap in use tells. */
static double
late_leak (guint t)
{
  return t < 70 ? 7.0 : 7.0 + (t - 70) / 10.0;
}

static void
test_late_leak (void)
{
  g_autoptr (Curve) c = curve_new (120, 5, 40);

  curve_fill (c, late_leak, 0.5);
  g_assert_true (grows (c, c->heap, 2.0, SOAK_SERIES_IN_USE));
  g_assert_true (soak_sees_leak (c));
}

static void
test_too_few_samples (void)
{
  guint      t[] = { 0, 5, 10, 15 };
  double     v[] = { 1.0, 50.0, 100.0, 200.0 };
  SoakGrowth g;

  g_assert_false (soak_memory_grows (t, v, G_N_ELEMENTS (t), 5, 1.0, SOAK_SERIES_IN_USE, &g));
  g_assert_cmpuint (g.n, ==, 2);
  g_assert_false (soak_memory_grows (NULL, NULL, 0, 5, 1.0, SOAK_SERIES_IN_USE, &g));
  g_assert_cmpuint (g.n, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/soak-memory/flat", test_flat);
  g_test_add_func ("/soak-memory/high-water-step", test_high_water_step);
  g_test_add_func ("/soak-memory/spike", test_spike);
  g_test_add_func ("/soak-memory/bounded-growth", test_bounded_growth);
  g_test_add_func ("/soak-memory/leak-quick", test_leak_quick);
  g_test_add_func ("/soak-memory/leak-hour", test_leak_hour);
  g_test_add_func ("/soak-memory/leak-hidden-from-private", test_leak_hidden_from_private);
  g_test_add_func ("/soak-memory/late-leak", test_late_leak);
  g_test_add_func ("/soak-memory/too-few-samples", test_too_few_samples);
  return g_test_run ();
}
