/* test-notifier.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "af-application.h"
#include "af-notifier.h"
#include "af-test-ui.h"
#include "af-window.h"

/* A notification server (org.freedesktop.Notifications, which GLib uses
 * outside Flatpak when GNOME's own is absent) on its own bus connection. */
typedef struct
{
  GDBusConnection *connection;
  guint            object_id;
  guint            own_id;
  gboolean         owned;
  guint32          last_id;
  GPtrArray       *notified; /* GVariant (susssasa{sv}i) */
  GArray          *closed;   /* guint32 */
} Server;

static Server        *server;
static AfApplication *app;

static const char server_xml[] =
    "<node>"
    "  <interface name='org.freedesktop.Notifications'>"
    "    <method name='Notify'>"
    "      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>"
    "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>"
    "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
    "      <arg type='u' direction='out'/>"
    "    </method>"
    "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
    "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
    "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
    "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
    "  </interface>"
    "</node>";

static void
server_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      guint32 replaces;

      g_ptr_array_add (server->notified, g_variant_ref (parameters));
      g_variant_get_child (parameters, 1, "u", &replaces);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", replaces ? replaces : ++server->last_id));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    {
      guint32 id;

      g_variant_get (parameters, "(u)", &id);
      g_array_append_val (server->closed, id);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
}

static const GDBusInterfaceVTable server_vtable = { server_method_call, NULL, NULL };

static void
on_server_name_acquired_cb (GDBusConnection *connection,
                            const char      *name,
                            gpointer         user_data)
{
  server->owned = TRUE;
}

static gboolean
server_owned_cond (gpointer data)
{
  return server->owned;
}

static void
server_start (void)
{
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (server_xml, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);

  g_assert_no_error (error);
  server = g_new0 (Server, 1);
  server->notified = g_ptr_array_new_with_free_func ((GDestroyNotify)g_variant_unref);
  server->closed = g_array_new (FALSE, FALSE, sizeof (guint32));
  server->connection = g_dbus_connection_new_for_address_sync (address,
                                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                               NULL, NULL, &error);
  g_assert_no_error (error);
  server->object_id = g_dbus_connection_register_object (server->connection, "/org/freedesktop/Notifications",
                                                         info->interfaces[0], &server_vtable,
                                                         NULL, NULL, &error);
  g_assert_no_error (error);
  server->own_id = g_bus_own_name_on_connection (server->connection, "org.freedesktop.Notifications",
                                                 G_BUS_NAME_OWNER_FLAGS_NONE,
                                                 on_server_name_acquired_cb, NULL, NULL, NULL);
  af_test_ui_wait_until (server_owned_cond, NULL, 5000);
}

static void
server_reset (void)
{
  g_ptr_array_set_size (server->notified, 0);
  g_array_set_size (server->closed, 0);
}

/* What a user's click on a notification or one of its buttons sends. */
static void
server_invoke (guint32     id,
               const char *action)
{
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (server->connection, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", id, action), &error);
  g_assert_no_error (error);
  g_dbus_connection_flush_sync (server->connection, NULL, NULL);
}

static gboolean
n_notified_cond (gpointer data)
{
  return server->notified->len >= GPOINTER_TO_UINT (data);
}

static GVariant *
notified (guint i)
{
  g_assert_cmpuint (i, <, server->notified->len);
  return g_ptr_array_index (server->notified, i);
}

static const char *
notified_title (guint i)
{
  const char *title;

  g_variant_get_child (notified (i), 3, "&s", &title);
  return title;
}

static AfNotifier *
notifier (void)
{
  return af_application_get_notifier (app);
}

typedef struct
{
  GPtrArray *decisions;
} Decisions;

static void
on_approval_cb (AfApplication *application,
                const char    *approval_id,
                gboolean       approved,
                gpointer       user_data)
{
  Decisions *decisions = user_data;

  g_assert_true (application == app);
  g_ptr_array_add (decisions->decisions,
                   g_strdup_printf ("%s %s", approved ? "approve" : "deny", approval_id));
}

static void
on_round_trip_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);

  *(gboolean *)user_data = TRUE;
}

/* Every notification the application sent so far has reached the server:
 * the bus keeps one sender's messages in order, and the server answers
 * them in order. Then what the answers queued is dispatched. */
static void
server_round_trip (void)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  gboolean done = FALSE;

  g_dbus_connection_call (bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                          "org.freedesktop.Notifications", "GetCapabilities", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, on_round_trip_cb, &done);
  af_test_wait_until (done, "the notification server to answer");
  af_test_drain ();
}

static gboolean
n_decisions_cond (gpointer data)
{
  Decisions *decisions = data;

  return decisions->decisions->len > 0;
}

static gboolean
n_closed_cond (gpointer data)
{
  return server->closed->len >= GPOINTER_TO_UINT (data);
}

static void
test_actions (void)
{
  static const char *const parameterised[] = { "open-view", "approve", "deny" };

  for (guint i = 0; i < G_N_ELEMENTS (parameterised); i++)
    {
      const GVariantType *type;

      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), parameterised[i]));
      type = g_action_group_get_action_parameter_type (G_ACTION_GROUP (app), parameterised[i]);
      g_assert_true (g_variant_type_equal (type, G_VARIANT_TYPE_STRING));
    }
}

static void
test_approve_exactly_once (void)
{
  Decisions decisions = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr (GVariant) actions = NULL;
  g_autofree const char **strv = NULL;
  guint32                 id;

  server_reset ();
  af_notifier_set_rate_limit (notifier (), 100, 60000);
  af_application_set_approval_handler (app, on_approval_cb, &decisions, NULL);

  g_assert_true (af_notifier_notify_approval (notifier (), "a1", "Reply to Ada Lovelace?",
                                              "The Email Assistant drafted a reply."));
  af_test_ui_wait_until (n_notified_cond, GUINT_TO_POINTER (1), 5000);
  g_assert_cmpstr (notified_title (0), ==, "Reply to Ada Lovelace?");
  actions = g_variant_get_child_value (notified (0), 5);
  strv = g_variant_get_strv (actions, NULL);
  g_assert_cmpuint (g_strv_length ((char **)strv), ==, 6);
  g_assert_cmpstr (strv[0], ==, "default");
  g_assert_cmpstr (strv[2], ==, "app.approve::a1");
  g_assert_cmpstr (strv[3], ==, "Approve");
  g_assert_cmpstr (strv[4], ==, "app.deny::a1");
  g_assert_cmpstr (strv[5], ==, "Deny");
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));

  /* Approve, with no window open. */
  id = server->last_id;
  server_invoke (id, "app.approve::a1");
  af_test_ui_wait_until (n_decisions_cond, &decisions, 5000);
  g_assert_cmpuint (decisions.decisions->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (decisions.decisions, 0), ==, "approve a1");

  /* The notification goes away, so it cannot be used twice... */
  af_test_ui_wait_until (n_closed_cond, GUINT_TO_POINTER (1), 5000);
  g_assert_cmpuint (g_array_index (server->closed, guint32, 0), ==, id);

  /* ...and a second decision on the same approval changes nothing. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "deny", g_variant_new_string ("a1"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "approve", g_variant_new_string ("a1"));
  af_test_drain ();
  g_assert_cmpuint (decisions.decisions->len, ==, 1);
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));

  af_application_set_approval_handler (app, NULL, NULL, NULL);
  g_ptr_array_unref (decisions.decisions);
}

static void
test_decision_before_handler (void)
{
  Decisions decisions = { g_ptr_array_new_with_free_func (g_free) };

  /* A notification button can start AgentFlow before the engine is up. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "deny", g_variant_new_string ("a2"));
  af_test_drain ();
  af_application_set_approval_handler (app, on_approval_cb, &decisions, NULL);
  g_assert_cmpuint (decisions.decisions->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (decisions.decisions, 0), ==, "deny a2");

  af_application_set_approval_handler (app, NULL, NULL, NULL);
  g_ptr_array_unref (decisions.decisions);
}

static void
test_rate_limit (void)
{
  guint n_sent = 0;

  server_reset ();
  /* Long enough that a slow machine still sees the burst before the
   * summary; a new limit forgets the earlier notifications. */
  af_notifier_set_rate_limit (notifier (), 3, 2000);

  /* A burst of ten failures... */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *agent = g_strdup_printf ("agent-%u", i);

      if (af_notifier_notify_agent_failed (notifier (), agent, "Email Assistant keeps failing", NULL))
        n_sent++;
    }
  g_assert_cmpuint (n_sent, ==, 3);

  /* ...shows three and then one summary of the other seven. */
  af_test_ui_wait_until (n_notified_cond, GUINT_TO_POINTER (3), 5000);
  server_round_trip ();
  g_assert_cmpuint (server->notified->len, ==, 3);
  /* The summary, once the first of the three leaves the window. */
  af_test_ui_wait_until (n_notified_cond, GUINT_TO_POINTER (4), 5000);
  g_assert_cmpstr (notified_title (3), ==, "7 more updates from your agents");
  server_round_trip ();
  g_assert_cmpuint (server->notified->len, ==, 4);
}

static AfWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
window_visible_cond (gpointer data)
{
  AfWindow *window = main_window ();

  return window != NULL && gtk_widget_get_visible (GTK_WIDGET (window));
}

static void
test_click_opens_window (void)
{
  server_reset ();
  af_notifier_set_rate_limit (notifier (), 100, 60000);
  g_assert_null (main_window ());

  g_assert_true (af_notifier_notify_reconnect (notifier (), "google-1", "Reconnect your Google account", NULL));
  af_test_ui_wait_until (n_notified_cond, GUINT_TO_POINTER (1), 5000);
  server_invoke (server->last_id, "default");
  af_test_ui_wait_until (window_visible_cond, NULL, 5000);
}

static void
test_setting_off (void)
{
  GSettings *settings = af_application_get_settings (app);

  server_reset ();
  af_notifier_set_rate_limit (notifier (), 1, 300);

  g_settings_set_boolean (settings, "notifications", FALSE);
  g_assert_false (af_notifier_notify_approval (notifier (), "a3", "Post to #general?", NULL));
  g_assert_false (af_notifier_notify_agent_failed (notifier (), "x", "Failing", NULL));
  server_round_trip ();
  g_assert_cmpuint (server->notified->len, ==, 0);

  g_settings_set_boolean (settings, "notifications", TRUE);
  g_assert_true (af_notifier_notify_agent_failed (notifier (), "x", "Failing", NULL));
  af_test_ui_wait_until (n_notified_cond, GUINT_TO_POINTER (1), 5000);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  server_start ();

  app = af_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/notifier/actions", test_actions);
  g_test_add_func ("/notifier/approve-exactly-once", test_approve_exactly_once);
  g_test_add_func ("/notifier/decision-before-handler", test_decision_before_handler);
  g_test_add_func ("/notifier/rate-limit", test_rate_limit);
  g_test_add_func ("/notifier/setting-off", test_setting_off);
  g_test_add_func ("/notifier/click-opens-window", test_click_opens_window);

  ret = g_test_run ();

  af_test_ui_destroy_windows ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return ret;
}
