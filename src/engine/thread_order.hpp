#pragma once
// Happens-before annotations for ThreadSanitizer builds (no-ops otherwise).
// Debian's oneTBB library is not built with ThreadSanitizer, so TSan cannot see
// the synchronisation by which tbb::parallel_for starts its tasks after the
// code before it and returns after they end; it would then report the block
// buffer, written by the tasks and read by the thread that folds it, as a race.
// These calls state exactly that guarantee, and no more: a race between two
// tasks is still reported.

#if defined(__SANITIZE_THREAD__)
#define TRIALSIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TRIALSIM_TSAN 1
#endif
#endif

#ifdef TRIALSIM_TSAN
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#endif

namespace trialsim {

//! One parallel region: fork() before starting it, task_begins() / task_ends()
//! around each task's work, join() after it returns.
class ParallelRegionOrder {
public:
  void fork() { release(); }
  void task_begins() { acquire(); }
  void task_ends() { release(); }
  void join() { acquire(); }

private:
#ifdef TRIALSIM_TSAN
  void acquire() { __tsan_acquire(this); }
  void release() { __tsan_release(this); }
#else
  void acquire() {}
  void release() {}
#endif
};

} // namespace trialsim
