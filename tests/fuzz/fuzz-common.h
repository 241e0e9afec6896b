/* fuzz-common.h: shared set-up of the libFuzzer harnesses
 *
 * Each harness feeds arbitrary bytes to one parser of platform replies.
 * GLib criticals and warnings abort, so a g_return_if_fail that fires is a
 * finding too; AddressSanitizer and UndefinedBehaviorSanitizer catch the
 * rest, and LeakSanitizer reports what a parser forgets to free.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "lk-error.h"
#include "lk-wire.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Aborts when @condition does not hold, so libFuzzer records the input. */
#define FUZZ_CHECK(condition) \
  G_STMT_START { if (!(condition)) { \
    g_printerr ("fuzz check failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__); \
    abort (); } } G_STMT_END

static inline void
fuzz_setup (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_setenv ("TZ", "UTC", TRUE);
}

/* Every failure is a MALFORMED_REPLY with a short, valid UTF-8 message. */
static inline void
fuzz_check_error (gboolean ok, GError *error)
{
  if (ok)
    {
      FUZZ_CHECK (error == NULL);
      return;
    }

  FUZZ_CHECK (error != NULL);
  FUZZ_CHECK (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY));
  FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
  FUZZ_CHECK (strlen (error->message) < 400);
}

/* A key that came out of a parser holds what the contract promises. */
static inline void
fuzz_check_key (LkApiKey *key)
{
  FUZZ_CHECK (LK_IS_API_KEY (key));
  FUZZ_CHECK (lk_api_key_get_id (key) != NULL && *lk_api_key_get_id (key) != '\0');
  FUZZ_CHECK (lk_api_key_get_name (key) != NULL && *lk_api_key_get_name (key) != '\0');
  FUZZ_CHECK (lk_api_key_get_client_id (key) != NULL);
  FUZZ_CHECK (g_utf8_validate (lk_api_key_get_name (key), -1, NULL));
  FUZZ_CHECK (strlen (lk_api_key_get_name (key)) <= LK_WIRE_MAX_FIELD_LENGTH);
}
