/* af-loopback-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-loopback-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "af-source.h"
#include "af-error.h"
#include "af-loopback-server.h"
#include "af-loopback-server-private.h"
#include "af-pkce.h"

/* The RFC 8252 loopback redirect (§7.3: "http://127.0.0.1:{port}/…",
 * https://www.rfc-editor.org/rfc/rfc8252#section-7.3): a SoupServer on
 * 127.0.0.1 (or [::1]) and a random port, open for one sign-in attempt.
 * Anything that is not the real redirect (other paths, a wrong or missing
 * state, an oversized query, a foreign Host, a replay after the attempt
 * ended) gets an answer and changes nothing.
 *
 * We accept connections ourselves and hand them to libsoup, so that other
 * programs on the machine cannot take the port down: at most
 * AF_LOOPBACK_MAX_CONNECTIONS are open at once (a new one closes the
 * oldest), and a connection that stays idle for
 * AF_LOOPBACK_IDLE_SECONDS is closed. Without that, a loop of idle
 * connections used up every file descriptor and the listener stopped
 * accepting for good. */

#define AF_LOOPBACK_IDLE_SECONDS 10
#define AF_LOOPBACK_BACKLOG      64

typedef struct
{
  AfLoopbackServer  *self;
  GSocketConnection *connection; /* not owned: libsoup has it */
  GList             *link;
  guint              idle_id;
} Connection;

struct _AfLoopbackServer
{
  GObject parent_instance;

  SoupServer     *server;
  GSocketService *service;
  GQueue          connections; /* Connection, oldest first */
  GHashTable     *by_socket;   /* GSocket → Connection */
  char           *path;
  char           *state;
  char           *redirect_uri;
  guint           port;
  char           *issuer;
  gboolean        issuer_required;
  guint           idle_seconds;

  GTask   *task;
  GSource *cancel_source;
  guint    timeout_id;
  guint    timeout_seconds;
  gboolean done;
};

G_DEFINE_FINAL_TYPE (AfLoopbackServer, af_loopback_server, G_TYPE_OBJECT)

static void
complete (AfLoopbackServer *self,
          char             *code,
          GError           *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  self->done = TRUE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }

  if (task == NULL)
    {
      g_free (code);
      g_clear_error (&error);
      return;
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, code, g_free);
}

/* One page for every answer: the browser shows it after the redirect.
 * Self-contained (no script, no image, no external style sheet), so it
 * loads nothing from anywhere and works offline. */
static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *title,
         const char        *text)
{
  g_autofree char    *t = g_markup_escape_text (title, -1);
  g_autofree char    *x = g_markup_escape_text (text, -1);
  g_autofree char    *close = g_markup_escape_text (_ ("You can close this tab and return to AgentFlow."), -1);
  g_autofree char    *html = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  html = g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                          "<title>%s – AgentFlow</title>"
                          "<style>"
                          "body{font-family:Cantarell,system-ui,sans-serif;background:#fafafb;color:#2e3436;margin:0}"
                          "main{max-width:34em;margin:6em auto;padding:2em;background:#fff;border-radius:12px;"
                          "box-shadow:0 1px 3px rgba(0,0,0,.15);line-height:1.5}"
                          ".app{font-weight:bold;color:#3584e4;margin:0}"
                          "h1{font-size:1.5em;margin:.4em 0}"
                          ".close{color:#5e5c64}"
                          "@media (prefers-color-scheme:dark){body{background:#242424;color:#fff}main{background:#303030}"
                          ".close{color:#c0bfbc}}"
                          "</style></head>"
                          "<body><main><p class=\"app\">AgentFlow</p><h1>%s</h1><p>%s</p><p class=\"close\">%s</p></main></body></html>\n",
                          t, t, x, close);
  /* The URL carried a code: no caching, and no Referer to anywhere. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html, strlen (html));
}

typedef struct
{
  AfLoopbackServer *self;
  char             *code;
  GError           *error;
} Pending;

static gboolean
complete_pending_cb (gpointer user_data)
{
  Pending *pending = user_data;

  complete (pending->self, pending->code, pending->error);
  g_object_unref (pending->self);
  g_free (pending);

  return G_SOURCE_REMOVE;
}

static void
on_message_finished_cb (SoupServerMessage *msg,
                        gpointer           user_data)
{
  /* Only now, with the page delivered, may the owner close the port; and
   * not from inside libsoup's own signal emission. At the default
   * priority, not an idle one: a busy window (a spinner on a slow
   * machine) redraws ahead of every idle callback, forever. */
  g_source_set_name_by_id (g_idle_add_full (G_PRIORITY_DEFAULT, complete_pending_cb, user_data, NULL),
                           "[agentflow] loopback complete");
}

static void
finish_after_response (AfLoopbackServer  *self,
                       SoupServerMessage *msg,
                       char              *code,
                       GError            *error)
{
  Pending *pending = g_new0 (Pending, 1);

  /* Later callbacks are answered as replays from here on. */
  self->done = TRUE;
  pending->self = g_object_ref (self);
  pending->code = code;
  pending->error = error;
  g_signal_connect (msg, "finished", G_CALLBACK (on_message_finished_cb), pending);
}

/**
 * af_loopback_read_callback:
 * @query: (nullable): the decoded query of a request to the redirect path
 * @expected_state: the state this attempt sent
 *
 * Reads an authorization response (RFC 6749 §4.1.2). A wrong or missing
 * state is someone else's redirect, or a forged one: it never yields a
 * code or an error, and the code is never logged.
 */
AfLoopbackCallback
af_loopback_read_callback (GHashTable *query,
                           const char *expected_state,
                           char      **code_out,
                           GError    **error_out)
{
  const char *state, *code, *error;

  state = query ? g_hash_table_lookup (query, "state") : NULL;
  if (!af_pkce_equal (state, expected_state))
    {
      g_message ("Rejected a sign-in callback with a %s state", state ? "wrong" : "missing");
      return AF_LOOPBACK_CALLBACK_FOREIGN;
    }

  error = g_hash_table_lookup (query, "error");
  code = g_hash_table_lookup (query, "code");
  /* Connected Accounts comes back with connect_code, not code
   * (connected-accounts-for-token-vault, "Complete the connection"). */
  if (code == NULL)
    code = g_hash_table_lookup (query, "connect_code");

  if (g_strcmp0 (error, "access_denied") == 0)
    {
      g_set_error_literal (error_out, AF_ERROR, AF_ERROR_ACCESS_DENIED, _ ("You declined access"));
      return AF_LOOPBACK_CALLBACK_DENIED;
    }

  if (error != NULL || code == NULL || code[0] == '\0')
    {
      g_autofree char *safe = g_strndup (error ? error : "no_code", 64);

      g_strcanon (safe, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", '_');
      g_set_error (error_out, AF_ERROR, AF_ERROR_AUTH_FAILED,
                   _ ("The provider ended the sign-in with an error (%s)."), safe);
      return AF_LOOPBACK_CALLBACK_FAILED;
    }

  *code_out = g_strdup (code);
  return AF_LOOPBACK_CALLBACK_CODE;
}

/* Connections */

static void connection_forget (Connection *c);

static void
on_connection_finalized_cb (gpointer user_data,
                            GObject *where_the_object_was)
{
  Connection *c = user_data;

  /* libsoup let go of it: closed by the peer, by us, or finished. */
  c->connection = NULL;
  connection_forget (c);
}

static void
connection_forget (Connection *c)
{
  AfLoopbackServer *self = c->self;

  if (c->connection != NULL)
    {
      g_hash_table_remove (self->by_socket, g_socket_connection_get_socket (c->connection));
      g_object_weak_unref (G_OBJECT (c->connection), on_connection_finalized_cb, c);
    }
  g_clear_handle_id (&c->idle_id, g_source_remove);
  g_queue_delete_link (&self->connections, c->link);
  g_free (c);
}

static void
connection_drop (Connection *c)
{
  GSocket *socket = g_socket_connection_get_socket (c->connection);

  /* Shutting the socket down makes libsoup read EOF and close the
   * connection itself, from its own callbacks; we stop counting it now. */
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
  connection_forget (c);
}

static gboolean
on_connection_idle_cb (gpointer user_data)
{
  Connection *c = user_data;

  c->idle_id = 0;
  g_debug ("Closing an idle connection to the sign-in port");
  connection_drop (c);

  return G_SOURCE_REMOVE;
}

static void
connection_touch (Connection *c)
{
  g_clear_handle_id (&c->idle_id, g_source_remove);
  c->idle_id = af_timeout_add_seconds_named (c->self->idle_seconds, "[agentflow] loopback connection idle", on_connection_idle_cb, c);
}

static void
on_request_activity_cb (SoupServer        *server,
                        SoupServerMessage *msg,
                        AfLoopbackServer  *self)
{
  Connection *c = g_hash_table_lookup (self->by_socket, soup_server_message_get_socket (msg));

  if (c != NULL)
    connection_touch (c);
}

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source_object,
                AfLoopbackServer  *self)
{
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocketAddress) remote = NULL;
  g_autoptr (GError) error = NULL;
  Connection *c;

  if (self->server == NULL)
    return FALSE;

  /* Full: the oldest connection makes room, so the browser's redirect
   * always gets in, however many connections another program holds. */
  while (self->connections.length >= AF_LOOPBACK_MAX_CONNECTIONS)
    connection_drop (g_queue_peek_head (&self->connections));

  local = g_socket_connection_get_local_address (connection, NULL);
  remote = g_socket_connection_get_remote_address (connection, NULL);
  if (local == NULL || remote == NULL ||
      !soup_server_accept_iostream (self->server, G_IO_STREAM (connection), local, remote, &error))
    {
      g_debug ("Could not take a connection to the sign-in port: %s", error ? error->message : "no address");
      return FALSE;
    }

  c = g_new0 (Connection, 1);
  c->self = self;
  c->connection = connection;
  g_queue_push_tail (&self->connections, c);
  c->link = self->connections.tail;
  g_hash_table_insert (self->by_socket, g_socket_connection_get_socket (connection), c);
  g_object_weak_ref (G_OBJECT (connection), on_connection_finalized_cb, c);
  connection_touch (c);

  return TRUE;
}

/**
 * af_loopback_check_issuer:
 * @issuer: (nullable): the provider's issuer, when it has one
 * @required: whether the provider advertises
 *   authorization_response_iss_parameter_supported
 *
 * RFC 9207 §2.4 (https://www.rfc-editor.org/rfc/rfc9207#section-2.4):
 * an `iss` in the authorization response must be the issuer we asked,
 * by simple string comparison, and one that the provider promised must
 * be there; otherwise the response comes from another authorization
 * server (a mix-up attack) and its code must not be redeemed.
 */
gboolean
af_loopback_check_issuer (GHashTable *query,
                          const char *issuer,
                          gboolean    required,
                          GError    **error)
{
  const char *iss = query ? g_hash_table_lookup (query, "iss") : NULL;

  if (issuer == NULL || (iss == NULL && !required) || g_strcmp0 (iss, issuer) == 0)
    return TRUE;

  g_message ("Rejected a sign-in callback with %s issuer", iss ? "another" : "no");
  g_set_error_literal (error, AF_ERROR, AF_ERROR_AUTH_FAILED,
                       _ ("The sign-in answer did not come from the provider AgentFlow asked. Nothing was connected; try again."));
  return FALSE;
}

static gboolean
host_allowed (AfLoopbackServer *self,
              const char       *host)
{
  static const char *const names[] = { "127.0.0.1", "[::1]", "localhost" };

  if (host == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *expected = g_strdup_printf ("%s:%u", names[i], self->port);

      if (g_ascii_strcasecmp (host, expected) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  AfLoopbackServer  *self = user_data;
  GUri              *uri = soup_server_message_get_uri (msg);
  const char        *raw_query = g_uri_get_query (uri);
  char              *code = NULL;
  GError            *error = NULL;
  GError            *issuer_error = NULL;
  AfLoopbackCallback kind;

  if (!host_allowed (self, soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Host")))
    {
      /* DNS rebinding: a web page whose name resolves to 127.0.0.1 must
       * not be able to deliver, or read, anything here. */
      g_message ("Rejected a sign-in request with a foreign Host header");
      respond (msg, SOUP_STATUS_BAD_REQUEST, _ ("Sign-in not recognised"),
               _ ("This request did not come through the address AgentFlow opened."));
      return;
    }

  if (g_strcmp0 (path, self->path) != 0 || !g_str_equal (soup_server_message_get_method (msg), "GET"))
    {
      respond (msg, SOUP_STATUS_NOT_FOUND, _ ("Not found"),
               _ ("This address is used by AgentFlow only while you sign in to an account."));
      return;
    }

  if (raw_query != NULL && strlen (raw_query) > AF_LOOPBACK_MAX_QUERY)
    {
      g_message ("Rejected a sign-in callback with an oversized query (%zu bytes)", strlen (raw_query));
      respond (msg, SOUP_STATUS_REQUEST_URI_TOO_LONG, _ ("Request too long"),
               _ ("AgentFlow did not accept this request. Try connecting again from AgentFlow."));
      return;
    }

  if (self->done)
    {
      respond (msg, SOUP_STATUS_OK, _ ("Sign-in already finished"),
               _ ("This sign-in attempt is already finished."));
      return;
    }

  kind = af_loopback_read_callback (query, self->state, &code, &error);
  if (kind != AF_LOOPBACK_CALLBACK_FOREIGN &&
      !af_loopback_check_issuer (query, self->issuer, self->issuer_required, &issuer_error))
    {
      g_clear_pointer (&code, g_free);
      g_clear_error (&error);
      error = g_steal_pointer (&issuer_error);
      kind = AF_LOOPBACK_CALLBACK_FAILED;
    }

  switch (kind)
    {
    case AF_LOOPBACK_CALLBACK_FOREIGN:
      respond (msg, SOUP_STATUS_BAD_REQUEST, _ ("Sign-in not recognised"),
               _ ("This page does not belong to the sign-in AgentFlow started. Use the link AgentFlow opened."));
      break;
    case AF_LOOPBACK_CALLBACK_DENIED:
      respond (msg, SOUP_STATUS_OK, _ ("Access declined"),
               _ ("You declined access. Nothing was connected."));
      finish_after_response (self, msg, NULL, g_steal_pointer (&error));
      break;
    case AF_LOOPBACK_CALLBACK_FAILED:
      respond (msg, SOUP_STATUS_OK, _ ("Sign-in failed"),
               _ ("The sign-in did not complete. AgentFlow says what happened."));
      finish_after_response (self, msg, NULL, g_steal_pointer (&error));
      break;
    case AF_LOOPBACK_CALLBACK_CODE:
    default:
      respond (msg, SOUP_STATUS_OK, _ ("You can return to AgentFlow"),
               _ ("AgentFlow received your authorization and is finishing the connection."));
      finish_after_response (self, msg, g_steal_pointer (&code), NULL);
      break;
    }
}

/* Whole minutes only when the timeout is whole minutes: 280 s is not
 * "4 minutes". */
char *
af_loopback_describe_timeout (guint seconds)
{
  if (seconds >= 60 && seconds % 60 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The sign-in was not completed in the browser within %u minute.",
                                         "The sign-in was not completed in the browser within %u minutes.", seconds / 60),
                            seconds / 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The sign-in was not completed in the browser within %u second.",
                                       "The sign-in was not completed in the browser within %u seconds.", seconds),
                          seconds);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  /* The attempt's task may hold the last reference: completing it must
   * not free us before we closed the port. */
  g_autoptr (AfLoopbackServer) self = g_object_ref (user_data);
  g_autofree char *text = af_loopback_describe_timeout (self->timeout_seconds);

  self->timeout_id = 0;
  complete (self, NULL, g_error_new_literal (AF_ERROR, AF_ERROR_TIMED_OUT, text));
  af_loopback_server_close (self);

  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  g_autoptr (AfLoopbackServer) self = g_object_ref (user_data);

  complete (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("The sign-in was cancelled")));
  af_loopback_server_close (self);

  return G_SOURCE_REMOVE;
}

static void
af_loopback_server_dispose (GObject *object)
{
  AfLoopbackServer *self = (AfLoopbackServer *)object;

  af_loopback_server_close (self);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_pointer (&self->by_socket, g_hash_table_unref);
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
  g_clear_object (&self->task);

  G_OBJECT_CLASS (af_loopback_server_parent_class)->dispose (object);
}

static void
af_loopback_server_finalize (GObject *object)
{
  AfLoopbackServer *self = (AfLoopbackServer *)object;

  g_free (self->path);
  if (self->state != NULL)
    explicit_bzero (self->state, strlen (self->state));
  g_free (self->state);
  g_free (self->redirect_uri);
  g_free (self->issuer);

  G_OBJECT_CLASS (af_loopback_server_parent_class)->finalize (object);
}

static void
af_loopback_server_class_init (AfLoopbackServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_loopback_server_dispose;
  object_class->finalize = af_loopback_server_finalize;
}

static void
af_loopback_server_init (AfLoopbackServer *self)
{
  g_queue_init (&self->connections);
  self->by_socket = g_hash_table_new (NULL, NULL);
  self->idle_seconds = AF_LOOPBACK_IDLE_SECONDS;
}

static gboolean
listen_on (GSocketListener *listener,
           GSocketFamily    family,
           guint            port,
           guint           *port_out,
           GError         **error)
{
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr (GSocketAddress) effective = NULL;

  if (!g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, error))
    return FALSE;
  *port_out = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return TRUE;
}

/* Listens on @family's loopback address, on @preferred_port when it is
 * free, else on any free port. */
static gboolean
listen_any (GSocketListener *listener,
            GSocketFamily    family,
            guint            preferred_port,
            guint           *port_out,
            GError         **error)
{
  g_autoptr (GError) local_error = NULL;

  /* A taken port is not an error: take any free one instead. */
  if (preferred_port != 0 && listen_on (listener, family, preferred_port, port_out, &local_error))
    return TRUE;
  if (local_error != NULL)
    g_debug ("Port %u unavailable (%s); picking another", preferred_port, local_error->message);

  return listen_on (listener, family, 0, port_out, error);
}

/**
 * af_loopback_server_new:
 * @host: the redirect host: "127.0.0.1" or "localhost"
 * @path: the redirect path, e.g. "/oauth/callback"
 * @state: the attempt's state; callbacks without it are rejected
 * @preferred_port: a port to try first, or 0 for any free one
 *
 * Starts listening. "127.0.0.1" falls back to "[::1]" on hosts without
 * IPv4 loopback.
 */
AfLoopbackServer *
af_loopback_server_new (const char *host,
                        const char *path,
                        const char *state,
                        guint       preferred_port,
                        GError    **error)
{
  g_autoptr (AfLoopbackServer) self = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *uri_host = host;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);
  g_return_val_if_fail (state != NULL, NULL);

  self = g_object_new (AF_TYPE_LOOPBACK_SERVER, NULL);
  self->path = g_strdup (path);
  self->state = g_strdup (state);
  self->timeout_seconds = 300;
  self->server = soup_server_new ("server-header", "AgentFlow", NULL);
  soup_server_add_handler (self->server, NULL, on_request_cb, self, NULL);
  g_signal_connect_object (self->server, "request-started", G_CALLBACK (on_request_activity_cb), self, 0);
  g_signal_connect_object (self->server, "request-finished", G_CALLBACK (on_request_activity_cb), self, 0);
  self->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), AF_LOOPBACK_BACKLOG);
  g_signal_connect_object (self->service, "incoming", G_CALLBACK (on_incoming_cb), self, 0);

  if (listen_any (G_SOCKET_LISTENER (self->service), G_SOCKET_FAMILY_IPV4, preferred_port, &self->port, &local_error))
    {
      /* Browsers may resolve localhost to either family: the same port
       * on [::1] too, where there is one. */
      if (g_str_equal (host, "localhost"))
        {
          guint v6_port;

          if (!listen_on (G_SOCKET_LISTENER (self->service), G_SOCKET_FAMILY_IPV6, self->port, &v6_port, NULL))
            g_debug ("No IPv6 loopback for the sign-in port");
        }
    }
  else
    {
      /* No IPv4 loopback on this host. */
      g_clear_error (&local_error);
      if (!g_str_equal (host, "localhost"))
        uri_host = "[::1]";
      listen_any (G_SOCKET_LISTENER (self->service), G_SOCKET_FAMILY_IPV6, preferred_port, &self->port, &local_error);
    }

  if (local_error != NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NETWORK,
                   _ ("AgentFlow could not open a local port for the sign-in: %s"), local_error->message);
      return NULL;
    }

  g_socket_service_start (self->service);
  self->redirect_uri = g_strdup_printf ("http://%s:%u%s", uri_host, self->port, path);

  return g_steal_pointer (&self);
}

void
af_loopback_server_set_idle_timeout (AfLoopbackServer *self,
                                     guint             seconds)
{
  g_return_if_fail (AF_IS_LOOPBACK_SERVER (self));
  g_return_if_fail (seconds > 0);

  self->idle_seconds = seconds;
}

/**
 * af_loopback_server_set_issuer:
 * @issuer: (nullable): the authorization server's issuer identifier
 * @required: whether every response must carry it (RFC 9207)
 *
 * Checks the `iss` parameter of the redirect against @issuer.
 */
void
af_loopback_server_set_issuer (AfLoopbackServer *self,
                               const char       *issuer,
                               gboolean          required)
{
  g_return_if_fail (AF_IS_LOOPBACK_SERVER (self));

  g_free (self->issuer);
  self->issuer = g_strdup (issuer);
  self->issuer_required = issuer != NULL && required;
}

const char *
af_loopback_server_get_redirect_uri (AfLoopbackServer *self)
{
  g_return_val_if_fail (AF_IS_LOOPBACK_SERVER (self), NULL);
  return self->redirect_uri;
}

guint
af_loopback_server_get_port (AfLoopbackServer *self)
{
  g_return_val_if_fail (AF_IS_LOOPBACK_SERVER (self), 0);
  return self->port;
}

/**
 * af_loopback_server_wait_async:
 * @timeout_seconds: how long the person has to finish in the browser
 *
 * Waits for the redirect that carries this attempt's state. Cancelling
 * or timing out closes the port.
 */
void
af_loopback_server_wait_async (AfLoopbackServer   *self,
                               guint               timeout_seconds,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (AF_IS_LOOPBACK_SERVER (self));
  g_return_if_fail (timeout_seconds > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_loopback_server_wait_async);

  if (self->task != NULL || self->done || self->server == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, "Already waited for a redirect");
      return;
    }

  self->task = g_steal_pointer (&task);
  self->timeout_seconds = timeout_seconds;
  self->timeout_id = af_timeout_add_seconds_named (timeout_seconds, "[agentflow] loopback timeout", on_timeout_cb, self);
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (on_cancelled_cb), self, NULL);
      g_source_attach (self->cancel_source, g_main_context_get_thread_default ());
    }
}

/**
 * af_loopback_server_wait_finish:
 *
 * Returns: (transfer full): the authorization code, or %NULL with
 *   %AF_ERROR_ACCESS_DENIED, %AF_ERROR_AUTH_FAILED, %AF_ERROR_TIMED_OUT
 *   or %G_IO_ERROR_CANCELLED
 */
char *
af_loopback_server_wait_finish (AfLoopbackServer *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_loopback_server_wait_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * af_loopback_server_close:
 *
 * Stops listening and drops every connection, slow ones included.
 */
void
af_loopback_server_close (AfLoopbackServer *self)
{
  g_return_if_fail (AF_IS_LOOPBACK_SERVER (self));

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  while (self->connections.head != NULL)
    connection_drop (self->connections.head->data);
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}
