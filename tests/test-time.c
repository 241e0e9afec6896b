/* test-time.c: RFC 3339 parsing and formatting, calendar-day arithmetic
 * across daylight-saving changes, expiry phrases, the fake clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <time.h>

#include "lk-time.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)

/* Unix time of a wall-clock time in the test's zone (Europe/Berlin). */
static gint64
local_time (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (year, month, day, hour, minute, 0);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static void
test_zone_is_berlin (void)
{
  /* The DST tests below mean nothing unless the zone took effect:
   * these values come from an independent zoneinfo computation. */
  g_assert_cmpint (local_time (2026, 3, 28, 23, 30), ==, 1774737000);
  g_assert_cmpint (local_time (2026, 3, 30, 0, 10), ==, 1774822200);
  g_assert_cmpint (local_time (2026, 10, 24, 0, 10), ==, 1792793400);
  g_assert_cmpint (local_time (2026, 10, 25, 23, 50), ==, 1792968600);
}

static void
test_parse_good (void)
{
  static const struct {
    const char *text;
    gint64      expected;
  } cases[] = {
    { "2026-11-27T10:00:00Z", 1795773600 },
    { "2026-11-27t10:00:00z", 1795773600 },
    { "2026-11-27T11:00:00+01:00", 1795773600 },
    { "2026-11-27T05:30:00-04:30", 1795773600 },
    { "2026-11-27T10:00:00.123Z", 1795773600 },
    { "2026-11-27T10:00:00.999999+00:00", 1795773600 },
    { "2026-11-27T10:00:00+00:00", 1795773600 },
    { "2026-11-27T10:00:00-00:00", 1795773600 },
    { "1970-01-01T00:00:00Z", 0 },
    { "2024-02-29T00:00:00Z", 1709164800 },
    { "9999-12-31T23:59:59Z", G_GINT64_CONSTANT (253402300799) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 value = -1;

      if (!lk_time_parse_rfc3339 (cases[i].text, &value))
        g_error ("refused “%s”", cases[i].text);
      g_assert_cmpint (value, ==, cases[i].expected);
    }

  /* out_unix may be NULL */
  g_assert_true (lk_time_parse_rfc3339 ("2026-11-27T10:00:00Z", NULL));
}

static void
test_parse_bad (void)
{
  static const char *const cases[] = {
    "",
    " ",
    "garbage",
    "2026-11-27",                       /* date only */
    "10:00:00Z",                        /* time only */
    "2026-11-27T10:00:00",              /* no zone */
    "2026-11-27T10:00Z",                /* no seconds */
    "2026-11-27 10:00:00Z",             /* space instead of T */
    "2026-11-27T10:00:00+0100",         /* offset without colon */
    "2026-11-27T10:00:00+01",           /* short offset */
    "2026-11-27T10:00:00.Z",            /* empty fraction */
    "2026-11-27T10:00:00ZZ",            /* trailing garbage */
    "2026-11-27T10:00:00Z ",
    " 2026-11-27T10:00:00Z",
    "2026-W48-5T10:00:00Z",             /* ISO week date */
    "2026-331T10:00:00Z",               /* ISO ordinal date */
    "20261127T100000Z",                 /* ISO basic format */
    "2026-13-01T00:00:00Z",             /* month 13 */
    "2026-00-10T00:00:00Z",
    "2026-02-30T00:00:00Z",             /* no such day */
    "2025-02-29T00:00:00Z",             /* not a leap year */
    "2026-11-27T24:00:01Z",
    "2026-11-27T10:60:00Z",
    "2026-11-27T10:00:61Z",
    "2026-11-27T10:00:00+25:00",
    "0000-01-01T00:00:00Z",             /* year 0 */
    "+2026-11-27T10:00:00Z",
    "-2026-11-27T10:00:00Z",
    "2026-1-27T10:00:00Z",
    "２０２６-11-27T10:00:00Z",          /* full-width digits */
    "2026-11-27T10:00:00\xff",          /* not UTF-8 */
    "1795773600",                       /* Unix seconds */
  };
  g_autofree char *long_fraction = NULL;
  g_autofree char *huge = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 value = 42;

      if (lk_time_parse_rfc3339 (cases[i], &value))
        g_error ("accepted “%s”", cases[i]);
      g_assert_cmpint (value, ==, 42);
    }

  g_assert_false (lk_time_parse_rfc3339 (NULL, NULL));

  long_fraction = g_strdup_printf ("2026-11-27T10:00:00.%sZ", "1111111111111111111111111111111111111111111111111111111111111");
  g_assert_false (lk_time_parse_rfc3339 (long_fraction, NULL));

  huge = g_strnfill (1024 * 1024, '9');
  g_assert_false (lk_time_parse_rfc3339 (huge, NULL));
}

static void
test_format (void)
{
  g_autofree char *text = lk_time_format_rfc3339 (1795773600);
  g_autofree char *date = lk_time_format_date (1795773600);
  g_autofree char *late = NULL;
  g_autofree char *epoch = lk_time_format_rfc3339 (0);
  g_autofree char *out_of_range = lk_time_format_rfc3339 (G_MAXINT64);
  gint64 back = 0;

  g_assert_cmpstr (text, ==, "2026-11-27T10:00:00Z");
  g_assert_cmpstr (date, ==, "2026-11-27");
  g_assert_cmpstr (epoch, ==, "1970-01-01T00:00:00Z");
  g_assert_nonnull (out_of_range);

  /* The date is the UTC date even where the local date differs. */
  late = lk_time_format_date (local_time (2026, 11, 28, 0, 30));
  g_assert_cmpstr (late, ==, "2026-11-27");

  /* Round trip. */
  for (gint64 t = 0; t < G_GINT64_CONSTANT (4000000000); t += 123456789)
    {
      g_autofree char *s = lk_time_format_rfc3339 (t);

      g_assert_true (lk_time_parse_rfc3339 (s, &back));
      g_assert_cmpint (back, ==, t);
    }
}

static void
test_days_between_plain (void)
{
  gint64 now = local_time (2026, 6, 15, 12, 0);

  g_assert_cmpint (lk_time_days_between (now, now), ==, 0);
  g_assert_cmpint (lk_time_days_between (now, local_time (2026, 6, 15, 23, 59)), ==, 0);
  g_assert_cmpint (lk_time_days_between (now, local_time (2026, 6, 15, 0, 0)), ==, 0);
  g_assert_cmpint (lk_time_days_between (now, local_time (2026, 6, 16, 0, 1)), ==, 1);
  g_assert_cmpint (lk_time_days_between (now, local_time (2026, 6, 12, 18, 0)), ==, -3);
  g_assert_cmpint (lk_time_days_between (now, now + 365 * DAY), ==, 365);
  g_assert_cmpint (lk_time_days_between (now, now + 366 * DAY), ==, 366);
  g_assert_cmpint (lk_time_days_between (now, now - 365 * DAY), ==, -365);

  /* Just before and just after local midnight are different dates, even
   * though only two minutes apart. */
  g_assert_cmpint (lk_time_days_between (local_time (2026, 6, 15, 23, 59),
                                         local_time (2026, 6, 16, 0, 1)), ==, 1);
}

static void
test_days_between_dst (void)
{
  gint64 now, then;

  /* Spring forward (2026-03-29, 02:00 -> 03:00): 23 h 40 min apart, yet
   * two calendar days. */
  now = local_time (2026, 3, 28, 23, 30);
  then = local_time (2026, 3, 30, 0, 10);
  g_assert_cmpint ((then - now) / DAY, ==, 0);
  g_assert_cmpint (lk_time_days_between (now, then), ==, 2);
  g_assert_cmpint (lk_time_days_between (then, now), ==, -2);

  /* Fall back (2026-10-25, 03:00 -> 02:00): 48 h 40 min apart, yet one
   * calendar day. */
  now = local_time (2026, 10, 24, 0, 10);
  then = local_time (2026, 10, 25, 23, 50);
  g_assert_cmpint ((then - now) / DAY, ==, 2);
  g_assert_cmpint (lk_time_days_between (now, then), ==, 1);

  /* A whole year from just before the spring change. */
  now = local_time (2026, 3, 28, 12, 0);
  g_assert_cmpint (lk_time_days_between (now, local_time (2027, 3, 28, 12, 0)), ==, 365);
  g_assert_cmpint (lk_time_days_between (now, local_time (2027, 3, 29, 12, 0)), ==, 366);

  /* Each day across both changes is exactly one calendar day further. */
  now = local_time (2026, 3, 20, 0, 30);
  for (int i = 0; i < 240; i++)
    {
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (now);
      g_autoptr(GDateTime) later = g_date_time_add_days (start, i);

      g_assert_cmpint (lk_time_days_between (now, g_date_time_to_unix (later)), ==, i);
    }
}

static void
test_describe_expiry (void)
{
  gint64 now = local_time (2026, 6, 15, 12, 0);
  static const struct {
    int         days;
    int         hour;
    const char *expected;
  } cases[] = {
    { 0, 18, "today" },
    { 1, 8, "tomorrow" },
    { 2, 12, "in 2 days" },
    { 5, 0, "in 5 days" },
    { 365, 12, "in 365 days" },
    { -1, 12, "1 day ago" },
    { -3, 23, "3 days ago" },
    { 0, 6, "expired" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) base = g_date_time_new_local (2026, 6, 15, cases[i].hour, 0, 0);
      g_autoptr(GDateTime) then = g_date_time_add_days (base, cases[i].days);
      g_autofree char *text = lk_time_describe_expiry (now, g_date_time_to_unix (then));

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  {
    g_autofree char *exact = lk_time_describe_expiry (now, now);
    g_autofree char *never = lk_time_describe_expiry (now, 0);

    g_assert_cmpstr (exact, ==, "expired");
    g_assert_cmpstr (never, ==, "never");
  }
}

/* A clock that says whatever *@user_data holds. */
static gint64
fixed_clock (gpointer user_data)
{
  return *(const gint64 *) user_data;
}

static void
test_fake_now (void)
{
  gint64 fake;
  gint64 real;

  fake = 1795773600;
  lk_time_set_clock (fixed_clock, &fake);
  g_assert_cmpint (lk_time_now (), ==, 1795773600);

  /* No clock: real time. */
  lk_time_set_clock (NULL, &fake);
  real = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (ABS (lk_time_now () - real), <=, 2);

  /* A clock that says a time before 1970 is not believed. */
  fake = -5;
  lk_time_set_clock (fixed_clock, &fake);
  g_assert_cmpint (ABS (lk_time_now () - real), <=, 2);

  lk_time_set_clock (NULL, NULL);
  real = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (ABS (lk_time_now () - real), <=, 2);
}

int
main (int argc, char *argv[])
{
  /* Before anything reads the local zone: GLib caches it. */
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  tzset ();
  g_setenv ("LC_ALL", "C", TRUE);
  setlocale (LC_ALL, "C");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/time/zone-is-berlin", test_zone_is_berlin);
  g_test_add_func ("/lk/time/parse-good", test_parse_good);
  g_test_add_func ("/lk/time/parse-bad", test_parse_bad);
  g_test_add_func ("/lk/time/format", test_format);
  g_test_add_func ("/lk/time/days-between", test_days_between_plain);
  g_test_add_func ("/lk/time/days-between-dst", test_days_between_dst);
  g_test_add_func ("/lk/time/describe-expiry", test_describe_expiry);
  g_test_add_func ("/lk/time/fake-now", test_fake_now);

  return g_test_run ();
}
