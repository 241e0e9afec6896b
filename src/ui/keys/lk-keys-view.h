/* lk-keys-view.h: the tenant's keys as a sortable, searchable table
 *
 * An LkKeyTable over the client's keys, sorted and searched (LkShownKeys),
 * through rows that keep their place while the keys behind them change
 * (LkKeyRows), with its states (loading, empty, no results, error, no
 * permission) as AdwStatusPages in a stack whose visible child is named
 * after the state.  Signals:
 *   "session-ended" (GError *)  the platform no longer accepts the key
 *
 * The template's objects: "shown" (the keys shown, in display order),
 * "rows", "selection" (positions of "shown"; its items are the table's
 * rows), "table", "scrolled_window", "state_stack", "search_bar".
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
 *   "needs-attention"      boolean: only the keys that need attention are
 *                          shown (lk-key-health.h); its action is
 *                          "keys.needs-attention", the search bar's toggle
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

/* Moves the keyboard focus to the list of keys, or to what the view shows
 * instead of it (the loading, empty, error or no-permission page). */
void            lk_keys_view_focus_list          (LkKeysView *self);

void            lk_keys_view_set_search_mode     (LkKeysView *self,
                                                  gboolean    search_mode);
void            lk_keys_view_set_search_text     (LkKeysView *self,
                                                  const char *text);

void            lk_keys_view_set_needs_attention (LkKeysView *self,
                                                  gboolean    needs_attention);

/* Selects the key @key_id alone and scrolls to it (clearing the search
 * and the filter when they hide it); FALSE when it is not listed. */
gboolean        lk_keys_view_select_key          (LkKeysView *self,
                                                  const char *key_id);

/* Keys a rotation scheduled for deletion (key ID -> gint64 *, Unix
 * seconds; NULL: none): their rows say when they retire. */
void            lk_keys_view_set_retire_times    (LkKeysView *self,
                                                  GHashTable *times);

/* The selected keys, in display order (a GPtrArray of LkApiKey refs). */
GPtrArray      *lk_keys_view_get_selected_keys   (LkKeysView *self);
guint           lk_keys_view_get_n_selected      (LkKeysView *self);

G_END_DECLS
