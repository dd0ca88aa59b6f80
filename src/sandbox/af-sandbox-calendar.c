/* af-sandbox-calendar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-calendar"

#include "config.h"

#include <string.h>

#include "af-sandbox-private.h"

/* Google Calendar API v3: events.list (syncToken, pages, singleEvents,
 * showDeleted), insert, patch, delete and freeBusy.query, for the primary
 * calendar of the seeded account. */

#define CALENDAR_ZONE "Europe/Berlin"

typedef struct
{
  char    *id;
  char    *status;
  char    *summary;
  char    *description;
  char    *location;
  char    *start; /* RFC 3339, NULL for all-day */
  char    *end;
  char    *start_date; /* all-day */
  char    *end_date;
  char    *time_zone;
  char    *recurring_event_id;
  gboolean recurring;
  guint64  sequence; /* change counter, for sync tokens */
} SbEvent;

struct _SbCalendar
{
  GPtrArray *events;
  guint64    seq;
  guint64    token_floor; /* sync tokens below are expired (410) */
  guint      next_id;
};

static const char *const read_scopes[] = { "calendar", "calendar.events", "calendar.readonly", "calendar.events.readonly", NULL };
static const char *const write_scopes[] = { "calendar", "calendar.events", NULL };
static const char *const busy_scopes[] = { "calendar", "calendar.events", "calendar.readonly", "calendar.freebusy", NULL };

static void
sb_event_free (gpointer data)
{
  SbEvent *e = data;

  g_free (e->id);
  g_free (e->status);
  g_free (e->summary);
  g_free (e->description);
  g_free (e->location);
  g_free (e->start);
  g_free (e->end);
  g_free (e->start_date);
  g_free (e->end_date);
  g_free (e->time_zone);
  g_free (e->recurring_event_id);
  g_free (e);
}

SbCalendar *
sb_calendar_new (void)
{
  SbCalendar *calendar = g_new0 (SbCalendar, 1);

  calendar->events = g_ptr_array_new_with_free_func (sb_event_free);
  calendar->seq = 1;
  calendar->next_id = 1;
  return calendar;
}

void
sb_calendar_free (SbCalendar *calendar)
{
  g_ptr_array_unref (calendar->events);
  g_free (calendar);
}

static SbEvent *
new_event (SbCalendar *calendar)
{
  SbEvent *e = g_new0 (SbEvent, 1);

  e->id = g_strdup_printf ("sb%06uevt", calendar->next_id++);
  e->status = g_strdup ("confirmed");
  e->sequence = ++calendar->seq;
  g_ptr_array_add (calendar->events, e);
  return e;
}

void
sb_calendar_add (SbCalendar *calendar,
                 const char *summary,
                 const char *start,
                 const char *end,
                 const char *time_zone,
                 gboolean    all_day,
                 const char *recurring_event_id)
{
  SbEvent *e = new_event (calendar);

  e->summary = g_strdup (summary);
  if (all_day)
    {
      e->start_date = g_strdup (start);
      e->end_date = g_strdup (end);
    }
  else
    {
      e->start = g_strdup (start);
      e->end = g_strdup (end);
      e->time_zone = g_strdup (time_zone);
    }
  e->recurring_event_id = g_strdup (recurring_event_id);
}

static SbEvent *
find_event (SbCalendar *calendar,
            const char *id)
{
  for (guint i = 0; i < calendar->events->len; i++)
    if (g_str_equal (((SbEvent *)calendar->events->pdata[i])->id, id))
      return calendar->events->pdata[i];
  return NULL;
}

/* Start and end as instants; all-day dates in the calendar's zone. */
static GDateTime *
event_instant (SbEvent *e,
               gboolean end)
{
  const char *dt = end ? e->end : e->start;
  const char *date = end ? e->end_date : e->start_date;

  if (dt != NULL)
    return g_date_time_new_from_iso8601 (dt, NULL);
  if (date != NULL)
    {
      g_autoptr (GTimeZone) zone = g_time_zone_new_identifier (CALENDAR_ZONE);
      g_autofree char *text = g_strdup_printf ("%sT00:00:00", date);

      return g_date_time_new_from_iso8601 (text, zone);
    }
  return NULL;
}

static void
add_when (JsonBuilder *b,
          const char  *member,
          const char  *dt,
          const char  *date,
          const char  *zone)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  if (date != NULL)
    {
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, date);
    }
  else
    {
      json_builder_set_member_name (b, "dateTime");
      json_builder_add_string_value (b, dt);
      json_builder_set_member_name (b, "timeZone");
      json_builder_add_string_value (b, zone ? zone : CALENDAR_ZONE);
    }
  json_builder_end_object (b);
}

static void
add_event_json (JsonBuilder *b,
                SbEvent     *e)
{
  g_autofree char *etag = g_strdup_printf ("\"%" G_GUINT64_FORMAT "\"", e->sequence);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *updated = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.000Z");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "calendar#event");
  json_builder_set_member_name (b, "etag");
  json_builder_add_string_value (b, etag);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, e->id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, e->status);

  /* A cancelled event in an incremental sync carries only its id. */
  if (!g_str_equal (e->status, "cancelled"))
    {
      g_autofree char *link = g_strdup_printf ("https://www.google.com/calendar/event?eid=%s", e->id);

      json_builder_set_member_name (b, "htmlLink");
      json_builder_add_string_value (b, link);
      json_builder_set_member_name (b, "updated");
      json_builder_add_string_value (b, updated);
      if (e->summary)
        {
          json_builder_set_member_name (b, "summary");
          json_builder_add_string_value (b, e->summary);
        }
      if (e->description)
        {
          json_builder_set_member_name (b, "description");
          json_builder_add_string_value (b, e->description);
        }
      if (e->location)
        {
          json_builder_set_member_name (b, "location");
          json_builder_add_string_value (b, e->location);
        }
      json_builder_set_member_name (b, "organizer");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "email");
      json_builder_add_string_value (b, AF_SANDBOX_ACCOUNT);
      json_builder_set_member_name (b, "self");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      add_when (b, "start", e->start, e->start_date, e->time_zone);
      add_when (b, "end", e->end, e->end_date, e->time_zone);
      if (e->recurring)
        {
          json_builder_set_member_name (b, "recurrence");
          json_builder_begin_array (b);
          json_builder_add_string_value (b, "RRULE:FREQ=WEEKLY;COUNT=4");
          json_builder_end_array (b);
        }
      if (e->recurring_event_id)
        {
          json_builder_set_member_name (b, "recurringEventId");
          json_builder_add_string_value (b, e->recurring_event_id);
        }
      json_builder_set_member_name (b, "iCalUID");
      {
        g_autofree char *uid = g_strdup_printf ("%s@google.com", e->recurring_event_id ? e->recurring_event_id : e->id);
        json_builder_add_string_value (b, uid);
      }
      json_builder_set_member_name (b, "eventType");
      json_builder_add_string_value (b, "default");
    }
  json_builder_end_object (b);
}

static void
respond_event (SoupServerMessage *msg,
               SbEvent           *e)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  add_event_json (b, e);
  root = json_builder_get_root (b);
  af_sandbox_respond_json (msg, 200, root);
}

static void
respond_410 (SoupServerMessage *msg)
{
  /* Documented: 410 GONE, reason fullSyncRequired; the client then
   * clears its store and syncs in full:
   * https://developers.google.com/calendar/api/guides/sync and
   * https://developers.google.com/calendar/api/guides/errors#410_gone */
  af_sandbox_respond_text (msg, 410, "application/json; charset=UTF-8",
                           "{\"error\":{\"errors\":[{\"domain\":\"global\",\"reason\":\"fullSyncRequired\","
                           "\"message\":\"Sync token is no longer valid, a full sync is required.\","
                           "\"locationType\":\"parameter\",\"location\":\"syncToken\"}],"
                           "\"code\":410,\"message\":\"Sync token is no longer valid, a full sync is required.\"}}");
}

static void
handle_list (AfSandbox         *self,
             SbCalendar        *calendar,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  const char *sync_token = query ? g_hash_table_lookup (query, "syncToken") : NULL;
  const char *page_token = query ? g_hash_table_lookup (query, "pageToken") : NULL;
  const char *time_min_text = query ? g_hash_table_lookup (query, "timeMin") : NULL;
  const char *time_max_text = query ? g_hash_table_lookup (query, "timeMax") : NULL;
  gboolean    single = g_strcmp0 (query ? g_hash_table_lookup (query, "singleEvents") : NULL, "true") == 0;
  gboolean    show_deleted = g_strcmp0 (query ? g_hash_table_lookup (query, "showDeleted") : NULL, "true") == 0;
  const char *max_text = query ? g_hash_table_lookup (query, "maxResults") : NULL;
  guint       max = max_text ? CLAMP ((guint)g_ascii_strtoull (max_text, NULL, 10), 1, 2500) : 250;
  guint       offset = page_token ? (guint)g_ascii_strtoull (page_token, NULL, 10) : 0;
  guint64     since = 0;
  g_autoptr (GDateTime) time_min = time_min_text ? g_date_time_new_from_iso8601 (time_min_text, NULL) : NULL;
  g_autoptr (GDateTime) time_max = time_max_text ? g_date_time_new_from_iso8601 (time_max_text, NULL) : NULL;
  g_autoptr (GPtrArray) matches = g_ptr_array_new ();
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  /* An incremental sync returns every change since the token, deleted
   * events included (status "cancelled") whatever showDeleted says, and
   * may not be combined with timeMin/timeMax/orderBy; nextSyncToken comes
   * with the last page only, nextPageToken on the others:
   * https://developers.google.com/calendar/api/guides/sync
   * https://developers.google.com/calendar/api/v3/reference/events/list */
  if (sync_token != NULL)
    {
      if (time_min_text != NULL || time_max_text != NULL || g_hash_table_lookup (query, "orderBy"))
        {
          af_sandbox_respond_google_error (msg, 400, "invalid", "Sync token cannot be used with timeMin, timeMax or orderBy.");
          return;
        }
      if (af_sandbox_take_cursor_expiry (self, "calendar.events.list"))
        calendar->token_floor = calendar->seq + 1;
      if (!g_str_has_prefix (sync_token, "sb-sync-"))
        {
          respond_410 (msg);
          return;
        }
      since = g_ascii_strtoull (sync_token + strlen ("sb-sync-"), NULL, 10);
      if (since < calendar->token_floor)
        {
          respond_410 (msg);
          return;
        }
    }

  for (guint i = 0; i < calendar->events->len; i++)
    {
      SbEvent *e = calendar->events->pdata[i];
      gboolean cancelled = g_str_equal (e->status, "cancelled");

      if (sync_token != NULL)
        {
          if (e->sequence <= since)
            continue;
        }
      else
        {
          g_autoptr (GDateTime) start = event_instant (e, FALSE);
          g_autoptr (GDateTime) end = event_instant (e, TRUE);

          if (cancelled && !show_deleted)
            continue;
          if (time_min != NULL && end != NULL && g_date_time_compare (end, time_min) <= 0)
            continue;
          if (time_max != NULL && start != NULL && g_date_time_compare (start, time_max) >= 0)
            continue;
        }
      /* singleEvents: instances, not the recurring master; else the other way. */
      if (single && e->recurring)
        continue;
      if (!single && e->recurring_event_id != NULL)
        continue;
      g_ptr_array_add (matches, e);
    }

  if (single && g_strcmp0 (g_hash_table_lookup (query, "orderBy"), "startTime") == 0)
    {
      for (guint i = 1; i < matches->len; i++)
        for (guint j = i; j > 0; j--)
          {
            g_autoptr (GDateTime) a = event_instant (matches->pdata[j - 1], FALSE);
            g_autoptr (GDateTime) c = event_instant (matches->pdata[j], FALSE);

            if (a != NULL && c != NULL && g_date_time_compare (a, c) > 0)
              {
                gpointer t = matches->pdata[j];
                matches->pdata[j] = matches->pdata[j - 1];
                matches->pdata[j - 1] = t;
              }
            else
              break;
          }
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "calendar#events");
  json_builder_set_member_name (b, "summary");
  json_builder_add_string_value (b, AF_SANDBOX_ACCOUNT);
  json_builder_set_member_name (b, "timeZone");
  json_builder_add_string_value (b, CALENDAR_ZONE);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = offset; i < MIN (offset + max, matches->len); i++)
    add_event_json (b, matches->pdata[i]);
  json_builder_end_array (b);
  if (offset + max < matches->len)
    {
      g_autofree char *next = g_strdup_printf ("%u", offset + max);

      json_builder_set_member_name (b, "nextPageToken");
      json_builder_add_string_value (b, next);
    }
  else
    {
      g_autofree char *next = g_strdup_printf ("sb-sync-%" G_GUINT64_FORMAT, calendar->seq);

      json_builder_set_member_name (b, "nextSyncToken");
      json_builder_add_string_value (b, next);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  af_sandbox_respond_json (msg, 200, root);
}

static gboolean
read_when (JsonObject *o,
           const char *member,
           char      **dt,
           char      **date,
           char      **zone)
{
  JsonObject *when = json_object_has_member (o, member) ? json_object_get_object_member (o, member) : NULL;
  const char *value;

  if (when == NULL)
    return FALSE;
  if ((value = json_object_get_string_member_with_default (when, "dateTime", NULL)) != NULL)
    {
      g_autoptr (GDateTime) parsed = g_date_time_new_from_iso8601 (value, NULL);

      if (parsed == NULL)
        return FALSE;
      g_free (*dt);
      *dt = g_strdup (value);
      g_clear_pointer (date, g_free);
      if (json_object_has_member (when, "timeZone"))
        {
          g_free (*zone);
          *zone = g_strdup (json_object_get_string_member (when, "timeZone"));
        }
      return TRUE;
    }
  if ((value = json_object_get_string_member_with_default (when, "date", NULL)) != NULL)
    {
      g_free (*date);
      *date = g_strdup (value);
      g_clear_pointer (dt, g_free);
      return TRUE;
    }
  return FALSE;
}

static void
apply_fields (SbEvent    *e,
              JsonObject *o)
{
  if (json_object_has_member (o, "summary"))
    {
      g_free (e->summary);
      e->summary = g_strdup (json_object_get_string_member_with_default (o, "summary", NULL));
    }
  if (json_object_has_member (o, "description"))
    {
      g_free (e->description);
      e->description = g_strdup (json_object_get_string_member_with_default (o, "description", NULL));
    }
  if (json_object_has_member (o, "location"))
    {
      g_free (e->location);
      e->location = g_strdup (json_object_get_string_member_with_default (o, "location", NULL));
    }
  read_when (o, "start", &e->start, &e->start_date, &e->time_zone);
  read_when (o, "end", &e->end, &e->end_date, &e->time_zone);
}

static void
handle_insert (AfSandbox         *self,
               SbCalendar        *calendar,
               SoupServerMessage *msg)
{
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
  JsonObject *o = body && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  char       *dt = NULL, *date = NULL, *zone = NULL;
  const char *requested;
  SbEvent    *e;

  if (o == NULL || !read_when (o, "start", &dt, &date, &zone) || !read_when (o, "end", &dt, &date, &zone))
    {
      g_free (dt);
      g_free (date);
      g_free (zone);
      af_sandbox_respond_google_error (msg, 400, "required", "Missing end time.");
      return;
    }
  g_free (dt);
  g_free (date);
  g_free (zone);

  /* A client-chosen id: base32hex (0-9, a-v), 5 to 1024 characters, and
   * unique — a second insert with it is 409 "duplicate", even after the
   * event was deleted. */
  requested = json_object_get_string_member_with_default (o, "id", NULL);
  if (requested != NULL)
    {
      gsize    n = strlen (requested);
      gboolean valid = n >= 5 && n <= 1024;

      for (const char *p = requested; valid && *p; p++)
        valid = g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'v');
      if (!valid)
        {
          af_sandbox_respond_google_error (msg, 400, "invalid", "Invalid resource id value.");
          return;
        }
      if (find_event (calendar, requested) != NULL)
        {
          af_sandbox_respond_google_error (msg, 409, "duplicate", "The requested identifier already exists.");
          return;
        }
    }

  e = new_event (calendar);
  if (requested != NULL)
    {
      g_free (e->id);
      e->id = g_strdup (requested);
    }
  apply_fields (e, o);
  af_sandbox_log_side_effect (self, "calendar.events.insert", e->summary);
  respond_event (msg, e);
}

static void
handle_patch (AfSandbox         *self,
              SbCalendar        *calendar,
              SoupServerMessage *msg,
              const char        *id)
{
  SbEvent *e = find_event (calendar, id);
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);

  if (e == NULL || g_str_equal (e->status, "cancelled"))
    {
      af_sandbox_respond_google_error (msg, 404, "notFound", "Not Found");
      return;
    }
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      af_sandbox_respond_google_error (msg, 400, "parseError", "Parse Error");
      return;
    }
  apply_fields (e, json_node_get_object (body));
  e->sequence = ++calendar->seq;
  respond_event (msg, e);
}

static void
handle_delete (AfSandbox         *self,
               SbCalendar        *calendar,
               SoupServerMessage *msg,
               const char        *id)
{
  SbEvent *e = find_event (calendar, id);

  if (e == NULL)
    {
      af_sandbox_respond_google_error (msg, 404, "notFound", "Not Found");
      return;
    }
  if (g_str_equal (e->status, "cancelled"))
    {
      af_sandbox_respond_google_error (msg, 410, "deleted", "Resource has been deleted");
      return;
    }
  g_free (e->status);
  e->status = g_strdup ("cancelled");
  e->sequence = ++calendar->seq;
  soup_server_message_set_status (msg, 204, NULL);
}

static void
handle_free_busy (AfSandbox         *self,
                  SbCalendar        *calendar,
                  SoupServerMessage *msg)
{
  g_autoptr (JsonNode) body = af_sandbox_parse_body (msg);
  JsonObject *o = body && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  const char *min_text = o ? json_object_get_string_member_with_default (o, "timeMin", NULL) : NULL;
  const char *max_text = o ? json_object_get_string_member_with_default (o, "timeMax", NULL) : NULL;
  g_autoptr (GDateTime) time_min = min_text ? g_date_time_new_from_iso8601 (min_text, NULL) : NULL;
  g_autoptr (GDateTime) time_max = max_text ? g_date_time_new_from_iso8601 (max_text, NULL) : NULL;
  JsonArray *items = o && json_object_has_member (o, "items") ? json_object_get_array_member (o, "items") : NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  if (time_min == NULL || time_max == NULL || items == NULL)
    {
      af_sandbox_respond_google_error (msg, 400, "badRequest", "Bad Request");
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "calendar#freeBusy");
  json_builder_set_member_name (b, "timeMin");
  json_builder_add_string_value (b, min_text);
  json_builder_set_member_name (b, "timeMax");
  json_builder_add_string_value (b, max_text);
  json_builder_set_member_name (b, "calendars");
  json_builder_begin_object (b);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *cid = item ? json_object_get_string_member_with_default (item, "id", NULL) : NULL;
      g_autoptr (GPtrArray) starts = g_ptr_array_new_with_free_func ((GDestroyNotify)g_date_time_unref);
      g_autoptr (GPtrArray) ends = g_ptr_array_new_with_free_func ((GDestroyNotify)g_date_time_unref);

      if (cid == NULL)
        continue;
      json_builder_set_member_name (b, cid);
      json_builder_begin_object (b);
      if (!g_str_equal (cid, "primary") && !g_str_equal (cid, AF_SANDBOX_ACCOUNT))
        {
          json_builder_set_member_name (b, "errors");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "domain");
          json_builder_add_string_value (b, "global");
          json_builder_set_member_name (b, "reason");
          json_builder_add_string_value (b, "notFound");
          json_builder_end_object (b);
          json_builder_end_array (b);
        }
      json_builder_set_member_name (b, "busy");
      json_builder_begin_array (b);
      if (g_str_equal (cid, "primary") || g_str_equal (cid, AF_SANDBOX_ACCOUNT))
        {
          /* Timed, confirmed, non-master events, clipped and merged. */
          for (guint k = 0; k < calendar->events->len; k++)
            {
              SbEvent   *e = calendar->events->pdata[k];
              GDateTime *s, *en;

              if (g_str_equal (e->status, "cancelled") || e->recurring || e->start == NULL)
                continue;
              s = event_instant (e, FALSE);
              en = event_instant (e, TRUE);
              if (s == NULL || en == NULL || g_date_time_compare (en, time_min) <= 0 ||
                  g_date_time_compare (s, time_max) >= 0)
                {
                  g_clear_pointer (&s, g_date_time_unref);
                  g_clear_pointer (&en, g_date_time_unref);
                  continue;
                }
              g_ptr_array_add (starts, s);
              g_ptr_array_add (ends, en);
            }
          /* sort by start */
          for (guint x = 1; x < starts->len; x++)
            for (guint y = x; y > 0 && g_date_time_compare (starts->pdata[y - 1], starts->pdata[y]) > 0; y--)
              {
                gpointer t = starts->pdata[y];
                starts->pdata[y] = starts->pdata[y - 1];
                starts->pdata[y - 1] = t;
                t = ends->pdata[y];
                ends->pdata[y] = ends->pdata[y - 1];
                ends->pdata[y - 1] = t;
              }
          for (guint x = 0; x < starts->len;)
            {
              GDateTime       *s = starts->pdata[x];
              GDateTime       *en = ends->pdata[x];
              guint            y = x + 1;
              g_autofree char *st = NULL;
              g_autofree char *et = NULL;
              g_autoptr (GDateTime) su = NULL;
              g_autoptr (GDateTime) eu = NULL;

              while (y < starts->len && g_date_time_compare (starts->pdata[y], en) <= 0)
                {
                  if (g_date_time_compare (ends->pdata[y], en) > 0)
                    en = ends->pdata[y];
                  y++;
                }
              su = g_date_time_to_utc (g_date_time_compare (s, time_min) < 0 ? time_min : s);
              eu = g_date_time_to_utc (g_date_time_compare (en, time_max) > 0 ? time_max : en);
              st = g_date_time_format (su, "%Y-%m-%dT%H:%M:%SZ");
              et = g_date_time_format (eu, "%Y-%m-%dT%H:%M:%SZ");
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "start");
              json_builder_add_string_value (b, st);
              json_builder_set_member_name (b, "end");
              json_builder_add_string_value (b, et);
              json_builder_end_object (b);
              x = y;
            }
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  af_sandbox_respond_json (msg, 200, root);
}

static gboolean
check_auth (AfSandbox         *self,
            SoupServerMessage *msg,
            const char *const *scopes)
{
  AfSandboxAuth auth = af_sandbox_authorize_any (self, msg, "google", scopes, NULL);

  if (auth == AF_SANDBOX_AUTH_OK)
    return TRUE;
  af_sandbox_respond_google_auth (msg, auth);
  return FALSE;
}

void
sb_calendar_handle (AfSandbox         *self,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query)
{
  SbCalendar *calendar = af_sandbox_get_calendar (self);
  const char *method = soup_server_message_get_method (msg);
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  guint    n = g_strv_length (parts);
  gboolean primary;

  if (g_str_equal (path, "freeBusy") && g_str_equal (method, "POST"))
    {
      if (af_sandbox_begin (self, msg, "calendar.freebusy.query") && check_auth (self, msg, busy_scopes))
        handle_free_busy (self, calendar, msg);
      return;
    }

  /* calendars/{calendarId}/events[/{eventId}] */
  if (n < 3 || !g_str_equal (parts[0], "calendars") || !g_str_equal (parts[2], "events") || n > 4)
    {
      af_sandbox_respond_google_error (msg, 404, "notFound", "Not Found");
      return;
    }
  primary = g_str_equal (parts[1], "primary") || g_str_equal (parts[1], AF_SANDBOX_ACCOUNT);

  if (n == 3 && g_str_equal (method, "GET"))
    {
      if (af_sandbox_begin (self, msg, "calendar.events.list") && check_auth (self, msg, read_scopes))
        {
          if (primary)
            handle_list (self, calendar, msg, query);
          else
            af_sandbox_respond_google_error (msg, 404, "notFound", "Not Found");
        }
    }
  else if (n == 3 && g_str_equal (method, "POST"))
    {
      if (af_sandbox_begin (self, msg, "calendar.events.insert") && check_auth (self, msg, write_scopes))
        {
          if (primary)
            handle_insert (self, calendar, msg);
          else
            af_sandbox_respond_google_error (msg, 404, "notFound", "Not Found");
        }
    }
  else if (n == 4 && (g_str_equal (method, "PATCH") || g_str_equal (method, "PUT")))
    {
      if (af_sandbox_begin (self, msg, "calendar.events.patch") && check_auth (self, msg, write_scopes))
        handle_patch (self, calendar, msg, parts[3]);
    }
  else if (n == 4 && g_str_equal (method, "DELETE"))
    {
      if (af_sandbox_begin (self, msg, "calendar.events.delete") && check_auth (self, msg, write_scopes))
        handle_delete (self, calendar, msg, parts[3]);
    }
  else if (n == 4 && g_str_equal (method, "GET"))
    {
      if (af_sandbox_begin (self, msg, "calendar.events.get") && check_auth (self, msg, read_scopes))
        {
          SbEvent *e = find_event (calendar, parts[3]);

          if (e == NULL)
            af_sandbox_respond_google_error (msg, 404, "notFound", "Not Found");
          else
            respond_event (msg, e);
        }
    }
  else
    af_sandbox_respond_google_error (msg, 404, "notFound", "Not Found");
}

/* public state access */

guint
af_sandbox_calendar_get_n_events (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbCalendar *calendar;
  guint       n = 0;

  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  calendar = af_sandbox_get_calendar (self);
  for (guint i = 0; i < calendar->events->len; i++)
    if (!g_str_equal (((SbEvent *)calendar->events->pdata[i])->status, "cancelled"))
      n++;
  return n;
}

/**
 * af_sandbox_calendar_add_event:
 *
 * Another client adds an event; the next incremental sync sees it.
 *
 * Returns: (transfer none): its id
 */
const char *
af_sandbox_calendar_add_event (AfSandbox  *self,
                               const char *summary,
                               const char *start_rfc3339,
                               const char *end_rfc3339)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbCalendar *calendar;

  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  calendar = af_sandbox_get_calendar (self);
  sb_calendar_add (calendar, summary, start_rfc3339, end_rfc3339, CALENDAR_ZONE, FALSE, NULL);
  return ((SbEvent *)calendar->events->pdata[calendar->events->len - 1])->id;
}

void
af_sandbox_calendar_cancel_event (AfSandbox  *self,
                                  const char *event_id)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SbCalendar *calendar;
  SbEvent    *e;

  g_return_if_fail (AF_IS_SANDBOX (self));

  calendar = af_sandbox_get_calendar (self);
  if ((e = find_event (calendar, event_id)) != NULL)
    {
      g_free (e->status);
      e->status = g_strdup ("cancelled");
      e->sequence = ++calendar->seq;
    }
}

/* Used by the seed: a weekly master with its expanded instances. */
void
sb_calendar_add_weekly (SbCalendar *calendar,
                        const char *summary,
                        const char *first_start,
                        guint       minutes,
                        guint       count)
{
  g_autoptr (GDateTime) start = g_date_time_new_from_iso8601 (first_start, NULL);
  g_autoptr (GDateTime) end = g_date_time_add_minutes (start, minutes);
  g_autofree char *s = g_date_time_format (start, "%Y-%m-%dT%H:%M:%S%:z");
  g_autofree char *e = g_date_time_format (end, "%Y-%m-%dT%H:%M:%S%:z");
  SbEvent         *master = new_event (calendar);

  master->summary = g_strdup (summary);
  master->start = g_strdup (s);
  master->end = g_strdup (e);
  master->time_zone = g_strdup (CALENDAR_ZONE);
  master->recurring = TRUE;

  for (guint i = 0; i < count; i++)
    {
      g_autoptr (GDateTime) is = g_date_time_add_weeks (start, i);
      g_autoptr (GDateTime) ie = g_date_time_add_minutes (is, minutes);
      g_autofree char *ist = g_date_time_format (is, "%Y-%m-%dT%H:%M:%S%:z");
      g_autofree char *iet = g_date_time_format (ie, "%Y-%m-%dT%H:%M:%S%:z");
      g_autoptr (GDateTime) utc = g_date_time_to_utc (is);
      g_autofree char *suffix = g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
      SbEvent         *instance = new_event (calendar);

      g_free (instance->id);
      instance->id = g_strdup_printf ("%s_%s", master->id, suffix);
      instance->summary = g_strdup (summary);
      instance->start = g_strdup (ist);
      instance->end = g_strdup (iet);
      instance->time_zone = g_strdup (CALENDAR_ZONE);
      instance->recurring_event_id = g_strdup (master->id);
    }
}
