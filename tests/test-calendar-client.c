/* test-calendar-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "af-calendar-client.h"
#include "af-error.h"
#include "af-test-services.h"

typedef struct
{
  AfTestServices    s;
  AfCalendarClient *calendar;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *base = NULL;

  af_test_services_set_up (&f->s, AF_TEST_GOOGLE, TRUE, 4);
  base = af_test_services_url (&f->s, "/calendar/v3");
  f->calendar = af_calendar_client_new (f->s.http, f->s.tokens, base);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->calendar);
  af_test_services_tear_down (&f->s);
}

static AfCalendarSyncResult *
do_sync (Fixture    *f,
         const char *token,
         GError    **error)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) min = g_date_time_add_days (now, -30);
  g_autoptr (GDateTime) max = g_date_time_add_days (now, 60);

  af_calendar_client_sync_async (f->calendar, "primary", token, min, max, NULL, af_test_ready_cb, &r);
  return af_calendar_client_sync_finish (f->calendar, af_test_await (&r), error);
}

static AfCalendarEvent *
find (GPtrArray  *events,
      const char *summary)
{
  for (guint i = 0; i < events->len; i++)
    if (g_strcmp0 (((AfCalendarEvent *)events->pdata[i])->summary, summary) == 0)
      return events->pdata[i];
  return NULL;
}

static void
test_sync (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfCalendarSyncResult) full = do_sync (f, NULL, &error);
  g_autoptr (AfCalendarSyncResult) inc = NULL;
  g_autoptr (AfCalendarSyncResult) again = NULL;
  AfCalendarEvent *offsite, *lunch, *review;
  const char      *added;

  g_assert_no_error (error);
  g_assert_true (full->full_resync);
  g_assert_nonnull (full->next_sync_token);
  /* 5 single events + the weekly master (no instances without singleEvents). */
  g_assert_cmpuint (full->events->len, ==, 6);

  offsite = find (full->events, "Company offsite");
  g_assert_true (offsite->all_day);
  g_assert_nonnull (offsite->start_date);
  g_assert_null (offsite->start);

  lunch = find (full->events, "Lunch with Carol");
  g_assert_cmpstr (lunch->time_zone, ==, "America/New_York");
  g_assert_nonnull (lunch->start);
  review = find (full->events, "Design review");
  g_assert_cmpstr (g_date_time_get_timezone_abbreviation (review->start), !=, NULL);

  added = af_sandbox_calendar_add_event (f->s.sandbox, "Dentist", "2030-01-10T10:00:00+01:00", "2030-01-10T11:00:00+01:00");
  af_sandbox_calendar_cancel_event (f->s.sandbox, "sb000002evt");
  inc = do_sync (f, full->next_sync_token, &error);
  g_assert_no_error (error);
  g_assert_false (inc->full_resync);
  g_assert_cmpuint (inc->events->len, ==, 2);
  g_assert_cmpstr (((AfCalendarEvent *)inc->events->pdata[0])->id, ==, "sb000002evt");
  g_assert_cmpstr (((AfCalendarEvent *)inc->events->pdata[0])->status, ==, "cancelled");
  g_assert_cmpstr (((AfCalendarEvent *)inc->events->pdata[1])->id, ==, added);

  /* 410 Gone → a full resync with the time window. */
  af_sandbox_add_fault (f->s.sandbox, "calendar.events.list", AF_SANDBOX_ROUTE_EXPIRE_CURSOR, 1, 0);
  again = do_sync (f, inc->next_sync_token, &error);
  g_assert_no_error (error);
  g_assert_true (again->full_resync);
  /* showDeleted: the cancelled one comes back too, so it gets removed. */
  g_assert_cmpuint (again->events->len, ==, 6);
  {
    guint cancelled = 0;

    for (guint i = 0; i < again->events->len; i++)
      if (g_str_equal (((AfCalendarEvent *)again->events->pdata[i])->status, "cancelled"))
        {
          g_assert_cmpstr (((AfCalendarEvent *)again->events->pdata[i])->id, ==, "sb000002evt");
          cancelled++;
        }
    g_assert_cmpuint (cancelled, ==, 1);
  }
}

static void
test_agenda (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) min = g_date_time_add_days (now, -2);
  g_autoptr (GDateTime) max = g_date_time_add_days (now, 40);
  g_autoptr (GPtrArray) events = NULL;
  guint standups = 0;

  /* Reads recover from a 503, a cut-short body and a dropped connection. */
  af_sandbox_add_fault (f->s.sandbox, "calendar.events.list", AF_SANDBOX_ROUTE_UNAVAILABLE, 1, 0);
  af_sandbox_add_fault (f->s.sandbox, "calendar.events.list", AF_SANDBOX_ROUTE_TRUNCATED, 1, 0);
  af_sandbox_add_fault (f->s.sandbox, "calendar.events.list", AF_SANDBOX_ROUTE_DROP_CONNECTION, 1, 0);
  af_calendar_client_list_events_async (f->calendar, "primary", min, max, NULL, af_test_ready_cb, &r);
  events = af_calendar_client_list_events_finish (f->calendar, af_test_await (&r), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      AfCalendarEvent *e = events->pdata[i];

      if (g_strcmp0 (e->summary, "Team stand-up") == 0)
        {
          standups++;
          g_assert_nonnull (e->recurring_event_id);
        }
      if (i > 0 && e->start != NULL && ((AfCalendarEvent *)events->pdata[i - 1])->start != NULL)
        g_assert_cmpint (g_date_time_compare (((AfCalendarEvent *)events->pdata[i - 1])->start, e->start), <=, 0);
    }
  /* singleEvents expands the weekly series into its 4 instances. */
  g_assert_cmpuint (standups, ==, 4);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "calendar.events.list"), ==, 4);
}

static void
test_insert_patch_delete (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfCalendarEvent) event = af_calendar_event_new ();
  g_autoptr (AfCalendarEvent) created = NULL;
  g_autoptr (AfCalendarEvent) patched = NULL;
  g_autoptr (AfCalendarEvent) allday = af_calendar_event_new ();
  g_autoptr (AfCalendarEvent) allday_created = NULL;
  g_autoptr (GTimeZone) tokyo = g_time_zone_new_identifier ("Asia/Tokyo");
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GAsyncResult) r4 = NULL;
  g_autoptr (GAsyncResult) r5 = NULL;
  g_autoptr (JsonObject) patch = json_object_new ();
  guint n = af_sandbox_calendar_get_n_events (f->s.sandbox);

  event->summary = g_strdup ("Call with Tokyo — Besprechung");
  event->start = g_date_time_new (tokyo, 2030, 3, 1, 9, 0, 0);
  event->end = g_date_time_new (tokyo, 2030, 3, 1, 10, 0, 0);
  event->time_zone = g_strdup ("Asia/Tokyo");
  af_calendar_client_insert_event_async (f->calendar, "primary", event, NULL, af_test_ready_cb, &r1);
  created = af_calendar_client_insert_event_finish (f->calendar, af_test_await (&r1), &error);
  g_assert_no_error (error);
  g_assert_nonnull (created->id);
  g_assert_cmpstr (created->summary, ==, event->summary);
  g_assert_cmpstr (created->time_zone, ==, "Asia/Tokyo");
  g_assert_true (g_date_time_equal (created->start, event->start));
  g_assert_cmpuint (af_sandbox_calendar_get_n_events (f->s.sandbox), ==, n + 1);

  allday->summary = g_strdup ("Holiday");
  allday->all_day = TRUE;
  allday->start_date = g_strdup ("2030-05-01");
  allday->end_date = g_strdup ("2030-05-02");
  af_calendar_client_insert_event_async (f->calendar, "primary", allday, NULL, af_test_ready_cb, &r5);
  allday_created = af_calendar_client_insert_event_finish (f->calendar, af_test_await (&r5), &error);
  g_assert_no_error (error);
  g_assert_true (allday_created->all_day);
  g_assert_cmpstr (allday_created->start_date, ==, "2030-05-01");

  json_object_set_string_member (patch, "location", "Zoom");
  af_calendar_client_patch_event_async (f->calendar, "primary", created->id, patch, NULL, af_test_ready_cb, &r2);
  patched = af_calendar_client_patch_event_finish (f->calendar, af_test_await (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (patched->location, ==, "Zoom");
  g_assert_cmpstr (patched->summary, ==, event->summary);

  /* The answer to a delete is lost; the retry finds it gone: success. */
  af_sandbox_add_fault (f->s.sandbox, "calendar.events.delete", AF_SANDBOX_ROUTE_DROP_CONNECTION, 1, 0);
  af_calendar_client_delete_event_async (f->calendar, "primary", created->id, NULL, af_test_ready_cb, &r3);
  g_assert_true (af_calendar_client_delete_event_finish (f->calendar, af_test_await (&r3), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "calendar.events.delete"), ==, 2);

  af_calendar_client_delete_event_async (f->calendar, "primary", "doesnotexist", NULL, af_test_ready_cb, &r4);
  g_assert_true (af_calendar_client_delete_event_finish (f->calendar, af_test_await (&r4), &error));
}

static void
test_insert_faults (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfCalendarEvent) event = af_calendar_event_new ();
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (AfCalendarEvent) created = NULL;
  guint n = af_sandbox_calendar_get_n_events (f->s.sandbox);

  event->summary = g_strdup ("Once");
  event->start = g_date_time_new_utc (2030, 1, 1, 9, 0, 0);
  event->end = g_date_time_new_utc (2030, 1, 1, 10, 0, 0);
  af_sandbox_add_fault (f->s.sandbox, "calendar.events.insert", AF_SANDBOX_ROUTE_DROP_CONNECTION, 1, 0);
  af_calendar_client_insert_event_async (f->calendar, "primary", event, NULL, af_test_ready_cb, &r1);
  created = af_calendar_client_insert_event_finish (f->calendar, af_test_await (&r1), &error);
  g_assert_null (created);
  g_assert_error (error, AF_ERROR, AF_ERROR_NETWORK);
  /* Created once, not twice. */
  g_assert_cmpuint (af_sandbox_calendar_get_n_events (f->s.sandbox), ==, n + 1);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "calendar.events.insert"), ==, 1);
}

static void
test_free_busy (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr (GDateTime) now = g_date_time_new_now (berlin);
  g_autoptr (GDateTime) min = g_date_time_new (berlin, g_date_time_get_year (now), g_date_time_get_month (now),
                                               g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr (GDateTime) max = g_date_time_add_days (min, 1);
  g_autoptr (GPtrArray) busy = NULL;
  const char     *ids[] = { "primary", NULL };
  AfCalendarBusy *first;
  g_autoptr (GDateTime) nine = g_date_time_add_hours (min, 9);
  g_autoptr (GDateTime) eleven = g_date_time_add_hours (min, 11);

  af_sandbox_add_fault (f->s.sandbox, "calendar.freebusy.query", AF_SANDBOX_ROUTE_UNAVAILABLE, 1, 0);
  af_calendar_client_free_busy_async (f->calendar, ids, min, max, NULL, af_test_ready_cb, &r);
  busy = af_calendar_client_free_busy_finish (f->calendar, af_test_await (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (busy->len, >=, 2);
  /* 9:00–10:00 and 9:30–11:00 overlap: one busy block 9:00–11:00
   * (after the 8:30 stand-up). */
  first = NULL;
  for (guint i = 0; i < busy->len && first == NULL; i++)
    if (g_date_time_equal (((AfCalendarBusy *)busy->pdata[i])->start, nine))
      first = busy->pdata[i];
  g_assert_nonnull (first);
  g_assert_true (g_date_time_equal (first->end, eleven));
}

static void
test_scope (Fixture      *f,
            gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (AfTokenSource) readonly = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfCalendarEvent) event = af_calendar_event_new ();
  g_autoptr (AfCalendarEvent) created = NULL;
  g_autofree char *base = af_test_services_url (&f->s, "/calendar/v3");

  af_sandbox_add_token (f->s.sandbox, "ya29.cal-ro", "google", AF_SANDBOX_ACCOUNT,
                        "https://www.googleapis.com/auth/calendar.readonly", 0);
  readonly = AF_TOKEN_SOURCE (af_static_token_source_new ("ya29.cal-ro"));
  calendar = af_calendar_client_new (f->s.http, readonly, base);
  event->start = g_date_time_new_utc (2030, 1, 1, 9, 0, 0);
  event->end = g_date_time_new_utc (2030, 1, 1, 10, 0, 0);
  af_calendar_client_insert_event_async (calendar, "primary", event, NULL, af_test_ready_cb, &r);
  created = af_calendar_client_insert_event_finish (calendar, af_test_await (&r), &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "Google Calendar"));
}

/* A client-chosen id: a repeat is 409 "duplicate", which the client
 * takes as "already created"; events.get finds it. */
static void
test_insert_with_id (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfCalendarEvent) event = af_calendar_event_new ();
  g_autoptr (AfCalendarEvent) first = NULL;
  g_autoptr (AfCalendarEvent) again = NULL;
  g_autoptr (AfCalendarEvent) got = NULL;
  g_autoptr (AfCalendarEvent) missing = NULL;
  g_autoptr (AfCalendarEvent) invalid = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GAsyncResult) r4 = NULL;
  g_autoptr (GAsyncResult) r5 = NULL;
  g_autofree char *id = af_calendar_event_id_for_key ("agent-1/run-2/m3/create_event");
  g_autofree char *other = af_calendar_event_id_for_key ("agent-1/run-2/m4/create_event");
  guint            n = af_sandbox_calendar_get_n_events (f->s.sandbox);

  /* Deterministic, base32hex, within 5–1024 characters. */
  g_assert_cmpstr (id, !=, other);
  g_assert_cmpuint (strlen (id), >=, 5);
  for (const char *p = id; *p; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'v'));
  {
    g_autofree char *same = af_calendar_event_id_for_key ("agent-1/run-2/m3/create_event");

    g_assert_cmpstr (id, ==, same);
  }

  event->id = g_strdup (id);
  event->summary = g_strdup ("Planning");
  event->start = g_date_time_new_utc (2030, 4, 1, 9, 0, 0);
  event->end = g_date_time_new_utc (2030, 4, 1, 10, 0, 0);
  af_calendar_client_insert_event_async (f->calendar, "primary", event, NULL, af_test_ready_cb, &r1);
  first = af_calendar_client_insert_event_finish (f->calendar, af_test_await (&r1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->id, ==, id);
  g_assert_cmpuint (af_sandbox_calendar_get_n_events (f->s.sandbox), ==, n + 1);

  af_calendar_client_insert_event_async (f->calendar, "primary", event, NULL, af_test_ready_cb, &r2);
  again = af_calendar_client_insert_event_finish (f->calendar, af_test_await (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->id, ==, id);
  g_assert_cmpuint (af_sandbox_calendar_get_n_events (f->s.sandbox), ==, n + 1);
  g_assert_cmpuint (af_sandbox_get_count (f->s.sandbox, "calendar.events.insert"), ==, 2);

  af_calendar_client_get_event_async (f->calendar, "primary", id, NULL, af_test_ready_cb, &r3);
  got = af_calendar_client_get_event_finish (f->calendar, af_test_await (&r3), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->summary, ==, "Planning");

  af_calendar_client_get_event_async (f->calendar, "primary", other, NULL, af_test_ready_cb, &r4);
  missing = af_calendar_client_get_event_finish (f->calendar, af_test_await (&r4), &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);

  /* "w" is not base32hex: 400, not a conflict. */
  g_free (event->id);
  event->id = g_strdup ("wwwwww");
  af_calendar_client_insert_event_async (f->calendar, "primary", event, NULL, af_test_ready_cb, &r5);
  invalid = af_calendar_client_insert_event_finish (f->calendar, af_test_await (&r5), &error);
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT);
  g_assert_null (invalid);
  g_assert_cmpuint (af_sandbox_calendar_get_n_events (f->s.sandbox), ==, n + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/calendar/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("sync", test_sync);
  ADD ("agenda", test_agenda);
  ADD ("insert-patch-delete", test_insert_patch_delete);
  ADD ("insert-faults", test_insert_faults);
  ADD ("insert-with-id", test_insert_with_id);
  ADD ("free-busy", test_free_busy);
  ADD ("scope", test_scope);
#undef ADD

  return g_test_run ();
}
