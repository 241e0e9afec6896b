/* test-key-table.c: the key table and the models under it
 *
 * The table (LkKeyTable in an LkKeysView, real widgets under Xvfb, the
 * simulator over HTTP on 127.0.0.1): its header sorts, its rows draw the
 * keys at their positions, narrow windows drop columns.
 *
 * LkShownKeys (the keys sorted and searched) and LkKeyRows (the table's
 * positions) against a plain reference: a random walk of list changes,
 * searches and sort orders, after each step of which
 *   - the model holds exactly the keys that match, in the sorter's order;
 *   - replaying its "items-changed" signals on a copy gives the same list
 *     (so the table, which only sees those signals, shows it);
 *   - every watched row shows the key at its position, and said so
 *     ("key-changed") whenever that key changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>
#include <string.h>

#include <adwaita.h>

#include "lk-client.h"
#include "lk-key-layout.h"
#include "lk-key-row-widget.h"
#include "lk-key-rows.h"
#include "lk-key-search.h"
#include "lk-keys-view.h"
#include "lk-shown-keys.h"
#include "lk-simulator.h"
#include "lk-test-keys.h"
#include "lk-test-util.h"
#include "lk-time.h"

static const char * const words[] = {
  "scanner", "ci", "Prod", "inference", "AUDIT", "café", "Key", "backup", "sync",
};

static LkApiKey *
random_key (GRand *rand,
            guint  serial)
{
  LkPermissions permissions = { { 0 } };
  g_autofree char *id = g_strdup_printf ("key-%u", serial);
  g_autofree char *name = NULL;
  g_autofree char *client_id = NULL;
  gint64 expires = g_rand_boolean (rand) ? 0 : 1800000000 + g_rand_int_range (rand, 0, 50) * 86400;

  /* Few distinct names and dates, so the sorter meets many ties. */
  name = g_strdup_printf ("%s %s %u",
                          words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                          words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                          g_rand_int_range (rand, 0, 20));
  client_id = g_strdup_printf ("%08x-%04x", g_rand_int (rand), serial);
  for (guint c = 0; c < LK_N_CATEGORIES; c++)
    permissions.access[c] = g_rand_int_range (rand, 0, 8);

  return lk_api_key_new (id, name, client_id, "admin",
                         1700000000 + g_rand_int_range (rand, 0, 30) * 86400,
                         expires, &permissions);
}

/* A copy of a model, kept only from its "items-changed" signals. */
static void
replay (GListModel *model,
        guint       position,
        guint       removed,
        guint       added,
        GPtrArray  *copy)
{
  g_assert_cmpuint (position + removed, <=, copy->len);
  g_ptr_array_remove_range (copy, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (copy, (int) (position + i), g_list_model_get_item (model, position + i));
  g_assert_cmpuint (copy->len, ==, g_list_model_get_n_items (model));
}

typedef struct {
  LkKeyRow *row;
  LkApiKey *seen;      /* the key it had when last checked */
  guint     changes;   /* "key-changed" since */
  gboolean  dropped;   /* its position left the list once */
} Watched;

static void
on_key_changed (LkKeyRow *row,
                Watched  *watched)
{
  watched->changes++;
}

static void
check_models (GListModel *store,
              GtkSorter  *sorter,
              const char *needle,
              GListModel *shown,
              GPtrArray  *copy,
              GListModel *rows,
              GPtrArray  *watched)
{
  guint n = g_list_model_get_n_items (shown);
  guint expected = 0;
  g_autoptr (GHashTable) listed = g_hash_table_new (NULL, NULL);

  /* Exactly the matching keys... */
  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (store, i);

      if (lk_key_search_matches (key, needle))
        expected++;
    }
  g_assert_cmpuint (n, ==, expected);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (shown, i);

      g_assert_true (lk_key_search_matches (key, needle));
      g_assert_false (g_hash_table_contains (listed, key));
      g_hash_table_add (listed, key);
      /* ... in order ... */
      if (i > 0)
        {
          g_autoptr (LkApiKey) before = g_list_model_get_item (shown, i - 1);

          g_assert_cmpint (gtk_sorter_compare (sorter, before, key), !=, GTK_ORDERING_LARGER);
        }
      /* ... and what its signals said. */
      g_assert_true (g_ptr_array_index (copy, i) == key);
    }
  g_assert_cmpuint (copy->len, ==, n);

  /* One row per shown key; watched rows show theirs. */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n);
  for (guint w = 0; w < watched->len; w++)
    {
      Watched *entry = g_ptr_array_index (watched, w);
      guint position = lk_key_row_get_position (entry->row);
      LkApiKey *now = lk_key_row_get_key (entry->row);

      /* A row whose position left the list is no longer part of it (the
       * table lets go of its widget). */
      if (position >= n)
        entry->dropped = TRUE;
      if (entry->dropped)
        continue;

      {
        g_autoptr (LkApiKey) at = g_list_model_get_item (shown, position);

        g_assert_true (now == at);
      }
      if (now != entry->seen)
        g_assert_cmpuint (entry->changes, >, 0);
      entry->seen = now;
      entry->changes = 0;
    }
}

static void
test_random_walk (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr (GListStore) store = g_list_store_new (LK_TYPE_API_KEY);
  GtkWidget *table = g_object_ref_sink (lk_key_table_new ());
  GtkSorter *sorter = lk_key_table_get_sorter (LK_KEY_TABLE (table));
  g_autoptr (LkShownKeys) shown = lk_shown_keys_new (sorter);
  g_autoptr (LkKeyRows) rows = NULL;
  g_autoptr (GPtrArray) copy = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) watched = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *needle = NULL;
  guint serial = 0;

  g_signal_connect (shown, "items-changed", G_CALLBACK (replay), copy);
  rows = lk_key_rows_new (G_LIST_MODEL (shown));
  g_signal_connect_swapped (shown, "items-changed", G_CALLBACK (lk_key_rows_follow), rows);
  lk_shown_keys_set_source (shown, G_LIST_MODEL (store));

  for (guint step = 0; step < 400; step++)
    {
      guint n_store = g_list_model_get_n_items (G_LIST_MODEL (store));
      guint op = g_rand_int_range (rand, 0, 10);

      if (op < 4)
        {
          /* The list changes: a batch arrives, or keys go. */
          guint position = n_store ? g_rand_int_range (rand, 0, n_store + 1) : 0;
          guint removed = (guint) g_rand_int_range (rand, 0, 4);
          guint added = g_rand_int_range (rand, 0, op == 0 ? 60 : 6);
          g_autoptr (GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);

          removed = MIN (removed, n_store - position);
          for (guint i = 0; i < added; i++)
            g_ptr_array_add (fresh, random_key (rand, serial++));
          g_list_store_splice (store, position, removed, fresh->pdata, fresh->len);
        }
      else if (op < 8)
        {
          /* A keystroke: a longer or shorter needle, or another one. */
          g_autofree char *text = NULL;

          if (op == 4 || needle == NULL)
            text = g_strndup (words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                              g_rand_int_range (rand, 0, 4));
          else if (op == 5)
            text = g_strndup (needle, strlen (needle) - 1);
          else
            text = g_strdup_printf ("%s%c", needle, "aceinoprsu 0123"[g_rand_int_range (rand, 0, 15)]);
          g_free (needle);
          needle = lk_key_search_needle (text);
          lk_shown_keys_set_needle (shown, needle);
        }
      else if (op == 8)
        lk_key_table_sort_by (LK_KEY_TABLE (table), g_rand_int_range (rand, 0, LK_N_KEY_COLUMNS),
                              g_rand_boolean (rand) ? GTK_SORT_ASCENDING : GTK_SORT_DESCENDING);
      else
        {
          /* A widget comes to show a row, as the table binds one. */
          guint n = g_list_model_get_n_items (G_LIST_MODEL (rows));

          if (n > 0)
            {
              Watched *entry = g_new0 (Watched, 1);

              entry->row = g_list_model_get_item (G_LIST_MODEL (rows), g_rand_int_range (rand, 0, n));
              lk_key_row_watch (entry->row);
              entry->seen = lk_key_row_get_key (entry->row);
              g_ptr_array_add (held, entry->row);
              g_ptr_array_add (watched, entry);
              g_signal_connect (entry->row, "key-changed", G_CALLBACK (on_key_changed), entry);
            }
        }

      check_models (G_LIST_MODEL (store), sorter, needle, G_LIST_MODEL (shown), copy,
                    G_LIST_MODEL (rows), watched);
    }

  /* The walk reached long lists and narrow searches. */
  g_assert_cmpuint (serial, >, 200);

  for (guint w = 0; w < watched->len; w++)
    {
      Watched *entry = g_ptr_array_index (watched, w);

      g_signal_handlers_disconnect_by_func (entry->row, on_key_changed, entry);
      lk_key_row_unwatch (entry->row);
    }
  g_object_unref (table);
}

/* Rows exist for the positions someone holds, not one per key. */
/* The folded text of @key, made the slow way (Unicode normalisation and
 * case folding of each part), to check the view's faster one. */
static char *
oracle_haystack (LkApiKey *key)
{
  g_autofree char *name = g_utf8_normalize (lk_api_key_get_name (key), -1, G_NORMALIZE_ALL);
  g_autofree char *client_id = g_utf8_normalize (lk_api_key_get_client_id (key), -1, G_NORMALIZE_ALL);
  g_autofree char *folded_name = g_utf8_casefold (name, -1);
  g_autofree char *folded_client_id = g_utf8_casefold (client_id, -1);

  return g_strconcat (folded_name, "\n", folded_client_id, NULL);
}

static LkApiKey *
named_key (const char *name,
           const char *client_id)
{
  LkPermissions permissions = { { 0 } };

  return lk_api_key_new (client_id, name, client_id, "admin", 1700000000, 0, &permissions);
}

static const char * const odd_names[] = {
  "Plain ASCII Key 42", "ALL CAPS_[]{}~", "Ärger im Büro", "ﬁle sync ①",
  "İstanbul DIŞ", "ǅemal", "ΣΊΣΥΦΟΣ", "Straße", "mixed ASCII then é",
  "", "tab\there",
};

/* ASCII is folded without GLib's Unicode passes; every text must still
 * be what those passes make. */
static void
test_search_folding (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (odd_names); i++)
    {
      g_autofree char *client_id = g_strdup_printf ("Client-%u-ÉTÉ-AbC", i);
      g_autoptr (LkApiKey) key = named_key (odd_names[i], client_id);
      g_autofree char *expected = oracle_haystack (key);
      g_autoptr (GString) appended = g_string_new ("before|");

      g_assert_cmpstr (lk_key_search_haystack (key), ==, expected);
      lk_key_search_append_haystack (appended, key);
      g_assert_true (g_str_has_prefix (appended->str, "before|"));
      g_assert_cmpstr (appended->str + strlen ("before|"), ==, expected);
    }
}

/* A key keeps what lk_api_key_new() got in one block; one made from
 * properties has strings of its own; both sort by their names. */
static void
test_key_fields (void)
{
  g_autoptr (LkApiKey) key = named_key ("Zebra scanner", "client-zebra");
  g_autoptr (LkApiKey) other = named_key ("aardvark", "client-aardvark");
  g_autoptr (LkApiKey) empty = named_key (NULL, NULL);
  g_autoptr (LkApiKey) built = g_object_new (LK_TYPE_API_KEY, "id", "key-2", "name", "AARDVARK",
                                             "client-id", "client-2", NULL);

  g_assert_cmpstr (lk_api_key_get_id (key), ==, "client-zebra");
  g_assert_cmpstr (lk_api_key_get_name (key), ==, "Zebra scanner");
  g_assert_cmpstr (lk_api_key_get_client_id (key), ==, "client-zebra");
  g_assert_cmpstr (lk_api_key_get_name (other), ==, "aardvark");
  g_assert_cmpstr (lk_api_key_get_client_id (other), ==, "client-aardvark");
  g_assert_null (lk_api_key_get_id (empty));
  g_assert_null (lk_api_key_get_name (empty));
  g_assert_null (lk_api_key_get_client_id (empty));
  g_assert_nonnull (lk_api_key_get_name_sort_key (empty));
  g_assert_cmpstr (lk_api_key_get_id (built), ==, "key-2");
  g_assert_cmpstr (lk_api_key_get_name (built), ==, "AARDVARK");
  g_assert_cmpstr (lk_api_key_get_client_id (built), ==, "client-2");

  g_assert_cmpint (strcmp (lk_api_key_get_name_sort_key (other), lk_api_key_get_name_sort_key (key)), <, 0);
  /* the same name in another case sorts alike */
  g_assert_cmpstr (lk_api_key_get_name_sort_key (built), ==, lk_api_key_get_name_sort_key (other));
}

/* lk_api_key_new() makes a name's sort key without GLib's allocations
 * when it can: it must be, byte for byte, the key GLib makes, for every
 * kind of name (ASCII, not, empty, missing, too long for the quick way). */
static void
test_sort_keys (void)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (odd_names); i++)
    g_ptr_array_add (names, g_strdup (odd_names[i]));
  g_ptr_array_add (names, g_strnfill (255, 'Q'));
  g_ptr_array_add (names, g_strnfill (256, 'q'));
  g_ptr_array_add (names, g_strnfill (1000, 'Z'));
  g_ptr_array_add (names, g_strdup ("Zebra ~ key_01"));
  g_ptr_array_add (names, g_strdup ("zebra ~ KEY_01"));
  g_ptr_array_add (names, NULL);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autoptr (LkApiKey) key = named_key (name, "client-sort");
      g_autoptr (LkApiKey) built = g_object_new (LK_TYPE_API_KEY, "id", "key-1", "name", name, NULL);
      g_autofree char *folded = g_utf8_casefold (name != NULL ? name : "", -1);
      g_autofree char *expected = g_utf8_collate_key (folded, -1);

      g_assert_cmpstr (lk_api_key_get_name_sort_key (key), ==, expected);
      g_assert_cmpstr (lk_api_key_get_name_sort_key (built), ==, expected);
      /* the other fields are intact around it */
      g_assert_cmpstr (lk_api_key_get_name (key), ==, name);
      g_assert_cmpstr (lk_api_key_get_id (key), ==, "client-sort");
      g_assert_cmpstr (lk_api_key_get_client_id (key), ==, "client-sort");
    }
}

static void
run_main_loop_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_pending (NULL))
        g_usleep (1000);
      g_main_context_iteration (NULL, FALSE);
    }
}

/* Searches after the folded texts were made ahead, at idle, each time
 * before another batch of keys arrived: exactly the matching keys. */
static void
test_search_texts_ahead (void)
{
  static const char * const needles[] = { "ä", "key", "büro", "1", "file", "ss", "abc", "-", "zzz" };
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr (GListStore) store = g_list_store_new (LK_TYPE_API_KEY);
  GtkWidget *table = g_object_ref_sink (lk_key_table_new ());
  g_autoptr (LkShownKeys) shown = lk_shown_keys_new (lk_key_table_get_sorter (LK_KEY_TABLE (table)));
  guint serial = 0;

  for (guint batch = 0; batch < 3; batch++)
    {
      g_autoptr (GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < 20000; i++)
        {
          g_autoptr (LkApiKey) key = NULL;

          if (i % 100 < G_N_ELEMENTS (odd_names))
            {
              g_autofree char *client_id = g_strdup_printf ("ÄBC-%u", serial++);

              key = named_key (odd_names[i % 100], client_id);
            }
          else
            key = random_key (rand, serial++);
          g_ptr_array_add (fresh, g_steal_pointer (&key));
        }
      g_list_store_splice (store, g_list_model_get_n_items (G_LIST_MODEL (store)), 0,
                           fresh->pdata, fresh->len);
      if (batch == 0)
        lk_shown_keys_set_source (shown, G_LIST_MODEL (store));
      /* The texts are made, then the keys change under them. */
      run_main_loop_ms (batch < 2 ? 1000 : 1500);
    }

  for (guint n = 0; n < G_N_ELEMENTS (needles); n++)
    {
      g_autofree char *needle = lk_key_search_needle (needles[n]);
      guint expected = 0;

      lk_shown_keys_set_needle (shown, needle);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
        {
          g_autoptr (LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (store), i);
          g_autofree char *text = oracle_haystack (key);

          if (strstr (text, needle) != NULL)
            expected++;
        }
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (shown)), ==, expected);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (shown)); i++)
        {
          g_autoptr (LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (shown), i);
          g_autofree char *text = oracle_haystack (key);

          g_assert_nonnull (strstr (text, needle));
        }
      /* back to every key, so the next needle searches them all */
      lk_shown_keys_set_needle (shown, NULL);
    }

  g_object_unref (table);
}

static void
test_rows_on_demand (void)
{
  g_autoptr (GListStore) store = g_list_store_new (LK_TYPE_API_KEY);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (LkKeyRows) rows = NULL;
  LkKeyRow *first, *again;
  gpointer weak;

  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr (LkApiKey) key = random_key (rand, i);

      g_list_store_append (store, key);
    }
  rows = lk_key_rows_new (G_LIST_MODEL (store));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 1000);

  /* Held: the same row each time, showing the key at its place. */
  first = g_list_model_get_item (G_LIST_MODEL (rows), 500);
  again = g_list_model_get_item (G_LIST_MODEL (rows), 500);
  g_assert_true (first == again);
  g_object_unref (again);
  {
    g_autoptr (LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (store), 500);

    g_assert_true (lk_key_row_get_key (first) == key);
  }

  /* Let go of: gone, and nothing keeps its key. */
  weak = first;
  g_object_add_weak_pointer (G_OBJECT (first), &weak);
  g_object_unref (first);
  g_assert_null (weak);

  /* Shrinking past a held row drops it from the list it was part of. */
  first = g_list_model_get_item (G_LIST_MODEL (rows), 900);
  g_list_store_splice (store, 100, 900, NULL, 0);
  lk_key_rows_follow (rows, 100, 900, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 100);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (rows), 100));
  g_object_unref (first);
}


/* ---- The table on screen ---- */

typedef struct {
  LkSimulator *sim;
  LkClient    *client;
  GtkWidget   *window;
  LkKeysView  *view;
  LkKeyTable  *table;
} Screen;

static void
screen_open (Screen *screen)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (LkApiKey) whoami = NULL;

  screen->sim = lk_simulator_new ();
  lk_simulator_seed (screen->sim, 0);
  g_assert_true (lk_simulator_start (screen->sim, 0, NULL, &error));
  g_assert_no_error (error);

  platform = lk_simulator_get_platform (screen->sim);
  screen->client = lk_client_new (platform);
  lk_client_set_credentials (screen->client,
                             lk_simulator_get_admin_client_id (screen->sim),
                             lk_simulator_get_admin_client_secret (screen->sim));
  lk_client_sign_in_async (screen->client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (screen->client, lk_test_wait_result (&result, 20000), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  screen->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (screen->window), 1000, 600);
  screen->view = LK_KEYS_VIEW (lk_keys_view_new ());
  lk_keys_view_set_can_read (screen->view, TRUE);
  lk_keys_view_set_client (screen->view, screen->client);
  gtk_window_set_child (GTK_WINDOW (screen->window), GTK_WIDGET (screen->view));
  gtk_window_present (GTK_WINDOW (screen->window));
  lk_keys_view_refresh (screen->view);
  while (lk_keys_view_get_last_refresh (screen->view) == 0)
    g_main_context_iteration (NULL, TRUE);
  lk_test_spin (100);
  screen->table = lk_test_keys_view_get_table (screen->view);
  g_assert_cmpstr (lk_test_keys_view_get_state (screen->view), ==, "list");
}

static void
screen_close (Screen *screen)
{
  gtk_window_destroy (GTK_WINDOW (screen->window));
  lk_test_spin (50);
  g_clear_object (&screen->client);
  lk_simulator_stop (screen->sim);
  g_clear_object (&screen->sim);
}

/* The row widgets the table has now (a few hundred at most). */
static GPtrArray *
row_widgets (LkKeyTable *table)
{
  GPtrArray *widgets = g_ptr_array_new ();
  GtkWidget *list = GTK_WIDGET (lk_test_key_table_get_list_view (table));

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (row != NULL && LK_IS_KEY_ROW_WIDGET (row) &&
          lk_key_row_widget_get_row (LK_KEY_ROW_WIDGET (row)) != NULL)
        g_ptr_array_add (widgets, row);
    }

  return widgets;
}

/* Every row widget draws the key at its position, as the cells say. */
static guint
check_rows (Screen *screen)
{
  GListModel *shown = lk_test_keys_view_get_shown_keys (screen->view);
  g_autoptr (GPtrArray) widgets = row_widgets (screen->table);
  guint warnings = 0;

  g_assert_cmpuint (widgets->len, >, 0);
  for (guint i = 0; i < widgets->len; i++)
    {
      LkKeyRowWidget *row = g_ptr_array_index (widgets, i);
      guint position = lk_key_row_get_position (lk_key_row_widget_get_row (row));
      g_autoptr (LkApiKey) key = g_list_model_get_item (shown, position);
      g_autofree char *name = lk_test_key_row_dup_text (row, LK_KEY_COLUMN_NAME);
      g_autofree char *client_id = lk_test_key_row_dup_text (row, LK_KEY_COLUMN_CLIENT_ID);
      g_autofree char *expires = lk_test_key_row_dup_text (row, LK_KEY_COLUMN_EXPIRES);
      g_autofree char *permissions = lk_test_key_row_dup_text (row, LK_KEY_COLUMN_PERMISSIONS);
      g_autofree char *keyring = lk_test_key_row_dup_text (row, LK_KEY_COLUMN_KEYRING);
      const char *level = lk_test_key_row_get_expiry_level (row);
      int days = lk_api_key_get_days_until_expiry (key);

      g_assert_nonnull (key);
      g_assert_cmpstr (name, ==, lk_api_key_get_name (key));
      g_assert_cmpstr (client_id, ==, lk_api_key_get_client_id (key));
      g_assert_nonnull (permissions);
      if (lk_api_key_get_expires_at (key) == 0)
        {
          g_assert_cmpstr (expires, ==, "Never");
          g_assert_null (level);
        }
      else
        {
          g_autofree char *phrase = lk_time_describe_expiry (lk_time_now (), lk_api_key_get_expires_at (key));

          g_assert_cmpstr (expires, ==, phrase);
          g_assert_cmpstr (level, ==, days <= 0 ? "error" : days <= 7 ? "warning" : NULL);
        }
      g_assert_true ((keyring != NULL) == lk_api_key_get_has_local_secret (key));
      if (level != NULL)
        warnings++;
    }

  return warnings;
}

static void
test_table_rows_and_header (void)
{
  Screen screen = { NULL };
  GListModel *shown;
  GtkWidget *expires_button;
  g_autoptr (LkApiKey) first = NULL;
  g_autofree char *tooltip = NULL;
  g_autoptr (GPtrArray) widgets = NULL;
  LkKeyRowWidget *row0 = NULL;
  graphene_rect_t bounds;
  guint n;

  screen_open (&screen);
  shown = lk_test_keys_view_get_shown_keys (screen.view);
  n = g_list_model_get_n_items (shown);
  g_assert_cmpuint (n, ==, lk_simulator_get_n_keys (screen.sim));

  /* The seeded tenant has keys about to expire: highlighted. */
  g_assert_cmpuint (check_rows (&screen), >, 0);

  /* Wide: every column has its header. */
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    g_assert_true (lk_test_key_table_get_column_shown (screen.table, c));

  /* Clicking a header sorts by its column; again, the other way. */
  expires_button = lk_test_key_table_get_header_button (screen.table, LK_KEY_COLUMN_EXPIRES);
  /* (a button activated from the keyboard clicks a moment later) */
  gtk_widget_activate (expires_button);
  lk_test_spin (400);
  g_assert_cmpint (lk_test_key_table_get_sort_column (screen.table), ==, LK_KEY_COLUMN_EXPIRES);
  g_assert_cmpint (lk_test_key_table_get_sort_order (screen.table), ==, GTK_SORT_ASCENDING);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr (LkApiKey) a = g_list_model_get_item (shown, i - 1);
      g_autoptr (LkApiKey) b = g_list_model_get_item (shown, i);
      gint64 ea = lk_api_key_get_expires_at (a) ? lk_api_key_get_expires_at (a) : G_MAXINT64;
      gint64 eb = lk_api_key_get_expires_at (b) ? lk_api_key_get_expires_at (b) : G_MAXINT64;

      g_assert_cmpint (ea, <=, eb);
    }
  lk_test_spin (50);
  check_rows (&screen);

  gtk_widget_activate (expires_button);
  lk_test_spin (400);
  g_assert_cmpint (lk_test_key_table_get_sort_order (screen.table), ==, GTK_SORT_DESCENDING);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr (LkApiKey) a = g_list_model_get_item (shown, i - 1);
      g_autoptr (LkApiKey) b = g_list_model_get_item (shown, i);
      gint64 ea = lk_api_key_get_expires_at (a) ? lk_api_key_get_expires_at (a) : G_MAXINT64;
      gint64 eb = lk_api_key_get_expires_at (b) ? lk_api_key_get_expires_at (b) : G_MAXINT64;

      g_assert_cmpint (ea, >=, eb);
    }
  lk_test_spin (50);
  check_rows (&screen);

  /* A search narrows the rows to the matches, each still right. */
  lk_keys_view_set_search_text (screen.view, "scanner");
  g_assert_cmpuint (g_list_model_get_n_items (shown), <, n);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);
  lk_test_spin (50);
  check_rows (&screen);
  lk_keys_view_set_search_text (screen.view, "");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, n);

  /* A secret saved to the keyring shows in its row at once. */
  first = g_list_model_get_item (shown, 0);
  lk_api_key_set_has_local_secret (first, !lk_api_key_get_has_local_secret (first));
  lk_test_spin (50);
  check_rows (&screen);

  /* The first row: its tooltip per column, and the position under the
   * pointer (for the context menu). */
  widgets = row_widgets (screen.table);
  for (guint i = 0; i < widgets->len; i++)
    if (lk_key_row_get_position (lk_key_row_widget_get_row (g_ptr_array_index (widgets, i))) == 0)
      row0 = g_ptr_array_index (widgets, i);
  g_assert_nonnull (row0);
  tooltip = lk_test_key_row_dup_tooltip (row0, LK_KEY_COLUMN_NAME);
  /* the name, then why it needs attention when it does */
  g_assert_true (g_str_has_prefix (tooltip, lk_api_key_get_name (first)));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (row0), GTK_WIDGET (screen.table), &bounds));
  g_assert_cmpuint (lk_key_table_get_position_at (screen.table, bounds.origin.x + 20,
                                                  bounds.origin.y + bounds.size.height / 2), ==, 0);
  /* the header is no row */
  g_assert_cmpuint (lk_key_table_get_position_at (screen.table, 20, 2), ==, GTK_INVALID_LIST_POSITION);

  screen_close (&screen);
}

static void
test_table_narrow (void)
{
  Screen screen = { NULL };
  g_autoptr (LkKeyLayout) columns = NULL;
  LkKeyPlacement layout;
  int minimum, natural;

  screen_open (&screen);
  /* The columns as the table places them, with its font. */
  columns = lk_key_layout_new (GTK_WIDGET (screen.table));
  lk_key_layout_get_widths (columns, &minimum, &natural);
  g_assert_cmpint (minimum, <=, 360);
  g_assert_cmpint (minimum, <, natural);

  /* At phone width the name and the expiry stay, and nothing overlaps. */
  lk_key_layout_place (columns, 360, FALSE, &layout);
  g_assert_true (layout.shown[LK_KEY_COLUMN_NAME]);
  g_assert_true (layout.shown[LK_KEY_COLUMN_EXPIRES]);
  g_assert_false (layout.shown[LK_KEY_COLUMN_CLIENT_ID]);
  g_assert_false (layout.shown[LK_KEY_COLUMN_CREATED]);
  g_assert_cmpint (layout.x[LK_KEY_COLUMN_NAME] + layout.width[LK_KEY_COLUMN_NAME], <=,
                   layout.x[LK_KEY_COLUMN_EXPIRES]);
  g_assert_cmpint (layout.x[LK_KEY_COLUMN_EXPIRES] + layout.width[LK_KEY_COLUMN_EXPIRES], <=, 360);

  /* Right to left: mirrored. */
  lk_key_layout_place (columns, 360, TRUE, &layout);
  g_assert_cmpint (layout.x[LK_KEY_COLUMN_NAME] + layout.width[LK_KEY_COLUMN_NAME], ==, 360);

  /* On screen: the window made narrow drops the header's columns too. */
  gtk_window_set_default_size (GTK_WINDOW (screen.window), 360, 600);
  gtk_widget_set_size_request (screen.window, -1, -1);
  lk_test_spin (200);
  if (gtk_widget_get_width (GTK_WIDGET (screen.table)) <= 400)
    {
      g_assert_false (lk_test_key_table_get_column_shown (screen.table, LK_KEY_COLUMN_CLIENT_ID));
      g_assert_true (lk_test_key_table_get_column_shown (screen.table, LK_KEY_COLUMN_NAME));
      check_rows (&screen);
    }
  else
    g_test_message ("the window manager kept the window %d px wide",
                    gtk_widget_get_width (GTK_WIDGET (screen.table)));

  screen_close (&screen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("needs the private session of build-aux/dev (X server)");
      return g_test_run ();
    }

  gtk_init ();
  adw_init ();

  g_test_add_func ("/lk/key-table/models/random-walk", test_random_walk);
  g_test_add_func ("/lk/key-table/models/rows-on-demand", test_rows_on_demand);
  g_test_add_func ("/lk/key-table/models/key-fields", test_key_fields);
  g_test_add_func ("/lk/key-table/models/sort-keys", test_sort_keys);
  g_test_add_func ("/lk/key-table/search/folding", test_search_folding);
  g_test_add_func ("/lk/key-table/search/texts-ahead", test_search_texts_ahead);
  g_test_add_func ("/lk/key-table/rows-and-header", test_table_rows_and_header);
  g_test_add_func ("/lk/key-table/narrow", test_table_narrow);

  return g_test_run ();
}
