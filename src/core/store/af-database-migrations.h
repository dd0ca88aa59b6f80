/* af-database-migrations.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Migration N brings the schema from user_version N-1 to N. Never edit a
 * migration that has shipped: append a new one. */
extern const char *const af_database_migrations[];
extern const guint       af_database_n_migrations;

G_END_DECLS
