/* fuzz-whoami.c: the whoami reply parser
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
  g_autoptr(LkApiKey) key = NULL;

  key = lk_wire_parse_whoami ((const char *) data, size, &error);
  fuzz_check_error (key != NULL, error);

  if (key != NULL)
    {
      g_autofree char *summary = NULL;

      fuzz_check_key (key);
      summary = lk_permissions_to_summary (lk_api_key_get_permissions (key));
      FUZZ_CHECK (summary != NULL);
    }

  return 0;
}
