/* af-sandbox-jwt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sandbox-jwt"

#include "config.h"

#include <string.h>

#include "af-base64url.h"
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
 * modular exponentiation is done here: Montgomery multiplication on 32-bit
 * limbs, the private key used in its CRT form (about four times faster
 * than with d). Signing is not constant-time; it need not be. */

#define KEY_BYTES  256
#define LIMBS      (KEY_BYTES / 4)
#define HALF_LIMBS (LIMBS / 2)

/* The sandbox key, big-endian hex: modulus n (e = 65537) and the CRT form
 * of the private key (RFC 8017 §3.2, second representation). */
static const char key_n_hex[] =
    "d232c20f7f3b81dd2c6f6967e248ec4e442a6c1edd1ea3d9099e44ea25ce80e5"
    "5465639aaaa43db72480212d715b7d8c0d00ac8efabb5cba24474db3c690ae62"
    "d601bcba8b5ade1bad9f510684eac0d810e54a19106636e1bac0b448e9a1042b"
    "e4b92ac5e546a28869857c16124e65b97e008672ece584dea718fe8a60995876"
    "ffbb51c12aab57734ec2d0ba4894263d5ecdf2526cddb136f6d2fc7226bb06b3"
    "9505ad5618e016e0684695973529045fa7c8bb89b383d5299beb35d6364f48c3"
    "38e544a017340890698b1f130f8046bb9fd52bee9e9f264278e5c74fc3f3dcba"
    "bb574238dea62e84e8651e729540d9c3847fd8a9d292b5615949237e2c8b53cd";

static const char key_p_hex[] =
    "f6b0bdfc4d8c1549b0217667afc61df4dfc3fd0e6045a44aa406920159830c94"
    "b811b60c260f38822d03a36ac86e61bde46903cc007bc1df5cb4b340a3369b83"
    "392197c09e654170608fe241eea6631856683d5a96753256bad4d5a331e2cbdf"
    "dfa57fe45f9f9155661c78f75536468e9b040c9b7324998acce17788f409d947";

static const char key_q_hex[] =
    "da2177d9ec212b6af30b615be046bc1311ff48c7607878f154adb76704454bc0"
    "2c6e40bf7d9405c6a3c6c96f7a2914d8392166663baed637cf324ec753f3d255"
    "5cbff965e492c0935dbb780974134fec85064e77bbb2bb73f5f1a1fc28e0129f"
    "55e035c165d51c6651614778d723f3cc58f3b15eacae720bcb679f29a967f44b";

static const char key_dp_hex[] =
    "3a687c8329653a8118f7c34e277b140aaf947aed157447c2f87529cab203ea4d"
    "a80b617c1ce2cbb15eb116d7289fa1fad102e04843f109653650fe841660ce8f"
    "524e96dc9f64400b3881b8c37d9adda99c83cfcb0c06b1a58154f5444f82705d"
    "1059e21f1358f7932dbb1e150992f13fc08a43e5e66c4b02672217285107a7ef";

static const char key_dq_hex[] =
    "bdb4dfcc5a6d9a9a201864ab0809dca5e5401566b8c2edc44d35ebcc9f4d390d"
    "4056fedecb7381f6791778b70812547b9c6c2ce77abe9ab5dcf04ecd52793a13"
    "5d5fe4a236415f548aef70fd1fc36ffe2ecf064d61a3971dc9e7454ecda9dae8"
    "524275dde6178ae47da0520d89664e3109a79f39cc8ac6caf533009cb6259fb3";

static const char key_qinv_hex[] =
    "e5617c48e7e20a3388c4c187618462ca86e62fdd91355502a2c3f6cf57dbe5db"
    "afcc3ddcda9e558987a7db78e3be3e35994fe6088ff8df7c921af05d98ad5a0b"
    "c0b0d626114231a68b7d0160178a2ba5ffa1f8a1d7b53d1320ffd2350c70d22f"
    "7b150d6fe2a3f41fc95f48a9f7a1a722ab3e4c34d2d0af4d6b3a466260ae6384";

/* DER of the DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1). */
static const char sha256_prefix[] = "\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20";
#define SHA256_PREFIX_LEN (sizeof sha256_prefix - 1)

/* An odd modulus of @nl 32-bit limbs, least significant first, with what
 * Montgomery multiplication needs. */
typedef struct
{
  guint   nl;
  guint32 n[LIMBS];
  guint32 n0inv;     /* -n^-1 mod 2^32 */
  guint32 rr[LIMBS]; /* R^2 mod n, R = 2^(32 nl) */
} Modulus;

typedef struct
{
  Modulus n, p, q;
  guint8  n_bytes[KEY_BYTES];
  guint8  dp[KEY_BYTES / 2], dq[KEY_BYTES / 2];
  guint32 qinv[HALF_LIMBS];
} Key;

static void
from_bytes (guint32      *limbs,
            guint         nl,
            const guint8 *bytes)
{
  for (guint i = 0; i < nl; i++)
    {
      const guint8 *b = bytes + 4 * (nl - 1 - i);

      limbs[i] = (guint32)b[0] << 24 | (guint32)b[1] << 16 | (guint32)b[2] << 8 | b[3];
    }
}

static void
to_bytes (guint8        *bytes,
          guint          nl,
          const guint32 *limbs)
{
  for (guint i = 0; i < nl; i++)
    {
      guint8 *b = bytes + 4 * (nl - 1 - i);

      b[0] = limbs[i] >> 24;
      b[1] = limbs[i] >> 16;
      b[2] = limbs[i] >> 8;
      b[3] = limbs[i];
    }
}

static void
from_hex (guint8     *bytes,
          gsize       len,
          const char *hex)
{
  g_assert (strlen (hex) == 2 * len);
  for (gsize i = 0; i < len; i++)
    bytes[i] = g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]);
}

/* a >= b */
static gboolean
geq (const guint32 *a,
     const guint32 *b,
     guint          nl)
{
  for (guint i = nl; i-- > 0;)
    if (a[i] != b[i])
      return a[i] > b[i];
  return TRUE;
}

/* a -= b, returns the borrow */
static guint32
sub (guint32       *a,
     const guint32 *b,
     guint          nl)
{
  guint64 borrow = 0;

  for (guint i = 0; i < nl; i++)
    {
      guint64 d = (guint64)a[i] - b[i] - borrow;

      a[i] = (guint32)d;
      borrow = (d >> 63) & 1;
    }
  return (guint32)borrow;
}

/* a += b, returns the carry */
static guint32
add (guint32       *a,
     const guint32 *b,
     guint          nl)
{
  guint64 carry = 0;

  for (guint i = 0; i < nl; i++)
    {
      guint64 s = (guint64)a[i] + b[i] + carry;

      a[i] = (guint32)s;
      carry = s >> 32;
    }
  return (guint32)carry;
}

/* r = a b R^-1 mod n, for a, b < n (coarsely integrated operand scanning) */
static void
mont_mul (const Modulus *m,
          guint32       *r,
          const guint32 *a,
          const guint32 *b)
{
  guint   nl = m->nl;
  guint32 t[LIMBS + 2] = { 0 };

  for (guint i = 0; i < nl; i++)
    {
      guint64 c = 0, s;
      guint32 q;

      for (guint j = 0; j < nl; j++)
        {
          s = (guint64)t[j] + (guint64)a[j] * b[i] + c;
          t[j] = (guint32)s;
          c = s >> 32;
        }
      s = (guint64)t[nl] + c;
      t[nl] = (guint32)s;
      t[nl + 1] = (guint32)(s >> 32);

      q = t[0] * m->n0inv;
      s = (guint64)t[0] + (guint64)q * m->n[0];
      c = s >> 32;
      for (guint j = 1; j < nl; j++)
        {
          s = (guint64)t[j] + (guint64)q * m->n[j] + c;
          t[j - 1] = (guint32)s;
          c = s >> 32;
        }
      s = (guint64)t[nl] + c;
      t[nl - 1] = (guint32)s;
      t[nl] = t[nl + 1] + (guint32)(s >> 32);
    }

  if (t[nl] != 0 || geq (t, m->n, nl))
    sub (t, m->n, nl);
  memcpy (r, t, sizeof (guint32) * nl);
}

static void
modulus_init (Modulus      *m,
              const guint8 *bytes,
              guint         nl)
{
  guint32 inv = 1;

  m->nl = nl;
  from_bytes (m->n, nl, bytes);
  /* Newton's iteration doubles the correct low bits each step. */
  for (guint i = 0; i < 5; i++)
    inv *= 2 - m->n[0] * inv;
  m->n0inv = -inv;

  /* R^2 mod n by doubling 1, 2·32·nl times. */
  memset (m->rr, 0, sizeof m->rr);
  m->rr[0] = 1;
  for (guint i = 0; i < 2 * 32 * nl; i++)
    {
      guint32 carry = m->rr[nl - 1] >> 31;

      for (guint j = nl - 1; j > 0; j--)
        m->rr[j] = m->rr[j] << 1 | m->rr[j - 1] >> 31;
      m->rr[0] <<= 1;
      if (carry || geq (m->rr, m->n, nl))
        sub (m->rr, m->n, nl);
    }
}

static const Key *
key (void)
{
  static Key   k;
  static gsize ready = 0;

  if (g_once_init_enter (&ready))
    {
      guint8 half[KEY_BYTES / 2];

      from_hex (k.n_bytes, KEY_BYTES, key_n_hex);
      modulus_init (&k.n, k.n_bytes, LIMBS);
      from_hex (half, sizeof half, key_p_hex);
      modulus_init (&k.p, half, HALF_LIMBS);
      from_hex (half, sizeof half, key_q_hex);
      modulus_init (&k.q, half, HALF_LIMBS);
      from_hex (k.dp, sizeof k.dp, key_dp_hex);
      from_hex (k.dq, sizeof k.dq, key_dq_hex);
      from_hex (half, sizeof half, key_qinv_hex);
      from_bytes (k.qinv, HALF_LIMBS, half);
      g_once_init_leave (&ready, 1);
    }

  return &k;
}

/* r = x^exp mod m, for x < m */
static void
mod_exp (const Modulus *m,
         guint32       *r,
         const guint32 *x,
         const guint8  *exp,
         gsize          exp_len)
{
  guint32  xm[LIMBS], acc[LIMBS], one[LIMBS] = { 1 };
  gboolean started = FALSE;

  mont_mul (m, xm, x, m->rr);    /* x R */
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
          mont_mul (m, acc, acc, xm);
      }
  mont_mul (m, r, acc, one);
}

/* r = c mod p for a 2·nl-limb c and an nl-limb p whose top bit is set:
 * c = hi·R + lo, and hi·R = mont_mul (hi, R^2). */
static void
reduce (const Modulus *p,
        guint32       *r,
        const guint32 *c)
{
  guint   nl = p->nl;
  guint32 lo[LIMBS], hi[LIMBS];

  memcpy (lo, c, sizeof (guint32) * nl);
  memcpy (hi, c + nl, sizeof (guint32) * nl);
  /* Each half is below 2^(32 nl) < 2p. */
  if (geq (lo, p->n, nl))
    sub (lo, p->n, nl);
  if (geq (hi, p->n, nl))
    sub (hi, p->n, nl);
  mont_mul (p, r, hi, p->rr);
  if (add (r, lo, nl) || geq (r, p->n, nl))
    sub (r, p->n, nl);
}

/* s = em^d mod n by the Chinese remainder theorem (RFC 8017 §5.2.1, 2.b) */
static void
rsa_private (guint8       *s,
             const guint8 *em)
{
  const Key *k = key ();
  guint32    c[LIMBS], cp[HALF_LIMBS], cq[HALF_LIMBS], m1[HALF_LIMBS], m2[HALF_LIMBS], h[HALF_LIMBS];
  guint32    m2p[HALF_LIMBS], out[LIMBS] = { 0 };

  from_bytes (c, LIMBS, em);
  reduce (&k->p, cp, c);
  reduce (&k->q, cq, c);
  mod_exp (&k->p, m1, cp, k->dp, sizeof k->dp);
  mod_exp (&k->q, m2, cq, k->dq, sizeof k->dq);

  /* h = qinv (m1 - m2) mod p */
  memcpy (m2p, m2, sizeof m2p);
  if (geq (m2p, k->p.n, HALF_LIMBS))
    sub (m2p, k->p.n, HALF_LIMBS);
  if (sub (m1, m2p, HALF_LIMBS))
    add (m1, k->p.n, HALF_LIMBS);
  mont_mul (&k->p, h, m1, k->qinv);
  mont_mul (&k->p, h, h, k->p.rr);

  /* s = m2 + q h */
  for (guint i = 0; i < HALF_LIMBS; i++)
    {
      guint64 carry = 0;

      for (guint j = 0; j < HALF_LIMBS; j++)
        {
          guint64 t = (guint64)out[i + j] + (guint64)h[i] * k->q.n[j] + carry;

          out[i + j] = (guint32)t;
          carry = t >> 32;
        }
      out[i + HALF_LIMBS] = (guint32)carry;
    }
  {
    guint64 carry = 0;

    for (guint i = 0; i < LIMBS; i++)
      {
        guint64 t = (guint64)out[i] + (i < HALF_LIMBS ? m2[i] : 0) + carry;

        out[i] = (guint32)t;
        carry = t >> 32;
      }
  }
  to_bytes (s, LIMBS, out);
}

/* m = s^e mod n, e = 65537 */
static void
rsa_public (guint8       *m,
            const guint8 *s)
{
  static const guint8 e[] = { 0x01, 0x00, 0x01 };
  const Key          *k = key ();
  guint32             x[LIMBS], r[LIMBS];

  from_bytes (x, LIMBS, s);
  mod_exp (&k->n, r, x, e, sizeof e);
  to_bytes (m, LIMBS, r);
}

/* EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of SHA-256 over @data. */
static void
encode_message (guint8     *em,
                const char *data,
                gsize       len)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_len = 32;
  gsize ps_len = KEY_BYTES - 3 - SHA256_PREFIX_LEN - digest_len;

  g_checksum_update (checksum, (const guchar *)data, len);
  em[0] = 0x00;
  em[1] = 0x01;
  memset (em + 2, 0xff, ps_len);
  em[2 + ps_len] = 0x00;
  memcpy (em + 3 + ps_len, sha256_prefix, SHA256_PREFIX_LEN);
  g_checksum_get_digest (checksum, em + 3 + ps_len + SHA256_PREFIX_LEN, &digest_len);
}

static char *
json_segment (JsonNode *node)
{
  g_autofree char *json = json_to_string (node, FALSE);

  return af_base64url_encode ((const guchar *)json, strlen (json), FALSE);
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
  rsa_private (s, em);
  sig = af_base64url_encode (s, sizeof s, FALSE);

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

  header = af_base64url_decode (jwt, dot1 - jwt, FALSE);
  payload = af_base64url_decode (dot1 + 1, dot2 - dot1 - 1, FALSE);
  sig = af_base64url_decode (dot2 + 1, -1, FALSE);
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
    guint32 s[LIMBS];

    from_bytes (s, LIMBS, g_bytes_get_data (sig, NULL));
    if (geq (s, key ()->n.n, LIMBS))
      return FALSE;
  }

  rsa_public (got, g_bytes_get_data (sig, NULL));
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
  g_autofree char *n = af_base64url_encode (key ()->n_bytes, KEY_BYTES, FALSE);
  g_autofree char *e64 = af_base64url_encode (e, sizeof e, FALSE);

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
