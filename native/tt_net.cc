// tt_net: the N-API face of the epoll loop (Loop.h). One Loop per Node environment, kept in the
// environment's instance data, so the addon also loads in worker_threads; the Loop tears itself
// down through an async cleanup hook when its environment goes away.
//
// Built with NAPI_DISABLE_CPP_EXCEPTIONS: node-addon-api reports failures as pending JS
// exceptions, and every binding catches C++ exceptions (only std::bad_alloc is possible) so none
// crosses into V8.
#include <napi.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "Loop.h"

namespace {

using ttnet::Loop;

struct Instance {
  Loop* loop = nullptr;
};

Loop* GetLoop(Napi::Env env) {
  Instance* inst = env.GetInstanceData<Instance>();
  if (inst == nullptr || inst->loop == nullptr) {
    Napi::Error::New(env, "tt_net: init() has not been called in this environment").ThrowAsJavaScriptException();
    return nullptr;
  }
  return inst->loop;
}

bool ArgNumber(const Napi::CallbackInfo& info, size_t i, double* out) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    Napi::TypeError::New(info.Env(), "tt_net: argument " + std::to_string(i) + " must be a number").ThrowAsJavaScriptException();
    return false;
  }
  *out = info[i].As<Napi::Number>().DoubleValue();
  return true;
}

Napi::Value Throw(Napi::Env env, const char* what) {
  Napi::Error::New(env, what).ThrowAsJavaScriptException();
  return env.Undefined();
}

#define TT_GUARD_BEGIN try {
#define TT_GUARD_END(env)                        \
  }                                              \
  catch (const std::bad_alloc&) {                \
    return Throw(env, "tt_net: out of memory");  \
  }                                              \
  catch (...) {                                  \
    return Throw(env, "tt_net: internal error"); \
  }

// init(onBatch, { readBufferBytes?, maxRecords?, socketsPerCall? }) -> { readBuffer, records }
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TT_GUARD_BEGIN
  if (info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "tt_net.init: onBatch must be a function").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Instance* inst = env.GetInstanceData<Instance>();
  if (inst == nullptr) return Throw(env, "tt_net.init: out of memory");
  if (inst->loop != nullptr) return Throw(env, "tt_net.init: already initialised in this environment");
  ttnet::LoopOptions opts;
  if (info.Length() > 1 && info[1].IsObject()) {
    Napi::Object o = info[1].As<Napi::Object>();
    Napi::Value v = o.Get("readBufferBytes");
    if (v.IsNumber()) opts.readBufferBytes = static_cast<size_t>(v.As<Napi::Number>().DoubleValue());
    v = o.Get("maxRecords");
    if (v.IsNumber()) opts.maxRecords = v.As<Napi::Number>().Uint32Value();
    v = o.Get("socketsPerCall");
    if (v.IsNumber()) opts.socketsPerCall = v.As<Napi::Number>().Uint32Value();
  }
  int err = 0;
  inst->loop = Loop::Create(env, info[0], opts, &err);
  if (inst->loop == nullptr) {
    std::string msg = std::string("tt_net.init: ") + std::strerror(err);
    return Throw(env, msg.c_str());
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("readBuffer", inst->loop->ReadBuffer());
  out.Set("records", inst->loop->RecordArray());
  out.Set("recordWords", Napi::Number::New(env, ttnet::kRecordWords));
  out.Set("slotBits", Napi::Number::New(env, ttnet::kSlotBits));
  return out;
  TT_GUARD_END(env)
}

// listen(ipHostOrder, port, backlog, maxQueue) -> { id, port } | { errno }
Napi::Value Listen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TT_GUARD_BEGIN
  Loop* loop = GetLoop(env);
  double ip, port, backlog, maxQueue;
  if (!loop || !ArgNumber(info, 0, &ip) || !ArgNumber(info, 1, &port) || !ArgNumber(info, 2, &backlog) ||
      !ArgNumber(info, 3, &maxQueue)) {
    return env.Undefined();
  }
  int bound = 0;
  double id = loop->Listen(static_cast<uint32_t>(ip), static_cast<uint16_t>(port), static_cast<int>(backlog),
                           static_cast<size_t>(maxQueue), &bound);
  Napi::Object out = Napi::Object::New(env);
  if (id < 0) {
    out.Set("errno", Napi::Number::New(env, -id));
  } else {
    out.Set("id", Napi::Number::New(env, id));
    out.Set("port", Napi::Number::New(env, bound));
  }
  return out;
  TT_GUARD_END(env)
}

// connect(ipHostOrder, port, maxQueue, failErrno, localIpHostOrder?) -> id (< 0: -errno, no slot)
Napi::Value Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TT_GUARD_BEGIN
  Loop* loop = GetLoop(env);
  double ip, port, maxQueue, failErrno;
  if (!loop || !ArgNumber(info, 0, &ip) || !ArgNumber(info, 1, &port) || !ArgNumber(info, 2, &maxQueue) ||
      !ArgNumber(info, 3, &failErrno)) {
    return env.Undefined();
  }
  double localIp = 0;
  if (info.Length() > 4 && info[4].IsNumber()) localIp = info[4].As<Napi::Number>().DoubleValue();
  return Napi::Number::New(env, loop->Connect(static_cast<uint32_t>(ip), static_cast<uint16_t>(port),
                                              static_cast<size_t>(maxQueue), static_cast<int>(failErrno),
                                              static_cast<uint32_t>(localIp)));
  TT_GUARD_END(env)
}

// write(id, Uint8Array) -> 1 queued | 0 gone | -1 closed as slow consumer. The hot path: raw
// napi calls, no wrapper objects.
Napi::Value Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TT_GUARD_BEGIN
  Instance* inst = env.GetInstanceData<Instance>();
  double id = 0;
  napi_typedarray_type type;
  size_t len = 0;
  void* data = nullptr;
  napi_value ab;
  size_t off;
  if (inst == nullptr || inst->loop == nullptr || info.Length() < 2 || napi_get_value_double(env, info[0], &id) != napi_ok ||
      napi_get_typedarray_info(env, info[1], &type, &len, &data, &ab, &off) != napi_ok || type != napi_uint8_array) {
    Napi::TypeError::New(env, "tt_net.write(id: number, data: Uint8Array)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  napi_value r;
  napi_create_int32(env, inst->loop->Write(id, static_cast<const char*>(data), len), &r);
  return Napi::Value(env, r);
  TT_GUARD_END(env)
}

// The (Float64Array, count, Uint8Array) argument triple of writeMany and writeBatch. False with a
// pending TypeError when the arguments are not of that shape; count is clamped to [0, nums].
struct NumsAndBytes {
  double* nums = nullptr;
  size_t numLen = 0;
  size_t count = 0;
  const char* bytes = nullptr;
  size_t len = 0;
};

bool ArgNumsAndBytes(const Napi::CallbackInfo& info, const char* usage, NumsAndBytes* out) {
  Napi::Env env = info.Env();
  napi_typedarray_type numType, byteType;
  void* nums = nullptr;
  void* bytes = nullptr;
  napi_value ab;
  size_t off;
  double count = 0;
  if (info.Length() < 3 ||
      napi_get_typedarray_info(env, info[0], &numType, &out->numLen, &nums, &ab, &off) != napi_ok ||
      numType != napi_float64_array || napi_get_value_double(env, info[1], &count) != napi_ok ||
      napi_get_typedarray_info(env, info[2], &byteType, &out->len, &bytes, &ab, &off) != napi_ok ||
      byteType != napi_uint8_array) {
    Napi::TypeError::New(env, usage).ThrowAsJavaScriptException();
    return false;
  }
  out->nums = static_cast<double*>(nums);
  out->bytes = static_cast<const char*>(bytes);
  out->count = count > 0 ? static_cast<size_t>(count) : 0;
  if (out->count > out->numLen) out->count = out->numLen;
  return true;
}

// writeMany(ids: Float64Array, count, data: Uint8Array) -> number queued. One boundary crossing
// per broadcast instead of one per connection (the per-connection write() was ~38 % of msg_server
// CPU in a PC login storm); each output queue still gets its own copy of the bytes. An id closed
// as a slow consumer is overwritten with -1 so JS can report those closes.
Napi::Value WriteMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TT_GUARD_BEGIN
  Loop* loop = GetLoop(env);
  NumsAndBytes a;
  if (!loop || !ArgNumsAndBytes(info, "tt_net.writeMany(ids: Float64Array, count: number, data: Uint8Array)", &a)) {
    return env.Undefined();
  }
  return Napi::Number::New(env, loop->WriteMany(a.nums, a.count, a.bytes, a.len));
  TT_GUARD_END(env)
}

// writeBatch(recs: Float64Array, count, data: Uint8Array) -> number closed as slow consumers.
// recs holds `count` triples [id, offset, length] into data: the writes JS collected since its
// last flush (NativeTransport's write arena), applied in order exactly as write() would. One
// boundary crossing per flush instead of one per write. A triple whose connection was closed as a
// slow consumer gets its offset overwritten with -1 so JS can report those closes.
Napi::Value WriteBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TT_GUARD_BEGIN
  Loop* loop = GetLoop(env);
  NumsAndBytes a;
  if (!loop || !ArgNumsAndBytes(info, "tt_net.writeBatch(recs: Float64Array, count: number, data: Uint8Array)", &a)) {
    return env.Undefined();
  }
  return Napi::Number::New(env, loop->WriteBatch(a.nums, std::min(a.count, a.numLen / 3), a.bytes, a.len));
  TT_GUARD_END(env)
}

// close(id), pause(id), resume(id): an id and nothing back.
template <void (*Op)(Loop*, double)>
Napi::Value IdCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TT_GUARD_BEGIN
  Loop* loop = GetLoop(env);
  double id;
  if (loop && ArgNumber(info, 0, &id)) Op(loop, id);
  return env.Undefined();
  TT_GUARD_END(env)
}

void CloseOp(Loop* l, double id) { l->Close(id); }
void PauseOp(Loop* l, double id) { l->Pause(id, true); }
void ResumeOp(Loop* l, double id) { l->Pause(id, false); }

Napi::Value Queued(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TT_GUARD_BEGIN
  Loop* loop = GetLoop(env);
  double id;
  if (!loop || !ArgNumber(info, 0, &id)) return env.Undefined();
  return Napi::Number::New(env, loop->Queued(id));
  TT_GUARD_END(env)
}

// stats() -> { batches, events, bytesIn, bytesOut, sends, slowConsumers, open, slots, freeSlots }
Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TT_GUARD_BEGIN
  Loop* loop = GetLoop(env);
  if (!loop) return env.Undefined();
  static const char* const names[] = {"batches", "events", "bytesIn", "bytesOut", "sends",
                                      "slowConsumers", "open", "slots", "freeSlots"};
  constexpr int n = sizeof names / sizeof names[0];
  double v[n] = {};
  loop->Stats(v, n);
  Napi::Object out = Napi::Object::New(env);
  for (int i = 0; i < n; i++) out.Set(names[i], Napi::Number::New(env, v[i]));
  return out;
  TT_GUARD_END(env)
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  // Instance data only points at the Loop; the Loop's own cleanup hook owns its lifetime.
  env.SetInstanceData<Instance>(new (std::nothrow) Instance());
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("listen", Napi::Function::New(env, Listen, "listen"));
  exports.Set("connect", Napi::Function::New(env, Connect, "connect"));
  exports.Set("write", Napi::Function::New(env, Write, "write"));
  exports.Set("writeMany", Napi::Function::New(env, WriteMany, "writeMany"));
  exports.Set("writeBatch", Napi::Function::New(env, WriteBatch, "writeBatch"));
  exports.Set("close", Napi::Function::New(env, IdCall<CloseOp>, "close"));
  exports.Set("pause", Napi::Function::New(env, IdCall<PauseOp>, "pause"));
  exports.Set("resume", Napi::Function::New(env, IdCall<ResumeOp>, "resume"));
  exports.Set("queued", Napi::Function::New(env, Queued, "queued"));
  exports.Set("stats", Napi::Function::New(env, Stats, "stats"));
  exports.Set("recordWords", Napi::Number::New(env, ttnet::kRecordWords));
  return exports;
}

}  // namespace

NODE_API_MODULE(tt_net, InitModule)
