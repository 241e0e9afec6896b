/* lk-about.c: the About window, with debug information for bug reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-about"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>

#include "lk-about.h"

#define SECRET_SERVICE_NAME "org.freedesktop.secrets"

char *
lk_about_dup_debug_info (const char *secret_service)
{
  GString *out = g_string_new (NULL);

  /* Not translated: these go into bug reports, read by the developers. */
  g_string_append_printf (out, "Layer Keys %s (%s)\n\n", PACKAGE_VERSION, APP_ID);
  g_string_append (out, "Libraries (running, built against):\n");
  g_string_append_printf (out, "- GLib %u.%u.%u, %d.%d.%d\n",
                          glib_major_version, glib_minor_version, glib_micro_version,
                          GLIB_MAJOR_VERSION, GLIB_MINOR_VERSION, GLIB_MICRO_VERSION);
  g_string_append_printf (out, "- GTK %u.%u.%u, %d.%d.%d\n",
                          gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
                          GTK_MAJOR_VERSION, GTK_MINOR_VERSION, GTK_MICRO_VERSION);
  g_string_append_printf (out, "- libadwaita %u.%u.%u, %d.%d.%d\n",
                          adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version (),
                          ADW_MAJOR_VERSION, ADW_MINOR_VERSION, ADW_MICRO_VERSION);
  g_string_append_printf (out, "- libsoup %u.%u.%u, %d.%d.%d\n",
                          soup_get_major_version (), soup_get_minor_version (), soup_get_micro_version (),
                          SOUP_MAJOR_VERSION, SOUP_MINOR_VERSION, SOUP_MICRO_VERSION);
  g_string_append_printf (out, "- libsecret (built against) %d.%d.%d\n",
                          SECRET_MAJOR_VERSION, SECRET_MINOR_VERSION, SECRET_MICRO_VERSION);
  g_string_append_printf (out, "- json-glib (built against) %s\n\n", JSON_VERSION_S);

  g_string_append_printf (out, "Flatpak: %s\n",
                          g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ? "yes" : "no");
  g_string_append_printf (out, "Secret Service: %s\n",
                          secret_service != NULL ? secret_service : "unknown");

  return g_string_free (out, FALSE);
}

/* ---- Who answers as the Secret Service ---- */

static void
set_secret_service (AdwAboutWindow *about,
                    const char     *secret_service)
{
  g_autofree char *info = lk_about_dup_debug_info (secret_service);

  adw_about_window_set_debug_info (about, info);
}

/* The About window, held weakly while the bus answers. */
typedef struct
{
  GWeakRef about;
} AboutRef;

static void
about_ref_free (AboutRef *ref)
{
  g_weak_ref_clear (&ref->about);
  g_free (ref);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AboutRef, about_ref_free)

/* The program of a process, when this sandbox may see it. */
static char *
describe_process (guint32 pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%u/comm", pid);
  g_autofree char *comm = NULL;

  if (!g_file_get_contents (path, &comm, NULL, NULL))
    return g_strdup_printf ("process %u", pid);

  return g_strdup_printf ("%s (process %u)", g_strstrip (comm), pid);
}

static void
on_pid (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr (AboutRef) weak = user_data;
  g_autoptr (AdwAboutWindow) about = g_weak_ref_get (&weak->about);
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  g_autofree char *text = NULL;
  guint32 pid;

  if (about == NULL)
    return;
  if (reply == NULL)
    {
      /* Inside a Flatpak the bus proxy may not say; the name is known. */
      set_secret_service (about, SECRET_SERVICE_NAME " (owner not visible)");
      return;
    }

  g_variant_get (reply, "(u)", &pid);
  text = describe_process (pid);
  set_secret_service (about, text);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr (AboutRef) weak = user_data;
  g_autoptr (GDBusConnection) bus = g_bus_get_finish (result, NULL);
  g_autoptr (AdwAboutWindow) about = g_weak_ref_get (&weak->about);

  if (about == NULL)
    return;
  if (bus == NULL)
    {
      set_secret_service (about, "no session bus");
      return;
    }

  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                          g_variant_new ("(s)", SECRET_SERVICE_NAME), G_VARIANT_TYPE ("(u)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, 2000, NULL, on_pid,
                          g_steal_pointer (&weak));
}

GtkWidget *
lk_about_window_new (GtkWindow *parent)
{
  const char *developers[] = { _("The Layer Keys developers"), NULL };
  g_autofree char *info = lk_about_dup_debug_info (NULL);
  AboutRef *weak = g_new0 (AboutRef, 1);
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", parent != NULL,
                        "application-name", _("Layer Keys"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Layer Keys developers"),
                        "developers", developers,
                        "copyright", _("© The Layer Keys developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", PROJECT_URL,
                        "issue-url", PROJECT_URL "/issues",
                        "comments", _("Manage the API keys of a HiddenLayer AISec Platform tenant: create them with the least permissions, keep their secrets in your keyring, and delete them."),
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        "debug-info", info,
                        "debug-info-filename", "layer-keys-debug.txt",
                        NULL);

  g_weak_ref_init (&weak->about, about);
  g_bus_get (G_BUS_TYPE_SESSION, NULL, on_bus, weak);

  return about;
}
