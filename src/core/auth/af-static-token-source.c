/* af-static-token-source.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-static-token-source"

#include "config.h"

#include <string.h>

#include "af-error.h"
#include "af-static-token-source.h"

/* A token that cannot be refreshed: a pasted Slack bot token, an API key. */
struct _AfStaticTokenSource
{
  GObject parent_instance;

  char *token;
};

static void token_source_iface_init (AfTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfStaticTokenSource, af_static_token_source, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_TOKEN_SOURCE, token_source_iface_init))

static void
af_static_token_source_get_token_async (AfTokenSource      *source,
                                        gboolean            force_refresh,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data)
{
  AfStaticTokenSource *self = AF_STATIC_TOKEN_SOURCE (source);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, af_static_token_source_get_token_async);

  /* A rejected static token cannot get better by asking again. */
  if (force_refresh)
    g_task_return_new_error (task, AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                             "The token was rejected; enter a new one");
  else
    g_task_return_pointer (task, g_strdup (self->token), g_free);
}

static char *
af_static_token_source_get_token_finish (AfTokenSource *source,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_static_token_source_get_token_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
af_static_token_source_peek_token (AfTokenSource *source)
{
  return g_strdup (AF_STATIC_TOKEN_SOURCE (source)->token);
}

static void
token_source_iface_init (AfTokenSourceInterface *iface)
{
  iface->get_token_async = af_static_token_source_get_token_async;
  iface->get_token_finish = af_static_token_source_get_token_finish;
  iface->peek_token = af_static_token_source_peek_token;
}

static void
af_static_token_source_finalize (GObject *object)
{
  AfStaticTokenSource *self = (AfStaticTokenSource *)object;

  if (self->token != NULL)
    explicit_bzero (self->token, strlen (self->token));
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (af_static_token_source_parent_class)->finalize (object);
}

static void
af_static_token_source_class_init (AfStaticTokenSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_static_token_source_finalize;
}

static void
af_static_token_source_init (AfStaticTokenSource *self)
{
}

AfStaticTokenSource *
af_static_token_source_new (const char *token)
{
  AfStaticTokenSource *self;

  g_return_val_if_fail (token != NULL, NULL);

  self = g_object_new (AF_TYPE_STATIC_TOKEN_SOURCE, NULL);
  self->token = g_strdup (token);

  return self;
}
