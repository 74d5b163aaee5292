// Native load client for bench/echo and bench/idle (so the client is never the bottleneck).
//
//   load_client echo <host> <port> <conns> <warmup_s> <measure_s>
//     Every connection keeps exactly one PDU in flight: 16-byte TeamTalk header + 64-byte body
//     (CID_OTHER_HEARTBEAT, seq = connection index), waits for the whole 80-byte echo, checks
//     its header, sends the next. Prints "START" when the measured window opens, then one JSON
//     line {"msgs","seconds","rate","errors"} when it closes, then lingers 300 ms before exiting.
//   load_client idle <host> <port> <conns>
//     Opens the connections, does one echo on each (so the server built its connection
//     objects), prints "READY <n>", and holds them until stdin closes.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr int kPdu = 80;

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct Conn {
  int fd = -1;
  int got = 0;
  uint8_t req[kPdu];
};

void BuildPdu(uint8_t* p, uint16_t seq) {
  std::memset(p, 0, kPdu);
  uint32_t len = htonl(kPdu);
  std::memcpy(p, &len, 4);
  p[5] = 1;                 // version
  p[9] = 7;                 // service id SID_OTHER
  p[10] = 0x07; p[11] = 1;  // CID_OTHER_HEARTBEAT
  p[12] = seq >> 8; p[13] = seq & 255;
  for (int i = 16; i < kPdu; i++) p[i] = static_cast<uint8_t>(i);
}

int ConnectOne(const sockaddr_in& sa) {
  for (int attempt = 0; attempt < 50; attempt++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { perror("socket"); exit(2); }
    if (connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      return fd;
    }
    close(fd);
    usleep(20000);
  }
  perror("connect");
  exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: load_client echo|idle host port conns [warmup_s measure_s]\n");
    return 2;
  }
  bool idle = std::strcmp(argv[1], "idle") == 0;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(atoi(argv[3])));
  inet_pton(AF_INET, argv[2], &sa.sin_addr);
  int n = atoi(argv[4]);
  double warmup = argc > 5 ? atof(argv[5]) : 1;
  double measure = argc > 6 ? atof(argv[6]) : 3;

  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(n);
  for (int i = 0; i < n; i++) {
    conns[i].fd = ConnectOne(sa);
    BuildPdu(conns[i].req, static_cast<uint16_t>(i));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
  }
  for (auto& c : conns) {
    if (send(c.fd, c.req, kPdu, MSG_NOSIGNAL) != kPdu) { perror("send"); return 2; }
  }

  std::vector<epoll_event> evs(4096);
  uint8_t buf[4096];
  long long msgs = 0, errors = 0, replied = 0;
  double t0 = Now(), tStart = 0;
  bool measuring = false;
  long long startMsgs = 0;
  for (;;) {
    int k = epoll_wait(ep, evs.data(), static_cast<int>(evs.size()), 100);
    for (int i = 0; i < k; i++) {
      Conn& c = conns[evs[i].data.u32];
      ssize_t r = recv(c.fd, buf, sizeof buf, 0);
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN) continue;
        fprintf(stderr, "connection %u closed by the server\n", evs[i].data.u32);
        return 3;
      }
      if (c.got == 0 && r >= 16 && (std::memcmp(buf, c.req, 14) != 0)) errors++;
      c.got += static_cast<int>(r);
      while (c.got >= kPdu) {
        c.got -= kPdu;
        msgs++;
        if (idle) {
          replied++;
        } else if (send(c.fd, c.req, kPdu, MSG_NOSIGNAL) != kPdu) {
          errors++;
        }
      }
    }
    if (idle) {
      if (replied >= n) break;
      continue;
    }
    double now = Now();
    if (!measuring && now - t0 >= warmup) {
      measuring = true;
      tStart = now;
      startMsgs = msgs;
      printf("START\n");
      fflush(stdout);
    }
    if (measuring && now - tStart >= measure) {
      double secs = now - tStart;
      printf("{\"msgs\":%lld,\"seconds\":%.3f,\"rate\":%.0f,\"errors\":%lld}\n", msgs - startMsgs, secs,
             (msgs - startMsgs) / secs, errors);
      fflush(stdout);
      usleep(300000);
      return 0;
    }
  }
  printf("READY %d\n", n);
  fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {
  }
  return 0;
}
