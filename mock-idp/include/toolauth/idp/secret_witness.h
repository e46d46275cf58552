#pragma once
// Sees every secret the IdP hands out: access, id and refresh tokens, authorization and device
// codes, session cookies and the secrets of registered clients. Only the test that scans a
// whole conformance run's output (stdout, logs, journals, reports) for them sets an observer;
// without one it costs a branch.
//
// Threading: the observer runs on whichever thread issues the secret (token signing may run
// on the signer pool); it must be thread-safe.

#include <functional>
#include <string_view>

namespace toolauth::idp {

class SecretWitness {
 public:
  using Observer = std::function<void(std::string_view secret)>;
  void observe(Observer observer) { observer_ = std::move(observer); }
  void saw(std::string_view secret) const {
    if (observer_) observer_(secret);
  }

 private:
  Observer observer_;
};

}  // namespace toolauth::idp
