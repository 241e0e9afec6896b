/* lk-retirements.c: the keys whose deletion a rotation scheduled
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-retirements"

#include "config.h"

#include "lk-retirements.h"
#include "lk-rotation.h"

struct _LkRetirements
{
  GObject       parent_instance;

  LkPlatform   *platform;
  GHashTable   *times;        /* key ID -> gint64 * */
  GCancellable *cancellable;  /* the read under way */
};

G_DEFINE_FINAL_TYPE (LkRetirements, lk_retirements, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (LkRetirements) self = user_data;
  g_autoptr (GPtrArray) deletions = NULL;
  g_autoptr (GError) error = NULL;

  deletions = lk_rotation_list_scheduled_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      /* The list then shows no retirements; the deletions still happen. */
      g_debug ("Could not read the scheduled deletions: %s", error->message);
      return;
    }

  g_hash_table_remove_all (self->times);
  for (guint i = 0; i < deletions->len; i++)
    {
      LkScheduledDeletion *deletion = g_ptr_array_index (deletions, i);

      g_hash_table_insert (self->times, g_strdup (deletion->key_id),
                           g_memdup2 (&deletion->delete_at, sizeof deletion->delete_at));
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

void
lk_retirements_reload (LkRetirements *self)
{
  g_return_if_fail (LK_IS_RETIREMENTS (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->platform == NULL)
    {
      if (g_hash_table_size (self->times) > 0)
        {
          g_hash_table_remove_all (self->times);
          g_signal_emit (self, signals[CHANGED], 0);
        }
      return;
    }

  self->cancellable = g_cancellable_new ();
  lk_rotation_list_scheduled_async (self->platform, self->cancellable, on_listed, g_object_ref (self));
}

void
lk_retirements_set_platform (LkRetirements *self,
                             LkPlatform    *platform)
{
  g_return_if_fail (LK_IS_RETIREMENTS (self));

  if (platform != NULL)
    lk_platform_ref (platform);
  g_clear_pointer (&self->platform, lk_platform_unref);
  self->platform = platform;
  lk_retirements_reload (self);
}

GHashTable *
lk_retirements_get_times (LkRetirements *self)
{
  g_return_val_if_fail (LK_IS_RETIREMENTS (self), NULL);

  return self->times;
}

gint64
lk_retirements_get (LkRetirements *self,
                    const char    *key_id)
{
  const gint64 *when;

  g_return_val_if_fail (LK_IS_RETIREMENTS (self), 0);

  when = key_id != NULL ? g_hash_table_lookup (self->times, key_id) : NULL;
  return when != NULL ? *when : 0;
}

static void
lk_retirements_dispose (GObject *object)
{
  LkRetirements *self = LK_RETIREMENTS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->platform, lk_platform_unref);

  G_OBJECT_CLASS (lk_retirements_parent_class)->dispose (object);
}

static void
lk_retirements_finalize (GObject *object)
{
  LkRetirements *self = LK_RETIREMENTS (object);

  g_clear_pointer (&self->times, g_hash_table_unref);

  G_OBJECT_CLASS (lk_retirements_parent_class)->finalize (object);
}

static void
lk_retirements_class_init (LkRetirementsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_retirements_dispose;
  object_class->finalize = lk_retirements_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lk_retirements_init (LkRetirements *self)
{
  self->times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

LkRetirements *
lk_retirements_new (void)
{
  return g_object_new (LK_TYPE_RETIREMENTS, NULL);
}
