/* af-token-source.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_TYPE_TOKEN_SOURCE (af_token_source_get_type ())

G_DECLARE_INTERFACE (AfTokenSource, af_token_source, AF, TOKEN_SOURCE, GObject)

/**
 * AfTokenSourceInterface:
 * @get_token_async: hands out a valid access token, refreshing it first when
 *   it is about to expire or when @force_refresh is set (after a 401)
 * @get_token_finish: the token, or %NULL with an #AF_ERROR
 * @peek_token: (nullable): a token valid now, when the source has one at
 *   hand without asking anyone (no refresh due, no keyring read): a
 *   request then leaves at once instead of at the main loop's next turn;
 *   %NULL sends the caller to @get_token_async
 *
 * Where the HTTP layer gets bearer tokens from. The accounts layer
 * implements it on top of the Secret Service (refresh single-flight per
 * credential); a pasted Slack bot token or an API key is a static source.
 */
struct _AfTokenSourceInterface
{
  GTypeInterface parent_iface;

  void (*get_token_async) (AfTokenSource      *self,
                           gboolean            force_refresh,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data);
  char *(*get_token_finish) (AfTokenSource *self,
                             GAsyncResult  *result,
                             GError       **error);
  char *(*peek_token) (AfTokenSource *self);
};

void  af_token_source_get_token_async (AfTokenSource      *self,
                                       gboolean            force_refresh,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
char *af_token_source_get_token_finish (AfTokenSource *self,
                                        GAsyncResult  *result,
                                        GError       **error);
char *af_token_source_peek_token (AfTokenSource *self);

G_END_DECLS
