/* fuzz-created.c: the create reply parser (the one that carries a secret)
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
  g_autoptr(LkCreatedKey) created = NULL;

  created = lk_wire_parse_created ((const char *) data, size, &error);
  fuzz_check_error (created != NULL, error);

  if (created != NULL)
    {
      fuzz_check_key (created->key);
      FUZZ_CHECK (created->client_secret != NULL && *created->client_secret != '\0');
      FUZZ_CHECK (!created->stored);
    }

  return 0;
}
