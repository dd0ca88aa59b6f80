/* test-id-token.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading who signed in from an OpenID Connect ID token: the claims that
 * must hold (issuer, audience, expiry, a verified address) and every
 * malformed token a provider or a proxy could hand over, none of which
 * may crash or be believed.
 */

#include "config.h"

#include "af-error.h"
#include "af-oauth-http.h"

#define CLIENT "agentflow.apps.googleusercontent.com"
#define GOOGLE "https://accounts.google.com"

static char *
b64url (const char *text,
        gssize      len)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *)text, len < 0 ? strlen (text) : (gsize)len);
  GString         *out = g_string_new (NULL);

  for (const char *p = b64; *p; p++)
    if (*p != '=')
      g_string_append_c (out, *p == '+' ? '-' : *p == '/' ? '_'
                                                          : *p);
  return g_string_free (out, FALSE);
}

static char *
jwt (const char *claims)
{
  g_autofree char *payload = b64url (claims, -1);

  return g_strconcat ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.", payload, ".c2lnbmF0dXJl", NULL);
}

/* Claims like Google's, with @extra members replacing or adding. */
static char *
google_claims (const char *iss,
               const char *aud,
               gint64      exp,
               const char *email_part)
{
  return g_strdup_printf ("{\"iss\":\"%s\",\"azp\":\"%s\",\"aud\":%s,\"sub\":\"1\",%s\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                          iss, CLIENT, aud, email_part, exp - 3600, exp);
}

static gint64
in_an_hour (void)
{
  return g_get_real_time () / G_USEC_PER_SEC + 3600;
}

static void
test_valid (void)
{
  g_autofree char *claims = google_claims (GOOGLE, "\"" CLIENT "\"", in_an_hour (),
                                           "\"email\":\"alice@example.com\",\"email_verified\":true,\"name\":\"Alice\",");
  g_autofree char *token = jwt (claims);
  g_autofree char *email = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (af_oauth_parse_id_token (token, CLIENT, GOOGLE, &email, &name, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, "alice@example.com");
  g_assert_cmpstr (name, ==, "Alice");
}

static void
test_variants_accepted (void)
{
  /* Google's legacy issuer, an audience array naming us as azp, a
   * string "true" (some providers), no name. */
  const char *const cases[] = {
    "{\"iss\":\"accounts.google.com\",\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":[\"" CLIENT "\",\"other\"],\"azp\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":[\"" CLIENT "\"],\"email\":\"a@example.com\",\"email_verified\":\"true\",\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s.5}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *exp = g_strdup_printf ("%" G_GINT64_FORMAT, in_an_hour ());
      g_autoptr (GString) claims = g_string_new (cases[i]);
      g_autofree char *token = NULL;
      g_autofree char *email = NULL;
      g_autofree char *name = NULL;
      g_autoptr (GError) error = NULL;

      g_string_replace (claims, "%s", exp, 1);
      token = jwt (claims->str);
      g_test_message ("case %u: %s", i, claims->str);
      g_assert_true (af_oauth_parse_id_token (token, CLIENT, GOOGLE, &email, &name, &error));
      g_assert_cmpstr (email, ==, "a@example.com");
      g_assert_null (name);
    }
}

static void
test_claims_refused (void)
{
  const char *const cases[] = {
    /* another issuer, or none */
    "{\"iss\":\"https://evil.example\",\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    "{\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    "{\"iss\":42,\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    /* another audience, several without us as azp, none */
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"someone-else\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":[\"" CLIENT "\",\"other\"],\"azp\":\"other\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":[],\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":{\"x\":1},\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":%s}",
    /* expired, no expiry, a string expiry */
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":1000000000}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":true}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":true,\"exp\":\"%s\"}",
    /* no address, an empty one, an unverified one, not saying */
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"" CLIENT "\",\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"" CLIENT "\",\"email\":\"\",\"email_verified\":true,\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"email_verified\":false,\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"" CLIENT "\",\"email\":\"a@example.com\",\"exp\":%s}",
    "{\"iss\":\"" GOOGLE "\",\"aud\":\"" CLIENT "\",\"email\":[\"a@example.com\"],\"email_verified\":true,\"exp\":%s}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *exp = g_strdup_printf ("%" G_GINT64_FORMAT, in_an_hour ());
      g_autoptr (GString) claims = g_string_new (cases[i]);
      g_autofree char *token = NULL;
      g_autofree char *email = NULL;
      g_autoptr (GError) error = NULL;

      g_string_replace (claims, "%s", exp, 1);
      token = jwt (claims->str);
      g_test_message ("case %u: %s", i, claims->str);
      g_assert_false (af_oauth_parse_id_token (token, CLIENT, GOOGLE, &email, NULL, &error));
      g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
      g_assert_null (email);
    }

  /* A provider without an issuer accepts no ID token at all. */
  {
    g_autofree char *claims = google_claims (GOOGLE, "\"" CLIENT "\"", in_an_hour (),
                                             "\"email\":\"a@example.com\",\"email_verified\":true,");
    g_autofree char *token = jwt (claims);
    g_autoptr (GError) error = NULL;

    g_assert_false (af_oauth_parse_id_token (token, CLIENT, NULL, NULL, NULL, &error));
    g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  }
}

static void
test_malformed (void)
{
  g_autofree char *huge = g_strnfill (70 * 1024, 'a');
  g_autofree char *not_json = b64url ("not json at all", -1);
  g_autofree char *array = b64url ("[1,2,3]", -1);
  g_autofree char *truncated = b64url ("{\"iss\":\"https://accounts.go", -1);
  g_autofree char *bad_utf8 = b64url ("{\"iss\":\"\xff\xfe\"}", -1);
  g_autofree char *nul = b64url ("{\"iss\":\"a\"}\0{}", 14);
  g_autofree char *t_not_json = g_strconcat ("eyJhbGciOiJub25lIn0.", not_json, ".", NULL);
  g_autofree char *t_array = g_strconcat ("eyJhbGciOiJub25lIn0.", array, ".sig", NULL);
  g_autofree char *t_truncated = g_strconcat ("eyJhbGciOiJub25lIn0.", truncated, ".sig", NULL);
  g_autofree char *t_utf8 = g_strconcat ("eyJhbGciOiJub25lIn0.", bad_utf8, ".sig", NULL);
  g_autofree char *t_nul = g_strconcat ("eyJhbGciOiJub25lIn0.", nul, ".sig", NULL);
  g_autofree char *t_huge = g_strconcat ("eyJhbGciOiJub25lIn0.", huge, ".sig", NULL);
  const char      *cases[] = {
         "",
         ".",
         "..",
         "abc",
         "abc.def",
         "a.b.c.d",
         "eyJhbGciOiJub25lIn0..sig",
         "eyJhbGciOiJub25lIn0.e30=.sig",
         "eyJhbGciOiJub25lIn0.e30!.sig",
         "eyJhbGciOiJub25lIn0.e+/0.sig",
         "eyJhbGciOiJub25lIn0.e.sig",
         "eyJhbGciOiJub25lIn0.e30.sig", /* {}: decodes, but says nothing */
         t_not_json,
         t_array,
         t_truncated,
         t_utf8,
         t_nul,
         t_huge,
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *email = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("case %u", i);
      g_assert_false (af_oauth_parse_id_token (cases[i], CLIENT, GOOGLE, &email, NULL, &error));
      g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
      g_assert_null (email);
    }

  {
    g_autoptr (GError) error = NULL;

    g_assert_false (af_oauth_parse_id_token (NULL, CLIENT, GOOGLE, NULL, NULL, &error));
    g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  }
}

/* OIDC Core §3.1.3.7, item 11: the nonce the request sent must come
 * back, or the token answers some other sign-in (a replay). */
static void
test_nonce (void)
{
  const char *const cases[] = {
    "\"nonce\":\"other-nonce\",",
    "",
    "\"nonce\":42,",
  };
  g_autofree char *good_claims = google_claims (GOOGLE, "\"" CLIENT "\"", in_an_hour (),
                                                "\"email\":\"a@example.com\",\"email_verified\":true,\"nonce\":\"n-123\",");
  g_autofree char *good = jwt (good_claims);
  g_autofree char *email = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (af_oauth_parse_id_token_full (good, CLIENT, GOOGLE, "n-123", &email, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, "a@example.com");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *part = g_strconcat ("\"email\":\"a@example.com\",\"email_verified\":true,", cases[i], NULL);
      g_autofree char *claims = google_claims (GOOGLE, "\"" CLIENT "\"", in_an_hour (), part);
      g_autofree char *token = jwt (claims);
      g_autofree char *address = NULL;

      g_clear_error (&error);
      g_assert_false (af_oauth_parse_id_token_full (token, CLIENT, GOOGLE, "n-123", &address, NULL, &error));
      g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
      g_assert_null (address);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/id-token/valid", test_valid);
  g_test_add_func ("/id-token/variants-accepted", test_variants_accepted);
  g_test_add_func ("/id-token/claims-refused", test_claims_refused);
  g_test_add_func ("/id-token/malformed", test_malformed);
  g_test_add_func ("/id-token/nonce", test_nonce);

  return g_test_run ();
}
