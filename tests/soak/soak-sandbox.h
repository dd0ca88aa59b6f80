/* soak-sandbox.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs the simulated services in this (forked) process and the load and
 * faults on them, answering the soak's commands on @fd, one line each:
 *
 *   (on start)          → "ready BASE_URL REFRESH_TOKEN SLACK_TOKEN LLM_TOKEN"
 *   sample              → "REQUESTS RETAINED SIDE_EFFECTS PRIVATE_KIB FDS MAILS FAULTS CRITICALS"
 *   revoke TOKEN        → "ok"   the access token dies early (401)
 *   invalid-grant TOKEN → "ok"   refresh says invalid_grant for 3 s
 *   quiesce             → "ok"   no more mail or faults; faults cleared
 *   log PATH            → "ok N" the side-effect log, as a JSON array
 *   quit                → "bye"
 *
 * The tokens are the sandbox's own fixtures: they open nothing else.
 * Returns the process's exit status. */
int soak_sandbox_serve (int      fd,
                        guint32  seed,
                        gboolean faults);

gboolean soak_write_line (int         fd,
                          const char *text);
gsize    soak_private_memory (void);
guint    soak_open_fds (void);

G_END_DECLS
