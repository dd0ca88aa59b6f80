/* af-activity-log.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-activity"

#include "config.h"

#include "af-activity-log-private.h"
#include "af-error.h"

/* The append-only activity table. Counting is O(1)-ish through the
 * activity_counts table that a trigger maintains (migration 2), or this
 * log itself for the rows it writes in batches (write_held()), so a list
 * model over a million rows opens as fast as over none. */
struct _AfActivityLog
{
  GObject parent_instance;

  AfDatabase *db;
  guint       retention_days;
  gboolean    holding; /* appends wait in @held: af_activity_log_hold() */
  GPtrArray  *held;    /* HeldRow */
  char       *insert_sql;
};

G_DEFINE_FINAL_TYPE (AfActivityLog, af_activity_log, G_TYPE_OBJECT)

enum
{
  APPENDED,
  PRUNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define WALK_CHUNK 512

/* Kinds that make the feed; keep in step with the SQL below. */
static const char *const feed_kinds[] = {
  "run-finished", "error", "deferred", "paused", "resumed", "approval-denied", "approval-expired", NULL
};

#define FEED_SQL      "kind IN ('run-finished', 'error', 'deferred', 'paused', 'resumed', 'approval-denied', 'approval-expired')"
#define FEED_IDLE_SQL "kind IN ('run-finished', 'error', 'deferred', 'paused', 'resumed', 'approval-denied', 'approval-expired', 'run-idle')"

gboolean
af_activity_kind_matches (const char *filter,
                          const char *kind)
{
  if (filter == NULL)
    return TRUE;
  if (kind == NULL)
    return FALSE;
  if (g_str_equal (filter, AF_ACTIVITY_FEED) || g_str_equal (filter, AF_ACTIVITY_FEED_WITH_IDLE))
    return g_strv_contains (feed_kinds, kind) ||
           (g_str_equal (filter, AF_ACTIVITY_FEED_WITH_IDLE) && g_str_equal (kind, "run-idle"));
  return g_str_equal (filter, kind);
}

static gboolean
is_feed (const char *kind)
{
  return kind != NULL && (g_str_equal (kind, AF_ACTIVITY_FEED) || g_str_equal (kind, AF_ACTIVITY_FEED_WITH_IDLE));
}

/* @rows: the activity table itself, where a feed filter must not use the
 * kind index: the rows are read in id order ("+kind" turns the index
 * off), so a page of the feed stops after its first rows instead of
 * sorting every run of every kind; activity_counts has no such index. */
static const char *
filter_sql (const char *agent_id,
            const char *kind,
            gboolean    rows)
{
  if (is_feed (kind))
    {
      gboolean idle = g_str_equal (kind, AF_ACTIVITY_FEED_WITH_IDLE);

      if (rows)
        return agent_id ? (idle ? " agent_id = ?2 AND +" FEED_IDLE_SQL " " : " agent_id = ?2 AND +" FEED_SQL " ")
                        : (idle ? " +" FEED_IDLE_SQL " " : " +" FEED_SQL " ");
      return agent_id ? (idle ? " agent_id = ?2 AND " FEED_IDLE_SQL " " : " agent_id = ?2 AND " FEED_SQL " ")
                      : (idle ? " " FEED_IDLE_SQL " " : " " FEED_SQL " ");
    }
  if (agent_id != NULL && kind != NULL)
    return " agent_id = ?2 AND kind = ?3 ";
  if (agent_id != NULL)
    return " agent_id = ?2 ";
  if (kind != NULL)
    return " kind = ?3 ";
  return " 1 ";
}

static sqlite3_stmt *
prepare_filtered (AfActivityLog *self,
                  const char    *head,
                  const char    *tail,
                  const char    *agent_id,
                  const char    *kind,
                  GError       **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt    *stmt;

  /* Four shapes per query at most; the database caches each. */
  sql = g_strconcat (head, filter_sql (agent_id, kind, !g_str_has_prefix (head, "SELECT total")), tail, NULL);
  stmt = af_database_prepare (self->db, sql, error);
  if (stmt == NULL)
    return NULL;
  if (agent_id != NULL)
    sqlite3_bind_text (stmt, 2, agent_id, -1, SQLITE_TRANSIENT);
  if (kind != NULL && !is_feed (kind))
    sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_TRANSIENT);
  return stmt;
}

static AfActivityEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  return af_activity_entry_new (sqlite3_column_int64 (stmt, 0),
                                sqlite3_column_int64 (stmt, 1),
                                (const char *)sqlite3_column_text (stmt, 2),
                                sqlite3_column_int64 (stmt, 3),
                                (const char *)sqlite3_column_text (stmt, 4),
                                (const char *)sqlite3_column_text (stmt, 5),
                                (const char *)sqlite3_column_text (stmt, 6),
                                (const char *)sqlite3_column_text (stmt, 7));
}

static void
held_row_free (HeldRow *row)
{
  g_free (row->agent_id);
  g_free (row->kind);
  g_free (row->summary);
  g_free (row->details);
  g_free (row->outcome);
  g_free (row->action);
  g_free (row->item);
  g_free (row);
}

/* @head (an INSERT's "INSERT INTO t (…)") of up to CHUNK_ROWS rows of
 * @n_columns values, then @tail: the rows left unbound (a NULL first
 * value) are skipped, so one statement fits any number, in order. */
char *
af_activity_values_sql (const char *head,
                        guint       n_columns,
                        const char *tail)
{
  GString *sql = g_string_new (head);

  g_string_append (sql, " SELECT * FROM (VALUES ");
  for (guint r = 0; r < CHUNK_ROWS; r++)
    {
      g_string_append (sql, r ? ", (?" : "(?");
      for (guint c = 1; c < n_columns; c++)
        g_string_append (sql, ", ?");
      g_string_append_c (sql, ')');
    }
  g_string_append (sql, ") WHERE column1 IS NOT NULL");
  g_string_append (sql, tail);
  return g_string_free (sql, FALSE);
}

/* The INSERT of up to CHUNK_ROWS rows (af_activity_values_sql()). */
static const char *
insert_sql (AfActivityLog *self)
{
  if (self->insert_sql == NULL)
    self->insert_sql = af_activity_values_sql (
        "INSERT INTO activity (ts, agent_id, run_id, kind, summary, details, outcome)", 7, "");
  return self->insert_sql;
}

static gboolean
step (AfActivityLog *self,
      const char    *sql,
      GError       **error)
{
  sqlite3_stmt *stmt = af_database_prepare (self->db, sql, error);

  return stmt != NULL && af_database_step_done (self->db, stmt, error);
}

/* Writes @rows, in order, as multi-row INSERTs; @first_id: the id of the
 * first; @done_out: how many were written (all, unless it fails). */
static gboolean
insert_rows (AfActivityLog *self,
             GPtrArray     *rows,
             gint64        *first_id,
             guint         *done_out,
             GError       **error)
{
  sqlite3 *handle = af_database_get_handle (self->db);
  guint    done = 0;

  *done_out = 0;
  while (done < rows->len)
    {
      guint         n = MIN (rows->len - done, CHUNK_ROWS);
      sqlite3_stmt *stmt;

      stmt = af_database_prepare (self->db, insert_sql (self), error);
      if (stmt == NULL)
        return FALSE;
      for (guint r = 0; r < n; r++)
        {
          HeldRow *row = g_ptr_array_index (rows, done + r);
          int      b = r * 7;

          sqlite3_bind_int64 (stmt, b + 1, row->ts);
          sqlite3_bind_text (stmt, b + 2, row->agent_id, -1, SQLITE_STATIC);
          if (row->run_id > 0)
            sqlite3_bind_int64 (stmt, b + 3, row->run_id);
          sqlite3_bind_text (stmt, b + 4, row->kind, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, b + 5, row->summary, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, b + 6, row->details, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, b + 7, row->outcome, -1, SQLITE_STATIC);
        }
      /* Cleared after, as before (af_database_prepare()): a row left
       * bound from an earlier use would be written again. */
      if (!af_database_step_grouped (self->db, stmt, error))
        {
          sqlite3_clear_bindings (stmt);
          return FALSE;
        }
      sqlite3_clear_bindings (stmt);
      /* The rows of one statement take the ids after the largest, in
       * order (an INTEGER PRIMARY KEY): the last one's is known, and the
       * next statement's follow. */
      if (done == 0)
        *first_id = sqlite3_last_insert_rowid (handle) - n + 1;
      done += n;
      *done_out = done;
    }
  return TRUE;
}

/* Writes the held rows, in order, into the open transaction (or a group
 * of appends), then tells of each; they are gone from @held either way.
 * In a transaction of the caller's, the rows are counted as a batch
 * (af_activity_counts_add()) inside a savepoint: rows and counts are written
 * together or not at all, and the trigger is off only in between. */
static gboolean
write_held (AfActivityLog *self,
            GError       **error)
{
  g_autoptr (GPtrArray) rows = g_steal_pointer (&self->held);
  gint64   first_id = 0;
  guint    written = 0;
  gboolean ok = TRUE;

  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify)held_row_free);
  if (rows->len == 0)
    return TRUE;
  if (!af_database_in_transaction (self->db))
    {
      /* A group of appends, which commits on its own time: the trigger
       * counts them, as af_activity_log_append() does; what was written
       * before a failure stays. */
      ok = insert_rows (self, rows, &first_id, &written, error);
    }
  else
    {
      if (!step (self, "SAVEPOINT activity_batch", error))
        return FALSE;
      if (!step (self, "INSERT INTO activity_batch (id) VALUES (1)", error) ||
          !insert_rows (self, rows, &first_id, &written, error) ||
          !af_activity_counts_add (self->db, rows, first_id, error) ||
          !step (self, "DELETE FROM activity_batch", error) ||
          !step (self, "RELEASE activity_batch", error))
        {
          /* Nothing of the batch stays, the trigger's switch included
           * (unless SQLite has rolled the whole transaction back). */
          if (af_database_in_transaction (self->db))
            {
              step (self, "ROLLBACK TO activity_batch", NULL);
              step (self, "RELEASE activity_batch", NULL);
            }
          return FALSE;
        }
    }

  for (guint r = 0; r < written; r++)
    {
      HeldRow *row = g_ptr_array_index (rows, r);
      g_autoptr (AfActivityEntry) entry = af_activity_entry_new (first_id + r, row->ts, row->agent_id, row->run_id,
                                                                 row->kind, row->summary, row->details, row->outcome);

      g_signal_emit (self, signals[APPENDED], 0, entry);
    }
  return ok;
}

static gboolean
on_commit_cb (gpointer user_data,
              GError **error)
{
  AfActivityLog *self = user_data;

  self->holding = FALSE;
  return write_held (self, error);
}

static void
on_rollback_cb (gpointer user_data)
{
  AfActivityLog *self = user_data;

  self->holding = FALSE;
  g_ptr_array_set_size (self->held, 0);
}

/* Before a read, or an append that is not held: the rows held so far
 * come first. */
static void
write_held_now (AfActivityLog *self)
{
  g_autoptr (GError) error = NULL;

  if (self->held->len > 0 && !write_held (self, &error))
    g_warning ("Could not record activity: %s", error->message);
}

static void
af_activity_log_dispose (GObject *object)
{
  AfActivityLog *self = (AfActivityLog *)object;

  if (self->db != NULL)
    {
      write_held_now (self);
      af_database_remove_held_writes (self->db, self);
    }
  g_clear_object (&self->db);

  G_OBJECT_CLASS (af_activity_log_parent_class)->dispose (object);
}

static void
af_activity_log_finalize (GObject *object)
{
  AfActivityLog *self = (AfActivityLog *)object;

  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_free (self->insert_sql);

  G_OBJECT_CLASS (af_activity_log_parent_class)->finalize (object);
}

static void
af_activity_log_class_init (AfActivityLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_activity_log_dispose;
  object_class->finalize = af_activity_log_finalize;

  /**
   * AfActivityLog::appended:
   * @entry: the new row
   */
  signals[APPENDED] = g_signal_new ("appended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, AF_TYPE_ACTIVITY_ENTRY);
  /**
   * AfActivityLog::pruned:
   *
   * Old rows were removed; models reload.
   */
  signals[PRUNED] = g_signal_new ("pruned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
af_activity_log_init (AfActivityLog *self)
{
  self->retention_days = AF_ACTIVITY_DEFAULT_RETENTION_DAYS;
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify)held_row_free);
}

AfActivityLog *
af_activity_log_new (AfDatabase *db)
{
  AfActivityLog *self;

  g_return_val_if_fail (AF_IS_DATABASE (db), NULL);

  self = g_object_new (AF_TYPE_ACTIVITY_LOG, NULL);
  self->db = g_object_ref (db);
  af_database_add_held_writes (db, on_commit_cb, on_rollback_cb, self);
  return self;
}

AfDatabase *
af_activity_log_get_database (AfActivityLog *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), NULL);
  return self->db;
}

gint64
af_activity_log_append (AfActivityLog *self,
                        const char    *agent_id,
                        gint64         run_id,
                        const char    *kind,
                        const char    *summary,
                        const char    *details,
                        const char    *outcome,
                        GError       **error)
{
  g_autoptr (AfActivityEntry) entry = NULL;
  sqlite3_stmt *stmt;
  gint64        now = g_get_real_time ();
  gint64        id;

  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), 0);
  g_return_val_if_fail (kind != NULL, 0);
  g_return_val_if_fail (summary != NULL, 0);

  write_held_now (self);
  stmt = af_database_prepare (self->db,
                              "INSERT INTO activity (ts, agent_id, run_id, kind, summary, details, outcome)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                              error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, agent_id, -1, SQLITE_TRANSIENT);
  if (run_id > 0)
    sqlite3_bind_int64 (stmt, 3, run_id);
  sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, summary, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, details, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, outcome, -1, SQLITE_TRANSIENT);

  /* Appends are the one write that may wait a few milliseconds for its
   * commit, with others: see af_database_step_grouped(). */
  if (!af_database_step_grouped (self->db, stmt, error))
    return 0;

  id = sqlite3_last_insert_rowid (af_database_get_handle (self->db));
  entry = af_activity_entry_new (id, now, agent_id, run_id, kind, summary, details, outcome);
  g_signal_emit (self, signals[APPENDED], 0, entry);

  return id;
}

/**
 * af_activity_log_hold:
 *
 * From now until the open transaction ends, or af_activity_log_release(),
 * af_activity_log_append_held() keeps its rows back and writes them many
 * to a statement: before the transaction commits, before any read of the
 * log and before any other append, so the log reads as if each had been
 * written at once. A rolled back transaction takes them with it. Only
 * inside a transaction of the caller's.
 */
void
af_activity_log_hold (AfActivityLog *self)
{
  g_return_if_fail (AF_IS_ACTIVITY_LOG (self));

  self->holding = af_database_in_transaction (self->db);
}

/**
 * af_activity_log_append_held:
 * @action: (nullable): the string @details holds as its "action" member
 * @item: (nullable): the string @details holds as its "item" member
 *
 * af_activity_log_append(), held back while a transaction of the caller's
 * is open (af_activity_log_hold()). An "action-done" row whose @details
 * name @action and @item is counted per action and item from these,
 * without reading @details back; %NULL for either: from @details.
 */
gboolean
af_activity_log_append_held (AfActivityLog *self,
                             const char    *agent_id,
                             gint64         run_id,
                             const char    *kind,
                             const char    *summary,
                             const char    *details,
                             const char    *outcome,
                             const char    *action,
                             const char    *item,
                             GError       **error)
{
  HeldRow *row;

  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  if (!self->holding || !af_database_in_transaction (self->db))
    {
      self->holding = FALSE;
      return af_activity_log_append (self, agent_id, run_id, kind, summary, details, outcome, error) != 0;
    }
  row = g_new0 (HeldRow, 1);
  row->ts = g_get_real_time ();
  row->agent_id = g_strdup (agent_id);
  row->run_id = run_id;
  row->kind = g_strdup (kind);
  row->summary = g_strdup (summary);
  row->details = g_strdup (details);
  row->outcome = g_strdup (outcome);
  if (action != NULL && item != NULL)
    {
      row->action = g_strdup (action);
      row->item = g_strdup (item);
    }
  g_ptr_array_add (self->held, row);
  return TRUE;
}

/**
 * af_activity_log_release:
 *
 * Writes the rows held back (in the transaction still open) and ends
 * af_activity_log_hold(). %FALSE if they could not be written: they are
 * lost, as an append that failed.
 */
gboolean
af_activity_log_release (AfActivityLog *self,
                         GError       **error)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), FALSE);

  self->holding = FALSE;
  if (self->held->len == 0)
    return TRUE;
  return write_held (self, error);
}

guint
af_activity_log_count (AfActivityLog *self,
                       const char    *agent_id,
                       const char    *kind)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *agent_sql = NULL;
  sqlite3_stmt    *stmt;
  guint            n = 0;

  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), 0);
  write_held_now (self);

  stmt = prepare_filtered (self, "SELECT total (n) FROM activity_counts WHERE", "", agent_id, kind, &error);
  if (stmt == NULL)
    {
      g_warning ("Could not count activity: %s", error->message);
      return 0;
    }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint)sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return n;
}

GPtrArray *
af_activity_log_query (AfActivityLog *self,
                       const char    *agent_id,
                       const char    *kind,
                       gint64         bound_id,
                       gboolean       descending,
                       guint          limit,
                       GError       **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), NULL);
  write_held_now (self);

  if (descending)
    stmt = prepare_filtered (self,
                             "SELECT id, ts, agent_id, run_id, kind, summary, details, outcome"
                             " FROM activity WHERE",
                             "AND id < ?1 ORDER BY id DESC LIMIT ?4",
                             agent_id, kind, error);
  else
    stmt = prepare_filtered (self,
                             "SELECT id, ts, agent_id, run_id, kind, summary, details, outcome"
                             " FROM activity WHERE",
                             "AND id > ?1 ORDER BY id ASC LIMIT ?4",
                             agent_id, kind, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, bound_id);
  sqlite3_bind_int64 (stmt, 4, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, entry_from_row (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "read the activity");
      return NULL;
    }

  return g_steal_pointer (&rows);
}

gint64
af_activity_log_walk (AfActivityLog *self,
                      const char    *agent_id,
                      const char    *kind,
                      gint64         from_id,
                      gboolean       descending,
                      guint          steps,
                      guint         *walked)
{
  guint done = 0;

  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), from_id);
  write_held_now (self);

  while (done < steps)
    {
      g_autoptr (GError) error = NULL;
      sqlite3_stmt *stmt;
      guint         chunk = MIN (steps - done, WALK_CHUNK);
      guint         got = 0;
      int           rc;

      /* Keyset, never OFFSET: each chunk starts where the last one ended. */
      if (descending)
        stmt = prepare_filtered (self,
                                 "SELECT id FROM activity WHERE", "AND id < ?1 ORDER BY id DESC LIMIT ?4",
                                 agent_id, kind, &error);
      else
        stmt = prepare_filtered (self,
                                 "SELECT id FROM activity WHERE", "AND id > ?1 ORDER BY id ASC LIMIT ?4",
                                 agent_id, kind, &error);
      if (stmt == NULL)
        break;
      sqlite3_bind_int64 (stmt, 1, from_id);
      sqlite3_bind_int64 (stmt, 4, chunk);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          from_id = sqlite3_column_int64 (stmt, 0);
          got++;
        }
      sqlite3_reset (stmt);
      done += got;
      if (got < chunk)
        break;
    }

  if (walked != NULL)
    *walked = done;

  return from_id;
}

GPtrArray *
af_activity_log_query_run (AfActivityLog *self,
                           gint64         run_id,
                           GError       **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), NULL);
  write_held_now (self);

  /* No index on run_id: the run's start bounds the rows by time (indexed),
   * and a cap keeps a run that read thousands of items quick to open. */
  stmt = af_database_prepare (self->db,
                              "SELECT id, ts, agent_id, run_id, kind, summary, details, outcome"
                              " FROM activity WHERE ts >= (SELECT started_at FROM runs WHERE id = ?1)"
                              " AND run_id = ?1 ORDER BY id ASC LIMIT 500",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, entry_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      af_database_set_error (self->db, rc, error, "read a run's activity");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

void
af_activity_log_set_retention_days (AfActivityLog *self,
                                    guint          days)
{
  g_return_if_fail (AF_IS_ACTIVITY_LOG (self));
  self->retention_days = days;
}

guint
af_activity_log_get_retention_days (AfActivityLog *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), 0);
  return self->retention_days;
}

guint
af_activity_log_prune (AfActivityLog *self,
                       gint64         now,
                       GError       **error)
{
  sqlite3_stmt *stmt;
  guint         n;

  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (self), 0);
  write_held_now (self);

  if (self->retention_days == 0)
    return 0;

  stmt = af_database_prepare (self->db, "DELETE FROM activity WHERE ts < ?1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, now - (gint64)self->retention_days * G_TIME_SPAN_DAY);
  if (!af_database_step_done (self->db, stmt, error))
    return 0;

  n = sqlite3_changes (af_database_get_handle (self->db));
  if (n > 0)
    g_signal_emit (self, signals[PRUNED], 0);

  return n;
}
