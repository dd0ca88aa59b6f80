/* af-backoff.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint64 af_backoff_delay (guint64  base,
                          guint64  cap,
                          guint    attempt,
                          gboolean jitter);

G_END_DECLS
