/*
 * Batched UDP for the DNS engine: Node's dgram makes one JavaScript callback, one Buffer,
 * one address object and one send request per datagram, and (before Node 22.12) cannot set
 * SO_REUSEPORT. This addon owns one socket and moves datagrams in batches:
 *
 *   open(family, address, port, reusePort)   bind a non-blocking UDP socket (4 or 6; IPv6
 *                                            sockets are IPV6_V6ONLY) → [handle, boundPort]
 *   start(handle, inData, inMeta, outData, outMeta, slotSize, onBatch)
 *                                            poll the socket on Node's event loop; when it is
 *                                            readable, recvmmsg() into the slots of inData
 *                                            (slotSize bytes each) and call onBatch(count)
 *   send(handle, count)                      sendmmsg() the first count slots of outData
 *                                            → how many the kernel took (the rest: dropped,
 *                                            as a full socket buffer drops a datagram)
 *   close(handle)                            stop polling and close the socket
 *
 * A meta slot is 32 bytes: length (u32 little-endian), port (u16 little-endian), family
 * (4 or 6), flags (1: truncated on receipt), then the address (4 or 16 bytes). JavaScript
 * owns all four buffers; the addon keeps references to them while the socket is open.
 * Errors are thrown as Error with `code` set to the errno name (EADDRINUSE, EACCES, ...).
 */
#define _GNU_SOURCE /* recvmmsg, sendmmsg */
#include <node_api.h>
#include <uv.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define META 32
/* recvmmsg calls per readable event before returning to the loop (fairness to other I/O). */
#define MAX_ROUNDS 8

typedef struct {
  uv_poll_t poll;
  int fd;
  int started;
  int closed;
  napi_env env;
  napi_ref on_batch;
  napi_ref bufs[4];
  napi_async_context actx;
  uint8_t *in, *in_meta, *out, *out_meta;
  size_t slots, slot_size;
  struct mmsghdr *rmsgs, *smsgs;
  struct iovec *riov, *siov;
  struct sockaddr_storage *raddr, *saddr;
} batch_t;

static const char *errno_name(int err) {
  switch (err) {
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOMEM: return "ENOMEM";
    case ENOBUFS: return "ENOBUFS";
    default: return "EIO";
  }
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, errno_name(err), msg);
  return NULL;
}

static batch_t *handle_of(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "not a udp-batch handle");
    return NULL;
  }
  batch_t *b = p;
  if (b->closed) {
    napi_throw_error(env, "ERR_SOCKET_DGRAM_NOT_RUNNING", "the socket is closed");
    return NULL;
  }
  return b;
}

static napi_value open_socket(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t family = 0, port = 0;
  bool reuse = false;
  char addr[64];
  size_t addr_len = 0;
  if (argc != 4 || napi_get_value_int32(env, argv[0], &family) != napi_ok || napi_get_value_string_utf8(env, argv[1], addr, sizeof addr, &addr_len) != napi_ok ||
      napi_get_value_int32(env, argv[2], &port) != napi_ok || napi_get_value_bool(env, argv[3], &reuse) != napi_ok || (family != 4 && family != 6) || port < 0 || port > 65535) {
    napi_throw_type_error(env, NULL, "open(family 4|6, address, port, reusePort)");
    return NULL;
  }
  struct sockaddr_storage ss;
  socklen_t sl;
  memset(&ss, 0, sizeof ss);
  if (family == 4) {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1) return throw_errno(env, "open: not an IPv4 address", EINVAL);
    sl = sizeof *s4;
  } else {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1) return throw_errno(env, "open: not an IPv6 address", EINVAL);
    sl = sizeof *s6;
  }
  int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  int one = 1;
  if (family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "IPV6_V6ONLY", e);
  }
  if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "SO_REUSEPORT", e);
  }
  if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "bind", e);
  }
  struct sockaddr_storage bound;
  socklen_t bl = sizeof bound;
  if (getsockname(fd, (struct sockaddr *)&bound, &bl) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "getsockname", e);
  }
  int bound_port = ntohs(family == 4 ? ((struct sockaddr_in *)&bound)->sin_port : ((struct sockaddr_in6 *)&bound)->sin6_port);
  batch_t *b = calloc(1, sizeof *b);
  if (!b) {
    close(fd);
    return throw_errno(env, "open", ENOMEM);
  }
  b->fd = fd;
  b->env = env;
  napi_value handle, result, port_v;
  napi_create_external(env, b, NULL, NULL, &handle);
  napi_create_int32(env, bound_port, &port_v);
  napi_create_array_with_length(env, 2, &result);
  napi_set_element(env, result, 0, handle);
  napi_set_element(env, result, 1, port_v);
  return result;
}

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = v >> 24;
}

static void reset_recv(batch_t *b, size_t i) {
  b->riov[i].iov_base = b->in + i * b->slot_size;
  b->riov[i].iov_len = b->slot_size;
  memset(&b->rmsgs[i].msg_hdr, 0, sizeof b->rmsgs[i].msg_hdr);
  b->rmsgs[i].msg_hdr.msg_iov = &b->riov[i];
  b->rmsgs[i].msg_hdr.msg_iovlen = 1;
  b->rmsgs[i].msg_hdr.msg_name = &b->raddr[i];
  b->rmsgs[i].msg_hdr.msg_namelen = sizeof b->raddr[i];
  b->rmsgs[i].msg_len = 0;
}

static void call_js(batch_t *b, int count) {
  napi_env env = b->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, arg, result;
  napi_get_reference_value(env, b->on_batch, &fn);
  napi_get_global(env, &recv); /* napi_make_callback needs an object receiver */
  napi_create_int32(env, count, &arg);
  if (napi_make_callback(env, b->actx, recv, fn, 1, &arg, &result) == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  batch_t *b = poll->data;
  if (status < 0 || b->closed || !(events & UV_READABLE)) return;
  for (int round = 0; round < MAX_ROUNDS && !b->closed; round++) {
    int n = recvmmsg(b->fd, b->rmsgs, (unsigned)b->slots, MSG_DONTWAIT, NULL);
    if (n <= 0) break;
    for (int i = 0; i < n; i++) {
      uint8_t *m = b->in_meta + (size_t)i * META;
      struct msghdr *h = &b->rmsgs[i].msg_hdr;
      put_u32(m, b->rmsgs[i].msg_len);
      m[7] = (h->msg_flags & MSG_TRUNC) ? 1 : 0;
      if (b->raddr[i].ss_family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&b->raddr[i];
        uint16_t p = ntohs(s6->sin6_port);
        m[4] = p & 0xff;
        m[5] = p >> 8;
        m[6] = 6;
        memcpy(m + 8, &s6->sin6_addr, 16);
      } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&b->raddr[i];
        uint16_t p = ntohs(s4->sin_port);
        m[4] = p & 0xff;
        m[5] = p >> 8;
        m[6] = 4;
        memcpy(m + 8, &s4->sin_addr, 4);
      }
      reset_recv(b, (size_t)i);
    }
    call_js(b, n);
    if ((size_t)n < b->slots) break;
  }
}

static int buffer_arg(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  void *p = NULL;
  bool is_buf = false;
  if (napi_is_buffer(env, v, &is_buf) != napi_ok || !is_buf) return 0;
  if (napi_get_buffer_info(env, v, &p, len) != napi_ok) return 0;
  *data = p;
  return 1;
}

static napi_value start(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 7) {
    napi_throw_type_error(env, NULL, "start(handle, inData, inMeta, outData, outMeta, slotSize, onBatch)");
    return NULL;
  }
  batch_t *b = handle_of(env, argv[0]);
  if (!b) return NULL;
  if (b->started) {
    napi_throw_error(env, "ERR_SOCKET_ALREADY_BOUND", "start: already started");
    return NULL;
  }
  uint8_t *bufs[4];
  size_t lens[4];
  uint32_t slot_size = 0;
  napi_valuetype t;
  for (int i = 0; i < 4; i++)
    if (!buffer_arg(env, argv[1 + i], &bufs[i], &lens[i])) {
      napi_throw_type_error(env, NULL, "start: the four data and meta arguments must be Buffers");
      return NULL;
    }
  if (napi_get_value_uint32(env, argv[5], &slot_size) != napi_ok || slot_size == 0 || napi_typeof(env, argv[6], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "start: slotSize must be a positive number and onBatch a function");
    return NULL;
  }
  size_t slots = lens[0] / slot_size;
  if (slots == 0 || lens[2] / slot_size < slots || lens[1] / META < slots || lens[3] / META < slots) {
    napi_throw_range_error(env, NULL, "start: buffers too small for one slot each, or of different slot counts");
    return NULL;
  }
  b->slots = slots;
  b->slot_size = slot_size;
  b->in = bufs[0];
  b->in_meta = bufs[1];
  b->out = bufs[2];
  b->out_meta = bufs[3];
  b->rmsgs = calloc(slots, sizeof *b->rmsgs);
  b->smsgs = calloc(slots, sizeof *b->smsgs);
  b->riov = calloc(slots, sizeof *b->riov);
  b->siov = calloc(slots, sizeof *b->siov);
  b->raddr = calloc(slots, sizeof *b->raddr);
  b->saddr = calloc(slots, sizeof *b->saddr);
  if (!b->rmsgs || !b->smsgs || !b->riov || !b->siov || !b->raddr || !b->saddr) return throw_errno(env, "start", ENOMEM);
  for (size_t i = 0; i < slots; i++) reset_recv(b, i);
  for (int i = 0; i < 4; i++) napi_create_reference(env, argv[1 + i], 1, &b->bufs[i]);
  napi_create_reference(env, argv[6], 1, &b->on_batch);
  napi_value name;
  napi_create_string_utf8(env, "flatlab:udp-batch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &b->actx);
  uv_loop_t *loop = NULL;
  napi_get_uv_event_loop(env, &loop);
  int r = uv_poll_init(loop, &b->poll, b->fd);
  if (r == 0) {
    b->poll.data = b;
    r = uv_poll_start(&b->poll, UV_READABLE, on_readable);
  }
  if (r != 0) {
    napi_throw_error(env, "EIO", uv_strerror(r));
    return NULL;
  }
  b->started = 1;
  return NULL;
}

static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t count = 0;
  if (argc != 2 || napi_get_value_uint32(env, argv[1], &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "send(handle, count)");
    return NULL;
  }
  batch_t *b = handle_of(env, argv[0]);
  if (!b) return NULL;
  if (!b->started || count > b->slots) {
    napi_throw_range_error(env, NULL, "send: not started, or count exceeds the slots");
    return NULL;
  }
  size_t n = 0;
  for (size_t i = 0; i < count; i++) {
    const uint8_t *m = b->out_meta + i * META;
    uint32_t len = (uint32_t)m[0] | ((uint32_t)m[1] << 8) | ((uint32_t)m[2] << 16) | ((uint32_t)m[3] << 24);
    if (len == 0 || len > b->slot_size) continue; /* nothing to send for this slot */
    uint16_t port = (uint16_t)(m[4] | (m[5] << 8));
    struct sockaddr_storage *sa = &b->saddr[n];
    memset(sa, 0, sizeof *sa);
    socklen_t sl;
    if (m[6] == 6) {
      struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
      s6->sin6_family = AF_INET6;
      s6->sin6_port = htons(port);
      memcpy(&s6->sin6_addr, m + 8, 16);
      sl = sizeof *s6;
    } else {
      struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
      s4->sin_family = AF_INET;
      s4->sin_port = htons(port);
      memcpy(&s4->sin_addr, m + 8, 4);
      sl = sizeof *s4;
    }
    b->siov[n].iov_base = b->out + i * b->slot_size;
    b->siov[n].iov_len = len;
    memset(&b->smsgs[n], 0, sizeof b->smsgs[n]);
    b->smsgs[n].msg_hdr.msg_name = sa;
    b->smsgs[n].msg_hdr.msg_namelen = sl;
    b->smsgs[n].msg_hdr.msg_iov = &b->siov[n];
    b->smsgs[n].msg_hdr.msg_iovlen = 1;
    n++;
  }
  size_t sent = 0;
  int tries = 0;
  while (sent < n && tries < 4) {
    int r = sendmmsg(b->fd, b->smsgs + sent, (unsigned)(n - sent), MSG_DONTWAIT);
    if (r > 0) {
      sent += (size_t)r;
      continue;
    }
    tries++;
    if (r < 0 && errno == EINTR) continue;
    /* EAGAIN (socket buffer full) or an error for one destination: skip that datagram. */
    sent++;
  }
  napi_value result;
  napi_create_uint32(env, (uint32_t)(sent > n ? n : sent), &result);
  return result;
}

static void on_close(uv_handle_t *h) {
  batch_t *b = h->data;
  close(b->fd);
  free(b->rmsgs);
  free(b->smsgs);
  free(b->riov);
  free(b->siov);
  free(b->raddr);
  free(b->saddr);
  /* The external handle still points here: keep a closed husk rather than free it. */
  b->rmsgs = b->smsgs = NULL;
  b->riov = b->siov = NULL;
  b->raddr = b->saddr = NULL;
}

static napi_value close_socket(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 1) {
    napi_throw_type_error(env, NULL, "close(handle)");
    return NULL;
  }
  void *p = NULL;
  if (napi_get_value_external(env, argv[0], &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "not a udp-batch handle");
    return NULL;
  }
  batch_t *b = p;
  if (b->closed) return NULL;
  b->closed = 1;
  if (b->started) {
    uv_poll_stop(&b->poll);
    for (int i = 0; i < 4; i++) napi_delete_reference(env, b->bufs[i]);
    napi_delete_reference(env, b->on_batch);
    napi_async_destroy(env, b->actx);
    b->poll.data = b;
    uv_close((uv_handle_t *)&b->poll, on_close);
  } else {
    close(b->fd);
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"open", NULL, open_socket, NULL, NULL, NULL, napi_default, NULL},
    {"start", NULL, start, NULL, NULL, NULL, napi_default, NULL},
    {"send", NULL, send_batch, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, close_socket, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
