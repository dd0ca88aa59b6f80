/* af-notifier.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_TYPE_NOTIFIER (af_notifier_get_type ())

G_DECLARE_FINAL_TYPE (AfNotifier, af_notifier, AF, NOTIFIER, GObject)

AfNotifier *af_notifier_new (GApplication *application,
                             GSettings    *settings);
void        af_notifier_set_rate_limit (AfNotifier *self,
                                        guint       max_per_interval,
                                        guint       interval_ms);
gboolean    af_notifier_send (AfNotifier    *self,
                              const char    *id,
                              GNotification *notification);
void        af_notifier_withdraw (AfNotifier *self,
                                  const char *id);
gboolean    af_notifier_notify_approval (AfNotifier *self,
                                         const char *approval_id,
                                         const char *title,
                                         const char *body);
gboolean    af_notifier_notify_approval_group (AfNotifier *self,
                                               const char *group_id,
                                               const char *agent_id,
                                               gint64      run_id,
                                               guint       n,
                                               const char *title,
                                               const char *body);
void        af_notifier_withdraw_approval_group (AfNotifier *self,
                                                 const char *group_id);
void        af_notifier_withdraw_approval (AfNotifier *self,
                                           const char *approval_id);
gboolean    af_notifier_notify_reconnect (AfNotifier *self,
                                          const char *connection_id,
                                          const char *title,
                                          const char *body);
gboolean    af_notifier_notify_agent_failed (AfNotifier *self,
                                             const char *agent_id,
                                             const char *title,
                                             const char *body);

G_END_DECLS
