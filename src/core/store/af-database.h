/* af-database.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define AF_TYPE_DATABASE (af_database_get_type ())

/* The write-ahead log never holds more pages than this (12 MiB of 4 KiB
 * pages), plus those of the transaction that took it past: that commit
 * then copies what the checkpoint thread has not copied yet. */
#define AF_DATABASE_WAL_MAX_PAGES 3000

G_DECLARE_FINAL_TYPE (AfDatabase, af_database, AF, DATABASE, GObject)

AfDatabase   *af_database_open (const char *path,
                                GError    **error);
const char   *af_database_get_path (AfDatabase *self);
sqlite3      *af_database_get_handle (AfDatabase *self);
int           af_database_get_schema_version (AfDatabase *self);
int           af_database_get_latest_version (void);
guint         af_database_get_checkpoints (AfDatabase *self,
                                           guint      *by_commit);
gboolean      af_database_exec (AfDatabase *self,
                                const char *sql,
                                GError    **error);
sqlite3_stmt *af_database_prepare (AfDatabase *self,
                                   const char *sql,
                                   GError    **error);
gboolean      af_database_step_done (AfDatabase   *self,
                                     sqlite3_stmt *stmt,
                                     GError      **error);
gboolean      af_database_step_grouped (AfDatabase   *self,
                                        sqlite3_stmt *stmt,
                                        GError      **error);
gboolean      af_database_flush (AfDatabase *self,
                                 GError    **error);
gboolean      af_database_begin (AfDatabase *self,
                                 GError    **error);
gboolean      af_database_commit (AfDatabase *self,
                                  GError    **error);
void          af_database_rollback (AfDatabase *self);

/* Rows a store holds back while a transaction is open, to write them in
 * fewer statements: @write puts them in the transaction before it
 * commits, @drop forgets them when it is rolled back. */
typedef gboolean (*AfDatabaseWriteFunc) (gpointer data,
                                         GError **error);
typedef void (*AfDatabaseDropFunc) (gpointer data);

void     af_database_add_held_writes (AfDatabase         *self,
                                      AfDatabaseWriteFunc write,
                                      AfDatabaseDropFunc  drop,
                                      gpointer            data);
void     af_database_remove_held_writes (AfDatabase *self,
                                         gpointer    data);
gboolean af_database_in_transaction (AfDatabase *self);
gboolean af_database_check_integrity (AfDatabase *self,
                                      GError    **error);
void     af_database_set_error (AfDatabase *self,
                                int         rc,
                                GError    **error,
                                const char *what);
char    *af_database_move_aside (const char *path,
                                 GError    **error);

G_END_DECLS
