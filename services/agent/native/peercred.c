/*
 * peercred: the kernel facts about the process at the other end of a Unix-socket connection,
 * which Node has no API for. Node-API only (no V8, no node-addon-api), so one build works for
 * every Node version with N-API 8.
 *
 *   peerCredentials(fd) -> { pid, uid, gid }   getsockopt(SO_PEERCRED)
 *   peerPidfd(fd)       -> pidfd | -1          getsockopt(SO_PEERPIDFD), -1 when the kernel lacks it
 *   pidfdOpen(pid)      -> pidfd | -1          pidfd_open(2), -1 when the process is gone
 *   pidfdAlive(pidfd)   -> boolean             pidfd_send_signal(2) with signal 0
 *   closeFd(fd)         -> undefined           close(2)
 *
 * Failures throw an Error whose message names the call and the errno text, with properties
 * `errno` (the number) and `code` (its name, e.g. "ESRCH", when known).
 *
 * Build: node scripts/build-native.mjs (plain `cc`, no node-gyp).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef NODE_GYP_MODULE_NAME
#define NODE_GYP_MODULE_NAME peercred
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* The name of the errno values these calls can report; NULL for others. */
static const char *errno_name(int err) {
  switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EBADF: return "EBADF";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ENOSYS: return "ENOSYS";
    case ENOTSOCK: return "ENOTSOCK";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case ENOTCONN: return "ENOTCONN";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    default: return NULL;
  }
}

/* Throws `Error("<what>: <strerror>")` with `errno` and `code`. Returns NULL for the caller to return. */
static napi_value throw_errno(napi_env env, const char *what, int err) {
  char text[256];
  snprintf(text, sizeof text, "%s: %s", what, strerror(err));
  napi_value message, error, number;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message) != napi_ok) return NULL;
  const char *name = errno_name(err);
  napi_value code = NULL;
  if (name != NULL && napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code) != napi_ok) return NULL;
  if (napi_create_error(env, code, message, &error) != napi_ok) return NULL;
  if (napi_create_int32(env, err, &number) == napi_ok) napi_set_named_property(env, error, "errno", number);
  napi_throw(env, error);
  return NULL;
}

/* Reads the single int32 argument of a call; throws a TypeError and returns 0 when it is missing or not a number. */
static int int_argument(napi_env env, napi_callback_info info, const char *name, int32_t *out) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  napi_valuetype type = napi_undefined;
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_number) {
    char text[128];
    snprintf(text, sizeof text, "%s must be a number", name);
    napi_throw_type_error(env, NULL, text);
    return 0;
  }
  if (napi_get_value_int32(env, argv[0], out) != napi_ok) return 0;
  return 1;
}

static napi_value make_int(napi_env env, int32_t value) {
  napi_value result;
  if (napi_create_int32(env, value, &result) != napi_ok) return NULL;
  return result;
}

static napi_value make_uint(napi_env env, uint32_t value) {
  napi_value result;
  if (napi_create_uint32(env, value, &result) != napi_ok) return NULL;
  return result;
}

static napi_value peer_credentials(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!int_argument(env, info, "fd", &fd)) return NULL;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return throw_errno(env, "getsockopt(SO_PEERCRED)", errno);
  napi_value result;
  if (napi_create_object(env, &result) != napi_ok) return NULL;
  napi_value pid = make_int(env, cred.pid), uid = make_uint(env, cred.uid), gid = make_uint(env, cred.gid);
  if (pid == NULL || uid == NULL || gid == NULL) return NULL;
  if (napi_set_named_property(env, result, "pid", pid) != napi_ok) return NULL;
  if (napi_set_named_property(env, result, "uid", uid) != napi_ok) return NULL;
  if (napi_set_named_property(env, result, "gid", gid) != napi_ok) return NULL;
  return result;
}

static napi_value peer_pidfd(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!int_argument(env, info, "fd", &fd)) return NULL;
  int pidfd = -1;
  socklen_t len = sizeof pidfd;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) != 0) {
    int err = errno;
    /* Kernels before 6.5 do not know the option. */
    if (err == ENOPROTOOPT || err == EINVAL) return make_int(env, -1);
    return throw_errno(env, "getsockopt(SO_PEERPIDFD)", err);
  }
  return make_int(env, pidfd);
}

static napi_value pidfd_open_call(napi_env env, napi_callback_info info) {
  int32_t pid;
  if (!int_argument(env, info, "pid", &pid)) return NULL;
  long pidfd = syscall(SYS_pidfd_open, (pid_t)pid, 0);
  if (pidfd < 0) {
    int err = errno;
    if (err == ESRCH) return make_int(env, -1);
    return throw_errno(env, "pidfd_open", err);
  }
  return make_int(env, (int32_t)pidfd);
}

static napi_value pidfd_alive(napi_env env, napi_callback_info info) {
  int32_t pidfd;
  if (!int_argument(env, info, "pidfd", &pidfd)) return NULL;
  napi_value result;
  if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0) {
    if (napi_get_boolean(env, true, &result) != napi_ok) return NULL;
    return result;
  }
  int err = errno;
  /* EPERM: the process exists, we may just not signal it (another user's). */
  if (err == ESRCH || err == EPERM) {
    if (napi_get_boolean(env, err == EPERM, &result) != napi_ok) return NULL;
    return result;
  }
  return throw_errno(env, "pidfd_send_signal", err);
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!int_argument(env, info, "fd", &fd)) return NULL;
  /* After close(2) fails with EINTR the descriptor is closed anyway on Linux: never retry. */
  if (close(fd) != 0 && errno != EINTR) return throw_errno(env, "close", errno);
  return NULL;
}

static int export_function(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) != napi_ok) return 0;
  return napi_set_named_property(env, exports, name, fn) == napi_ok;
}

static napi_value init(napi_env env, napi_value exports) {
  if (!export_function(env, exports, "peerCredentials", peer_credentials)) return NULL;
  if (!export_function(env, exports, "peerPidfd", peer_pidfd)) return NULL;
  if (!export_function(env, exports, "pidfdOpen", pidfd_open_call)) return NULL;
  if (!export_function(env, exports, "pidfdAlive", pidfd_alive)) return NULL;
  if (!export_function(env, exports, "closeFd", close_fd)) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
