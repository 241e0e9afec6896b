/* keyring-hammer.c: another program changing the keyring, for test-keyring-race
 *
 *   keyring-hammer PLATFORM SHARED-PLATFORM SECONDS
 *
 * In a loop, until SECONDS have passed, a SIGTERM comes or the process
 * that started it is gone: stores three API-key items of PLATFORM in the
 * default collection, deletes every item of SHARED-PLATFORM it finds
 * (items the test stores too, so both delete the same items), then
 * deletes its own three.  This is what Seahorse, secret-tool, a password
 * manager or layer-keys-cli do to the keyring while Layer Keys runs, only
 * faster.
 *
 * It uses libsecret's D-Bus path calls only (no collection or item
 * proxies), and expects errors: an item the test deleted first is simply
 * gone.  On exit it prints how many rounds it did.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "keyring-hammer"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <gio/gio.h>
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>

#include "lk-credential-store.h"

#define ITEM_INTERFACE   "org.freedesktop.Secret.Item"
#define DEFAULT_ALIAS    "/org/freedesktop/secrets/aliases/default"
#define ITEMS_PER_ROUND  3

static volatile sig_atomic_t stopped;

static void
on_stop (int signum)
{
  stopped = 1;
}

static GHashTable *
item_properties (const char *platform,
                 const char *key_id)
{
  GHashTable *properties = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                  (GDestroyNotify) g_variant_unref);
  GVariantBuilder attributes;

  g_variant_builder_init (&attributes, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&attributes, "{ss}", "xdg:schema", LK_SCHEMA_NAME_API_KEY);
  g_variant_builder_add (&attributes, "{ss}", "key-id", key_id);
  g_variant_builder_add (&attributes, "{ss}", "client-id", "client-hammer");
  g_variant_builder_add (&attributes, "{ss}", "name", "Hammer");
  g_variant_builder_add (&attributes, "{ss}", "platform", platform);
  g_variant_builder_add (&attributes, "{ss}", "expires", "2027-03-01");

  g_hash_table_insert (properties, (char *) ITEM_INTERFACE ".Label",
                       g_variant_ref_sink (g_variant_new_string ("Layer Keys test: another program")));
  g_hash_table_insert (properties, (char *) ITEM_INTERFACE ".Attributes",
                       g_variant_ref_sink (g_variant_builder_end (&attributes)));
  return properties;
}

/* Deletes every item of @platform it finds; returns how many it deleted. */
static guint
delete_platform (SecretService *service,
                 const char    *platform)
{
  g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) unlocked = NULL;
  guint n = 0;

  g_hash_table_insert (query, (char *) "platform", (char *) platform);
  if (!secret_service_search_for_dbus_paths_sync (service, NULL, query, NULL,
                                                  &unlocked, NULL, &error))
    return 0;

  for (guint i = 0; unlocked[i] != NULL; i++)
    {
      /* Fails when the test deleted it first. */
      if (secret_service_delete_item_dbus_path_sync (service, unlocked[i], NULL, NULL))
        n++;
    }

  return n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SecretService) service = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretValue) value = NULL;
  const char *platform;
  const char *shared;
  gint64 deadline;
  pid_t parent = getppid ();
  guint rounds = 0;
  guint created = 0;
  guint deleted = 0;

  if (argc != 4)
    {
      g_printerr ("usage: %s PLATFORM SHARED-PLATFORM SECONDS\n", argv[0]);
      return 2;
    }

  platform = argv[1];
  shared = argv[2];
  deadline = g_get_monotonic_time () + g_ascii_strtoll (argv[3], NULL, 10) * G_USEC_PER_SEC;

  service = secret_service_open_sync (SECRET_TYPE_SERVICE, NULL, SECRET_SERVICE_OPEN_SESSION,
                                      NULL, &error);
  if (service == NULL)
    {
      g_printerr ("keyring-hammer: no Secret Service: %s\n", error->message);
      return 1;
    }

  value = secret_value_new ("hammer-secret", -1, "text/plain");
  signal (SIGTERM, on_stop);

  while (!stopped && g_get_monotonic_time () < deadline && getppid () == parent)
    {
      char *paths[ITEMS_PER_ROUND] = { NULL, };

      for (guint i = 0; i < ITEMS_PER_ROUND; i++)
        {
          g_autoptr (GHashTable) properties = NULL;
          g_autofree char *key_id = g_strdup_printf ("hammer-%u-%u", rounds, i);

          properties = item_properties (platform, key_id);
          paths[i] = secret_service_create_item_dbus_path_sync (service, DEFAULT_ALIAS, properties,
                                                               value, SECRET_ITEM_CREATE_REPLACE,
                                                               NULL, NULL);
          if (paths[i] != NULL)
            created++;
        }

      deleted += delete_platform (service, shared);

      for (guint i = 0; i < ITEMS_PER_ROUND; i++)
        {
          if (paths[i] != NULL &&
              secret_service_delete_item_dbus_path_sync (service, paths[i], NULL, NULL))
            deleted++;
          g_free (paths[i]);
        }

      rounds++;
    }

  /* Leaves nothing of its own behind. */
  deleted += delete_platform (service, platform);

  g_print ("%u rounds, %u items stored, %u deleted\n", rounds, created, deleted);
  return EXIT_SUCCESS;
}
