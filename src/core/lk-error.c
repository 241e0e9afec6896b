/* lk-error.c: the error domains of the core layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-error"

#include "lk-error.h"

G_DEFINE_QUARK (lk-client-error-quark, lk_client_error)
G_DEFINE_QUARK (lk-store-error-quark, lk_store_error)
