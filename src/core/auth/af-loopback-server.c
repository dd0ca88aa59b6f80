/* af-loopback-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-loopback-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "af-error.h"
#include "af-loopback-server.h"
#include "af-loopback-server-private.h"
#include "af-pkce.h"

/* The RFC 8252 loopback redirect: a SoupServer on 127.0.0.1 (or [::1])
 * and a random port, open for one sign-in attempt. Anything that is not
 * the real redirect (other paths, a wrong or missing state, an oversized
 * query, a replay after the attempt ended) gets an answer and changes
 * nothing; slow clients only hold their own connection. */

struct _AfLoopbackServer
{
  GObject parent_instance;

  SoupServer *server;
  char       *path;
  char       *state;
  char       *redirect_uri;
  guint       port;

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

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *title,
         const char        *text)
{
  g_autofree char    *t = g_markup_escape_text (title, -1);
  g_autofree char    *x = g_markup_escape_text (text, -1);
  g_autofree char    *html = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  html = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>"
                          "<style>body{font-family:sans-serif;max-width:36em;margin:4em auto;line-height:1.5}</style>"
                          "</head><body><h1>%s</h1><p>%s</p></body></html>\n",
                          t, t, x);
  /* The URL carried a code: no caching, and no Referer to anywhere. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
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
  g_idle_add_full (G_PRIORITY_DEFAULT, complete_pending_cb, user_data, NULL);
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

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  AfLoopbackServer *self = user_data;
  GUri             *uri = soup_server_message_get_uri (msg);
  const char       *raw_query = g_uri_get_query (uri);
  char             *code = NULL;
  GError           *error = NULL;

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
               _ ("AgentFlow did not accept this request. Go back to AgentFlow and try connecting again."));
      return;
    }

  if (self->done)
    {
      respond (msg, SOUP_STATUS_OK, _ ("Sign-in already finished"),
               _ ("This sign-in attempt is already finished. You can close this tab and return to AgentFlow."));
      return;
    }

  switch (af_loopback_read_callback (query, self->state, &code, &error))
    {
    case AF_LOOPBACK_CALLBACK_FOREIGN:
      respond (msg, SOUP_STATUS_BAD_REQUEST, _ ("Sign-in not recognised"),
               _ ("This page does not belong to the sign-in AgentFlow started. Go back to AgentFlow and use the link it opened."));
      break;
    case AF_LOOPBACK_CALLBACK_DENIED:
      respond (msg, SOUP_STATUS_OK, _ ("Access declined"),
               _ ("You declined access. Nothing was connected. You can close this tab and return to AgentFlow."));
      finish_after_response (self, msg, NULL, g_steal_pointer (&error));
      break;
    case AF_LOOPBACK_CALLBACK_FAILED:
      respond (msg, SOUP_STATUS_OK, _ ("Sign-in failed"),
               _ ("The sign-in did not complete. You can close this tab and return to AgentFlow."));
      finish_after_response (self, msg, NULL, g_steal_pointer (&error));
      break;
    case AF_LOOPBACK_CALLBACK_CODE:
    default:
      respond (msg, SOUP_STATUS_OK, _ ("You can return to AgentFlow"),
               _ ("AgentFlow received your authorization and is finishing the connection. You can close this tab and return to AgentFlow."));
      finish_after_response (self, msg, g_steal_pointer (&code), NULL);
      break;
    }
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  AfLoopbackServer *self = user_data;
  guint             minutes = self->timeout_seconds / 60;

  self->timeout_id = 0;
  if (minutes > 0)
    complete (self, NULL,
              g_error_new (AF_ERROR, AF_ERROR_TIMED_OUT,
                           g_dngettext (GETTEXT_PACKAGE, "The sign-in was not completed in the browser within %u minute.",
                                        "The sign-in was not completed in the browser within %u minutes.", minutes),
                           minutes));
  else
    complete (self, NULL,
              g_error_new (AF_ERROR, AF_ERROR_TIMED_OUT,
                           g_dngettext (GETTEXT_PACKAGE, "The sign-in was not completed in the browser within %u second.",
                                        "The sign-in was not completed in the browser within %u seconds.", self->timeout_seconds),
                           self->timeout_seconds));
  af_loopback_server_close (self);

  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  AfLoopbackServer *self = user_data;

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
}

static gboolean
listen_on (SoupServer             *server,
           guint                   preferred_port,
           SoupServerListenOptions options,
           GError                **error)
{
  g_autoptr (GError) local_error = NULL;

  /* A taken port is not an error: take any free one instead. */
  if (preferred_port != 0 && soup_server_listen_local (server, preferred_port, options, &local_error))
    return TRUE;
  if (local_error != NULL)
    g_debug ("Port %u unavailable (%s); picking another", preferred_port, local_error->message);

  return soup_server_listen_local (server, 0, options, error);
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
  g_autoptr (GSList) uris = NULL;
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

  if (g_str_equal (host, "localhost"))
    {
      /* Browsers may resolve localhost to either family. */
      if (!listen_on (self->server, preferred_port, 0, &local_error))
        {
          g_clear_error (&local_error);
          soup_server_disconnect (self->server);
          if (!listen_on (self->server, preferred_port, SOUP_SERVER_LISTEN_IPV4_ONLY, &local_error))
            {
              g_clear_error (&local_error);
              listen_on (self->server, preferred_port, SOUP_SERVER_LISTEN_IPV6_ONLY, &local_error);
            }
        }
    }
  else if (!listen_on (self->server, preferred_port, SOUP_SERVER_LISTEN_IPV4_ONLY, &local_error))
    {
      g_clear_error (&local_error);
      uri_host = "[::1]";
      listen_on (self->server, preferred_port, SOUP_SERVER_LISTEN_IPV6_ONLY, &local_error);
    }

  if (local_error != NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NETWORK,
                   _ ("AgentFlow could not open a local port for the sign-in: %s"), local_error->message);
      return NULL;
    }

  uris = soup_server_get_uris (self->server);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);
  self->redirect_uri = g_strdup_printf ("http://%s:%u%s", uri_host, self->port, path);

  return g_steal_pointer (&self);
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
  self->timeout_id = g_timeout_add_seconds (timeout_seconds, on_timeout_cb, self);
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

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}
