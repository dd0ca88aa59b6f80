/* af-outbox.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-database.h"

G_BEGIN_DECLS

#define AF_TYPE_OUTBOX (af_outbox_get_type ())

G_DECLARE_FINAL_TYPE (AfOutbox, af_outbox, AF, OUTBOX, GObject)

/**
 * AfOutboxState:
 *
 * States of an outbox entry; each value's nick is the string the outbox
 * table stores. "executing" is written before the side effect starts:
 * finding it after a restart means the outcome is unknown and must be
 * reconciled, not blindly repeated.
 */
typedef enum
{
  AF_OUTBOX_PENDING,
  AF_OUTBOX_WAITING,
  AF_OUTBOX_EXECUTING,
  AF_OUTBOX_DONE,
  AF_OUTBOX_FAILED,
  AF_OUTBOX_DENIED,
  AF_OUTBOX_EXPIRED,
} AfOutboxState;

#define AF_TYPE_OUTBOX_STATE (af_outbox_state_get_type ())
GType af_outbox_state_get_type (void);

typedef struct
{
  gint64        id;
  char         *key;
  char         *agent_id;
  gint64        run_id;
  char         *action;
  char         *params;
  AfOutboxState state;
  char         *result;
  char         *owner; /* the process holding it (AfRunOwner id), or NULL */
} AfOutboxEntry;

void af_outbox_entry_free (AfOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfOutboxEntry, af_outbox_entry_free)

AfOutbox *af_outbox_new (AfDatabase *db);

/* The owner (an AfRunOwner id) stamped on the entries this process
 * reserves or moves to a state: whoever finds one "pending" or
 * "executing" knows which process holds it. */
void af_outbox_set_owner (AfOutbox   *self,
                          const char *owner);

/* Inserts the entry unless one with @key exists; either way returns it. */
AfOutboxEntry *af_outbox_reserve (AfOutbox     *self,
                                  const char   *key,
                                  const char   *agent_id,
                                  gint64        run_id,
                                  const char   *action,
                                  const char   *params,
                                  AfOutboxState state,
                                  GError      **error);
AfOutboxEntry *af_outbox_get (AfOutbox *self,
                              gint64    id,
                              GError  **error);
gboolean       af_outbox_set_state (AfOutbox     *self,
                                    gint64        id,
                                    AfOutboxState state,
                                    const char   *result,
                                    GError      **error);
gboolean       af_outbox_set_done_on_items (AfOutbox          *self,
                                            const gint64      *ids,
                                            const char *const *item_ids,
                                            guint              n_ids,
                                            GError           **error);
gboolean       af_outbox_set_params (AfOutbox   *self,
                                     gint64      id,
                                     const char *params,
                                     GError    **error);
/* → (element-type AfOutboxEntry) entries in @state, oldest first. */
GPtrArray *af_outbox_list (AfOutbox     *self,
                           AfOutboxState state,
                           GError      **error);
guint      af_outbox_count (AfOutbox     *self,
                            const char   *agent_id,
                            AfOutboxState state);

G_END_DECLS
