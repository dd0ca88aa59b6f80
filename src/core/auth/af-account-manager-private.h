/* af-account-manager-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reader of a revocation answer, for the fuzz harness.
 */

#pragma once

#include <gio/gio.h>

#include "af-provider.h"

G_BEGIN_DECLS

gboolean af_account_manager_revoke_answer_done (AfProviderDialect dialect,
                                                GBytes           *body,
                                                guint             status);

G_END_DECLS
