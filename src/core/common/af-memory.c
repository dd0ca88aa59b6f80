/* af-memory.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How the process's allocator is set up. The app calls it first thing,
 * and so do its soak and its benchmarks: what they measure is the app's
 * memory and the app's speed, not another allocator's.
 */

#include "config.h"

#include "af-memory.h"

/* After a libc header (glib.h's), which tells whether it is glibc's. */
#ifdef __GLIBC__
#include <malloc.h>
#endif

/**
 * af_memory_setup:
 *
 * One malloc arena for the whole process; call it before any thread
 * starts. Everything runs on the main loop; GLib's few worker threads
 * (file and icon loading, name resolution, reading Gmail's answers)
 * allocate briefly, yet each would get an arena of its own whose pages
 * stay dirty while the app idles all day: half a megabyte with a long
 * log, and a private memory that grows while the heap in use stays flat.
 * The price is paid in a long mail run, whose worker threads and main
 * loop then share the arena's lock (README, "Mail run").
 */
void
af_memory_setup (void)
{
#ifdef __GLIBC__
  mallopt (M_ARENA_MAX, 1);
#endif
}
