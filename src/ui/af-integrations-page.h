/* af-integrations-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "af-account-manager.h"
#include "af-connect-button.h"
#include "af-model-settings.h"

G_BEGIN_DECLS

#define AF_TYPE_INTEGRATIONS_PAGE (af_integrations_page_get_type ())

G_DECLARE_FINAL_TYPE (AfIntegrationsPage, af_integrations_page, AF, INTEGRATIONS_PAGE, GtkWidget)

void               af_integrations_page_set_state (AfIntegrationsPage *self,
                                                   const char         *service,
                                                   AfIntegrationState  state,
                                                   const char         *account,
                                                   const char         *used_by);
AfIntegrationState af_integrations_page_get_state (AfIntegrationsPage *self,
                                                   const char         *service);
const char        *af_integrations_page_get_service_title (const char *service);
void               af_integrations_page_set_model_settings (AfIntegrationsPage *self,
                                                            AfModelSettings    *model);
void               af_integrations_page_set_oidc_available (AfIntegrationsPage *self,
                                                            gboolean            available);
void               af_integrations_page_set_sandbox (AfIntegrationsPage *self,
                                                     gboolean            sandbox);
void               af_integrations_page_set_account_manager (AfIntegrationsPage *self,
                                                             AfAccountManager   *accounts,
                                                             GSettings          *settings);
void               af_integrations_page_set_auth0_tenant (AfIntegrationsPage *self,
                                                          const char         *domain,
                                                          const char         *client_id,
                                                          const char         *client_secret);

G_END_DECLS
