/* fuzz-http-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Error answers of Google, Slack and model servers ({"error": "…"} or
 * {"error": {"message": …}}): their reason goes into a sentence the user
 * reads. Input: two bytes of HTTP status, then the body.
 */

#include "config.h"

#include "af-fuzz.h"
#include "af-http-client-private.h"
#include "af-service-method.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *const methods[] = { "gmail.users.messages.send", "slack.chat.postMessage", "calendar.events.insert", "llm.chat.completions" };
  g_autoptr (GBytes) body = NULL;
  guint status;

  af_fuzz_init ();

  if (size < 2)
    return 0;
  status = 400 + (((guint)data[0] << 8 | data[1]) % 200);
  body = g_bytes_new (data + 2, size - 2);

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      const AfServiceMethod *method = af_service_method_lookup (methods[i]);
      g_autoptr (GError) error = NULL;

      if (method == NULL)
        continue;
      error = af_http_client_error_for_status (method, status, body);
      g_assert (error != NULL && g_utf8_validate (error->message, -1, NULL));
    }

  return 0;
}
