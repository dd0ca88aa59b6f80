/* af-sandbox-thread.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sandbox's server in a thread of its own, with its own main
 * context: af_sandbox_start_in_thread().
 */

#define G_LOG_DOMAIN "af-sandbox"

#include "config.h"

#include "af-sandbox-private.h"

struct _SbThread
{
  AfSandbox    *sandbox; /* owns us */
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;

  /* Until the server listens (or failed to). */
  GMutex   mutex;
  GCond    cond;
  gboolean done;
  gboolean started;
  GError  *error;
};

static gpointer
server_thread (gpointer data)
{
  SbThread *self = data;
  gboolean  started;
  GError   *error = NULL;

  /* The server's sockets and timers attach to the thread-default
   * context of the thread that creates them. */
  g_main_context_push_thread_default (self->context);
  started = af_sandbox_start (self->sandbox, &error);

  g_mutex_lock (&self->mutex);
  self->started = started;
  self->error = error;
  self->done = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (started)
    g_main_loop_run (self->loop);
  af_sandbox_stop_server (self->sandbox);
  /* What the disconnection queued (answers still held by an injected
   * latency are dropped with their connections). */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static gboolean
on_quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
sb_thread_free (SbThread *self)
{
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_clear_error (&self->error);
  g_free (self);
}

/* Returns once the server listens: NULL with @error if it could not. */
SbThread *
sb_thread_start (AfSandbox *sandbox,
                 GError   **error)
{
  SbThread *self = g_new0 (SbThread, 1);
  gboolean  started;

  self->sandbox = sandbox;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("af-sandbox", server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->done)
    g_cond_wait (&self->cond, &self->mutex);
  started = self->started;
  g_mutex_unlock (&self->mutex);

  if (!started)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      g_thread_join (self->thread);
      sb_thread_free (self);
      return NULL;
    }
  return self;
}

void
sb_thread_stop (SbThread *self)
{
  g_autoptr (GSource) quit = g_idle_source_new ();

  /* Through the loop: a g_main_loop_quit() before it runs would be lost. */
  g_source_set_callback (quit, on_quit_cb, self->loop, NULL);
  g_source_attach (quit, self->context);
  g_thread_join (self->thread);
  sb_thread_free (self);
}
