/* af-auth0-group.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "af-account-manager.h"

G_BEGIN_DECLS

#define AF_TYPE_AUTH0_GROUP (af_auth0_group_get_type ())

G_DECLARE_FINAL_TYPE (AfAuth0Group, af_auth0_group, AF, AUTH0_GROUP, AdwPreferencesGroup)

GtkWidget  *af_auth0_group_new (void);
void        af_auth0_group_set_account_manager (AfAuth0Group     *self,
                                                AfAccountManager *accounts,
                                                GSettings        *settings);
void        af_auth0_group_set_tenant (AfAuth0Group *self,
                                       const char   *domain,
                                       const char   *client_id,
                                       const char   *client_secret);
void        af_auth0_group_refresh (AfAuth0Group *self);
const char *af_auth0_group_get_service_title (const char *service);

G_END_DECLS
