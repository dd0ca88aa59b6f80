/* af-run-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-database.h"

G_BEGIN_DECLS

/**
 * AfRunRecord:
 * @owner: (nullable): the process that runs it (an AfRunOwner id)
 *
 * A run not finished yet ("running").
 */
typedef struct
{
  gint64 id;
  char  *agent_id;
  char  *owner;
  gint64 started_at;
} AfRunRecord;

#define AF_TYPE_RUN_RECORD (af_run_record_get_type ())
GType        af_run_record_get_type (void);
AfRunRecord *af_run_record_copy (const AfRunRecord *record);
void         af_run_record_free (AfRunRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfRunRecord, af_run_record_free)

#define AF_TYPE_RUN_STORE (af_run_store_get_type ())

G_DECLARE_FINAL_TYPE (AfRunStore, af_run_store, AF, RUN_STORE, GObject)

AfRunStore *af_run_store_new (AfDatabase *db);

/* A new "running" row; → its id, or 0 with @error set. */
gint64 af_run_store_begin (AfRunStore *self,
                           const char *agent_id,
                           gboolean    dry_run,
                           const char *owner,
                           GError    **error);
/* @outcome: "succeeded", "failed", "cancelled", "timed-out";
 * @message: (nullable): what went wrong */
gboolean af_run_store_finish (AfRunStore *self,
                              gint64      run_id,
                              const char *outcome,
                              guint       n_actions,
                              const char *message,
                              GError    **error);
/* → (element-type AfRunRecord) runs still "running", by any process. */
GPtrArray *af_run_store_list_running (AfRunStore *self,
                                      GError    **error);
/* A run whose process is gone: "interrupted", unless it finished since. */
gboolean af_run_store_mark_interrupted (AfRunStore *self,
                                        gint64      run_id,
                                        GError    **error);

/* Items an agent dealt with (or wrote itself, "own:<id>"): it never acts
 * on them again. */
gboolean af_run_store_is_seen (AfRunStore *self,
                               const char *agent_id,
                               const char *item_id);
/* Whether @item_id or @other_id (nullable) was seen. */
gboolean af_run_store_is_either_seen (AfRunStore *self,
                                      const char *agent_id,
                                      const char *item_id,
                                      const char *other_id);
/* Those of @item_ids (@n_ids of them) that were seen, as a set of
 * strings: one query per SEEN_CHUNK ids, not one each. */
GHashTable *af_run_store_seen_among (AfRunStore        *self,
                                     const char        *agent_id,
                                     const char *const *item_ids,
                                     guint              n_ids);
gboolean    af_run_store_mark_seen (AfRunStore *self,
                                    const char *agent_id,
                                    const char *item_id,
                                    GError    **error);

G_END_DECLS
