/* af-database.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-database"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "af-checkpointer.h"
#include "af-database.h"
#include "af-database-migrations.h"
#include "af-error.h"
#include "af-source.h"
#include "af-time.h"

/* Appends outside any transaction (the activity log's) are grouped: one
 * commit for all those of GROUP_MAX_US. */
#define GROUP_MAX_US (10 * 1000)

/* A statement asked for lately, by the address of its text. */
typedef struct
{
  const char   *sql;
  sqlite3_stmt *stmt;
} Recent;

struct _AfDatabase
{
  GObject parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;
  gboolean    group_open;  /* a group of appends waits for its commit */
  gint64      group_start; /* when it began (monotonic µs) */
  guint       group_id;    /* the timer of its commit */
  GArray     *held;        /* HeldWrites: see af_database_add_held_writes() */

  AfCheckpointer *checkpointer; /* NULL for ":memory:" */

  /* Most statements' texts are literals, asked for again and again, and a
   * long text costs more to hash than to compare: looked up by address
   * first, a hit checked against the text. */
  Recent recent[64];
};

typedef struct
{
  AfDatabaseWriteFunc write;
  AfDatabaseDropFunc  drop;
  gpointer            data;
} HeldWrites;

G_DEFINE_FINAL_TYPE (AfDatabase, af_database, G_TYPE_OBJECT)

static int
map_sqlite_code (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return AF_ERROR_DISK_FULL;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return AF_ERROR_READ_ONLY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return AF_ERROR_DATABASE_CORRUPT;
    default:
      return AF_ERROR_DATABASE;
    }
}

/**
 * af_database_set_error:
 * @self: a #AfDatabase
 * @rc: the SQLite result code
 * @error: return location for a #GError
 * @what: what was being done, for the message
 *
 * Turns a SQLite failure into an #AF_ERROR a person can act on.
 */
void
af_database_set_error (AfDatabase *self,
                       int         rc,
                       GError    **error,
                       const char *what)
{
  int         code = map_sqlite_code (rc);
  const char *detail = self != NULL && self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  /* A plain I/O error whose cause is the disk: opening a WAL database on a
   * full disk fails as "disk I/O error" (the -shm file cannot grow). */
  if (code == AF_ERROR_DATABASE && (rc & 0xff) == SQLITE_IOERR && self != NULL && self->db != NULL)
    {
      int errsv = sqlite3_system_errno (self->db);

      if (errsv == ENOSPC || errsv == EDQUOT)
        code = AF_ERROR_DISK_FULL;
      else if (errsv == EROFS)
        code = AF_ERROR_READ_ONLY;
    }

  switch (code)
    {
    case AF_ERROR_DISK_FULL:
      g_set_error (error, AF_ERROR, code,
                   "The disk is full: could not %s. Free some space and try again.", what);
      break;
    case AF_ERROR_READ_ONLY:
      g_set_error (error, AF_ERROR, code,
                   "The data folder is read-only: could not %s (%s).", what, detail);
      break;
    case AF_ERROR_DATABASE_CORRUPT:
      g_set_error (error, AF_ERROR, code,
                   "The database is damaged: could not %s (%s).", what, detail);
      break;
    default:
      g_set_error (error, AF_ERROR, code, "Could not %s: %s", what, detail);
      break;
    }
}

static gboolean
exec_sql (AfDatabase *self,
          const char *sql,
          const char *what,
          GError    **error)
{
  int rc;

  g_assert (AF_IS_DATABASE (self));

  if (!af_database_flush (self, error))
    return FALSE;
  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      af_database_set_error (self, rc, error, what);
      return FALSE;
    }

  return TRUE;
}

/* A truncated file still opens and reads its first page fine; the damage
 * shows only when a later page is read, maybe in the middle of a run. The
 * header says how many pages the file holds: compare it with the file. */
static guint32
read_be32 (const guint8 *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

static gboolean
check_not_truncated (const char *path,
                     GError    **error)
{
  g_autoptr (GMappedFile) mapped = NULL;
  const guint8 *h;
  guint32       page_size, n_pages, change_counter, valid_for;
  gsize         size;

  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf         st;

  if (g_strcmp0 (path, ":memory:") == 0 || !g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  /* An interrupted checkpoint leaves the main file short while the
   * write-ahead log still holds the pages; SQLite recovers that itself. */
  if (g_stat (wal, &st) == 0 && st.st_size > 0)
    return TRUE;

  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL)
    return TRUE; /* sqlite3_open reports unreadable files itself */

  size = g_mapped_file_get_length (mapped);
  if (size == 0)
    return TRUE;

  h = (const guint8 *)g_mapped_file_get_contents (mapped);
  if (size < 100 || memcmp (h, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_DATABASE_CORRUPT,
                   "The database is damaged: %s is not a database file.", path);
      return FALSE;
    }

  page_size = (h[16] << 8) | h[17];
  if (page_size == 1)
    page_size = 65536;
  change_counter = read_be32 (h + 24);
  n_pages = read_be32 (h + 28);
  valid_for = read_be32 (h + 92);

  if (n_pages != 0 && change_counter == valid_for && (guint64)n_pages * page_size > size)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_DATABASE_CORRUPT,
                   "The database is damaged: %s is truncated (%" G_GSIZE_FORMAT " of %" G_GUINT64_FORMAT " bytes).",
                   path, size, (guint64)n_pages * page_size);
      return FALSE;
    }

  return TRUE;
}

static int
read_user_version (AfDatabase *self,
                   GError    **error)
{
  sqlite3_stmt *stmt;
  int           rc;
  int           version = -1;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      af_database_set_error (self, rc, error, "read the database");
      return -1;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  else
    af_database_set_error (self, rc, error, "read the database");

  sqlite3_finalize (stmt);

  return version;
}

static gboolean
migrate (AfDatabase *self,
         GError    **error)
{
  int version;

  version = read_user_version (self, error);
  if (version < 0)
    return FALSE;

  if ((guint)version > af_database_n_migrations)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_DATABASE_TOO_NEW,
                   "The database was written by a newer version of AgentFlow "
                   "(schema %d, this version knows %u). Update AgentFlow to open it; "
                   "it was left untouched.",
                   version, af_database_n_migrations);
      return FALSE;
    }

  for (guint i = version; i < af_database_n_migrations; i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

      if (!exec_sql (self, "BEGIN IMMEDIATE", "update the database", error))
        return FALSE;

      if (!exec_sql (self, af_database_migrations[i], "update the database", error) ||
          !exec_sql (self, bump, "update the database", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }

      if (!exec_sql (self, "COMMIT", "update the database", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }

      g_debug ("Database migrated to schema %u", i + 1);
    }

  return TRUE;
}

static void
af_database_finalize (GObject *object)
{
  AfDatabase *self = (AfDatabase *)object;
  g_autoptr (GError) error = NULL;

  if (!af_database_flush (self, &error))
    g_warning ("Could not record the last activity: %s", error->message);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->held, g_array_unref);
  /* Its connection first: the app's, closed last, removes the log. */
  g_clear_pointer (&self->checkpointer, af_checkpointer_free);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  self->db = NULL;
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (af_database_parent_class)->finalize (object);
}

static void
af_database_class_init (AfDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = af_database_finalize;
}

static void
af_database_init (AfDatabase *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify)sqlite3_finalize);
  self->held = g_array_new (FALSE, FALSE, sizeof (HeldWrites));
}

/* What the stores hold back goes into the transaction before it commits:
 * a commit never leaves a row of it behind. A row that cannot be written
 * is reported, and the rest commits, as when it was written at once. */
static void
write_held (AfDatabase *self)
{
  for (guint i = 0; i < self->held->len; i++)
    {
      HeldWrites *h = &g_array_index (self->held, HeldWrites, i);
      g_autoptr (GError) error = NULL;

      if (!h->write (h->data, &error))
        g_warning ("Could not record activity: %s", error->message);
    }
}

static void
drop_held (AfDatabase *self)
{
  for (guint i = 0; i < self->held->len; i++)
    {
      HeldWrites *h = &g_array_index (self->held, HeldWrites, i);

      h->drop (h->data);
    }
}

/**
 * af_database_open:
 * @path: the database file, or ":memory:"
 * @error: return location for a #GError
 *
 * Opens (creating if needed) the database and brings its schema up to date.
 * A file that is not a readable AgentFlow database is never modified: the
 * error says so (%AF_ERROR_DATABASE_CORRUPT, %AF_ERROR_DATABASE_TOO_NEW) and
 * the caller decides whether to af_database_move_aside() it.
 *
 * Returns: (transfer full): the database, or %NULL with @error set
 */
AfDatabase *
af_database_open (const char *path,
                  GError    **error)
{
  g_autoptr (AfDatabase) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_strcmp0 (path, ":memory:") != 0)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int errsv = errno;

          g_set_error (error, AF_ERROR,
                       errsv == ENOSPC ? AF_ERROR_DISK_FULL : AF_ERROR_READ_ONLY,
                       "Could not create the data folder %s: %s", dir, g_strerror (errsv));
          return NULL;
        }
    }

  if (!check_not_truncated (path, error))
    return NULL;

  self = g_object_new (AF_TYPE_DATABASE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      af_database_set_error (self, rc, error, "open the database");
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);

  /* A cheap read of the header first: a file that is not SQLite fails here
   * before anything could be written to it. */
  if (read_user_version (self, error) < 0)
    return NULL;

  if (!exec_sql (self,
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA synchronous = NORMAL;"
                 "PRAGMA foreign_keys = ON;"
                 "PRAGMA temp_store = MEMORY;"
                 /* 512 KiB of page cache instead of 2 MiB: the lists read
                  * a page of rows at a time by key, and the OS caches the
                  * file anyway; the app idles with this resident. */
                 "PRAGMA cache_size = -512;",
                 "open the database", error))
    return NULL;

  if (g_strcmp0 (path, ":memory:") != 0)
    {
      /* The log is checkpointed by a thread, not in the commits. */
      self->checkpointer = af_checkpointer_new (self->db, path);
    }

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
af_database_get_path (AfDatabase *self)
{
  g_return_val_if_fail (AF_IS_DATABASE (self), NULL);

  return self->path;
}

sqlite3 *
af_database_get_handle (AfDatabase *self)
{
  g_return_val_if_fail (AF_IS_DATABASE (self), NULL);

  return self->db;
}

int
af_database_get_schema_version (AfDatabase *self)
{
  g_return_val_if_fail (AF_IS_DATABASE (self), -1);

  return read_user_version (self, NULL);
}

/**
 * af_database_get_checkpoints:
 * @by_commit: (out) (optional): how many a commit did itself
 *
 * Returns: how many checkpoints of the write-ahead log the checkpoint
 * thread did
 */
guint
af_database_get_checkpoints (AfDatabase *self,
                             guint      *by_commit)
{
  g_return_val_if_fail (AF_IS_DATABASE (self), 0);

  if (by_commit != NULL)
    *by_commit = 0;
  return self->checkpointer ? af_checkpointer_get_n_done (self->checkpointer, by_commit) : 0;
}

int
af_database_get_latest_version (void)
{
  return af_database_n_migrations;
}

gboolean
af_database_exec (AfDatabase *self,
                  const char *sql,
                  GError    **error)
{
  g_return_val_if_fail (AF_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  return exec_sql (self, sql, "write to the database", error);
}

/**
 * af_database_prepare:
 * @self: a #AfDatabase
 * @sql: one SQL statement
 * @error: return location for a #GError
 *
 * Returns a cached prepared statement for @sql, reset and with its bindings
 * cleared. The database owns it: do not finalize it.
 *
 * Returns: (transfer none): the statement, or %NULL with @error set
 */
sqlite3_stmt *
af_database_prepare (AfDatabase *self,
                     const char *sql,
                     GError    **error)
{
  sqlite3_stmt *stmt;
  Recent       *recent;
  int           rc;

  g_return_val_if_fail (AF_IS_DATABASE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  recent = &self->recent[((guintptr)sql >> 3) % G_N_ELEMENTS (self->recent)];
  if (recent->sql == sql && strcmp (sqlite3_sql (recent->stmt), sql) == 0)
    stmt = recent->stmt;
  else
    stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      recent->sql = sql;
      recent->stmt = stmt;
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      af_database_set_error (self, rc, error, "read the database");
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  recent->sql = sql;
  recent->stmt = stmt;

  return stmt;
}

/**
 * af_database_step_done:
 *
 * Steps a statement that returns no rows and resets it.
 */
gboolean
af_database_step_done (AfDatabase   *self,
                       sqlite3_stmt *stmt,
                       GError      **error)
{
  int rc;

  g_return_val_if_fail (AF_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (stmt != NULL, FALSE);

  /* Any other write is on disk when this returns, with what came before. */
  if (!af_database_flush (self, error))
    {
      sqlite3_reset (stmt);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      af_database_set_error (self, rc, error, "write to the database");
      return FALSE;
    }

  return TRUE;
}

static gboolean
on_group_commit_cb (gpointer user_data)
{
  AfDatabase *self = user_data;
  g_autoptr (GError) error = NULL;

  self->group_id = 0;
  if (!af_database_flush (self, &error))
    g_warning ("Could not record activity: %s", error->message);
  return G_SOURCE_REMOVE;
}

/**
 * af_database_step_grouped:
 *
 * Steps an append (a statement that returns no rows) and resets it. In a
 * transaction it is part of it; otherwise it joins a group of appends
 * committed together once the group is GROUP_MAX_US old (on a timer, or at
 * the next append), or before any other write, transaction or
 * af_database_flush(): whatever else is written comes after it on disk.
 */
gboolean
af_database_step_grouped (AfDatabase   *self,
                          sqlite3_stmt *stmt,
                          GError      **error)
{
  int rc;

  g_return_val_if_fail (AF_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (stmt != NULL, FALSE);

  if (self->group_open && g_get_monotonic_time () - self->group_start >= GROUP_MAX_US &&
      !af_database_flush (self, error))
    {
      sqlite3_reset (stmt);
      return FALSE;
    }
  if (!self->group_open && sqlite3_get_autocommit (self->db))
    {
      rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          sqlite3_reset (stmt);
          af_database_set_error (self, rc, error, "write to the database");
          return FALSE;
        }
      self->group_open = TRUE;
      self->group_start = g_get_monotonic_time ();
      self->group_id = af_timeout_add_named (GROUP_MAX_US / 1000, "[agentflow] group commit", on_group_commit_cb, self);
    }
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      af_database_set_error (self, rc, error, "write to the database");
      return FALSE;
    }
  return TRUE;
}

/**
 * af_database_flush:
 *
 * Commits the appends grouped by af_database_step_grouped(), if any.
 * On failure they are lost, and @error says why.
 */
gboolean
af_database_flush (AfDatabase *self,
                   GError    **error)
{
  int rc;

  g_return_val_if_fail (AF_IS_DATABASE (self), FALSE);

  if (!self->group_open)
    return TRUE;
  self->group_open = FALSE;
  g_clear_handle_id (&self->group_id, g_source_remove);
  rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      af_database_set_error (self, rc, error, "write to the database");
      if (!sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

/**
 * af_database_begin:
 *
 * Begins a write transaction.
 */
gboolean
af_database_begin (AfDatabase *self,
                   GError    **error)
{
  g_return_val_if_fail (AF_IS_DATABASE (self), FALSE);

  if (!exec_sql (self, "BEGIN IMMEDIATE", "write to the database", error))
    return FALSE;
  return TRUE;
}

gboolean
af_database_commit (AfDatabase *self,
                    GError    **error)
{
  g_return_val_if_fail (AF_IS_DATABASE (self), FALSE);

  write_held (self);
  if (!exec_sql (self, "COMMIT", "write to the database", error))
    {
      af_database_rollback (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * af_database_in_transaction:
 *
 * Whether a transaction is open on the connection: writes made now are
 * committed (or rolled back) with it.
 */
gboolean
af_database_in_transaction (AfDatabase *self)
{
  g_return_val_if_fail (AF_IS_DATABASE (self), FALSE);

  /* A group of appends is not a transaction of anyone's: the next begin
   * commits it first. */
  return !self->group_open && !sqlite3_get_autocommit (self->db);
}

void
af_database_rollback (AfDatabase *self)
{
  g_return_if_fail (AF_IS_DATABASE (self));

  /* Not the appends of others, only a transaction of the caller's. */
  if (!self->group_open && !sqlite3_get_autocommit (self->db))
    {
      drop_held (self);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
}

gboolean
af_database_check_integrity (AfDatabase *self,
                             GError    **error)
{
  sqlite3_stmt    *stmt;
  g_autofree char *result = NULL;
  int              rc;

  g_return_val_if_fail (AF_IS_DATABASE (self), FALSE);

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      af_database_set_error (self, rc, error, "check the database");
      return FALSE;
    }

  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (g_strcmp0 (result, "ok") != 0)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_DATABASE_CORRUPT,
                   "The database failed its integrity check: %s",
                   result ? result : "no answer");
      return FALSE;
    }

  return TRUE;
}

/**
 * af_database_move_aside:
 * @path: a database file that could not be opened
 * @error: return location for a #GError
 *
 * Renames an unreadable database (and its -wal/-shm files) to
 * `agentflow.db.broken-YYYYMMDD-HHMMSS` so a fresh one can be created
 * without destroying what the user had.
 *
 * Returns: (transfer full): the new path, or %NULL with @error set
 */
char *
af_database_move_aside (const char *path,
                        GError    **error)
{
  g_autoptr (GDateTime) now = af_date_time_new_now_local ();
  g_autofree char         *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char         *target = g_strdup_printf ("%s.broken-%s", path, stamp);
  static const char *const suffixes[] = { "-wal", "-shm" };

  g_return_val_if_fail (path != NULL, NULL);

  if (g_rename (path, target) != 0)
    {
      int errsv = errno;

      g_set_error (error, AF_ERROR, AF_ERROR_READ_ONLY,
                   "Could not move the damaged database aside: %s", g_strerror (errsv));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_rename (from, to);
    }

  return g_steal_pointer (&target);
}

/**
 * af_database_add_held_writes:
 * @write: writes the rows @data holds into the open transaction
 * @drop: forgets them (the transaction is rolled back)
 *
 * For a store that holds rows back while a transaction is open: they are
 * written before af_database_commit() commits it, and dropped by
 * af_database_rollback(). Until af_database_remove_held_writes().
 */
void
af_database_add_held_writes (AfDatabase         *self,
                             AfDatabaseWriteFunc write,
                             AfDatabaseDropFunc  drop,
                             gpointer            data)
{
  HeldWrites h = { write, drop, data };

  g_return_if_fail (AF_IS_DATABASE (self));
  g_return_if_fail (write != NULL && drop != NULL);

  g_array_append_val (self->held, h);
}

void
af_database_remove_held_writes (AfDatabase *self,
                                gpointer    data)
{
  g_return_if_fail (AF_IS_DATABASE (self));

  for (guint i = self->held->len; i > 0; i--)
    if (g_array_index (self->held, HeldWrites, i - 1).data == data)
      g_array_remove_index (self->held, i - 1);
}
