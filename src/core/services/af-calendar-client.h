/* af-calendar-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-http-client.h"

G_BEGIN_DECLS

#define AF_CALENDAR_DEFAULT_BASE_URL "https://www.googleapis.com/calendar/v3"

#define AF_TYPE_CALENDAR_CLIENT (af_calendar_client_get_type ())

G_DECLARE_FINAL_TYPE (AfCalendarClient, af_calendar_client, AF, CALENDAR_CLIENT, GObject)

/**
 * AfCalendarEvent:
 * @status: "confirmed", "tentative" or "cancelled"
 * @start: (nullable): for timed events; in the event's zone
 * @start_date: (nullable): "YYYY-MM-DD" for all-day events (end exclusive)
 * @time_zone: (nullable): the IANA zone of start/end, if the event has one
 */
typedef struct
{
  char      *id;
  char      *status;
  char      *summary;
  char      *description;
  char      *location;
  GDateTime *start;
  GDateTime *end;
  gboolean   all_day;
  char      *start_date;
  char      *end_date;
  char      *time_zone;
  char      *recurring_event_id;
  char      *updated;
  char      *html_link; /* the event's page in Google Calendar */
  char      *organizer; /* (nullable): the organizer's e-mail address */
} AfCalendarEvent;

/**
 * AfCalendarSyncResult:
 * @events: (element-type AfCalendarEvent): changed events, cancelled ones
 *   included (status "cancelled") so the caller can delete them
 * @next_sync_token: store it for the next sync
 * @full_resync: %TRUE when there was no token or it had expired (410)
 */
typedef struct
{
  GPtrArray *events;
  char      *next_sync_token;
  gboolean   full_resync;
} AfCalendarSyncResult;

typedef struct
{
  char      *calendar_id;
  GDateTime *start;
  GDateTime *end;
} AfCalendarBusy;

AfCalendarEvent *af_calendar_event_new (void);
void             af_calendar_event_free (AfCalendarEvent *event);
void             af_calendar_sync_result_free (AfCalendarSyncResult *result);
void             af_calendar_busy_free (AfCalendarBusy *busy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfCalendarEvent, af_calendar_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfCalendarSyncResult, af_calendar_sync_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfCalendarBusy, af_calendar_busy_free)

AfCalendarEvent *af_calendar_event_from_json (JsonObject *object);
char            *af_calendar_event_id_for_key (const char *key);
JsonNode        *af_calendar_event_to_json (const AfCalendarEvent *event);

AfCalendarClient *af_calendar_client_new (AfHttpClient  *http,
                                          AfTokenSource *tokens,
                                          const char    *base_url);

/* events.list with @sync_token (nullable); @time_min/@time_max bound only a
 * full sync (no token, or 410 Gone). Follows every page. */
void                  af_calendar_client_sync_async (AfCalendarClient   *self,
                                                     const char         *calendar_id,
                                                     const char         *sync_token,
                                                     GDateTime          *time_min,
                                                     GDateTime          *time_max,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
AfCalendarSyncResult *af_calendar_client_sync_finish (AfCalendarClient *self,
                                                      GAsyncResult     *result,
                                                      GError          **error);

/* An agenda: events.list with singleEvents=true&orderBy=startTime.
 * → (element-type AfCalendarEvent) */
void       af_calendar_client_list_events_async (AfCalendarClient   *self,
                                                 const char         *calendar_id,
                                                 GDateTime          *time_min,
                                                 GDateTime          *time_max,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
GPtrArray *af_calendar_client_list_events_finish (AfCalendarClient *self,
                                                  GAsyncResult     *result,
                                                  GError          **error);

void             af_calendar_client_insert_event_async (AfCalendarClient      *self,
                                                        const char            *calendar_id,
                                                        const AfCalendarEvent *event,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
AfCalendarEvent *af_calendar_client_insert_event_finish (AfCalendarClient *self,
                                                         GAsyncResult     *result,
                                                         GError          **error);

/* events.get. */
void             af_calendar_client_get_event_async (AfCalendarClient   *self,
                                                     const char         *calendar_id,
                                                     const char         *event_id,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
AfCalendarEvent *af_calendar_client_get_event_finish (AfCalendarClient *self,
                                                      GAsyncResult     *result,
                                                      GError          **error);

/* @patch: a JSON object with only the fields to change. */
void             af_calendar_client_patch_event_async (AfCalendarClient   *self,
                                                       const char         *calendar_id,
                                                       const char         *event_id,
                                                       JsonObject         *patch,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
AfCalendarEvent *af_calendar_client_patch_event_finish (AfCalendarClient *self,
                                                        GAsyncResult     *result,
                                                        GError          **error);

/* An event already gone (404/410) counts as deleted. */
void     af_calendar_client_delete_event_async (AfCalendarClient   *self,
                                                const char         *calendar_id,
                                                const char         *event_id,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean af_calendar_client_delete_event_finish (AfCalendarClient *self,
                                                 GAsyncResult     *result,
                                                 GError          **error);

/* freeBusy.query → (element-type AfCalendarBusy) busy intervals. */
void       af_calendar_client_free_busy_async (AfCalendarClient   *self,
                                               const char *const  *calendar_ids,
                                               GDateTime          *time_min,
                                               GDateTime          *time_max,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
GPtrArray *af_calendar_client_free_busy_finish (AfCalendarClient *self,
                                                GAsyncResult     *result,
                                                GError          **error);

G_END_DECLS
