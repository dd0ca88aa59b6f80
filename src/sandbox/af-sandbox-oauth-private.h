/* af-sandbox-oauth-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What af-sandbox-oauth.c and af-sandbox-oauth-identity.c share.
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "af-sandbox-oauth.h"

G_BEGIN_DECLS

typedef enum
{
  KIND_GOOGLE,
  KIND_SLACK,
} Kind;

typedef struct
{
  Kind     kind;
  char    *client_id;
  char    *redirect_uri;
  char    *challenge;
  char    *scope;
  char    *account;
  char    *nonce;
  gboolean offline;
  gint64   expires_at;
} Code;

typedef struct
{
  Kind       kind;
  char      *client_id;
  char      *account;
  char      *scope;
  gboolean   revoked;
  gboolean   offline; /* a refresh token was issued */
  GPtrArray *access_tokens;
} Grant;

typedef struct
{
  Kind     kind;
  char    *redirect_uri;
  char    *state;
  char    *challenge;
  char    *client_id;
  char    *scope;
  char    *nonce;
  gboolean consent_prompt;
} Ticket;

struct _AfSandboxOAuth
{
  GObject parent_instance;

  AfSandbox            *sandbox; /* owns us */
  AfSandboxConsent      consent;
  AfSandboxOAuthFault   fault;
  gboolean              revoke_failing;
  AfSandboxIdTokenFault id_token_fault;
  guint                 lifetime;
  char                **withheld;
  gboolean              strict_oidc;
  gboolean              email_verified;
  GHashTable           *discovery_overrides; /* member → value ("" removes it) */

  GHashTable *codes;   /* code → Code */
  GHashTable *grants;  /* refresh token → Grant */
  GHashTable *access;  /* access token → refresh token (not owned: key of grants) or "" */
  GHashTable *tickets; /* consent ticket → Ticket */
  GPtrArray  *hung;    /* SoupServerMessage kept paused */
};

void        af_sandbox_oauth_send_json (SoupServerMessage *msg,
                                        guint              status,
                                        JsonBuilder       *builder);
void        af_sandbox_oauth_send_error (SoupServerMessage *msg,
                                         Kind               kind,
                                         guint              status,
                                         const char        *error,
                                         const char        *description);
GHashTable *af_sandbox_oauth_read_form (SoupServerMessage *msg,
                                        GHashTable        *query);
gboolean    af_sandbox_oauth_scope_has (const char *scope,
                                        const char *wanted);
Grant      *af_sandbox_oauth_find_grant (AfSandboxOAuth *self,
                                         const char     *token_str);
void        af_sandbox_oauth_revoke_grant (AfSandboxOAuth *self,
                                           Grant          *grant);
char       *af_sandbox_oauth_make_id_token (AfSandboxOAuth *self,
                                            Grant          *grant,
                                            const char     *access,
                                            const char     *nonce);
void        af_sandbox_oauth_revoke_endpoint (AfSandboxOAuth    *self,
                                              SoupServerMessage *msg,
                                              GHashTable        *query);
void        af_sandbox_oauth_userinfo (AfSandboxOAuth    *self,
                                       SoupServerMessage *msg);
void        af_sandbox_oauth_discovery (AfSandboxOAuth    *self,
                                        SoupServerMessage *msg);
void        af_sandbox_oauth_auth_test (AfSandboxOAuth    *self,
                                        SoupServerMessage *msg,
                                        GHashTable        *query);
void        af_sandbox_oauth_auth_revoke (AfSandboxOAuth    *self,
                                          SoupServerMessage *msg,
                                          GHashTable        *query);

G_END_DECLS
