/*
 * ecverify: ECDSA P-256 signature verification from the raw public point, for checking the
 * signature of a certificate signing request.
 *
 * Why: with OpenSSL 3.0, importing a public key into Node (`crypto.createPublicKey`, any format)
 * runs a full key check, a scalar multiplication by the group order that costs about as much as
 * the verification itself, and the key's first use then exports it to a provider. For P-256,
 * whose cofactor is 1, a point that is on the curve (and not the point at infinity) is a valid
 * public key: that check is a few field operations. So this decodes the point, checks it is on
 * the curve, and verifies with OpenSSL's own ECDSA (the same code `crypto.verify` reaches), on
 * the SHA-2 digest the caller computed.
 *
 *   verifyP256(point, digest, signature) -> boolean
 *     point      Uint8Array, 65 bytes: 0x04 || X || Y (uncompressed SEC1)
 *     digest     Uint8Array, 1..64 bytes: the message's hash
 *     signature  Uint8Array: DER ECDSA-Sig-Value (strict DER, as OpenSSL requires)
 *   Returns true or false; throws a TypeError for arguments of the wrong type or length, and an
 *   Error "invalid public key" when the point is malformed or not on the curve.
 *
 * Node-API only (no V8): one build works for every Node version with N-API 8. It links against
 * the OpenSSL that Node itself exports (headers from Node's include/node/openssl).
 * Build: node scripts/build-native.mjs (plain `cc`, no node-gyp).
 */
#define NAPI_VERSION 8
#define OPENSSL_API_COMPAT 0x10100000L
#define OPENSSL_SUPPRESS_DEPRECATED
#include <node_api.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#ifndef NODE_GYP_MODULE_NAME
#define NODE_GYP_MODULE_NAME ecverify
#endif

/* The P-256 group, made once per process (read-only afterwards, shared by every call). */
static EC_GROUP *p256 = NULL;

static napi_value fail_type(napi_env env, const char *message) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  return NULL;
}

static int bytes_arg(napi_env env, napi_value value, const unsigned char **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  size_t count = 0;
  void *base = NULL;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, value, &type, &count, &base, &buffer, &offset) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (const unsigned char *)base;
  *length = count;
  return 1;
}

static napi_value verify_p256(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
    return fail_type(env, "verifyP256(point, digest, signature) takes three Uint8Arrays");
  }
  const unsigned char *point, *digest, *sig;
  size_t point_len, digest_len, sig_len;
  if (!bytes_arg(env, argv[0], &point, &point_len) || point_len != 65 || point[0] != 0x04) {
    return fail_type(env, "point must be a 65-byte uncompressed P-256 point (0x04 || X || Y)");
  }
  if (!bytes_arg(env, argv[1], &digest, &digest_len) || digest_len == 0 || digest_len > 64) {
    return fail_type(env, "digest must be a Uint8Array of 1 to 64 bytes");
  }
  if (!bytes_arg(env, argv[2], &sig, &sig_len) || sig_len == 0 || sig_len > 256) {
    return fail_type(env, "signature must be a DER ECDSA signature (a Uint8Array of 1 to 256 bytes)");
  }

  int result = -2; /* -2: invalid key, -1: OpenSSL error, 0: bad signature, 1: valid */
  EC_KEY *key = EC_KEY_new();
  EC_POINT *pub = EC_POINT_new(p256);
  if (key != NULL && pub != NULL && EC_KEY_set_group(key, p256) == 1) {
    if (EC_POINT_oct2point(p256, pub, point, point_len, NULL) == 1 && EC_POINT_is_at_infinity(p256, pub) == 0 &&
        EC_POINT_is_on_curve(p256, pub, NULL) == 1 && EC_KEY_set_public_key(key, pub) == 1) {
      result = ECDSA_verify(0, digest, (int)digest_len, sig, (int)sig_len, key);
    }
  } else {
    result = -1;
  }
  EC_POINT_free(pub);
  EC_KEY_free(key);
  ERR_clear_error();

  if (result == -2) {
    napi_throw_error(env, "ERR_INVALID_PUBLIC_KEY", "invalid public key: not a point on P-256");
    return NULL;
  }
  napi_value out;
  napi_get_boolean(env, result == 1, &out);
  return out;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  if (p256 == NULL) p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  if (p256 == NULL) {
    napi_throw_error(env, NULL, "ecverify: OpenSSL has no P-256 group");
    return NULL;
  }
  napi_value fn;
  if (napi_create_function(env, "verifyP256", NAPI_AUTO_LENGTH, verify_p256, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "verifyP256", fn) != napi_ok) return NULL;
  return exports;
}
