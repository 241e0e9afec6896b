/* lk-memory-store.h: a credential store in memory, for tests
 *
 * A test-only LkVolatileStore (tests/ and bench/ link it; the product
 * never does): it behaves like the keyring and can be told to fail or to
 * answer late.  Its item count: lk_volatile_store_get_n_items().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-credential-store.h"

G_BEGIN_DECLS

#define LK_TYPE_MEMORY_STORE (lk_memory_store_get_type ())
G_DECLARE_FINAL_TYPE (LkMemoryStore, lk_memory_store, LK, MEMORY_STORE, LkVolatileStore)
LkCredentialStore *lk_memory_store_new          (void);
/* Makes every following operation fail with @error_code
 * (-1 to stop failing). */
void               lk_memory_store_set_failure  (LkMemoryStore *self,
                                                 int            error_code);
/* Holds every following answer back for @delay_ms (0: answer at once),
 * as a keyring that is slow to answer or times out. */
void               lk_memory_store_set_delay    (LkMemoryStore *self,
                                                 guint          delay_ms);
/* How many operations (store, search, clear) were asked of it so far. */
guint              lk_memory_store_get_n_operations (LkMemoryStore *self);

G_END_DECLS
