/* lk-shown-keys.c: the keys the list shows, sorted and searched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-shown-keys"

#include "config.h"

#include <string.h>

#include "lk-api-key.h"
#include "lk-key-health.h"
#include "lk-key-search.h"
#include "lk-shown-keys.h"

struct _LkShownKeys
{
  GObject     parent_instance;
  GtkSorter  *sorter;
  GListModel *source;
  GPtrArray  *mirror;      /* the source's keys in its order (references) */
  GPtrArray  *sorted;      /* the same keys, sorted (no references) */
  char       *needle;      /* NULL: every key */
  gboolean    attention;   /* only the keys that need attention */
  guint       warning_days;
  GPtrArray  *shown;       /* the keys shown (no references) */
  GArray     *shown_at;    /* guint: the position in @sorted of each */

  /* The folded texts of @sorted, in its order: made ahead at idle once
   * the keys have settled, or at the first search */
  GString    *texts;       /* NULL until needed; dropped when stale */
  GArray     *text_at;     /* guint: offset in @texts of each */
  guint       n_texts;     /* how many of @sorted have their text yet */
  guint       warm_source; /* the wait, then the idle making them */
};

static void lk_shown_keys_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LkShownKeys, lk_shown_keys, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lk_shown_keys_list_model_init))

enum {
  PROP_0,
  PROP_SORTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
lk_shown_keys_get_item_type (GListModel *model)
{
  return LK_TYPE_API_KEY;
}

static guint
lk_shown_keys_get_n_items (GListModel *model)
{
  return LK_SHOWN_KEYS (model)->shown->len;
}

static gpointer
lk_shown_keys_get_item (GListModel *model,
                        guint       position)
{
  LkShownKeys *self = LK_SHOWN_KEYS (model);

  if (position >= self->shown->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->shown, position));
}

static void
lk_shown_keys_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lk_shown_keys_get_item_type;
  iface->get_n_items = lk_shown_keys_get_n_items;
  iface->get_item = lk_shown_keys_get_item;
}

static int
compare (gconstpointer a,
         gconstpointer b,
         gpointer      user_data)
{
  LkShownKeys *self = user_data;

  /* No sorter yet: the source's order. */
  if (G_UNLIKELY (self->sorter == NULL))
    return GTK_ORDERING_EQUAL;

  return gtk_sorter_compare (self->sorter,
                             *(gpointer const *) a,
                             *(gpointer const *) b);
}

/* ---- Searching ---- */

/* Keys settle first: a list arrives in batches a quarter of a second
 * apart, and each batch makes the texts stale (started between batches,
 * the texts of a 100,000-key list were made and thrown away again and
 * again while it arrived). */
#define WARM_DELAY_MS 400
/* Each idle turn folds for at most this long, far below a frame. */
#define WARM_SLICE_US 2000

/* Folds texts for @sorted until all have one (returns TRUE) or, when
 * @deadline is not 0, until the monotonic clock reaches it. */
static gboolean
fold_texts (LkShownKeys *self,
            gint64       deadline)
{
  if (self->texts == NULL)
    {
      self->texts = g_string_sized_new (self->sorted->len * 48);
      g_array_set_size (self->text_at, self->sorted->len);
      self->n_texts = 0;
    }

  while (self->n_texts < self->sorted->len)
    {
      guint i = self->n_texts++;

      g_array_index (self->text_at, guint, i) = (guint) self->texts->len;
      lk_key_search_append_haystack (self->texts, self->sorted->pdata[i]);
      /* with its NUL, so each text ends where the next begins */
      g_string_append_c (self->texts, '\0');

      if (deadline != 0 && i % 256 == 255 && g_get_monotonic_time () >= deadline)
        return FALSE;
    }

  return TRUE;
}

static void
ensure_texts (LkShownKeys *self)
{
  g_clear_handle_id (&self->warm_source, g_source_remove);
  fold_texts (self, 0);
}

static gboolean
warm_slice (gpointer user_data)
{
  LkShownKeys *self = user_data;

  if (!fold_texts (self, g_get_monotonic_time () + WARM_SLICE_US))
    return G_SOURCE_CONTINUE;

  self->warm_source = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
warm_start (gpointer user_data)
{
  LkShownKeys *self = user_data;

  self->warm_source = g_idle_add_full (G_PRIORITY_LOW, warm_slice, self, NULL);
  g_source_set_name_by_id (self->warm_source, "[layer-keys] search texts");
  return G_SOURCE_REMOVE;
}

static void
clear_texts (LkShownKeys *self)
{
  g_clear_handle_id (&self->warm_source, g_source_remove);
  if (self->texts != NULL)
    g_string_free (self->texts, TRUE);
  self->texts = NULL;
  self->n_texts = 0;
  g_array_set_size (self->text_at, 0);
}

/* The keys or their order changed: the texts are made again, ahead of
 * the first search, so that it does not wait for 100,000 of them. */
static void
drop_texts (LkShownKeys *self)
{
  clear_texts (self);
  if (self->sorted->len == 0)
    return;

  self->warm_source = g_timeout_add (WARM_DELAY_MS, warm_start, self);
  g_source_set_name_by_id (self->warm_source, "[layer-keys] search texts, soon");
}

/* Announces that @before became self->shown, as the one range between
 * the first and the last position where they differ. */
static void
announce (LkShownKeys *self,
          GPtrArray   *before)
{
  guint n_old = before->len, n_new = self->shown->len;
  guint head = 0, tail = 0;

  while (head < n_old && head < n_new &&
         before->pdata[head] == self->shown->pdata[head])
    head++;
  while (tail < n_old - head && tail < n_new - head &&
         before->pdata[n_old - 1 - tail] == self->shown->pdata[n_new - 1 - tail])
    tail++;

  if (head == n_old && head == n_new)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), head,
                              n_old - head - tail, n_new - head - tail);
}

/* Works out self->shown again.  @narrower: the needle only got longer,
 * so only the keys shown can still match. */
static void
refilter (LkShownKeys *self,
          gboolean     narrower)
{
  g_autoptr (GPtrArray) before = self->shown;
  g_autoptr (GArray) before_at = self->shown_at;

  self->shown = g_ptr_array_sized_new (narrower ? before->len : self->sorted->len);
  self->shown_at = g_array_sized_new (FALSE, FALSE, sizeof (guint),
                                      narrower ? before->len : self->sorted->len);

  if (self->needle == NULL && !self->attention)
    {
      /* The texts stay (until the keys change): the next search is
       * likely, and making them is most of a keystroke's work. */
      for (guint i = 0; i < self->sorted->len; i++)
        {
          g_ptr_array_add (self->shown, self->sorted->pdata[i]);
          g_array_append_val (self->shown_at, i);
        }
    }
  else
    {
      guint n = narrower ? before_at->len : self->sorted->len;

      if (self->needle != NULL)
        ensure_texts (self);
      for (guint j = 0; j < n; j++)
        {
          guint i = narrower ? g_array_index (before_at, guint, j) : j;

          if (self->needle != NULL &&
              strstr (self->texts->str + g_array_index (self->text_at, guint, i), self->needle) == NULL)
            continue;
          if (self->attention &&
              !lk_key_health_needs_attention (self->sorted->pdata[i], self->warning_days))
            continue;

          g_ptr_array_add (self->shown, self->sorted->pdata[i]);
          g_array_append_val (self->shown_at, i);
        }
    }

  announce (self, before);
}

void
lk_shown_keys_set_needle (LkShownKeys *self,
                          const char  *needle)
{
  gboolean narrower;

  g_return_if_fail (LK_IS_SHOWN_KEYS (self));

  if (g_strcmp0 (self->needle, needle) == 0)
    return;

  narrower = lk_key_search_change (self->needle, needle) == GTK_FILTER_CHANGE_MORE_STRICT;
  g_free (self->needle);
  self->needle = g_strdup (needle);
  refilter (self, narrower);
}

void
lk_shown_keys_set_attention (LkShownKeys *self,
                             gboolean     attention,
                             guint        warning_days)
{
  g_return_if_fail (LK_IS_SHOWN_KEYS (self));

  attention = !!attention;
  if (self->attention == attention && self->warning_days == warning_days)
    return;

  self->attention = attention;
  self->warning_days = warning_days;
  refilter (self, FALSE);
}

/* ---- Sorting ---- */

static void
on_sorter_changed (LkShownKeys *self)
{
  g_ptr_array_sort_with_data (self->sorted, compare, self);
  drop_texts (self);
  refilter (self, FALSE);
}

void
lk_shown_keys_set_sorter (LkShownKeys *self,
                          GtkSorter   *sorter)
{
  g_return_if_fail (LK_IS_SHOWN_KEYS (self));
  g_return_if_fail (sorter == NULL || GTK_IS_SORTER (sorter));

  if (self->sorter == sorter)
    return;

  if (self->sorter != NULL)
    g_signal_handlers_disconnect_by_func (self->sorter, on_sorter_changed, self);
  g_set_object (&self->sorter, sorter);
  if (sorter != NULL)
    g_signal_connect_swapped (sorter, "changed", G_CALLBACK (on_sorter_changed), self);

  if (self->sorted->len > 0)
    on_sorter_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORTER]);
}

/* A list that arrives in order (see LkAccountPrefetch) needs no sort. */
static gboolean
is_sorted (LkShownKeys *self,
           GPtrArray   *keys)
{
  for (guint i = 1; i < keys->len; i++)
    if (compare (&keys->pdata[i - 1], &keys->pdata[i], self) > 0)
      return FALSE;

  return TRUE;
}

/* Drops @removed and merges @added (unsorted) into self->sorted.  GLib's
 * sort is a merge sort, and the merge takes the key already listed
 * first: keys the sorter finds equal keep their order. */
static void
merge (LkShownKeys *self,
       GHashTable  *removed,
       GPtrArray   *added)
{
  g_autoptr (GPtrArray) before = self->sorted;
  guint i = 0, j = 0;

  if (!is_sorted (self, added))
    g_ptr_array_sort_with_data (added, compare, self);
  self->sorted = g_ptr_array_sized_new (before->len + added->len);

  while (i < before->len || j < added->len)
    {
      if (i < before->len && removed != NULL && g_hash_table_contains (removed, before->pdata[i]))
        i++;
      else if (j >= added->len ||
               (i < before->len && compare (&before->pdata[i], &added->pdata[j], self) <= 0))
        g_ptr_array_add (self->sorted, before->pdata[i++]);
      else
        g_ptr_array_add (self->sorted, added->pdata[j++]);
    }

  drop_texts (self);
  refilter (self, FALSE);
}

static void
on_source_items_changed (GListModel  *source,
                         guint        position,
                         guint        removed,
                         guint        added,
                         LkShownKeys *self)
{
  g_autoptr (GHashTable) gone = NULL;
  g_autoptr (GPtrArray) dropped = NULL;
  g_autoptr (GPtrArray) fresh = g_ptr_array_sized_new (added);

  if (removed > 0)
    {
      /* The keys removed stay alive (in @dropped) until the shown and
       * sorted arrays lost them too. */
      gone = g_hash_table_new (NULL, NULL);
      dropped = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < removed; i++)
        {
          gpointer key = self->mirror->pdata[position + i];

          g_hash_table_add (gone, key);
          g_ptr_array_add (dropped, key);
        }
      memmove (&self->mirror->pdata[position], &self->mirror->pdata[position + removed],
               (self->mirror->len - position - removed) * sizeof (gpointer));
      self->mirror->len -= removed;
    }

  if (added > 0)
    {
      guint tail = self->mirror->len - position;

      g_ptr_array_set_size (self->mirror, self->mirror->len + added);
      memmove (&self->mirror->pdata[position + added], &self->mirror->pdata[position],
               tail * sizeof (gpointer));
      for (guint i = 0; i < added; i++)
        {
          gpointer key = g_list_model_get_item (source, position + i);

          self->mirror->pdata[position + i] = key;
          g_ptr_array_add (fresh, key);
        }
    }

  merge (self, gone, fresh);
}

void
lk_shown_keys_set_source (LkShownKeys *self,
                          GListModel  *source)
{
  g_return_if_fail (LK_IS_SHOWN_KEYS (self));
  g_return_if_fail (source == NULL || G_IS_LIST_MODEL (source));

  if (self->source == source)
    return;

  if (self->source != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->source, on_source_items_changed, self);
      if (self->mirror->len > 0)
        on_source_items_changed (self->source, 0, self->mirror->len, 0, self);
      g_clear_object (&self->source);
    }

  if (source != NULL)
    {
      self->source = g_object_ref (source);
      g_signal_connect (source, "items-changed", G_CALLBACK (on_source_items_changed), self);
      if (g_list_model_get_n_items (source) > 0)
        on_source_items_changed (source, 0, 0, g_list_model_get_n_items (source), self);
    }
}

/* ---- GObject ---- */

static void
lk_shown_keys_dispose (GObject *object)
{
  LkShownKeys *self = LK_SHOWN_KEYS (object);

  if (self->source != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->source, on_source_items_changed, self);
      g_clear_object (&self->source);
    }
  if (self->sorter != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->sorter, on_sorter_changed, self);
      g_clear_object (&self->sorter);
    }
  g_ptr_array_set_size (self->shown, 0);
  g_array_set_size (self->shown_at, 0);
  g_ptr_array_set_size (self->sorted, 0);
  g_ptr_array_set_size (self->mirror, 0);
  clear_texts (self);

  G_OBJECT_CLASS (lk_shown_keys_parent_class)->dispose (object);
}

static void
lk_shown_keys_finalize (GObject *object)
{
  LkShownKeys *self = LK_SHOWN_KEYS (object);

  g_ptr_array_unref (self->shown);
  g_array_unref (self->shown_at);
  g_ptr_array_unref (self->sorted);
  g_ptr_array_unref (self->mirror);
  g_array_unref (self->text_at);
  g_free (self->needle);

  G_OBJECT_CLASS (lk_shown_keys_parent_class)->finalize (object);
}

static void
lk_shown_keys_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LkShownKeys *self = LK_SHOWN_KEYS (object);

  switch (prop_id)
    {
    case PROP_SORTER:
      g_value_set_object (value, self->sorter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_shown_keys_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LkShownKeys *self = LK_SHOWN_KEYS (object);

  switch (prop_id)
    {
    case PROP_SORTER:
      lk_shown_keys_set_sorter (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_shown_keys_class_init (LkShownKeysClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lk_shown_keys_get_property;
  object_class->set_property = lk_shown_keys_set_property;
  object_class->dispose = lk_shown_keys_dispose;
  object_class->finalize = lk_shown_keys_finalize;

  properties[PROP_SORTER] =
    g_param_spec_object ("sorter", NULL, NULL,
                         GTK_TYPE_SORTER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lk_shown_keys_init (LkShownKeys *self)
{
  self->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  self->sorted = g_ptr_array_new ();
  self->shown = g_ptr_array_new ();
  self->shown_at = g_array_new (FALSE, FALSE, sizeof (guint));
  self->text_at = g_array_new (FALSE, FALSE, sizeof (guint));
}

LkShownKeys *
lk_shown_keys_new (GtkSorter *sorter)
{
  g_return_val_if_fail (sorter == NULL || GTK_IS_SORTER (sorter), NULL);

  return g_object_new (LK_TYPE_SHOWN_KEYS, "sorter", sorter, NULL);
}
