/* af-activity-log-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-activity-log.h"

G_BEGIN_DECLS

/* An append held back until the transaction it belongs to commits. */
typedef struct
{
  gint64 ts;
  char  *agent_id;
  gint64 run_id;
  char  *kind;
  char  *summary;
  char  *details;
  char  *outcome;
  char  *action; /* what @details names as "action" and "item", if told */
  char  *item;
} HeldRow;

/* Held rows go in statements of up to this many rows: one statement,
 * and one statement's set-up, for many rows (a run's batch of actions
 * rarely has more than two of them). */
#define CHUNK_ROWS 64

char    *af_activity_values_sql (const char *head,
                                 guint       n_columns,
                                 const char *tail);
gboolean af_activity_counts_add (AfDatabase *db,
                                 GPtrArray  *rows,
                                 gint64      first_id,
                                 GError    **error);

G_END_DECLS
