/* af-auth0-scopes.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *af_auth0_scopes_to_words (const char *const *scopes);

G_END_DECLS
