/* lk-simulator-faults.h: fault injection and request counters (tests only)
 *
 * A test-only library (lk-sim-faults) over the simulator's request hook
 * (lk-simulator-hook.h): tests, benchmarks and layer-keys-sim link it; the
 * application does not.  Linking it is enough: every simulator created
 * after the program starts counts its requests and takes faults.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-simulator.h"

G_BEGIN_DECLS

typedef enum {
  LK_SIM_FAULT_LATENCY,           /* param: milliseconds added before the reply */
  LK_SIM_FAULT_HTTP_500,
  LK_SIM_FAULT_HTTP_429,          /* param: Retry-After seconds */
  LK_SIM_FAULT_HTTP_503,          /* param: Retry-After seconds */
  LK_SIM_FAULT_MALFORMED_JSON,    /* 200 with a body that is not JSON */
  LK_SIM_FAULT_TRUNCATED_BODY,    /* the real reply cut in half, Content-Length kept */
  LK_SIM_FAULT_DROP_AFTER_COMMIT, /* the request takes effect, then the connection is closed */
  LK_SIM_FAULT_NO_REPLY,          /* the request is held and never answered */
  LK_SIM_FAULT_HTTP_401,          /* token rejected once, as if expired */
} LkSimFault;

/* Fault injection: the next @count requests (0 = every request until
 * cleared) whose method is @method (NULL = any) and whose path (with its
 * query, "path?query") starts with @path_prefix (NULL = any) get @fault. */
void         lk_simulator_add_fault           (LkSimulator         *self,
                                               const char          *method,
                                               const char          *path_prefix,
                                               LkSimFault           fault,
                                               guint                param,
                                               guint                count);
void         lk_simulator_clear_faults        (LkSimulator         *self);

/* Counters for tests: requests received for @method + @path_prefix. */
guint        lk_simulator_count_requests      (LkSimulator         *self,
                                               const char          *method,
                                               const char          *path_prefix);
/* The client connections (address and port) requests came on. */
guint        lk_simulator_count_connections   (LkSimulator         *self);

G_END_DECLS
