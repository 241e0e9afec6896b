/* lk-credential-store-private.h: the base class, one class over two files
 *
 *   lk-credential-store.c           the class, its items, and API keys: save
 *                                   (replacing outdated copies), look up,
 *                                   find, forget
 *   lk-credential-store-accounts.c  the admin's own sign-ins: remember,
 *                                   find, list, forget
 *
 * Both build their attribute sets from the schemas (lk-keyring-private.h)
 * and refuse, before any implementation is asked, what is missing a part.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-keyring-private.h"

G_BEGIN_DECLS

static inline gboolean
lk_str_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

/* Completes @task with LK_STORE_ERROR_INVALID and @message. */
void lk_credential_store_return_invalid (GTask        *task,
                                         const char   *message);

/* The callback of a clear_async whose task finishes TRUE once the items
 * are gone (also when there were none), or with the implementation's
 * error. */
void lk_credential_store_forgotten_cb   (GObject      *source,
                                         GAsyncResult *result,
                                         gpointer      user_data);

G_END_DECLS
