/* af-enum-nick.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-store"

#include "config.h"

#include "af-enum-nick.h"

const char *
af_enum_to_nick (GType type,
                 int   value)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  g_return_val_if_fail (v != NULL, NULL);
  /* Nicks are static strings of the type's registration. */
  return v->value_nick;
}

int
af_enum_from_nick (GType       type,
                   const char *nick,
                   int         fallback)
{
  g_autoptr (GEnumClass) klass = NULL;
  GEnumValue *v;

  if (nick == NULL)
    return fallback;
  klass = g_type_class_ref (type);
  v = g_enum_get_value_by_nick (klass, nick);
  return v != NULL ? v->value : fallback;
}
