/* fuzz-error-body.c: the error body parser, which never fails, and the
 * create request parser of the simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"
#include "lk-sim-wire.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_setup ();
  return 0;
}

static void
check_display_string (const char *text)
{
  if (text == NULL)
    return;

  FUZZ_CHECK (*text != '\0');
  FUZZ_CHECK (g_utf8_validate (text, -1, NULL));
  FUZZ_CHECK (strlen (text) <= LK_WIRE_MAX_FIELD_LENGTH);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    FUZZ_CHECK (!g_unichar_iscntrl (g_utf8_get_char (p)));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *field = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  LkPermissions permissions;
  gint64 expires_at = 0;
  gboolean ok;

  lk_wire_parse_error_body ((const char *) data, size, &title, &detail, &field);
  check_display_string (title);
  check_display_string (detail);
  check_display_string (field);

  /* The simulator's side: a create request from any client. */
  ok = lk_wire_parse_create_body ((const char *) data, size, &name, &expires_at, &permissions, &error);
  FUZZ_CHECK (ok == (name != NULL));
  FUZZ_CHECK (ok == (error == NULL));
  if (!ok)
    FUZZ_CHECK (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT));

  return 0;
}
