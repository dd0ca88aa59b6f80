/* af-activity-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-activity"

#include "config.h"

#include "af-source.h"
#include "af-activity-model.h"

/* Pages of PAGE_SIZE rows are fetched with keyset queries and a few are
 * cached. "Anchors" remember which row id sits at which position; a page
 * far from every anchor is reached by a keyset walk from the nearest one
 * (the top, the bottom or a page seen before), never with OFFSET. */
#define PAGE_SIZE      64
#define MAX_PAGES      32
#define MAX_ANCHORS    4096
#define FLUSH_DELAY_MS 100

typedef struct
{
  gint64 position; /* -1 = above the top, n_items = below the bottom */
  gint64 id;
} Anchor;

struct _AfActivityModel
{
  GObject parent_instance;

  AfActivityLog *log;
  char          *agent_id;
  char          *kind;
  guint          n_items;
  GHashTable    *pages; /* page index → GPtrArray of AfActivityEntry */
  GArray        *anchors;
  guint          pending;
  guint          flush_id;
};

static void af_activity_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfActivityModel, af_activity_model, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, af_activity_model_list_model_init))

enum
{
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
add_anchor (AfActivityModel *self,
            gint64           position,
            gint64           id)
{
  Anchor a = { position, id };

  if (self->anchors->len >= MAX_ANCHORS)
    g_array_set_size (self->anchors, 0);
  g_array_append_val (self->anchors, a);
}

/* The id of the row at @position, by a keyset walk from the nearest anchor. */
static gint64
locate (AfActivityModel *self,
        gint64           position)
{
  Anchor best = { -1, G_MAXINT64 };
  gint64 best_dist = position + 1;
  Anchor bottom = { self->n_items, 0 };
  guint  walked = 0;
  gint64 id;

  if (position < 0)
    return G_MAXINT64;

  if (bottom.position - position < best_dist)
    {
      best = bottom;
      best_dist = bottom.position - position;
    }

  for (guint i = 0; i < self->anchors->len; i++)
    {
      Anchor *a = &g_array_index (self->anchors, Anchor, i);
      gint64  dist = ABS (a->position - position);

      if (dist < best_dist)
        {
          best = *a;
          best_dist = dist;
        }
    }

  if (best_dist == 0)
    return best.id;

  id = af_activity_log_walk (self->log, self->agent_id, self->kind, best.id,
                             best.position < position, (guint)best_dist, &walked);
  if (walked == best_dist)
    add_anchor (self, position, id);

  return id;
}

static GPtrArray *
get_page (AfActivityModel *self,
          guint            page)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *rows;
  gint64     bound;

  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows != NULL)
    return rows;

  bound = locate (self, (gint64)page * PAGE_SIZE - 1);
  rows = af_activity_log_query (self->log, self->agent_id, self->kind, bound, TRUE, PAGE_SIZE, &error);
  if (rows == NULL)
    {
      g_warning ("Could not read the activity: %s", error->message);
      return NULL;
    }

  if (rows->len > 0)
    add_anchor (self, (gint64)page * PAGE_SIZE + rows->len - 1,
                af_activity_entry_get_id (g_ptr_array_index (rows, rows->len - 1)));

  if (g_hash_table_size (self->pages) >= MAX_PAGES)
    g_hash_table_remove_all (self->pages);
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);

  return rows;
}

static gboolean
matches (AfActivityModel *self,
         AfActivityEntry *entry)
{
  if (self->agent_id != NULL && g_strcmp0 (self->agent_id, af_activity_entry_get_agent_id (entry)) != 0)
    return FALSE;
  if (!af_activity_kind_matches (self->kind, af_activity_entry_get_kind (entry)))
    return FALSE;
  return TRUE;
}

static void
reload (AfActivityModel *self)
{
  guint old = self->n_items;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  self->pending = 0;
  g_hash_table_remove_all (self->pages);
  g_array_set_size (self->anchors, 0);
  self->n_items = af_activity_log_count (self->log, self->agent_id, self->kind);

  if (old != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
  if (old != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean
on_flush_timeout_cb (gpointer user_data)
{
  AfActivityModel *self = user_data;

  self->flush_id = 0;
  af_activity_model_flush (self);

  return G_SOURCE_REMOVE;
}

static void
on_log_appended_cb (AfActivityLog   *log,
                    AfActivityEntry *entry,
                    AfActivityModel *self)
{
  if (!matches (self, entry))
    return;

  /* Coalesce bursts (a run logs several steps at once) into one signal. */
  self->pending++;
  if (self->flush_id == 0)
    self->flush_id = af_timeout_add_named (FLUSH_DELAY_MS, "[agentflow] activity model flush", on_flush_timeout_cb, self);
}

static void
on_log_pruned_cb (AfActivityLog   *log,
                  AfActivityModel *self)
{
  reload (self);
}

static GType
af_activity_model_get_item_type (GListModel *model)
{
  return AF_TYPE_ACTIVITY_ENTRY;
}

static guint
af_activity_model_get_n_items (GListModel *model)
{
  return AF_ACTIVITY_MODEL (model)->n_items;
}

static gpointer
af_activity_model_get_item (GListModel *model,
                            guint       position)
{
  AfActivityModel *self = AF_ACTIVITY_MODEL (model);
  GPtrArray       *rows;
  guint            index = position % PAGE_SIZE;

  if (position >= self->n_items)
    return NULL;

  rows = get_page (self, position / PAGE_SIZE);
  if (rows == NULL || index >= rows->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (rows, index));
}

static void
af_activity_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = af_activity_model_get_item_type;
  iface->get_n_items = af_activity_model_get_n_items;
  iface->get_item = af_activity_model_get_item;
}

static void
af_activity_model_dispose (GObject *object)
{
  AfActivityModel *self = (AfActivityModel *)object;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_clear_object (&self->log);
  g_clear_pointer (&self->pages, g_hash_table_unref);

  G_OBJECT_CLASS (af_activity_model_parent_class)->dispose (object);
}

static void
af_activity_model_finalize (GObject *object)
{
  AfActivityModel *self = (AfActivityModel *)object;

  g_clear_pointer (&self->agent_id, g_free);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->anchors, g_array_unref);

  G_OBJECT_CLASS (af_activity_model_parent_class)->finalize (object);
}

static void
af_activity_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AfActivityModel *self = AF_ACTIVITY_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_activity_model_class_init (AfActivityModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_activity_model_dispose;
  object_class->finalize = af_activity_model_finalize;
  object_class->get_property = af_activity_model_get_property;

  properties[PROP_N_ITEMS] =
      g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_activity_model_init (AfActivityModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
  self->anchors = g_array_new (FALSE, FALSE, sizeof (Anchor));
}

AfActivityModel *
af_activity_model_new (AfActivityLog *log,
                       const char    *agent_id,
                       const char    *kind)
{
  AfActivityModel *self;

  g_return_val_if_fail (AF_IS_ACTIVITY_LOG (log), NULL);

  self = g_object_new (AF_TYPE_ACTIVITY_MODEL, NULL);
  self->log = g_object_ref (log);
  self->agent_id = g_strdup (agent_id);
  self->kind = g_strdup (kind);
  self->n_items = af_activity_log_count (log, agent_id, kind);

  g_signal_connect (log, "appended", G_CALLBACK (on_log_appended_cb), self);
  g_signal_connect (log, "pruned", G_CALLBACK (on_log_pruned_cb), self);

  return self;
}

const char *
af_activity_model_get_agent_id (AfActivityModel *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_MODEL (self), NULL);
  return self->agent_id;
}

const char *
af_activity_model_get_kind (AfActivityModel *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_MODEL (self), NULL);
  return self->kind;
}

void
af_activity_model_flush (AfActivityModel *self)
{
  guint added;

  g_return_if_fail (AF_IS_ACTIVITY_MODEL (self));

  g_clear_handle_id (&self->flush_id, g_source_remove);
  added = self->pending;
  self->pending = 0;
  if (added == 0)
    return;

  /* New rows go on top: every known position moves down by @added. */
  for (guint i = 0; i < self->anchors->len; i++)
    g_array_index (self->anchors, Anchor, i).position += added;
  g_hash_table_remove_all (self->pages);
  self->n_items += added;

  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}
