/* af-credential.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "af-connection-store.h"
#include "af-provider.h"
#include "af-token-source.h"
#include "af-vault.h"

G_BEGIN_DECLS

#define AF_TYPE_CREDENTIAL (af_credential_get_type ())

G_DECLARE_FINAL_TYPE (AfCredential, af_credential, AF, CREDENTIAL, GObject)

AfCredential *af_credential_new (AfProvider        *provider,
                                 SoupSession       *session,
                                 AfVault           *vault,
                                 AfConnectionStore *store,
                                 const char        *account,
                                 const char        *agent);
const char   *af_credential_get_service (AfCredential *self);
const char   *af_credential_get_account (AfCredential *self);
const char   *af_credential_get_agent (AfCredential *self);
char         *af_credential_dup_label (AfCredential *self);
void          af_credential_set_refresh_margin (AfCredential *self,
                                                guint         seconds);
void          af_credential_invalidate (AfCredential *self);
gboolean      af_credential_is_valid (AfCredential *self);

G_END_DECLS
