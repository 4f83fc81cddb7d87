// Result<T>: a value or an Error, for everything that can fail on input from outside
// (a parsed spec, an action from a client, a file). Asserts guard invariants; bad input is a value.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace arena {

// A failure the caller can show: a stable machine-readable code and a message for people.
struct Error {
  std::string code;     // e.g. "illegal_action", "bad_spec", "parse_error"
  std::string message;  // says what was wrong and, where it helps, what is valid
};

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

// Either a T or an Error. Cheap to move; check ok() before value().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(data_);
  }

 private:
  std::variant<T, Error> data_;
};

// Success or an Error, for operations that return nothing.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

inline Status ok_status() { return Status(); }

}  // namespace arena
