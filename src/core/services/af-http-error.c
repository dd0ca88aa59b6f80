/* af-http-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a failed request tells the person: the error for an answer's
 * status (with the reason its body gives) or for a network failure, and
 * the service's name as they know it.
 */

#define G_LOG_DOMAIN "af-http-client"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-error.h"
#include "af-http-client-private.h"
#include "af-json-private.h"

const char *
af_http_service_display_name (const char *service)
{
  if (g_strcmp0 (service, "gmail") == 0)
    return _ ("Gmail");
  if (g_strcmp0 (service, "calendar") == 0)
    return _ ("Google Calendar");
  if (g_strcmp0 (service, "slack") == 0)
    return _ ("Slack");
  if (g_strcmp0 (service, "llm") == 0)
    return _ ("the AI model");
  return service;
}

/* Google answers {"error": {"message": …}}, OpenAI the same, Slack
 * {"error": "code"}: a short reason for the error message. */
static char *
extract_reason (GBytes *body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode   *root;
  JsonObject *object;
  JsonNode   *error;
  gsize       size = 0;
  const char *data;

  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  if (size == 0 || size > 65536 || !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;

  /* NULL for a body of spaces. */
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  object = json_node_get_object (root);
  if ((error = json_object_get_member (object, "error")) == NULL)
    return NULL;

  /* json-glib lets "\ud800" through as invalid UTF-8; the reason ends up
   * in a sentence on screen. */
  if (JSON_NODE_HOLDS_VALUE (error) && json_node_get_value_type (error) == G_TYPE_STRING)
    return g_utf8_make_valid (json_node_get_string (error), -1);

  if (JSON_NODE_HOLDS_OBJECT (error))
    {
      JsonObject *e = json_node_get_object (error);
      const char *message = af_json_get_string (e, "message", NULL);

      if (message != NULL)
        return g_utf8_make_valid (message, -1);
    }

  return NULL;
}

GError *
af_http_client_error_for_status (const AfServiceMethod *method,
                                 guint                  status,
                                 GBytes                *body)
{
  g_autofree char *reason = extract_reason (body);
  const char      *name = af_http_service_display_name (method->service);
  g_autofree char *detail = NULL;
  AfError          code;
  const char      *advice;

  detail = reason != NULL ? g_strdup_printf ("HTTP %u: %s", status, reason) : g_strdup_printf ("HTTP %u", status);

  switch (status)
    {
    case 400:
      code = AF_ERROR_INVALID_ARGUMENT;
      advice = _ ("The request was not accepted; check the agent’s settings.");
      break;
    case 401:
      code = AF_ERROR_NEEDS_RECONNECT;
      advice = _ ("Reconnect the account in Preferences.");
      break;
    case 403:
      code = AF_ERROR_PERMISSION_DENIED;
      advice = _ ("Reconnect the account and grant the requested access.");
      break;
    case 404:
      code = AF_ERROR_NOT_FOUND;
      advice = _ ("It may have been deleted.");
      break;
    case 409:
      code = AF_ERROR_CONFLICT;
      advice = _ ("It exists already.");
      break;
    case 410:
      code = AF_ERROR_GONE;
      advice = _ ("It will be synchronized again from the start.");
      break;
    case 413:
      code = AF_ERROR_TOO_LARGE;
      advice = _ ("Try with less data.");
      break;
    case 429:
      code = AF_ERROR_RATE_LIMITED;
      advice = _ ("The service limits how often it can be used; try again in a few minutes.");
      break;
    default:
      if (status >= 500)
        {
          code = AF_ERROR_SERVICE_UNAVAILABLE;
          advice = _ ("The service has a problem; try again later.");
        }
      else
        {
          code = AF_ERROR_FAILED;
          advice = _ ("Try again later.");
        }
      break;
    }

  /* Translators: "“Send an email” failed on Gmail (HTTP 503: …). Try again later." */
  return g_error_new (AF_ERROR, code, _ ("“%s” failed on %s (%s). %s"),
                      _ (method->label), name, detail, advice);
}

GError *
af_http_error_for_io (const AfServiceMethod *method,
                      const GError          *io_error,
                      gboolean               timed_out)
{
  const char *name = af_http_service_display_name (method->service);

  if (timed_out)
    return g_error_new (AF_ERROR, AF_ERROR_TIMED_OUT,
                        _ ("“%s” on %s took too long. Check the network or try again later."),
                        _ (method->label), name);

  return g_error_new (AF_ERROR, AF_ERROR_NETWORK,
                      _ ("“%s” could not reach %s (%s). Check the network connection."),
                      _ (method->label), name, io_error->message);
}
