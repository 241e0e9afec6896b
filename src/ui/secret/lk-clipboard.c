/* lk-clipboard.c: copy a secret, and take it back off the clipboard
 *
 * A secret goes on the clipboard through a content provider of our own
 * whose bytes are wiped when the provider dies, offered with
 * `x-kde-passwordManagerHint: secret` so clipboard managers skip it.  We
 * remember each clipboard that holds one of our secrets together with
 * the provider we set: after the delay, and on quit, a clipboard whose
 * content is still that very provider (so nobody copied anything else
 * meanwhile) is emptied.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-clipboard"

#include "config.h"

#include <string.h>

#include "lk-api-key.h"
#include "lk-clipboard.h"

typedef struct {
  GdkClipboard       *clipboard;   /* weak: cleared when it goes away */
  GdkContentProvider *provider;    /* the content we set (owned) */
  guint               timeout_id;
  gulong              changed_id;
} Entry;

/* Entry*, one per clipboard holding a secret of ours. */
static GPtrArray *entries;

static void
entry_free (Entry *entry)
{
  g_clear_handle_id (&entry->timeout_id, g_source_remove);
  if (entry->clipboard != NULL)
    {
      g_clear_signal_handler (&entry->changed_id, entry->clipboard);
      g_object_remove_weak_pointer (G_OBJECT (entry->clipboard),
                                    (gpointer *) &entry->clipboard);
      entry->clipboard = NULL;
    }
  g_clear_object (&entry->provider);
  g_free (entry);
}

static void
forget_entry (Entry *entry)
{
  if (entries != NULL)
    g_ptr_array_remove (entries, entry);
}

/* TRUE while @entry's clipboard still shows the provider we set. */
static gboolean
entry_is_current (Entry *entry)
{
  return entry->clipboard != NULL &&
         gdk_clipboard_is_local (entry->clipboard) &&
         gdk_clipboard_get_content (entry->clipboard) == entry->provider;
}

/* Empties the clipboard when it still holds our secret, then forgets it. */
static void
entry_clear (Entry *entry)
{
  if (entry_is_current (entry))
    {
      /* Disconnect first: our own change must not re-enter. */
      g_clear_signal_handler (&entry->changed_id, entry->clipboard);
      gdk_clipboard_set_content (entry->clipboard, NULL);
    }
  forget_entry (entry);
}

static gboolean
on_clear_timeout (gpointer user_data)
{
  Entry *entry = user_data;

  entry->timeout_id = 0;
  entry_clear (entry);
  return G_SOURCE_REMOVE;
}

static void
on_clipboard_changed (GdkClipboard *clipboard,
                      gpointer      user_data)
{
  Entry *entry = user_data;

  /* Someone else put something there: our secret is gone already. */
  if (!entry_is_current (entry))
    forget_entry (entry);
}

static Entry *
find_entry (GdkClipboard *clipboard)
{
  if (entries == NULL)
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      if (entry->clipboard == clipboard)
        return entry;
    }

  return NULL;
}

/* The hint KDE's Klipper and other clipboard managers read to keep a
 * password out of their history. */
#define PASSWORD_MANAGER_HINT_MIME "x-kde-passwordManagerHint"

/* A provider over bytes that are overwritten when the provider is freed,
 * offered as UTF-8 text and as plain text, with the hint that it is a
 * secret beside them. */
static GdkContentProvider *
secret_provider_new (const char *text)
{
  static const char hint[] = "secret";
  gsize length = strlen (text);
  char *copy = g_strndup (text, length);
  g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (copy, length, (GDestroyNotify) lk_secret_free, copy);
  g_autoptr(GBytes) hint_bytes = g_bytes_new_static (hint, sizeof hint - 1);
  GdkContentProvider *providers[3];

  providers[0] = gdk_content_provider_new_for_bytes ("text/plain;charset=utf-8", bytes);
  providers[1] = gdk_content_provider_new_for_bytes ("text/plain", bytes);
  providers[2] = gdk_content_provider_new_for_bytes (PASSWORD_MANAGER_HINT_MIME, hint_bytes);

  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

void
lk_clipboard_copy (GtkWidget  *widget,
                   const char *text,
                   gboolean    is_secret,
                   guint       clear_after_seconds)
{
  GdkClipboard *clipboard;
  Entry *entry;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  clipboard = gtk_widget_get_clipboard (widget);

  /* Whatever secret of ours was there is replaced now. */
  entry = find_entry (clipboard);
  if (entry != NULL)
    forget_entry (entry);

  if (!is_secret)
    {
      gdk_clipboard_set_text (clipboard, text);
      return;
    }

  if (entries == NULL)
    entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);

  entry = g_new0 (Entry, 1);
  entry->clipboard = clipboard;
  g_object_add_weak_pointer (G_OBJECT (clipboard), (gpointer *) &entry->clipboard);
  entry->provider = secret_provider_new (text);

  gdk_clipboard_set_content (clipboard, entry->provider);

  entry->changed_id = g_signal_connect (clipboard, "changed",
                                        G_CALLBACK (on_clipboard_changed), entry);
  entry->timeout_id = g_timeout_add_seconds (MAX (clear_after_seconds, 1),
                                             on_clear_timeout, entry);
  g_source_set_name_by_id (entry->timeout_id, "[layer-keys] clipboard clear");
  g_ptr_array_add (entries, entry);
}

void
lk_clipboard_clear_all (void)
{
  if (entries == NULL)
    return;

  while (entries->len > 0)
    entry_clear (g_ptr_array_index (entries, entries->len - 1));
}

gboolean
lk_clipboard_holds_secret (void)
{
  if (entries == NULL)
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      if (entry_is_current (g_ptr_array_index (entries, i)))
        return TRUE;
    }

  return FALSE;
}
