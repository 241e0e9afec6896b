/* lk-time.c: RFC 3339 times, expiry arithmetic, and the clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-time"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-time.h"

/* Longest RFC 3339 text we accept; generous for fractional seconds. */
#define MAX_RFC3339_LENGTH 64

static gboolean
take_digits (const char **p,
             guint        n)
{
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
    }
  *p += n;
  return TRUE;
}

/* Reads two digits whose value is at most @max. */
static gboolean
take_two_digits (const char **p,
                 int          max)
{
  const char *start = *p;

  if (!take_digits (p, 2))
    return FALSE;

  return (start[0] - '0') * 10 + (start[1] - '0') <= max;
}

static gboolean
take_char (const char **p,
           char         c)
{
  if (**p != c)
    return FALSE;
  (*p)++;
  return TRUE;
}

/* Checks the exact RFC 3339 "date-time" shape and copies it into @buf with
 * the "T" and "Z" letters upper-cased, as GLib's ISO 8601 parser wants.  The
 * ISO 8601 parser alone accepts far more (week dates, missing seconds, no
 * zone), none of which the platform sends. */
static gboolean
normalise_rfc3339 (const char *text,
                   char        buf[MAX_RFC3339_LENGTH + 1])
{
  const char *p = text;
  gsize len = strnlen (text, MAX_RFC3339_LENGTH + 1);

  if (len > MAX_RFC3339_LENGTH)
    return FALSE;

  /* full-date: YYYY-MM-DD */
  if (!take_digits (&p, 4) || !take_char (&p, '-') ||
      !take_two_digits (&p, 12) || !take_char (&p, '-') ||
      !take_two_digits (&p, 31))
    return FALSE;

  if (*p != 'T' && *p != 't')
    return FALSE;
  p++;

  /* partial-time: HH:MM:SS[.frac]; 60 is a leap second */
  if (!take_two_digits (&p, 23) || !take_char (&p, ':') ||
      !take_two_digits (&p, 59) || !take_char (&p, ':') ||
      !take_two_digits (&p, 60))
    return FALSE;

  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }

  /* time-offset: Z or +HH:MM / -HH:MM */
  if (*p == 'Z' || *p == 'z')
    p++;
  else if (*p == '+' || *p == '-')
    {
      p++;
      if (!take_two_digits (&p, 23) || !take_char (&p, ':') || !take_two_digits (&p, 59))
        return FALSE;
    }
  else
    return FALSE;

  if (*p != '\0')
    return FALSE;

  memcpy (buf, text, len + 1);
  buf[10] = 'T';
  if (buf[len - 1] == 'z')
    buf[len - 1] = 'Z';

  return TRUE;
}

static int
two_digits (const char *p)
{
  return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Days from 1970-01-01 to the given proleptic Gregorian date (year >= 1). */
static gint64
days_from_civil (int year,
                 int month,
                 int day)
{
  int y = year - (month <= 2 ? 1 : 0);
  int era = y / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return (gint64) era * 146097 + doe - 719468;
}

/* The common case of a normalised RFC 3339 text, without a GDateTime: no
 * fraction, no leap second, a year well inside GDateTime's range.  A list
 * reads two times per key, and building GDateTimes for them was a good
 * part of reading a page.  Returns FALSE when the text is not such a
 * case; GDateTime then decides. */
static gboolean
parse_simple (const char *buf,
              gint64     *out_unix)
{
  int year, month, day, hour, minute, second, offset = 0;
  gsize len = strlen (buf);

  /* YYYY-MM-DDTHH:MM:SS then Z or +HH:MM */
  if (len == 20 && buf[19] == 'Z')
    offset = 0;
  else if (len == 25 && (buf[19] == '+' || buf[19] == '-'))
    {
      offset = two_digits (buf + 20) * 3600 + two_digits (buf + 23) * 60;
      if (buf[19] == '-')
        offset = -offset;
    }
  else
    return FALSE;

  year = two_digits (buf) * 100 + two_digits (buf + 2);
  month = two_digits (buf + 5);
  day = two_digits (buf + 8);
  hour = two_digits (buf + 11);
  minute = two_digits (buf + 14);
  second = two_digits (buf + 17);

  if (year < 2 || year > 9998 || second > 59 ||
      !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;

  *out_unix = days_from_civil (year, month, day) * 86400 +
              hour * 3600 + minute * 60 + second - offset;
  return TRUE;
}

gboolean
lk_time_parse_rfc3339 (const char *text,
                       gint64     *out_unix)
{
  char buf[MAX_RFC3339_LENGTH + 1];
  g_autoptr(GDateTime) dt = NULL;
  gint64 value;

  if (text == NULL || !normalise_rfc3339 (text, buf))
    return FALSE;

  if (parse_simple (buf, &value))
    {
      if (out_unix != NULL)
        *out_unix = value;
      return TRUE;
    }

  /* A zone is always present, so no default zone is needed. */
  dt = g_date_time_new_from_iso8601 (buf, NULL);
  if (dt == NULL)
    return FALSE;

  if (out_unix != NULL)
    *out_unix = g_date_time_to_unix (dt);

  return TRUE;
}

static GDateTime *
new_utc (gint64 unix_time)
{
  GDateTime *dt = g_date_time_new_from_unix_utc (unix_time);

  /* Out of GDateTime's range (years 1 to 9999): clamp to the epoch rather
   * than fail, so callers always get a valid string. */
  if (dt == NULL)
    dt = g_date_time_new_from_unix_utc (0);

  return dt;
}

char *
lk_time_format_rfc3339 (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = new_utc (unix_time);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

char *
lk_time_format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = new_utc (unix_time);

  return g_date_time_format (dt, "%Y-%m-%d");
}

/* The local time zone, created once per value of TZ.  g_time_zone_new_local()
 * (and so g_date_time_new_from_unix_local()) stats and reads the link of
 * /etc/localtime on every call; the list formats an expiry for every row it
 * binds, so that showed up in every frame.  Keyed on TZ so that a program
 * (or test) that sets TZ before its first use, or changes it, still gets
 * the right zone. */
G_LOCK_DEFINE_STATIC (local_zone);
static GTimeZone *local_zone;
static char *local_zone_tz;

static GTimeZone *
dup_local_zone (void)
{
  const char *tz = g_getenv ("TZ");
  GTimeZone *zone;

  G_LOCK (local_zone);
  if (local_zone == NULL || g_strcmp0 (tz, local_zone_tz) != 0)
    {
      g_clear_pointer (&local_zone, g_time_zone_unref);
      g_free (local_zone_tz);
      local_zone = g_time_zone_new_local ();
      local_zone_tz = g_strdup (tz);
    }
  zone = g_time_zone_ref (local_zone);
  G_UNLOCK (local_zone);

  return zone;
}

/* Julian day number (GDate's: 1 is 0001-01-01) of 1970-01-01. */
#define JULIAN_DAY_OF_EPOCH 719163
#define SECONDS_PER_DAY (24 * 60 * 60)
/* GDateTime's range, with two days of margin for any zone offset:
 * 0001-01-03T00:00:00Z and 9999-12-29T23:59:59Z. */
#define FAST_MIN_UNIX (G_GINT64_CONSTANT (-62135596800) + 2 * SECONDS_PER_DAY)
#define FAST_MAX_UNIX (G_GINT64_CONSTANT (253402300799) - 2 * SECONDS_PER_DAY)

/* The local calendar date of @unix_time as a Julian day number. */
static gboolean
local_julian_day (gint64  unix_time,
                  guint32 *out_julian)
{
  g_autoptr(GTimeZone) zone = dup_local_zone ();
  g_autoptr(GDateTime) dt = NULL;
  int year, month, day;
  GDate date;

  if (unix_time >= FAST_MIN_UNIX && unix_time <= FAST_MAX_UNIX)
    {
      /* The zone's offset at that instant, without building a GDateTime:
       * the day is then plain arithmetic on the local seconds. */
      int interval = g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, unix_time);
      gint64 local = unix_time + g_time_zone_get_offset (zone, interval);
      gint64 days = local / SECONDS_PER_DAY;

      if (local % SECONDS_PER_DAY < 0)
        days--;

      *out_julian = (guint32) (days + JULIAN_DAY_OF_EPOCH);
      return TRUE;
    }

  /* Near the ends of the range, let GDateTime decide what is valid. */
  dt = g_date_time_new_from_unix_utc (unix_time);
  if (dt != NULL)
    {
      GDateTime *local_dt = g_date_time_to_timezone (dt, zone);

      g_date_time_unref (dt);
      dt = local_dt;
    }
  if (dt == NULL)
    return FALSE;

  g_date_time_get_ymd (dt, &year, &month, &day);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  if (!g_date_valid (&date))
    return FALSE;

  *out_julian = g_date_get_julian (&date);
  return TRUE;
}

int
lk_time_days_between (gint64 now,
                      gint64 then)
{
  guint32 a, b;
  gint64 diff;

  if (!local_julian_day (now, &a) || !local_julian_day (then, &b))
    {
      /* Out of range: fall back to plain arithmetic, clamped. */
      diff = (then - now) / (24 * 60 * 60);
      return (int) CLAMP (diff, -G_MAXINT + 1, G_MAXINT - 1);
    }

  return (int) ((gint64) b - (gint64) a);
}

/* The clock lk_time_now() asks; both under @clock, as a reader in another
 * thread (the prefetch's) must never see one without the other. */
G_LOCK_DEFINE_STATIC (clock);
static LkClockFunc clock_func;
static gpointer clock_data;

void
lk_time_set_clock (LkClockFunc func,
                   gpointer    user_data)
{
  G_LOCK (clock);
  clock_func = func;
  clock_data = func != NULL ? user_data : NULL;
  G_UNLOCK (clock);
}

gint64
lk_time_now (void)
{
  LkClockFunc func;
  gpointer data;

  G_LOCK (clock);
  func = clock_func;
  data = clock_data;
  G_UNLOCK (clock);

  if (func != NULL)
    {
      gint64 now = func (data);

      if (now > 0)
        return now;
    }

  return g_get_real_time () / G_USEC_PER_SEC;
}

char *
lk_time_describe_expiry (gint64 now,
                         gint64 expires_at)
{
  int days;

  if (expires_at == 0)
    /* Translators: the expiry of a key that has no expiry date */
    return g_strdup (_("never"));

  days = lk_time_days_between (now, expires_at);

  if (days < 0)
    /* Translators: when a key expired, e.g. "3 days ago" */
    return g_strdup_printf (ngettext ("%d day ago", "%d days ago", -days), -days);

  if (expires_at <= now)
    /* Translators: a key whose expiry time has passed earlier today */
    return g_strdup (_("expired"));

  if (days == 0)
    /* Translators: a key that expires later today */
    return g_strdup (_("today"));

  if (days == 1)
    /* Translators: a key that expires tomorrow */
    return g_strdup (_("tomorrow"));

  /* Translators: when a key expires, e.g. "in 5 days" */
  return g_strdup_printf (ngettext ("in %d day", "in %d days", days), days);
}

char *
lk_time_describe_expiry_sentence (gint64 now,
                                  gint64 expires_at)
{
  int days;

  if (expires_at == 0)
    return g_strdup (_("Never expires."));

  days = lk_time_days_between (now, expires_at);

  if (days < 0)
    /* Translators: a key that expired %d days ago */
    return g_strdup_printf (ngettext ("Expired %d day ago.", "Expired %d days ago.", -days), -days);

  if (expires_at <= now)
    return g_strdup (_("Expired earlier today."));

  if (days == 0)
    return g_strdup (_("Expires later today."));

  if (days == 1)
    return g_strdup (_("Expires tomorrow."));

  /* Translators: a key that expires in %d days */
  return g_strdup_printf (ngettext ("Expires in %d day.", "Expires in %d days.", days), days);
}
