/* af-approval-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-database.h"

G_BEGIN_DECLS

gboolean af_approval_store_decide (AfDatabase *db,
                                   gint64      id,
                                   const char *state,
                                   GError    **error);

G_END_DECLS
