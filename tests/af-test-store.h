/* af-test-store.h — a fresh SQLite file per test, for the store tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "af-database.h"

G_BEGIN_DECLS

typedef struct
{
  char       *dir;
  char       *path;
  AfDatabase *db;
} AfTestStore;

static inline void
af_test_store_setup (AfTestStore  *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("af-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "agentflow.db", NULL);
  f->db = af_database_open (f->path, &error);
  g_assert_no_error (error);
}

static inline void
af_test_store_teardown (AfTestStore  *f,
                        gconstpointer data)
{
  const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  g_clear_object (&f->db);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (f->path, suffixes[i], NULL);

      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* Reopens the file: what a test reads next comes from the disk. */
static inline void
af_test_store_reopen (AfTestStore *f)
{
  g_autoptr (GError) error = NULL;

  g_clear_object (&f->db);
  f->db = af_database_open (f->path, &error);
  g_assert_no_error (error);
}

/* The first column of the first row of @sql, as text (NULL for none). */
static inline char *
af_test_store_query_text (AfTestStore *f,
                          const char  *sql)
{
  sqlite3_stmt *stmt = af_database_prepare (f->db, sql, NULL);
  char         *text = NULL;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return text;
}

static inline gint64
af_test_store_query_int (AfTestStore *f,
                         const char  *sql)
{
  g_autofree char *text = af_test_store_query_text (f, sql);

  return text ? g_ascii_strtoll (text, NULL, 10) : -1;
}

G_END_DECLS
