/* test-store.h: the cases of test-store-failures.c, registered by test-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void test_secret_cancel           (void);
void test_secret_dispose_cancels  (void);
void test_secret_first_connection (void);
void test_secret_no_service       (void);
void test_secret_silent_service   (void);
void test_secret_locked           (void);
void test_secret_locked_later     (void);

G_END_DECLS
