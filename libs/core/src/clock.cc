#include "toolauth/core/clock.h"

#include <stdexcept>
#include <vector>

namespace toolauth::core {

struct Clock::Registry {
  std::mutex mutex;
  std::uint64_t next_id = 1;
  std::map<std::uint64_t, std::function<void()>> callbacks;
};

Clock::Clock() : registry_(std::make_shared<Registry>()) {}
Clock::~Clock() = default;

Clock::Subscription::~Subscription() {
  if (auto registry = std::static_pointer_cast<Registry>(registry_.lock())) {
    std::lock_guard lock(registry->mutex);
    registry->callbacks.erase(id_);
  }
}

std::int64_t Clock::unix_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
}

Clock::Subscription Clock::subscribe(std::function<void()> on_jump) {
  std::lock_guard lock(registry_->mutex);
  const auto id = registry_->next_id++;
  registry_->callbacks.emplace(id, std::move(on_jump));
  return Subscription(registry_, id);
}

void Clock::notify_jump() {
  // Copy first so callbacks may unsubscribe (destroy their Subscription) while we iterate.
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(registry_->mutex);
    for (auto& [id, callback] : registry_->callbacks) callbacks.push_back(callback);
  }
  for (auto& callback : callbacks) callback();
}

Clock::time_point SystemClock::now() const {
  return std::chrono::system_clock::now() + duration(offset_.load());
}

Clock::duration SystemClock::offset() const { return duration(offset_.load()); }

void SystemClock::advance(duration step) {
  if (step < duration::zero()) throw std::invalid_argument("SystemClock::advance: negative step");
  offset_.fetch_add(step.count());
  notify_jump();
}

void SystemClock::set(time_point target) { set_offset(target - std::chrono::system_clock::now()); }

void SystemClock::set_offset(duration offset) {
  offset_.store(offset.count());
  notify_jump();
}

ManualClock::ManualClock(time_point start) : now_(start.time_since_epoch().count()) {}

Clock::time_point ManualClock::now() const { return time_point(duration(now_.load())); }

void ManualClock::advance(duration step) {
  if (step < duration::zero()) throw std::invalid_argument("ManualClock::advance: negative step");
  now_.fetch_add(step.count());
  notify_jump();
}

void ManualClock::set(time_point target) {
  now_.store(target.time_since_epoch().count());
  notify_jump();
}

}  // namespace toolauth::core
