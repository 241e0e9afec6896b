/* lk-background.c: starting at login for the background check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-background"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lk-background.h"

#define PROGRAM_NAME "layer-keys"

#define PORTAL_NAME       "org.freedesktop.portal.Desktop"
#define PORTAL_PATH       "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND "org.freedesktop.portal.Background"
#define PORTAL_REQUEST    "org.freedesktop.portal.Request"

static gboolean
in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

char *
lk_background_dup_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

/* ---- The XDG autostart entry ---- */

/* The program to start: this one when it is layer-keys (a build run from
 * its folder starts itself), else the installed one. */
static char *
dup_program (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *base = self_exe != NULL ? g_path_get_basename (self_exe) : NULL;

  if (base != NULL && g_str_equal (base, PROGRAM_NAME) && g_path_is_absolute (self_exe))
    return g_steal_pointer (&self_exe);

  return g_build_filename (BINDIR, PROGRAM_NAME, NULL);
}

/* One argument of an Exec line, quoted as the Desktop Entry
 * specification asks when it holds a reserved character. */
static void
append_exec_argument (GString    *exec,
                      const char *argument)
{
  const char *reserved = " \t\n\"'\\><~|&;$*?#()`";
  gboolean quote = strpbrk (argument, reserved) != NULL;

  if (exec->len > 0)
    g_string_append_c (exec, ' ');
  if (quote)
    g_string_append_c (exec, '"');
  for (const char *p = argument; *p != '\0'; p++)
    {
      if (*p == '%')
        g_string_append_c (exec, '%');
      else if (quote && strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (exec, '\\');
      g_string_append_c (exec, *p);
    }
  if (quote)
    g_string_append_c (exec, '"');
}

static char *
autostart_entry_text (void)
{
  g_autoptr (GKeyFile) entry = g_key_file_new ();
  g_autoptr (GString) exec = g_string_new (NULL);
  g_autofree char *program = dup_program ();
  const char *group = G_KEY_FILE_DESKTOP_GROUP;

  append_exec_argument (exec, program);
  append_exec_argument (exec, LK_BACKGROUND_OPTION);

  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_TYPE, G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_NAME, "Layer Keys");
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Warns before API keys expire and carries out scheduled deletions"));
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_ICON, APP_ID);
  /* (the Exec line is quoted above; set_string escapes it as a value) */
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_EXEC, exec->str);
  g_key_file_set_boolean (entry, group, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (entry, group, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (entry, group, "X-GNOME-Autostart-enabled", TRUE);
  g_key_file_set_boolean (entry, group, "X-GNOME-UsesNotifications", TRUE);

  return g_key_file_to_data (entry, NULL, NULL);
}

static gboolean
write_autostart (GError **error)
{
  g_autofree char *path = lk_background_dup_autostart_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *text = autostart_entry_text ();
  g_autoptr (GError) local_error = NULL;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: %s is a folder, then the reason */
                   _("Could not make the folder %s: %s"), folder, g_strerror (saved_errno));
      return FALSE;
    }

  /* A temporary file, synced, then renamed over the old one. */
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0644, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   /* Translators: %s is the reason */
                   _("Could not write the autostart entry: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
remove_autostart (GError **error)
{
  g_autofree char *path = lk_background_dup_autostart_path ();

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: %s is the reason */
                   _("Could not remove the autostart entry: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static void
autostart_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  gboolean enable = GPOINTER_TO_INT (task_data);
  GError *error = NULL;

  if (enable ? write_autostart (&error) : remove_autostart (&error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* ---- The Background portal ---- */

/* The task has three references while the portal is asked: the call's
 * (until its reply), the answer's (until the task returns: the Response
 * signal, a failed call or a cancel), and the caller's local one. */
typedef struct {
  GDBusConnection *bus;
  char            *handle;
  guint            response_id;
  gulong           cancelled_id;
  gboolean         enable;
  gboolean         done;
} PortalRequest;

static void
portal_request_free (PortalRequest *request)
{
  g_assert (request->response_id == 0);
  g_clear_object (&request->bus);
  g_free (request->handle);
  g_free (request);
}

/* Returns once (taking @error, NULL for success), and drops the
 * answer's reference. */
static void
portal_complete (GTask  *task,
                 GError *error)
{
  PortalRequest *request = g_task_get_task_data (task);

  if (request->done)
    {
      g_clear_error (&error);
      return;
    }

  request->done = TRUE;
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  request->response_id = 0;
  g_cancellable_disconnect (g_task_get_cancellable (task), request->cancelled_id);
  request->cancelled_id = 0;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_response (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  GTask *task = user_data;
  PortalRequest *request = g_task_get_task_data (task);
  g_autoptr (GVariant) results = NULL;
  gboolean autostart = FALSE;
  guint32 response;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "autostart", "b", &autostart);
  g_debug ("The Background portal answered %u (autostart %d)", response, autostart);

  /* 0: granted (autostart says whether at login), 1: the user said no,
   * 2: it ended otherwise. */
  if (response == 0 && (!request->enable || autostart))
    portal_complete (task, NULL);
  else if (response == 0 || response == 1)
    portal_complete (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                                _("Layer Keys is not allowed to run in the background. You can allow it in Settings, under Apps.")));
  else
    portal_complete (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                _("The system did not say whether Layer Keys may run in the background.")));
}

static gboolean
on_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  PortalRequest *request = g_task_get_task_data (task);

  if (!request->done)
    {
      /* The portal closes its dialog. */
      g_dbus_connection_call (request->bus, PORTAL_NAME, request->handle, PORTAL_REQUEST, "Close",
                              NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
      portal_complete (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  "Operation was cancelled"));
    }
  return G_SOURCE_REMOVE;
}

/* (from the thread that cancelled: the rest happens in the task's
 * context, as a disconnect may not be called from here) */
static void
on_cancelled (GCancellable *cancellable,
              GTask        *task)
{
  g_autoptr (GSource) idle = g_idle_source_new ();

  g_source_set_callback (idle, on_cancelled_idle, g_object_ref (task), g_object_unref);
  g_source_set_static_name (idle, "[layer-keys] background portal cancelled");
  g_source_attach (idle, g_task_get_context (task));
}

static void
on_requested (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL)
    return;   /* the Response signal follows */

  g_debug ("RequestBackground failed: %s", error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    portal_complete (task, g_steal_pointer (&error));
  else
    portal_complete (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                _("The system cannot let Layer Keys run in the background: it has no Background portal.")));
}

void
lk_background_request_portal_async (GDBusConnection     *bus,
                                    gboolean             enable,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  PortalRequest *request;
  GVariantBuilder options;
  const char *commandline[] = { PROGRAM_NAME, LK_BACKGROUND_OPTION, NULL };

  g_return_if_fail (G_IS_DBUS_CONNECTION (bus));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_background_request_portal_async);

  request = g_new0 (PortalRequest, 1);
  request->bus = g_object_ref (bus);
  request->enable = enable;
  g_task_set_task_data (task, request, (GDestroyNotify) portal_request_free);

  /* The answer's reference (portal_complete() drops it). */
  g_object_ref (task);

  /* The Response comes on a request object whose path is known before
   * asking: subscribe first, so that it cannot be missed. */
  sender = g_strdup (g_dbus_connection_get_unique_name (bus) + 1);
  g_strdelimit (sender, ".", '_');
  token = g_strdup_printf ("layer_keys_%u", g_random_int ());
  request->handle = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  request->response_id =
    g_dbus_connection_signal_subscribe (bus, PORTAL_NAME, PORTAL_REQUEST, "Response",
                                        request->handle, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_response, task, NULL);
  if (cancellable != NULL)
    request->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                   task, NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Check at login for API keys that expire soon, and carry out scheduled deletions")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enable));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (bus, PORTAL_NAME, PORTAL_PATH, PORTAL_BACKGROUND, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_requested,
                          g_object_ref (task));
}

gboolean
lk_background_request_portal_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_background_request_portal_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Either ---- */

static void
on_portal_answered (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (lk_background_request_portal_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GDBusConnection) bus = NULL;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  lk_background_request_portal_async (bus, GPOINTER_TO_INT (g_task_get_task_data (task)),
                                      g_task_get_cancellable (task), on_portal_answered,
                                      g_object_ref (task));
}

void
lk_background_set_autostart_async (gboolean             enable,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_background_set_autostart_async);
  g_task_set_task_data (task, GINT_TO_POINTER (enable ? 1 : 0), NULL);

  if (in_flatpak ())
    g_bus_get (G_BUS_TYPE_SESSION, cancellable, on_bus, g_steal_pointer (&task));
  else
    g_task_run_in_thread (task, autostart_thread);
}

gboolean
lk_background_set_autostart_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_background_set_autostart_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
