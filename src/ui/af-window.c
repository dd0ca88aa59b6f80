/* af-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-window"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <time.h>

#include "af-a11y.h"
#include "af-account-manager.h"
#include "af-engine.h"
#include "af-window-private.h"
#include "af-window.h"

G_DEFINE_FINAL_TYPE (AfWindow, af_window, ADW_TYPE_APPLICATION_WINDOW)

/* Benchmarks (bench/) start the app with AGENTFLOW_BENCH_T0 set to a
 * CLOCK_MONOTONIC time in microseconds taken before exec; the first painted
 * frame prints how long it took. */
static void
on_first_frame_painted_cb (GdkFrameClock *clock,
                           AfWindow      *self)
{
  const char *t0 = g_getenv ("AGENTFLOW_BENCH_T0");

  g_signal_handlers_disconnect_by_func (clock, on_first_frame_painted_cb, self);

  if (t0 != NULL)
    {
      gint64 start = g_ascii_strtoll (t0, NULL, 10);

      struct timespec cpu = { 0 };

      /* The CPU time too: on a busy machine the wall time mostly says how
       * long the process waited for a CPU. */
      clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
      g_print ("first-frame-us %" G_GINT64_FORMAT " cpu-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - start,
               (gint64)cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000);
      fflush (stdout);
    }
}

/* Names other parts of the app use for views (notifications say
 * "connections" and "activity"), mapped to the page that shows them. */
static const char *
canonical_view (const char *view)
{
  if (g_strcmp0 (view, "connections") == 0)
    return "integrations";
  if (g_strcmp0 (view, "activity") == 0)
    return "dashboard";
  return view;
}

static void
select_sidebar_row (AfWindow   *self,
                    const char *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      {
        gtk_list_box_select_row (self->sidebar_list, GTK_LIST_BOX_ROW (row));
        return;
      }
}

/* The agents list gets its model when it is first shown: a GtkListView
 * builds rows (each with its metrics) for its first items even while its
 * page is hidden, which would delay the window with many agents. */
static void
bind_agents_page (AfWindow *self)
{
  if (self->agents_page_bound || self->engine == NULL || self->agents_page == NULL)
    return;
  self->agents_page_bound = TRUE;
  af_agents_page_set_model (self->agents_page, af_engine_get_agents (self->engine));
}

static gboolean
showing_agents (AfWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  return g_strcmp0 (name, "agents") == 0 || g_strcmp0 (name, "agent") == 0;
}

void
af_window_bind_agents_page_when_shown (AfWindow *self)
{
  if (showing_agents (self))
    bind_agents_page (self);
}

static void
on_stack_visible_child_cb (AfWindow *self)
{
  const char   *name;
  GtkStackPage *page;

  /* Signals from the template arrive before it is complete. */
  if (self->stack == NULL || self->back_button == NULL || self->content_title == NULL)
    return;
  name = gtk_stack_get_visible_child_name (self->stack);
  if (name == NULL)
    return;

  page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));
  adw_window_title_set_title (self->content_title, gtk_stack_page_get_title (page));
  if (showing_agents (self))
    bind_agents_page (self);
  /* An agent's page belongs to Agents, and leads back to it. */
  select_sidebar_row (self, g_str_equal (name, "agent") ? "agents" : name);
  gtk_widget_set_visible (self->back_button,
                          adw_leaflet_get_folded (self->leaflet) || g_str_equal (name, "agent"));
  /* The agent's page has the agent's actions in the header bar. */
  if (self->agent_actions != NULL)
    gtk_widget_set_visible (self->agent_actions, g_str_equal (name, "agent"));
}

static void
on_sidebar_row_activated_cb (AfWindow      *self,
                             GtkListBoxRow *row)
{
  af_window_show_page (self, gtk_widget_get_name (GTK_WIDGET (row)));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_leaflet_folded_cb (AfWindow *self)
{
  on_stack_visible_child_cb (self);

  /* Folded, the sidebar is a list of places to go: no row stays selected. */
  if (adw_leaflet_get_folded (self->leaflet))
    gtk_list_box_set_selection_mode (self->sidebar_list, GTK_SELECTION_NONE);
  else
    {
      gtk_list_box_set_selection_mode (self->sidebar_list, GTK_SELECTION_SINGLE);
      select_sidebar_row (self, gtk_stack_get_visible_child_name (self->stack));
    }
}

/* Toast titles are markup in libadwaita 1.2; names and messages are not. */
static AdwToast *
text_toast (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  return adw_toast_new (escaped);
}

static void
on_error_details_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_error_details_cb (AdwToast *toast,
                     AfWindow *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), g_object_get_data (G_OBJECT (toast), "what"),
                                              g_object_get_data (G_OBJECT (toast), "message"));

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_error_details_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Toasts hold one short line: the error says what failed, and Details
 * shows the core's full sentence (often with what to do). */
static void
show_error_toast (AfWindow     *self,
                  const char   *what,
                  const GError *error)
{
  AdwToast *toast = text_toast (what);

  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _ ("_Details"));
  g_object_set_data_full (G_OBJECT (toast), "message", g_strdup (error->message), g_free);
  g_object_set_data_full (G_OBJECT (toast), "what", g_strdup (what), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_error_details_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The account a new agent uses for @service: the connected account, or
 * the one other agents already use (the sandbox's sample workspace). */
static char *
find_account (AfWindow   *self,
              const char *service)
{
  GListModel *agents = af_engine_get_agents (self->engine);

  if (self->accounts != NULL)
    {
      g_autoptr (GPtrArray) connections = af_account_manager_list_connections (self->accounts, NULL);

      for (guint i = 0; connections != NULL && i < connections->len; i++)
        {
          AfConnection *c = g_ptr_array_index (connections, i);

          if (g_strcmp0 (c->service, service) == 0)
            return g_strdup (c->account);
        }
    }

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);
      JsonObject *definition = af_agent_peek_definition (agent);
      JsonArray  *connections = definition && json_object_has_member (definition, "connections")
                                    ? json_object_get_array_member (definition, "connections")
                                    : NULL;

      for (guint j = 0; connections != NULL && j < json_array_get_length (connections); j++)
        {
          JsonObject *c = json_array_get_object_element (connections, j);

          if (g_strcmp0 (json_object_get_string_member_with_default (c, "service", NULL), service) == 0)
            return g_strdup (json_object_get_string_member_with_default (c, "account", NULL));
        }
    }
  return NULL;
}

/* A service turned on in the editor uses the account connected for it. */
static void
fill_accounts (AfWindow          *self,
               AfAgentDefinition *definition)
{
  GPtrArray *connections = af_agent_definition_get_connections (definition);

  for (guint i = 0; i < connections->len; i++)
    {
      AfAgentConnection *c = g_ptr_array_index (connections, i);

      if (c->account == NULL || *c->account == '\0')
        {
          g_free (c->account);
          c->account = find_account (self, c->service);
          if (c->account == NULL)
            c->account = g_strdup ("");
        }
    }
}

/* A new agent, not added to the engine, doing what the editor says. */
static AfAgent *
create_agent_from_editor (AfWindow          *self,
                          AfAgentEditor     *editor,
                          AfAgentDefinition *definition,
                          GError           **error)
{
  AfTemplate *template = af_template_lookup (af_agent_editor_get_template_id (editor));
  g_autoptr (AfAgent) agent = NULL;

  if (template == NULL)
    template = af_template_lookup ("custom");
  agent = af_template_create_agent (template, af_agent_editor_get_name (editor), NULL);
  af_agent_set_description (agent, af_agent_editor_get_description (editor));
  fill_accounts (self, definition);
  if (!af_agent_definition_apply (definition, agent, error))
    return NULL;
  return g_steal_pointer (&agent);
}

static void
on_editor_saved_cb (AfAgentEditor     *editor,
                    AfAgentDefinition *definition,
                    AfWindow          *self)
{
  const char      *name = af_agent_editor_get_name (editor);
  const char      *agent_id = af_agent_editor_get_agent_id (editor);
  g_autofree char *what = g_strdup_printf (_ ("Could not save “%s”"), name);
  g_autofree char *title = NULL;
  g_autoptr (GError) error = NULL;

  if (self->engine == NULL)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _ ("Agents are not running."));
      show_error_toast (self, what, error);
      return;
    }

  if (agent_id != NULL)
    {
      AfAgent *agent = af_engine_lookup_agent (self->engine, agent_id);

      if (agent != NULL)
        {
          af_agent_set_name (agent, name);
          af_agent_set_description (agent, af_agent_editor_get_description (editor));
          fill_accounts (self, definition);
        }
      if (agent == NULL || !af_agent_definition_apply (definition, agent, &error) || !af_engine_save_agent (self->engine, agent, &error))
        {
          if (error == NULL)
            g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("The agent no longer exists."));
          show_error_toast (self, what, error);
          return;
        }
      title = g_strdup_printf (_ ("“%s” saved"), name);
      adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
      return;
    }

  {
    g_autoptr (AfAgent) agent = create_agent_from_editor (self, editor, definition, &error);

    if (agent == NULL || !af_engine_add_agent (self->engine, agent, &error))
      {
        show_error_toast (self, what, error);
        return;
      }
  }
  title = g_strdup_printf (_ ("“%s” created"), name);
  adw_toast_overlay_add_toast (self->toast_overlay, text_toast (title));
  af_window_show_page (self, "agents");
}

/* For the other parts of the window (af-window-private.h). */

AdwToast *
af_window_text_toast (const char *text)
{
  return text_toast (text);
}

void
af_window_show_error_toast (AfWindow     *self,
                            const char   *what,
                            const GError *error)
{
  show_error_toast (self, what, error);
}

char *
af_window_find_account (AfWindow   *self,
                        const char *service)
{
  return find_account (self, service);
}

AfAgent *
af_window_create_agent_from_editor (AfWindow          *self,
                                    AfAgentEditor     *editor,
                                    AfAgentDefinition *definition,
                                    GError           **error)
{
  return create_agent_from_editor (self, editor, definition, error);
}

void
af_window_watch_editor_saved (AfWindow      *self,
                              AfAgentEditor *editor)
{
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved_cb), self, 0);
}

static void
af_window_show_view (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AfWindow   *self = AF_WINDOW (widget);
  const char *view = canonical_view (g_variant_get_string (parameter, NULL));

  if (af_window_ensure_page (self, view) == NULL)
    return;

  gtk_stack_set_visible_child_name (self->stack, view);
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
af_window_go_back (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AfWindow *self = AF_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "agent") == 0)
    af_window_show_page (self, "agents");
  else
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* The agent's own page, from its row in Agents or a new copy of it. */
void
af_window_open_agent (AfWindow *self,
                      AfAgent  *agent)
{
  if (self->engine == NULL)
    return;

  af_window_ensure_page (self, "agent");
  if (af_agent_page_get_agent (self->agent_page) != NULL)
    g_signal_handlers_disconnect_by_func (af_agent_page_get_agent (self->agent_page), af_window_update_agent_actions, self);
  af_agent_page_set_agent (self->agent_page, self->engine, agent);
  g_signal_connect_object (agent, "notify::state", G_CALLBACK (af_window_update_agent_actions), self, G_CONNECT_SWAPPED);
  af_window_update_agent_actions (self);
  gtk_stack_page_set_title (self->agent_stack_page, af_agent_get_name (agent));
  gtk_stack_set_visible_child_name (self->stack, "agent");
  on_stack_visible_child_cb (self);
}

/* Keyboard Shortcuts (win.show-help-overlay): the shortcuts window is built
 * the first time it is asked for, rather than with the main window before
 * its first frame as GtkApplication does for gtk/help-overlay.ui. */
static void
on_show_help_overlay_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  AfWindow           *self = user_data;
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self));

  if (overlay == NULL)
    {
      g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource ("/org/agentflow/App/ui/af-help-overlay.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self), overlay);
    }
  gtk_window_present (GTK_WINDOW (overlay));
}

/* The main menu's popover is built the first time it opens (a click, F10),
 * not with the window before its first frame. */
static void
on_create_primary_menu_cb (GtkMenuButton *button,
                           gpointer       user_data)
{
  AfWindow *self = user_data;

  gtk_menu_button_set_create_popup_func (button, NULL, NULL, NULL);
  gtk_menu_button_set_menu_model (button, self->primary_menu);
}

static void
save_window_state (AfWindow *self)
{
  int width, height;

  g_assert (AF_IS_WINDOW (self));

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static void
af_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (af_window_parent_class)->realize (widget);
  af_application_startup_mark ("window-realized");

  if (g_getenv ("AGENTFLOW_BENCH_T0") != NULL)
    g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                      G_CALLBACK (on_first_frame_painted_cb), widget);
}

static gboolean
af_window_close_request (GtkWindow *window)
{
  save_window_state (AF_WINDOW (window));

  return GTK_WINDOW_CLASS (af_window_parent_class)->close_request (window);
}

static void
af_window_constructed (GObject *object)
{
  AfWindow *self = (AfWindow *)object;

  G_OBJECT_CLASS (af_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
af_window_dispose (GObject *object)
{
  AfWindow      *self = (AfWindow *)object;
  GHashTableIter iter;
  gpointer       cancellable;

  g_hash_table_iter_init (&iter, self->connecting);
  while (g_hash_table_iter_next (&iter, NULL, &cancellable))
    g_cancellable_cancel (cancellable);

  g_clear_handle_id (&self->metrics_id, g_source_remove);
  g_clear_handle_id (&self->midnight_id, g_source_remove);
  if (self->engine != NULL)
    {
      g_signal_handlers_disconnect_by_data (af_engine_get_agents (self->engine), self);
      g_signal_handlers_disconnect_by_data (af_engine_get_approvals (self->engine), self);
      g_signal_handlers_disconnect_by_data (self->engine, self);
    }
  if (self->activity != NULL)
    g_signal_handlers_disconnect_by_data (self->activity, self);

  af_window_pages_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AF_TYPE_WINDOW);

  G_OBJECT_CLASS (af_window_parent_class)->dispose (object);
}

static void
af_window_finalize (GObject *object)
{
  AfWindow *self = (AfWindow *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->activity);
  g_clear_object (&self->history);
  g_clear_object (&self->engine);
  g_clear_object (&self->accounts);
  g_clear_pointer (&self->connecting, g_hash_table_unref);
  af_window_pages_finalize (self);

  G_OBJECT_CLASS (af_window_parent_class)->finalize (object);
}

static void
af_window_class_init (AfWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = af_window_constructed;
  object_class->dispose = af_window_dispose;
  object_class->finalize = af_window_finalize;

  widget_class->realize = af_window_realize;

  window_class->close_request = af_window_close_request;

  g_type_ensure (AF_TYPE_DASHBOARD_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AfWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, approvals_badge);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, new_agent_button);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, content_header_bar);
  gtk_widget_class_bind_template_child (widget_class, AfWindow, back_button);
  gtk_widget_class_bind_template_callback (widget_class, on_stack_visible_child_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_cb);

  gtk_widget_class_install_action (widget_class, "win.show-view", "s", af_window_show_view);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, af_window_go_back);
  af_window_actions_class_init (widget_class);
  af_window_accounts_class_init (widget_class);
}

static void
af_window_init (AfWindow *self)
{
  self->settings = g_settings_new ("org.agentflow.App");
  g_signal_connect_object (self->settings, "changed::minutes-saved-per-action", G_CALLBACK (af_window_update_metrics), self,
                           G_CONNECT_SWAPPED);
  self->connecting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  af_window_pages_init (self);
  {
    g_autoptr (GSimpleAction) help = g_simple_action_new ("show-help-overlay", NULL);

    g_signal_connect_object (help, "activate", G_CALLBACK (on_show_help_overlay_cb), self, 0);
    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (help));
  }

  af_application_startup_mark ("window-init");
  gtk_widget_init_template (GTK_WIDGET (self));
  af_application_startup_mark ("window-template");

  af_a11y_name_toasts (self->toast_overlay);
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, on_create_primary_menu_cb, self, NULL);
  /* Hidden in the template while their tooltips were set (af-window.ui). */
  gtk_widget_set_visible (self->new_agent_button, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->primary_menu_button), TRUE);
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  on_stack_visible_child_cb (self);
  on_leaflet_folded_cb (self);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

AfWindow *
af_window_new (AfApplication *application)
{
  g_return_val_if_fail (AF_IS_APPLICATION (application), NULL);

  return g_object_new (AF_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * af_window_get_visible_page:
 *
 * The name of the page the window shows: "dashboard", "agents", "approvals"
 * or "integrations".
 */
const char *
af_window_get_visible_page (AfWindow *self)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * af_window_add_toast:
 * @toast: (transfer full): the toast
 *
 * Shows @toast over the window's pages.
 */
void
af_window_add_toast (AfWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (AF_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * af_window_get_page:
 * @name: "dashboard", "agents", "approvals", "integrations" or "agent"
 *
 * The page called @name, built now if it was not shown before.
 *
 * Returns: (transfer none) (nullable): the page widget
 */
GtkWidget *
af_window_get_page (AfWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), NULL);

  return af_window_ensure_page (self, name);
}

/**
 * af_window_get_folded:
 *
 * Whether the window is narrow enough to show one column at a time.
 */
gboolean
af_window_get_folded (AfWindow *self)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), FALSE);

  return adw_leaflet_get_folded (self->leaflet);
}

/**
 * af_window_get_sidebar_visible:
 *
 * Whether the sidebar is on screen (always when unfolded).
 */
gboolean
af_window_get_sidebar_visible (AfWindow *self)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), FALSE);

  return !adw_leaflet_get_folded (self->leaflet) || g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "sidebar") == 0;
}

/**
 * af_window_set_engine:
 * @engine: (nullable): the running engine
 *
 * Binds the pages to @engine: the agents, the pending approvals, the live
 * activity and the metrics.
 */
void
af_window_set_engine (AfWindow *self,
                      AfEngine *engine)
{
  g_return_if_fail (AF_IS_WINDOW (self));
  g_return_if_fail (engine == NULL || AF_IS_ENGINE (engine));

  if (self->engine == engine)
    return;

  af_window_bind_engine (self, engine);
}

/**
 * af_window_get_engine:
 *
 * Returns: (transfer none) (nullable): the engine the pages show
 */
AfEngine *
af_window_get_engine (AfWindow *self)
{
  g_return_val_if_fail (AF_IS_WINDOW (self), NULL);

  return self->engine;
}

/**
 * af_window_set_account_manager:
 * @accounts: (nullable): the accounts service
 *
 * Binds the Integrations page to @accounts: status, Connect with a
 * waiting state, Cancel, Disconnect and Reconnect.
 */
void
af_window_set_account_manager (AfWindow         *self,
                               AfAccountManager *accounts)
{
  g_return_if_fail (AF_IS_WINDOW (self));
  g_return_if_fail (accounts == NULL || AF_IS_ACCOUNT_MANAGER (accounts));

  if (!g_set_object (&self->accounts, accounts))
    return;
  self->accounts_set = TRUE;
  if (self->integrations_page != NULL)
    {
      af_integrations_page_set_oidc_available (self->integrations_page,
                                               accounts != NULL && af_account_manager_get_oidc_issuer (accounts) != NULL);
      af_integrations_page_set_account_manager (self->integrations_page, accounts, self->settings);
    }
  af_window_refresh_connections (self);
}

/**
 * af_window_set_sandbox:
 *
 * Marks the window as showing the sample workspace, so nobody mistakes it
 * for their real accounts.
 */
void
af_window_set_sandbox (AfWindow *self,
                       gboolean  sandbox)
{
  g_return_if_fail (AF_IS_WINDOW (self));

  adw_window_title_set_subtitle (self->sidebar_title, sandbox ? _ ("Sandbox") : NULL);
  self->sandbox = sandbox;
  self->sandbox_set = TRUE;
  if (self->integrations_page != NULL)
    af_integrations_page_set_sandbox (self->integrations_page, sandbox);
  gtk_window_set_title (GTK_WINDOW (self), sandbox ? _ ("AgentFlow (Sandbox)") : _ ("AgentFlow"));
}
