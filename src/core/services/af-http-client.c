/* af-http-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-http-client"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-backoff.h"
#include "af-source.h"
#include "af-error.h"
#include "af-http-client.h"
#include "af-http-client-private.h"
#include "af-http-exchange-private.h"
#include "af-json-private.h"

#define DEFAULT_MAX_CONCURRENT  4
#define DEFAULT_MAX_RESPONSE    (32 * 1024 * 1024)
#define DEFAULT_MAX_ATTEMPTS    4
#define DEFAULT_BASE_DELAY_MS   500
#define DEFAULT_MAX_DELAY_MS    30000
#define MAX_RETRY_AFTER_SECONDS 300

/* A service's requests: at most max_concurrent on the network (its
 * lane, on the exchange thread), and as many again ready there to go the
 * moment one is answered; the others pending here. */
typedef struct
{
  guint      max_concurrent;
  guint      started; /* on their way: a token, on the lane, a retry's wait */
  guint      timeout_seconds;
  GQueue     pending;
  AfHttpLane lane;
} Service;

#define MAX_STARTED(service) ((service)->max_concurrent * 2)

typedef struct
{
  AfHttpClient          *client;
  const AfServiceMethod *method;
  AfTokenSource         *tokens;
  char                  *http_method;
  char                  *uri;
  char                  *content_type;
  GBytes                *body;
  char                  *token;
  SoupMessage           *message;
  GCancellable          *cancellable; /* internal: the caller's or a timeout */
  gulong                 cancelled_id;
  guint                  timeout_id;
  guint                  retry_id;
  guint                  attempt;
  gboolean               refreshed;
  gboolean               force_refresh;
  gboolean               timed_out;
  gboolean               started;
} Request;

struct _AfHttpClient
{
  GObject parent_instance;

  SoupSession *session;
  GHashTable  *services; /* name → Service */
  gsize        max_response_size;
  guint        max_attempts;
  guint        base_delay_ms;
  guint        max_delay_ms;
  gboolean     debug;
};

G_DEFINE_FINAL_TYPE (AfHttpClient, af_http_client, G_TYPE_OBJECT)

static void request_start (GTask *task);
static void request_send (GTask *task);

/* helpers */

static void
service_free (gpointer data)
{
  Service *service = data;

  g_queue_clear_full (&service->pending, g_object_unref);
  g_free (service);
}

static Service *
get_service (AfHttpClient *self,
             const char   *name)
{
  Service *service = g_hash_table_lookup (self->services, name);

  if (service == NULL)
    {
      service = g_new0 (Service, 1);
      service->max_concurrent = DEFAULT_MAX_CONCURRENT;
      g_queue_init (&service->pending);
      af_http_lane_init (&service->lane, service->max_concurrent);
      g_hash_table_insert (self->services, g_strdup (name), service);
    }

  return service;
}

static void
request_free (gpointer data)
{
  Request *req = data;

  g_clear_handle_id (&req->timeout_id, g_source_remove);
  g_clear_handle_id (&req->retry_id, g_source_remove);
  g_clear_object (&req->client);
  g_clear_object (&req->tokens);
  g_free (req->http_method);
  g_free (req->uri);
  g_free (req->content_type);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->token, g_free);
  g_clear_object (&req->message);
  g_clear_object (&req->cancellable);
  g_free (req);
}

void
af_http_response_free (AfHttpResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->content_type);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

static gboolean
is_retryable_status (guint status)
{
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

static guint
backoff_delay_ms (AfHttpClient *self,
                  guint         attempt)
{
  /* "Equal jitter": half fixed, half random, so clients spread out. */
  return (guint)af_backoff_delay (self->base_delay_ms, self->max_delay_ms, attempt, TRUE);
}

/* completion and the concurrency cap */

static void
service_release (AfHttpClient *self,
                 const char   *name)
{
  Service *service = get_service (self, name);

  g_assert (service->started > 0);
  service->started--;

  while (service->started < MAX_STARTED (service) && !g_queue_is_empty (&service->pending))
    {
      g_autoptr (GTask) next = g_queue_pop_head (&service->pending);

      request_start (next);
    }
}

static void
request_complete (GTask          *task,
                  AfHttpResponse *response,
                  GError         *error)
{
  Request *req = g_task_get_task_data (task);

  g_clear_handle_id (&req->timeout_id, g_source_remove);
  if (req->cancelled_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), req->cancelled_id);
      req->cancelled_id = 0;
    }

  if (req->started)
    {
      req->started = FALSE;
      service_release (req->client, req->method->service);
    }

  if (error != NULL)
    {
      if (req->client->debug)
        g_debug ("%s: %s", req->method->id, error->message);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, response, (GDestroyNotify)af_http_response_free);
}

static gboolean
on_retry_timeout_cb (gpointer user_data)
{
  GTask   *task = user_data;
  Request *req = g_task_get_task_data (task);

  req->retry_id = 0;
  request_send (task);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (GTask *task,
                guint  delay_ms)
{
  Request *req = g_task_get_task_data (task);

  g_debug ("%s: attempt %u failed, retrying in %u ms", req->method->id, req->attempt, delay_ms);
  req->retry_id = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, on_retry_timeout_cb,
                                      g_object_ref (task), g_object_unref);
  g_source_set_name_by_id (req->retry_id, "[agentflow] http retry");
}

/* @buffer: (transfer full): the answer's body. */
static void
handle_response (GTask      *task,
                 GByteArray *buffer)
{
  Request            *req = g_task_get_task_data (task);
  AfHttpClient       *self = req->client;
  guint               status = soup_message_get_status (req->message);
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->message);
  g_autoptr (GBytes) body = g_byte_array_free_to_bytes (buffer);
  AfHttpResponse *response;

  if (self->debug)
    g_debug ("%s: HTTP %u, %" G_GSIZE_FORMAT " bytes", req->method->id, status, g_bytes_get_size (body));

  if (status == 401 && req->tokens != NULL && !req->refreshed)
    {
      /* Once only: a token that is rejected right after a refresh means
       * the grant is gone, and asking again would loop. */
      req->refreshed = TRUE;
      req->force_refresh = TRUE;
      request_send (task);
      return;
    }

  if (is_retryable_status (status) && req->attempt < self->max_attempts &&
      (status == 429 || req->method->idempotent))
    {
      const char *retry_after = soup_message_headers_get_one (headers, "Retry-After");
      guint       delay = backoff_delay_ms (self, req->attempt);

      if (retry_after != NULL)
        {
          guint64 seconds = g_ascii_strtoull (retry_after, NULL, 10);

          delay = (guint)MIN (seconds, MAX_RETRY_AFTER_SECONDS) * 1000;
        }
      schedule_retry (task, delay);
      return;
    }

  if (status < 200 || status >= 300)
    {
      request_complete (task, NULL, af_http_client_error_for_status (req->method, status, body));
      return;
    }

  response = g_new0 (AfHttpResponse, 1);
  response->status = status;
  response->headers = soup_message_headers_ref (headers);
  response->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  response->body = g_steal_pointer (&body);
  request_complete (task, response, NULL);
}

static void
handle_io_error (GTask  *task,
                 GError *error)
{
  Request *req = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (req->timed_out)
        {
          request_complete (task, NULL, af_http_error_for_io (req->method, error, TRUE));
          g_error_free (error);
        }
      else
        request_complete (task, NULL, error);
      return;
    }

  /* A dropped connection may have happened after the service acted: only
   * an idempotent request may be sent again. */
  if (req->method->idempotent && req->attempt < req->client->max_attempts)
    {
      g_error_free (error);
      schedule_retry (task, backoff_delay_ms (req->client, req->attempt));
      return;
    }

  request_complete (task, NULL, af_http_error_for_io (req->method, error, FALSE));
  g_error_free (error);
}

/* The answer is over the size limit: it is not read further. */
static void
complete_too_large (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  request_complete (task, NULL,
                    g_error_new (AF_ERROR, AF_ERROR_TOO_LARGE,
                                 _ ("The answer to “%s” from %s is larger than %u KB; it was not read."),
                                 _ (req->method->label), af_http_service_display_name (req->method->service),
                                 (guint)(req->client->max_response_size / 1024)));
}

/* Back from the exchange thread with the answer, or why there is none. */
static void
on_exchanged_cb (SoupMessage *message,
                 GByteArray  *body,
                 GError      *error,
                 gboolean     too_large,
                 gpointer     user_data)
{
  g_autoptr (GTask) task = user_data;
  goffset expected;

  if (error != NULL)
    {
      handle_io_error (task, error);
      return;
    }
  if (too_large)
    {
      complete_too_large (task);
      return;
    }
  /* A body shorter than announced: the connection broke mid-answer. */
  expected = soup_message_headers_get_content_length (soup_message_get_response_headers (message));
  if (expected > 0 && (goffset)body->len < expected)
    {
      handle_io_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                          "The answer was cut short (%u of %" G_GOFFSET_FORMAT " bytes)", body->len,
                                          expected));
      g_byte_array_unref (body);
      return;
    }
  handle_response (task, body);
}

static void
send_with_token (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers;

  g_clear_object (&req->message);
  req->message = soup_message_new (req->http_method, req->uri);
  if (req->message == NULL)
    {
      request_complete (task, NULL,
                        g_error_new (AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                                     _ ("The address of %s is not valid; check the connection settings."),
                                     af_http_service_display_name (req->method->service)));
      return;
    }

  headers = soup_message_get_request_headers (req->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (req->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", req->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->message, req->content_type, req->body);

  req->attempt++;
  if (req->client->debug)
    g_debug ("%s: %s %s (attempt %u)", req->method->id, req->http_method, req->uri, req->attempt);

  af_http_exchange_start (&get_service (req->client, req->method->service)->lane, req->message,
                          req->method->paged, req->client->max_response_size, req->cancellable,
                          on_exchanged_cb, g_object_ref (task));
}

static void
on_token_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  GError  *error = NULL;
  char    *token = af_token_source_get_token_finish (AF_TOKEN_SOURCE (object), result, &error);

  if (token == NULL)
    {
      /* Keep the source's code (reconnect, keyring locked…), say where. */
      if (error->domain == AF_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GError *wrapped = g_error_new (AF_ERROR, error->code, _ ("“%s” on %s needs a valid sign-in: %s"),
                                         _ (req->method->label), af_http_service_display_name (req->method->service),
                                         error->message);

          g_error_free (error);
          error = wrapped;
        }
      request_complete (task, NULL, error);
      return;
    }

  g_clear_pointer (&req->token, g_free);
  req->token = token;
  send_with_token (task);
}

static void
request_send (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (req->cancellable))
    {
      handle_io_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
      return;
    }

  if (req->tokens != NULL)
    {
      gboolean force = req->force_refresh;
      char    *token;

      /* Asked for every attempt: a retry after a long backoff may need a
       * fresher token than the first attempt had. A token at hand goes
       * at once: a page of a listing then leaves before the main loop
       * deals with the one that brought it. */
      req->force_refresh = FALSE;
      token = force ? NULL : af_token_source_peek_token (req->tokens);
      if (token == NULL)
        {
          af_token_source_get_token_async (req->tokens, force, req->cancellable, on_token_cb, g_object_ref (task));
          return;
        }
      g_free (req->token);
      req->token = token;
    }

  send_with_token (task);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  Request *req = user_data;

  req->timeout_id = 0;
  req->timed_out = TRUE;
  g_cancellable_cancel (req->cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
request_start (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  Service *service = get_service (req->client, req->method->service);

  service->started++;
  req->started = TRUE;

  if (service->timeout_seconds > 0)
    req->timeout_id = af_timeout_add_seconds_named (service->timeout_seconds, "[agentflow] http timeout", on_timeout_cb, req);

  request_send (task);
}

/* overrides */

static void
af_http_client_finalize (GObject *object)
{
  AfHttpClient *self = (AfHttpClient *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->services, g_hash_table_unref);

  G_OBJECT_CLASS (af_http_client_parent_class)->finalize (object);
}

static void
af_http_client_class_init (AfHttpClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_http_client_finalize;
}

static void
af_http_client_init (AfHttpClient *self)
{
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, service_free);
  self->max_response_size = DEFAULT_MAX_RESPONSE;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_delay_ms = DEFAULT_BASE_DELAY_MS;
  self->max_delay_ms = DEFAULT_MAX_DELAY_MS;
  self->debug = g_getenv ("AGENTFLOW_DEBUG_HTTP") != NULL;
}

/* public API */

/**
 * af_http_session_new:
 *
 * The app makes one session with this and shares it: the service clients
 * (through #AfHttpClient) and the account manager reuse its connections
 * per host. Sign-in, token and API calls use the same limits.
 *
 * Returns: (transfer full): a session with AgentFlow's user agent,
 *   timeouts and connection limits
 */
SoupSession *
af_http_session_new (void)
{
  return soup_session_new_with_options ("user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                        "timeout", 60,
                                        "idle-timeout", 60,
                                        "max-conns", 32,
                                        "max-conns-per-host", 8,
                                        NULL);
}

/**
 * af_http_client_new_for_session:
 * @session: the session to send through, normally the app's one session
 *
 * Returns: (transfer full): a client sending through @session
 */
AfHttpClient *
af_http_client_new_for_session (SoupSession *session)
{
  AfHttpClient *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  self = g_object_new (AF_TYPE_HTTP_CLIENT, NULL);
  self->session = g_object_ref (session);
  return self;
}

/**
 * af_http_client_new:
 *
 * For tools and tests that talk to one service on their own.
 *
 * Returns: (transfer full): a client with a session of its own from
 *   af_http_session_new()
 */
AfHttpClient *
af_http_client_new (void)
{
  g_autoptr (SoupSession) session = af_http_session_new ();

  return af_http_client_new_for_session (session);
}

SoupSession *
af_http_client_get_session (AfHttpClient *self)
{
  g_return_val_if_fail (AF_IS_HTTP_CLIENT (self), NULL);

  return self->session;
}

/**
 * af_http_client_set_max_concurrent:
 *
 * At most @max_concurrent requests of @service on the network at once
 * (connections, as the service's quota counts them); as many again wait
 * ready to go, the others wait their turn here.
 */
void
af_http_client_set_max_concurrent (AfHttpClient *self,
                                   const char   *service,
                                   guint         max_concurrent)
{
  Service *s;

  g_return_if_fail (AF_IS_HTTP_CLIENT (self));
  g_return_if_fail (service != NULL);
  g_return_if_fail (max_concurrent > 0);

  s = get_service (self, service);
  s->max_concurrent = max_concurrent;
  af_http_lane_set_cap (&s->lane, max_concurrent);
}

/**
 * af_http_client_set_timeout:
 * @seconds: the longest a whole request of @service may take, 0 for none
 */
void
af_http_client_set_timeout (AfHttpClient *self,
                            const char   *service,
                            guint         seconds)
{
  g_return_if_fail (AF_IS_HTTP_CLIENT (self));
  g_return_if_fail (service != NULL);

  get_service (self, service)->timeout_seconds = seconds;
}

void
af_http_client_set_max_response_size (AfHttpClient *self,
                                      gsize         max_bytes)
{
  g_return_if_fail (AF_IS_HTTP_CLIENT (self));
  g_return_if_fail (max_bytes > 0);

  self->max_response_size = max_bytes;
}

/**
 * af_http_client_set_retry_policy:
 * @max_attempts: attempts in all, at least 1
 *
 * Retries back off exponentially from @base_delay_ms up to @max_delay_ms,
 * with jitter; a Retry-After header wins.
 */
void
af_http_client_set_retry_policy (AfHttpClient *self,
                                 guint         max_attempts,
                                 guint         base_delay_ms,
                                 guint         max_delay_ms)
{
  g_return_if_fail (AF_IS_HTTP_CLIENT (self));
  g_return_if_fail (max_attempts >= 1);

  self->max_attempts = max_attempts;
  self->base_delay_ms = MAX (base_delay_ms, 1);
  self->max_delay_ms = MAX (max_delay_ms, self->base_delay_ms);
}

/**
 * af_http_client_set_debug:
 *
 * Logs URLs and sizes with g_debug(). Tokens are never logged; bodies are
 * not logged either.
 */
void
af_http_client_set_debug (AfHttpClient *self,
                          gboolean      debug)
{
  g_return_if_fail (AF_IS_HTTP_CLIENT (self));

  self->debug = !!debug;
}

/* The requests of @service on the network now. */
guint
af_http_client_get_active (AfHttpClient *self,
                           const char   *service)
{
  g_return_val_if_fail (AF_IS_HTTP_CLIENT (self), 0);

  return af_http_lane_get_active (&get_service (self, service)->lane);
}

void
af_http_client_request_async (AfHttpClient          *self,
                              const AfServiceMethod *method,
                              AfTokenSource         *tokens,
                              const char            *http_method,
                              const char            *uri,
                              const char            *content_type,
                              GBytes                *body,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  g_autoptr (GTask) task = NULL;
  Request *req;
  Service *service;

  g_return_if_fail (AF_IS_HTTP_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (tokens == NULL || AF_IS_TOKEN_SOURCE (tokens));
  g_return_if_fail (http_method != NULL);
  g_return_if_fail (uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_http_client_request_async);
  g_task_set_name (task, method->id);

  req = g_new0 (Request, 1);
  req->client = g_object_ref (self);
  req->method = method;
  req->tokens = tokens != NULL ? g_object_ref (tokens) : NULL;
  req->http_method = g_strdup (http_method);
  req->uri = g_strdup (uri);
  req->content_type = g_strdup (content_type);
  req->body = body != NULL ? g_bytes_ref (body) : NULL;
  req->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, req, request_free);

  if (cancellable != NULL)
    req->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled_cb),
                                               g_object_ref (req->cancellable), g_object_unref);

  service = get_service (self, method->service);
  if (service->started < MAX_STARTED (service))
    request_start (task);
  else
    g_queue_push_tail (&service->pending, g_steal_pointer (&task));
}

/**
 * af_http_client_request_finish:
 *
 * Returns: (transfer full): the 2xx response, or %NULL with an #AF_ERROR
 *   that names the service and the call
 */
AfHttpResponse *
af_http_client_request_finish (AfHttpClient *self,
                               GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (AF_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_http_client_request_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_json_request_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  const AfServiceMethod *method = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *data;
  gsize       size;

  response = af_http_client_request_finish (AF_HTTP_CLIENT (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_bytes_get_data (response->body, &size);
  if (!json_parser_load_from_data (parser, data ? data : "", size, &error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                               _ ("The answer to “%s” from %s could not be read. Try again later."),
                               _ (method->label), af_http_service_display_name (method->service));
      return;
    }

  g_task_return_pointer (task, json_node_copy (json_parser_get_root (parser)), (GDestroyNotify)json_node_unref);
}

void
af_http_client_json_async (AfHttpClient          *self,
                           const AfServiceMethod *method,
                           AfTokenSource         *tokens,
                           const char            *http_method,
                           const char            *uri,
                           JsonNode              *body,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GBytes) bytes = NULL;

  g_return_if_fail (AF_IS_HTTP_CLIENT (self));
  g_return_if_fail (method != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_http_client_json_async);
  g_task_set_task_data (task, (gpointer)method, NULL);

  if (body != NULL)
    {
      gsize length = 0;
      char *text = json_to_string (body, FALSE);

      length = strlen (text);
      bytes = g_bytes_new_take (text, length);
    }

  af_http_client_request_async (self, method, tokens, http_method, uri,
                                bytes != NULL ? "application/json; charset=UTF-8" : NULL, bytes,
                                cancellable, on_json_request_cb, g_steal_pointer (&task));
}

/**
 * af_http_client_json_finish:
 *
 * Returns: (transfer full): the parsed answer, or %NULL with an #AF_ERROR
 *   (AF_ERROR_BAD_RESPONSE for malformed JSON)
 */
JsonNode *
af_http_client_json_finish (AfHttpClient *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (AF_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_http_client_json_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
