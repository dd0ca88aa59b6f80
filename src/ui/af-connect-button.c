/* af-connect-button.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-connect-button"

#include "config.h"

#include <glib/gi18n.h>

#include "af-a11y.h"
#include "af-connect-button.h"

/* What a service row offers for its connection: Connect, a spinner with
 * Cancel while the browser sign-in runs, Reconnect, and (on the
 * Integrations page) Disconnect. The flow itself belongs to whoever
 * listens to the signals; it reports back with af_connect_button_set_state(). */

struct _AfConnectButton
{
  GtkWidget parent_instance;

  char              *service;
  AfIntegrationState state;
  GtkWidget         *stack;
  GtkWidget         *spinner;
};

G_DEFINE_FINAL_TYPE (AfConnectButton, af_connect_button, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_CONNECT,
  SIGNAL_CANCEL,
  SIGNAL_DISCONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
state_page_name (AfIntegrationState state)
{
  switch (state)
    {
    case AF_INTEGRATION_WAITING:
      return "waiting";
    case AF_INTEGRATION_CONNECTED:
      return "connected";
    case AF_INTEGRATION_NEEDS_RECONNECT:
      return "reconnect";
    case AF_INTEGRATION_DISCONNECTED:
    default:
      return "disconnected";
    }
}

static void
on_connect_clicked_cb (AfConnectButton *self)
{
  af_connect_button_set_state (self, AF_INTEGRATION_WAITING);
  g_signal_emit (self, signals[SIGNAL_CONNECT], 0);
}

static void
on_cancel_clicked_cb (AfConnectButton *self)
{
  af_connect_button_set_state (self, AF_INTEGRATION_DISCONNECTED);
  g_signal_emit (self, signals[SIGNAL_CANCEL], 0);
}

static void
on_disconnect_clicked_cb (AfConnectButton *self)
{
  g_signal_emit (self, signals[SIGNAL_DISCONNECT], 0);
}

static GtkWidget *
make_button (AfConnectButton *self,
             const char      *label,
             const char      *style,
             GCallback        callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (style != NULL)
    gtk_widget_add_css_class (button, style);
  g_signal_connect_swapped (button, "clicked", callback, self);
  return button;
}

static void
af_connect_button_dispose (GObject *object)
{
  AfConnectButton *self = (AfConnectButton *)object;

  g_clear_pointer (&self->stack, gtk_widget_unparent);

  G_OBJECT_CLASS (af_connect_button_parent_class)->dispose (object);
}

static void
af_connect_button_finalize (GObject *object)
{
  AfConnectButton *self = (AfConnectButton *)object;

  g_clear_pointer (&self->service, g_free);

  G_OBJECT_CLASS (af_connect_button_parent_class)->finalize (object);
}

static void
af_connect_button_class_init (AfConnectButtonClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = af_connect_button_dispose;
  object_class->finalize = af_connect_button_finalize;

  /**
   * AfConnectButton::connect:
   *
   * The user asked to connect (or reconnect) the service; the button
   * waits until af_connect_button_set_state() says how that went.
   */
  signals[SIGNAL_CONNECT] = g_signal_new ("connect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * AfConnectButton::cancel:
   *
   * The user gave up waiting for the browser sign-in.
   */
  signals[SIGNAL_CANCEL] = g_signal_new ("cancel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * AfConnectButton::disconnect:
   *
   * The user pressed Disconnect (not confirmed yet).
   */
  signals[SIGNAL_DISCONNECT] = g_signal_new ("disconnect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
af_connect_button_init (AfConnectButton *self)
{
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

/**
 * af_connect_button_new:
 * @service: "gmail", "calendar", "slack" or "oidc"
 * @can_disconnect: whether a connected service offers Disconnect
 */
GtkWidget *
af_connect_button_new (const char *service,
                       gboolean    can_disconnect)
{
  AfConnectButton *self;
  GtkWidget       *waiting;

  g_return_val_if_fail (service != NULL, NULL);

  self = g_object_new (AF_TYPE_CONNECT_BUTTON, NULL);
  self->service = g_strdup (service);

  self->stack = gtk_stack_new ();
  gtk_stack_set_hhomogeneous (GTK_STACK (self->stack), FALSE);
  gtk_widget_set_valign (self->stack, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  gtk_stack_add_named (GTK_STACK (self->stack),
                       make_button (self, _ ("_Connect"), NULL, G_CALLBACK (on_connect_clicked_cb)),
                       "disconnected");

  waiting = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (waiting, GTK_ALIGN_CENTER);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_tooltip_text (self->spinner, _ ("Waiting for you to sign in with your browser"));
  gtk_box_append (GTK_BOX (waiting), self->spinner);
  gtk_box_append (GTK_BOX (waiting), make_button (self, _ ("_Cancel"), NULL, G_CALLBACK (on_cancel_clicked_cb)));
  gtk_stack_add_named (GTK_STACK (self->stack), waiting, "waiting");

  gtk_stack_add_named (GTK_STACK (self->stack),
                       can_disconnect
                           ? make_button (self, _ ("_Disconnect"), NULL, G_CALLBACK (on_disconnect_clicked_cb))
                           : gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0),
                       "connected");
  gtk_stack_add_named (GTK_STACK (self->stack),
                       make_button (self, _ ("_Reconnect"), "suggested-action", G_CALLBACK (on_connect_clicked_cb)),
                       "reconnect");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "disconnected");

  return GTK_WIDGET (self);
}

const char *
af_connect_button_get_service (AfConnectButton *self)
{
  g_return_val_if_fail (AF_IS_CONNECT_BUTTON (self), NULL);

  return self->service;
}

AfIntegrationState
af_connect_button_get_state (AfConnectButton *self)
{
  g_return_val_if_fail (AF_IS_CONNECT_BUTTON (self), AF_INTEGRATION_DISCONNECTED);

  return self->state;
}

void
af_connect_button_set_state (AfConnectButton   *self,
                             AfIntegrationState state)
{
  g_return_if_fail (AF_IS_CONNECT_BUTTON (self));

  self->state = state;
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), state_page_name (state));
  /* A spinning spinner animates even on a hidden stack page, and would
   * repaint the window 60 times a second: spin only while waiting. */
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), state == AF_INTEGRATION_WAITING);
}

static void
name_button (GtkWidget  *button,
             const char *label)
{
  if (!GTK_IS_BUTTON (button))
    return;
  af_a11y_set_label (button, label);
  gtk_widget_set_tooltip_text (button, label);
}

/**
 * af_connect_button_set_service_title:
 * @title: the service's name as shown ("Slack")
 *
 * Names each button for a screen reader with the service it is for:
 * "Disconnect Slack", not one of four "Disconnect" buttons.
 */
void
af_connect_button_set_service_title (AfConnectButton *self,
                                     const char      *title)
{
  g_autofree char *connect = NULL;
  g_autofree char *cancel = NULL;
  g_autofree char *disconnect = NULL;
  g_autofree char *reconnect = NULL;
  GtkStack        *stack;

  g_return_if_fail (AF_IS_CONNECT_BUTTON (self));
  g_return_if_fail (title != NULL);

  stack = GTK_STACK (self->stack);
  /* Translators: %s is a service ("Slack") */
  connect = g_strdup_printf (_ ("Connect %s"), title);
  /* Translators: %s is a service ("Slack") */
  cancel = g_strdup_printf (_ ("Cancel connecting %s"), title);
  /* Translators: %s is a service ("Slack") */
  disconnect = g_strdup_printf (_ ("Disconnect %s"), title);
  /* Translators: %s is a service ("Slack") */
  reconnect = g_strdup_printf (_ ("Reconnect %s"), title);
  name_button (gtk_stack_get_child_by_name (stack, "disconnected"), connect);
  name_button (gtk_widget_get_last_child (gtk_stack_get_child_by_name (stack, "waiting")), cancel);
  name_button (gtk_stack_get_child_by_name (stack, "connected"), disconnect);
  name_button (gtk_stack_get_child_by_name (stack, "reconnect"), reconnect);
}
