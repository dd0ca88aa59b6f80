/* af-http-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "af-service-method.h"
#include "af-token-source.h"

G_BEGIN_DECLS

#define AF_TYPE_HTTP_CLIENT (af_http_client_get_type ())

G_DECLARE_FINAL_TYPE (AfHttpClient, af_http_client, AF, HTTP_CLIENT, GObject)

/**
 * AfHttpResponse:
 * @status: the HTTP status (2xx; other statuses become errors)
 * @content_type: (nullable): the response's Content-Type
 * @headers: the response headers
 * @body: the body, never larger than the client's cap
 */
typedef struct
{
  guint               status;
  char               *content_type;
  SoupMessageHeaders *headers;
  GBytes             *body;
} AfHttpResponse;

void af_http_response_free (AfHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfHttpResponse, af_http_response_free)

SoupSession  *af_http_session_new (void);
AfHttpClient *af_http_client_new_for_session (SoupSession *session);
AfHttpClient *af_http_client_new (void);
SoupSession  *af_http_client_get_session (AfHttpClient *self);

void af_http_client_set_max_concurrent (AfHttpClient *self,
                                        const char   *service,
                                        guint         max_concurrent);
void af_http_client_set_timeout (AfHttpClient *self,
                                 const char   *service,
                                 guint         seconds);
void af_http_client_set_max_response_size (AfHttpClient *self,
                                           gsize         max_bytes);
void af_http_client_set_retry_policy (AfHttpClient *self,
                                      guint         max_attempts,
                                      guint         base_delay_ms,
                                      guint         max_delay_ms);
void af_http_client_set_debug (AfHttpClient *self,
                               gboolean      debug);

guint af_http_client_get_active (AfHttpClient *self,
                                 const char   *service);

/* A raw request: @body may be %NULL. 429, 5xx and network errors are
 * retried with backoff only when @method is idempotent (429 always, as the
 * service refused it unprocessed); a 401 refreshes the token once. */
void            af_http_client_request_async (AfHttpClient          *self,
                                              const AfServiceMethod *method,
                                              AfTokenSource         *tokens,
                                              const char            *http_method,
                                              const char            *uri,
                                              const char            *content_type,
                                              GBytes                *body,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
AfHttpResponse *af_http_client_request_finish (AfHttpClient *self,
                                               GAsyncResult *result,
                                               GError      **error);

/* JSON in (optional), JSON out. */
void      af_http_client_json_async (AfHttpClient          *self,
                                     const AfServiceMethod *method,
                                     AfTokenSource         *tokens,
                                     const char            *http_method,
                                     const char            *uri,
                                     JsonNode              *body,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data);
JsonNode *af_http_client_json_finish (AfHttpClient *self,
                                      GAsyncResult *result,
                                      GError      **error);

G_END_DECLS
