/* af-checkpointer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct _AfCheckpointer AfCheckpointer;

AfCheckpointer *af_checkpointer_new (sqlite3    *db,
                                     const char *path);
guint           af_checkpointer_get_n_done (AfCheckpointer *self,
                                            guint          *by_commit);
void            af_checkpointer_free (AfCheckpointer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfCheckpointer, af_checkpointer_free)

G_END_DECLS
