/* af-application-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-app-context.h"
#include "af-application.h"
#include "af-engine.h"
#include "af-window.h"

G_BEGIN_DECLS

struct _AfApplication
{
  AdwApplication parent_instance;

  GSettings    *settings;
  AfTray       *tray;
  AfNotifier   *notifier;
  AfBackground *background;

  /* Quit: the cancellable is cancelled when Quit is requested; the process
   * exits once every blocker is removed, or after QUIT_TIMEOUT_SECONDS. */
  GCancellable *shutdown_cancellable;
  GHashTable   *quit_blockers; /* id → reason */
  guint         next_blocker_id;
  guint         quit_timeout_id;

  /* Approvals from notifications, delivered to the engine exactly once;
   * those arriving before the engine registered its handler wait. */
  AfApprovalHandler approval_handler;
  gpointer          approval_data;
  GDestroyNotify    approval_destroy;
  GHashTable       *decided_approvals; /* id → GINT_TO_POINTER (approved + 1) */
  GPtrArray        *undelivered_approvals;

  /* The agents: created at startup of the primary instance, running for
   * as long as the process does, window or not. */
  AfAppContext     *context;
  AfEngine         *engine;
  AfAccountManager *accounts;
  char             *startup_problem; /* told to the user with the first window */
  GHashTable       *run_blockers;    /* run id → quit blocker id */
  GHashTable       *notified;        /* approval ids with a notification */
  GHashTable       *notified_groups; /* "agent:run" → count shown in its notification */
  guint             notify_idle;     /* approval notifications to update */
  guint             engine_start_id; /* idle or fallback timeout */

  guint sandbox : 1;
  guint engine_started : 1;
  guint start_in_background : 1;
  guint in_background : 1;
  guint quitting : 1;
};
/* af-application.c */
AfWindow *af_application_get_main_window (AfApplication *self);
void      af_application_present_main_window (AfApplication *self);
void      af_application_ensure_engine (AfApplication *self);
void      af_application_enter_background (AfApplication *self);

/* af-application-actions.c: the app.* actions and their shortcuts */
void af_application_actions_init (AfApplication *self);

/* af-application-background.c: closing the window, keeping agents running */
void af_application_watch_window (AfApplication *self,
                                  AfWindow      *window);

/* af-application-notify.c: notifications, approvals from them, the tray */
void af_application_notify_init (AfApplication *self);
void af_application_watch_engine (AfApplication *self);

G_END_DECLS
