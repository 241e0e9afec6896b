/* lk-test-util.c: helpers shared by the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lk-test-util.h"

static gboolean
on_timeout (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Instrumented builds (ASan, UBSan) run several times slower: build-aux/dev
 * test --sanitize sets LK_TEST_SLOWDOWN, and every wait stretches by it. */
static guint
scaled (guint timeout_ms)
{
  const char *slowdown = g_getenv ("LK_TEST_SLOWDOWN");
  guint64 factor = slowdown ? g_ascii_strtoull (slowdown, NULL, 10) : 1;

  return (guint) MIN ((guint64) timeout_ms * MAX (factor, 1), G_MAXUINT / 2);
}

gboolean
lk_test_wait_until (gboolean (*func) (gpointer data),
                    gpointer   data,
                    guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (scaled (timeout_ms), on_timeout, &timed_out);

  while (!func (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return func (data);
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

gboolean
lk_test_wait_for_flag (gboolean *flag,
                       guint     timeout_ms)
{
  return lk_test_wait_until (flag_is_set, flag, timeout_ms);
}

void
lk_test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
lk_test_store_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
result_is_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
lk_test_wait_result (GAsyncResult **result,
                     guint          timeout_ms)
{
  if (!lk_test_wait_until (result_is_set, result, timeout_ms))
    g_error ("operation did not finish within %u ms", scaled (timeout_ms));

  return *result;
}

gboolean
lk_test_have_secret_service (void)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                       2000, NULL, NULL);
  if (reply == NULL)
    return FALSE;

  g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}
