/* lk-stale-items.c: secrets stored here for keys that no longer exist
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-stale-items"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-key-health.h"
#include "lk-key-rules.h"
#include "lk-stale-items.h"

struct _LkStaleItems
{
  AdwBin             parent_instance;

  GtkWidget         *box;
  GtkListBox        *list;

  LkCredentialStore *store;
  char              *platform_id;
  GPtrArray         *items;       /* LkStaleItem, in the rows' order */
  GPtrArray         *rows;        /* AdwActionRow, one per item */
  GCancellable      *cancellable;
};

G_DEFINE_FINAL_TYPE (LkStaleItems, lk_stale_items, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_rows (LkStaleItems *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_remove (self->list, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->items, 0);
}

static void
items_changed (LkStaleItems *self)
{
  gtk_widget_set_visible (self->box, self->items->len > 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static GtkWidget *
make_row (LkStaleItem *item)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;
  g_autofree char *visible = NULL;
  g_autofree char *accessible = NULL;

  visible = item->name != NULL ? lk_key_name_make_visible (item->name) : g_strdup (item->key_id);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), visible);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Its key no longer exists on the platform: this secret opens nothing."));

  button = gtk_button_new_with_mnemonic (_("_Remove"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Remove this secret from the keyring"));
  /* Translators: the accessible label of a button; %s is a key's name */
  accessible = g_strdup_printf (_("Remove the secret of “%s” from the keyring"), visible);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "stale.remove");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (item->key_id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

/* ---- Finding them ---- */

static void
on_stale_found (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  LkStaleItems *self;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;

  found = lk_key_health_find_stale_finish (LK_CREDENTIAL_STORE (source), result, &error);
  if (found == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LK_STALE_ITEMS (user_data);
  clear_rows (self);
  if (found == NULL)
    {
      /* Only the offer is missing; the list is fine. */
      g_debug ("Could not look for stale keyring items: %s", error->message);
      items_changed (self);
      return;
    }

  for (guint i = 0; i < found->len; i++)
    {
      LkStaleItem *item = g_ptr_array_index (found, i);
      GtkWidget *row = make_row (item);

      gtk_list_box_append (self->list, row);
      g_ptr_array_add (self->rows, row);
    }
  g_ptr_array_extend_and_steal (self->items, g_steal_pointer (&found));
  items_changed (self);
}

void
lk_stale_items_check (LkStaleItems *self,
                      LkClient     *client)
{
  LkCredentialStore *store;

  g_return_if_fail (LK_IS_STALE_ITEMS (self));
  g_return_if_fail (client == NULL || LK_IS_CLIENT (client));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  store = client != NULL ? lk_client_get_store (client) : NULL;
  g_set_object (&self->store, store);
  g_clear_pointer (&self->platform_id, g_free);

  if (store == NULL)
    {
      clear_rows (self);
      items_changed (self);
      return;
    }

  self->platform_id = g_strdup (lk_platform_get_id (lk_client_get_platform (client)));
  lk_key_health_find_stale_async (store, self->platform_id, lk_client_get_keys (client),
                                  self->cancellable, on_stale_found, self);
}

guint
lk_stale_items_get_n_items (LkStaleItems *self)
{
  g_return_val_if_fail (LK_IS_STALE_ITEMS (self), 0);

  return self->items->len;
}

/* ---- Removing one ---- */

static int
find_item (LkStaleItems *self,
           const char   *key_id)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (((LkStaleItem *) g_ptr_array_index (self->items, i))->key_id, key_id))
      return (int) i;

  return -1;
}

typedef struct {
  LkStaleItems *self;
  char         *key_id;
} RemoveData;

static void
remove_data_free (RemoveData *data)
{
  g_object_unref (data->self);
  g_free (data->key_id);
  g_free (data);
}

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  RemoveData *data = user_data;
  LkStaleItems *self = data->self;
  g_autoptr (GError) error = NULL;
  int at;

  lk_credential_store_forget_key_finish (LK_CREDENTIAL_STORE (source), result, &error);
  at = find_item (self, data->key_id);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || at < 0)
    {
      remove_data_free (data);
      return;
    }

  if (error != NULL)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, at);

      gtk_widget_set_sensitive (row, TRUE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
    }
  else
    {
      gtk_list_box_remove (self->list, g_ptr_array_index (self->rows, at));
      g_ptr_array_remove_index (self->rows, at);
      g_ptr_array_remove_index (self->items, at);
      items_changed (self);
    }

  remove_data_free (data);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LkStaleItems *self = LK_STALE_ITEMS (widget);
  const char *key_id = g_variant_get_string (parameter, NULL);
  RemoveData *data;
  int at = find_item (self, key_id);

  /* Only an item offered here: nothing else is ever removed. */
  if (at < 0 || self->store == NULL)
    return;

  gtk_widget_set_sensitive (g_ptr_array_index (self->rows, at), FALSE);
  data = g_new0 (RemoveData, 1);
  data->self = g_object_ref (self);
  data->key_id = g_strdup (key_id);
  lk_credential_store_forget_key_async (self->store, self->platform_id, key_id,
                                        self->cancellable, on_removed, data);
}

/* ---- GObject ---- */

static void
lk_stale_items_dispose (GObject *object)
{
  LkStaleItems *self = LK_STALE_ITEMS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);

  G_OBJECT_CLASS (lk_stale_items_parent_class)->dispose (object);
}

static void
lk_stale_items_finalize (GObject *object)
{
  LkStaleItems *self = LK_STALE_ITEMS (object);

  g_ptr_array_unref (self->items);
  g_ptr_array_unref (self->rows);
  g_free (self->platform_id);

  G_OBJECT_CLASS (lk_stale_items_parent_class)->finalize (object);
}

static void
lk_stale_items_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LkStaleItems *self = LK_STALE_ITEMS (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_stale_items_class_init (LkStaleItemsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_stale_items_dispose;
  object_class->finalize = lk_stale_items_finalize;
  object_class->get_property = lk_stale_items_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "stale.remove", "s", remove_action);
}

static void
lk_stale_items_init (LkStaleItems *self)
{
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *heading;

  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_stale_item_free);
  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (self->box, 12);
  gtk_widget_set_margin_bottom (self->box, 6);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_visible (self->box, FALSE);

  heading = gtk_label_new (_("Secrets of Deleted Keys"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (self->box), heading);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, heading, NULL,
                                  -1);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->list));

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  adw_clamp_set_child (ADW_CLAMP (clamp), self->box);
  adw_bin_set_child (ADW_BIN (self), clamp);
}

GtkWidget *
lk_stale_items_new (void)
{
  return g_object_new (LK_TYPE_STALE_ITEMS, NULL);
}
