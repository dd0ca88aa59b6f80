/* af-http-exchange.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-http-client"

#include "config.h"

#include "af-http-client.h"
#include "af-http-exchange-private.h"

/* A request's exchange with the service (sending it, reading its answer)
 * happens on a thread of its own, with its own main context and session:
 * while the main thread decides and records what the last answers
 * brought, the next request is already out and its answer read. The
 * main loop otherwise sends a request and reads an answer only between
 * two of its callbacks, and at 20 ms a request a run's own work on the
 * main thread doubled every round trip.
 *
 * libsoup sends a message from the thread whose context started it, and
 * a session is used from the thread that made it
 * (https://libsoup.gnome.org/libsoup-3.0/client-thread-safety.html): the
 * session here is made, used and kept on the exchange thread, and a
 * message is handed over whole and handed back once its answer is read.
 * Everything else of a request (tokens, retries, timeouts, the caps per
 * service) stays on the caller's thread. */

#define READ_CHUNK 65536

struct _AfHttpExchange
{
  gatomicrefcount    ref;
  AfHttpLane        *lane;
  gboolean           first;
  SoupMessage       *message;
  gsize              max_size;
  GMainContext      *reply_context;
  AfHttpExchangeDone done;
  gpointer           user_data;
  GCancellable      *caller_cancellable;
  gulong             cancelled_id;

  /* The exchange thread's, until handed back. */
  gboolean      waiting; /* in lane->waiting */
  gboolean      sending; /* one of lane->active */
  GCancellable *cancellable;
  GInputStream *stream;
  GByteArray   *body;
  gsize         filled; /* of body, while a read is out */
  GError       *error;
  gboolean      too_large;
};

static GMainContext *io_context;
static SoupSession  *io_session;

static AfHttpExchange *
exchange_ref (AfHttpExchange *x)
{
  g_atomic_ref_count_inc (&x->ref);
  return x;
}

static void
exchange_unref (gpointer data)
{
  AfHttpExchange *x = data;

  if (!g_atomic_ref_count_dec (&x->ref))
    return;
  g_clear_object (&x->message);
  g_clear_pointer (&x->reply_context, g_main_context_unref);
  g_clear_object (&x->caller_cancellable);
  g_clear_object (&x->cancellable);
  g_clear_object (&x->stream);
  g_clear_pointer (&x->body, g_byte_array_unref);
  g_clear_error (&x->error);
  g_free (x);
}

static gpointer
io_thread (gpointer data)
{
  GMainContext *context = data;
  g_autoptr (GMainLoop) loop = g_main_loop_new (context, FALSE);

  g_main_context_push_thread_default (context);
  io_session = af_http_session_new ();
  g_main_loop_run (loop);
  return NULL;
}

/* The thread, made once and kept for the life of the process (as GLib's
 * own worker): it sleeps in poll() while nothing is sent. */
static GMainContext *
get_io_context (void)
{
  static gsize made = 0;

  if (g_once_init_enter (&made))
    {
      io_context = g_main_context_new ();
      g_thread_unref (g_thread_new ("af-http", io_thread, io_context));
      g_once_init_leave (&made, 1);
    }
  return io_context;
}

/* Back to the caller's context: its callback gets the answer. */
static gboolean
on_done_cb (gpointer data)
{
  AfHttpExchange *x = data;

  if (x->caller_cancellable != NULL)
    {
      g_cancellable_disconnect (x->caller_cancellable, x->cancelled_id);
      x->cancelled_id = 0;
    }
  x->done (x->message, g_steal_pointer (&x->body), g_steal_pointer (&x->error), x->too_large, x->user_data);
  return G_SOURCE_REMOVE;
}

static void go (AfHttpExchange *x);

/* Starts what waits, while the lane has room. */
static void
lane_pump (AfHttpLane *lane)
{
  while (g_atomic_int_get (&lane->active) < g_atomic_int_get (&lane->cap) && !g_queue_is_empty (&lane->waiting))
    {
      AfHttpExchange *x = g_queue_pop_head (&lane->waiting);

      x->waiting = FALSE;
      go (x);
    }
}

static void
finish (AfHttpExchange *x)
{
  if (x->sending)
    {
      x->sending = FALSE;
      g_atomic_int_dec_and_test (&x->lane->active);
      lane_pump (x->lane);
    }
  if (x->stream != NULL)
    g_input_stream_close (x->stream, NULL, NULL);
  g_clear_object (&x->stream);
  g_main_context_invoke_full (x->reply_context, G_PRIORITY_DEFAULT, on_done_cb, x, exchange_unref);
}

static void on_read_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data);

/* The next read, straight into the body: what is left of an announced
 * length, else a chunk. */
static void
read_more (AfHttpExchange *x)
{
  goffset length = soup_message_headers_get_content_length (soup_message_get_response_headers (x->message));
  gsize   count = READ_CHUNK;

  x->filled = x->body->len;
  if (length > 0 && (goffset)x->filled < length)
    count = (gsize)(length - x->filled);
  g_byte_array_set_size (x->body, x->filled + count);
  g_input_stream_read_async (x->stream, x->body->data + x->filled, count, G_PRIORITY_DEFAULT, x->cancellable, on_read_cb,
                             x);
}

static void
on_read_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AfHttpExchange *x = user_data;
  gssize          n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &x->error);

  g_byte_array_set_size (x->body, x->filled + MAX (n, 0));
  if (n < 0)
    {
      /* With an error, no body (af_http_exchange_start()'s promise). */
      g_clear_pointer (&x->body, g_byte_array_unref);
      finish (x);
      return;
    }
  if (n == 0)
    {
      finish (x);
      return;
    }
  if (x->body->len > x->max_size)
    {
      /* Not read further. */
      x->too_large = TRUE;
      g_clear_pointer (&x->body, g_byte_array_unref);
      finish (x);
      return;
    }
  read_more (x);
}

static void
on_send_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AfHttpExchange *x = user_data;
  goffset         length;

  x->stream = soup_session_send_finish (SOUP_SESSION (object), result, &x->error);
  if (x->stream == NULL)
    {
      finish (x);
      return;
    }
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (x->message));
  if (length > 0 && (gsize)length > x->max_size)
    {
      x->too_large = TRUE;
      finish (x);
      return;
    }
  x->body = g_byte_array_sized_new (length > 0 ? (guint)length : 0);
  read_more (x);
}

static void
go (AfHttpExchange *x)
{
  x->sending = TRUE;
  g_atomic_int_inc (&x->lane->active);
  soup_session_send_async (io_session, x->message, G_PRIORITY_DEFAULT, x->cancellable, on_send_cb, x);
}

static gboolean
on_start_cb (gpointer data)
{
  AfHttpExchange *x = exchange_ref (data);
  AfHttpLane     *lane = x->lane;

  if (g_atomic_int_get (&lane->active) < g_atomic_int_get (&lane->cap) && g_queue_is_empty (&lane->waiting))
    go (x);
  else
    {
      /* A page of a listing names the next one: it goes before the
       * requests that wait, or the listing would wait for each of them. */
      x->waiting = TRUE;
      if (x->first)
        g_queue_push_head (&lane->waiting, x);
      else
        g_queue_push_tail (&lane->waiting, x);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancel_cb (gpointer data)
{
  AfHttpExchange *x = data;

  g_cancellable_cancel (x->cancellable);
  if (x->waiting)
    {
      /* Never sent: it ends here. */
      g_queue_remove (&x->lane->waiting, x);
      x->waiting = FALSE;
      g_set_error_literal (&x->error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      finish (x);
    }
  return G_SOURCE_REMOVE;
}

/* On the thread that cancelled: the exchange's own cancellable is
 * cancelled on the exchange thread, where its I/O is. */
static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  AfHttpExchange *x = user_data;

  g_main_context_invoke_full (io_context, G_PRIORITY_DEFAULT, on_cancel_cb, exchange_ref (x), exchange_unref);
}

/**
 * af_http_exchange_start:
 * @message: the request, ready to send; not touched until @done
 * @max_size: the largest answer read; a larger one is not
 * @cancellable: (nullable): stops the exchange (@done gets
 *   %G_IO_ERROR_CANCELLED)
 * @done: called once, in the caller's thread-default main context
 *
 * Sends @message and reads its whole answer on the exchange thread.
 */
void
af_http_lane_init (AfHttpLane *lane,
                   guint       cap)
{
  lane->active = 0;
  lane->cap = (gint)cap;
  g_queue_init (&lane->waiting);
}

void
af_http_lane_set_cap (AfHttpLane *lane,
                      guint       cap)
{
  g_atomic_int_set (&lane->cap, (gint)cap);
}

/* How many of the lane's requests are on the network now. */
guint
af_http_lane_get_active (AfHttpLane *lane)
{
  return (guint)g_atomic_int_get (&lane->active);
}

void
af_http_exchange_start (AfHttpLane        *lane,
                        SoupMessage       *message,
                        gboolean           first,
                        gsize              max_size,
                        GCancellable      *cancellable,
                        AfHttpExchangeDone done,
                        gpointer           user_data)
{
  AfHttpExchange *x = g_new0 (AfHttpExchange, 1);
  GMainContext   *context = get_io_context ();

  g_atomic_ref_count_init (&x->ref);
  x->lane = lane;
  x->first = first;
  x->message = g_object_ref (message);
  x->max_size = max_size;
  x->reply_context = g_main_context_ref_thread_default ();
  x->done = done;
  x->user_data = user_data;
  x->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      x->caller_cancellable = g_object_ref (cancellable);
      x->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled_cb), x, NULL);
    }
  /* The reference of the exchange until it is handed back (finish()). */
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, on_start_cb, x, exchange_unref);
}
