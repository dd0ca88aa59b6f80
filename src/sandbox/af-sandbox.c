/* af-sandbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox"

#include "config.h"

#include <string.h>

#include "af-sandbox-private.h"
#include "af-sandbox-auth0.h"
#include "af-sandbox-oauth.h"

typedef struct
{
  AfSandboxRouteFault fault;
  guint               times;
  guint               value;
} Fault;

typedef struct
{
  char    *service;
  char    *account;
  char   **scopes;
  gint64   expires_at;
  gboolean revoked;
  guint    uses; /* requests it authorized */
} Token;

struct _AfSandbox
{
  GObject parent_instance;

  SoupServer *server;
  char       *base_url;
  GHashTable *counts; /* method id → GUINT_TO_POINTER (n) */
  guint       total_requests;
  GHashTable *tokens; /* access token → Token */
  GHashTable *faults; /* method id → GQueue of Fault */
  GHashTable *quota;  /* method id → GUINT_TO_POINTER (units) */
  guint       total_quota;
  SbGmail    *gmail;
  SbCalendar *calendar;
  SbSlack    *slack;
  SbLlm      *llm;
  GPtrArray  *side_effects; /* "method id\ttext", in order */

  /* Taken by every route and every public function, so that the
   * sandbox can serve from a thread of its own. */
  GRecMutex lock;
  SbThread *thread; /* af_sandbox_start_in_thread() */
};

/* Gmail API quota units per method, from the Gmail API usage limits:
 * https://developers.google.com/gmail/api/reference/quota (a request
 * inside a batch is charged as itself). */
static const struct
{
  const char *method_id;
  guint       units;
} quota_units[] = {
  { "gmail.users.getProfile", 1 },
  { "gmail.users.messages.list", 5 },
  { "gmail.users.messages.get", 5 },
  { "gmail.users.history.list", 2 },
  { "gmail.users.labels.list", 1 },
  { "gmail.users.labels.create", 5 },
  { "gmail.users.messages.batchModify", 50 },
  { "gmail.users.drafts.create", 10 },
  { "gmail.users.drafts.list", 5 },
  { "gmail.users.messages.send", 100 },
};

G_DEFINE_FINAL_TYPE (AfSandbox, af_sandbox, G_TYPE_OBJECT)

static void
token_free (gpointer data)
{
  Token *token = data;

  g_free (token->service);
  g_free (token->account);
  g_strfreev (token->scopes);
  g_free (token);
}

static void
fault_queue_free (gpointer data)
{
  g_queue_free_full (data, g_free);
}

static void
add_quota (AfSandbox  *self,
           const char *method_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (quota_units); i++)
    if (g_str_equal (quota_units[i].method_id, method_id))
      {
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->quota, method_id));

        g_hash_table_replace (self->quota, g_strdup (method_id), GUINT_TO_POINTER (n + quota_units[i].units));
        self->total_quota += quota_units[i].units;
      }
}

static Fault *
take_fault (AfSandbox  *self,
            const char *method_id)
{
  GQueue *queue = g_hash_table_lookup (self->faults, method_id);
  Fault  *fault;

  if (queue == NULL || g_queue_is_empty (queue))
    queue = g_hash_table_lookup (self->faults, "*");
  if (queue == NULL || g_queue_is_empty (queue))
    return NULL;

  fault = g_queue_peek_head (queue);
  if (fault->fault == AF_SANDBOX_ROUTE_EXPIRE_CURSOR)
    return NULL;
  if (--fault->times == 0)
    return g_queue_pop_head (queue);

  return g_memdup2 (fault, sizeof *fault);
}

static void
on_wrote_headers_drop_cb (SoupServerMessage *msg,
                          gpointer           user_data)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static void
append_header_cb (const char *name,
                  const char *value,
                  gpointer    user_data)
{
  if (g_ascii_strcasecmp (name, "Content-Length") != 0 && g_ascii_strcasecmp (name, "Connection") != 0 &&
      g_ascii_strcasecmp (name, "Transfer-Encoding") != 0)
    g_string_append_printf (user_data, "%s: %s\r\n", name, value);
}

/* The answer announces twice the body it carries, then the connection
 * closes. Written by hand on the stolen connection: libsoup's server would
 * wait for the missing bytes for ever and keep the socket (and its
 * descriptor) open. */
static void
respond_truncated (SoupServerMessage *msg)
{
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  g_autoptr (GString) head = g_string_new (NULL);
  g_autoptr (GIOStream) stream = NULL;
  GOutputStream *out;
  gsize          length = g_bytes_get_size (body);

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", soup_server_message_get_status (msg),
                          soup_server_message_get_reason_phrase (msg) ? soup_server_message_get_reason_phrase (msg) : "OK");
  soup_message_headers_foreach (soup_server_message_get_response_headers (msg), append_header_cb, head);
  g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n", MAX (length, 16) * 2);

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;
  out = g_io_stream_get_output_stream (stream);
  /* A few KB on a loopback socket: the kernel buffer takes it at once. */
  if (g_output_stream_write_all (out, head->str, head->len, NULL, NULL, NULL))
    g_output_stream_write_all (out, g_bytes_get_data (body, NULL), length, NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

static void
on_latency_disconnected_cb (SoupServerMessage *msg,
                            gpointer           user_data)
{
  g_object_set_data (G_OBJECT (msg), "af-sandbox-disconnected", GINT_TO_POINTER (TRUE));
}

static gboolean
on_latency_done_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  /* A client that gave up while the answer waited (its own timeout, a
   * cancelled request) has closed the connection: nothing to resume. */
  g_signal_handlers_disconnect_by_func (msg, on_latency_disconnected_cb, NULL);
  if (g_object_get_data (G_OBJECT (msg), "af-sandbox-disconnected") == NULL)
    soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

/* On the context the server runs in: the caller's, or the sandbox's own
 * thread's. */
static void
answer_later (SoupServerMessage *msg,
              guint              delay_ms)
{
  g_autoptr (GSource) source = g_timeout_source_new (delay_ms);

  soup_server_message_pause (msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_latency_disconnected_cb), NULL);
  g_source_set_name (source, "[agentflow] sandbox latency");
  g_source_set_callback (source, on_latency_done_cb, g_object_ref (msg), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
}

/* Faults that act after the handler ran: the side effect happened. */
static void
apply_post_fault (SoupServerMessage *msg)
{
  Fault *fault = g_object_get_data (G_OBJECT (msg), "af-sandbox-fault");

  if (fault == NULL)
    return;

  switch (fault->fault)
    {
    case AF_SANDBOX_ROUTE_LATENCY:
      answer_later (msg, fault->value);
      break;
    case AF_SANDBOX_ROUTE_MALFORMED_JSON:
      soup_server_message_set_response (msg, "application/json; charset=UTF-8", SOUP_MEMORY_STATIC,
                                        "{\"id\": \"oops\", <html>Internal", strlen ("{\"id\": \"oops\", <html>Internal"));
      break;
    case AF_SANDBOX_ROUTE_TRUNCATED:
      respond_truncated (msg);
      break;
    case AF_SANDBOX_ROUTE_DROP_CONNECTION:
      on_wrote_headers_drop_cb (msg, NULL);
      break;
    case AF_SANDBOX_ROUTE_RATE_LIMIT:
    case AF_SANDBOX_ROUTE_SERVER_ERROR:
    case AF_SANDBOX_ROUTE_UNAVAILABLE:
    case AF_SANDBOX_ROUTE_EXPIRE_CURSOR:
    default:
      break;
    }
}

static void
respond_not_found (SoupServerMessage *msg)
{
  af_sandbox_respond_text (msg, 404, "text/plain", "Not Found");
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  AfSandbox *self = user_data;
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);

  if (g_str_has_prefix (path, "/gmail/v1/users/me/"))
    sb_gmail_handle (self, msg, path + strlen ("/gmail/v1/users/me/"), query);
  else if (g_str_equal (path, "/batch/gmail/v1"))
    sb_gmail_handle_batch (self, msg);
  else if (g_str_has_prefix (path, "/calendar/v3/"))
    sb_calendar_handle (self, msg, path + strlen ("/calendar/v3/"), query);
  else if (g_str_has_prefix (path, "/api/"))
    sb_slack_handle (self, msg, path + strlen ("/api/"), query);
  else if (g_str_equal (path, "/v1/chat/completions"))
    sb_llm_handle (self, msg);
  else
    respond_not_found (msg);

  apply_post_fault (msg);
}

static void
af_sandbox_dispose (GObject *object)
{
  AfSandbox *self = (AfSandbox *)object;

  af_sandbox_stop (self);

  G_OBJECT_CLASS (af_sandbox_parent_class)->dispose (object);
}

static void
af_sandbox_finalize (GObject *object)
{
  AfSandbox *self = (AfSandbox *)object;

  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->faults, g_hash_table_unref);
  g_clear_pointer (&self->quota, g_hash_table_unref);
  g_clear_pointer (&self->gmail, sb_gmail_free);
  g_clear_pointer (&self->calendar, sb_calendar_free);
  g_clear_pointer (&self->slack, sb_slack_free);
  g_clear_pointer (&self->llm, sb_llm_free);
  g_clear_pointer (&self->side_effects, g_ptr_array_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (af_sandbox_parent_class)->finalize (object);
}

static void
af_sandbox_class_init (AfSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_sandbox_dispose;
  object_class->finalize = af_sandbox_finalize;
}

static void
af_sandbox_init (AfSandbox *self)
{
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, token_free);
  self->faults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fault_queue_free);
  self->quota = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->gmail = sb_gmail_new ();
  self->calendar = sb_calendar_new ();
  self->slack = sb_slack_new ();
  self->llm = sb_llm_new ();
  self->side_effects = g_ptr_array_new_with_free_func (g_free);
  g_rec_mutex_init (&self->lock);
}

AfSandbox *
af_sandbox_new (void)
{
  return g_object_new (AF_TYPE_SANDBOX, NULL);
}

/* libsoup before 3.3 never notices a client closing an idle keep-alive
 * connection (GNOME/libsoup commit d20c6601, "Don't leak idle
 * connections closed by the client"): each one stays in CLOSE_WAIT and
 * keeps its descriptor. A sandbox running for days under `--sandbox` or
 * the soak would run out of them, so close after every answer there. */
static void
on_request_started_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       gpointer           user_data)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

/**
 * af_sandbox_start:
 *
 * Starts serving on a free port of 127.0.0.1.
 */
gboolean
af_sandbox_start (AfSandbox *self,
                  GError   **error)
{
  g_autoptr (GSList) uris = NULL;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (AF_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = soup_server_new ("server-header", "AgentFlow-Sandbox", NULL);

  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  if (soup_get_major_version () == 3 && soup_get_minor_version () < 3)
    g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started_cb), NULL);

  /* The four APIs; more specific handlers (the OAuth server) win. */
  soup_server_add_handler (self->server, NULL, on_request_cb, self, NULL);

  uris = soup_server_get_uris (self->server);
  uri = g_uri_to_string_partial (uris->data, G_URI_HIDE_PASSWORD);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);

  /* "http://127.0.0.1:PORT/" → without the trailing slash */
  if (g_str_has_suffix (uri, "/"))
    uri[strlen (uri) - 1] = '\0';
  g_free (self->base_url);
  self->base_url = g_steal_pointer (&uri);

  af_sandbox_oauth_register (self);
  af_sandbox_auth0_register (self);

  return TRUE;
}

/* Disconnects the server; in the thread it runs in. */
void
af_sandbox_stop_server (AfSandbox *self)
{
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

/**
 * af_sandbox_start_in_thread:
 *
 * Like af_sandbox_start(), but the server runs in a thread of its own,
 * with its own #GMainContext, as a remote service would: its work does not
 * take turns with the caller's main loop. The state the tests and
 * benchmarks read and set (counts, quota, faults, tokens, the mailbox) is
 * locked, so the functions of this header may be called from the caller's
 * thread meanwhile. af_sandbox_stop() (or the last unref) ends the thread.
 */
gboolean
af_sandbox_start_in_thread (AfSandbox *self,
                            GError   **error)
{
  g_return_val_if_fail (AF_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (self->server == NULL && self->thread == NULL, FALSE);

  self->thread = sb_thread_start (self, error);
  return self->thread != NULL;
}

void
af_sandbox_stop (AfSandbox *self)
{
  g_return_if_fail (AF_IS_SANDBOX (self));

  /* The server is disconnected in its own thread. */
  if (self->thread != NULL)
    g_clear_pointer (&self->thread, sb_thread_stop);
  else
    af_sandbox_stop_server (self);
}

GRecMutexLocker *
af_sandbox_lock (AfSandbox *self)
{
  /* NULL for a bad argument: the caller's own check then reports it. */
  if (!AF_IS_SANDBOX (self))
    return NULL;
  return g_rec_mutex_locker_new (&self->lock);
}

const char *
af_sandbox_get_base_url (AfSandbox *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  return self->base_url;
}

SoupServer *
af_sandbox_get_server (AfSandbox *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  return self->server;
}

/**
 * af_sandbox_count:
 * @method_id: the API method as its documentation names it,
 *   e.g. "gmail.users.messages.list" or "slack.chat.postMessage"
 *
 * Records one request, for tests and benchmarks.
 */
void
af_sandbox_count (AfSandbox  *self,
                  const char *method_id)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  guint n;

  g_return_if_fail (AF_IS_SANDBOX (self));
  g_return_if_fail (method_id != NULL);

  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, method_id));
  g_hash_table_replace (self->counts, g_strdup (method_id), GUINT_TO_POINTER (n + 1));
  self->total_requests++;
  add_quota (self, method_id);
}

guint
af_sandbox_get_count (AfSandbox  *self,
                      const char *method_id)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, method_id));
}

guint
af_sandbox_get_total_requests (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return self->total_requests;
}

void
af_sandbox_reset_counts (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_if_fail (AF_IS_SANDBOX (self));

  g_hash_table_remove_all (self->counts);
  g_hash_table_remove_all (self->quota);
  self->total_requests = 0;
  self->total_quota = 0;
}

/**
 * af_sandbox_add_token:
 * @expires_at: Unix microseconds, or 0 for a token that never expires
 *   (Slack bot tokens)
 *
 * Registers an access token the sandbox's APIs will accept.
 */
void
af_sandbox_add_token (AfSandbox  *self,
                      const char *token,
                      const char *service,
                      const char *account,
                      const char *scopes,
                      gint64      expires_at)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  Token *t;

  g_return_if_fail (AF_IS_SANDBOX (self));
  g_return_if_fail (token != NULL);

  t = g_new0 (Token, 1);
  t->service = g_strdup (service);
  t->account = g_strdup (account);
  t->scopes = g_strsplit_set (scopes ? scopes : "", " ,", -1);
  t->expires_at = expires_at;
  g_hash_table_replace (self->tokens, g_strdup (token), t);
}

void
af_sandbox_revoke_token (AfSandbox  *self,
                         const char *token)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  Token *t;

  g_return_if_fail (AF_IS_SANDBOX (self));

  if ((t = g_hash_table_lookup (self->tokens, token)))
    t->revoked = TRUE;
}

static gboolean
scope_matches (const char *granted,
               const char *required)
{
  /* Google scopes are URLs: accept the short form as well. */
  if (g_str_equal (granted, required))
    return TRUE;
  if (g_str_has_prefix (granted, "https://www.googleapis.com/auth/"))
    return g_str_equal (granted + strlen ("https://www.googleapis.com/auth/"), required);
  return FALSE;
}

/**
 * af_sandbox_authorize:
 * @msg: the request
 * @service: the API the token must be for ("google", "slack", "llm")
 * @required_scope: (nullable): a scope one of the granted must match
 * @account: (out) (optional) (transfer none): the token's account
 *
 * Checks the request's bearer token. Writing the error response is the
 * caller's job: Google and Slack shape their errors differently.
 */
AfSandboxAuth
af_sandbox_authorize (AfSandbox         *self,
                      SoupServerMessage *msg,
                      const char        *service,
                      const char        *required_scope,
                      const char       **account)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  SoupMessageHeaders *headers;
  const char         *auth;
  Token              *t;

  g_return_val_if_fail (AF_IS_SANDBOX (self), AF_SANDBOX_AUTH_INVALID);

  headers = soup_server_message_get_request_headers (msg);
  auth = soup_message_headers_get_one (headers, "Authorization");
  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 || auth[7] == '\0')
    return AF_SANDBOX_AUTH_MISSING;

  t = g_hash_table_lookup (self->tokens, auth + 7);
  if (t == NULL || t->revoked || g_strcmp0 (t->service, service) != 0 ||
      (t->expires_at != 0 && t->expires_at <= g_get_real_time ()))
    return AF_SANDBOX_AUTH_INVALID;

  if (required_scope != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; t->scopes[i] != NULL && !found; i++)
        found = scope_matches (t->scopes[i], required_scope);

      if (!found)
        return AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE;
    }

  if (account != NULL)
    *account = t->account;
  t->uses++;

  return AF_SANDBOX_AUTH_OK;
}

/* internal API of the sandbox's routes */

SbGmail *
af_sandbox_get_gmail (AfSandbox *self)
{
  return self->gmail;
}

SbCalendar *
af_sandbox_get_calendar (AfSandbox *self)
{
  return self->calendar;
}

SbSlack *
af_sandbox_get_slack (AfSandbox *self)
{
  return self->slack;
}

SbLlm *
af_sandbox_get_llm (AfSandbox *self)
{
  return self->llm;
}

void
af_sandbox_count_inner (AfSandbox  *self,
                        const char *method_id)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, method_id));

  g_hash_table_replace (self->counts, g_strdup (method_id), GUINT_TO_POINTER (n + 1));
  add_quota (self, method_id);
}

guint
af_sandbox_take_inner_fault (AfSandbox  *self,
                             const char *method_id)
{
  GQueue *queue = g_hash_table_lookup (self->faults, method_id);
  Fault  *fault;
  guint   status = 0;

  if (queue == NULL || g_queue_is_empty (queue))
    return 0;
  fault = take_fault (self, method_id);
  if (fault == NULL)
    return 0;
  switch (fault->fault)
    {
    case AF_SANDBOX_ROUTE_RATE_LIMIT:
      status = 429;
      break;
    case AF_SANDBOX_ROUTE_SERVER_ERROR:
      status = 500;
      break;
    case AF_SANDBOX_ROUTE_UNAVAILABLE:
      status = 503;
      break;
    case AF_SANDBOX_ROUTE_LATENCY:
    case AF_SANDBOX_ROUTE_MALFORMED_JSON:
    case AF_SANDBOX_ROUTE_TRUNCATED:
    case AF_SANDBOX_ROUTE_DROP_CONNECTION:
    case AF_SANDBOX_ROUTE_EXPIRE_CURSOR:
    default:
      break;
    }
  g_free (fault);
  return status;
}

void
af_sandbox_log_side_effect (AfSandbox  *self,
                            const char *method_id,
                            const char *text)
{
  g_ptr_array_add (self->side_effects, g_strdup_printf ("%s\t%s", method_id, text ? text : ""));
}

gboolean
af_sandbox_take_cursor_expiry (AfSandbox  *self,
                               const char *method_id)
{
  GQueue *queue = g_hash_table_lookup (self->faults, method_id);
  Fault  *fault;

  if (queue == NULL || g_queue_is_empty (queue))
    return FALSE;
  fault = g_queue_peek_head (queue);
  if (fault->fault != AF_SANDBOX_ROUTE_EXPIRE_CURSOR)
    return FALSE;
  if (--fault->times == 0)
    g_free (g_queue_pop_head (queue));

  return TRUE;
}

static void
respond_fault_status (SoupServerMessage *msg,
                      const char        *method_id,
                      guint              status,
                      guint              retry_after)
{
  if (retry_after > 0)
    {
      g_autofree char *value = g_strdup_printf ("%u", retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", value);
    }

  if (g_str_has_prefix (method_id, "slack."))
    {
      /* Slack: 429 with {"ok": false, "error": "ratelimited"}. */
      if (status == 429)
        af_sandbox_respond_text (msg, 429, "application/json; charset=utf-8",
                                 "{\"ok\":false,\"error\":\"ratelimited\"}");
      else
        af_sandbox_respond_text (msg, status, "text/html", "<html><body>Service Unavailable</body></html>");
    }
  else if (g_str_has_prefix (method_id, "llm."))
    {
      if (status == 429)
        af_sandbox_respond_text (msg, 429, "application/json",
                                 "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
      else
        af_sandbox_respond_text (msg, status, "application/json",
                                 "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
    }
  else if (status == 429)
    af_sandbox_respond_google_error (msg, 429, "rateLimitExceeded", "Resource has been exhausted (e.g. check quota).");
  else if (status == 503)
    af_sandbox_respond_google_error (msg, 503, "backendError", "The service is currently unavailable.");
  else
    af_sandbox_respond_google_error (msg, 500, "backendError", "Internal error encountered.");
}

gboolean
af_sandbox_begin (AfSandbox         *self,
                  SoupServerMessage *msg,
                  const char        *method_id)
{
  Fault *fault;

  af_sandbox_count (self, method_id);

  fault = take_fault (self, method_id);
  if (fault == NULL)
    return TRUE;

  switch (fault->fault)
    {
    case AF_SANDBOX_ROUTE_RATE_LIMIT:
      respond_fault_status (msg, method_id, 429, MAX (fault->value, 1));
      g_free (fault);
      return FALSE;
    case AF_SANDBOX_ROUTE_SERVER_ERROR:
      respond_fault_status (msg, method_id, 500, 0);
      g_free (fault);
      return FALSE;
    case AF_SANDBOX_ROUTE_UNAVAILABLE:
      respond_fault_status (msg, method_id, 503, fault->value);
      g_free (fault);
      return FALSE;
    case AF_SANDBOX_ROUTE_LATENCY:
    case AF_SANDBOX_ROUTE_MALFORMED_JSON:
    case AF_SANDBOX_ROUTE_TRUNCATED:
    case AF_SANDBOX_ROUTE_DROP_CONNECTION:
    case AF_SANDBOX_ROUTE_EXPIRE_CURSOR:
    default:
      g_object_set_data_full (G_OBJECT (msg), "af-sandbox-fault", fault, g_free);
      return TRUE;
    }
}

/* public API: faults, quota, tokens */

/**
 * af_sandbox_add_fault:
 * @method_id: e.g. "gmail.users.messages.send", or "*" for any route
 * @times: how many requests it affects
 * @value: milliseconds for LATENCY, seconds of Retry-After for RATE_LIMIT
 *   (and UNAVAILABLE, 0: no header)
 *
 * Injects a fault in the next @times requests of @method_id.
 */
void
af_sandbox_add_fault (AfSandbox          *self,
                      const char         *method_id,
                      AfSandboxRouteFault fault,
                      guint               times,
                      guint               value)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  GQueue *queue;
  Fault  *f;

  g_return_if_fail (AF_IS_SANDBOX (self));
  g_return_if_fail (method_id != NULL);
  g_return_if_fail (times > 0);

  queue = g_hash_table_lookup (self->faults, method_id);
  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (self->faults, g_strdup (method_id), queue);
    }

  f = g_new0 (Fault, 1);
  f->fault = fault;
  f->times = times;
  f->value = value;
  g_queue_push_tail (queue, f);
}

void
af_sandbox_clear_faults (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_if_fail (AF_IS_SANDBOX (self));

  g_hash_table_remove_all (self->faults);
}

/**
 * af_sandbox_get_quota_units:
 *
 * Returns: the Gmail quota units charged to @method_id since the last reset
 */
guint
af_sandbox_get_quota_units (AfSandbox  *self,
                            const char *method_id)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->quota, method_id));
}

guint
af_sandbox_get_total_quota_units (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return self->total_quota;
}

/**
 * af_sandbox_get_side_effects:
 *
 * Every side effect the APIs carried out (a message sent, a draft saved, a
 * Slack post, an event created), in order, as "method id<TAB>text": the
 * text of the post, the summary of the event, the subject and decoded body
 * of the mail. Answers that never arrived (a dropped connection) still
 * count: the call happened.
 *
 * Returns: (transfer none) (element-type utf8): the log
 */
GPtrArray *
af_sandbox_get_side_effects (AfSandbox *self)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  return self->side_effects;
}

/**
 * af_sandbox_add_default_tokens:
 * @google_token: (out) (optional) (transfer full): Gmail + Calendar scopes
 * @slack_token: (out) (optional) (transfer full): a bot token
 * @llm_token: (out) (optional) (transfer full): an API key
 *
 * Registers one ready-to-use token per service, for the seeded account.
 */
void
af_sandbox_add_default_tokens (AfSandbox *self,
                               char     **google_token,
                               char     **slack_token,
                               char     **llm_token)
{
  g_return_if_fail (AF_IS_SANDBOX (self));

  af_sandbox_add_token (self, "ya29.sandbox-google-alice", "google", AF_SANDBOX_ACCOUNT, AF_SANDBOX_GOOGLE_SCOPES, 0);
  af_sandbox_add_token (self, "xoxb-sandbox-agentflow", "slack", AF_SANDBOX_SLACK_USER, AF_SANDBOX_SLACK_SCOPES, 0);
  af_sandbox_add_token (self, "sk-sandbox-agentflow", "llm", AF_SANDBOX_ACCOUNT, NULL, 0);

  if (google_token != NULL)
    *google_token = g_strdup ("ya29.sandbox-google-alice");
  if (slack_token != NULL)
    *slack_token = g_strdup ("xoxb-sandbox-agentflow");
  if (llm_token != NULL)
    *llm_token = g_strdup ("sk-sandbox-agentflow");
}

/**
 * af_sandbox_count_token_uses:
 * @service: "google", "slack" or "llm"
 * @prefix: (nullable): only tokens starting with it; %NULL for all
 *
 * Returns: how many API requests tokens of @service (with @prefix)
 *   authorized, so tests can tell which kind of token the app sent
 */
guint
af_sandbox_count_token_uses (AfSandbox  *self,
                             const char *service,
                             const char *prefix)
{
  g_autoptr (GRecMutexLocker) locker = af_sandbox_lock (self);
  GHashTableIter iter;
  gpointer       key, value;
  guint          n = 0;

  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  g_hash_table_iter_init (&iter, self->tokens);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Token *t = value;

      if (g_strcmp0 (t->service, service) == 0 && (prefix == NULL || g_str_has_prefix (key, prefix)))
        n += t->uses;
    }
  return n;
}
