/* lk-keyring.c: what the credential stores share
 *
 * The schemas are the one list of attribute names: the base class builds
 * its attribute sets from them, the Secret Service store hands them to
 * libsecret, and the memory store matches items by them as the service
 * does.
 *
 * Which items are ours is decided here too (lk_keyring_item_is_ours()):
 * the Secret Service finds every item that has the attributes asked for,
 * whatever else it has, and the user's keyring holds other programs'
 * items; the stores find, read, mark and remove only ours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-keyring"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-keyring-private.h"

/* ---- The schemas ---- */

/* API-key searches match on the attributes only, not on the schema name:
 * secret-tool (which has no schema option) stores items under
 * org.freedesktop.Secret.Generic, and those with exactly our attribute
 * set count too (lk_keyring_item_is_ours() sorts what a search finds).
 * Items we store carry xdg:schema = LK_SCHEMA_NAME_API_KEY. */
static const SecretSchema api_key_schema = {
  LK_SCHEMA_NAME_API_KEY, SECRET_SCHEMA_DONT_MATCH_NAME,
  {
    { "key-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "platform", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "expires", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* A remembered sign-in is bound to its whole platform: the API URL
 * ("platform"), the token URL and the CA file's SHA-256 ("none" without
 * one).  Items stored before sign-ins were bound have only the first two:
 * they are still found (and removed), never used to sign in. */
static const SecretSchema account_schema = {
  LK_SCHEMA_NAME_ACCOUNT, SECRET_SCHEMA_NONE,
  {
    { "platform", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { LK_ACCOUNT_ATTRIBUTE_TOKEN_URL, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { LK_ACCOUNT_ATTRIBUTE_CA_SHA256, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* The attributes an account item was stored with before they were bound
 * to the whole platform. */
#define ACCOUNT_N_UNBOUND_ATTRIBUTES 2

const SecretSchema *
lk_keyring_schema (LkSchemaKind kind)
{
  return kind == LK_SCHEMA_ACCOUNT ? &account_schema : &api_key_schema;
}

/* The attribute names of @schema, up to its NULL. */
static guint
schema_n_attributes (const SecretSchema *schema)
{
  guint n = 0;

  while (n < G_N_ELEMENTS (schema->attributes) && schema->attributes[n].name != NULL)
    n++;

  return n;
}

static gboolean
schema_has_attribute (const SecretSchema *schema,
                      const char         *name)
{
  guint n = schema_n_attributes (schema);

  for (guint i = 0; i < n; i++)
    {
      if (g_str_equal (schema->attributes[i].name, name))
        return TRUE;
    }

  return FALSE;
}

/* ---- Which items are ours ---- */

#define XDG_SCHEMA          "xdg:schema"
#define GENERIC_SCHEMA_NAME "org.freedesktop.Secret.Generic"

gboolean
lk_keyring_item_is_ours (LkSchemaKind  kind,
                         GHashTable   *attributes)
{
  const SecretSchema *schema = lk_keyring_schema (kind);
  const char *schema_name;
  GHashTableIter iter;
  gpointer key, value;
  guint n = 0;

  if (attributes == NULL)
    return FALSE;

  schema_name = g_hash_table_lookup (attributes, XDG_SCHEMA);
  if (g_strcmp0 (schema_name, schema->name) == 0)
    return TRUE;

  /* Remembered sign-ins: only ours, ever. */
  if (kind != LK_SCHEMA_API_KEY)
    return FALSE;

  /* A key stored by hand (README): the generic schema, or none, and
   * exactly the documented attributes, none of them empty. */
  if (schema_name != NULL && !g_str_equal (schema_name, GENERIC_SCHEMA_NAME))
    return FALSE;

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_str_equal (key, XDG_SCHEMA))
        continue;
      if (!schema_has_attribute (schema, key) || value == NULL || *(const char *) value == '\0')
        return FALSE;
      n++;
    }

  return n == schema_n_attributes (schema);
}

gboolean
lk_keyring_attributes_equal_but_schema (GHashTable *a,
                                        GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;
  guint n_a = 0, n_b = 0;

  g_assert (a != NULL && b != NULL);

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_str_equal (key, XDG_SCHEMA))
        continue;
      if (g_strcmp0 (g_hash_table_lookup (b, key), value) != 0)
        return FALSE;
      n_a++;
    }

  g_hash_table_iter_init (&iter, b);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_str_equal (key, XDG_SCHEMA))
        n_b++;
    }

  return n_a == n_b;
}

/* ---- Attribute sets ---- */

GHashTable *
lk_keyring_attributes_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
lk_keyring_attributes_add (GHashTable *attributes,
                           const char *name,
                           const char *value)
{
  g_assert (attributes != NULL);
  g_assert (name != NULL);

  g_hash_table_replace (attributes, g_strdup (name), g_strdup (value));
}

GHashTable *
lk_keyring_attributes_copy (GHashTable *attributes)
{
  GHashTable *copy = lk_keyring_attributes_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));

  return copy;
}

gboolean
lk_keyring_attributes_fit (LkSchemaKind  kind,
                           GHashTable   *attributes,
                           gboolean      all_required)
{
  const SecretSchema *schema = lk_keyring_schema (kind);
  GHashTableIter iter;
  gpointer key, value;

  if (attributes == NULL)
    return FALSE;

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (value == NULL || *(const char *) value == '\0')
        return FALSE;
      if (!schema_has_attribute (schema, key))
        return FALSE;
    }

  if (all_required && kind == LK_SCHEMA_ACCOUNT)
    /* Bound to the whole platform, or (the legacy form) not at all. */
    return g_hash_table_contains (attributes, "platform") &&
           g_hash_table_contains (attributes, "client-id") &&
           (g_hash_table_size (attributes) == schema_n_attributes (schema) ||
            g_hash_table_size (attributes) == ACCOUNT_N_UNBOUND_ATTRIBUTES);

  if (all_required)
    return g_hash_table_size (attributes) == schema_n_attributes (schema);

  return g_hash_table_size (attributes) > 0;
}

gboolean
lk_keyring_store_request_fits (LkSchemaKind  kind,
                               GHashTable   *attributes,
                               const char   *label,
                               const char   *secret)
{
  return lk_keyring_attributes_fit (kind, attributes, TRUE) &&
         label != NULL && secret != NULL && *secret != '\0';
}

gboolean
lk_keyring_query_fits (LkSchemaKind  kind,
                       GHashTable   *attributes)
{
  const SecretSchema *schema = lk_keyring_schema (kind);

  if (attributes != NULL && g_hash_table_size (attributes) == 0)
    return (schema->flags & SECRET_SCHEMA_DONT_MATCH_NAME) == 0;

  return lk_keyring_attributes_fit (kind, attributes, FALSE);
}

GHashTable *
lk_keyring_attributes_pick (LkSchemaKind  kind,
                            GHashTable   *attributes)
{
  const SecretSchema *schema = lk_keyring_schema (kind);
  g_autoptr (GHashTable) picked = lk_keyring_attributes_new ();
  guint n = schema_n_attributes (schema);

  g_assert (attributes != NULL);

  for (guint i = 0; i < n; i++)
    {
      const char *name = schema->attributes[i].name;
      const char *value = g_hash_table_lookup (attributes, name);

      if (value == NULL || *value == '\0')
        return NULL;
      lk_keyring_attributes_add (picked, name, value);
    }

  return g_steal_pointer (&picked);
}

/* Every attribute of @query is in @attributes, with the same value. */
static gboolean
attributes_include (GHashTable *attributes,
                    GHashTable *query)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_strcmp0 (g_hash_table_lookup (attributes, key), value) != 0)
        return FALSE;
    }

  return TRUE;
}

gboolean
lk_keyring_attributes_equal (GHashTable *a,
                             GHashTable *b)
{
  g_assert (a != NULL && b != NULL);

  return g_hash_table_size (a) == g_hash_table_size (b) && attributes_include (a, b);
}

gboolean
lk_keyring_item_matches (LkSchemaKind  query_kind,
                         GHashTable   *query,
                         LkSchemaKind  item_kind,
                         GHashTable   *item_attributes)
{
  g_assert (query != NULL && item_attributes != NULL);

  /* Every item of a store of ours was stored under its schema: a search
   * of the other schema would find it, and then leave it out as not
   * ours (lk_keyring_item_is_ours()). */
  if (item_kind != query_kind)
    return FALSE;

  return attributes_include (item_attributes, query);
}

/* ---- Errors ---- */

GError *
lk_keyring_error_new (LkStoreError code)
{
  switch (code)
    {
    case LK_STORE_ERROR_NO_SERVICE:
      return g_error_new_literal (LK_STORE_ERROR, code,
                                  _("No keyring service is running. Start GNOME Keyring or another Secret Service, then try again."));
    case LK_STORE_ERROR_LOCKED:
      return g_error_new_literal (LK_STORE_ERROR, code,
                                  _("Your keyring is locked. Unlock it when your desktop asks, then try again."));
    case LK_STORE_ERROR_TIMEOUT:
      return g_error_new (LK_STORE_ERROR, code,
                          /* Translators: %d is a number of seconds */
                          ngettext ("The keyring did not answer within %d second. Try again.",
                                    "The keyring did not answer within %d seconds. Try again.",
                                    LK_STORE_TIMEOUT_SECONDS),
                          LK_STORE_TIMEOUT_SECONDS);
    case LK_STORE_ERROR_INVALID:
      return g_error_new_literal (LK_STORE_ERROR, code,
                                  _("The keyring request is incomplete and was refused."));
    case LK_STORE_ERROR_NOT_FOUND:
      return g_error_new_literal (LK_STORE_ERROR, code,
                                  _("The item is not in the keyring."));
    case LK_STORE_ERROR_PLATFORM_CHANGED:
      return g_error_new_literal (LK_STORE_ERROR, code,
                                  _("The platform settings changed since you signed in with this key, so the remembered secret was not sent. Sign in again."));
    case LK_STORE_ERROR_FAILED:
    default:
      return g_error_new_literal (LK_STORE_ERROR, LK_STORE_ERROR_FAILED,
                                  _("The keyring could not complete the request."));
    }
}
