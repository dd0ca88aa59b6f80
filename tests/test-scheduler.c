/* test-scheduler.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "af-scheduler.h"
#include "af-test-wait.h"

static JsonObject *
trigger (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gint64
utc (int y, int mo, int d, int h, int mi)
{
  g_autoptr (GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, 0);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static void
test_next_run (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr (JsonObject) interval = trigger ("{\"type\":\"interval\",\"minutes\":15}");
  g_autoptr (JsonObject) daily = trigger ("{\"type\":\"daily\",\"at\":\"08:00\"}");
  g_autoptr (JsonObject) weekly = trigger ("{\"type\":\"weekly\",\"at\":\"08:00\",\"weekday\":1}");
  g_autoptr (JsonObject) manual = trigger ("{\"type\":\"manual\"}");
  gint64 thursday_7 = utc (2026, 1, 1, 7, 0);

  g_assert_cmpint (af_scheduler_next_run (interval, thursday_7, tz), ==, thursday_7 + 15 * 60 * G_USEC_PER_SEC);
  g_assert_cmpint (af_scheduler_next_run (daily, thursday_7, tz), ==, utc (2026, 1, 1, 8, 0));
  g_assert_cmpint (af_scheduler_next_run (daily, utc (2026, 1, 1, 8, 0), tz), ==, utc (2026, 1, 2, 8, 0));
  g_assert_cmpint (af_scheduler_next_run (daily, utc (2026, 1, 1, 9, 0), tz), ==, utc (2026, 1, 2, 8, 0));
  g_assert_cmpint (af_scheduler_next_run (weekly, thursday_7, tz), ==, utc (2026, 1, 5, 8, 0));
  g_assert_cmpint (af_scheduler_next_run (manual, thursday_7, tz), ==, 0);
}

static gboolean
never_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static guint
probe_source_id (void)
{
  guint id = g_idle_add (never_cb, NULL);

  g_source_remove (id);
  return id;
}

static void
on_due_cb (AfScheduler *scheduler,
           const char  *agent_id,
           GPtrArray   *fired)
{
  g_ptr_array_add (fired, g_strdup (agent_id));
}

static void
test_one_timer (void)
{
  g_autoptr (AfScheduler) scheduler = af_scheduler_new ();
  g_autoptr (GPtrArray) fired = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_real_time ();
  guint  before, after;

  g_signal_connect (scheduler, "due", G_CALLBACK (on_due_cb), fired);

  /* Source ids are handed out in order: if scheduling 1,000 agents
   * attached a source each, the next id would jump by 1,000. */
  before = probe_source_id ();
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_strdup_printf ("agent-%u", i);

      af_scheduler_set (scheduler, id, now + (gint64)(i + 1) * (gint64)3600 * G_USEC_PER_SEC);
    }
  after = probe_source_id ();
  g_assert_cmpuint (after - before, <=, 1);
  g_assert_cmpuint (af_scheduler_get_n_scheduled (scheduler), ==, 1000);
  g_assert_cmpint (af_scheduler_get_next_due (scheduler), ==, now + (gint64)3600 * G_USEC_PER_SEC);

  /* Idle: nothing due, nothing fires (the timer is an hour away; what is
   * ready now runs). */
  af_test_drain ();
  g_assert_cmpuint (fired->len, ==, 0);

  /* Rescheduling moves an entry; removing drops it. */
  af_scheduler_set (scheduler, "agent-999", now + 60 * G_USEC_PER_SEC);
  g_assert_cmpint (af_scheduler_get_next_due (scheduler), ==, now + 60 * G_USEC_PER_SEC);
  af_scheduler_remove (scheduler, "agent-999");
  g_assert_cmpuint (af_scheduler_get_n_scheduled (scheduler), ==, 999);
  g_assert_cmpint (af_scheduler_get_next_due (scheduler), ==, now + (gint64)3600 * G_USEC_PER_SEC);
}

static void
test_missed_and_due (void)
{
  g_autoptr (AfScheduler) scheduler = af_scheduler_new ();
  g_autoptr (GPtrArray) fired = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_real_time ();
  gint64 start;

  g_signal_connect (scheduler, "due", G_CALLBACK (on_due_cb), fired);

  /* Missed while asleep or not running: fire once each, oldest first. */
  af_scheduler_set (scheduler, "b", now - (gint64)3600 * G_USEC_PER_SEC);
  af_scheduler_set (scheduler, "a", now - 2 * (gint64)3600 * G_USEC_PER_SEC);
  af_scheduler_set (scheduler, "later", now + (gint64)3600 * G_USEC_PER_SEC);
  af_test_wait_until (fired->len >= 2, "the two missed entries to fire");
  af_test_drain ();
  g_assert_cmpuint (fired->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fired, 0), ==, "a");
  g_assert_cmpstr (g_ptr_array_index (fired, 1), ==, "b");
  g_assert_cmpuint (af_scheduler_get_n_scheduled (scheduler), ==, 1);

  /* A deadline in the near future fires on time. */
  start = g_get_monotonic_time ();
  af_scheduler_set (scheduler, "soon", g_get_real_time () + 150 * 1000);
  af_test_wait_until (fired->len >= 3, "the entry due in 150 ms to fire");
  g_assert_cmpstr (g_ptr_array_index (fired, 2), ==, "soon");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 140 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * 1000);

  /* A re-arm (resume, clock change) does not fire anything twice. */
  af_scheduler_rearm (scheduler);
  af_test_drain ();
  g_assert_cmpuint (fired->len, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("AGENTFLOW_NO_SYSTEM_BUS", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scheduler/next-run", test_next_run);
  g_test_add_func ("/scheduler/one-timer", test_one_timer);
  g_test_add_func ("/scheduler/missed-and-due", test_missed_and_due);

  return g_test_run ();
}
