#pragma once
// A tokenizer fitted on ten words with distinct counts, shared by the encoder tests.

#include <string>
#include <utility>
#include <vector>

#include "core/text/word_tokenizer.h"

namespace maas::text::testing {

// w1 gets index 1, ..., w10 index 10, so vocab_size is 11 (12 with an OOV token, which takes
// index 1 and moves every word up by one).
inline WordTokenizer fitted_tokenizer(TokenizerOptions options = {}) {
  std::vector<std::string> texts;
  for (int word = 1; word <= 10; ++word) {
    for (int repeat = 0; repeat < 11 - word; ++repeat) {
      texts.push_back(std::string("w").append(std::to_string(word)));
    }
  }
  WordTokenizer tokenizer(std::move(options));
  tokenizer.fit_on_texts(texts);
  return tokenizer;
}

}  // namespace maas::text::testing
