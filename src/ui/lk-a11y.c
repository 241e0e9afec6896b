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
