/*
 * enchufe bench load generator: single-threaded epoll, non-blocking sockets, big read buffers.
 * Built at bench time with `cc -O2` (bench/build.ts); driven by bench/run.ts; prints one JSON object.
 *
 * Every published message carries a fixed-width ASCII marker
 *   "#PPPP SSSSSSSSSSSS TTTTTTTTTTTTTTTT " (36 bytes: publisher id, sequence, CLOCK_MONOTONIC ns since start)
 * padded with '.' to the message size. Receivers scan their byte stream for markers, whatever the
 * protocol's framing around them (text prefixes, NATS MSG lines, RESP arrays, MQTT or enchufe frames):
 * the marker's exact shape never occurs in those framings, and a false '#' fails validation.
 *
 * Modes: fanout (S subscribers, P publishers, window or fixed-rate; with --group NAME the subscribers form one
 * queue group, enchufe GSUB or NATS queue subscription, so each message reaches one of them), request (round trips, K in flight),
 * greet (connect, read until the server closes), idle (N connections held open),
 * apub (acknowledged publishes, K in flight: enchufe APUB -> PUBACK in a version-2 session, or with --proto
 * jetstream a NATS HPUB with Nats-Msg-Id and a reply inbox per publish into a stream it creates first
 * (--storage file|memory), acked by JetStream; the window counts acks OK, "loss" the publishes not acked OK),
 * replay (a version-2 publisher keeps --count messages in the history, PINGs; then a version-2 subscriber's
 * RSUB from position 1 is the window, until REPLAYED: "delivered" counts the HMSGs).
 * --ws 1: subscribers and idle connections speak WebSocket (RFC 6455) on /ws, subprotocol enchufe.v1
 * (--proto framed: their HELLO and SUB in one masked binary message) or enchufe.text (--proto text);
 * publishers stay on TCP. Server frames are unmasked, so the marker scan reads them as they come.
 * Phases are announced on stderr ("PHASE measure", "PHASE drain", "READY") for the orchestrator.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MARK_LEN 36
#define READ_BUF (1 << 20)
#define OUT_HIGH (64 * 1024)
#define WS_UPGRADING 1
#define WS_OPEN 2

enum proto { P_TEXT, P_FRAMED, P_NATS, P_RESP, P_MQTT, P_JETSTREAM };
enum mode { M_FANOUT, M_REQUEST, M_GREET, M_IDLE, M_APUB, M_REPLAY };
/* R_APUB: acknowledged publisher (APUB, or JetStream publish); R_FILL: fills the history (replay);
   R_REPLAY: the RSUB subscriber (replay) */
enum role { R_SUB, R_PUB, R_REQ, R_GREET, R_IDLE, R_RESP, R_APUB, R_FILL, R_REPLAY };
enum phase { PH_CONNECT, PH_SYNC, PH_WARMUP, PH_MEASURE, PH_DRAIN, PH_DONE };

typedef struct conn {
  int fd;
  int role;
  int index;
  int connected;
  int settled; /* the server has answered (or, without --await-reply, the TCP handshake is done) */
  int closed;
  int want_out;
  int ws;       /* WebSocket: 0 not one, WS_UPGRADING until the 101 head ends, WS_OPEN after */
  int ws_match; /* bytes of "\r\n\r\n" matched at the end of what was read of the 101 head */
  char *out;
  size_t out_len, out_off, out_cap;
  size_t carry_len;
  char carry[MARK_LEN];
  uint64_t started_ns;
  uint64_t bytes_in;
  /* R_APUB, R_FILL, R_REPLAY parse what they read: the unparsed input, the preface echo, the server's answer
     (WELCOME; JetStream: the stream was created) */
  char *in;
  size_t in_len, in_cap;
  int preface_seen, ready;
} conn;

/* Options */
static int o_mode = M_FANOUT, o_proto = P_TEXT, o_port = 0, o_port2 = 0, o_subs = 1, o_pubs = 1, o_size = 64;
static double o_warmup = 1, o_duration = 3, o_drain = 10, o_rate = 0, o_hold = 30;
static int o_ws = 0, o_responder = 0, o_await_reply = 0, o_connect_burst = 200, o_window = 0, o_conns = 1000, o_inflight = 1;
static const char *o_host = "127.0.0.1", *o_topic = "bench", *o_group = NULL, *o_storage = "file";
static long o_count = 100000; /* replay: messages kept before the RSUB */

/* State */
static int ep;
static struct sockaddr_in addr, addr2; /* addr2: odd subscribers with --sub-port2 (two-node runs) */
static uint64_t t0;
static int phase = PH_CONNECT;
static uint64_t phase_at, run_start, measure_start, measure_end;
static conn *subs, *pubs, *others;
static int n_others;
static uint64_t *last_seq, *recv_count, *reorder_count, *gap_count; /* [sub * P + pub] */
static unsigned char *synced;
static long synced_pairs;
static uint64_t *sent, *sum_last; /* per publisher */
static uint64_t m_settled, m_opened, m_published, m_delivered, m_errors, m_closed, m_connected, m_last_marker_ns;
static uint64_t req_inflight[1];
static double rate_per_pub;
static struct rusage ru_start, ru_end;
static int first_errno;      /* the first failed connect's errno (0: none), for the error message */
static uint64_t m_ws_refused; /* WebSocket upgrades answered with something other than 101 */
static char *rbuf;
static const char *fail_reason;
/* request --responder 1: whether the responder's subscription is in place */
static int resp_preface_seen, responder_ready;
#define RESPONDER_SUBJECT "bench.echo"
#define NATS_INBOX "_INBOX.bench"
/* apub: send times of the publishes in flight, by sequence modulo ACK_RING (more than --inflight allows) */
#define ACK_RING (1 << 17)
#define JS_CREATE_REPLY NATS_INBOX ".create"
#define ID_DIGITS 12
#define TAG_DIGITS 6
/* An acknowledged publish's id: a tag of this run (TAG_DIGITS digits: two runs against one server are not
   each other's duplicates), then the sequence (ID_DIGITS digits) */
static uint64_t run_tag;
static uint64_t ack_sent_ns[ACK_RING], ack_seq[ACK_RING];
static uint64_t m_acked, m_ack_failed, m_ack_unknown; /* acknowledged OK (all phases); refused; not in flight */
/* replay: fill progress, and what the replay brought */
static long fill_sent;
static int fill_pinged, fill_done, replay_done, replay_recovered;
static uint64_t m_replayed, replay_count;

/* Latency histogram: 64 powers of two x 32 sub-buckets (about 3% resolution). */
#define SUB_BITS 5
static uint64_t hist[64 << SUB_BITS];
static uint64_t lat_count, lat_max, lat_sum;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
static uint64_t rel_ns(void) { return now_ns() - t0; }

static void hist_add(uint64_t v) {
  int exp = v == 0 ? 0 : 63 - __builtin_clzll(v);
  unsigned sub = exp <= SUB_BITS ? (unsigned)(v & ((1u << SUB_BITS) - 1))
                                 : (unsigned)((v >> (exp - SUB_BITS)) & ((1u << SUB_BITS) - 1));
  hist[(exp << SUB_BITS) | sub]++;
  lat_count++;
  lat_sum += v;
  if (v > lat_max) lat_max = v;
}
static uint64_t bucket_value(int i) {
  int exp = i >> SUB_BITS;
  uint64_t sub = (uint64_t)(i & ((1 << SUB_BITS) - 1));
  if (exp <= SUB_BITS) return sub | (exp > 0 ? (1ull << exp) : 0);
  return (1ull << exp) | (sub << (exp - SUB_BITS));
}
static uint64_t hist_pct(double q) {
  if (lat_count == 0) return 0;
  uint64_t want = (uint64_t)(q * (double)lat_count);
  if (want >= lat_count) want = lat_count - 1;
  uint64_t seen = 0;
  for (int i = 0; i < (64 << SUB_BITS); i++) {
    seen += hist[i];
    if (seen > want) return bucket_value(i);
  }
  return lat_max;
}

static void die(const char *msg) {
  fprintf(stderr, "loadgen: %s\n", msg);
  exit(2);
}

/* ---- output buffers ---- */
static void out_reserve(conn *c, size_t extra) {
  if (c->out_off > 0 && c->out_off == c->out_len) c->out_off = c->out_len = 0;
  if (c->out_len + extra <= c->out_cap) return;
  if (c->out_off > 0) {
    memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
    c->out_len -= c->out_off;
    c->out_off = 0;
    if (c->out_len + extra <= c->out_cap) return;
  }
  size_t cap = c->out_cap ? c->out_cap : 4096;
  while (cap < c->out_len + extra) cap *= 2;
  c->out = realloc(c->out, cap);
  if (!c->out) die("out of memory");
  c->out_cap = cap;
}
static void out_put(conn *c, const void *data, size_t n) {
  out_reserve(c, n);
  memcpy(c->out + c->out_len, data, n);
  c->out_len += n;
}
static size_t out_pending(const conn *c) { return c->out_len - c->out_off; }

static void set_events(conn *c, int want_out) {
  if (c->closed || c->want_out == want_out) return;
  struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
  c->want_out = want_out;
}

static void conn_close(conn *c) {
  if (c->closed) return;
  c->closed = 1;
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
}

static void flush_out(conn *c) {
  if (c->closed || !c->connected) return;
  while (out_pending(c) > 0) {
    ssize_t n = write(c->fd, c->out + c->out_off, out_pending(c));
    if (n > 0) {
      c->out_off += (size_t)n;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      set_events(c, 1);
      return;
    }
    if (n < 0 && errno == EINTR) continue;
    m_closed++;
    conn_close(c);
    return;
  }
  c->out_off = c->out_len = 0;
  set_events(c, 0);
}

/* ---- protocol encoders ---- */
static void put_u16(char *p, unsigned v) {
  p[0] = (char)(v >> 8);
  p[1] = (char)v;
}
static void put_u32(char *p, uint32_t v) {
  p[0] = (char)(v >> 24);
  p[1] = (char)(v >> 16);
  p[2] = (char)(v >> 8);
  p[3] = (char)v;
}
static size_t mqtt_len(char *p, size_t len) {
  size_t i = 0;
  do {
    unsigned char b = len % 128;
    len /= 128;
    if (len > 0) b |= 128;
    p[i++] = (char)b;
  } while (len > 0);
  return i;
}

static void put_hello(conn *c, char idch) {
  char buf[256];
  size_t n;
  switch (o_proto) {
    case P_FRAMED: {
      /* preface, then HELLO version 1 (2 for APUB and RSUB) with empty name, user, password, token */
      memcpy(buf, "\0ENC", 4);
      buf[4] = 0x01;
      buf[5] = 0;
      put_u32(buf + 6, 9);
      memset(buf + 10, 0, 9);
      buf[10] = o_mode == M_APUB || o_mode == M_REPLAY ? 2 : 1;
      out_put(c, buf, 19);
      break;
    }
    case P_NATS:
    case P_JETSTREAM: /* headers: the JetStream publisher's Nats-Msg-Id */
      n = (size_t)snprintf(buf, sizeof buf,
                           "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false,\"headers\":%s,\"name\":\"%c%d\"}\r\n",
                           o_proto == P_JETSTREAM ? "true" : "false", idch, c->index);
      out_put(c, buf, n);
      break;
    case P_MQTT: {
      char id[16];
      int idlen = snprintf(id, sizeof id, "%c%d", idch, c->index);
      size_t body = 10 + 2 + (size_t)idlen;
      size_t i = 0;
      buf[i++] = 0x10;
      i += mqtt_len(buf + i, body);
      put_u16(buf + i, 4);
      memcpy(buf + i + 2, "MQTT", 4);
      i += 6;
      buf[i++] = 4;    /* protocol level 3.1.1 */
      buf[i++] = 0x02; /* clean session */
      put_u16(buf + i, 0); /* keepalive off */
      i += 2;
      put_u16(buf + i, (unsigned)idlen);
      memcpy(buf + i + 2, id, (size_t)idlen);
      i += 2 + (size_t)idlen;
      out_put(c, buf, i);
      break;
    }
    default:
      break;
  }
}

static void put_subscribe(conn *c) {
  char buf[256];
  size_t tl = strlen(o_topic), n;
  size_t gl = o_group ? strlen(o_group) : 0;
  switch (o_proto) {
    case P_FRAMED:
      /* SUB: u32 sid, str pattern; GSUB (0x10) adds str group */
      buf[0] = o_group ? 0x10 : 0x05;
      buf[1] = 0;
      put_u32(buf + 2, (uint32_t)(4 + 2 + tl + (o_group ? 2 + gl : 0)));
      put_u32(buf + 6, 1);
      put_u16(buf + 10, (unsigned)tl);
      memcpy(buf + 12, o_topic, tl);
      if (o_group) {
        put_u16(buf + 12 + tl, (unsigned)gl);
        memcpy(buf + 14 + tl, o_group, gl);
      }
      out_put(c, buf, 12 + tl + (o_group ? 2 + gl : 0));
      break;
    case P_NATS:
      if (o_group)
        n = (size_t)snprintf(buf, sizeof buf, "SUB %s %s 1\r\n", o_topic, o_group);
      else
        n = (size_t)snprintf(buf, sizeof buf, "SUB %s 1\r\n", o_topic);
      out_put(c, buf, n);
      break;
    case P_RESP:
      n = (size_t)snprintf(buf, sizeof buf, "*2\r\n$9\r\nSUBSCRIBE\r\n$%zu\r\n%s\r\n", tl, o_topic);
      out_put(c, buf, n);
      break;
    case P_MQTT: {
      size_t i = 0;
      buf[i++] = (char)0x82;
      i += mqtt_len(buf + i, 2 + 2 + tl + 1);
      put_u16(buf + i, 1);
      put_u16(buf + i + 2, (unsigned)tl);
      memcpy(buf + i + 4, o_topic, tl);
      i += 4 + tl;
      buf[i++] = 0; /* QoS 0 */
      out_put(c, buf, i);
      break;
    }
    default:
      break;
  }
}

/* ---- WebSocket (--ws 1) ---- */
static int uses_ws(const conn *c) { return o_ws && (c->role == R_SUB || c->role == R_IDLE); }

static void put_upgrade(conn *c) {
  char buf[512];
  size_t n = (size_t)snprintf(buf, sizeof buf,
                              "GET /ws HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                              "Sec-WebSocket-Protocol: %s\r\n\r\n",
                              o_host, o_port, o_proto == P_FRAMED ? "enchufe.v1" : "enchufe.text");
  out_put(c, buf, n);
}

/* Wraps c->out[from..out_len) in one masked binary frame. The masking key is 0 (payload XOR 0 is the payload):
   legal, and the client side costs no XOR pass. Client messages here are the HELLO and SUB, under 126 bytes. */
static void ws_wrap(conn *c, size_t from) {
  size_t n = c->out_len - from;
  if (n == 0) return;
  if (n >= 126) die("a WebSocket client message over 125 bytes");
  out_reserve(c, 6);
  memmove(c->out + from + 6, c->out + from, n);
  c->out[from] = (char)0x82;
  c->out[from + 1] = (char)(0x80 | n);
  memset(c->out + from + 2, 0, 4);
  c->out_len += 6;
}

/* Reads the 101 head: returns the bytes of buf after it (0 while it lasts), or -1 when the server refused. */
static ssize_t ws_upgrade_input(conn *c, const char *buf, size_t n) {
  if (c->bytes_in == n && (n < 12 || memcmp(buf, "HTTP/1.1 101", 12) != 0)) {
    static int told;
    if (!told++) {
      /* the first refusal's first line, for the log: e.g. a greeting when the server took it for a text user */
      size_t line = 0;
      while (line < n && line < 80 && buf[line] != '\r' && buf[line] != '\n') line++;
      fprintf(stderr, "loadgen: WebSocket upgrade answered with: %.*s\n", (int)line, buf);
    }
    return -1;
  }
  static const char end[] = "\r\n\r\n";
  for (size_t i = 0; i < n; i++) {
    c->ws_match = buf[i] == end[c->ws_match] ? c->ws_match + 1 : buf[i] == '\r' ? 1 : 0;
    if (c->ws_match == 4) {
      c->ws = WS_OPEN;
      size_t from = c->out_len;
      put_hello(c, c->role == R_SUB ? 's' : 'i');
      /* enchufe.v1 starts past the preface: the HELLO frame goes without it */
      if (o_proto == P_FRAMED) {
        memmove(c->out + from, c->out + from + 4, c->out_len - from - 4);
        c->out_len -= 4;
      }
      if (c->role == R_SUB) put_subscribe(c);
      ws_wrap(c, from);
      flush_out(c);
      return (ssize_t)(n - i - 1);
    }
  }
  return 0;
}

static void put_digits(char *p, int n, uint64_t v) {
  for (int i = n - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

/* Writes the marker and padding into p (size bytes; text mode ends it with '\n'). */
static void fill_payload(char *p, int size, int pub, uint64_t seq, uint64_t ts) {
  p[0] = '#';
  put_digits(p + 1, 4, (uint64_t)pub);
  p[5] = ' ';
  put_digits(p + 6, 12, seq);
  p[18] = ' ';
  put_digits(p + 19, 16, ts);
  p[35] = ' ';
  memset(p + MARK_LEN, '.', (size_t)size - MARK_LEN);
  if (o_proto == P_TEXT) p[size - 1] = '\n';
}

/* An acknowledged publish of sequence seq: APUB with the id seq (ID_DIGITS digits), or a JetStream publish
   (HPUB with the header Nats-Msg-Id: seq, so that JetStream dedupes as enchufe does, and the reply subject
   NATS_INBOX.seq, where the ack comes back). Its send time goes in the ring, for the ack's latency. */
static void put_ack_publish(conn *c, uint64_t seq) {
  char head[256];
  size_t h, tl = strlen(o_topic), size = (size_t)o_size;
  uint64_t now = rel_ns();
  if (o_proto == P_FRAMED) {
    /* APUB: str id, str topic, headers 0, payload */
    head[0] = 0x12;
    head[1] = 0;
    put_u32(head + 2, (uint32_t)(2 + TAG_DIGITS + ID_DIGITS + 2 + tl + 2 + size));
    put_u16(head + 6, TAG_DIGITS + ID_DIGITS);
    put_digits(head + 8, TAG_DIGITS, run_tag);
    put_digits(head + 8 + TAG_DIGITS, ID_DIGITS, seq);
    h = 8 + TAG_DIGITS + ID_DIGITS;
    put_u16(head + h, (unsigned)tl);
    memcpy(head + h + 2, o_topic, tl);
    put_u16(head + h + 2 + tl, 0);
    h += 4 + tl;
  } else {
    char id[TAG_DIGITS + ID_DIGITS + 1];
    put_digits(id, TAG_DIGITS, run_tag);
    put_digits(id + TAG_DIGITS, ID_DIGITS, seq);
    id[TAG_DIGITS + ID_DIGITS] = 0;
    /* "NATS/1.0\r\n" "Nats-Msg-Id: " id "\r\n" "\r\n" */
    size_t headers = 10 + 13 + TAG_DIGITS + ID_DIGITS + 4;
    h = (size_t)snprintf(head, sizeof head, "HPUB %s " NATS_INBOX ".%llu %zu %zu\r\nNATS/1.0\r\nNats-Msg-Id: %s\r\n\r\n",
                         o_topic, (unsigned long long)seq, headers, headers + size, id);
  }
  out_reserve(c, h + size + 2);
  memcpy(c->out + c->out_len, head, h);
  fill_payload(c->out + c->out_len + h, (int)size, 0, seq, now);
  c->out_len += h + size;
  if (o_proto == P_JETSTREAM) {
    c->out[c->out_len++] = '\r';
    c->out[c->out_len++] = '\n';
  }
  ack_sent_ns[seq % ACK_RING] = now;
  ack_seq[seq % ACK_RING] = seq;
}

/* Appends one publish (or request) of the marker payload to c's output in c's protocol. */
static void put_message(conn *c, int pub, uint64_t seq) {
  char head[128];
  size_t h = 0, tl = strlen(o_topic), size = (size_t)o_size;
  int request = c->role == R_REQ;
  if (c->role == R_APUB) {
    put_ack_publish(c, seq);
    return;
  }
  switch (o_proto) {
    case P_FRAMED:
      if (request) {
        /* REQ: u32 reqId, str name ("echo": the server's handler; or the responder's subject), u32 timeout 0,
           headers 0, payload */
        const char *name = o_responder ? RESPONDER_SUBJECT : "echo";
        size_t nl = strlen(name);
        head[0] = 0x07;
        head[1] = 0;
        put_u32(head + 2, (uint32_t)(4 + 2 + nl + 4 + 2 + size));
        put_u32(head + 6, (uint32_t)seq);
        put_u16(head + 10, (unsigned)nl);
        memcpy(head + 12, name, nl);
        put_u32(head + 12 + nl, 0);
        put_u16(head + 16 + nl, 0);
        h = 18 + nl;
      } else {
        head[0] = 0x03;
        head[1] = 0;
        put_u32(head + 2, (uint32_t)(2 + tl + 2 + size));
        put_u16(head + 6, (unsigned)tl);
        memcpy(head + 8, o_topic, tl);
        put_u16(head + 8 + tl, 0);
        h = 10 + tl;
      }
      break;
    case P_NATS:
      if (request)
        h = (size_t)snprintf(head, sizeof head, "PUB %s %s %zu\r\n", RESPONDER_SUBJECT, NATS_INBOX, size);
      else
        h = (size_t)snprintf(head, sizeof head, "PUB %s %zu\r\n", o_topic, size);
      break;
    case P_RESP:
      if (request)
        h = (size_t)snprintf(head, sizeof head, "*2\r\n$4\r\nECHO\r\n$%zu\r\n", size);
      else
        h = (size_t)snprintf(head, sizeof head, "*3\r\n$7\r\nPUBLISH\r\n$%zu\r\n%s\r\n$%zu\r\n", tl, o_topic,
                             size);
      break;
    case P_MQTT:
      head[0] = 0x30;
      h = 1 + mqtt_len(head + 1, 2 + tl + size);
      put_u16(head + h, (unsigned)tl);
      memcpy(head + h + 2, o_topic, tl);
      h += 2 + tl;
      break;
    default:
      break;
  }
  int crlf = o_proto == P_NATS || o_proto == P_RESP;
  out_reserve(c, h + size + 2);
  memcpy(c->out + c->out_len, head, h);
  fill_payload(c->out + c->out_len + h, (int)size, pub, seq, rel_ns());
  c->out_len += h + size;
  if (crlf) {
    c->out[c->out_len++] = '\r';
    c->out[c->out_len++] = '\n';
  }
}

/* ---- receiving ---- */
static int parse_digits(const char *p, int n, uint64_t *out) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) {
    unsigned d = (unsigned)(p[i] - '0');
    if (d > 9) return 0;
    v = v * 10 + d;
  }
  *out = v;
  return 1;
}

static void on_marker(conn *c, uint64_t pub, uint64_t seq, uint64_t ts) {
  uint64_t now = rel_ns();
  m_last_marker_ns = now;
  if (c->role == R_REQ) {
    if (req_inflight[0] > 0) req_inflight[0]--;
    if (phase == PH_MEASURE) {
      m_delivered++;
      hist_add(now - ts);
    }
    return;
  }
  if (c->role != R_SUB || pub >= (uint64_t)o_pubs) return;
  size_t k = (size_t)c->index * (size_t)o_pubs + (size_t)pub;
  if (seq == 0) {
    if (!synced[k]) {
      synced[k] = 1;
      synced_pairs++;
    }
    return;
  }
  recv_count[k]++;
  uint64_t last = last_seq[k];
  if (seq <= last) {
    reorder_count[k]++;
  } else {
    if (seq > last + 1) gap_count[k]++;
    sum_last[pub] += seq - last;
    last_seq[k] = seq;
  }
  if (phase == PH_MEASURE) {
    m_delivered++;
    hist_add(now - ts);
  }
}

/* Scans buf[0..n) for markers; keeps an incomplete trailing marker in c->carry. */
static void scan(conn *c, char *buf, size_t n) {
  char *p = buf, *end = buf + n;
  c->carry_len = 0;
  while (p < end) {
    char *h = memchr(p, '#', (size_t)(end - p));
    if (!h) return;
    if (end - h < MARK_LEN) {
      c->carry_len = (size_t)(end - h);
      memcpy(c->carry, h, c->carry_len);
      return;
    }
    uint64_t pub, seq, ts;
    if (h[5] == ' ' && h[18] == ' ' && h[35] == ' ' && parse_digits(h + 1, 4, &pub) &&
        parse_digits(h + 6, 12, &seq) && parse_digits(h + 19, 16, &ts)) {
      on_marker(c, pub, seq, ts);
      p = h + MARK_LEN;
    } else {
      p = h + 1;
    }
  }
}

static unsigned get_u16(const char *p) { return ((unsigned)(unsigned char)p[0] << 8) | (unsigned char)p[1]; }
static uint32_t get_u32(const char *p) { return ((uint32_t)get_u16(p) << 16) | get_u16(p + 2); }

/* Framed responder: after the preface echo, answers every REQMSG with RESPOND (same payload), PING with PONG;
   its PONG means its SUB is in place. Returns the bytes consumed. */
static size_t responder_framed(conn *c, const char *b, size_t n) {
  size_t off = 0;
  if (!resp_preface_seen) {
    const char *hit = memmem(b, n, "\0ENC", 4);
    if (!hit) return n > 3 ? n - 3 : 0;
    resp_preface_seen = 1;
    off = (size_t)(hit - b) + 4;
  }
  while (n - off >= 6) {
    unsigned char type = (unsigned char)b[off];
    size_t len = get_u32(b + off + 2);
    if (n - off - 6 < len) break;
    const char *body = b + off + 6, *p = body, *end = body + len;
    if (type == 0x0D) {
      responder_ready = 1;
    } else if (type == 0x0C) {
      out_put(c, "\x0d\0\0\0\0\0", 6);
    } else if (type == 0x08 && len >= 10) {
      /* REQMSG: str token, str name, str from, headers, payload */
      size_t tl = get_u16(p);
      p += 2 + tl;
      p += 2 + get_u16(p);
      p += 2 + get_u16(p);
      unsigned headers = get_u16(p);
      p += 2;
      for (unsigned i = 0; i < headers && p < end; i++) {
        p += 2 + get_u16(p);
        p += 2 + get_u16(p);
      }
      if (p <= end) {
        size_t plen = (size_t)(end - p);
        char head[16];
        head[0] = 0x09;
        head[1] = 0;
        put_u32(head + 2, (uint32_t)(2 + tl + 1 + 2 + plen));
        out_put(c, head, 6);
        out_put(c, body, 2 + tl); /* the token, with its length */
        out_put(c, "\0\0\0", 3);  /* status OK, no headers */
        out_put(c, p, plen);
      }
    }
    off += 6 + len;
  }
  return off;
}

/* NATS responder: answers every MSG that has a reply subject by publishing the same payload to it. */
static size_t responder_nats(conn *c, const char *b, size_t n) {
  size_t off = 0;
  for (;;) {
    const char *eol = memmem(b + off, n - off, "\r\n", 2);
    if (!eol) break;
    size_t line_len = (size_t)(eol - (b + off));
    const char *line = b + off;
    if (line_len > 4 && memcmp(line, "MSG ", 4) == 0) {
      char tmp[512], *tok[6];
      int count = 0;
      if (line_len >= sizeof tmp) die("NATS MSG line too long");
      memcpy(tmp, line, line_len);
      tmp[line_len] = 0;
      for (char *save = NULL, *t = strtok_r(tmp, " ", &save); t && count < 6; t = strtok_r(NULL, " ", &save))
        tok[count++] = t;
      size_t size = count >= 4 ? (size_t)strtoul(tok[count - 1], NULL, 10) : 0;
      size_t need = line_len + 2 + size + 2;
      if (n - off < need) break;
      if (count == 5) {
        char head[300];
        int h = snprintf(head, sizeof head, "PUB %s %zu\r\n", tok[3], size);
        out_put(c, head, (size_t)h);
        out_put(c, eol + 2, size);
        out_put(c, "\r\n", 2);
      }
      off += need;
      continue;
    }
    if (line_len == 4 && memcmp(line, "PING", 4) == 0) out_put(c, "PONG\r\n", 6);
    if (line_len == 4 && memcmp(line, "PONG", 4) == 0) responder_ready = 1;
    off += line_len + 2;
  }
  return off;
}


/* ---- acknowledged publishes and replay (R_APUB, R_FILL, R_REPLAY) ---- */

/* The ack of publish seq arrived: ok, or refused (PUBACK status DUPLICATE or ERROR; a JetStream error). */
static void on_ack(uint64_t seq, int ok) {
  uint64_t now = rel_ns();
  m_last_marker_ns = now;
  if (ack_seq[seq % ACK_RING] != seq || seq == 0) {
    m_ack_unknown++;
    return;
  }
  ack_seq[seq % ACK_RING] = 0;
  if (req_inflight[0] > 0) req_inflight[0]--;
  if (!ok) {
    m_ack_failed++;
    return;
  }
  m_acked++;
  if (phase == PH_MEASURE) {
    m_delivered++;
    hist_add(now - ack_sent_ns[seq % ACK_RING]);
  }
}

static void server_refused(const char *what, const char *text, size_t len) {
  if (!fail_reason) fail_reason = what;
  fprintf(stderr, "loadgen: %s: %.*s\n", what, (int)(len > 200 ? 200 : len), text);
}

/* Version-2 frames after the preface echo: WELCOME, PUBACK, HMSG, REPLAYED, PING, PONG, ERR, CLOSE. */
static size_t framed_v2_input(conn *c, const char *b, size_t n) {
  size_t off = 0;
  if (!c->preface_seen) {
    const char *hit = memmem(b, n, "\0ENC", 4);
    if (!hit) return n > 3 ? n - 3 : 0;
    c->preface_seen = 1;
    off = (size_t)(hit - b) + 4;
  }
  while (n - off >= 6) {
    unsigned char type = (unsigned char)b[off], flags = (unsigned char)b[off + 1];
    size_t len = get_u32(b + off + 2);
    if (n - off - 6 < len) break;
    const char *body = b + off + 6;
    switch (type) {
      case 0x02: /* WELCOME */
        c->ready = 1;
        break;
      case 0x0C: /* PING */
        out_put(c, "\x0d\0\0\0\0\0", 6);
        break;
      case 0x0D: /* PONG: the filler's publishes are all in the history */
        if (c->role == R_FILL) fill_done = 1;
        break;
      case 0x13: { /* PUBACK: str id, u8 status, u53 position, u16 code, str message */
        uint64_t seq = 0;
        size_t idl = len >= 2 ? get_u16(body) : 0;
        if (idl != TAG_DIGITS + ID_DIGITS || len < 2 + idl + 1 || !parse_digits(body + 2 + TAG_DIGITS, ID_DIGITS, &seq)) {
          server_refused("a PUBACK with an id this load generator did not send", body, len);
          break;
        }
        on_ack(seq, body[2 + idl] == 0);
        break;
      }
      case 0x16: /* HMSG */
        if (c->role == R_REPLAY && phase == PH_MEASURE) {
          m_replayed++;
          m_delivered++;
        }
        break;
      case 0x17: /* REPLAYED: u32 sid, str epoch, u53 position, u32 count; flag RECOVERED */
        if (c->role == R_REPLAY && len >= 4) {
          replay_count = get_u32(body + len - 4);
          replay_recovered = flags & 1;
          replay_done = 1;
        }
        break;
      case 0x0E: /* ERR: u16 code, u32 ref, str message */
        server_refused("the server answered ERR", len > 8 ? body + 8 : "", len > 8 ? len - 8 : 0);
        break;
      case 0x0F: /* CLOSE: u8 reason, str message */
        server_refused("the server closed the session", len > 3 ? body + 3 : "", len > 3 ? len - 3 : 0);
        break;
      default:
        break;
    }
    off += 6 + len;
  }
  return off;
}

/* JetStream publisher: the stream-create answer, then one ack per publish on NATS_INBOX.seq. */
static size_t jetstream_input(conn *c, const char *b, size_t n) {
  static const char inbox[] = "MSG " NATS_INBOX ".";
  size_t off = 0;
  for (;;) {
    const char *eol = memmem(b + off, n - off, "\r\n", 2);
    if (!eol) break;
    const char *line = b + off;
    size_t line_len = (size_t)(eol - line);
    if (line_len > sizeof inbox - 1 && memcmp(line, inbox, sizeof inbox - 1) == 0) {
      /* MSG <subject> <sid> <size> */
      const char *last = line + line_len;
      while (last > line && last[-1] != ' ') last--;
      size_t size = (size_t)strtoul(last, NULL, 10);
      if (n - off < line_len + 2 + size + 2) break;
      const char *payload = eol + 2, *token = line + sizeof inbox - 1;
      int failed = memmem(payload, size, "\"error\"", 7) != NULL;
      if (line_len >= sizeof JS_CREATE_REPLY + 3 && memcmp(line + 4, JS_CREATE_REPLY " ", sizeof JS_CREATE_REPLY) == 0) {
        if (failed) server_refused("JetStream did not create the stream", payload, size);
        else c->ready = 1;
      } else {
        uint64_t seq = strtoull(token, NULL, 10);
        if (failed) fprintf(stderr, "loadgen: JetStream refused publish %llu: %.*s\n", (unsigned long long)seq, (int)(size > 200 ? 200 : size), payload);
        on_ack(seq, !failed);
      }
      off += line_len + 2 + size + 2;
      continue;
    }
    if (line_len == 4 && memcmp(line, "PING", 4) == 0) out_put(c, "PONG\r\n", 6);
    if (line_len >= 4 && memcmp(line, "-ERR", 4) == 0) server_refused("nats-server answered -ERR", line, line_len);
    off += line_len + 2;
  }
  return off;
}

/* Input of the connections that parse what they read (responder, acknowledged publisher, replay): kept until
   a whole frame or line is there, then handed to the role's parser. */
static void conn_input(conn *c, const char *data, size_t n) {
  if (c->in_len + n > c->in_cap) {
    c->in_cap = (c->in_len + n) * 2;
    c->in = realloc(c->in, c->in_cap);
    if (!c->in) die("out of memory");
  }
  memcpy(c->in + c->in_len, data, n);
  c->in_len += n;
  size_t used = c->role == R_RESP ? (o_proto == P_FRAMED ? responder_framed(c, c->in, c->in_len) : responder_nats(c, c->in, c->in_len))
                : o_proto == P_JETSTREAM ? jetstream_input(c, c->in, c->in_len)
                                         : framed_v2_input(c, c->in, c->in_len);
  memmove(c->in, c->in + used, c->in_len - used);
  c->in_len -= used;
  flush_out(c);
}

static void on_readable(conn *c) {
  for (;;) {
    memcpy(rbuf, c->carry, c->carry_len);
    size_t keep = c->carry_len;
    ssize_t n = read(c->fd, rbuf + keep, READ_BUF - keep);
    if (n > 0) {
      if (!c->settled) {
        c->settled = 1;
        m_settled++;
      }
      c->bytes_in += (uint64_t)n;
      if (c->ws == WS_UPGRADING) {
        ssize_t rest = ws_upgrade_input(c, rbuf, (size_t)n);
        if (rest < 0) {
          m_errors++;
          m_ws_refused++;
          conn_close(c);
          return;
        }
        /* the bytes after the head (if any) are read like any later ones */
        memmove(rbuf, rbuf + (size_t)n - (size_t)rest, (size_t)rest);
        keep = 0;
        n = rest;
        if (c->closed) return;
      }
      if (c->role == R_SUB || c->role == R_REQ) scan(c, rbuf, keep + (size_t)n);
      else if (c->role == R_RESP || c->role == R_APUB || c->role == R_FILL || c->role == R_REPLAY)
        conn_input(c, rbuf + keep, (size_t)n);
      if ((size_t)n < READ_BUF - keep) return;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    if (c->role == R_GREET) {
      uint64_t now = rel_ns();
      if (c->bytes_in > 0 && n == 0) {
        if (phase == PH_MEASURE) {
          m_delivered++;
          hist_add(now - c->started_ns);
        }
      } else {
        m_errors++;
      }
    } else {
      m_closed++;
    }
    conn_close(c);
    return;
  }
}

/* ---- connections ---- */
static int open_conn(conn *c) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->fd = fd;
  c->closed = 0;
  c->connected = 0;
  c->settled = 0;
  c->want_out = 1;
  c->bytes_in = 0;
  c->carry_len = 0;
  c->ws = 0;
  c->ws_match = 0;
  c->out_len = c->out_off = 0;
  c->in_len = 0;
  c->preface_seen = c->ready = 0;
  c->started_ns = rel_ns();
  struct sockaddr_in *to = o_port2 > 0 && c->role == R_SUB && c->index % 2 == 1 ? &addr2 : &addr;
  int r = connect(fd, (struct sockaddr *)to, sizeof *to);
  if (r < 0 && errno != EINPROGRESS) {
    if (!first_errno) first_errno = errno;
    close(fd);
    c->closed = 1;
    return -1;
  }
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  return 0;
}

/* The JetStream publisher's inbox subscription, and the stream over --topic (--storage file or memory, one
   replica, the server's other defaults) created by a request whose answer comes to JS_CREATE_REPLY. */
static void put_stream_create(conn *c) {
  char body[256], head[256];
  static const char sub[] = "SUB " NATS_INBOX ".> 1\r\n";
  out_put(c, sub, sizeof sub - 1);
  int bl = snprintf(body, sizeof body, "{\"name\":\"%s\",\"subjects\":[\"%s\"],\"storage\":\"%s\",\"num_replicas\":1}",
                    o_topic, o_topic, o_storage);
  int hl = snprintf(head, sizeof head, "PUB $JS.API.STREAM.CREATE.%s " JS_CREATE_REPLY " %d\r\n", o_topic, bl);
  out_put(c, head, (size_t)hl);
  out_put(c, body, (size_t)bl);
  out_put(c, "\r\n", 2);
}

static void on_connected(conn *c) {
  c->connected = 1;
  m_connected++;
  if (!o_await_reply) {
    c->settled = 1;
    m_settled++;
  }
  if (uses_ws(c)) {
    c->ws = WS_UPGRADING;
    put_upgrade(c);
  } else if (c->role == R_SUB) {
    put_hello(c, 's');
    put_subscribe(c);
  } else if (c->role == R_PUB || c->role == R_REQ) {
    put_hello(c, 'p');
    if (o_proto == P_RESP) out_put(c, "PING\r\n", 6); /* an answer, for --await-reply */
    if (c->role == R_REQ && o_responder && o_proto == P_NATS) {
      static const char inbox[] = "SUB " NATS_INBOX " 2\r\n";
      out_put(c, inbox, sizeof inbox - 1);
    }
  } else if (c->role == R_APUB) {
    put_hello(c, 'a');
    if (o_proto == P_JETSTREAM) put_stream_create(c);
  } else if (c->role == R_FILL || c->role == R_REPLAY) {
    put_hello(c, c->role == R_FILL ? 'f' : 'r');
  } else if (c->role == R_RESP) {
    put_hello(c, 'r');
    if (o_proto == P_FRAMED) {
      /* SUB with the RESPONDER flag, sid 1, then PING: its PONG means the subscription is in place */
      char buf[64];
      size_t sl = strlen(RESPONDER_SUBJECT);
      buf[0] = 0x05;
      buf[1] = 0x01;
      put_u32(buf + 2, (uint32_t)(4 + 2 + sl));
      put_u32(buf + 6, 1);
      put_u16(buf + 10, (unsigned)sl);
      memcpy(buf + 12, RESPONDER_SUBJECT, sl);
      out_put(c, buf, 12 + sl);
      out_put(c, "\x0c\0\0\0\0\0", 6);
    } else {
      static const char sub[] = "SUB " RESPONDER_SUBJECT " 1\r\nPING\r\n";
      out_put(c, sub, sizeof sub - 1);
    }
  } else if (c->role == R_IDLE && !uses_ws(c)) {
    put_hello(c, 'i');
    if (o_proto == P_NATS || o_proto == P_RESP) out_put(c, "PING\r\n", 6);
  }
  flush_out(c);
}

static void on_event(conn *c, uint32_t events) {
  if (c->closed) return;
  if (!c->connected) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0 || (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN))) {
      if (!first_errno) first_errno = err ? err : ECONNRESET;
      m_errors++;
      conn_close(c);
      return;
    }
    on_connected(c);
    if (c->closed) return;
  }
  if (events & EPOLLIN) on_readable(c);
  if (c->closed) return;
  if (events & EPOLLOUT) flush_out(c);
}

/* ---- publishing ---- */
static void pump_publisher(conn *c) {
  if (c->closed || !c->connected) return;
  int p = c->index;
  if (phase == PH_SYNC) {
    /* one sync message (seq 0) every 20 ms until every subscriber has seen one from every publisher */
    if (rel_ns() - c->started_ns >= 20000000ull) {
      c->started_ns = rel_ns();
      put_message(c, p, 0);
    }
  } else if (phase == PH_WARMUP || phase == PH_MEASURE) {
    uint64_t target;
    if (o_rate > 0) {
      target = (uint64_t)((double)(rel_ns() - run_start) / 1e9 * rate_per_pub) + 1;
    } else {
      target = UINT64_MAX;
    }
    uint64_t S = (uint64_t)o_subs, W = (uint64_t)o_window;
    while (out_pending(c) < OUT_HIGH && sent[p] < target && sent[p] * S - sum_last[p] < W * S) {
      sent[p]++;
      put_message(c, p, sent[p]);
      if (phase == PH_MEASURE) m_published++;
    }
  }
  flush_out(c);
}

static void pump_requester(conn *c) {
  if (c->closed || !c->connected) return;
  if (phase == PH_WARMUP || phase == PH_MEASURE) {
    while (req_inflight[0] < (uint64_t)o_inflight) {
      sent[0]++;
      req_inflight[0]++;
      put_message(c, 0, sent[0]);
      if (phase == PH_MEASURE) m_published++;
    }
  }
  flush_out(c);
}

/* replay: the filler publishes --count messages (plain PUB, each kept in the history), then PINGs; its PONG
   means every one is kept (written, with --data). */
static void pump_filler(conn *c) {
  if (c->closed || !c->connected || !c->ready) return;
  while (out_pending(c) < OUT_HIGH && fill_sent < o_count) {
    fill_sent++;
    put_message(c, 0, (uint64_t)fill_sent);
  }
  if (fill_sent == o_count && !fill_pinged) {
    out_put(c, "\x0c\0\0\0\0\0", 6);
    fill_pinged = 1;
  }
  flush_out(c);
}

/* RSUB sid 1 on --topic from POSITION 1 of the current epoch: everything kept. */
static void put_replay_subscribe(conn *c) {
  char buf[128];
  size_t tl = strlen(o_topic);
  buf[0] = 0x15;
  buf[1] = 0;
  put_u32(buf + 2, (uint32_t)(4 + 2 + tl + 1 + 8 + 2));
  put_u32(buf + 6, 1);
  put_u16(buf + 10, (unsigned)tl);
  memcpy(buf + 12, o_topic, tl);
  buf[12 + tl] = 2;
  put_u32(buf + 13 + tl, 0);
  put_u32(buf + 17 + tl, 1);
  put_u16(buf + 21 + tl, 0);
  out_put(c, buf, 23 + tl);
  flush_out(c);
}

static void set_phase(int ph) {
  phase = ph;
  phase_at = rel_ns();
  if (ph == PH_WARMUP) run_start = phase_at;
  if (ph == PH_MEASURE) {
    measure_start = phase_at;
    getrusage(RUSAGE_SELF, &ru_start);
    fprintf(stderr, "PHASE measure\n");
  } else if (ph == PH_DRAIN) {
    measure_end = phase_at;
    getrusage(RUSAGE_SELF, &ru_end);
    fprintf(stderr, "PHASE drain\n");
  }
  fflush(stderr);
}

static double tv_s(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

static void report(void) {
  double window = (double)(measure_end - measure_start) / 1e9;
  double cpu = tv_s(ru_end.ru_utime) + tv_s(ru_end.ru_stime) - tv_s(ru_start.ru_utime) - tv_s(ru_start.ru_stime);
  uint64_t loss = 0, reorder = 0, gaps = 0, subs_lossy = 0, subs_reordered = 0, total_sent = 0, total_received = 0;
  for (int p = 0; p < o_pubs && o_mode == M_FANOUT; p++) total_sent += sent[p];
  if (o_mode == M_FANOUT && o_group) {
    /* a queue group: each message reaches one subscriber, so loss is counted over the whole group */
    for (int p = 0; p < o_pubs; p++) {
      uint64_t got = 0;
      for (int s = 0; s < o_subs; s++) {
        size_t k = (size_t)s * (size_t)o_pubs + (size_t)p;
        got += recv_count[k];
        total_received += recv_count[k];
        reorder += reorder_count[k];
        if (reorder_count[k]) subs_reordered++;
      }
      if (got < sent[p]) loss += sent[p] - got;
    }
    subs_lossy = loss > 0;
  } else if (o_mode == M_FANOUT) {
    for (int s = 0; s < o_subs; s++) {
      uint64_t sl = 0, sr = 0;
      for (int p = 0; p < o_pubs; p++) {
        size_t k = (size_t)s * (size_t)o_pubs + (size_t)p;
        /* a reordered message counts as received; a duplicate would hide a lost one (none seen in practice) */
        total_received += recv_count[k];
        if (recv_count[k] < sent[p]) sl += sent[p] - recv_count[k];
        sr += reorder_count[k];
        gaps += gap_count[k];
      }
      loss += sl;
      reorder += sr;
      if (sl) subs_lossy++;
      if (sr) subs_reordered++;
    }
  }
  if (o_mode == M_APUB) {
    /* not acknowledged OK: refused, or never answered */
    total_sent = sent[0];
    total_received = m_acked;
    loss = total_sent - m_acked;
  } else if (o_mode == M_REPLAY) {
    m_published = total_sent = (uint64_t)fill_sent;
    total_received = m_replayed;
    loss = total_sent > m_replayed ? total_sent - m_replayed : 0;
  }
  const char *modes[] = {"fanout", "request", "greet", "idle", "apub", "replay"};
  const char *protos[] = {"text", "framed", "nats", "resp", "mqtt", "jetstream"};
  printf("{\"ok\":%s,", fail_reason ? "false" : "true");
  if (fail_reason) {
    /* what failed, in numbers: connects that failed (and the first one's error), upgrades refused, closes */
    printf("\"error\":\"%s (errors %llu%s%s, WebSocket upgrades refused %llu, closed by the server %llu)\",", fail_reason,
           (unsigned long long)m_errors, first_errno ? ", first: " : "", first_errno ? strerror(first_errno) : "",
           (unsigned long long)m_ws_refused, (unsigned long long)m_closed);
    printf("\"synced_pairs\":%ld,", synced_pairs);
  }
  if (o_group) printf("\"group\":\"%s\",", o_group);
  printf("\"mode\":\"%s\",\"proto\":\"%s\",\"subs\":%d,\"pubs\":%d,\"size\":%d,", modes[o_mode], protos[o_proto],
         o_subs, o_pubs, o_size);
  printf("\"window_s\":%.6f,\"published\":%llu,\"delivered\":%llu,", window, (unsigned long long)m_published,
         (unsigned long long)m_delivered);
  printf("\"publish_rate\":%.1f,\"delivered_rate\":%.1f,", window > 0 ? (double)m_published / window : 0,
         window > 0 ? (double)m_delivered / window : 0);
  printf("\"latency_us\":{\"count\":%llu,\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f,\"mean\":%.1f},",
         (unsigned long long)lat_count, (double)hist_pct(0.50) / 1e3, (double)hist_pct(0.99) / 1e3,
         (double)lat_max / 1e3, lat_count ? (double)lat_sum / (double)lat_count / 1e3 : 0);
  printf("\"sent_total\":%llu,\"received_total\":%llu,\"loss\":%llu,\"reorder\":%llu,\"gaps\":%llu,",
         (unsigned long long)total_sent, (unsigned long long)total_received, (unsigned long long)loss, (unsigned long long)reorder, (unsigned long long)gaps);
  printf("\"subs_with_loss\":%llu,\"subs_with_reorder\":%llu,", (unsigned long long)subs_lossy,
         (unsigned long long)subs_reordered);
  printf("\"connected\":%llu,\"closed_by_server\":%llu,\"errors\":%llu,", (unsigned long long)m_connected,
         (unsigned long long)m_closed, (unsigned long long)m_errors);
  if (o_mode == M_APUB)
    printf("\"acked\":%llu,\"ack_failed\":%llu,\"ack_unknown\":%llu,", (unsigned long long)m_acked,
           (unsigned long long)m_ack_failed, (unsigned long long)m_ack_unknown);
  if (o_mode == M_REPLAY)
    printf("\"replayed\":%llu,\"replay_count\":%llu,\"recovered\":%s,", (unsigned long long)m_replayed,
           (unsigned long long)replay_count, replay_recovered ? "true" : "false");
  printf("\"loadgen_cpu_s\":%.3f,\"loadgen_cpu_pct\":%.1f}\n", cpu, window > 0 ? 100.0 * cpu / window : 0);
  fflush(stdout);
}

/* ---- main loops ---- */
static int arg_is(const char *a, const char *name) { return strcmp(a, name) == 0; }

static void parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) die("option without a value");
    i++;
    if (arg_is(a, "--mode")) {
      o_mode = arg_is(v, "fanout") ? M_FANOUT : arg_is(v, "request") ? M_REQUEST : arg_is(v, "greet") ? M_GREET
               : arg_is(v, "idle") ? M_IDLE : arg_is(v, "apub") ? M_APUB : arg_is(v, "replay") ? M_REPLAY : -1;
      if (o_mode < 0) die("unknown --mode");
    } else if (arg_is(a, "--proto")) {
      o_proto = arg_is(v, "text") ? P_TEXT : arg_is(v, "framed") ? P_FRAMED : arg_is(v, "nats") ? P_NATS
                : arg_is(v, "resp") ? P_RESP : arg_is(v, "mqtt") ? P_MQTT : arg_is(v, "jetstream") ? P_JETSTREAM : -1;
      if (o_proto < 0) die("unknown --proto");
    } else if (arg_is(a, "--host")) o_host = v;
    else if (arg_is(a, "--port")) o_port = atoi(v);
    else if (arg_is(a, "--sub-port2")) o_port2 = atoi(v);
    else if (arg_is(a, "--subs")) o_subs = atoi(v);
    else if (arg_is(a, "--pubs")) o_pubs = atoi(v);
    else if (arg_is(a, "--size")) o_size = atoi(v);
    else if (arg_is(a, "--warmup")) o_warmup = atof(v);
    else if (arg_is(a, "--duration")) o_duration = atof(v);
    else if (arg_is(a, "--drain")) o_drain = atof(v);
    else if (arg_is(a, "--rate")) o_rate = atof(v);
    else if (arg_is(a, "--window")) o_window = atoi(v);
    else if (arg_is(a, "--conns")) o_conns = atoi(v);
    else if (arg_is(a, "--inflight")) o_inflight = atoi(v);
    else if (arg_is(a, "--hold")) o_hold = atof(v);
    else if (arg_is(a, "--responder")) o_responder = atoi(v) != 0;
    else if (arg_is(a, "--ws")) o_ws = atoi(v) != 0;
    else if (arg_is(a, "--await-reply")) o_await_reply = atoi(v) != 0;
    else if (arg_is(a, "--connect-burst")) o_connect_burst = atoi(v) > 0 ? atoi(v) : 1;
    else if (arg_is(a, "--topic")) o_topic = v;
    else if (arg_is(a, "--group")) o_group = v;
    else if (arg_is(a, "--storage")) o_storage = v;
    else if (arg_is(a, "--count")) o_count = atol(v);
    else die("unknown option");
  }
  if (o_port <= 0 || o_port > 65535) die("--port is required");
  if (o_size < MARK_LEN + 2 || o_size > 1 << 20) die("--size must be 37..1048576");
  if (o_subs < 1 || o_subs > 100000 || o_pubs < 1 || o_pubs > 1000) die("--subs/--pubs out of range");
  if (o_conns < 1 || o_conns > 100000 || o_inflight < 1 || o_inflight > 100000) die("--conns/--inflight out of range");
  if (strlen(o_topic) > 64) die("--topic too long");
  if (o_count < 1 || o_count > 100000000) die("--count must be 1..100000000");
  if (strcmp(o_storage, "file") != 0 && strcmp(o_storage, "memory") != 0) die("--storage must be file or memory");
  if (o_window <= 0) {
    /* default window: about 65536 deliveries (and at most 32 MiB) in flight, 16..1000 per publisher */
    long w = 65536L / ((long)o_subs * o_pubs), wb = (32L << 20) / ((long)o_size * o_subs * o_pubs);
    if (wb < w) w = wb;
    o_window = (int)(w < 16 ? 16 : w > 1000 ? 1000 : w);
  }
}

static void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/* Opens conns[from..to) keeping at most --connect-burst connections unsettled (not yet answered); returns the next index to open. */
static int connect_some(conn *list, int next, int count) {
  while (next < count && m_opened - m_settled - m_errors < (uint64_t)o_connect_burst) {
    if (open_conn(&list[next]) < 0) m_errors++;
    m_opened++;
    next++;
  }
  return next;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  parse_args(argc, argv);
  raise_fd_limit();
  t0 = now_ns();
  run_tag = ((uint64_t)getpid() * 7919u + t0) % 1000000u;
  rbuf = malloc(READ_BUF);
  ep = epoll_create1(EPOLL_CLOEXEC);
  if (!rbuf || ep < 0) die("setup failed");
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)o_port);
  if (inet_pton(AF_INET, o_host, &addr.sin_addr) != 1) die("--host must be an IPv4 address");
  addr2 = addr;
  addr2.sin_port = htons((uint16_t)o_port2);

  if (o_group && (o_mode != M_FANOUT || (o_proto != P_FRAMED && o_proto != P_NATS)))
    die("--group needs --mode fanout and --proto framed or nats");
  if (o_responder && (o_mode != M_REQUEST || (o_proto != P_FRAMED && o_proto != P_NATS)))
    die("--responder needs --mode request and --proto framed or nats");
  if (o_ws && ((o_mode != M_FANOUT && o_mode != M_IDLE) || (o_proto != P_FRAMED && o_proto != P_TEXT) || o_group))
    die("--ws needs --mode fanout or idle, --proto framed or text, and no --group");
  if (o_mode == M_APUB && o_proto != P_FRAMED && o_proto != P_JETSTREAM) die("--mode apub needs --proto framed or jetstream");
  if (o_proto == P_JETSTREAM && o_mode != M_APUB) die("--proto jetstream needs --mode apub");
  if (o_mode == M_REPLAY && o_proto != P_FRAMED) die("--mode replay needs --proto framed");
  if (o_proto == P_JETSTREAM && strpbrk(o_topic, ".*> ")) die("--proto jetstream: --topic names the stream too (no . * >)");
  int S = o_mode == M_FANOUT ? o_subs : o_responder || o_mode == M_REPLAY ? 1 : 0;
  int P = o_mode == M_FANOUT ? o_pubs : o_mode == M_REQUEST || o_mode == M_APUB || o_mode == M_REPLAY ? 1 : 0;
  int N = o_mode == M_GREET || o_mode == M_IDLE ? o_conns : 0;
  subs = calloc((size_t)S + 1, sizeof(conn));
  pubs = calloc((size_t)P + 1, sizeof(conn));
  others = calloc((size_t)N + 1, sizeof(conn));
  size_t pairs = (size_t)(S ? S : 1) * (size_t)(P ? P : 1);
  last_seq = calloc(pairs, 8);
  recv_count = calloc(pairs, 8);
  reorder_count = calloc(pairs, 8);
  gap_count = calloc(pairs, 8);
  synced = calloc(pairs, 1);
  sent = calloc((size_t)(P ? P : 1), 8);
  sum_last = calloc((size_t)(P ? P : 1), 8);
  if (!subs || !pubs || !others || !last_seq || !recv_count || !reorder_count || !gap_count || !synced || !sent ||
      !sum_last)
    die("out of memory");
  int sub_role = o_mode == M_REQUEST ? R_RESP : o_mode == M_REPLAY ? R_REPLAY : R_SUB;
  int pub_role = o_mode == M_REQUEST ? R_REQ : o_mode == M_APUB ? R_APUB : o_mode == M_REPLAY ? R_FILL : R_PUB;
  for (int i = 0; i < S; i++) subs[i] = (conn){.role = sub_role, .index = i, .closed = 1};
  for (int i = 0; i < P; i++) pubs[i] = (conn){.role = pub_role, .index = i, .closed = 1};
  for (int i = 0; i < N; i++) others[i] = (conn){.role = o_mode == M_GREET ? R_GREET : R_IDLE, .index = i, .closed = 1};
  n_others = N;
  rate_per_pub = o_rate / (P ? P : 1);

  struct epoll_event events[512];
  int next_sub = 0, next_pub = 0, next_other = 0, ready_announced = 0;
  uint64_t deadline_connect = rel_ns() + 30000000000ull;
  phase_at = rel_ns();
  if (o_mode == M_GREET) set_phase(PH_WARMUP);

  while (phase != PH_DONE) {
    int timeout = (o_rate > 0 || phase == PH_SYNC || phase == PH_CONNECT) ? 1 : 20;
    int n = epoll_wait(ep, events, 512, timeout);
    if (n < 0 && errno != EINTR) die("epoll_wait failed");
    for (int i = 0; i < n; i++) on_event(events[i].data.ptr, events[i].events);
    uint64_t now = rel_ns();
    double in_phase = (double)(now - phase_at) / 1e9;

    if (o_mode == M_GREET) {
      /* keep o_conns attempts in flight; each closed slot is reused */
      if (phase == PH_WARMUP || phase == PH_MEASURE) {
        for (int i = 0; i < N; i++) {
          if (others[i].closed) {
            if (open_conn(&others[i]) < 0) m_errors++;
            else others[i].role = R_GREET;
          }
        }
      }
      if (phase == PH_WARMUP && in_phase >= o_warmup) set_phase(PH_MEASURE);
      else if (phase == PH_MEASURE && in_phase >= o_duration) set_phase(PH_DRAIN);
      else if (phase == PH_DRAIN) phase = PH_DONE;
      continue;
    }
    if (phase == PH_CONNECT) {
      if (next_sub < S) next_sub = connect_some(subs, next_sub, S);
      else if (next_pub < P) next_pub = connect_some(pubs, next_pub, P);
      else if (next_other < N) next_other = connect_some(others, next_other, N);
      if (m_settled + m_errors >= (uint64_t)(S + P + N)) {
        if (m_errors > 0 || m_closed > 0) {
          fail_reason = "connections failed";
          break;
        }
        if (o_mode == M_IDLE) {
          if (!ready_announced) {
            fprintf(stderr, "READY\n");
            fflush(stderr);
            ready_announced = 1;
            phase_at = now;
            continue;
          }
        } else if (o_responder && !responder_ready) {
          /* wait for the responder's subscription (its PONG) */
          if (now > deadline_connect) {
            fail_reason = "timeout while waiting for the responder's subscription";
            break;
          }
        } else if ((o_mode == M_APUB || o_mode == M_REPLAY) && !pubs[0].ready) {
          /* wait for WELCOME (the server speaks version 2), or for JetStream's new stream */
          if (fail_reason) break;
          if (now > deadline_connect) {
            fail_reason = o_proto == P_JETSTREAM ? "timeout while creating the stream" : "timeout while waiting for WELCOME";
            break;
          }
        } else {
          set_phase(o_mode == M_FANOUT || o_mode == M_REPLAY ? PH_SYNC : PH_WARMUP);
          for (int i = 0; i < P; i++) pubs[i].started_ns = 0;
        }
      } else if (now > deadline_connect) {
        fail_reason = "timeout while connecting";
        break;
      }
      if (o_mode == M_IDLE && ready_announced) {
        /* hold until stdin closes or --hold seconds pass */
        char b;
        fcntl(0, F_SETFL, O_NONBLOCK);
        ssize_t r = read(0, &b, 1);
        if (r == 0 || in_phase >= o_hold) break;
      }
      continue;
    }
    if (m_closed > 0 && !fail_reason) fail_reason = "a connection was closed by the server";
    if (fail_reason && (o_mode == M_APUB || o_mode == M_REPLAY)) break;
    if (o_mode == M_REPLAY) {
      /* fill (the sync phase), then the window is the replay: from RSUB until REPLAYED */
      if (phase == PH_SYNC && fill_done) {
        set_phase(PH_MEASURE);
        put_replay_subscribe(&subs[0]);
      } else if (phase == PH_MEASURE && replay_done) {
        set_phase(PH_DRAIN);
        phase = PH_DONE;
      } else if (in_phase > 600) {
        fail_reason = phase == PH_SYNC ? "timeout while filling the history" : "timeout while waiting for REPLAYED";
        break;
      }
      if (phase == PH_SYNC) pump_filler(&pubs[0]);
      continue;
    }
    if (phase == PH_SYNC) {
      if (synced_pairs >= (long)S * P) set_phase(PH_WARMUP);
      else if (in_phase > 20) {
        fail_reason = "timeout while waiting for subscriptions (sync)";
        break;
      }
    } else if (phase == PH_WARMUP && in_phase >= o_warmup) {
      set_phase(PH_MEASURE);
    } else if (phase == PH_MEASURE && in_phase >= o_duration) {
      set_phase(PH_DRAIN);
    } else if (phase == PH_DRAIN) {
      int complete = 1;
      for (int p = 0; p < P && o_mode == M_FANOUT; p++) {
        if (o_group) { /* a queue group: complete when the group as a whole has every message */
          uint64_t got = 0;
          for (int sub = 0; sub < S; sub++) got += recv_count[(size_t)sub * (size_t)P + (size_t)p];
          if (got < sent[p]) complete = 0;
        } else if (sum_last[p] < sent[p] * (uint64_t)S) {
          complete = 0;
        }
      }
      if (o_mode == M_REQUEST || o_mode == M_APUB) complete = req_inflight[0] == 0;
      double quiet = (double)(now - (m_last_marker_ns > phase_at ? m_last_marker_ns : phase_at)) / 1e9;
      if (complete || in_phase >= o_drain || quiet >= 1.0) phase = PH_DONE;
    }
    for (int i = 0; i < P; i++) {
      if (o_mode == M_REQUEST || o_mode == M_APUB) pump_requester(&pubs[i]);
      else pump_publisher(&pubs[i]);
    }
  }
  if (phase < PH_DRAIN && o_mode != M_IDLE) {
    set_phase(PH_DRAIN);
    if (!fail_reason) fail_reason = "stopped early";
  }
  report();
  return 0;
}
