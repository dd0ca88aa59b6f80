/* af-loopback-server.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_TYPE_LOOPBACK_SERVER (af_loopback_server_get_type ())

G_DECLARE_FINAL_TYPE (AfLoopbackServer, af_loopback_server, AF, LOOPBACK_SERVER, GObject)

#define AF_LOOPBACK_MAX_QUERY 4096

AfLoopbackServer *af_loopback_server_new (const char *host,
                                          const char *path,
                                          const char *state,
                                          guint       preferred_port,
                                          GError    **error);
void              af_loopback_server_set_issuer (AfLoopbackServer *self,
                                                 const char       *issuer,
                                                 gboolean          required);
const char       *af_loopback_server_get_redirect_uri (AfLoopbackServer *self);
guint             af_loopback_server_get_port (AfLoopbackServer *self);
void              af_loopback_server_wait_async (AfLoopbackServer   *self,
                                                 guint               timeout_seconds,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
char             *af_loopback_server_wait_finish (AfLoopbackServer *self,
                                                  GAsyncResult     *result,
                                                  GError          **error);
void              af_loopback_server_close (AfLoopbackServer *self);

G_END_DECLS
