/* af-sandbox-life.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-sandbox.h"

G_BEGIN_DECLS

#define AF_TYPE_SANDBOX_LIFE (af_sandbox_life_get_type ())

G_DECLARE_FINAL_TYPE (AfSandboxLife, af_sandbox_life, AF, SANDBOX_LIFE, GObject)

/**
 * AfSandboxArrival:
 * @AF_SANDBOX_ARRIVAL_MAIL: a new message in the inbox
 * @AF_SANDBOX_ARRIVAL_REPLY_REQUEST: a message that asks for a reply
 * @AF_SANDBOX_ARRIVAL_SLACK: a message in a Slack channel
 * @AF_SANDBOX_ARRIVAL_EVENT: a new calendar event
 * @AF_SANDBOX_ARRIVAL_CANCELLATION: a calendar event is cancelled
 * @AF_SANDBOX_ARRIVAL_RATE_LIMIT: Gmail answers the next history.list
 *   with 429 and Retry-After
 * @AF_SANDBOX_ARRIVAL_UNAVAILABLE: Gmail answers the next history.list
 *   calls with 503, more of them than a client retries
 * @AF_SANDBOX_ARRIVAL_EXPIRED_TOKEN: the Google access tokens the
 *   sandbox's sign-in issued expire: the next API call answers 401
 *
 * What happens in the sample workspace over time.
 */
typedef enum
{
  AF_SANDBOX_ARRIVAL_MAIL,
  AF_SANDBOX_ARRIVAL_REPLY_REQUEST,
  AF_SANDBOX_ARRIVAL_SLACK,
  AF_SANDBOX_ARRIVAL_EVENT,
  AF_SANDBOX_ARRIVAL_CANCELLATION,
  AF_SANDBOX_ARRIVAL_RATE_LIMIT,
  AF_SANDBOX_ARRIVAL_UNAVAILABLE,
  AF_SANDBOX_ARRIVAL_EXPIRED_TOKEN,
  AF_SANDBOX_N_ARRIVALS,
} AfSandboxArrival;

/* The subject every reply request starts with. */
#define AF_SANDBOX_LIFE_REPLY_SUBJECT "Can you confirm"
/* How many history.list calls an outage answers with 503. */
#define AF_SANDBOX_LIFE_OUTAGE_REQUESTS 4

AfSandboxLife *af_sandbox_life_new (AfSandbox *sandbox,
                                    guint32    seed);
guint32        af_sandbox_life_get_seed (AfSandboxLife *self);
void           af_sandbox_life_start (AfSandboxLife *self);
void           af_sandbox_life_stop (AfSandboxLife *self);
guint          af_sandbox_life_advance (AfSandboxLife *self,
                                        guint          seconds);
guint          af_sandbox_life_get_elapsed (AfSandboxLife *self);
guint          af_sandbox_life_get_next_arrival (AfSandboxLife *self);
guint          af_sandbox_life_get_n_arrived (AfSandboxLife   *self,
                                              AfSandboxArrival kind);
guint32        af_sandbox_life_seed_from_environment (void);

G_END_DECLS
