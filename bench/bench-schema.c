/* bench-schema.c: the keyring schema of API keys (see bench-schema.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-schema.h"

const SecretSchema *
bench_api_key_schema (void)
{
  static const SecretSchema schema = {
    "io.github.layerkeys.LayerKeys.ApiKey", SECRET_SCHEMA_DONT_MATCH_NAME,
    {
      { "key-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "platform", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "expires", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}
