/* af-credential-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The credential's clock, for tests that cannot wait for tokens to
 * expire.
 */

#pragma once

#include "af-credential.h"

G_BEGIN_DECLS

/* The longest wait between two failed refreshes. */
#define AF_CREDENTIAL_BACKOFF_MAX_USEC (10 * 60 * G_USEC_PER_SEC)

void   af_credential_set_clock_offset (AfCredential *self,
                                       gint64        usec);
gint64 af_credential_get_retry_at (AfCredential *self);

G_END_DECLS
