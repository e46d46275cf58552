#pragma once
// Result<T>: a value or a core::Error. Request paths return these instead of throwing.
// Contract (as abseil's StatusOr): a Result is never "ok without a value"; reading the value
// of a failed Result is a programming error and throws BadResultAccess, which the HTTP layer
// turns into a 500 instead of undefined behaviour.

#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

#include "toolauth/core/error.h"

namespace toolauth::core {

class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Error& error)
      : std::logic_error("value() of a failed Result: " + error.message()) {}
  BadResultAccess() : std::logic_error("value() of a failed Result") {}
};

namespace detail {
template <class E>
BadResultAccess bad_access(const E& error) {
  if constexpr (std::is_same_v<E, Error>) {
    return BadResultAccess(error);
  } else {
    return BadResultAccess();
  }
}
}  // namespace detail

// `E` is core::Error unless a module needs its own error shape (the IdP's Entra errors).
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}
  Result(std::error_code code, std::string detail = {}) requires std::is_same_v<E, Error>
      : state_(std::in_place_index<1>, Error{code, std::move(detail)}) {}
  template <class Code>
  requires std::is_error_code_enum_v<Code> && std::is_same_v<E, Error> Result(
      Code code, std::string detail = {})
      : Result(make_error_code(code), std::move(detail)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return check(), std::get<0>(state_); }
  const T& value() const& { return check(), std::get<0>(state_); }
  T&& value() && { return check(), std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Precondition: !ok().
  const E& error() const { return std::get<1>(state_); }
  std::error_code code() const requires std::is_same_v<E, Error> {
    return ok() ? std::error_code{} : error().code;
  }

 private:
  void check() const {
    if (!ok()) throw detail::bad_access(std::get<1>(state_));
  }
  std::variant<T, E> state_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(E error) : error_(std::move(error)), failed_(true) {}
  Result(std::error_code code, std::string detail = {}) requires std::is_same_v<E, Error>
      : Result(Error{code, std::move(detail)}) {}
  template <class Code>
  requires std::is_error_code_enum_v<Code> && std::is_same_v<E, Error> Result(
      Code code, std::string detail = {})
      : Result(make_error_code(code), std::move(detail)) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  void value() const {
    if (failed_) throw detail::bad_access(error_);
  }
  const E& error() const { return error_; }
  std::error_code code() const requires std::is_same_v<E, Error> { return error_.code; }

 private:
  E error_{};
  bool failed_ = false;
};

}  // namespace toolauth::core

#define TOOLAUTH_CONCAT_INNER(a, b) a##b
#define TOOLAUTH_CONCAT(a, b) TOOLAUTH_CONCAT_INNER(a, b)

// Returns the error of `expr` (a Result) from the enclosing function if it failed.
#define TOOLAUTH_RETURN_IF_ERROR(expr)                                                           \
  do {                                                                                           \
    if (auto toolauth_result_ = (expr); !toolauth_result_.ok()) return toolauth_result_.error(); \
  } while (false)

// `TOOLAUTH_ASSIGN_OR_RETURN(auto x, f());` declares x from the value or returns the error.
// It expands to several statements: do not use it as the body of an unbraced if/else.
#define TOOLAUTH_ASSIGN_OR_RETURN(lhs, expr) \
  TOOLAUTH_ASSIGN_OR_RETURN_IMPL(TOOLAUTH_CONCAT(toolauth_result_, __LINE__), lhs, expr, return )
// The same for coroutines.
#define TOOLAUTH_CO_ASSIGN_OR_RETURN(lhs, expr) \
  TOOLAUTH_ASSIGN_OR_RETURN_IMPL(TOOLAUTH_CONCAT(toolauth_result_, __LINE__), lhs, expr, co_return )
#define TOOLAUTH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr, ret) \
  auto tmp = (expr);                                        \
  if (!tmp.ok()) ret tmp.error();                           \
  lhs = std::move(tmp).value()
