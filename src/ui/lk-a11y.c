/* lk-a11y.c: names for the icon-only buttons that toolkit widgets build inside themselves
 *
 * GTK 4.8 announces a button that holds only an icon by its child's class
 * ("GtkImage"): the arrows of a GtkCalendar, the peek button of an
 * AdwPasswordEntryRow.  Their owners give them no accessible label, so the
 * widgets that use them do, walking their children in order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-a11y"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-a11y.h"

static gboolean
is_icon_button (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) &&
         gtk_button_get_label (GTK_BUTTON (widget)) == NULL &&
         !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget));
}

static void
name_buttons (GtkWidget          *widget,
              const char * const *labels,
              guint              *n)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (is_icon_button (child))
        {
          const char *label = labels != NULL ? labels[*n] : NULL;
          g_autofree char *tooltip = gtk_widget_get_tooltip_text (child) != NULL
                                     ? g_strdup (gtk_widget_get_tooltip_text (child)) : NULL;

          if (label == NULL)
            label = tooltip;
          if (label != NULL)
            gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                            -1);
          if (labels != NULL && labels[*n] != NULL)
            (*n)++;
          continue;
        }
      name_buttons (child, labels, n);
    }
}

/**
 * lk_a11y_name_icon_buttons:
 * @root: a widget that builds icon-only buttons inside itself
 * @labels: (nullable): NULL-terminated names, in the order the buttons come
 *   in the widget tree; a button past their end is named after its tooltip
 *
 * Gives each icon-only button under @root an accessible label.
 */
void
lk_a11y_name_icon_buttons (GtkWidget          *root,
                           const char * const *labels)
{
  guint n = 0;

  g_return_if_fail (GTK_IS_WIDGET (root));

  name_buttons (root, labels, &n);
}

/* libadwaita 1.2 builds one AdwToastWidget per shown toast, a direct child
 * of the overlay, whose close button has an icon and nothing else. */
static void
name_toast_widgets (AdwToastOverlay *overlay)
{
  /* Translators: the accessible name of the button that closes a
   * notification at the bottom of the window. */
  const char *labels[] = { _("Dismiss"), NULL };

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (overlay));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
      lk_a11y_name_icon_buttons (child, labels);
}

static gboolean
name_toast_widgets_idle (gpointer data)
{
  g_autoptr (GtkWidget) overlay = g_weak_ref_get (data);

  /* Only a weak reference: keeping a toast overlay alive after its window
   * has gone makes libadwaita 1.2 finalize it against freed toasts. */
  if (overlay != NULL)
    name_toast_widgets (ADW_TOAST_OVERLAY (overlay));
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* The next queued toast appears once this one is gone. */
static void
on_toast_dismissed (AdwToastOverlay *overlay)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, overlay);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, name_toast_widgets_idle, ref, weak_ref_free);
}

void
lk_a11y_add_toast (AdwToastOverlay *overlay,
                   AdwToast        *toast)
{
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (ADW_IS_TOAST (toast));

  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed),
                           overlay, G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (overlay, toast);
  name_toast_widgets (overlay);
}
