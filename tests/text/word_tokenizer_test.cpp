#include "core/text/word_tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/error.h"

// Golden values follow the rules of Keras 2's Tokenizer and text_to_word_sequence, worked out
// by hand for each case.

namespace maas::text {
namespace {

using Ids = std::vector<int32_t>;
using Words = std::vector<std::string>;

const std::vector<std::string> kPetTexts = {"The cat sat on the mat.", "The dog ate my homework!"};

TokenizerOptions with_oov(std::string token) {
  TokenizerOptions options;
  options.oov_token = std::move(token);
  return options;
}

TEST(TextToWords, AppliesKerasRulesWithDefaults) {
  struct Case {
    std::string text;
    Words words;
  };
  const std::vector<Case> cases = {
      {"Hello, World! It's e-mail: a@b.c\tnew\nline",
       {"hello", "world", "it's", "e", "mail", "a", "b", "c", "new", "line"}},
      {"  double  spaces  ", {"double", "spaces"}},
      {"ÉCOLE Straße", {"école", "straße"}},
      {"ΟΔΟΣ. ΣΑ", {"οδος", "σα"}},
      {"a\r\nb", {"a\r", "b"}},  // Keras filters \n but not \r
      {"", {}},
      {"   ", {}},
      {"\t\n !?", {}},
  };
  const WordTokenizer tokenizer;
  for (const Case& c : cases) {
    EXPECT_EQ(tokenizer.text_to_words(c.text), c.words) << c.text;
  }
}

TEST(TextToWords, AppliesCustomFiltersSplitAndLower) {
  struct Case {
    std::string filters;
    std::string split;
    bool lower;
    std::string text;
    Words words;
  };
  const std::vector<Case> cases = {
      {"!", " ", true, "Hello, World!", {"hello,", "world"}},
      {"", " ", true, "a.b c", {"a.b", "c"}},
      {std::string(kKerasFilters), ",", true, "a,b c", {"a", "b c"}},
      // '-' becomes "--", so "a-b" reads "a----b" and splits into a, "", b.
      {std::string(kKerasFilters), "--", true, "a-b", {"a", "b"}},
      {std::string(kKerasFilters), " ", false, "ÉCOLE Cat", {"ÉCOLE", "Cat"}},
  };
  for (const Case& c : cases) {
    TokenizerOptions options;
    options.filters = c.filters;
    options.split = c.split;
    options.lower = c.lower;
    EXPECT_EQ(WordTokenizer(options).text_to_words(c.text), c.words) << c.text;
  }
}

TEST(TextToWords, FiltersNonAsciiCharacters) {
  TokenizerOptions options;
  options.filters = "，。";
  options.split_cjk = false;
  EXPECT_EQ(WordTokenizer(options).text_to_words("我爱你，是的。"), (Words{"我爱你", "是的"}));
}

TEST(TextToWords, SplitsCjkCharactersWhenSplitCjkIsOn) {
  struct Case {
    std::string text;
    Words split_on;
    Words split_off;
  };
  const std::vector<Case> cases = {
      {"我爱游戏 gg", {"我", "爱", "游", "戏", "gg"}, {"我爱游戏", "gg"}},
      {"gg我们GG", {"gg", "我", "们", "gg"}, {"gg我们gg"}},
      {"ゲームが好き", {"ゲ", "ー", "ム", "が", "好", "き"}, {"ゲームが好き"}},
      {"게임 좋아", {"게", "임", "좋", "아"}, {"게임", "좋아"}},
      {"好。", {"好", "。"}, {"好。"}},  // CJK punctuation is neither split nor filtered
  };
  TokenizerOptions off;
  off.split_cjk = false;
  for (const Case& c : cases) {
    EXPECT_EQ(WordTokenizer().text_to_words(c.text), c.split_on) << c.text;
    EXPECT_EQ(WordTokenizer(off).text_to_words(c.text), c.split_off) << c.text;
  }
}

TEST(TextToWords, CharLevelKeepsEveryCharacterUnfiltered) {
  TokenizerOptions options;
  options.char_level = true;
  const WordTokenizer tokenizer(options);
  EXPECT_EQ(tokenizer.text_to_words("Ab c!"), (Words{"a", "b", " ", "c", "!"}));
  EXPECT_EQ(tokenizer.text_to_words("É我"), (Words{"é", "我"}));
  EXPECT_EQ(tokenizer.text_to_words("İ"), (Words{"i", "\xCC\x87"}));
  EXPECT_EQ(tokenizer.text_to_words(""), Words{});
}

TEST(TextToWords, RejectsInvalidUtf8WithByteOffset) {
  const WordTokenizer tokenizer;
  try {
    tokenizer.text_to_words("good \xC3(");
    FAIL() << "accepted invalid UTF-8";
  } catch (const InvalidArgument& error) {
    EXPECT_NE(std::string(error.what()).find("byte offset 5"), std::string::npos) << error.what();
  }
  EXPECT_THROW(tokenizer.text_to_sequence("\xFF"), InvalidArgument);
}

TEST(FitOnTexts, OrdersByCountThenFirstOccurrence) {
  WordTokenizer tokenizer;
  tokenizer.fit_on_texts(kPetTexts);
  const Words expected = {"",    "the", "cat", "sat", "on",      "mat",
                          "dog", "ate", "my",  "homework"};
  EXPECT_EQ(tokenizer.index_word(), expected);
  EXPECT_EQ(tokenizer.index_of("the"), 1);
  EXPECT_EQ(tokenizer.index_of("homework"), 9);
  EXPECT_EQ(tokenizer.index_of("fish"), std::nullopt);
  EXPECT_EQ(tokenizer.document_count(), 2);
  EXPECT_EQ(tokenizer.word_counts().front(), (WordCount{"the", 3}));
  EXPECT_EQ(tokenizer.word_counts().size(), 9u);
  EXPECT_EQ(tokenizer.vocab_size(), 10);
}

TEST(FitOnTexts, KeepsFirstOccurrenceOrderForTies) {
  WordTokenizer tokenizer;
  tokenizer.fit_on_texts({"b a c", "c a", "d"});
  EXPECT_EQ(tokenizer.index_word(), (Words{"", "a", "c", "b", "d"}));
  const std::vector<WordCount> counts = {{"b", 1}, {"a", 2}, {"c", 2}, {"d", 1}};
  EXPECT_EQ(tokenizer.word_counts(), counts);
}

TEST(FitOnTexts, AccumulatesOverSeveralCalls) {
  WordTokenizer tokenizer;
  tokenizer.fit_on_texts({"x y"});
  tokenizer.fit_on_texts({"y z z"});
  EXPECT_EQ(tokenizer.index_word(), (Words{"", "y", "z", "x"}));
  EXPECT_EQ(tokenizer.document_count(), 2);
}

TEST(FitOnTexts, RejectsInvalidUtf8BeforeCounting) {
  WordTokenizer tokenizer;
  try {
    tokenizer.fit_on_texts({"fine text", "bad \xFF"});
    FAIL() << "accepted invalid UTF-8";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("text 1 of 2"), std::string::npos) << message;
    EXPECT_NE(message.find("byte offset 4"), std::string::npos) << message;
  }
  EXPECT_EQ(tokenizer.document_count(), 0);
  EXPECT_TRUE(tokenizer.word_counts().empty());
}

TEST(FitOnTexts, PutsOovTokenAtIndexOne) {
  WordTokenizer tokenizer(with_oov("<OOV>"));
  tokenizer.fit_on_texts(kPetTexts);
  EXPECT_EQ(tokenizer.oov_index(), 1);
  EXPECT_EQ(tokenizer.index_of("<OOV>"), 1);
  EXPECT_EQ(tokenizer.index_of("the"), 2);
  EXPECT_EQ(tokenizer.index_of("homework"), 10);
  EXPECT_EQ(tokenizer.vocab_size(), 11);
}

TEST(FitOnTexts, MergesWordEqualToOovToken) {
  WordTokenizer tokenizer(with_oov("unk"));
  tokenizer.fit_on_texts({"unk a a"});
  EXPECT_EQ(tokenizer.index_word(), (Words{"", "unk", "a"}));
  EXPECT_EQ(tokenizer.text_to_sequence("unk a b"), (Ids{1, 2, 1}));
  EXPECT_EQ(tokenizer.vocab_size(), 3);
}

TEST(TextToSequence, DropsUnknownWordsWithoutOov) {
  WordTokenizer tokenizer;
  tokenizer.fit_on_texts(kPetTexts);
  EXPECT_EQ(tokenizer.text_to_sequence("The cat ate a fish"), (Ids{1, 2, 7}));
  EXPECT_EQ(tokenizer.text_to_sequence(""), Ids{});
  EXPECT_EQ(tokenizer.text_to_sequence(" \t\n "), Ids{});
}

TEST(TextToSequence, AppliesNumWordsCutOff) {
  struct Case {
    std::optional<std::string> oov_token;
    std::optional<int> num_words;
    Ids ids;
    int vocab_size;
  };
  // "the mat sat on a dog": without OOV the=1 mat=5 sat=3 on=4 dog=6; with OOV every index
  // moves up by one (the=2 mat=6 sat=4 on=5 dog=7) and "a" is unknown.
  const std::vector<Case> cases = {
      {std::nullopt, std::nullopt, {1, 5, 3, 4, 6}, 10},
      {std::nullopt, 5, {1, 3, 4}, 5},
      {std::nullopt, 2, {1}, 2},
      {std::nullopt, 1, {}, 1},
      {std::nullopt, 100, {1, 5, 3, 4, 6}, 10},
      {"<OOV>", std::nullopt, {2, 6, 4, 5, 1, 7}, 11},
      {"<OOV>", 5, {2, 1, 4, 1, 1, 1}, 5},
      {"<OOV>", 2, {1, 1, 1, 1, 1, 1}, 2},
  };
  for (const Case& c : cases) {
    TokenizerOptions options;
    options.oov_token = c.oov_token;
    options.num_words = c.num_words;
    WordTokenizer tokenizer(options);
    tokenizer.fit_on_texts(kPetTexts);
    const std::string label = c.oov_token.value_or("no oov") + " num_words=" +
                              (c.num_words ? std::to_string(*c.num_words) : "unset");
    EXPECT_EQ(tokenizer.text_to_sequence("the mat sat on a dog"), c.ids) << label;
    EXPECT_EQ(tokenizer.vocab_size(), c.vocab_size) << label;
  }
}

TEST(TextToSequence, KeepsIdsBelowVocabSize) {
  TokenizerOptions options;
  options.oov_token = "<OOV>";
  options.num_words = 4;
  WordTokenizer tokenizer(options);
  tokenizer.fit_on_texts(kPetTexts);
  for (const Ids& ids : tokenizer.texts_to_sequences(kPetTexts)) {
    for (const int32_t id : ids) {
      EXPECT_GE(id, 1);
      EXPECT_LT(id, tokenizer.vocab_size());
    }
  }
}

TEST(TextToSequence, MapsCjkCharactersToTheirOwnIds) {
  WordTokenizer tokenizer;
  tokenizer.fit_on_texts({"我爱游戏 gg", "游戏"});
  // Counts: 我 1, 爱 1, 游 2, 戏 2, gg 1.
  EXPECT_EQ(tokenizer.index_word(), (Words{"", "游", "戏", "我", "爱", "gg"}));
  EXPECT_EQ(tokenizer.text_to_sequence("我玩游戏"), (Ids{3, 1, 2}));
}

TEST(TextsToSequences, NamesTextWithInvalidUtf8) {
  WordTokenizer tokenizer;
  tokenizer.fit_on_texts(kPetTexts);
  EXPECT_EQ(tokenizer.texts_to_sequences({"the cat", "mat"}), (std::vector<Ids>{{1, 2}, {5}}));
  try {
    tokenizer.texts_to_sequences({"the", "cat", "\xC0\x80"});
    FAIL() << "accepted invalid UTF-8";
  } catch (const InvalidArgument& error) {
    EXPECT_NE(std::string(error.what()).find("text 2 of 3"), std::string::npos) << error.what();
  }
}

TEST(TokenizerOptions, RejectsInvalidValues) {
  struct Case {
    std::string label;
    TokenizerOptions options;
    std::string field;
  };
  std::vector<Case> cases;
  {
    TokenizerOptions options;
    options.num_words = 0;
    cases.push_back({"num_words 0", options, "num_words"});
  }
  {
    TokenizerOptions options;
    options.num_words = -3;
    cases.push_back({"num_words -3", options, "num_words"});
  }
  {
    TokenizerOptions options = with_oov("<OOV>");
    options.num_words = 1;
    cases.push_back({"num_words 1 with oov", options, "num_words"});
  }
  {
    TokenizerOptions options;
    options.split = "";
    cases.push_back({"empty split", options, "split"});
  }
  {
    TokenizerOptions options;
    options.filters = "!\xFF";
    cases.push_back({"filters not UTF-8", options, "filters"});
  }
  {
    TokenizerOptions options = with_oov("\xC3");
    cases.push_back({"oov_token not UTF-8", options, "oov_token"});
  }
  for (const Case& c : cases) {
    try {
      WordTokenizer tokenizer(c.options);
      ADD_FAILURE() << c.label << " was accepted";
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find("option " + c.field + ":"), std::string::npos)
          << c.label << ": " << error.what();
    }
  }
}

}  // namespace
}  // namespace maas::text
