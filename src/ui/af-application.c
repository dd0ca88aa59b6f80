/* af-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-application"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>

#include "af-source.h"
#include "af-account-manager.h"
#include "af-action-text.h"
#include "af-approval-queue.h"
#include "af-application.h"
#include "af-database.h"
#include "af-app-context.h"
#include "af-error.h"
#include "af-model-settings.h"
#include "af-paths.h"
#include "af-preferences-window.h"
#include "af-window.h"

/* How long Quit waits for in-flight runs (quit blockers) before exiting
 * anyway: long enough for a run to reach a safe point, short enough that
 * Quit still feels like quitting. */
#define QUIT_TIMEOUT_SECONDS 10

/* The engine starts once the window's first frame is on screen; should no
 * frame come (a window closed at once, no display to paint on), it starts
 * anyway after this long. */
#define ENGINE_START_FALLBACK_MS 3000

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

static void ensure_engine (AfApplication *self);

G_DEFINE_FINAL_TYPE (AfApplication, af_application, ADW_TYPE_APPLICATION)

enum
{
  PROP_0,
  PROP_IN_BACKGROUND,
  PROP_QUITTING,
  N_PROPS
};

enum
{
  SHUTDOWN_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Print the version and exit"), NULL },
  { "background", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Start without a window and keep running agents in the background"), NULL },
  { "sandbox", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Try AgentFlow against a local simulation of Gmail, Calendar and Slack, with its own data"), NULL },
  { NULL }
};

/**
 * af_application_get_option_entries:
 *
 * The application's own options, for a --help that lists every command of
 * the binary (see main.c). Their arg_data is %NULL: GApplication puts them
 * in the options dictionary.
 *
 * Returns: (transfer none): the entries, %NULL-terminated
 */
const GOptionEntry *
af_application_get_option_entries (void)
{
  return main_entries;
}

/**
 * af_application_get_summary:
 *
 * Returns: what the application does, in a sentence, for --help
 */
const char *
af_application_get_summary (void)
{
  return _ ("Agents that sort your mail, post to Slack and manage your calendar.");
}

/* The settings, looked up first: without an installed schema
 * g_settings_new() aborts the process, and an uninstalled build run
 * without GSETTINGS_SCHEMA_DIR deserves a sentence instead. */
static gboolean
ensure_settings (AfApplication *self,
                 GError       **error)
{
  GSettingsSchemaSource *source;
  g_autoptr (GSettingsSchema) schema = NULL;

  if (self->settings != NULL)
    return TRUE;

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.agentflow.App", TRUE);
  if (schema == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _ ("The settings schema “%s” is not installed: install AgentFlow, or run it from "
                      "the build tree with build-aux/run, which sets GSETTINGS_SCHEMA_DIR"),
                   "org.agentflow.App");
      return FALSE;
    }

  self->settings = g_settings_new_full (schema, NULL, NULL);
  return TRUE;
}

static AfWindow *
get_main_window (AfApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (const GList *l = windows; l != NULL; l = l->next)
    {
      if (AF_IS_WINDOW (l->data))
        return l->data;
    }

  return NULL;
}

static void
enter_background (AfApplication *self)
{
  g_assert (AF_IS_APPLICATION (self));

  if (self->in_background || self->quitting)
    return;

  /* GtkApplication holds the application while it has windows; this hold
   * keeps the agents running once the last one is gone. */
  g_application_hold (G_APPLICATION (self));
  self->in_background = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_BACKGROUND]);

  if (self->background != NULL)
    af_background_request (self->background, NULL);
}

static void
finish_quit (AfApplication *self)
{
  g_assert (AF_IS_APPLICATION (self));

  g_clear_handle_id (&self->quit_timeout_id, g_source_remove);
  g_application_quit (G_APPLICATION (self));
}

static void
deliver_approval (AfApplication *self,
                  const char    *approval_id,
                  gboolean       approved)
{
  g_assert (AF_IS_APPLICATION (self));
  g_assert (self->approval_handler != NULL);

  self->approval_handler (self, approval_id, approved, self->approval_data);
}

static void
decide_approval (AfApplication *self,
                 const char    *approval_id,
                 gboolean       approved)
{
  g_assert (AF_IS_APPLICATION (self));

  /* A notification button can be pressed again before the desktop removes
   * the notification, and the window may offer the same decision: the
   * first one counts. */
  if (g_hash_table_contains (self->decided_approvals, approval_id))
    {
      g_debug ("Approval %s was already decided", approval_id);
      return;
    }
  g_hash_table_insert (self->decided_approvals, g_strdup (approval_id),
                       GINT_TO_POINTER (approved ? 2 : 1));

  if (self->notifier != NULL)
    af_notifier_withdraw_approval (self->notifier, approval_id);

  if (self->approval_handler != NULL)
    deliver_approval (self, approval_id, approved);
  else
    g_ptr_array_add (self->undelivered_approvals, g_strdup (approval_id));
}

static void
on_style_variant_changed_cb (AfApplication *self,
                             const char    *key,
                             GSettings     *settings)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *variant = g_settings_get_string (settings, "style-variant");
  AdwColorScheme   scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (variant, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (variant, "dark"))
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (style_manager, scheme);
}

static gboolean
on_quit_timeout_cb (gpointer user_data)
{
  AfApplication *self = user_data;

  self->quit_timeout_id = 0;
  g_message ("Quitting while %u task(s) are still busy",
             g_hash_table_size (self->quit_blockers));
  finish_quit (self);

  return G_SOURCE_REMOVE;
}

static gboolean
on_quit_after_close_cb (gpointer user_data)
{
  AfApplication *self = user_data;

  af_application_request_quit (self);
  g_application_release (G_APPLICATION (self));

  return G_SOURCE_REMOVE;
}

static gboolean
on_close_after_question_cb (gpointer user_data)
{
  GtkWindow *window = user_data;

  if (gtk_widget_get_root (GTK_WIDGET (window)) != NULL && gtk_widget_get_visible (GTK_WIDGET (window)))
    gtk_window_close (window);

  return G_SOURCE_REMOVE;
}

static void
on_background_question_response_cb (AdwMessageDialog *dialog,
                                    const char       *response,
                                    AfApplication    *self)
{
  GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));

  if (g_str_equal (response, "cancel"))
    return;

  g_settings_set_boolean (self->settings, "run-in-background", g_str_equal (response, "background"));
  g_settings_set_boolean (self->settings, "background-asked", TRUE);

  /* Closed from an idle: the dialog is finalized when this emission ends,
   * and it must not outlive the window it is transient for. */
  if (window != NULL)
    g_source_set_name_by_id (g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_close_after_question_cb,
                                              g_object_ref (window), g_object_unref),
                             "[agentflow] close after the background question");
}

static void
ask_about_background (AfApplication *self,
                      GtkWindow     *window)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (window,
                                   _ ("Keep Agents Running?"),
                                   _ ("AgentFlow can keep running your agents after you close "
                                      "the window, so their work is done when you come back. "
                                      "Choose Quit in the main menu to stop them. "
                                      "You can change this in Preferences."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _ ("_Cancel"),
                                    "quit", _ ("_Quit"),
                                    "background", _ ("_Keep Running"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "background",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "background");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (on_background_question_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Connected after AfWindow's own handler, which saves the window state. */
static gboolean
on_window_close_request_cb (GtkWindow     *window,
                            AfApplication *self)
{
  if (self->quitting)
    return FALSE;

  if (!g_settings_get_boolean (self->settings, "background-asked"))
    {
      ask_about_background (self, window);
      return TRUE;
    }

  if (g_settings_get_boolean (self->settings, "run-in-background"))
    {
      enter_background (self);
      return FALSE;
    }

  /* Closing the window is quitting: let it close, then stop the agents the
   * same way Quit does. The hold bridges the gap between the two. */
  g_application_hold (G_APPLICATION (self));
  af_idle_add_named (G_PRIORITY_DEFAULT_IDLE, "[agentflow] quit after close", on_quit_after_close_cb, self);
  return FALSE;
}

#define REPEATED_FAILURES 3

static void
on_needs_reconnect_cb (AfAccountManager *accounts,
                       const char       *service,
                       const char       *account,
                       const char       *reason,
                       AfApplication    *self)
{
  g_autofree char *id = g_strdup_printf ("%s:%s", service, account);
  g_autofree char *title = g_strdup_printf (_ ("Reconnect %s"), account);

  af_notifier_notify_reconnect (self->notifier, id, title,
                                reason != NULL && *reason != '\0'
                                    ? reason
                                    : _ ("AgentFlow lost access to this account. Agents that use it are paused until you reconnect it."));
}

typedef struct
{
  AfApplication *app;
  guint          blocker;
} ForgetData;

static void
on_agent_forgotten_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ForgetData *data = user_data;
  g_autoptr (GError) error = NULL;

  /* A revocation that could not reach the provider stays queued and is
   * retried at the next start; the agent's tokens are unusable already. */
  if (!af_account_manager_forget_agent_finish (AF_ACCOUNT_MANAGER (object), result, &error))
    g_warning ("The deleted agent's own sign-ins are not revoked yet: %s", error->message);
  af_application_remove_quit_blocker (data->app, data->blocker);
  g_object_unref (data->app);
  g_free (data);
}

/* A deleted agent's own credentials are revoked at the provider and
 * removed from the keyring; shared connections stay. Quit waits for it. */
static void
on_agent_deleted_cb (AfEngine      *engine,
                     const char    *agent_id,
                     AfApplication *self)
{
  ForgetData *data = g_new0 (ForgetData, 1);

  data->app = g_object_ref (self);
  data->blocker = af_application_add_quit_blocker (self, agent_id);
  af_account_manager_forget_agent_async (self->accounts, agent_id, NULL, on_agent_forgotten_cb, data);
}

static void
update_tray (AfApplication *self)
{
  GListModel *agents;
  guint       running = 0, paused = 0;

  g_assert (AF_IS_APPLICATION (self));

  if (self->tray == NULL || self->engine == NULL)
    return;

  agents = af_engine_get_agents (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);

      if (af_agent_get_state (agent) == AF_AGENT_STATE_PAUSED)
        paused++;
      else
        running++;
    }

  af_tray_set_counts (self->tray, running, paused,
                      g_list_model_get_n_items (af_engine_get_approvals (self->engine)));
}

static void
on_agents_changed_cb (GListModel    *model,
                      guint          position,
                      guint          removed,
                      guint          added,
                      AfApplication *self)
{
  update_tray (self);
}

typedef struct
{
  char      *agent_id;
  gint64     run_id;
  GPtrArray *approvals; /* AfApproval */
} NotifyGroup;

static void
notify_group_free (NotifyGroup *g)
{
  g_free (g->agent_id);
  g_ptr_array_unref (g->approvals);
  g_free (g);
}

/* One notification per approval of a run that asks once, one with
 * "Approve all N" per run that asks many times; decided or expired, they
 * go. Run once the approvals have settled: a run adds its approvals in a
 * burst. */
static gboolean
update_approval_notifications_cb (gpointer user_data)
{
  AfApplication *self = user_data;
  GListModel    *model;
  g_autoptr (GHashTable) current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify)notify_group_free);
  GHashTableIter iter;
  gpointer       key, value;

  self->notify_idle = 0;
  if (self->engine == NULL)
    return G_SOURCE_REMOVE;
  model = af_engine_get_approvals (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (AfApproval) approval = g_list_model_get_item (model, i);
      g_autofree char *group_id = g_strdup_printf ("%s:%" G_GINT64_FORMAT, af_approval_get_agent_id (approval),
                                                   af_approval_get_run_id (approval));
      NotifyGroup     *g = g_hash_table_lookup (groups, group_id);

      if (g == NULL)
        {
          g = g_new0 (NotifyGroup, 1);
          g->agent_id = g_strdup (af_approval_get_agent_id (approval));
          g->run_id = af_approval_get_run_id (approval);
          g->approvals = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (groups, g_strdup (group_id), g);
        }
      g_ptr_array_add (g->approvals, g_steal_pointer (&approval));
    }

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      NotifyGroup     *g = value;
      AfAgent         *agent = af_engine_lookup_agent (self->engine, g->agent_id);
      const char      *name = agent ? af_agent_get_name (agent) : _ ("An Agent");
      g_autofree char *title = g_strdup_printf (_ ("%s Asks Before Acting"), name);

      if (g->approvals->len == 1)
        {
          AfApproval      *approval = g_ptr_array_index (g->approvals, 0);
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, af_approval_get_id (approval));

          if (!g_hash_table_contains (self->notified, id))
            {
              af_notifier_notify_approval (self->notifier, id, title, af_approval_get_summary (approval));
              g_hash_table_add (self->notified, g_strdup (id));
            }
          g_hash_table_add (current, g_steal_pointer (&id));
          continue;
        }

      /* Many: one notification for them all, its count kept up to date. */
      if (GPOINTER_TO_UINT (g_hash_table_lookup (self->notified_groups, key)) != g->approvals->len)
        {
          g_autoptr (GPtrArray) actions = g_ptr_array_new ();
          g_autofree char *body = NULL;

          for (guint i = 0; i < g->approvals->len; i++)
            g_ptr_array_add (actions, (gpointer)af_approval_get_action (g_ptr_array_index (g->approvals, i)));
          body = af_action_describe_many ((const char *const *)actions->pdata, actions->len);
          af_notifier_notify_approval_group (self->notifier, key, g->agent_id, g->run_id, g->approvals->len, title,
                                             body);
          g_hash_table_insert (self->notified_groups, g_strdup (key), GUINT_TO_POINTER (g->approvals->len));
        }
    }

  /* Decided in the window or expired (or now part of a group's): the
   * notification goes too. */
  g_hash_table_iter_init (&iter, self->notified);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (current, key))
        {
          af_notifier_withdraw_approval (self->notifier, key);
          g_hash_table_iter_remove (&iter);
        }
    }
  g_hash_table_iter_init (&iter, self->notified_groups);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      NotifyGroup *g = g_hash_table_lookup (groups, key);

      if (g == NULL || g->approvals->len < 2)
        {
          af_notifier_withdraw_approval_group (self->notifier, key);
          g_hash_table_iter_remove (&iter);
        }
    }

  update_tray (self);
  return G_SOURCE_REMOVE;
}

static void
on_approvals_changed_cb (GListModel    *model,
                         guint          position,
                         guint          removed,
                         guint          added,
                         AfApplication *self)
{
  if (self->notify_idle == 0)
    self->notify_idle = g_idle_add_full (G_PRIORITY_LOW, update_approval_notifications_cb, self, NULL);
}

static void
on_run_started_cb (AfEngine      *engine,
                   const char    *agent_id,
                   gint64         run_id,
                   AfApplication *self)
{
  guint blocker = af_application_add_quit_blocker (self, agent_id);

  g_hash_table_insert (self->run_blockers, g_memdup2 (&run_id, sizeof run_id), GUINT_TO_POINTER (blocker));
}

static void
on_run_finished_cb (AfEngine      *engine,
                    const char    *agent_id,
                    gint64         run_id,
                    const char    *outcome,
                    AfApplication *self)
{
  gpointer blocker;

  /* A failure now and then is retried quietly; a run of them needs the
   * user. Told once, when the third failure in a row happens. */
  if (g_strcmp0 (outcome, "failed") == 0 && af_engine_get_failures (engine, agent_id) == REPEATED_FAILURES)
    {
      AfAgent         *agent = af_engine_lookup_agent (engine, agent_id); /* (transfer none) */
      g_autofree char *title = g_strdup_printf (_ ("%s Keeps Failing"), agent ? af_agent_get_name (agent) : _ ("An Agent"));

      af_notifier_notify_agent_failed (self->notifier, agent_id, title,
                                       _ ("Its last runs did not finish. Open its activity to see why."));
    }

  if (g_hash_table_lookup_extended (self->run_blockers, &run_id, NULL, &blocker))
    {
      af_application_remove_quit_blocker (self, GPOINTER_TO_UINT (blocker));
      g_hash_table_remove (self->run_blockers, &run_id);
    }

  update_tray (self);
}

static void
set_all_paused (AfApplication *self,
                gboolean       paused)
{
  GListModel *agents = af_engine_get_agents (self->engine);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  /* Pausing changes the model: collect the ids first. */
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);
      gboolean is_paused = af_agent_get_state (agent) == AF_AGENT_STATE_PAUSED;

      if (is_paused != paused)
        g_ptr_array_add (ids, g_strdup (af_agent_get_id (agent)));
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (GError) error = NULL;

      if (paused ? !af_engine_pause_agent (self->engine, ids->pdata[i], &error)
                 : !af_engine_resume_agent (self->engine, ids->pdata[i], &error))
        g_warning ("Could not change agent %s: %s", (char *)ids->pdata[i], error->message);
    }

  update_tray (self);
}

static void
on_tray_pause_all_cb (AfApplication *self)
{
  set_all_paused (self, TRUE);
}

static void
on_tray_resume_all_cb (AfApplication *self)
{
  set_all_paused (self, FALSE);
}

static void
on_approve_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (AfApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  AfWindow *window;

  if (af_engine_approve_finish (AF_ENGINE (object), result, &error))
    return;

  window = get_main_window (self);
  if (window != NULL)
    af_window_add_toast (window, adw_toast_new (error->message));
  else
    g_warning ("Approved action failed: %s", error->message);
}

static void
handle_approval (AfApplication *app,
                 const char    *approval_id,
                 gboolean       approved,
                 gpointer       user_data)
{
  AfApplication *self = AF_APPLICATION (app);
  gint64         id = g_ascii_strtoll (approval_id, NULL, 10);

  /* A decision can arrive (from a notification) before the engine has
   * started: it is what the user asked for, so start it now. */
  ensure_engine (self);
  if (self->engine == NULL)
    return;

  if (approved)
    {
      af_engine_approve_async (self->engine, id, self->shutdown_cancellable,
                               on_approve_done_cb, g_object_ref (self));
    }
  else
    {
      g_autoptr (GError) error = NULL;

      if (!af_engine_deny (self->engine, id, &error))
        g_warning ("Could not deny approval %s: %s", approval_id, error->message);
    }
}

static AfAppContext *
open_context (AfApplication *self,
              GError       **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *path = af_paths_get_database_path (self->sandbox);
  g_autofree char *moved = NULL;
  AfAppContext    *context;

  context = af_app_context_new (self->sandbox, self->settings, &local_error);
  if (context != NULL)
    return context;

  /* A damaged database is never written over: it is kept beside the new
   * one, and the user is told where. */
  if (!g_error_matches (local_error, AF_ERROR, AF_ERROR_DATABASE_CORRUPT) ||
      !(moved = af_database_move_aside (path, NULL)))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  context = af_app_context_new (self->sandbox, self->settings, error);
  if (context != NULL)
    self->startup_problem = g_strdup_printf (_ ("%s It was kept as “%s” and AgentFlow started with "
                                                "an empty one: your agents need to be set up again."),
                                             local_error->message, moved);
  return context;
}

static void
start_engine (AfApplication *self)
{
  g_autoptr (GError) error = NULL;
  AfSandboxLife *life;

  g_assert (AF_IS_APPLICATION (self));

  self->context = open_context (self, &error);
  if (self->context != NULL)
    self->engine = g_object_ref (af_app_context_get_engine (self->context));
  if (self->engine == NULL || !af_engine_start (self->engine, &error))
    {
      g_clear_object (&self->engine);
      g_clear_object (&self->context);
      self->startup_problem = g_strdup (error->message);
      g_warning ("Agents are not running: %s", error->message);
      return;
    }

  self->accounts = g_object_ref (af_app_context_get_account_manager (self->context));
  if (!self->sandbox)
    {
      af_account_manager_retry_revocations_async (self->accounts, self->shutdown_cancellable, NULL, NULL);
      g_signal_connect_object (self->accounts, "needs-reconnect", G_CALLBACK (on_needs_reconnect_cb), self, 0);
      g_signal_connect_object (self->engine, "agent-deleted", G_CALLBACK (on_agent_deleted_cb), self, 0);
    }
  else if ((life = af_app_context_get_sandbox_life (self->context)) != NULL)
    {
      /* Printed so a sandbox session can be replayed. */
      g_message ("Sandbox: new mail, messages and events arrive over time (AGENTFLOW_SANDBOX_SEED=%u)",
                 af_sandbox_life_get_seed (life));
      af_sandbox_life_start (life);
    }

  g_signal_connect_object (af_engine_get_agents (self->engine), "items-changed",
                           G_CALLBACK (on_agents_changed_cb), self, 0);
  g_signal_connect_object (af_engine_get_approvals (self->engine), "items-changed",
                           G_CALLBACK (on_approvals_changed_cb), self, 0);
  g_signal_connect_object (self->engine, "run-started", G_CALLBACK (on_run_started_cb), self, 0);
  g_signal_connect_object (self->engine, "run-finished", G_CALLBACK (on_run_finished_cb), self, 0);
  if (self->tray != NULL)
    {
      g_signal_connect_object (self->tray, "pause-all", G_CALLBACK (on_tray_pause_all_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->tray, "resume-all", G_CALLBACK (on_tray_resume_all_cb), self, G_CONNECT_SWAPPED);
    }
  update_tray (self);
  on_approvals_changed_cb (af_engine_get_approvals (self->engine), 0, 0, 0, self);
}

static void
on_startup_problem_response_cb (AdwMessageDialog *dialog,
                                const char       *response,
                                gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
tell_startup_problem (AfApplication *self,
                      AfWindow      *window)
{
  GtkWidget *dialog;

  if (self->startup_problem == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (window),
                                   self->engine ? _ ("Your Data Was Damaged") : _ ("Agents Cannot Run"),
                                   self->startup_problem);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_startup_problem_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  g_clear_pointer (&self->startup_problem, g_free);
}

/* Benchmarks (bench/) set AGENTFLOW_BENCH_T0: the first frame that shows
 * the agents prints how long it took since then, next to the window's
 * own "first-frame-us". */
static void
on_content_painted_cb (GdkFrameClock *clock,
                       gpointer       user_data)
{
  const char *t0 = g_getenv ("AGENTFLOW_BENCH_T0");

  g_signal_handlers_disconnect_by_func (clock, on_content_painted_cb, user_data);
  g_print ("content-frame-us %" G_GINT64_FORMAT "\n",
           g_get_monotonic_time () - g_ascii_strtoll (t0, NULL, 10));
  fflush (stdout);
}

static void
bind_window (AfApplication *self,
             AfWindow      *window)
{
  g_assert (AF_IS_APPLICATION (self));
  g_assert (AF_IS_WINDOW (window));

  af_window_set_account_manager (window, self->accounts);
  af_window_set_engine (window, self->engine);

  if (g_getenv ("AGENTFLOW_BENCH_T0") != NULL && gtk_widget_get_realized (GTK_WIDGET (window)))
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

      g_signal_connect (clock, "after-paint", G_CALLBACK (on_content_painted_cb), NULL);
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
    }
}

/* Opens the database and starts the agents, once; binds a window that
 * was shown before. */
static void
ensure_engine (AfApplication *self)
{
  AfWindow *window;

  g_assert (AF_IS_APPLICATION (self));

  g_clear_handle_id (&self->engine_start_id, g_source_remove);
  if (self->engine_started)
    return;
  self->engine_started = TRUE;

  start_engine (self);

  window = get_main_window (self);
  if (window != NULL)
    {
      bind_window (self, window);
      tell_startup_problem (self, window);
    }
}

static gboolean
on_start_engine_cb (gpointer user_data)
{
  AfApplication *self = user_data;

  self->engine_start_id = 0;
  if (!self->quitting)
    ensure_engine (self);

  return G_SOURCE_REMOVE;
}

static void
on_first_frame_painted_cb (GdkFrameClock *clock,
                           AfApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame_painted_cb, self);

  /* From an idle: the frame is finished and flushed before the agents
   * load and the lists fill in. */
  if (!self->engine_started)
    {
      g_clear_handle_id (&self->engine_start_id, g_source_remove);
      self->engine_start_id = af_idle_add_named (G_PRIORITY_DEFAULT_IDLE, "[agentflow] engine start", on_start_engine_cb, self);
    }
}

static void
on_window_realize_cb (GtkWidget     *window,
                      AfApplication *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (on_first_frame_painted_cb), self, 0);
}

static void
present_main_window (AfApplication *self)
{
  AfWindow *window = get_main_window (self);

  if (window == NULL)
    {
      window = af_window_new (self);
      af_window_set_sandbox (window, self->sandbox);
      g_signal_connect_object (window, "close-request",
                               G_CALLBACK (on_window_close_request_cb), self,
                               G_CONNECT_AFTER);

      /* The first window of the process shows before the database is
       * read: the engine starts after its first frame, then the pages
       * fill in. */
      if (self->engine_started)
        bind_window (self, window);
      else
        {
          g_signal_connect_object (window, "realize", G_CALLBACK (on_window_realize_cb), self, 0);
          g_clear_handle_id (&self->engine_start_id, g_source_remove);
          self->engine_start_id = af_timeout_add_named (ENGINE_START_FALLBACK_MS, "[agentflow] engine start", on_start_engine_cb, self);
        }
    }

  gtk_window_present (GTK_WINDOW (window));
  tell_startup_problem (self, window);
}

static void
on_tray_activate_cb (AfApplication *self)
{
  g_application_activate (G_APPLICATION (self));
}

static void
on_tray_open_approvals_cb (AfApplication *self)
{
  g_action_group_activate_action (G_ACTION_GROUP (self), "open-view",
                                  g_variant_new_string ("approvals"));
}

static void
on_tray_quit_cb (AfApplication *self)
{
  af_application_request_quit (self);
}

static void
af_application_about (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  AfApplication     *self = user_data;
  GtkWindow         *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The AgentFlow developers", NULL };
  GtkWidget         *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-icon", "org.agentflow.App",
                        "application-name", _ ("AgentFlow"),
                        "developer-name", _ ("The AgentFlow developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _ ("Personal automation for your mail, calendar and chat. "
                                       "Agents run on your computer and keep your credentials "
                                       "in your keyring."),
                        "copyright", "© 2026 The AgentFlow developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: Replace "translator-credits" with your names, one name per line */
                        "translator-credits", _ ("translator-credits"),
                        NULL);

  gtk_window_present (GTK_WINDOW (about));
}

static void
af_application_preferences (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  AfApplication       *self = user_data;
  GtkWindow           *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AfPreferencesWindow *prefs;

  prefs = af_preferences_window_new (self->settings);
  af_preferences_window_set_background (prefs, self->background);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
af_application_quit (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  af_application_request_quit (AF_APPLICATION (user_data));
}

static void
af_application_open_view (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  AfApplication *self = user_data;
  const char    *view = g_variant_get_string (parameter, NULL);

  if (self->quitting)
    return;

  present_main_window (self);

  /* The window shows the view if it has one by that name. */
  gtk_widget_activate_action (GTK_WIDGET (get_main_window (self)), "win.show-view", "s", view);
}

static void
af_application_approve (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  decide_approval (AF_APPLICATION (user_data), g_variant_get_string (parameter, NULL), TRUE);
}

static void
af_application_deny (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  decide_approval (AF_APPLICATION (user_data), g_variant_get_string (parameter, NULL), FALSE);
}

static void
on_group_approved_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (AfApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  AfWindow *window;

  if (af_approval_queue_approve_finish (AF_APPROVAL_QUEUE (source), result, NULL, NULL, &error))
    return;
  window = get_main_window (self);
  if (window != NULL)
    af_window_add_toast (window, adw_toast_new (error->message));
  else
    g_warning ("Approved actions failed: %s", error->message);
}

/* "Approve all N" in a notification: what the run still asks for, at
 * once; what was decided meanwhile is left out. */
static void
af_application_approve_group (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  AfApplication   *self = AF_APPLICATION (user_data);
  const char      *agent_id;
  gint64           run_id;
  AfApprovalQueue *queue;
  g_autoptr (GPtrArray) approvals = NULL;

  g_variant_get (parameter, "(&sx)", &agent_id, &run_id);
  ensure_engine (self);
  if (self->engine == NULL)
    return;
  queue = af_engine_get_approval_queue (self->engine);
  approvals = af_approval_queue_list (queue, agent_id, run_id, NULL);
  if (approvals->len == 0)
    return;
  af_approval_queue_approve_async (queue, approvals, NULL, self->shutdown_cancellable, on_group_approved_cb,
                                   g_object_ref (self));
}

static const GActionEntry app_actions[] = {
  { "about", af_application_about },
  { "preferences", af_application_preferences },
  { "quit", af_application_quit },
  { "open-view", af_application_open_view, "s" },
  { "approve", af_application_approve, "s" },
  { "deny", af_application_deny, "s" },
  { "approve-group", af_application_approve_group, "(sx)" },
};

static int
af_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  AfApplication *self = AF_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  {
    g_autoptr (GError) error = NULL;

    if (!ensure_settings (self, &error))
      {
        g_printerr ("%s: %s\n", PACKAGE_NAME, error->message);
        return 1;
      }
  }

  /* The sandbox is its own instance, with its own data: it never mixes
   * with a running real one. */
  if (g_variant_dict_contains (options, "sandbox"))
    {
      g_autofree char *id = g_strconcat (APPLICATION_ID, ".Sandbox", NULL);

      self->sandbox = TRUE;
      g_application_set_application_id (app, id);
    }

  if (g_variant_dict_contains (options, "background"))
    {
      g_autoptr (GError) error = NULL;

      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }

      /* Already running: it is in the background or has a window, and
       * either way there is nothing to start. */
      if (g_application_get_is_remote (app))
        return 0;

      self->start_in_background = TRUE;
    }

  return G_APPLICATION_CLASS (af_application_parent_class)->handle_local_options (app, options);
}

/* Measuring wakeups (AGENTFLOW_SOURCE_STATS, see af-source.c): the
 * benchmark stops the app with SIGTERM, which then quits as the user
 * would, and prints the dispatches of its sources on the way out. */
static gboolean
on_sigterm_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

static void
af_application_startup (GApplication *app)
{
  AfApplication     *self = AF_APPLICATION (app);
  GDBusConnection   *connection;
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };
  g_autoptr (GError) error = NULL;

  /* handle_local_options() checked the schema already, unless the
   * application was started without a command line (tests). */
  if (!ensure_settings (self, &error))
    {
      g_printerr ("%s: %s\n", PACKAGE_NAME, error->message);
      exit (1);
    }

  G_APPLICATION_CLASS (af_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_signal_connect_object (self->settings, "changed::style-variant",
                           G_CALLBACK (on_style_variant_changed_cb), self,
                           G_CONNECT_SWAPPED);
  on_style_variant_changed_cb (self, "style-variant", self->settings);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-agent", new_accels);

  if (g_getenv ("AGENTFLOW_SOURCE_STATS") != NULL)
    g_source_set_name_by_id (g_unix_signal_add (SIGTERM, on_sigterm_cb, self), "[agentflow] SIGTERM");

  connection = g_application_get_dbus_connection (app);
  self->notifier = af_notifier_new (app, self->settings);
  self->background = af_background_new (self->settings, connection);
  if (connection != NULL)
    {
      self->tray = af_tray_new (connection);
      g_signal_connect_object (self->tray, "activate",
                               G_CALLBACK (on_tray_activate_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->tray, "open-approvals",
                               G_CALLBACK (on_tray_open_approvals_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->tray, "quit",
                               G_CALLBACK (on_tray_quit_cb), self, G_CONNECT_SWAPPED);
    }

  /* Decisions from notifications reach the engine, which starts on
   * demand if it has not yet. */
  af_application_set_approval_handler (self, handle_approval, NULL, NULL);

  /* Nothing here reads the database: the engine starts from the main
   * loop, after the first window's first frame if one is shown (see
   * present_main_window()), else at once (--background, D-Bus activation). */
  self->engine_start_id = af_idle_add_named (G_PRIORITY_DEFAULT_IDLE, "[agentflow] engine start", on_start_engine_cb, self);

  /* Started by D-Bus activation (a notification button, the tray host): no
   * window unless asked for, but the agents run. */
  if ((g_application_get_flags (app) & G_APPLICATION_IS_SERVICE) != 0 &&
      g_settings_get_boolean (self->settings, "run-in-background"))
    enter_background (self);
}

static void
af_application_activate (GApplication *app)
{
  AfApplication *self = AF_APPLICATION (app);

  if (self->start_in_background)
    {
      self->start_in_background = FALSE;
      enter_background (self);
      return;
    }

  if (self->quitting)
    return;

  present_main_window (self);
}

static void
af_application_shutdown (GApplication *app)
{
  AfApplication *self = AF_APPLICATION (app);

  g_cancellable_cancel (self->shutdown_cancellable);
  g_clear_handle_id (&self->quit_timeout_id, g_source_remove);
  g_clear_handle_id (&self->engine_start_id, g_source_remove);
  if (self->engine != NULL)
    af_engine_shutdown (self->engine);
  g_clear_object (&self->tray);
  g_clear_object (&self->background);

  G_APPLICATION_CLASS (af_application_parent_class)->shutdown (app);
  af_source_stats_print ();
}

static void
af_application_dispose (GObject *object)
{
  AfApplication *self = (AfApplication *)object;

  g_clear_handle_id (&self->quit_timeout_id, g_source_remove);
  g_clear_handle_id (&self->engine_start_id, g_source_remove);
  g_clear_object (&self->tray);
  g_clear_object (&self->background);
  g_clear_object (&self->notifier);
  g_clear_object (&self->accounts);
  g_clear_object (&self->engine);
  g_clear_object (&self->context);
  g_clear_pointer (&self->startup_problem, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->shutdown_cancellable);
  if (self->approval_destroy != NULL)
    g_clear_pointer (&self->approval_data, self->approval_destroy);
  self->approval_handler = NULL;

  G_OBJECT_CLASS (af_application_parent_class)->dispose (object);
}

static void
af_application_finalize (GObject *object)
{
  AfApplication *self = (AfApplication *)object;

  g_clear_pointer (&self->quit_blockers, g_hash_table_unref);
  g_clear_pointer (&self->run_blockers, g_hash_table_unref);
  g_clear_pointer (&self->notified, g_hash_table_unref);
  g_clear_pointer (&self->notified_groups, g_hash_table_unref);
  g_clear_handle_id (&self->notify_idle, g_source_remove);
  g_clear_pointer (&self->decided_approvals, g_hash_table_unref);
  g_clear_pointer (&self->undelivered_approvals, g_ptr_array_unref);

  G_OBJECT_CLASS (af_application_parent_class)->finalize (object);
}

static void
af_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AfApplication *self = AF_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_IN_BACKGROUND:
      g_value_set_boolean (value, self->in_background);
      break;

    case PROP_QUITTING:
      g_value_set_boolean (value, self->quitting);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_application_class_init (AfApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = af_application_dispose;
  object_class->finalize = af_application_finalize;
  object_class->get_property = af_application_get_property;

  app_class->handle_local_options = af_application_handle_local_options;
  app_class->startup = af_application_startup;
  app_class->activate = af_application_activate;
  app_class->shutdown = af_application_shutdown;

  /**
   * AfApplication:in-background:
   *
   * Whether the application holds itself to keep running with no window.
   */
  properties[PROP_IN_BACKGROUND] =
      g_param_spec_boolean ("in-background", NULL, NULL,
                            FALSE,
                            (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * AfApplication:quitting:
   *
   * Whether Quit was requested; the process exits once no quit blocker
   * is left.
   */
  properties[PROP_QUITTING] =
      g_param_spec_boolean ("quitting", NULL, NULL,
                            FALSE,
                            (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AfApplication::shutdown-requested:
   *
   * Quit was requested. The windows are gone and the shutdown cancellable
   * is cancelled; whoever holds a quit blocker finishes or cancels its work
   * and removes the blocker.
   */
  signals[SHUTDOWN_REQUESTED] =
      g_signal_new ("shutdown-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
af_application_init (AfApplication *self)
{
  self->shutdown_cancellable = g_cancellable_new ();
  self->quit_blockers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->run_blockers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->notified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->notified_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->decided_approvals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->undelivered_approvals = g_ptr_array_new_with_free_func (g_free);

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self), af_application_get_summary ());
}

AfApplication *
af_application_new (void)
{
  return g_object_new (AF_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", APPLICATION_PATH,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

GSettings *
af_application_get_settings (AfApplication *self)
{
  g_return_val_if_fail (AF_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * af_application_get_tray:
 *
 * The engine feeds af_tray_set_counts() and connects to #AfTray::pause-all
 * and #AfTray::resume-all.
 *
 * Returns: (transfer none) (nullable): the tray item, %NULL before startup
 *   or without a session bus
 */
AfTray *
af_application_get_tray (AfApplication *self)
{
  g_return_val_if_fail (AF_IS_APPLICATION (self), NULL);

  return self->tray;
}

/**
 * af_application_get_notifier:
 *
 * Returns: (transfer none) (nullable): the notifier, %NULL before startup
 */
AfNotifier *
af_application_get_notifier (AfApplication *self)
{
  g_return_val_if_fail (AF_IS_APPLICATION (self), NULL);

  return self->notifier;
}

/**
 * af_application_get_account_manager:
 *
 * Returns: (transfer none) (nullable): the accounts (the sample
 *   workspace's with --sandbox) once the engine runs, else %NULL
 */
AfAccountManager *
af_application_get_account_manager (AfApplication *self)
{
  g_return_val_if_fail (AF_IS_APPLICATION (self), NULL);

  return self->accounts;
}

/**
 * af_application_get_background:
 *
 * Returns: (transfer none) (nullable): the background permission helper,
 *   %NULL before startup
 */
AfBackground *
af_application_get_background (AfApplication *self)
{
  g_return_val_if_fail (AF_IS_APPLICATION (self), NULL);

  return self->background;
}

gboolean
af_application_get_in_background (AfApplication *self)
{
  g_return_val_if_fail (AF_IS_APPLICATION (self), FALSE);

  return self->in_background;
}

gboolean
af_application_get_quitting (AfApplication *self)
{
  g_return_val_if_fail (AF_IS_APPLICATION (self), FALSE);

  return self->quitting;
}

/**
 * af_application_request_quit:
 *
 * What Quit (menu, Ctrl+Q, tray) does: closes the windows, emits
 * #AfApplication::shutdown-requested, cancels the shutdown cancellable and
 * exits as soon as no quit blocker is left (at most after ten seconds).
 */
void
af_application_request_quit (AfApplication *self)
{
  GList *windows;

  g_return_if_fail (AF_IS_APPLICATION (self));

  if (self->quitting)
    return;

  self->quitting = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUITTING]);

  /* Keeps the process alive between the last window and the last blocker;
   * g_application_quit() ends it regardless of holds. */
  g_application_hold (G_APPLICATION (self));

  /* Destroying the windows first lets each save its state. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);

  g_cancellable_cancel (self->shutdown_cancellable);
  g_signal_emit (self, signals[SHUTDOWN_REQUESTED], 0);

  if (g_hash_table_size (self->quit_blockers) == 0)
    finish_quit (self);
  else if (self->quit_timeout_id == 0)
    self->quit_timeout_id = af_timeout_add_seconds_named (QUIT_TIMEOUT_SECONDS, "[agentflow] quit timeout", on_quit_timeout_cb, self);
}

/**
 * af_application_get_shutdown_cancellable:
 *
 * Cancelled when Quit is requested. Work that should stop at Quit (a run
 * waiting for the network) chains its cancellable to this one.
 *
 * Returns: (transfer none): the cancellable
 */
GCancellable *
af_application_get_shutdown_cancellable (AfApplication *self)
{
  g_return_val_if_fail (AF_IS_APPLICATION (self), NULL);

  return self->shutdown_cancellable;
}

/**
 * af_application_add_quit_blocker:
 * @reason: what is busy, for the log if Quit has to give up waiting
 *
 * Makes Quit wait until af_application_remove_quit_blocker() is called with
 * the returned id, so that an in-flight run can record its outbox state.
 * Add one when a run starts and remove it when the run ends.
 *
 * Returns: the blocker id (never 0)
 */
guint
af_application_add_quit_blocker (AfApplication *self,
                                 const char    *reason)
{
  guint id;

  g_return_val_if_fail (AF_IS_APPLICATION (self), 0);
  g_return_val_if_fail (reason != NULL, 0);

  id = ++self->next_blocker_id;
  g_hash_table_insert (self->quit_blockers, GUINT_TO_POINTER (id), g_strdup (reason));

  return id;
}

void
af_application_remove_quit_blocker (AfApplication *self,
                                    guint          blocker_id)
{
  g_return_if_fail (AF_IS_APPLICATION (self));
  g_return_if_fail (blocker_id != 0);

  if (!g_hash_table_remove (self->quit_blockers, GUINT_TO_POINTER (blocker_id)))
    {
      g_critical ("No quit blocker %u", blocker_id);
      return;
    }

  if (self->quitting && g_hash_table_size (self->quit_blockers) == 0)
    finish_quit (self);
}

/**
 * af_application_set_approval_handler:
 * @handler: (nullable): carries out app.approve / app.deny
 * @user_data: for @handler
 * @destroy: (nullable): frees @user_data
 *
 * Registers the engine's handler for decisions taken in notifications.
 * Decisions that arrived before (the app was started by a notification
 * button) are delivered now.
 */
void
af_application_set_approval_handler (AfApplication    *self,
                                     AfApprovalHandler handler,
                                     gpointer          user_data,
                                     GDestroyNotify    destroy)
{
  g_autoptr (GPtrArray) undelivered = NULL;

  g_return_if_fail (AF_IS_APPLICATION (self));

  if (self->approval_destroy != NULL)
    self->approval_destroy (self->approval_data);

  self->approval_handler = handler;
  self->approval_data = user_data;
  self->approval_destroy = destroy;

  if (handler == NULL || self->undelivered_approvals->len == 0)
    return;

  undelivered = g_steal_pointer (&self->undelivered_approvals);
  self->undelivered_approvals = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < undelivered->len; i++)
    {
      const char *id = g_ptr_array_index (undelivered, i);
      gboolean    approved = GPOINTER_TO_INT (g_hash_table_lookup (self->decided_approvals, id)) == 2;

      deliver_approval (self, id, approved);
    }
}
