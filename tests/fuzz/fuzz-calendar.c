/* fuzz-calendar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Google Calendar answers: an Event resource (events.get/insert/patch;
 * invites are written by anyone), an events.list page and a
 * freeBusy.query answer.
 */

#include "config.h"

#include "af-calendar-client.h"
#include "af-calendar-client-private.h"
#include "af-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;

  af_fuzz_init ();

  root = af_fuzz_parse_json (data, size);
  if (root == NULL)
    return 0;

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) busy = af_calendar_parse_free_busy (root, &error);

    g_assert ((busy == NULL) == (error != NULL));
    for (guint i = 0; busy != NULL && i < busy->len; i++)
      {
        AfCalendarBusy *b = busy->pdata[i];

        g_assert (b != NULL && b->start != NULL && b->end != NULL);
      }
  }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  object = json_node_get_object (root);

  {
    g_autoptr (AfCalendarEvent) event = af_calendar_event_from_json (object);
    g_autoptr (JsonNode) back = NULL;

    g_assert (event != NULL);
    /* Invites are written by anyone; the window shows them. */
    g_assert (event->summary == NULL || g_utf8_validate (event->summary, -1, NULL));
    g_assert (event->description == NULL || g_utf8_validate (event->description, -1, NULL));
    g_assert (event->location == NULL || g_utf8_validate (event->location, -1, NULL));
    /* An event read may be written back (patch, copy to another day). */
    back = af_calendar_event_to_json (event);
    g_assert (back != NULL);
  }

  {
    g_autoptr (GPtrArray) events = af_calendar_parse_items (object);

    /* The engine reads every event of a page: none may be missing. */
    for (guint i = 0; i < events->len; i++)
      {
        AfCalendarEvent *event = events->pdata[i];
        g_autoptr (JsonNode) back = NULL;

        g_assert (event != NULL);
        back = af_calendar_event_to_json (event);
      }
  }

  return 0;
}
