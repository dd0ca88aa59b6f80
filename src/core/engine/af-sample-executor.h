/* af-sample-executor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-executor.h"

G_BEGIN_DECLS

#define AF_TYPE_SAMPLE_EXECUTOR (af_sample_executor_get_type ())

G_DECLARE_FINAL_TYPE (AfSampleExecutor, af_sample_executor, AF, SAMPLE_EXECUTOR, GObject)

/* A sample workspace (a mailbox, a calendar, Slack channels) in memory.
 * With @journal_path, every side effect is appended there (and fsynced)
 * before it counts, and replayed when a new executor opens the same file:
 * it behaves like a remote service that outlives our process. */
AfSampleExecutor *af_sample_executor_new (const char *journal_path);

void     af_sample_executor_add_message (AfSampleExecutor *self,
                                         const char       *id,
                                         const char       *from,
                                         const char       *subject,
                                         const char       *body);
void     af_sample_executor_add_event (AfSampleExecutor *self,
                                       const char       *title,
                                       const char       *start,
                                       const char       *end);
guint    af_sample_executor_get_count (AfSampleExecutor *self,
                                       const char       *action);
gboolean af_sample_executor_has_label (AfSampleExecutor *self,
                                       const char       *message_id,
                                       const char       *label);
/* (element-type utf8) the texts posted to Slack, in order */
GPtrArray *af_sample_executor_get_posts (AfSampleExecutor *self);
void       af_sample_executor_set_delay (AfSampleExecutor *self,
                                         guint             delay_ms);
void       af_sample_executor_set_fail_fetch (AfSampleExecutor *self,
                                              gboolean          fail);

G_END_DECLS
