// The event records the loop hands to JavaScript once per readiness batch, in a Uint32Array shared
// with JS (created once). Mirrored in src/net/nativeRecords.ts: change both together.
//
// Each record is kRecordWords uint32 words: [type, slot, gen, a, b, c, d, 0]
//   DATA     a = offset in the shared read buffer, b = length
//   ACCEPT   a = listener slot, b = peer IPv4 (host order), c = peer port
//   CONNECT  a = errno (0 = established)
//   DRAIN    -
//   CLOSE    a = CloseReason, b = errno
//   LOG      slot/gen of the socket concerned (or 0), a = LogCode, b = errno, c = detail
#pragma once
#include <cstdint>

namespace ttnet {

constexpr uint32_t kRecordWords = 8;

enum RecordType : uint32_t {
  kRecData = 1,
  kRecAccept = 2,
  kRecConnect = 3,
  kRecDrain = 4,
  kRecClose = 5,
  kRecLog = 6,
};

enum CloseReason : uint32_t {
  kClosePeer = 1,
  kCloseError = 2,
  kCloseSlowConsumer = 3,
  kCloseLocal = 4,
  kCloseConnectFailed = 5,
};

enum LogCode : uint32_t {
  kLogAcceptFailed = 1,     // accept4 failed with an unexpected errno; listener keeps going
  kLogAcceptPaused = 2,     // out of descriptors (EMFILE/ENFILE/...): listener paused, c = retry ms
  kLogAcceptResumed = 3,    // listener re-armed after a pause; c = connections refused meanwhile (0)
  kLogOutOfMemory = 4,      // output queue could not grow; connection closed
  kLogSendFailed = 5,       // send() failed hard; connection closed with the errno
};

// Connection ids handed to JS: slot + generation * 2^20. Slots are reused, generations never go
// back, so an id is never handed out twice while a descriptor number can be reused at once.
constexpr uint32_t kSlotBits = 20;
constexpr uint32_t kMaxSlots = 1u << kSlotBits;

}  // namespace ttnet
