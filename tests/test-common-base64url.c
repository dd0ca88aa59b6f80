/* test-common-base64url.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "af-base64url.h"

/* RFC 4648 §10 (https://www.rfc-editor.org/rfc/rfc4648#section-10): the
 * same vectors hold for base64url, which differs only in two letters. */
static const struct
{
  const char *plain;
  const char *padded;
  const char *unpadded;
} vectors[] = {
  { "", "", "" },
  { "f", "Zg==", "Zg" },
  { "fo", "Zm8=", "Zm8" },
  { "foo", "Zm9v", "Zm9v" },
  { "foob", "Zm9vYg==", "Zm9vYg" },
  { "fooba", "Zm9vYmE=", "Zm9vYmE" },
  { "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

static void
assert_decodes (const char   *text,
                gboolean      padding_allowed,
                const guint8 *expected,
                gsize         expected_len)
{
  g_autoptr (GBytes) bytes = af_base64url_decode (text, -1, padding_allowed);
  gsize         len;
  const guint8 *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (data, len, expected, expected_len);
}

static void
test_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      const guint8    *plain = (const guint8 *)vectors[i].plain;
      gsize            len = strlen (vectors[i].plain);
      g_autofree char *padded = af_base64url_encode (plain, len, TRUE);
      g_autofree char *unpadded = af_base64url_encode (plain, len, FALSE);

      g_assert_cmpstr (padded, ==, vectors[i].padded);
      g_assert_cmpstr (unpadded, ==, vectors[i].unpadded);
      /* Padding may be there or not. */
      assert_decodes (vectors[i].padded, TRUE, plain, len);
      assert_decodes (vectors[i].unpadded, TRUE, plain, len);
      assert_decodes (vectors[i].unpadded, FALSE, plain, len);
    }
}

/* The two letters of RFC 4648 §5 (https://www.rfc-editor.org/rfc/rfc4648#section-5),
 * and the example of RFC 7515 appendix C
 * (https://www.rfc-editor.org/rfc/rfc7515#appendix-C). */
static void
test_url_alphabet (void)
{
  static const guint8 plus_slash[] = { 0xfb, 0xff };
  static const guint8 jws[] = { 3, 236, 255, 224, 193 };
  g_autofree char    *a = af_base64url_encode (plus_slash, sizeof plus_slash, TRUE);
  g_autofree char    *b = af_base64url_encode (jws, sizeof jws, FALSE);

  g_assert_cmpstr (a, ==, "-_8=");
  g_assert_cmpstr (b, ==, "A-z_4ME");
  assert_decodes ("-_8", FALSE, plus_slash, sizeof plus_slash);
  assert_decodes ("A-z_4ME", FALSE, jws, sizeof jws);
  /* The other alphabet is not base64url. */
  g_assert_null (af_base64url_decode ("+/8=", -1, TRUE));
  g_assert_null (af_base64url_decode ("A+z/4ME", -1, TRUE));
}

static void
test_round_trips (void)
{
  guint8 data[300];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8)(i * 7 + 3);
  for (gsize len = 0; len <= sizeof data; len++)
    for (int padded = 0; padded <= 1; padded++)
      {
        g_autofree char *text = af_base64url_encode (data, len, padded);
        g_autoptr (GBytes) back = af_base64url_decode (text, -1, TRUE);
        g_autoptr (GBytes) strict = af_base64url_decode (text, -1, FALSE);

        g_assert_cmpuint (strlen (text) % 4 == 0 || !padded, ==, TRUE);
        g_assert_null (strchr (text, '+'));
        g_assert_null (strchr (text, '/'));
        g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), data, len);
        /* Without padding allowed, padding is refused. */
        if (padded && len % 3 != 0)
          g_assert_null (strict);
        else
          g_assert_cmpmem (g_bytes_get_data (strict, NULL), g_bytes_get_size (strict), data, len);
      }
}

static void
test_invalid (void)
{
  static const char *const invalid[] = {
    "Z",        /* a length no encoding has */
    "Zm9vY",    /* idem, after whole quanta */
    "Zg===",    /* too much padding */
    "Zg=",      /* padding short of a quantum */
    "Z===",     /* padding that leaves one letter */
    "Zg==Zg==", /* padding inside */
    "Zm 9v",    /* a space */
    "Zm9v\n",   /* a line break */
    "Zm.9",     /* a JWS separator */
    "Zm9vYg==\xc3\xa9",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (GBytes) bytes = af_base64url_decode (invalid[i], -1, TRUE);

      if (bytes != NULL)
        g_error ("“%s” decoded", invalid[i]);
    }

  /* @len bounds the text: a JWS segment between two dots. */
  {
    g_autoptr (GBytes) segment = af_base64url_decode ("Zm9v.Zm8", 4, FALSE);

    g_assert_cmpmem (g_bytes_get_data (segment, NULL), g_bytes_get_size (segment), "foo", 3);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/base64url/vectors", test_vectors);
  g_test_add_func ("/common/base64url/url-alphabet", test_url_alphabet);
  g_test_add_func ("/common/base64url/round-trips", test_round_trips);
  g_test_add_func ("/common/base64url/invalid", test_invalid);

  return g_test_run ();
}
