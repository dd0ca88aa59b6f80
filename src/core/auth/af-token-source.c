/* af-token-source.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-token-source"

#include "config.h"

#include "af-token-source.h"

G_DEFINE_INTERFACE (AfTokenSource, af_token_source, G_TYPE_OBJECT)

static void
af_token_source_default_init (AfTokenSourceInterface *iface)
{
}

void
af_token_source_get_token_async (AfTokenSource      *self,
                                 gboolean            force_refresh,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_return_if_fail (AF_IS_TOKEN_SOURCE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  AF_TOKEN_SOURCE_GET_IFACE (self)->get_token_async (self, force_refresh, cancellable,
                                                     callback, user_data);
}

/**
 * af_token_source_get_token_finish:
 *
 * Returns: (transfer full): the access token; never log it
 */
char *
af_token_source_get_token_finish (AfTokenSource *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (AF_IS_TOKEN_SOURCE (self), NULL);

  return AF_TOKEN_SOURCE_GET_IFACE (self)->get_token_finish (self, result, error);
}

/**
 * af_token_source_peek_token:
 *
 * A token valid now, without waiting, when the source has one at hand;
 * otherwise %NULL, and af_token_source_get_token_async() gets one.
 *
 * Returns: (transfer full) (nullable): the access token; never log it
 */
char *
af_token_source_peek_token (AfTokenSource *self)
{
  AfTokenSourceInterface *iface;

  g_return_val_if_fail (AF_IS_TOKEN_SOURCE (self), NULL);

  iface = AF_TOKEN_SOURCE_GET_IFACE (self);
  return iface->peek_token != NULL ? iface->peek_token (self) : NULL;
}
