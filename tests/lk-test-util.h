/* lk-test-util.h: helpers shared by the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

/* The simulator's test-only parts: fault injection and request counters,
 * and the reply builders fake servers use. */
#include "lk-sim-wire.h"
#include "lk-memory-store.h"
#include "lk-simulator-faults.h"

G_BEGIN_DECLS

/* Iterates the default main context until *@flag is TRUE or @timeout_ms
 * passes; returns *@flag. */
gboolean      lk_test_wait_for_flag    (gboolean     *flag,
                                        guint         timeout_ms);
/* Iterates until @func(@data) returns TRUE or @timeout_ms passes. */
gboolean      lk_test_wait_until       (gboolean    (*func) (gpointer data),
                                        gpointer      data,
                                        guint         timeout_ms);
/* Iterates the main context for @ms milliseconds. */
void          lk_test_spin             (guint         ms);

/* A GAsyncReadyCallback that stores the result in *(GAsyncResult **) user_data.
 * Use with lk_test_wait_result(). */
void          lk_test_store_result     (GObject      *source,
                                        GAsyncResult *result,
                                        gpointer      user_data);
/* Waits until *@result is set (fails the test after @timeout_ms) and returns it. */
GAsyncResult *lk_test_wait_result      (GAsyncResult **result,
                                        guint          timeout_ms);

/* TRUE when the test runs in the private session of build-aux/dev test
 * (a Secret Service and an X server are there). */
gboolean      lk_test_have_secret_service (void);

G_END_DECLS
