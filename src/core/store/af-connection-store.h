/* af-connection-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-connection.h"
#include "af-database.h"

G_BEGIN_DECLS

#define AF_TYPE_CONNECTION_STORE (af_connection_store_get_type ())

G_DECLARE_FINAL_TYPE (AfConnectionStore, af_connection_store, AF, CONNECTION_STORE, GObject)

AfConnectionStore *af_connection_store_new (AfDatabase *database);
gboolean           af_connection_store_save (AfConnectionStore *self,
                                             const char        *service,
                                             const char        *account,
                                             const char        *display_name,
                                             const char        *scopes,
                                             GError           **error);
gboolean           af_connection_store_set_status (AfConnectionStore *self,
                                                   const char        *service,
                                                   const char        *account,
                                                   const char        *status,
                                                   const char        *reason,
                                                   GError           **error);
gboolean           af_connection_store_touch (AfConnectionStore *self,
                                              const char        *service,
                                              const char        *account,
                                              GError           **error);
gboolean           af_connection_store_remove (AfConnectionStore *self,
                                               const char        *service,
                                               const char        *account,
                                               GError           **error);
AfConnection      *af_connection_store_get (AfConnectionStore *self,
                                            const char        *service,
                                            const char        *account,
                                            GError           **error);
GPtrArray         *af_connection_store_list (AfConnectionStore *self,
                                             const char        *status,
                                             GError           **error);

gboolean      af_connection_store_save_for_agent (AfConnectionStore *self,
                                                  const char        *service,
                                                  const char        *account,
                                                  const char        *agent,
                                                  const char        *display_name,
                                                  const char        *scopes,
                                                  const char        *provider,
                                                  GError           **error);
gboolean      af_connection_store_set_status_for_agent (AfConnectionStore *self,
                                                        const char        *service,
                                                        const char        *account,
                                                        const char        *agent,
                                                        const char        *status,
                                                        const char        *reason,
                                                        GError           **error);
gboolean      af_connection_store_touch_for_agent (AfConnectionStore *self,
                                                   const char        *service,
                                                   const char        *account,
                                                   const char        *agent,
                                                   GError           **error);
gboolean      af_connection_store_remove_for_agent (AfConnectionStore *self,
                                                    const char        *service,
                                                    const char        *account,
                                                    const char        *agent,
                                                    GError           **error);
AfConnection *af_connection_store_get_for_agent (AfConnectionStore *self,
                                                 const char        *service,
                                                 const char        *account,
                                                 const char        *agent,
                                                 GError           **error);
GPtrArray    *af_connection_store_list_for_agent (AfConnectionStore *self,
                                                  const char        *agent,
                                                  const char        *status,
                                                  GError           **error);

G_END_DECLS
