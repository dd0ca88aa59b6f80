/* test-tray.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "af-application.h"
#include "af-test-ui.h"
#include "af-tray.h"
#include "af-window.h"

/* A StatusNotifierWatcher as a tray host runs it: on its own bus
 * connection, so that the bus sees two peers. */
typedef struct
{
  GDBusConnection *connection;
  guint            object_id;
  guint            own_id;
  gboolean         owned;
  GPtrArray       *items;
} Watcher;

static const char watcher_xml[] =
    "<node>"
    "  <interface name='org.kde.StatusNotifierWatcher'>"
    "    <method name='RegisterStatusNotifierItem'><arg name='service' type='s' direction='in'/></method>"
    "    <method name='RegisterStatusNotifierHost'><arg name='service' type='s' direction='in'/></method>"
    "    <property name='RegisteredStatusNotifierItems' type='as' access='read'/>"
    "    <property name='IsStatusNotifierHostRegistered' type='b' access='read'/>"
    "    <property name='ProtocolVersion' type='i' access='read'/>"
    "  </interface>"
    "</node>";

static GDBusConnection *
new_bus_connection (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                           G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
watcher_method_call (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  Watcher    *watcher = user_data;
  const char *service;

  g_variant_get (parameters, "(&s)", &service);
  if (g_str_equal (method_name, "RegisterStatusNotifierItem"))
    g_ptr_array_add (watcher->items, g_strdup (service));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
watcher_get_property (GDBusConnection *connection,
                      const char      *sender,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *property_name,
                      GError         **error,
                      gpointer         user_data)
{
  Watcher *watcher = user_data;

  if (g_str_equal (property_name, "RegisteredStatusNotifierItems"))
    return g_variant_new_strv ((const char *const *)watcher->items->pdata, watcher->items->len);
  if (g_str_equal (property_name, "IsStatusNotifierHostRegistered"))
    return g_variant_new_boolean (TRUE);
  return g_variant_new_int32 (0);
}

static const GDBusInterfaceVTable watcher_vtable = { watcher_method_call, watcher_get_property, NULL };

static void
on_watcher_name_acquired_cb (GDBusConnection *connection,
                             const char      *name,
                             gpointer         user_data)
{
  ((Watcher *)user_data)->owned = TRUE;
}

static gboolean
watcher_owned_cond (gpointer data)
{
  return ((Watcher *)data)->owned;
}

static Watcher *
watcher_start (void)
{
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (watcher_xml, NULL);
  g_autoptr (GError) error = NULL;
  Watcher *watcher = g_new0 (Watcher, 1);

  watcher->items = g_ptr_array_new_with_free_func (g_free);
  watcher->connection = new_bus_connection ();
  watcher->object_id = g_dbus_connection_register_object (watcher->connection, "/StatusNotifierWatcher",
                                                          info->interfaces[0], &watcher_vtable,
                                                          watcher, NULL, &error);
  g_assert_no_error (error);
  watcher->own_id = g_bus_own_name_on_connection (watcher->connection, "org.kde.StatusNotifierWatcher",
                                                  G_BUS_NAME_OWNER_FLAGS_NONE,
                                                  on_watcher_name_acquired_cb, NULL, watcher, NULL);
  af_test_ui_wait_until (watcher_owned_cond, watcher, 5000);
  return watcher;
}

/* Stops like a crashing shell: the connection goes, and the name with it. */
static void
watcher_stop (Watcher *watcher)
{
  g_bus_unown_name (watcher->own_id);
  g_dbus_connection_unregister_object (watcher->connection, watcher->object_id);
  g_dbus_connection_close_sync (watcher->connection, NULL, NULL);
  g_object_unref (watcher->connection);
  g_ptr_array_unref (watcher->items);
  g_free (watcher);
}

static gboolean
registered_cond (gpointer data)
{
  return af_tray_get_registered (data);
}

static gboolean
unregistered_cond (gpointer data)
{
  return !af_tray_get_registered (data);
}

typedef struct
{
  GVariant *reply;
  GError   *error;
  gboolean  done;
} CallData;

static void
on_call_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CallData *data = user_data;

  data->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &data->error);
  data->done = TRUE;
}

/* The object called may live in this process, so the call must not block
 * the main loop that answers it. */
static GVariant *
call (GDBusConnection *connection,
      const char      *name,
      const char      *path,
      const char      *iface,
      const char      *method,
      GVariant        *parameters,
      const char      *reply_type)
{
  CallData data = { NULL, NULL, FALSE };

  g_dbus_connection_call (connection, name, path, iface, method, parameters,
                          reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                          G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, on_call_done_cb, &data);
  af_test_wait_until (data.done, g_strdup_printf ("a reply to %s.%s from %s", iface, method, name));
  g_assert_no_error (data.error);
  return data.reply;
}

static gboolean
name_has_owner (const char *name)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) reply = call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "NameHasOwner",
                                     g_variant_new ("(s)", name), "(b)");
  gboolean has_owner;

  g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static gboolean
name_owned_cond (gpointer data)
{
  return name_has_owner (data);
}

/* A round trip to the bus on the session connection: the bus answers in
 * order, so every call made on it before (the tray's name watches) has
 * been answered too; then what those answers queued is dispatched. */
static void
bus_round_trip (void)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) reply = call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                     "GetId", NULL, "(s)");

  af_test_drain ();
}

static AfTray *
new_tray (void)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  AfTray *tray = af_tray_new (bus);

  af_test_ui_wait_until (name_owned_cond, (gpointer)af_tray_get_bus_name (tray), 5000);
  return tray;
}

static void
test_no_watcher (void)
{
  g_autoptr (AfTray) tray = NULL;

  /* Warnings are fatal in tests: no watcher must mean silence. */
  g_assert_false (name_has_owner ("org.kde.StatusNotifierWatcher"));
  tray = new_tray ();
  g_assert_true (g_str_has_prefix (af_tray_get_bus_name (tray), "org.kde.StatusNotifierItem-"));
  bus_round_trip ();
  g_assert_false (af_tray_get_registered (tray));
  af_tray_set_counts (tray, 1, 0, 0);
  bus_round_trip ();
}

static void
test_register_and_properties (void)
{
  Watcher *watcher = watcher_start ();
  g_autoptr (AfTray) tray = new_tray ();
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) props = NULL;
  g_autoptr (GVariant) tooltip = NULL;
  const char *s;

  af_test_ui_wait_until (registered_cond, tray, 5000);
  g_assert_cmpuint (watcher->items->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watcher->items, 0), ==, af_tray_get_bus_name (tray));

  /* What a tray host reads. */
  reply = call (watcher->connection, af_tray_get_bus_name (tray), "/StatusNotifierItem",
                "org.freedesktop.DBus.Properties", "GetAll",
                g_variant_new ("(s)", "org.kde.StatusNotifierItem"), "(a{sv})");
  props = g_variant_get_child_value (reply, 0);
  g_assert_true (g_variant_lookup (props, "Category", "&s", &s));
  g_assert_cmpstr (s, ==, "ApplicationStatus");
  g_assert_true (g_variant_lookup (props, "Id", "&s", &s));
  g_assert_cmpstr (s, ==, APPLICATION_ID);
  g_assert_true (g_variant_lookup (props, "Title", "&s", &s));
  g_assert_cmpstr (s, ==, "AgentFlow");
  g_assert_true (g_variant_lookup (props, "Status", "&s", &s));
  g_assert_cmpstr (s, ==, "Active");
  g_assert_true (g_variant_lookup (props, "IconName", "&s", &s));
  g_assert_cmpstr (s, ==, APPLICATION_ID);
  g_assert_true (g_variant_lookup (props, "Menu", "&o", &s));
  g_assert_cmpstr (s, ==, "/MenuBar");
  tooltip = g_variant_lookup_value (props, "ToolTip", G_VARIANT_TYPE ("(sa(iiay)ss)"));
  g_assert_nonnull (tooltip);
  g_variant_get_child (tooltip, 2, "&s", &s);
  g_assert_cmpstr (s, ==, "AgentFlow");
  g_variant_get_child (tooltip, 3, "&s", &s);
  g_assert_cmpstr (s, ==, "No agents running");

  g_clear_object (&tray);
  watcher_stop (watcher);
}

typedef struct
{
  GPtrArray *signals;
} SignalLog;

static void
on_bus_signal_cb (GDBusConnection *connection,
                  const char      *sender,
                  const char      *path,
                  const char      *iface,
                  const char      *name,
                  GVariant        *parameters,
                  gpointer         user_data)
{
  SignalLog *log = user_data;

  if (g_str_equal (name, "NewStatus"))
    {
      const char *status;

      g_variant_get (parameters, "(&s)", &status);
      g_ptr_array_add (log->signals, g_strdup_printf ("NewStatus %s", status));
    }
  else
    g_ptr_array_add (log->signals, g_strdup (name));
}

static gboolean
log_has (SignalLog  *log,
         const char *entry)
{
  for (guint i = 0; i < log->signals->len; i++)
    if (g_str_equal (g_ptr_array_index (log->signals, i), entry))
      return TRUE;
  return FALSE;
}

static gboolean
log_complete_cond (gpointer data)
{
  SignalLog *log = data;

  return log_has (log, "NewStatus NeedsAttention") && log_has (log, "NewToolTip") &&
         log_has (log, "LayoutUpdated") && log_has (log, "ItemsPropertiesUpdated");
}

/* Returns the menu item @id's properties from a GetLayout reply. */
static GVariant *
layout_item (GVariant *layout,
             int       id)
{
  g_autoptr (GVariant) children = g_variant_get_child_value (layout, 2);

  for (gsize i = 0; i < g_variant_n_children (children); i++)
    {
      g_autoptr (GVariant) boxed = g_variant_get_child_value (children, i);
      g_autoptr (GVariant) child = g_variant_get_variant (boxed);
      int child_id;

      g_variant_get_child (child, 0, "i", &child_id);
      if (child_id == id)
        return g_variant_get_child_value (child, 1);
    }
  g_assert_not_reached ();
}

static GVariant *
get_layout (GDBusConnection *connection,
            AfTray          *tray)
{
  g_autoptr (GVariant) reply = call (connection, af_tray_get_bus_name (tray), "/MenuBar",
                                     "com.canonical.dbusmenu", "GetLayout",
                                     g_variant_new ("(ii@as)", 0, -1, g_variant_new_strv (NULL, 0)),
                                     "(u(ia{sv}av))");

  return g_variant_get_child_value (reply, 1);
}

static void
assert_item (GVariant   *layout,
             int         id,
             const char *label,
             gboolean    enabled,
             gboolean    visible)
{
  g_autoptr (GVariant) props = layout_item (layout, id);
  const char *s;
  gboolean    b;

  g_assert_true (g_variant_lookup (props, "label", "&s", &s));
  g_assert_cmpstr (s, ==, label);
  g_assert_true (g_variant_lookup (props, "enabled", "b", &b));
  g_assert_cmpint (b, ==, enabled);
  g_assert_true (g_variant_lookup (props, "visible", "b", &b));
  g_assert_cmpint (b, ==, visible);
}

static void
on_count_cb (AfTray  *tray,
             gpointer user_data)
{
  (*(guint *)user_data)++;
}

static void
send_click (GDBusConnection *connection,
            AfTray          *tray,
            int              id)
{
  g_autoptr (GVariant) reply = call (connection, af_tray_get_bus_name (tray), "/MenuBar",
                                     "com.canonical.dbusmenu", "Event",
                                     g_variant_new ("(isvu)", id, "clicked", g_variant_new_int32 (0), 0),
                                     NULL);
}

static void
test_menu (void)
{
  Watcher *watcher = watcher_start ();
  g_autoptr (AfTray) tray = new_tray ();
  g_autoptr (GVariant) layout = NULL;
  g_autoptr (GVariant) reply = NULL;
  SignalLog        log = { g_ptr_array_new_with_free_func (g_free) };
  guint            subscription;
  guint            n_pause = 0, n_resume = 0, n_approvals = 0, n_quit = 0, n_activate = 0;
  gboolean         need_update;
  g_autofree char *printed = NULL;

  af_test_ui_wait_until (registered_cond, tray, 5000);

  layout = get_layout (watcher->connection, tray);
  assert_item (layout, 1, "_Open AgentFlow", TRUE, TRUE);
  assert_item (layout, 2, "No agents running", FALSE, TRUE);
  assert_item (layout, 3, "0 approvals waiting", TRUE, FALSE);
  assert_item (layout, 5, "_Pause All", FALSE, TRUE);
  assert_item (layout, 6, "_Resume All", FALSE, TRUE);
  assert_item (layout, 8, "_Quit", TRUE, TRUE);
  g_clear_pointer (&layout, g_variant_unref);

  reply = call (watcher->connection, af_tray_get_bus_name (tray), "/MenuBar",
                "com.canonical.dbusmenu", "AboutToShow", g_variant_new ("(i)", 0), "(b)");
  g_variant_get (reply, "(b)", &need_update);
  g_assert_false (need_update);
  g_clear_pointer (&reply, g_variant_unref);

  /* The engine's counts reach the host as signals and a new menu. */
  subscription = g_dbus_connection_signal_subscribe (watcher->connection, af_tray_get_bus_name (tray),
                                                     NULL, NULL, NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                     on_bus_signal_cb, &log, NULL);
  /* The subscription must reach the bus before the signals. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (watcher->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                "org.freedesktop.DBus", "GetId", NULL, "(s)");
  af_tray_set_counts (tray, 2, 1, 3);
  af_test_ui_wait_until (log_complete_cond, &log, 5000);
  g_dbus_connection_signal_unsubscribe (watcher->connection, subscription);

  layout = get_layout (watcher->connection, tray);
  assert_item (layout, 2, "2 agents running, 1 paused", FALSE, TRUE);
  assert_item (layout, 3, "3 approvals waiting", TRUE, TRUE);
  assert_item (layout, 5, "_Pause All", TRUE, TRUE);
  assert_item (layout, 6, "_Resume All", TRUE, TRUE);

  g_clear_pointer (&reply, g_variant_unref);
  reply = call (watcher->connection, af_tray_get_bus_name (tray), "/MenuBar",
                "com.canonical.dbusmenu", "GetGroupProperties",
                g_variant_new ("(@ai^as)", g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, (int[]){ 5 }, 1, sizeof (int)),
                               (const char *[]){ "enabled", NULL }),
                "(a(ia{sv}))");
  printed = g_variant_print (reply, FALSE);
  g_assert_cmpstr (printed, ==, "([(5, {'enabled': <true>})],)");

  /* Clicks become signals, once each. */
  g_signal_connect (tray, "pause-all", G_CALLBACK (on_count_cb), &n_pause);
  g_signal_connect (tray, "resume-all", G_CALLBACK (on_count_cb), &n_resume);
  g_signal_connect (tray, "open-approvals", G_CALLBACK (on_count_cb), &n_approvals);
  g_signal_connect (tray, "quit", G_CALLBACK (on_count_cb), &n_quit);
  g_signal_connect (tray, "activate", G_CALLBACK (on_count_cb), &n_activate);
  send_click (watcher->connection, tray, 5);
  send_click (watcher->connection, tray, 6);
  send_click (watcher->connection, tray, 3);
  send_click (watcher->connection, tray, 8);
  send_click (watcher->connection, tray, 1);
  af_test_wait_until (n_pause + n_resume + n_approvals + n_quit + n_activate >= 5,
                      "a signal for each of the 5 clicked menu items");
  af_test_drain ();
  g_assert_cmpuint (n_pause, ==, 1);
  g_assert_cmpuint (n_resume, ==, 1);
  g_assert_cmpuint (n_approvals, ==, 1);
  g_assert_cmpuint (n_quit, ==, 1);
  g_assert_cmpuint (n_activate, ==, 1);

  /* Nothing to pause: the disabled item does nothing. */
  af_tray_set_counts (tray, 0, 0, 0);
  send_click (watcher->connection, tray, 5);
  /* The click was answered: the tray has handled it. */
  af_test_drain ();
  g_assert_cmpuint (n_pause, ==, 1);

  g_clear_pointer (&reply, g_variant_unref);
  reply = call (watcher->connection, af_tray_get_bus_name (tray), "/StatusNotifierItem",
                "org.kde.StatusNotifierItem", "Activate", g_variant_new ("(ii)", 0, 0), NULL);
  af_test_wait_until (n_activate >= 2, "the tray's activate signal after Activate");
  g_assert_cmpuint (n_activate, ==, 2);

  g_ptr_array_unref (log.signals);
  g_clear_object (&tray);
  watcher_stop (watcher);
}

static void
test_watcher_restart (void)
{
  Watcher *watcher = watcher_start ();
  g_autoptr (AfTray) tray = new_tray ();

  af_test_ui_wait_until (registered_cond, tray, 5000);

  watcher_stop (watcher);
  af_test_ui_wait_until (unregistered_cond, tray, 5000);

  /* The shell restarts: the item is back without anyone asking. */
  watcher = watcher_start ();
  af_test_ui_wait_until (registered_cond, tray, 5000);
  g_assert_cmpuint (watcher->items->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watcher->items, 0), ==, af_tray_get_bus_name (tray));

  g_clear_object (&tray);
  watcher_stop (watcher);
}

static AfWindow *
main_window (AfApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (AF_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
window_visible_cond (gpointer data)
{
  AfWindow *window = main_window (data);

  return window != NULL && gtk_widget_get_visible (GTK_WIDGET (window));
}

static gboolean
quitting_cond (gpointer data)
{
  return af_application_get_quitting (data);
}

static void
test_application_tray (void)
{
  g_autoptr (AfApplication) app = af_application_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  Watcher *watcher = watcher_start ();
  AfTray  *tray;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  tray = af_application_get_tray (app);
  g_assert_nonnull (tray);
  af_test_ui_wait_until (registered_cond, tray, 5000);
  g_assert_null (main_window (app));

  /* Clicking the icon opens the window. */
  reply = call (watcher->connection, af_tray_get_bus_name (tray), "/StatusNotifierItem",
                "org.kde.StatusNotifierItem", "Activate", g_variant_new ("(ii)", 0, 0), NULL);
  af_test_ui_wait_until (window_visible_cond, app, 5000);

  /* Quit in the menu quits the application. */
  send_click (watcher->connection, tray, 8);
  af_test_ui_wait_until (quitting_cond, app, 5000);
  g_assert_null (main_window (app));

  g_application_release (G_APPLICATION (app));
  watcher_stop (watcher);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!af_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/tray/no-watcher", test_no_watcher);
  g_test_add_func ("/tray/register-and-properties", test_register_and_properties);
  g_test_add_func ("/tray/menu", test_menu);
  g_test_add_func ("/tray/watcher-restart", test_watcher_restart);
  g_test_add_func ("/tray/application", test_application_tray);

  ret = g_test_run ();

  af_test_ui_destroy_windows ();

  return ret;
}
