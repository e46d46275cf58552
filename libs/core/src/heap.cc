#include "toolauth/core/heap.h"

#include <malloc.h>

namespace toolauth::core {

bool HeapReleaser::release(std::chrono::steady_clock::time_point now) {
  {
    std::lock_guard lock(mutex_);
    if (last_ && now - *last_ < interval_) return false;
    last_ = now;
  }
  // Unlike the automatic trim, which only cuts the top of the heap, malloc_trim also gives back
  // the free pages between chunks still in use.
  malloc_trim(0);
  return true;
}

HeapReleaser& HeapReleaser::process() {
  static HeapReleaser releaser;
  return releaser;
}

}  // namespace toolauth::core
