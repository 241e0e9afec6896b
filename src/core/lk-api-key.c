/* lk-api-key.c: one API key of the tenant, as the platform describes it
 *
 * A tenant may hold a hundred thousand keys, all of them alive in one list
 * model, so the instance stays small: times are plain integers, the
 * permissions are inline, and there is no private struct.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-api-key"

#include "config.h"

#include <string.h>

#include "lk-api-key.h"
#include "lk-time.h"

struct _LkApiKey
{
  GObject        parent_instance;

  char          *id;
  char          *name;
  char          *client_id;
  const char    *created_by;     /* interned: a tenant has a few admins */
  char          *tenant_id;      /* whoami's, when the platform says it */
  char          *name_sort_key;  /* see lk_api_key_get_name_sort_key() */
  /* id, name, client_id and the name's sort key as lk_api_key_new() made
   * them, in one block (a list of 100,000 keys makes 300,000 fewer
   * allocations); a field set later is a string of its own. */
  char          *strings;
  gsize          strings_size;
  gint64         created_at;
  gint64         expires_at;
  LkPermissions  permissions;
  guint          has_local_secret : 1;
};

G_DEFINE_FINAL_TYPE (LkApiKey, lk_api_key, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CLIENT_ID,
  PROP_CREATED_BY,
  PROP_CREATED_AT,
  PROP_EXPIRES_AT,
  PROP_PERMISSIONS,
  PROP_DAYS_UNTIL_EXPIRY,
  PROP_HAS_LOCAL_SECRET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Frees *@field unless it is in the key's block of strings. */
static void
clear_string (LkApiKey  *self,
              char     **field)
{
  if (*field != NULL &&
      !(self->strings != NULL && *field >= self->strings && *field < self->strings + self->strings_size))
    g_free (*field);
  *field = NULL;
}

static void
lk_api_key_finalize (GObject *object)
{
  LkApiKey *self = LK_API_KEY (object);

  clear_string (self, &self->id);
  clear_string (self, &self->name);
  clear_string (self, &self->client_id);
  clear_string (self, &self->name_sort_key);
  g_free (self->strings);
  g_free (self->tenant_id);

  G_OBJECT_CLASS (lk_api_key_parent_class)->finalize (object);
}

static void
lk_api_key_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LkApiKey *self = LK_API_KEY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;

    case PROP_CREATED_BY:
      g_value_set_string (value, self->created_by);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_EXPIRES_AT:
      g_value_set_int64 (value, self->expires_at);
      break;

    case PROP_PERMISSIONS:
      g_value_set_boxed (value, &self->permissions);
      break;

    case PROP_DAYS_UNTIL_EXPIRY:
      g_value_set_int (value, lk_api_key_get_days_until_expiry (self));
      break;

    case PROP_HAS_LOCAL_SECRET:
      g_value_set_boolean (value, self->has_local_secret);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_api_key_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LkApiKey *self = LK_API_KEY (object);

  switch (prop_id)
    {
    case PROP_ID:
      clear_string (self, &self->id);
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      clear_string (self, &self->name);
      self->name = g_value_dup_string (value);
      clear_string (self, &self->name_sort_key);
      break;

    case PROP_CLIENT_ID:
      clear_string (self, &self->client_id);
      self->client_id = g_value_dup_string (value);
      break;

    case PROP_CREATED_BY:
      self->created_by = g_intern_string (g_value_get_string (value));
      break;

    case PROP_CREATED_AT:
      self->created_at = g_value_get_int64 (value);
      break;

    case PROP_EXPIRES_AT:
      self->expires_at = g_value_get_int64 (value);
      break;

    case PROP_PERMISSIONS:
      {
        const LkPermissions *permissions = g_value_get_boxed (value);

        if (permissions != NULL)
          self->permissions = *permissions;
        else
          lk_permissions_clear (&self->permissions);
      }
      break;

    case PROP_HAS_LOCAL_SECRET:
      lk_api_key_set_has_local_secret (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_api_key_class_init (LkApiKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct_flags =
    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags read_flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lk_api_key_finalize;
  object_class->get_property = lk_api_key_get_property;
  object_class->set_property = lk_api_key_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, construct_flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, construct_flags);
  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL, NULL, construct_flags);
  properties[PROP_CREATED_BY] =
    g_param_spec_string ("created-by", NULL, NULL, NULL, construct_flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0, construct_flags);
  properties[PROP_EXPIRES_AT] =
    g_param_spec_int64 ("expires-at", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0, construct_flags);
  properties[PROP_PERMISSIONS] =
    g_param_spec_boxed ("permissions", NULL, NULL,
                        LK_TYPE_PERMISSIONS, construct_flags);
  properties[PROP_DAYS_UNTIL_EXPIRY] =
    g_param_spec_int ("days-until-expiry", NULL, NULL,
                      G_MININT, G_MAXINT, G_MAXINT, read_flags);
  properties[PROP_HAS_LOCAL_SECRET] =
    g_param_spec_boolean ("has-local-secret", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lk_api_key_init (LkApiKey *self)
{
}

/* The name's sort key, as lk_api_key_get_name_sort_key() documents, is
 * g_utf8_collate_key() of the case-folded name.  For a plain ASCII name
 * (almost every one) in a UTF-8 locale that is, byte for byte, strxfrm()
 * of its lower case: ASCII is its own normal form and folds to its lower
 * case, and GLib hands a UTF-8 string to strxfrm() as it is.  This lowers
 * @name into @lowered and gives the key's length (without its NUL), so
 * that the key goes into the key's block of strings with no allocation of
 * its own; FALSE when it does not apply (not ASCII, too long for
 * @lowered, not a UTF-8 locale): then make_sort_key(). */
static gboolean
ascii_sort_key (const char  *name,
                char        *lowered,
                gsize        lowered_size,
                gsize       *out_length)
{
  static gsize utf8_locale;
  gsize i;

  if (g_once_init_enter (&utf8_locale))
    g_once_init_leave (&utf8_locale, g_get_charset (NULL) ? 1 : 2);
  if (utf8_locale != 1)
    return FALSE;

  for (i = 0; name[i] != '\0'; i++)
    {
      if ((guchar) name[i] >= 0x80 || i + 1 >= lowered_size)
        return FALSE;
      lowered[i] = g_ascii_tolower (name[i]);
    }
  lowered[i] = '\0';

  *out_length = strxfrm (NULL, lowered, 0);
  return *out_length < G_MAXINT - 2;
}

static char *
make_sort_key (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name != NULL ? name : "", -1);

  return g_utf8_collate_key (folded, -1);
}

LkApiKey *
lk_api_key_new (const char          *id,
                const char          *name,
                const char          *client_id,
                const char          *created_by,
                gint64               created_at,
                gint64               expires_at,
                const LkPermissions *permissions)
{
  LkApiKey *self;

  /* Fields are filled in directly rather than through construct
   * properties: lists build many thousands of keys at once. */
  self = g_object_new (LK_TYPE_API_KEY, NULL);
  {
    /* The sort key is made here, as the key is read (a list of 100,000
     * keys is sorted by name as it arrives): in the thread that reads
     * the list, between its pages, rather than in the first sort. */
    char lowered[256];
    gsize sort_length = 0;
    g_autofree char *sort_key = NULL;
    const char *texts[] = { id, name, client_id, NULL };
    char **fields[] = { &self->id, &self->name, &self->client_id, &self->name_sort_key };
    gsize lengths[G_N_ELEMENTS (texts)];
    char *at;

    if (!ascii_sort_key (name != NULL ? name : "", lowered, sizeof lowered, &sort_length))
      {
        sort_key = make_sort_key (name);
        texts[3] = sort_key;
      }

    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        if (i == 3 && sort_key == NULL)
          lengths[i] = sort_length + 1;
        else
          lengths[i] = texts[i] != NULL ? strlen (texts[i]) + 1 : 0;
        self->strings_size += lengths[i];
      }
    at = self->strings = g_malloc (self->strings_size);
    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        if (i == 3 && sort_key == NULL)
          strxfrm (at, lowered, lengths[i]);
        else if (texts[i] != NULL)
          memcpy (at, texts[i], lengths[i]);
        else
          continue;
        *fields[i] = at;
        at += lengths[i];
      }
  }
  self->created_by = g_intern_string (created_by);
  self->created_at = created_at;
  self->expires_at = expires_at;
  if (permissions != NULL)
    self->permissions = *permissions;

  return self;
}

const char *
lk_api_key_get_id (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), NULL);

  return self->id;
}

const char *
lk_api_key_get_name (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), NULL);

  return self->name;
}

/* Kept on the key rather than as object data: a list of 100,000 keys
 * sorts by it (millions of look-ups) and holds one each.  lk_api_key_new()
 * makes it; a key made with g_object_new() makes it on first use. */
const char *
lk_api_key_get_name_sort_key (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), NULL);

  if (self->name_sort_key == NULL)
    self->name_sort_key = make_sort_key (self->name);

  return self->name_sort_key;
}

const char *
lk_api_key_get_client_id (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), NULL);

  return self->client_id;
}

const char *
lk_api_key_get_created_by (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), NULL);

  return self->created_by;
}

/* The tenant the key belongs to, when the platform says it (whoami's
 * optional "tenant_id"); NULL otherwise. */
const char *
lk_api_key_get_tenant_id (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), NULL);

  return self->tenant_id;
}

void
lk_api_key_set_tenant_id (LkApiKey   *self,
                          const char *tenant_id)
{
  g_return_if_fail (LK_IS_API_KEY (self));

  g_free (self->tenant_id);
  self->tenant_id = g_strdup (tenant_id);
}

gint64
lk_api_key_get_created_at (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), 0);

  return self->created_at;
}

gint64
lk_api_key_get_expires_at (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), 0);

  return self->expires_at;
}

const LkPermissions *
lk_api_key_get_permissions (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), NULL);

  return &self->permissions;
}

int
lk_api_key_get_days_until_expiry (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), G_MAXINT);

  if (self->expires_at == 0)
    return G_MAXINT;

  return lk_time_days_between (lk_time_now (), self->expires_at);
}

gboolean
lk_api_key_get_has_local_secret (LkApiKey *self)
{
  g_return_val_if_fail (LK_IS_API_KEY (self), FALSE);

  return self->has_local_secret;
}

void
lk_api_key_set_has_local_secret (LkApiKey *self,
                                 gboolean  has_local_secret)
{
  g_return_if_fail (LK_IS_API_KEY (self));

  has_local_secret = !!has_local_secret;
  if (self->has_local_secret == (guint) has_local_secret)
    return;

  self->has_local_secret = has_local_secret;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_LOCAL_SECRET]);
}

/* LkCreatedKey */

G_DEFINE_BOXED_TYPE (LkCreatedKey, lk_created_key, lk_created_key_ref, lk_created_key_unref)

LkCreatedKey *
lk_created_key_new (LkApiKey   *key,
                    const char *client_secret)
{
  LkCreatedKey *self;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  self = g_atomic_rc_box_new0 (LkCreatedKey);
  self->key = g_object_ref (key);
  self->client_secret = g_strdup (client_secret);

  return self;
}

LkCreatedKey *
lk_created_key_ref (LkCreatedKey *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
lk_created_key_clear (gpointer data)
{
  LkCreatedKey *self = data;

  g_clear_object (&self->key);
  g_clear_pointer (&self->client_secret, lk_secret_free);
  g_clear_pointer (&self->store_label, g_free);
  g_clear_error (&self->store_error);
}

void
lk_created_key_unref (LkCreatedKey *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, lk_created_key_clear);
}

