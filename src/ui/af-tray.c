/* af-tray.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-tray"

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <unistd.h>

#include "af-tray.h"

/* A StatusNotifierItem with a com.canonical.dbusmenu menu, exported with
 * GDBus: GTK 4 has no tray API. The item exists on the bus from the start;
 * whether a tray shows it depends on a StatusNotifierWatcher, which may come
 * and go with the shell (or never exist, as on stock GNOME). */

#define ITEM_PATH     "/StatusNotifierItem"
#define MENU_PATH     "/MenuBar"
#define WATCHER_NAME  "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH  "/StatusNotifierWatcher"
#define ITEM_IFACE    "org.kde.StatusNotifierItem"
#define MENU_IFACE    "com.canonical.dbusmenu"
#define DBUSMENU_ROOT 0

struct _AfTray
{
  GObject parent_instance;

  GDBusConnection *connection;
  GCancellable    *cancellable;
  char            *bus_name;
  guint            item_id;
  guint            menu_id;
  guint            own_id;
  guint            watch_id;
  guint            menu_revision;

  guint n_running;
  guint n_paused;
  guint n_pending_approvals;

  guint name_owned : 1;
  guint watcher_present : 1;
  guint registered : 1;
};

G_DEFINE_FINAL_TYPE (AfTray, af_tray, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CONNECTION,
  PROP_REGISTERED,
  N_PROPS
};

enum
{
  ACTIVATE,
  OPEN_APPROVALS,
  PAUSE_ALL,
  RESUME_ALL,
  QUIT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

/* Menu item ids; 0 is the root. */
enum
{
  MENU_OPEN = 1,
  MENU_STATUS,
  MENU_APPROVALS,
  MENU_SEPARATOR_1,
  MENU_PAUSE_ALL,
  MENU_RESUME_ALL,
  MENU_SEPARATOR_2,
  MENU_QUIT,
  MENU_LAST = MENU_QUIT
};

static const char item_xml[] =
    "<node>"
    "  <interface name='org.kde.StatusNotifierItem'>"
    "    <property name='Category' type='s' access='read'/>"
    "    <property name='Id' type='s' access='read'/>"
    "    <property name='Title' type='s' access='read'/>"
    "    <property name='Status' type='s' access='read'/>"
    "    <property name='WindowId' type='i' access='read'/>"
    "    <property name='IconName' type='s' access='read'/>"
    "    <property name='AttentionIconName' type='s' access='read'/>"
    "    <property name='ToolTip' type='(sa(iiay)ss)' access='read'/>"
    "    <property name='ItemIsMenu' type='b' access='read'/>"
    "    <property name='Menu' type='o' access='read'/>"
    "    <method name='ContextMenu'><arg name='x' type='i' direction='in'/><arg name='y' type='i' direction='in'/></method>"
    "    <method name='Activate'><arg name='x' type='i' direction='in'/><arg name='y' type='i' direction='in'/></method>"
    "    <method name='SecondaryActivate'><arg name='x' type='i' direction='in'/><arg name='y' type='i' direction='in'/></method>"
    "    <method name='Scroll'><arg name='delta' type='i' direction='in'/><arg name='orientation' type='s' direction='in'/></method>"
    "    <signal name='NewTitle'/>"
    "    <signal name='NewIcon'/>"
    "    <signal name='NewAttentionIcon'/>"
    "    <signal name='NewToolTip'/>"
    "    <signal name='NewStatus'><arg name='status' type='s'/></signal>"
    "  </interface>"
    "</node>";

static const char menu_xml[] =
    "<node>"
    "  <interface name='com.canonical.dbusmenu'>"
    "    <property name='Version' type='u' access='read'/>"
    "    <property name='TextDirection' type='s' access='read'/>"
    "    <property name='Status' type='s' access='read'/>"
    "    <property name='IconThemePath' type='as' access='read'/>"
    "    <method name='GetLayout'>"
    "      <arg name='parentId' type='i' direction='in'/>"
    "      <arg name='recursionDepth' type='i' direction='in'/>"
    "      <arg name='propertyNames' type='as' direction='in'/>"
    "      <arg name='revision' type='u' direction='out'/>"
    "      <arg name='layout' type='(ia{sv}av)' direction='out'/>"
    "    </method>"
    "    <method name='GetGroupProperties'>"
    "      <arg name='ids' type='ai' direction='in'/>"
    "      <arg name='propertyNames' type='as' direction='in'/>"
    "      <arg name='properties' type='a(ia{sv})' direction='out'/>"
    "    </method>"
    "    <method name='GetProperty'>"
    "      <arg name='id' type='i' direction='in'/>"
    "      <arg name='name' type='s' direction='in'/>"
    "      <arg name='value' type='v' direction='out'/>"
    "    </method>"
    "    <method name='Event'>"
    "      <arg name='id' type='i' direction='in'/>"
    "      <arg name='eventId' type='s' direction='in'/>"
    "      <arg name='data' type='v' direction='in'/>"
    "      <arg name='timestamp' type='u' direction='in'/>"
    "    </method>"
    "    <method name='EventGroup'>"
    "      <arg name='events' type='a(isvu)' direction='in'/>"
    "      <arg name='idErrors' type='ai' direction='out'/>"
    "    </method>"
    "    <method name='AboutToShow'>"
    "      <arg name='id' type='i' direction='in'/>"
    "      <arg name='needUpdate' type='b' direction='out'/>"
    "    </method>"
    "    <method name='AboutToShowGroup'>"
    "      <arg name='ids' type='ai' direction='in'/>"
    "      <arg name='updatesNeeded' type='ai' direction='out'/>"
    "      <arg name='idErrors' type='ai' direction='out'/>"
    "    </method>"
    "    <signal name='ItemsPropertiesUpdated'>"
    "      <arg name='updatedProps' type='a(ia{sv})'/>"
    "      <arg name='removedProps' type='a(ias)'/>"
    "    </signal>"
    "    <signal name='LayoutUpdated'>"
    "      <arg name='revision' type='u'/>"
    "      <arg name='parent' type='i'/>"
    "    </signal>"
    "    <signal name='ItemActivationRequested'>"
    "      <arg name='id' type='i'/>"
    "      <arg name='timestamp' type='u'/>"
    "    </signal>"
    "  </interface>"
    "</node>";

static GDBusNodeInfo *item_info;
static GDBusNodeInfo *menu_info;

static const char *
get_status (AfTray *self)
{
  if (self->n_pending_approvals > 0)
    return "NeedsAttention";

  /* Passive would let hosts hide the icon, and with no window open the tray
   * is the only sign that AgentFlow is running. */
  return "Active";
}

static char *
dup_status_line (AfTray *self)
{
  g_autofree char *running = NULL;
  g_autofree char *paused = NULL;

  if (self->n_running == 0 && self->n_paused == 0)
    return g_strdup (_ ("No agents running"));

  running = g_strdup_printf (ngettext ("%u agent running", "%u agents running", self->n_running),
                             self->n_running);
  if (self->n_paused == 0)
    return g_steal_pointer (&running);

  paused = g_strdup_printf (ngettext ("%u paused", "%u paused", self->n_paused), self->n_paused);
  /* Translators: joins "3 agents running" and "1 paused" in the tray menu */
  return g_strdup_printf (_ ("%s, %s"), running, paused);
}

static char *
dup_approvals_line (AfTray *self)
{
  return g_strdup_printf (ngettext ("%u approval waiting", "%u approvals waiting",
                                    self->n_pending_approvals),
                          self->n_pending_approvals);
}

static GVariant *
build_tooltip (AfTray *self)
{
  g_autofree char *status = dup_status_line (self);
  g_autofree char *text = NULL;

  if (self->n_pending_approvals > 0)
    {
      g_autofree char *approvals = dup_approvals_line (self);

      text = g_strdup_printf ("%s\n%s", status, approvals);
    }
  else
    text = g_steal_pointer (&status);

  return g_variant_new ("(s@a(iiay)ss)", APPLICATION_ID,
                        g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0),
                        _ ("AgentFlow"), text);
}

static gboolean
property_wanted (const char *const *names,
                 const char        *name)
{
  /* An empty list asks for every property. */
  return names == NULL || names[0] == NULL || g_strv_contains (names, name);
}

static GVariant *
build_item_properties (AfTray            *self,
                       int                id,
                       const char *const *names)
{
  GVariantDict     dict;
  g_autofree char *label = NULL;
  gboolean         enabled = TRUE;
  gboolean         visible = TRUE;
  gboolean         separator = FALSE;

  g_variant_dict_init (&dict, NULL);

  switch (id)
    {
    case DBUSMENU_ROOT:
      if (property_wanted (names, "children-display"))
        g_variant_dict_insert (&dict, "children-display", "s", "submenu");
      return g_variant_dict_end (&dict);

    case MENU_OPEN:
      label = g_strdup (_ ("_Open AgentFlow"));
      break;

    case MENU_STATUS:
      label = dup_status_line (self);
      enabled = FALSE;
      break;

    case MENU_APPROVALS:
      label = dup_approvals_line (self);
      visible = self->n_pending_approvals > 0;
      break;

    case MENU_PAUSE_ALL:
      label = g_strdup (_ ("_Pause All"));
      enabled = self->n_running > 0;
      break;

    case MENU_RESUME_ALL:
      label = g_strdup (_ ("_Resume All"));
      enabled = self->n_paused > 0;
      break;

    case MENU_QUIT:
      label = g_strdup (_ ("_Quit"));
      break;

    case MENU_SEPARATOR_1:
    case MENU_SEPARATOR_2:
      separator = TRUE;
      break;

    default:
      g_assert_not_reached ();
    }

  if (separator && property_wanted (names, "type"))
    g_variant_dict_insert (&dict, "type", "s", "separator");
  if (label != NULL && property_wanted (names, "label"))
    g_variant_dict_insert (&dict, "label", "s", label);
  if (property_wanted (names, "enabled"))
    g_variant_dict_insert (&dict, "enabled", "b", enabled);
  if (property_wanted (names, "visible"))
    g_variant_dict_insert (&dict, "visible", "b", visible);

  return g_variant_dict_end (&dict);
}

static GVariant *
build_layout (AfTray            *self,
              int                id,
              int                depth,
              const char *const *names)
{
  GVariantBuilder children;

  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));

  if (id == DBUSMENU_ROOT && depth != 0)
    {
      for (int child = MENU_OPEN; child <= MENU_LAST; child++)
        g_variant_builder_add (&children, "v", build_layout (self, child, depth - 1, names));
    }

  return g_variant_new ("(i@a{sv}av)", id, build_item_properties (self, id, names), &children);
}

static gboolean
is_valid_item (int id)
{
  return id >= DBUSMENU_ROOT && id <= MENU_LAST;
}

static void
emit_item_signal (AfTray     *self,
                  const char *name,
                  GVariant   *parameters)
{
  g_dbus_connection_emit_signal (self->connection, NULL, ITEM_PATH, ITEM_IFACE,
                                 name, parameters, NULL);
}

static void
emit_menu_items_updated (AfTray *self)
{
  static const int updated[] = { MENU_STATUS, MENU_APPROVALS, MENU_PAUSE_ALL, MENU_RESUME_ALL };
  GVariantBuilder  props;

  g_variant_builder_init (&props, G_VARIANT_TYPE ("a(ia{sv})"));
  for (guint i = 0; i < G_N_ELEMENTS (updated); i++)
    g_variant_builder_add (&props, "(i@a{sv})", updated[i],
                           build_item_properties (self, updated[i], NULL));

  g_dbus_connection_emit_signal (self->connection, NULL, MENU_PATH, MENU_IFACE,
                                 "ItemsPropertiesUpdated",
                                 g_variant_new ("(a(ia{sv})a(ias))", &props, NULL),
                                 NULL);

  /* Some hosts only re-read a menu on a new revision. */
  self->menu_revision++;
  g_dbus_connection_emit_signal (self->connection, NULL, MENU_PATH, MENU_IFACE,
                                 "LayoutUpdated",
                                 g_variant_new ("(ui)", self->menu_revision, DBUSMENU_ROOT),
                                 NULL);
}

static void
set_registered (AfTray  *self,
                gboolean registered)
{
  if (self->registered == !!registered)
    return;

  self->registered = !!registered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
}

static void
menu_item_clicked (AfTray *self,
                   int     id)
{
  g_autoptr (AfTray) hold = g_object_ref (self);

  switch (id)
    {
    case MENU_OPEN:
      g_signal_emit (self, signals[ACTIVATE], 0);
      break;

    case MENU_APPROVALS:
      g_signal_emit (self, signals[OPEN_APPROVALS], 0);
      break;

    case MENU_PAUSE_ALL:
      if (self->n_running > 0)
        g_signal_emit (self, signals[PAUSE_ALL], 0);
      break;

    case MENU_RESUME_ALL:
      if (self->n_paused > 0)
        g_signal_emit (self, signals[RESUME_ALL], 0);
      break;

    case MENU_QUIT:
      g_signal_emit (self, signals[QUIT], 0);
      break;

    default:
      break;
    }
}

static void
on_register_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AfTray) self = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      /* The watcher may have gone between appearing and answering: not worth
       * more than a debug message, it will be tried again when it returns. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not register the tray item: %s", error->message);
      return;
    }

  set_registered (self, self->watcher_present);
}

static void
try_register (AfTray *self)
{
  if (!self->name_owned || !self->watcher_present)
    return;

  g_dbus_connection_call (self->connection, WATCHER_NAME, WATCHER_PATH, WATCHER_NAME,
                          "RegisterStatusNotifierItem",
                          g_variant_new ("(s)", self->bus_name),
                          NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->cancellable, on_register_cb, g_object_ref (self));
}

static void
on_name_acquired_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  AfTray *self = user_data;

  self->name_owned = TRUE;
  try_register (self);
}

static void
on_name_lost_cb (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  AfTray *self = user_data;

  if (connection != NULL)
    g_debug ("Lost the bus name %s", name);
  self->name_owned = FALSE;
  set_registered (self, FALSE);
}

static void
on_watcher_appeared_cb (GDBusConnection *connection,
                        const char      *name,
                        const char      *name_owner,
                        gpointer         user_data)
{
  AfTray *self = user_data;

  self->watcher_present = TRUE;
  try_register (self);
}

static void
on_watcher_vanished_cb (GDBusConnection *connection,
                        const char      *name,
                        gpointer         user_data)
{
  AfTray *self = user_data;

  self->watcher_present = FALSE;
  set_registered (self, FALSE);
}

static void
item_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  g_autoptr (AfTray) self = g_object_ref (user_data);

  g_dbus_method_invocation_return_value (invocation, NULL);

  /* A click on the icon opens the window; the menu offers everything else,
   * so ContextMenu and Scroll need nothing from us. */
  if (g_str_equal (method_name, "Activate") || g_str_equal (method_name, "SecondaryActivate"))
    g_signal_emit (self, signals[ACTIVATE], 0);
}

static GVariant *
item_get_property (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *property_name,
                   GError         **error,
                   gpointer         user_data)
{
  AfTray *self = user_data;

  if (g_str_equal (property_name, "Category"))
    return g_variant_new_string ("ApplicationStatus");
  if (g_str_equal (property_name, "Id"))
    return g_variant_new_string (APPLICATION_ID);
  if (g_str_equal (property_name, "Title"))
    return g_variant_new_string (_ ("AgentFlow"));
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string (get_status (self));
  if (g_str_equal (property_name, "WindowId"))
    return g_variant_new_int32 (0);
  if (g_str_equal (property_name, "IconName") || g_str_equal (property_name, "AttentionIconName"))
    return g_variant_new_string (APPLICATION_ID);
  if (g_str_equal (property_name, "ToolTip"))
    return build_tooltip (self);
  if (g_str_equal (property_name, "ItemIsMenu"))
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (property_name, "Menu"))
    return g_variant_new_object_path (MENU_PATH);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY,
               "No property %s", property_name);
  return NULL;
}

static void
menu_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  g_autoptr (AfTray) self = g_object_ref (user_data);

  if (g_str_equal (method_name, "GetLayout"))
    {
      g_autofree const char **names = NULL;
      int                     parent, depth;

      g_variant_get (parameters, "(ii^a&s)", &parent, &depth, &names);
      if (!is_valid_item (parent))
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                                 "No menu item %d", parent);
          return;
        }
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u@(ia{sv}av))", self->menu_revision,
                                                            build_layout (self, parent, depth, names)));
    }
  else if (g_str_equal (method_name, "GetGroupProperties"))
    {
      g_autoptr (GVariantIter) ids = NULL;
      g_autofree const char **names = NULL;
      GVariantBuilder         result;
      int                     id;

      g_variant_get (parameters, "(ai^a&s)", &ids, &names);
      g_variant_builder_init (&result, G_VARIANT_TYPE ("a(ia{sv})"));
      while (g_variant_iter_next (ids, "i", &id))
        {
          if (is_valid_item (id))
            g_variant_builder_add (&result, "(i@a{sv})", id, build_item_properties (self, id, names));
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ia{sv}))", &result));
    }
  else if (g_str_equal (method_name, "GetProperty"))
    {
      g_autoptr (GVariant) props = NULL;
      g_autoptr (GVariant) value = NULL;
      const char *name;
      int         id;

      g_variant_get (parameters, "(i&s)", &id, &name);
      if (is_valid_item (id))
        {
          props = build_item_properties (self, id, NULL);
          value = g_variant_lookup_value (props, name, NULL);
        }
      if (value == NULL)
        g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                               "No property %s on menu item %d", name, id);
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
    }
  else if (g_str_equal (method_name, "Event"))
    {
      const char *event;
      int         id;

      g_variant_get (parameters, "(i&svu)", &id, &event, NULL, NULL);
      g_dbus_method_invocation_return_value (invocation, NULL);
      if (g_str_equal (event, "clicked"))
        menu_item_clicked (self, id);
    }
  else if (g_str_equal (method_name, "EventGroup"))
    {
      g_autoptr (GVariantIter) events = NULL;
      g_autoptr (GArray) clicked = g_array_new (FALSE, FALSE, sizeof (int));
      GVariantBuilder errors;
      const char     *event;
      int             id;

      g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
      g_variant_get (parameters, "(a(isvu))", &events);
      while (g_variant_iter_next (events, "(i&svu)", &id, &event, NULL, NULL))
        {
          if (!is_valid_item (id))
            g_variant_builder_add (&errors, "i", id);
          else if (g_str_equal (event, "clicked"))
            g_array_append_val (clicked, id);
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ai)", &errors));
      for (guint i = 0; i < clicked->len; i++)
        menu_item_clicked (self, g_array_index (clicked, int, i));
    }
  else if (g_str_equal (method_name, "AboutToShow"))
    {
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
    }
  else if (g_str_equal (method_name, "AboutToShowGroup"))
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(@ai@ai)",
                                                            g_variant_new_array (G_VARIANT_TYPE_INT32, NULL, 0),
                                                            g_variant_new_array (G_VARIANT_TYPE_INT32, NULL, 0)));
    }
  else
    g_assert_not_reached ();
}

static GVariant *
menu_get_property (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *property_name,
                   GError         **error,
                   gpointer         user_data)
{
  if (g_str_equal (property_name, "Version"))
    return g_variant_new_uint32 (3);
  if (g_str_equal (property_name, "TextDirection"))
    return g_variant_new_string (gtk_get_locale_direction () == GTK_TEXT_DIR_RTL ? "rtl" : "ltr");
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("normal");
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_strv (NULL, 0);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY,
               "No property %s", property_name);
  return NULL;
}

static const GDBusInterfaceVTable item_vtable = { item_method_call, item_get_property, NULL };
static const GDBusInterfaceVTable menu_vtable = { menu_method_call, menu_get_property, NULL };

static void
af_tray_constructed (GObject *object)
{
  AfTray *self = (AfTray *)object;
  g_autoptr (GError) error = NULL;
  static guint n_items;

  G_OBJECT_CLASS (af_tray_parent_class)->constructed (object);

  g_assert (G_IS_DBUS_CONNECTION (self->connection));

  self->item_id = g_dbus_connection_register_object (self->connection, ITEM_PATH,
                                                     item_info->interfaces[0], &item_vtable,
                                                     self, NULL, &error);
  if (self->item_id == 0)
    {
      g_warning ("Could not export the tray item: %s", error->message);
      return;
    }

  self->menu_id = g_dbus_connection_register_object (self->connection, MENU_PATH,
                                                     menu_info->interfaces[0], &menu_vtable,
                                                     self, NULL, &error);
  if (self->menu_id == 0)
    {
      g_warning ("Could not export the tray menu: %s", error->message);
      return;
    }

  /* The name the StatusNotifierItem specification asks for. */
  self->bus_name = g_strdup_printf ("org.kde.StatusNotifierItem-%d-%u", (int)getpid (), ++n_items);
  self->own_id = g_bus_own_name_on_connection (self->connection, self->bus_name,
                                               G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                               on_name_acquired_cb, on_name_lost_cb,
                                               self, NULL);
  self->watch_id = g_bus_watch_name_on_connection (self->connection, WATCHER_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   on_watcher_appeared_cb, on_watcher_vanished_cb,
                                                   self, NULL);
}

static void
af_tray_dispose (GObject *object)
{
  AfTray *self = (AfTray *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&self->own_id, g_bus_unown_name);
  if (self->item_id != 0)
    {
      g_dbus_connection_unregister_object (self->connection, self->item_id);
      self->item_id = 0;
    }
  if (self->menu_id != 0)
    {
      g_dbus_connection_unregister_object (self->connection, self->menu_id);
      self->menu_id = 0;
    }
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (af_tray_parent_class)->dispose (object);
}

static void
af_tray_finalize (GObject *object)
{
  AfTray *self = (AfTray *)object;

  g_clear_pointer (&self->bus_name, g_free);

  G_OBJECT_CLASS (af_tray_parent_class)->finalize (object);
}

static void
af_tray_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  AfTray *self = AF_TRAY (object);

  switch (prop_id)
    {
    case PROP_REGISTERED:
      g_value_set_boolean (value, self->registered);
      break;

    case PROP_CONNECTION:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_tray_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  AfTray *self = AF_TRAY (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;

    case PROP_REGISTERED:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_tray_class_init (AfTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = af_tray_constructed;
  object_class->dispose = af_tray_dispose;
  object_class->finalize = af_tray_finalize;
  object_class->get_property = af_tray_get_property;
  object_class->set_property = af_tray_set_property;

  properties[PROP_CONNECTION] =
      g_param_spec_object ("connection", NULL, NULL,
                           G_TYPE_DBUS_CONNECTION,
                           (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * AfTray:registered:
   *
   * Whether a StatusNotifierWatcher accepted the item, that is whether a
   * tray can show it.
   */
  properties[PROP_REGISTERED] =
      g_param_spec_boolean ("registered", NULL, NULL,
                            FALSE,
                            (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AfTray::activate:
   *
   * The icon was clicked or "Open AgentFlow" chosen: present the window.
   */
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * AfTray::open-approvals:
   *
   * The pending approvals line was chosen.
   */
  signals[OPEN_APPROVALS] = g_signal_new ("open-approvals", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * AfTray::pause-all:
   *
   * "Pause All" was chosen while agents were running.
   */
  signals[PAUSE_ALL] = g_signal_new ("pause-all", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * AfTray::resume-all:
   *
   * "Resume All" was chosen while agents were paused.
   */
  signals[RESUME_ALL] = g_signal_new ("resume-all", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * AfTray::quit:
   *
   * "Quit" was chosen.
   */
  signals[QUIT] = g_signal_new ("quit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  item_info = g_dbus_node_info_new_for_xml (item_xml, NULL);
  menu_info = g_dbus_node_info_new_for_xml (menu_xml, NULL);
  g_assert (item_info != NULL && menu_info != NULL);
}

static void
af_tray_init (AfTray *self)
{
  self->cancellable = g_cancellable_new ();
  self->menu_revision = 1;
}

/**
 * af_tray_new:
 * @connection: the session bus
 *
 * Exports a StatusNotifierItem on @connection and registers it with the
 * StatusNotifierWatcher whenever one is on the bus. Without a watcher it
 * stays quietly unregistered.
 *
 * Returns: (transfer full): a new #AfTray
 */
AfTray *
af_tray_new (GDBusConnection *connection)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  return g_object_new (AF_TYPE_TRAY, "connection", connection, NULL);
}

gboolean
af_tray_get_registered (AfTray *self)
{
  g_return_val_if_fail (AF_IS_TRAY (self), FALSE);

  return self->registered;
}

/**
 * af_tray_get_bus_name:
 *
 * Returns: the well-known name the item is published under
 */
const char *
af_tray_get_bus_name (AfTray *self)
{
  g_return_val_if_fail (AF_IS_TRAY (self), NULL);

  return self->bus_name;
}

/**
 * af_tray_set_counts:
 * @n_running: agents that are enabled and scheduled
 * @n_paused: agents the user paused
 * @n_pending_approvals: actions waiting for the user's approval
 *
 * Updates the status line, tooltip, status and the Pause/Resume items. The
 * engine feeds this whenever its agents change.
 */
void
af_tray_set_counts (AfTray *self,
                    guint   n_running,
                    guint   n_paused,
                    guint   n_pending_approvals)
{
  const char *old_status;

  g_return_if_fail (AF_IS_TRAY (self));

  if (self->n_running == n_running && self->n_paused == n_paused &&
      self->n_pending_approvals == n_pending_approvals)
    return;

  old_status = get_status (self);
  self->n_running = n_running;
  self->n_paused = n_paused;
  self->n_pending_approvals = n_pending_approvals;

  if (self->item_id == 0)
    return;

  if (!g_str_equal (old_status, get_status (self)))
    emit_item_signal (self, "NewStatus", g_variant_new ("(s)", get_status (self)));
  emit_item_signal (self, "NewToolTip", NULL);
  emit_menu_items_updated (self);
}
