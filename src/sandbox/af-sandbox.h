/* af-sandbox.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define AF_TYPE_SANDBOX (af_sandbox_get_type ())

G_DECLARE_FINAL_TYPE (AfSandbox, af_sandbox, AF, SANDBOX, GObject)

/**
 * AfSandboxAuth:
 * @AF_SANDBOX_AUTH_OK: the bearer token is valid and carries the scope
 * @AF_SANDBOX_AUTH_MISSING: no or malformed Authorization header
 * @AF_SANDBOX_AUTH_INVALID: unknown, expired or revoked token
 * @AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE: valid token without the scope
 */
typedef enum
{
  AF_SANDBOX_AUTH_OK,
  AF_SANDBOX_AUTH_MISSING,
  AF_SANDBOX_AUTH_INVALID,
  AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE,
} AfSandboxAuth;

AfSandbox  *af_sandbox_new (void);
gboolean    af_sandbox_start (AfSandbox *self,
                              GError   **error);
gboolean    af_sandbox_start_in_thread (AfSandbox *self,
                                        GError   **error);
void        af_sandbox_stop (AfSandbox *self);
const char *af_sandbox_get_base_url (AfSandbox *self);
SoupServer *af_sandbox_get_server (AfSandbox *self);

void  af_sandbox_count (AfSandbox  *self,
                        const char *method_id);
guint af_sandbox_get_count (AfSandbox  *self,
                            const char *method_id);
guint af_sandbox_get_total_requests (AfSandbox *self);
void  af_sandbox_reset_counts (AfSandbox *self);

void          af_sandbox_add_token (AfSandbox  *self,
                                    const char *token,
                                    const char *service,
                                    const char *account,
                                    const char *scopes,
                                    gint64      expires_at);
void          af_sandbox_revoke_token (AfSandbox  *self,
                                       const char *token);
guint         af_sandbox_count_token_uses (AfSandbox  *self,
                                           const char *service,
                                           const char *prefix);
AfSandboxAuth af_sandbox_authorize (AfSandbox         *self,
                                    SoupServerMessage *msg,
                                    const char        *service,
                                    const char        *required_scope,
                                    const char       **account);

/**
 * AfSandboxRouteFault:
 * @AF_SANDBOX_ROUTE_LATENCY: answer after @value milliseconds
 * @AF_SANDBOX_ROUTE_RATE_LIMIT: 429 with Retry-After: @value seconds, in
 *   the API's own error shape (nothing happens)
 * @AF_SANDBOX_ROUTE_SERVER_ERROR: 500 (nothing happens)
 * @AF_SANDBOX_ROUTE_UNAVAILABLE: 503 (nothing happens)
 * @AF_SANDBOX_ROUTE_MALFORMED_JSON: the call happens, the body is not JSON
 * @AF_SANDBOX_ROUTE_TRUNCATED: the call happens, the body is cut short
 * @AF_SANDBOX_ROUTE_DROP_CONNECTION: the call happens, then the connection
 *   closes before any answer (the case that must not be blindly retried)
 * @AF_SANDBOX_ROUTE_EXPIRE_CURSOR: the stored Gmail historyId or Calendar
 *   syncToken expires (404 / 410 on the next incremental call)
 *
 * Faults injected per method id, for the next @times requests.
 */
typedef enum
{
  AF_SANDBOX_ROUTE_LATENCY,
  AF_SANDBOX_ROUTE_RATE_LIMIT,
  AF_SANDBOX_ROUTE_SERVER_ERROR,
  AF_SANDBOX_ROUTE_UNAVAILABLE,
  AF_SANDBOX_ROUTE_MALFORMED_JSON,
  AF_SANDBOX_ROUTE_TRUNCATED,
  AF_SANDBOX_ROUTE_DROP_CONNECTION,
  AF_SANDBOX_ROUTE_EXPIRE_CURSOR,
} AfSandboxRouteFault;

/* The seeded people and workspace. */
#define AF_SANDBOX_ACCOUNT       "alice@example.com"
#define AF_SANDBOX_SLACK_USER    "U0ALICE"
#define AF_SANDBOX_SLACK_TEAM    "T0EXAMPLE"
#define AF_SANDBOX_GOOGLE_SCOPES "https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/gmail.compose https://www.googleapis.com/auth/gmail.labels https://www.googleapis.com/auth/calendar.events"
#define AF_SANDBOX_SLACK_SCOPES  "channels:read channels:history groups:read im:write users:read users:read.email chat:write"

void  af_sandbox_add_fault (AfSandbox          *self,
                            const char         *method_id,
                            AfSandboxRouteFault fault,
                            guint               times,
                            guint               value);
void  af_sandbox_clear_faults (AfSandbox *self);
guint af_sandbox_get_quota_units (AfSandbox  *self,
                                  const char *method_id);
guint af_sandbox_get_total_quota_units (AfSandbox *self);

/* Seeding. af_sandbox_seed_sample() fills an empty sandbox with the sample
 * workspace; af_sandbox_generate_messages() adds @n more varied messages
 * for benchmarks (deterministic for a @seed). */
void af_sandbox_seed_sample (AfSandbox *self);
void af_sandbox_generate_messages (AfSandbox *self,
                                   guint      n,
                                   guint32    seed);
void af_sandbox_generate_messages_every (AfSandbox *self,
                                         guint      n,
                                         guint32    seed,
                                         guint      seconds);
void af_sandbox_add_default_tokens (AfSandbox *self,
                                    char     **google_token,
                                    char     **slack_token,
                                    char     **llm_token);

/* Gmail state, for assertions and to simulate new mail. */
guint       af_sandbox_gmail_get_n_messages (AfSandbox *self);
guint       af_sandbox_gmail_count_with_label (AfSandbox  *self,
                                               const char *label_id);
const char *af_sandbox_gmail_find_label (AfSandbox  *self,
                                         const char *name);
char       *af_sandbox_gmail_deliver (AfSandbox  *self,
                                      const char *from,
                                      const char *subject,
                                      const char *text);
guint       af_sandbox_gmail_get_n_sent (AfSandbox *self);
guint       af_sandbox_gmail_get_n_drafts (AfSandbox *self);
void        af_sandbox_gmail_set_history_horizon (AfSandbox *self,
                                                  guint      n_ids);
guint       af_sandbox_gmail_count_query (AfSandbox  *self,
                                          const char *q);
char       *af_sandbox_gmail_get_sent_mime (AfSandbox *self,
                                            guint      index);
const char *af_sandbox_gmail_get_sent_thread (AfSandbox *self,
                                              guint      index);
const char *af_sandbox_gmail_find_by_subject (AfSandbox  *self,
                                              const char *subject);

/* Calendar state. */
guint       af_sandbox_calendar_get_n_events (AfSandbox *self);
const char *af_sandbox_calendar_add_event (AfSandbox  *self,
                                           const char *summary,
                                           const char *start_rfc3339,
                                           const char *end_rfc3339);
void        af_sandbox_calendar_cancel_event (AfSandbox  *self,
                                              const char *event_id);

/* What the APIs did, for exactly-once checks. */
GPtrArray *af_sandbox_get_side_effects (AfSandbox *self);

/* Slack state. */
guint    af_sandbox_slack_get_n_posts (AfSandbox  *self,
                                       const char *channel);
gboolean af_sandbox_slack_deliver (AfSandbox  *self,
                                   const char *channel,
                                   const char *user,
                                   const char *text);
guint    af_sandbox_slack_get_n_messages (AfSandbox  *self,
                                          const char *channel);

/* The scripted model: replies are answered in order; each is the JSON of an
 * assistant "message" object. Without a script it answers a fixed text. */
void      af_sandbox_llm_push_reply (AfSandbox  *self,
                                     const char *message_json);
void      af_sandbox_llm_push_tool_call (AfSandbox  *self,
                                         const char *name,
                                         const char *arguments);
JsonNode *af_sandbox_llm_get_last_request (AfSandbox *self);

G_END_DECLS
