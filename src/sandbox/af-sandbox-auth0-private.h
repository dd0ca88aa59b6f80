/* af-sandbox-auth0-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-sandbox-auth0.h"

G_BEGIN_DECLS

/* An authorization grant: one login of the user to one application. Its
 * refresh tokens are revoked together (rotation reuse, /oauth/revoke). */
typedef struct
{
  char    *client_id;
  char    *scope;    /* granted at login, space-separated */
  char    *audience; /* API of the login, or NULL */
  gboolean revoked;
} Auth0Grant;

/* An access token the tenant issued, for /userinfo and the My Account API. */
typedef struct
{
  Auth0Grant *grant; /* not owned */
  char       *scope;
  char       *audience; /* NULL: /userinfo only */
  gint64      expires_at;
} Auth0Access;

/* An authorization code between /authorize and /oauth/token. */
typedef struct
{
  char  *client_id;
  char  *redirect_uri;
  char  *challenge;
  char  *scope; /* granted */
  char  *requested;
  char  *audience;
  char  *nonce;
  gint64 expires_at;
} Auth0Code;

/* A refresh token of a grant. */
typedef struct
{
  Auth0Grant *grant;   /* not owned */
  gboolean    spent;   /* rotated out */
  gboolean    expired; /* reached its idle or absolute lifetime */
} Auth0Refresh;

/* A connected account and its tokenset in Token Vault. */
typedef struct
{
  char  *id;
  char  *connection;
  char **scopes;
  char  *created_at;
  char  *provider_user; /* the user's ID at the provider (login_hint) */
  char  *provider_token;
  gint64 provider_expires_at;
} Auth0Account;

/* A Connected Accounts request between /connect and /complete. */
typedef struct
{
  char  *auth_session;
  char  *ticket;
  char  *client_id;
  char  *connection;
  char  *redirect_uri;
  char  *state;
  char  *challenge;
  char **scopes; /* requested, or NULL for the connection's own */
  char  *connect_code;
  char **granted;
  gint64 expires_at;
  gint64 code_expires_at;
} Auth0Connect;

struct _AfSandboxAuth0
{
  GObject parent_instance;

  AfSandbox *sandbox; /* owns us */
  gboolean   rotation;
  gboolean   login_denied;
  gboolean   connect_denied;
  guint      access_lifetime;
  guint      provider_lifetime;
  char      *last_login_hint; /* of the last /authorize, for tests */

  GHashTable *withheld; /* connection → GStrv */
  GHashTable *limits;   /* method id → RateLimit */
  GHashTable *codes;    /* authorization code → Auth0Code */
  GPtrArray  *grants;   /* Auth0Grant, never removed */
  GHashTable *refresh;  /* refresh token → Auth0Refresh */
  GHashTable *access;   /* access token → Auth0Access */
  GPtrArray  *accounts; /* Auth0Account, in creation order */
  GHashTable *connects; /* auth_session → Auth0Connect */
  guint       next_account;
};

/* Shared by the Authentication API and the My Account API files. */
char    *af_sandbox_auth0_random (const char *prefix);
char    *af_sandbox_auth0_s256 (const char *verifier);
gboolean af_sandbox_auth0_callback_allowed (const char *redirect_uri);
gboolean af_sandbox_auth0_take_rate_limit (AfSandboxAuth0 *self,
                                           const char     *method_id,
                                           guint          *retry_after);
void     af_sandbox_auth0_set_rate_headers (SoupServerMessage *msg,
                                            guint              retry_after);
void     af_sandbox_auth0_send_html (SoupServerMessage *msg,
                                     guint              status,
                                     const char        *title,
                                     const char        *text);
void     af_sandbox_auth0_redirect (SoupServerMessage *msg,
                                    const char        *redirect_uri,
                                    GHashTable        *params);
gboolean af_sandbox_auth0_scope_has (const char *scope,
                                     const char *wanted);
char   **af_sandbox_auth0_connection_scopes (const char *connection);

char    *af_sandbox_auth0_dup_endpoint (AfSandboxAuth0 *self,
                                        const char     *path);
void     af_sandbox_auth0_send_json (SoupServerMessage *msg,
                                     guint              status,
                                     JsonBuilder       *builder);
void     af_sandbox_auth0_send_error (SoupServerMessage *msg,
                                      guint              status,
                                      const char        *error,
                                      const char        *description);
gboolean af_sandbox_auth0_rate_limited (AfSandboxAuth0    *self,
                                        SoupServerMessage *msg,
                                        const char        *method_id);
void     af_sandbox_auth0_code_free (gpointer data);
void     af_sandbox_auth0_grant_free (gpointer data);
void     af_sandbox_auth0_access_free (gpointer data);

void af_sandbox_auth0_authorize (AfSandboxAuth0    *self,
                                 SoupServerMessage *msg,
                                 GHashTable        *query);
void af_sandbox_auth0_token (AfSandboxAuth0    *self,
                             SoupServerMessage *msg);
void af_sandbox_auth0_revoke (AfSandboxAuth0    *self,
                              SoupServerMessage *msg);
void af_sandbox_auth0_userinfo (AfSandboxAuth0    *self,
                                SoupServerMessage *msg);

void          af_sandbox_auth0_me_handle (AfSandboxAuth0    *self,
                                          SoupServerMessage *msg,
                                          const char        *path,
                                          GHashTable        *query);
void          af_sandbox_auth0_connect_page (AfSandboxAuth0    *self,
                                             SoupServerMessage *msg,
                                             GHashTable        *query);
void          af_sandbox_auth0_account_free (gpointer data);
void          af_sandbox_auth0_connect_free (gpointer data);
Auth0Account *af_sandbox_auth0_find_account (AfSandboxAuth0 *self,
                                             const char     *connection,
                                             const char     *login_hint);

G_END_DECLS
