/* af-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-error"

#include "config.h"

#include "af-error.h"

/* clang-format off */
G_DEFINE_QUARK (af-error-quark, af_error)
/* clang-format on */
