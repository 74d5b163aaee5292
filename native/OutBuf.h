// Per-connection output queue: one contiguous byte range [head, tail) in a malloc'd block.
// Small frames written during a batch are appended here and leave in ONE send() at the end of the
// batch; what the kernel does not take stays here until EPOLLOUT. Contiguous (not a chunk list) so
// a flush is always a single syscall and an idle connection costs no allocation at all.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace ttnet {

// Small output blocks are recycled instead of going back to malloc: nearly every reply fits in
// one, and a busy connection would otherwise malloc and free a block per batch (bench/echo: ~2 %
// of the server's CPU). One cache per Loop (so per Node environment: worker_threads have their
// own), declared before the Loop's sockets so it outlives every OutBuf that returns blocks to it.
// Bounded: an idle server keeps at most kMaxCachedBlocks * kSmallBlock bytes here.
constexpr size_t kSmallBlock = 256;
constexpr size_t kMaxCachedBlocks = 1024;

struct SmallBlockCache {
  char* blocks[kMaxCachedBlocks];
  size_t count = 0;
  SmallBlockCache() = default;
  SmallBlockCache(const SmallBlockCache&) = delete;
  SmallBlockCache& operator=(const SmallBlockCache&) = delete;
  ~SmallBlockCache() {
    for (size_t i = 0; i < count; i++) std::free(blocks[i]);
  }
};

class OutBuf {
 public:
  OutBuf() = default;
  OutBuf(const OutBuf&) = delete;
  OutBuf& operator=(const OutBuf&) = delete;
  ~OutBuf() { Release(); }

  size_t Size() const { return tail_ - head_; }
  bool Empty() const { return tail_ == head_; }
  const char* Data() const { return data_ + head_; }
  size_t Capacity() const { return cap_; }
  // The owner's block cache (nullptr: plain malloc/free). Set once, before the first Append.
  void UseCache(SmallBlockCache* cache) { cache_ = cache; }

  // False only when memory runs out (the caller closes the connection rather than crash).
  bool Append(const void* p, size_t n) {
    if (n == 0) return true;
    if (cap_ - tail_ < n) {
      size_t live = Size();
      if (head_ > 0 && cap_ - live >= n && head_ >= live) {
        // Enough room once the consumed prefix is dropped: slide, cheaper than growing.
        std::memcpy(data_, data_ + head_, live);
        head_ = 0;
        tail_ = live;
      } else if (!Grow(live + n)) {
        return false;
      }
    }
    std::memcpy(data_ + tail_, p, n);
    tail_ += n;
    return true;
  }

  void Consume(size_t n) {
    head_ += n;
    if (head_ >= tail_) {
      // Drained: give the block back. An idle connection then costs no output memory at all
      // (bench/idle), and malloc's per-thread cache makes the next small block nearly free.
      Release();
    }
  }

  void Release() {
    FreeBlock(data_, cap_);
    data_ = nullptr;
    head_ = tail_ = cap_ = 0;
  }

 private:
  bool Grow(size_t need) {
    size_t live = Size();
    size_t ncap = cap_ ? cap_ * 2 : kSmallBlock;
    while (ncap < need) ncap *= 2;
    char* nd = ncap == kSmallBlock && cache_ != nullptr && cache_->count > 0
                   ? cache_->blocks[--cache_->count]
                   : static_cast<char*>(std::malloc(ncap));
    if (!nd) return false;
    if (live) std::memcpy(nd, data_ + head_, live);
    FreeBlock(data_, cap_);
    data_ = nd;
    cap_ = ncap;
    head_ = 0;
    tail_ = live;
    return true;
  }

  void FreeBlock(char* p, size_t cap) {
    if (p == nullptr) return;
    if (cap == kSmallBlock && cache_ != nullptr && cache_->count < kMaxCachedBlocks) {
      cache_->blocks[cache_->count++] = p;
      return;
    }
    std::free(p);
  }

  SmallBlockCache* cache_ = nullptr;
  char* data_ = nullptr;
  size_t head_ = 0;
  size_t tail_ = 0;
  size_t cap_ = 0;
};

}  // namespace ttnet
