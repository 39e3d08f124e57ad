#pragma once
// The pseudo-random generator behind initialisers and dropout masks.

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

#include "core/common/error.h"

namespace maas::nn {

// A seeded 64-bit Mersenne Twister with its own conversion to floats, so a seed gives the
// same numbers with every standard library (std::uniform_real_distribution does not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  void seed(std::uint64_t seed) { engine_.seed(seed); }

  // The engine's full state as the decimal text the standard defines for mt19937_64
  // (312 words and a position), so a restored generator continues the same sequence.
  std::string state() const {
    std::ostringstream out;
    out << engine_;
    return out.str();
  }

  // Restores a state written by state(). Throws InvalidArgument when the text is not one.
  void set_state(std::string_view text) {
    std::istringstream in{std::string(text)};
    std::mt19937_64 restored;
    in >> restored;
    if (in.fail()) {
      throw InvalidArgument("invalid random generator state of " + std::to_string(text.size()) +
                            " characters: expected the text of a saved mt19937_64 state");
    }
    engine_ = restored;
  }

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
