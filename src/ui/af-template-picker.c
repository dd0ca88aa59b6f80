/* af-template-picker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-template-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "af-agent-editor.h"
#include "af-integrations-page.h"
#include "af-template-picker.h"

struct _AfTemplatePicker
{
  AdwWindow parent_instance;

  GStrv       connected;
  GListStore *templates; /* AfTemplate, "custom" last */

  /* Template widgets */
  GtkListBox *list_box;
};

G_DEFINE_FINAL_TYPE (AfTemplatePicker, af_template_picker, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_EDITOR_OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static AfTemplate *
find_template (AfTemplatePicker *self,
               const char       *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->templates)); i++)
    {
      g_autoptr (AfTemplate) template = g_list_model_get_item (G_LIST_MODEL (self->templates), i);

      if (g_strcmp0 (af_template_get_id (template), id) == 0)
        return template;
    }
  return NULL;
}

static char *
describe_services (AfTemplatePicker *self,
                   AfTemplate *template)
{
  g_autoptr (GString) str = g_string_new (NULL);
  const char *const *services = af_template_get_services (template);

  for (guint s = 0; services != NULL && services[s] != NULL; s++)
    {
      const char *service = services[s];
      gboolean    connected = self->connected && g_strv_contains ((const char *const *)self->connected, service);

      if (str->len > 0)
        g_string_append (str, ", ");
      g_string_append_printf (str,
                              connected
                                  /* Translators: a service the template needs, e.g. "Gmail (connected)" */
                                  ? _ ("%s (connected)")
                                  : _ ("%s (not connected)"),
                              af_integrations_page_get_service_title (service));
    }

  if (str->len == 0)
    return g_strdup (_ ("Uses the services you pick"));
  /* Translators: %s is a list of services */
  return g_strdup_printf (_ ("Uses %s"), str->str);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  AfTemplatePicker *self = user_data;
  AfTemplate *template = item;
  const char      *id = af_template_get_id (template);
  gboolean         custom = g_str_equal (id, "custom");
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *icon = gtk_image_new_from_icon_name (af_template_get_icon_name (template));
  g_autofree char *needs = describe_services (self, template);
  g_autofree char *subtitle = NULL;

  gtk_widget_set_name (row, id);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 custom ? _ ("Custom Agent") : af_template_get_name (template));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  gtk_image_set_icon_size (GTK_IMAGE (icon), GTK_ICON_SIZE_LARGE);
  gtk_widget_add_css_class (icon, "af-template-icon");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));

  subtitle = g_markup_printf_escaped ("%s\n<small>%s</small>", af_template_get_description (template), needs);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "af-template-row");

  return row;
}

static void
on_row_activated_cb (AfTemplatePicker *self,
                     GtkListBoxRow    *row)
{
  af_template_picker_choose (self, gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
af_template_picker_finalize (GObject *object)
{
  AfTemplatePicker *self = (AfTemplatePicker *)object;

  g_clear_pointer (&self->connected, g_strfreev);
  g_clear_object (&self->templates);

  G_OBJECT_CLASS (af_template_picker_parent_class)->finalize (object);
}

static void
af_template_picker_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), AF_TYPE_TEMPLATE_PICKER);

  G_OBJECT_CLASS (af_template_picker_parent_class)->dispose (object);
}

static void
af_template_picker_class_init (AfTemplatePickerClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = af_template_picker_dispose;
  object_class->finalize = af_template_picker_finalize;

  /**
   * AfTemplatePicker::editor-opened:
   * @editor: the #AfAgentEditor for the chosen template
   *
   * Emitted when the user chose a template, before the picker closes.
   */
  signals[SIGNAL_EDITOR_OPENED] = g_signal_new ("editor-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, AF_TYPE_AGENT_EDITOR);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agentflow/App/ui/af-template-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, AfTemplatePicker, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
}

static void
af_template_picker_init (AfTemplatePicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->templates = g_list_store_new (AF_TYPE_TEMPLATE);
}

/**
 * af_template_picker_new:
 * @templates: (element-type AfTemplate): the engine's templates
 * @connected_services: (nullable): the services with an account, to say
 *   which templates can run straight away
 */
AfTemplatePicker *
af_template_picker_new (GtkWindow         *parent,
                        GListModel        *templates,
                        const char *const *connected_services)
{
  AfTemplatePicker *self;
  g_autoptr (AfTemplate) custom = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (templates), NULL);

  self = g_object_new (AF_TYPE_TEMPLATE_PICKER, "transient-for", parent, NULL);
  self->connected = g_strdupv ((char **)connected_services);
  /* Ready-made agents first; the blank one closes the list. */
  for (guint i = 0; i < g_list_model_get_n_items (templates); i++)
    {
      g_autoptr (AfTemplate) template = g_list_model_get_item (templates, i);

      if (g_str_equal (af_template_get_id (template), "custom"))
        g_set_object (&custom, template);
      else
        g_list_store_append (self->templates, template);
    }
  if (custom != NULL)
    g_list_store_append (self->templates, custom);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->templates), create_row_cb, self, NULL);

  return self;
}

/**
 * af_template_picker_choose:
 * @template_id: the id of one of the picker's templates, e.g.
 *   "email-assistant" or "custom"
 *
 * Opens the agent editor filled in from @template_id and closes the picker.
 */
void
af_template_picker_choose (AfTemplatePicker *self,
                           const char       *template_id)
{
  GtkWindow     *parent;
  AfAgentEditor *editor;
  AfTemplate *template;

  g_return_if_fail (AF_IS_TEMPLATE_PICKER (self));

  template = find_template (self, template_id);
  g_return_if_fail (template != NULL);

  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  editor = af_agent_editor_new (parent, template, (const char *const *)self->connected);
  g_signal_emit (self, signals[SIGNAL_EDITOR_OPENED], 0, editor);
  gtk_window_present (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (self));
}
