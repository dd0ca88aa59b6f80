/* af-sandbox-jwt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-jwt"

#include "config.h"

#include <string.h>

#include "af-sandbox-jwt.h"

/* JSON Web Tokens the way an OpenID provider signs them: JWS compact
 * serialisation (RFC 7515 §7.1) with RS256, RSASSA-PKCS1-v1_5 over
 * SHA-256 (RFC 7518 §3.3, RFC 8017 §8.2), and the public half published
 * as a JWK Set (RFC 7517 §5) so a client can check a signature the way it
 * would against a real tenant's /.well-known/jwks.json.
 *
 * The key below was made for the sandbox and is public by design: it signs
 * tokens for 127.0.0.1 only and protects nothing. GLib has no RSA, and the
 * sandbox takes no new dependency for one private-key operation, so the
 * modular exponentiation is done here with Montgomery multiplication on
 * 32-bit limbs. Signing is not constant-time; it need not be. */

#define KEY_BYTES 256
#define LIMBS     (KEY_BYTES / 4)

/* Modulus n and private exponent d of the sandbox key, big-endian hex;
 * e = 65537. */
static const char key_n_hex[] =
    "d232c20f7f3b81dd2c6f6967e248ec4e442a6c1edd1ea3d9099e44ea25ce80e5"
    "5465639aaaa43db72480212d715b7d8c0d00ac8efabb5cba24474db3c690ae62"
    "d601bcba8b5ade1bad9f510684eac0d810e54a19106636e1bac0b448e9a1042b"
    "e4b92ac5e546a28869857c16124e65b97e008672ece584dea718fe8a60995876"
    "ffbb51c12aab57734ec2d0ba4894263d5ecdf2526cddb136f6d2fc7226bb06b3"
    "9505ad5618e016e0684695973529045fa7c8bb89b383d5299beb35d6364f48c3"
    "38e544a017340890698b1f130f8046bb9fd52bee9e9f264278e5c74fc3f3dcba"
    "bb574238dea62e84e8651e729540d9c3847fd8a9d292b5615949237e2c8b53cd";

static const char key_d_hex[] =
    "01dbef2e51b914ec7ff60e996787044ada7a44c32c4e5962ae2bee5b2ed991a2"
    "192ea4c229b92361c93e3fc36442a13636e13a1286a1bfdcc8339ef37bae1981"
    "ca8aa9a6af531be2a6bf7ddad73899224ee88a559fef73a6d9f018a6edb31a61"
    "b1abbada6590c2894ad10ac732adc53d694c471d09838a8b8cc818e7816aa9cb"
    "cb3d67a6ca12ea48b2251d1d9585addcdba021e4fa19459fc63922a882e2dfca"
    "33c257261b80b7ea83eb0f0ae2db2a28a2f00789260279bbe64107b4a428aa75"
    "041d9ba744a689dae23f4fc0868296e550fd91d2d982ce6f2e4355d199d2cd0d"
    "bbe7e9b20809f507aa387dcd0481dfe7076e98e3e6bfd955d7eabffe12c496a3";

/* DER of the DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1). */
static const guint8 sha256_prefix[] = {
  0x30,
  0x31,
  0x30,
  0x0d,
  0x06,
  0x09,
  0x60,
  0x86,
  0x48,
  0x01,
  0x65,
  0x03,
  0x04,
  0x02,
  0x01,
  0x05,
  0x00,
  0x04,
  0x20,
};

typedef struct
{
  guint8  n_bytes[KEY_BYTES];
  guint8  d_bytes[KEY_BYTES];
  guint32 n[LIMBS];
  guint32 n0inv;     /* -n^-1 mod 2^32 */
  guint32 rr[LIMBS]; /* R^2 mod n, R = 2^(32 LIMBS) */
} Modulus;

static void
from_bytes (guint32      *limbs,
            const guint8 *bytes)
{
  for (guint i = 0; i < LIMBS; i++)
    {
      const guint8 *p = bytes + KEY_BYTES - 4 * (i + 1);

      limbs[i] = (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
    }
}

static void
to_bytes (guint8        *bytes,
          const guint32 *limbs)
{
  for (guint i = 0; i < LIMBS; i++)
    {
      guint8 *p = bytes + KEY_BYTES - 4 * (i + 1);

      p[0] = limbs[i] >> 24;
      p[1] = limbs[i] >> 16;
      p[2] = limbs[i] >> 8;
      p[3] = limbs[i];
    }
}

/* a >= b */
static gboolean
geq (const guint32 *a,
     const guint32 *b)
{
  for (guint i = LIMBS; i-- > 0;)
    if (a[i] != b[i])
      return a[i] > b[i];
  return TRUE;
}

/* a -= b, returns the borrow */
static guint32
sub (guint32       *a,
     const guint32 *b)
{
  guint64 borrow = 0;

  for (guint i = 0; i < LIMBS; i++)
    {
      guint64 d = (guint64)a[i] - b[i] - borrow;

      a[i] = (guint32)d;
      borrow = (d >> 63) & 1;
    }
  return (guint32)borrow;
}

/* r = a b R^-1 mod n (coarsely integrated operand scanning) */
static void
mont_mul (const Modulus *m,
          guint32       *r,
          const guint32 *a,
          const guint32 *b)
{
  guint32 t[LIMBS + 2] = { 0 };

  for (guint i = 0; i < LIMBS; i++)
    {
      guint64 c = 0, s;
      guint32 q;

      for (guint j = 0; j < LIMBS; j++)
        {
          s = (guint64)t[j] + (guint64)a[j] * b[i] + c;
          t[j] = (guint32)s;
          c = s >> 32;
        }
      s = (guint64)t[LIMBS] + c;
      t[LIMBS] = (guint32)s;
      t[LIMBS + 1] = (guint32)(s >> 32);

      q = t[0] * m->n0inv;
      s = (guint64)t[0] + (guint64)q * m->n[0];
      c = s >> 32;
      for (guint j = 1; j < LIMBS; j++)
        {
          s = (guint64)t[j] + (guint64)q * m->n[j] + c;
          t[j - 1] = (guint32)s;
          c = s >> 32;
        }
      s = (guint64)t[LIMBS] + c;
      t[LIMBS - 1] = (guint32)s;
      t[LIMBS] = t[LIMBS + 1] + (guint32)(s >> 32);
    }

  if (t[LIMBS] != 0 || geq (t, m->n))
    sub (t, m->n);
  memcpy (r, t, sizeof (guint32) * LIMBS);
}

static const Modulus *
modulus (void)
{
  static Modulus m;
  static gsize   ready = 0;

  if (g_once_init_enter (&ready))
    {
      guint32 inv = 1;

      for (guint i = 0; i < KEY_BYTES; i++)
        {
          m.n_bytes[i] = g_ascii_xdigit_value (key_n_hex[2 * i]) << 4 | g_ascii_xdigit_value (key_n_hex[2 * i + 1]);
          m.d_bytes[i] = g_ascii_xdigit_value (key_d_hex[2 * i]) << 4 | g_ascii_xdigit_value (key_d_hex[2 * i + 1]);
        }
      from_bytes (m.n, m.n_bytes);
      /* Newton's iteration doubles the correct low bits each step. */
      for (guint i = 0; i < 5; i++)
        inv *= 2 - m.n[0] * inv;
      m.n0inv = -inv;

      /* R^2 mod n by doubling 1 2·32·LIMBS times. */
      memset (m.rr, 0, sizeof m.rr);
      m.rr[0] = 1;
      for (guint i = 0; i < 2 * 32 * LIMBS; i++)
        {
          guint32 carry = m.rr[LIMBS - 1] >> 31;

          for (guint j = LIMBS - 1; j > 0; j--)
            m.rr[j] = m.rr[j] << 1 | m.rr[j - 1] >> 31;
          m.rr[0] <<= 1;
          if (carry || geq (m.rr, m.n))
            sub (m.rr, m.n);
        }
      g_once_init_leave (&ready, 1);
    }

  return &m;
}

/* out = in^exp mod n; @in < n */
static void
mod_exp (guint8       *out,
         const guint8 *in,
         const guint8 *exp,
         gsize         exp_len)
{
  const Modulus *m = modulus ();
  guint32        x[LIMBS], acc[LIMBS], one[LIMBS] = { 1 };
  gboolean       started = FALSE;

  from_bytes (x, in);
  mont_mul (m, x, x, m->rr);     /* x R */
  mont_mul (m, acc, one, m->rr); /* R */

  for (gsize i = 0; i < exp_len; i++)
    for (gint bit = 7; bit >= 0; bit--)
      {
        gboolean set = (exp[i] >> bit) & 1;

        if (!started && !set)
          continue;
        started = TRUE;
        mont_mul (m, acc, acc, acc);
        if (set)
          mont_mul (m, acc, acc, x);
      }

  mont_mul (m, acc, acc, one);
  to_bytes (out, acc);
}

/* EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of SHA-256 over @data. */
static void
encode_message (guint8     *em,
                const char *data,
                gsize       len)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_len = 32;
  gsize ps_len = KEY_BYTES - 3 - sizeof sha256_prefix - digest_len;

  g_checksum_update (checksum, (const guchar *)data, len);
  em[0] = 0x00;
  em[1] = 0x01;
  memset (em + 2, 0xff, ps_len);
  em[2 + ps_len] = 0x00;
  memcpy (em + 3 + ps_len, sha256_prefix, sizeof sha256_prefix);
  g_checksum_get_digest (checksum, em + 3 + ps_len + sizeof sha256_prefix, &digest_len);
}

char *
af_sandbox_base64url_encode (const guchar *data,
                             gsize         len)
{
  char *b64 = g_base64_encode (data, len);
  char *w = b64;

  for (char *p = b64; *p; p++)
    {
      if (*p == '=')
        continue;
      *w++ = *p == '+' ? '-' : *p == '/' ? '_'
                                         : *p;
    }
  *w = '\0';

  return b64;
}

/**
 * af_sandbox_base64url_decode:
 * @len: bytes of @text, or -1
 *
 * Returns: (nullable): the bytes, or %NULL if @text is not base64url
 */
GBytes *
af_sandbox_base64url_decode (const char *text,
                             gssize      len)
{
  g_autoptr (GString) b64 = NULL;
  guchar *data;
  gsize   out_len;

  g_return_val_if_fail (text != NULL, NULL);

  if (len < 0)
    len = strlen (text);
  b64 = g_string_sized_new (len + 3);
  for (gssize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      g_string_append_c (b64, c);
    }
  if (b64->len % 4 == 1)
    return NULL;
  while (b64->len % 4 != 0)
    g_string_append_c (b64, '=');

  data = g_base64_decode (b64->str, &out_len);
  return g_bytes_new_take (data, out_len);
}

static char *
json_segment (JsonNode *node)
{
  g_autofree char *json = json_to_string (node, FALSE);

  return af_sandbox_base64url_encode ((const guchar *)json, strlen (json));
}

/**
 * af_sandbox_jwt_sign:
 * @claims: a JSON object
 *
 * Returns: (transfer full): a JWT of @claims, signed RS256 with the key
 *   that af_sandbox_jwt_jwks() publishes
 */
char *
af_sandbox_jwt_sign (JsonNode *claims)
{
  g_autoptr (JsonBuilder) header = json_builder_new ();
  g_autoptr (JsonNode) header_node = NULL;
  g_autofree char *h = NULL;
  g_autofree char *c = NULL;
  g_autofree char *input = NULL;
  g_autofree char *sig = NULL;
  guint8           em[KEY_BYTES], s[KEY_BYTES];

  g_return_val_if_fail (claims != NULL && JSON_NODE_HOLDS_OBJECT (claims), NULL);

  json_builder_begin_object (header);
  json_builder_set_member_name (header, "alg");
  json_builder_add_string_value (header, "RS256");
  json_builder_set_member_name (header, "typ");
  json_builder_add_string_value (header, "JWT");
  json_builder_set_member_name (header, "kid");
  json_builder_add_string_value (header, AF_SANDBOX_JWT_KEY_ID);
  json_builder_end_object (header);
  header_node = json_builder_get_root (header);

  h = json_segment (header_node);
  c = json_segment (claims);
  input = g_strconcat (h, ".", c, NULL);

  encode_message (em, input, strlen (input));
  mod_exp (s, em, modulus ()->d_bytes, KEY_BYTES);
  sig = af_sandbox_base64url_encode (s, sizeof s);

  return g_strconcat (input, ".", sig, NULL);
}

/**
 * af_sandbox_jwt_verify:
 * @claims: (out) (optional) (transfer full): the payload, when valid
 *
 * Checks a JWT's RS256 signature against the sandbox key, the way a
 * resource server checks one against the JWKS.
 *
 * Returns: whether @jwt is well formed and signed by the sandbox key
 */
gboolean
af_sandbox_jwt_verify (const char *jwt,
                       JsonNode  **claims)
{
  static const guint8 e[] = { 0x01, 0x00, 0x01 };
  g_autoptr (GBytes) header = NULL;
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (JsonNode) header_node = NULL;
  g_autoptr (JsonNode) payload_node = NULL;
  g_autofree char *header_text = NULL;
  g_autofree char *payload_text = NULL;
  const char      *dot1, *dot2;
  JsonObject      *h;
  guint8           em[KEY_BYTES], got[KEY_BYTES];

  if (jwt == NULL || (dot1 = strchr (jwt, '.')) == NULL || (dot2 = strchr (dot1 + 1, '.')) == NULL ||
      strchr (dot2 + 1, '.') != NULL)
    return FALSE;

  header = af_sandbox_base64url_decode (jwt, dot1 - jwt);
  payload = af_sandbox_base64url_decode (dot1 + 1, dot2 - dot1 - 1);
  sig = af_sandbox_base64url_decode (dot2 + 1, -1);
  if (header == NULL || payload == NULL || sig == NULL || g_bytes_get_size (sig) != KEY_BYTES)
    return FALSE;

  header_text = g_strndup (g_bytes_get_data (header, NULL), g_bytes_get_size (header));
  payload_text = g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  header_node = json_from_string (header_text, NULL);
  payload_node = json_from_string (payload_text, NULL);
  if (header_node == NULL || !JSON_NODE_HOLDS_OBJECT (header_node) || payload_node == NULL ||
      !JSON_NODE_HOLDS_OBJECT (payload_node))
    return FALSE;
  h = json_node_get_object (header_node);
  if (g_strcmp0 (json_object_get_string_member_with_default (h, "alg", NULL), "RS256") != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (h, "kid", NULL), AF_SANDBOX_JWT_KEY_ID) != 0)
    return FALSE;

  {
    const Modulus *m = modulus ();
    guint32        s[LIMBS];

    from_bytes (s, g_bytes_get_data (sig, NULL));
    if (geq (s, m->n))
      return FALSE;
  }

  mod_exp (got, g_bytes_get_data (sig, NULL), e, sizeof e);
  encode_message (em, jwt, dot2 - jwt);
  if (memcmp (em, got, KEY_BYTES) != 0)
    return FALSE;

  if (claims != NULL)
    *claims = g_steal_pointer (&payload_node);
  return TRUE;
}

/**
 * af_sandbox_jwt_jwks:
 *
 * Returns: (transfer full): the JWK Set of the signing key, the document
 *   an OpenID provider serves at its jwks_uri
 */
JsonNode *
af_sandbox_jwt_jwks (void)
{
  static const guint8 e[] = { 0x01, 0x00, 0x01 };
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *n = af_sandbox_base64url_encode (modulus ()->n_bytes, KEY_BYTES);
  g_autofree char *e64 = af_sandbox_base64url_encode (e, sizeof e);

  /* RFC 7517 §4 and RFC 7518 §6.3.1: the members a verifier needs. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kty");
  json_builder_add_string_value (b, "RSA");
  json_builder_set_member_name (b, "use");
  json_builder_add_string_value (b, "sig");
  json_builder_set_member_name (b, "alg");
  json_builder_add_string_value (b, "RS256");
  json_builder_set_member_name (b, "kid");
  json_builder_add_string_value (b, AF_SANDBOX_JWT_KEY_ID);
  json_builder_set_member_name (b, "n");
  json_builder_add_string_value (b, n);
  json_builder_set_member_name (b, "e");
  json_builder_add_string_value (b, e64);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}
