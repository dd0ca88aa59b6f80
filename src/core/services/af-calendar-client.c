/* af-calendar-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-calendar-client"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-calendar-client.h"
#include "af-calendar-client-private.h"
#include "af-error.h"
#include "af-json-private.h"

struct _AfCalendarClient
{
  GObject parent_instance;

  AfHttpClient  *http;
  AfTokenSource *tokens;
  char          *base_url;
};

G_DEFINE_FINAL_TYPE (AfCalendarClient, af_calendar_client, G_TYPE_OBJECT)

AfCalendarEvent *
af_calendar_event_new (void)
{
  return g_new0 (AfCalendarEvent, 1);
}

void
af_calendar_event_free (AfCalendarEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->id);
  g_free (event->status);
  g_free (event->summary);
  g_free (event->description);
  g_free (event->location);
  g_clear_pointer (&event->start, g_date_time_unref);
  g_clear_pointer (&event->end, g_date_time_unref);
  g_free (event->start_date);
  g_free (event->end_date);
  g_free (event->time_zone);
  g_free (event->organizer);
  g_free (event->recurring_event_id);
  g_free (event->html_link);
  g_free (event->updated);
  g_free (event);
}

void
af_calendar_sync_result_free (AfCalendarSyncResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->events, g_ptr_array_unref);
  g_free (result->next_sync_token);
  g_free (result);
}

void
af_calendar_busy_free (AfCalendarBusy *busy)
{
  if (busy == NULL)
    return;

  g_free (busy->calendar_id);
  g_clear_pointer (&busy->start, g_date_time_unref);
  g_clear_pointer (&busy->end, g_date_time_unref);
  g_free (busy);
}

static const char *
str (JsonObject *object,
     const char *member)
{
  return af_json_get_string (object, member, NULL);
}

static char *
rfc3339 (GDateTime *dt)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (dt);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* {"dateTime": "...", "timeZone": "..."} or {"date": "YYYY-MM-DD"} */
static void
read_when (JsonObject *when,
           GDateTime **dt,
           char      **date,
           char      **zone)
{
  const char *date_time = str (when, "dateTime");
  const char *tz = str (when, "timeZone");

  if (date_time != NULL)
    {
      g_autoptr (GDateTime) parsed = g_date_time_new_from_iso8601 (date_time, NULL);

      if (parsed != NULL && tz != NULL)
        {
          g_autoptr (GTimeZone) z = g_time_zone_new_identifier (tz);

          *dt = z != NULL ? g_date_time_to_timezone (parsed, z) : g_date_time_ref (parsed);
        }
      else if (parsed != NULL)
        *dt = g_date_time_ref (parsed);
    }
  if (str (when, "date") != NULL)
    *date = g_strdup (str (when, "date"));
  if (tz != NULL && *zone == NULL)
    *zone = g_strdup (tz);
}

/**
 * af_calendar_event_from_json:
 * @object: a Calendar "Event" resource
 *
 * Returns: (transfer full): the event; a cancelled event may carry only
 *   its id and status
 */
AfCalendarEvent *
af_calendar_event_from_json (JsonObject *object)
{
  AfCalendarEvent *event;

  g_return_val_if_fail (object != NULL, NULL);

  event = af_calendar_event_new ();

  event->id = g_strdup (str (object, "id"));
  event->status = g_strdup (str (object, "status") ? str (object, "status") : "confirmed");
  event->summary = g_strdup (str (object, "summary"));
  event->description = g_strdup (str (object, "description"));
  event->location = g_strdup (str (object, "location"));
  event->recurring_event_id = g_strdup (str (object, "recurringEventId"));
  event->updated = g_strdup (str (object, "updated"));
  /* "htmlLink: An absolute link to this event in the Google Calendar Web
   * UI" (https://developers.google.com/calendar/api/v3/reference/events). */
  event->html_link = g_strdup (str (object, "htmlLink"));
  event->organizer = g_strdup (str (af_json_get_object (object, "organizer"), "email"));

  read_when (af_json_get_object (object, "start"), &event->start, &event->start_date, &event->time_zone);
  read_when (af_json_get_object (object, "end"), &event->end, &event->end_date, &event->time_zone);
  event->all_day = event->start_date != NULL;

  return event;
}

static JsonObject *
when_json (GDateTime  *dt,
           const char *date,
           const char *zone)
{
  JsonObject *when = json_object_new ();

  if (date != NULL)
    json_object_set_string_member (when, "date", date);
  else if (dt != NULL)
    {
      g_autofree char *text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");

      json_object_set_string_member (when, "dateTime", text);
      if (zone != NULL)
        json_object_set_string_member (when, "timeZone", zone);
    }

  return when;
}

/**
 * af_calendar_event_to_json:
 *
 * Returns: (transfer full): the event as an insert body
 */
JsonNode *
af_calendar_event_to_json (const AfCalendarEvent *event)
{
  JsonObject *o = json_object_new ();
  JsonNode   *node;

  g_return_val_if_fail (event != NULL, NULL);

  /* A client-chosen id (base32hex) makes a repeated insert a 409. */
  if (event->id != NULL)
    json_object_set_string_member (o, "id", event->id);
  if (event->summary != NULL)
    json_object_set_string_member (o, "summary", event->summary);
  if (event->description != NULL)
    json_object_set_string_member (o, "description", event->description);
  if (event->location != NULL)
    json_object_set_string_member (o, "location", event->location);
  json_object_set_object_member (o, "start", when_json (event->start, event->all_day ? event->start_date : NULL, event->time_zone));
  json_object_set_object_member (o, "end", when_json (event->end, event->all_day ? event->end_date : NULL, event->time_zone));

  node = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  return node;
}

static char *
calendar_url (AfCalendarClient *self,
              const char       *calendar_id,
              const char       *tail)
{
  g_autofree char *escaped = g_uri_escape_string (calendar_id ? calendar_id : "primary", NULL, FALSE);

  return g_strconcat (self->base_url, "/calendars/", escaped, "/events", tail ? tail : "", NULL);
}

/* One event's URL: …/events/EVENT_ID. */
static char *
event_url (AfCalendarClient *self,
           const char       *calendar_id,
           const char       *event_id)
{
  g_autofree char *escaped = g_uri_escape_string (event_id, NULL, FALSE);
  g_autofree char *tail = g_strconcat ("/", escaped, NULL);

  return calendar_url (self, calendar_id, tail);
}

GPtrArray *
af_calendar_parse_items (JsonObject *o)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify)af_calendar_event_free);
  JsonArray *items = af_json_get_array (o, "items");

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      /* Callers walk every event: an item that is not an object is none. */
      if (JSON_NODE_HOLDS_OBJECT (item))
        g_ptr_array_add (events, af_calendar_event_from_json (json_node_get_object (item)));
    }

  return events;
}

static GError *
bad_response (const char *label)
{
  return g_error_new (AF_ERROR, AF_ERROR_BAD_RESPONSE,
                      _ ("Google Calendar sent an unexpected answer to “%s”. Try again later."), label);
}

/* events.list: sync and agenda share the paging */

typedef struct
{
  char                 *calendar_id;
  char                 *sync_token;
  GDateTime            *time_min;
  GDateTime            *time_max;
  gboolean              agenda;
  AfCalendarSyncResult *result;
} ListOp;

static void
list_op_free (gpointer data)
{
  ListOp *op = data;

  g_free (op->calendar_id);
  g_free (op->sync_token);
  g_clear_pointer (&op->time_min, g_date_time_unref);
  g_clear_pointer (&op->time_max, g_date_time_unref);
  g_clear_pointer (&op->result, af_calendar_sync_result_free);
  g_free (op);
}

static void list_page (GTask      *task,
                       const char *page_token);

static void
on_list_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ListOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = af_http_client_json_finish (AF_HTTP_CLIENT (object), result, &error);
  JsonObject *o;
  const char *next;

  if (root == NULL)
    {
      /* 410 Gone: the sync token expired; start over, bounded in time. */
      if (g_error_matches (error, AF_ERROR, AF_ERROR_GONE) && op->sync_token != NULL)
        {
          g_clear_pointer (&op->sync_token, g_free);
          g_ptr_array_set_size (op->result->events, 0);
          op->result->full_resync = TRUE;
          list_page (g_steal_pointer (&task), NULL);
        }
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_error (task, bad_response (_ ("Read calendar events")));
      return;
    }

  o = json_node_get_object (root);
  g_ptr_array_extend_and_steal (op->result->events, af_calendar_parse_items (o));

  next = str (o, "nextPageToken");
  if (next != NULL)
    {
      list_page (g_steal_pointer (&task), next);
      return;
    }

  g_free (op->result->next_sync_token);
  op->result->next_sync_token = g_strdup (str (o, "nextSyncToken"));
  if (op->agenda)
    g_task_return_pointer (task, g_ptr_array_ref (op->result->events), (GDestroyNotify)g_ptr_array_unref);
  else
    g_task_return_pointer (task, g_steal_pointer (&op->result), (GDestroyNotify)af_calendar_sync_result_free);
}

static void
list_page (GTask      *task,
           const char *page_token)
{
  AfCalendarClient *self = g_task_get_source_object (task);
  ListOp           *op = g_task_get_task_data (task);
  GString          *query = g_string_new ("?maxResults=250");
  g_autofree char  *url = NULL;

  if (op->agenda)
    g_string_append (query, "&singleEvents=true&orderBy=startTime");
  else
    g_string_append (query, "&showDeleted=true");

  if (op->sync_token != NULL)
    {
      /* With a syncToken, timeMin/timeMax are not allowed (400). */
      g_autofree char *t = g_uri_escape_string (op->sync_token, NULL, FALSE);
      g_string_append_printf (query, "&syncToken=%s", t);
    }
  else
    {
      if (op->time_min != NULL)
        {
          g_autofree char *t = rfc3339 (op->time_min);
          g_string_append_printf (query, "&timeMin=%s", t);
        }
      if (op->time_max != NULL)
        {
          g_autofree char *t = rfc3339 (op->time_max);
          g_string_append_printf (query, "&timeMax=%s", t);
        }
    }
  if (page_token != NULL)
    {
      g_autofree char *t = g_uri_escape_string (page_token, NULL, FALSE);
      g_string_append_printf (query, "&pageToken=%s", t);
    }

  url = calendar_url (self, op->calendar_id, query->str);
  g_string_free (query, TRUE);
  af_http_client_json_async (self->http, af_service_method_lookup ("calendar.events.list"), self->tokens,
                             "GET", url, NULL, g_task_get_cancellable (task), on_list_cb, task);
}

static void
start_list (AfCalendarClient   *self,
            const char         *calendar_id,
            const char         *sync_token,
            GDateTime          *time_min,
            GDateTime          *time_max,
            gboolean            agenda,
            gpointer            source_tag,
            GCancellable       *cancellable,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  GTask  *task = g_task_new (self, cancellable, callback, user_data);
  ListOp *op = g_new0 (ListOp, 1);

  g_task_set_source_tag (task, source_tag);
  op->calendar_id = g_strdup (calendar_id ? calendar_id : "primary");
  op->sync_token = sync_token && *sync_token ? g_strdup (sync_token) : NULL;
  op->time_min = time_min ? g_date_time_ref (time_min) : NULL;
  op->time_max = time_max ? g_date_time_ref (time_max) : NULL;
  op->agenda = agenda;
  op->result = g_new0 (AfCalendarSyncResult, 1);
  op->result->events = g_ptr_array_new_with_free_func ((GDestroyNotify)af_calendar_event_free);
  op->result->full_resync = op->sync_token == NULL;
  g_task_set_task_data (task, op, list_op_free);

  list_page (task, NULL);
}

void
af_calendar_client_sync_async (AfCalendarClient   *self,
                               const char         *calendar_id,
                               const char         *sync_token,
                               GDateTime          *time_min,
                               GDateTime          *time_max,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_return_if_fail (AF_IS_CALENDAR_CLIENT (self));

  start_list (self, calendar_id, sync_token, time_min, time_max, FALSE,
              af_calendar_client_sync_async, cancellable, callback, user_data);
}

/**
 * af_calendar_client_sync_finish:
 *
 * Returns: (transfer full): the changes and the next sync token
 */
AfCalendarSyncResult *
af_calendar_client_sync_finish (AfCalendarClient *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_calendar_client_sync_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
af_calendar_client_list_events_async (AfCalendarClient   *self,
                                      const char         *calendar_id,
                                      GDateTime          *time_min,
                                      GDateTime          *time_max,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  g_return_if_fail (AF_IS_CALENDAR_CLIENT (self));

  start_list (self, calendar_id, NULL, time_min, time_max, TRUE,
              af_calendar_client_list_events_async, cancellable, callback, user_data);
}

/**
 * af_calendar_client_list_events_finish:
 *
 * Returns: (transfer full) (element-type AfCalendarEvent): the agenda,
 *   recurring events expanded, by start time
 */
GPtrArray *
af_calendar_client_list_events_finish (AfCalendarClient *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_calendar_client_list_events_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* insert, patch, delete */

static void
on_event_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = af_http_client_json_finish (AF_HTTP_CLIENT (object), result, &error);

  if (root == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!JSON_NODE_HOLDS_OBJECT (root) || str (json_node_get_object (root), "id") == NULL)
    g_task_return_error (task, bad_response (_ ("Change a calendar event")));
  else
    g_task_return_pointer (task, af_calendar_event_from_json (json_node_get_object (root)),
                           (GDestroyNotify)af_calendar_event_free);
}

static AfCalendarEvent *
event_copy_basic (const AfCalendarEvent *event)
{
  AfCalendarEvent *copy = af_calendar_event_new ();

  copy->id = g_strdup (event->id);
  copy->summary = g_strdup (event->summary);
  copy->start = event->start ? g_date_time_ref (event->start) : NULL;
  copy->end = event->end ? g_date_time_ref (event->end) : NULL;
  copy->all_day = event->all_day;
  copy->start_date = g_strdup (event->start_date);
  copy->end_date = g_strdup (event->end_date);
  copy->time_zone = g_strdup (event->time_zone);
  copy->organizer = g_strdup (event->organizer);
  return copy;
}

static void
on_insert_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfCalendarEvent *requested = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = af_http_client_json_finish (AF_HTTP_CLIENT (object), result, &error);

  /* With our own id, 409 "duplicate" means an earlier attempt (whose
   * answer was lost) created it: the same event, done. */
  if (root == NULL && requested->id != NULL && g_error_matches (error, AF_ERROR, AF_ERROR_CONFLICT))
    g_task_return_pointer (task, event_copy_basic (requested), (GDestroyNotify)af_calendar_event_free);
  else if (root == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!JSON_NODE_HOLDS_OBJECT (root) || str (json_node_get_object (root), "id") == NULL)
    g_task_return_error (task, bad_response (_ ("Create a calendar event")));
  else
    g_task_return_pointer (task, af_calendar_event_from_json (json_node_get_object (root)),
                           (GDestroyNotify)af_calendar_event_free);
}

/**
 * af_calendar_event_id_for_key:
 * @key: an idempotency key
 *
 * An event id Calendar accepts on insert (base32hex: 0-9 and a-v, 5 to
 * 1024 characters), the same for the same key.
 *
 * Returns: (transfer full): the id
 */
char *
af_calendar_event_id_for_key (const char *key)
{
  g_autofree char *digest = NULL;

  g_return_val_if_fail (key != NULL, NULL);

  /* Hex digits are a subset of base32hex. */
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  return g_strconcat ("af", digest, NULL);
}

void
af_calendar_client_insert_event_async (AfCalendarClient      *self,
                                       const char            *calendar_id,
                                       const AfCalendarEvent *event,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  GTask           *task;
  g_autofree char *url = NULL;
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (AF_IS_CALENDAR_CLIENT (self));
  g_return_if_fail (event != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_calendar_client_insert_event_async);
  g_task_set_task_data (task, event_copy_basic (event), (GDestroyNotify)af_calendar_event_free);
  body = af_calendar_event_to_json (event);
  url = calendar_url (self, calendar_id, NULL);
  af_http_client_json_async (self->http, af_service_method_lookup ("calendar.events.insert"), self->tokens,
                             "POST", url, body, cancellable, on_insert_cb, task);
}

void
af_calendar_client_get_event_async (AfCalendarClient   *self,
                                    const char         *calendar_id,
                                    const char         *event_id,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  GTask           *task;
  g_autofree char *url = NULL;

  g_return_if_fail (AF_IS_CALENDAR_CLIENT (self));
  g_return_if_fail (event_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_calendar_client_get_event_async);
  url = event_url (self, calendar_id, event_id);
  af_http_client_json_async (self->http, af_service_method_lookup ("calendar.events.get"), self->tokens, "GET",
                             url, NULL, cancellable, on_event_cb, task);
}

/**
 * af_calendar_client_get_event_finish:
 *
 * Returns: (transfer full): the event (a deleted one has status
 *   "cancelled"); %AF_ERROR_NOT_FOUND when there is none with that id
 */
AfCalendarEvent *
af_calendar_client_get_event_finish (AfCalendarClient *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_calendar_client_get_event_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * af_calendar_client_insert_event_finish:
 *
 * Returns: (transfer full): the created event, with its id
 */
AfCalendarEvent *
af_calendar_client_insert_event_finish (AfCalendarClient *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_calendar_client_insert_event_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
af_calendar_client_patch_event_async (AfCalendarClient   *self,
                                      const char         *calendar_id,
                                      const char         *event_id,
                                      JsonObject         *patch,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  GTask           *task;
  g_autofree char *url = NULL;
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (AF_IS_CALENDAR_CLIENT (self));
  g_return_if_fail (event_id != NULL && patch != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_calendar_client_patch_event_async);
  url = event_url (self, calendar_id, event_id);
  body = json_node_init_object (json_node_alloc (), patch);
  af_http_client_json_async (self->http, af_service_method_lookup ("calendar.events.patch"), self->tokens,
                             "PATCH", url, body, cancellable, on_event_cb, task);
}

AfCalendarEvent *
af_calendar_client_patch_event_finish (AfCalendarClient *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_calendar_client_patch_event_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_delete_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfHttpResponse) response = af_http_client_request_finish (AF_HTTP_CLIENT (object), result, &error);

  /* Deleting twice (a retry after a lost answer) finds it gone: done. */
  if (response != NULL || g_error_matches (error, AF_ERROR, AF_ERROR_GONE) ||
      g_error_matches (error, AF_ERROR, AF_ERROR_NOT_FOUND))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
af_calendar_client_delete_event_async (AfCalendarClient   *self,
                                       const char         *calendar_id,
                                       const char         *event_id,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  GTask           *task;
  g_autofree char *url = NULL;

  g_return_if_fail (AF_IS_CALENDAR_CLIENT (self));
  g_return_if_fail (event_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_calendar_client_delete_event_async);
  url = event_url (self, calendar_id, event_id);
  af_http_client_request_async (self->http, af_service_method_lookup ("calendar.events.delete"), self->tokens,
                                "DELETE", url, NULL, NULL, cancellable, on_delete_cb, task);
}

gboolean
af_calendar_client_delete_event_finish (AfCalendarClient *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_calendar_client_delete_event_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* freeBusy.query */

/**
 * af_calendar_parse_free_busy:
 *
 * Returns: (transfer full) (element-type AfCalendarBusy): the busy
 *   intervals of a freeBusy.query answer, or %NULL and @error
 */
GPtrArray *
af_calendar_parse_free_busy (JsonNode *root,
                             GError  **error)
{
  g_autoptr (GPtrArray) busy = NULL;
  JsonObject *calendars;
  g_autoptr (GList) ids = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root) || (calendars = af_json_get_object (json_node_get_object (root), "calendars")) == NULL)
    {
      g_propagate_error (error, bad_response (_ ("Check free/busy times")));
      return NULL;
    }

  busy = g_ptr_array_new_with_free_func ((GDestroyNotify)af_calendar_busy_free);
  ids = json_object_get_members (calendars);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonArray *intervals = af_json_get_array (af_json_get_object (calendars, l->data), "busy");

      for (guint i = 0; intervals != NULL && i < json_array_get_length (intervals); i++)
        {
          JsonObject     *interval = af_json_array_get_object (intervals, i);
          const char     *start = str (interval, "start");
          const char     *end = str (interval, "end");
          AfCalendarBusy *b;

          if (start == NULL || end == NULL)
            continue;
          b = g_new0 (AfCalendarBusy, 1);
          b->calendar_id = g_strdup (l->data);
          b->start = g_date_time_new_from_iso8601 (start, NULL);
          b->end = g_date_time_new_from_iso8601 (end, NULL);
          if (b->start == NULL || b->end == NULL)
            af_calendar_busy_free (b);
          else
            g_ptr_array_add (busy, b);
        }
    }

  return g_steal_pointer (&busy);
}

static void
on_free_busy_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = af_http_client_json_finish (AF_HTTP_CLIENT (object), result, &error);
  GPtrArray *busy;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  busy = af_calendar_parse_free_busy (root, &error);
  if (busy == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, busy, (GDestroyNotify)g_ptr_array_unref);
}

void
af_calendar_client_free_busy_async (AfCalendarClient   *self,
                                    const char *const  *calendar_ids,
                                    GDateTime          *time_min,
                                    GDateTime          *time_max,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  GTask           *task;
  JsonObject      *o;
  JsonArray       *items;
  g_autofree char *min = NULL;
  g_autofree char *max = NULL;
  g_autofree char *url = NULL;
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (AF_IS_CALENDAR_CLIENT (self));
  g_return_if_fail (calendar_ids != NULL && time_min != NULL && time_max != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_calendar_client_free_busy_async);

  min = rfc3339 (time_min);
  max = rfc3339 (time_max);
  o = json_object_new ();
  json_object_set_string_member (o, "timeMin", min);
  json_object_set_string_member (o, "timeMax", max);
  items = json_array_new ();
  for (guint i = 0; calendar_ids[i] != NULL; i++)
    {
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", calendar_ids[i]);
      json_array_add_object_element (items, item);
    }
  json_object_set_array_member (o, "items", items);
  body = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);

  url = g_strconcat (self->base_url, "/freeBusy", NULL);
  af_http_client_json_async (self->http, af_service_method_lookup ("calendar.freebusy.query"), self->tokens,
                             "POST", url, body, cancellable, on_free_busy_cb, task);
}

/**
 * af_calendar_client_free_busy_finish:
 *
 * Returns: (transfer full) (element-type AfCalendarBusy): busy intervals
 */
GPtrArray *
af_calendar_client_free_busy_finish (AfCalendarClient *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_calendar_client_free_busy_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
af_calendar_client_finalize (GObject *object)
{
  AfCalendarClient *self = (AfCalendarClient *)object;

  g_clear_object (&self->http);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (af_calendar_client_parent_class)->finalize (object);
}

static void
af_calendar_client_class_init (AfCalendarClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_calendar_client_finalize;
}

static void
af_calendar_client_init (AfCalendarClient *self)
{
}

/**
 * af_calendar_client_new:
 * @base_url: (nullable): %NULL for https://www.googleapis.com/calendar/v3
 */
AfCalendarClient *
af_calendar_client_new (AfHttpClient  *http,
                        AfTokenSource *tokens,
                        const char    *base_url)
{
  AfCalendarClient *self;

  g_return_val_if_fail (AF_IS_HTTP_CLIENT (http), NULL);
  g_return_val_if_fail (AF_IS_TOKEN_SOURCE (tokens), NULL);

  self = g_object_new (AF_TYPE_CALENDAR_CLIENT, NULL);
  self->http = g_object_ref (http);
  self->tokens = g_object_ref (tokens);
  self->base_url = g_strdup (base_url ? base_url : AF_CALENDAR_DEFAULT_BASE_URL);
  if (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  return self;
}
