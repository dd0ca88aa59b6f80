/* af-credential.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-credential"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "af-credential.h"
#include "af-credential-private.h"
#include "af-backoff.h"
#include "af-error.h"
#include "af-oauth-http.h"

/* One connected account's tokens, as an AfTokenSource. The token set is
 * read from the vault on first use and kept in memory.
 *
 * When to refresh, as GNOME Online Accounts does it (goaoauth2provider.c:
 * serialized per account, a fresh enough token is returned as is, and
 * whatever a refresh brought is handed out without looking again), but
 * relative to the token's own lifetime: in its last tenth, and at most
 * `margin` (300 s) before it expires. A fixed 300 s margin made every
 * token that lives 5 minutes or less due on arrival, and callers waited
 * forever while the token endpoint and the keyring were hit in a loop.
 * A caller that saw a 401 (force_refresh) also gets a refresh.
 *
 * Refreshes are single-flight: every caller that asks while one is
 * running waits for it and gets its result. A failure (offline, 5xx)
 * starts an exponential backoff (5 s doubling up to 10 minutes): until it
 * has passed nobody touches the network; callers get the current token
 * while it is valid and the failure after that. A refresh token that is
 * refused (invalid_grant) marks the connection needs-reconnect, emits
 * ::needs-reconnect once and from then on fails without the network. */

/* A 401 right after a refresh is not the old token's fault: hand out the
 * new one instead of refreshing again. */
#define RECENT_REFRESH_USEC (10 * G_USEC_PER_SEC)

/* Refresh in the last 1/REFRESH_FRACTION of a token's lifetime. */
#define REFRESH_FRACTION 10
#define BACKOFF_MIN_USEC (5 * G_USEC_PER_SEC)

struct _AfCredential
{
  GObject parent_instance;

  AfProvider        *provider;
  SoupSession       *session;
  AfVault           *vault;
  AfConnectionStore *store;
  char              *account;
  char              *agent;
  guint              margin;

  AfTokenSet *tokens;
  GQueue      waiters; /* GTask, task data = force_refresh */
  gboolean    busy;
  gboolean    invalid;
  gint64      refreshed_at;
  gint64      touched_at;
  gint64      clock_offset; /* tests move the clock instead of waiting */
  gint64      retry_at;     /* no refresh before this, after a failure */
  gint64      backoff;
  guint       failures;   /* transient refresh failures in a row */
  GError     *last_error; /* why the last refresh failed */
};

static void token_source_iface_init (AfTokenSourceInterface *iface);
static void pump (AfCredential *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfCredential, af_credential, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_TOKEN_SOURCE, token_source_iface_init))

enum
{
  NEEDS_RECONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fail_waiters (AfCredential *self,
              const GError *error)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->waiters)))
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
}

static void
touch (AfCredential *self)
{
  if (self->store != NULL && g_get_real_time () - self->touched_at > 60 * G_USEC_PER_SEC)
    {
      self->touched_at = g_get_real_time ();
      af_connection_store_touch_for_agent (self->store, af_provider_get_service (self->provider), self->account,
                                           self->agent, NULL);
    }
}

static void
serve_waiters (AfCredential *self)
{
  GTask *task;

  touch (self);

  while ((task = g_queue_pop_head (&self->waiters)))
    {
      g_task_return_pointer (task, g_strdup (self->tokens->access_token), g_free);
      g_object_unref (task);
    }
}

static void
mark_invalid (AfCredential *self,
              const char   *reason)
{
  if (self->invalid)
    return;

  self->invalid = TRUE;
  g_clear_pointer (&self->tokens, af_token_set_free);
  if (self->store != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!af_connection_store_set_status_for_agent (self->store, af_provider_get_service (self->provider), self->account,
                                                     self->agent, AF_CONNECTION_NEEDS_RECONNECT, reason, &error))
        g_warning ("Could not record that %s needs reconnecting: %s", self->account, error->message);
    }
  g_signal_emit (self, signals[NEEDS_RECONNECT], 0, reason);
}

static gint64
now (AfCredential *self)
{
  return g_get_real_time () + self->clock_offset;
}

/* How long before expiry a token is refreshed. */
static gint64
refresh_window (AfCredential *self)
{
  gint64 window = (gint64)self->margin * G_USEC_PER_SEC;
  gint64 lifetime = self->tokens->expires_at - self->tokens->issued_at;

  /* A token read back from an older keyring item does not say when it
   * was issued: the margin alone, once; its successor will. */
  if (self->tokens->issued_at > 0 && lifetime > 0)
    window = MIN (window, lifetime / REFRESH_FRACTION);

  return window;
}

static gboolean
in_backoff (AfCredential *self)
{
  return self->retry_at != 0 && now (self) < self->retry_at;
}

static gboolean
is_expired (AfCredential *self)
{
  return self->tokens->expires_at != 0 && self->tokens->expires_at <= now (self);
}

static gboolean
wants_new_token (AfCredential *self,
                 GTask        *task)
{
  return GPOINTER_TO_INT (g_task_get_task_data (task)) && now (self) - self->refreshed_at > RECENT_REFRESH_USEC;
}

static gboolean
needs_refresh (AfCredential *self)
{
  if (in_backoff (self))
    return FALSE;

  /* Without a refresh token there is nothing to do ahead of time: the
   * token is used up to its expiry. */
  if (self->tokens->expires_at != 0 &&
      self->tokens->expires_at - (self->tokens->refresh_token ? refresh_window (self) : 0) <= now (self))
    return TRUE;

  for (GList *l = self->waiters.head; l != NULL; l = l->next)
    if (wants_new_token (self, l->data))
      return TRUE;

  return FALSE;
}

/* Hands the current token to every waiter that can use it; during a
 * backoff, those that cannot (expired token, or a 401 seen) get the last
 * failure. */
static void
answer_waiters (AfCredential *self)
{
  gboolean backoff = in_backoff (self);
  gboolean expired = is_expired (self);

  for (GList *l = self->waiters.head; l != NULL;)
    {
      GList *next = l->next;
      GTask *task = l->data;

      if (backoff && self->last_error != NULL && (expired || wants_new_token (self, task)))
        {
          g_queue_delete_link (&self->waiters, l);
          g_task_return_error (task, g_error_copy (self->last_error));
          g_object_unref (task);
        }
      l = next;
    }

  serve_waiters (self);
}

static void
on_stored_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AfCredential) self = user_data;
  g_autoptr (GError) error = NULL;

  self->busy = FALSE;
  if (!af_vault_store_finish (AF_VAULT (object), result, &error))
    {
      /* The new tokens stay in memory for this session; the person has
       * to fix the keyring for them to survive a restart. */
      g_warning ("Could not save refreshed tokens for %s: %s", self->account, error->message);
    }

  if (self->invalid || self->tokens == NULL)
    {
      pump (self);
      return;
    }

  /* Whatever the refresh brought is what the waiters get: looking again
   * whether it is due could only ask for another, and another. */
  serve_waiters (self);
}

static void
on_refreshed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (AfCredential) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) obj = NULL;
  g_autoptr (AfTokenSet) fresh = NULL;
  g_autofree char *label = NULL;
  guint            status = 0;

  obj = af_oauth_http_request_finish (result, &status, &error);
  if (obj != NULL)
    fresh = af_oauth_parse_token_response (self->provider, obj, status, &error);

  if (self->invalid)
    {
      /* Disconnected meanwhile: the new token must not be stored. */
      self->busy = FALSE;
      return;
    }

  if (fresh == NULL)
    {
      self->busy = FALSE;
      if (g_error_matches (error, AF_ERROR, AF_ERROR_NEEDS_RECONNECT))
        {
          g_message ("%s refused to refresh the token of %s; it needs reconnecting",
                     af_provider_get_display_name (self->provider), self->account);
          mark_invalid (self, error->message);
          fail_waiters (self, error);
          return;
        }

      /* A transient failure: no new attempt before the backoff has
       * passed. Callers who did not see a 401 go on with the current
       * token while it lasts. */
      self->backoff = (gint64)af_backoff_delay (BACKOFF_MIN_USEC, AF_CREDENTIAL_BACKOFF_MAX_USEC, ++self->failures, FALSE);
      self->retry_at = now (self) + self->backoff;
      g_clear_error (&self->last_error);
      self->last_error = g_error_copy (error);
      g_message ("Could not refresh the token of %s (%s); next attempt in %" G_GINT64_FORMAT " s", self->account,
                 error->message, self->backoff / G_USEC_PER_SEC);
      if (self->tokens->expires_at == 0 || !is_expired (self))
        {
          for (GList *l = self->waiters.head; l != NULL;)
            {
              GList *next = l->next;
              GTask *task = l->data;

              if (!GPOINTER_TO_INT (g_task_get_task_data (task)))
                {
                  g_queue_delete_link (&self->waiters, l);
                  g_task_return_pointer (task, g_strdup (self->tokens->access_token), g_free);
                  g_object_unref (task);
                }
              l = next;
            }
        }
      fail_waiters (self, error);
      return;
    }

  self->backoff = 0;
  self->failures = 0;
  self->retry_at = 0;
  g_clear_error (&self->last_error);

  /* Providers that do not rotate return no refresh token: keep ours. */
  if (fresh->refresh_token == NULL)
    fresh->refresh_token = g_strdup (self->tokens->refresh_token);
  if (fresh->scope == NULL)
    fresh->scope = g_strdup (self->tokens->scope);

  af_token_set_free (self->tokens);
  self->tokens = g_steal_pointer (&fresh);
  self->refreshed_at = now (self);

  label = af_credential_dup_label (self);
  af_vault_store_async (self->vault, af_provider_get_service (self->provider), self->account, self->agent, label,
                        self->tokens, NULL, on_stored_cb, g_object_ref (self));
}

static void
start_refresh (AfCredential *self)
{
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GError) error = NULL;

  if (self->tokens->refresh_token == NULL)
    {
      /* A token that cannot be refreshed was rejected or has expired:
       * the provider gave no refresh token (said at connect time). */
      if (is_expired (self))
        error = g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                             _ ("The sign-in to %s has expired, and %s gave AgentFlow no lasting access. Connect the account again."),
                             self->account, af_provider_get_display_name (self->provider));
      else
        error = g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                             _ ("%s no longer accepts AgentFlow’s authorization. Connect the account again."),
                             af_provider_get_display_name (self->provider));
      mark_invalid (self, error->message);
      fail_waiters (self, error);
      return;
    }

  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, (char *)"grant_type", (char *)"refresh_token");
  g_hash_table_insert (form, (char *)"refresh_token", self->tokens->refresh_token);
  g_hash_table_insert (form, (char *)"client_id", (char *)af_provider_get_client_id (self->provider));
  if (af_provider_get_client_secret (self->provider) != NULL)
    g_hash_table_insert (form, (char *)"client_secret", (char *)af_provider_get_client_secret (self->provider));
  msg = af_oauth_http_new_form_post (af_provider_get_endpoint (self->provider, AF_PROVIDER_TOKEN), form);
  if (msg == NULL)
    {
      error = g_error_new (AF_ERROR, AF_ERROR_NOT_CONFIGURED, _ ("%s has no valid token address."),
                           af_provider_get_display_name (self->provider));
      fail_waiters (self, error);
      return;
    }

  self->busy = TRUE;
  af_oauth_http_request_async (self->session, msg, af_provider_get_display_name (self->provider), NULL,
                               on_refreshed_cb, g_object_ref (self));
}

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AfCredential) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfTokenSet) tokens = NULL;

  self->busy = FALSE;
  tokens = af_vault_lookup_finish (AF_VAULT (object), result, &error);
  if (self->invalid)
    {
      error = g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT, _ ("%s is disconnected."), self->account);
      fail_waiters (self, error);
      return;
    }
  if (error != NULL)
    {
      fail_waiters (self, error);
      return;
    }
  if (tokens == NULL)
    {
      /* A locked keyring is an error of its own (AF_ERROR_KEYRING_LOCKED):
       * this is a keyring that really has no item. */
      error = g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                           _ ("AgentFlow found no saved sign-in for %s in the keyring. Connect the account again."),
                           self->account);
      fail_waiters (self, error);
      return;
    }

  self->tokens = g_steal_pointer (&tokens);
  pump (self);
}

static void
pump (AfCredential *self)
{
  if (self->busy || g_queue_is_empty (&self->waiters))
    return;

  if (self->invalid)
    {
      g_autoptr (GError) error = g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT,
                                              _ ("%s needs to be connected again."), self->account);
      fail_waiters (self, error);
      return;
    }

  if (self->tokens == NULL)
    {
      self->busy = TRUE;
      af_vault_lookup_async (self->vault, af_provider_get_service (self->provider), self->account, self->agent,
                             NULL, on_loaded_cb, g_object_ref (self));
      return;
    }

  if (needs_refresh (self))
    start_refresh (self);
  else
    answer_waiters (self);
}

static void
af_credential_get_token_async (AfTokenSource      *source,
                               gboolean            force_refresh,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  AfCredential *self = AF_CREDENTIAL (source);
  GTask        *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, af_credential_get_token_async);
  g_task_set_task_data (task, GINT_TO_POINTER (!!force_refresh), NULL);
  /* A caller that gives up still gets its answer delivered and dropped:
   * the refresh it joined must finish for the others. */
  g_task_set_check_cancellable (task, TRUE);
  g_queue_push_tail (&self->waiters, task);
  pump (self);
}

static char *
af_credential_get_token_finish (AfTokenSource *source,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_credential_get_token_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The token in memory, when get_token_async would hand it out at once:
 * loaded, valid, not due for a refresh, nobody waiting before. */
static char *
af_credential_peek_token (AfTokenSource *source)
{
  AfCredential *self = AF_CREDENTIAL (source);

  if (self->busy || self->invalid || self->tokens == NULL || self->tokens->access_token == NULL ||
      !g_queue_is_empty (&self->waiters) || in_backoff (self) || needs_refresh (self))
    return NULL;
  touch (self);
  return g_strdup (self->tokens->access_token);
}

static void
token_source_iface_init (AfTokenSourceInterface *iface)
{
  iface->get_token_async = af_credential_get_token_async;
  iface->get_token_finish = af_credential_get_token_finish;
  iface->peek_token = af_credential_peek_token;
}

static void
af_credential_dispose (GObject *object)
{
  AfCredential *self = (AfCredential *)object;
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Shutting down");

  fail_waiters (self, error);

  G_OBJECT_CLASS (af_credential_parent_class)->dispose (object);
}

static void
af_credential_finalize (GObject *object)
{
  AfCredential *self = (AfCredential *)object;

  g_clear_object (&self->provider);
  g_clear_object (&self->session);
  g_clear_object (&self->vault);
  g_clear_object (&self->store);
  g_free (self->account);
  g_free (self->agent);
  g_clear_pointer (&self->tokens, af_token_set_free);
  g_clear_error (&self->last_error);

  G_OBJECT_CLASS (af_credential_parent_class)->finalize (object);
}

static void
af_credential_class_init (AfCredentialClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_credential_dispose;
  object_class->finalize = af_credential_finalize;

  /**
   * AfCredential::needs-reconnect:
   * @reason: a sentence for the person
   *
   * The provider refused the credential for good (invalid_grant, revoked):
   * the connection is marked needs-reconnect. Emitted once.
   */
  signals[NEEDS_RECONNECT] = g_signal_new ("needs-reconnect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
af_credential_init (AfCredential *self)
{
  self->margin = 5 * 60;
  g_queue_init (&self->waiters);
}

/**
 * af_credential_new:
 * @store: (nullable): where to record status changes
 * @agent: (nullable): the agent id for an agent-specific credential
 */
AfCredential *
af_credential_new (AfProvider        *provider,
                   SoupSession       *session,
                   AfVault           *vault,
                   AfConnectionStore *store,
                   const char        *account,
                   const char        *agent)
{
  AfCredential *self;

  g_return_val_if_fail (AF_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (AF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (store == NULL || AF_IS_CONNECTION_STORE (store), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  self = g_object_new (AF_TYPE_CREDENTIAL, NULL);
  self->provider = g_object_ref (provider);
  self->session = g_object_ref (session);
  self->vault = g_object_ref (vault);
  self->store = store ? g_object_ref (store) : NULL;
  self->account = g_strdup (account);
  self->agent = g_strdup (agent ? agent : "");

  return self;
}

const char *
af_credential_get_service (AfCredential *self)
{
  g_return_val_if_fail (AF_IS_CREDENTIAL (self), NULL);
  return af_provider_get_service (self->provider);
}

const char *
af_credential_get_account (AfCredential *self)
{
  g_return_val_if_fail (AF_IS_CREDENTIAL (self), NULL);
  return self->account;
}

const char *
af_credential_get_agent (AfCredential *self)
{
  g_return_val_if_fail (AF_IS_CREDENTIAL (self), NULL);
  return self->agent;
}

/**
 * af_credential_dup_label:
 *
 * Returns: (transfer full): the keyring label, e.g.
 *   "AgentFlow: Gmail (alice@example.com)"
 */
char *
af_credential_dup_label (AfCredential *self)
{
  g_return_val_if_fail (AF_IS_CREDENTIAL (self), NULL);

  if (self->agent[0] != '\0')
    return g_strdup_printf ("AgentFlow: %s (%s, agent %s)", af_provider_get_display_name (self->provider),
                            self->account, self->agent);
  return g_strdup_printf ("AgentFlow: %s (%s)", af_provider_get_display_name (self->provider), self->account);
}

/**
 * af_credential_set_refresh_margin:
 * @seconds: refresh at most this long before the access token expires
 *   (300); short-lived tokens are refreshed in their last tenth
 */
void
af_credential_set_refresh_margin (AfCredential *self,
                                  guint         seconds)
{
  g_return_if_fail (AF_IS_CREDENTIAL (self));
  self->margin = seconds;
}

/**
 * af_credential_invalidate:
 *
 * Stops handing out tokens, for good: the account was disconnected.
 */
void
af_credential_invalidate (AfCredential *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (AF_IS_CREDENTIAL (self));

  self->invalid = TRUE;
  g_clear_pointer (&self->tokens, af_token_set_free);
  error = g_error_new (AF_ERROR, AF_ERROR_NEEDS_RECONNECT, _ ("%s is disconnected."), self->account);
  fail_waiters (self, error);
}

gboolean
af_credential_is_valid (AfCredential *self)
{
  g_return_val_if_fail (AF_IS_CREDENTIAL (self), FALSE);
  return !self->invalid;
}

void
af_credential_set_clock_offset (AfCredential *self,
                                gint64        usec)
{
  g_return_if_fail (AF_IS_CREDENTIAL (self));
  self->clock_offset = usec;
}

gint64
af_credential_get_retry_at (AfCredential *self)
{
  g_return_val_if_fail (AF_IS_CREDENTIAL (self), 0);
  return self->retry_at;
}
