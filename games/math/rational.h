// Rational: an exact fraction of 64-bit integers, always in lowest terms with a positive
// denominator, so the 24 game checks every step exactly (8/(3-8/3) is 24, not 23.999...).
#pragma once

#include <cstdint>
#include <numeric>
#include <string>

namespace arena {

class Rational {
 public:
  constexpr Rational(int64_t n = 0) : num_(n), den_(1) {}  // NOLINT: implicit from integers
  Rational(int64_t num, int64_t den) : num_(num), den_(den) { normalize(); }

  int64_t num() const { return num_; }
  int64_t den() const { return den_; }
  bool is_integer() const { return den_ == 1; }
  double to_double() const { return static_cast<double>(num_) / static_cast<double>(den_); }

  friend Rational operator+(Rational a, Rational b) {
    return {a.num_ * b.den_ + b.num_ * a.den_, a.den_ * b.den_};
  }
  friend Rational operator-(Rational a, Rational b) {
    return {a.num_ * b.den_ - b.num_ * a.den_, a.den_ * b.den_};
  }
  friend Rational operator*(Rational a, Rational b) { return {a.num_ * b.num_, a.den_ * b.den_}; }
  // b must not be zero.
  friend Rational operator/(Rational a, Rational b) { return {a.num_ * b.den_, a.den_ * b.num_}; }
  friend bool operator==(Rational a, Rational b) { return a.num_ == b.num_ && a.den_ == b.den_; }
  friend bool operator<(Rational a, Rational b) {
    return static_cast<__int128>(a.num_) * b.den_ < static_cast<__int128>(b.num_) * a.den_;
  }

  // "24", "-5", "8/3".
  std::string to_string() const {
    return den_ == 1 ? std::to_string(num_) : std::to_string(num_) + "/" + std::to_string(den_);
  }

 private:
  void normalize() {
    if (den_ < 0) {
      num_ = -num_;
      den_ = -den_;
    }
    const int64_t g = std::gcd(num_, den_);
    if (g > 1) {
      num_ /= g;
      den_ /= g;
    }
  }

  int64_t num_;
  int64_t den_;
};

}  // namespace arena
