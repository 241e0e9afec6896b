/* lk-key-sort.c: how the key table orders keys, column by column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-sort"

#include "config.h"

#include <string.h>

#include "lk-key-sort.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (lk_api_key_get_name_sort_key (*(LkApiKey * const *) a),
                 lk_api_key_get_name_sort_key (*(LkApiKey * const *) b));
}

void
lk_key_sort_prepare (GPtrArray *keys)
{
  g_return_if_fail (keys != NULL);

  /* GLib's sort is stable, as the table's. */
  g_ptr_array_sort (keys, compare_names);
}

static int
order_of (int cmp)
{
  return cmp < 0 ? GTK_ORDERING_SMALLER : cmp > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
order_of_int64 (gint64 a,
                gint64 b)
{
  return a < b ? GTK_ORDERING_SMALLER : a > b ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static guint
count_permissions (const LkPermissions *permissions)
{
  guint n = 0;

  for (guint c = 0; c < LK_N_CATEGORIES; c++)
    n += ((permissions->access[c] & LK_ACCESS_READ) ? 1 : 0) +
         ((permissions->access[c] & LK_ACCESS_WRITE) ? 1 : 0) +
         ((permissions->access[c] & LK_ACCESS_DELETE) ? 1 : 0);

  return n;
}

int
lk_key_sort_compare (LkKeyColumn  column,
                     LkApiKey    *a,
                     LkApiKey    *b)
{
  g_return_val_if_fail (LK_IS_API_KEY (a) && LK_IS_API_KEY (b), GTK_ORDERING_EQUAL);

  switch (column)
    {
    case LK_KEY_COLUMN_NAME:
      return order_of (strcmp (lk_api_key_get_name_sort_key (a), lk_api_key_get_name_sort_key (b)));

    case LK_KEY_COLUMN_CLIENT_ID:
      /* Client IDs are ASCII tokens: byte order is their order. */
      return order_of (g_strcmp0 (lk_api_key_get_client_id (a), lk_api_key_get_client_id (b)));

    case LK_KEY_COLUMN_CREATED:
      return order_of_int64 (lk_api_key_get_created_at (a), lk_api_key_get_created_at (b));

    case LK_KEY_COLUMN_EXPIRES:
      {
        gint64 ea = lk_api_key_get_expires_at (a);
        gint64 eb = lk_api_key_get_expires_at (b);

        /* "Never" sorts after every date. */
        return order_of_int64 (ea == 0 ? G_MAXINT64 : ea, eb == 0 ? G_MAXINT64 : eb);
      }

    case LK_KEY_COLUMN_PERMISSIONS:
      {
        const LkPermissions *pa = lk_api_key_get_permissions (a);
        const LkPermissions *pb = lk_api_key_get_permissions (b);
        guint na = count_permissions (pa);
        guint nb = count_permissions (pb);

        /* Fewest permissions first, then by category. */
        if (na != nb)
          return na < nb ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
        return order_of (memcmp (pa->access, pb->access, sizeof pa->access));
      }

    case LK_KEY_COLUMN_KEYRING:
      {
        gboolean ha = lk_api_key_get_has_local_secret (a);
        gboolean hb = lk_api_key_get_has_local_secret (b);

        /* Keys with a local secret first. */
        if (ha == hb)
          return GTK_ORDERING_EQUAL;
        return ha ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
      }

    case LK_N_KEY_COLUMNS:
    default:
      g_return_val_if_reached (GTK_ORDERING_EQUAL);
    }
}
