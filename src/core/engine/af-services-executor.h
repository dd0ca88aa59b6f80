/* af-services-executor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-calendar-client.h"
#include "af-database.h"
#include "af-executor.h"
#include "af-gmail-client.h"
#include "af-slack-client.h"

G_BEGIN_DECLS

#define AF_TYPE_SERVICES_EXECUTOR (af_services_executor_get_type ())

G_DECLARE_FINAL_TYPE (AfServicesExecutor, af_services_executor, AF, SERVICES_EXECUTOR, GObject)

/* The engine's side of the service clients: each client is nullable (an
 * agent using a missing service fails with AF_ERROR_NOT_CONFIGURED). Point
 * the clients at the real APIs or at an AfSandbox. */
AfServicesExecutor *af_services_executor_new (AfGmailClient    *gmail,
                                              AfCalendarClient *calendar,
                                              AfSlackClient    *slack);
void                af_services_executor_set_database (AfServicesExecutor *self,
                                                       AfDatabase         *db);

G_END_DECLS
