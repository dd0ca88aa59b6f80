/* af-test-wait.h — waiting for a condition, never for a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * af_test_wait_until (cond, what) iterates the default main context until
 * COND holds. COND is checked after every iteration, and at least every
 * 10 ms, so a condition on something outside the main loop (a file,
 * another process's database) is seen too. After AF_TEST_WAIT_TIMEOUT_S
 * seconds (or $AF_TEST_WAIT_TIMEOUT_S) the test fails with "timed out
 * waiting for WHAT": say what did not happen, e.g. "the approvals list to
 * show 3 rows". WHAT is only evaluated then. Header-only, GLib only: the
 * core tests use it as well as the UI tests (af-test-ui.h includes it).
 */

#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

G_BEGIN_DECLS

#define AF_TEST_WAIT_TIMEOUT_S 30

typedef struct
{
  gint64 start;
  gint64 deadline;
  guint  poll_id;
} AfTestWait;

G_GNUC_UNUSED static gboolean
af_test_wait_poll_cb (gpointer data)
{
  /* Nothing to do: waking the main context is the point. */
  return G_SOURCE_CONTINUE;
}

/* @seconds: 0 for the default (AF_TEST_WAIT_TIMEOUT_S, or the
 * environment's AF_TEST_WAIT_TIMEOUT_S when that is longer). */
G_GNUC_UNUSED static void
af_test_wait_begin (AfTestWait *wait,
                    guint       seconds)
{
  const char *env = g_getenv ("AF_TEST_WAIT_TIMEOUT_S");
  gint64      from_env = env ? g_ascii_strtoll (env, NULL, 10) : 0;
  gint64      timeout = MAX (seconds ? seconds : AF_TEST_WAIT_TIMEOUT_S, from_env);

  wait->start = g_get_monotonic_time ();
  wait->deadline = wait->start + timeout * G_USEC_PER_SEC;
  wait->poll_id = g_timeout_add (10, af_test_wait_poll_cb, NULL);
}

G_GNUC_UNUSED static gboolean
af_test_wait_expired (AfTestWait *wait)
{
  return g_get_monotonic_time () >= wait->deadline;
}

G_GNUC_UNUSED static void
af_test_wait_step (void)
{
  g_main_context_iteration (NULL, TRUE);
}

G_GNUC_UNUSED static void
af_test_wait_end (AfTestWait *wait)
{
  g_clear_handle_id (&wait->poll_id, g_source_remove);
}

G_GNUC_UNUSED G_NORETURN static void
af_test_wait_fail (AfTestWait *wait,
                   const char *file,
                   int         line,
                   const char *func,
                   const char *what)
{
  g_autofree char *message = g_strdup_printf ("timed out after %.1f s waiting for %s",
                                              (g_get_monotonic_time () - wait->start) / (double)G_USEC_PER_SEC,
                                              what);

  af_test_wait_end (wait);
  g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
  abort ();
}

/* Dispatches every source that is ready now, without blocking: what was
 * already queued (an idle, a signal's follow-up) has happened. For
 * asserting that something did NOT happen after a synchronous change. */
G_GNUC_UNUSED static void
af_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

#define af_test_wait_until(cond, what) af_test_wait_until_timeout (cond, 0, what)

/* The same with a timeout of its own, in seconds, for what takes longer
 * by design (a child process doing several runs). */
#define af_test_wait_until_timeout(cond, seconds, what)                       \
  G_STMT_START                                                                \
  {                                                                           \
    AfTestWait _af_wait;                                                      \
                                                                              \
    af_test_wait_begin (&_af_wait, (seconds));                                \
    while (!(cond))                                                           \
      {                                                                       \
        if (af_test_wait_expired (&_af_wait))                                 \
          af_test_wait_fail (&_af_wait, __FILE__, __LINE__, G_STRFUNC, what); \
        af_test_wait_step ();                                                 \
      }                                                                       \
    af_test_wait_end (&_af_wait);                                             \
  }                                                                           \
  G_STMT_END

/* Removes a test's temporary directory and the files in it. */
static inline void
af_test_remove_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

G_END_DECLS
