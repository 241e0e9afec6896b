/* lk-keys-view.h: the tenant's keys as a sortable, searchable table
 *
 * An LkKeyTable over GtkFilterListModel (GtkSortListModel (the client's
 * keys)), through rows that keep their place while the keys behind them
 * change, with its states (loading, empty, no results, error, no
 * permission) as AdwStatusPages.  Signals:
 *   "session-ended" (GError *)  the platform no longer accepts the key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-client.h"
#include "lk-key-table.h"

G_BEGIN_DECLS

#define LK_TYPE_KEYS_VIEW (lk_keys_view_get_type ())
G_DECLARE_FINAL_TYPE (LkKeysView, lk_keys_view, LK, KEYS_VIEW, AdwBin)

/* Properties:
 *   "client"               LkClient (nullable)
 *   "can-read"             boolean: the key may list keys (API Keys: Read)
 *   "can-delete"           boolean: the key may delete (API Keys: Delete)
 *   "expiry-warning-days"  uint: highlight keys expiring within this many days
 *   "n-selected"           uint, read-only
 *   "search-mode"          boolean: the search bar is shown
 *   "state"                string, read-only: "list", "loading", "empty",
 *                          "no-results", "error" or "no-permission"
 */
GtkWidget      *lk_keys_view_new                 (void);
void            lk_keys_view_set_client          (LkKeysView *self,
                                                  LkClient   *client);
LkClient       *lk_keys_view_get_client          (LkKeysView *self);
void            lk_keys_view_set_can_read        (LkKeysView *self,
                                                  gboolean    can_read);
void            lk_keys_view_set_can_delete      (LkKeysView *self,
                                                  gboolean    can_delete);

/* Lists the keys again; errors become the error state or a toast. */
void            lk_keys_view_refresh             (LkKeysView *self);
/* Monotonic time (µs) of the last list that finished well, 0 if none. */
gint64          lk_keys_view_get_last_refresh    (LkKeysView *self);
const char     *lk_keys_view_get_state           (LkKeysView *self);

void            lk_keys_view_set_search_mode     (LkKeysView *self,
                                                  gboolean    search_mode);
gboolean        lk_keys_view_get_search_mode     (LkKeysView *self);
void            lk_keys_view_set_search_text     (LkKeysView *self,
                                                  const char *text);

/* The selected keys, in display order (a GPtrArray of LkApiKey refs). */
GPtrArray      *lk_keys_view_get_selected_keys   (LkKeysView *self);
guint           lk_keys_view_get_n_selected      (LkKeysView *self);

/* The models, for tests and the benchmark probe.  The filter model holds
 * the keys shown, in display order; the sort model returns the same model
 * (sorting comes first, so the keys in display order are the filtered
 * ones).  The selection's positions are those of the filter model; its
 * items are the table's rows, not keys: use
 * lk_keys_view_get_selected_keys() for the keys. */
GListModel     *lk_keys_view_get_filter_model    (LkKeysView *self);
GListModel     *lk_keys_view_get_sort_model      (LkKeysView *self);
GtkSelectionModel *lk_keys_view_get_selection    (LkKeysView *self);
LkKeyTable     *lk_keys_view_get_table           (LkKeysView *self);

G_END_DECLS
