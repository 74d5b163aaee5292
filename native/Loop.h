// One epoll instance per Node environment (main thread or worker), driven from Node's own libuv
// loop: a uv_poll_t watches the epoll fd, so epoll_wait(…, 0) only runs when something is ready and
// JS, the inspector and gdb all see a single thread. See docs/architecture.md (src/net) and
// servers.md §1.1 for the behaviour this keeps from the original network base.
#pragma once
#include <node_api.h>
#include <uv.h>
#include <sys/epoll.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "OutBuf.h"
#include "Records.h"

namespace ttnet {

enum class SockState : uint8_t {
  kFree,
  kListening,
  kConnecting,
  kConnected,
  kClosing,    // closed; slot held until JS has seen the CLOSE record (or JS closed it itself)
  kLingering,  // closed by JS: flushing what is queued, then FIN, then waiting for the peer's FIN
};

struct Sock {
  int fd = -1;
  uint32_t slot = 0;
  uint32_t gen = 0;
  SockState state = SockState::kFree;
  bool paused = false;       // JS asked to stop reading
  bool wantOut = false;      // EPOLLOUT armed: the kernel refused part of the queue
  bool needDrain = false;    // tell JS (DRAIN) once the queue empties
  bool dirty = false;        // in the loop's flush list
  bool shutWr = false;       // lingering: FIN sent
  bool acceptPaused = false; // listener out of descriptors, waiting for the retry timer
  bool exhausted = false;    // listener: the out-of-descriptors episode is logged already
  uint32_t armed = 0;        // current epoll mask
  uint32_t listenerSlot = 0;
  size_t maxQueue = 0;
  uint64_t deadlineMs = 0;   // lingering: give up at; paused listener: retry at
  OutBuf out;
};

struct LoopOptions {
  size_t readBufferBytes = 1 << 20;
  uint32_t maxRecords = 8192;
  // Ready sockets read per JS call (at most kMaxEvents come from one epoll_wait; see RunBatch).
  uint32_t socketsPerCall = 32;
};

class Loop {
 public:
  static Loop* Create(napi_env env, napi_value onBatch, const LoopOptions& opts, int* err);

  // JS-facing operations. Ids are slot + gen * 2^20 (Records.h).
  // listen: returns the id or -errno; *boundPort gets the real port (port 0 = any).
  double Listen(uint32_t ip, uint16_t port, int backlog, size_t maxQueue, int* boundPort);
  // connect: always returns an id; a synchronous failure is reported as CONNECT + CLOSE records
  // in the next batch, exactly like an asynchronous one.
  // localIp (host order, 0 = any): bind the source address before connecting.
  double Connect(uint32_t ip, uint16_t port, size_t maxQueue, int failErrno, uint32_t localIp = 0);
  // 1 queued, 0 unknown/closed id, -1 closed as a slow consumer (JS reports the close itself).
  int Write(double id, const char* data, size_t len);
  // The same bytes to many connections in one call (broadcasts): returns how many were queued;
  // an id closed as a slow consumer is overwritten with -1 in ids, unknown/closed ids are skipped.
  double WriteMany(double* ids, size_t n, const char* data, size_t len);
  // JS's write arena in one call: n [id, offset, length] triples into data, each as Write(). A
  // triple outside data is skipped; one whose connection was closed as a slow consumer gets its
  // offset overwritten with -1. Returns how many were closed as slow consumers.
  double WriteBatch(double* recs, size_t n, const char* data, size_t len);
  void Close(double id);
  void Pause(double id, bool pause);
  double Queued(double id);
  void Stats(double* out, int n);

  napi_value ReadBuffer() const;
  napi_value RecordArray() const;

 private:
  Loop(napi_env env, const LoopOptions& opts);
  bool Init(napi_value onBatch, int* err);

  // libuv callbacks
  static void OnPoll(uv_poll_t* h, int status, int events);
  static void OnCheck(uv_check_t* h);
  static void OnIdle(uv_idle_t* h);
  static void OnTimer(uv_timer_t* h);
  static void OnHandleClosed(uv_handle_t* h);
  static void AsyncCleanup(napi_async_cleanup_hook_handle handle, void* arg);

  void RunBatch(bool pollEpoll);
  void RunTimers(uint64_t now);  // paused listeners and lingering sockets whose deadline passed
  void HandleEvent(const epoll_event& ev);
  void DoAccept(Sock* l);
  void DoRead(Sock* s);
  void FinishConnect(Sock* s);
  void LingerEvent(Sock* s, uint32_t events);
  bool TrySend(Sock* s);  // false when the socket was closed because of a send error
  void FlushDirty();
  void Dispatch();        // hand the records to JS (one MakeCallback), then reset them
  void DispatchMidBatch();
  void TakeDeferred();
  void FreeClosed();
  void Kick();            // something to flush or deliver outside a batch: run at the check phase
  void ArmTimer();
  void UpdateRef();
  void Teardown();

  Sock* Lookup(double id, bool allowLingering = false);
  Sock* AllocSock();
  void FreeSock(Sock* s);
  void SetEvents(Sock* s, uint32_t mask);
  uint32_t WantedEvents(const Sock* s) const;
  void CloseNative(Sock* s, uint32_t reason, int err);  // closed by us: CLOSE record to JS
  void ReleaseFd(Sock* s);
  void FinishLinger(Sock* s);
  void AddRecord(uint32_t type, const Sock* s, uint32_t a, uint32_t b = 0, uint32_t c = 0, uint32_t d = 0);
  void Log(const Sock* s, uint32_t code, int err, uint32_t detail = 0);

  napi_env env_;
  uv_loop_t* uv_ = nullptr;
  int epfd_ = -1;
  // Handles live inside the Loop; the Loop is deleted after their last close callback.
  uv_poll_t poll_{};
  uv_check_t check_{};
  uv_idle_t idle_{};
  uv_timer_t timer_{};
  int handlesOpen_ = 0;
  napi_async_cleanup_hook_handle cleanupHandle_ = nullptr;
  bool dead_ = false;

  napi_ref onBatch_ = nullptr;
  napi_ref readBufRef_ = nullptr;
  napi_ref recordsRef_ = nullptr;
  napi_async_context asyncCtx_ = nullptr;

  char* readBuf_ = nullptr;  // owned by the JS ArrayBuffer (readBufRef_ keeps it alive)
  size_t readCap_ = 0;
  size_t readUsed_ = 0;
  uint32_t* records_ = nullptr;
  uint32_t recCap_ = 0;
  uint32_t recCount_ = 0;
  int socketsPerCall_ = 32;
  std::vector<uint32_t> deferred_;  // records produced while JS runs or outside a batch

  SmallBlockCache blockCache_;  // before socks_: destroyed after every OutBuf (OutBuf.h)
  std::vector<std::unique_ptr<Sock>> socks_;
  std::vector<uint32_t> freeSlots_;
  std::vector<uint32_t> dirty_;
  std::vector<uint32_t> toFree_;
  std::vector<uint32_t> timed_;  // lingering sockets and paused listeners

  bool inBatch_ = false;
  bool inJs_ = false;
  bool kicked_ = false;
  bool timerOn_ = false;
  bool pollRef_ = true;
  uint32_t open_ = 0;  // listeners + live connections: keeps the Node process alive

  // counters for Stats()
  double batches_ = 0, events_ = 0, bytesIn_ = 0, bytesOut_ = 0, sends_ = 0, slowClosed_ = 0;

  static constexpr int kMaxEvents = 1024;
  epoll_event events_buf_[kMaxEvents];
};

}  // namespace ttnet
