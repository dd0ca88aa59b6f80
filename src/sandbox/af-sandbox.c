/* af-sandbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox"

#include "config.h"

#include "af-sandbox.h"

typedef struct
{
  char    *service;
  char    *account;
  char   **scopes;
  gint64   expires_at;
  gboolean revoked;
} Token;

struct _AfSandbox
{
  GObject parent_instance;

  SoupServer *server;
  char       *base_url;
  GHashTable *counts; /* method id → GUINT_TO_POINTER (n) */
  guint       total_requests;
  GHashTable *tokens; /* access token → Token */
};

G_DEFINE_FINAL_TYPE (AfSandbox, af_sandbox, G_TYPE_OBJECT)

static void
token_free (gpointer data)
{
  Token *token = data;

  g_free (token->service);
  g_free (token->account);
  g_strfreev (token->scopes);
  g_free (token);
}

static void
af_sandbox_dispose (GObject *object)
{
  AfSandbox *self = (AfSandbox *)object;

  af_sandbox_stop (self);

  G_OBJECT_CLASS (af_sandbox_parent_class)->dispose (object);
}

static void
af_sandbox_finalize (GObject *object)
{
  AfSandbox *self = (AfSandbox *)object;

  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (af_sandbox_parent_class)->finalize (object);
}

static void
af_sandbox_class_init (AfSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_sandbox_dispose;
  object_class->finalize = af_sandbox_finalize;
}

static void
af_sandbox_init (AfSandbox *self)
{
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, token_free);
}

AfSandbox *
af_sandbox_new (void)
{
  return g_object_new (AF_TYPE_SANDBOX, NULL);
}

/**
 * af_sandbox_start:
 *
 * Starts serving on a free port of 127.0.0.1.
 */
gboolean
af_sandbox_start (AfSandbox *self,
                  GError   **error)
{
  g_autoptr (GSList) uris = NULL;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (AF_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = soup_server_new ("server-header", "AgentFlow-Sandbox", NULL);

  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  uri = g_uri_to_string_partial (uris->data, G_URI_HIDE_PASSWORD);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);

  /* "http://127.0.0.1:PORT/" → without the trailing slash */
  if (g_str_has_suffix (uri, "/"))
    uri[strlen (uri) - 1] = '\0';
  g_free (self->base_url);
  self->base_url = g_steal_pointer (&uri);

  return TRUE;
}

void
af_sandbox_stop (AfSandbox *self)
{
  g_return_if_fail (AF_IS_SANDBOX (self));

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

const char *
af_sandbox_get_base_url (AfSandbox *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  return self->base_url;
}

SoupServer *
af_sandbox_get_server (AfSandbox *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX (self), NULL);

  return self->server;
}

/**
 * af_sandbox_count:
 * @method_id: the API method as its documentation names it,
 *   e.g. "gmail.users.messages.list" or "slack.chat.postMessage"
 *
 * Records one request, for tests and benchmarks.
 */
void
af_sandbox_count (AfSandbox  *self,
                  const char *method_id)
{
  guint n;

  g_return_if_fail (AF_IS_SANDBOX (self));
  g_return_if_fail (method_id != NULL);

  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, method_id));
  g_hash_table_replace (self->counts, g_strdup (method_id), GUINT_TO_POINTER (n + 1));
  self->total_requests++;
}

guint
af_sandbox_get_count (AfSandbox  *self,
                      const char *method_id)
{
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, method_id));
}

guint
af_sandbox_get_total_requests (AfSandbox *self)
{
  g_return_val_if_fail (AF_IS_SANDBOX (self), 0);

  return self->total_requests;
}

void
af_sandbox_reset_counts (AfSandbox *self)
{
  g_return_if_fail (AF_IS_SANDBOX (self));

  g_hash_table_remove_all (self->counts);
  self->total_requests = 0;
}

/**
 * af_sandbox_add_token:
 * @expires_at: Unix microseconds, or 0 for a token that never expires
 *   (Slack bot tokens)
 *
 * Registers an access token the sandbox's APIs will accept.
 */
void
af_sandbox_add_token (AfSandbox  *self,
                      const char *token,
                      const char *service,
                      const char *account,
                      const char *scopes,
                      gint64      expires_at)
{
  Token *t;

  g_return_if_fail (AF_IS_SANDBOX (self));
  g_return_if_fail (token != NULL);

  t = g_new0 (Token, 1);
  t->service = g_strdup (service);
  t->account = g_strdup (account);
  t->scopes = g_strsplit_set (scopes ? scopes : "", " ,", -1);
  t->expires_at = expires_at;
  g_hash_table_replace (self->tokens, g_strdup (token), t);
}

void
af_sandbox_revoke_token (AfSandbox  *self,
                         const char *token)
{
  Token *t;

  g_return_if_fail (AF_IS_SANDBOX (self));

  if ((t = g_hash_table_lookup (self->tokens, token)))
    t->revoked = TRUE;
}

static gboolean
scope_matches (const char *granted,
               const char *required)
{
  /* Google scopes are URLs: accept the short form as well. */
  if (g_str_equal (granted, required))
    return TRUE;
  if (g_str_has_prefix (granted, "https://www.googleapis.com/auth/"))
    return g_str_equal (granted + strlen ("https://www.googleapis.com/auth/"), required);
  return FALSE;
}

/**
 * af_sandbox_authorize:
 * @msg: the request
 * @service: the API the token must be for ("google", "slack", "llm")
 * @required_scope: (nullable): a scope one of the granted must match
 * @account: (out) (optional) (transfer none): the token's account
 *
 * Checks the request's bearer token. Writing the error response is the
 * caller's job: Google and Slack shape their errors differently.
 */
AfSandboxAuth
af_sandbox_authorize (AfSandbox         *self,
                      SoupServerMessage *msg,
                      const char        *service,
                      const char        *required_scope,
                      const char       **account)
{
  SoupMessageHeaders *headers;
  const char         *auth;
  Token              *t;

  g_return_val_if_fail (AF_IS_SANDBOX (self), AF_SANDBOX_AUTH_INVALID);

  headers = soup_server_message_get_request_headers (msg);
  auth = soup_message_headers_get_one (headers, "Authorization");
  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 || auth[7] == '\0')
    return AF_SANDBOX_AUTH_MISSING;

  t = g_hash_table_lookup (self->tokens, auth + 7);
  if (t == NULL || t->revoked || g_strcmp0 (t->service, service) != 0 ||
      (t->expires_at != 0 && t->expires_at <= g_get_real_time ()))
    return AF_SANDBOX_AUTH_INVALID;

  if (required_scope != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; t->scopes[i] != NULL && !found; i++)
        found = scope_matches (t->scopes[i], required_scope);

      if (!found)
        return AF_SANDBOX_AUTH_INSUFFICIENT_SCOPE;
    }

  if (account != NULL)
    *account = t->account;

  return AF_SANDBOX_AUTH_OK;
}
