/* lk-key-rows.c: the positions of the key table, and the key at each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-rows"

#include "config.h"

#include "lk-key-rows.h"

struct _LkKeyRow
{
  GObject    parent_instance;
  LkKeyRows *owner;        /* not a reference; NULL once dropped */
  guint      position;
  guint      watchers;
  LkApiKey  *key;          /* cached while watched */
  guint      generation;   /* of the owner, when cached */
};

/* Rows exist only while someone (a list item) holds them: the model
 * makes a row when asked for a position, and forgets it when it is
 * finalized, so a list of 100,000 keys has a few hundred row objects. */
struct _LkKeyRows
{
  GObject     parent_instance;
  GListModel *keys;
  guint       n_rows;
  GHashTable *live;        /* position -> LkKeyRow (no references) */
  GHashTable *watched;     /* LkKeyRow set (no references) */
  guint       generation;  /* bumped whenever @keys changes */
};

static void lk_key_rows_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE (LkKeyRow, lk_key_row, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE_WITH_CODE (LkKeyRows, lk_key_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lk_key_rows_list_model_init))

enum {
  PROP_0,
  PROP_KEYS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_KEY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- LkKeyRow ---- */

static void
lk_key_row_finalize (GObject *object)
{
  LkKeyRow *self = LK_KEY_ROW (object);

  if (self->owner != NULL)
    {
      g_hash_table_remove (self->owner->live, GUINT_TO_POINTER (self->position));
      if (self->watchers > 0)
        g_hash_table_remove (self->owner->watched, self);
    }
  g_clear_object (&self->key);

  G_OBJECT_CLASS (lk_key_row_parent_class)->finalize (object);
}

static void
lk_key_row_class_init (LkKeyRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_key_row_finalize;

  signals[SIGNAL_KEY_CHANGED] =
    g_signal_new ("key-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lk_key_row_init (LkKeyRow *self)
{
}

/* Looks the key up again if @keys changed since; returns whether it is
 * another key now. */
static gboolean
lk_key_row_refresh (LkKeyRow *self)
{
  g_autoptr (LkApiKey) key = NULL;

  if (self->owner == NULL || (self->key != NULL && self->generation == self->owner->generation))
    return FALSE;

  self->generation = self->owner->generation;
  key = g_list_model_get_item (self->owner->keys, self->position);
  if (key == self->key)
    return FALSE;

  g_set_object (&self->key, key);
  return TRUE;
}

LkApiKey *
lk_key_row_get_key (LkKeyRow *self)
{
  g_return_val_if_fail (LK_IS_KEY_ROW (self), NULL);

  lk_key_row_refresh (self);
  return self->key;
}

guint
lk_key_row_get_position (LkKeyRow *self)
{
  g_return_val_if_fail (LK_IS_KEY_ROW (self), G_MAXUINT);

  return self->position;
}

void
lk_key_row_watch (LkKeyRow *self)
{
  g_return_if_fail (LK_IS_KEY_ROW (self));

  if (self->watchers++ == 0 && self->owner != NULL)
    g_hash_table_add (self->owner->watched, self);
}

void
lk_key_row_unwatch (LkKeyRow *self)
{
  g_return_if_fail (LK_IS_KEY_ROW (self));
  g_return_if_fail (self->watchers > 0);

  if (--self->watchers > 0)
    return;

  if (self->owner != NULL)
    g_hash_table_remove (self->owner->watched, self);
  /* Unwatched rows hold no key: thousands of them would keep keys the
   * list no longer has alive. */
  g_clear_object (&self->key);
}

/* ---- LkKeyRows ---- */

static GType
lk_key_rows_get_item_type (GListModel *model)
{
  return LK_TYPE_KEY_ROW;
}

static guint
lk_key_rows_get_n_items (GListModel *model)
{
  return LK_KEY_ROWS (model)->n_rows;
}

static gpointer
lk_key_rows_get_item (GListModel *model,
                      guint       position)
{
  LkKeyRows *self = LK_KEY_ROWS (model);
  LkKeyRow *row;

  if (position >= self->n_rows)
    return NULL;

  row = g_hash_table_lookup (self->live, GUINT_TO_POINTER (position));
  if (row != NULL)
    return g_object_ref (row);

  row = g_object_new (LK_TYPE_KEY_ROW, NULL);
  row->owner = self;
  row->position = position;
  g_hash_table_insert (self->live, GUINT_TO_POINTER (position), row);
  return row;
}

static void
lk_key_rows_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lk_key_rows_get_item_type;
  iface->get_n_items = lk_key_rows_get_n_items;
  iface->get_item = lk_key_rows_get_item;
}

/* @row is no longer a position of the model (it may live on a while in
 * a list item that is being let go of). */
static void
drop_row (LkKeyRows *self,
          LkKeyRow  *row)
{
  g_hash_table_remove (self->live, GUINT_TO_POINTER (row->position));
  if (row->watchers > 0)
    g_hash_table_remove (self->watched, row);
  row->owner = NULL;
}

static void
lk_key_rows_dispose (GObject *object)
{
  LkKeyRows *self = LK_KEY_ROWS (object);
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    {
      LK_KEY_ROW (row)->owner = NULL;
      g_hash_table_iter_remove (&iter);
    }
  g_hash_table_remove_all (self->watched);
  self->n_rows = 0;
  g_clear_object (&self->keys);

  G_OBJECT_CLASS (lk_key_rows_parent_class)->dispose (object);
}

static void
lk_key_rows_finalize (GObject *object)
{
  g_hash_table_unref (LK_KEY_ROWS (object)->live);
  g_hash_table_unref (LK_KEY_ROWS (object)->watched);

  G_OBJECT_CLASS (lk_key_rows_parent_class)->finalize (object);
}

static void
lk_key_rows_constructed (GObject *object)
{
  LkKeyRows *self = LK_KEY_ROWS (object);

  G_OBJECT_CLASS (lk_key_rows_parent_class)->constructed (object);

  if (self->keys != NULL)
    lk_key_rows_follow (self, 0, 0, g_list_model_get_n_items (self->keys));
}

static void
lk_key_rows_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LkKeyRows *self = LK_KEY_ROWS (object);

  switch (prop_id)
    {
    case PROP_KEYS:
      g_value_set_object (value, self->keys);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_key_rows_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LkKeyRows *self = LK_KEY_ROWS (object);

  switch (prop_id)
    {
    case PROP_KEYS:
      g_assert (self->keys == NULL);
      self->keys = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_key_rows_class_init (LkKeyRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lk_key_rows_constructed;
  object_class->get_property = lk_key_rows_get_property;
  object_class->set_property = lk_key_rows_set_property;
  object_class->dispose = lk_key_rows_dispose;
  object_class->finalize = lk_key_rows_finalize;

  properties[PROP_KEYS] =
    g_param_spec_object ("keys", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lk_key_rows_init (LkKeyRows *self)
{
  self->live = g_hash_table_new (NULL, NULL);
  self->watched = g_hash_table_new (NULL, NULL);
}

LkKeyRows *
lk_key_rows_new (GListModel *keys)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (keys), NULL);

  return g_object_new (LK_TYPE_KEY_ROWS, "keys", keys, NULL);
}

void
lk_key_rows_follow (LkKeyRows *self,
                  guint      position,
                  guint      removed,
                  guint      added)
{
  g_autoptr (GPtrArray) changed = NULL;
  g_autoptr (GPtrArray) gone = NULL;
  guint n_old, n_new, end;
  GHashTableIter iter;
  gpointer row;

  g_return_if_fail (LK_IS_KEY_ROWS (self));

  if (self->keys == NULL)
    return;

  n_old = self->n_rows;
  n_new = g_list_model_get_n_items (self->keys);
  /* Positions from @position to @end may show another key now; after a
   * change of the count, everything from @position on. */
  end = removed == added ? position + added : n_new;

  self->generation++;

  /* Rows past the new end go; watched rows whose key is another now say
   * so, once the count is right, so their widgets see a consistent
   * list. */
  changed = g_ptr_array_new_with_free_func (g_object_unref);
  gone = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    {
      LkKeyRow *r = row;

      if (r->position >= n_new)
        g_ptr_array_add (gone, r);
      else if (r->position < position || r->position >= end)
        r->generation = self->generation;   /* the same key as before */
      else if (r->watchers > 0 && lk_key_row_refresh (r))
        g_ptr_array_add (changed, g_object_ref (r));
    }
  for (guint i = 0; i < gone->len; i++)
    drop_row (self, g_ptr_array_index (gone, i));

  self->n_rows = n_new;
  if (n_new > n_old)
    g_list_model_items_changed (G_LIST_MODEL (self), n_old, 0, n_new - n_old);
  else if (n_new < n_old)
    g_list_model_items_changed (G_LIST_MODEL (self), n_new, n_old - n_new, 0);

  for (guint i = 0; i < changed->len; i++)
    g_signal_emit (g_ptr_array_index (changed, i), signals[SIGNAL_KEY_CHANGED], 0);
}
