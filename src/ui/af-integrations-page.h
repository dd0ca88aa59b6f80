/* af-integrations-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AF_TYPE_INTEGRATIONS_PAGE (af_integrations_page_get_type ())

G_DECLARE_FINAL_TYPE (AfIntegrationsPage, af_integrations_page, AF, INTEGRATIONS_PAGE, GtkWidget)

/**
 * AfIntegrationState:
 * @AF_INTEGRATION_DISCONNECTED: no account
 * @AF_INTEGRATION_WAITING: the sign-in runs in the browser
 * @AF_INTEGRATION_CONNECTED: an account is connected
 * @AF_INTEGRATION_NEEDS_RECONNECT: the account must sign in again
 */
typedef enum
{
  AF_INTEGRATION_DISCONNECTED,
  AF_INTEGRATION_WAITING,
  AF_INTEGRATION_CONNECTED,
  AF_INTEGRATION_NEEDS_RECONNECT,
} AfIntegrationState;

void               af_integrations_page_set_state (AfIntegrationsPage *self,
                                                   const char         *service,
                                                   AfIntegrationState  state,
                                                   const char         *account,
                                                   const char         *used_by);
AfIntegrationState af_integrations_page_get_state (AfIntegrationsPage *self,
                                                   const char         *service);
const char        *af_integrations_page_get_service_title (const char *service);

G_END_DECLS
