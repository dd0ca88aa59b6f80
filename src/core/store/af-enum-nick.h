/* af-enum-nick.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The store keeps enum values as their nicks: the strings earlier
 * versions wrote, readable in the file and stable across versions. */

/* The stored string of @value of the registered enum @type. */
const char *af_enum_to_nick (GType type,
                             int   value);
/* The value whose nick is @nick, or @fallback for an unknown string (a
 * row written by a newer version, a hand-edited file). */
int af_enum_from_nick (GType       type,
                       const char *nick,
                       int         fallback);

G_END_DECLS
