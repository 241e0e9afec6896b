/* fuzz-key-page.c: the key list page parser
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
  g_autoptr(GPtrArray) items = NULL;
  guint offset = 0, total = 0;
  gboolean ok;

  ok = lk_wire_parse_key_page ((const char *) data, size, &items, &offset, &total, &error);
  fuzz_check_error (ok, error);

  if (ok)
    {
      FUZZ_CHECK (items != NULL);
      /* A page never reaches past the total; an empty page past the end
       * (a list that shrank while it was read) is a valid answer. */
      FUZZ_CHECK (items->len == 0 || (guint64) offset + items->len <= total);
      for (guint i = 0; i < items->len; i++)
        fuzz_check_key (items->pdata[i]);
    }
  else
    FUZZ_CHECK (items == NULL);

  return 0;
}
