/* test-list-head.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The feed's list view sees the activity through AfListHead: whatever
 * happens to the log, what its items-changed signals say adds up to the
 * first rows of the log, and a row added above changes one row, not all.
 */

#include "config.h"

#include <gio/gio.h>

#include "af-list-head.h"

/* What a list view knows: the head as its signals described it. */
typedef struct
{
  GListModel *head;
  GPtrArray  *seen;
  GArray     *changes; /* guint triples: position, removed, added */
} Watcher;

static void
on_items_changed_cb (GListModel *head,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Watcher    *w)
{
  guint change[3] = { position, removed, added };

  g_assert_cmpuint (position + removed, <=, w->seen->len);
  g_ptr_array_remove_range (w->seen, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (head, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (w->seen, position + i, item);
    }
  g_assert_cmpuint (w->seen->len, ==, g_list_model_get_n_items (head));
  g_array_append_vals (w->changes, change, 3);
}

static void
watch (Watcher    *w,
       AfListHead *head)
{
  w->head = G_LIST_MODEL (head);
  w->seen = g_ptr_array_new ();
  w->changes = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < g_list_model_get_n_items (w->head); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (w->head, i);

      g_ptr_array_add (w->seen, item);
    }
  g_signal_connect (head, "items-changed", G_CALLBACK (on_items_changed_cb), w);
}

static void
unwatch (Watcher *w)
{
  g_signal_handlers_disconnect_by_data (w->head, w);
  g_ptr_array_unref (w->seen);
  g_array_unref (w->changes);
}

/* The list view's rows are the model's first items, in order. */
static void
assert_head_of (Watcher    *w,
                GListModel *model,
                guint       limit)
{
  guint n = model ? MIN (limit, g_list_model_get_n_items (model)) : 0;

  g_assert_cmpuint (w->seen->len, ==, n);
  g_assert_cmpuint (g_list_model_get_n_items (w->head), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);

      g_assert_true (g_ptr_array_index (w->seen, i) == item);
    }
}

static void
add_objects (GListStore *store,
             guint       position,
             guint       n)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_object_new (G_TYPE_OBJECT, NULL));
  g_list_store_splice (store, position, 0, items->pdata, n);
}

/* New rows on top of a full head: they come in where they are, and the
 * rows they push past the limit leave at the end; nothing else moves. */
static void
test_precise_changes (void)
{
  g_autoptr (GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr (AfListHead) head = NULL;
  Watcher w;

  add_objects (store, 0, 1000);
  head = af_list_head_new (G_LIST_MODEL (store), 40);
  watch (&w, head);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (head)), ==, 40);

  add_objects (store, 0, 3);
  assert_head_of (&w, G_LIST_MODEL (store), 40);
  g_assert_cmpuint (w.changes->len, ==, 6);
  g_assert_cmpuint (g_array_index (w.changes, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (w.changes, guint, 1), ==, 0);
  g_assert_cmpuint (g_array_index (w.changes, guint, 2), ==, 3);
  g_assert_cmpuint (g_array_index (w.changes, guint, 3), ==, 40);
  g_assert_cmpuint (g_array_index (w.changes, guint, 4), ==, 3);
  g_assert_cmpuint (g_array_index (w.changes, guint, 5), ==, 0);

  /* Below the head: nothing to say. */
  g_array_set_size (w.changes, 0);
  add_objects (store, 500, 10);
  g_list_store_remove (store, 900);
  g_assert_cmpuint (w.changes->len, ==, 0);

  /* More rows let through: at the end only; then all of them. */
  af_list_head_set_limit (head, 90);
  assert_head_of (&w, G_LIST_MODEL (store), 90);
  g_assert_cmpuint (g_array_index (w.changes, guint, 0), ==, 40);
  g_assert_cmpuint (g_array_index (w.changes, guint, 1), ==, 0);
  g_assert_cmpuint (g_array_index (w.changes, guint, 2), ==, 50);
  g_assert_false (af_list_head_is_complete (head));
  af_list_head_set_limit (head, G_MAXUINT);
  assert_head_of (&w, G_LIST_MODEL (store), G_MAXUINT);
  g_assert_true (af_list_head_is_complete (head));

  unwatch (&w);
}

/* Whatever happens to the model and the limit, the signals add up to
 * the model's first items. */
static void
test_random_changes (void)
{
  g_autoptr (GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr (GListStore) other = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr (AfListHead) head = af_list_head_new (NULL, 20);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261206);
  GListStore *current = store;
  Watcher     w;

  watch (&w, head);
  assert_head_of (&w, NULL, 20);
  add_objects (other, 0, 7);
  af_list_head_set_model (head, G_LIST_MODEL (store));

  for (guint step = 0; step < 5000; step++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (current));
      guint limit = af_list_head_get_limit (head);

      switch (g_rand_int_range (rand, 0, 10))
        {
        case 0:
        case 1:
        case 2: /* rows arrive, mostly on top */
          add_objects (current, g_rand_boolean (rand) ? 0 : g_rand_int_range (rand, 0, n + 1),
                       g_rand_int_range (rand, 1, 30));
          break;
        case 3:
        case 4: /* rows go (pruning, a filter) */
          if (n > 0)
            {
              guint position = g_rand_int_range (rand, 0, n);

              g_list_store_splice (current, position, g_rand_int_range (rand, 1, MIN (n - position, 40) + 1), NULL, 0);
            }
          break;
        case 5: /* rows replaced */
          if (n > 0)
            {
              guint position = g_rand_int_range (rand, 0, n);
              guint removed = g_rand_int_range (rand, 1, MIN (n - position, 40) + 1);
              g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
              guint added = g_rand_int_range (rand, 0, 40);

              for (guint i = 0; i < added; i++)
                g_ptr_array_add (items, g_object_new (G_TYPE_OBJECT, NULL));
              g_list_store_splice (current, position, removed, items->pdata, added);
            }
          break;
        case 6:
        case 7: /* the reader scrolls on, or the list starts again */
          af_list_head_set_limit (head, g_rand_boolean (rand) ? limit + g_rand_int_range (rand, 1, 50)
                                                              : (guint)g_rand_int_range (rand, 0, 60));
          break;
        case 8:
          af_list_head_set_limit (head, g_rand_int_range (rand, 0, 8) == 0 ? G_MAXUINT : limit);
          break;
        default: /* another list (a filter chosen) */
          if (g_rand_int_range (rand, 0, 20) == 0)
            {
              current = current == store ? other : store;
              af_list_head_set_model (head, G_LIST_MODEL (current));
            }
          break;
        }
      assert_head_of (&w, G_LIST_MODEL (current), af_list_head_get_limit (head));
      if (g_list_model_get_n_items (G_LIST_MODEL (current)) > 2000)
        g_list_store_splice (current, 1000, g_list_model_get_n_items (G_LIST_MODEL (current)) - 1000, NULL, 0);
    }

  af_list_head_set_model (head, NULL);
  assert_head_of (&w, NULL, 0);
  unwatch (&w);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/list-head/precise-changes", test_precise_changes);
  g_test_add_func ("/list-head/random-changes", test_random_changes);

  return g_test_run ();
}
