/* af-vault.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsecret/secret.h>

#include "af-token-set.h"

G_BEGIN_DECLS

#define AF_TYPE_VAULT (af_vault_get_type ())

G_DECLARE_FINAL_TYPE (AfVault, af_vault, AF, VAULT, GObject)

const SecretSchema *af_vault_get_schema (void);

AfVault    *af_vault_new (void);
void        af_vault_store_async (AfVault            *self,
                                  const char         *service,
                                  const char         *account,
                                  const char         *agent,
                                  const char         *label,
                                  const AfTokenSet   *tokens,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
gboolean    af_vault_store_finish (AfVault      *self,
                                   GAsyncResult *result,
                                   GError      **error);
void        af_vault_lookup_async (AfVault            *self,
                                   const char         *service,
                                   const char         *account,
                                   const char         *agent,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
AfTokenSet *af_vault_lookup_finish (AfVault      *self,
                                    GAsyncResult *result,
                                    GError      **error);
void        af_vault_clear_async (AfVault            *self,
                                  const char         *service,
                                  const char         *account,
                                  const char         *agent,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
gboolean    af_vault_clear_finish (AfVault      *self,
                                   GAsyncResult *result,
                                   GError      **error);
void        af_vault_find_async (AfVault            *self,
                                 const char         *agent,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
GPtrArray  *af_vault_find_finish (AfVault      *self,
                                  GAsyncResult *result,
                                  GError      **error);

G_END_DECLS
