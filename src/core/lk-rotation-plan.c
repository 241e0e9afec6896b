/* lk-rotation-plan.c: what a successor is by default
 *
 * The same permissions as the old key; the old key's lifetime (within the
 * platform's 1 to 365 days); the old name with " (rotated DATE)", without
 * the suffix of an earlier rotation, cut so that the whole stays within
 * the platform's name length, and numbered when the name is taken.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-rotation-plan"

#include "config.h"

#include <string.h>

#include "lk-rotation-private.h"
#include "lk-time.h"
#include "lk-wire.h"

#define DAY_SECONDS (24 * 60 * 60)
#define DEFAULT_LIFETIME_DAYS 90
/* The suffix's start: a rotated key rotated again gets a new one, not two. */
#define SUFFIX_START " (rotated "

/* ------------------------------------------------------------------------
 * The name
 * ------------------------------------------------------------------------ */

static gboolean
name_taken (GListModel *keys,
            const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  guint n = keys != NULL ? g_list_model_get_n_items (keys) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);
      g_autofree char *trimmed = g_strstrip (g_strdup (lk_api_key_get_name (key)));
      g_autofree char *other = g_utf8_casefold (trimmed, -1);

      if (g_str_equal (folded, other))
        return TRUE;
    }

  return FALSE;
}

/* @base cut to at most @max_chars characters, without trailing space. */
static char *
cut_base (const char *base,
          glong       max_chars)
{
  g_autofree char *cut = NULL;

  if (max_chars <= 0)
    return g_strdup ("");
  if (g_utf8_strlen (base, -1) <= max_chars)
    cut = g_strdup (base);
  else
    cut = g_utf8_substring (base, 0, max_chars);
  return g_strchomp (g_steal_pointer (&cut));
}

char *
lk_rotation_successor_name (const char *old_name,
                            GListModel *keys,
                            gint64      now)
{
  g_autofree char *base = g_strstrip (g_strdup (old_name != NULL ? old_name : ""));
  g_autofree char *date = lk_time_format_date (now);
  char *start;

  /* "Name (rotated 2026-01-01)" rotated again: "Name (rotated 2026-06-01)". */
  start = g_strrstr (base, SUFFIX_START);
  if (start != NULL && start != base && g_str_has_suffix (start, ")"))
    *start = '\0';

  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *suffix = n == 1
        ? g_strdup_printf (SUFFIX_START "%s)", date)
        : g_strdup_printf (SUFFIX_START "%s) %u", date, n);
      g_autofree char *cut = cut_base (base, LK_WIRE_NAME_MAX_CHARS - g_utf8_strlen (suffix, -1));
      g_autofree char *name = g_strconcat (cut, suffix, NULL);

      /* A name that was only invisible characters (or nothing) still
       * gives a name: the suffix alone, trimmed. */
      g_strstrip (name);
      if (!lk_validate_key_name (name, NULL))
        {
          g_clear_pointer (&name, g_free);
          name = g_strstrip (g_strdup (suffix));
        }
      if (!name_taken (keys, name))
        return g_steal_pointer (&name);
    }

  return g_uuid_string_random ();
}

/* ------------------------------------------------------------------------
 * The expiry
 * ------------------------------------------------------------------------ */

gint64
lk_rotation_successor_expiry (LkApiKey *old_key,
                              gint64    now)
{
  gint64 created = lk_api_key_get_created_at (old_key);
  gint64 expires = lk_api_key_get_expires_at (old_key);
  gint64 days = DEFAULT_LIFETIME_DAYS;

  if (created > 0 && expires > created)
    days = (expires - created + DAY_SECONDS / 2) / DAY_SECONDS;
  days = CLAMP (days, LK_ROTATION_MIN_LIFETIME_DAYS, LK_ROTATION_MAX_LIFETIME_DAYS);

  /* Counted in calendar days, as the platform's rule is: a day's seconds
   * short of the bound at the ends, so daylight saving cannot push it out. */
  if (days == LK_ROTATION_MAX_LIFETIME_DAYS)
    return now + days * DAY_SECONDS - DAY_SECONDS / 2;
  if (days == LK_ROTATION_MIN_LIFETIME_DAYS)
    return now + days * DAY_SECONDS + DAY_SECONDS / 4;
  return now + days * DAY_SECONDS;
}

/* ------------------------------------------------------------------------
 * The plan, and what the API returns
 * ------------------------------------------------------------------------ */

LkRotationPlan *
lk_rotation_plan_new (LkApiKey   *old_key,
                      GListModel *keys,
                      gint64      now)
{
  LkRotationPlan *plan;

  g_return_val_if_fail (LK_IS_API_KEY (old_key), NULL);

  plan = g_new0 (LkRotationPlan, 1);
  plan->old_key_id = g_strdup (lk_api_key_get_id (old_key));
  plan->old_name = g_strdup (lk_api_key_get_name (old_key));
  plan->name = lk_rotation_successor_name (plan->old_name, keys, now);
  plan->expires_at = lk_rotation_successor_expiry (old_key, now);
  plan->permissions = *lk_api_key_get_permissions (old_key);
  plan->delete_old = LK_ROTATION_DELETE_NOW;
  return plan;
}

LkRotationPlan *
lk_rotation_plan_copy (const LkRotationPlan *plan)
{
  LkRotationPlan *copy = g_memdup2 (plan, sizeof *plan);

  copy->old_key_id = g_strdup (plan->old_key_id);
  copy->old_name = g_strdup (plan->old_name);
  copy->name = g_strdup (plan->name);
  return copy;
}

void
lk_rotation_plan_free (LkRotationPlan *plan)
{
  if (plan == NULL)
    return;

  g_free (plan->old_key_id);
  g_free (plan->old_name);
  g_free (plan->name);
  g_free (plan);
}

void
lk_rotation_outcome_free (LkRotationOutcome *outcome)
{
  if (outcome == NULL)
    return;

  g_clear_pointer (&outcome->successor, lk_created_key_unref);
  g_free (outcome->successor_id);
  g_free (outcome->successor_name);
  g_free (outcome->old_key_id);
  g_free (outcome->old_name);
  g_clear_error (&outcome->delete_error);
  g_free (outcome);
}

void
lk_rotation_resume_free (LkRotationResume *resume)
{
  if (resume == NULL)
    return;

  g_clear_pointer (&resume->recovered, g_ptr_array_unref);
  g_clear_pointer (&resume->completed, g_ptr_array_unref);
  g_clear_pointer (&resume->rolled_back, g_ptr_array_unref);
  g_clear_pointer (&resume->deleted, g_ptr_array_unref);
  g_clear_pointer (&resume->failed, g_ptr_array_unref);
  g_clear_pointer (&resume->lost, g_ptr_array_unref);
  g_free (resume);
}

G_DEFINE_QUARK (lk-rotation-error-quark, lk_rotation_error)
