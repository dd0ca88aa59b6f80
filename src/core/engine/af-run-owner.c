/* af-run-owner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "af-run-owner.h"

struct _AfRunOwner
{
  char *id;
  char *path; /* NULL: no lock (an in-memory database, or none could be made) */
  int   fd;
};

static char *
lock_dir (const char *database_path)
{
  g_autofree char *dir = NULL;

  if (database_path == NULL || *database_path == '\0' || g_str_equal (database_path, ":memory:"))
    return NULL;
  dir = g_path_get_dirname (database_path);
  return g_build_filename (dir, "running", NULL);
}

static gboolean
valid_id (const char *id)
{
  return id != NULL && g_uuid_string_is_valid (id);
}

/**
 * af_run_owner_new:
 * @database_path: the database the runs are written to
 *
 * Takes an owner id and holds its lock for as long as the owner lives.
 * When no lock can be made (a read-only directory, a full disk), the
 * owner still has an id: its runs then read as interrupted to any other
 * process, as every unfinished run did before owners existed.
 */
AfRunOwner *
af_run_owner_new (const char *database_path)
{
  AfRunOwner      *self = g_new0 (AfRunOwner, 1);
  g_autofree char *dir = lock_dir (database_path);
  g_autofree char *tmp = NULL;
  g_autofree char *name = NULL;
  int              fd;

  self->id = g_uuid_string_random ();
  self->fd = -1;
  if (dir == NULL || g_mkdir_with_parents (dir, 0700) != 0)
    return self;

  /* Locked before it has its name: a file under the owner's name is
   * never seen unlocked while its owner lives. */
  name = g_strconcat (self->id, ".lock", NULL);
  tmp = g_build_filename (dir, ".new-XXXXXX", NULL);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && errno == ENOENT && g_mkdir_with_parents (dir, 0700) == 0)
    {
      /* The last owner before us removed the directory just now. */
      g_free (tmp);
      tmp = g_build_filename (dir, ".new-XXXXXX", NULL);
      fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
    }
  if (fd < 0)
    {
      g_debug ("No run lock in %s: %s", dir, g_strerror (errno));
      return self;
    }
  self->path = g_build_filename (dir, name, NULL);
  if (flock (fd, LOCK_EX | LOCK_NB) != 0 || g_rename (tmp, self->path) != 0)
    {
      g_debug ("No run lock in %s: %s", dir, g_strerror (errno));
      g_unlink (tmp);
      close (fd);
      g_clear_pointer (&self->path, g_free);
      return self;
    }
  self->fd = fd;
  return self;
}

const char *
af_run_owner_get_id (AfRunOwner *self)
{
  return self->id;
}

void
af_run_owner_free (AfRunOwner *self)
{
  if (self == NULL)
    return;
  if (self->path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->path);

      g_unlink (self->path);
      g_rmdir (dir); /* only when no other owner is left */
    }
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  g_free (self->id);
  g_free (self);
}

/**
 * af_run_owner_is_alive:
 * @database_path: the database the runs are in
 * @owner_id: the owner a run names
 *
 * Whether the process that owns @owner_id still runs. A lock file left
 * by a process that is gone is removed.
 */
gboolean
af_run_owner_is_alive (const char *database_path,
                       const char *owner_id)
{
  g_autofree char *dir = lock_dir (database_path);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  int              fd;
  gboolean         alive;

  if (dir == NULL || !valid_id (owner_id))
    return FALSE;
  name = g_strconcat (owner_id, ".lock", NULL);
  path = g_build_filename (dir, name, NULL);
  fd = g_open (path, O_RDWR | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  alive = flock (fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  if (!alive)
    g_unlink (path);
  close (fd);
  return alive;
}
