#include "Loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24  // Linux >= 4.2; older glibc headers lack the name
#endif

#include <algorithm>
#include <cstring>

namespace ttnet {

namespace {

// One recv asks for at most this much; a socket gets at most kMaxReadPerEvent per batch so a bulk
// sender cannot starve the others (level-triggered: what is left is reported again next batch).
constexpr size_t kMaxRead = 64 * 1024;
constexpr size_t kMaxReadPerEvent = 256 * 1024;
// Pause after running out of descriptors: level-triggered accept would otherwise spin at 100% CPU.
constexpr uint64_t kAcceptRetryMs = 250;
// A socket closed by JS with output still queued gets this long to flush and see the peer's FIN.
constexpr uint64_t kLingerMs = 2000;
constexpr uint64_t kTimerMs = 100;

inline double MakeId(uint32_t slot, uint32_t gen) {
  return static_cast<double>(gen) * kMaxSlots + slot;
}

inline bool SplitId(double id, uint32_t* slot, uint32_t* gen) {
  if (!(id >= 0) || id > 9007199254740991.0) return false;
  uint64_t v = static_cast<uint64_t>(id);
  *slot = static_cast<uint32_t>(v & (kMaxSlots - 1));
  *gen = static_cast<uint32_t>(v >> kSlotBits);
  return true;
}

inline uint64_t EpollKey(const Sock* s) {
  return static_cast<uint64_t>(s->slot) | (static_cast<uint64_t>(s->gen) << 32);
}

// recv/send without glibc's wrappers. In a multi-threaded process (Node always is) glibc's
// recv() and send() are cancellation points that switch asynchronous cancellation on and off
// around every call: ~2 % of the server's CPU in bench/echo, for a feature nothing here uses (no
// thread is ever pthread_cancel'ed). syscall() is not a cancellation point; errno is set as usual.
inline ssize_t RawRecv(int fd, void* buf, size_t len) {
  return static_cast<ssize_t>(syscall(SYS_recvfrom, fd, buf, len, 0, nullptr, nullptr));
}

inline ssize_t RawSend(int fd, const void* buf, size_t len, int flags) {
  return static_cast<ssize_t>(syscall(SYS_sendto, fd, buf, len, flags, nullptr, 0));
}

int SoError(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
  return err;
}

}  // namespace

Loop::Loop(napi_env env, const LoopOptions& opts) : env_(env) {
  readCap_ = std::max<size_t>(opts.readBufferBytes, 2 * kMaxRead);
  recCap_ = std::max<uint32_t>(opts.maxRecords, 64);
  socketsPerCall_ = std::clamp<int>(static_cast<int>(opts.socketsPerCall), 1, kMaxEvents);
}

Loop* Loop::Create(napi_env env, napi_value onBatch, const LoopOptions& opts, int* err) {
  Loop* l = new Loop(env, opts);
  if (!l->Init(onBatch, err)) {
    if (l->epfd_ >= 0) close(l->epfd_);
    // Handles are only initialised after everything that can fail, so nothing to uv_close here.
    delete l;
    return nullptr;
  }
  return l;
}

bool Loop::Init(napi_value onBatch, int* err) {
  *err = 0;
  if (napi_get_uv_event_loop(env_, &uv_) != napi_ok || uv_ == nullptr) { *err = EINVAL; return false; }
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) { *err = errno; return false; }

  // The two arrays shared with JS are created once and live as long as the environment.
  napi_value buf;
  void* data = nullptr;
  if (napi_create_buffer(env_, readCap_, &data, &buf) != napi_ok) { *err = ENOMEM; return false; }
  readBuf_ = static_cast<char*>(data);
  napi_value ab, ta;
  if (napi_create_arraybuffer(env_, size_t{recCap_} * kRecordWords * 4, &data, &ab) != napi_ok ||
      napi_create_typedarray(env_, napi_uint32_array, size_t{recCap_} * kRecordWords, ab, 0, &ta) != napi_ok) {
    *err = ENOMEM;
    return false;
  }
  records_ = static_cast<uint32_t*>(data);
  napi_value resource, name;
  if (napi_create_reference(env_, buf, 1, &readBufRef_) != napi_ok ||
      napi_create_reference(env_, ta, 1, &recordsRef_) != napi_ok ||
      napi_create_reference(env_, onBatch, 1, &onBatch_) != napi_ok ||
      napi_create_object(env_, &resource) != napi_ok ||
      napi_create_string_utf8(env_, "tt_net:batch", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env_, resource, name, &asyncCtx_) != napi_ok) {
    *err = ENOMEM;
    return false;
  }

  uv_poll_init(uv_, &poll_, epfd_);
  uv_check_init(uv_, &check_);
  uv_idle_init(uv_, &idle_);
  uv_timer_init(uv_, &timer_);
  poll_.data = check_.data = idle_.data = timer_.data = this;
  handlesOpen_ = 4;
  uv_poll_start(&poll_, UV_READABLE, OnPoll);
  // Only open sockets keep the process alive (like net servers); the helpers never do.
  uv_unref(reinterpret_cast<uv_handle_t*>(&idle_));
  uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
  UpdateRef();
  napi_add_async_cleanup_hook(env_, AsyncCleanup, this, &cleanupHandle_);
  return true;
}

napi_value Loop::ReadBuffer() const {
  napi_value v = nullptr;
  napi_get_reference_value(env_, readBufRef_, &v);
  return v;
}

napi_value Loop::RecordArray() const {
  napi_value v = nullptr;
  napi_get_reference_value(env_, recordsRef_, &v);
  return v;
}

// ---------------------------------------------------------------------------------------------
// libuv side

void Loop::OnPoll(uv_poll_t* h, int status, int /*events*/) {
  Loop* l = static_cast<Loop*>(h->data);
  if (status < 0) return;  // EBADF only during teardown
  try {
    l->RunBatch(true);
  } catch (...) {
    // Nothing may unwind into libuv's C frames. Allocation failure is the only source here.
    l->inBatch_ = l->inJs_ = false;
  }
}

void Loop::OnCheck(uv_check_t* h) {
  Loop* l = static_cast<Loop*>(h->data);
  l->kicked_ = false;
  uv_check_stop(&l->check_);
  uv_idle_stop(&l->idle_);
  try {
    l->RunBatch(false);
  } catch (...) {
    l->inBatch_ = l->inJs_ = false;
  }
}

void Loop::OnIdle(uv_idle_t*) {
  // Present only so libuv polls with a zero timeout while writes wait for the check phase.
}

void Loop::OnTimer(uv_timer_t* h) {
  Loop* l = static_cast<Loop*>(h->data);
  if (l->dead_) return;
  try {
    l->RunTimers(uv_now(l->uv_));
  } catch (...) {
    // Nothing may unwind into libuv's C frames. Allocation failure (FinishLinger's toFree_) is the
    // only source; RunTimers keeps the entries it did not finish, so the next tick retries them.
  }
  if (l->timed_.empty()) {
    uv_timer_stop(&l->timer_);
    l->timerOn_ = false;
  }
  l->UpdateRef();
}

void Loop::RunTimers(uint64_t now) {
  // Compacted in place, so the walk itself never allocates (FinishLinger/SetEvents never add to
  // timed_). The guard runs on the way out, normal or thrown: the kept entries [0, keep) and the
  // unvisited ones [i, end) stay listed, only the finished ones [keep, i) are dropped.
  size_t keep = 0;
  size_t i = 0;
  struct Compact {
    std::vector<uint32_t>& v;
    const size_t& keep;
    const size_t& i;
    ~Compact() { v.erase(v.begin() + static_cast<std::ptrdiff_t>(keep), v.begin() + static_cast<std::ptrdiff_t>(i)); }
  } compact{timed_, keep, i};
  for (; i < timed_.size(); i++) {
    uint32_t slot = timed_[i];
    Sock* s = socks_[slot].get();
    bool stays = false;
    if (s->state == SockState::kListening && s->acceptPaused) {
      if (now >= s->deadlineMs) {
        s->acceptPaused = false;
        SetEvents(s, EPOLLIN);
      } else {
        stays = true;
      }
    } else if (s->state == SockState::kLingering) {
      if (now >= s->deadlineMs) FinishLinger(s); else stays = true;
    }
    if (stays) timed_[keep++] = slot;
  }
}

void Loop::ArmTimer() {
  if (timerOn_ || dead_) return;
  timerOn_ = true;
  uv_timer_start(&timer_, OnTimer, kTimerMs, kTimerMs);
}

void Loop::Kick() {
  if (kicked_ || dead_) return;
  kicked_ = true;
  uv_check_start(&check_, OnCheck);
  uv_idle_start(&idle_, OnIdle);
}

void Loop::UpdateRef() {
  if (dead_) return;
  bool want = open_ > 0;
  if (want == pollRef_) return;
  pollRef_ = want;
  if (want) uv_ref(reinterpret_cast<uv_handle_t*>(&poll_));
  else uv_unref(reinterpret_cast<uv_handle_t*>(&poll_));
}

// Worker exit or process exit: close every descriptor and the libuv handles; Node keeps the
// environment (and the loop) alive until the last close callback removes the hook.
void Loop::AsyncCleanup(napi_async_cleanup_hook_handle, void* arg) {
  static_cast<Loop*>(arg)->Teardown();
}

void Loop::Teardown() {
  if (dead_) return;
  dead_ = true;
  for (auto& s : socks_) {
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
    s->out.Release();
  }
  uv_poll_stop(&poll_);
  if (epfd_ >= 0) close(epfd_);
  epfd_ = -1;
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), OnHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&check_), OnHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&idle_), OnHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), OnHandleClosed);
}

void Loop::OnHandleClosed(uv_handle_t* h) {
  Loop* l = static_cast<Loop*>(h->data);
  if (--l->handlesOpen_ > 0) return;
  // References and the async context belong to the environment being torn down: it frees them.
  if (l->cleanupHandle_) napi_remove_async_cleanup_hook(l->cleanupHandle_);
  delete l;
}

// ---------------------------------------------------------------------------------------------
// The batch: epoll_wait(0), read every ready socket into the shared buffer, one JS call, flush.

void Loop::RunBatch(bool pollEpoll) {
  if (dead_) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env_, &scope) != napi_ok) return;
  inBatch_ = true;
  TakeDeferred();
  if (pollEpoll) {
    int n = epoll_wait(epfd_, events_buf_, kMaxEvents, 0);
    if (n > 0) {
      events_ += n;
      for (int i = 0; i < n && !dead_; i++) {
        // JS gets the sockets of one epoll_wait in slices of socketsPerCall_ (32), each answered
        // (Dispatch, then FlushDirty's sends) before the next slice is read. Hazard, found in
        // bench/echo at 1,000 busy connections: reading every ready socket before the first reply
        // leaves means no send for milliseconds, so this CPU never runs NET_RX. The peers' CPUs
        // meanwhile free the skbs of our earlier replies, which the kernel defers back to the CPU
        // that allocated them (skb_attempt_defer_free) and, after 32 without a NET_RX here, kicks
        // over with an IPI: ~24 per 1,000 echoes with whole batches, 12 in slices of 128, 3-4 in
        // slices of 32-64, 2 for the C server; each is an interrupt plus a hypervisor exit in a VM.
        // Much smaller slices pay more in JS calls than they save (bench/README.md).
        if (i > 0 && i % socketsPerCall_ == 0) DispatchMidBatch();
        HandleEvent(events_buf_[i]);
      }
    }
  }
  // JS may answer with writes (flushed right after it returns) and closes; flushing may in turn
  // produce records (send errors, drains). A few rounds settle it; anything left goes to check.
  for (int round = 0; round < 8 && !dead_; round++) {
    TakeDeferred();
    if (recCount_ == 0 && dirty_.empty()) break;
    Dispatch();
    FlushDirty();
  }
  inBatch_ = false;
  FreeClosed();
  if (!deferred_.empty() || !dirty_.empty()) Kick();
  UpdateRef();
  napi_close_handle_scope(env_, scope);
}

void Loop::HandleEvent(const epoll_event& ev) {
  if (recCount_ + 4 > recCap_) DispatchMidBatch();
  uint32_t slot = static_cast<uint32_t>(ev.data.u64);
  uint32_t gen = static_cast<uint32_t>(ev.data.u64 >> 32);
  if (slot >= socks_.size()) return;
  Sock* s = socks_[slot].get();
  if (s->gen != gen) return;  // closed (and maybe reused) since epoll_wait returned
  uint32_t e = ev.events;
  switch (s->state) {
    case SockState::kListening:
      if (!s->acceptPaused) DoAccept(s);
      break;
    case SockState::kConnecting:
      FinishConnect(s);
      break;
    case SockState::kConnected:
      if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        if (!s->paused) {
          DoRead(s);
        } else if (e & (EPOLLERR | EPOLLHUP)) {
          int err = SoError(s->fd);
          CloseNative(s, err ? kCloseError : kClosePeer, err);
        }
      }
      if (s->state == SockState::kConnected && (e & EPOLLOUT)) TrySend(s);
      break;
    case SockState::kLingering:
      LingerEvent(s, e);
      break;
    default:
      break;
  }
}

void Loop::DoAccept(Sock* l) {
  for (;;) {
    if (recCount_ + 2 > recCap_) {
      DispatchMidBatch();
      if (l->state != SockState::kListening || l->acceptPaused) return;
    }
    sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int fd = accept4(l->fd, reinterpret_cast<sockaddr*>(&sa), &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      if (e == EINTR || e == ECONNABORTED) continue;
      if (e == EAGAIN || e == EWOULDBLOCK) return;
      // Linux reports pending network errors of the new socket through accept: skip that one.
      if (e == EPROTO || e == ENETDOWN || e == ENOPROTOOPT || e == EHOSTDOWN || e == ENONET ||
          e == EHOSTUNREACH || e == EOPNOTSUPP || e == ENETUNREACH) {
        continue;
      }
      // Out of descriptors or memory (or anything unexpected): the listener stays readable, so
      // level-triggered epoll would spin. Disarm it and retry later; pending clients wait in the
      // backlog instead of being dropped. Original bug (servers.md §1.3): the original stopped
      // accepting until another client happened to connect.
      if (!l->acceptPaused) {
        l->acceptPaused = true;
        l->deadlineMs = uv_now(uv_) + kAcceptRetryMs;
        SetEvents(l, 0);
        timed_.push_back(l->slot);
        ArmTimer();
        // Log only when the episode starts; the retries are silent until an accept succeeds.
        if (!l->exhausted) {
          bool noFds = e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM;
          Log(l, noFds ? kLogAcceptPaused : kLogAcceptFailed, e, static_cast<uint32_t>(kAcceptRetryMs));
        }
        l->exhausted = true;
      }
      return;
    }
    if (l->exhausted) {
      l->exhausted = false;
      Log(l, kLogAcceptResumed, 0, 0);
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Sock* s = AllocSock();
    if (s == nullptr) {
      close(fd);
      Log(l, kLogAcceptFailed, ENOMEM, 0);
      continue;
    }
    s->fd = fd;
    s->state = SockState::kConnected;
    s->maxQueue = l->maxQueue;
    s->listenerSlot = l->slot;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = EpollKey(s);
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
      int e = errno;
      close(fd);
      s->fd = -1;
      FreeSock(s);
      Log(l, kLogAcceptFailed, e, 0);
      continue;
    }
    s->armed = EPOLLIN;
    open_++;
    AddRecord(kRecAccept, s, l->slot, ntohl(sa.sin_addr.s_addr), ntohs(sa.sin_port));
  }
}

void Loop::DoRead(Sock* s) {
  size_t total = 0;
  for (;;) {
    if (recCount_ + 2 > recCap_ || readCap_ - readUsed_ < kMaxRead) {
      DispatchMidBatch();
      if (s->state != SockState::kConnected || s->paused) return;
    }
    size_t room = std::min(readCap_ - readUsed_, kMaxRead);
    ssize_t r = RawRecv(s->fd, readBuf_ + readUsed_, room);
    if (r > 0) {
      bytesIn_ += static_cast<double>(r);
      uint32_t* last = recCount_ ? records_ + (recCount_ - 1) * kRecordWords : nullptr;
      if (last && last[0] == kRecData && last[1] == s->slot && last[2] == s->gen &&
          last[3] + last[4] == readUsed_) {
        last[4] += static_cast<uint32_t>(r);  // contiguous with this socket's previous read
      } else {
        AddRecord(kRecData, s, static_cast<uint32_t>(readUsed_), static_cast<uint32_t>(r));
      }
      readUsed_ += static_cast<size_t>(r);
      total += static_cast<size_t>(r);
      if (static_cast<size_t>(r) < room || total >= kMaxReadPerEvent) return;
      continue;
    }
    if (r == 0) {
      CloseNative(s, kClosePeer, 0);
      return;
    }
    int e = errno;
    if (e == EINTR) continue;
    if (e == EAGAIN || e == EWOULDBLOCK) return;
    CloseNative(s, kCloseError, e);
    return;
  }
}

void Loop::FinishConnect(Sock* s) {
  int err = SoError(s->fd);
  if (err == 0) {
    s->state = SockState::kConnected;
    SetEvents(s, WantedEvents(s));
    AddRecord(kRecConnect, s, 0);
    if (!s->out.Empty() && !s->dirty) {
      // Written while connecting: leaves with the flush at the end of this batch (the original
      // left it until the peer's next event, servers.md §1.6).
      s->dirty = true;
      dirty_.push_back(s->slot);
    }
    return;
  }
  AddRecord(kRecConnect, s, static_cast<uint32_t>(err));
  CloseNative(s, kCloseConnectFailed, err);
}

void Loop::LingerEvent(Sock* s, uint32_t e) {
  if ((e & EPOLLOUT) && !s->out.Empty()) {
    if (!TrySend(s)) return;
  }
  if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    char scratch[16384];
    for (int i = 0; i < 8; i++) {
      ssize_t r = recv(s->fd, scratch, sizeof scratch, 0);
      if (r > 0) continue;  // discarded: nobody listens any more
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      // EOF or error. With nothing left to send we are done; otherwise keep flushing (the peer
      // may have only half-closed) until the deadline.
      if (s->out.Empty() || r < 0) {
        FinishLinger(s);
      } else {
        SetEvents(s, EPOLLOUT);
      }
      return;
    }
  }
}

void Loop::FinishLinger(Sock* s) {
  ReleaseFd(s);
  s->out.Release();
  s->state = SockState::kClosing;
  if (inBatch_) toFree_.push_back(s->slot); else FreeSock(s);
}

bool Loop::TrySend(Sock* s) {
  while (!s->out.Empty()) {
    ssize_t n = RawSend(s->fd, s->out.Data(), s->out.Size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sends_ += 1;
      bytesOut_ += static_cast<double>(n);
      s->out.Consume(static_cast<size_t>(n));
      if (!s->out.Empty()) break;  // a short send means the kernel buffer is full
      continue;
    }
    int e = n < 0 ? errno : EIO;
    if (e == EINTR) continue;
    if (e == EAGAIN || e == EWOULDBLOCK) break;
    if (s->state == SockState::kLingering) {
      FinishLinger(s);
    } else {
      CloseNative(s, kCloseError, e);
    }
    return false;
  }
  if (s->state == SockState::kLingering) {
    if (s->out.Empty() && !s->shutWr) {
      shutdown(s->fd, SHUT_WR);
      s->shutWr = true;
      SetEvents(s, EPOLLIN);
    }
    return true;
  }
  if (s->out.Empty()) {
    if (s->wantOut) {
      s->wantOut = false;
      SetEvents(s, WantedEvents(s));
    }
    if (s->needDrain) {
      s->needDrain = false;
      AddRecord(kRecDrain, s, 0);
    }
  } else if (!s->wantOut) {
    s->wantOut = true;
    s->needDrain = true;
    SetEvents(s, WantedEvents(s));
  }
  return true;
}

void Loop::FlushDirty() {
  // Index loop: TrySend never appends to dirty_, but keep it robust against it.
  for (size_t i = 0; i < dirty_.size(); i++) {
    Sock* s = socks_[dirty_[i]].get();
    if (!s->dirty) continue;
    s->dirty = false;
    if (s->state == SockState::kConnected && !s->wantOut) TrySend(s);
  }
  dirty_.clear();
}

void Loop::Dispatch() {
  if (recCount_ == 0 || dead_) return;
  napi_value cb, global, argv[1], result;
  napi_get_reference_value(env_, onBatch_, &cb);
  napi_get_global(env_, &global);
  napi_create_uint32(env_, recCount_, &argv[0]);
  batches_ += 1;
  inJs_ = true;
  // napi_make_callback: runs nextTick and microtasks after the callback, like any libuv callback
  // of Node itself, so promise continuations of this batch write before the flush below.
  napi_status st = napi_make_callback(env_, asyncCtx_, global, cb, 1, argv, &result);
  inJs_ = false;
  if (st == napi_pending_exception) {
    napi_value exc;
    if (napi_get_and_clear_last_exception(env_, &exc) == napi_ok) napi_fatal_exception(env_, exc);
  }
  // Slots whose CLOSE record JS has now seen can be reused once this iteration is over.
  for (uint32_t i = 0; i < recCount_; i++) {
    const uint32_t* r = records_ + i * kRecordWords;
    if (r[0] != kRecClose || r[1] >= socks_.size()) continue;
    Sock* s = socks_[r[1]].get();
    if (s->gen == r[2] && s->state == SockState::kClosing) toFree_.push_back(r[1]);
  }
  recCount_ = 0;
  readUsed_ = 0;
}

void Loop::DispatchMidBatch() {
  Dispatch();
  FlushDirty();
}

void Loop::TakeDeferred() {
  if (deferred_.empty()) return;
  size_t have = deferred_.size() / kRecordWords;
  size_t room = recCap_ - recCount_;
  size_t n = std::min(have, room);
  if (n == 0) return;
  std::memcpy(records_ + size_t{recCount_} * kRecordWords, deferred_.data(), n * kRecordWords * 4);
  recCount_ += static_cast<uint32_t>(n);
  deferred_.erase(deferred_.begin(), deferred_.begin() + static_cast<std::ptrdiff_t>(n * kRecordWords));
}

void Loop::FreeClosed() {
  for (uint32_t slot : toFree_) {
    Sock* s = socks_[slot].get();
    if (s->state == SockState::kClosing) FreeSock(s);
  }
  toFree_.clear();
}

void Loop::AddRecord(uint32_t type, const Sock* s, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  uint32_t w[kRecordWords] = {type, s ? s->slot : 0, s ? s->gen : 0, a, b, c, d, 0};
  if (inJs_ || !inBatch_ || recCount_ >= recCap_) {
    // JS is iterating the array (or no batch is running): deliver with the next batch.
    deferred_.insert(deferred_.end(), w, w + kRecordWords);
    if (!inBatch_) Kick();
    return;
  }
  std::memcpy(records_ + size_t{recCount_} * kRecordWords, w, sizeof w);
  recCount_++;
}

void Loop::Log(const Sock* s, uint32_t code, int err, uint32_t detail) {
  AddRecord(kRecLog, s, code, static_cast<uint32_t>(err), detail);
}

// ---------------------------------------------------------------------------------------------
// sockets

Sock* Loop::AllocSock() {
  if (!freeSlots_.empty()) {
    uint32_t slot = freeSlots_.back();
    freeSlots_.pop_back();
    return socks_[slot].get();
  }
  if (socks_.size() >= kMaxSlots) return nullptr;
  auto s = std::make_unique<Sock>();
  s->out.UseCache(&blockCache_);
  s->slot = static_cast<uint32_t>(socks_.size());
  s->gen = 1;  // ids are never 0: Conn.id 0 means "no socket"
  socks_.push_back(std::move(s));
  return socks_.back().get();
}

void Loop::FreeSock(Sock* s) {
  if (s->fd >= 0) ReleaseFd(s);
  s->out.Release();
  s->gen = s->gen + 1 == 0 ? 1 : s->gen + 1;
  s->state = SockState::kFree;
  s->paused = s->wantOut = s->needDrain = s->dirty = s->shutWr = s->acceptPaused = s->exhausted = false;
  s->armed = 0;
  s->maxQueue = 0;
  s->deadlineMs = 0;
  freeSlots_.push_back(s->slot);
}

void Loop::ReleaseFd(Sock* s) {
  if (s->fd < 0) return;
  // close() also drops the epoll registration (the descriptor is never dup'ed).
  close(s->fd);
  s->fd = -1;
  s->armed = 0;
}

uint32_t Loop::WantedEvents(const Sock* s) const {
  return (s->paused ? 0u : static_cast<uint32_t>(EPOLLIN)) | (s->wantOut ? static_cast<uint32_t>(EPOLLOUT) : 0u);
}

void Loop::SetEvents(Sock* s, uint32_t mask) {
  if (s->fd < 0 || mask == s->armed) return;
  epoll_event ev{};
  ev.events = mask;
  ev.data.u64 = EpollKey(s);
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, s->fd, &ev) == 0) s->armed = mask;
}

void Loop::CloseNative(Sock* s, uint32_t reason, int err) {
  AddRecord(kRecClose, s, reason, static_cast<uint32_t>(err));
  ReleaseFd(s);
  s->out.Release();
  if (s->state == SockState::kConnected || s->state == SockState::kConnecting) {
    if (open_) open_--;
  }
  s->state = SockState::kClosing;
}

Sock* Loop::Lookup(double id, bool allowLingering) {
  uint32_t slot, gen;
  if (!SplitId(id, &slot, &gen) || slot >= socks_.size()) return nullptr;
  Sock* s = socks_[slot].get();
  if (s->gen != gen) return nullptr;
  switch (s->state) {
    case SockState::kListening:
    case SockState::kConnecting:
    case SockState::kConnected:
      return s;
    case SockState::kLingering:
      return allowLingering ? s : nullptr;
    default:
      return nullptr;
  }
}

// ---------------------------------------------------------------------------------------------
// operations called from JS

double Loop::Listen(uint32_t ip, uint16_t port, int backlog, size_t maxQueue, int* boundPort) {
  if (dead_) return -EBADF;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(ip);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 || listen(fd, backlog) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  socklen_t sl = sizeof sa;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &sl);
  *boundPort = ntohs(sa.sin_port);
  Sock* s = AllocSock();
  if (s == nullptr) {
    close(fd);
    return -EMFILE;
  }
  s->fd = fd;
  s->state = SockState::kListening;
  s->maxQueue = maxQueue;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = EpollKey(s);
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
    int e = errno;
    close(fd);
    s->fd = -1;
    FreeSock(s);
    return -e;
  }
  s->armed = EPOLLIN;
  open_++;
  UpdateRef();
  return MakeId(s->slot, s->gen);
}

double Loop::Connect(uint32_t ip, uint16_t port, size_t maxQueue, int failErrno, uint32_t localIp) {
  if (dead_) return -EBADF;
  Sock* s = AllocSock();
  if (s == nullptr) return -EMFILE;
  s->maxQueue = maxQueue;
  int err = failErrno;
  int fd = -1;
  bool established = false;
  if (err == 0) {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) err = errno;
  }
  if (err == 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (localIp != 0) {
      // A chosen source address (the bench spreads 127.0.0.x past the ~28 000 ephemeral ports of
      // one address). IP_BIND_ADDRESS_NO_PORT defers the port choice to connect(), so the kernel
      // picks per 4-tuple instead of reserving a port per address at bind time.
      setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      sockaddr_in la{};
      la.sin_family = AF_INET;
      la.sin_port = 0;
      la.sin_addr.s_addr = htonl(localIp);
      if (bind(fd, reinterpret_cast<sockaddr*>(&la), sizeof la) < 0) err = errno;
    }
  }
  if (err == 0) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(ip);
    if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) {
      established = true;
    } else if (errno != EINPROGRESS) {
      err = errno;
    }
  }
  if (err == 0) {
    epoll_event ev{};
    ev.events = established ? EPOLLIN : EPOLLOUT;
    ev.data.u64 = EpollKey(s);
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) err = errno; else s->armed = ev.events;
  }
  if (err != 0) {
    // Rewrite (servers.md §1.10): a synchronous failure is reported like an asynchronous one,
    // in the next batch, so the caller's link slot always hears back.
    if (fd >= 0) close(fd);
    s->state = SockState::kClosing;
    AddRecord(kRecConnect, s, static_cast<uint32_t>(err));
    AddRecord(kRecClose, s, kCloseConnectFailed, static_cast<uint32_t>(err));
    if (!inBatch_) Kick();
    return MakeId(s->slot, s->gen);
  }
  s->fd = fd;
  s->state = established ? SockState::kConnected : SockState::kConnecting;
  open_++;
  if (established) AddRecord(kRecConnect, s, 0);  // never synchronously inside connect()
  if (!inBatch_) UpdateRef();
  return MakeId(s->slot, s->gen);
}

int Loop::Write(double id, const char* data, size_t len) {
  Sock* s = Lookup(id);
  if (s == nullptr || (s->state != SockState::kConnected && s->state != SockState::kConnecting)) return 0;
  size_t before = s->out.Size();
  bool ok = s->out.Append(data, len);
  if (ok && s->out.Size() > s->maxQueue && before > 0 && s->state == SockState::kConnected && !s->wantOut) {
    // Over the cap only because this batch's writes have not been offered to the kernel yet:
    // offer them now; only what the kernel refuses counts against a slow consumer.
    if (s->dirty) s->dirty = false;
    if (!TrySend(s)) return 0;  // send error: the CLOSE record follows
    before = s->out.Size() > len ? s->out.Size() - len : 0;
  }
  // Rewrite (servers.md §1.6): the queue is bounded. One write larger than the cap is allowed on
  // an empty queue so the largest legal PDU can always be sent.
  if (!ok || (s->out.Size() > s->maxQueue && before > 0)) {
    if (!ok) Log(s, kLogOutOfMemory, ENOMEM, 0);
    slowClosed_ += 1;
    ReleaseFd(s);
    s->out.Release();
    open_--;
    s->state = SockState::kClosing;
    if (inBatch_) toFree_.push_back(s->slot); else FreeSock(s);
    if (!inBatch_) UpdateRef();
    return -1;
  }
  if (!s->dirty && !s->wantOut && s->state == SockState::kConnected) {
    s->dirty = true;
    dirty_.push_back(s->slot);
    if (!inBatch_) Kick();
  }
  return 1;
}

double Loop::WriteMany(double* ids, size_t n, const char* data, size_t len) {
  double written = 0;
  for (size_t i = 0; i < n; i++) {
    int r = Write(ids[i], data, len);
    if (r == 1) {
      written += 1;
    } else if (r == -1) {
      ids[i] = -1;  // closed as a slow consumer: JS reports that close itself, like write()
    }
  }
  return written;
}

double Loop::WriteBatch(double* recs, size_t n, const char* data, size_t len) {
  double slow = 0;
  for (size_t i = 0; i < n; i++, recs += 3) {
    // Hazard: offsets come from JS; a triple outside the arena is skipped, never read past it.
    if (!(recs[1] >= 0) || !(recs[2] >= 0) || recs[1] + recs[2] > static_cast<double>(len)) continue;
    if (Write(recs[0], data + static_cast<size_t>(recs[1]), static_cast<size_t>(recs[2])) == -1) {
      recs[1] = -1;
      slow += 1;
    }
  }
  return slow;
}

void Loop::Close(double id) {
  Sock* s = Lookup(id);
  if (s == nullptr) return;
  switch (s->state) {
    case SockState::kListening:
    case SockState::kConnecting:
      ReleaseFd(s);
      s->out.Release();
      open_--;
      s->state = SockState::kClosing;
      if (inBatch_) toFree_.push_back(s->slot); else FreeSock(s);
      break;
    case SockState::kConnected: {
      open_--;
      // Closed by us: what is queued still leaves (a reply before a kick), then FIN, then we
      // wait briefly for the peer's FIN so unread input does not turn the close into a RST.
      s->state = SockState::kLingering;
      s->paused = false;
      s->needDrain = false;
      s->dirty = false;
      if (!TrySend(s)) break;  // send error: already released
      s->deadlineMs = uv_now(uv_) + kLingerMs;
      if (s->out.Empty()) {
        if (!s->shutWr) {
          shutdown(s->fd, SHUT_WR);
          s->shutWr = true;
        }
        SetEvents(s, EPOLLIN);
      } else {
        SetEvents(s, EPOLLIN | EPOLLOUT);
      }
      timed_.push_back(s->slot);
      ArmTimer();
      break;
    }
    default:
      break;
  }
  if (!inBatch_) UpdateRef();
}

void Loop::Pause(double id, bool pause) {
  Sock* s = Lookup(id);
  if (s == nullptr || (s->state != SockState::kConnected && s->state != SockState::kConnecting)) return;
  s->paused = pause;
  if (s->state == SockState::kConnected) SetEvents(s, WantedEvents(s));
}

double Loop::Queued(double id) {
  Sock* s = Lookup(id);
  return s ? static_cast<double>(s->out.Size()) : 0;
}

void Loop::Stats(double* out, int n) {
  double v[] = {batches_, events_, bytesIn_, bytesOut_, sends_, slowClosed_, static_cast<double>(open_),
                static_cast<double>(socks_.size()), static_cast<double>(freeSlots_.size())};
  for (int i = 0; i < n && i < static_cast<int>(sizeof v / sizeof v[0]); i++) out[i] = v[i];
}

}  // namespace ttnet
