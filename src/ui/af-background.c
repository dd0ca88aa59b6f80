/* af-background.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-background"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <libportal-gtk4/portal-gtk4.h>

#include "af-background.h"

/* Permission to run without a window, and starting at login.
 *
 * With the Background portal (org.freedesktop.portal.Background) we ask it,
 * and show its answer in Preferences. Inside Flatpak the portal also owns
 * autostart. Outside Flatpak the portal writes an autostart file with an
 * empty Name, so there — and wherever the portal is missing — we write
 * $XDG_CONFIG_HOME/autostart/APPLICATION_ID.desktop ourselves.
 *
 * libportal crashes without a session bus, so it is only used once the
 * probe has reached the portal over the application's bus connection. */

#define PORTAL_NAME       "org.freedesktop.portal.Desktop"
#define PORTAL_PATH       "/org/freedesktop/portal/desktop"
#define BACKGROUND_IFACE  "org.freedesktop.portal.Background"
#define PROBE_TIMEOUT_MS  10000
#define BACKGROUND_OPTION "--background"

struct _AfBackground
{
  GObject parent_instance;

  GSettings       *settings;
  GDBusConnection *connection;
  GCancellable    *cancellable;
  XdpPortal       *portal;

  AfBackgroundPortalState portal_state;

  guint request_in_flight : 1;
  guint request_again : 1;
  guint autostart_pending : 1;
};

G_DEFINE_FINAL_TYPE (AfBackground, af_background, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (AfBackgroundPortalState, af_background_portal_state, G_DEFINE_ENUM_VALUE (AF_BACKGROUND_PORTAL_UNKNOWN, "unknown"), G_DEFINE_ENUM_VALUE (AF_BACKGROUND_PORTAL_ABSENT, "absent"), G_DEFINE_ENUM_VALUE (AF_BACKGROUND_PORTAL_AVAILABLE, "available"), G_DEFINE_ENUM_VALUE (AF_BACKGROUND_PORTAL_ALLOWED, "allowed"), G_DEFINE_ENUM_VALUE (AF_BACKGROUND_PORTAL_DENIED, "denied"))

enum
{
  PROP_0,
  PROP_SETTINGS,
  PROP_CONNECTION,
  PROP_PORTAL_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_request (AfBackground *self,
                           GtkWindow    *parent);

static gboolean
in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

static gboolean
portal_exists (AfBackground *self)
{
  return self->portal_state >= AF_BACKGROUND_PORTAL_AVAILABLE;
}

static gboolean
portal_owns_autostart (AfBackground *self)
{
  return in_flatpak () && portal_exists (self);
}

static void
set_portal_state (AfBackground           *self,
                  AfBackgroundPortalState state)
{
  if (self->portal_state == state)
    return;

  self->portal_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORTAL_STATE]);
}

static gboolean
write_autostart_file (GError **error)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autofree char *path = af_background_dup_autostart_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *exec = g_strdup_printf ("%s %s", PACKAGE_NAME, BACKGROUND_OPTION);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not create %s: %s", dir, g_strerror (errsv));
      return FALSE;
    }

  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME,
                         _ ("AgentFlow"));
  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _ ("Keeps your agents running in the background"));
  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON,
                         APPLICATION_ID);
  g_key_file_set_boolean (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (key_file, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);

  return g_key_file_save_to_file (key_file, path, error);
}

static gboolean
remove_autostart_file (GError **error)
{
  g_autofree char *path = af_background_dup_autostart_path ();

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not remove %s: %s", path, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

static void
apply_autostart (AfBackground *self)
{
  g_autoptr (GError) error = NULL;
  gboolean enabled;

  g_assert (AF_IS_BACKGROUND (self));

  if (self->portal_state == AF_BACKGROUND_PORTAL_UNKNOWN)
    {
      self->autostart_pending = TRUE;
      return;
    }
  self->autostart_pending = FALSE;

  if (portal_owns_autostart (self))
    {
      start_request (self, NULL);
      return;
    }

  enabled = g_settings_get_boolean (self->settings, "start-at-login");
  if (enabled ? !write_autostart_file (&error) : !remove_autostart_file (&error))
    g_warning ("%s", error->message);
}

static void
on_request_background_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr (AfBackground) self = user_data;
  g_autoptr (GError) error = NULL;

  self->request_in_flight = FALSE;

  if (xdp_portal_request_background_finish (XDP_PORTAL (object), result, &error))
    set_portal_state (self, AF_BACKGROUND_PORTAL_ALLOWED);
  else if (g_cancellable_is_cancelled (self->cancellable))
    return;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* The portal answers a denial (by the user or a stored permission)
     * as a cancelled request. */
    set_portal_state (self, AF_BACKGROUND_PORTAL_DENIED);
  else
    g_debug ("The background portal failed: %s", error->message);

  if (self->request_again)
    {
      self->request_again = FALSE;
      start_request (self, NULL);
    }
}

static void
start_request (AfBackground *self,
               GtkWindow    *parent)
{
  g_autoptr (GPtrArray) commandline = NULL;
  g_autoptr (XdpParent) xdp_parent = NULL;
  XdpBackgroundFlags flags = XDP_BACKGROUND_FLAG_NONE;

  g_assert (AF_IS_BACKGROUND (self));
  g_assert (portal_exists (self));

  if (self->request_in_flight)
    {
      self->request_again = TRUE;
      return;
    }

  if (self->portal == NULL)
    self->portal = xdp_portal_new ();

  /* libportal wants the arguments without a NULL terminator. */
  commandline = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (commandline, g_strdup (PACKAGE_NAME));
  g_ptr_array_add (commandline, g_strdup (BACKGROUND_OPTION));

  if (portal_owns_autostart (self) && g_settings_get_boolean (self->settings, "start-at-login"))
    flags |= XDP_BACKGROUND_FLAG_AUTOSTART | XDP_BACKGROUND_FLAG_ACTIVATABLE;

  if (parent != NULL && gtk_widget_get_realized (GTK_WIDGET (parent)))
    xdp_parent = xdp_parent_new_gtk (parent);

  self->request_in_flight = TRUE;
  xdp_portal_request_background (self->portal, xdp_parent,
                                 _ ("AgentFlow keeps running your agents when its window is closed."),
                                 commandline, flags, self->cancellable,
                                 on_request_background_cb, g_object_ref (self));
}

static void
on_probe_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (AfBackground) self = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (reply == NULL)
    {
      g_debug ("No background portal: %s", error->message);
      set_portal_state (self, AF_BACKGROUND_PORTAL_ABSENT);
    }
  else
    set_portal_state (self, AF_BACKGROUND_PORTAL_AVAILABLE);

  if (self->autostart_pending)
    apply_autostart (self);
  if (self->request_again && portal_exists (self))
    {
      self->request_again = FALSE;
      start_request (self, NULL);
    }
}

static void
on_start_at_login_changed_cb (AfBackground *self,
                              const char   *key,
                              GSettings    *settings)
{
  apply_autostart (self);
}

static void
af_background_constructed (GObject *object)
{
  AfBackground *self = (AfBackground *)object;

  G_OBJECT_CLASS (af_background_parent_class)->constructed (object);

  g_signal_connect_object (self->settings, "changed::start-at-login",
                           G_CALLBACK (on_start_at_login_changed_cb), self,
                           G_CONNECT_SWAPPED);

  /* libportal connects to the session bus on its own, and crashes if
   * there is none: without the application's connection, no portal. */
  if (self->connection == NULL)
    {
      self->portal_state = AF_BACKGROUND_PORTAL_ABSENT;
      return;
    }

  g_dbus_connection_call (self->connection, PORTAL_NAME, PORTAL_PATH,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", BACKGROUND_IFACE, "version"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                          PROBE_TIMEOUT_MS, self->cancellable,
                          on_probe_cb, g_object_ref (self));
}

static void
af_background_dispose (GObject *object)
{
  AfBackground *self = (AfBackground *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->portal);
  g_clear_object (&self->settings);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (af_background_parent_class)->dispose (object);
}

static void
af_background_finalize (GObject *object)
{
  AfBackground *self = (AfBackground *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (af_background_parent_class)->finalize (object);
}

static void
af_background_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AfBackground *self = AF_BACKGROUND (object);

  switch (prop_id)
    {
    case PROP_PORTAL_STATE:
      g_value_set_enum (value, self->portal_state);
      break;

    case PROP_SETTINGS:
    case PROP_CONNECTION:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_background_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AfBackground *self = AF_BACKGROUND (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;

    case PROP_PORTAL_STATE:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_background_class_init (AfBackgroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = af_background_constructed;
  object_class->dispose = af_background_dispose;
  object_class->finalize = af_background_finalize;
  object_class->get_property = af_background_get_property;
  object_class->set_property = af_background_set_property;

  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL,
                           G_TYPE_SETTINGS,
                           (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CONNECTION] =
      g_param_spec_object ("connection", NULL, NULL,
                           G_TYPE_DBUS_CONNECTION,
                           (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * AfBackground:portal-state:
   *
   * Whether the Background portal exists and what it answered.
   */
  properties[PROP_PORTAL_STATE] =
      g_param_spec_enum ("portal-state", NULL, NULL,
                         AF_TYPE_BACKGROUND_PORTAL_STATE,
                         AF_BACKGROUND_PORTAL_UNKNOWN,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_background_init (AfBackground *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * af_background_new:
 * @settings: the application settings; `start-at-login` is applied when it
 *   changes
 * @connection: (nullable): the session bus, %NULL if there is none
 *
 * Starts probing for the Background portal at once.
 *
 * Returns: (transfer full): a new #AfBackground
 */
AfBackground *
af_background_new (GSettings       *settings,
                   GDBusConnection *connection)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (connection == NULL || G_IS_DBUS_CONNECTION (connection), NULL);

  return g_object_new (AF_TYPE_BACKGROUND,
                       "settings", settings,
                       "connection", connection,
                       NULL);
}

AfBackgroundPortalState
af_background_get_portal_state (AfBackground *self)
{
  g_return_val_if_fail (AF_IS_BACKGROUND (self), AF_BACKGROUND_PORTAL_UNKNOWN);

  return self->portal_state;
}

/**
 * af_background_request:
 * @parent: (nullable): the window the portal dialog belongs to
 *
 * Asks the Background portal, if there is one, to let AgentFlow run
 * without a window. The answer shows in #AfBackground:portal-state. Without
 * a portal nothing needs asking.
 */
void
af_background_request (AfBackground *self,
                       GtkWindow    *parent)
{
  g_return_if_fail (AF_IS_BACKGROUND (self));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  if (self->portal_state == AF_BACKGROUND_PORTAL_UNKNOWN)
    self->request_again = TRUE;
  else if (portal_exists (self))
    start_request (self, parent);
}

/**
 * af_background_dup_autostart_path:
 *
 * Returns: (transfer full): where the autostart file is written without
 *   the portal
 */
char *
af_background_dup_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart",
                           APPLICATION_ID ".desktop", NULL);
}
