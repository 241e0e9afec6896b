/* fuzz-token.c: the OAuth2 token reply parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_setup ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  char *token = NULL;
  gint64 expires_in = 0;
  gboolean ok;

  ok = lk_wire_parse_token ((const char *) data, size, &token, &expires_in, &error);
  fuzz_check_error (ok, error);

  if (ok)
    {
      FUZZ_CHECK (token != NULL && *token != '\0');
      FUZZ_CHECK (expires_in > 0);
    }
  else
    FUZZ_CHECK (token == NULL);

  lk_secret_free (token);
  return 0;
}
