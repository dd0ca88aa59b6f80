/* af-run-owner.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Which process a run in the database belongs to. The app and the
 * command line may run agents from the same database at once; a run left
 * "running" by a process that is gone (a crash, a kill, a full disk) is
 * interrupted, one whose process still lives is not.
 *
 * Each engine that runs agents holds a lock file named after a random
 * owner id in a directory beside the database; the kernel releases the
 * lock when the process ends, however it ends. */
typedef struct _AfRunOwner AfRunOwner;

AfRunOwner *af_run_owner_new (const char *database_path);
const char *af_run_owner_get_id (AfRunOwner *self);
void        af_run_owner_free (AfRunOwner *self);
gboolean    af_run_owner_is_alive (const char *database_path,
                                   const char *owner_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfRunOwner, af_run_owner_free)

G_END_DECLS
