/* lk-key-list.c: the client's keys, as a list model over one array
 *
 * A tenant may hold 100,000 keys.  A GListStore keeps each item in a
 * node of a balanced tree (GSequence: about 48 bytes a key, and a tree
 * walk per position); this keeps them in one array of pointers (8 bytes
 * a key).  The client adds keys at the end in batches, replaces them all
 * with a new list, and removes one now and then: a splice moves the tail
 * once, which an array does well.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-list"

#include "config.h"

#include <string.h>

#include "lk-api-key.h"
#include "lk-key-list.h"

struct _LkKeyList
{
  GObject    parent_instance;
  GPtrArray *keys;   /* of LkApiKey, each a reference */
};

static void lk_key_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LkKeyList, lk_key_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lk_key_list_model_init))

static GType
lk_key_list_get_item_type (GListModel *model)
{
  return LK_TYPE_API_KEY;
}

static guint
lk_key_list_get_n_items (GListModel *model)
{
  return LK_KEY_LIST (model)->keys->len;
}

static gpointer
lk_key_list_get_item (GListModel *model,
                      guint       position)
{
  LkKeyList *self = LK_KEY_LIST (model);

  if (position >= self->keys->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->keys, position));
}

static void
lk_key_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lk_key_list_get_item_type;
  iface->get_n_items = lk_key_list_get_n_items;
  iface->get_item = lk_key_list_get_item;
}

void
lk_key_list_splice (LkKeyList *self,
                    guint      position,
                    guint      n_removed,
                    gpointer  *additions,
                    guint      n_added)
{
  g_autoptr (GPtrArray) removed = NULL;
  guint len;

  g_return_if_fail (LK_IS_KEY_LIST (self));
  g_return_if_fail (position <= self->keys->len);
  g_return_if_fail (n_removed <= self->keys->len - position);
  g_return_if_fail (n_added == 0 || additions != NULL);
  for (guint i = 0; i < n_added; i++)
    g_return_if_fail (LK_IS_API_KEY (additions[i]));

  len = self->keys->len;
  /* The keys removed stay alive until the change is announced. */
  if (n_removed > 0)
    {
      removed = g_ptr_array_new_full (n_removed, g_object_unref);
      for (guint i = 0; i < n_removed; i++)
        g_ptr_array_add (removed, self->keys->pdata[position + i]);
    }

  if (n_added > n_removed)
    g_ptr_array_set_size (self->keys, len + n_added - n_removed);
  memmove (&self->keys->pdata[position + n_added], &self->keys->pdata[position + n_removed],
           (len - position - n_removed) * sizeof (gpointer));
  if (n_added < n_removed)
    self->keys->len = len + n_added - n_removed;
  for (guint i = 0; i < n_added; i++)
    self->keys->pdata[position + i] = g_object_ref (additions[i]);

  if (n_removed > 0 || n_added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, n_removed, n_added);
}

void
lk_key_list_append (LkKeyList *self,
                    gpointer   key)
{
  g_return_if_fail (LK_IS_KEY_LIST (self));

  lk_key_list_splice (self, self->keys->len, 0, &key, 1);
}

void
lk_key_list_remove (LkKeyList *self,
                    guint      position)
{
  g_return_if_fail (LK_IS_KEY_LIST (self));
  g_return_if_fail (position < self->keys->len);

  lk_key_list_splice (self, position, 1, NULL, 0);
}

static void
lk_key_list_finalize (GObject *object)
{
  LkKeyList *self = LK_KEY_LIST (object);

  g_ptr_array_unref (self->keys);

  G_OBJECT_CLASS (lk_key_list_parent_class)->finalize (object);
}

static void
lk_key_list_class_init (LkKeyListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_key_list_finalize;
}

static void
lk_key_list_init (LkKeyList *self)
{
  self->keys = g_ptr_array_new_with_free_func (g_object_unref);
}

LkKeyList *
lk_key_list_new (void)
{
  return g_object_new (LK_TYPE_KEY_LIST, NULL);
}
