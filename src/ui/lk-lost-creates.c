/* lk-lost-creates.c: keys made without a secret anyone has, offered for deletion
 *
 * A create of an earlier run whose reply never came, asked again past the
 * platform's idempotency window: the platform made the key, but will not
 * give its secret again, and the keyring does not have it (custody issue,
 * point 2).  The key opens nothing anyone can use.  The user is told which
 * key it is and chooses: delete it, or keep it.  Either answer settles the
 * record; closing the question without one leaves it for the next start.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-lost-creates"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lk-key-rules.h"
#include "lk-lost-creates.h"

typedef struct {
  GtkWindow *parent;      /* weak */
  LkClient  *client;
  GPtrArray *lost;        /* LkLostCreate */
  guint      next;
} Asking;

static void ask_next (Asking *asking);

static void
asking_free (Asking *asking)
{
  g_clear_weak_pointer (&asking->parent);
  g_clear_object (&asking->client);
  g_clear_pointer (&asking->lost, g_ptr_array_unref);
  g_free (asking);
}

static void
on_dismissed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Asking *asking = user_data;
  g_autoptr (GError) error = NULL;

  if (!lk_client_dismiss_lost_create_finish (LK_CLIENT (source), result, &error))
    g_debug ("A lost create could not be dismissed: %s", error->message);

  ask_next (asking);
}

static void
dismiss (Asking       *asking,
         LkLostCreate *lost)
{
  lk_client_dismiss_lost_create_async (asking->client, lost, NULL, on_dismissed, asking);
}

static void
on_deleted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Asking *asking = user_data;
  LkLostCreate *lost = g_ptr_array_index (asking->lost, asking->next - 1);
  g_autoptr (GError) error = NULL;

  if (!lk_client_delete_key_finish (LK_CLIENT (source), result, &error) &&
      !g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND))
    {
      /* Not settled: the next start asks again. */
      g_debug ("A lost create's key could not be deleted: %s", error->message);
      ask_next (asking);
      return;
    }

  dismiss (asking, lost);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  Asking *asking = user_data;
  LkLostCreate *lost = g_ptr_array_index (asking->lost, asking->next - 1);

  if (g_str_equal (response, "delete"))
    lk_client_delete_key_async (asking->client, lk_api_key_get_id (lost->key), NULL,
                                on_deleted, asking);
  else if (g_str_equal (response, "keep"))
    dismiss (asking, lost);
  else
    ask_next (asking);
}

static void
ask_next (Asking *asking)
{
  LkLostCreate *lost;
  GtkWidget *dialog;
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;
  g_autoptr (GDateTime) sent = NULL;
  g_autofree char *when = NULL;

  if (asking->next >= asking->lost->len || asking->parent == NULL)
    {
      asking_free (asking);
      return;
    }

  lost = g_ptr_array_index (asking->lost, asking->next++);
  name = lk_key_name_make_visible (lost->name);
  sent = g_date_time_new_from_unix_local (lost->first_sent);
  /* Translators: when a key was asked for, in g_date_time_format() syntax */
  when = g_date_time_format (sent, _("%b %-d, %Y at %H:%M"));
  /* Translators: the first %s is a key's name, the second a date and
   * time ("Feb 25, 2027 at 14:05") */
  body = g_strdup_printf (_("The key “%s” was created on %s, but its reply never arrived, and the platform no longer gives its secret again. Nothing can sign in with it. Delete it?"),
                          name, when);

  dialog = adw_message_dialog_new (asking->parent, _("A Key Without Its Secret"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "later", _("_Ask Later"),
                                    "keep", _("_Keep"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "later");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), asking);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
lk_lost_creates_ask (GtkWindow *parent,
                     LkClient  *client,
                     GPtrArray *lost)
{
  Asking *asking;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (LK_IS_CLIENT (client));
  g_return_if_fail (lost != NULL);

  if (lost->len == 0)
    {
      g_ptr_array_unref (lost);
      return;
    }

  asking = g_new0 (Asking, 1);
  g_set_weak_pointer (&asking->parent, parent);
  asking->client = g_object_ref (client);
  asking->lost = lost;
  ask_next (asking);
}
