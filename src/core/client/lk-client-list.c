/* lk-client-list.c: listing the keys, and the keys model it fills
 *
 * A list reads the tenant's keys page by page into the client's one
 * LkKeyList: the first page replaces what the model held, later pages
 * are gathered and put in the model in batches.  Two pages are asked for
 * at a time, so the platform never idles between them; replies may come
 * out of order and are read in order.  At the end, the keyring marks which
 * keys have a secret stored here (lk-client-keyring.c).
 *
 * A list believes the "total" of each page only so far: past the client's
 * bound (lk_client_set_list_limit()), a platform that still says there
 * are more keys is not believed, and the list stops with an error,
 * keeping what it read.
 *
 * A list cut short (cancelled, or an error) notes how many keys it read;
 * a session exported then carries them, and the client that imports it
 * reads on from there with its first list (lk-client-session.c).
 *
 * A new list replaces the one in progress.  Creates and deletes change the
 * model through lk_client_keys_append() and lk_client_keys_remove(), which
 * know about the keys a list has read but not yet shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-list"

#include "config.h"

#include "lk-client-private.h"
#include "lk-wire.h"

/* After the first page, a list puts its keys in the store once this many
 * have arrived, or LIST_BATCH_MS after the first of them arrived, whichever
 * comes first (and always at the end).  Every change of the store goes
 * through the window's sorting, search, selection and table, and what the
 * main loop spends there the next pages wait for: the first page shows at
 * once, a list of 10,000 keys then comes in one go, a longer one four
 * times a second. */
#define LIST_BATCH_KEYS             20000
#define LIST_BATCH_MS               250
/* Pages asked for ahead of the one being read: a second request waits at
 * the platform while it answers the first, so it never idles between
 * them (libsoup opens a second connection for it). */
#define LIST_PAGES_IN_FLIGHT        2

/* One page of a list, asked for; its reply, once it came (pages may come
 * out of order over the two connections, and are read in order). */
typedef struct {
  guint         offset;
  GCancellable *cancellable;
  gulong        cancel_id;
  GBytes       *body;           /* or @error, once it arrived */
  GError       *error;
} Page;

typedef struct {
  LkClientChain chain;
  guint         offset;           /* of the next page to read */
  guint         limit;
  guint         max_keys;         /* the client's bound, when the list began */
  gboolean      first_page;
  guint         total;            /* as the latest page gave it */
  gboolean      have_total;
  GQueue        pages;            /* Page requests in flight or arrived, by offset */
  guint         asked;            /* the offset of the next page to ask for */
  gboolean      pages_done;       /* no page reply is wanted any more */
} ListOp;

static gboolean
page_arrived (const Page *page)
{
  return page->body != NULL || page->error != NULL;
}

static void
page_free (Page   *page,
           ListOp *op)
{
  if (page->cancellable != NULL)
    lk_client_cancellable_unchain (op->chain.cancellable, &page->cancel_id);
  g_clear_object (&page->cancellable);
  g_clear_pointer (&page->body, g_bytes_unref);
  g_clear_error (&page->error);
  g_free (page);
}

static void
list_op_free (ListOp *op)
{
  Page *page;

  while ((page = g_queue_pop_head (&op->pages)) != NULL)
    page_free (page, op);
  lk_client_chain_clear (&op->chain);
  g_free (op);
}

/* ------------------------------------------------------------------------
 * The keys model
 * ------------------------------------------------------------------------ */

/* Puts the keys gathered so far at the end of the store. */
static void
list_flush (LkClient *self)
{
  lk_client_clear_timeout (&self->list_flush);

  if (self->list_pending == NULL || self->list_pending->len == 0)
    return;

  lk_key_list_splice (self->keys, g_list_model_get_n_items (G_LIST_MODEL (self->keys)), 0,
                       self->list_pending->pdata, self->list_pending->len);
  g_ptr_array_set_size (self->list_pending, 0);
}

static gboolean
on_list_flush_timeout (gpointer user_data)
{
  LkClient *self = user_data;

  /* Removed in dispose, so the client is alive. */
  g_clear_pointer (&self->list_flush, g_source_unref);
  list_flush (self);

  return G_SOURCE_REMOVE;
}

/* Takes the keys of one page: the first page replaces what the store held,
 * later ones are gathered and put in the store in batches. */
static void
list_add_page (LkClient  *self,
               ListOp    *op,
               GPtrArray *items)
{
  if (op->first_page)
    {
      list_flush (self);
      lk_key_list_splice (self->keys, 0, g_list_model_get_n_items (G_LIST_MODEL (self->keys)),
                           items->pdata, items->len);
      op->first_page = FALSE;
      return;
    }

  if (self->list_pending == NULL)
    self->list_pending = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (self->list_pending, g_object_ref (g_ptr_array_index (items, i)));

  if (self->list_pending->len >= LIST_BATCH_KEYS)
    list_flush (self);
  else if (self->list_pending->len > 0 && self->list_flush == NULL)
    self->list_flush = lk_client_add_timeout (LIST_BATCH_MS, on_list_flush_timeout, self,
                                              "[layer-keys] list batch");
}

void
lk_client_keys_append (LkClient *self,
                       LkApiKey *key)
{
  g_assert (LK_IS_CLIENT (self));
  g_assert (LK_IS_API_KEY (key));

  /* After the keys a list has read so far, as before batching. */
  list_flush (self);
  lk_key_list_append (self->keys, key);
}

void
lk_client_keys_remove (LkClient   *self,
                       const char *key_id)
{
  guint n;

  g_assert (LK_IS_CLIENT (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->keys));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (self->keys), i);

      if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
        {
          lk_key_list_remove (self->keys, i);
          return;
        }
    }

  /* Read by the list in progress but not yet in the store. */
  for (guint i = 0; self->list_pending != NULL && i < self->list_pending->len; i++)
    {
      if (g_strcmp0 (lk_api_key_get_id (g_ptr_array_index (self->list_pending, i)), key_id) == 0)
        {
          g_ptr_array_remove_index (self->list_pending, i);
          return;
        }
    }
}

void
lk_client_list_dispose (LkClient *self)
{
  g_assert (LK_IS_CLIENT (self));

  g_clear_object (&self->list_cancellable);
  lk_client_clear_timeout (&self->list_flush);
  g_clear_pointer (&self->list_pending, g_ptr_array_unref);
}

/* ------------------------------------------------------------------------
 * Listing
 * ------------------------------------------------------------------------ */

/* Drops the page requests in flight, if any: their replies are not
 * wanted. */
static void
list_stop_pages (ListOp *op)
{
  Page *page;

  op->pages_done = TRUE;
  while ((page = g_queue_pop_head (&op->pages)) != NULL)
    {
      if (page->cancellable != NULL)
        g_cancellable_cancel (page->cancellable);
      page_free (page, op);
    }
}

/* Ends a list: the error (or NULL for success) goes to the caller. */
static void
list_done (GTask  *task,
           GError *error)
{
  LkClient *self = g_task_get_source_object (task);
  ListOp *op = g_task_get_task_data (task);

  list_stop_pages (op);

  if (!lk_client_disposed (self) && self->list_cancellable == op->chain.cancellable)
    {
      gboolean complete = error == NULL && !g_cancellable_is_cancelled (op->chain.cancellable);

      /* The pages that did arrive stay, as they would have one by one. */
      list_flush (self);
      g_clear_object (&self->list_cancellable);
      if (complete)
        self->listed_at = g_get_monotonic_time ();
      /* Cut short: what it read can be handed on with the session (see
       * lk_client_export_session()), for another client to read on. */
      self->list_read = !complete && !op->first_page ? op->offset : 0;
      lk_client_set_loading (self, FALSE);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

static void
on_keys_marked (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (!lk_client_keyring_mark_finish (LK_CLIENT (source), result, &error))
    list_done (task, error);
  else
    list_done (task, NULL);
}

static void list_fetch_page (GTask *task,
                             guint  offset);

/* Asks for the pages after those in flight, up to LIST_PAGES_IN_FLIGHT,
 * as far as the total the latest page gave says there are: a list never
 * asks for a page it does not need, unless the keys shrink meanwhile. */
static void
list_fetch_ahead (GTask *task)
{
  ListOp *op = g_task_get_task_data (task);

  while (g_queue_get_length (&op->pages) < LIST_PAGES_IN_FLIGHT)
    {
      if (!op->have_total || op->asked >= op->total || op->asked >= op->max_keys)
        return;
      list_fetch_page (task, op->asked);
    }
}

/* Reads the page at the head of the queue; FALSE when the list ended
 * (well or not). */
static gboolean
list_read_page (GTask *task,
                Page  *page)
{
  LkClient *self = g_task_get_source_object (task);
  ListOp *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;
  guint offset = 0;
  guint total = 0;
  gsize length;
  const char *data;

  if (page->error != NULL)
    {
      list_done (task, g_steal_pointer (&page->error));
      return FALSE;
    }

  data = g_bytes_get_data (page->body, &length);
  if (!lk_wire_parse_key_page (data, length, &items, &offset, &total, &error))
    {
      list_done (task, lk_client_error_unreadable (error));
      return FALSE;
    }

  if (offset != op->offset || items->len > op->limit)
    {
      g_debug ("list page: asked for offset %u limit %u, got offset %u with %u items",
               op->offset, op->limit, offset, items->len);
      list_done (task, lk_client_error_malformed ());
      return FALSE;
    }

  list_add_page (self, op, items);

  op->offset += items->len;
  op->total = total;
  op->have_total = TRUE;

  /* A short page is the last; so is reaching the total the platform gave
   * with its latest page (it may change while we read). */
  if (items->len < op->limit || op->offset >= total)
    {
      list_stop_pages (op);
      list_flush (self);
      if (self->store != NULL)
        lk_client_keyring_mark_async (self, op->chain.cancellable,
                                      on_keys_marked, g_object_ref (task));
      else
        list_done (task, NULL);
      return FALSE;
    }

  /* More than any tenant holds, and still not the end: a platform that
   * lies about its total would have us read forever. */
  if (op->offset >= op->max_keys)
    {
      g_debug ("list: %u keys read, the platform says %u: stopping", op->offset, total);
      list_done (task, lk_client_error_list_too_long (op->max_keys));
      return FALSE;
    }

  return TRUE;
}

static Page *
list_find_page (ListOp       *op,
                GCancellable *cancellable)
{
  for (GList *l = op->pages.head; l != NULL; l = l->next)
    {
      Page *page = l->data;

      if (page->cancellable != NULL && page->cancellable == cancellable)
        return page;
    }

  return NULL;
}

static void
on_list_page (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  /* Each page request holds a reference on the list. */
  g_autoptr(GTask) task = user_data;
  ListOp *op;
  g_autoptr(LkClientReply) reply = NULL;
  GError *error = NULL;
  Page *page;

  g_assert (G_IS_TASK (task));
  op = g_task_get_task_data (task);

  reply = lk_client_request_finish (result, &error);

  /* A request dropped when the list ended without it. */
  if (op->pages_done)
    {
      g_clear_error (&error);
      return;
    }

  page = list_find_page (op, g_task_get_cancellable (G_TASK (result)));
  if (page == NULL)
    {
      /* not ours any more (cannot happen while the pages are kept) */
      g_clear_error (&error);
      return;
    }

  lk_client_cancellable_unchain (op->chain.cancellable, &page->cancel_id);
  g_clear_object (&page->cancellable);
  if (reply != NULL)
    page->body = g_bytes_ref (reply->body);
  else
    page->error = error;
  g_clear_pointer (&reply, lk_client_reply_free);

  if (g_cancellable_is_cancelled (op->chain.cancellable))
    {
      list_done (task, lk_client_error_cancelled ());
      return;
    }

  /* The pages that are there, in order; the next ones asked for before
   * each is read, so the platform works on them meanwhile. */
  while ((page = g_queue_peek_head (&op->pages)) != NULL && page_arrived (page))
    {
      g_queue_pop_head (&op->pages);
      list_fetch_ahead (task);
      if (!list_read_page (task, page))
        {
          page_free (page, op);
          return;
        }
      page_free (page, op);
    }

  /* More to read: the total may have grown past what is asked for. */
  list_fetch_ahead (task);
  if (g_queue_is_empty (&op->pages))
    list_fetch_page (task, op->offset);
}

/* Asks for the page at @offset; the request holds a reference on the list. */
static void
list_fetch_page (GTask *task,
                 guint  offset)
{
  LkClient *self = g_task_get_source_object (task);
  ListOp *op = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  Page *page = g_new0 (Page, 1);

  /* Its own cancellable, so that a list that ends while it is in flight
   * can drop it. */
  page->offset = offset;
  op->asked = MAX (op->asked, offset + op->limit);
  page->cancellable = g_cancellable_new ();
  page->cancel_id = lk_client_cancellable_chain (op->chain.cancellable, page->cancellable);
  g_queue_push_tail (&op->pages, page);

  path = g_strdup_printf ("%s?%s=%u&%s=%u", LK_WIRE_PATH_KEYS,
                          LK_WIRE_QUERY_OFFSET, offset,
                          LK_WIRE_QUERY_LIMIT, op->limit);
  lk_client_request_async (self, SOUP_METHOD_GET, path, NULL, NULL, NULL,
                           page->cancellable, on_list_page, g_object_ref (task));
}

void
lk_client_list_keys_async (LkClient            *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListOp *op;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (ListOp, 1);
  task = lk_client_op_new (self, lk_client_list_keys_async, op, &op->chain,
                           (GDestroyNotify) list_op_free,
                           cancellable, callback, user_data);
  op->offset = 0;
  op->limit = CLAMP (self->page_size, 1, LK_WIRE_PAGE_LIMIT_MAX);
  op->max_keys = self->max_listed;
  op->first_page = TRUE;

  /* A new list replaces the one in progress; what that one had read stays
   * until the first page of this one replaces it. */
  if (self->list_cancellable != NULL)
    g_cancellable_cancel (self->list_cancellable);
  list_flush (self);
  self->list_read = 0;

  /* The first list after importing a session whose list was cut short
   * (LkAccountPrefetch hurried at start-up) reads on from where that one
   * stopped, its keys kept, rather than read them all again: the pages
   * come one after another just the same, and what the platform changed
   * meanwhile is as for any page of a list.  Only while the keys model
   * still holds exactly what was imported. */
  if (self->list_resume > 0 &&
      self->list_resume == g_list_model_get_n_items (G_LIST_MODEL (self->keys)) &&
      self->list_resume < op->max_keys)
    {
      op->offset = self->list_resume;
      op->first_page = FALSE;
    }
  self->list_resume = 0;
  g_set_object (&self->list_cancellable, op->chain.cancellable);
  lk_client_set_loading (self, TRUE);

  if (!lk_client_has_credentials (self))
    {
      list_done (task, lk_client_error_not_signed_in ());
      return;
    }

  list_fetch_page (task, op->offset);
}

gboolean
lk_client_list_keys_finish (LkClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_list_keys_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
