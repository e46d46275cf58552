#pragma once
// The one clock every server reads time from.
//
// SystemClock is real time plus an adjustable offset: timers keep running in real time and
// `advance` moves the offset forward. Servers in one process share a SystemClock; admin planes
// of servers in separate processes are set to the same offset. ManualClock stands still until
// a test moves it. Both notify subscribers when time jumps, so timers waiting for a clock time
// re-arm and fire what became due.
//
// Thread safety: now(), advance(), set() and subscribe() may be called from any thread.
// Callbacks run on the thread that moved the clock and must not call subscribe() themselves.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace toolauth::core {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;

  // Unsubscribes when destroyed.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&&) noexcept = default;
    Subscription& operator=(Subscription&&) noexcept = default;
    ~Subscription();

   private:
    friend class Clock;
    Subscription(std::weak_ptr<void> registry, std::uint64_t id) : registry_(registry), id_(id) {}
    std::weak_ptr<void> registry_;
    std::uint64_t id_ = 0;
  };

  Clock();
  virtual ~Clock();
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;

  virtual time_point now() const = 0;
  // Whole seconds since the Unix epoch, as JWT claims carry them.
  std::int64_t unix_seconds() const;

  // `on_jump` runs after every advance() or set().
  [[nodiscard]] Subscription subscribe(std::function<void()> on_jump);

 protected:
  void notify_jump();

 private:
  struct Registry;
  std::shared_ptr<Registry> registry_;
};

class SystemClock final : public Clock {
 public:
  time_point now() const override;
  duration offset() const;
  // Moves the offset forward by `step` (negative steps are refused: time never runs back).
  void advance(duration step);
  // Makes now() return `target` (a test harness may move backward, e.g. after a reset).
  void set(time_point target);
  void reset() { set_offset(duration::zero()); }

 private:
  void set_offset(duration offset);
  std::atomic<duration::rep> offset_{0};
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point(std::chrono::seconds(1'700'000'000)));
  time_point now() const override;
  void advance(duration step);
  void set(time_point target);

 private:
  std::atomic<duration::rep> now_;
};

}  // namespace toolauth::core
