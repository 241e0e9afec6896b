/* lk-client-session.c: handing a signed-in session to another client
 *
 * What a client that signed in and listed the keys knows (its token,
 * whoami and keys) goes to another client of the same platform and
 * credentials, possibly in another thread: LkAccountPrefetch signs in and
 * lists while GTK starts, then the window's client takes it over.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-session"

#include "config.h"

#include "lk-client-private.h"

struct _LkClientSession
{
  char      *token;              /* wiped */
  gint64     token_valid_until;  /* monotonic µs: the same clock in every thread */
  LkApiKey  *whoami;
  GPtrArray *keys;
  gint64     listed_at;          /* 0: @keys are what a list cut short read */
};

void
lk_client_session_free (LkClientSession *session)
{
  if (session == NULL)
    return;

  g_clear_pointer (&session->token, lk_secret_free);
  g_clear_object (&session->whoami);
  g_clear_pointer (&session->keys, g_ptr_array_unref);
  g_free (session);
}

GPtrArray *
lk_client_session_get_keys (LkClientSession *session)
{
  /* NULL: signed in, not listed */
  g_return_val_if_fail (session != NULL, NULL);

  return session->keys;
}

LkClientSession *
lk_client_export_session (LkClient *self)
{
  LkClientSession *session;
  guint n;

  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  if (self->token == NULL || self->whoami == NULL)
    return NULL;

  session = g_new0 (LkClientSession, 1);
  session->token = g_strdup (self->token);
  session->token_valid_until = self->token_valid_until;
  session->whoami = g_object_ref (self->whoami);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->keys));

  /* Signed in, but the keys not listed, or only some of them: the
   * session, with the keys a list cut short read (the first pages, in
   * the platform's order), for the importer to read on from there. */
  if (self->loading)
    return session;
  if (self->listed_at == 0 && (self->list_read == 0 || self->list_read != n))
    return session;

  session->listed_at = self->listed_at;
  session->keys = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (session->keys, g_list_model_get_item (G_LIST_MODEL (self->keys), i));

  return session;
}

void
lk_client_import_session (LkClient        *self,
                          LkClientSession *session)
{
  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (session != NULL);

  g_clear_pointer (&self->token, lk_secret_free);
  self->token = g_steal_pointer (&session->token);
  self->token_valid_until = session->token_valid_until;

  g_set_object (&self->whoami, session->whoami);
  if (session->keys != NULL)
    {
      lk_key_list_splice (self->keys, 0, g_list_model_get_n_items (G_LIST_MODEL (self->keys)),
                           session->keys->pdata, session->keys->len);
      self->listed_at = session->listed_at;
      /* Cut short: the next list reads on (lk-client-list.c). */
      self->list_resume = session->listed_at == 0 ? session->keys->len : 0;
    }
  lk_client_session_free (session);

  /* Even when it is the same key: whoever watches it now knows it signed in. */
  g_object_notify (G_OBJECT (self), "whoami");
}
