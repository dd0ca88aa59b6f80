/* af-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-application"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "af-source.h"
#include "af-account-manager.h"
#include "af-application-private.h"
#include "af-database.h"
#include "af-app-context.h"
#include "af-error.h"
#include "af-model-settings.h"
#include "af-paths.h"
#include "af-sandbox-auth0.h"
#include "af-sandbox.h"
#include "af-window.h"

/* How long Quit waits for in-flight runs (quit blockers) before exiting
 * anyway: long enough for a run to reach a safe point, short enough that
 * Quit still feels like quitting. */
#define QUIT_TIMEOUT_SECONDS 10

/* The engine starts once the window's first frame is on screen; should no
 * frame come (a window closed at once, no display to paint on), it starts
 * anyway after this long. */
#define ENGINE_START_FALLBACK_MS 3000

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

AfWindow *
af_application_get_main_window (AfApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (const GList *l = windows; l != NULL; l = l->next)
    {
      if (AF_IS_WINDOW (l->data))
        return l->data;
    }

  return NULL;
}

void
af_application_enter_background (AfApplication *self)
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

/**
 * af_application_startup_mark:
 * @what: the step just reached
 *
 * With AGENTFLOW_STARTUP_TRACE set, prints "startup-mark WHAT US": the
 * time since the start of the process (AGENTFLOW_BENCH_T0, else the first
 * mark) when @what was reached, and the CPU time the process used by then,
 * to see where the time goes between exec and the agents on screen.
 */
void
af_application_startup_mark (const char *what)
{
  static gint64   t0 = -1;
  static int      enabled = -1;
  struct timespec cpu = { 0 };

  if (enabled < 0)
    enabled = g_getenv ("AGENTFLOW_STARTUP_TRACE") != NULL;
  if (!enabled)
    return;
  if (t0 < 0)
    t0 = g_getenv ("AGENTFLOW_BENCH_T0") ? g_ascii_strtoll (g_getenv ("AGENTFLOW_BENCH_T0"), NULL, 10)
                                         : g_get_monotonic_time ();
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  g_print ("startup-mark %s %" G_GINT64_FORMAT " cpu %" G_GINT64_FORMAT "\n", what, g_get_monotonic_time () - t0,
           (gint64)cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000);
  fflush (stdout);
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

  af_application_startup_mark ("engine-start");
  self->context = open_context (self, &error);
  if (self->context != NULL)
    self->engine = g_object_ref (af_app_context_get_engine (self->context));
  af_application_startup_mark ("engine-opened");
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
    }
  else if ((life = af_app_context_get_sandbox_life (self->context)) != NULL)
    {
      /* Printed so a sandbox session can be replayed. */
      g_message ("Sandbox: new mail, messages and events arrive over time (AGENTFLOW_SANDBOX_SEED=%u)",
                 af_sandbox_life_get_seed (life));
      af_sandbox_life_start (life);
    }

  af_application_startup_mark ("engine-started");
  af_application_watch_engine (self);
  af_application_startup_mark ("engine-watched");
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

/* Filling the window in reads a lot at once (the metrics sort a week of
 * actions, the lists build their first rows) and frees most of it again;
 * glibc keeps the freed pages in the heap. Once the window has settled
 * they go back to the system: several megabytes with a long log, for a
 * process that may stay up all day. */
static gboolean
on_trim_memory_cb (gpointer user_data)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

static void
bind_window (AfApplication *self,
             AfWindow      *window)
{
  g_assert (AF_IS_APPLICATION (self));
  g_assert (AF_IS_WINDOW (window));

  af_window_set_account_manager (window, self->accounts);
  if (self->context != NULL && af_app_context_get_sandbox (self->context) != NULL)
    {
      /* The sandbox plays an Auth0 tenant too: "Sign in with Auth0" and
       * Token Vault work against it, no account needed. */
      g_autofree char *domain =
          g_strconcat (af_sandbox_get_base_url (af_app_context_get_sandbox (self->context)), AF_SANDBOX_AUTH0_PATH, NULL);

      af_window_set_auth0_tenant (window, domain, AF_SANDBOX_AUTH0_CLIENT_ID, AF_SANDBOX_AUTH0_CLIENT_SECRET);
    }
  af_window_set_engine (window, self->engine);
  af_application_startup_mark ("window-bound");
  af_idle_add_named (G_PRIORITY_LOW, "[agentflow] trim start-up memory", on_trim_memory_cb, NULL);

  if (g_getenv ("AGENTFLOW_BENCH_T0") != NULL && gtk_widget_get_realized (GTK_WIDGET (window)))
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

      g_signal_connect (clock, "after-paint", G_CALLBACK (on_content_painted_cb), NULL);
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
    }
}

/* Opens the database and starts the agents, once; binds a window that
 * was shown before. */
void
af_application_ensure_engine (AfApplication *self)
{
  AfWindow *window;

  g_assert (AF_IS_APPLICATION (self));

  g_clear_handle_id (&self->engine_start_id, g_source_remove);
  if (self->engine_started)
    return;
  self->engine_started = TRUE;

  start_engine (self);

  window = af_application_get_main_window (self);
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
    af_application_ensure_engine (self);

  return G_SOURCE_REMOVE;
}

static void
on_first_frame_painted_cb (GdkFrameClock *clock,
                           AfApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame_painted_cb, self);
  af_application_startup_mark ("first-frame");

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

void
af_application_present_main_window (AfApplication *self)
{
  AfWindow *window = af_application_get_main_window (self);

  if (window == NULL)
    {
      window = af_window_new (self);
      af_application_startup_mark ("window-created");
      af_window_set_sandbox (window, self->sandbox);
      af_application_watch_window (self, window);

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
  af_application_startup_mark ("window-presented");
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
  AfApplication   *self = AF_APPLICATION (app);
  GDBusConnection *connection;
  g_autoptr (GError) error = NULL;

  af_application_startup_mark ("startup");
  /* handle_local_options() checked the schema already, unless the
   * application was started without a command line (tests). */
  if (!ensure_settings (self, &error))
    {
      g_printerr ("%s: %s\n", PACKAGE_NAME, error->message);
      exit (1);
    }

  G_APPLICATION_CLASS (af_application_parent_class)->startup (app);
  af_application_startup_mark ("gtk-initialised");

  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_signal_connect_object (self->settings, "changed::style-variant",
                           G_CALLBACK (on_style_variant_changed_cb), self,
                           G_CONNECT_SWAPPED);
  on_style_variant_changed_cb (self, "style-variant", self->settings);

  af_application_actions_init (self);

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

  af_application_notify_init (self);
  af_application_startup_mark ("services-created");

  /* Nothing here reads the database: the engine starts from the main
   * loop, after the first window's first frame if one is shown (see
   * af_application_present_main_window()), else at once (--background, D-Bus
   * activation). */
  self->engine_start_id = af_idle_add_named (G_PRIORITY_DEFAULT_IDLE, "[agentflow] engine start", on_start_engine_cb, self);

  /* Started by D-Bus activation (a notification button, the tray host): no
   * window unless asked for, but the agents run. */
  if ((g_application_get_flags (app) & G_APPLICATION_IS_SERVICE) != 0 &&
      g_settings_get_boolean (self->settings, "run-in-background"))
    af_application_enter_background (self);
}

static void
af_application_activate (GApplication *app)
{
  AfApplication *self = AF_APPLICATION (app);

  if (self->start_in_background)
    {
      self->start_in_background = FALSE;
      af_application_enter_background (self);
      return;
    }

  if (self->quitting)
    return;

  af_application_startup_mark ("activate");
  af_application_present_main_window (self);
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
