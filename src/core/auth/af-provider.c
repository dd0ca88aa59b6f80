/* af-provider.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-provider"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "af-error.h"
#include "af-json-private.h"
#include "af-oauth-http.h"
#include "af-provider.h"
#include "af-provider-private.h"

/* Providers are data. Every endpoint can be pointed elsewhere without
 * recompiling, through the environment (checked once, when the provider
 * is created; the most specific wins):
 *
 *   AGENTFLOW_<FAMILY>_AUTH_URL, _TOKEN_URL, _REVOKE_URL, _USERINFO_URL
 *       replace one endpoint;
 *   AGENTFLOW_<FAMILY>_BASE_URL
 *       keeps each endpoint's path but sends it to another origin (the
 *       sandbox serves every path at one origin);
 *   AGENTFLOW_<FAMILY>_CLIENT_ID
 *       the client ID (else GSettings google-client-id / slack-client-id,
 *       else the meson option);
 *   AGENTFLOW_OIDC_ISSUER, AGENTFLOW_OIDC_CLIENT_ID
 *       the generic OpenID Connect provider.
 *
 * FAMILY is GOOGLE (services gmail and calendar), SLACK or OIDC. Code can
 * do the same with af_provider_set_endpoint () / af_provider_set_base_url ().
 */

struct _AfProvider
{
  GObject parent_instance;

  char             *service;
  char             *display_name;
  char             *family;
  AfProviderDialect dialect;
  char             *endpoints[AF_PROVIDER_N_ENDPOINTS];
  char             *client_id;
  char             *client_secret; /* memory only: never in metadata */
  char             *issuer;
  char             *redirect_host;
  char             *redirect_path;
  GPtrArray        *base_scopes;   /* scopes every connection needs */
  GPtrArray        *capabilities;  /* capability name, scope, name, scope… */
  GPtrArray        *auth_params;   /* name, value, … */
  gboolean          iss_parameter; /* RFC 9207: `iss` in the redirect */
  char             *manage_url;    /* where people remove our access */
};

G_DEFINE_FINAL_TYPE (AfProvider, af_provider, G_TYPE_OBJECT)

static const char *const endpoint_env[] = { "AUTH_URL", "TOKEN_URL", "REVOKE_URL", "USERINFO_URL" };

static const char *const services[] = { "gmail", "calendar", "slack", "oidc", NULL };

#define GOOGLE_SCOPE(s) "https://www.googleapis.com/auth/" s

static char *
rebase (const char *url,
        const char *base)
{
  g_autoptr (GUri) uri = NULL;
  const char      *query;
  g_autofree char *trimmed = NULL;

  if (url == NULL || (uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL)) == NULL)
    return g_strdup (url);

  trimmed = g_strdup (base);
  if (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';

  query = g_uri_get_query (uri);
  return g_strconcat (trimmed, g_uri_get_path (uri), query ? "?" : "", query ? query : "", NULL);
}

static char *
family_env (const char *family,
            const char *what)
{
  g_autofree char *name = g_strdup_printf ("AGENTFLOW_%s_%s", family, what);
  const char      *value = g_getenv (name);

  return (value != NULL && value[0] != '\0') ? g_strdup (value) : NULL;
}

static void
apply_overrides (AfProvider *self,
                 GSettings  *settings,
                 const char *builtin_client_id,
                 const char *settings_key)
{
  g_autofree char *base = family_env (self->family, "BASE_URL");
  g_autofree char *client_id = family_env (self->family, "CLIENT_ID");

  if (base != NULL)
    af_provider_set_base_url (self, base);

  for (guint i = 0; i < AF_PROVIDER_N_ENDPOINTS; i++)
    {
      g_autofree char *url = family_env (self->family, endpoint_env[i]);

      if (url != NULL)
        af_provider_set_endpoint (self, i, url);
    }

  if (client_id == NULL && settings != NULL && settings_key != NULL)
    {
      g_autoptr (GSettingsSchema) schema = NULL;

      g_object_get (settings, "settings-schema", &schema, NULL);
      if (schema != NULL && g_settings_schema_has_key (schema, settings_key))
        {
          client_id = g_settings_get_string (settings, settings_key);
          if (client_id[0] == '\0')
            g_clear_pointer (&client_id, g_free);
        }
    }

  af_provider_set_client_id (self, client_id != NULL ? client_id : builtin_client_id);
}

static void
af_provider_finalize (GObject *object)
{
  AfProvider *self = (AfProvider *)object;

  g_free (self->service);
  g_free (self->display_name);
  g_free (self->family);
  for (guint i = 0; i < AF_PROVIDER_N_ENDPOINTS; i++)
    g_free (self->endpoints[i]);
  g_free (self->client_id);
  if (self->client_secret != NULL)
    explicit_bzero (self->client_secret, strlen (self->client_secret));
  g_free (self->client_secret);
  g_free (self->issuer);
  g_free (self->redirect_host);
  g_free (self->redirect_path);
  g_free (self->manage_url);
  g_ptr_array_unref (self->base_scopes);
  g_ptr_array_unref (self->capabilities);
  g_ptr_array_unref (self->auth_params);

  G_OBJECT_CLASS (af_provider_parent_class)->finalize (object);
}

static void
af_provider_class_init (AfProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_provider_finalize;
}

static void
af_provider_init (AfProvider *self)
{
  self->base_scopes = g_ptr_array_new_with_free_func (g_free);
  self->capabilities = g_ptr_array_new_with_free_func (g_free);
  self->auth_params = g_ptr_array_new_with_free_func (g_free);
  self->redirect_host = g_strdup ("127.0.0.1");
  self->redirect_path = g_strdup ("/oauth/callback");
  self->client_id = g_strdup ("");
}

/**
 * af_provider_new:
 * @service: the service id stored with connections, e.g. "gmail"
 * @display_name: the name people see, e.g. "Gmail"
 *
 * An empty provider; fill in endpoints, scopes and the client ID.
 */
AfProvider *
af_provider_new (const char       *service,
                 const char       *display_name,
                 AfProviderDialect dialect)
{
  AfProvider *self;

  g_return_val_if_fail (service != NULL, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  self = g_object_new (AF_TYPE_PROVIDER, NULL);
  self->service = g_strdup (service);
  self->display_name = g_strdup (display_name);
  self->family = g_ascii_strup (service, -1);
  self->dialect = dialect;

  return self;
}

static AfProvider *
new_google (const char *service,
            const char *display_name,
            GSettings  *settings)
{
  AfProvider *self = af_provider_new (service, display_name, AF_PROVIDER_DIALECT_OIDC);

  g_free (self->family);
  self->family = g_strdup ("GOOGLE");
  self->endpoints[AF_PROVIDER_AUTH] = g_strdup ("https://accounts.google.com/o/oauth2/v2/auth");
  self->endpoints[AF_PROVIDER_TOKEN] = g_strdup ("https://oauth2.googleapis.com/token");
  self->endpoints[AF_PROVIDER_REVOKE] = g_strdup ("https://oauth2.googleapis.com/revoke");
  self->endpoints[AF_PROVIDER_USERINFO] = g_strdup ("https://openidconnect.googleapis.com/v1/userinfo");
  /* What Google's ID tokens carry in `iss` (also "accounts.google.com"). */
  self->issuer = g_strdup ("https://accounts.google.com");
  af_provider_add_base_scope (self, "openid");
  af_provider_add_base_scope (self, "email");
  /* A refresh token, and again on reconnect (Google only returns one on
   * first consent otherwise). */
  af_provider_add_auth_param (self, "access_type", "offline");
  af_provider_add_auth_param (self, "prompt", "consent");
  /* "Visit your Account permissions page […] click to Revoke Access"
   * (https://support.google.com/accounts/answer/143031). */
  self->manage_url = g_strdup ("https://myaccount.google.com/permissions");
  apply_overrides (self, settings, GOOGLE_CLIENT_ID, "google-client-id");

  return self;
}

/**
 * af_provider_new_for_service:
 * @service: "gmail", "calendar" or "slack"
 * @settings: (nullable): the app's settings, for the client-ID keys
 *
 * The built-in providers, with the environment's overrides applied.
 * "oidc" needs discovery: use af_provider_discover_async().
 */
AfProvider *
af_provider_new_for_service (const char *service,
                             GSettings  *settings,
                             GError    **error)
{
  AfProvider *self;

  g_return_val_if_fail (service != NULL, NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  if (g_str_equal (service, "gmail"))
    {
      self = new_google ("gmail", _ ("Gmail"), settings);
      af_provider_add_capability (self, "gmail.read", GOOGLE_SCOPE ("gmail.modify"));
      af_provider_add_capability (self, "gmail.send", GOOGLE_SCOPE ("gmail.send"));
      return self;
    }

  if (g_str_equal (service, "calendar"))
    {
      self = new_google ("calendar", _ ("Google Calendar"), settings);
      af_provider_add_capability (self, "calendar", GOOGLE_SCOPE ("calendar.events"));
      return self;
    }

  if (g_str_equal (service, "slack"))
    {
      self = af_provider_new ("slack", _ ("Slack"), AF_PROVIDER_DIALECT_SLACK);
      self->endpoints[AF_PROVIDER_AUTH] = g_strdup ("https://slack.com/oauth/v2/authorize");
      self->endpoints[AF_PROVIDER_TOKEN] = g_strdup ("https://slack.com/api/oauth.v2.access");
      self->endpoints[AF_PROVIDER_REVOKE] = g_strdup ("https://slack.com/api/auth.revoke");
      self->endpoints[AF_PROVIDER_USERINFO] = g_strdup ("https://slack.com/api/auth.test");
      /* Slack's desktop (PKCE) redirects are http://localhost:PORT/… */
      af_provider_set_redirect_host (self, "localhost");
      /* Installed apps, each with "Remove App" (Slack Help Center, "Manage
       * your apps": https://slack.com/help/articles/360003125231). */
      self->manage_url = g_strdup ("https://slack.com/apps/manage");
      af_provider_add_capability (self, "slack.post", "chat:write");
      af_provider_add_capability (self, "slack.channels", "channels:read");
      /* Reading back a channel confirms whether a post interrupted by a
       * crash went out, so it is never posted twice. */
      af_provider_add_capability (self, "slack.history", "channels:history");
      af_provider_add_capability (self, "slack.dm", "im:write");
      af_provider_add_capability (self, "slack.users", "users:read");
      apply_overrides (self, settings, SLACK_CLIENT_ID, "slack-client-id");
      return self;
    }

  g_set_error (error, AF_ERROR, AF_ERROR_INVALID_ARGUMENT,
               _ ("Unknown service “%s”. Known services: gmail, calendar, slack, oidc."), service);
  return NULL;
}

const char *const *
af_provider_list_services (void)
{
  return services;
}

const char *
af_provider_get_service (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);
  return self->service;
}

const char *
af_provider_get_display_name (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);
  return self->display_name;
}

AfProviderDialect
af_provider_get_dialect (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), AF_PROVIDER_DIALECT_OIDC);
  return self->dialect;
}

const char *
af_provider_get_endpoint (AfProvider        *self,
                          AfProviderEndpoint endpoint)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (endpoint < AF_PROVIDER_N_ENDPOINTS, NULL);
  return self->endpoints[endpoint];
}

void
af_provider_set_endpoint (AfProvider        *self,
                          AfProviderEndpoint endpoint,
                          const char        *url)
{
  g_return_if_fail (AF_IS_PROVIDER (self));
  g_return_if_fail (endpoint < AF_PROVIDER_N_ENDPOINTS);

  g_free (self->endpoints[endpoint]);
  self->endpoints[endpoint] = g_strdup (url);
}

/**
 * af_provider_set_base_url:
 * @base_url: e.g. the sandbox's "http://127.0.0.1:PORT"
 *
 * Keeps every endpoint's path and sends it to @base_url instead.
 */
void
af_provider_set_base_url (AfProvider *self,
                          const char *base_url)
{
  g_return_if_fail (AF_IS_PROVIDER (self));
  g_return_if_fail (base_url != NULL);

  for (guint i = 0; i < AF_PROVIDER_N_ENDPOINTS; i++)
    {
      char *url = rebase (self->endpoints[i], base_url);

      g_free (self->endpoints[i]);
      self->endpoints[i] = url;
    }
}

const char *
af_provider_get_client_id (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);
  return self->client_id;
}

void
af_provider_set_client_id (AfProvider *self,
                           const char *client_id)
{
  g_return_if_fail (AF_IS_PROVIDER (self));

  g_free (self->client_id);
  self->client_id = g_strdup (client_id ? client_id : "");
}

/**
 * af_provider_check_configured:
 *
 * Returns: %FALSE with %AF_ERROR_NOT_CONFIGURED, saying where to set a
 *   client ID, when there is none
 */
gboolean
af_provider_check_configured (AfProvider *self,
                              GError    **error)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), FALSE);

  for (guint i = 0; i < AF_PROVIDER_N_ENDPOINTS; i++)
    if (self->endpoints[i] != NULL && !af_provider_check_secure_url (self->endpoints[i], self->display_name, error))
      return FALSE;

  if (self->client_id[0] != '\0')
    return TRUE;

  if (g_str_equal (self->family, "GOOGLE") || g_str_equal (self->family, "SLACK"))
    {
      g_autofree char *lower = g_ascii_strdown (self->family, -1);

      g_set_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                   _ ("No OAuth client ID is configured for %s. Set one with “gsettings set org.agentflow.App %s-client-id ID”, "
                      "the AGENTFLOW_%s_CLIENT_ID environment variable, or the %s_client_id build option."),
                   self->display_name, lower, self->family, lower);
    }
  else
    g_set_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                 _ ("No OAuth client ID is configured for %s. Set the AGENTFLOW_%s_CLIENT_ID environment variable."),
                 self->display_name, self->family);

  return FALSE;
}

const char *
af_provider_get_redirect_host (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);
  return self->redirect_host;
}

/**
 * af_provider_set_redirect_host:
 * @host: "127.0.0.1" (RFC 8252's recommendation, Google) or "localhost"
 *   (what Slack registers for desktop apps)
 */
void
af_provider_set_redirect_host (AfProvider *self,
                               const char *host)
{
  g_return_if_fail (AF_IS_PROVIDER (self));
  g_return_if_fail (host != NULL);

  g_free (self->redirect_host);
  self->redirect_host = g_strdup (host);
}

const char *
af_provider_get_redirect_path (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);
  return self->redirect_path;
}

/**
 * af_provider_add_capability:
 * @capability: what AgentFlow can do with it, e.g. "gmail.send"
 * @scope: the provider scope that grants it
 */
void
af_provider_add_capability (AfProvider *self,
                            const char *capability,
                            const char *scope)
{
  g_return_if_fail (AF_IS_PROVIDER (self));

  g_ptr_array_add (self->capabilities, g_strdup (capability));
  g_ptr_array_add (self->capabilities, g_strdup (scope));
}

void
af_provider_add_base_scope (AfProvider *self,
                            const char *scope)
{
  g_return_if_fail (AF_IS_PROVIDER (self));
  g_ptr_array_add (self->base_scopes, g_strdup (scope));
}

void
af_provider_add_auth_param (AfProvider *self,
                            const char *name,
                            const char *value)
{
  g_return_if_fail (AF_IS_PROVIDER (self));

  g_ptr_array_add (self->auth_params, g_strdup (name));
  g_ptr_array_add (self->auth_params, g_strdup (value));
}

/**
 * af_provider_get_scope_string:
 *
 * Returns: (transfer full): every scope to request, space-separated
 */
char *
af_provider_get_scope_string (AfProvider *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);

  for (guint i = 0; i < self->base_scopes->len; i++)
    g_string_append_printf (s, "%s%s", s->len ? " " : "", (char *)self->base_scopes->pdata[i]);
  for (guint i = 1; i < self->capabilities->len; i += 2)
    g_string_append_printf (s, "%s%s", s->len ? " " : "", (char *)self->capabilities->pdata[i]);

  return g_string_free (s, FALSE);
}

/**
 * af_provider_get_missing_capabilities:
 * @granted: (nullable): the `scope` the token endpoint returned; %NULL
 *   means what was asked for (RFC 6749 §5.1)
 *
 * People can untick scopes on the consent screen: this says what
 * AgentFlow will not be able to do, rather than failing later.
 *
 * Returns: (transfer full): capability names, possibly empty
 */
GStrv
af_provider_get_missing_capabilities (AfProvider *self,
                                      const char *granted)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) scopes = NULL;

  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);

  if (granted == NULL)
    return g_strv_builder_end (builder);

  scopes = g_strsplit_set (granted, " ,", -1);
  for (guint i = 0; i + 1 < self->capabilities->len; i += 2)
    if (!g_strv_contains ((const char *const *)scopes, self->capabilities->pdata[i + 1]))
      g_strv_builder_add (builder, self->capabilities->pdata[i]);

  return g_strv_builder_end (builder);
}

/**
 * af_provider_build_auth_url:
 *
 * Returns: (transfer full): the URL to open in the browser
 */
char *
af_provider_build_auth_url (AfProvider *self,
                            const char *redirect_uri,
                            const char *state,
                            const char *code_challenge)
{
  return af_provider_build_auth_url_full (self, redirect_uri, state, code_challenge, NULL);
}

/**
 * af_provider_build_auth_url_full:
 * @nonce: (nullable): the OpenID Connect `nonce` the ID token must carry
 *   back (OIDC Core §3.1.2.1,
 *   https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest)
 *
 * Returns: (transfer full): the URL to open in the browser
 */
char *
af_provider_build_auth_url_full (AfProvider *self,
                                 const char *redirect_uri,
                                 const char *state,
                                 const char *code_challenge,
                                 const char *nonce)
{
  g_autofree char *scope = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autofree char *query = NULL;
  const char      *auth;

  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);

  auth = self->endpoints[AF_PROVIDER_AUTH];
  scope = af_provider_get_scope_string (self);
  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (char *)"response_type", (char *)"code");
  g_hash_table_insert (params, (char *)"client_id", self->client_id);
  g_hash_table_insert (params, (char *)"redirect_uri", (char *)redirect_uri);
  /* Slack: user tokens come from user_scope; `scope` would ask for bot
   * scopes, which desktop redirects may not request. */
  g_hash_table_insert (params, (char *)(self->dialect == AF_PROVIDER_DIALECT_SLACK ? "user_scope" : "scope"), scope);
  g_hash_table_insert (params, (char *)"state", (char *)state);
  g_hash_table_insert (params, (char *)"code_challenge", (char *)code_challenge);
  g_hash_table_insert (params, (char *)"code_challenge_method", (char *)"S256");
  if (nonce != NULL && self->dialect == AF_PROVIDER_DIALECT_OIDC)
    g_hash_table_insert (params, (char *)"nonce", (char *)nonce);
  for (guint i = 0; i + 1 < self->auth_params->len; i += 2)
    g_hash_table_insert (params, self->auth_params->pdata[i], self->auth_params->pdata[i + 1]);

  query = soup_form_encode_hash (params);
  return g_strconcat (auth, strchr (auth, '?') ? "&" : "?", query, NULL);
}

/**
 * af_provider_check_secure_url:
 * @who: the provider's name, for the message
 *
 * Tokens and codes only travel over TLS: @url must be https, except on
 * the loopback interface (127.0.0.1, [::1], localhost), which never
 * leaves the machine (a local test server, the sandbox).
 *
 * Returns: %FALSE with %AF_ERROR_NOT_CONFIGURED saying so
 */
gboolean
af_provider_check_secure_url (const char *url,
                              const char *who,
                              GError    **error)
{
  g_autoptr (GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme, *host;

  if (uri == NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED, _ ("%s gave an address AgentFlow cannot use (“%s”)."), who,
                   url ? url : "");
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 && host != NULL &&
      (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") || g_ascii_strcasecmp (host, "localhost") == 0))
    return TRUE;

  g_set_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
               _ ("%s uses an unencrypted address (%s). AgentFlow only signs in over HTTPS, so that nobody on the network can read your sign-in."),
               who, url);
  return FALSE;
}

/* OpenID Connect discovery */

typedef struct
{
  char *issuer;
  char *client_id;
} DiscoverData;

static void
discover_data_free (DiscoverData *data)
{
  g_free (data->issuer);
  g_free (data->client_id);
  g_free (data);
}

static AfProvider *
new_oidc (JsonObject *obj,
          const char *issuer,
          const char *client_id,
          GError    **error)
{
  g_autoptr (AfProvider) self = NULL;
  const char *auth = af_json_get_string (obj, "authorization_endpoint", NULL);
  const char *token = af_json_get_string (obj, "token_endpoint", NULL);

  if (auth == NULL || token == NULL)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                   _ ("%s does not look like an OpenID Connect provider (no usable discovery document)."), issuer);
      return NULL;
    }

  /* "The issuer value returned MUST be identical to the Issuer URL that
   * was used as the prefix to /.well-known/openid-configuration"
   * (OpenID Connect Discovery §4.3,
   * https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation):
   * else whoever served the document could stand in for the provider. */
  if (g_strcmp0 (af_json_get_string (obj, "issuer", NULL), issuer) != 0)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                   _ ("%s is not the OpenID Connect provider it claims to be: its discovery document names the issuer “%s”. "
                      "Check the issuer address."),
                   issuer, af_json_get_string (obj, "issuer", ""));
      return NULL;
    }

  self = af_provider_new ("oidc", _ ("OpenID Connect"), AF_PROVIDER_DIALECT_OIDC);
  self->endpoints[AF_PROVIDER_AUTH] = g_strdup (auth);
  self->endpoints[AF_PROVIDER_TOKEN] = g_strdup (token);
  self->endpoints[AF_PROVIDER_REVOKE] = g_strdup (af_json_get_string (obj, "revocation_endpoint", NULL));
  self->endpoints[AF_PROVIDER_USERINFO] = g_strdup (af_json_get_string (obj, "userinfo_endpoint", NULL));
  self->issuer = g_strdup (issuer);
  /* RFC 9207 §2.4 (https://www.rfc-editor.org/rfc/rfc9207#section-2.4):
   * a provider that says it sends `iss` in the redirect must send it. */
  self->iss_parameter = af_json_get_boolean (obj, "authorization_response_iss_parameter_supported", FALSE);
  af_provider_add_base_scope (self, "openid");
  af_provider_add_base_scope (self, "email");
  /* A refresh token. A conforming provider ignores offline_access unless
   * the request also says prompt=consent (OIDC Core §11,
   * https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess). */
  af_provider_add_base_scope (self, "offline_access");
  af_provider_add_auth_param (self, "prompt", "consent");
  apply_overrides (self, NULL, client_id, NULL);

  for (guint i = 0; i < AF_PROVIDER_N_ENDPOINTS; i++)
    if (self->endpoints[i] != NULL && !af_provider_check_secure_url (self->endpoints[i], issuer, error))
      return NULL;

  return g_steal_pointer (&self);
}

/* The parser behind on_discovery_cb(), for the fuzz harness. */
AfProvider *
af_provider_new_from_discovery (JsonObject *obj,
                                guint       status,
                                const char *issuer,
                                const char *client_id,
                                GError    **error)
{
  if (status != 200)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                   _ ("%s does not look like an OpenID Connect provider (no usable discovery document)."), issuer);
      return NULL;
    }

  return new_oidc (obj, issuer, client_id, error);
}

static void
on_discovery_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  DiscoverData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) obj = NULL;
  AfProvider *self;
  guint       status = 0;

  obj = af_oauth_http_request_finish (result, &status, &error);
  if (obj == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (status != 200)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_BAD_RESPONSE,
                               _ ("%s does not look like an OpenID Connect provider (no usable discovery document)."),
                               data->issuer);
      return;
    }

  self = new_oidc (obj, data->issuer, data->client_id, &error);
  if (self == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, self, g_object_unref);
}

/**
 * af_provider_discover_async:
 * @issuer: the issuer URL; `/.well-known/openid-configuration` is appended
 * @client_id: (nullable): the client ID registered there
 *
 * Builds the generic OpenID Connect provider (service "oidc").
 */
void
af_provider_discover_async (const char         *issuer,
                            const char         *client_id,
                            SoupSession        *session,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  DiscoverData    *data;

  g_return_if_fail (issuer != NULL);
  g_return_if_fail (SOUP_IS_SESSION (session));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_provider_discover_async);
  data = g_new0 (DiscoverData, 1);
  data->issuer = g_strdup (issuer);
  data->client_id = g_strdup (client_id);
  g_task_set_task_data (task, data, (GDestroyNotify)discover_data_free);

  if (!af_provider_check_secure_url (issuer, issuer, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  url = g_strconcat (issuer, g_str_has_suffix (issuer, "/") ? "" : "/", ".well-known/openid-configuration", NULL);
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT,
                               _ ("“%s” is not a valid issuer URL."), issuer);
      return;
    }

  af_oauth_http_request_async (session, msg, issuer, cancellable, on_discovery_cb, g_steal_pointer (&task));
}

AfProvider *
af_provider_discover_finish (GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_provider_discover_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * af_provider_get_issuer:
 *
 * Returns: (nullable): the OpenID issuer whose ID tokens this provider
 *   accepts (`iss`), or %NULL for a provider without ID tokens
 */
const char *
af_provider_get_issuer (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);
  return self->issuer;
}

/**
 * af_provider_dup_metadata:
 *
 * What a discovered provider found out, as JSON in the keys of a
 * discovery document (issuer, endpoints) plus the client ID: all public,
 * so it can be kept with the connection and the provider rebuilt after a
 * restart without the network. Built-in providers need none.
 *
 * Returns: (transfer full) (nullable): JSON, or %NULL for built-in ones
 */
char *
af_provider_dup_metadata (AfProvider *self)
{
  static const char *const names[] = { "authorization_endpoint", "token_endpoint", "revocation_endpoint", "userinfo_endpoint" };
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);

  if (!g_str_equal (self->service, "oidc"))
    return NULL;

  json_builder_begin_object (b);
  if (self->issuer != NULL)
    {
      json_builder_set_member_name (b, "issuer");
      json_builder_add_string_value (b, self->issuer);
    }
  for (guint i = 0; i < AF_PROVIDER_N_ENDPOINTS; i++)
    if (self->endpoints[i] != NULL)
      {
        json_builder_set_member_name (b, names[i]);
        json_builder_add_string_value (b, self->endpoints[i]);
      }
  json_builder_set_member_name (b, "authorization_response_iss_parameter_supported");
  json_builder_add_boolean_value (b, self->iss_parameter);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, self->client_id);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/**
 * af_provider_new_from_metadata:
 * @service: "oidc"
 * @metadata: what af_provider_dup_metadata() gave at connect time
 *
 * Rebuilds a discovered provider. The environment's overrides still win.
 *
 * Returns: (transfer full): the provider, or %NULL with an error
 */
AfProvider *
af_provider_new_from_metadata (const char *service,
                               const char *metadata,
                               GError    **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode   *root;
  JsonObject *obj;
  AfProvider *self;
  const char *client_id;

  g_return_val_if_fail (service != NULL, NULL);

  if (!g_str_equal (service, "oidc") || metadata == NULL ||
      !json_parser_load_from_data (parser, metadata, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, AF_ERROR, AF_ERROR_NOT_CONFIGURED,
                   _ ("AgentFlow does not remember how to reach this %s provider. Connect the account again."), service);
      return NULL;
    }

  obj = json_node_get_object (root);
  client_id = af_json_get_string (obj, "client_id", NULL);
  self = new_oidc (obj, af_json_get_string (obj, "issuer", ""), client_id, error);
  /* The grant belongs to the client that got it: refresh and revoke as it. */
  if (self != NULL && client_id != NULL && client_id[0] != '\0')
    af_provider_set_client_id (self, client_id);

  return self;
}

/**
 * af_provider_get_iss_parameter_supported:
 *
 * Returns: whether the provider puts its issuer in the authorization
 *   response (RFC 9207), so that one without it must be refused
 */
gboolean
af_provider_get_iss_parameter_supported (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), FALSE);
  return self->iss_parameter;
}

/**
 * af_provider_get_manage_url:
 *
 * Returns: (nullable): the page where people see and remove the apps
 *   that have access to their account, when known
 */
const char *
af_provider_get_manage_url (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);
  return self->manage_url;
}

/**
 * af_provider_get_client_secret:
 *
 * Returns: (nullable): the client secret of a confidential application
 *   (an Auth0 application set up for Token Vault); never written to the
 *   provider's metadata, the database or a log
 */
const char *
af_provider_get_client_secret (AfProvider *self)
{
  g_return_val_if_fail (AF_IS_PROVIDER (self), NULL);
  return self->client_secret;
}

/**
 * af_provider_set_client_secret:
 * @secret: (nullable): sent with the code exchange, refreshes and
 *   revocations (client_secret_post)
 */
void
af_provider_set_client_secret (AfProvider *self,
                               const char *secret)
{
  g_return_if_fail (AF_IS_PROVIDER (self));

  if (self->client_secret != NULL)
    explicit_bzero (self->client_secret, strlen (self->client_secret));
  g_free (self->client_secret);
  self->client_secret = g_strdup (secret);
}

/**
 * af_provider_set_redirect_path:
 * @path: the loopback redirect's path, e.g. "/callback" (what the Auth0
 *   application lists in its Allowed Callback URLs)
 */
void
af_provider_set_redirect_path (AfProvider *self,
                               const char *path)
{
  g_return_if_fail (AF_IS_PROVIDER (self));
  g_return_if_fail (path != NULL && path[0] == '/');

  g_free (self->redirect_path);
  self->redirect_path = g_strdup (path);
}
