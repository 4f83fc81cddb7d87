// GTP version 2 (the Go Text Protocol) on the wire, for both directions: parsing command
// lines and formatting responses (the engine side, GtpServer), formatting commands and
// reading responses (the controller side, GtpEngine). Pure text; no I/O here.
//
// Facts from the GTP 2 specification: a command is "[id] command_name [arguments]"; before
// parsing, control characters other than HT and LF are dropped, '#' starts a comment, HT
// becomes a space, and empty lines are ignored. A response is "=[id] result" or
// "?[id] error message", and ends with an empty line (two newlines); it may span lines but
// holds no empty line.
//
// Thread-safety: free functions are pure; a ResponseReader is a plain value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace arena::gtp {

// One command as a controller sends it.
struct Command {
  std::optional<int> id;
  std::string name;
  std::vector<std::string> args;
  bool operator==(const Command&) const = default;
};

// The spec's preprocessing of one line (without its LF): control characters dropped, the
// comment cut, HT turned into a space, blanks trimmed.
std::string preprocess_line(std::string_view line);

// Parses one input line. nullopt for a line that is empty once preprocessed (blank or a
// comment only); otherwise the command, its id if the first word is a number, and its
// arguments split on spaces.
std::optional<Command> parse_command(std::string_view line);

// "[id ]name arg1 arg2\n": what a controller writes.
std::string format_command(const Command& command);

// "=[id] text\n\n" and "?[id] text\n\n". Empty lines inside `text` are dropped and
// trailing newlines trimmed, so the response cannot end early.
std::string format_success(std::optional<int> id, std::string_view text);
std::string format_failure(std::optional<int> id, std::string_view text);

// One response as a controller reads it.
struct Response {
  bool success = false;
  std::optional<int> id;
  std::string text;  // the result or error message, lines joined by '\n', trimmed
  bool operator==(const Response&) const = default;
};

// Parses one complete response (its lines, without the terminating empty line). A first
// line that starts with neither '=' nor '?' is a "protocol_error".
Result<Response> parse_response(std::string_view text);

// Splits a byte stream from an engine into responses. CR characters are dropped and empty
// lines before a response are skipped (some engines print extra ones).
class ResponseReader {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next complete response, nullopt when more bytes are needed, or an Error when the
  // engine wrote something that is not a response.
  std::optional<Result<Response>> next();
  // Bytes received but not yet part of a complete response.
  const std::string& pending() const { return buffer_; }

 private:
  std::string buffer_;
};

// "b"/"black" and "w"/"white", any case: true for black, false for white; nullopt otherwise.
std::optional<bool> parse_color(std::string_view text);
// The colour argument as commands take it: "b" or "w" ("genmove b").
inline const char* color_name(bool black) { return black ? "b" : "w"; }

}  // namespace arena::gtp
