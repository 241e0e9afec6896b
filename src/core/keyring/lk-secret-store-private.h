/* lk-secret-store-private.h: LkSecretStore, one class over four files
 *
 *   lk-secret-store.c          the class: its three operations as the base
 *                              class calls them, checked and handed on
 *   lk-secret-store-op.c       one operation's life: its task, its own
 *                              cancellable, its timer; it ends exactly once,
 *                              with an error a person can read
 *   lk-secret-store-service.c  the connection to the Secret Service and what
 *                              we know of the default collection: the fast
 *                              path while it is unlocked (and for a search
 *                              while it is not known yet), the full chain
 *                              (look it up, unlock it) otherwise
 *   lk-secret-store-items.c    store, search and clear, against the service,
 *                              by D-Bus object path (see there why)
 *
 * Every operation is a GTask whose task data is an LkSecretStoreOp and
 * whose source object is the store: the files hand the task on, and each
 * step first asks lk_secret_store_op_stopped() whether it may go on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-keyring-private.h"

G_BEGIN_DECLS

struct _LkSecretStore
{
  LkCredentialStore  parent_instance;

  /* Connected lazily, then kept: an instance of our own, never libsecret's
   * shared one, and without SECRET_SERVICE_LOAD_COLLECTIONS (see
   * lk-secret-store-items.c) */
  SecretService     *service;
  GDBusConnection   *bus;           /* the session bus, held while we live */
  GCancellable      *cancellable;   /* cancelled in dispose */
  /* lk_secret_store_new_quiet(): never a prompt */
  gboolean           quiet;
  /* The collection items are stored in: SECRET_COLLECTION_DEFAULT, or
   * SECRET_COLLECTION_SESSION for the demo (lk_secret_store_new_demo()),
   * whose labels then say so. */
  const char        *alias;
  gboolean           demo;

  /* The default collection, looked up once; NULL until then, or after the
   * service changed its collections or said it does not exist. */
  SecretCollection  *collection;
  gulong             locked_handler;
  gulong             signal_handler;       /* see on_default_signal() */
  gulong             properties_handler;   /* the service's Collections */
  /* TRUE once the default collection was seen unlocked (or we unlocked
   * it); FALSE again when it reports itself locked or an operation finds
   * something locked. */
  gboolean           default_unlocked;
};

typedef enum {
  LK_SECRET_STORE_OP_STORE,
  LK_SECRET_STORE_OP_SEARCH,
  LK_SECRET_STORE_OP_CLEAR,
} LkSecretStoreOpKind;

typedef struct {
  LkSecretStoreOpKind  kind;
  LkSchemaKind         schema_kind;
  const SecretSchema  *schema;
  GHashTable          *attributes;
  char                *label;             /* store only */
  SecretValue         *value;             /* store only */
  gboolean             with_secrets;      /* search only */
  guint                n_matching;        /* clear only: how many we removed */

  /* One pass over the items a search by path found */
  char               **unlocked;          /* their paths */
  char               **locked;
  guint                n_pending;         /* item reads or deletes under way */
  guint                n_locked;          /* matches that stayed locked */
  GPtrArray           *found;             /* search only: of LkStoredItem */
  GError              *item_error;        /* the first error of an item */
  gboolean             exact;             /* clear only: exactly @attributes */

  GCancellable        *cancellable;       /* ours: the timer, the caller and dispose cancel it */
  GCancellable        *caller_cancellable;
  gulong               caller_handler;
  GCancellable        *store_cancellable;
  gulong               store_handler;
  SecretService       *service;
  GSource             *timeout;           /* on the thread-default main context */
  gboolean             prompting;         /* our unlock of the default collection is running */
  gboolean             fast;              /* running without the lock checks */
  gboolean             retried;           /* fell back to the full chain once already */
  gboolean             finished;
} LkSecretStoreOp;

/* ---- lk-secret-store-op.c ---- */

/* An operation of @kind on the items of @schema matching @attributes
 * (copied). */
LkSecretStoreOp *lk_secret_store_op_new          (LkSecretStoreOpKind   kind,
                                                  LkSchemaKind          schema,
                                                  GHashTable           *attributes);
/* Takes @op and runs it: connect, then the fast path or the full chain,
 * then the operation itself, all under one timer. */
void             lk_secret_store_op_start        (LkSecretStore        *self,
                                                  LkSecretStoreOp      *op,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data,
                                                  gpointer              source_tag);
/* Complete @task unless it already is (the timer may have been first). */
void             lk_secret_store_op_return_error   (GTask              *task,
                                                    GError             *error);
void             lk_secret_store_op_return_pointer (GTask              *task,
                                                    gpointer            result,
                                                    GDestroyNotify      result_destroy);
void             lk_secret_store_op_return_boolean (GTask              *task);
/* Between two steps: TRUE when the task is done or was cancelled (and is
 * now done), so the next step must not start. */
gboolean         lk_secret_store_op_stopped        (GTask              *task);

/* What libsecret or D-Bus said, as an LK_STORE_ERROR (@connecting: while
 * connecting, where any I/O error means there is no session bus). */
GError          *lk_secret_store_map_error         (const GError       *error,
                                                    gboolean            connecting);
gboolean         lk_secret_store_is_no_service_error (const GError     *error,
                                                      gboolean          connecting);

/* ---- lk-secret-store-service.c ---- */

/* Takes @task: connects first if the store is not connected yet. */
void             lk_secret_store_connect           (GTask              *task);
/* Whether a fast operation's error means "look again, unlocking": the
 * collection is locked (@out_gone FALSE) or no longer exists (TRUE). */
gboolean         lk_secret_store_needs_full_chain  (const GError       *error,
                                                    gboolean           *out_gone);
/* A fast operation met something locked or gone: forget what we knew and
 * run the operation once more through the full chain. */
void             lk_secret_store_op_fall_back      (GTask              *task,
                                                    gboolean            gone);
void             lk_secret_store_drop_service      (LkSecretStore      *self);

/* ---- lk-secret-store-items.c ---- */

/* The operation itself, on @service. */
void             lk_secret_store_op_run            (GTask              *task,
                                                    SecretService      *service);

G_END_DECLS
