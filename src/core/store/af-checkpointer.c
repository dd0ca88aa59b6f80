/* af-checkpointer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-database"

#include "config.h"

#include <sqlite3.h>

#include "af-checkpointer.h"
#include "af-database.h"

/* A checkpoint is asked for once the log holds CHECKPOINT_PAGES pages,
 * SQLite's own threshold (https://www.sqlite.org/c3ref/wal_autocheckpoint.html).
 * See on_wal_commit_cb() for CHECKPOINT_HANDOFF_PAGES. Should the thread
 * fall behind a writer that never pauses, the commit that takes the log
 * past AF_DATABASE_WAL_MAX_PAGES checkpoints it itself, as SQLite would:
 * the log never grows without bound. */
#define CHECKPOINT_PAGES         1000
#define CHECKPOINT_HANDOFF_PAGES (2 * CHECKPOINT_PAGES)

/* Copies the write-ahead log back into the database file from a thread
 * of its own, on a connection of its own, so that the app's commits never
 * wait for it: a checkpoint writes every page the log holds to the file
 * and syncs both, which took a third of a commit's time when SQLite did
 * it inside the commit that crossed its threshold.
 *
 * A PASSIVE checkpoint never blocks the writer nor waits for it
 * (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html), and the log is
 * synced before a page of it is copied, so a crash at any point leaves
 * the same data as a checkpoint done by the writer itself
 * (https://www.sqlite.org/wal.html#ckpt). Once every frame is copied, the
 * next write transaction starts the log over from its beginning: the
 * file stays the size the busiest stretch of writes needed. */
struct _AfCheckpointer
{
  /* The writer's side (its thread only) */
  sqlite3 *db;
  guint    log_frames; /* the frames the log held at the last commit */
  guint    n_by_commit;

  /* Shared with the thread, under @lock */
  char    *path;
  GMutex   lock;
  GCond    cond;      /* for the thread: a request, or quit */
  GCond    idle_cond; /* for the writer: the checkpoint under way ended */
  GThread *thread;    /* started by the first request */
  gboolean wanted;    /* a checkpoint was asked for since the last began */
  gboolean running;   /* one is under way */
  gboolean quit;
  guint    n_done;
  guint    log_id;      /* changes each time the log starts over */
  guint    done_log_id; /* … as the last checkpoint done found it */
  int      done_frames; /* the frames it copied, all from the start */
};

static sqlite3 *
open_connection (const char *path)
{
  sqlite3 *db = NULL;

  /* The file exists (the app's connection made it); never create one. */
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_debug ("Could not open the database to checkpoint it: %s", db ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close_v2 (db);
      return NULL;
    }
  /* As the app's connection: the log is synced before it is copied, the
   * file after. */
  sqlite3_exec (db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
  return db;
}

static gpointer
checkpoint_thread (gpointer data)
{
  AfCheckpointer *self = data;
  sqlite3        *db = NULL;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      int   n_log = 0, n_copied = 0, rc;
      guint log_id;

      while (!self->wanted && !self->quit)
        g_cond_wait (&self->cond, &self->lock);
      if (self->quit)
        break;
      self->wanted = FALSE;
      self->running = TRUE;
      log_id = self->log_id;
      g_mutex_unlock (&self->lock);

      if (db == NULL)
        db = open_connection (self->path);
      rc = db ? sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_copied) : SQLITE_CANTOPEN;
      /* Busy: another connection is checkpointing; it does the work. */
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        g_debug ("Could not checkpoint the database: %s", db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));

      g_mutex_lock (&self->lock);
      self->running = FALSE;
      g_cond_broadcast (&self->idle_cond);
      if (rc == SQLITE_OK)
        {
          self->n_done++;
          self->done_log_id = log_id;
          self->done_frames = n_copied;
        }
    }
  g_mutex_unlock (&self->lock);

  sqlite3_close_v2 (db);
  return NULL;
}

/* Asks for a checkpoint soon. Requests made while one is under way make
 * one more after it, not one each. */
static void
request (AfCheckpointer *self)
{
  g_mutex_lock (&self->lock);
  self->wanted = TRUE;
  if (self->thread == NULL)
    self->thread = g_thread_new ("af-checkpoint", checkpoint_thread, self);
  else
    g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Whether the last checkpoint the thread completed copied all of the log
 * but its last @added frames. */
static gboolean
copied_all_but (AfCheckpointer *self,
                int             n_frames,
                int             added)
{
  gboolean yes;

  g_mutex_lock (&self->lock);
  yes = self->n_done > 0 && self->done_log_id == self->log_id && n_frames - self->done_frames <= added;
  g_mutex_unlock (&self->lock);
  return yes;
}

/* After every commit in WAL mode, with the frames (pages) the log now
 * holds; in place of SQLite's own checkpoint in the commit
 * (sqlite3_wal_hook() replaces it: https://www.sqlite.org/c3ref/wal_hook.html).
 *
 * The thread copies the bulk of the log. It cannot make the log start
 * over by itself: that happens at the next write transaction only if the
 * last checkpoint copied every frame, and the writer adds frames while
 * the thread works. So once the log is CHECKPOINT_HANDOFF_PAGES long and
 * the thread has copied all of it up to this commit, the commit copies
 * its own frames (which the thread would copy next) itself: one
 * transaction's pages and two syncs, against the whole log before. */
static int
on_wal_commit_cb (gpointer    data,
                  sqlite3    *db,
                  const char *name,
                  int         n_frames)
{
  AfCheckpointer *self = data;
  int             added;

  /* A log only grows until it starts over. */
  if ((guint)n_frames < self->log_frames)
    {
      g_mutex_lock (&self->lock);
      self->log_id++;
      g_mutex_unlock (&self->lock);
      self->log_frames = 0;
    }
  added = n_frames - self->log_frames;
  self->log_frames = n_frames;
  if (n_frames < CHECKPOINT_PAGES)
    return SQLITE_OK;

  if (n_frames >= AF_DATABASE_WAL_MAX_PAGES)
    {
      /* The thread fell behind. Its checkpoint under way would make this
       * one fail (busy), and the log grow on: it ends first (its frames
       * are not copied twice), and no other begins, this one copies the
       * rest. */
      g_mutex_lock (&self->lock);
      self->wanted = FALSE;
      while (self->running)
        g_cond_wait (&self->idle_cond, &self->lock);
      g_mutex_unlock (&self->lock);
      if (sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK)
        self->n_by_commit++;
    }
  else if (n_frames >= CHECKPOINT_HANDOFF_PAGES && copied_all_but (self, n_frames, added))
    {
      if (sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK)
        self->n_by_commit++;
    }
  else
    request (self);
  return SQLITE_OK;
}

/**
 * af_checkpointer_new:
 * @db: the connection that writes, in WAL mode
 * @path: its file
 *
 * Takes over the checkpoints of @db's write-ahead log. No thread runs
 * until the log first needs a checkpoint.
 *
 * Returns: (transfer full): the checkpointer; free it before closing @db
 */
AfCheckpointer *
af_checkpointer_new (sqlite3    *db,
                     const char *path)
{
  AfCheckpointer *self;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (AfCheckpointer, 1);
  self->path = g_strdup (path);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_cond_init (&self->idle_cond);
  self->db = db;
  sqlite3_wal_hook (db, on_wal_commit_cb, self);
  return self;
}

/**
 * af_checkpointer_get_n_done:
 * @by_commit: (out) (optional): how many a commit did itself
 *
 * Returns: how many checkpoints the thread completed
 */
guint
af_checkpointer_get_n_done (AfCheckpointer *self,
                            guint          *by_commit)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  if (by_commit != NULL)
    *by_commit = self->n_by_commit;
  g_mutex_lock (&self->lock);
  n = self->n_done;
  g_mutex_unlock (&self->lock);
  return n;
}

/**
 * af_checkpointer_free:
 *
 * Stops the thread (a checkpoint under way finishes first) and closes its
 * connection, so that the app's connection, closed after, is the last
 * one: SQLite then checkpoints and removes the log itself.
 */
void
af_checkpointer_free (AfCheckpointer *self)
{
  if (self == NULL)
    return;

  sqlite3_wal_hook (self->db, NULL, NULL);
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  if (self->thread != NULL)
    g_thread_join (self->thread);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_cond_clear (&self->idle_cond);
  g_free (self->path);
  g_free (self);
}
