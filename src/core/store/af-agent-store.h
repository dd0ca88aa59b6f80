/* af-agent-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-agent-state.h"
#include "af-database.h"

G_BEGIN_DECLS

/**
 * AfAgentRecord:
 * @definition: the agent's definition, JSON text
 * @last_run_at: (µs) 0 when it never ran
 * @next_run_at: (µs) 0 when nothing is scheduled
 *
 * One row of the agents table.
 */
typedef struct
{
  char        *id;
  char        *name;
  char        *description;
  char        *template_id;
  char        *definition;
  AfAgentState state;
  char        *state_reason;
  gint64       created_at;
  gint64       updated_at;
  gint64       last_run_at;
  gint64       next_run_at;
} AfAgentRecord;

#define AF_TYPE_AGENT_RECORD (af_agent_record_get_type ())
GType          af_agent_record_get_type (void);
AfAgentRecord *af_agent_record_new (void);
AfAgentRecord *af_agent_record_copy (const AfAgentRecord *record);
void           af_agent_record_free (AfAgentRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfAgentRecord, af_agent_record_free)

#define AF_TYPE_AGENT_STORE (af_agent_store_get_type ())

G_DECLARE_FINAL_TYPE (AfAgentStore, af_agent_store, AF, AGENT_STORE, GObject)

AfAgentStore *af_agent_store_new (AfDatabase *db);

typedef void (*AfAgentRecordFunc) (const AfAgentRecord *record,
                                   gpointer             user_data);

/* @func sees every agent, oldest first, in one query; the record is @func's
 * to read during the call only. */
gboolean af_agent_store_load_each (AfAgentStore     *self,
                                   AfAgentRecordFunc func,
                                   gpointer          user_data,
                                   GError          **error);
/* → (element-type AfAgentRecord) every agent, oldest first, in one query. */
GPtrArray *af_agent_store_load_all (AfAgentStore *self,
                                    GError      **error);
/* Inserts or updates @record's row; its updated_at becomes now. The
 * template and creation time of an existing row stay as they are. */
gboolean af_agent_store_save (AfAgentStore  *self,
                              AfAgentRecord *record,
                              GError       **error);
gboolean af_agent_store_set_state (AfAgentStore *self,
                                   const char   *id,
                                   AfAgentState  state,
                                   const char   *reason,
                                   GError      **error);
/* In one transaction: expires the agent's pending approvals (and their
 * outbox entries), drops its own sync cursors and its row; with
 * @forget_history also its finished runs, finished outbox entries, seen
 * items and activity. */
gboolean af_agent_store_delete (AfAgentStore *self,
                                const char   *id,
                                gboolean      forget_history,
                                GError      **error);

G_END_DECLS
