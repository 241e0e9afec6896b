/* bench-schema.h: the keyring schema of API keys, for the benchmarks'
 * baselines that store and look up items by direct libsecret calls
 *
 * The same as LkSecretStore's (src/core/keyring), written out again on
 * purpose: a baseline must not go through the product's code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>

G_BEGIN_DECLS

const SecretSchema *bench_api_key_schema (void);

G_END_DECLS
