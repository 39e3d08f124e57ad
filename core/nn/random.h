#pragma once
// The pseudo-random generator behind initialisers and dropout masks.

#include <cstdint>
#include <random>

namespace maas::nn {

// A seeded 64-bit Mersenne Twister with its own conversion to floats, so a seed gives the
// same numbers with every standard library (std::uniform_real_distribution does not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  void seed(std::uint64_t seed) { engine_.seed(seed); }

  // Returns a float in [0, 1) with 24 random bits, the float32 mantissa width.
  float uniform() {
    constexpr float kScale = 1.0f / static_cast<float>(1u << 24);
    return static_cast<float>(engine_() >> 40) * kScale;
  }

  // Returns a float in [low, high).
  float uniform(float low, float high) { return low + (high - low) * uniform(); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace maas::nn
