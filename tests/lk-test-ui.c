/* lk-test-ui.c: helpers the tests of the window share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-test-ui.h"
#include "lk-test-util.h"

gpointer
lk_test_ui_template_child (gpointer    widget,
                           GType       type,
                           const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (object == NULL)
    g_error ("%s has no template child “%s”", G_OBJECT_TYPE_NAME (widget), name);
  return object;
}

typedef struct {
  LkWindow   *win;
  const char *text;
} WindowWait;

static gboolean
page_is (gpointer data)
{
  WindowWait *wait = data;

  return g_strcmp0 (lk_window_get_page_name (wait->win), wait->text) == 0;
}

void
lk_test_ui_wait_for_page (LkWindow   *win,
                          const char *page)
{
  WindowWait wait = { win, page };

  if (!lk_test_wait_until (page_is, &wait, LK_TEST_UI_WAIT_MS))
    g_error ("the window shows page %s, not %s", lk_window_get_page_name (win), page);
}

static gboolean
toast_contains (gpointer data)
{
  WindowWait *wait = data;
  const char *toast = lk_window_get_last_toast (wait->win);

  return toast != NULL && strstr (toast, wait->text) != NULL;
}

void
lk_test_ui_wait_for_toast (LkWindow   *win,
                           const char *text)
{
  WindowWait wait = { win, text };

  if (!lk_test_wait_until (toast_contains, &wait, LK_TEST_UI_WAIT_MS))
    g_error ("no toast says “%s”; the last said “%s”", text, lk_window_get_last_toast (win));
}
