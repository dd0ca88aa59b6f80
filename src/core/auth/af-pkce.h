/* af-pkce.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char    *af_pkce_random_string (gsize n_bytes);
char    *af_pkce_new_verifier (void);
char    *af_pkce_new_state (void);
char    *af_pkce_challenge_s256 (const char *verifier);
gboolean af_pkce_verifier_is_valid (const char *verifier);
gboolean af_pkce_equal (const char *a,
                        const char *b);

G_END_DECLS
