#include "agents/gtp/protocol.h"

#include <charconv>

namespace arena::gtp {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) words.emplace_back(s.substr(start, i - start));
  }
  return words;
}

// A non-negative decimal number that fits an int, or nullopt.
std::optional<int> parse_id(std::string_view word) {
  if (word.empty()) return std::nullopt;
  for (char c : word) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int id = 0;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
  if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
  return id;
}

std::string format_response(char mark, std::optional<int> id, std::string_view text) {
  std::string out(1, mark);
  if (id) out += std::to_string(*id);
  out += ' ';
  // No empty line may appear inside a response, and it must end with exactly one.
  bool line_empty = false;  // the text's first line follows "= " on the same line
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') {
      if (line_empty) continue;
      line_empty = true;
    } else {
      line_empty = false;
    }
    out += c;
  }
  while (out.back() == '\n') out.pop_back();
  out += "\n\n";
  return out;
}

}  // namespace

std::string preprocess_line(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '#') break;
    if (c == '\t') {
      out += ' ';
    } else if (u >= 32 && u != 127) {
      out += c;
    }
    // Other control characters (CR included) are dropped.
  }
  return std::string(trim(out));
}

std::optional<Command> parse_command(std::string_view line) {
  std::vector<std::string> words = split_words(preprocess_line(line));
  if (words.empty()) return std::nullopt;
  Command command;
  size_t next = 0;
  if (std::optional<int> id = parse_id(words[0]); id && words.size() > 1) {
    command.id = id;
    next = 1;
  }
  command.name = words[next];
  command.args.assign(words.begin() + static_cast<std::ptrdiff_t>(next) + 1, words.end());
  return command;
}

std::string format_command(const Command& command) {
  std::string out;
  if (command.id) out += std::to_string(*command.id) + " ";
  out += command.name;
  for (const std::string& arg : command.args) out += " " + arg;
  out += '\n';
  return out;
}

std::string format_success(std::optional<int> id, std::string_view text) {
  return format_response('=', id, text);
}

std::string format_failure(std::optional<int> id, std::string_view text) {
  return format_response('?', id, text);
}

Result<Response> parse_response(std::string_view text) {
  if (text.empty() || (text[0] != '=' && text[0] != '?')) {
    const std::string shown(text.substr(0, text.find('\n')).substr(0, 80));
    return make_error("protocol_error", "expected a GTP response ('=' or '?'), got '" + shown + "'");
  }
  Response response;
  response.success = text[0] == '=';
  size_t i = 1;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i > 1) response.id = parse_id(text.substr(1, i - 1));
  // The result starts after the blank that follows "=id" and may continue on the next
  // lines (showboard starts its result on the next line); blanks at line ends are dropped.
  std::vector<std::string_view> lines;
  std::string_view rest = text.substr(i);
  for (;;) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  lines[0] = trim(lines[0]);
  size_t first = 0;
  while (first < lines.size() && lines[first].empty()) ++first;
  std::string cleaned;
  for (size_t k = first; k < lines.size(); ++k) {
    if (k > first) cleaned += '\n';
    cleaned += lines[k];
  }
  while (!cleaned.empty() && cleaned.back() == '\n') cleaned.pop_back();
  response.text = std::move(cleaned);
  return response;
}

std::optional<Result<Response>> ResponseReader::next() {
  // Drop CRs and the empty lines that precede a response.
  std::erase(buffer_, '\r');
  size_t skip = 0;
  while (skip < buffer_.size() && buffer_[skip] == '\n') ++skip;
  buffer_.erase(0, skip);
  const size_t end = buffer_.find("\n\n");
  if (end == std::string::npos) return std::nullopt;
  std::string text = buffer_.substr(0, end);
  buffer_.erase(0, end + 2);
  return parse_response(text);
}

std::optional<bool> parse_color(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "b" || lower == "black") return true;
  if (lower == "w" || lower == "white") return false;
  return std::nullopt;
}

}  // namespace arena::gtp
