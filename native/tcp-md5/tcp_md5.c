/*
 * TCP MD5 signatures (RFC 2385) for flatlab bgpd: the one socket option Node cannot set.
 *
 *   setKey(fd, peerAddress, key)  TCP_MD5SIG on a socket: on a listening socket the key is
 *                                 for connections from that peer; on an unconnected one, set
 *                                 before connect(), the SYN is already signed. An empty key
 *                                 removes it.
 *   socket(family)                a new non-blocking, close-on-exec TCP socket (4 or 6) that
 *                                 Node wraps with new net.Socket({ fd }) and connects itself.
 *
 * Errors are thrown as Error with `code` set to the errno name (EPERM, ENOPROTOOPT, ...).
 */
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static napi_value throw_errno(napi_env env, const char *what, int err) {
  const char *name = err == EPERM ? "EPERM" : err == ENOPROTOOPT ? "ENOPROTOOPT" : err == EINVAL ? "EINVAL" : err == EBADF ? "EBADF" : err == ENOTSOCK ? "ENOTSOCK" : err == ENOENT ? "ENOENT" : "EIO";
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, name, msg);
  return NULL;
}

static napi_value set_key(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 3) {
    napi_throw_type_error(env, NULL, "setKey(fd, peerAddress, key)");
    return NULL;
  }
  int32_t fd;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "fd must be a number");
    return NULL;
  }
  char addr[64];
  size_t addr_len;
  if (napi_get_value_string_utf8(env, argv[1], addr, sizeof addr, &addr_len) != napi_ok) {
    napi_throw_type_error(env, NULL, "peerAddress must be a string");
    return NULL;
  }
  char key[TCP_MD5SIG_MAXKEYLEN + 1];
  size_t key_len;
  if (napi_get_value_string_utf8(env, argv[2], key, sizeof key, &key_len) != napi_ok || key_len > TCP_MD5SIG_MAXKEYLEN) {
    napi_throw_type_error(env, NULL, "key must be a string of at most 80 bytes");
    return NULL;
  }
  struct tcp_md5sig sig;
  memset(&sig, 0, sizeof sig);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&sig.tcpm_addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&sig.tcpm_addr;
  if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
  } else {
    napi_throw_type_error(env, NULL, "peerAddress is not an IPv4 or IPv6 address");
    return NULL;
  }
  sig.tcpm_keylen = (unsigned short)key_len;
  memcpy(sig.tcpm_key, key, key_len);
  if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig) != 0) return throw_errno(env, "setsockopt(TCP_MD5SIG)", errno);
  return NULL;
}

static napi_value new_socket(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t family = 4;
  if (argc == 1) napi_get_value_int32(env, argv[0], &family);
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc == 1 && napi_get_value_int32(env, argv[0], &fd) == napi_ok) close(fd);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"setKey", NULL, set_key, NULL, NULL, NULL, napi_default, NULL},
    {"socket", NULL, new_socket, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
