/* af-list-head.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-list-head"

#include "config.h"

#include "af-list-head.h"

/* The first "limit" items of a model, and precise changes for them.
 *
 * GtkListView (GTK 4.8) builds and binds about 200 rows whatever the
 * height of the window: a list that shows a screenful of a long log pays
 * for ten. Shown through this model, the list builds only what the limit
 * lets through, and the owner raises the limit as the reader scrolls.
 *
 * Unlike GtkSliceListModel, which turns one row added above into "every
 * row of the slice replaced", a change inside the head is passed on as it
 * is (then the rows it pushed past the limit, or pulled in, follow): the
 * list view keeps its rows, its focus and the reader's place. */
struct _AfListHead
{
  GObject parent_instance;

  GListModel *model;
  guint       limit;
  guint       n_items; /* what the last items-changed announced */
};

static void af_list_head_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfListHead, af_list_head, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, af_list_head_list_model_init))

enum
{
  PROP_0,
  PROP_MODEL,
  PROP_LIMIT,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint
wanted_n_items (AfListHead *self)
{
  return self->model != NULL ? MIN (self->limit, g_list_model_get_n_items (self->model)) : 0;
}

/* Announces a change; the items are the model's own, so between two
 * announcements the head reads as the model's first n_items. */
static void
announce (AfListHead *self,
          guint       position,
          guint       removed,
          guint       added)
{
  if (removed == 0 && added == 0)
    return;
  self->n_items = self->n_items - removed + added;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* After a change, the rows past the limit go, or rows come up to it. */
static void
settle (AfListHead *self,
        guint       old_n_items)
{
  guint wanted = wanted_n_items (self);

  if (self->n_items > wanted)
    announce (self, wanted, self->n_items - wanted, 0);
  else if (self->n_items < wanted)
    announce (self, self->n_items, 0, wanted - self->n_items);

  if (self->n_items != old_n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     AfListHead *self)
{
  guint old = self->n_items;

  if (position >= old)
    {
      /* Below the head: only a head shorter than its limit changes. */
      settle (self, old);
      return;
    }

  if (removed <= old - position && added <= self->limit - position)
    /* Inside: the model's first items are what the head then shows, its
     * old rows after the change shifted but still in place. */
    announce (self, position, removed, added);
  else
    /* Across the limit: everything from the change on. */
    announce (self, position, old - position, wanted_n_items (self) - position);

  settle (self, old);
}

static GType
af_list_head_get_item_type (GListModel *model)
{
  AfListHead *self = AF_LIST_HEAD (model);

  return self->model != NULL ? g_list_model_get_item_type (self->model) : G_TYPE_OBJECT;
}

static guint
af_list_head_get_n_items (GListModel *model)
{
  return AF_LIST_HEAD (model)->n_items;
}

static gpointer
af_list_head_get_item (GListModel *model,
                       guint       position)
{
  AfListHead *self = AF_LIST_HEAD (model);

  if (self->model == NULL || position >= self->n_items)
    return NULL;
  return g_list_model_get_item (self->model, position);
}

static void
af_list_head_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = af_list_head_get_item_type;
  iface->get_n_items = af_list_head_get_n_items;
  iface->get_item = af_list_head_get_item;
}

static void
af_list_head_dispose (GObject *object)
{
  AfListHead *self = (AfListHead *)object;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed_cb, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (af_list_head_parent_class)->dispose (object);
}

static void
af_list_head_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AfListHead *self = AF_LIST_HEAD (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_LIMIT:
      g_value_set_uint (value, self->limit);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_list_head_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  AfListHead *self = AF_LIST_HEAD (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      af_list_head_set_model (self, g_value_get_object (value));
      break;
    case PROP_LIMIT:
      af_list_head_set_limit (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_list_head_class_init (AfListHeadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_list_head_dispose;
  object_class->get_property = af_list_head_get_property;
  object_class->set_property = af_list_head_set_property;

  properties[PROP_MODEL] =
      g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LIMIT] =
      g_param_spec_uint ("limit", NULL, NULL, 0, G_MAXUINT, G_MAXUINT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
      g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_list_head_init (AfListHead *self)
{
  self->limit = G_MAXUINT;
}

/**
 * af_list_head_new:
 * @model: (nullable) (transfer none): the model whose first items are shown
 * @limit: how many at most (%G_MAXUINT: all)
 */
AfListHead *
af_list_head_new (GListModel *model,
                  guint       limit)
{
  g_return_val_if_fail (model == NULL || G_IS_LIST_MODEL (model), NULL);

  return g_object_new (AF_TYPE_LIST_HEAD, "limit", limit, "model", model, NULL);
}

GListModel *
af_list_head_get_model (AfListHead *self)
{
  g_return_val_if_fail (AF_IS_LIST_HEAD (self), NULL);
  return self->model;
}

void
af_list_head_set_model (AfListHead *self,
                        GListModel *model)
{
  guint old;

  g_return_if_fail (AF_IS_LIST_HEAD (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed_cb, self);
  g_set_object (&self->model, model);
  if (self->model != NULL)
    g_signal_connect (self->model, "items-changed", G_CALLBACK (on_items_changed_cb), self);

  old = self->n_items;
  self->n_items = wanted_n_items (self);
  if (old != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  if (old != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

guint
af_list_head_get_limit (AfListHead *self)
{
  g_return_val_if_fail (AF_IS_LIST_HEAD (self), 0);
  return self->limit;
}

/**
 * af_list_head_set_limit:
 *
 * Shows at most @limit items: raising it adds the next items at the end,
 * lowering it takes the last ones away.
 */
void
af_list_head_set_limit (AfListHead *self,
                        guint       limit)
{
  g_return_if_fail (AF_IS_LIST_HEAD (self));

  if (self->limit == limit)
    return;
  self->limit = limit;
  settle (self, self->n_items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT]);
}

/**
 * af_list_head_is_complete:
 *
 * Returns: whether every item of the model is shown
 */
gboolean
af_list_head_is_complete (AfListHead *self)
{
  g_return_val_if_fail (AF_IS_LIST_HEAD (self), TRUE);
  return self->model == NULL || self->n_items == g_list_model_get_n_items (self->model);
}
