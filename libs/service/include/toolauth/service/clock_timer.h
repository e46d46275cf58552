#pragma once
// Waiting for a time on the shared clock. Servers expire sessions, rotate keys and send
// delayed notifications at clock times, and tests move the clock through the admin plane
// instead of sleeping: a wait completes as soon as the clock has reached its deadline, whether
// real time got there or an advance() did.
//
//   if (co_await wait_until(clock, session.expires_at)) expire(session);
//
// Threading: call from a coroutine on a single-threaded io_context (or a strand), as the
// servers run. The clock may be advanced from any thread: the jump notification is posted
// back onto the coroutine's executor. That executor's io_context must outlive the wait.

#include <boost/asio/awaitable.hpp>

#include "toolauth/core/clock.h"

namespace toolauth::service {

// Completes with true once clock.now() >= deadline (at once if it already is). It sleeps in
// real time for what is left, and re-checks whenever the clock jumps (Clock::subscribe), so
// advancing or setting the clock fires it at once; a ManualClock, which never moves by itself,
// fires only on a jump. Completes with false when the coroutine is cancelled through its
// cancellation slot (e.g. the losing side of `wait_until(...) || other` in
// boost::asio::experimental::awaitable_operators, or co_spawn with bind_cancellation_slot).
// If the io_context stops, the wait never completes and its frame is destroyed with the
// io_context. `clock` must outlive the wait.
boost::asio::awaitable<bool> wait_until(const core::Clock& clock, core::Clock::time_point deadline);

// wait_until(clock, clock.now() + delay).
boost::asio::awaitable<bool> wait_for(const core::Clock& clock, core::Clock::duration delay);

}  // namespace toolauth::service
