/* test-ui-files.c: every .ui file of the GResource loads
 *
 * Walks the application's GResource, and for each .ui file found:
 *  - a composite template (<template class="...">) is loaded the way the
 *    app loads it, by instantiating its class;
 *  - any other file (menus, the shortcuts window) is loaded with GtkBuilder.
 * GTK reports a broken template with a critical, which fails the test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "lk-ui-resources.h"

/* The widgets built from templates. Declared here rather than through
 * their headers so this list is all the test needs to know about them. */
GType lk_window_get_type          (void);
GType lk_sign_in_page_get_type    (void);
GType lk_keys_view_get_type       (void);
GType lk_create_dialog_get_type   (void);
GType lk_permission_grid_get_type (void);
GType lk_secret_view_get_type     (void);
GType lk_account_popover_get_type (void);
GType lk_preferences_window_get_type (void);
GType lk_rotate_dialog_get_type   (void);

typedef GType (*LkGetTypeFunc) (void);

static const LkGetTypeFunc template_types[] = {
  lk_window_get_type,
  lk_sign_in_page_get_type,
  lk_keys_view_get_type,
  lk_create_dialog_get_type,
  lk_permission_grid_get_type,
  lk_secret_view_get_type,
  lk_account_popover_get_type,
  lk_preferences_window_get_type,
  lk_rotate_dialog_get_type,
};

static GResource  *ui_resource;
static GPtrArray  *ui_files;     /* resource paths of the .ui files */
static GHashTable *checked;      /* the paths whose test passed */

/* Collects the .ui files under @path into @out, recursively. */
static void
collect_ui_files (const char *path,
                  GPtrArray  *out)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) children = NULL;

  children = g_resource_enumerate_children (ui_resource, path,
                                            G_RESOURCE_LOOKUP_FLAGS_NONE,
                                            &error);
  g_assert_no_error (error);

  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *child = g_strconcat (path, children[i], NULL);

      if (g_str_has_suffix (child, "/"))
        collect_ui_files (child, out);
      else if (g_str_has_suffix (child, ".ui"))
        g_ptr_array_add (out, g_steal_pointer (&child));
    }
}

typedef struct
{
  char *template_class;
  guint n_objects;
} UiScan;

static void
scan_start_element (GMarkupParseContext  *context,
                    const char           *element_name,
                    const char          **attribute_names,
                    const char          **attribute_values,
                    gpointer              user_data,
                    GError              **error)
{
  UiScan *scan = user_data;

  if (g_str_equal (element_name, "template"))
    {
      for (guint i = 0; attribute_names[i] != NULL; i++)
        if (g_str_equal (attribute_names[i], "class") && scan->template_class == NULL)
          scan->template_class = g_strdup (attribute_values[i]);
    }
  else if (g_str_equal (element_name, "object") || g_str_equal (element_name, "menu"))
    {
      scan->n_objects++;
    }
}

/* Parses @data as XML; returns the template class or NULL. */
static char *
scan_ui_file (const char *path,
              GBytes     *data,
              guint      *n_objects)
{
  static const GMarkupParser parser = { scan_start_element, NULL, NULL, NULL, NULL };
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) error = NULL;
  UiScan scan = { NULL, 0 };
  gsize size;
  const char *text = g_bytes_get_data (data, &size);

  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &scan, NULL);
  if (!g_markup_parse_context_parse (context, text, size, &error) ||
      !g_markup_parse_context_end_parse (context, &error))
    g_error ("%s is not well-formed XML: %s", path, error->message);

  *n_objects = scan.n_objects;
  return scan.template_class;
}

static void
test_template (const char *path,
               const char *class_name)
{
  GType type = g_type_from_name (class_name);
  GObject *object;

  if (type == 0)
    g_error ("%s is the template of %s, which is not a registered type: "
             "add %s_get_type to template_types in tests/test-ui-files.c",
             path, class_name, class_name);
  g_assert_true (g_type_is_a (type, GTK_TYPE_WIDGET));
  g_assert_false (G_TYPE_IS_ABSTRACT (type));

  /* gtk_widget_init_template() builds the template here; any error in it
   * is a critical, and criticals are fatal in tests. */
  object = g_object_new (type, NULL);
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (object, type));
  g_test_message ("%s: built an instance of %s", path, class_name);

  if (GTK_IS_WINDOW (object))
    {
      /* GTK owns toplevels; destroying drops its reference. */
      gtk_window_destroy (GTK_WINDOW (object));
    }
  else
    {
      g_object_ref_sink (object);
      g_object_unref (object);
    }
}

static void
test_builder_file (const char *path)
{
  g_autoptr (GtkBuilder) builder = gtk_builder_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSList) objects = NULL;

  gtk_builder_set_translation_domain (builder, GETTEXT_PACKAGE);
  gtk_builder_add_from_resource (builder, path, &error);
  g_assert_no_error (error);

  objects = gtk_builder_get_objects (builder);
  g_assert_nonnull (objects);
  g_test_message ("%s: built %u objects", path, g_slist_length (objects));

  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_WINDOW (l->data))
      gtk_window_destroy (GTK_WINDOW (l->data));
}

static void
test_ui_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *class_name = NULL;
  guint n_objects = 0;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);

  class_name = scan_ui_file (path, bytes, &n_objects);
  if (class_name != NULL)
    test_template (path, class_name);
  else
    {
      g_assert_cmpuint (n_objects, >, 0);
      test_builder_file (path);
    }

  g_hash_table_add (checked, g_strdup (path));
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
test_all_covered (void)
{
  g_assert_cmpuint (ui_files->len, >, 0);

  for (guint i = 0; i < ui_files->len; i++)
    {
      const char *path = g_ptr_array_index (ui_files, i);

      if (!g_hash_table_contains (checked, path))
        g_error ("%s was not checked", path);
    }
  g_assert_cmpuint (g_hash_table_size (checked), ==, ui_files->len);
}

static void
test_no_display (void)
{
  g_test_skip ("no display: run in the private session (build-aux/dev test)");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) probe = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      /* The private session always has an X server: not having one there
       * is a failure, not a reason to skip. */
      if (g_getenv ("LK_TEST_SCRATCH") != NULL)
        g_error ("cannot open a display in the private test session");
      g_test_add_func ("/lk/ui-files/no-display", test_no_display);
      return g_test_run ();
    }
  adw_init ();

  for (guint i = 0; i < G_N_ELEMENTS (template_types); i++)
    g_type_ensure (template_types[i] ());

  /* Referencing the resource links it in; its constructor registers it.
   * Register it by hand if that did not happen. */
  ui_resource = lk_ui_get_resource ();
  g_assert_nonnull (ui_resource);

  ui_files = g_ptr_array_new_with_free_func (g_free);
  checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  collect_ui_files (RESOURCE_PREFIX "/", ui_files);
  g_ptr_array_sort (ui_files, compare_paths);

  if (ui_files->len > 0)
    {
      probe = g_resources_lookup_data (g_ptr_array_index (ui_files, 0),
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (probe == NULL)
        {
          g_clear_error (&error);
          g_resources_register (ui_resource);
        }
    }

  for (guint i = 0; i < ui_files->len; i++)
    {
      const char *path = g_ptr_array_index (ui_files, i);
      g_autofree char *name = g_strdup (path + strlen (RESOURCE_PREFIX "/"));
      g_autofree char *test_path = NULL;

      g_strdelimit (name, "/", '-');
      test_path = g_strconcat ("/lk/ui-files/load/", name, NULL);
      g_test_add_data_func (test_path, path, test_ui_file);
    }
  /* A separate suite added after "load": runs after all of its cases. */
  g_test_add_func ("/lk/ui-files/summary/all-covered", test_all_covered);

  ret = g_test_run ();

  g_clear_pointer (&checked, g_hash_table_unref);
  g_clear_pointer (&ui_files, g_ptr_array_unref);
  return ret;
}
