/* af-connection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-connection"

#include "config.h"

#include "af-connection.h"

G_DEFINE_BOXED_TYPE (AfConnection, af_connection, af_connection_copy, af_connection_free)

AfConnection *
af_connection_copy (const AfConnection *self)
{
  AfConnection *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (AfConnection, 1);
  copy->service = g_strdup (self->service);
  copy->account = g_strdup (self->account);
  copy->display_name = g_strdup (self->display_name);
  copy->scopes = g_strdup (self->scopes);
  copy->status = g_strdup (self->status);
  copy->status_reason = g_strdup (self->status_reason);
  copy->connected_at = self->connected_at;
  copy->last_used_at = self->last_used_at;
  copy->agent = g_strdup (self->agent);
  copy->provider = g_strdup (self->provider);

  return copy;
}

void
af_connection_free (AfConnection *self)
{
  if (self == NULL)
    return;

  g_free (self->service);
  g_free (self->account);
  g_free (self->display_name);
  g_free (self->scopes);
  g_free (self->status);
  g_free (self->status_reason);
  g_free (self->agent);
  g_free (self->provider);
  g_free (self);
}
