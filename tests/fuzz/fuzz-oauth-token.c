/* fuzz-oauth-token.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an authorization server answers: the token endpoint (RFC 6749
 * §5.1/5.2 and Slack's oauth.v2.access, read by af-oauth-flow and
 * af-credential), the userinfo answer (Slack: auth.test), the OIDC
 * discovery document, the ID token in a token answer (the input as the
 * token, and as its claims), the revocation endpoint's answer, and what
 * AgentFlow stores itself but reads back: the token set in the vault and
 * a discovered provider's metadata.
 */

#include "config.h"

#include "af-account-manager-private.h"
#include "af-fuzz.h"
#include "af-oauth-http.h"
#include "af-oauth-http-private.h"
#include "af-provider.h"
#include "af-provider-private.h"
#include "af-token-set.h"

static AfProvider *providers[3];

static void
check_id_token (const char *id_token)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *email = NULL;
  g_autofree char *name = NULL;
  gboolean         ok;

  ok = af_oauth_parse_id_token (id_token, "client.apps.example", "https://accounts.google.com", &email, &name, &error);
  g_assert (ok == (error == NULL));
  if (ok)
    {
      /* The account's name in the database and on screen. */
      g_assert (email != NULL && email[0] != '\0' && g_utf8_validate (email, -1, NULL));
      g_assert (name == NULL || g_utf8_validate (name, -1, NULL));
    }
  else
    g_assert (email == NULL && name == NULL && g_utf8_validate (error->message, -1, NULL));
}

/* The input as the claims of an unsigned JWT. */
static char *
jwt_with_claims (const uint8_t *data,
                 size_t         size)
{
  g_autofree char *payload = g_base64_encode (data, size);

  g_strdelimit (payload, "+", '-');
  g_strdelimit (payload, "/", '_');
  g_strdelimit (payload, "=", '\0');
  return g_strconcat ("eyJhbGciOiJSUzI1NiJ9.", payload, ".c2ln", NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  af_fuzz_init ();

  if (providers[0] == NULL)
    {
      providers[0] = af_provider_new_for_service ("gmail", NULL, NULL);
      providers[1] = af_provider_new_for_service ("slack", NULL, NULL);
      providers[2] = af_provider_new ("oidc", "OpenID Connect", AF_PROVIDER_DIALECT_OIDC);
    }

  /* The vault's stored secret: written by us, but a damaged keyring
   * must not crash the app. */
  text = af_fuzz_strndup (data, size);
  check_id_token (text);
  {
    g_autofree char *jwt = jwt_with_claims (data, size);

    check_id_token (jwt);
  }
  {
    g_autoptr (GBytes) body = g_bytes_new (data, size);

    for (guint d = AF_PROVIDER_DIALECT_OIDC; d <= AF_PROVIDER_DIALECT_SLACK; d++)
      for (guint status = 200; status <= 400; status += 200)
        af_account_manager_revoke_answer_done (d, body, status);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AfProvider) provider = af_provider_new_from_metadata ("oidc", text, &error);

    g_assert ((provider == NULL) == (error != NULL));
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AfTokenSet) tokens = af_token_set_new_from_json (text, &error);

    g_assert ((tokens == NULL) == (error != NULL));
    if (tokens != NULL)
      g_free (af_token_set_to_json (tokens));
  }

  root = af_fuzz_parse_json (data, size);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    for (guint status = 200; status <= 400; status += 200)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (AfTokenSet) tokens = af_oauth_parse_token_response (providers[i], json_node_get_object (root), status, &error);

        g_assert ((tokens == NULL) == (error != NULL));
        if (tokens != NULL)
          g_assert (tokens->access_token != NULL && tokens->access_token[0] != '\0');
      }

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) identity = af_oauth_parse_identity (providers[i], json_node_get_object (root), 200, &error);

      g_assert ((identity == NULL) == (error != NULL));
      /* The account names the connection: it must exist. */
      if (identity != NULL)
        g_assert (identity[0] != NULL && g_utf8_validate (identity[0], -1, NULL) && identity[1] != NULL &&
                  g_utf8_validate (identity[1], -1, NULL));
    }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AfProvider) provider = af_provider_new_from_discovery (json_node_get_object (root), 200, "https://issuer.example", "client", &error);

    g_assert ((provider == NULL) == (error != NULL));
    if (provider != NULL)
      g_free (af_provider_build_auth_url (provider, "http://127.0.0.1:1/cb", "state", "challenge"));
  }

  return 0;
}
