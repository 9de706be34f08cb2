// sha256 of a stream of Buffers on libuv's thread pool, so a build context's files are hashed
// while the event loop goes on reading the request. The digest is OpenSSL's, taken from the node
// binary itself (node exports its OpenSSL symbols; an addon loaded into it resolves them there):
// the same code node:crypto runs, without a second copy of the bytes. The JS side
// (src/build/context/pool-sha256.ts) keeps one batch per hasher in flight, so bytes are hashed in
// the order they came; the Buffers of a batch are held by a reference until it is done.
#include <stdlib.h>
#include <node_api.h>

// OpenSSL's EVP interface, declared here (opaque types) so no OpenSSL headers are needed to build.
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct engine_st ENGINE;
extern EVP_MD_CTX *EVP_MD_CTX_new(void);
extern void EVP_MD_CTX_free(EVP_MD_CTX *ctx);
extern const EVP_MD *EVP_sha256(void);
extern int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
extern int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt);
extern int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);

struct piece {
  const void *data;
  size_t len;
};

struct hasher {
  EVP_MD_CTX *md;
  int busy;  // a batch is on the pool: no update and no final until it is done
};

struct batch {
  struct hasher *h;
  struct piece *pieces;
  uint32_t count;
  int ok;
  napi_ref buffers;  // the JS array of Buffers, alive until the batch is done
  napi_ref callback;
  napi_async_work work;
};

static void hasher_finalize(napi_env env, void *data, void *hint) {
  struct hasher *h = data;
  EVP_MD_CTX_free(h->md);
  free(h);
}

// sha256New() → handle
static napi_value js_sha256_new(napi_env env, napi_callback_info info) {
  struct hasher *h = calloc(1, sizeof *h);
  napi_value out;
  if (h == NULL || (h->md = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
    if (h) EVP_MD_CTX_free(h->md);
    free(h);
    napi_throw_error(env, NULL, "sha256: cannot make a digest context");
    return NULL;
  }
  if (napi_create_external(env, h, hasher_finalize, NULL, &out) != napi_ok) {
    EVP_MD_CTX_free(h->md);
    free(h);
    return NULL;
  }
  return out;
}

static void batch_execute(napi_env env, void *data) {
  struct batch *b = data;
  b->ok = 1;
  for (uint32_t i = 0; i < b->count && b->ok; i++) b->ok = EVP_DigestUpdate(b->h->md, b->pieces[i].data, b->pieces[i].len) == 1;
}

static void batch_complete(napi_env env, napi_status status, void *data) {
  struct batch *b = data;
  napi_value cb, global, arg;
  b->h->busy = 0;
  if (napi_get_reference_value(env, b->callback, &cb) == napi_ok && napi_get_global(env, &global) == napi_ok &&
      napi_get_boolean(env, status == napi_ok && b->ok, &arg) == napi_ok) {
    napi_call_function(env, global, cb, 1, &arg, NULL);
  }
  napi_delete_reference(env, b->buffers);
  napi_delete_reference(env, b->callback);
  napi_delete_async_work(env, b->work);
  free(b->pieces);
  free(b);
}

// sha256Update(handle, buffers: Buffer[], done: (ok: boolean) => void): hashes the buffers in
// order on the pool; the handle must not be used again until done is called.
static napi_value js_sha256_update(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], name;
  struct hasher *h;
  uint32_t count;
  struct batch *b;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) return NULL;
  if (napi_get_value_external(env, argv[0], (void **)&h) != napi_ok || napi_get_array_length(env, argv[1], &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "sha256Update(handle, buffers, done)");
    return NULL;
  }
  if (h->busy) {
    napi_throw_error(env, NULL, "sha256: a batch is still in flight");
    return NULL;
  }
  b = calloc(1, sizeof *b);
  if (b == NULL || (count && (b->pieces = malloc(count * sizeof *b->pieces)) == NULL)) {
    free(b);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  b->h = h;
  b->count = count;
  for (uint32_t i = 0; i < count; i++) {
    napi_value el;
    void *p;
    size_t len;
    if (napi_get_element(env, argv[1], i, &el) != napi_ok || napi_get_buffer_info(env, el, &p, &len) != napi_ok) {
      free(b->pieces);
      free(b);
      napi_throw_type_error(env, NULL, "sha256Update: Buffers expected");
      return NULL;
    }
    b->pieces[i].data = p;
    b->pieces[i].len = len;
  }
  if (napi_create_reference(env, argv[1], 1, &b->buffers) != napi_ok || napi_create_reference(env, argv[2], 1, &b->callback) != napi_ok ||
      napi_create_string_utf8(env, "berth:sha256", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, batch_execute, batch_complete, b, &b->work) != napi_ok || napi_queue_async_work(env, b->work) != napi_ok) {
    napi_throw_error(env, NULL, "sha256: cannot queue work");
    return NULL;
  }
  h->busy = 1;
  return NULL;
}

// sha256Final(handle) → hex digest (the handle is spent).
static napi_value js_sha256_final(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  struct hasher *h;
  unsigned char md[32];
  unsigned int n = 0;
  char hex[65];
  static const char digits[] = "0123456789abcdef";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_external(env, argv[0], (void **)&h) != napi_ok) {
    napi_throw_type_error(env, NULL, "sha256Final(handle)");
    return NULL;
  }
  if (h->busy || EVP_DigestFinal_ex(h->md, md, &n) != 1 || n != 32) {
    napi_throw_error(env, NULL, "sha256: cannot finish the digest");
    return NULL;
  }
  for (int i = 0; i < 32; i++) {
    hex[2 * i] = digits[md[i] >> 4];
    hex[2 * i + 1] = digits[md[i] & 15];
  }
  hex[64] = 0;
  if (napi_create_string_utf8(env, hex, 64, &out) != napi_ok) return NULL;
  return out;
}

napi_value sha256_async_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"sha256New", NULL, js_sha256_new, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sha256Update", NULL, js_sha256_update, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sha256Final", NULL, js_sha256_final, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
