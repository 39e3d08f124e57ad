#include "tests/report/xml_checker.h"

#include <cctype>
#include <set>
#include <stdexcept>

namespace maas::testing {

namespace {

class XmlReader {
 public:
  explicit XmlReader(std::string_view text) : text_(text) {}

  std::unique_ptr<XmlElement> read_document() {
    if (text_.substr(0, 5) == "<?xml") {
      const std::size_t end = text_.find("?>");
      if (end == std::string_view::npos) fail("unterminated XML declaration");
      position_ = end + 2;
    }
    skip_space();
    auto root = read_element();
    skip_space();
    if (position_ != text_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw std::runtime_error(message + " at byte " + std::to_string(position_));
  }

  bool at_end() const { return position_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[position_]; }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++position_;
  }

  void skip_space() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(peek()))) ++position_;
  }

  std::string read_name() {
    const std::size_t start = position_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '-' || peek() == '_' ||
                         peek() == ':' || peek() == '.')) {
      ++position_;
    }
    if (position_ == start) fail("expected a name");
    return std::string(text_.substr(start, position_ - start));
  }

  // Decodes text up to `stop`, rejecting a raw '<' and any '&' that does not start an entity.
  std::string read_text(char stop) {
    std::string out;
    while (!at_end() && peek() != stop) {
      const char c = peek();
      if (c == '<') fail("raw '<' in text or attribute value");
      if (c == '&') {
        out += read_entity();
        continue;
      }
      out += c;
      ++position_;
    }
    return out;
  }

  std::string read_entity() {
    const std::size_t end = text_.find(';', position_);
    if (end == std::string_view::npos || end - position_ > 10) fail("'&' that does not start an entity");
    const std::string_view entity = text_.substr(position_ + 1, end - position_ - 1);
    position_ = end + 1;
    if (entity == "amp") return "&";
    if (entity == "lt") return "<";
    if (entity == "gt") return ">";
    if (entity == "quot") return "\"";
    if (entity == "apos") return "'";
    if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x';
      const std::string digits(entity.substr(hex ? 2 : 1));
      if (digits.empty()) fail("empty character reference");
      const unsigned long code = std::stoul(digits, nullptr, hex ? 16 : 10);
      if (code < 0x80) return std::string(1, static_cast<char>(code));
      return "?";  // tests only look for ASCII through references
    }
    fail("unknown entity &" + std::string(entity) + ";");
  }

  std::unique_ptr<XmlElement> read_element() {
    expect('<');
    auto element = std::make_unique<XmlElement>();
    element->name = read_name();
    while (true) {
      skip_space();
      if (peek() == '/') {
        ++position_;
        expect('>');
        return element;
      }
      if (peek() == '>') {
        ++position_;
        break;
      }
      const std::string name = read_name();
      expect('=');
      expect('"');
      std::string value = read_text('"');
      expect('"');
      if (!element->attributes.emplace(name, std::move(value)).second) fail("duplicate attribute " + name);
    }
    while (true) {
      if (at_end()) fail("unclosed element <" + element->name + ">");
      if (text_.substr(position_, 2) == "</") {
        position_ += 2;
        const std::string name = read_name();
        if (name != element->name) fail("</" + name + "> closes <" + element->name + ">");
        skip_space();
        expect('>');
        return element;
      }
      if (peek() == '<') {
        if (text_.substr(position_, 2) == "<!" || text_.substr(position_, 2) == "<?") {
          fail("comments, CDATA and processing instructions are not expected");
        }
        element->children.push_back(read_element());
        continue;
      }
      element->text += read_text('<');
    }
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

void collect(const XmlElement& element, std::string_view name, std::vector<const XmlElement*>& out) {
  if (element.name == name) out.push_back(&element);
  for (const auto& child : element.children) collect(*child, name, out);
}

}  // namespace

std::vector<const XmlElement*> XmlElement::find_all(std::string_view name) const {
  std::vector<const XmlElement*> found;
  collect(*this, name, found);
  return found;
}

std::string XmlElement::all_text() const {
  std::string out = text;
  for (const auto& child : children) out += child->all_text();
  return out;
}

XmlParseResult parse_xml(std::string_view document) {
  XmlParseResult result;
  try {
    result.root = XmlReader(document).read_document();
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace maas::testing
