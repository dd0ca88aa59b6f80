/* af-connect-button.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

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

#define AF_TYPE_CONNECT_BUTTON (af_connect_button_get_type ())

G_DECLARE_FINAL_TYPE (AfConnectButton, af_connect_button, AF, CONNECT_BUTTON, GtkWidget)

GtkWidget         *af_connect_button_new (const char *service,
                                          gboolean    can_disconnect);
const char        *af_connect_button_get_service (AfConnectButton *self);
AfIntegrationState af_connect_button_get_state (AfConnectButton *self);
void               af_connect_button_set_state (AfConnectButton   *self,
                                                AfIntegrationState state);

void af_connect_button_set_service_title (AfConnectButton *self,
                                          const char      *title);

G_END_DECLS
