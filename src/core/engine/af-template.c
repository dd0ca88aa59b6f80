/* af-template.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-template"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action-private.h"
#include "af-template.h"

#define TEMPLATES_PATH "/org/agentflow/App/engine/templates"

/* Templates are data (the JSON files under templates/ in the engine's GResource); this
 * type only reads them. */
struct _AfTemplate
{
  GObject parent_instance;

  JsonObject *object;
  char      **services;
  char      **permissions;
};

G_DEFINE_FINAL_TYPE (AfTemplate, af_template, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_ICON_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The shipped names and descriptions, so xgettext sees them. */
static const char *const translatable[] G_GNUC_UNUSED = {
  N_ ("Email Assistant"),
  N_ ("Sorts new mail into labels, archives newsletters, stars urgent mail and drafts replies to mail that asks for one."),
  N_ ("Calendar Manager"),
  N_ ("Each morning posts the day's agenda to Slack and warns about overlapping events."),
  N_ ("Slack Notifier"),
  N_ ("Posts scheduled messages and digests of your mail or calendar to a Slack channel or a direct message."),
  N_ ("Custom"),
  N_ ("Pick a trigger, the services and permissions, rules and optional AI instructions yourself."),
};

static char **
strv_member (JsonObject *o,
             const char *name)
{
  GStrvBuilder *b = g_strv_builder_new ();
  char        **strv;

  if (json_object_has_member (o, name))
    {
      JsonArray *a = json_object_get_array_member (o, name);

      for (guint i = 0; i < json_array_get_length (a); i++)
        g_strv_builder_add (b, json_array_get_string_element (a, i));
    }
  strv = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return strv;
}

static void
af_template_finalize (GObject *object)
{
  AfTemplate *self = (AfTemplate *)object;

  g_clear_pointer (&self->object, json_object_unref);
  g_clear_pointer (&self->services, g_strfreev);
  g_clear_pointer (&self->permissions, g_strfreev);

  G_OBJECT_CLASS (af_template_parent_class)->finalize (object);
}

static void
af_template_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AfTemplate *self = AF_TEMPLATE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, af_template_get_id (self));
      break;
    case PROP_NAME:
      g_value_set_string (value, af_template_get_name (self));
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, af_template_get_description (self));
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, af_template_get_icon_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_template_class_init (AfTemplateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = af_template_finalize;
  object_class->get_property = af_template_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  properties[PROP_ICON_NAME] = g_param_spec_string ("icon-name", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_template_init (AfTemplate *self)
{
}

static AfTemplate *
load_template (const char *path)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  AfTemplate *self;
  JsonNode   *root;

  bytes = g_resources_lookup_data (path, 0, &error);
  if (bytes == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      g_critical ("Broken template %s: %s", path, error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  self = g_object_new (AF_TYPE_TEMPLATE, NULL);
  self->object = json_object_ref (json_node_get_object (root));
  self->services = strv_member (self->object, "services");
  self->permissions = strv_member (self->object, "permissions");
  return self;
}

GListModel *
af_template_get_all (void)
{
  static GListStore *store;

  if (g_once_init_enter (&store))
    {
      static const char *const order[] = { "email-assistant", "calendar-manager", "slack-notifier", "custom" };
      GListStore              *s = g_list_store_new (AF_TYPE_TEMPLATE);

      /* Registered by hand: a constructor in a static library is dropped by
       * the linker when nothing references it. */
      af_engine_ensure_resource ();

      for (guint i = 0; i < G_N_ELEMENTS (order); i++)
        {
          g_autofree char *path = g_strdup_printf (TEMPLATES_PATH "/%s.json", order[i]);
          g_autoptr (AfTemplate) t = load_template (path);

          if (t != NULL)
            g_list_store_append (s, t);
        }
      g_once_init_leave (&store, s);
    }

  return G_LIST_MODEL (store);
}

/**
 * af_template_lookup:
 *
 * Returns: (transfer none) (nullable): the template with @id
 */
AfTemplate *
af_template_lookup (const char *id)
{
  GListModel *all = af_template_get_all ();

  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (AfTemplate) t = g_list_model_get_item (all, i);

      if (g_strcmp0 (af_template_get_id (t), id) == 0)
        return t;
    }
  return NULL;
}

const char *
af_template_get_id (AfTemplate *self)
{
  g_return_val_if_fail (AF_IS_TEMPLATE (self), NULL);
  return json_object_get_string_member_with_default (self->object, "id", "");
}

const char *
af_template_get_name (AfTemplate *self)
{
  g_return_val_if_fail (AF_IS_TEMPLATE (self), NULL);
  return _ (json_object_get_string_member_with_default (self->object, "name", ""));
}

const char *
af_template_get_description (AfTemplate *self)
{
  g_return_val_if_fail (AF_IS_TEMPLATE (self), NULL);
  return _ (json_object_get_string_member_with_default (self->object, "description", ""));
}

const char *
af_template_get_icon_name (AfTemplate *self)
{
  g_return_val_if_fail (AF_IS_TEMPLATE (self), NULL);
  return json_object_get_string_member_with_default (self->object, "icon", NULL);
}

const char *const *
af_template_get_services (AfTemplate *self)
{
  g_return_val_if_fail (AF_IS_TEMPLATE (self), NULL);
  return (const char *const *)self->services;
}

const char *const *
af_template_get_permissions (AfTemplate *self)
{
  g_return_val_if_fail (AF_IS_TEMPLATE (self), NULL);
  return (const char *const *)self->permissions;
}

JsonObject *
af_template_get_definition (AfTemplate *self)
{
  g_return_val_if_fail (AF_IS_TEMPLATE (self), NULL);
  return json_object_get_object_member (self->object, "definition");
}

double
af_template_get_minutes_saved (AfTemplate *self,
                               const char *action)
{
  JsonObject *minutes;

  g_return_val_if_fail (AF_IS_TEMPLATE (self), 0);

  if (!json_object_has_member (self->object, "minutes_saved"))
    return 0;
  minutes = json_object_get_object_member (self->object, "minutes_saved");
  if (!json_object_has_member (minutes, action))
    return 0;
  return json_object_get_double_member (minutes, action);
}

AfAgent *
af_template_create_agent (AfTemplate *self,
                          const char *name,
                          JsonArray  *connections)
{
  g_autoptr (JsonNode) copy = NULL;
  JsonObject *definition;
  AfAgent    *agent;

  g_return_val_if_fail (AF_IS_TEMPLATE (self), NULL);

  copy = af_json_deep_copy (json_object_get_member (self->object, "definition"));
  definition = json_node_get_object (copy);
  if (connections != NULL)
    json_object_set_array_member (definition, "connections", json_array_ref (connections));

  agent = af_agent_new (NULL, name ? name : af_template_get_name (self), af_template_get_id (self), definition);
  af_agent_set_description (agent, af_template_get_description (self));
  return agent;
}
