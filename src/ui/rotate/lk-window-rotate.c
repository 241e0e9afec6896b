/* lk-window-rotate.c: the window's rotation actions, and retiring keys
 *
 *   win.rotate-selected  the rotate dialog for the selected keys
 *                        needs "API Keys: Write" and "API Keys: Delete"
 *   win.delete-now       deletes the selected keys whose deletion a
 *                        rotation scheduled, now      needs "API Keys: Delete"
 *   win.keep-key         cancels those deletions: the keys are kept
 *
 * and lk_window_rotate_key() (app.rotate-key, from an expiry
 * notification).  The scheduled deletions (LkRetirements) are read for
 * the signed-in platform, drawn by the key list ("Retires in 23 hours")
 * and read again after each rotation and each change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-account-popover.h"
#include "lk-key-rules.h"
#include "lk-rotate-dialog.h"
#include "lk-rotation.h"
#include "lk-time.h"
#include "lk-window-private.h"
#include "lk-client.h"

/* ---- When the actions are enabled ---- */

static gboolean
can_rotate (LkWindow *self)
{
  return lk_session_get_can_write (self->session) && lk_session_get_can_delete (self->session);
}

/* What the signed-in key lacks to rotate, or NULL. */
static char *
describe_missing (LkWindow *self)
{
  if (!lk_session_get_signed_in (self->session))
    return NULL;
  if (!lk_session_get_can_write (self->session))
    return lk_account_describe_need (LK_ACCESS_WRITE);
  if (!lk_session_get_can_delete (self->session))
    return lk_account_describe_need (LK_ACCESS_DELETE);
  return NULL;
}

/* How many selected keys have a deletion scheduled. */
static guint
count_retiring (LkWindow *self)
{
  g_autoptr (GPtrArray) keys = lk_keys_view_get_selected_keys (self->keys_view);
  guint n = 0;

  for (guint i = 0; i < keys->len; i++)
    if (lk_retirements_get (self->retirements, lk_api_key_get_id (g_ptr_array_index (keys, i))) != 0)
      n++;

  return n;
}

void
_lk_window_rotate_update (LkWindow *self)
{
  guint n_selected, n_retiring;
  GtkWidget *button;
  g_autofree char *missing = NULL;

  if (self->keys_view == NULL || self->retirements == NULL)
    return;

  n_selected = lk_keys_view_get_n_selected (self->keys_view);
  n_retiring = n_selected > 0 ? count_retiring (self) : 0;
  button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self->keys_view),
                                                      LK_TYPE_KEYS_VIEW, "rotate_button"));
  missing = describe_missing (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rotate-selected",
                                 can_rotate (self) && n_selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-now",
                                 lk_session_get_can_delete (self->session) && n_retiring > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.keep-key", n_retiring > 0);

  if (button != NULL)
    gtk_widget_set_tooltip_text (button, missing != NULL ? missing
                                                         : _("Rotate…"));
}

static void
on_retirements_changed (LkWindow *self)
{
  if (self->keys_view == NULL)
    return;
  lk_keys_view_set_retire_times (self->keys_view, lk_retirements_get_times (self->retirements));
  _lk_window_rotate_update (self);
}

void
_lk_window_rotate_follow (LkWindow *self,
                          LkClient *client)
{
  g_assert (LK_IS_WINDOW (self));

  if (self->retirements != NULL)
    lk_retirements_set_platform (self->retirements, client != NULL ? lk_client_get_platform (client) : NULL);
}

void
_lk_window_rotate_reload (LkWindow *self)
{
  g_return_if_fail (LK_IS_WINDOW (self));

  if (self->retirements != NULL)
    lk_retirements_reload (self->retirements);
}

/* ---- Rotating ---- */

static void
open_dialog (LkWindow  *self,
             GPtrArray *keys)
{
  LkRotateDialog *dialog;

  if (keys->len == 0 || !can_rotate (self))
    return;

  dialog = lk_rotate_dialog_new (GTK_WINDOW (self), lk_session_get_client (self->session), keys);
  g_signal_connect_object (dialog, "rotated", G_CALLBACK (_lk_window_rotate_reload),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rotate_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);
  g_autoptr (GPtrArray) keys = lk_keys_view_get_selected_keys (lk_window_get_keys_view (self));

  open_dialog (self, keys);
}

#define PENDING_ROTATE "lk-window-pending-rotate"

static LkApiKey *
find_listed (LkWindow   *self,
             const char *key_id)
{
  LkClient *client = lk_session_get_client (self->session);
  GListModel *keys;
  guint n;

  if (client == NULL || lk_client_get_loading (client))
    return NULL;

  keys = lk_client_get_keys (client);
  n = g_list_model_get_n_items (keys);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
        return g_steal_pointer (&key);
    }

  return NULL;
}

static gboolean
rotate_listed (LkWindow   *self,
               const char *key_id)
{
  g_autoptr (LkApiKey) key = find_listed (self, key_id);
  g_autoptr (GPtrArray) keys = NULL;
  g_autofree char *missing = NULL;

  if (key == NULL)
    return FALSE;

  lk_keys_view_select_key (lk_window_get_keys_view (self), key_id);
  missing = describe_missing (self);
  if (missing != NULL)
    {
      /* Translators: %s says what the signed-in key lacks ("Needs API
       * Keys: Delete") */
      g_autofree char *text = g_strdup_printf (_("This key cannot rotate keys. %s."), missing);

      lk_window_show_toast (self, text);
      return TRUE;
    }

  keys = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (keys, g_steal_pointer (&key));
  open_dialog (self, keys);
  return TRUE;
}

static void
on_pending_state (LkWindow *self)
{
  const char *key_id = g_object_get_data (G_OBJECT (self), PENDING_ROTATE);
  g_autofree char *state = NULL;

  g_object_get (lk_window_get_keys_view (self), "state", &state, NULL);
  if (key_id == NULL || g_strcmp0 (state, "list") != 0 || !rotate_listed (self, key_id))
    return;

  g_object_set_data (G_OBJECT (self), PENDING_ROTATE, NULL);
  g_signal_handlers_disconnect_by_func (lk_window_get_keys_view (self), on_pending_state, self);
}

void
lk_window_rotate_key (LkWindow   *self,
                      const char *key_id)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  g_return_if_fail (key_id != NULL);

  g_signal_handlers_disconnect_by_func (lk_window_get_keys_view (self), on_pending_state, self);
  g_object_set_data (G_OBJECT (self), PENDING_ROTATE, NULL);
  if (rotate_listed (self, key_id))
    return;

  /* Not listed yet (signing in, listing): once it is. */
  g_object_set_data_full (G_OBJECT (self), PENDING_ROTATE, g_strdup (key_id), g_free);
  g_signal_connect_object (lk_window_get_keys_view (self), "notify::state", G_CALLBACK (on_pending_state),
                           self, G_CONNECT_SWAPPED);
}

/* ---- Scheduled deletions: now, or never ---- */

typedef struct {
  LkWindow  *window;     /* a reference */
  GPtrArray *key_ids;    /* char *: still to reschedule */
  GPtrArray *names;      /* char *: their names, for the toast */
  gint64     delete_at;  /* now, or 0: kept */
  guint      next;
} Reschedule;

static void
reschedule_free (Reschedule *op)
{
  g_object_unref (op->window);
  g_ptr_array_unref (op->key_ids);
  g_ptr_array_unref (op->names);
  g_free (op);
}

static void reschedule_next (Reschedule *op);

static void
on_due_deleted (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  LkWindow *self = user_data;
  g_autoptr (GPtrArray) failed = NULL;
  g_autoptr (GPtrArray) deleted = NULL;
  g_autoptr (GError) error = NULL;

  deleted = lk_rotation_run_due_finish (result, &failed, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  for (guint i = 0; deleted != NULL && i < deleted->len; i++)
    {
      g_autofree char *name = lk_key_name_make_visible (g_ptr_array_index (deleted, i));
      /* Translators: %s is the name of a key deleted after its rotation */
      g_autofree char *text = g_strdup_printf (_("Deleted “%s”"), name);

      lk_window_show_toast (self, text);
    }
  if ((failed != NULL && failed->len > 0) || error != NULL)
    {
      g_autoptr (GString) text = g_string_new (NULL);

      /* Errors explain themselves at length: the banner, one a line. */
      for (guint i = 0; failed != NULL && i < failed->len; i++)
        {
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, ((GError *) g_ptr_array_index (failed, i))->message);
        }
      if (error != NULL)
        {
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, error->message);
        }
      lk_window_show_error (self, text->str, NULL);
    }

  _lk_window_rotate_reload (self);
}

static void
on_rescheduled (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Reschedule *op = user_data;
  g_autoptr (GError) error = NULL;

  if (!lk_rotation_reschedule_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          reschedule_free (op);
          return;
        }
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        lk_window_show_error (op->window, error->message, NULL);
    }
  else if (op->delete_at == 0)
    {
      g_autofree char *name = lk_key_name_make_visible (g_ptr_array_index (op->names, op->next));
      /* Translators: %s is the name of a key whose scheduled deletion was
       * cancelled */
      g_autofree char *text = g_strdup_printf (_("“%s” is kept: it will not be deleted"), name);

      lk_window_show_toast (op->window, text);
    }

  op->next++;
  reschedule_next (op);
}

static void
reschedule_next (Reschedule *op)
{
  LkWindow *self = op->window;
  LkClient *client = lk_session_get_client (self->session);

  if (op->next < op->key_ids->len)
    {
      lk_rotation_reschedule_async (lk_client_get_platform (client),
                                    g_ptr_array_index (op->key_ids, op->next), op->delete_at,
                                    self->cancellable, on_rescheduled, op);
      return;
    }

  /* Brought forward: due now, so deleted now. */
  if (op->delete_at != 0)
    lk_rotation_run_due_async (client, self->cancellable, on_due_deleted, self);
  else
    _lk_window_rotate_reload (self);
  reschedule_free (op);
}

static void
reschedule_selected (LkWindow *self,
                     gint64    delete_at)
{
  g_autoptr (GPtrArray) keys = lk_keys_view_get_selected_keys (lk_window_get_keys_view (self));
  Reschedule *op;

  if (lk_session_get_client (self->session) == NULL)
    return;

  op = g_new0 (Reschedule, 1);
  op->window = g_object_ref (self);
  op->key_ids = g_ptr_array_new_with_free_func (g_free);
  op->names = g_ptr_array_new_with_free_func (g_free);
  op->delete_at = delete_at;
  for (guint i = 0; i < keys->len; i++)
    {
      LkApiKey *key = g_ptr_array_index (keys, i);

      if (lk_retirements_get (self->retirements, lk_api_key_get_id (key)) == 0)
        continue;
      g_ptr_array_add (op->key_ids, g_strdup (lk_api_key_get_id (key)));
      g_ptr_array_add (op->names, g_strdup (lk_api_key_get_name (key)));
    }
  reschedule_next (op);
}

static void
delete_now_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  if (lk_session_get_can_delete (self->session))
    reschedule_selected (self, lk_time_now ());
}

static void
keep_key_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  reschedule_selected (LK_WINDOW (widget), 0);
}

/* ---- Setting up ---- */

void
_lk_window_rotate_init (LkWindow *self)
{
  self->retirements = lk_retirements_new ();
  g_signal_connect_object (self->retirements, "changed",
                           G_CALLBACK (on_retirements_changed), self, G_CONNECT_SWAPPED);
}

void
_lk_window_class_rotate_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.rotate-selected", NULL, rotate_selected_action);
  gtk_widget_class_install_action (widget_class, "win.delete-now", NULL, delete_now_action);
  gtk_widget_class_install_action (widget_class, "win.keep-key", NULL, keep_key_action);
}
