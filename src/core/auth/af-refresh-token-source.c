/* af-refresh-token-source.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-refresh-token-source"

#include "config.h"

#include <string.h>

#include "af-error.h"
#include "af-json-private.h"
#include "af-oauth-http.h"
#include "af-refresh-token-source.h"

/* Access tokens from a refresh token held in memory only: the sandbox's
 * sample accounts, whose grant lives as long as the process. Accounts a
 * person connects are AfCredentials, their refresh token in the keyring.
 *
 * A refresh is the OAuth 2.0 refresh_token grant (RFC 6749, section 6),
 * one at a time: callers that ask meanwhile wait for the same answer. An
 * access token is used until shortly before its expires_in runs out, or
 * until the API rejects it (Gmail answers 401 "Invalid Credentials" when
 * it expired: https://developers.google.com/gmail/api/guides/handle-errors). */

/* Refresh this long before the token expires, not on the second. */
#define MARGIN_USEC (60 * G_USEC_PER_SEC)

struct _AfRefreshTokenSource
{
  GObject parent_instance;

  SoupSession *session;
  char        *token_url;
  char        *client_id;
  char        *refresh_token;
  char        *access_token;
  gint64       expires_at; /* monotonic µs, 0: unknown */
  GPtrArray   *waiters;    /* GTask, while a refresh is in flight */
  guint        n_refreshes;
};

static void token_source_iface_init (AfTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfRefreshTokenSource, af_refresh_token_source, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_TOKEN_SOURCE, token_source_iface_init))

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    explicit_bzero (*secret, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
on_refresh_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (AfRefreshTokenSource) self = user_data;
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->waiters);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) answer = NULL;
  guint       status = 0;
  const char *access;

  answer = af_oauth_http_request_finish (result, &status, &error);
  access = answer != NULL ? af_json_get_string (answer, "access_token", NULL) : NULL;
  if (answer != NULL && (status != 200 || access == NULL || *access == '\0'))
    {
      const char *code = af_json_get_string (answer, "error", NULL);

      /* invalid_grant: the grant was revoked or expired; asking again
       * cannot help (RFC 6749, section 5.2). */
      g_set_error (&error, AF_ERROR, status == 400 || status == 401 ? AF_ERROR_NEEDS_RECONNECT : AF_ERROR_BAD_RESPONSE,
                   "The sign-in could not be renewed (%s)", code ? code : "no access token");
    }
  clear_secret (&self->access_token);
  self->expires_at = 0;
  if (error == NULL)
    {
      gint64 expires_in = af_json_get_int (answer, "expires_in", 0);

      self->access_token = g_strdup (access);
      self->expires_at = expires_in > 0 ? g_get_monotonic_time () + expires_in * G_USEC_PER_SEC : 0;
      self->n_refreshes++;
      g_debug ("Access token renewed, valid for %" G_GINT64_FORMAT " s", expires_in);
    }
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (self->access_token), g_free);
    }
}

static void
refresh (AfRefreshTokenSource *self)
{
  g_autoptr (GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (SoupMessage) msg = NULL;

  g_hash_table_insert (form, (char *)"grant_type", (char *)"refresh_token");
  g_hash_table_insert (form, (char *)"refresh_token", self->refresh_token);
  g_hash_table_insert (form, (char *)"client_id", self->client_id);
  msg = af_oauth_http_new_form_post (self->token_url, form);
  /* Not cancellable: the waiters share it, and a token is worth having. */
  af_oauth_http_request_async (self->session, msg, "the sign-in service", NULL, on_refresh_cb, g_object_ref (self));
}

static void
af_refresh_token_source_get_token_async (AfTokenSource      *source,
                                         gboolean            force_refresh,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data)
{
  AfRefreshTokenSource *self = AF_REFRESH_TOKEN_SOURCE (source);
  GTask                *task = g_task_new (self, cancellable, callback, user_data);
  gboolean              fresh;

  g_task_set_source_tag (task, af_refresh_token_source_get_token_async);

  fresh = self->access_token != NULL && (self->expires_at == 0 || g_get_monotonic_time () < self->expires_at - MARGIN_USEC);
  if (!force_refresh && fresh)
    {
      g_task_return_pointer (task, g_strdup (self->access_token), g_free);
      g_object_unref (task);
      return;
    }
  if (self->waiters != NULL)
    {
      g_ptr_array_add (self->waiters, task);
      return;
    }
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->waiters, task);
  refresh (self);
}

static char *
af_refresh_token_source_get_token_finish (AfTokenSource *source,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_refresh_token_source_get_token_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
token_source_iface_init (AfTokenSourceInterface *iface)
{
  iface->get_token_async = af_refresh_token_source_get_token_async;
  iface->get_token_finish = af_refresh_token_source_get_token_finish;
}

static void
af_refresh_token_source_finalize (GObject *object)
{
  AfRefreshTokenSource *self = (AfRefreshTokenSource *)object;

  g_assert (self->waiters == NULL);
  g_clear_object (&self->session);
  g_clear_pointer (&self->token_url, g_free);
  g_clear_pointer (&self->client_id, g_free);
  clear_secret (&self->refresh_token);
  clear_secret (&self->access_token);

  G_OBJECT_CLASS (af_refresh_token_source_parent_class)->finalize (object);
}

static void
af_refresh_token_source_class_init (AfRefreshTokenSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_refresh_token_source_finalize;
}

static void
af_refresh_token_source_init (AfRefreshTokenSource *self)
{
}

/**
 * af_refresh_token_source_new:
 * @token_url: the authorization server's token endpoint
 * @refresh_token: the grant's refresh token, kept in memory only
 */
AfRefreshTokenSource *
af_refresh_token_source_new (SoupSession *session,
                             const char  *token_url,
                             const char  *client_id,
                             const char  *refresh_token)
{
  AfRefreshTokenSource *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (token_url != NULL && client_id != NULL && refresh_token != NULL, NULL);

  self = g_object_new (AF_TYPE_REFRESH_TOKEN_SOURCE, NULL);
  self->session = g_object_ref (session);
  self->token_url = g_strdup (token_url);
  self->client_id = g_strdup (client_id);
  self->refresh_token = g_strdup (refresh_token);
  return self;
}

/**
 * af_refresh_token_source_get_n_refreshes:
 *
 * Returns: how many access tokens the source got so far
 */
guint
af_refresh_token_source_get_n_refreshes (AfRefreshTokenSource *self)
{
  g_return_val_if_fail (AF_IS_REFRESH_TOKEN_SOURCE (self), 0);

  return self->n_refreshes;
}
