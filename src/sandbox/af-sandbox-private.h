/* af-sandbox-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-sandbox.h"

G_BEGIN_DECLS

typedef struct _SbGmail    SbGmail;
typedef struct _SbCalendar SbCalendar;
typedef struct _SbSlack    SbSlack;
typedef struct _SbLlm      SbLlm;
typedef struct _SbThread   SbThread;

/* Every route and every public function holds it while it reads or
 * changes the sandbox's state (see af_sandbox_start_in_thread()). */
GRecMutexLocker *af_sandbox_lock (AfSandbox *self);

/* The server's own thread (af-sandbox-thread.c): runs af_sandbox_start()
 * there and its main loop, until sb_thread_stop(), which disconnects the
 * server there (af_sandbox_stop_server()) and joins. */
SbThread *sb_thread_start (AfSandbox *self,
                           GError   **error);
void      sb_thread_stop (SbThread *thread);
void      af_sandbox_stop_server (AfSandbox *self);

SbGmail    *af_sandbox_get_gmail (AfSandbox *self);
SbCalendar *af_sandbox_get_calendar (AfSandbox *self);
SbSlack    *af_sandbox_get_slack (AfSandbox *self);
SbLlm      *af_sandbox_get_llm (AfSandbox *self);

/* Each route calls this first: counts the request (and its quota), applies
 * injected faults. FALSE: a fault answered, the handler must return. */
gboolean af_sandbox_begin (AfSandbox         *self,
                           SoupServerMessage *msg,
                           const char        *method_id);
/* A request inside a Gmail batch: counted and charged, no HTTP request. */
void af_sandbox_count_inner (AfSandbox  *self,
                             const char *method_id);
/* A fault injected for @method_id, taken for a request inside a batch:
 * the HTTP status its part answers (429, 500, 503), 0 for none. */
guint af_sandbox_take_inner_fault (AfSandbox  *self,
                                   const char *method_id);
/* Appends to the side-effect log (af_sandbox_get_side_effects ()). */
void af_sandbox_log_side_effect (AfSandbox  *self,
                                 const char *method_id,
                                 const char *text);
/* TRUE once (and clears it) when EXPIRE_CURSOR was injected for the method. */
gboolean af_sandbox_take_cursor_expiry (AfSandbox  *self,
                                        const char *method_id);

void af_sandbox_respond_json (SoupServerMessage *msg,
                              guint              status,
                              JsonNode          *node);
void af_sandbox_respond_text (SoupServerMessage *msg,
                              guint              status,
                              const char        *content_type,
                              const char        *text);
/* {"error": {"code", "message", "errors": [{"domain", "reason", "message"}], "status"}} */
void af_sandbox_respond_google_error (SoupServerMessage *msg,
                                      guint              code,
                                      const char        *reason,
                                      const char        *message);
/* Google's 401/403 for an AfSandboxAuth that is not OK. */
void          af_sandbox_respond_google_auth (SoupServerMessage *msg,
                                              AfSandboxAuth      auth);
AfSandboxAuth af_sandbox_authorize_any (AfSandbox         *self,
                                        SoupServerMessage *msg,
                                        const char        *service,
                                        const char *const *scopes,
                                        const char       **account);
JsonNode     *af_sandbox_parse_body (SoupServerMessage *msg);
/* query string, form or JSON body parameter */
const char *af_sandbox_param (SoupServerMessage *msg,
                              GHashTable        *query,
                              JsonNode          *body,
                              const char        *name);

SbGmail *sb_gmail_new (void);
void     sb_gmail_free (SbGmail *gmail);
void     sb_gmail_handle (AfSandbox         *self,
                          SoupServerMessage *msg,
                          const char        *path,
                          GHashTable        *query);
void     sb_gmail_handle_batch (AfSandbox         *self,
                                SoupServerMessage *msg);
void     sb_gmail_add_message (SbGmail           *gmail,
                               const char        *from,
                               const char        *to,
                               const char        *subject,
                               const char        *text,
                               const char        *html,
                               const char        *charset,
                               gboolean           attachment,
                               const char *const *labels,
                               gint64             internal_date_ms);
gint64   sb_gmail_newest_date (SbGmail *gmail);

SbCalendar *sb_calendar_new (void);
void        sb_calendar_free (SbCalendar *calendar);
void        sb_calendar_handle (AfSandbox         *self,
                                SoupServerMessage *msg,
                                const char        *path,
                                GHashTable        *query);
void        sb_calendar_add (SbCalendar *calendar,
                             const char *summary,
                             const char *start,
                             const char *end,
                             const char *time_zone,
                             gboolean    all_day,
                             const char *recurring_event_id);
void        sb_calendar_add_weekly (SbCalendar *calendar,
                                    const char *summary,
                                    const char *first_start,
                                    guint       minutes,
                                    guint       count);

SbSlack *sb_slack_new (void);
void     sb_slack_free (SbSlack *slack);
void     sb_slack_handle (AfSandbox         *self,
                          SoupServerMessage *msg,
                          const char        *method,
                          GHashTable        *query);
void     sb_slack_add_user (SbSlack    *slack,
                            const char *id,
                            const char *name,
                            const char *real_name,
                            const char *email);
void     sb_slack_add_channel (SbSlack    *slack,
                               const char *id,
                               const char *name,
                               gboolean    is_private,
                               gboolean    is_member);

SbLlm *sb_llm_new (void);
void   sb_llm_free (SbLlm *llm);
void   sb_llm_handle (AfSandbox         *self,
                      SoupServerMessage *msg);

G_END_DECLS
