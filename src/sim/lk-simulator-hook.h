/* lk-simulator-hook.h: a way into the simulator's requests
 *
 * A hook sees every request before the simulator handles it, and again
 * after the simulator has set its reply on the message.  Before, it may
 * take the request over: answer it itself, hold it back (and serve it
 * later with lk_simulator_serve_message()), or take its connection.
 * After, it may still take the connection (to cut the reply short, say).
 *
 * A hook is installed once for the process and attaches to every
 * simulator created afterwards, each with a state of its own.  The
 * simulator installs none: the test-only fault injection and request
 * counters (src/sim/faults) are one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include "lk-simulator.h"

G_BEGIN_DECLS

typedef enum {
  LK_SIM_HOOK_CONTINUE,   /* the simulator handles the request */
  LK_SIM_HOOK_TAKEN,      /* the hook answered, held or took the request */
} LkSimHookResult;

typedef struct {
  /* A new simulator: returns the hook's state for it. */
  gpointer         (*attach)  (LkSimulator       *simulator);
  /* The simulator is finalized: frees @state. */
  void             (*detach)  (gpointer           state);
  /* A request arrived (or is served again by lk_simulator_serve_message()). */
  LkSimHookResult  (*before)  (LkSimulator       *simulator,
                               SoupServerMessage *msg,
                               gpointer           state);
  /* The simulator has set its reply on @msg.  May be NULL. */
  void             (*after)   (LkSimulator       *simulator,
                               SoupServerMessage *msg,
                               gpointer           state);
  /* The simulator stops listening: drop every request held back. */
  void             (*stopped) (LkSimulator       *simulator,
                               gpointer           state);
} LkSimHook;

/* Installs @hook (static storage) for the simulators created from now on;
 * NULL removes it. */
void      lk_simulator_install_hook    (const LkSimHook   *hook);
/* The state that @hook's attach() returned for @self, or NULL when @self
 * was created without @hook. */
gpointer  lk_simulator_get_hook_state  (LkSimulator       *self,
                                        const LkSimHook   *hook);
/* Serves @msg as a request that just arrived: before(), the handlers,
 * after().  For a hook that held @msg back. */
void      lk_simulator_serve_message   (LkSimulator       *self,
                                        SoupServerMessage *msg);

G_END_DECLS
