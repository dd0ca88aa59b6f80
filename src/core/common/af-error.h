/* af-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AF_ERROR (af_error_quark ())

/**
 * AfError:
 *
 * The one error domain of AgentFlow's core. Every code maps to a sentence
 * the UI can show; the message carries the specifics (which service, which
 * call, what the user can do). Append new codes at the end.
 */
typedef enum
{
  AF_ERROR_FAILED,
  AF_ERROR_DATABASE,
  AF_ERROR_DATABASE_CORRUPT,
  AF_ERROR_DATABASE_TOO_NEW,
  AF_ERROR_DISK_FULL,
  AF_ERROR_READ_ONLY,
  AF_ERROR_NO_KEYRING,
  AF_ERROR_KEYRING_LOCKED,
  AF_ERROR_NOT_CONFIGURED,
  AF_ERROR_ACCESS_DENIED,
  AF_ERROR_TIMED_OUT,
  AF_ERROR_AUTH_FAILED,
  AF_ERROR_NEEDS_RECONNECT,
  AF_ERROR_NETWORK,
  AF_ERROR_RATE_LIMITED,
  AF_ERROR_SERVICE_UNAVAILABLE,
  AF_ERROR_BAD_RESPONSE,
  AF_ERROR_NOT_FOUND,
  AF_ERROR_GONE,
  AF_ERROR_PERMISSION_DENIED,
  AF_ERROR_INVALID_ARGUMENT,
  AF_ERROR_TOO_LARGE,
  AF_ERROR_INVALID_DATA,
  AF_ERROR_CONFLICT,
} AfError;

GQuark af_error_quark (void);

G_END_DECLS
