/* af-source.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint af_timeout_add_named (guint       interval_ms,
                            const char *name,
                            GSourceFunc func,
                            gpointer    data);
guint af_timeout_add_seconds_named (guint       interval_s,
                                    const char *name,
                                    GSourceFunc func,
                                    gpointer    data);
guint af_idle_add_named (int         priority,
                         const char *name,
                         GSourceFunc func,
                         gpointer    data);
void  af_source_stats_print (void);

G_END_DECLS
